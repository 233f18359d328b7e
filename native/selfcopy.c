/* The sealed self-copy (selfcopy.h). Small wrappers only: C# decides what to copy and
 * which seals to add (src/Hutch.Runtime/Init/SealedSelfCopy.cs). */
#include "selfcopy.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <unistd.h>

int hutch_memfd_create(const char *name, unsigned int flags)
{
	int fd = memfd_create(name, flags);
	return fd < 0 ? -errno : fd;
}

int hutch_add_seals(int fd, unsigned int seals)
{
	return fcntl(fd, F_ADD_SEALS, (int)seals) < 0 ? -errno : 0;
}

int hutch_get_seals(int fd)
{
	int seals = fcntl(fd, F_GET_SEALS);
	return seals < 0 ? -errno : seals;
}

static int copy_with_read_write(int in_fd, int out_fd)
{
	char buffer[65536];
	for (;;) {
		ssize_t n = read(in_fd, buffer, sizeof buffer);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out_fd, buffer + done, (size_t)(n - done));
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			done += w;
		}
	}
}

int hutch_copy_all(int in_fd, int out_fd)
{
	int copied_any = 0;
	for (;;) {
		ssize_t n = sendfile(out_fd, in_fd, NULL, 1 << 30);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (!copied_any && (errno == EINVAL || errno == ENOSYS))
				return copy_with_read_write(in_fd, out_fd);
			return -errno;
		}
		if (n == 0)
			return 0;
		copied_any = 1;
	}
}
