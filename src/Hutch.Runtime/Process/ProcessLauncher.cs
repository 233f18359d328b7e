using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using Hutch.Linux;
using Hutch.Linux.Capabilities;
using Hutch.Linux.Interop;
using Hutch.Linux.Paths;
using Hutch.Linux.Seccomp;
using Hutch.Spec;
using SpecProcess = Hutch.Spec.Process;

namespace Hutch.Runtime.Processes;

/// <summary>
/// Turns the current process into the container's process (DESIGN.md 3.5). The init calls:
/// <code>
///   var plan = ProcessLauncher.Plan(config.Process, config.Linux?.Seccomp, config.Linux?.Personality, options);
///   // log plan.Warnings (warning) and plan.Notes (debug)
///   ProcessLauncher.Resolve(plan);   // after pivot_root, BEFORE blocking on the exec fifo:
///                                    // args[0] in PATH, seccomp compiled, LSM labels checked
///   ... wait on the exec fifo ...
///   ProcessLauncher.Exec(plan);      // never returns on success
/// </code>
/// Exec applies, on the calling thread, which then execs (per-thread state is inherited by
/// the new image): rlimits, oom_score_adj, personality, scheduler, I/O priority, the memory policy
/// (unless <see cref="ApplyMemoryPolicy"/> set it already), execCPUAffinity
/// (exec'd processes only), umask, fds past stdio and the preserved ones close-on-exec, the
/// bounding set, PR_SET_KEEPCAPS, chdir (tried while privileged, retried as the user),
/// setgroups, setresgid, setresuid, the cwd check (CVE-2024-21626), capset, ambient caps,
/// no_new_privs; then in C with no managed code between them: signal dispositions and mask,
/// seccomp (the notify fd and state sent to listenerPath), execve.
/// A failed Exec leaves the process half-changed (maybe with a filter loaded): the caller must
/// report the <see cref="ProcessSetupException"/> and exit, doing nothing else.
/// </summary>
internal static class ProcessLauncher
{
    /// <summary>Parses everything; throws <see cref="ProcessSetupException"/> naming the JSON path of a bad value.</summary>
    public static ProcessPlan Plan(SpecProcess process, LinuxSeccomp? seccomp = null, LinuxPersonality? personality = null,
        ProcessPlanOptions? options = null, LinuxMemoryPolicy? memoryPolicy = null)
    {
        ArgumentNullException.ThrowIfNull(process);
        return ProcessPlanner.Plan(process, seccomp, personality, options, memoryPolicy);
    }

    /// <summary>
    /// For an init that reads the bundle itself (like RootfsBuilder.ForBundle): loads
    /// <paramref name="configPath"/> and plans its process with linux.seccomp and linux.personality.
    /// A config without a process is an error here: there is nothing to start.
    /// </summary>
    public static ProcessPlan PlanForConfig(string configPath, ProcessPlanOptions? options = null)
    {
        var config = ConfigJson.Load(configPath);
        var process = config.Process ??
                      throw new ProcessSetupException("plan", $"{configPath}: process: is not set, so there is no process to start; add a process object");
        return Plan(process, config.Linux?.Seccomp, config.Linux?.Personality, options, config.Linux?.MemoryPolicy);
    }

    /// <summary>
    /// Settles the environment (one entry per name, HOME from the container's /etc/passwd when
    /// missing, as runc), looks args[0] up inside the container (the init's root is the
    /// container's by now), compiles
    /// the seccomp filter and checks the LSM labels, so `create` fails with
    /// <c>exec: "/bin/nosuch": no such file or directory</c> instead of `start`.
    /// </summary>
    public static void Resolve(ProcessPlan plan)
    {
        SecurityLabels.Check(plan);
        plan.Capabilities = CapabilityGrant.RestrictToHeld(plan.Capabilities, plan.Warnings);
        using (var root = RootPath.OpenRoot("/"))
        {
            plan.Env = ProcessEnvironment.Build(plan.Env, () => InRootLookup.Home(root, plan.Uid));
        }
        plan.ExecutablePath = ExecutableLookup.Find(plan.Args[0], plan.Env, plan.Cwd);
        CompileSeccomp(plan);
    }

    /// <summary>
    /// Compiles the seccomp filter (loading the system's libseccomp). The init calls this before
    /// any mount or pivot_root: libseccomp must come from the host, never be looked up (and run,
    /// in the privileged init) in the container's filesystem.
    /// </summary>
    public static void CompileSeccomp(ProcessPlan plan)
    {
        if (plan.Seccomp is not null && plan.SeccompProgram is null)
        {
            try
            {
                plan.SeccompProgram = SeccompCompiler.Compile(plan.Seccomp);
            }
            catch (SeccompException e)
            {
                throw new ProcessSetupException("seccomp", e.Message, e.Errno, e);
            }
            foreach (var name in plan.SeccompProgram.SkippedSyscalls)
            {
                plan.Notes.Add($"seccomp: syscall \"{name}\" is unknown to libseccomp on this system; its rule is skipped");
            }
        }
    }

