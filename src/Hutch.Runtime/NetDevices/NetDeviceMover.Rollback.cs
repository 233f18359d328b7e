using Hutch.Linux;
using Hutch.Linux.Netlink;

namespace Hutch.Runtime.NetDevices;

/// <summary>Rollback: every moved device back as it was.</summary>
internal sealed partial class NetDeviceMover
{
    /// <summary>
    /// Moves every device MoveAll moved back into the runtime's network namespace, newest first:
    /// set down (the spec's rule before a move back), moved under its original name at its
    /// original ifindex when free, its addresses restored (the kernel drops them all on a move;
    /// see <see cref="AddressRules.IsRestored"/>), its original up/down state set. Best effort over
    /// all devices: one failure does not stop the others; all failures are reported together.
    /// Idempotent: a device handled once is forgotten; one that could not be moved back is tried
    /// again by the next call.
    /// </summary>
    /// <exception cref="NetDeviceException">some device could not be fully restored (each in <see cref="NetDeviceException.Failures"/>).</exception>
    public void Rollback()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var failures = RollbackAll();
        switch (failures.Count)
        {
            case 0:
                return;
            case 1:
                throw failures[0];
            default:
                throw new NetDeviceException($"linux.netDevices: moving {failures.Count} devices back failed", failures);
        }
    }

    private List<Exception> RollbackAll()
    {
        var failures = new List<Exception>();
        HashSet<int>? runtimeIndexes = null;
        foreach (var state in _moved.AsEnumerable().Reverse().ToList())
        {
            try
            {
                runtimeIndexes ??= _runtime.ListLinks().Select(l => l.Index).ToHashSet();
                if (MoveBack(state, runtimeIndexes, failures))
                {
                    _moved.Remove(state);
                }
            }
            catch (NetlinkException e)
            {
                failures.Add(new NetDeviceException(state.Device.HostName, "move the device back to the runtime's network namespace",
                    null, e.Errno, e.KernelMessage, e));
            }
        }
        return failures;
    }

    /// <summary>True when the device is out of the container's namespace (back, or gone); failures noted.</summary>
    private bool MoveBack(MovedState state, HashSet<int> runtimeIndexes, List<Exception> failures)
    {
        var device = state.Device;
        var original = device.Link;
        var inside = _target.GetLink(state.ContainerIndex);
        if (inside is null && IsHome(original))
        {
            return true; // never moved (a create killed just before the move), or already back
        }
        if (inside is null || (original.Address != null && !Equals(inside.Address, original.Address)))
        {
            failures.Add(new NetDeviceException(device.HostName,
                $"cannot move device {device.HostName} back: it is no longer in the container's network namespace at index {Number(state.ContainerIndex)}",
                "it was deleted or moved by something else; nothing to restore"));
            return true;
        }
        if (_runtime.GetLink(original.Name) is { } clash)
        {
            failures.Add(new NetDeviceException(device.HostName,
                $"cannot move device {device.HostName} back: a device named `{original.Name}` (index {Number(clash.Index)}) now exists in the runtime's network namespace",
                $"it stays in the container's network namespace as `{inside.Name}`; rename the other device and move it back with " +
                $"`ip -n NETNS link set {inside.Name} netns 1 name {original.Name}`"));
            return false;
        }
        if (inside.IsUp)
        {
            _target.SetUp(inside.Index, false);
        }

        // Its own index when still free (the usual case), else a free one; found by it afterwards.
        var index = _runtime.GetLink(original.Index) is null ? original.Index : ChooseIndex(original.Index, runtimeIndexes);
        runtimeIndexes.Add(index);
        var ack = SendMove(_target, inside.Index, _runtimeNetns, original.Name, index);
        if (ack.Errno != 0)
        {
            failures.Add(new NetDeviceException(device.HostName,
                $"move device `{inside.Name}` (index {Number(inside.Index)}) back to the runtime's network namespace as `{original.Name}`",
                $"it stays in the container's network namespace as `{inside.Name}`", ack.Errno, ack.KernelMessage));
            return false;
        }

        var present = _runtime.ListAddresses(index);
        foreach (var address in device.Addresses.Where(AddressRules.IsRestored))
        {
            if (present.Any(p => AddressRules.SameAddress(p, address)))
            {
                continue;
            }
            var restored = address with { Index = index };
            try
            {
                _runtime.AddAddress(restored);
            }
            catch (NetlinkException e) when (e.Errno != Errno.EEXIST)
            {
                failures.Add(new NetDeviceException(device.HostName, $"restore address {restored} on {original.Name} in the runtime's network namespace",
                    $"add it again by hand: `ip addr add {restored} dev {original.Name}`", e.Errno, e.KernelMessage, e));
            }
        }
        if (original.IsUp)
        {
            try
            {
                _runtime.SetUp(index, true);
            }
            catch (NetlinkException e)
            {
                failures.Add(new NetDeviceException(device.HostName, $"set {original.Name} up again in the runtime's network namespace",
                    null, e.Errno, e.KernelMessage, e));
            }
        }
        return true;
    }

    /// <summary>The device is in the runtime's namespace as it was found there: same index, name and MAC.</summary>
    private bool IsHome(LinkInfo original) =>
        _runtime.GetLink(original.Index) is { } link && link.Name == original.Name && Equals(link.Address, original.Address);
}
