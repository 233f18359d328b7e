namespace Hutch.Spec;

/// <summary>The "process" object (config.md, "Process", "POSIX process", "Linux Process").</summary>
internal static class ProcessRules
{
    public static void Check(Process process, ValidationReport report)
    {
        // cwd: REQUIRED, "MUST be an absolute path".
        if (string.IsNullOrEmpty(process.Cwd))
        {
            report.Error("process.cwd", "is required; give the working directory inside the container as an absolute path, e.g. \"/\"");
        }
        else if (!process.Cwd.StartsWith('/'))
        {
            report.Error("process.cwd", $"{JsonPath.Quote(process.Cwd)} is not absolute; it must start with '/'");
        }
        KernelLimits.CheckLength("process.cwd", process.Cwd, KernelLimits.PathBytes, "a path", report);

        // args: "at least one entry is REQUIRED (non-Windows)"; the first is execvp's file, which cannot be empty.
        if (process.Args is not { Count: > 0 })
        {
            report.Error("process.args", "needs at least one entry on Linux: the program to run, e.g. [\"sh\"]");
        }
        else if (string.IsNullOrEmpty(process.Args[0]))
        {
            report.Error("process.args[0]", "is empty; it names the program to run (a path, or a name looked up in PATH)");
        }
        else
        {
            KernelLimits.CheckLength("process.args[0]", process.Args[0], KernelLimits.PathBytes, "the program's path", report);
        }
        CheckArgumentLengths("process.args", process.Args, report);
        CheckArgumentLengths("process.env", process.Env, report);
        CheckConsoleSize(process.ConsoleSize, report);

        if (process.User == null)
        {
            report.Error("process.user", "is required; give at least {\"uid\": 0, \"gid\": 0}");
        }
        else
        {
            CheckUser(process.User, report);
        }

        CheckEnv(process.Env, report);
        CheckRlimits(process.Rlimits, report);
        CheckCapabilities(process.Capabilities, report);

        // The kernel refuses other values with EINVAL when writing /proc/PID/oom_score_adj.
        if (process.OomScoreAdj is { } oom && (oom < -1000 || oom > 1000))
        {
            report.Error("process.oomScoreAdj", $"is {oom}; the kernel accepts -1000 to 1000");
        }

        CheckScheduler(process.Scheduler, report);
        CheckIOPriority(process.IOPriority, report);

        // Windows-only fields (config.md): a Linux runtime has no use for them; say so rather than drop them unseen.
        if (!string.IsNullOrEmpty(process.CommandLine))
        {
            report.Warning("process.commandLine", "is for Windows only and is ignored; process.args is what runs");
        }
        if (!string.IsNullOrEmpty(process.User?.Username))
        {
            report.Warning("process.user.username", "is for Windows only and is ignored; the process runs as process.user.uid and gid");
        }
    }

    /// <summary>Each entry within MAX_ARG_STRLEN, past which execve(2) fails with E2BIG.</summary>
    internal static void CheckArgumentLengths(string listPath, List<string>? entries, ValidationReport report)
    {
        for (var i = 0; entries != null && i < entries.Count; i++)
        {
            KernelLimits.CheckLength(JsonPath.Index(listPath, i), entries[i], KernelLimits.ArgumentBytes,
                "an argument or environment entry (MAX_ARG_STRLEN)", report);
        }
    }

    private static void CheckConsoleSize(Box? size, ValidationReport report)
    {
        // struct winsize holds unsigned shorts: a larger size would be cut (70000 rows become 4464).
        foreach (var (field, value) in new[] { ("height", size?.Height), ("width", size?.Width) })
        {
            if (value > ushort.MaxValue)
            {
                report.Error("process.consoleSize." + field, $"is {value}; a terminal size runs from 0 to 65535");
            }
        }
    }

    private static void CheckUser(User user, ValidationReport report)
    {
        // umask(2) keeps only the permission bits: 0o7777 would silently become 0o777.
        if (user.Umask is > 0x1FF and var umask)
        {
            report.Error("process.user.umask", $"is {umask} (0{Convert.ToString(umask, 8)} in octal); a umask runs from 0 to 511 (0777 in octal)");
        }
        foreach (var (path, message) in PosixIds.OutOfRangeIn(user))
        {
            report.Error(path, message);
        }
    }

