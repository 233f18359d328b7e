/* The exec'd process's own setup (`hutch exec`), done in the spawned child after it joined the
 * container's namespaces and got the go on the sync fd: what the container init does in C#
 * (ProcessLauncher) but what a process inside the container's mount namespace cannot do by
 * running hutch (a dynamically linked binary whose ld.so and libc are not in the container).
 * C# decides every value (Hutch.Linux/Spawn/ProcessSetup.cs); this file only executes, with
 * raw system calls, no allocation, no locks, no stdio. */
#ifndef HUTCH_PROCSETUP_H
#define HUTCH_PROCSETUP_H

#include <stdint.h>

#include "exec.h"

/* hutch_proc_setup.flags */
#define HUTCH_PROC_NO_NEW_PRIVS 0x1u  /* prctl(PR_SET_NO_NEW_PRIVS) before seccomp and exec */
#define HUTCH_PROC_PERSONALITY 0x2u   /* personality(personality) */
#define HUTCH_PROC_MEMPOLICY 0x4u     /* set_mempolicy(mempolicy_mode, mempolicy_nodes, mempolicy_node_bits) */
#define HUTCH_PROC_CHROOT 0x8u        /* fchdir(root_fd), chroot("."), close(root_fd), first */

/*   child, after the sync byte:
 *   [CHROOT: fchdir(root_fd), chroot("."), close(root_fd): a container without a mount namespace]
 *   [tty_fd >= 0: setsid, TIOCSCTTY(tty_fd)]
 *   [PERSONALITY: personality]
 *   [MEMPOLICY: set_mempolicy (linux.memoryPolicy), before the user switch as runc]
 *   umask
 *   bounding set: drop every cap <= last_cap not in `bounding`
 *   PR_SET_KEEPCAPS 1
 *   chdir(cwd) while privileged (its failure remembered)
 *   setgroups(groups) (EPERM ignored for an empty list: setgroups "deny")
 *   setresgid(gid), setresuid(uid)          raw syscalls, never glibc's set*id
 *   [chdir failed: chdir(cwd) again as the user]
 *   getcwd must start with '/' (CVE-2024-21626: "(unreachable)/..." is outside the root)
 *   PR_SET_KEEPCAPS 0
 *   capset(caps), clear ambient, raise each cap of `ambient`
 *   [NO_NEW_PRIVS: prctl(PR_SET_NO_NEW_PRIVS)]
 *   hutch_exec_with_filter(exec): signals, seccomp, caps_after, execve
 */
struct hutch_proc_setup {
	uint32_t flags;               /* HUTCH_PROC_* */
	uint32_t uid;
	uint32_t gid;
	uint32_t umask;
	int32_t group_count;
	int32_t tty_fd;               /* the fd (after the fd maps) that becomes the controlling terminal; -1: none */
	const uint32_t *groups;       /* group_count supplementary gids */
	const char *cwd;              /* absolute path inside the container */
	uint64_t bounding;            /* capabilities kept in the bounding set (bit n = capability n) */
	uint64_t ambient;             /* capabilities raised in the ambient set */
	uint64_t personality;         /* with HUTCH_PROC_PERSONALITY */
	uint32_t caps[6];             /* capset words in hutch_capset's layout */
	int32_t last_cap;             /* the kernel's last capability (cap_last_cap) */
	int32_t mempolicy_mode;       /* with MEMPOLICY: MPOL_* | MPOL_F_* flags */
	const struct hutch_exec_plan *exec; /* seccomp filter, caps_after, path, argv, envp */
	const uint64_t *mempolicy_nodes; /* with MEMPOLICY: node mask of mempolicy_node_bits bits, or NULL */
	uint32_t mempolicy_node_bits;
	int32_t root_fd;              /* with CHROOT: the fd (after the fd maps) of the container's root */
};

/* Steps reported as {HUTCH_STEP_PROC_SETUP, step, errno}; exec_with_filter's steps come as
 * HUTCH_PROC_STEP_EXEC_BASE + HUTCH_EXEC_STEP_*. */
#define HUTCH_PROC_STEP_SETSID 1
#define HUTCH_PROC_STEP_CTTY 2
#define HUTCH_PROC_STEP_PERSONALITY 3
#define HUTCH_PROC_STEP_BOUNDING 4
#define HUTCH_PROC_STEP_KEEPCAPS 5
#define HUTCH_PROC_STEP_SETGROUPS 6
#define HUTCH_PROC_STEP_SETRESGID 7
#define HUTCH_PROC_STEP_SETRESUID 8
#define HUTCH_PROC_STEP_CHDIR 9
#define HUTCH_PROC_STEP_CWD 10        /* getcwd failed, or the cwd is outside the root (errno EXDEV) */
#define HUTCH_PROC_STEP_CAPSET 11
#define HUTCH_PROC_STEP_AMBIENT 12
#define HUTCH_PROC_STEP_NO_NEW_PRIVS 13
#define HUTCH_PROC_STEP_MEMPOLICY 14
#define HUTCH_PROC_STEP_CHROOT 15
#define HUTCH_PROC_STEP_EXEC_BASE 100

/* Applies the setup and execs. Returns only on failure: -errno, with *out_step set (the
 * process may be half-changed, maybe with a filter loaded: report and _exit, nothing else). */
int hutch_proc_setup_run(const struct hutch_proc_setup *setup, int *out_step);

/* sizeof(struct hutch_proc_setup), for the ABI test. */
int hutch_proc_setup_size(void);

#endif
