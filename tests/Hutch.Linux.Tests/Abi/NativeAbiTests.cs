using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Hutch.Linux.Mounts;
using Hutch.Testing;
using Hutch.Linux.Namespaces;
using Hutch.Linux.Spawn;

namespace Hutch.Linux.Tests.Abi;

/// <summary>A fact that needs gcc on the PATH (the ABI probe is compiled at test time).</summary>
public sealed class GccFactAttribute : FactAttribute
{
    public GccFactAttribute()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, "gcc")));
        if (!found)
        {
            Skip = "needs gcc to compile the ABI probe (apt-get install gcc)";
        }
    }
}

/// <summary>
/// Compiles a C probe against native/hutch_native.h and the system headers, and compares
/// struct sizes, field offsets and constants with the C# definitions (the Tmds.LibC way).
/// </summary>
public class NativeAbiTests
{
    private static readonly Lazy<Dictionary<string, long>> Probe = new(() => CProbe.Run(ProbeSource));

    private const string ProbeSource = """
        #include "hutch_native.h"
        #include <errno.h>
        #include <fcntl.h>
        #include <poll.h>
        #include <sched.h>
        #include <signal.h>
        #include <stddef.h>
        #include <stdio.h>
        #include <sys/wait.h>
        #ifndef CLONE_NEWTIME
        #define CLONE_NEWTIME 0x80
        #endif
        #ifndef P_PIDFD
        #define P_PIDFD 3
        #endif
        #define V(x) printf("%s %lld\n", #x, (long long)(x))
        #define SIZE(t) printf("sizeof %s %zu\n", #t, sizeof(struct t))
        #define OFF(t, f) printf("offsetof %s.%s %zu\n", #t, #f, offsetof(struct t, f))
        int main(void) {
            SIZE(hutch_spawn_plan); SIZE(hutch_ns_join); SIZE(hutch_fd_map); SIZE(hutch_spawn_report);
            OFF(hutch_spawn_plan, clone_flags); OFF(hutch_spawn_plan, flags); OFF(hutch_spawn_plan, join_count);
            OFF(hutch_spawn_plan, joins); OFF(hutch_spawn_plan, fd_map_count); OFF(hutch_spawn_plan, sync_fd);
            OFF(hutch_spawn_plan, fd_maps); OFF(hutch_spawn_plan, error_fd); OFF(hutch_spawn_plan, exec_fd);
            OFF(hutch_spawn_plan, path); OFF(hutch_spawn_plan, argv); OFF(hutch_spawn_plan, envp);
            OFF(hutch_spawn_plan, time_offsets); OFF(hutch_spawn_plan, time_offsets_len);
            OFF(hutch_spawn_plan, cgroup_fd); OFF(hutch_spawn_plan, cgroup_procs_fd); OFF(hutch_spawn_plan, cgroup_thread_count);
            OFF(hutch_spawn_plan, cgroup_thread_fds);
            OFF(hutch_ns_join, fd); OFF(hutch_ns_join, nstype); OFF(hutch_fd_map, src); OFF(hutch_fd_map, dst);
            OFF(hutch_spawn_report, step); OFF(hutch_spawn_report, index); OFF(hutch_spawn_report, err);
            V(CLONE_NEWNS); V(CLONE_NEWUTS); V(CLONE_NEWIPC); V(CLONE_NEWUSER); V(CLONE_NEWPID);
            V(CLONE_NEWNET); V(CLONE_NEWCGROUP); V(CLONE_NEWTIME);
            V(HUTCH_SPAWN_NO_CLONE3); V(HUTCH_SPAWN_TWO_STAGE); V(HUTCH_SPAWN_VFORK); V(HUTCH_SPAWN_BECOME_ROOT); V(HUTCH_SPAWN_CLEAR_GROUPS); V(HUTCH_SPAWN_NOT_DUMPABLE); V(HUTCH_SPAWN_DIE_WITH_PARENT); V(HUTCH_SPAWN_MAX_JOINS); V(HUTCH_SPAWN_MAX_FD_MAPS); V(HUTCH_SPAWN_MAX_CGROUP_FILES);
            V(HUTCH_SPAWN_CHILD_FAILED);
            V(HUTCH_STEP_SIGNALS); V(HUTCH_STEP_SETNS); V(HUTCH_STEP_CLONE); V(HUTCH_STEP_FD_MAP);
            V(HUTCH_STEP_CLOSE_FDS); V(HUTCH_STEP_SYNC); V(HUTCH_STEP_EXEC); V(HUTCH_STEP_SETID); V(HUTCH_STEP_TIMENS); V(HUTCH_STEP_CGROUP);
            V(O_RDONLY); V(O_WRONLY); V(O_RDWR); V(O_CREAT); V(O_EXCL); V(O_NOCTTY); V(O_TRUNC); V(O_APPEND);
            V(O_NONBLOCK); V(O_CLOEXEC); V(O_PATH); V(O_DIRECTORY); V(O_NOFOLLOW);
            V(POLLIN); V(POLLHUP); printf("sizeof pollfd %zu\n", sizeof(struct pollfd));
            V(P_PID); V(P_PIDFD); V(WNOHANG); V(WEXITED); V(WNOWAIT); V(CLD_EXITED); V(CLD_KILLED); V(CLD_DUMPED);
            V(SIGKILL); V(SIGTERM); V(ECANCELED); V(ECHILD);
            return 0;
        }
        """;

