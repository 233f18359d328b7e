using Hutch.Linux.Interop;
using Hutch.Linux.Terminal;

namespace Hutch.Runtime.Consoles;

/// <summary>
/// `--console-socket PATH` (create, run --detach, exec --detach): the pty master goes to the
/// listener at PATH (containerd's shim, conmon, a test), which then owns the terminal.
///
/// PATH is a host path, and the init that opens the pty runs inside the container's mount
/// namespace after pivot_root, where PATH does not exist. So, as runc does, the runtime
/// connects before spawning the init and hands it the connected socket:
/// <code>
///   create (runtime side):  using var socket = ConsoleSocketClient.Connect(path);   // pass to the init as an fd
///   init (container side):  ConsoleSocketClient.SendMaster(socket, pty.Master, pty.MasterName);
/// </code>
/// </summary>
internal static class ConsoleSocketClient
{
    /// <summary>Connects to the console socket listener at <paramref name="path"/> (long paths included).</summary>
    public static SafeFd Connect(string path) => ConsoleSocket.Connect(path);

    /// <summary>Sends <paramref name="master"/> over an already connected console socket, exactly one fd, named as runc names it.</summary>
    public static void SendMaster(SafeFd socket, SafeFd master, string name = "/dev/ptmx") =>
        ConsoleSocket.SendFd(socket, master, name, "the console socket");

    /// <summary>Connects to <paramref name="path"/>, sends <paramref name="master"/>, closes the connection (for a sender in the host's mount namespace).</summary>
    public static void SendMaster(string path, SafeFd master, string name = "/dev/ptmx")
    {
        using var socket = ConsoleSocket.Connect(path);
        ConsoleSocket.SendFd(socket, master, name, path);
    }
}
