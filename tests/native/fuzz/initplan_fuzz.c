/* The init plan decoder's fuzz target (issue 14, "a fuzz target for the plan decoder run for a
 * bounded time in CI"): native/initplan.c built with AddressSanitizer and UndefinedBehaviorSanitizer
 * (`make -C native fuzz`), fed mutants of the golden encodings (tests/data/init-plans/NAME.bin)
 * for FUZZ_SECONDS (default 20) or FUZZ_RUNS executions. No clang here, so no libFuzzer: a
 * plain loop, seeded (FUZZ_SEED, else from the clock; printed first) so that a run repeats.
 *
 * Each input is decoded from a heap buffer of exactly its length (ASan sees any read past it),
 * with a callback that reads every field as the interpreter will (strings to their NUL, lists
 * through the accessors). Besides the sanitizers, it checks what must hold of any decoder:
 * a refusal names one of the documented errors; an accepted plan's op count is its header's,
 * every op has its kind's fields, and no strict prefix of it, nor it with bytes appended, is
 * accepted; the same bytes get the same answer twice. Accepted mutants join a small pool and
 * are mutated further, which reaches deeper than mutating the seeds alone.
 *
 * On a failure (a check or a sanitizer report), the seed, the execution and the input (hex) go
 * to stderr and the input to build/fuzz/crash-SEED-EXECUTION.bin. Output is one TAP line. */
#include "initplan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sanitizer/common_interface_defs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef HUTCH_PLANS_DIR
#define HUTCH_PLANS_DIR "../tests/data/init-plans"
#endif
#define CRASH_DIR "build/fuzz"
#define MAX_SEEDS 64
#define POOL_SIZE 64
#define INPUT_LIMIT (256 * 1024)

struct input {
	uint8_t *bytes;
	size_t len;
};

static struct input seeds[MAX_SEEDS], pool[POOL_SIZE];
static size_t seed_count, pool_count;
static uint64_t seed, rng_state, execution;
/* The input being decoded, for the report on a crash. */
static const uint8_t *current;
static size_t current_len;

static uint64_t next_random(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t below(size_t n)
{
	return n ? (size_t)(next_random() % n) : 0;
}

/* The input that failed, in hex on stderr and as a file, with what repeats the run. Called from
 * the sanitizers' death callback too, so only write(2) and snprintf on the stack. */
static void report_input(void)
{
	char line[160];
	int n = snprintf(line, sizeof line,
			 "# initplan fuzz: failed at execution %llu with FUZZ_SEED=%llu, input of %zu bytes:\n",
			 (unsigned long long)execution, (unsigned long long)seed, current_len);
	if (write(2, line, (size_t)n) < 0)
		return;
	/* The first 2 KiB in hex; the whole input goes to the file. */
	for (size_t i = 0; current && i < current_len && i < 2048; i += 32) {
		n = 0;
		for (size_t j = i; j < i + 32 && j < current_len; j++)
			n += snprintf(line + n, sizeof line - (size_t)n, "%02x", current[j]);
		line[n++] = '\n';
		if (write(2, line, (size_t)n) < 0)
			return;
	}
	char path[128];
	snprintf(path, sizeof path, CRASH_DIR "/crash-%llu-%llu.bin", (unsigned long long)seed,
		 (unsigned long long)execution);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (current && write(fd, current, current_len) == (ssize_t)current_len) {
			n = snprintf(line, sizeof line, "# initplan fuzz: input written to native/%s\n", path);
			if (write(2, line, (size_t)n) < 0) {
			}
		}
		close(fd);
	}
}

/* The sanitizers' death callback: the TAP line, then the input. */
static void sanitizer_report(void)
{
	char line[160];
	int n = snprintf(line, sizeof line,
			 "not ok 1 init plan decoder fuzz: a sanitizer report (FUZZ_SEED=%llu, execution %llu)\n",
			 (unsigned long long)seed, (unsigned long long)execution);
	if (write(1, line, (size_t)n) < 0) {
	}
	report_input();
}

static void fail(const char *what)
{
	printf("not ok 1 init plan decoder fuzz: %s (FUZZ_SEED=%llu, execution %llu)\n", what,
	       (unsigned long long)seed, (unsigned long long)execution);
	fflush(stdout);
	report_input();
	_exit(1); /* not exit: the leak checker would report the buffers in use as noise */
}

