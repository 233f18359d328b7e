/* Terminal ioctls (variadic in glibc) as fixed-arity functions, and an ABI table that
 * lets the tests compare the C# constants and struct layouts with this system's
 * headers (CONVENTIONS.md "The C in native/"). Each function returns >= 0 or -errno;
 * ioctl request numbers stay here, never in C#. */
#ifndef HUTCH_TERMINAL_H
#define HUTCH_TERMINAL_H

#include <stdint.h>

/* struct winsize (asm-generic/termios.h), spelled out so C# needs no header. */
struct hutch_winsize {
	uint16_t rows;
	uint16_t cols;
	uint16_t xpixel;
	uint16_t ypixel;
};

/* TIOCSPTLCK(0): unlock the peer of a ptmx master (unlockpt). */
int hutch_pty_unlock(int master);

/* TIOCGPTN: the peer's number N (/dev/pts/N), for messages only. */
int hutch_pty_number(int master, uint32_t *out_number);

/* TIOCGPTPEER: opens the peer through the master, without any path lookup
 * (CVE-2025-52565). flags: O_RDWR | O_NOCTTY | O_CLOEXEC ... Returns the fd. */
int hutch_pty_open_peer(int master, int flags);

/* TIOCSCTTY: makes fd the calling session's controlling terminal (steal: arg 1). */
int hutch_tty_set_controlling(int fd, int steal);

/* TIOCGWINSZ / TIOCSWINSZ. */
int hutch_tty_get_winsize(int fd, struct hutch_winsize *out);
int hutch_tty_set_winsize(int fd, const struct hutch_winsize *size);

/* fstatfs(fd).f_type: which filesystem the fd lives on (DEVPTS_SUPER_MAGIC 0x1cd1). */
int hutch_fd_fs_magic(int fd, int64_t *out_magic);

/* Fills names[i], values[i] with the constants and layouts C# mirrors (termios,
 * msghdr, cmsg, sockaddr_un, ioctl-free flag values). Returns the number of entries
 * (at most cap). */
int hutch_terminal_abi(const char **names, int64_t *values, int cap);

#endif
