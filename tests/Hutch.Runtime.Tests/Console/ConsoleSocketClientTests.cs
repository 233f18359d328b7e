using System.Net.Sockets;
using System.Text;
using Hutch.Linux.Interop;
using Hutch.Linux.Terminal;
using Hutch.Runtime.Consoles;

namespace Hutch.Runtime.Tests.Consoles;

/// <summary>--console-socket: a listener as containerd's shim or conmon makes one receives the master and drives the pty with it.</summary>
public class ConsoleSocketClientTests
{
    [Fact]
    public void SendMaster_by_path_delivers_a_working_master()
    {
        WithListener((path, listener) =>
        {
            using var pty = Pty.Open();
            ConsoleSocketClient.SendMaster(path, pty.Master);
            pty.CloseMaster();
            using var master = Receive(listener, path, out var name);
            Assert.Equal("/dev/ptmx", name);
            Pty.VerifyMaster(master, "received");
            Echo(pty.Peer, master);
        });
    }

    [Fact]
    public void Connect_then_SendMaster_over_the_connected_socket_as_create_and_init_split_it()
    {
        WithListener((path, listener) =>
        {
            using var socket = ConsoleSocketClient.Connect(path); // the runtime, before the spawn
            using var pty = Pty.Open();                           // the init, inside the container
            ConsoleSocketClient.SendMaster(socket, pty.Master, pty.MasterName);
            using var master = Receive(listener, path, out _);
            Echo(pty.Peer, master);
        });
    }

    private static void WithListener(Action<string, Socket> body)
    {
        var dir = Directory.CreateTempSubdirectory("hutch-console-client-");
        try
        {
            var path = Path.Combine(dir.FullName, "console.sock");
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            body(path, listener);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static SafeFd Receive(Socket listener, string path, out string name)
    {
        using var accepted = listener.Accept();
        using var fd = new SafeFd((int)accepted.Handle, ownsHandle: false);
        return ConsoleSocket.ReceiveFd(fd, path, out name, 5000);
    }

    private static void Echo(SafeFd peer, SafeFd master)
    {
        var data = Encoding.UTF8.GetBytes("ping\n");
        Assert.Equal(data.Length, Libc.Write(peer, data));
        Assert.Equal(1, Libc.PollReadable(master, 5000));
        var buffer = new byte[64];
        var n = Libc.Read(master, buffer);
        Assert.True(n > 0);
        Assert.StartsWith("ping", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
    }
}