static int read_file(const char *path, struct input *out)
{
	FILE *file = fopen(path, "rb");
	if (!file)
		return -1;
	long size = fseek(file, 0, SEEK_END) == 0 ? ftell(file) : -1;
	int ok = size > 0 && size <= INPUT_LIMIT && fseek(file, 0, SEEK_SET) == 0 &&
		 (out->bytes = malloc((size_t)size)) && fread(out->bytes, 1, (size_t)size, file) == (size_t)size;
	fclose(file);
	out->len = ok ? (size_t)size : 0;
	return ok ? 0 : -1;
}

static void load_seeds(void)
{
	DIR *dir = opendir(HUTCH_PLANS_DIR);
	if (!dir) {
		printf("not ok 1 init plan decoder fuzz: cannot open %s: %s\n", HUTCH_PLANS_DIR, strerror(errno));
		exit(1);
	}
	struct dirent *entry;
	while ((entry = readdir(dir)) && seed_count < MAX_SEEDS) {
		size_t n = strlen(entry->d_name);
		if (n < 5 || strcmp(entry->d_name + n - 4, ".bin") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", HUTCH_PLANS_DIR, entry->d_name);
		if (read_file(path, &seeds[seed_count]) == 0)
			seed_count++;
	}
	closedir(dir);
	if (seed_count == 0) {
		printf("not ok 1 init plan decoder fuzz: no NAME.bin seeds in %s\n", HUTCH_PLANS_DIR);
		exit(1);
	}
}

/* What the callback saw of one decode. */
struct seen {
	uint32_t ops;
	uint64_t sum; /* of everything read, so that no read is optimised away */
};

static int read_every_field(const struct hutch_plan_op *op, void *context)
{
	struct seen *seen = context;
	const char *types = hutch_plan_field_types(op->kind);
	if (!types || op->index != seen->ops || op->field_count != strlen(types))
		fail("an accepted op with another kind's fields");
	seen->ops++;
	for (uint32_t i = 0; i < op->field_count; i++) {
		const struct hutch_plan_value *value = &op->fields[i];
		uint32_t length;
		const char *text;
		const uint8_t *item;
		if (value->type != types[i])
			fail("a field of another type than its kind's");
		switch (value->type) {
		case HUTCH_PLAN_U32:
			seen->sum += value->u32;
			break;
		case HUTCH_PLAN_U64:
			seen->sum += value->u64;
			break;
		case HUTCH_PLAN_STR:
			if (strlen(value->str.bytes) != value->str.length)
				fail("an accepted string with a NUL inside or none at its end");
			seen->sum += value->str.length;
			break;
		case HUTCH_PLAN_STR_LIST:
			item = value->list.first;
			for (uint32_t k = 0; k < value->list.count; k++) {
				text = hutch_plan_str_at(item, &length);
				if (strlen(text) != length)
					fail("an accepted list string with a NUL inside or none at its end");
				seen->sum += length;
				item = hutch_plan_str_next(item);
			}
			break;
		case HUTCH_PLAN_U64_LIST:
			for (uint32_t k = 0; k < value->list.count; k++)
				seen->sum += hutch_plan_u64_at(&value->list, k);
			break;
		default:
			fail("a field of an unknown type");
		}
	}
	return 0;
}

/* Decodes bytes[0, len) from a heap copy of exactly that size. */
static long decode(const uint8_t *bytes, size_t len, struct seen *seen, struct hutch_plan_error *error)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy)
		fail("out of memory");
	if (len)
		memcpy(copy, bytes, len);
	current = copy;
	current_len = len;
	*seen = (struct seen){ 0, 0 };
	long result = hutch_plan_decode(copy, len, read_every_field, seen, error);
	current = bytes;
	free(copy);
	return result;
}

