using System.Text;
using Hutch.Linux;
using Hutch.Linux.Interop;
using Hutch.Linux.Processes;
using Hutch.Runtime.Hooks;
using Hutch.Runtime.State;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `start ID`: only a created container starts. Opening exec.fifo for reading lets the init go
/// on; its one byte says it passed the fifo; then the fifo reaches EOF when the init execs the
/// process (its write end is close-on-exec), or carries the error text when startContainer hooks
/// or the exec failed. So poststart hooks run after the user process has started (spec 1.3);
/// a failing one fails start, and, as runtime.md's lifecycle says, stops and deletes the
/// container (poststop hooks included).
/// </summary>
internal static class Start
{
    private const int EAGAIN = 11;

    public static void Run(string root, string id, Action<string>? warn = null)
    {
        var store = new StateStore(root);
        ContainerState state;
        string directory;
        Hutch.Spec.Hooks? hooks;
        using (store.Lock(id))
        {
            state = store.Load(id);
            directory = store.DirectoryOf(id);
            var status = StatusProbe.Probe(state, directory);
            switch (status)
            {
                case ContainerStatus.Created:
                    break;
                case ContainerStatus.Stopped:
                    throw new LifecycleException($"cannot start container {id}: container not running (it has stopped; delete it and create it again)");
                case ContainerStatus.Creating:
                    throw new LifecycleException($"cannot start container {id}: it is still being created");
                default:
                    throw new LifecycleException($"cannot start container {id}: cannot start a container that has already been started (it is {status.ToOciString()})");
            }
            // Before the init is let go: a refused start leaves the container created, its
            // startContainer hooks not run (runtime.md: an error leaves things as they were).
            var config = ReadConfig(directory);
            if (config is not null && !HooksScan.MayHave(config, "process"))
            {
                throw new LifecycleException(
                    $"cannot start container {id}: it has no process to start: its config.json has no \"process\" (start requires one); the container stays created: delete it and create it again from a config with a process");
            }
            hooks = config is not null && HooksScan.MayHaveHooks(config) ? ConfigJson.Parse(config, Path.Combine(directory, "config.json")).Hooks : null;

            var fifoPath = ContainerDirectory.ExecFifoPathOf(directory);
            var rc = Libc.OpenAt(null, fifoPath, Libc.O_RDONLY | Libc.O_NONBLOCK, 0, out var fifo);
            using (fifo)
            {
                if (rc < 0)
                {
                    throw new LifecycleException($"cannot start container {id}: open {fifoPath}: {Errno.Describe(-rc)}");
                }
                WaitForGo(state, fifo);
                File.Delete(fifoPath);
                var failure = ReadToEnd(fifo);
                if (failure.Length > 0)
                {
                    throw new LifecycleException($"cannot start container {id}: {failure}");
                }
            }

            state.Status = ContainerStatus.Running;
            try
            {
                store.Save(state);
            }
            catch (StateException e)
            {
                // The process runs: start succeeded (runc exits 0 too). The live status does not need
                // the record (StatusProbe reads running from the gone exec.fifo and the live init).
                warn?.Invoke($"container {id} started, but its state could not be recorded: {e.Message}");
            }
        }
        try
        {
            HookRunner.RunAll(hooks, HookPhase.Poststart, StateJson.ToOciJsonUtf8(state, ContainerStatus.Running));
        }
        catch (HookException e)
        {
            // runtime.md, lifecycle step 9: generate an error, stop the container and continue at
            // step 12: destroy it (undo create), then the poststop hooks (Delete does both).
            var stopped = "the container was stopped and deleted, its poststop hooks run";
            try
            {
                Delete.Run(root, id, force: true, warn);
            }
            catch (Exception cleanup) when (cleanup is LifecycleException or StateException)
            {
                stopped = $"stopping and deleting the container failed too: {cleanup.Message}";
            }
            throw new LifecycleException($"cannot start container {id}: {e.Message} ({stopped})", e);
        }
    }

    /// <summary>Waits for the init's byte, checking every 100 ms that it is still alive.</summary>
    private static void WaitForGo(ContainerState state, SafeFd fifo)
    {
        Span<byte> one = stackalloc byte[1];
        while (true)
        {
            var ready = Libc.PollReadable(fifo, 100);
            if (ready < 0)
            {
                throw new LifecycleException($"cannot start container {state.Id}: poll the exec fifo: {Errno.Describe(-ready)}");
            }
            if (ready > 0)
            {
                var n = Libc.Read(fifo, one);
                if (n == 1)
                {
                    return;
                }
                if (n != -EAGAIN)
                {
                    throw new LifecycleException($"cannot start container {state.Id}: container not running (its init closed the exec fifo without starting)");
                }
            }
            if (!ProcessProbe.IsAlive(state.Pid, state.PidStartTime))
            {
                throw new LifecycleException($"cannot start container {state.Id}: container not running (its init has exited)");
            }
        }
    }

    /// <summary>Everything the init writes after its byte, until EOF (its exec, or its exit).</summary>
    private static string ReadToEnd(SafeFd fifo)
    {
        var text = new MemoryStream();
        var chunk = new byte[4096];
        while (true)
        {
            var ready = Libc.PollReadable(fifo, -1);
            if (ready < 0)
            {
                break;
            }
            var n = Libc.Read(fifo, chunk);
            if (n == 0 || (n < 0 && n != -EAGAIN))
            {
                break;
            }
            if (n > 0)
            {
                text.Write(chunk, 0, n);
            }
        }
        return Encoding.UTF8.GetString(text.ToArray()).Trim();
    }

    /// <summary>The copy of config.json create keeps in the container's directory (null when there is none).</summary>
    private static byte[]? ReadConfig(string directory)
    {
        var path = Path.Combine(directory, "config.json");
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }
}
