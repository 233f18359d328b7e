using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Hutch.Linux.Interop;
using Hutch.Linux.Spawn;
using Hutch.Linux.Tests.Abi;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>struct hutch_proc_setup, its flags and steps, against native/procsetup.h compiled by gcc.</summary>
public class ProcessSetupAbiTests
{
    private static readonly Lazy<Dictionary<string, long>> Probe = new(() => CProbe.Run(ProbeSource));

    private const string ProbeSource = """
        #include "hutch_native.h"
        #include "procsetup.h"
        #include <linux/mempolicy.h>
        #include <stddef.h>
        #include <stdio.h>
        #define V(x) printf("%s %lld\n", #x, (long long)(x))
        #define OFF(t, f) printf("offsetof %s.%s %zu\n", #t, #f, offsetof(struct t, f))
        int main(void) {
            printf("sizeof hutch_proc_setup %zu\n", sizeof(struct hutch_proc_setup));
            OFF(hutch_proc_setup, flags); OFF(hutch_proc_setup, uid); OFF(hutch_proc_setup, gid); OFF(hutch_proc_setup, umask);
            OFF(hutch_proc_setup, group_count); OFF(hutch_proc_setup, tty_fd); OFF(hutch_proc_setup, groups); OFF(hutch_proc_setup, cwd);
            OFF(hutch_proc_setup, bounding); OFF(hutch_proc_setup, ambient); OFF(hutch_proc_setup, personality);
            OFF(hutch_proc_setup, caps); OFF(hutch_proc_setup, last_cap); OFF(hutch_proc_setup, exec);
            OFF(hutch_proc_setup, mempolicy_mode); OFF(hutch_proc_setup, mempolicy_nodes); OFF(hutch_proc_setup, mempolicy_node_bits);
            OFF(hutch_proc_setup, root_fd);
            OFF(hutch_spawn_plan, proc_setup);
            V(HUTCH_PROC_NO_NEW_PRIVS); V(HUTCH_PROC_PERSONALITY); V(HUTCH_PROC_MEMPOLICY); V(HUTCH_STEP_PROC_SETUP);
            V(HUTCH_PROC_STEP_SETSID); V(HUTCH_PROC_STEP_CTTY); V(HUTCH_PROC_STEP_PERSONALITY); V(HUTCH_PROC_STEP_BOUNDING);
            V(HUTCH_PROC_STEP_KEEPCAPS); V(HUTCH_PROC_STEP_SETGROUPS); V(HUTCH_PROC_STEP_SETRESGID); V(HUTCH_PROC_STEP_SETRESUID);
            V(HUTCH_PROC_STEP_CHDIR); V(HUTCH_PROC_STEP_CWD); V(HUTCH_PROC_STEP_CAPSET); V(HUTCH_PROC_STEP_AMBIENT);
            V(HUTCH_PROC_STEP_NO_NEW_PRIVS); V(HUTCH_PROC_STEP_MEMPOLICY); V(HUTCH_PROC_STEP_EXEC_BASE);
            V(HUTCH_PROC_CHROOT); V(HUTCH_PROC_STEP_CHROOT);
            V(MPOL_DEFAULT); V(MPOL_PREFERRED); V(MPOL_BIND); V(MPOL_INTERLEAVE); V(MPOL_LOCAL);
            V(MPOL_PREFERRED_MANY);
            V(MPOL_F_NUMA_BALANCING); V(MPOL_F_RELATIVE_NODES); V(MPOL_F_STATIC_NODES);
            return 0;
        }
        """;

    [GccFact]
    public void The_process_setup_struct_has_the_C_size_and_offsets()
    {
        Assert.Equal(Probe.Value["sizeof hutch_proc_setup"], Marshal.SizeOf<Libc.HutchProcSetup>());
        Assert.Equal(Probe.Value["sizeof hutch_proc_setup"], Libc.hutch_proc_setup_size());
        (string C, string CSharp)[] fields =
        [
            ("flags", "Flags"), ("uid", "Uid"), ("gid", "Gid"), ("umask", "Umask"), ("group_count", "GroupCount"),
            ("tty_fd", "TtyFd"), ("groups", "Groups"), ("cwd", "Cwd"), ("bounding", "Bounding"), ("ambient", "Ambient"),
            ("personality", "Personality"), ("caps", "Caps"), ("last_cap", "LastCap"), ("exec", "Exec"),
            ("mempolicy_mode", "MempolicyMode"), ("mempolicy_nodes", "MempolicyNodes"), ("mempolicy_node_bits", "MempolicyNodeBits"),
            ("root_fd", "RootFd"),
        ];
        foreach (var (c, csharp) in fields)
        {
            Assert.True(Probe.Value["offsetof hutch_proc_setup." + c] == (long)Marshal.OffsetOf<Libc.HutchProcSetup>(csharp), $"offset of {c}");
        }
        Assert.Equal(Probe.Value["offsetof hutch_spawn_plan.proc_setup"], (long)Marshal.OffsetOf<Libc.HutchSpawnPlan>("ProcSetup"));
    }