/* Runs one input and checks what must hold; returns 1 when it was accepted. */
static int run_one(const uint8_t *bytes, size_t len)
{
	struct seen seen, again;
	struct hutch_plan_error error = { 0, 0, 0 }, error_again;
	current = bytes;
	current_len = len;
	long result = decode(bytes, len, &seen, &error);
	if (decode(bytes, len, &again, &error_again) != result || again.sum != seen.sum)
		fail("the same bytes decoded twice gave two answers");
	if (result < 0) {
		if (seen.ops != 0)
			fail("the callback saw ops of a refused plan");
		if (-result != error.err || (error.err != EBADMSG && error.err != EPROTONOSUPPORT &&
					    error.err != EOPNOTSUPP && error.err != EOVERFLOW))
			fail("a refusal with an undocumented error");
		if (error.index != HUTCH_PLAN_NONE && (size_t)error.index >= len / 8)
			fail("a refusal at an op that cannot exist");
		return 0;
	}
	if (len < HUTCH_PLAN_HEADER_SIZE || (uint32_t)result != (uint32_t)(bytes[8] | bytes[9] << 8 | bytes[10] << 16 | (uint32_t)bytes[11] << 24) ||
	    seen.ops != (uint32_t)result)
		fail("an accepted plan whose op count is not its header's");
	/* The ops take exactly the whole buffer: any strict prefix runs out, any longer buffer has bytes left. */
	size_t cut = below(len);
	struct seen other;
	if (decode(bytes, cut, &other, &error) >= 0)
		fail("a strict prefix of an accepted plan was accepted");
	uint8_t *longer = malloc(len + 4);
	if (!longer)
		fail("out of memory");
	memcpy(longer, bytes, len);
	memset(longer + len, 0, 4);
	long extended = decode(longer, len + 4, &other, &error);
	current = bytes;
	free(longer);
	if (extended >= 0)
		fail("an accepted plan with 4 bytes appended was accepted");
	return 1;
}

