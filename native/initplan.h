/* The init plan's decoder (docs/design/init-plan.md, "Encoding", version 1): it validates a plan
 * exactly as the C# reference (src/Hutch.Runtime/InitPlans/InitPlanEncoding.cs Decode) does and
 * hands each op to a callback as fields that point into the caller's buffer. It allocates
 * nothing and executes nothing: the interpreter of the ops is later work (DESIGN.md section 3,
 * step 3) and will be such a callback. Parity with the C# decoder is tested from C#
 * (tests/Hutch.Runtime.Tests/InitPlans/InitPlanNativeDecoderTests.cs); the decoder is fuzzed
 * under ASan and UBSan (tests/native/fuzz/initplan_fuzz.c, `make -C native fuzz`). */
#ifndef HUTCH_INITPLAN_H
#define HUTCH_INITPLAN_H

#include <stddef.h>
#include <stdint.h>

#define HUTCH_PLAN_MAGIC 0x4E4C5048u /* "HPLN" read as a little-endian u32 */
#define HUTCH_PLAN_VERSION 1u
#define HUTCH_PLAN_HEADER_SIZE 16u
#define HUTCH_PLAN_MAX_FIELDS 28u /* the process op */
/* error.index and error.field when the error is not in an op (header, bytes after the last op),
 * or not in one field of it (its header, bytes left after its fields). */
#define HUTCH_PLAN_NONE 0xffffffffu

/* The op codes (InitOpKind.cs); a code is never reused for another meaning. */
enum hutch_plan_kind {
	HUTCH_OP_NAMESPACES = 1,
	HUTCH_OP_JOIN_NAMESPACE = 2,
	HUTCH_OP_SESSION_KEYRING = 3,
	HUTCH_OP_ROOT_PROPAGATION = 4,
	HUTCH_OP_ROOTFS_PARENT_PROPAGATION = 5,
	HUTCH_OP_BIND_ROOTFS = 6,
	HUTCH_OP_MOUNT = 7,
	HUTCH_OP_CGROUP_MOUNT = 8,
	HUTCH_OP_BIND_MOUNT = 9,
	HUTCH_OP_MOUNT_SET_ATTR = 10,
	HUTCH_OP_DEVICE_NODE = 11,
	HUTCH_OP_MAKE_DIRECTORY = 12,
	HUTCH_OP_SYMLINK = 13,
	HUTCH_OP_OPEN_PRIVATE_PROC = 14,
	HUTCH_OP_HOOK_POINT = 15,
	HUTCH_OP_PIVOT_ROOT = 16,
	HUTCH_OP_MOVE_ROOT_AND_CHROOT = 17,
	HUTCH_OP_CHROOT = 18,
	HUTCH_OP_CONSOLE = 19,
	HUTCH_OP_HOSTNAME = 20,
	HUTCH_OP_DOMAINNAME = 21,
	HUTCH_OP_SYSCTL = 22,
	HUTCH_OP_READONLY_PATH = 23,
	HUTCH_OP_MASKED_PATH = 24,
	HUTCH_OP_REMOUNT_READONLY = 25,
	HUTCH_OP_ROOT_READONLY = 26,
	HUTCH_OP_ROOTFS_PROPAGATION = 27,
	HUTCH_OP_PROCESS = 28,
	HUTCH_OP_RLIMIT = 29,
	HUTCH_OP_SECCOMP = 30,
	HUTCH_OP_SECCOMP_RULE = 31,
	HUTCH_OP_WAIT_FOR_START = 32,
	HUTCH_OP_LAST = HUTCH_OP_WAIT_FOR_START,
};

/* A field's encoding, as the letters of hutch_plan_field_types (PlanValueType in C#). */
#define HUTCH_PLAN_U32 'u'
#define HUTCH_PLAN_U64 'q'
#define HUTCH_PLAN_STR 's'
#define HUTCH_PLAN_STR_LIST 'S'
#define HUTCH_PLAN_U64_LIST 'Q'

/* A list field: count items that start at first (inside the plan's buffer, already checked).
 * Walk a string list with hutch_plan_str_at/next, a number list with hutch_plan_u64_at. */
struct hutch_plan_list {
	uint32_t count;
	const uint8_t *first;
};

/* One decoded field. A string is NUL-terminated in the buffer and holds no other NUL. */
struct hutch_plan_value {
	char type; /* HUTCH_PLAN_* */
	union {
		uint32_t u32;
		uint64_t u64;
		struct {
			const char *bytes;
			uint32_t length;
		} str;
		struct hutch_plan_list list;
	};
};

struct hutch_plan_op {
	uint32_t index; /* in the plan */
	uint16_t kind;
	uint16_t field_count;
	struct hutch_plan_value fields[HUTCH_PLAN_MAX_FIELDS];
};

/* Where and why a plan was refused (or a callback stopped): err is a positive errno value:
 * EBADMSG    not a plan (magic), a field count other than the kind's, an op size that is not a
 *            multiple of 4, a string that holds a NUL or lacks its terminator, bytes left in an
 *            op after its fields, bytes after the last op;
 * EPROTONOSUPPORT  another encoding version;
 * EOPNOTSUPP an unknown op kind;
 * EOVERFLOW  a header, op, field, string or list that runs past the buffer or its op. */
struct hutch_plan_error {
	uint32_t index; /* the op, or HUTCH_PLAN_NONE */
	uint32_t field; /* the field of that op, or HUTCH_PLAN_NONE */
	int err;
};

/* Called once per op, in order; a nonzero return stops the walk and becomes error.err (the
 * decoder returns its negation). */
typedef int (*hutch_plan_op_fn)(const struct hutch_plan_op *op, void *context);

/* Validates the whole plan in buf first; only if all of it is well-formed, calls fn (may be
 * NULL) for each op, so that nothing acts on half a plan. Returns the op count, or -err with
 * *error (may be NULL) saying where. buf needs no alignment. */
long hutch_plan_decode(const uint8_t *buf, size_t len, hutch_plan_op_fn fn, void *context,
		       struct hutch_plan_error *error);

/* The fields of an op kind as HUTCH_PLAN_* letters in encoding order ("" for none), NULL for an
 * unknown kind: the C twin of InitOpSchema.cs, compared with it by the parity test. */
const char *hutch_plan_field_types(uint32_t kind);

/* The i-th number of a checked U64List (i < list->count). */
uint64_t hutch_plan_u64_at(const struct hutch_plan_list *list, uint32_t i);

/* The string that starts at item (first of a checked StrList, or what hutch_plan_str_next
 * returned); *length gets its length. hutch_plan_str_next: the item after it. */
const char *hutch_plan_str_at(const uint8_t *item, uint32_t *length);
const uint8_t *hutch_plan_str_next(const uint8_t *item);

/* For the C# parity test (Libc.InitPlan.cs): the plan's verdict without a callback. Returns the
 * op count or -err; kinds (capacity entries) gets the op kinds in order, *error_index the op of
 * an error (HUTCH_PLAN_NONE outside ops). */
long hutch_plan_check(const uint8_t *buf, size_t len, uint16_t *kinds, uint32_t capacity,
		      uint32_t *error_index);

#endif