    private static void CheckEnv(List<string>? env, ValidationReport report)
    {
        // environ entries are NAME=value; runc refuses entries without '=' or with an empty name too.
        for (var i = 0; env != null && i < env.Count; i++)
        {
            var entry = env[i] ?? "";
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                report.Error(JsonPath.Index("process.env", i), $"{JsonPath.Quote(entry)} is not NAME=value; " +
                                                               (equals == 0 ? "the name is empty" : "there is no '='"));
            }
            else if (entry.Contains('\0', StringComparison.Ordinal))
            {
                report.Error(JsonPath.Index("process.env", i), "contains a NUL character, which an environment entry cannot hold");
            }
        }
    }

    private static void CheckRlimits(List<PosixRlimit>? rlimits, ValidationReport report)
    {
        if (rlimits == null)
        {
            return;
        }
        var firstIndexOfType = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < rlimits.Count; i++)
        {
            var path = JsonPath.Index("process.rlimits", i);
            var rlimit = rlimits[i];
            if (rlimit == null)
            {
                report.Error(path, "is null; each rlimit is {\"type\": \"RLIMIT_...\", \"soft\": N, \"hard\": N}");
                continue;
            }
            // "The runtime MUST generate an error for any values which cannot be mapped to a relevant kernel interface."
            if (!KnownNames.Contains(KnownNames.Rlimits, rlimit.Type ?? ""))
            {
                report.Error(path + ".type", $"{JsonPath.Quote(rlimit.Type ?? "")} is not a Linux resource limit; use one of " +
                                             KnownNames.List(KnownNames.Rlimits));
            }
            // "If rlimits contains duplicated entries with same type, the runtime MUST generate an error."
            else if (firstIndexOfType.TryGetValue(rlimit.Type!, out var first))
            {
                report.Error(path + ".type", $"{rlimit.Type} is already set by process.rlimits[{first}]; give each type once");
            }
            else
            {
                firstIndexOfType[rlimit.Type!] = i;
            }
            // setrlimit(2) fails with EINVAL when soft exceeds hard.
            if (rlimit.Soft > rlimit.Hard)
            {
                report.Error(path, $"soft limit {rlimit.Soft} is above hard limit {rlimit.Hard}; soft must be at most hard");
            }
        }
    }

    private static void CheckCapabilities(LinuxCapabilities? capabilities, ValidationReport report)
    {
        if (capabilities == null)
        {
            return;
        }
        CheckCapabilitySet("process.capabilities.bounding", capabilities.Bounding, report);
        CheckCapabilitySet("process.capabilities.effective", capabilities.Effective, report);
        CheckCapabilitySet("process.capabilities.inheritable", capabilities.Inheritable, report);
        CheckCapabilitySet("process.capabilities.permitted", capabilities.Permitted, report);
        CheckCapabilitySet("process.capabilities.ambient", capabilities.Ambient, report);
    }

    private static void CheckCapabilitySet(string setPath, List<string>? names, ValidationReport report)
    {
        for (var i = 0; names != null && i < names.Count; i++)
        {
            var name = names[i] ?? "";
            if (!KnownNames.Contains(KnownNames.Capabilities, name))
            {
                // runtime-spec v1.1+ (config.md): a capability that "cannot be mapped to a relevant kernel interface
                // ... MUST be logged as a warning"; runtimes "SHOULD NOT fail". runc warns and ignores it as well.
                report.Warning(JsonPath.Index(setPath, i), $"{JsonPath.Quote(name)} is not a capability this runtime knows " +
                                                           "(CAP_CHOWN ... CAP_CHECKPOINT_RESTORE); it is ignored");
            }
        }
    }

    private static void CheckScheduler(Scheduler? scheduler, ValidationReport report)
    {
        if (scheduler == null)
        {
            return;
        }
        const string path = "process.scheduler";
        if (!KnownNames.Contains(KnownNames.SchedulerPolicies, scheduler.Policy ?? ""))
        {
            report.Error(path + ".policy", $"{JsonPath.Quote(scheduler.Policy ?? "")} is not a scheduling policy; use one of " +
                                           KnownNames.List(KnownNames.SchedulerPolicies));
        }
        for (var i = 0; scheduler.Flags != null && i < scheduler.Flags.Count; i++)
        {
            if (!KnownNames.Contains(KnownNames.SchedulerFlags, scheduler.Flags[i] ?? ""))
            {
                report.Error(JsonPath.Index(path + ".flags", i), $"{JsonPath.Quote(scheduler.Flags[i] ?? "")} is not a scheduler flag; use " +
                                                                KnownNames.List(KnownNames.SchedulerFlags));
            }
        }
        // sched_setattr(2) ranges; runc refuses the same.
        if (scheduler.Nice is { } nice && (nice < -20 || nice > 19))
        {
            report.Error(path + ".nice", $"is {nice}; nice values run from -20 to 19");
        }
        if (scheduler.Priority is { } priority && priority != 0 && scheduler.Policy is not ("SCHED_FIFO" or "SCHED_RR"))
        {
            report.Error(path + ".priority", "can only be set with policy SCHED_FIFO or SCHED_RR; remove it or change the policy");
        }
        if ((scheduler.Runtime ?? 0) != 0 || (scheduler.Deadline ?? 0) != 0 || (scheduler.Period ?? 0) != 0)
        {
            if (scheduler.Policy != "SCHED_DEADLINE")
            {
                report.Error(path, "runtime, deadline and period apply only to policy SCHED_DEADLINE; remove them or change the policy");
            }
        }
    }

    private static void CheckIOPriority(LinuxIOPriority? ioPriority, ValidationReport report)
    {
        if (ioPriority == null)
        {
            return;
        }
        if (!KnownNames.Contains(KnownNames.IOPriorityClasses, ioPriority.Class ?? ""))
        {
            report.Error("process.ioPriority.class", $"{JsonPath.Quote(ioPriority.Class ?? "")} is not an I/O scheduling class; use " +
                                                     KnownNames.List(KnownNames.IOPriorityClasses));
        }
        if (ioPriority.Priority is < 0 or > 7)
        {
            report.Error("process.ioPriority.priority", $"is {ioPriority.Priority}; it runs from 0 (highest) to 7 (lowest)");
        }
    }
}
