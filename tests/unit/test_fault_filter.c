// SPDX-License-Identifier: MIT
/*
 * Fault filters (vfio_fault_filter_add()): by op, handle and predicate; from
 * the first match, after N, or once after N; in order after the op's rule;
 * removed and cleared; raced for by threads; and over the sim, through the
 * public API.  The inner backend is a mock that answers 100 + op and counts.
 */

#include <pthread.h>
#include <stdlib.h>

#include <vfio/mock.h>

#include "callop.h"
#include "testutil.h"

#define ANSWER(op) (100 + (op))
#define HANDLE(op) T_OP_HANDLE(op)

struct fixture {
	unsigned long calls[VFIO_OP_COUNT]; /* what reached the inner backend */
	struct vfio_backend *inner, *fault;
};

static char map_target;

static long counting_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	struct fixture *f = opaque;

	f->calls[op]++;
	if (op == VFIO_OP_MMAP)
		*c->mmap_out = &map_target;
	return ANSWER(op);
}

/* For the threads: touches nothing shared. */
static long quiet_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	(void)opaque, (void)c;
	return ANSWER(op);
}


static int setup(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = counting_call };
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || vfio_mock_backend_new(&hooks, f, &f->inner) ||
	    vfio_fault_backend_new(f->inner, &f->fault))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vfio_backend_destroy(f->fault);
	vfio_backend_destroy(f->inner);
	free(f);
	return 0;
}

static unsigned int add_filter(struct vfio_backend *be, struct vfio_fault_filter filter)
{
	unsigned int id = 0;

	assert_int_equal(vfio_fault_filter_add(be, &filter, &id), 0);
	assert_int_not_equal(id, 0);
	return id;
}

static void assert_stats(struct vfio_backend *be, unsigned int id, unsigned long matched,
			 unsigned long failed)
{
	struct vfio_fault_filter_stats st;

	assert_int_equal(vfio_fault_filter_stats(be, id, &st), 0);
	assert_int_equal(st.matched, matched);
	assert_int_equal(st.failed, failed);
}

static void test_filter_fails_every_match(void **state)
{
	struct fixture *f = *state;
	unsigned int id = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_PREAD, .err = EIO });

	for (int i = 0; i < 3; i++)
		assert_int_equal(t_call_op(f->fault, VFIO_OP_PREAD), -EIO);
	assert_int_equal(f->calls[VFIO_OP_PREAD], 0);
	assert_int_equal(vfio_fault_calls(f->fault, VFIO_OP_PREAD), 3);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_PWRITE), ANSWER(VFIO_OP_PWRITE));
	assert_stats(f->fault, id, 3, 3);
}

static void test_filter_by_handle(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->fault->ops;
	unsigned int id = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_DEVICE_RESET, .flags = VFIO_FAULT_MATCH_FD, .fd = 7, .err = ENODEV });

	assert_int_equal(o->device_reset(f->fault, 7), -ENODEV);
	assert_int_equal(o->device_reset(f->fault, 8), ANSWER(VFIO_OP_DEVICE_RESET));
	assert_int_equal(o->device_reset(f->fault, 7), -ENODEV);
	assert_int_equal(f->calls[VFIO_OP_DEVICE_RESET], 1);
	assert_stats(f->fault, id, 2, 2);

	/* open acts on no handle: -1 names it. */
	add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_OPEN, .flags = VFIO_FAULT_MATCH_FD, .fd = -1, .err = EACCES });
	assert_int_equal(o->open(f->fault, "/dev/vfio/vfio", 0), -EACCES);
}

/* What the predicate saw, per op. */
struct seen {
	int calls[VFIO_OP_COUNT];
	int fd[VFIO_OP_COUNT];
	const void *arg[VFIO_OP_COUNT];
	struct vfio_fault_io io[VFIO_OP_COUNT];
	unsigned long value[VFIO_OP_COUNT];
};

