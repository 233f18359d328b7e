/* Terminal ioctls and the terminal/socket ABI table (see terminal.h). */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int result(long rc) { return rc < 0 ? -errno : (int)rc; }

int hutch_pty_unlock(int master)
{
	int unlock = 0;
	return result(ioctl(master, TIOCSPTLCK, &unlock));
}

int hutch_pty_number(int master, uint32_t *out_number)
{
	unsigned int n = 0;
	int rc = ioctl(master, TIOCGPTN, &n);
	if (rc < 0)
		return -errno;
	*out_number = n;
	return 0;
}

int hutch_pty_open_peer(int master, int flags)
{
	return result(ioctl(master, TIOCGPTPEER, flags));
}

int hutch_tty_set_controlling(int fd, int steal)
{
	return result(ioctl(fd, TIOCSCTTY, steal));
}

int hutch_tty_get_winsize(int fd, struct hutch_winsize *out)
{
	struct winsize ws;
	if (ioctl(fd, TIOCGWINSZ, &ws) < 0)
		return -errno;
	out->rows = ws.ws_row;
	out->cols = ws.ws_col;
	out->xpixel = ws.ws_xpixel;
	out->ypixel = ws.ws_ypixel;
	return 0;
}

int hutch_tty_set_winsize(int fd, const struct hutch_winsize *size)
{
	struct winsize ws;
	ws.ws_row = size->rows;
	ws.ws_col = size->cols;
	ws.ws_xpixel = size->xpixel;
	ws.ws_ypixel = size->ypixel;
	return result(ioctl(fd, TIOCSWINSZ, &ws));
}

int hutch_fd_fs_magic(int fd, int64_t *out_magic)
{
	struct statfs fs;
	if (fstatfs(fd, &fs) < 0)
		return -errno;
	*out_magic = (int64_t)fs.f_type;
	return 0;
}

#define ENTRY(name, value)                                      \
	do {                                                    \
		if (n < cap) {                                  \
			names[n] = (name);                      \
			values[n] = (int64_t)(value);           \
		}                                               \
		n++;                                            \
	} while (0)

int hutch_terminal_abi(const char **names, int64_t *values, int cap)
{
	int n = 0;
	/* struct termios (glibc's, what tcgetattr fills) */
	ENTRY("sizeof(struct termios)", sizeof(struct termios));
	ENTRY("offsetof(termios.c_iflag)", offsetof(struct termios, c_iflag));
	ENTRY("offsetof(termios.c_oflag)", offsetof(struct termios, c_oflag));
	ENTRY("offsetof(termios.c_cflag)", offsetof(struct termios, c_cflag));
	ENTRY("offsetof(termios.c_lflag)", offsetof(struct termios, c_lflag));
	ENTRY("offsetof(termios.c_line)", offsetof(struct termios, c_line));
	ENTRY("offsetof(termios.c_cc)", offsetof(struct termios, c_cc));
	ENTRY("offsetof(termios.c_ispeed)", offsetof(struct termios, c_ispeed));
	ENTRY("offsetof(termios.c_ospeed)", offsetof(struct termios, c_ospeed));
	ENTRY("NCCS", NCCS);
	ENTRY("IGNBRK", IGNBRK);
	ENTRY("BRKINT", BRKINT);
	ENTRY("PARMRK", PARMRK);
	ENTRY("ISTRIP", ISTRIP);
	ENTRY("INLCR", INLCR);
	ENTRY("IGNCR", IGNCR);
	ENTRY("ICRNL", ICRNL);
	ENTRY("IXON", IXON);
	ENTRY("OPOST", OPOST);
	ENTRY("ONLCR", ONLCR);
	ENTRY("CSIZE", CSIZE);
	ENTRY("CS8", CS8);
	ENTRY("PARENB", PARENB);
	ENTRY("ECHO", ECHO);
	ENTRY("ECHONL", ECHONL);
	ENTRY("ICANON", ICANON);
	ENTRY("ISIG", ISIG);
	ENTRY("IEXTEN", IEXTEN);
	ENTRY("VMIN", VMIN);
	ENTRY("VTIME", VTIME);
	ENTRY("TCSANOW", TCSANOW);
	ENTRY("TCSADRAIN", TCSADRAIN);
	ENTRY("TCSAFLUSH", TCSAFLUSH);
	ENTRY("sizeof(struct winsize)", sizeof(struct winsize));
	/* sockets: SCM_RIGHTS framing */
	ENTRY("sizeof(struct msghdr)", sizeof(struct msghdr));
	ENTRY("offsetof(msghdr.msg_iov)", offsetof(struct msghdr, msg_iov));
	ENTRY("offsetof(msghdr.msg_iovlen)", offsetof(struct msghdr, msg_iovlen));
	ENTRY("offsetof(msghdr.msg_control)", offsetof(struct msghdr, msg_control));
	ENTRY("offsetof(msghdr.msg_controllen)", offsetof(struct msghdr, msg_controllen));
	ENTRY("offsetof(msghdr.msg_flags)", offsetof(struct msghdr, msg_flags));
	ENTRY("sizeof(struct iovec)", sizeof(struct iovec));
	ENTRY("sizeof(struct cmsghdr)", sizeof(struct cmsghdr));
	ENTRY("CMSG_LEN(sizeof(int))", CMSG_LEN(sizeof(int)));
	ENTRY("CMSG_SPACE(sizeof(int))", CMSG_SPACE(sizeof(int)));
	ENTRY("SOL_SOCKET", SOL_SOCKET);
	ENTRY("SCM_RIGHTS", SCM_RIGHTS);
	ENTRY("MSG_CTRUNC", MSG_CTRUNC);
	ENTRY("MSG_CMSG_CLOEXEC", MSG_CMSG_CLOEXEC);
	ENTRY("MSG_NOSIGNAL", MSG_NOSIGNAL);
	ENTRY("AF_UNIX", AF_UNIX);
	ENTRY("SOCK_STREAM", SOCK_STREAM);
	ENTRY("SOCK_SEQPACKET", SOCK_SEQPACKET);
	ENTRY("sizeof(struct sockaddr_un)", sizeof(struct sockaddr_un));
	ENTRY("sizeof(sockaddr_un.sun_path)", sizeof(((struct sockaddr_un *)0)->sun_path));
	ENTRY("EPROTOTYPE", EPROTOTYPE);
	return n < cap ? n : cap; /* the entries written, as terminal.h says (not the total) */
}