    [GccFact]
    public void Flags_and_steps_match_the_header()
    {
        (string C, long CSharp)[] constants =
        [
            ("HUTCH_PROC_NO_NEW_PRIVS", Libc.HUTCH_PROC_NO_NEW_PRIVS), ("HUTCH_PROC_PERSONALITY", Libc.HUTCH_PROC_PERSONALITY),
            ("HUTCH_PROC_MEMPOLICY", Libc.HUTCH_PROC_MEMPOLICY), ("HUTCH_PROC_STEP_MEMPOLICY", Libc.HUTCH_PROC_STEP_MEMPOLICY),
            ("HUTCH_PROC_CHROOT", Libc.HUTCH_PROC_CHROOT), ("HUTCH_PROC_STEP_CHROOT", Libc.HUTCH_PROC_STEP_CHROOT),
            ("MPOL_DEFAULT", Libc.MPOL_DEFAULT), ("MPOL_PREFERRED", Libc.MPOL_PREFERRED), ("MPOL_BIND", Libc.MPOL_BIND),
            ("MPOL_INTERLEAVE", Libc.MPOL_INTERLEAVE), ("MPOL_LOCAL", Libc.MPOL_LOCAL), ("MPOL_PREFERRED_MANY", Libc.MPOL_PREFERRED_MANY),
            ("MPOL_F_NUMA_BALANCING", Libc.MPOL_F_NUMA_BALANCING),
            ("MPOL_F_RELATIVE_NODES", Libc.MPOL_F_RELATIVE_NODES), ("MPOL_F_STATIC_NODES", Libc.MPOL_F_STATIC_NODES),
            ("HUTCH_STEP_PROC_SETUP", (long)SpawnStep.ProcessSetup), ("HUTCH_STEP_PROC_SETUP", Libc.HUTCH_STEP_PROC_SETUP),
            ("HUTCH_PROC_STEP_SETSID", Libc.HUTCH_PROC_STEP_SETSID), ("HUTCH_PROC_STEP_CTTY", Libc.HUTCH_PROC_STEP_CTTY),
            ("HUTCH_PROC_STEP_PERSONALITY", Libc.HUTCH_PROC_STEP_PERSONALITY), ("HUTCH_PROC_STEP_BOUNDING", Libc.HUTCH_PROC_STEP_BOUNDING),
            ("HUTCH_PROC_STEP_KEEPCAPS", Libc.HUTCH_PROC_STEP_KEEPCAPS), ("HUTCH_PROC_STEP_SETGROUPS", Libc.HUTCH_PROC_STEP_SETGROUPS),
            ("HUTCH_PROC_STEP_SETRESGID", Libc.HUTCH_PROC_STEP_SETRESGID), ("HUTCH_PROC_STEP_SETRESUID", Libc.HUTCH_PROC_STEP_SETRESUID),
            ("HUTCH_PROC_STEP_CHDIR", Libc.HUTCH_PROC_STEP_CHDIR), ("HUTCH_PROC_STEP_CWD", Libc.HUTCH_PROC_STEP_CWD),
            ("HUTCH_PROC_STEP_CAPSET", Libc.HUTCH_PROC_STEP_CAPSET), ("HUTCH_PROC_STEP_AMBIENT", Libc.HUTCH_PROC_STEP_AMBIENT),
            ("HUTCH_PROC_STEP_NO_NEW_PRIVS", Libc.HUTCH_PROC_STEP_NO_NEW_PRIVS), ("HUTCH_PROC_STEP_EXEC_BASE", Libc.HUTCH_PROC_STEP_EXEC_BASE),
        ];
        // MPOL_WEIGHTED_INTERLEAVE (6, Linux 6.9) is newer than Debian 12's headers: the numa_maps test proves it.
        var wrong = constants.Where(c => Probe.Value[c.C] != c.CSharp).Select(c => $"{c.C}: C {Probe.Value[c.C]}, C# {c.CSharp}").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }


}
