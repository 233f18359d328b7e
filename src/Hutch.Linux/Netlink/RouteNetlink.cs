using System.Globalization;
using System.Runtime.InteropServices;

namespace Hutch.Linux.Netlink;

/// <summary>
/// Typed rtnetlink operations on the devices and addresses of one network namespace (the
/// one its socket was opened in): links in RouteNetlink.Links.cs, addresses in
/// RouteNetlink.Addresses.cs. Failures throw <see cref="NetlinkException"/> naming the
/// device by name and index. Not thread-safe, like its socket.
/// </summary>
internal sealed partial class RouteNetlink : IDisposable
{
    private readonly bool _ownsSocket;

    public RouteNetlink(NetlinkSocket socket, bool ownsSocket = true)
    {
        Socket = socket;
        _ownsSocket = ownsSocket;
    }

    /// <summary>The socket underneath, for requests this class does not wrap.</summary>
    public NetlinkSocket Socket { get; }

    /// <summary>A client for the calling thread's network namespace.</summary>
    public static RouteNetlink Open() => new(NetlinkSocket.Open());

    /// <summary>A client for the network namespace <paramref name="netnsFd"/> refers to.</summary>
    public static RouteNetlink OpenIn(SafeHandle netnsFd) => new(NetlinkSocket.OpenIn(netnsFd));

    public void Dispose()
    {
        if (_ownsSocket)
        {
            Socket.Dispose();
        }
    }

    /// <summary>"`veth1` (index 7)" when the device can be found, else "#7"; for error messages.</summary>
    public string DescribeDevice(int index)
    {
        var number = index.ToString(CultureInfo.InvariantCulture);
        try
        {
            return GetLink(index) is { } link ? $"`{link.Name}` (index {number})" : "#" + number;
        }
        catch (NetlinkException)
        {
            return "#" + number;
        }
    }

    /// <summary>Runs a request on one device; on refusal, throws naming the device (looked up only then).</summary>
    private void ExecuteOnDevice(Span<byte> request, int index, Func<string, string> operation, Func<int, string?>? hint = null)
    {
        var ack = Socket.TryExecute(request);
        if (ack.Errno != 0)
        {
            var device = DescribeDevice(index);
            throw new NetlinkException(operation(device), device, ack.Errno, ack.KernelMessage, hint?.Invoke(ack.Errno));
        }
    }
}
