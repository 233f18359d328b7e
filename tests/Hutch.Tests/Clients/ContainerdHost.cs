using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Hutch.Tests.Integration;

namespace Hutch.Tests.Clients;

/// <summary>
/// A containerd of its own for one test class (started on first use): root, state, opt and
/// socket in a temp folder, no CRI plugin; containers run with `ctr run --rootfs` over
/// <see cref="ContainerHost.Rootfs"/> through the runc shim with bin/hutch as the runc binary
/// and a --runc-root in the folder. Dispose kills and removes every task and container, stops
/// containerd, ends any shim of this containerd still running, and removes the folder.
/// </summary>
public sealed class ContainerdHost : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly Lazy<Process> _daemon;
    private readonly List<string> _ids = [];
    private readonly string _work;
    private bool _imported;

    public ContainerdHost()
    {
        _work = Directory.CreateTempSubdirectory("hutch-ctrd-").FullName;
        _daemon = new Lazy<Process>(StartDaemon);
    }

    private string Socket => Path.Combine(_work, "containerd.sock");

    /// <summary>The --runc-root the shim passes to hutch (as `--root RUNC_ROOT/default`).</summary>
    public string RuncRoot => Path.Combine(_work, "runc");

    /// <summary>ctr's task stdio fifos (by default in /run/containerd/fifo, left there when ctr is killed).</summary>
    private string FifoDirectory => Path.Combine(_work, "fifo");

    /// <summary>The --root hutch gets from the shim in the default namespace.</summary>
    public string HutchRoot => Path.Combine(RuncRoot, "default");

    /// <summary>A unique container id, removed in Dispose.</summary>
    public string NewId()
    {
        var id = "hutch-" + Guid.NewGuid().ToString("N")[..12];
        lock (_ids)
        {
            _ids.Add(id);
        }
        return id;
    }

    /// <summary>`ctr run OPTIONS --runc-binary hutch --runc-root R --rootfs BUSYBOX ID COMMAND...`.</summary>
    public Outcome Run(IEnumerable<string> options, string id, params string[] command) =>
        Ctr(["run", .. options, "--fifo-dir", FifoDirectory, "--runc-binary", HutchBinary.PathName, "--runc-root", RuncRoot, "--rootfs", ContainerHost.Rootfs, id, .. command]);

    /// <summary>
    /// The same as <see cref="Run"/> on a terminal of its own (`script -qfec "ctr run ..." /dev/null`),
    /// for `ctr run -t`; killed after <paramref name="deadline"/>.
    /// </summary>
    public Outcome RunOnTerminal(IEnumerable<string> options, string id, TimeSpan deadline, params string[] command)
    {
        _ = _daemon.Value;
        var line = ClientProcess.ShellLine(["ctr", "--address", Socket, "run", .. options, "--fifo-dir", FifoDirectory, "--runc-binary", HutchBinary.PathName,
            "--runc-root", RuncRoot, "--rootfs", ContainerHost.Rootfs, id, .. command]);
        return ClientProcess.Run(_work, deadline, "script", ["-qfec", line, "/dev/null"], holdStdin: true);
    }

    /// <summary>`ctr run OPTIONS --runc-binary RUNTIME --runc-root R IMAGE ID COMMAND...` (an image from <see cref="ImportBusybox"/>).</summary>
    public Outcome RunImage(IEnumerable<string> options, string runtime, string image, string id, params string[] command) =>
        Ctr(["run", .. options, "--fifo-dir", FifoDirectory, "--runc-binary", runtime, "--runc-root", RuncRoot, image, id, .. command]);

    /// <summary>
    /// Imports <see cref="ContainerHost.Rootfs"/> as the image "localhost/hutch-busybox:ctr" (an OCI
    /// archive of one uncompressed layer, made here: no registry), once; returns its name. Needed
    /// where containerd wants an image (`ctr container checkpoint`).
    /// </summary>
    public string ImportBusybox()
    {
        const string name = "localhost/hutch-busybox:ctr";
        lock (_ids)
        {
            if (_imported)
            {
                return name;
            }
            var layout = Path.Combine(_work, "oci");
            var blobs = Path.Combine(layout, "blobs", "sha256");
            Directory.CreateDirectory(blobs);
            var layerTar = Path.Combine(_work, "layer.tar");
            ContainerHost.HostCommand("tar", "-C", ContainerHost.Rootfs, "-cf", layerTar, ".");
            var (layer, layerSize) = Blob(blobs, File.ReadAllBytes(layerTar));
            File.Delete(layerTar);
            var (config, configSize) = Blob(blobs, Encoding.UTF8.GetBytes(
                $$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:{{{layer}}}"]},"config":{"Cmd":["sh"]}}"""));
            var (manifest, manifestSize) = Blob(blobs, Encoding.UTF8.GetBytes(
                $$$"""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{{{config}}}","size":{{{configSize}}}},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:{{{layer}}}","size":{{{layerSize}}}}]}"""));
            File.WriteAllText(Path.Combine(layout, "index.json"),
                $$$"""{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{manifest}}}","size":{{{manifestSize}}},"annotations":{"io.containerd.image.name":"{{{name}}}"}}]}""");
            File.WriteAllText(Path.Combine(layout, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
            var archive = Path.Combine(_work, "image.tar");
            ContainerHost.HostCommand("tar", "-C", layout, "-cf", archive, ".");
            var imported = Ctr("image", "import", archive);
            File.Delete(archive);
            Directory.Delete(layout, recursive: true);
            _imported = imported.ExitCode == 0 ? true : throw new InvalidOperationException("ctr image import failed: " + imported);
            return name;
        }
    }

    private static (string Digest, long Size) Blob(string blobs, byte[] content)
    {
        var digest = Convert.ToHexStringLower(SHA256.HashData(content));
        File.WriteAllBytes(Path.Combine(blobs, digest), content);
        return (digest, content.LongLength);
    }

    /// <summary>Runs `ctr --address SOCKET args...` (containerd is started first).</summary>
    public Outcome Ctr(params string[] args)
    {
        _ = _daemon.Value;
        return ClientProcess.Run(_work, Deadline, "ctr", ["--address", Socket, .. args]);
    }

    private Process StartDaemon()
    {
        var config = Path.Combine(_work, "config.toml");
        File.WriteAllText(config, $"""
            version = 2
            root = "{_work}/root"
            state = "{_work}/state"
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            [grpc]
              address = "{Socket}"
            [ttrpc]
              address = "{Socket}.ttrpc"
            [plugins."io.containerd.internal.v1.opt"]
              path = "{_work}/opt"
            """);
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = _work };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec containerd --config \"$0\" </dev/null >\"$1\" 2>&1");
        start.ArgumentList.Add(config);
        start.ArgumentList.Add(Path.Combine(_work, "containerd.log"));
        // containerd's shims leave their checkpoint work directories (ctrd-checkpoint*, CRIU's
        // images) in the temporary directory: under the work directory, removed with it.
        var temporary = Directory.CreateDirectory(Path.Combine(_work, "tmp")).FullName;
        start.Environment["TMPDIR"] = temporary;
        // The shim runs the runtime with containerd's PATH, where hutch and runc find `criu`.
        if (CriuTool.Missing() is null)
        {
            start.Environment["PATH"] = Path.GetDirectoryName(CriuTool.Path) + ":" + Environment.GetEnvironmentVariable("PATH");
        }
        var daemon = Process.Start(start) ?? throw new InvalidOperationException("cannot start containerd");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (DateTime.UtcNow < deadline && !daemon.HasExited)
        {
            if (File.Exists(Socket) && ClientProcess.Run(_work, Deadline, "ctr", ["--address", Socket, "version"]).ExitCode == 0)
            {
                return daemon;
            }
            Thread.Sleep(100);
        }
        var log = File.ReadAllText(Path.Combine(_work, "containerd.log"));
        if (!daemon.HasExited)
        {
            daemon.Kill();
        }
        throw new InvalidOperationException("containerd did not start serving " + Socket + " within 15 s; its log:\n" + log);
    }

    public void Dispose()
    {
        try
        {
            if (_daemon.IsValueCreated)
            {
                foreach (var id in _ids)
                {
                    ClientProcess.Run(_work, Deadline, "ctr", ["--address", Socket, "task", "kill", "--signal", "SIGKILL", id]);
                    ClientProcess.Run(_work, Deadline, "ctr", ["--address", Socket, "task", "rm", "--force", id]);
                    ClientProcess.Run(_work, Deadline, "ctr", ["--address", Socket, "container", "rm", id]);
                }
                StopDaemon(_daemon.Value);
                KillShimsOf(Socket);
                foreach (var id in _ids)
                {
                    File.Delete(ShimSocket(Socket, id)); // a killed shim leaves it behind
                }
                foreach (var id in _ids)
                {
                    HutchBinary.Run(null, "--root", HutchRoot, "delete", "--force", id);
                }
            }
        }
        finally
        {
            PodmanHost.UnmountUnder(_work);
            Directory.Delete(_work, recursive: true);
            ClientCgroups.RemoveEmpty("default");
        }
    }

    private static void StopDaemon(Process daemon)
    {
        using (daemon)
        {
            if (!daemon.HasExited)
            {
                ContainerHost.HostCommand("kill", "-TERM", daemon.Id.ToString(CultureInfo.InvariantCulture));
                if (!daemon.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    daemon.Kill();
                }
            }
            daemon.WaitForExit();
        }
    }

    /// <summary>
    /// Where containerd 1.6 puts the socket of the shim of container <paramref name="id"/> in the
    /// default namespace: /run/containerd/s/ and the hex SHA-256 of "ADDRESS/default/ID".
    /// </summary>
    private static string ShimSocket(string address, string id) =>
        "/run/containerd/s/" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(address + "/default/" + id)));

    /// <summary>
    /// Ends the runc shims this containerd started that are still running (one whose task
    /// never got deleted): each by its pid, found by this containerd's socket in its argv.
    /// </summary>
    private static void KillShimsOf(string socket)
    {
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var argv = File.ReadAllText(Path.Combine(proc, "cmdline")).Split('\0');
                if (argv[0].EndsWith("containerd-shim-runc-v2", StringComparison.Ordinal) && argv.Contains(socket))
                {
                    using var shim = Process.GetProcessById(pid);
                    shim.Kill();
                    shim.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // The process ended meanwhile.
            }
        }
    }
}
