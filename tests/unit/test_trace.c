// SPDX-License-Identifier: MIT
/*
 * The trace wrapper: the ring's bounds and drops, the callback, the line
 * format, bad arguments, a whole open over the fault wrapper over the sim, and
 * threads.  The decoding of each op is in test_trace_decode.c.
 */

#include <pthread.h>
#include <stdlib.h>

#include <vfio/mock.h>
#include <vfio/trace.h>

#include "testutil.h"

struct fixture {
	struct vfio_backend *inner, *trace;
	long answer[VFIO_OP_COUNT]; /* what each op answers; 0 unless a test sets it */
	unsigned long calls;
};

static long inner_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	struct fixture *f = opaque;

	(void)c;
	f->calls++;
	return f->answer[op];
}

static int setup(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = inner_call };
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || vfio_mock_backend_new(&hooks, f, &f->inner) ||
	    vfio_trace_backend_new(f->inner, 8, &f->trace))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vfio_backend_destroy(f->trace);
	vfio_backend_destroy(f->inner);
	free(f);
	return 0;
}

/* The newest entry is @op on @fd, reads @text and answered @result. */
static void check_last(struct vfio_backend *trace, enum vfio_backend_op op, int fd,
		       const char *text, int64_t result)
{
	struct vfio_trace_entry e;
	size_t n = vfio_trace_count(trace);

	assert_true(n > 0);
	assert_int_equal(vfio_trace_get(trace, n - 1, &e), 0);
	assert_string_equal(e.text, text);
	assert_int_equal(e.op, op);
	assert_int_equal(e.fd, fd);
	assert_int_equal(e.result, result);
}

static void test_ring_keeps_the_newest(void **state)
{
	struct fixture *f = *state;
	struct vfio_trace_entry e;

	for (int i = 0; i < 11; i++)
		f->trace->ops->close(f->trace, 100 + i);
	assert_int_equal(vfio_trace_count(f->trace), 8);
	assert_int_equal(vfio_trace_dropped(f->trace), 3);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(vfio_trace_get(f->trace, i, &e), 0);
		assert_int_equal(e.seq, 3 + i);
		assert_int_equal(e.fd, 103 + (int)i);
	}
	assert_int_equal(vfio_trace_get(f->trace, 8, &e), -ENOENT);

	/* clear empties the ring and the drops; numbering goes on. */
	vfio_trace_clear(f->trace);
	assert_int_equal(vfio_trace_count(f->trace), 0);
	assert_int_equal(vfio_trace_dropped(f->trace), 0);
	assert_int_equal(vfio_trace_get(f->trace, 0, &e), -ENOENT);
	f->trace->ops->close(f->trace, 1);
	assert_int_equal(vfio_trace_get(f->trace, 0, &e), 0);
	assert_int_equal(e.seq, 11);
	assert_int_equal(f->calls, 12);
}

static void test_default_capacity(void **state)
{
	struct fixture *f = *state;
	struct vfio_backend *trace = NULL;
	struct vfio_trace_entry e;

	assert_int_equal(vfio_trace_backend_new(f->inner, 0, &trace), 0);
	for (int i = 0; i < VFIO_TRACE_DEFAULT_CAPACITY + 2; i++)
		trace->ops->device_reset(trace, i);
	assert_int_equal(vfio_trace_count(trace), VFIO_TRACE_DEFAULT_CAPACITY);
	assert_int_equal(vfio_trace_dropped(trace), 2);
	assert_int_equal(vfio_trace_get(trace, 0, &e), 0);
	assert_int_equal(e.fd, 2);
	vfio_backend_destroy(trace);
}

struct sink {
	struct vfio_backend *trace;
	unsigned int seen;
	size_t count_inside; /* what vfio_trace_count() said from inside the callback */
	char last[256];
};

static void sink_fn(const struct vfio_trace_entry *e, void *opaque)
{
	struct sink *s = opaque;

	s->seen++;
	s->count_inside = vfio_trace_count(s->trace);
	assert_true(vfio_trace_format(e, s->last, sizeof(s->last)) > 0);
}

