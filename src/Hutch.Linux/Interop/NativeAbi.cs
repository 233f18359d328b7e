using System.Runtime.CompilerServices;

namespace Hutch.Linux.Interop;

/// <summary>
/// The C# half of the ABI with native/ (native/abi.h says how the two are kept in step). hutch
/// checks it at start-up (<see cref="Mismatch"/>): the library is linked into the binary, so the
/// halves disagree only when one was rebuilt without the other, and then every spawn would pass
/// structs the C reads differently, which must not run at all.
/// </summary>
internal static class NativeAbi
{
    /// <summary>HUTCH_ABI_VERSION this C# expects (native/abi.h): bumped with the C whenever the
    /// meaning of a shared flag, step or field changes.</summary>
    internal const int Version = 2;

    /// <summary>The sizes and offsets of the C# structs, in the order and with the names of
    /// native/abi.h's HUTCH_ABI_LAYOUT ("struct" for a size, "struct.field" for an offset).</summary>
    internal static unsafe (string Name, int Value)[] Layout()
    {
        var join = default(Libc.HutchNsJoin);
        var map = default(Libc.HutchFdMap);
        var plan = default(Libc.HutchSpawnPlan);
        var report = default(Libc.HutchSpawnReport);
        var setup = default(Libc.HutchProcSetup);
        var exec = default(Libc.HutchExecPlan);
        var sched = default(Libc.SchedAttr);
        var winsize = default(Libc.HutchWinsize);
        return
        [
            ("hutch_ns_join", sizeof(Libc.HutchNsJoin)),
            ("hutch_ns_join.fd", Offset(ref join, ref join.Fd)),
            ("hutch_ns_join.nstype", Offset(ref join, ref join.NsType)),
            ("hutch_fd_map", sizeof(Libc.HutchFdMap)),
            ("hutch_fd_map.src", Offset(ref map, ref map.Src)),
            ("hutch_fd_map.dst", Offset(ref map, ref map.Dst)),
            ("hutch_spawn_plan", sizeof(Libc.HutchSpawnPlan)),
            ("hutch_spawn_plan.clone_flags", Offset(ref plan, ref plan.CloneFlags)),
            ("hutch_spawn_plan.flags", Offset(ref plan, ref plan.Flags)),
            ("hutch_spawn_plan.join_count", Offset(ref plan, ref plan.JoinCount)),
            ("hutch_spawn_plan.joins", Offset(ref plan, ref plan.Joins)),
            ("hutch_spawn_plan.fd_map_count", Offset(ref plan, ref plan.FdMapCount)),
            ("hutch_spawn_plan.sync_fd", Offset(ref plan, ref plan.SyncFd)),
            ("hutch_spawn_plan.fd_maps", Offset(ref plan, ref plan.FdMaps)),
            ("hutch_spawn_plan.error_fd", Offset(ref plan, ref plan.ErrorFd)),
            ("hutch_spawn_plan.exec_fd", Offset(ref plan, ref plan.ExecFd)),
            ("hutch_spawn_plan.path", Offset(ref plan, ref plan.Path)),
            ("hutch_spawn_plan.argv", Offset(ref plan, ref plan.Argv)),
            ("hutch_spawn_plan.envp", Offset(ref plan, ref plan.Envp)),
            ("hutch_spawn_plan.time_offsets", Offset(ref plan, ref plan.TimeOffsets)),
            ("hutch_spawn_plan.time_offsets_len", Offset(ref plan, ref plan.TimeOffsetsLen)),
            ("hutch_spawn_plan.proc_setup", Offset(ref plan, ref plan.ProcSetup)),
            ("hutch_spawn_plan.cgroup_fd", Offset(ref plan, ref plan.CgroupFd)),
            ("hutch_spawn_plan.cgroup_procs_fd", Offset(ref plan, ref plan.CgroupProcsFd)),
            ("hutch_spawn_plan.cgroup_thread_count", Offset(ref plan, ref plan.CgroupThreadCount)),
            ("hutch_spawn_plan.cgroup_thread_fds", Offset(ref plan, ref plan.CgroupThreadFds)),
            ("hutch_spawn_report", sizeof(Libc.HutchSpawnReport)),
            ("hutch_spawn_report.step", Offset(ref report, ref report.Step)),
            ("hutch_spawn_report.index", Offset(ref report, ref report.Index)),
            ("hutch_spawn_report.err", Offset(ref report, ref report.Err)),
            ("hutch_proc_setup", sizeof(Libc.HutchProcSetup)),
            ("hutch_proc_setup.flags", Offset(ref setup, ref setup.Flags)),
            ("hutch_proc_setup.uid", Offset(ref setup, ref setup.Uid)),
            ("hutch_proc_setup.gid", Offset(ref setup, ref setup.Gid)),
            ("hutch_proc_setup.umask", Offset(ref setup, ref setup.Umask)),
            ("hutch_proc_setup.group_count", Offset(ref setup, ref setup.GroupCount)),
            ("hutch_proc_setup.tty_fd", Offset(ref setup, ref setup.TtyFd)),
            ("hutch_proc_setup.groups", Offset(ref setup, ref setup.Groups)),
            ("hutch_proc_setup.cwd", Offset(ref setup, ref setup.Cwd)),
            ("hutch_proc_setup.bounding", Offset(ref setup, ref setup.Bounding)),
            ("hutch_proc_setup.ambient", Offset(ref setup, ref setup.Ambient)),
            ("hutch_proc_setup.personality", Offset(ref setup, ref setup.Personality)),
            ("hutch_proc_setup.caps", Offset(ref setup, ref setup.Caps[0])),
            ("hutch_proc_setup.last_cap", Offset(ref setup, ref setup.LastCap)),
            ("hutch_proc_setup.mempolicy_mode", Offset(ref setup, ref setup.MempolicyMode)),
            ("hutch_proc_setup.exec", Offset(ref setup, ref setup.Exec)),
            ("hutch_proc_setup.mempolicy_nodes", Offset(ref setup, ref setup.MempolicyNodes)),
            ("hutch_proc_setup.mempolicy_node_bits", Offset(ref setup, ref setup.MempolicyNodeBits)),
            ("hutch_proc_setup.root_fd", Offset(ref setup, ref setup.RootFd)),
            ("hutch_exec_plan", sizeof(Libc.HutchExecPlan)),
            ("hutch_exec_plan.filter", Offset(ref exec, ref exec.Filter)),
            ("hutch_exec_plan.filter_len", Offset(ref exec, ref exec.FilterLength)),
            ("hutch_exec_plan.seccomp_flags", Offset(ref exec, ref exec.SeccompFlags)),
            ("hutch_exec_plan.listener_fd", Offset(ref exec, ref exec.ListenerFd)),
            ("hutch_exec_plan.listener_msg_len", Offset(ref exec, ref exec.ListenerMessageLength)),
            ("hutch_exec_plan.listener_msg", Offset(ref exec, ref exec.ListenerMessage)),
            ("hutch_exec_plan.caps_after", Offset(ref exec, ref exec.CapsAfter)),
            ("hutch_exec_plan.path", Offset(ref exec, ref exec.Path)),
            ("hutch_exec_plan.argv", Offset(ref exec, ref exec.Argv)),
            ("hutch_exec_plan.envp", Offset(ref exec, ref exec.Envp)),
            ("hutch_sched_attr", sizeof(Libc.SchedAttr)),
            ("hutch_sched_attr.size", Offset(ref sched, ref sched.Size)),
            ("hutch_sched_attr.sched_policy", Offset(ref sched, ref sched.Policy)),
            ("hutch_sched_attr.sched_flags", Offset(ref sched, ref sched.Flags)),
            ("hutch_sched_attr.sched_nice", Offset(ref sched, ref sched.Nice)),
            ("hutch_sched_attr.sched_priority", Offset(ref sched, ref sched.Priority)),
            ("hutch_sched_attr.sched_runtime", Offset(ref sched, ref sched.Runtime)),
            ("hutch_sched_attr.sched_deadline", Offset(ref sched, ref sched.Deadline)),
            ("hutch_sched_attr.sched_period", Offset(ref sched, ref sched.Period)),
            ("hutch_sched_attr.sched_util_min", Offset(ref sched, ref sched.UtilMin)),
            ("hutch_sched_attr.sched_util_max", Offset(ref sched, ref sched.UtilMax)),
            ("hutch_winsize", sizeof(Libc.HutchWinsize)),
            ("hutch_winsize.rows", Offset(ref winsize, ref winsize.Rows)),
            ("hutch_winsize.cols", Offset(ref winsize, ref winsize.Columns)),
            ("hutch_winsize.xpixel", Offset(ref winsize, ref winsize.XPixel)),
            ("hutch_winsize.ypixel", Offset(ref winsize, ref winsize.YPixel)),
        ];
    }

