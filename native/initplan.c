/* The init plan's decoder (initplan.h). Every check below is one of InitPlanEncoding.Decode's,
 * in the same arithmetic (u32 lengths that wrap as C#'s unchecked uint does), so that the two
 * accept exactly the same plans. Like the C# decoder it reads the header's fourth word and a
 * string's padding without requiring zeros, and it does not validate UTF-8. */
#include "initplan.h"

#include <errno.h>
#include <string.h>

/* The C twin of InitOpSchema.cs, indexed by kind (see HUTCH_PLAN_* for the letters). */
static const char *const field_types[HUTCH_OP_LAST + 1] = {
	[HUTCH_OP_NAMESPACES] = "qu",
	[HUTCH_OP_JOIN_NAMESPACE] = "qs",
	[HUTCH_OP_SESSION_KEYRING] = "s",
	[HUTCH_OP_ROOT_PROPAGATION] = "q",
	[HUTCH_OP_ROOTFS_PARENT_PROPAGATION] = "sq",
	[HUTCH_OP_BIND_ROOTFS] = "s",
	/* source, destination, type, flags, data, defer_readonly, tmpcopyup, sysfs_fallback */
	[HUTCH_OP_MOUNT] = "sssqsuuu",
	[HUTCH_OP_CGROUP_MOUNT] = "sssqs",
	/* source, destination, recursive, extensions, attr_set, attr_clear, id_mapped_index */
	[HUTCH_OP_BIND_MOUNT] = "ssuuqqu",
	[HUTCH_OP_MOUNT_SET_ATTR] = "suqqq",
	/* path, type, major, minor, mode, uid, gid, bind_from_host */
	[HUTCH_OP_DEVICE_NODE] = "suuuuuuu",
	[HUTCH_OP_MAKE_DIRECTORY] = "su",
	[HUTCH_OP_SYMLINK] = "ss",
	[HUTCH_OP_OPEN_PRIVATE_PROC] = "",
	[HUTCH_OP_HOOK_POINT] = "ss",
	[HUTCH_OP_PIVOT_ROOT] = "",
	[HUTCH_OP_MOVE_ROOT_AND_CHROOT] = "",
	[HUTCH_OP_CHROOT] = "s",
	[HUTCH_OP_CONSOLE] = "",
	[HUTCH_OP_HOSTNAME] = "s",
	[HUTCH_OP_DOMAINNAME] = "s",
	[HUTCH_OP_SYSCTL] = "ss",
	[HUTCH_OP_READONLY_PATH] = "s",
	[HUTCH_OP_MASKED_PATH] = "s",
	[HUTCH_OP_REMOUNT_READONLY] = "s",
	[HUTCH_OP_ROOT_READONLY] = "",
	[HUTCH_OP_ROOTFS_PROPAGATION] = "q",
	/* args, env, cwd, uid, gid, groups, umask, bounding, effective, permitted, inheritable,
	 * ambient, last_cap, no_new_privileges, terminal, preserve_fds, has_oom_score_adj,
	 * oom_score_adj, has_personality, personality, has_io_priority, io_priority, scheduler,
	 * has_memory_policy, memory_policy_mode, memory_policy_nodes, apparmor_profile,
	 * selinux_label */
	[HUTCH_OP_PROCESS] = "SSsuuQuqqqqquuuuuuuquuQuuQss",
	[HUTCH_OP_RLIMIT] = "uqq",
	/* default_action, flags, architectures, listener_path, listener_metadata */
	[HUTCH_OP_SECCOMP] = "uuSss",
	[HUTCH_OP_SECCOMP_RULE] = "suQ",
	[HUTCH_OP_WAIT_FOR_START] = "",
};

_Static_assert(sizeof "SSsuuQuqqqqquuuuuuuquuQuuQss" - 1 == HUTCH_PLAN_MAX_FIELDS,
	       "HUTCH_PLAN_MAX_FIELDS is the process op's field count");

