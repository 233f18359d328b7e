/* The ABI between hutch's C# and this library (CONVENTIONS.md "Tests in layers": ABI checks).
 *
 * HUTCH_ABI_VERSION changes whenever the meaning of something shared changes (a flag, a step
 * number, what a field holds) without changing a layout. The layout itself is HUTCH_ABI_LAYOUT:
 * every struct C# passes to or receives from this library, with its size and each field's
 * offset on LP64 (x86-64 and arm64 alike). abi.c turns each line into a _Static_assert, so a
 * struct edited here without the table fails to compile; src/Hutch.Linux/Interop/NativeAbi.cs
 * lists the same fields of the C# structs in the same order, and hutch checks at start-up that
 * hutch_abi_version() and hutch_abi_layout_hash() (an FNV-1a of the table's numbers, computed
 * from sizeof/offsetof) equal its own: a binary whose two halves disagree refuses to run.
 * tests/Hutch.Linux.Tests/Abi/NativeAbiTableTests.cs checks the C# list against this table by
 * name. After changing a shared struct: update the table (native/abi-table.sh prints it from
 * the headers), NativeAbi.cs, and bump nothing else. */
#ifndef HUTCH_ABI_H
#define HUTCH_ABI_H

#include <stdint.h>

#define HUTCH_ABI_VERSION 2

/* HUTCH_ABI_SIZE(struct, bytes) HUTCH_ABI_FIELD(struct, field, offset), in NativeAbi.cs's order. */
#define HUTCH_ABI_LAYOUT(HUTCH_ABI_SIZE, HUTCH_ABI_FIELD) \
	HUTCH_ABI_SIZE(hutch_ns_join, 8) \
	HUTCH_ABI_FIELD(hutch_ns_join, fd, 0) \
	HUTCH_ABI_FIELD(hutch_ns_join, nstype, 4) \
	HUTCH_ABI_SIZE(hutch_fd_map, 8) \
	HUTCH_ABI_FIELD(hutch_fd_map, src, 0) \
	HUTCH_ABI_FIELD(hutch_fd_map, dst, 4) \
	HUTCH_ABI_SIZE(hutch_spawn_plan, 120) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, clone_flags, 0) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, flags, 8) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, join_count, 12) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, joins, 16) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, fd_map_count, 24) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, sync_fd, 28) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, fd_maps, 32) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, error_fd, 40) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, exec_fd, 44) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, path, 48) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, argv, 56) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, envp, 64) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, time_offsets, 72) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, time_offsets_len, 80) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, proc_setup, 88) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, cgroup_fd, 96) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, cgroup_procs_fd, 100) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, cgroup_thread_count, 104) \
	HUTCH_ABI_FIELD(hutch_spawn_plan, cgroup_thread_fds, 112) \
	HUTCH_ABI_SIZE(hutch_spawn_report, 12) \
	HUTCH_ABI_FIELD(hutch_spawn_report, step, 0) \
	HUTCH_ABI_FIELD(hutch_spawn_report, index, 4) \
	HUTCH_ABI_FIELD(hutch_spawn_report, err, 8) \
	HUTCH_ABI_SIZE(hutch_proc_setup, 120) \
	HUTCH_ABI_FIELD(hutch_proc_setup, flags, 0) \
	HUTCH_ABI_FIELD(hutch_proc_setup, uid, 4) \
	HUTCH_ABI_FIELD(hutch_proc_setup, gid, 8) \
	HUTCH_ABI_FIELD(hutch_proc_setup, umask, 12) \
	HUTCH_ABI_FIELD(hutch_proc_setup, group_count, 16) \
	HUTCH_ABI_FIELD(hutch_proc_setup, tty_fd, 20) \
	HUTCH_ABI_FIELD(hutch_proc_setup, groups, 24) \
	HUTCH_ABI_FIELD(hutch_proc_setup, cwd, 32) \
	HUTCH_ABI_FIELD(hutch_proc_setup, bounding, 40) \
	HUTCH_ABI_FIELD(hutch_proc_setup, ambient, 48) \
	HUTCH_ABI_FIELD(hutch_proc_setup, personality, 56) \
	HUTCH_ABI_FIELD(hutch_proc_setup, caps, 64) \
	HUTCH_ABI_FIELD(hutch_proc_setup, last_cap, 88) \
	HUTCH_ABI_FIELD(hutch_proc_setup, mempolicy_mode, 92) \
	HUTCH_ABI_FIELD(hutch_proc_setup, exec, 96) \
	HUTCH_ABI_FIELD(hutch_proc_setup, mempolicy_nodes, 104) \
	HUTCH_ABI_FIELD(hutch_proc_setup, mempolicy_node_bits, 112) \
	HUTCH_ABI_FIELD(hutch_proc_setup, root_fd, 116) \
	HUTCH_ABI_SIZE(hutch_exec_plan, 64) \
	HUTCH_ABI_FIELD(hutch_exec_plan, filter, 0) \
	HUTCH_ABI_FIELD(hutch_exec_plan, filter_len, 8) \
	HUTCH_ABI_FIELD(hutch_exec_plan, seccomp_flags, 12) \
	HUTCH_ABI_FIELD(hutch_exec_plan, listener_fd, 16) \
	HUTCH_ABI_FIELD(hutch_exec_plan, listener_msg_len, 20) \
	HUTCH_ABI_FIELD(hutch_exec_plan, listener_msg, 24) \
	HUTCH_ABI_FIELD(hutch_exec_plan, caps_after, 32) \
	HUTCH_ABI_FIELD(hutch_exec_plan, path, 40) \
	HUTCH_ABI_FIELD(hutch_exec_plan, argv, 48) \
	HUTCH_ABI_FIELD(hutch_exec_plan, envp, 56) \
	HUTCH_ABI_SIZE(hutch_sched_attr, 56) \
	HUTCH_ABI_FIELD(hutch_sched_attr, size, 0) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_policy, 4) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_flags, 8) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_nice, 16) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_priority, 20) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_runtime, 24) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_deadline, 32) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_period, 40) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_util_min, 48) \
	HUTCH_ABI_FIELD(hutch_sched_attr, sched_util_max, 52) \
	HUTCH_ABI_SIZE(hutch_winsize, 8) \
	HUTCH_ABI_FIELD(hutch_winsize, rows, 0) \
	HUTCH_ABI_FIELD(hutch_winsize, cols, 2) \
	HUTCH_ABI_FIELD(hutch_winsize, xpixel, 4) \
	HUTCH_ABI_FIELD(hutch_winsize, ypixel, 6)

/* HUTCH_ABI_VERSION of this library. */
int hutch_abi_version(void);

/* FNV-1a (64-bit) over the table's numbers in order (each size and offset as a little-endian
 * uint32), as sizeof/offsetof give them in this build. */
uint64_t hutch_abi_layout_hash(void);

#endif