static void test_callback(void **state)
{
	struct fixture *f = *state;
	struct sink s = { .trace = f->trace };

	assert_int_equal(vfio_trace_set_callback(f->trace, sink_fn, &s), 0);
	f->answer[VFIO_OP_GROUP_GET_DEVICE_FD] = -ENODEV;
	f->trace->ops->get_api_version(f->trace, 3);
	f->trace->ops->group_get_device_fd(f->trace, 4, "0000:00:09.0");
	assert_int_equal(s.seen, 2);
	assert_int_equal(s.count_inside, 2); /* the entry is in the ring before the callback */
	assert_string_equal(s.last,
			    "#1 VFIO_GROUP_GET_DEVICE_FD fd=4 name=\"0000:00:09.0\" = -19 ENODEV");
	/* Off: nothing more reaches it. */
	assert_int_equal(vfio_trace_set_callback(f->trace, NULL, NULL), 0);
	f->trace->ops->get_api_version(f->trace, 3);
	assert_int_equal(s.seen, 2);
	assert_int_equal(vfio_trace_count(f->trace), 3);
}

static void test_format(void **state)
{
	struct vfio_trace_entry e = { .seq = 42, .op = VFIO_OP_CLOSE, .fd = 5, .result = 0 };
	char line[64];

	(void)state;
	strcpy(e.text, "close(5)");
	assert_int_equal(vfio_trace_format(&e, line, sizeof(line)), 16);
	assert_string_equal(line, "#42 close(5) = 0");
	e.result = 7;
	vfio_trace_format(&e, line, sizeof(line));
	assert_string_equal(line, "#42 close(5) = 7");
	e.result = -EBUSY;
	vfio_trace_format(&e, line, sizeof(line));
	assert_string_equal(line, "#42 close(5) = -16 EBUSY");
	e.result = -EOPNOTSUPP;
	vfio_trace_format(&e, line, sizeof(line));
	assert_string_equal(line, "#42 close(5) = -95 EOPNOTSUPP");
	/* No name: the number alone; past any errno, no name either. */
	e.result = -200;
	vfio_trace_format(&e, line, sizeof(line));
	assert_string_equal(line, "#42 close(5) = -200");
	e.result = -((int64_t)1 << 40);
	vfio_trace_format(&e, line, sizeof(line));
	assert_string_equal(line, "#42 close(5) = -1099511627776");

	/* Cut short as snprintf, with the whole length returned. */
	e.result = 0;
	assert_int_equal(vfio_trace_format(&e, line, 8), 16);
	assert_string_equal(line, "#42 clo");
	assert_int_equal(vfio_trace_format(&e, NULL, 0), 16);
	assert_int_equal(vfio_trace_format(&e, NULL, 4), -EINVAL);
	assert_int_equal(vfio_trace_format(NULL, line, sizeof(line)), -EINVAL);
	/* A text without its NUL is still bounded. */
	memset(e.text, 'x', sizeof(e.text));
	assert_int_equal(vfio_trace_format(&e, NULL, 0), 4 + VFIO_TRACE_TEXT_MAX + 4);
}

static void test_bad_args(void **state)
{
	struct fixture *f = *state;
	struct vfio_backend *trace = (void *)1;
	struct vfio_trace_entry e;

	assert_int_equal(vfio_trace_backend_new(NULL, 4, &trace), -EINVAL);
	assert_int_equal(vfio_trace_backend_new(f->inner, 4, NULL), -EINVAL);
	assert_int_equal(vfio_trace_backend_new(f->inner, SIZE_MAX / 2, &trace), -ENOMEM);
	assert_ptr_equal(trace, (void *)1);
	/* Not a trace wrapper. */
	assert_int_equal(vfio_trace_count(f->inner), 0);
	assert_int_equal(vfio_trace_count(NULL), 0);
	assert_int_equal(vfio_trace_dropped(f->inner), 0);
	assert_int_equal(vfio_trace_get(f->inner, 0, &e), -EINVAL);
	assert_int_equal(vfio_trace_get(f->trace, 0, NULL), -EINVAL);
	assert_int_equal(vfio_trace_set_callback(f->inner, sink_fn, NULL), -EINVAL);
	vfio_trace_clear(f->inner);
	vfio_trace_clear(NULL);
	assert_int_equal(f->calls, 0);
}

/* Over a backend without the op: -EOPNOTSUPP, recorded; the inner backend is not freed. */
static unsigned int sparse_destroyed;

static void sparse_destroy(struct vfio_backend *be)
{
	(void)be;
	sparse_destroyed++;
}

