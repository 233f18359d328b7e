using System.Net;
using System.Net.NetworkInformation;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Netlink;
using Hutch.Linux.Processes;
using Hutch.Runtime.Lifecycle;
using Hutch.Runtime.NetDevices;

namespace Hutch.Runtime.Transactions;

/// <summary>
/// The net devices moved into the container's network namespace: each back under its original
/// name and index, with its addresses and up/down state (NetDeviceMover.Resume, then the mover's
/// own Rollback). The namespace is the one the create held open, else the journaled file (the pin
/// hutch mounted for a namespace it made, or the config's path), checked by identity.
/// </summary>
internal sealed class DevicesUndo(NetnsEntry netns, InitEntry? init) : IUndoStep
{
    private readonly List<DeviceEntry> _devices = [];

    /// <summary>One more device about to move (a retried move replaces the entry of the same device).</summary>
    public void Add(DeviceEntry device)
    {
        _devices.RemoveAll(d => d.HostName == device.HostName);
        _devices.Add(device);
    }

    public void Undo(UndoContext context)
    {
        if (_devices.Count == 0)
        {
            return;
        }
        var moving = _devices.Select(d => (ToRecord(d), d.ContainerIndex)).ToList();
        using var opened = context.LiveNetns is null ? OpenJournaled(context) : null;
        var target = context.LiveNetns ?? opened;
        if (target is null)
        {
            return; // the namespace is gone, and every device is home (OpenJournaled checked)
        }
        using var mover = NetDeviceMover.Resume(moving, target);
        mover.Rollback();
    }

    /// <summary>The journaled namespace file, if it still names the namespace; null when it is gone and nothing is missing.</summary>
    private SafeFd? OpenJournaled(UndoContext context)
    {
        if (TryOpen(netns.Path) is { } pinned)
        {
            return pinned;
        }
        // Unpinned at the commit's start: the init holds it, if it is still the journaled process.
        if (init is not null && TryOpen($"/proc/{init.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)}/ns/net") is { } ofInit)
        {
            if (ProcessProbe.IsAlive(init.Pid, init.StartTime))
            {
                return ofInit;
            }
            ofInit.Dispose();
        }
        using var runtime = RouteNetlink.Open();
        var missing = _devices.Where(d => runtime.GetLink(d.Index) is not { } link || link.Name != d.HostName).Select(d => d.HostName).ToList();
        if (missing.Count == 0)
        {
            return null;
        }
        throw new LifecycleException(
            $"container {context.Id}: cannot move its network devices back ({string.Join(", ", missing)}): their network namespace " +
            $"({netns.Path}) no longer exists; virtual devices ended with it, physical ones are back in the host's initial namespace");
    }

    /// <summary>The namespace file at <paramref name="path"/> when it is the journaled namespace; else null.</summary>
    private SafeFd? TryOpen(string path)
    {
        try
        {
            var fd = NetworkNamespace.Open(path);
            if (NetworkNamespace.IdentityOf(fd) == (netns.Device, netns.Inode))
            {
                return fd;
            }
            fd.Dispose();
        }
        catch (NetworkNamespaceException)
        {
            // Gone, or not a namespace file any more (an unmounted pin).
        }
        return null;
    }

    private static HostDeviceRecord ToRecord(DeviceEntry d)
    {
        var link = new LinkInfo(d.Index, d.HostName, (InterfaceFlags)d.Flags, d.Mtu,
            d.Mac is null ? null : new PhysicalAddress(Convert.FromHexString(d.Mac)), null, null, null, default, 0);
        var addresses = d.Addresses.Select(a => new AddressInfo(d.Index, (LinuxAddressFamily)a.Family, a.PrefixLength, (AddressFlags)a.Flags,
            (AddressScope)a.Scope, Ip(a.Local), Ip(a.Address), Ip(a.Broadcast), a.Label, a.ValidLifetime, a.PreferredLifetime)).ToList();
        return new HostDeviceRecord(d.HostName, d.RequestedName, d.RequestedName, link, addresses);
    }

    /// <summary>The journal entry of <paramref name="device"/> about to move to <paramref name="containerIndex"/>.</summary>
    public static DeviceEntry Entry(HostDeviceRecord device, int containerIndex) => new()
    {
        HostName = device.HostName,
        RequestedName = device.RequestedName,
        Index = device.Link.Index,
        ContainerIndex = containerIndex,
        Mac = device.Link.Address is { } mac ? Convert.ToHexStringLower(mac.GetAddressBytes()) : null,
        Mtu = device.Link.Mtu,
        Flags = (uint)device.Link.Flags,
        Addresses = device.Addresses.Select(a => new JournalAddress
        {
            Family = (byte)a.Family,
            PrefixLength = a.PrefixLength,
            Flags = (uint)a.Flags,
            Scope = (byte)a.Scope,
            Local = a.Local?.ToString(),
            Address = a.Address?.ToString(),
            Broadcast = a.Broadcast?.ToString(),
            Label = a.Label,
            ValidLifetime = a.ValidLifetime,
            PreferredLifetime = a.PreferredLifetime,
        }).ToList(),
    };

    private static IPAddress? Ip(string? text) => text is null ? null : IPAddress.Parse(text);
}