    [GccFact]
    public void Spawn_structs_have_the_C_sizes_and_offsets()
    {
        Assert.Equal(Probe.Value["sizeof hutch_spawn_plan"], Marshal.SizeOf<Libc.HutchSpawnPlan>());
        Assert.Equal(Probe.Value["sizeof hutch_ns_join"], Marshal.SizeOf<Libc.HutchNsJoin>());
        Assert.Equal(Probe.Value["sizeof hutch_fd_map"], Marshal.SizeOf<Libc.HutchFdMap>());
        Assert.Equal(Probe.Value["sizeof hutch_spawn_report"], Marshal.SizeOf<Libc.HutchSpawnReport>());
        Assert.Equal(Probe.Value["sizeof pollfd"], Marshal.SizeOf<Libc.PollFd>());

        (Type Type, string C, string CSharp)[] fields =
        [
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.clone_flags", "CloneFlags"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.flags", "Flags"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.join_count", "JoinCount"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.joins", "Joins"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.fd_map_count", "FdMapCount"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.sync_fd", "SyncFd"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.fd_maps", "FdMaps"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.error_fd", "ErrorFd"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.exec_fd", "ExecFd"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.path", "Path"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.argv", "Argv"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.envp", "Envp"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.time_offsets", "TimeOffsets"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.time_offsets_len", "TimeOffsetsLen"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.cgroup_fd", "CgroupFd"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.cgroup_procs_fd", "CgroupProcsFd"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.cgroup_thread_count", "CgroupThreadCount"),
            (typeof(Libc.HutchSpawnPlan), "hutch_spawn_plan.cgroup_thread_fds", "CgroupThreadFds"),
            (typeof(Libc.HutchNsJoin), "hutch_ns_join.fd", "Fd"),
            (typeof(Libc.HutchNsJoin), "hutch_ns_join.nstype", "NsType"),
            (typeof(Libc.HutchFdMap), "hutch_fd_map.src", "Src"),
            (typeof(Libc.HutchFdMap), "hutch_fd_map.dst", "Dst"),
            (typeof(Libc.HutchSpawnReport), "hutch_spawn_report.step", "Step"),
            (typeof(Libc.HutchSpawnReport), "hutch_spawn_report.index", "Index"),
            (typeof(Libc.HutchSpawnReport), "hutch_spawn_report.err", "Err"),
        ];
        foreach (var (type, c, csharp) in fields)
        {
            Assert.True(Probe.Value["offsetof " + c] == (long)Marshal.OffsetOf(type, csharp), $"offset of {c} vs {type.Name}.{csharp}");
        }
    }

