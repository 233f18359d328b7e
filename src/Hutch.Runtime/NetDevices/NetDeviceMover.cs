using System.Runtime.InteropServices;
using Hutch.Linux.Netlink;

namespace Hutch.Runtime.NetDevices;

/// <summary>
/// Moves linux.netDevices into the container's network namespace (config-linux.md "Network
/// Devices"; DESIGN.md section 5), and back on a failed create. Three steps, each in its own file:
/// <list type="number">
/// <item><see cref="Prepare"/> (NetDeviceMover.Prepare.cs): checks everything and records every
/// device's state; changes nothing.</item>
/// <item><see cref="MoveAll"/> (NetDeviceMover.Move.cs): per device, one request moves and renames
/// it, then it is found again by ifindex, gets its permanent global addresses back and is set up.
/// All or nothing: when one device fails, those moved before it are rolled back.</item>
/// <item><see cref="Rollback"/> (NetDeviceMover.Rollback.cs): every moved device back under its
/// original name with its addresses and up/down state.</item>
/// </list>
/// The caller (create, in the parent, after the init has its network namespace and before the
/// prestart/createRuntime hooks) calls Rollback when anything after MoveAll fails; on success it
/// just disposes the mover: the devices stay (the spec forbids moving them out before delete).
/// Not thread-safe.
/// </summary>
internal sealed partial class NetDeviceMover : IDisposable
{
    private readonly RouteNetlink _runtime;
    private readonly RouteNetlink _target;
    private readonly SafeHandle _targetNetns;
    private readonly SafeHandle _runtimeNetns;
    private readonly bool _ownsRuntimeNetns;
    private readonly IReadOnlyList<HostDeviceRecord> _devices;
    private readonly List<MovedState> _moved = [];
    private bool _disposed;

    private NetDeviceMover(RouteNetlink runtime, RouteNetlink target, SafeHandle targetNetns, SafeHandle runtimeNetns,
        bool ownsRuntimeNetns, IReadOnlyList<HostDeviceRecord> devices)
    {
        _ownsRuntimeNetns = ownsRuntimeNetns;
        _runtime = runtime;
        _target = target;
        _targetNetns = targetNetns;
        _runtimeNetns = runtimeNetns;
        _devices = devices;
    }

    /// <summary>The devices as found by Prepare, in the order MoveAll moves them.</summary>
    public IReadOnlyList<HostDeviceRecord> Devices => _devices;

    /// <summary>The devices now in the container's namespace (moved and not rolled back).</summary>
    public IReadOnlyList<MovedDevice> Moved => _moved.Where(m => m.Result != null).Select(m => m.Result!).ToList();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _runtime.Dispose();
        _target.Dispose();
        if (_ownsRuntimeNetns)
        {
            _runtimeNetns.Dispose();
        }
    }

    /// <summary>A device that left the runtime's namespace, as far as the move got.</summary>
    private sealed class MovedState(HostDeviceRecord device, int containerIndex)
    {
        public HostDeviceRecord Device { get; } = device;

        /// <summary>Where it is in the container's namespace: the index pinned by the move.</summary>
        public int ContainerIndex { get; } = containerIndex;

        /// <summary>Set once the device is renamed, addressed and up.</summary>
        public MovedDevice? Result { get; set; }
    }
}
