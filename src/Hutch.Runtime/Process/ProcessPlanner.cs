using Hutch.Linux.Capabilities;
using Hutch.Linux.Interop;
using Hutch.Linux.Processes;
using Hutch.Linux.Seccomp;
using Hutch.Spec;
using SpecProcess = Hutch.Spec.Process;

namespace Hutch.Runtime.Processes;

/// <summary>
/// config.json's process (and linux.seccomp, linux.personality) to a <see cref="ProcessPlan"/>:
/// names to numbers, lists to masks. Reads nothing but, when not given, the kernel's last
/// capability. Errors name the JSON path.
/// </summary>
internal static class ProcessPlanner
{
    private const int IoprioClassShift = 13;

    public static ProcessPlan Plan(SpecProcess process, LinuxSeccomp? seccomp, LinuxPersonality? personality, ProcessPlanOptions? options,
        LinuxMemoryPolicy? memoryPolicy = null)
    {
        options ??= new ProcessPlanOptions();
        if (process.Args is not { Count: > 0 } || string.IsNullOrEmpty(process.Args[0]))
        {
            throw Error("plan", "process.args", "needs at least one entry: the program to run");
        }
        if (string.IsNullOrEmpty(process.Cwd) || !process.Cwd.StartsWith('/'))
        {
            throw Error("plan", "process.cwd", $"\"{process.Cwd}\" is not an absolute path");
        }
        if (options.PreserveFds < 0)
        {
            throw new ProcessSetupException("plan", $"--preserve-fds {options.PreserveFds}: must be 0 or more");
        }
        var warnings = new List<string>();
        var notes = new List<string>();
        var lastCap = options.LastCapability ?? ThreadCapabilities.LastCapability();
        var user = process.User ?? new User();
        CheckIds(user);

        ulong[]? affinity = null;
        if (process.ExecCPUAffinity is { } cpus)
        {
            var initial = cpus.Initial is { Length: > 0 } i ? ParseCpus(i, "process.execCPUAffinity.initial") : null;
            var final = cpus.Final is { Length: > 0 } f ? ParseCpus(f, "process.execCPUAffinity.final") : null;
            if (options.IsExec)
            {
                affinity = final;
            }
            else if (initial != null || final != null)
            {
                notes.Add("process.execCPUAffinity does not apply to the container's init process (config.md); ignored");
            }
        }

        SeccompFilter? filter = seccomp is null ? null : SeccompPlanner.Plan(seccomp);

        return new ProcessPlan
        {
            Args = [.. process.Args],
            Env = [.. process.Env ?? []],
            Cwd = process.Cwd,
            Uid = user.Uid,
            Gid = user.Gid,
            AdditionalGids = [.. user.AdditionalGids ?? []],
            Umask = user.Umask ?? 0x12,
            Capabilities = PlanCapabilities(process.Capabilities, lastCap, warnings),
            Rlimits = PlanRlimits(process.Rlimits),
            OomScoreAdj = process.OomScoreAdj is { } oom
                ? (oom is >= -1000 and <= 1000 ? oom : throw Error("plan", "process.oomScoreAdj", $"is {oom}; the kernel accepts -1000 to 1000"))
                : null,
            Personality = personality is null ? null : PlanPersonality(personality),
            Scheduler = process.Scheduler is null ? null : PlanScheduler(process.Scheduler),
            IoPriority = process.IOPriority is null ? null : PlanIoPriority(process.IOPriority),
            CpuAffinity = affinity,
            MemoryPolicy = memoryPolicy is null ? null : PlanMemoryPolicy(memoryPolicy),
            NoNewPrivileges = process.NoNewPrivileges == true,
            Seccomp = filter,
            SeccompListenerPath = filter?.UsesNotify == true ? seccomp!.ListenerPath : null,
            SeccompListenerMetadata = filter?.UsesNotify == true ? seccomp!.ListenerMetadata : null,
            ApparmorProfile = process.ApparmorProfile,
            SelinuxLabel = process.SelinuxLabel,
            Options = options,
            Warnings = warnings,
            Notes = notes,
        };
    }

