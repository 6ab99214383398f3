// SPDX-License-Identifier: MIT
/*
 * core/lock.h, the container's one-word mutex: free and held states, a
 * waiter that sleeps until the holder lets go (the contended path, made
 * certain rather than left to chance), and mutual exclusion under load.
 */

#include <pthread.h>
#include <sched.h>

#include "private.h"
#include "testutil.h"

struct shared {
	struct vfio_lock lock;
	int in;		      /* threads inside, under the lock */
	unsigned long count; /* increments made under the lock */
	bool overlap;	      /* two threads were ever inside at once */
};

static void *waiter(void *arg)
{
	struct shared *s = arg;

	errno = 1234;
	vfio_lock(&s->lock); /* held by the test: sleeps */
	s->count++;
	if (errno != 1234)
		s->overlap = true; /* (the lock must not touch errno) */
	vfio_unlock(&s->lock);
	return NULL;
}

static void test_waiter_sleeps_until_released(void **state)
{
	struct shared s = { .lock = VFIO_LOCK_INIT };
	pthread_t t;

	(void)state;
	vfio_lock(&s.lock);
	assert_int_equal(s.lock.state, 1);
	assert_int_equal(pthread_create(&t, NULL, waiter, &s), 0);
	/* the waiter marks the lock contended before it sleeps */
	while (__atomic_load_n(&s.lock.state, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
	assert_int_equal(s.count, 0);
	vfio_unlock(&s.lock); /* finds a waiter: wakes it */
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(s.count, 1);
	assert_false(s.overlap);
	assert_int_equal(s.lock.state, 0);
}

static void *worker(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < 20000; i++) {
		vfio_lock(&s->lock);
		if (__atomic_add_fetch(&s->in, 1, __ATOMIC_RELAXED) != 1)
			s->overlap = true;
		s->count++;
		if (i % 64 == 0)
			sched_yield(); /* hold it a while: others must wait */
		__atomic_sub_fetch(&s->in, 1, __ATOMIC_RELAXED);
		vfio_unlock(&s->lock);
	}
	return NULL;
}

static void test_one_thread_inside_at_a_time(void **state)
{
	struct shared s = { .lock = VFIO_LOCK_INIT };
	pthread_t t[4];

	(void)state;
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, worker, &s), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_false(s.overlap);
	assert_int_equal(s.count, 4 * 20000);
	assert_int_equal(s.lock.state, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_waiter_sleeps_until_released),
		cmocka_unit_test(test_one_thread_inside_at_a_time),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