static bool record_match(enum vfio_backend_op op, int fd, const void *arg, void *opaque)
{
	struct seen *s = opaque;

	s->calls[op]++;
	s->fd[op] = fd;
	s->arg[op] = arg;
	if (op == VFIO_OP_PREAD || op == VFIO_OP_PWRITE || op == VFIO_OP_MMAP ||
	    op == VFIO_OP_MUNMAP)
		s->io[op] = *(const struct vfio_fault_io *)arg;
	if (op == VFIO_OP_CHECK_EXTENSION || op == VFIO_OP_SET_IOMMU)
		s->value[op] = *(const unsigned long *)arg;
	if (op == VFIO_OP_GROUP_SET_CONTAINER)
		s->value[op] = (unsigned long)*(const int *)arg;
	return false;
}

static void test_filter_predicate_sees_each_op(void **state)
{
	struct fixture *f = *state;
	struct seen *s = calloc(1, sizeof(*s));
	unsigned int id;

	assert_non_null(s);
	id = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_FAULT_ANY_OP, .match = record_match, .opaque = s, .err = EIO });
	for (int i = 0; i < VFIO_OP_COUNT; i++) {
		enum vfio_backend_op op = (enum vfio_backend_op)i;
		bool no_handle = op == VFIO_OP_OPEN || op == VFIO_OP_READLINK ||
				 op == VFIO_OP_LIST_DIR || op == VFIO_OP_MUNMAP;

		assert_int_equal(t_call_op(f->fault, op), ANSWER(op));
		assert_int_equal(s->calls[op], 1);
		assert_int_equal(s->fd[op], no_handle ? -1 : HANDLE(op));
		switch (op) {
		case VFIO_OP_CLOSE:
		case VFIO_OP_GET_API_VERSION:
		case VFIO_OP_GROUP_UNSET_CONTAINER:
		case VFIO_OP_DEVICE_RESET:
			assert_null(s->arg[op]);
			break;
		case VFIO_OP_PREAD:
		case VFIO_OP_PWRITE:
			assert_ptr_equal(s->io[op].buf, t_op_buf);
			assert_int_equal(s->io[op].count, 4);
			assert_int_equal(s->io[op].offset, 0);
			break;
		case VFIO_OP_MMAP:
			assert_null(s->io[op].buf);
			assert_int_equal(s->io[op].count, 4096);
			break;
		case VFIO_OP_MUNMAP:
			assert_ptr_equal(s->io[op].buf, t_op_buf);
			assert_int_equal(s->io[op].count, HANDLE(op));
			break;
		case VFIO_OP_CHECK_EXTENSION:
		case VFIO_OP_SET_IOMMU:
		case VFIO_OP_GROUP_SET_CONTAINER:
			assert_int_equal(s->value[op], 3);
			break;
		default: /* the path, the name or the uAPI struct */
			assert_ptr_equal(s->arg[op], t_op_buf);
			break;
		}
	}
	assert_stats(f->fault, id, 0, 0);
	free(s);
}

/* Fails VFIO_DEVICE_GET_REGION_INFO for the region index in *opaque only. */
static bool region_is(enum vfio_backend_op op, int fd, const void *arg, void *opaque)
{
	const struct vfio_region_info *info = arg;

	(void)fd;
	assert_int_equal(op, VFIO_OP_DEVICE_GET_REGION_INFO);
	return info && info->index == *(const unsigned int *)opaque;
}

static void test_filter_predicate_on_struct(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->fault->ops;
	unsigned int index = 2;
	unsigned int id = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_DEVICE_GET_REGION_INFO, .match = region_is, .opaque = &index,
		.err = EFAULT });

	for (unsigned int i = 0; i < 4; i++) {
		struct vfio_region_info info = { .argsz = sizeof(info), .index = i };

		assert_int_equal(o->device_get_region_info(f->fault, 5, &info),
				 i == 2 ? -EFAULT : ANSWER(VFIO_OP_DEVICE_GET_REGION_INFO));
	}
	assert_int_equal(o->device_get_region_info(f->fault, 5, NULL),
			 ANSWER(VFIO_OP_DEVICE_GET_REGION_INFO));
	assert_stats(f->fault, id, 1, 1);
	assert_int_equal(f->calls[VFIO_OP_DEVICE_GET_REGION_INFO], 4);
}