const char *hutch_plan_field_types(uint32_t kind)
{
	return kind <= HUTCH_OP_LAST ? field_types[kind] : NULL;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* The bytes a string of this length takes after its length word: the text, its NUL, padding
 * to 4. In u32, wrapping as the C# decoder's does; a length that wraps is refused by the caller
 * (length >= padded). */
static uint32_t padded_length(uint32_t length)
{
	return (length + 1u + 3u) & ~3u;
}

/* One read cursor over [base, base + size). */
struct cursor {
	const uint8_t *base;
	size_t size;
	size_t at;
};

static int read_u32(struct cursor *c, uint32_t *value)
{
	if (c->size - c->at < 4)
		return EOVERFLOW;
	*value = le32(c->base + c->at);
	c->at += 4;
	return 0;
}

static int read_str(struct cursor *c, const char **bytes, uint32_t *length)
{
	uint32_t n;
	int err = read_u32(c, &n);
	if (err)
		return err;
	uint32_t padded = padded_length(n);
	if (padded > c->size - c->at || n >= padded)
		return EOVERFLOW;
	const uint8_t *text = c->base + c->at;
	if (memchr(text, 0, n) || text[n] != 0)
		return EBADMSG;
	*bytes = (const char *)text;
	*length = n;
	c->at += padded;
	return 0;
}

static int read_field(struct cursor *c, char type, struct hutch_plan_value *value)
{
	int err;
	value->type = type;
	switch (type) {
	case HUTCH_PLAN_U32:
		return read_u32(c, &value->u32);
	case HUTCH_PLAN_U64:
		if (c->size - c->at < 8)
			return EOVERFLOW;
		value->u64 = le64(c->base + c->at);
		c->at += 8;
		return 0;
	case HUTCH_PLAN_STR:
		return read_str(c, &value->str.bytes, &value->str.length);
	case HUTCH_PLAN_STR_LIST:
	case HUTCH_PLAN_U64_LIST:
		err = read_u32(c, &value->list.count);
		if (err)
			return err;
		/* Every item takes at least 8 bytes: a cheap bound before walking them. */
		if (value->list.count > (c->size - c->at) / 8)
			return EOVERFLOW;
		value->list.first = c->base + c->at;
		if (type == HUTCH_PLAN_U64_LIST) {
			c->at += (size_t)value->list.count * 8;
			return 0;
		}
		for (uint32_t i = 0; i < value->list.count; i++) {
			const char *bytes;
			uint32_t length;
			err = read_str(c, &bytes, &length);
			if (err)
				return err;
		}
		return 0;
	}
	return EBADMSG; /* not reached: field_types holds only the letters above */
}

static long fail(struct hutch_plan_error *error, uint32_t index, uint32_t field, int err)
{
	if (error) {
		error->index = index;
		error->field = field;
		error->err = err;
	}
	return -(long)err;
}

static long walk(const uint8_t *buf, size_t len, hutch_plan_op_fn fn, void *context,
		 struct hutch_plan_error *error)
{
	struct cursor plan = { buf, len, 0 };
	uint32_t magic, version, count, reserved;
	if (read_u32(&plan, &magic))
		return fail(error, HUTCH_PLAN_NONE, HUTCH_PLAN_NONE, EOVERFLOW);
	if (magic != HUTCH_PLAN_MAGIC)
		return fail(error, HUTCH_PLAN_NONE, HUTCH_PLAN_NONE, EBADMSG);
	if (read_u32(&plan, &version))
		return fail(error, HUTCH_PLAN_NONE, HUTCH_PLAN_NONE, EOVERFLOW);
	if (version != HUTCH_PLAN_VERSION)
		return fail(error, HUTCH_PLAN_NONE, HUTCH_PLAN_NONE, EPROTONOSUPPORT);
	if (read_u32(&plan, &count) || read_u32(&plan, &reserved))
		return fail(error, HUTCH_PLAN_NONE, HUTCH_PLAN_NONE, EOVERFLOW);

	struct hutch_plan_op op;
	for (uint32_t index = 0; index < count; index++) {
		if (plan.size - plan.at < 8)
			return fail(error, index, HUTCH_PLAN_NONE, EOVERFLOW);
		const uint8_t *header = plan.base + plan.at;
		uint32_t kind = (uint32_t)header[0] | (uint32_t)header[1] << 8;
		uint32_t field_count = (uint32_t)header[2] | (uint32_t)header[3] << 8;
		uint32_t size = le32(header + 4);
		plan.at += 8;
		const char *types = hutch_plan_field_types(kind);
		if (!types)
			return fail(error, index, HUTCH_PLAN_NONE, EOPNOTSUPP);
		if (field_count != strlen(types) || size % 4 != 0)
			return fail(error, index, HUTCH_PLAN_NONE, EBADMSG);
		if (size > plan.size - plan.at)
			return fail(error, index, HUTCH_PLAN_NONE, EOVERFLOW);

		struct cursor body = { plan.base + plan.at, size, 0 };
		op.index = index;
		op.kind = (uint16_t)kind;
		op.field_count = (uint16_t)field_count;
		for (uint32_t i = 0; i < field_count; i++) {
			int err = read_field(&body, types[i], &op.fields[i]);
			if (err)
				return fail(error, index, i, err);
		}
		if (body.at != body.size)
			return fail(error, index, HUTCH_PLAN_NONE, EBADMSG);
		plan.at += size;
		if (fn) {
			int err = fn(&op, context);
			if (err)
				return fail(error, index, HUTCH_PLAN_NONE, err);
		}
	}
	if (plan.at != plan.size)
		return fail(error, HUTCH_PLAN_NONE, HUTCH_PLAN_NONE, EBADMSG);
	return (long)count;
}

long hutch_plan_decode(const uint8_t *buf, size_t len, hutch_plan_op_fn fn, void *context,
		       struct hutch_plan_error *error)
{
	long count = walk(buf, len, NULL, NULL, error);
	if (count < 0 || !fn)
		return count;
	return walk(buf, len, fn, context, error);
}

uint64_t hutch_plan_u64_at(const struct hutch_plan_list *list, uint32_t i)
{
	return le64(list->first + (size_t)i * 8);
}

const char *hutch_plan_str_at(const uint8_t *item, uint32_t *length)
{
	*length = le32(item);
	return (const char *)item + 4;
}

const uint8_t *hutch_plan_str_next(const uint8_t *item)
{
	return item + 4 + padded_length(le32(item));
}

struct kinds_out {
	uint16_t *kinds;
	uint32_t capacity;
};

static int record_kind(const struct hutch_plan_op *op, void *context)
{
	struct kinds_out *out = context;
	if (op->index < out->capacity)
		out->kinds[op->index] = op->kind;
	return 0;
}

long hutch_plan_check(const uint8_t *buf, size_t len, uint16_t *kinds, uint32_t capacity,
		      uint32_t *error_index)
{
	struct hutch_plan_error error = { HUTCH_PLAN_NONE, HUTCH_PLAN_NONE, 0 };
	struct kinds_out out = { kinds, kinds ? capacity : 0 };
	long count = hutch_plan_decode(buf, len, record_kind, &out, &error);
	if (error_index)
		*error_index = count < 0 ? error.index : HUTCH_PLAN_NONE;
	return count;
}
