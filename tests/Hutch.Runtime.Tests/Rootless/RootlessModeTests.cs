using Hutch.Linux.Namespaces;
using Hutch.Runtime.Rootless;
using Hutch.Runtime.State;

namespace Hutch.Runtime.Tests.Rootless;

public class RootlessModeTests
{
    private static readonly UserNamespaceIds Initial = UserNamespaceIds.Parse("0 0 4294967295\n");
    private static readonly UserNamespaceIds Podman = UserNamespaceIds.Parse("0 1001 1\n1 100000 65536\n");
    private static readonly UserNamespaceIds MapsRoot = UserNamespaceIds.Parse("0 0 65536\n");

    [Fact]
    public void Auto_is_rootless_for_a_user_or_for_root_in_a_namespace_without_the_hosts_root()
    {
        Assert.False(RootlessMode.Detect(0, Initial));
        Assert.True(RootlessMode.Detect(1001, Initial));
        Assert.True(RootlessMode.Detect(0, Podman));
        Assert.False(RootlessMode.Detect(0, MapsRoot));
        Assert.True(RootlessMode.Detect(1001, MapsRoot));
    }

    [Fact]
    public void An_explicit_flag_wins_over_detection()
    {
        Assert.True(RootlessMode.Resolve(true));
        Assert.False(RootlessMode.Resolve(false));
    }

    [Fact]
    public void The_state_root_follows_runcs_xdg_rule()
    {
        // A user: $XDG_RUNTIME_DIR/hutch, else /run/hutch.
        Assert.Equal(new DefaultStateRoot("/run/user/1001/hutch", true), StateRoot.Default(1001, Initial, "/run/user/1001", "alice"));
        Assert.Equal(new DefaultStateRoot("/run/hutch", false), StateRoot.Default(1001, Initial, null, "alice"));
        Assert.Equal(new DefaultStateRoot("/run/hutch", false), StateRoot.Default(1001, Initial, "", "alice"));
        // The host's root keeps /run/hutch even in a login session with XDG_RUNTIME_DIR=/run/user/0.
        Assert.Equal(new DefaultStateRoot("/run/hutch", false), StateRoot.Default(0, Initial, "/run/user/0", "root"));
        // Root in a user namespace (rootless podman): the user's directory, unless USER is root.
        Assert.Equal(new DefaultStateRoot("/run/user/1001/hutch", true), StateRoot.Default(0, Podman, "/run/user/1001", "alice"));
        Assert.Equal(new DefaultStateRoot("/run/user/1001/hutch", true), StateRoot.Default(0, Podman, "/run/user/1001", null));
        Assert.Equal(new DefaultStateRoot("/run/hutch", false), StateRoot.Default(0, Podman, "/run/user/1001", "root"));
    }

    [Fact]
    public void The_xdg_root_is_made_private_and_sticky()
    {
        var xdg = Directory.CreateTempSubdirectory("hutch-xdg-").FullName;
        try
        {
            var root = Path.Combine(xdg, StateRoot.XdgSubdirectory);
            StateRoot.PrepareXdgRoot(root);
            StateRoot.PrepareXdgRoot(root); // again: it exists
            // st_mode's permission bits (stat(1) %a): 1700.
            Assert.Equal("1700", Stat(root));
        }
        finally
        {
            Directory.Delete(xdg, recursive: true);
        }
    }

    private static string Stat(string path)
    {
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%a", path])
        {
            RedirectStandardOutput = true,
        })!;
        var text = stat.StandardOutput.ReadToEnd().Trim();
        stat.WaitForExit();
        return text;
    }

    [Fact]
    public void An_xdg_runtime_dir_that_does_not_exist_is_an_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "hutch-no-such-xdg-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<StateException>(() => StateRoot.PrepareXdgRoot(Path.Combine(missing, "hutch")));
        Assert.Contains("XDG_RUNTIME_DIR (" + missing + ")", e.Message, StringComparison.Ordinal);
        Assert.Contains("no such file or directory", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }
}