static void test_filter_once_after_n(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->fault->ops;
	unsigned int id = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_CLOSE, .flags = VFIO_FAULT_ONCE | VFIO_FAULT_MATCH_FD, .fd = 9,
		.skip = 2, .err = EINTR });

	assert_int_equal(o->close(f->fault, 9), ANSWER(VFIO_OP_CLOSE));
	assert_int_equal(o->close(f->fault, 4), ANSWER(VFIO_OP_CLOSE)); /* another handle */
	assert_int_equal(o->close(f->fault, 9), ANSWER(VFIO_OP_CLOSE));
	assert_int_equal(o->close(f->fault, 9), -EINTR);
	assert_int_equal(o->close(f->fault, 9), ANSWER(VFIO_OP_CLOSE));
	assert_int_equal(o->close(f->fault, 9), ANSWER(VFIO_OP_CLOSE));
	/* Spent: it matches nothing more, and stays for its stats until removed. */
	assert_stats(f->fault, id, 3, 1);

	/* skip 0: the very next match. */
	id = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_CLOSE, .flags = VFIO_FAULT_ONCE, .err = EBADF });
	assert_int_equal(o->close(f->fault, 1), -EBADF);
	assert_int_equal(o->close(f->fault, 1), ANSWER(VFIO_OP_CLOSE));
	assert_stats(f->fault, id, 1, 1);
}

static void test_filter_skip_then_every(void **state)
{
	struct fixture *f = *state;
	unsigned int id = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_IOMMU_MAP_DMA, .skip = 2, .err = ENOSPC });

	assert_int_equal(t_call_op(f->fault, VFIO_OP_IOMMU_MAP_DMA), ANSWER(VFIO_OP_IOMMU_MAP_DMA));
	assert_int_equal(t_call_op(f->fault, VFIO_OP_IOMMU_MAP_DMA), ANSWER(VFIO_OP_IOMMU_MAP_DMA));
	for (int i = 0; i < 3; i++)
		assert_int_equal(t_call_op(f->fault, VFIO_OP_IOMMU_MAP_DMA), -ENOSPC);
	assert_stats(f->fault, id, 5, 3);
}

static void test_filter_order(void **state)
{
	struct fixture *f = *state;
	const enum vfio_backend_op op = VFIO_OP_GROUP_GET_STATUS;
	unsigned int first = add_filter(f->fault, (struct vfio_fault_filter){
		.op = op, .flags = VFIO_FAULT_ONCE, .skip = 1, .err = EPERM });
	unsigned int second = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_FAULT_ANY_OP, .err = EBUSY });

	/* The op's rule judges first: the filters neither see nor count its call. */
	assert_int_equal(vfio_fault_inject(f->fault, op, 1, ENOMEM), 0);
	assert_int_equal(t_call_op(f->fault, op), -ENOMEM);
	assert_stats(f->fault, first, 0, 0);
	assert_stats(f->fault, second, 0, 0);
	/* Let through by the first, failed by the second. */
	assert_int_equal(t_call_op(f->fault, op), -EBUSY);
	/* Failed by the first: the second does not count it. */
	assert_int_equal(t_call_op(f->fault, op), -EPERM);
	assert_int_equal(t_call_op(f->fault, op), -EBUSY);
	assert_stats(f->fault, first, 2, 1);
	assert_stats(f->fault, second, 2, 2);
	assert_int_equal(f->calls[op], 0);
}

