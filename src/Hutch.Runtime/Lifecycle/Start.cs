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
/// a failing one fails start (the process keeps running; `delete --force` ends it).
/// </summary>
internal static class Start
{
    private const int EAGAIN = 11;

    public static void Run(string root, string id)
    {
        var store = new StateStore(root);
        using var held = store.Lock(id);
        var state = store.Load(id);
        var directory = store.DirectoryOf(id);
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
        store.Save(state);
        try
        {
            HookRunner.RunAll(LoadHooks(directory), HookPhase.Poststart, StateJson.ToOciJsonUtf8(state, ContainerStatus.Running));
        }
        catch (HookException e)
        {
            throw new LifecycleException($"container {id} started, but {e.Message}", e);
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

    /// <summary>
    /// The config's hooks, parsed only when config.json has a non-null top-level "hooks": the
    /// full parse builds the JSON metadata of the whole spec model (milliseconds), which a
    /// config without hooks, the common case, does not need.
    /// </summary>
    private static Hutch.Spec.Hooks? LoadHooks(string directory)
    {
        var path = Path.Combine(directory, "config.json");
        if (!File.Exists(path))
        {
            return null;
        }
        var bytes = File.ReadAllBytes(path);
        return HooksScan.MayHaveHooks(bytes) ? Hutch.Spec.ConfigJson.Parse(bytes, path).Hooks : null;
    }
}
