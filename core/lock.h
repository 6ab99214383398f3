/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_CORE_LOCK_H
#define LIBVFIO_CORE_LOCK_H

/*
 * The container's lock: a mutex of one word, 0 free, 1 held, 2 held with
 * threads waiting (the futex mutex of Drepper's "Futexes Are Tricky").  Taking
 * and releasing it when no other thread wants it is one atomic instruction
 * each, inline; pthread_mutex_lock and _unlock spend ~50 instructions on a
 * pair, and a map plus an unmap, the calls a VMM makes most, take it twice.
 * Not recursive; no owner is recorded.
 */

#include <stdbool.h>

struct vfio_lock {
	int state;
};

#define VFIO_LOCK_INIT { 0 }

void vfio_lock_wait(struct vfio_lock *l);
void vfio_lock_wake(struct vfio_lock *l);

static inline void vfio_lock(struct vfio_lock *l)
{
	int free_ = 0;

	if (!__atomic_compare_exchange_n(&l->state, &free_, 1, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		vfio_lock_wait(l);
}

static inline void vfio_unlock(struct vfio_lock *l)
{
	if (__atomic_exchange_n(&l->state, 0, __ATOMIC_RELEASE) == 2)
		vfio_lock_wake(l);
}

#endif
