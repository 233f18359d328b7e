using System.Runtime.InteropServices;
using Hutch.Runtime.Signals;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `run`: create, then start; in the foreground wait for the init (hutch's own child), forward
/// SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it, return its status (128+signal
/// when a signal killed it) and delete the container unless --keep. --detach returns after start.
/// </summary>
internal static class Run
{
    private static readonly int[] Forwarded =
    [
        SignalNames.SIGINT, SignalNames.SIGTERM, SignalNames.SIGHUP, SignalNames.SIGQUIT,
        SignalNames.SIGUSR1, SignalNames.SIGUSR2,
    ];

    /// <summary>The exit status for the CLI: 0 with --detach, else the container process's.</summary>
    public static int Execute(CreateOptions options, bool detach, bool keep)
    {
        using var created = Create.Run(options);
        var registrations = new List<PosixSignalRegistration>();
        try
        {
            if (!detach)
            {
                // Registered before start, so a signal that comes early is forwarded, not fatal to hutch.
                foreach (var signal in Forwarded)
                {
                    registrations.Add(PosixSignalRegistration.Create((PosixSignal)signal, context =>
                    {
                        context.Cancel = true;
                        created.Init.Kill(signal);
                    }));
                }
            }
            try
            {
                Start.Run(options.Root, options.Id);
            }
            catch
            {
                TryDelete(options);
                throw;
            }
            if (detach)
            {
                return 0;
            }
            var status = created.Init.WaitForExit();
            if (!keep)
            {
                Delete.Run(options.Root, options.Id, force: true, options.Warn);
            }
            return status.ShellCode;
        }
        finally
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
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
