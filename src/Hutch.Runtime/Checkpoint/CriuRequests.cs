using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Runtime.Checkpoint.Rpc;
using Hutch.Spec;

namespace Hutch.Runtime.Checkpoint;

/// <summary>The CRIU options checkpoint and restore set alike (runc's), and the directories they name.</summary>
internal static class CriuRequests
{
    /// <summary>runc's key for CRIU's per-container configuration file, and the file used without it.</summary>
    public const string ConfigAnnotation = "org.criu.config";

    public const string DefaultConfigFile = "/etc/criu/runc.conf";

    public static CriuOpts Common(CriuFlags flags, SafeFd images, SafeFd work, string logFile, ContainerConfig config)
    {
        // images_dir_fd and work_dir_fd are hutch's own fd numbers: criu opens them as /proc/PEER/fd/N.
        var opts = new CriuOpts
        {
            ImagesDirFd = images.Fd,
            WorkDirFd = work.Fd,
            LogLevel = 4,
            LogFile = logFile,
            ManageCgroups = true,
            NotifyScripts = true,
            ShellJob = flags.ShellJob,
            TcpEstablished = flags.TcpEstablished,
            ExtUnixSk = flags.ExtUnixSk,
            FileLocks = flags.FileLocks,
            AutoDedup = flags.AutoDedup,
            LazyPages = flags.LazyPages,
            OrphanPtsMaster = true,
            EmptyNs = EmptyNamespaces(flags.EmptyNs),
        };
        if (flags.ManageCgroupsMode is { } mode)
        {
            opts.ManageCgroupsMode = CgroupsMode(mode);
        }
        // runc's rule: the annotation names a file ("" none at all); without it runc.conf, so one
        // CRIU configuration serves the runtimes alike. CRIU ignores a file that does not exist.
        if (config.Annotations?.TryGetValue(ConfigAnnotation, out var file) == true)
        {
            if (file.Length > 0)
            {
                opts.ConfigFile = file;
            }
        }
        else
        {
            opts.ConfigFile = DefaultConfigFile;
        }
        return opts;
    }

    /// <summary>--manage-cgroups-mode's values; checked by the CLI before anything runs.</summary>
    public static bool TryParseCgroupsMode(string value, out CgMode mode)
    {
        switch (value)
        {
            case "soft": mode = CgMode.Soft; return true;
            case "full": mode = CgMode.Full; return true;
            case "strict": mode = CgMode.Strict; return true;
            case "ignore": mode = CgMode.Ignore; return true;
            default: mode = CgMode.Default; return false;
        }
    }

    private static CgMode CgroupsMode(string value) => TryParseCgroupsMode(value, out var mode) ? mode
        : throw new CriuException($"invalid --manage-cgroups-mode `{value}`: use soft, full, strict or ignore");

    /// <summary>
    /// runc's mask: the network namespace is always "empty" (created, its devices and addresses
    /// not restored: hutch, like runc, does not manage networking; a namespace given by path is
    /// external anyway); --empty-ns may name only "network".
    /// </summary>
    private static uint EmptyNamespaces(IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (name != "network")
            {
                throw new CriuException($"--empty-ns `{name}`: not supported; only `network` may be given (and it is always empty, as with runc)");
            }
        }
        return (uint)NamespaceKind.Network;
    }

    /// <summary>runc's id for a namespace given by path: "extRootNetNS", "extRootPidNS".</summary>
    public static string ExternalKey(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Network => "extRootNetNS",
        NamespaceKind.Pid => "extRootPidNS",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Makes <paramref name="path"/> (0700, parents too) when missing and opens it.</summary>
    public static SafeFd OpenDirectory(string path, string what, bool create)
    {
        if (create)
        {
            // Parents as `mkdir -p`; the directory itself 0700 (images hold the container's memory).
            var parent = Path.GetDirectoryName(path);
            try
            {
                if (parent is not null)
                {
                    Directory.CreateDirectory(parent);
                }
            }
            catch (Exception e) when (IoErrors.IsIoFailure(e))
            {
                throw new CriuException($"{what} {path}: cannot create its parent: {IoErrors.Describe(e)}", e);
            }
            if (Libc.mkdir(path, 0b111_000_000) != 0 && Libc.LastErrno != Errno.EEXIST)
            {
                throw new CriuException($"{what} {path}: cannot create it: {Errno.Describe(Libc.LastErrno)}");
            }
        }
        var rc = Libc.OpenAt(null, path, Libc.O_RDONLY | Libc.O_DIRECTORY, 0, out var fd);
        if (rc < 0)
        {
            fd.Dispose();
            throw new CriuException($"{what} {path}: {Errno.Describe(-rc)}"
                + (-rc == Errno.ENOENT ? " (no such directory: is it the directory `hutch checkpoint --image-path` wrote?)" : ""));
        }
        return fd;
    }

    /// <summary>The namespace `path` the config gives for <paramref name="kind"/>, or null.</summary>
    public static string? NamespacePath(ContainerConfig config, NamespaceKind kind) =>
        config.Linux?.Namespaces?.FirstOrDefault(n => n.Type == kind.OciName() && !string.IsNullOrEmpty(n.Path))?.Path;
}
