/* The C side of hutch: only what managed code cannot do (DESIGN.md section 2,
 * CONVENTIONS.md "The C in native/"). Every function is hutch_-prefixed and
 * returns >= 0 on success or -errno. */
#ifndef HUTCH_NATIVE_H
#define HUTCH_NATIVE_H

#include <stdint.h>

/* ---- spawn (spawn.c) ------------------------------------------------------
 *
 * C# prepares a plan; hutch_spawn executes it and decides nothing. Between the
 * clone and the execve no managed code runs, nothing is allocated, no lock is
 * taken, no stdio is used.
 *
 * Parent (C#)              hutch_spawn            child (C)
 *   pipe2(error, CLOEXEC)
 *   plan ------------------> block all signals
 *                            clone3(flags|PIDFD) --> [TWO_STAGE: intermediate joins
 *                            restore mask             the namespaces, clones the final
 *   <- pid, pidfd                                     child with the CLONE_NEW* flags
 *   close(error write end)                            (CLONE_PARENT), reports its pid
 *                                                     to hutch_spawn, exits]
 *                                                   reset every handler to SIG_DFL
 *                                                   setns(joins, in plan order)
 *                                                   fd maps (dup2 src -> dst)
 *                                                   close every other fd except
 *                                                     0-2, sync, error, exec fd
 *   [write uid/gid maps]
 *   [write 1 byte to sync] ----------------------->  read(sync_fd, 1 byte)
 *                                                   [BECOME_ROOT: setresgid(0,0,0),
 *                                                    setresuid(0,0,0), CLEAR_GROUPS:
 *                                                    setgroups(0, NULL)]
 *                                                   restore the signal mask
 *   read(error read end) <-- EOF on success ------  execve / execveat
 *                        <-- {step, index, errno} on failure, then _exit(127)
 */

/* One namespace to join: an fd open on /proc/PID/ns/X (or a bind mount of it). */
struct hutch_ns_join {
	int32_t fd;
	int32_t nstype; /* CLONE_NEW* */
};

/* One fd to hand to the executed program: src is dup2'ed onto dst (dst loses CLOEXEC). */
struct hutch_fd_map {
	int32_t src;
	int32_t dst;
};

/* plan->flags */
#define HUTCH_SPAWN_NO_CLONE3 0x1u  /* use raw clone(2) even where clone3 exists */
#define HUTCH_SPAWN_TWO_STAGE 0x2u  /* join in an intermediate child, then clone the final
                                     * child with clone_flags: joining a pid namespace takes
                                     * effect for children only, and joining before creating
                                     * a user namespace keeps the runtime's privileges */

#define HUTCH_SPAWN_VFORK 0x4u      /* clone(CLONE_VM|CLONE_VFORK) on a separate stack: no copy
                                     * of the caller's page tables (a large heap makes a fork
                                     * cost milliseconds); the caller is suspended until the
                                     * child execs, so no sync fd, no TWO_STAGE, no CLONE_NEWTIME */
#define HUTCH_SPAWN_BECOME_ROOT 0x8u /* after the sync (the parent has written the id maps) and
                                     * before exec: setresgid(0,0,0), setresuid(0,0,0), so that
                                     * the program runs as root of its (new or joined) user
                                     * namespace and execve keeps its capabilities there */
#define HUTCH_SPAWN_CLEAR_GROUPS 0x10u /* with BECOME_ROOT: also setgroups(0, NULL), dropping the
                                     * runtime's supplementary groups (only where the namespace's
                                     * setgroups is "allow"; the caller knows, the child does not) */
#define HUTCH_SPAWN_NOT_DUMPABLE 0x20u /* the child is born non-dumpable (hutch clears its own flag
                                     * around the clone, then restores it), so that until execve
                                     * (which resets it) no process without CAP_SYS_PTRACE, a
                                     * container's included, can open /proc/PID/exe, which still
                                     * names hutch's binary (CVE-2019-5736); not with VFORK */
#define HUTCH_SPAWN_DIE_WITH_PARENT 0x40u /* PR_SET_PDEATHSIG(SIGKILL) first thing in the child (the
                                     * intermediate and the final one) and again after BECOME_ROOT,
                                     * whose credential change clears it: the child dies when the
                                     * thread that called hutch_spawn exits (the setting is per
                                     * thread, so that thread must live as long as the child must
                                     * die with it). It survives an execve that gains nothing (not
                                     * setuid, no file capabilities); the program clears it when it
                                     * is to outlive hutch. A parent that died before the prctl is
                                     * caught by the sync fd's EOF. */

#define HUTCH_SPAWN_MAX_JOINS 16
#define HUTCH_SPAWN_MAX_FD_MAPS 64
#define HUTCH_SPAWN_MAX_CGROUP_FILES 32

/* The exit status of a child that failed before execve (after reporting on error_fd). */
#define HUTCH_SPAWN_CHILD_FAILED 127

struct hutch_proc_setup; /* procsetup.h */

