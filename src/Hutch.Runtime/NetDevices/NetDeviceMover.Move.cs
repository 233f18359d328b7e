using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Hutch.Linux;
using Hutch.Linux.Netlink;

namespace Hutch.Runtime.NetDevices;

/// <summary>MoveAll: move, rename, find by ifindex, carry the addresses, set up.</summary>
internal sealed partial class NetDeviceMover
{
    /// <summary>
    /// Moves every prepared device, in <see cref="Devices"/> order. Per device: one RTM_SETLINK
    /// moves and renames it (a "%d" template goes to the kernel as is) and pins its ifindex in the
    /// target (its own when free there, else a free one), so it is found again by that index and
    /// never by name; MAC and MTU are verified unchanged; each permanent global-scope address is
    /// re-added with its attributes (prefix, broadcast, peer, flags such as nodad and noprefixroute,
    /// the IPv4 label renamed with the device); then the device is set up. Routes and sysctls are
    /// not copied (the spec leaves them to whoever configures the network).
    /// All or nothing: if a device fails, the devices moved before it (and it, if it moved) are
    /// rolled back before this throws; the exception then lists any rollback failure too.
    /// <paramref name="beforeMove"/> is called with each device and the ifindex it will have inside,
    /// before the request that moves it (again, with the new index, when that request is retried):
    /// create journals it there, so that a create killed at any moment can be undone by
    /// <see cref="Resume"/> and <see cref="Rollback"/>.
    /// </summary>
    public IReadOnlyList<MovedDevice> MoveAll(Action<HostDeviceRecord, int>? beforeMove = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_moved.Count > 0)
        {
            throw new InvalidOperationException("MoveAll was already called; roll back before moving again");
        }
        var targetIndexes = _target.ListLinks().Select(l => l.Index).ToHashSet();
        try
        {
            foreach (var device in _devices)
            {
                MoveOne(device, targetIndexes, beforeMove);
                SetUpInside(_moved[^1]);
            }
        }
        catch (Exception failure)
        {
            var rollbackFailures = RollbackAll();
            if (rollbackFailures.Count == 0)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
            throw new NetDeviceException(
                "linux.netDevices: moving the devices failed, and moving some back failed too", [failure, .. rollbackFailures]);
        }
        return Moved;
    }

    private void MoveOne(HostDeviceRecord device, HashSet<int> targetIndexes, Action<HostDeviceRecord, int>? beforeMove)
    {
        var host = device.Link;
        var pinned = ChooseIndex(host.Index, targetIndexes);
        beforeMove?.Invoke(device, pinned);
        var ack = SendMove(_runtime, host.Index, _targetNetns, device.RequestedName, pinned);
        if (ack.Errno == Errno.EBUSY)
        {
            // The index was taken in the target since the dump: take a fresh view, pick again.
            targetIndexes.UnionWith(_target.ListLinks().Select(l => l.Index));
            pinned = ChooseIndex(host.Index, targetIndexes);
            beforeMove?.Invoke(device, pinned);
            ack = SendMove(_runtime, host.Index, _targetNetns, device.RequestedName, pinned);
        }
        var operation = $"move device {device.HostName} (index {Number(host.Index)}) into the container's network namespace" +
                        (device.RequestedName == device.HostName ? "" : $" as `{device.RequestedName}`");
        if (ack.Errno != 0)
        {
            var movedAnyway = _runtime.GetLink(host.Index) is null && _target.GetLink(pinned) is not null;
            if (movedAnyway)
            {
                // The kernel moved it, then failed to rename it: it is inside under its old name; roll it back too.
                _moved.Add(new MovedState(device, pinned));
            }
            throw new NetDeviceException(device.HostName, operation, MoveHint(ack.Errno, device, movedAnyway), ack.Errno, ack.KernelMessage);
        }
        _moved.Add(new MovedState(device, pinned));
    }

    /// <summary>Finds the moved device by its pinned index, checks MAC and MTU, re-adds its addresses, sets it up.</summary>
    private void SetUpInside(MovedState state)
    {
        var device = state.Device;
        var host = device.Link;
        var pinned = state.ContainerIndex;
        var operation = $"move device {device.HostName} (index {Number(host.Index)}) into the container's network namespace";
        var inside = _target.GetLink(pinned) ?? throw new NetDeviceException(device.HostName,
            $"{operation}: the kernel accepted the move, but no device has index {Number(pinned)} in the container's namespace",
            "something else removed or moved it meanwhile; retry");
        if (!Equals(inside.Address, host.Address) || inside.Mtu != host.Mtu)
        {
            throw new NetDeviceException(device.HostName,
                $"device {device.HostName} changed in the move: MAC {host.FormattedAddress ?? "none"} -> {inside.FormattedAddress ?? "none"}, " +
                $"MTU {Number((int)host.Mtu)} -> {Number((int)inside.Mtu)}",
                "its driver resets them on a namespace change; this device cannot be moved with its attributes kept");
        }

        var carried = new List<AddressInfo>();
        foreach (var address in device.CarriedAddresses)
        {
            var retargeted = AddressRules.Retarget(address, pinned, device.HostName, inside.Name, out var label)
                ?? throw new NetDeviceException(device.HostName,
                    $"address {address} has the label `{address.Label}`, which would become `{label}` inside: longer than 15 bytes",
                    "shorten the label's suffix or the name inside");
            try
            {
                _target.AddAddress(retargeted);
            }
            catch (NetlinkException e)
            {
                throw new NetDeviceException(device.HostName, $"add address {retargeted} to `{inside.Name}` in the container's network namespace",
                    e.Errno == Errno.EEXIST ? "the container's namespace has this address already" : null, e.Errno, e.KernelMessage, e);
            }
            carried.Add(retargeted);
        }
        try
        {
            _target.SetUp(pinned, true);
        }
        catch (NetlinkException e)
        {
            throw new NetDeviceException(device.HostName, $"set `{inside.Name}` up in the container's network namespace", null, e.Errno, e.KernelMessage, e);
        }
        state.Result = new MovedDevice(device.HostName, inside.Name, pinned, host.Index, inside.FormattedAddress, inside.Mtu, carried);
    }

    /// <summary>The device's own index when it is free in the namespace, else one above every index there.</summary>
    private static int ChooseIndex(int own, HashSet<int> taken)
    {
        var index = taken.Contains(own) ? Math.Max(own, taken.Max()) + 1 : own;
        taken.Add(index);
        return index;
    }

    /// <summary>One RTM_SETLINK on <paramref name="from"/>'s namespace: IFLA_NET_NS_FD, IFLA_IFNAME, IFLA_NEW_IFINDEX.</summary>
    private static NetlinkAck SendMove(RouteNetlink from, int index, SafeHandle netns, string newName, int newIndex)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var added = false;
        netns.DangerousAddRef(ref added);
        try
        {
            var length = LinkMessages.MoveToNamespace(request, index, (int)netns.DangerousGetHandle(), newName, newIndex);
            return from.Socket.TryExecute(request[..length]);
        }
        finally
        {
            if (added)
            {
                netns.DangerousRelease();
            }
        }
    }

    private static string? MoveHint(int errno, HostDeviceRecord device, bool movedAnyway)
    {
        if (movedAnyway)
        {
            return $"the kernel moved it but could not name it `{device.RequestedName}` (taken since it was checked); it is being moved back";
        }
        return errno switch
        {
            Errno.EINVAL or Errno.EOPNOTSUPP =>
                "the kernel will not move this device to another network namespace (bridges and other netns-local devices stay " +
                "where they were made); create the device inside the container's namespace instead, or move a veth/macvlan/physical device",
            Errno.EEXIST => $"a device named `{device.RequestedName}` appeared in the container's namespace after the check; choose another name",
            Errno.EPERM => "moving a device needs CAP_NET_ADMIN over both network namespaces: run hutch as root",
            Errno.ENODEV => "the device disappeared after the check",
            _ => null,
        };
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
