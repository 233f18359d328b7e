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
    /// number) and at ifindex <paramref name="newIndex"/> when not 0. Its ifindex may change when
    /// its current one is taken in the target (unless newIndex pins it: then EBUSY). The device
    /// arrives down and without addresses.
    /// </summary>
    public void MoveToNamespace(int index, SafeHandle netnsFd, string? newName = null, int newIndex = 0)
    {
        Span<byte> request = stackalloc byte[LinkMessages.RequestBufferSize];
        var added = false;
        netnsFd.DangerousAddRef(ref added);
        try
        {
            var length = LinkMessages.MoveToNamespace(request, index, (int)netnsFd.DangerousGetHandle(), newName, newIndex);
            var renamed = newName is null ? "" : $" as `{newName}`";
            ExecuteOnDevice(request[..length], index, device => $"move device {device} into network namespace{renamed}", errno => errno switch
            {
                Errno.EEXIST => $"a device named `{newName}` already exists in the target namespace: choose another name",
                Errno.EBUSY when newIndex != 0 => $"ifindex {newIndex} is taken in the target namespace",
                _ => null,
            });
        }
        finally
        {
            if (added)
            {
                netnsFd.DangerousRelease();
            }
        }
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
