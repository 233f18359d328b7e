/* The CVE-2019-5736 self-copy (CONVENTIONS.md "The C in native/" (d)): the container's
 * init runs from a sealed memfd copy of hutch, never from the host file, so a process in
 * the container cannot open the runtime binary for writing through /proc/PID/exe.
 * Every function returns >= 0 on success or -errno. */
#ifndef HUTCH_SELFCOPY_H
#define HUTCH_SELFCOPY_H

/* memfd_create(2): an anonymous file; flags MFD_CLOEXEC | MFD_ALLOW_SEALING. Returns the fd. */
int hutch_memfd_create(const char *name, unsigned int flags);

/* fcntl(fd, F_ADD_SEALS, seals). Returns 0. */
int hutch_add_seals(int fd, unsigned int seals);

/* fcntl(fd, F_GET_SEALS). Returns the seals (F_SEAL_*). */
int hutch_get_seals(int fd);

/* Copies everything from in_fd (from its current offset) to out_fd with sendfile(2),
 * falling back to read/write. Returns 0 (the byte count may exceed an int). */
int hutch_copy_all(int in_fd, int out_fd);

#endif
