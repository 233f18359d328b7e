using System.Globalization;
using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>Devices (RTM_*LINK).</summary>
internal sealed partial class RouteNetlink
{
    /// <summary>The device named <paramref name="name"/>, or null when there is none (ENODEV).</summary>
    public LinkInfo? GetLink(string name)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.GetByName(request, name);
        return QueryLink(request[..length], $"look up device `{name}`", name);
    }

    /// <summary>The device with ifindex <paramref name="index"/>, or null when there is none (ENODEV).</summary>
    public LinkInfo? GetLink(int index)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.GetByIndex(request, index);
        var number = "#" + index.ToString(CultureInfo.InvariantCulture);
        return QueryLink(request[..length], $"look up device {number}", number);
    }

    /// <summary>Every device of the namespace, loopback included.</summary>
    public IReadOnlyList<LinkInfo> ListLinks()
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.DumpAll(request);
        return Socket.Dump(request[..length], LinkMessages.Parse, "list network devices");
    }

    /// <summary>Sets the device administratively up or down (IFF_UP only; other flags untouched).</summary>
    public void SetUp(int index, bool up)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.SetFlags(request, index, up ? InterfaceFlags.Up : InterfaceFlags.None, InterfaceFlags.Up);
        ExecuteOnDevice(request[..length], index, device => $"set device {device} {(up ? "up" : "down")}");
    }

    /// <summary>Renames the device (the kernel refuses with EBUSY while it is up, unless the driver allows live renames).</summary>
    public void Rename(int index, string newName)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var length = LinkMessages.Rename(request, index, newName);
        ExecuteOnDevice(request[..length], index, device => $"rename device {device} to `{newName}`", errno => errno switch
        {
            Errno.EEXIST => $"a device named `{newName}` already exists: choose another name",
            Errno.EBUSY => "the device is up: set it down first",
            _ => null,
        });
    }

    /// <summary>
    /// Moves the device into the network namespace <paramref name="netnsFd"/> refers to, in one
    /// request, renamed to <paramref name="newName"/> when given ("eth%d" picks the first free
    /// number) and at ifindex <paramref name="newIndex"/> when not 0 (else its ifindex may change
    /// when the current one is taken in the target). The device arrives down and without addresses.
    /// The kernel uses the new name at once only when the current one is taken in the target;
    /// otherwise it moves the device first and renames it there, so a taken new name would fail
    /// after the move. Hence a plain new name is checked in the target first (a template cannot clash).
    /// </summary>
    public void MoveToNamespace(int index, SafeHandle netnsFd, string? newName = null, int newIndex = 0)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var renamed = newName is null ? "" : $" as `{newName}`";
        var added = false;
        netnsFd.DangerousAddRef(ref added);
        try
        {
            var length = LinkMessages.MoveToNamespace(request, index, (int)netnsFd.DangerousGetHandle(), newName, newIndex);
            var device = GetLink(index);
            var described = device is null
                ? "#" + index.ToString(CultureInfo.InvariantCulture)
                : $"`{device.Name}` (index {index.ToString(CultureInfo.InvariantCulture)})";
            var operation = $"move device {described} into network namespace{renamed}";
            if (device is null)
            {
                throw new NetlinkException(operation, described, Errno.ENODEV);
            }
            if (newName != null && !newName.Contains('%', StringComparison.Ordinal))
            {
                using var target = OpenIn(netnsFd);
                if (target.GetLink(newName) is { } existing)
                {
                    throw new NetlinkException(operation, device.Name, Errno.EEXIST, null,
                        $"a device named `{newName}` (index {existing.Index}) already exists in the target namespace: choose another name");
                }
            }
            var ack = Socket.TryExecute(request[..length]);
            if (ack.Errno != 0)
            {
                throw new NetlinkException(operation, device.Name, ack.Errno, ack.KernelMessage, MoveHint(ack.Errno, device, newName, newIndex));
            }
        }
        finally
        {
            if (added)
            {
                netnsFd.DangerousRelease();
            }
        }
    }

    private string? MoveHint(int errno, LinkInfo device, string? newName, int newIndex)
    {
        if (GetLink(device.Index) is not { } stillHere || stillHere.Name != device.Name)
        {
            // Moved, then the rename in the target failed (a name taken since it was checked).
            return $"the device did move and is in the target namespace under its old name `{device.Name}`";
        }
        return errno switch
        {
            Errno.EEXIST => $"a device named `{newName ?? device.Name}` already exists in the target namespace: choose another name",
            Errno.EBUSY when newIndex != 0 => $"ifindex {newIndex} is taken in the target namespace",
            Errno.EINVAL => "is the handle a network namespace, and can this device change namespace (loopback, bridges and other netns-local devices cannot)?",
            _ => null,
        };
    }

    private LinkInfo? QueryLink(Span<byte> request, string operation, string device)
    {
        LinkInfo? found = null;
        var ack = Socket.TryExecute(request, (in NetlinkMessage message) => found ??= LinkMessages.Parse(message));
        return ack.Errno switch
        {
            0 => found,
            Errno.ENODEV => null,
            _ => throw new NetlinkException(operation, device, ack.Errno, ack.KernelMessage),
        };
    }
}
