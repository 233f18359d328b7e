/* Unit tests of native/ in C, built with the library's sources under AddressSanitizer and
 * UndefinedBehaviorSanitizer (`make -C native sanitize-test`, run by `make test`): every
 * wrapper and the spawn, process set-up and exec paths, driven as C# drives them. Paths that
 * need root (new namespaces, id switches) run only as root, inside throwaway namespaces and
 * children; without root they are reported as skipped. Output is TAP; the exit status is the
 * number of failures (capped). */
#include "abi.h"
#include "exec.h"
#include "hutch_native.h"
#include "initplan.h"
#include "keyring.h"
#include "mount.h"
#include "procsetup.h"
#include "selfcopy.h"
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static int failures, counter;
static const char *current;

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond)) {                                                              \
			printf("#   %s: %s:%d: %s\n", current, __FILE__, __LINE__, #cond);     \
			return 1;                                                           \
		}                                                                           \
	} while (0)

#define SKIP_UNLESS_ROOT()                                                                  \
	do {                                                                                \
		if (geteuid() != 0)                                                         \
			return -1;                                                          \
	} while (0)

static char scratch[64];

static void make_scratch(void)
{
	strcpy(scratch, "/tmp/hutch-native-tests.XXXXXX");
	if (!mkdtemp(scratch)) {
		perror("mkdtemp");
		exit(1);
	}
}

/* Waits for a child by pid; returns its exit status, 128 + signal, or -1. */
static int wait_status(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

static int test_abi(void)
{
	CHECK(hutch_abi_version() == HUTCH_ABI_VERSION);
	CHECK(hutch_abi_layout_hash() != 0);
	CHECK(hutch_abi_layout_hash() == hutch_abi_layout_hash());
	CHECK(hutch_exec_plan_size() == (int)sizeof(struct hutch_exec_plan));
	CHECK(hutch_proc_setup_size() == (int)sizeof(struct hutch_proc_setup));
	CHECK(hutch_sched_attr_size() == (int)sizeof(struct hutch_sched_attr));
	return 0;
}

static int test_openat2_stays_in_root(void)
{
	char path[128];
	int root = open(scratch, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0);
	snprintf(path, sizeof path, "%s/dir", scratch);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof path, "%s/escape", scratch);
	CHECK(symlink("/etc", path) == 0);

	int fd = hutch_openat2(root, "dir", O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd == -ENOSYS) {
		close(root);
		return -1;
	}
	CHECK(fd >= 0);
	close(fd);
	/* "/etc" resolved inside the scratch root: there is no etc there. */
	CHECK(hutch_openat2(root, "escape/passwd", O_RDONLY | O_CLOEXEC, 0, RESOLVE_IN_ROOT) == -ENOENT);
	CHECK(hutch_openat2(root, "../../etc/passwd", O_RDONLY | O_CLOEXEC, 0, RESOLVE_IN_ROOT) == -ENOENT);
	CHECK(hutch_openat2(root, "escape", O_PATH | O_CLOEXEC, 0, RESOLVE_NO_SYMLINKS) == -ELOOP);
	CHECK(hutch_openat2(root, "/proc/self/exe", O_PATH | O_CLOEXEC, 0, RESOLVE_NO_MAGICLINKS) == -ELOOP);
	close(root);
	return 0;
}

static int test_openat_and_mknodat(void)
{
	int root = open(scratch, O_PATH | O_DIRECTORY | O_CLOEXEC);
	CHECK(root >= 0);
	mode_t old = umask(0);
	int fd = hutch_openat(root, "file", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0640);
	CHECK(fd >= 0);
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640);
	close(fd);
	CHECK(hutch_openat(root, "file", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0640) == -EEXIST);
	CHECK(hutch_mknodat(root, "fifo", S_IFIFO | 0600, 0, 0) == 0);
	CHECK(fstatat(root, "fifo", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISFIFO(st.st_mode));
	CHECK(hutch_mknodat(root, "fifo", S_IFIFO | 0600, 0, 0) == -EEXIST);
	umask(old);
	close(root);
	return 0;
}