struct hutch_spawn_plan {
	uint64_t clone_flags;                /* CLONE_NEW* namespaces to create */
	uint32_t flags;                      /* HUTCH_SPAWN_* */
	int32_t join_count;
	const struct hutch_ns_join *joins;   /* setns in this order */
	int32_t fd_map_count;
	int32_t sync_fd;                     /* read one byte before exec; EOF aborts; -1: none */
	const struct hutch_fd_map *fd_maps;
	int32_t error_fd;                    /* write end of a pipe; the child reports failures */
	int32_t exec_fd;                     /* >= 0: execveat(exec_fd, "", AT_EMPTY_PATH) */
	const char *path;                    /* execve path (and the name in error messages) */
	char *const *argv;                   /* NULL-terminated */
	char *const *envp;                   /* NULL-terminated */
	const char *time_offsets;            /* TWO_STAGE only: the text for timens_offsets
	                                      * ("monotonic S NS\nboottime S NS\n"); the
	                                      * intermediate unshares a time namespace, writes
	                                      * it, and the final child is born inside (so
	                                      * clone_flags must not hold CLONE_NEWTIME); NULL: none */
	int32_t time_offsets_len;            /* bytes of time_offsets, one write(2) */
	const struct hutch_proc_setup *proc_setup; /* non-NULL (`hutch exec`): after the sync byte the
	                                      * child sets itself up as this says (procsetup.h: tty,
	                                      * capabilities, ids, cwd, seccomp) and execs its exec plan
	                                      * instead of path/exec_fd; failures are step PROC_SETUP */
	/* The container's cgroup, joined without the kernel's global migration lock (moving a whole
	 * process takes cgroup_threadgroup_rwsem for writing: an RCU grace period, 5-20 ms, per
	 * create). The first child (the intermediate in TWO_STAGE; the final child inherits) is born
	 * in cgroup_fd's cgroup2 directory (clone3 CLONE_INTO_CGROUP), then, still single-threaded,
	 * writes "0" (itself) to each v1 `tasks` file: a thread that moves itself needs no lock.
	 * Not with VFORK. Failures are step CGROUP (index: the tasks file; -1: cgroup_procs_fd). */
	int32_t cgroup_fd;                   /* a cgroup2 directory (O_RDONLY|O_DIRECTORY); -1: none */
	int32_t cgroup_procs_fd;             /* its cgroup.procs (O_WRONLY), where the child writes "0"
	                                      * when clone3 cannot take cgroup_fd (before Linux 5.7);
	                                      * -1: none (then cgroup_fd must be -1 too) */
	int32_t cgroup_thread_count;
	const int32_t *cgroup_thread_fds;    /* v1 `tasks` files, opened O_WRONLY by hutch (the kernel
	                                      * checks the opener's credentials, so a child already in
	                                      * a new user namespace may write them) */
};

/* What a child writes to error_fd when a step fails (one write, 12 bytes < PIPE_BUF). */
struct hutch_spawn_report {
	int32_t step;  /* HUTCH_STEP_* */
	int32_t index; /* the join or fd map that failed, else -1 */
	int32_t err;   /* errno (ECANCELED: the sync fd reached EOF without a byte) */
};

#define HUTCH_STEP_SIGNALS 1
#define HUTCH_STEP_SETNS 2
#define HUTCH_STEP_CLONE 3   /* the final child's clone in TWO_STAGE */
#define HUTCH_STEP_FD_MAP 4
#define HUTCH_STEP_CLOSE_FDS 5
#define HUTCH_STEP_SYNC 6
#define HUTCH_STEP_EXEC 7
#define HUTCH_STEP_SETID 8   /* BECOME_ROOT/CLEAR_GROUPS; index 0 setresgid, 1 setresuid, 2 setgroups */
#define HUTCH_STEP_TIMENS 9  /* time_offsets; index 0 unshare(CLONE_NEWTIME), 1 open, 2 write */
#define HUTCH_STEP_PROC_SETUP 10 /* proc_setup; index: HUTCH_PROC_STEP_* (procsetup.h) */
#define HUTCH_STEP_CGROUP 11 /* cgroup_*; index: the v1 tasks file, -1 cgroup_procs_fd */

/* Returns the pid of the child that will execve (> 0), or -errno. *out_pidfd gets a
 * pidfd for it, or -1 on kernels without pidfds. -ECHILD in TWO_STAGE means the
 * intermediate failed: its report is in the error pipe. */
int hutch_spawn(const struct hutch_spawn_plan *plan, int *out_pidfd);

/* ---- fixed-arity wrappers (wrappers.c) ---------------------------------- */

/* openat(2) with a mode (defined in mount.c, declared in mount.h: hutch_openat). */
int hutch_pidfd_open(int pid, unsigned int flags);
int hutch_pidfd_send_signal(int pidfd, int sig);
/* waitid(idtype, id, options); fills the child's pid (0 with WNOHANG and nothing to
 * report), si_code (CLD_EXITED, CLD_KILLED, ...) and si_status. Returns 0 or -errno. */
int hutch_waitid(int idtype, int id, int options, int *out_pid, int *out_code, int *out_status);

#endif
