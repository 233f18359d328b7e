#include "keyring.h"

#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

int hutch_join_session_keyring(const char *name)
{
	long serial = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name, 0L, 0L, 0L);
	return serial < 0 ? -errno : (int)serial;
}
