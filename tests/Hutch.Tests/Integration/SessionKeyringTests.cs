using Hutch.Spec;

namespace Hutch.Tests.Integration;

/// <summary>The init joins a new session keyring "_ses.&lt;id&gt;" (runc's default) unless --no-new-keyring.</summary>
public sealed class SessionKeyringTests(ContainerHost host) : IClassFixture<ContainerHost>
{
    [ContainerFact]
    public void The_process_has_a_session_keyring_named_after_the_container()
    {
        var id = host.NewId();
        var bundle = host.Bundle(ReadKeysAsNobody);

        var outcome = host.Hutch("run", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        // Only possession lets uid 65534 view a keyring root created (other has no permission).
        Assert.Contains(SessionKeyringLines(outcome.Stdout), line => line.Contains("_ses." + id, StringComparison.Ordinal));
    }

    [ContainerFact]
    public void No_new_keyring_keeps_the_runtimes_session_keyring()
    {
        var id = host.NewId();
        var bundle = host.Bundle(ReadKeysAsNobody);

        var outcome = host.Hutch("run", "--no-new-keyring", "--bundle", bundle, id);

        Assert.True(outcome.ExitCode == 0, outcome.ToString());
        Assert.DoesNotContain(SessionKeyringLines(outcome.Stdout), line => line.Contains("_ses." + id, StringComparison.Ordinal));
    }

    /// <summary>
    /// cat /proc/keys as uid 65534, which lists only the keys it may view: those it possesses
    /// (its session keyring) and its own. /proc/keys is unmasked for the test (runc's default masks it).
    /// </summary>
    private static void ReadKeysAsNobody(ContainerConfig c)
    {
        c.Process!.Args = ["cat", "/proc/keys"];
        c.Process.User = new User { Uid = 65534, Gid = 65534 };
        c.Linux!.MaskedPaths = [.. (c.Linux.MaskedPaths ?? []).Where(path => path != "/proc/keys")];
    }

    private static List<string> SessionKeyringLines(string procKeys) =>
        [.. procKeys.Split('\n').Where(line => line.Contains(" keyring ", StringComparison.Ordinal))];
}
