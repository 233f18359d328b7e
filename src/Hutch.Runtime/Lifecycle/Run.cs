using System.Runtime.InteropServices;
using Hutch.Linux.Terminal;
using Hutch.Runtime.Consoles;
using Hutch.Runtime.Signals;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `run`: create, then start; in the foreground wait for the init (hutch's own child), forward
/// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it, return its status (128+signal
/// when a signal killed it) and delete the container unless --keep. --detach returns after start.
/// With process.terminal in the foreground, the pty master comes back from create and
/// ForegroundTerminal bridges it to hutch's stdio until the init exits.
/// </summary>
internal static class Run
{
    /// <summary>The exit status for the CLI: 0 with --detach, else the container process's.</summary>
    public static int Execute(CreateOptions options, bool detach, bool keep)
    {
        using var created = Create.Run(options, detach, out var master);
        SignalForwarder? forwarder = null;
        ForegroundTerminal? terminal = null;
        try
        {
            if (!detach)
            {
                // Before start, so a signal that comes early is forwarded, not fatal to hutch.
                forwarder = new SignalForwarder();
                forwarder.ForwardTo(created.Init);
            }
            try
            {
                if (master is not null)
                {
                    // process.terminal in the foreground: hutch's stdio become the container's terminal
                    // (raw when stdin is a terminal, its size copied on SIGWINCH) from before start on.
                    terminal = ForegroundTerminal.StartOnStdio(master);
                    master = null; // the terminal owns it
                }
                Start.Run(options.Root, options.Id, options.Warn);
            }
            catch
            {
                master?.Dispose();
                terminal?.Dispose(); // restores the terminal's mode before the error is printed
                terminal = null;
                TryDelete(options);
                throw;
            }
            if (detach)
            {
                return 0;
            }
            var status = created.Init.WaitForExit();
            if (terminal is not null)
            {
                StopTerminal(terminal, options);
            }
            if (!keep)
            {
                Delete.Run(options.Root, options.Id, force: true, options.Warn);
            }
            return status.ShellCode;
        }
        finally
        {
            terminal?.Dispose();
            forwarder?.Dispose();
        }
    }

    /// <summary>Copies what the container wrote last, restores the terminal's mode; a copy error is a warning (the status is the container's).</summary>
    private static void StopTerminal(ForegroundTerminal terminal, CreateOptions options)
    {
        try
        {
            terminal.Stop(TimeSpan.FromSeconds(1));
        }
        catch (TerminalException e)
        {
            options.Warn?.Invoke($"container {options.Id}: {e.Message}");
        }
    }

    private static void TryDelete(CreateOptions options)
    {
        try
        {
            Delete.Run(options.Root, options.Id, force: true, options.Warn);
        }
        catch (Exception e) when (e is LifecycleException or State.StateException)
        {
            options.Warn?.Invoke($"cleaning up container {options.Id} failed: {e.Message}");
        }
    }
}