    /// <summary>
    /// Sets linux.memoryPolicy on the calling thread, which must be the one that will exec (the
    /// policy is per thread; execve keeps it). The init calls this at create, before "ready", so a
    /// policy the kernel refuses fails `create`, as runc; Exec applies it if nobody did.
    /// </summary>
    public static void ApplyMemoryPolicy(ProcessPlan plan)
    {
        if (plan.MemoryPolicy is { } policy && !plan.MemoryPolicyApplied)
        {
            ProcessSteps.SetMemoryPolicy(policy);
            plan.MemoryPolicyApplied = true;
        }
    }

    /// <summary>Applies the plan and execs; returns only by throwing <see cref="ProcessSetupException"/>.</summary>
    [DoesNotReturn]
    public static void Exec(ProcessPlan plan)
    {
        if (plan.ExecutablePath is null || (plan.Seccomp is not null && plan.SeccompProgram is null))
        {
            Resolve(plan);
        }
        var program = plan.SeccompProgram;
        var notify = program is not null && (program.Flags & SeccompFilterFlags.NewListener) != 0;

        // Everything that allocates or may fail for reasons of its own comes first.
        using var strings = new NativeStrings(plan.ExecutablePath!, plan.Args, plan.Env);
        byte[]? listenerMessage = notify ? ListenerMessage(plan) : null;
        var listener = notify ? plan.Options.ListenerSocket ?? ConnectListener(plan.SeccompListenerPath!) : null;
        var ownsListener = notify && plan.Options.ListenerSocket is null;
        try
        {
            ApplyProcessAttributes(plan);
            ProcessSteps.CloseFdsOnExec(plan.Options.PreserveFds);
            var capsAfter = ApplyUserAndCapabilities(plan, needsSysAdminForSeccomp: program is not null && !plan.NoNewPrivileges);
            if (plan.NoNewPrivileges)
            {
                ProcessSteps.SetNoNewPrivileges();
            }
            throw ExecNative(plan, strings, program, listener, listenerMessage, capsAfter);
        }
        catch (ProcessSetupException) when (ownsListener && DisposeListener(listener!))
        {
            throw; // not reached: the filter only disposes
        }
    }

    private static bool DisposeListener(SafeFd listener)
    {
        listener.Dispose();
        return false;
    }

    private static void ApplyProcessAttributes(ProcessPlan plan)
    {
        ProcessSteps.SetRlimits(plan.Rlimits);
        if (plan.OomScoreAdj is { } oom)
        {
            ProcessSteps.SetOomScoreAdj(oom, plan.Options.PrivateProc);
        }
        if (plan.Personality is { } persona)
        {
            ProcessSteps.SetPersonality(persona);
        }
        if (plan.Scheduler is { } attr)
        {
            ProcessSteps.SetScheduler(attr);
        }
        if (plan.IoPriority is { } ioprio)
        {
            ProcessSteps.SetIoPriority(ioprio);
        }
        ApplyMemoryPolicy(plan);
        if (plan.CpuAffinity is { } mask)
        {
            ProcessSteps.SetCpuAffinity(mask);
        }
        _ = Libc.umask(plan.Umask);
    }

    // Returns the final capability words when seccomp needs CAP_SYS_ADMIN kept until it is loaded
    // (without no_new_privs the kernel requires it), else null.
    private static uint[]? ApplyUserAndCapabilities(ProcessPlan plan, bool needsSysAdminForSeccomp)
    {
        var caps = plan.Capabilities;
        ProcessSteps.DropBounding(caps.Bounding, caps.LastCapability);
        ProcessSteps.SetKeepCaps(true);

        // runc's order: chdir while privileged (a cwd only root can enter), again as the user
        // when that failed (a cwd on a root-squashed or user-only mount).
        var chdirErrno = -PathSyscalls.Chdir(plan.Cwd);
        ProcessSteps.SetGroups(plan.AdditionalGids, plan.Notes);
        ProcessSteps.SetIds(plan.Uid, plan.Gid);
        if (chdirErrno != 0)
        {
            var rc = PathSyscalls.Chdir(plan.Cwd);
            if (rc < 0)
            {
                throw ProcessSteps.Fail("cwd", $"chdir to process.cwd \"{plan.Cwd}\"", -rc);
            }
        }
        ProcessSteps.VerifyCwd(plan.Cwd);
        ProcessSteps.SetKeepCaps(false);

        var effective = caps.Effective;
        var permitted = caps.Permitted;
        uint[]? after = null;
        if (needsSysAdminForSeccomp && !effective.Contains(CapabilityNames.SysAdmin))
        {
            after = new uint[6];
            ThreadCapabilities.ToWords(effective, permitted, caps.Inheritable, after);
            effective = effective.With(CapabilityNames.SysAdmin);
            permitted = permitted.With(CapabilityNames.SysAdmin);
        }
        var set = ThreadCapabilities.Set(effective, permitted, caps.Inheritable);
        if (set < 0)
        {
            throw ProcessSteps.Fail("capabilities",
                $"capset effective {effective} permitted {permitted} inheritable {caps.Inheritable}", -set,
                needsSysAdminForSeccomp && after is not null
                    ? "seccomp without noNewPrivileges needs CAP_SYS_ADMIN until the filter is loaded; set process.noNewPrivileges"
                    : null);
        }
        var clear = ThreadCapabilities.ClearAmbient();
        if (clear < 0 && caps.Ambient.Count > 0)
        {
            throw ProcessSteps.Fail("capabilities", "clear the ambient set", -clear);
        }
        foreach (var cap in caps.Ambient.Numbers())
        {
            var rc = ThreadCapabilities.RaiseAmbient(cap);
            if (rc < 0)
            {
                throw ProcessSteps.Fail("capabilities", $"raise ambient {CapabilityNames.Name(cap)}", -rc);
            }
        }
        return after;
    }

