/* The last step of the container init (DESIGN.md section 3.5): the calls C# cannot
 * make safely (variadic prctl/fcntl, syscalls glibc lacks: capget/capset,
 * sched_setattr, ioprio_set, set_mempolicy, seccomp) and the final seccomp + execve, done here with
 * no managed code between them. Every function is hutch_-prefixed and returns >= 0
 * on success or -errno. C# decides everything; this file only executes. */
#ifndef HUTCH_EXEC_H
#define HUTCH_EXEC_H

#include <stdint.h>

/* prctl(2) with all five arguments (the glibc function is variadic). */
int hutch_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5);

/* fcntl(F_SETFD): on != 0 sets FD_CLOEXEC, 0 clears it (a preserved fd must survive execve). */
int hutch_set_cloexec(int fd, int on);

/* capget/capset of the calling thread, _LINUX_CAPABILITY_VERSION_3: sets[0..2] are the
 * low 32 bits of effective, permitted, inheritable; sets[3..5] the high 32 bits. */
int hutch_capget(uint32_t *sets);
int hutch_capset(const uint32_t *sets);

/* struct sched_attr (linux/sched/types.h, SCHED_ATTR_SIZE_VER1), field by field. */
struct hutch_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

/* sched_setattr(pid, attr, 0); pid 0 is the calling thread. */
int hutch_sched_setattr(int pid, const struct hutch_sched_attr *attr);

/* ioprio_set(which, who, ioprio); IOPRIO_WHO_PROCESS with who 0 is the calling thread. */
int hutch_ioprio_set(int which, int who, int ioprio);

/* set_mempolicy(mode | flags, nodes, ...) of the calling thread (inherited by its children and
 * kept across execve). `nodes` holds node_bits bits (a multiple of 64, or 0 with nodes NULL);
 * the kernel reads one bit fewer than maxnode says, so maxnode is node_bits + 1, as libnuma. */
int hutch_set_mempolicy(int mode, const uint64_t *nodes, uint32_t node_bits);

/* ---- the final step ------------------------------------------------------
 *
 *   C# (the init's thread)              hutch_exec_with_filter (same thread)
 *   rlimits, user, caps, no_new_privs,
 *   fds CLOEXEC, chdir + cwd check  -->  signals: SIG_IGN dispositions back to SIG_DFL,
 *                                        this thread's mask emptied (execve keeps both)
 *                                        seccomp(SET_MODE_FILTER, flags, filter)
 *                                        [NEW_LISTENER: sendmsg(listener_fd, msg, SCM_RIGHTS
 *                                         notify fd), close both]
 *                                        [caps_after: capset (drops what seccomp needed)]
 *                                        execve(path, argv, envp)
 *   <-- -errno and *out_step on failure (seccomp may already be loaded: the caller
 *       must report and exit, nothing else)
 */
struct hutch_exec_plan {
	const void *filter;         /* struct sock_filter[filter_len], or NULL: no seccomp */
	uint32_t filter_len;        /* instructions */
	uint32_t seccomp_flags;     /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	int32_t listener_fd;        /* connected AF_UNIX stream socket, or -1 */
	uint32_t listener_msg_len;
	const void *listener_msg;   /* the container process state JSON */
	const uint32_t *caps_after; /* 6 words as hutch_capset takes, or NULL */
	const char *path;
	char *const *argv;          /* NULL-terminated */
	char *const *envp;          /* NULL-terminated */
};

#define HUTCH_EXEC_STEP_SIGNALS 1
#define HUTCH_EXEC_STEP_SECCOMP 2
#define HUTCH_EXEC_STEP_LISTENER 3
#define HUTCH_EXEC_STEP_CAPS 4
#define HUTCH_EXEC_STEP_EXECVE 5

/* Never returns on success. On failure returns -errno and sets *out_step. */
int hutch_exec_with_filter(const struct hutch_exec_plan *plan, int *out_step);

/* sizeof(struct hutch_exec_plan) and sizeof(struct hutch_sched_attr), for the ABI test. */
int hutch_exec_plan_size(void);
int hutch_sched_attr_size(void);

#endif