    [GccFact]
    public void Namespace_kinds_are_the_CLONE_NEW_flags()
    {
        (string C, NamespaceKind Kind)[] kinds =
        [
            ("CLONE_NEWNS", NamespaceKind.Mount), ("CLONE_NEWUTS", NamespaceKind.Uts), ("CLONE_NEWIPC", NamespaceKind.Ipc),
            ("CLONE_NEWUSER", NamespaceKind.User), ("CLONE_NEWPID", NamespaceKind.Pid), ("CLONE_NEWNET", NamespaceKind.Network),
            ("CLONE_NEWCGROUP", NamespaceKind.Cgroup), ("CLONE_NEWTIME", NamespaceKind.Time),
        ];
        foreach (var (c, kind) in kinds)
        {
            Assert.True(Probe.Value[c] == (long)kind.CloneFlag(), $"{c} = {Probe.Value[c]:x}, C# {kind} = {kind.CloneFlag():x}");
        }
    }

    [GccFact]
    public void Spawn_constants_and_steps_match_the_header()
    {
        (string C, long CSharp)[] constants =
        [
            ("HUTCH_SPAWN_NO_CLONE3", Libc.HUTCH_SPAWN_NO_CLONE3), ("HUTCH_SPAWN_TWO_STAGE", Libc.HUTCH_SPAWN_TWO_STAGE),
            ("HUTCH_SPAWN_VFORK", Libc.HUTCH_SPAWN_VFORK),
            ("HUTCH_SPAWN_BECOME_ROOT", Libc.HUTCH_SPAWN_BECOME_ROOT), ("HUTCH_SPAWN_CLEAR_GROUPS", Libc.HUTCH_SPAWN_CLEAR_GROUPS), ("HUTCH_SPAWN_NOT_DUMPABLE", Libc.HUTCH_SPAWN_NOT_DUMPABLE),
            ("HUTCH_SPAWN_DIE_WITH_PARENT", Libc.HUTCH_SPAWN_DIE_WITH_PARENT),
            ("HUTCH_SPAWN_MAX_JOINS", Libc.HUTCH_SPAWN_MAX_JOINS), ("HUTCH_SPAWN_MAX_FD_MAPS", Libc.HUTCH_SPAWN_MAX_FD_MAPS),
            ("HUTCH_SPAWN_MAX_CGROUP_FILES", Libc.HUTCH_SPAWN_MAX_CGROUP_FILES),
            ("HUTCH_SPAWN_CHILD_FAILED", Libc.HUTCH_SPAWN_CHILD_FAILED),
            ("HUTCH_STEP_SIGNALS", (long)SpawnStep.Signals), ("HUTCH_STEP_SETNS", (long)SpawnStep.Setns),
            ("HUTCH_STEP_CLONE", (long)SpawnStep.Clone), ("HUTCH_STEP_FD_MAP", (long)SpawnStep.FdMap),
            ("HUTCH_STEP_CLOSE_FDS", (long)SpawnStep.CloseFds), ("HUTCH_STEP_SYNC", (long)SpawnStep.Sync),
            ("HUTCH_STEP_EXEC", (long)SpawnStep.Exec), ("HUTCH_STEP_SETID", (long)SpawnStep.SetId),
            ("HUTCH_STEP_TIMENS", (long)SpawnStep.TimeNs), ("HUTCH_STEP_CGROUP", (long)SpawnStep.Cgroup),
        ];
        AssertAll(constants);
    }

    [GccFact]
    public void Libc_constants_match_the_system_headers()
    {
        (string C, long CSharp)[] constants =
        [
            ("O_RDONLY", Libc.O_RDONLY), ("O_WRONLY", Libc.O_WRONLY), ("O_RDWR", Libc.O_RDWR), ("O_CREAT", Libc.O_CREAT),
            ("O_EXCL", Libc.O_EXCL), ("O_NOCTTY", Libc.O_NOCTTY), ("O_TRUNC", Libc.O_TRUNC), ("O_APPEND", Libc.O_APPEND),
            ("O_NONBLOCK", Libc.O_NONBLOCK), ("O_CLOEXEC", Libc.O_CLOEXEC), ("O_PATH", Libc.O_PATH),
            ("O_DIRECTORY", Libc.O_DIRECTORY), ("O_NOFOLLOW", Libc.O_NOFOLLOW),
            ("POLLIN", Libc.POLLIN), ("POLLHUP", Libc.POLLHUP),
            ("P_PID", Libc.P_PID), ("P_PIDFD", Libc.P_PIDFD), ("WNOHANG", Libc.WNOHANG), ("WEXITED", Libc.WEXITED),
            ("WNOWAIT", Libc.WNOWAIT), ("CLD_EXITED", Libc.CLD_EXITED), ("CLD_KILLED", Libc.CLD_KILLED),
            ("CLD_DUMPED", Libc.CLD_DUMPED), ("SIGKILL", Libc.SIGKILL), ("SIGTERM", Libc.SIGTERM),
            ("ECANCELED", 125), ("ECHILD", Errno.ECHILD),
        ];
        AssertAll(constants);
    }

