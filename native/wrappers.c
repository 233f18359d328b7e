/* Fixed-arity wrappers for variadic libc calls and for system calls glibc lacks
 * (CONVENTIONS.md: no P/Invoke to variadic functions, no syscall numbers in C#). */
#include "hutch_native.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

/* hutch_openat lives in mount.c. */

int hutch_pidfd_open(int pid, unsigned int flags)
{
	long fd = syscall(SYS_pidfd_open, pid, flags);
	return fd < 0 ? -errno : (int)fd;
}

int hutch_pidfd_send_signal(int pidfd, int sig)
{
	return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0 ? -errno : 0;
}

int hutch_waitid(int idtype, int id, int options, int *out_pid, int *out_code, int *out_status)
{
	siginfo_t info;
	memset(&info, 0, sizeof info);
	if (waitid((idtype_t)idtype, (id_t)id, &info, options) < 0)
		return -errno;
	*out_pid = info.si_pid;
	*out_code = info.si_code;
	*out_status = info.si_status;
	return 0;
}
