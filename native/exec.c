/* See exec.h. */
#include "exec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_NEW_LISTENER
#define SECCOMP_FILTER_FLAG_NEW_LISTENER (1UL << 3)
#endif

int hutch_prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
{
	int rc = prctl(option, arg2, arg3, arg4, arg5);
	return rc < 0 ? -errno : rc;
}

int hutch_set_cloexec(int fd, int on)
{
	int flags = fcntl(fd, F_GETFD);
	if (flags < 0)
		return -errno;
	flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
	return fcntl(fd, F_SETFD, flags) < 0 ? -errno : 0;
}

int hutch_capget(uint32_t *sets)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	memset(data, 0, sizeof data);
	if (syscall(SYS_capget, &header, data) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		sets[3 * i] = data[i].effective;
		sets[3 * i + 1] = data[i].permitted;
		sets[3 * i + 2] = data[i].inheritable;
	}
	return 0;
}

int hutch_capset(const uint32_t *sets)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[2];
	for (int i = 0; i < 2; i++) {
		data[i].effective = sets[3 * i];
		data[i].permitted = sets[3 * i + 1];
		data[i].inheritable = sets[3 * i + 2];
	}
	return syscall(SYS_capset, &header, data) < 0 ? -errno : 0;
}

int hutch_sched_setattr(int pid, const struct hutch_sched_attr *attr)
{
	return syscall(SYS_sched_setattr, pid, attr, 0) < 0 ? -errno : 0;
}

int hutch_ioprio_set(int which, int who, int ioprio)
{
	return syscall(SYS_ioprio_set, which, who, ioprio) < 0 ? -errno : 0;
}

int hutch_set_mempolicy(int mode, const uint64_t *nodes, uint32_t node_bits)
{
	unsigned long maxnode = nodes == NULL ? 0 : (unsigned long)node_bits + 1;
	return syscall(SYS_set_mempolicy, mode, nodes, maxnode) < 0 ? -errno : 0;
}

/* Dispositions set to SIG_IGN survive execve (the .NET runtime ignores SIGPIPE); handled
 * ones are reset by execve itself, so only the ignored ones are touched: the other
 * threads keep their handlers for the microseconds left. The mask is this thread's. */
static int reset_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;
		if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) < 0)
			continue; /* glibc refuses its internal signals: they are not ignored */
		if (old.sa_handler == SIG_IGN) {
			struct sigaction dfl;
			memset(&dfl, 0, sizeof dfl);
			dfl.sa_handler = SIG_DFL;
			if (sigaction(sig, &dfl, NULL) < 0)
				return -errno;
		}
	}
	sigset_t none;
	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL) < 0 ? -errno : 0;
}

/* One sendmsg with the notify fd as SCM_RIGHTS and the start of the message, then the
 * rest (a stream socket may take a large state in pieces). */
static int send_listener(int sock, int notify_fd, const char *msg, uint32_t len)
{
	char control[CMSG_SPACE(sizeof(int))];
	memset(control, 0, sizeof control);
	struct iovec iov = { .iov_base = (void *)msg, .iov_len = len };
	struct msghdr hdr = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&hdr);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &notify_fd, sizeof(int));
	ssize_t sent;
	do
		sent = sendmsg(sock, &hdr, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -errno;
	while ((uint32_t)sent < len) {
		ssize_t n = send(sock, msg + sent, len - (uint32_t)sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EPIPE;
		sent += n;
	}
	return 0;
}

int hutch_exec_with_filter(const struct hutch_exec_plan *plan, int *out_step)
{
	int rc;
	*out_step = HUTCH_EXEC_STEP_SIGNALS;
	if ((rc = reset_signals()) < 0)
		return rc;

	if (plan->filter != NULL) {
		*out_step = HUTCH_EXEC_STEP_SECCOMP;
		struct sock_fprog prog = {
			.len = (unsigned short)plan->filter_len,
			.filter = (struct sock_filter *)plan->filter,
		};
		if (plan->filter_len == 0 || plan->filter_len > 0xffff)
			return -EINVAL;
		long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, plan->seccomp_flags, &prog);
		if (fd < 0)
			return -errno;
		if (plan->seccomp_flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
			*out_step = HUTCH_EXEC_STEP_LISTENER;
			rc = plan->listener_fd < 0 ? -EBADF
						   : send_listener(plan->listener_fd, (int)fd, plan->listener_msg, plan->listener_msg_len);
			close((int)fd); /* the agent holds its copy; the container must not */
			if (plan->listener_fd >= 0)
				close(plan->listener_fd); /* one state per connection, then closed */
			if (rc < 0)
				return rc;
		}
	}

	if (plan->caps_after != NULL) {
		*out_step = HUTCH_EXEC_STEP_CAPS;
		if ((rc = hutch_capset(plan->caps_after)) < 0)
			return rc;
	}

	*out_step = HUTCH_EXEC_STEP_EXECVE;
	execve(plan->path, plan->argv, plan->envp);
	return -errno;
}

int hutch_exec_plan_size(void)
{
	return (int)sizeof(struct hutch_exec_plan);
}

int hutch_sched_attr_size(void)
{
	return (int)sizeof(struct hutch_sched_attr);
}
