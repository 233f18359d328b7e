using System.Runtime.InteropServices;
using System.Text;
using Hutch.Linux.Interop;

namespace Hutch.Linux.Spawn;

/// <summary>
/// A SpawnPlan laid out in one native block (the hutch_spawn_plan, its arrays, every string),
/// built before hutch_spawn: the child reads only this block, never the managed heap.
/// Holds a reference on every SafeFd the plan names until disposed.
/// </summary>
internal sealed unsafe class NativePlan : IDisposable
{
    private readonly List<SafeFd> _referenced = [];
    private byte* _block;

    public NativePlan(SpawnPlan plan, IReadOnlyList<NamespaceJoin> joins, SafeFd errorWrite)
    {
        var argv = plan.EffectiveArgv;
        var envp = plan.Envp;
        var timeOffsets = plan.HasTimeOffsets ? plan.RenderedTimeOffsets : null;
        var stringBytes = Utf8Size(plan.Path) + argv.Sum(Utf8Size) + envp.Sum(Utf8Size) + (timeOffsets is null ? 0 : Utf8Size(timeOffsets));
        var size = sizeof(Libc.HutchSpawnPlan)
            + joins.Count * sizeof(Libc.HutchNsJoin)
            + plan.Fds.Count * sizeof(Libc.HutchFdMap)
            + (argv.Count + 1 + envp.Count + 1) * sizeof(nint)
            + ProcessSetupBytes(plan.ProcessSetup)
            + (plan.Cgroup?.ThreadFiles.Count ?? 0) * sizeof(int)
            + stringBytes;
        _block = (byte*)NativeMemory.AllocZeroed((nuint)size);
        try
        {
            Plan = Fill(plan, joins, errorWrite, argv, envp, timeOffsets);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public Libc.HutchSpawnPlan* Plan { get; }

    private Libc.HutchSpawnPlan* Fill(SpawnPlan plan, IReadOnlyList<NamespaceJoin> joins, SafeFd errorWrite,
        IReadOnlyList<string> argv, IReadOnlyList<string> envp, string? timeOffsets)
    {
        var cursor = _block;

        var nativePlan = (Libc.HutchSpawnPlan*)Take(ref cursor, sizeof(Libc.HutchSpawnPlan));
        var nativeJoins = (Libc.HutchNsJoin*)Take(ref cursor, joins.Count * sizeof(Libc.HutchNsJoin));
        var maps = (Libc.HutchFdMap*)Take(ref cursor, plan.Fds.Count * sizeof(Libc.HutchFdMap));
        var argvArray = (nint*)Take(ref cursor, (argv.Count + 1) * sizeof(nint));
        var envpArray = (nint*)Take(ref cursor, (envp.Count + 1) * sizeof(nint));
        var threadFiles = plan.Cgroup?.ThreadFiles ?? [];
        var threadFds = (int*)Take(ref cursor, threadFiles.Count * sizeof(int));
        for (var i = 0; i < threadFiles.Count; i++)
        {
            threadFds[i] = Reference(threadFiles[i]);
        }

        for (var i = 0; i < joins.Count; i++)
        {
            nativeJoins[i] = new Libc.HutchNsJoin { Fd = Reference(joins[i].Fd), NsType = (int)joins[i].Kind };
        }
        for (var i = 0; i < plan.Fds.Count; i++)
        {
            maps[i] = new Libc.HutchFdMap { Src = Reference(plan.Fds[i].Source), Dst = plan.Fds[i].Target };
        }
        var path = PutString(ref cursor, plan.Path);
        for (var i = 0; i < argv.Count; i++)
        {
            argvArray[i] = PutString(ref cursor, argv[i]);
        }
        for (var i = 0; i < envp.Count; i++)
        {
            envpArray[i] = PutString(ref cursor, envp[i]);
        }

        var offsets = timeOffsets is null ? 0 : PutString(ref cursor, timeOffsets);
        var setup = plan.ProcessSetup is null ? 0 : PutProcessSetup(ref cursor, plan.ProcessSetup, path, (nint)argvArray, (nint)envpArray);

        *nativePlan = new Libc.HutchSpawnPlan
        {
            CloneFlags = plan.CloneFlags,
            Flags = (plan.AvoidClone3 ? Libc.HUTCH_SPAWN_NO_CLONE3 : 0) | (plan.TwoStage ? Libc.HUTCH_SPAWN_TWO_STAGE : 0)
                | (plan.Vfork ? Libc.HUTCH_SPAWN_VFORK : 0)
                | (plan.BecomeRoot ? Libc.HUTCH_SPAWN_BECOME_ROOT : 0) | (plan.ClearGroups ? Libc.HUTCH_SPAWN_CLEAR_GROUPS : 0)
                | (plan.NotDumpable ? Libc.HUTCH_SPAWN_NOT_DUMPABLE : 0)
                | (plan.DieWithParent ? Libc.HUTCH_SPAWN_DIE_WITH_PARENT : 0),
            JoinCount = joins.Count,
            Joins = joins.Count > 0 ? (nint)nativeJoins : 0,
            FdMapCount = plan.Fds.Count,
            FdMaps = plan.Fds.Count > 0 ? (nint)maps : 0,
            SyncFd = plan.SyncFd is null ? -1 : Reference(plan.SyncFd),
            ErrorFd = Reference(errorWrite),
            ExecFd = plan.ExecFd is null ? -1 : Reference(plan.ExecFd),
            Path = path,
            Argv = (nint)argvArray,
            Envp = (nint)envpArray,
            TimeOffsets = offsets,
            TimeOffsetsLen = timeOffsets is null ? 0 : Encoding.UTF8.GetByteCount(timeOffsets),
            ProcSetup = setup,
            CgroupFd = plan.Cgroup?.UnifiedDirectory is { } unified ? Reference(unified) : -1,
            CgroupProcsFd = plan.Cgroup?.UnifiedProcs is { } procs ? Reference(procs) : -1,
            CgroupThreadCount = threadFiles.Count,
            CgroupThreadFds = threadFiles.Count > 0 ? (nint)threadFds : 0,
        };
        return nativePlan;
    }

    public void Dispose()
    {
        foreach (var fd in _referenced)
        {
            fd.DangerousRelease();
        }
        _referenced.Clear();
        if (_block != null)
        {
            NativeMemory.Free(_block);
            _block = null;
        }
    }

    private static int Utf8Size(string value) => Encoding.UTF8.GetByteCount(value) + 1;

    // The process setup, its exec plan, groups, filter, capability words after seccomp and cwd,
    // each 8-byte aligned (sock_filter and the structs need it), plus slack for the alignment.
    private static int ProcessSetupBytes(ProcessSetup? setup) => setup is null ? 0
        : sizeof(Libc.HutchProcSetup) + sizeof(Libc.HutchExecPlan)
          + Align(setup.AdditionalGids.Count * sizeof(uint)) + Align(setup.Seccomp?.Instructions.Length ?? 0)
          + Align(6 * sizeof(uint)) + Align(Utf8Size(setup.Cwd)) + (setup.MemoryPolicy?.Nodes?.Length ?? 0) * sizeof(ulong) + 8 * 8;

    private static int Align(int bytes) => (bytes + 7) & ~7;

    private static void AlignCursor(ref byte* cursor) => cursor = (byte*)(((nint)cursor + 7) & ~(nint)7);

    private static nint PutProcessSetup(ref byte* cursor, ProcessSetup setup, nint path, nint argv, nint envp)
    {
        AlignCursor(ref cursor);
        var native = (Libc.HutchProcSetup*)Take(ref cursor, sizeof(Libc.HutchProcSetup));
        AlignCursor(ref cursor);
        var exec = (Libc.HutchExecPlan*)Take(ref cursor, sizeof(Libc.HutchExecPlan));
        AlignCursor(ref cursor);
        var groups = (uint*)Take(ref cursor, setup.AdditionalGids.Count * sizeof(uint));
        for (var i = 0; i < setup.AdditionalGids.Count; i++)
        {
            groups[i] = setup.AdditionalGids[i];
        }
        AlignCursor(ref cursor);
        byte* filter = null;
        if (setup.Seccomp is { } program)
        {
            filter = Take(ref cursor, program.Instructions.Length);
            program.Instructions.CopyTo(new Span<byte>(filter, program.Instructions.Length));
            AlignCursor(ref cursor);
        }
        uint* capsAfter = null;
        if (setup.CapabilitiesAfterSeccomp is { } after)
        {
            capsAfter = (uint*)Take(ref cursor, 6 * sizeof(uint));
            after.CopyTo(new Span<uint>(capsAfter, 6));
            AlignCursor(ref cursor);
        }
        ulong* nodes = null;
        if (setup.MemoryPolicy?.Nodes is { } mask)
        {
            nodes = (ulong*)Take(ref cursor, mask.Length * sizeof(ulong));
            mask.CopyTo(new Span<ulong>(nodes, mask.Length));
            AlignCursor(ref cursor);
        }
        var cwd = PutString(ref cursor, setup.Cwd);

        *exec = new Libc.HutchExecPlan
        {
            Filter = (nint)filter,
            FilterLength = (uint)(setup.Seccomp?.InstructionCount ?? 0),
            SeccompFlags = setup.Seccomp?.Flags ?? 0,
            ListenerFd = -1,
            CapsAfter = (nint)capsAfter,
            Path = path,
            Argv = argv,
            Envp = envp,
        };
        *native = new Libc.HutchProcSetup
        {
            Flags = (setup.NoNewPrivileges ? Libc.HUTCH_PROC_NO_NEW_PRIVS : 0) | (setup.Personality is null ? 0 : Libc.HUTCH_PROC_PERSONALITY)
                    | (setup.MemoryPolicy is null ? 0 : Libc.HUTCH_PROC_MEMPOLICY) | (setup.RootFd is null ? 0 : Libc.HUTCH_PROC_CHROOT),
            RootFd = setup.RootFd ?? -1,
            Uid = setup.Uid,
            Gid = setup.Gid,
            Umask = setup.Umask,
            GroupCount = setup.AdditionalGids.Count,
            TtyFd = setup.TerminalFd ?? -1,
            Groups = setup.AdditionalGids.Count > 0 ? (nint)groups : 0,
            Cwd = cwd,
            Bounding = setup.Bounding.Bits,
            Ambient = setup.Ambient.Bits,
            Personality = setup.Personality ?? 0,
            LastCap = setup.LastCapability,
            MempolicyMode = setup.MemoryPolicy?.Mode ?? 0,
            MempolicyNodes = (nint)nodes,
            MempolicyNodeBits = setup.MemoryPolicy?.NodeBits ?? 0,
            Exec = (nint)exec,
        };
        for (var i = 0; i < 6; i++)
        {
            native->Caps[i] = setup.Capabilities[i];
        }
        return (nint)native;
    }

    private static byte* Take(ref byte* cursor, int bytes)
    {
        var start = cursor;
        cursor += bytes;
        return start;
    }

    private static nint PutString(ref byte* cursor, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, new Span<byte>(cursor, Utf8Size(value)));
        var start = cursor;
        cursor[length] = 0;
        cursor += length + 1;
        return (nint)start;
    }

    /// <summary>Keeps <paramref name="fd"/> open (no concurrent Dispose can close it) until this plan is disposed.</summary>
    private int Reference(SafeFd fd)
    {
        var added = false;
        fd.DangerousAddRef(ref added);
        _referenced.Add(fd);
        return fd.Fd;
    }
}