    // Returns the error of a failed exec (on success it never returns).
    private static unsafe ProcessSetupException ExecNative(ProcessPlan plan, NativeStrings strings, SeccompProgram? program, SafeFd? listener,
        byte[]? listenerMessage, uint[]? capsAfter)
    {
        var addedListener = false;
        listener?.DangerousAddRef(ref addedListener);
        int rc, step;
        fixed (byte* filter = program?.Instructions)
        fixed (byte* message = listenerMessage)
        fixed (uint* caps = capsAfter)
        {
            var native = new Libc.HutchExecPlan
            {
                Filter = (nint)filter,
                FilterLength = (uint)(program?.InstructionCount ?? 0),
                SeccompFlags = program?.Flags ?? 0,
                ListenerFd = listener?.Fd ?? -1,
                ListenerMessageLength = (uint)(listenerMessage?.Length ?? 0),
                ListenerMessage = (nint)message,
                CapsAfter = (nint)caps,
                Path = strings.Path,
                Argv = strings.Argv,
                Envp = strings.Envp,
            };
            step = 0;
            rc = Libc.hutch_exec_with_filter(&native, &step);
        }
        if (listener is not null)
        {
            if (step >= Libc.HUTCH_EXEC_STEP_LISTENER)
            {
                listener.SetHandleAsInvalid(); // closed by the C side
            }
            if (addedListener)
            {
                listener.DangerousRelease();
            }
        }
        return step switch
        {
            Libc.HUTCH_EXEC_STEP_SIGNALS => ProcessSteps.Fail("signals", "reset signal dispositions and mask", -rc),
            Libc.HUTCH_EXEC_STEP_SECCOMP => ProcessSteps.Fail("seccomp", "load the seccomp filter", -rc,
                -rc == Errno.EACCES ? "without noNewPrivileges, loading a filter needs CAP_SYS_ADMIN" : null),
            Libc.HUTCH_EXEC_STEP_LISTENER => ProcessSteps.Fail("seccomp listener",
                $"send the seccomp notify fd and state to {plan.SeccompListenerPath}", -rc),
            Libc.HUTCH_EXEC_STEP_CAPS => ProcessSteps.Fail("capabilities", "capset after loading seccomp (is capset allowed by the filter?)", -rc),
            _ => ExecutableLookup.Failure(plan.Args[0], -rc),
        };
    }

    private static byte[] ListenerMessage(ProcessPlan plan)
    {
        var state = plan.Options.ContainerState ??
                    throw new ProcessSetupException("seccomp listener",
                        $"seccomp listener {plan.SeccompListenerPath}: no container state to send (ProcessPlanOptions.ContainerState is not set)");
        return ContainerProcessState.Serialize(state, plan.SeccompListenerMetadata);
    }

    private static SafeFd ConnectListener(string path)
    {
        try
        {
            return SeccompListener.Connect(path);
        }
        catch (SeccompException e)
        {
            throw new ProcessSetupException("seccomp listener", e.Message, e.Errno, e);
        }
    }

    /// <summary>path, argv and envp as NUL-terminated UTF-8 in native memory (freed only if exec fails).</summary>
    private sealed unsafe class NativeStrings : IDisposable
    {
        private readonly List<nint> _blocks = [];

        public NativeStrings(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp)
        {
            Path = String(path);
            Argv = Array(argv);
            Envp = Array(envp);
        }

        public nint Path { get; }

        public nint Argv { get; }

        public nint Envp { get; }

        public void Dispose()
        {
            foreach (var block in _blocks)
            {
                NativeMemory.Free((void*)block);
            }
            _blocks.Clear();
        }

        private nint String(string value)
        {
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ProcessSetupException("exec", $"exec: \"{value.Replace("\0", "\\0", StringComparison.Ordinal)}\": contains a NUL character");
            }
            var bytes = Encoding.UTF8.GetBytes(value);
            var block = (byte*)NativeMemory.Alloc((nuint)bytes.Length + 1);
            _blocks.Add((nint)block);
            bytes.CopyTo(new Span<byte>(block, bytes.Length));
            block[bytes.Length] = 0;
            return (nint)block;
        }

        private nint Array(IReadOnlyList<string> values)
        {
            var array = (nint*)NativeMemory.Alloc((nuint)(values.Count + 1), (nuint)sizeof(nint));
            _blocks.Add((nint)array);
            for (var i = 0; i < values.Count; i++)
            {
                array[i] = String(values[i]);
            }
            array[values.Count] = 0;
            return (nint)array;
        }
    }
}
