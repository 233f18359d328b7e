using System.Text;
using Hutch.Linux.Cgroups;
using Hutch.Linux.Interop;
using Hutch.Runtime.Cgroups;
using Hutch.Runtime.Cgroups.Systemd;
using Hutch.Runtime.Hooks;
using Hutch.Runtime.State;
using Hutch.Runtime.Transactions;
using Hutch.Spec;

namespace Hutch.Runtime.Lifecycle;

/// <summary>
/// `delete [--force] ID` (runtime.md "Delete"): a container that is not stopped is an error and
/// stays as it was, unless --force, which SIGKILLs the init and waits for it. Then poststop
/// hooks (a failure only warns) and the state directory goes. --force on an unknown id succeeds.
/// The container's cgroup is emptied (SIGKILL) and removed (its systemd unit stopped, under
/// --systemd-cgroup). A container whose create never committed (killed: no state.json, a
/// journal) is undone by replaying the create's journal.
/// Network devices are never touched: a network namespace hutch created ends with the init and
/// takes the devices in it along (virtual ones are destroyed, physical ones return to the host).
/// </summary>
internal static class Delete
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);

    public static void Run(string root, string id, bool force, Action<string>? warn = null)
    {
        var store = new StateStore(root);
        if (force && !store.Exists(id))
        {
            return;
        }
        ContainerLock held;
        try
        {
            held = store.Lock(id);
        }
        catch (ContainerNotFoundException) when (force)
        {
            return;
        }
        using (held)
        {
            ContainerState state;
            try
            {
                state = store.Load(id);
            }
            catch (ContainerIncompleteException)
            {
                // A create that never committed (the lock proves it is not running): replay its journal.
                DeletePending(store, id, force, warn);
                return;
            }
            catch (StateException corrupt) when (force)
            {
                CorruptContainer.Remove(store, id, corrupt, warn);
                return;
            }
            var directory = store.DirectoryOf(id);
            var status = StatusProbe.Probe(state, directory);
            var cgroup = ContainerCgroup.Open(state);
            if (status != ContainerStatus.Stopped)
            {
                if (!force)
                {
                    throw new LifecycleException(
                        $"cannot delete container {id} that is not stopped: it is {status.ToOciString()} (stop it with `hutch kill {id} KILL`, or use `hutch delete --force {id}`)");
                }
            }
            if (File.Exists(CreateJournal.PathOf(directory)))
            {
                // Killed between its state.json and the end of its create (the pid file, the
                // journal's removal): its caller saw the create fail, so it is undone as one that
                // never committed (net devices back to the host first), then deleted as usual.
                UndoJournal(store, id, warn);
                status = StatusProbe.Probe(state, directory);
            }
            if (status != ContainerStatus.Stopped)
            {
                using var process = ContainerProcess.Open(state);
                if (process is not null)
                {
                    process.Signal(Libc.SIGKILL);
                    // A paused container's processes die only once thawed.
                    if (cgroup is not null && cgroup.IsFrozen())
                    {
                        cgroup.Thaw();
                    }
                    if (!process.WaitForExit(KillWait))
                    {
                        throw new LifecycleException($"container {id}: pid {state.Pid} did not exit within {KillWait.TotalSeconds} s of SIGKILL; nothing was deleted");
                    }
                }
            }
            if (cgroup is not null)
            {
                RemoveCgroup(state, cgroup, warn);
            }

            var hooks = LoadHooks(directory, warn);
            foreach (var message in HookRunner.RunAllWarnOnly(hooks, HookPhase.Poststop,
                StateJson.ToOciJsonUtf8(state, ContainerStatus.Stopped, keepPidWhenStopped: true)))
            {
                warn?.Invoke(message);
            }
            store.Remove(id);
        }
    }

    /// <summary>
    /// A container whose create died before its commit: its journal's undo stack, newest first
    /// (devices moved back, namespace pin unmounted, init killed if pid and start time still
    /// match, cgroup removed), then the directory. Without --force only when its init is gone
    /// (status stopped). A failure keeps the directory and its journal, for a retry.
    /// </summary>
    private static void DeletePending(StateStore store, string id, bool force, Action<string>? warn)
    {
        if (!force && PendingCreate.InitAlive(store, id))
        {
            throw new LifecycleException(
                $"cannot delete container {id} that is not stopped: it is creating (its create was killed after the init was told to outlive it; use `hutch delete --force {id}`)");
        }
        UndoJournal(store, id, warn);
        store.Remove(id);
    }

    private static void UndoJournal(StateStore store, string id, Action<string>? warn)
    {
        var failures = PendingCreate.Undo(store, id, warn);
        if (failures.Count > 0)
        {
            throw new LifecycleException(
                $"cannot delete container {id} (its create never finished) fully: {string.Join("; ", failures)}; the container stays, and `hutch delete --force {id}` retries");
        }
    }

    /// <summary>
    /// Ends what is left in the container's cgroup and removes the container's directories. As
    /// runc: only a container without a pid namespace of its own has processes that outlive its
    /// init (exec'd ones); with one, the init's death ended them all, and whatever else is in the
    /// cgroup is not the container's to kill. A failure keeps the state, so that a second delete
    /// can finish the job.
    /// </summary>
    private static void RemoveCgroup(ContainerState state, Cgroup cgroup, Action<string>? warn)
    {
        try
        {
            if (!state.OwnsPidNamespace && cgroup.Pids().Count > 0)
            {
                cgroup.Signal(Libc.SIGKILL); // thaws a paused cgroup too
            }
            // The systemd driver's unit: stopping it removes the directories systemd made (a scope
            // whose last process ended is gone already); the others are removed next.
            if (state.SystemdUnit is { } unit && SystemdScope.StopUnit(unit, state.SystemdUserManager) is { } warning)
            {
                warn?.Invoke(warning);
            }
            cgroup.Remove();
        }
        catch (Exception e) when (e is CgroupException or SystemdException)
        {
            throw new LifecycleException($"cannot delete container {state.Id}: {e.Message}", e);
        }
    }

    /// <summary>The hooks of the config create copied into the state directory (null when unreadable: warn and go on).</summary>
    private static Hutch.Spec.Hooks? LoadHooks(string directory, Action<string>? warn)
    {
        var path = Path.Combine(directory, "config.json");
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var bytes = File.ReadAllBytes(path);
            return HooksScan.MayHaveHooks(bytes) ? ConfigJson.Parse(bytes, path).Hooks : null;
        }
        catch (Exception e) when (e is ConfigFormatException or IOException or DecoderFallbackException)
        {
            warn?.Invoke($"poststop hooks not run: {e.Message}");
            return null;
        }
    }
}
