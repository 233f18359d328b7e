/* Mount and in-root path syscalls that glibc lacks, or exposes only as variadic
 * functions (CONVENTIONS.md "The C in native/"). Fixed arity, hutch_-prefixed,
 * each returns >= 0 on success or -errno. Syscall numbers come from <sys/syscall.h>
 * (they differ between x86-64 and arm64), never from C#. */
#ifndef HUTCH_MOUNT_H
#define HUTCH_MOUNT_H

#include <stdint.h>

int hutch_pivot_root(const char *new_root, const char *put_old);

/* open_tree(2): returns a mount fd (OPEN_TREE_CLONE: a detached copy). */
int hutch_open_tree(int dfd, const char *path, uint32_t flags);

/* move_mount(2): attaches (or moves) a mount; the *_EMPTY_PATH flags take fds alone. */
int hutch_move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path, uint32_t flags);

/* mount_setattr(2) with struct mount_attr spelled out as arguments. */
int hutch_mount_setattr(int dfd, const char *path, uint32_t flags, uint64_t attr_set, uint64_t attr_clr,
			uint64_t propagation, uint64_t userns_fd);

/* fsopen(2), fsconfig(2), fsmount(2): a filesystem instance created without a path. */
int hutch_fsopen(const char *fs_name, uint32_t flags);
int hutch_fsconfig(int fd, uint32_t cmd, const char *key, const char *value, int aux);
int hutch_fsmount(int fd, uint32_t flags, uint32_t attr_flags);

/* openat2(2) with struct open_how spelled out; -ENOSYS on kernels before 5.6. */
int hutch_openat2(int dfd, const char *path, uint64_t flags, uint64_t mode, uint64_t resolve);

/* openat(2) with a mode: the glibc function is variadic. EINTR is retried. */
int hutch_openat(int dfd, const char *path, int flags, uint32_t mode);

/* mknodat(2) with the device number built here (makedev is a macro). */
int hutch_mknodat(int dfd, const char *path, uint32_t mode, uint32_t major, uint32_t minor);

#endif
