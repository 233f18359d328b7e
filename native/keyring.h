/* Session keyrings (keyctl(2) has no glibc wrapper and is variadic in libkeyutils):
 * fixed-arity wrappers for the init. Every function returns >= 0 on success or -errno. */
#ifndef HUTCH_KEYRING_H
#define HUTCH_KEYRING_H

/* keyctl(KEYCTL_JOIN_SESSION_KEYRING, name): the calling thread's process gets a new session
 * keyring called name (or joins the one of that name it can search). Returns its serial.
 * ENOSYS: a kernel without keys; EACCES/EDQUOT: keyrings disabled or the quota is full. */
int hutch_join_session_keyring(const char *name);

#endif