static int test_sealed_copy(void)
{
	char path[128];
	snprintf(path, sizeof path, "%s/source", scratch);
	int in = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	CHECK(in >= 0);
	static char data[200001];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i * 7);
	CHECK(write(in, data, sizeof data) == (ssize_t)sizeof data);
	CHECK(lseek(in, 0, SEEK_SET) == 0);

	int memfd = hutch_memfd_create("hutch-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	CHECK(memfd >= 0);
	CHECK(hutch_copy_all(in, memfd) == 0);
	unsigned int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	CHECK(hutch_add_seals(memfd, seals) == 0);
	CHECK(hutch_get_seals(memfd) == (int)seals);
	CHECK(write(memfd, "x", 1) < 0 && errno == EPERM);
	static char back[sizeof data];
	CHECK(pread(memfd, back, sizeof back, 0) == (ssize_t)sizeof back);
	CHECK(memcmp(back, data, sizeof data) == 0);
	CHECK(hutch_add_seals(memfd, F_SEAL_WRITE) == -EPERM);
	close(memfd);
	close(in);
	return 0;
}

static int test_pty(void)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return -1;
	CHECK(hutch_pty_unlock(master) == 0);
	uint32_t number = 0xffffffffu;
	CHECK(hutch_pty_number(master, &number) == 0 && number != 0xffffffffu);
	int peer = hutch_pty_open_peer(master, O_RDWR | O_NOCTTY | O_CLOEXEC);
	CHECK(peer >= 0);
	struct hutch_winsize size = { .rows = 33, .cols = 101, .xpixel = 0, .ypixel = 0 }, back;
	CHECK(hutch_tty_set_winsize(master, &size) == 0);
	CHECK(hutch_tty_get_winsize(peer, &back) == 0 && back.rows == 33 && back.cols == 101);
	int64_t magic = 0;
	CHECK(hutch_fd_fs_magic(peer, &magic) == 0 && magic == DEVPTS_SUPER_MAGIC);
	CHECK(hutch_tty_get_winsize(-1, &back) == -EBADF);
	close(peer);
	close(master);

	const char *names[256];
	int64_t values[256];
	int n = hutch_terminal_abi(names, values, 256);
	CHECK(n > 0 && n <= 256);
	for (int i = 0; i < n; i++)
		CHECK(names[i] != NULL && names[i][0] != '\0');
	CHECK(hutch_terminal_abi(names, values, 1) == 1);
	return 0;
}

static char *const true_argv[] = { "true", NULL };
static char *const no_env[] = { NULL };

/* A plan that runs `path` with a sync pipe and an error pipe; returns the child's pid. */
static int spawn(struct hutch_spawn_plan *plan, int *pidfd, int *sync_w, int *error_r)
{
	int sync_pipe[2], error_pipe[2];
	if (pipe2(sync_pipe, O_CLOEXEC) < 0 || pipe2(error_pipe, O_CLOEXEC) < 0)
		return -errno;
	plan->sync_fd = sync_pipe[0];
	plan->error_fd = error_pipe[1];
	int pid = hutch_spawn(plan, pidfd);
	close(sync_pipe[0]);
	close(error_pipe[1]);
	*sync_w = sync_pipe[1];
	*error_r = error_pipe[0];
	return pid;
}

static struct hutch_spawn_plan plan_for(const char *path, char *const *argv)
{
	struct hutch_spawn_plan plan;
	memset(&plan, 0, sizeof plan);
	plan.exec_fd = -1;
	plan.path = path;
	plan.argv = argv;
	plan.envp = no_env;
	plan.cgroup_fd = -1;
	plan.cgroup_procs_fd = -1;
	return plan;
}