/* A u32 that sits on a length, a count or a size boundary more often than a random one would. */
static uint32_t interesting_u32(size_t len)
{
	static const uint32_t values[] = { 0, 1, 2, 3, 4, 5, 7, 8, 16, 28, 32, 33, 0x7fff, 0xffff, 0x10000,
					   0x7fffffff, 0x80000000u, 0xfffffffcu, 0xfffffffdu, 0xfffffffeu,
					   0xffffffffu, HUTCH_PLAN_MAGIC };
	switch (below(3)) {
	case 0:
		return values[below(sizeof values / sizeof values[0])];
	case 1:
		return (uint32_t)(len + below(16)) - 8u;
	default:
		return (uint32_t)next_random();
	}
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* The offsets of the op headers of a plan that decodes (up to max). */
static size_t op_offsets(const uint8_t *bytes, size_t len, size_t *offsets, size_t max)
{
	size_t n = 0, at = HUTCH_PLAN_HEADER_SIZE;
	while (n < max && at + 8 <= len) {
		offsets[n++] = at;
		uint32_t size = (uint32_t)bytes[at + 4] | (uint32_t)bytes[at + 5] << 8 |
				(uint32_t)bytes[at + 6] << 16 | (uint32_t)bytes[at + 7] << 24;
		if (size > len - at - 8)
			break;
		at += 8 + size;
	}
	return n;
}

/* One to four mutations of in[0, len) into out (INPUT_LIMIT bytes); returns the new length. */
static size_t mutate(const struct input *in, uint8_t *out)
{
	size_t len = in->len;
	memcpy(out, in->bytes, len);
	size_t offsets[1024];
	for (size_t rounds = 1 + below(4); rounds > 0; rounds--) {
		size_t at, n, k;
		const struct input *other;
		switch (below(10)) {
		case 0: /* flip a bit */
			if (len)
				out[below(len)] ^= (uint8_t)(1u << below(8));
			break;
		case 1: /* set a byte */
			if (len)
				out[below(len)] = (uint8_t)next_random();
			break;
		case 2: /* set an aligned u32: a length, a count, a size, a kind and field count */
			if (len >= 4)
				put_u32(out + below(len / 4) * 4, interesting_u32(len));
			break;
		case 3: /* an op's header: another kind, field count or size */
			n = op_offsets(out, len, offsets, sizeof offsets / sizeof offsets[0]);
			if (n) {
				at = offsets[below(n)];
				k = below(3);
				if (k == 0) {
					out[at] = (uint8_t)below(40);
					out[at + 1] = 0;
				} else if (k == 1) {
					out[at + 2] = (uint8_t)below(32);
					out[at + 3] = 0;
				} else {
					put_u32(out + at + 4, interesting_u32(len));
				}
			}
			break;
		case 4: /* truncate */
			len = below(len + 1);
			break;
		case 5: /* delete a span (often whole ops: 4-byte aligned) */
			if (len) {
				at = below(len);
				n = below(len - at + 1);
				if (below(2)) {
					at &= ~(size_t)3;
					n &= ~(size_t)3;
				}
				memmove(out + at, out + at + n, len - at - n);
				len -= n;
			}
			break;
		case 6: /* insert random bytes of a random length */
			n = below(64);
			if (len + n <= INPUT_LIMIT) {
				at = below(len + 1);
				memmove(out + at + n, out + at, len - at);
				for (k = 0; k < n; k++)
					out[at + k] = (uint8_t)next_random();
				len += n;
			}
			break;
		case 7: /* splice: our head, another plan's tail */
			other = below(2) ? &seeds[below(seed_count)] : &pool[below(pool_count)];
			at = below(len + 1);
			k = below(other->len);
			if (at + other->len - k <= INPUT_LIMIT) {
				memcpy(out + at, other->bytes + k, other->len - k);
				len = at + other->len - k;
			}
			break;
		case 8: /* duplicate an op in place, the header's count raised to match */
			n = op_offsets(out, len, offsets, sizeof offsets / sizeof offsets[0]);
			if (n) {
				k = below(n);
				at = offsets[k];
				size_t end = k + 1 < n ? offsets[k + 1] : len;
				size_t size = end - at;
				if (len + size <= INPUT_LIMIT) {
					memmove(out + end + size, out + end, len - end);
					memcpy(out + end, out + at, size);
					len += size;
					put_u32(out + 8, (uint32_t)(out[8] | out[9] << 8 | out[10] << 16 | (uint32_t)out[11] << 24) + 1);
				}
			}
			break;
		default: /* change a byte inside an op by a small amount (a string's letter, a flag) */
			if (len > HUTCH_PLAN_HEADER_SIZE)
				out[HUTCH_PLAN_HEADER_SIZE + below(len - HUTCH_PLAN_HEADER_SIZE)] += (uint8_t)(1 + below(8));
			break;
		}
	}
	return len;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	const char *text = getenv("FUZZ_SEED");
	seed = text && *text ? strtoull(text, NULL, 0) : (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rng_state = seed;
	text = getenv("FUZZ_SECONDS");
	double seconds = text && *text ? strtod(text, NULL) : 20;
	text = getenv("FUZZ_RUNS");
	uint64_t runs = text && *text ? strtoull(text, NULL, 0) : 0;
	printf("# initplan fuzz: FUZZ_SEED=%llu, %s %g\n", (unsigned long long)seed,
	       runs ? "executions" : "seconds", runs ? (double)runs : seconds);
	fflush(stdout);
	__sanitizer_set_death_callback(sanitizer_report);

	load_seeds();
	uint64_t accepted = 0;
	for (size_t i = 0; i < seed_count; i++) {
		if (!run_one(seeds[i].bytes, seeds[i].len))
			fail("a golden plan was refused");
		accepted++;
		/* The pool starts as copies of the seeds; accepted mutants replace random slots. */
		pool[pool_count].bytes = malloc(seeds[i].len);
		if (!pool[pool_count].bytes)
			fail("out of memory");
		memcpy(pool[pool_count].bytes, seeds[i].bytes, seeds[i].len);
		pool[pool_count++].len = seeds[i].len;
	}

	uint8_t *out = malloc(INPUT_LIMIT);
	if (!out)
		fail("out of memory");
	double start = now(), elapsed = 0;
	for (execution = 1;; execution++) {
		if (runs ? execution > runs : ((execution & 255) == 0 && (elapsed = now() - start) >= seconds))
			break;
		const struct input *parent = below(2) ? &seeds[below(seed_count)] : &pool[below(pool_count)];
		size_t len = mutate(parent, out);
		if (run_one(out, len)) {
			accepted++;
			uint8_t *copy = malloc(len);
			if (!copy)
				fail("out of memory");
			memcpy(copy, out, len);
			size_t slot = below(POOL_SIZE);
			if (slot < pool_count)
				free(pool[slot].bytes);
			else
				slot = pool_count++;
			pool[slot] = (struct input){ copy, len };
		}
	}
	elapsed = now() - start;
	execution--;
	printf("ok 1 init plan decoder fuzz: %llu executions in %.1f s (FUZZ_SEED=%llu), %llu accepted, nothing found\n",
	       (unsigned long long)execution, elapsed, (unsigned long long)seed, (unsigned long long)accepted);
	printf("1..1\n");

	free(out);
	for (size_t i = 0; i < pool_count; i++)
		free(pool[i].bytes);
	for (size_t i = 0; i < seed_count; i++)
		free(seeds[i].bytes);
	return 0;
}