    /// <summary>
    /// The five sets. An unknown name, or one past this kernel's last capability, is skipped with a
    /// warning: config.md (v1.1+) says such values "MUST be logged as a warning" and runtimes
    /// "SHOULD NOT fail". No capabilities object at all means every set empty (nothing granted).
    /// </summary>
    public static PlannedCapabilities PlanCapabilities(LinuxCapabilities? capabilities, int lastCapability, List<string> warnings)
    {
        CapabilitySet Set(List<string>? names, string path)
        {
            var set = CapabilitySet.Empty;
            for (var i = 0; names != null && i < names.Count; i++)
            {
                var number = CapabilityNames.Number(names[i] ?? "");
                if (number is null)
                {
                    warnings.Add($"{path}[{i}]: \"{names[i]}\" is not a capability hutch knows; it is skipped");
                }
                else if (number > lastCapability)
                {
                    warnings.Add($"{path}[{i}]: {names[i]} is not known to this kernel (its last capability is {CapabilityNames.Name(lastCapability)}); it is skipped");
                }
                else
                {
                    set = set.With(number.Value);
                }
            }
            return set;
        }

        return new PlannedCapabilities(
            Set(capabilities?.Bounding, "process.capabilities.bounding"),
            Set(capabilities?.Effective, "process.capabilities.effective"),
            Set(capabilities?.Permitted, "process.capabilities.permitted"),
            Set(capabilities?.Inheritable, "process.capabilities.inheritable"),
            Set(capabilities?.Ambient, "process.capabilities.ambient"),
            lastCapability);
    }

    public static IReadOnlyList<PlannedRlimit> PlanRlimits(List<PosixRlimit>? rlimits)
    {
        var planned = new List<PlannedRlimit>();
        for (var i = 0; rlimits != null && i < rlimits.Count; i++)
        {
            var rlimit = rlimits[i];
            var path = $"process.rlimits[{i}]";
            var resource = RlimitNames.Resource(rlimit.Type ?? "") ??
                           throw Error("rlimits", path + ".type", $"\"{rlimit.Type}\" is not a Linux resource limit (RLIMIT_NOFILE, RLIMIT_NPROC, ...)");
            if (planned.Any(p => p.Resource == resource))
            {
                throw Error("rlimits", path + ".type", $"{rlimit.Type} is given twice; give each type once");
            }
            if (rlimit.Soft > rlimit.Hard)
            {
                throw Error("rlimits", path, $"soft limit {rlimit.Soft} is above hard limit {rlimit.Hard}");
            }
            planned.Add(new PlannedRlimit(rlimit.Type!, resource, rlimit.Soft, rlimit.Hard));
        }
        return planned;
    }

    public static ulong PlanPersonality(LinuxPersonality personality)
    {
        if (personality.Flags is { Count: > 0 })
        {
            throw Error("personality", "linux.personality.flags", "no flag is supported (the spec defines none yet); remove flags");
        }
        return personality.Domain switch
        {
            "LINUX" => 0x0000,
            "LINUX32" => 0x0008,
            _ => throw Error("personality", "linux.personality.domain", $"\"{personality.Domain}\" is not LINUX or LINUX32"),
        };
    }

    public static Libc.SchedAttr PlanScheduler(Scheduler scheduler)
    {
        uint policy = scheduler.Policy switch
        {
            "SCHED_OTHER" => 0,
            "SCHED_FIFO" => 1,
            "SCHED_RR" => 2,
            "SCHED_BATCH" => 3,
            "SCHED_ISO" => 4,
            "SCHED_IDLE" => 5,
            "SCHED_DEADLINE" => 6,
            _ => throw Error("scheduler", "process.scheduler.policy", $"\"{scheduler.Policy}\" is not a scheduling policy (SCHED_OTHER, SCHED_FIFO, ...)"),
        };
        ulong flags = 0;
        for (var i = 0; scheduler.Flags != null && i < scheduler.Flags.Count; i++)
        {
            flags |= scheduler.Flags[i] switch
            {
                "SCHED_FLAG_RESET_ON_FORK" => 0x01UL,
                "SCHED_FLAG_RECLAIM" => 0x02UL,
                "SCHED_FLAG_DL_OVERRUN" => 0x04UL,
                "SCHED_FLAG_KEEP_POLICY" => 0x08UL,
                "SCHED_FLAG_KEEP_PARAMS" => 0x10UL,
                "SCHED_FLAG_UTIL_CLAMP_MIN" => 0x20UL,
                "SCHED_FLAG_UTIL_CLAMP_MAX" => 0x40UL,
                _ => throw Error("scheduler", $"process.scheduler.flags[{i}]", $"\"{scheduler.Flags[i]}\" is not a scheduler flag"),
            };
        }
        if (scheduler.Nice is { } nice && (nice < -20 || nice > 19))
        {
            throw Error("scheduler", "process.scheduler.nice", $"is {nice}; nice values are -20 to 19");
        }
        return new Libc.SchedAttr
        {
            Size = 56,
            Policy = policy,
            Flags = flags,
            Nice = scheduler.Nice ?? 0,
            Priority = (uint)(scheduler.Priority ?? 0),
            Runtime = scheduler.Runtime ?? 0,
            Deadline = scheduler.Deadline ?? 0,
            Period = scheduler.Period ?? 0,
        };
    }

