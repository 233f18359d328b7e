#include "mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int result(long rc) { return rc < 0 ? -errno : (int)rc; }

int hutch_pivot_root(const char *new_root, const char *put_old)
{
	return result(syscall(SYS_pivot_root, new_root, put_old));
}

int hutch_open_tree(int dfd, const char *path, uint32_t flags)
{
	return result(syscall(SYS_open_tree, dfd, path, flags));
}

int hutch_move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, uint32_t flags)
{
	return result(syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path, flags));
}

int hutch_mount_setattr(int dfd, const char *path, uint32_t flags, uint64_t attr_set, uint64_t attr_clr,
			uint64_t propagation, uint64_t userns_fd)
{
	struct mount_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.attr_set = attr_set;
	attr.attr_clr = attr_clr;
	attr.propagation = propagation;
	attr.userns_fd = userns_fd;
	return result(syscall(SYS_mount_setattr, dfd, path, flags, &attr, sizeof(attr)));
}

int hutch_fsopen(const char *fs_name, uint32_t flags)
{
	return result(syscall(SYS_fsopen, fs_name, flags));
}

int hutch_fsconfig(int fd, uint32_t cmd, const char *key, const char *value, int aux)
{
	return result(syscall(SYS_fsconfig, fd, cmd, key, value, aux));
}

int hutch_fsmount(int fd, uint32_t flags, uint32_t attr_flags)
{
	return result(syscall(SYS_fsmount, fd, flags, attr_flags));
}

int hutch_openat2(int dfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve)
{
	struct open_how how;
	long rc;
	memset(&how, 0, sizeof(how));
	how.flags = flags;
	how.mode = mode;
	how.resolve = resolve;
	do {
		rc = syscall(SYS_openat2, dfd, path, &how, sizeof(how));
	} while (rc < 0 && errno == EINTR);
	return result(rc);
}

int hutch_openat(int dfd, const char *path, int flags, uint32_t mode)
{
	int rc;
	do {
		rc = openat(dfd, path, flags, (mode_t)mode);
	} while (rc < 0 && errno == EINTR);
	return result(rc);
}

int hutch_mknodat(int dfd, const char *path, uint32_t mode, uint32_t major, uint32_t minor)
{
	return result(mknodat(dfd, path, (mode_t)mode, makedev(major, minor)));
}
