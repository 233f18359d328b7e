/* The ABI table's checks and its two start-up answers (abi.h). */
#include "abi.h"

#include <stddef.h>

#include "exec.h"
#include "hutch_native.h"
#include "procsetup.h"
#include "terminal.h"

/* Every line of the table, checked at compile time. */
#define ASSERT_SIZE(t, n) _Static_assert(sizeof(struct t) == (n), "sizeof(struct " #t ") is not " #n " (abi.h)");
#define ASSERT_FIELD(t, f, n) _Static_assert(offsetof(struct t, f) == (n), "offsetof(struct " #t ", " #f ") is not " #n " (abi.h)");
HUTCH_ABI_LAYOUT(ASSERT_SIZE, ASSERT_FIELD)

int hutch_abi_version(void)
{
	return HUTCH_ABI_VERSION;
}

static uint64_t fnv1a(uint64_t hash, uint32_t value)
{
	for (int i = 0; i < 4; i++) {
		hash ^= (value >> (8 * i)) & 0xffu;
		hash *= 0x100000001b3ull;
	}
	return hash;
}

uint64_t hutch_abi_layout_hash(void)
{
#define VALUE_SIZE(t, n) (uint32_t)sizeof(struct t),
#define VALUE_FIELD(t, f, n) (uint32_t)offsetof(struct t, f),
	static const uint32_t values[] = { HUTCH_ABI_LAYOUT(VALUE_SIZE, VALUE_FIELD) };
	uint64_t hash = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		hash = fnv1a(hash, values[i]);
	return hash;
}
