using Hutch.Linux.Tests.Abi;
using Hutch.Testing;

namespace Hutch.Linux.Tests.Spawn;

/// <summary>
/// HUTCH_SPAWN_NOT_DUMPABLE (CVE-2019-5736): until its execve a spawned child is a copy of
/// hutch, so it must be non-dumpable. The kernel shows a task's dumpable state in who owns its
/// /proc/PID files: its own uid when dumpable, root when not. A C probe, running as an
/// unprivileged uid so that the two differ, spawns a child that waits for the go, and reads the
/// owner of /proc/CHILD/status with and without the flag.
/// </summary>
public class NotDumpableSpawnTests
{
    private const string ProbeSource = """
        #include "hutch_native.h"
        #include <stdio.h>
        #include <sys/prctl.h>
        #include <sys/stat.h>
        #include <sys/syscall.h>
        #include <sys/wait.h>
        #include <unistd.h>

        static long owner_while_waiting(unsigned int flags) {
            int sync[2], err[2], pidfd = -1;
            char *argv[] = { "true", NULL }, *envp[] = { NULL };
            char path[64];
            struct stat st;
            if (pipe(sync) || pipe(err))
                return -1;
            struct hutch_spawn_plan plan = { .flags = flags, .sync_fd = sync[0], .error_fd = err[1],
                                             .exec_fd = -1, .cgroup_fd = -1, .cgroup_procs_fd = -1, .path = "/bin/true", .argv = argv, .envp = envp };
            int pid = hutch_spawn(&plan, &pidfd);
            if (pid <= 0)
                return -2;
            snprintf(path, sizeof path, "/proc/%d/status", pid);
            long owner = stat(path, &st) == 0 ? (long)st.st_uid : -3;
            if (write(sync[1], "g", 1) != 1)
                return -4;
            waitpid(pid, NULL, 0);
            return owner;
        }

        int main(void) {
            /* Raw syscalls: one thread, and the ids must differ from root's for the owner to tell. */
            if (syscall(SYS_setgroups, 0, NULL) || syscall(SYS_setresgid, 65534, 65534, 65534) ||
                syscall(SYS_setresuid, 65534, 65534, 65534))
                return 2;
            prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* changing ids made us non-dumpable */
            printf("self %d\n", getuid());
            printf("dumpable %ld\n", owner_while_waiting(0));
            printf("not_dumpable %ld\n", owner_while_waiting(HUTCH_SPAWN_NOT_DUMPABLE));
            printf("parent_still_dumpable %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
            return 0;
        }
        """;

    [RootFact]
    public void A_not_dumpable_child_is_non_dumpable_before_exec_and_its_parent_is_unchanged()
    {
        var values = CProbe.Run(ProbeSource, CProbe.NativeArchive);

        Assert.Equal(65534, values["self"]);
        Assert.Equal(65534, values["dumpable"]);       // without the flag: the child's own uid
        Assert.Equal(0, values["not_dumpable"]);       // with it: root, as for any non-dumpable task
        Assert.Equal(1, values["parent_still_dumpable"]);
    }
}
