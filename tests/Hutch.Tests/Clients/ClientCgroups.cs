namespace Hutch.Tests.Clients;

/// <summary>
/// The parent cgroups a client's configs name (podman's libpod_parent and its conmon cgroup,
/// containerd's namespace "default"): hutch makes them with mkdir -p and, as runc, leaves them.
/// A client test removes them afterwards when they are empty (a client running for real on the
/// machine recreates them on demand; a non-empty one is left untouched).
/// </summary>
internal static class ClientCgroups
{
    public static void RemoveEmpty(params string[] relativePaths)
    {
        foreach (var hierarchy in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            foreach (var path in relativePaths)
            {
                var dir = Path.Combine(hierarchy, path);
                try
                {
                    if (Directory.Exists(dir))
                    {
                        Directory.Delete(dir); // rmdir: fails, and is skipped, when anything is inside
                    }
                }
                catch (IOException)
                {
                }
            }
        }
    }
}