    private const string MountProbeSource = """
        #include <fcntl.h>
        #include <linux/mount.h>
        #include <stdio.h>
        #define V(x) printf("%s %lld\n", #x, (long long)(x))
        int main(void) {
            V(MOUNT_ATTR_RDONLY); V(MOUNT_ATTR_NOSUID); V(MOUNT_ATTR_NODEV); V(MOUNT_ATTR_NOEXEC); V(MOUNT_ATTR__ATIME);
            V(MOUNT_ATTR_NOATIME); V(MOUNT_ATTR_STRICTATIME); V(MOUNT_ATTR_NODIRATIME); V(MOUNT_ATTR_IDMAP);
            V(MOUNT_ATTR_NOSYMFOLLOW); V(OPEN_TREE_CLONE); V(OPEN_TREE_CLOEXEC); V(MOVE_MOUNT_F_EMPTY_PATH);
            V(MOVE_MOUNT_T_EMPTY_PATH); V(AT_EMPTY_PATH); V(AT_RECURSIVE);
            return 0;
        }
        """;

    private static readonly Lazy<Dictionary<string, long>> MountProbe = new(() => CProbe.Run(MountProbeSource));

    /// <summary>What id-mapped mounts and the other fd mounts pass to open_tree, mount_setattr and move_mount (linux/mount.h).</summary>
    [GccFact]
    public void Mount_attributes_and_fd_mount_flags_match_linux_mount_h()
    {
        (string C, long CSharp)[] constants =
        [
            ("MOUNT_ATTR_RDONLY", (long)MountAttr.ReadOnly), ("MOUNT_ATTR_NOSUID", (long)MountAttr.NoSuid),
            ("MOUNT_ATTR_NODEV", (long)MountAttr.NoDev), ("MOUNT_ATTR_NOEXEC", (long)MountAttr.NoExec),
            ("MOUNT_ATTR__ATIME", (long)MountAttr.AtimeMask), ("MOUNT_ATTR_NOATIME", (long)MountAttr.NoAtime),
            ("MOUNT_ATTR_STRICTATIME", (long)MountAttr.StrictAtime), ("MOUNT_ATTR_NODIRATIME", (long)MountAttr.NoDirAtime),
            ("MOUNT_ATTR_IDMAP", (long)MountAttr.IdMap), ("MOUNT_ATTR_NOSYMFOLLOW", (long)MountAttr.NoSymFollow),
            ("OPEN_TREE_CLONE", MountSyscallFlags.OpenTreeClone), ("OPEN_TREE_CLOEXEC", MountSyscallFlags.OpenTreeCloexec),
            ("MOVE_MOUNT_F_EMPTY_PATH", MountSyscallFlags.MoveMountFromEmptyPath),
            ("MOVE_MOUNT_T_EMPTY_PATH", MountSyscallFlags.MoveMountToEmptyPath),
            ("AT_EMPTY_PATH", MountSyscallFlags.AtEmptyPath), ("AT_RECURSIVE", MountSyscallFlags.AtRecursive),
        ];
        var wrong = constants.Where(c => MountProbe.Value[c.C] != c.CSharp)
            .Select(c => $"{c.C}: C {MountProbe.Value[c.C]}, C# {c.CSharp}").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    private static void AssertAll((string C, long CSharp)[] constants)
    {
        var wrong = constants.Where(c => Probe.Value[c.C] != c.CSharp)
            .Select(c => $"{c.C}: C {Probe.Value[c.C]}, C# {c.CSharp}").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }


}
