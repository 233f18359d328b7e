/* The C side of hutch: only what managed code cannot do (DESIGN.md section 2,
 * CONVENTIONS.md "The C in native/"). Every function is hutch_-prefixed and
 * returns >= 0 on success or -errno. */
#ifndef HUTCH_NATIVE_H
#define HUTCH_NATIVE_H

int hutch_native_abi_version(void);

#endif