static void test_missing_inner_op(void **state)
{
	static const struct vfio_backend_ops sparse_ops = {
		.version = VFIO_BACKEND_OPS_VERSION, .name = "sparse", .destroy = sparse_destroy
	};
	struct vfio_backend sparse = { .ops = &sparse_ops }, *trace;

	(void)state;
	assert_int_equal(vfio_trace_backend_new(&sparse, 2, &trace), 0);
	assert_string_equal(trace->ops->name, "trace");
	assert_int_equal(trace->ops->version, VFIO_BACKEND_OPS_VERSION);
	assert_int_equal(trace->ops->device_reset(trace, 7), -EOPNOTSUPP);
	check_last(trace, VFIO_OP_DEVICE_RESET, 7, "VFIO_DEVICE_RESET fd=7", -EOPNOTSUPP);
	vfio_backend_destroy(trace);
	assert_int_equal(sparse_destroyed, 0);
}

/* The first entry at or after *i whose text starts with @prefix; *i moves past it. */
static struct vfio_trace_entry find(struct vfio_backend *trace, size_t *i, const char *prefix)
{
	struct vfio_trace_entry e;

	for (; vfio_trace_get(trace, *i, &e) == 0; (*i)++)
		if (strncmp(e.text, prefix, strlen(prefix)) == 0) {
			(*i)++;
			return e;
		}
	fail_msg("no entry \"%s...\"", prefix);
	return e;
}

/* The real thing: a trace over the fault wrapper over the sim, through the public API. */
static void test_over_sim(void **state)
{
	struct t_fixture *t = t_fixture_new(0);
	struct vfio_backend *trace;
	struct vfio_container *c;
	struct vfio_device *d;
	struct vfio_trace_entry e;
	char expect[VFIO_TRACE_TEXT_MAX];
	uint32_t v;
	size_t i = 0;
	int cfd, dfd;

	(void)state;
	assert_int_equal(vfio_trace_backend_new(t->be, 0, &trace), 0);
	assert_ok(vfio_container_open(trace, &c));
	cfd = vfio_container_fd(c);
	d = NULL;
	assert_ok(vfio_device_open(c, T_GROUP, T_PCI, &d));
	dfd = vfio_device_fd(d);
	assert_ok(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, sizeof(v), NULL));

	e = find(trace, &i, "open(\"/dev/vfio/vfio\"");
	assert_string_equal(e.text, "open(\"/dev/vfio/vfio\", O_RDWR|O_CLOEXEC)");
	assert_int_equal(e.result, cfd);
	assert_int_equal(e.seq, 0);
	e = find(trace, &i, "VFIO_GET_API_VERSION");
	assert_int_equal(e.fd, cfd);
	assert_int_equal(e.result, VFIO_API_VERSION);
	e = find(trace, &i, "VFIO_CHECK_EXTENSION");
	snprintf(expect, sizeof(expect), "VFIO_CHECK_EXTENSION fd=%d ext=VFIO_TYPE1v2_IOMMU", cfd);
	assert_string_equal(e.text, expect);
	assert_int_equal(e.result, 1);
	e = find(trace, &i, "open(\"/dev/vfio/12\"");
	e = find(trace, &i, "VFIO_GROUP_GET_STATUS");
	assert_non_null(strstr(e.text, "-> flags=VIABLE"));
	e = find(trace, &i, "VFIO_SET_IOMMU");
	snprintf(expect, sizeof(expect), "VFIO_SET_IOMMU fd=%d type=VFIO_TYPE1v2_IOMMU", cfd);
	assert_string_equal(e.text, expect);
	e = find(trace, &i, "VFIO_GROUP_GET_DEVICE_FD");
	assert_int_equal(e.result, dfd);
	e = find(trace, &i, "VFIO_DEVICE_GET_INFO");
	assert_non_null(strstr(e.text, "flags=RESET|PCI num_regions=9 num_irqs=5"));
	/* BAR2's caps do not fit at first: argsz grows, and the core asks again. */
	e = find(trace, &i, "VFIO_DEVICE_GET_REGION_INFO");
	i++; /* index 1 */
	e = find(trace, &i, "VFIO_DEVICE_GET_REGION_INFO");
	snprintf(expect, sizeof(expect), "VFIO_DEVICE_GET_REGION_INFO fd=%d index=2 argsz=32 -> ",
		 dfd);
	assert_int_equal(strncmp(e.text, expect, strlen(expect)), 0);
	assert_non_null(strstr(e.text, "flags=READ|WRITE|MMAP|CAPS size=0x8000 "
			       "offset=0x20000000000 cap_offset=0"));
	e = find(trace, &i, "VFIO_DEVICE_GET_REGION_INFO");
	assert_non_null(strstr(e.text, "index=2 argsz="));
	assert_non_null(strstr(e.text, "CAPS size=0x8000 offset=0x20000000000 cap_offset=32"));
	e = find(trace, &i, "VFIO_DEVICE_GET_IRQ_INFO");
	e = find(trace, &i, "pread(");
	snprintf(expect, sizeof(expect), "pread(fd=%d, count=4, offset=0x70000000000) -> [", dfd);
	assert_int_equal(strncmp(e.text, expect, strlen(expect)), 0);
	assert_int_equal(e.result, 4);

	/* An injected failure shows with its errno, and the count of entries matches the calls. */
	assert_int_equal(vfio_fault_inject(t->be, VFIO_OP_DEVICE_RESET, 1, EIO), 0);
	assert_err(vfio_device_reset(d), EIO);
	snprintf(expect, sizeof(expect), "VFIO_DEVICE_RESET fd=%d", dfd);
	check_last(trace, VFIO_OP_DEVICE_RESET, dfd, expect, -EIO);
	{
		unsigned long calls = 0;

		for (int op = 0; op < VFIO_OP_COUNT; op++)
			calls += vfio_fault_calls(t->be, (enum vfio_backend_op)op);
		assert_int_equal(vfio_trace_count(trace), calls);
		assert_int_equal(vfio_trace_dropped(trace), 0);
	}
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
	snprintf(expect, sizeof(expect), "close(%d)", cfd);
	check_last(trace, VFIO_OP_CLOSE, cfd, expect, 0);
	vfio_backend_destroy(trace);
	t_fixture_free(t);
}

