#ifndef HUTCH_BPF_H
#define HUTCH_BPF_H

/* bpf(2), which glibc does not wrap: cmd and attr as in <linux/bpf.h>. Returns the
 * syscall's result (an fd for BPF_PROG_LOAD, 0 for attach/detach/query) or -errno. */
int hutch_bpf(int cmd, void *attr, unsigned int size);

#endif
