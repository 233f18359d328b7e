using Hutch.Spec;
using Hutch.Testing;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// A systemd "node" for the whole test run: systemd 252 booted as PID 1 of a container started by
/// bin/hutch itself (tests/tools/systemd-node/node.sh; the rootfs is built once by build-rootfs.sh
/// and cached outside the checkout), with bin/hutch copied in as /usr/local/bin/hutch and runc,
/// podman and containerd from Debian beside it. Dispose halts systemd cleanly (SIGRTMIN+3),
/// deletes the container and removes its folder. A node that does not boot fails every test
/// that uses it, with the script's output.
/// </summary>
public sealed class SystemdNode : IDisposable
{
    private static readonly TimeSpan BootDeadline = TimeSpan.FromMinutes(12); // a first rootfs build included
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(60);
    private readonly string _work;
    private readonly string _dir;
    private readonly Lazy<Outcome> _boot;

    public SystemdNode()
    {
        _work = Directory.CreateTempSubdirectory("hutch-node-work-").FullName;
        _dir = Path.Combine(Path.GetTempPath(), "hutch-node-" + Guid.NewGuid().ToString("N")[..8]);
        Name = "hutch-node-" + Guid.NewGuid().ToString("N")[..8];
        _boot = new Lazy<Outcome>(Boot);
    }

    /// <summary>The node's container id (in its own --root under the node's folder).</summary>
    public string Name { get; }

    /// <summary>The busybox rootfs inside the node.</summary>
    public const string BusyboxRootfs = "/opt/busybox";

    private static string Script => Path.Combine(Host.RepoRoot, "tests", "tools", "systemd-node", "node.sh");

    /// <summary>The node's root filesystem as the host sees it (an overlay mount).</summary>
    private string RootfsOnHost => Path.Combine(_dir, "rootfs");

    /// <summary>Boots the node on first use; throws with the script's output when it does not reach `running`.</summary>
    public void EnsureBooted()
    {
        var boot = _boot.Value;
        if (boot.ExitCode != 0)
        {
            throw new InvalidOperationException($"the systemd node did not boot: {boot}");
        }
    }

    /// <summary>Runs `sh -c SCRIPT` inside the node.</summary>
    public Outcome Sh(string script)
    {
        EnsureBooted();
        return ClientProcess.Run(_work, CommandDeadline, HutchBinary.PathName, ["--root", Path.Combine(_dir, "state"), "exec", Name, "sh", "-c", script]);
    }

    /// <summary>Runs `sh -c SCRIPT` inside the node and returns its stdout; fails the test on a non-zero exit.</summary>
    public string Check(string script)
    {
        var outcome = Sh(script);
        Assert.True(outcome.ExitCode == 0, $"in the node: {script}\n{outcome}");
        return outcome.Stdout;
    }

    /// <summary>
    /// Writes a bundle inside the node at /var/tmp/bundles/NAME: the default spec over the node's
    /// busybox, `sleep 100000`, edited by <paramref name="edit"/>. Returns its path in the node.
    /// </summary>
    internal string Bundle(string name, Action<ContainerConfig>? edit = null)
    {
        EnsureBooted();
        var inNode = "/var/tmp/bundles/" + name;
        var onHost = RootfsOnHost + inNode;
        Directory.CreateDirectory(onHost);
        var config = DefaultConfig.Create();
        config.Root!.Path = BusyboxRootfs;
        config.Process!.Terminal = false;
        config.Process.Args = ["sleep", "100000"];
        edit?.Invoke(config);
        File.WriteAllText(Path.Combine(onHost, "config.json"), ConfigJson.Serialize(config));
        return inNode;
    }

    private Outcome Boot()
    {
        var environment = new Dictionary<string, string> { ["HUTCH_BIN"] = HutchBinary.PathName };
        return ClientProcess.Run(_work, BootDeadline, "bash", [Script, "start", _dir, Name, HutchBinary.PathName], environment);
    }

    public void Dispose()
    {
        try
        {
            if (_boot.IsValueCreated)
            {
                var stop = ClientProcess.Run(_work, TimeSpan.FromSeconds(90), "bash", [Script, "stop", _dir, Name]);
                if (stop.ExitCode != 0)
                {
                    throw new InvalidOperationException($"stopping the systemd node failed: {stop}");
                }
            }
        }
        finally
        {
            Directory.Delete(_work, recursive: true);
        }
    }
}

/// <summary>The test classes that share one systemd node (booted once per test run).</summary>
[CollectionDefinition(Name)]
public sealed class SystemdNodeCollection : ICollectionFixture<SystemdNode>
{
    public const string Name = "systemd node";
}

/// <summary>A test that runs inside the systemd node: root, bin/hutch, and what builds and boots the node.</summary>
public sealed class SystemdNodeFactAttribute : FactAttribute
{
    public SystemdNodeFactAttribute()
    {
        Skip = ClientRequirements.Missing(("mmdebstrap", "mmdebstrap"), ("jq", "jq"), ("flock", "util-linux"), ("mountpoint", "util-linux"));
        if (Skip is null && !File.Exists("/etc/apt/sources.list.d/debian.sources") && !File.Exists("/etc/apt/sources.list"))
        {
            Skip = "no Debian apt sources on this host: the node's rootfs is built with mmdebstrap from the host's mirror";
        }
    }
}