/* Threads: every call is recorded once, numbers are unique, the ring stays in order. */
#define THREADS 4
#define CALLS_PER_THREAD 1000

static long quiet_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	(void)opaque, (void)op, (void)c;
	return 0;
}

static void count_fn(const struct vfio_trace_entry *e, void *opaque)
{
	(void)e;
	(*(unsigned long *)opaque)++; /* safe: the callback runs one call at a time */
}

static void *thread_run(void *arg)
{
	struct vfio_backend *trace = arg;

	for (int i = 0; i < CALLS_PER_THREAD; i++)
		trace->ops->device_reset(trace, i);
	return NULL;
}

static void test_threads(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = quiet_call };
	struct vfio_backend *inner, *trace;
	struct vfio_trace_entry prev, e;
	pthread_t tids[THREADS];
	unsigned long seen = 0;

	(void)state;
	assert_int_equal(vfio_mock_backend_new(&hooks, NULL, &inner), 0);
	assert_int_equal(vfio_trace_backend_new(inner, 100, &trace), 0);
	assert_int_equal(vfio_trace_set_callback(trace, count_fn, &seen), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&tids[t], NULL, thread_run, trace), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_join(tids[t], NULL), 0);
	assert_int_equal(seen, THREADS * CALLS_PER_THREAD);
	assert_int_equal(vfio_trace_count(trace), 100);
	assert_int_equal(vfio_trace_dropped(trace), THREADS * CALLS_PER_THREAD - 100);
	assert_int_equal(vfio_trace_get(trace, 0, &prev), 0);
	assert_int_equal(prev.seq, THREADS * CALLS_PER_THREAD - 100);
	for (size_t i = 1; i < 100; i++) {
		assert_int_equal(vfio_trace_get(trace, i, &e), 0);
		assert_int_equal(e.seq, prev.seq + 1);
		prev = e;
	}
	vfio_backend_destroy(trace);
	vfio_backend_destroy(inner);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_ring_keeps_the_newest),
		FIXTURE_TEST(test_default_capacity),
		FIXTURE_TEST(test_callback),
		cmocka_unit_test(test_format),
		FIXTURE_TEST(test_bad_args),
		cmocka_unit_test(test_missing_inner_op),
		cmocka_unit_test(test_over_sim),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