static int test_spawn_runs_a_program(void)
{
	int ok_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(ok_fd >= 0);
	struct hutch_fd_map maps[] = { { ok_fd, 5 } };
	char *const argv[] = { "sh", "-c", "test -e /proc/self/fd/5 && ! test -e /proc/self/fd/7", NULL };
	struct hutch_spawn_plan plan = plan_for("/bin/sh", argv);
	plan.fd_maps = maps;
	plan.fd_map_count = 1;
	int pidfd = -1, sync_w, error_r;
	int pid = spawn(&plan, &pidfd, &sync_w, &error_r);
	CHECK(pid > 0);
	CHECK(write(sync_w, "x", 1) == 1);
	close(sync_w);
	struct hutch_spawn_report report;
	CHECK(read(error_r, &report, sizeof report) == 0); /* EOF: the exec succeeded */
	close(error_r);
	int waited, code, status;
	if (pidfd >= 0) {
		CHECK(hutch_waitid(P_PIDFD, pidfd, WEXITED, &waited, &code, &status) == 0);
		close(pidfd);
	} else {
		CHECK(hutch_waitid(P_PID, pid, WEXITED, &waited, &code, &status) == 0);
	}
	CHECK(waited == pid && code == CLD_EXITED && status == 0);
	close(ok_fd);
	return 0;
}

static int test_spawn_reports_a_failed_exec(void)
{
	struct hutch_spawn_plan plan = plan_for("/nonexistent/program", true_argv);
	int pidfd = -1, sync_w, error_r;
	int pid = spawn(&plan, &pidfd, &sync_w, &error_r);
	CHECK(pid > 0);
	CHECK(write(sync_w, "x", 1) == 1);
	close(sync_w);
	struct hutch_spawn_report report;
	CHECK(read(error_r, &report, sizeof report) == (ssize_t)sizeof report);
	CHECK(report.step == HUTCH_STEP_EXEC && report.err == ENOENT);
	close(error_r);
	if (pidfd >= 0)
		close(pidfd);
	CHECK(wait_status(pid) == HUTCH_SPAWN_CHILD_FAILED);
	return 0;
}

static int test_spawn_cancelled_by_eof_on_sync(void)
{
	struct hutch_spawn_plan plan = plan_for("/bin/true", true_argv);
	int pidfd = -1, sync_w, error_r;
	int pid = spawn(&plan, &pidfd, &sync_w, &error_r);
	CHECK(pid > 0);
	close(sync_w); /* no byte: the child must give up */
	struct hutch_spawn_report report;
	CHECK(read(error_r, &report, sizeof report) == (ssize_t)sizeof report);
	CHECK(report.step == HUTCH_STEP_SYNC && report.err == ECANCELED);
	close(error_r);
	if (pidfd >= 0)
		close(pidfd);
	CHECK(wait_status(pid) == HUTCH_SPAWN_CHILD_FAILED);
	return 0;
}

static int test_spawn_into_new_namespaces(void)
{
	SKIP_UNLESS_ROOT();
	char *const argv[] = { "sh", "-c", "test $$ = 1 && test \"$(hostname)\" = \"$0\"", NULL };
	char host[65] = { 0 };
	gethostname(host, sizeof host - 1);
	char *const argv_host[] = { argv[0], argv[1], argv[2], host, NULL };
	for (int two_stage = 0; two_stage <= 1; two_stage++) {
		struct hutch_spawn_plan plan = plan_for("/bin/sh", argv_host);
		plan.clone_flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
		plan.flags = two_stage ? HUTCH_SPAWN_TWO_STAGE : 0;
		int pidfd = -1, sync_w, error_r;
		int pid = spawn(&plan, &pidfd, &sync_w, &error_r);
		CHECK(pid > 0);
		CHECK(write(sync_w, "x", 1) == 1);
		close(sync_w);
		struct hutch_spawn_report report;
		CHECK(read(error_r, &report, sizeof report) == 0);
		close(error_r);
		if (pidfd >= 0)
			close(pidfd);
		CHECK(wait_status(pid) == 0);
	}
	return 0;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	int cap = 40;
	if (f) {
		if (fscanf(f, "%d", &cap) != 1)
			cap = 40;
		fclose(f);
	}
	return cap;
}