    public static int PlanIoPriority(LinuxIOPriority ioPriority)
    {
        var ioClass = ioPriority.Class switch
        {
            "IOPRIO_CLASS_RT" => 1,
            "IOPRIO_CLASS_BE" => 2,
            "IOPRIO_CLASS_IDLE" => 3,
            _ => throw Error("ioPriority", "process.ioPriority.class", $"\"{ioPriority.Class}\" is not IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or IOPRIO_CLASS_IDLE"),
        };
        if (ioPriority.Priority is < 0 or > 7)
        {
            throw Error("ioPriority", "process.ioPriority.priority", $"is {ioPriority.Priority}; the kernel takes 0 (highest) to 7");
        }
        return (ioClass << IoprioClassShift) | ioPriority.Priority;
    }

    /// <summary>linux.memoryPolicy to set_mempolicy's numbers: the mode OR'ed with its flags, the nodes as a mask.</summary>
    public static PlannedMemoryPolicy PlanMemoryPolicy(LinuxMemoryPolicy policy)
    {
        const string path = "linux.memoryPolicy";
        var mode = policy.Mode switch
        {
            "MPOL_DEFAULT" => Libc.MPOL_DEFAULT,
            "MPOL_PREFERRED" => Libc.MPOL_PREFERRED,
            "MPOL_BIND" => Libc.MPOL_BIND,
            "MPOL_INTERLEAVE" => Libc.MPOL_INTERLEAVE,
            "MPOL_LOCAL" => Libc.MPOL_LOCAL,
            "MPOL_PREFERRED_MANY" => Libc.MPOL_PREFERRED_MANY,
            "MPOL_WEIGHTED_INTERLEAVE" => Libc.MPOL_WEIGHTED_INTERLEAVE,
            _ => throw Error("memory policy", path + ".mode", $"\"{policy.Mode}\" is not a memory policy mode (MPOL_BIND, MPOL_INTERLEAVE, ...)"),
        };
        for (var i = 0; policy.Flags != null && i < policy.Flags.Count; i++)
        {
            mode |= policy.Flags[i] switch
            {
                "MPOL_F_NUMA_BALANCING" => Libc.MPOL_F_NUMA_BALANCING,
                "MPOL_F_RELATIVE_NODES" => Libc.MPOL_F_RELATIVE_NODES,
                "MPOL_F_STATIC_NODES" => Libc.MPOL_F_STATIC_NODES,
                _ => throw Error("memory policy", $"{path}.flags[{i}]", $"\"{policy.Flags[i]}\" is not a memory policy flag"),
            };
        }
        ulong[]? nodes = null;
        if (policy.Nodes is { Length: > 0 } list)
        {
            try
            {
                nodes = CpuList.Parse(list, "memory node", MemoryNodes.MaxNodes);
            }
            catch (FormatException e)
            {
                throw Error("memory policy", path + ".nodes", e.Message);
            }
        }
        var flags = policy.Flags is { Count: > 0 } f ? " flags " + string.Join("|", f) : "";
        var nodesText = nodes is null ? "" : $" nodes \"{policy.Nodes}\"";
        return new PlannedMemoryPolicy(new MemoryPolicy(mode, nodes), policy.Mode + nodesText + flags);
    }

    private static ulong[] ParseCpus(string list, string path)
    {
        try
        {
            return CpuList.Parse(list);
        }
        catch (FormatException e)
        {
            throw Error("cpu affinity", path, e.Message);
        }
    }

    /// <summary>Refuses ids that setresuid/setresgid/setgroups would misread (see <see cref="PosixIds"/>).</summary>
    private static void CheckIds(User user)
    {
        foreach (var (path, message) in PosixIds.OutOfRangeIn(user))
        {
            throw Error("plan", path, message);
        }
    }

    private static ProcessSetupException Error(string step, string path, string message) =>
        new(step, $"config.json: {path}: {message}");
}
