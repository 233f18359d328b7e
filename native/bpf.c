/* bpf(2) for the cgroup v2 device filter (src/Hutch.Linux/Cgroups/DeviceFilter*.cs); the
 * program and every decision are C#'s, this only makes the call (CONVENTIONS.md: no
 * syscall numbers in C#). EINTR is retried by the C# caller. */
#include "bpf.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

int hutch_bpf(int cmd, void *attr, unsigned int size)
{
	long rc = syscall(SYS_bpf, cmd, attr, size);
	return rc < 0 ? -errno : (int)rc;
}
