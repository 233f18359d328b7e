using System.Globalization;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Spawn;
using Hutch.Spec;

namespace Hutch.Runtime.Hooks;

/// <summary>
/// Runs config.json hooks (config.md "POSIX-platform Hooks"): each is spawned with its path,
/// args and env (nothing inherited), the container's OCI state JSON on stdin, stdout and
/// stderr captured; a hook that exits without reading stdin is fine (EPIPE is ignored). A
/// non-zero exit, a signal or the timeout fails the hook with the tail of its output. The
/// hooks of a phase run in order; the first failure stops the phase.
/// </summary>
internal static class HookRunner
{
    /// <summary>How much of a failed hook's output the error shows.</summary>
    private const int OutputTail = 1024;

    /// <summary>Runs every hook of <paramref name="phase"/>; throws <see cref="HookException"/> at the first failure.</summary>
    public static void RunAll(Hutch.Spec.Hooks? hooks, HookPhase phase, byte[] state) =>
        RunAll(hooks, phase, () => state);

    /// <summary>
    /// <see cref="RunAll(Hutch.Spec.Hooks?, HookPhase, byte[])"/> with the state made only when the
    /// phase has hooks: the init would otherwise build the state's JSON metadata for nothing.
    /// </summary>
    public static void RunAll(Hutch.Spec.Hooks? hooks, HookPhase phase, Func<byte[]> state)
    {
        var list = hooks.Of(phase);
        if (list is not { Count: > 0 })
        {
            return;
        }
        var bytes = state();
        for (var i = 0; i < list.Count; i++)
        {
            Run(list[i], phase, i, bytes);
        }
    }

    /// <summary>
    /// Runs every hook of <paramref name="phase"/>, none stopping the others (poststop: the spec
    /// says a failure only warns); returns the failures' messages.
    /// </summary>
    public static IReadOnlyList<string> RunAllWarnOnly(Hutch.Spec.Hooks? hooks, HookPhase phase, byte[] state)
    {
        var warnings = new List<string>();
        var list = hooks.Of(phase);
        for (var i = 0; list is not null && i < list.Count; i++)
        {
            try
            {
                Run(list[i], phase, i, state);
            }
            catch (HookException e)
            {
                warnings.Add(e.Message);
            }
        }
        return warnings;
    }

    public static void Run(Hook hook, HookPhase phase, int index, byte[] state)
    {
        var name = $"{phase.JsonName()} hook {index.ToString(CultureInfo.InvariantCulture)} ({hook.Path})";
        var rc = Libc.Pipe(out var stdinRead, out var stdinWrite);
        if (rc < 0)
        {
            throw new HookException($"{name}: cannot create its stdin pipe: {Errno.Describe(-rc)}");
        }
        using var stdinWriteEnd = stdinWrite;
        SafeFd outputRead;
        SpawnedProcess process;
        using (stdinRead)
        {
            rc = Libc.Pipe(out outputRead, out var outputWrite);
            if (rc < 0)
            {
                throw new HookException($"{name}: cannot create its output pipe: {Errno.Describe(-rc)}");
            }
            using (outputWrite)
            {
                var plan = new SpawnPlan
                {
                    Path = hook.Path,
                    Argv = hook.Args is { Count: > 0 } args ? args : [hook.Path],
                    Envp = hook.Env ?? [],
                    Fds = [new FdMapping(stdinRead, 0), new FdMapping(outputWrite, 1), new FdMapping(outputWrite, 2)],
                    // A hook is part of the command that runs it: killed with it (every caller runs
                    // hooks on its main thread), so a killed create leaves no hook running on.
                    DieWithParent = true,
                };
                try
                {
                    process = Spawner.Spawn(plan);
                }
                catch (SpawnException e)
                {
                    outputRead.Dispose();
                    throw new HookException($"{name}: {e.Message}", e);
                }
            }
        }

        using (process)
        {
            var output = new OutputCollector(outputRead);
            var writer = new Thread(() => WriteState(stdinWriteEnd, state)) { IsBackground = true, Name = "hook stdin" };
            writer.Start();
            var timeout = hook.Timeout is > 0 ? TimeSpan.FromSeconds(hook.Timeout.Value) : Timeout.InfiniteTimeSpan;
            ExitStatus status;
            if (timeout == Timeout.InfiniteTimeSpan)
            {
                status = process.WaitForExit();
            }
            else if (!process.TryWaitForExit(timeout, out status))
            {
                process.Kill(Libc.SIGKILL);
                process.WaitForExit();
                stdinWriteEnd.Dispose();
                throw new HookException($"{name} timed out after {hook.Timeout!.Value.ToString(CultureInfo.InvariantCulture)} s (killed){output.Tail(TimeSpan.FromMilliseconds(200), OutputTail)}");
            }
            writer.Join(TimeSpan.FromSeconds(1));
            stdinWriteEnd.Dispose();
            if (!status.Exited || status.ExitCode != 0)
            {
                throw new HookException($"{name} failed: {status}{output.Tail(TimeSpan.FromSeconds(1), OutputTail)}");
            }
        }
    }

    private static void WriteState(SafeFd stdin, byte[] state)
    {
        var sent = 0;
        while (sent < state.Length)
        {
            var n = Libc.Write(stdin, state.AsSpan(sent));
            if (n <= 0)
            {
                return; // EPIPE: the hook did not read its stdin, which is not an error
            }
            sent += n;
        }
        stdin.Dispose();
    }

    /// <summary>
    /// Reads a hook's stdout and stderr on a thread that owns the pipe (a hook's background
    /// child may hold the pipe open: the thread then lives on, the hook's result does not wait).
    /// </summary>
    private sealed class OutputCollector
    {
        private readonly MemoryStream _buffer = new();
        private readonly Thread _thread;

        public OutputCollector(SafeFd read)
        {
            _thread = new Thread(() =>
            {
                var chunk = new byte[4096];
                while (true)
                {
                    var n = Libc.Read(read, chunk);
                    if (n <= 0)
                    {
                        read.Dispose(); // closed here, never under a blocked read
                        return;
                    }
                    lock (_buffer)
                    {
                        _buffer.Write(chunk, 0, n);
                    }
                }
            }) { IsBackground = true, Name = "hook output" };
            _thread.Start();
        }

        /// <summary>": &lt;the last bytes of output&gt;" (empty when there was none), after waiting up to <paramref name="grace"/> for EOF.</summary>
        public string Tail(TimeSpan grace, int max)
        {
            _thread.Join(grace);
            byte[] bytes;
            lock (_buffer)
            {
                bytes = _buffer.ToArray();
            }
            var text = Encoding.UTF8.GetString(bytes.AsSpan(Math.Max(0, bytes.Length - max))).Trim();
            return text.Length == 0 ? "" : ": " + text;
        }
    }
}
