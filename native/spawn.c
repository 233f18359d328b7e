/* The spawn path (DESIGN.md section 2): clone, setns, sync, execve, for a plan C#
 * prepared. The protocol is drawn in hutch_native.h. In every child: no allocation,
 * no stdio, no locks, nothing but system calls until execve or _exit. */
#include "hutch_native.h"
#include "procsetup.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* struct clone_args up to Linux 5.7's cgroup field (CLONE_ARGS_SIZE_VER2); the kernel is told
 * the 5.3 size (VER0) unless a cgroup is given, so that older kernels take it. */
struct hutch_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size, cgroup;
};
#define HUTCH_CLONE_ARGS_SIZE_VER0 64

/* A fork-like clone (no new stack: the child runs on a copy-on-write copy of ours).
 * Returns 0 in the child, the pid in the parent, or -errno. *pidfd is set when the
 * kernel supports CLONE_PIDFD and pidfd is not NULL. */
static pid_t fork_like(uint64_t flags, int *pidfd, int no_clone3, int cgroup_fd, int *born_in_cgroup)
{
	long ret;
	int parent = (flags & CLONE_PARENT) != 0;

	if (!no_clone3) {
		struct hutch_clone_args args;
		memset(&args, 0, sizeof args);
		args.flags = flags | (pidfd ? CLONE_PIDFD : 0);
		args.pidfd = (uint64_t)(uintptr_t)pidfd;
		/* With CLONE_PARENT the kernel takes our own exit signal and wants 0 here. */
		args.exit_signal = parent ? 0 : SIGCHLD;
		if (cgroup_fd >= 0) {
			args.flags |= CLONE_INTO_CGROUP;
			args.cgroup = (uint64_t)cgroup_fd;
			ret = syscall(SYS_clone3, &args, sizeof args);
			if (ret >= 0) {
				*born_in_cgroup = 1; /* in the child's copy of memory too */
				return (pid_t)ret;
			}
			/* Before Linux 5.7 (no cgroup field, or no such flag): the child joins by itself. */
			if (errno != E2BIG && errno != EINVAL && errno != ENOSYS)
				return -errno;
			args.flags &= ~CLONE_INTO_CGROUP;
			args.cgroup = 0;
		}
		ret = syscall(SYS_clone3, &args, HUTCH_CLONE_ARGS_SIZE_VER0);
		if (ret >= 0)
			return (pid_t)ret;
		if (errno != ENOSYS)
			return -errno;
	}
	/* clone(2): CLONE_NEWTIME shares its bit with the exit signal; only clone3 has it. */
	if (flags & CLONE_NEWTIME)
		return -EINVAL;
	/* The pidfd goes to parent_tid, the third argument on x86-64 and arm64 alike. */
	if (pidfd) {
		ret = syscall(SYS_clone, flags | CLONE_PIDFD | (parent ? 0 : SIGCHLD), NULL, pidfd, NULL, NULL);
		if (ret >= 0)
			return (pid_t)ret;
		if (errno != EINVAL)
			return -errno;
		*pidfd = -1; /* a kernel before 5.2: no pidfds */
	}
	ret = syscall(SYS_clone, flags | (parent ? 0 : SIGCHLD), NULL, NULL, NULL, NULL);
	return ret >= 0 ? (pid_t)ret : -errno;
}

static void report(int error_fd, int step, int index, int err)
{
	struct hutch_spawn_report r = { .step = step, .index = index, .err = err };
	ssize_t n;
	do
		n = write(error_fd, &r, sizeof r);
	while (n < 0 && errno == EINTR);
}

static _Noreturn void fail(int error_fd, int step, int index, int err)
{
	report(error_fd, step, index, err);
	_exit(HUTCH_SPAWN_CHILD_FAILED);
}

/* Handlers installed by the .NET runtime must never run in the child: every signal
 * goes back to SIG_DFL (SIG_IGN included) while all signals are still blocked. */
static void reset_signal_handlers(void)
{
	struct sigaction dfl;
	memset(&dfl, 0, sizeof dfl);
	dfl.sa_handler = SIG_DFL;
	for (int sig = 1; sig < _NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP)
			continue;
		(void)sigaction(sig, &dfl, NULL); /* EINVAL for glibc's two internal signals */
	}
}

