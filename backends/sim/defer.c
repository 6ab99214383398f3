// SPDX-License-Identifier: MIT
/*
 * Work a device model runs later — a DMA that completes after a while, a timer
 * that raises an interrupt — on the sim's own clock, which only the test moves
 * (vfio_sim_run()), so that asynchronous completion is deterministic.
 */

#include <errno.h>
#include <stdlib.h>

#include "sim_private.h"

struct sim_work {
	struct vfio_sim_device *d;
	void (*fn)(void *opaque);
	void *opaque;
	uint64_t due;
	uint64_t seq; /* equal due times run in the order they were asked for */
	struct sim_work *next;
};

int vfio_sim_device_defer(struct vfio_sim_device *d, uint64_t delay, void (*fn)(void *opaque),
			  void *opaque)
{
	struct vfio_sim *sim;
	struct sim_work *w, **p;

	if (!d || !fn)
		return -EINVAL;
	sim = d->group->sim;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	sim_lock(sim);
	if (d->state == VFIO_SIM_DEVICE_GONE) {
		sim_unlock(sim);
		free(w);
		return -ENODEV;
	}
	*w = (struct sim_work){ .d = d, .fn = fn, .opaque = opaque, .seq = sim->work_seq++,
				.due = delay > UINT64_MAX - sim->now ? UINT64_MAX : sim->now + delay };
	for (p = &sim->work; *p && (*p)->due <= w->due; p = &(*p)->next)
		;
	w->next = *p;
	*p = w;
	sim_unlock(sim);
	return 0;
}

unsigned int vfio_sim_run(struct vfio_sim *sim, uint64_t ticks)
{
	unsigned int ran = 0;
	uint64_t until;

	sim_lock(sim);
	until = ticks > UINT64_MAX - sim->now ? UINT64_MAX : sim->now + ticks;
	/* one at a time: a work item may defer more, due within this run */
	while (sim->work && sim->work->due <= until) {
		struct sim_work *w = sim->work;

		sim->work = w->next;
		if (w->due > sim->now)
			sim->now = w->due;
		if (w->d->state != VFIO_SIM_DEVICE_GONE) {
			w->fn(w->opaque);
			ran++;
		}
		free(w);
	}
	sim->now = until;
	sim_unlock(sim);
	return ran;
}

uint64_t vfio_sim_now(struct vfio_sim *sim)
{
	uint64_t now;

	sim_lock(sim);
	now = sim->now;
	sim_unlock(sim);
	return now;
}

unsigned int vfio_sim_pending_work(struct vfio_sim *sim)
{
	unsigned int n = 0;

	sim_lock(sim);
	for (const struct sim_work *w = sim->work; w; w = w->next)
		n++;
	sim_unlock(sim);
	return n;
}

void sim_work_free_all(struct vfio_sim *sim)
{
	while (sim->work) {
		struct sim_work *w = sim->work;

		sim->work = w->next;
		free(w);
	}
}
