namespace Hutch.Spec;

/// <summary>
/// A container without a mount namespace shares the host's mounts: its process is changed into
/// root.path (chroot, as runc and crun do) and sees nothing else, but every mount, remount or
/// propagation change would be made on the host's own mounts and outlive the container. So what
/// needs a mount namespace is refused rather than silently skipped (maskedPaths and
/// readonlyPaths are refused with the linux rules).
/// </summary>
internal static class MountNamespaceRules
{
    private const string AddOne = "add {\"type\": \"mount\"} to linux.namespaces";

    public static void Check(ContainerConfig config, NamespaceSet namespaces, ValidationReport report)
    {
        if (namespaces.Has("mount"))
        {
            return;
        }
        if (config.Mounts is { Count: > 0 })
        {
            report.Error("mounts", $"lists {config.Mounts.Count} mount(s) but the container has no mount namespace, so they would be mounted " +
                                   $"on the host; {AddOne}, or remove the mounts");
        }
        if (config.Root?.Readonly == true)
        {
            report.Error("root.readonly", $"is true but the container has no mount namespace, so the host's mount of the rootfs would be made read-only; {AddOne}");
        }
        if (!string.IsNullOrEmpty(config.Linux?.RootfsPropagation))
        {
            report.Error("linux.rootfsPropagation", $"is set but the container has no mount namespace, so it would change the host's mounts; {AddOne}");
        }
    }
}
