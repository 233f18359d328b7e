using Hutch.Spec;

namespace Hutch.Runtime.NetDevices;

/// <summary>
/// What `hutch features` reports for linux.netDevices (features-linux.md): the mover exists, so
/// <c>enabled: true</c>. ImplementedFeatures sets <c>Linux.NetDevices</c> from this once
/// create calls the mover.
/// </summary>
internal static class NetDevicesFeature
{
    public static NetDevicesFeatures Create() => new() { Enabled = true };
}