static void test_filter_remove_and_clear(void **state)
{
	struct fixture *f = *state;
	struct vfio_fault_filter_stats st;
	unsigned int a = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_OPEN, .err = ENOENT });
	unsigned int b = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_CLOSE, .err = EIO });
	unsigned int c = add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_OPEN, .err = EACCES });

	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), -ENOENT);
	assert_int_equal(vfio_fault_filter_remove(f->fault, a), 0);
	assert_int_equal(vfio_fault_filter_remove(f->fault, a), -ENOENT);
	assert_int_equal(vfio_fault_filter_stats(f->fault, a, &st), -ENOENT);
	/* The others keep their order and their counts. */
	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), -EACCES);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_CLOSE), -EIO);
	assert_stats(f->fault, c, 1, 1);

	vfio_fault_clear(f->fault);
	assert_int_equal(vfio_fault_filter_stats(f->fault, b, &st), -ENOENT);
	assert_int_equal(vfio_fault_filter_remove(f->fault, c), -ENOENT);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), ANSWER(VFIO_OP_OPEN));
	assert_int_equal(t_call_op(f->fault, VFIO_OP_CLOSE), ANSWER(VFIO_OP_CLOSE));
	/* Ids are not given out again; a NULL id is allowed. */
	assert_true(add_filter(f->fault, (struct vfio_fault_filter){
		.op = VFIO_OP_OPEN, .err = EIO }) > c);
	assert_int_equal(vfio_fault_filter_add(f->fault, &(struct vfio_fault_filter){
		.op = VFIO_OP_CLOSE, .err = EIO }, NULL), 0);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_CLOSE), -EIO);
}

static void test_filter_bad_args(void **state)
{
	struct fixture *f = *state;
	struct vfio_fault_filter ok = { .op = VFIO_OP_OPEN, .err = EIO }, bad;
	struct vfio_fault_filter_stats st;
	unsigned int id = 77;

	bad = ok, bad.op = (enum vfio_backend_op)(VFIO_FAULT_ANY_OP + 1);
	assert_int_equal(vfio_fault_filter_add(f->fault, &bad, &id), -EINVAL);
	bad = ok, bad.op = (enum vfio_backend_op)-1;
	assert_int_equal(vfio_fault_filter_add(f->fault, &bad, &id), -EINVAL);
	bad = ok, bad.flags = 1u << 5;
	assert_int_equal(vfio_fault_filter_add(f->fault, &bad, &id), -EINVAL);
	bad = ok, bad.err = 0;
	assert_int_equal(vfio_fault_filter_add(f->fault, &bad, &id), -EINVAL);
	bad = ok, bad.err = -EIO;
	assert_int_equal(vfio_fault_filter_add(f->fault, &bad, &id), -EINVAL);
	bad = ok, bad.err = 4096;
	assert_int_equal(vfio_fault_filter_add(f->fault, &bad, &id), -EINVAL);
	assert_int_equal(vfio_fault_filter_add(f->fault, NULL, &id), -EINVAL);
	assert_int_equal(vfio_fault_filter_add(f->inner, &ok, &id), -EINVAL);
	assert_int_equal(vfio_fault_filter_add(NULL, &ok, &id), -EINVAL);
	assert_int_equal(id, 77);
	assert_int_equal(vfio_fault_filter_remove(f->inner, 1), -EINVAL);
	assert_int_equal(vfio_fault_filter_remove(f->fault, 0), -ENOENT);
	assert_int_equal(vfio_fault_filter_stats(f->fault, 0, &st), -ENOENT);
	assert_int_equal(vfio_fault_filter_stats(f->fault, 1, NULL), -EINVAL);
	assert_int_equal(vfio_fault_filter_stats(NULL, 1, &st), -EINVAL);
	/* Nothing was added. */
	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), ANSWER(VFIO_OP_OPEN));
}

/* Many threads race for one once filter: exactly one call fails. */
#define THREADS 4
#define CALLS_PER_THREAD 2000