static int test_process_setup_switches_user_and_execs(void)
{
	SKIP_UNLESS_ROOT();
	char *const argv[] = { "sh", "-c", "test \"$(id -u):$(id -g):$(id -G)\" = 65534:65534:65534 && test \"$PWD\" = /tmp", NULL };
	char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
	struct hutch_exec_plan exec;
	memset(&exec, 0, sizeof exec);
	exec.listener_fd = -1;
	exec.path = "/bin/sh";
	exec.argv = argv;
	exec.envp = envp;
	uint32_t groups[] = { 65534 };
	struct hutch_proc_setup setup;
	memset(&setup, 0, sizeof setup);
	setup.flags = HUTCH_PROC_NO_NEW_PRIVS;
	setup.uid = 65534;
	setup.gid = 65534;
	setup.umask = 022;
	setup.group_count = 1;
	setup.groups = groups;
	setup.tty_fd = -1;
	setup.cwd = "/tmp";
	setup.last_cap = last_cap();
	setup.exec = &exec;

	struct hutch_spawn_plan plan = plan_for("/bin/sh", argv);
	plan.proc_setup = &setup;
	plan.clone_flags = CLONE_NEWNS;
	int pidfd = -1, sync_w, error_r;
	int pid = spawn(&plan, &pidfd, &sync_w, &error_r);
	CHECK(pid > 0);
	CHECK(write(sync_w, "x", 1) == 1);
	close(sync_w);
	struct hutch_spawn_report report;
	ssize_t n = read(error_r, &report, sizeof report);
	if (n > 0)
		printf("#   report step %d index %d errno %d\n", report.step, report.index, report.err);
	CHECK(n == 0);
	close(error_r);
	if (pidfd >= 0)
		close(pidfd);
	CHECK(wait_status(pid) == 0);

	/* A cwd that does not exist: the set-up fails at its chdir step and says so. */
	setup.cwd = "/nonexistent-hutch-cwd";
	pid = spawn(&plan, &pidfd, &sync_w, &error_r);
	CHECK(pid > 0);
	CHECK(write(sync_w, "x", 1) == 1);
	close(sync_w);
	CHECK(read(error_r, &report, sizeof report) == (ssize_t)sizeof report);
	CHECK(report.step == HUTCH_STEP_PROC_SETUP && report.err == ENOENT);
	close(error_r);
	if (pidfd >= 0)
		close(pidfd);
	CHECK(wait_status(pid) == HUTCH_SPAWN_CHILD_FAILED);
	return 0;
}

static int test_exec_with_filter(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct hutch_exec_plan plan;
		memset(&plan, 0, sizeof plan);
		plan.listener_fd = -1;
		plan.path = "/nonexistent/program";
		plan.argv = true_argv;
		plan.envp = no_env;
		int step = 0;
		int rc = hutch_exec_with_filter(&plan, &step);
		if (rc != -ENOENT || step != HUTCH_EXEC_STEP_EXECVE)
			_exit(3);
		plan.path = "/bin/true";
		hutch_exec_with_filter(&plan, &step);
		_exit(4);
	}
	CHECK(wait_status(pid) == 0);
	return 0;
}

static int test_pidfd_signal_and_waitid(void)
{
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	int pidfd = hutch_pidfd_open(pid, 0);
	if (pidfd == -ENOSYS) {
		kill(pid, SIGKILL);
		wait_status(pid);
		return -1;
	}
	CHECK(pidfd >= 0);
	int waited = -1, code = 0, status = 0;
	CHECK(hutch_waitid(P_PIDFD, pidfd, WEXITED | WNOHANG, &waited, &code, &status) == 0 && waited == 0);
	CHECK(hutch_pidfd_send_signal(pidfd, SIGKILL) == 0);
	CHECK(hutch_waitid(P_PIDFD, pidfd, WEXITED, &waited, &code, &status) == 0);
	CHECK(waited == pid && code == CLD_KILLED && status == SIGKILL);
	CHECK(hutch_pidfd_send_signal(pidfd, SIGKILL) == -ESRCH);
	close(pidfd);
	return 0;
}

