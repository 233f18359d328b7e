using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using static Hutch.Linux.Paths.PathSyscalls;

namespace Hutch.Runtime.Rootfs;

/// <summary>
/// A tmpfs with tmpcopyup: the new tmpfs is made detached (fsopen, fsconfig, fsmount), so no one,
/// not even the container's own mount namespace, sees it half filled; what the directory it will
/// cover holds is copied into it (DirectoryCopy), with the directory's own mode and owner unless
/// the options say mode=, uid=, gid=; then it is moved into place (move_mount). runc does the same
/// through a scratch directory under the host's /tmp; a detached mount needs none.
/// </summary>
internal static class TmpfsCopyUp
{
    /// <summary>Mounts the tmpfs on <paramref name="target"/> (an O_PATH fd on the directory) with its contents copied up.</summary>
    public static void Mount(string source, SafeFd target, string destination, MountFlags flags, ParsedMountOptions parsed)
    {
        var rc = OpenAt(target, ".", O_RDONLY | O_DIRECTORY, 0, out var covered);
        using (covered)
        {
            if (rc < 0)
            {
                throw new MountException("tmpcopyup: open", null, destination, -rc);
            }
            var (attributes, _) = MountOptions.ToMountAttr(flags, parsed.ClearFlags);
            using var tmpfs = Mounter.CreateDetached("tmpfs", FsParameters.For(source, flags, parsed.Data), attributes);
            rc = OpenAt(tmpfs, ".", O_RDONLY | O_DIRECTORY, 0, out var tmpfsRoot);
            using (tmpfsRoot)
            {
                if (rc < 0)
                {
                    throw new MountException("tmpcopyup: open the new tmpfs for", null, destination, -rc);
                }
                DirectoryCopy.CopyDirectoryAttributes(covered, tmpfsRoot, destination,
                    owner: !FsParameters.Sets(parsed.Data, "uid") && !FsParameters.Sets(parsed.Data, "gid"),
                    mode: !FsParameters.Sets(parsed.Data, "mode"));
                DirectoryCopy.CopyContents(covered, tmpfsRoot, destination);
                DirectoryCopy.CopyTimes(covered, tmpfsRoot, destination);
            }
            Mounter.Attach(tmpfs, target, source, destination);
        }
    }
}