static unsigned long racing_matches;

static bool count_match(enum vfio_backend_op op, int fd, const void *arg, void *opaque)
{
	(void)op, (void)fd, (void)arg, (void)opaque;
	racing_matches++; /* safe: predicates run under the wrapper's lock */
	return true;
}

struct worker {
	struct vfio_backend *fault;
	unsigned long failed;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < CALLS_PER_THREAD; i++)
		if (t_call_op(w->fault, VFIO_OP_GET_API_VERSION) < 0)
			w->failed++;
	return NULL;
}

static void test_filter_threads(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = quiet_call };
	struct vfio_backend *inner = NULL, *fault = NULL;
	struct worker workers[THREADS];
	pthread_t tids[THREADS];
	unsigned long failed = 0;
	unsigned int once, every;

	(void)state;
	racing_matches = 0;
	assert_int_equal(vfio_mock_backend_new(&hooks, NULL, &inner), 0);
	assert_int_equal(vfio_fault_backend_new(inner, &fault), 0);
	once = add_filter(fault, (struct vfio_fault_filter){
		.op = VFIO_OP_GET_API_VERSION, .flags = VFIO_FAULT_ONCE, .skip = 777,
		.err = EINTR });
	every = add_filter(fault, (struct vfio_fault_filter){
		.op = VFIO_OP_GET_API_VERSION, .match = count_match, .skip = ~0UL, .err = EIO });
	for (int t = 0; t < THREADS; t++) {
		workers[t] = (struct worker){ .fault = fault };
		assert_int_equal(pthread_create(&tids[t], NULL, worker_run, &workers[t]), 0);
	}
	for (int t = 0; t < THREADS; t++) {
		assert_int_equal(pthread_join(tids[t], NULL), 0);
		failed += workers[t].failed;
	}
	assert_int_equal(failed, 1);
	assert_stats(fault, once, 778, 1);
	assert_stats(fault, every, THREADS * CALLS_PER_THREAD - 1, 0);
	assert_int_equal(racing_matches, THREADS * CALLS_PER_THREAD - 1);
	vfio_backend_destroy(fault);
	vfio_backend_destroy(inner);
}

/* Over the sim: one region of one device fails, and the errno reaches vfio_device_open(). */
static void test_filter_over_sim(void **state)
{
	struct t_fixture *t = t_fixture_new(1);
	unsigned int config = VFIO_PCI_CONFIG_REGION_INDEX;
	struct vfio_device *d = NULL;

	(void)state;
	add_filter(t->be, (struct vfio_fault_filter){
		.op = VFIO_OP_DEVICE_GET_REGION_INFO, .match = region_is, .opaque = &config,
		.flags = VFIO_FAULT_ONCE, .err = EIO });
	assert_err(vfio_device_open(t->c, T_GROUP, T_PCI, &d), EIO);
	assert_msg_has("VFIO_DEVICE_GET_REGION_INFO " T_PCI " region 7");
	assert_null(d);
	assert_ok(vfio_device_open(t->c, T_GROUP, T_PCI, &d));
	assert_ok(vfio_device_close(d));
	t_fixture_free(t);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_filter_fails_every_match),
		FIXTURE_TEST(test_filter_by_handle),
		FIXTURE_TEST(test_filter_predicate_sees_each_op),
		FIXTURE_TEST(test_filter_predicate_on_struct),
		FIXTURE_TEST(test_filter_once_after_n),
		FIXTURE_TEST(test_filter_skip_then_every),
		FIXTURE_TEST(test_filter_order),
		FIXTURE_TEST(test_filter_remove_and_clear),
		FIXTURE_TEST(test_filter_bad_args),
		cmocka_unit_test(test_filter_threads),
		cmocka_unit_test(test_filter_over_sim),
	};

	return cmocka_run_group_tests_name("fault_filter", tests, NULL, NULL);
}