static int test_small_wrappers(void)
{
	CHECK(hutch_prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) >= 0);
	uint32_t sets[6];
	CHECK(hutch_capget(sets) == 0);
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(hutch_set_cloexec(fd, 0) == 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) == 0);
	CHECK(hutch_set_cloexec(fd, 1) == 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	close(fd);
	CHECK(hutch_set_cloexec(fd, 1) == -EBADF);
	CHECK(hutch_ioprio_set(1, 0, 0) == 0);

	/* The session keyring, in a child (it replaces the caller's). */
	pid_t pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int rc = hutch_join_session_keyring("hutch-native-test");
		_exit(rc >= 0 || rc == -ENOSYS || rc == -EPERM ? 0 : 1);
	}
	CHECK(wait_status(pid) == 0);
	return 0;
}

static void run(const char *name, int (*test)(void))
{
	current = name;
	int rc = test();
	counter++;
	if (rc < 0) {
		printf("ok %d %s # SKIP needs root or a newer kernel\n", counter, name);
	} else if (rc == 0) {
		printf("ok %d %s\n", counter, name);
	} else {
		printf("not ok %d %s\n", counter, name);
		failures++;
	}
	fflush(stdout);
}

/* The golden encodings (tests/data/init-plans/NAME.bin, written by InitPlanGoldenTests). */
#ifndef HUTCH_PLANS_DIR
#define HUTCH_PLANS_DIR "../tests/data/init-plans"
#endif

/* NAME.bin read into a buffer of exactly its size (so ASan sees any read past it); NULL on failure. */
static uint8_t *read_plan(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s.bin", HUTCH_PLANS_DIR, name);
	FILE *file = fopen(path, "rb");
	if (!file)
		return NULL;
	uint8_t *buf = NULL;
	long size = fseek(file, 0, SEEK_END) == 0 ? ftell(file) : -1;
	if (size > 0 && fseek(file, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size)) &&
	    fread(buf, 1, (size_t)size, file) != (size_t)size) {
		free(buf);
		buf = NULL;
	}
	fclose(file);
	*len = size > 0 ? (size_t)size : 0;
	return buf;
}

struct plan_walk {
	uint32_t ops, stop_at;
	int process_ok, conditions_ok;
};

static int str_is(const char *bytes, uint32_t length, const char *expected)
{
	return length == strlen(expected) && memcmp(bytes, expected, length) == 0 && bytes[length] == 0;
}

static int look_at_op(const struct hutch_plan_op *op, void *context)
{
	struct plan_walk *walk = context;
	walk->ops++;
	if (op->index == walk->stop_at)
		return 42;
	if (op->kind == HUTCH_OP_PROCESS && op->field_count == HUTCH_PLAN_MAX_FIELDS) {
		/* runc-spec.plan: args=["sh"] env=["PATH=...", "TERM=xterm"] cwd="/" groups=[] last_cap=40 */
		const struct hutch_plan_list *env = &op->fields[1].list;
		uint32_t length;
		const char *arg = hutch_plan_str_at(op->fields[0].list.first, &length);
		int ok = op->fields[0].list.count == 1 && str_is(arg, length, "sh") && env->count == 2;
		const uint8_t *item = hutch_plan_str_next(env->first);
		const char *term = hutch_plan_str_at(item, &length);
		ok = ok && str_is(term, length, "TERM=xterm");
		ok = ok && str_is(op->fields[2].str.bytes, op->fields[2].str.length, "/");
		ok = ok && op->fields[5].type == HUTCH_PLAN_U64_LIST && op->fields[5].list.count == 0;
		ok = ok && op->fields[12].type == HUTCH_PLAN_U32 && op->fields[12].u32 == 40;
		walk->process_ok = ok;
	}
	if (op->kind == HUTCH_OP_SECCOMP_RULE && str_is(op->fields[0].str.bytes, op->fields[0].str.length, "personality") &&
	    op->fields[2].list.count == 4 && hutch_plan_u64_at(&op->fields[2].list, 1) == 4 &&
	    hutch_plan_u64_at(&op->fields[2].list, 2) == 8)
		walk->conditions_ok = 1;
	return 0;
}

