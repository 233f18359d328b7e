/* See procsetup.h. Runs in a spawned child (no allocation, no locks, no stdio). */
#include "procsetup.h"

#include <errno.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static int fail_at(int *out_step, int step, int err)
{
	*out_step = step;
	return -err;
}

static int drop_bounding(const struct hutch_proc_setup *s)
{
	for (int cap = 0; cap <= s->last_cap && cap < 64; cap++) {
		if (s->bounding & (1ull << cap))
			continue;
		if (prctl(PR_CAPBSET_DROP, (unsigned long)cap, 0, 0, 0) < 0 && errno != EINVAL)
			return -errno; /* EINVAL: unknown to this kernel */
	}
	return 0;
}

/* CVE-2024-21626: the kernel's getcwd (not glibc's, which hides it as ENOENT) names a
 * directory outside the process's root "(unreachable)/...". */
static int check_cwd(void)
{
	char buf[4096];
	long n = syscall(SYS_getcwd, buf, sizeof buf);
	if (n < 0)
		return -errno;
	if (n == 0 || buf[0] != '/')
		return -EXDEV;
	return 0;
}

int hutch_proc_setup_run(const struct hutch_proc_setup *s, int *out_step)
{
	int rc, chdir_err = 0;

	/* A container without a mount namespace shares the host's mounts but not its root: the
	 * process runs in the init's root (root.path), as the init itself does (it chroots). */
	if (s->flags & HUTCH_PROC_CHROOT) {
		if (fchdir(s->root_fd) < 0 || chroot(".") < 0)
			return fail_at(out_step, HUTCH_PROC_STEP_CHROOT, errno);
		close(s->root_fd);
	}
	/* Every container process leads a session of its own, as runc's (nsexec's setsid), terminal
	 * or not: a session leader outside the container's pid namespace is what CRIU cannot dump. */
	if (getsid(0) != getpid() && setsid() < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_SETSID, errno);
	if (s->tty_fd >= 0 && ioctl(s->tty_fd, TIOCSCTTY, 0) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_CTTY, errno);
	if ((s->flags & HUTCH_PROC_PERSONALITY) && personality((unsigned long)s->personality) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_PERSONALITY, errno);
	if ((s->flags & HUTCH_PROC_MEMPOLICY) &&
	    (rc = hutch_set_mempolicy(s->mempolicy_mode, s->mempolicy_nodes, s->mempolicy_node_bits)) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_MEMPOLICY, -rc);
	umask((mode_t)s->umask);

	if ((rc = drop_bounding(s)) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_BOUNDING, -rc);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_KEEPCAPS, errno);

	/* runc's order: chdir while privileged (a cwd only root can enter), again as the user
	 * when that failed (a cwd on a root-squashed or user-only mount). */
	if (chdir(s->cwd) < 0)
		chdir_err = errno;
	/* (uid_t)-1 is "unchanged" to setresuid/setresgid: the process would stay root. C# refuses
	 * such ids (PosixIds); this is the last guard should a plan ever carry one. */
	if (s->gid == (uint32_t)-1)
		return fail_at(out_step, HUTCH_PROC_STEP_SETRESGID, EINVAL);
	if (s->uid == (uint32_t)-1)
		return fail_at(out_step, HUTCH_PROC_STEP_SETRESUID, EINVAL);
	if (syscall(SYS_setgroups, (size_t)s->group_count, s->groups) < 0 && !(errno == EPERM && s->group_count == 0))
		return fail_at(out_step, HUTCH_PROC_STEP_SETGROUPS, errno);
	if (syscall(SYS_setresgid, s->gid, s->gid, s->gid) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_SETRESGID, errno);
	if (syscall(SYS_setresuid, s->uid, s->uid, s->uid) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_SETRESUID, errno);
	if (chdir_err && chdir(s->cwd) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_CHDIR, errno);
	if ((rc = check_cwd()) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_CWD, -rc);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_KEEPCAPS, errno);

	if ((rc = hutch_capset(s->caps)) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_CAPSET, -rc);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && s->ambient != 0)
		return fail_at(out_step, HUTCH_PROC_STEP_AMBIENT, errno);
	for (int cap = 0; cap < 64; cap++)
		if ((s->ambient & (1ull << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)cap, 0, 0) < 0)
			return fail_at(out_step, HUTCH_PROC_STEP_AMBIENT, errno);
	if ((s->flags & HUTCH_PROC_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail_at(out_step, HUTCH_PROC_STEP_NO_NEW_PRIVS, errno);

	int exec_step = 0;
	rc = hutch_exec_with_filter(s->exec, &exec_step);
	*out_step = HUTCH_PROC_STEP_EXEC_BASE + exec_step;
	return rc;
}

int hutch_proc_setup_size(void)
{
	return (int)sizeof(struct hutch_proc_setup);
}
