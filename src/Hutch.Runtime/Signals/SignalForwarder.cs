using System.Runtime.InteropServices;
using Hutch.Linux.Spawn;

namespace Hutch.Runtime.Signals;

/// <summary>
/// What foreground `run` and `exec` do with the signals a user or a supervisor sends them:
/// SIGINT, TERM, HUP, QUIT, USR1 and USR2 go to the container process instead of ending hutch.
/// Registered before the process is released, so an early signal is forwarded, not fatal; until
/// the target is known it is dropped. Dispose restores the default handling.
/// </summary>
internal sealed class SignalForwarder : IDisposable
{
    private static readonly int[] Forwarded =
    [
        SignalNames.SIGINT, SignalNames.SIGTERM, SignalNames.SIGHUP, SignalNames.SIGQUIT,
        SignalNames.SIGUSR1, SignalNames.SIGUSR2,
    ];

    private readonly List<PosixSignalRegistration> _registrations = [];
    private SpawnedProcess? _target;

    public SignalForwarder()
    {
        foreach (var signal in Forwarded)
        {
            _registrations.Add(PosixSignalRegistration.Create(ToPosixSignal(signal), context =>
            {
                context.Cancel = true;
                try
                {
                    Volatile.Read(ref _target)?.Kill(signal);
                }
                catch (SpawnException)
                {
                    // Nobody to tell from a signal handler; the process's exit is still reported.
                }
            }));
        }
    }

    /// <summary>The process the signals go to from now on.</summary>
    public void ForwardTo(SpawnedProcess process) => Volatile.Write(ref _target, process);

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    /// <summary>
    /// .NET knows SIGINT, SIGTERM, SIGHUP and SIGQUIT by their own (negative) PosixSignal values and
    /// only cancels its default handling (exit) for a registration made with those; other signals
    /// are registered by their raw numbers.
    /// </summary>
    private static PosixSignal ToPosixSignal(int signal) => signal switch
    {
        SignalNames.SIGINT => PosixSignal.SIGINT,
        SignalNames.SIGTERM => PosixSignal.SIGTERM,
        SignalNames.SIGHUP => PosixSignal.SIGHUP,
        SignalNames.SIGQUIT => PosixSignal.SIGQUIT,
        _ => (PosixSignal)signal,
    };
}