static int test_plan_decoder(void)
{
	size_t len;
	uint8_t *buf = read_plan("runc-spec", &len);
	CHECK(buf != NULL);
	struct hutch_plan_error error;
	struct plan_walk walk = { 0, HUTCH_PLAN_NONE, 0, 0 };
	CHECK(hutch_plan_decode(buf, len, look_at_op, &walk, &error) == 48);
	CHECK(walk.ops == 48 && walk.process_ok);

	/* A callback's nonzero return stops the walk where it was. */
	walk = (struct plan_walk){ 0, 3, 0, 0 };
	CHECK(hutch_plan_decode(buf, len, look_at_op, &walk, &error) == -42);
	CHECK(walk.ops == 4 && error.index == 3 && error.err == 42);

	/* Half a plan: refused before the callback sees any op. */
	walk = (struct plan_walk){ 0, HUTCH_PLAN_NONE, 0, 0 };
	CHECK(hutch_plan_decode(buf, len - 4, look_at_op, &walk, &error) == -EOVERFLOW);
	CHECK(walk.ops == 0 && error.index == 47);

	/* Another version: refused, outside any op. */
	CHECK(hutch_plan_check(buf, len, NULL, 0, NULL) == 48);
	uint8_t *v2 = malloc(len);
	CHECK(v2 != NULL);
	memcpy(v2, buf, len);
	v2[4] = 2;
	CHECK(hutch_plan_decode(v2, len, NULL, NULL, &error) == -EPROTONOSUPPORT && error.index == HUTCH_PLAN_NONE);
	free(v2);
	free(buf);

	buf = read_plan("docker-run", &len);
	CHECK(buf != NULL);
	walk = (struct plan_walk){ 0, HUTCH_PLAN_NONE, 0, 0 };
	CHECK(hutch_plan_decode(buf, len, look_at_op, &walk, NULL) == 413);
	CHECK(walk.conditions_ok);
	free(buf);

	CHECK(hutch_plan_decode(NULL, 0, NULL, NULL, &error) == -EOVERFLOW);
	CHECK(hutch_plan_field_types(0) == NULL && hutch_plan_field_types(33) == NULL);
	CHECK(strcmp(hutch_plan_field_types(HUTCH_OP_PIVOT_ROOT), "") == 0);
	return 0;
}

int main(void)
{
	make_scratch();
	run("abi", test_abi);
	run("openat2 stays in the root", test_openat2_stays_in_root);
	run("openat with a mode, mknodat", test_openat_and_mknodat);
	run("sealed copy", test_sealed_copy);
	run("pty and winsize", test_pty);
	run("spawn runs a program with its fd maps", test_spawn_runs_a_program);
	run("spawn reports a failed exec", test_spawn_reports_a_failed_exec);
	run("spawn gives up on EOF of the sync fd", test_spawn_cancelled_by_eof_on_sync);
	run("spawn into new namespaces, one and two stages", test_spawn_into_new_namespaces);
	run("process set-up switches user and execs", test_process_setup_switches_user_and_execs);
	run("exec with filter", test_exec_with_filter);
	run("pidfd signal and waitid", test_pidfd_signal_and_waitid);
	run("small wrappers", test_small_wrappers);
	run("init plan decoder", test_plan_decoder);
	printf("1..%d\n", counter);

	char command[128];
	snprintf(command, sizeof command, "rm -rf '%s'", scratch);
	if (system(command) != 0)
		failures++;
	return failures > 100 ? 100 : failures;
}