    /// <summary>hutch_abi_layout_hash's FNV-1a over <see cref="Layout"/>'s values.</summary>
    internal static ulong LayoutHash()
    {
        var hash = 0xcbf29ce484222325UL;
        foreach (var (_, value) in Layout())
        {
            for (var i = 0; i < 4; i++)
            {
                hash ^= ((uint)value >> (8 * i)) & 0xffu;
                hash *= 0x100000001b3UL;
            }
        }
        return hash;
    }

    /// <summary>Null when the linked library speaks this C#'s ABI; else what differs and what to do.</summary>
    internal static string? Mismatch() => Mismatch(Libc.hutch_abi_version(), Libc.hutch_abi_layout_hash());

    internal static string? Mismatch(int nativeVersion, ulong nativeLayoutHash)
    {
        var layoutHash = LayoutHash();
        if (nativeVersion == Version && nativeLayoutHash == layoutHash)
        {
            return null;
        }
        return $"this hutch binary was built from mismatched halves: its native library (native/) has ABI version {nativeVersion}, " +
            $"struct layout {nativeLayoutHash:x16}; its C# side expects ABI version {Version}, struct layout {layoutHash:x16}. " +
            "Rebuild both from one checkout (`make build`)";
    }

    private static int Offset<TStruct, TField>(ref TStruct owner, ref TField field) =>
        (int)Unsafe.ByteOffset(ref Unsafe.As<TStruct, byte>(ref owner), ref Unsafe.As<TField, byte>(ref field));
}
