using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;

namespace Hutch.Runtime.Rootless;

/// <summary>
/// Whether hutch runs rootless (runc's --rootless): then it cannot expect to create cgroups or
/// to act on the host's network namespace. `auto` (null) decides from who hutch is: rootless
/// when its effective uid is not 0, or when it is root in a user namespace that does not map
/// the host's root (rootless podman runs the runtime so: uid 0 in the user's namespace).
/// </summary>
internal static class RootlessMode
{
    /// <summary>--rootless true/false as given; auto (null) detected for this process.</summary>
    public static bool Resolve(bool? flag) => flag ?? Detect(Libc.geteuid(), UserNamespaceIds.OfSelf());

    /// <summary>The auto rule for an effective uid in a user namespace with the given map.</summary>
    internal static bool Detect(uint euid, UserNamespaceIds ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return euid != 0 || !ns.MapsParentRoot;
    }
}
