using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;

namespace Hutch.Runtime.State;

/// <summary>
/// The default --root, by runc's rule: $XDG_RUNTIME_DIR/hutch when XDG_RUNTIME_DIR is set and
/// not empty and hutch is not the host's root (an effective uid other than 0, or uid 0 in a
/// user namespace unless USER is "root"); otherwise /run/hutch. Real root keeps /run/hutch even
/// when a login session set XDG_RUNTIME_DIR=/run/user/0, as runc does. An unprivileged user
/// without XDG_RUNTIME_DIR also gets /run/hutch, and the first command that writes state says
/// how to choose another (StateStore).
/// </summary>
internal static class StateRoot
{
    /// <summary>The directory under XDG_RUNTIME_DIR, named after the runtime as runc and crun name theirs.</summary>
    public const string XdgSubdirectory = "hutch";

    /// <summary>The root for this process's uid, namespace and environment.</summary>
    public static DefaultStateRoot Default() => Default(
        Libc.geteuid(),
        UserNamespaceIds.OfSelf(),
        Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"),
        Environment.GetEnvironmentVariable("USER"));

    /// <summary>The rule itself (pure).</summary>
    internal static DefaultStateRoot Default(uint euid, UserNamespaceIds ns, string? xdgRuntimeDir, string? user)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (string.IsNullOrEmpty(xdgRuntimeDir) || !HonoursXdgRuntimeDir(euid, ns, user))
        {
            return new DefaultStateRoot(StateStore.DefaultRoot, FromXdgRuntimeDir: false);
        }
        return new DefaultStateRoot(Path.Combine(xdgRuntimeDir, XdgSubdirectory), FromXdgRuntimeDir: true);
    }

    private static bool HonoursXdgRuntimeDir(uint euid, UserNamespaceIds ns, string? user)
    {
        if (euid != 0)
        {
            return true;
        }
        if (ns.IsInitial)
        {
            return false;
        }
        // uid 0 in a user namespace: a session's own root keeps USER=root (then /run/hutch, as root).
        return user != "root";
    }

    /// <summary>
    /// Makes the XDG root (0700) and sets its sticky bit: the XDG base directory specification lets
    /// a session's cleaner prune files in XDG_RUNTIME_DIR that lack it. Throws StateException naming
    /// the variable when the directory cannot be made there.
    /// </summary>
    public static void PrepareXdgRoot(string root)
    {
        const uint mode = 0b1_111_000_000; // 01700
        var xdg = Path.GetDirectoryName(root) ?? root;
        if (Libc.mkdir(root, mode & 0b111_111_111) != 0 && Libc.LastErrno is var errno && errno != Errno.EEXIST)
        {
            throw new StateException(root,
                $"cannot create the state root in XDG_RUNTIME_DIR ({xdg}): {Errno.Describe(errno)}; " +
                "XDG_RUNTIME_DIR must be a directory the user owns and can write (e.g. /run/user/UID), or pass --root DIR");
        }
        if (Libc.chmod(root, mode) != 0)
        {
            throw new StateException(root,
                $"cannot set the state root's mode to 01700: {Errno.Describe(Libc.LastErrno)}; check the permissions of XDG_RUNTIME_DIR ({xdg}), or pass --root DIR");
        }
    }
}

/// <summary>The default state root and whether it came from XDG_RUNTIME_DIR (then it is prepared before use).</summary>
internal readonly record struct DefaultStateRoot(string Path, bool FromXdgRuntimeDir);
