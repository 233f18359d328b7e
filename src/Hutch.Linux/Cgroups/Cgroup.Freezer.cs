using Hutch.Linux.Interop;

namespace Hutch.Linux.Cgroups;

/// <summary>Freezing, thawing and signalling every process of the cgroup.</summary>
internal sealed partial class Cgroup
{
    private static readonly TimeSpan FreezeTimeout = TimeSpan.FromSeconds(5);
    private const int PollIntervalMs = 10;

    // The v1 freezer can stall in FREEZING when a task races the freeze; writing FROZEN
    // again every so often restarts it (runc does the same).
    private const int RewriteFrozenEvery = 25;

    /// <summary>
    /// Freezes every process: the v1 freezer when the freezer controller is v1 (waits until
    /// freezer.state reads FROZEN), else cgroup2's cgroup.freeze (waits for "frozen 1" in
    /// cgroup.events). On timeout thaws again and throws CgroupException.
    /// </summary>
    public void Freeze()
    {
        if (_directories.TryGetValue("freezer", out var v1))
        {
            FreezeV1(v1);
        }
        else
        {
            FreezeV2(RequireUnifiedFreezer("freeze"));
        }
    }

    /// <summary>Thaws every process (v1 freezer.state THAWED, or cgroup2 cgroup.freeze 0).</summary>
    public void Thaw()
    {
        if (_directories.TryGetValue("freezer", out var v1))
        {
            CgroupFile.Write(Path.Combine(v1, "freezer.state"), "THAWED");
        }
        else
        {
            CgroupFile.Write(Path.Combine(RequireUnifiedFreezer("thaw"), "cgroup.freeze"), "0");
        }
    }

    /// <summary>The cgroup is frozen (v1 freezer.state FROZEN; cgroup2 cgroup.freeze 1); false without a freezer.</summary>
    public bool IsFrozen()
    {
        if (_directories.TryGetValue("freezer", out var v1))
        {
            return CgroupFile.Read(Path.Combine(v1, "freezer.state"))?.Trim() == "FROZEN";
        }
        return UnifiedDir is not null && CgroupFile.Read(Path.Combine(UnifiedDir, "cgroup.freeze"))?.Trim() == "1";
    }

    /// <summary>
    /// Sends <paramref name="signal"/> to every process of the cgroup. SIGKILL goes through
    /// cgroup.kill when the cgroup2 directory has it (atomic, no fork race; a v1 freezer that holds
    /// the cgroup frozen is thawed after it). Otherwise the cgroup
    /// is frozen, each pid signalled, and thawed (a SIGKILL always thaws, so the processes can
    /// die; any other signal leaves an already-frozen cgroup frozen). Processes that are gone
    /// already are not an error.
    /// </summary>
    public void Signal(int signal)
    {
        if (signal == Libc.SIGKILL && UnifiedDir is not null && File.Exists(Path.Combine(UnifiedDir, "cgroup.kill")))
        {
            CgroupFile.Write(Path.Combine(UnifiedDir, "cgroup.kill"), "1");
            // On a hybrid host cgroup.kill does not thaw a v1 freezer: its tasks die only once thawed.
            if (IsFrozen())
            {
                Thaw();
            }
            return;
        }

        var hasFreezer = _directories.ContainsKey("freezer")
            || (UnifiedDir is not null && File.Exists(Path.Combine(UnifiedDir, "cgroup.freeze")));
        var wasFrozen = hasFreezer && IsFrozen();
        var frozeHere = false;
        if (hasFreezer && !wasFrozen)
        {
            try
            {
                Freeze();
                frozeHere = true;
            }
            catch (CgroupException)
            {
                // Freezing only keeps forks from racing the loop below; a freezer that cannot
                // freeze (a task stuck in the kernel) must not keep the signal from being sent.
            }
        }

        var failures = new List<string>();
        foreach (var pid in Pids())
        {
            if (Libc.kill(pid, signal) != 0)
            {
                var errno = Libc.LastErrno;
                if (errno != Errno.ESRCH)
                {
                    failures.Add($"pid {pid}: {CgroupException.Describe(errno)}");
                }
            }
        }

        if (frozeHere || (wasFrozen && signal == Libc.SIGKILL))
        {
            Thaw();
        }
        if (failures.Count > 0)
        {
            throw new CgroupException(
                $"cgroup: send signal {signal} to the processes of {DescribeDirectory()}: {string.Join("; ", failures)}; " +
                "run as root, or check the signal number");
        }
    }

    private string DescribeDirectory() => UnifiedDir ?? _directories.Values.FirstOrDefault() ?? "(no directory)";

    private string RequireUnifiedFreezer(string operation)
    {
        if (UnifiedDir is not null && File.Exists(Path.Combine(UnifiedDir, "cgroup.freeze")))
        {
            return UnifiedDir;
        }
        throw new CgroupException(
            $"cgroup: {operation} {DescribeDirectory()}: this host has no freezer (no v1 freezer hierarchy and no cgroup.freeze, " +
            "which needs Linux 5.2 or later): mount the v1 freezer controller or use a newer kernel",
            UnifiedDir);
    }

    private static void FreezeV1(string dir)
    {
        var stateFile = Path.Combine(dir, "freezer.state");
        CgroupFile.Write(stateFile, "FROZEN");
        var deadline = DateTime.UtcNow + FreezeTimeout;
        string? state = null;
        for (var attempt = 1; DateTime.UtcNow < deadline; attempt++)
        {
            state = CgroupFile.Read(stateFile)?.Trim();
            if (state == "FROZEN")
            {
                return;
            }
            if (attempt % RewriteFrozenEvery == 0)
            {
                CgroupFile.Write(stateFile, "FROZEN");
            }
            Thread.Sleep(PollIntervalMs);
        }
        _ = CgroupFile.TryWrite(stateFile, "THAWED");
        throw new CgroupException(
            $"cgroup: freeze {dir}: {stateFile} still read `{state}` after {FreezeTimeout.TotalSeconds:0} s, so it was thawed again; " +
            "a process may be stuck in the kernel (state D in /proc/PID/status): retry, or find it with `cat " +
            Path.Combine(dir, "cgroup.procs") + "`",
            stateFile, "FROZEN", Errno.ETIMEDOUT);
    }

    private static void FreezeV2(string dir)
    {
        var freezeFile = Path.Combine(dir, "cgroup.freeze");
        var eventsFile = Path.Combine(dir, "cgroup.events");
        CgroupFile.Write(freezeFile, "1");
        var deadline = DateTime.UtcNow + FreezeTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var events = CgroupFile.Read(eventsFile) ?? "";
            if (events.Split('\n').Any(line => line.Trim() == "frozen 1"))
            {
                return;
            }
            Thread.Sleep(PollIntervalMs);
        }
        _ = CgroupFile.TryWrite(freezeFile, "0");
        throw new CgroupException(
            $"cgroup: freeze {dir}: {eventsFile} did not report `frozen 1` within {FreezeTimeout.TotalSeconds:0} s, so it was thawed again; " +
            "a process may be stuck in the kernel (state D in /proc/PID/status): retry",
            freezeFile, "1", Errno.ETIMEDOUT);
    }
}
