/* The floor: the bare kernel work of one container start, as a reference for the runtimes.
 * clone into new pid, net, ipc, uts and mount namespaces (the flags of the bench's config),
 * make / private, bind the rootfs onto itself, pivot_root into it, drop the old root,
 * mount /proc, exec /bin/true; the parent waits and returns the child's exit status.
 * Usage: floor ROOTFS   (root only; built by bench/run.sh with gcc -O2). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *rootfs;

static int fail(const char *what)
{
    fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
    return 127;
}

static int child(void *arg)
{
    (void)arg;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return fail("make / private");
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) != 0)
        return fail("bind the rootfs onto itself");
    if (chdir(rootfs) != 0)
        return fail("chdir into the rootfs");
    /* pivot_root(".", "."): the old root ends up stacked under the new one; detach it. */
    if (syscall(SYS_pivot_root, ".", ".") != 0)
        return fail("pivot_root");
    if (umount2(".", MNT_DETACH) != 0)
        return fail("detach the old root");
    if (chdir("/") != 0)
        return fail("chdir /");
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
        return fail("mount /proc");
    char *const argv[] = {"/bin/true", NULL};
    char *const envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    execve(argv[0], argv, envp);
    return fail("exec /bin/true");
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor ROOTFS\n");
        return 2;
    }
    rootfs = argv[1];
    static char stack[64 * 1024] __attribute__((aligned(16)));
    int flags = CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | SIGCHLD;
    pid_t pid = clone(child, stack + sizeof stack, flags, NULL);
    if (pid < 0)
        return fail("clone");
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return fail("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
