// SPDX-License-Identifier: MIT
/*
 * Interrupts, the device's side: a vector signalling its eventfd, an INTx or
 * platform line firing, masking itself, kept pending and fired again on unmask
 * (level-triggered lines for as long as the device holds them), and the
 * functions a device model raises, drives and inspects them with.
 */

#include <errno.h>
#include <sys/eventfd.h>

#include "sim_private.h"

/* A vector signals its eventfd, if it has one. */
bool sim_signal_vec(struct sim_vector *v)
{
	if (v->efd < 0)
		return false;
	eventfd_write(v->efd, 1);
	v->fired++;
	return true;
}

/* ---- INTx and the platform irqs: one vector, masking, pending ---- */

/* The line fires: an automasked irq masks itself, then the eventfd is signalled. */
bool sim_line_fire(struct sim_irq *q)
{
	struct sim_vector *v = &q->vec[0];

	if (v->masked) {
		v->pending = true;
		return false;
	}
	if (q->flags & VFIO_IRQ_INFO_AUTOMASKED)
		v->masked = true;
	return sim_signal_vec(v);
}

/*
 * Unmask: a line still asserted fires again at once (and masks again).  A
 * level-triggered line is still asserted for as long as the device holds it.
 */
void sim_line_unmask(struct sim_irq *q)
{
	struct sim_vector *v = &q->vec[0];

	if (!v->masked)
		return;
	v->masked = false;
	if (q->level_triggered ? v->level : v->pending) {
		v->pending = false;
		sim_line_fire(q);
	}
}

/* The index was just enabled: a level-triggered line already high fires (request_irq). */
void sim_line_enabled(struct sim_irq *q)
{
	if (q->level_triggered && q->vec[0].level && !q->vec[0].masked)
		sim_line_fire(q);
}

/* Index @index of @d, or NULL when out of range or not added. */
struct sim_irq *sim_irq_of(struct vfio_sim_device *d, unsigned int index)
{
	return index < d->num_irqs && d->irqs[index].present ? &d->irqs[index] : NULL;
}

/* ---- the device side ---- */

int vfio_sim_device_raise_irq(struct vfio_sim_device *d, unsigned int index, uint32_t vector)
{
	struct vfio_sim *sim = d->group->sim;
	struct sim_irq *q;
	int ret = 0;

	sim_lock(sim);
	q = sim_irq_of(d, index);
	if (d->state == VFIO_SIM_DEVICE_GONE) {
		ret = -ENODEV;
		goto out;
	}
	if (!q || vector >= q->count) {
		ret = -EINVAL;
		goto out;
	}
	if (!q->active)
		goto out; /* no handler: the interrupt is lost */
	if (sim_is_pci(d) && index != VFIO_PCI_INTX_IRQ_INDEX)
		ret = sim_signal_vec(&q->vec[vector]); /* MSI, MSI-X, ERR, REQ: never masked */
	else
		ret = sim_line_fire(q);
out:
	sim_unlock(sim);
	return ret;
}

int vfio_sim_device_set_irq_level(struct vfio_sim_device *d, unsigned int index,
				  uint32_t vector, bool asserted)
{
	struct vfio_sim *sim = d->group->sim;
	struct sim_vector *v;
	struct sim_irq *q;
	int ret = 0;

	sim_lock(sim);
	q = sim_irq_of(d, index);
	if (d->state == VFIO_SIM_DEVICE_GONE) {
		ret = -ENODEV;
		goto out;
	}
	if (!q || vector >= q->count ||
	    (sim_is_pci(d) && index != VFIO_PCI_INTX_IRQ_INDEX)) {
		ret = -EINVAL;
		goto out;
	}
	q->level_triggered = true;
	v = &q->vec[vector];
	if (v->level == asserted)
		goto out; /* no edge: nothing new for the interrupt controller */
	v->level = asserted;
	if (!asserted)
		v->pending = false;
	else if (q->active)
		ret = sim_line_fire(q);
out:
	sim_unlock(sim);
	return ret;
}

int vfio_sim_irq_state(struct vfio_sim_device *d, unsigned int index, uint32_t vector,
		       struct vfio_sim_irq_state *out)
{
	struct vfio_sim *sim = d->group->sim;
	struct sim_irq *q;
	int ret = 0;

	sim_lock(sim);
	q = sim_irq_of(d, index);
	if (!q || vector >= q->count || !out) {
		ret = -EINVAL;
	} else {
		out->enabled = q->active;
		out->has_eventfd = q->vec[vector].efd >= 0;
		out->masked = q->vec[vector].masked;
		out->pending = q->level_triggered ?
				       q->active && q->vec[vector].masked && q->vec[vector].level :
				       q->vec[vector].pending;
		out->has_resample = q->unmask_fd >= 0;
		out->fired = q->vec[vector].fired;
	}
	sim_unlock(sim);
	return ret;
}
