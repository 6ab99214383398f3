// SPDX-License-Identifier: MIT
/* The slow paths of the container's lock (lock.h): waiting and waking. */

#include <errno.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lock.h"

/* Held: mark it contended (2) and sleep until a release finds it free. */
void vfio_lock_wait(struct vfio_lock *l)
{
	int saved = errno;

	while (__atomic_exchange_n(&l->state, 2, __ATOMIC_ACQUIRE) != 0)
		syscall(SYS_futex, &l->state, FUTEX_WAIT_PRIVATE, 2, NULL, NULL, 0);
	errno = saved;
}

/* Released with waiters: wake one; it marks the lock contended again. */
void vfio_lock_wake(struct vfio_lock *l)
{
	int saved = errno;

	syscall(SYS_futex, &l->state, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	errno = saved;
}