static void join_namespaces(const struct hutch_spawn_plan *plan, int error_fd)
{
	for (int i = 0; i < plan->join_count; i++)
		if (setns(plan->joins[i].fd, plan->joins[i].nstype) < 0)
			fail(error_fd, HUTCH_STEP_SETNS, i, errno);
}

static int close_range_compat(unsigned int first, unsigned int last)
{
	if (syscall(SYS_close_range, first, last, 0) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	/* Before Linux 5.9: close one by one up to the fd limit. */
	struct rlimit lim;
	unsigned int end = 1u << 20;
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < end)
		end = (unsigned int)lim.rlim_cur;
	for (unsigned int fd = first; fd <= last && fd < end; fd++)
		(void)close((int)fd);
	return 0;
}

/* Moves fd to a number >= floor (close-on-exec) when it is below, so that no dup2 onto
 * a target can clobber it. Returns the fd to use from now on, or -errno. */
static int lift(int fd, int floor)
{
	if (fd >= floor)
		return fd;
	int lifted = fcntl(fd, F_DUPFD_CLOEXEC, floor);
	return lifted < 0 ? -errno : lifted;
}

static void sort_ints(int *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			int t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Root of the user namespace we are in (created or joined): the maps are written now (the
 * sync byte came after them). The group first, while we still hold CAP_SETGID from creating
 * or joining the namespace. Raw syscalls: glibc's set*id would signal every thread it thinks
 * the process has (the runtime's, copied by the clone) and take its stack-list lock. */
static void become_root(const struct hutch_spawn_plan *plan, int error_fd)
{
	if (syscall(SYS_setresgid, 0, 0, 0) < 0)
		fail(error_fd, HUTCH_STEP_SETID, 0, errno);
	if (syscall(SYS_setresuid, 0, 0, 0) < 0)
		fail(error_fd, HUTCH_STEP_SETID, 1, errno);
	if ((plan->flags & HUTCH_SPAWN_CLEAR_GROUPS) && syscall(SYS_setgroups, 0, NULL) < 0)
		fail(error_fd, HUTCH_STEP_SETID, 2, errno);
}

/* DIE_WITH_PARENT: SIGKILL when the spawning thread exits (see hutch_native.h). */
/* The spawning process's pid (the same for all its threads), read before the clone: the child
 * compares its parent with it once the parent-death signal is armed. */
static pid_t spawner_pid;

static void die_with_parent(const struct hutch_spawn_plan *plan, int error_fd)
{
	if (!(plan->flags & HUTCH_SPAWN_DIE_WITH_PARENT))
		return;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		fail(error_fd, HUTCH_STEP_SIGNALS, 1, errno);
	/* A parent that died before the prctl sent no signal: the child would live on (a hook has
	 * no sync fd whose EOF would end it). Its parent is then another process. getppid() is 0
	 * when the parent is outside the child's pid namespace: the sync fd's EOF covers that case. */
	pid_t parent = getppid();
	if (parent != 0 && parent != spawner_pid)
		_exit(HUTCH_SPAWN_CHILD_FAILED);
}

/* The process that execs: fd maps, close the rest, wait for the go, exec. */
static _Noreturn void final_child(const struct hutch_spawn_plan *plan, const sigset_t *old_mask, int joined)
{
	int error_fd = plan->error_fd, sync_fd = plan->sync_fd, exec_fd = plan->exec_fd;
	int tmp[HUTCH_SPAWN_MAX_FD_MAPS];
	int keep[HUTCH_SPAWN_MAX_FD_MAPS + 3];
	int nkeep = 0, floor = 3, fd;

	reset_signal_handlers();
	die_with_parent(plan, error_fd);
	/* The parent learns of a successful execve by EOF: the report pipe must close then. */
	if (fcntl(error_fd, F_SETFD, FD_CLOEXEC) < 0)
		_exit(HUTCH_SPAWN_CHILD_FAILED);
	if (!joined)
		join_namespaces(plan, error_fd);

	for (int i = 0; i < plan->fd_map_count; i++)
		if (plan->fd_maps[i].dst + 1 > floor)
			floor = plan->fd_maps[i].dst + 1;
	if ((fd = lift(error_fd, floor)) < 0)
		fail(error_fd, HUTCH_STEP_FD_MAP, -1, -fd);
	error_fd = fd;
	if (sync_fd >= 0 && (sync_fd = lift(sync_fd, floor)) < 0)
		fail(error_fd, HUTCH_STEP_FD_MAP, -1, -sync_fd);
	if (exec_fd >= 0 && (exec_fd = lift(exec_fd, floor)) < 0)
		fail(error_fd, HUTCH_STEP_FD_MAP, -1, -exec_fd);
	for (int i = 0; i < plan->fd_map_count; i++)
		if ((tmp[i] = fcntl(plan->fd_maps[i].src, F_DUPFD_CLOEXEC, floor)) < 0)
			fail(error_fd, HUTCH_STEP_FD_MAP, i, errno);
	for (int i = 0; i < plan->fd_map_count; i++) {
		/* dup2 onto another number clears FD_CLOEXEC: the program inherits dst. */
		if (dup2(tmp[i], plan->fd_maps[i].dst) < 0)
			fail(error_fd, HUTCH_STEP_FD_MAP, i, errno);
		keep[nkeep++] = plan->fd_maps[i].dst;
	}

	/* Everything else goes: fds other threads opened without O_CLOEXEC, and copies of
	 * other pipes' ends (a sync pipe's write end held here would hide the EOF). */
	keep[nkeep++] = error_fd;
	if (sync_fd >= 0)
		keep[nkeep++] = sync_fd;
	if (exec_fd >= 0)
		keep[nkeep++] = exec_fd;
	sort_ints(keep, nkeep);
	unsigned int next = 3;
	for (int i = 0; i < nkeep; i++) {
		if (keep[i] < (int)next)
			continue;
		if (keep[i] > (int)next && (fd = close_range_compat(next, (unsigned int)keep[i] - 1)) < 0)
			fail(error_fd, HUTCH_STEP_CLOSE_FDS, -1, -fd);
		next = (unsigned int)keep[i] + 1;
	}
	if ((fd = close_range_compat(next, ~0u)) < 0)
		fail(error_fd, HUTCH_STEP_CLOSE_FDS, -1, -fd);

	if (sync_fd >= 0) {
		char go;
		ssize_t n;
		do
			n = read(sync_fd, &go, 1);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			fail(error_fd, HUTCH_STEP_SYNC, -1, errno);
		if (n == 0)
			fail(error_fd, HUTCH_STEP_SYNC, -1, ECANCELED);
		(void)close(sync_fd);
	}

	if (plan->flags & HUTCH_SPAWN_BECOME_ROOT) {
		become_root(plan, error_fd);
		die_with_parent(plan, error_fd); /* the new credentials cleared it */
	}

	if (plan->proc_setup) {
		/* `hutch exec`: the process sets itself up and execs (procsetup.c); it returns only
		 * on failure. Signals stay blocked until hutch_exec_with_filter empties the mask. */
		int step = 0, rc = hutch_proc_setup_run(plan->proc_setup, &step);
		fail(error_fd, HUTCH_STEP_PROC_SETUP, step, -rc);
	}

	if (sigprocmask(SIG_SETMASK, old_mask, NULL) < 0)
		fail(error_fd, HUTCH_STEP_SIGNALS, -1, errno);
	if (exec_fd >= 0)
		syscall(SYS_execveat, exec_fd, "", plan->argv, plan->envp, AT_EMPTY_PATH);
	else
		execve(plan->path, plan->argv, plan->envp);
	fail(error_fd, HUTCH_STEP_EXEC, -1, errno);
}

/* A new time namespace for our children (unshare, not a clone flag: the offsets can be
 * written only while no process is inside, and the unsharer itself stays outside). */
static void enter_time_namespace(const struct hutch_spawn_plan *plan)
{
	int fd;
	ssize_t n;
	if (unshare(CLONE_NEWTIME) < 0)
		fail(plan->error_fd, HUTCH_STEP_TIMENS, 0, errno);
	do
		fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		fail(plan->error_fd, HUTCH_STEP_TIMENS, 1, errno);
	do
		n = write(fd, plan->time_offsets, (size_t)plan->time_offsets_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		fail(plan->error_fd, HUTCH_STEP_TIMENS, 2, errno);
	if (n != (ssize_t)plan->time_offsets_len)
		fail(plan->error_fd, HUTCH_STEP_TIMENS, 2, EIO);
	(void)close(fd);
}

static int write_zero(int fd)
{
	ssize_t n;
	do
		n = write(fd, "0", 1);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* The first child joins the container's cgroup (see hutch_spawn_plan.cgroup_fd): "0" is the
 * writer itself, and we are single-threaded here. */
static void join_cgroups(const struct hutch_spawn_plan *plan, int born_in_cgroup)
{
	int rc;
	if (plan->cgroup_fd >= 0 && !born_in_cgroup && (rc = write_zero(plan->cgroup_procs_fd)) < 0)
		fail(plan->error_fd, HUTCH_STEP_CGROUP, -1, -rc);
	for (int i = 0; i < plan->cgroup_thread_count; i++)
		if ((rc = write_zero(plan->cgroup_thread_fds[i])) < 0)
			fail(plan->error_fd, HUTCH_STEP_CGROUP, i, -rc);
}

/* TWO_STAGE: join, then clone the final child as a sibling (CLONE_PARENT, so hutch
 * is its parent and can wait for it) with the new-namespace flags; report its pid. */
static _Noreturn void intermediate_child(const struct hutch_spawn_plan *plan, const sigset_t *old_mask, int pid_pipe)
{
	die_with_parent(plan, plan->error_fd);
	join_namespaces(plan, plan->error_fd);
	if (plan->time_offsets)
		enter_time_namespace(plan);
	pid_t pid = fork_like(plan->clone_flags | CLONE_PARENT, NULL, plan->flags & HUTCH_SPAWN_NO_CLONE3, -1, NULL);
	if (pid == 0)
		final_child(plan, old_mask, 1);
	if (pid < 0)
		fail(plan->error_fd, HUTCH_STEP_CLONE, -1, -pid);
	ssize_t n;
	do
		n = write(pid_pipe, &pid, sizeof pid);
	while (n < 0 && errno == EINTR);
	_exit(0);
}

struct vfork_start {
	const struct hutch_spawn_plan *plan;
	const sigset_t *old_mask;
};

static int vfork_child(void *arg)
{
	const struct vfork_start *start = arg;
	final_child(start->plan, start->old_mask, 0);
}

/* HUTCH_SPAWN_VFORK: the child shares our memory (and this thread's TLS, so its errno)
 * while we are suspended; it runs on its own stack, because returning through a shared
 * stack frame would corrupt ours. Returns when the child has exec'd or exited. */
static pid_t vfork_like(const struct hutch_spawn_plan *plan, const sigset_t *old_mask, int *pidfd)
{
	const size_t stack_size = 64 * 1024;
	struct vfork_start start = { .plan = plan, .old_mask = old_mask };
	int flags = (int)plan->clone_flags | CLONE_VM | CLONE_VFORK | SIGCHLD;
	pid_t pid;

	char *stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -errno;
	/* The stack grows down on x86-64 and arm64: pass its top. */
	pid = clone(vfork_child, stack + stack_size, flags | CLONE_PIDFD, &start, pidfd);
	if (pid < 0 && errno == EINVAL) {
		*pidfd = -1; /* a kernel before 5.2: no pidfds */
		pid = clone(vfork_child, stack + stack_size, flags, &start);
	}
	if (pid < 0)
		pid = -errno;
	munmap(stack, stack_size);
	return pid;
}

static void reap(pid_t pid, int pidfd)
{
	siginfo_t info;
	int status;
	if (pidfd >= 0) {
		while (waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED) < 0 && errno == EINTR)
			;
	} else {
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
}

static int plan_is_valid(const struct hutch_spawn_plan *plan)
{
	if (!plan || !plan->argv || !plan->envp || plan->error_fd < 0)
		return 0;
	if (!plan->path && plan->exec_fd < 0)
		return 0;
	if ((plan->flags & HUTCH_SPAWN_VFORK) &&
	    (plan->sync_fd >= 0 || (plan->flags & (HUTCH_SPAWN_TWO_STAGE | HUTCH_SPAWN_NOT_DUMPABLE)) || (plan->clone_flags & (CLONE_NEWTIME | 0xffffffff00000000ull))))
		return 0;
	if ((plan->flags & HUTCH_SPAWN_CLEAR_GROUPS) && !(plan->flags & HUTCH_SPAWN_BECOME_ROOT))
		return 0;
	if ((plan->cgroup_fd >= 0) != (plan->cgroup_procs_fd >= 0))
		return 0;
	if (plan->cgroup_thread_count < 0 || plan->cgroup_thread_count > HUTCH_SPAWN_MAX_CGROUP_FILES ||
	    (plan->cgroup_thread_count && !plan->cgroup_thread_fds))
		return 0;
	for (int i = 0; i < plan->cgroup_thread_count; i++)
		if (plan->cgroup_thread_fds[i] < 0)
			return 0;
	if ((plan->flags & HUTCH_SPAWN_VFORK) && (plan->cgroup_fd >= 0 || plan->cgroup_thread_count > 0))
		return 0;
	if (plan->proc_setup && (plan->sync_fd < 0 || plan->exec_fd >= 0 || !plan->proc_setup->exec))
		return 0;
	if (plan->time_offsets && (!(plan->flags & HUTCH_SPAWN_TWO_STAGE) || (plan->clone_flags & CLONE_NEWTIME) ||
	                           plan->time_offsets_len <= 0))
		return 0;
	if (plan->join_count < 0 || plan->join_count > HUTCH_SPAWN_MAX_JOINS || (plan->join_count && !plan->joins))
		return 0;
	if (plan->fd_map_count < 0 || plan->fd_map_count > HUTCH_SPAWN_MAX_FD_MAPS ||
	    (plan->fd_map_count && !plan->fd_maps))
		return 0;
	for (int i = 0; i < plan->fd_map_count; i++)
		if (plan->fd_maps[i].src < 0 || plan->fd_maps[i].dst < 0)
			return 0;
	return 1;
}

int hutch_spawn(const struct hutch_spawn_plan *plan, int *out_pidfd)
{
	int two_stage, pid_pipe[2] = { -1, -1 }, pidfd = -1, err, born_in_cgroup = 0;
	sigset_t all, old;
	pid_t pid;

	if (!out_pidfd || !plan_is_valid(plan))
		return -EINVAL;
	*out_pidfd = -1;
	spawner_pid = getpid();
	two_stage = (plan->flags & HUTCH_SPAWN_TWO_STAGE) != 0;
	if (two_stage && pipe2(pid_pipe, O_CLOEXEC) < 0)
		return -errno;

	/* No signal may reach a handler in the child before it has reset them all. */
	sigfillset(&all);
	if ((err = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0) {
		if (two_stage) {
			close(pid_pipe[0]);
			close(pid_pipe[1]);
		}
		return -err;
	}
	/* A child is born with its parent's dumpable flag: clearing ours around the clone leaves
	 * the child no moment in which it is dumpable (a prctl in the child would leave one). */
	int was_dumpable = 0;
	if (plan->flags & HUTCH_SPAWN_NOT_DUMPABLE) {
		was_dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1;
		if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
			err = errno;
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			if (two_stage) {
				close(pid_pipe[0]);
				close(pid_pipe[1]);
			}
			return -err;
		}
	}
	if (plan->flags & HUTCH_SPAWN_VFORK)
		pid = vfork_like(plan, &old, &pidfd);
	else
		pid = fork_like(two_stage ? 0 : plan->clone_flags, &pidfd, plan->flags & HUTCH_SPAWN_NO_CLONE3,
		                plan->cgroup_fd, &born_in_cgroup);
	if (pid != 0 && was_dumpable)
		(void)prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (pid == 0) {
		join_cgroups(plan, born_in_cgroup);
		if (two_stage)
			intermediate_child(plan, &old, pid_pipe[1]);
		final_child(plan, &old, 0);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0 || !two_stage) {
		if (two_stage) {
			close(pid_pipe[0]);
			close(pid_pipe[1]);
		}
		if (pid > 0)
			*out_pidfd = pidfd;
		return pid;
	}

	/* Two stages: learn the final child's pid, then reap the intermediate. */
	pid_t final = 0;
	ssize_t n;
	close(pid_pipe[1]);
	do
		n = read(pid_pipe[0], &final, sizeof final);
	while (n < 0 && errno == EINTR);
	close(pid_pipe[0]);
	reap(pid, pidfd);
	if (pidfd >= 0)
		close(pidfd);
	if (n != (ssize_t)sizeof final || final <= 0)
		return -ECHILD; /* the intermediate failed; its report is in the error pipe */

	/* The final child is ours (CLONE_PARENT) and not reaped: its pid cannot be reused. */
	pidfd = (int)syscall(SYS_pidfd_open, final, 0);
	if (pidfd < 0 && errno != ENOSYS) {
		err = errno;
		kill(final, SIGKILL);
		reap(final, -1);
		return -err;
	}
	*out_pidfd = pidfd;
	return final;
}
