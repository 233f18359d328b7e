using System.Runtime.InteropServices;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;

namespace Hutch.Runtime.NetDevices;

/// <summary>Resume: a mover for devices another process (a killed create) was moving, to roll them back.</summary>
internal sealed partial class NetDeviceMover
{
    /// <summary>
    /// A mover that knows <paramref name="moving"/> as moved: each device as Prepare found it and
    /// the ifindex it was (or was about to be) given inside <paramref name="targetNetns"/>, as the
    /// create journaled them before each move. <see cref="Rollback"/> then brings back those that
    /// are inside and leaves alone those that never left (found at home under their name, index
    /// and MAC). The caller keeps <paramref name="targetNetns"/> open while this lives.
    /// </summary>
    public static NetDeviceMover Resume(IReadOnlyList<(HostDeviceRecord Device, int ContainerIndex)> moving, SafeHandle targetNetns)
    {
        ArgumentNullException.ThrowIfNull(moving);
        ArgumentNullException.ThrowIfNull(targetNetns);
        var runtimeNetns = NetworkNamespace.OpenCurrent();
        RouteNetlink? runtime = null, target = null;
        try
        {
            runtime = RouteNetlink.Open();
            target = OpenTarget(targetNetns, moving.Count > 0 ? moving[0].Device.HostName : "");
            var mover = new NetDeviceMover(runtime, target, targetNetns, runtimeNetns, ownsRuntimeNetns: true,
                moving.Select(m => m.Device).ToList());
            foreach (var (device, index) in moving)
            {
                mover._moved.Add(new MovedState(device, index));
            }
            return mover;
        }
        catch
        {
            runtime?.Dispose();
            target?.Dispose();
            runtimeNetns.Dispose();
            throw;
        }
    }
}
