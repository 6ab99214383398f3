// SPDX-License-Identifier: MIT
/*
 * Taking a device away, and its error reports: vfio_unregister_group_dev()
 * (drivers/vfio/vfio_main.c) with vfio-pci's request op
 * (vfio_pci_core_request()), the group going with its last device
 * (vfio_device_remove_group() in drivers/vfio/group.c), and AER's
 * error_detected (vfio_pci_core_aer_err_detected()).
 *
 * The device's struct is never freed before the sim: once gone it moves to
 * the sim's list of devices that went, so a test's pointer stays good.
 */

#include <errno.h>

#include "sim_private.h"

/* The request op: vfio-pci signals REQ if the user set it; vfio-platform has none. */
static int relay_request(struct vfio_sim_device *d)
{
	struct sim_irq *q;

	d->requests++;
	if (!sim_is_pci(d))
		return 0;
	q = sim_irq_of(d, VFIO_PCI_REQ_IRQ_INDEX);
	return q && sim_signal_vec(&q->vec[0]);
}

/* vfio_device_remove_group: the last device went, and the IOMMU group with it. */
static void group_remove(struct vfio_sim_group *g)
{
	g->removed = true;
	if (g->container)
		sim_group_detach(g); /* vfio_group_detach_container */
}

/*
 * The device goes: out of its group (and so of the sysfs view and the bus),
 * onto the sim's list.  Its files are all closed: its interrupts and
 * ioeventfds were released with the last one.
 */
void sim_device_remove(struct vfio_sim *sim, struct vfio_sim_device *d)
{
	struct vfio_sim_group *g = d->group;
	struct vfio_sim_device **p;

	for (p = &g->devices; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	d->state = VFIO_SIM_DEVICE_GONE;
	d->next = sim->gone;
	sim->gone = d;
	if (!g->devices)
		group_remove(g);
}

int vfio_sim_device_request(struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	int ret = 0;

	sim_lock(sim);
	if (d->state == VFIO_SIM_DEVICE_GONE) {
		ret = -ENODEV;
	} else if (d->state == VFIO_SIM_DEVICE_REQUESTED) {
		ret = -EBUSY;
	} else if (!d->open_count) {
		/* nothing holds it: the completion is there before any request */
		sim_device_remove(sim, d);
	} else {
		/* vfio_device_group_unregister: no new GET_DEVICE_FD finds it */
		d->state = VFIO_SIM_DEVICE_REQUESTED;
		ret = relay_request(d);
	}
	sim_unlock(sim);
	return ret;
}

int vfio_sim_device_request_repeat(struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	int ret;

	sim_lock(sim);
	if (d->state == VFIO_SIM_DEVICE_GONE)
		ret = -ENODEV;
	else if (d->state != VFIO_SIM_DEVICE_REQUESTED)
		ret = -EINVAL;
	else
		ret = relay_request(d);
	sim_unlock(sim);
	return ret;
}

int vfio_sim_device_error(struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	struct sim_irq *q;
	int ret;

	sim_lock(sim);
	q = sim_is_pci(d) ? sim_irq_of(d, VFIO_PCI_ERR_IRQ_INDEX) : NULL;
	if (d->state == VFIO_SIM_DEVICE_GONE)
		ret = -ENODEV;
	else if (!q)
		ret = -EINVAL; /* no AER: not PCI Express */
	else
		ret = sim_signal_vec(&q->vec[0]);
	sim_unlock(sim);
	return ret;
}

enum vfio_sim_device_state vfio_sim_device_state(const struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	enum vfio_sim_device_state st;

	sim_lock(sim);
	st = d->state;
	sim_unlock(sim);
	return st;
}

bool vfio_sim_device_gone(const struct vfio_sim_device *d)
{
	return vfio_sim_device_state(d) == VFIO_SIM_DEVICE_GONE;
}

unsigned int vfio_sim_device_requests(const struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	unsigned int n;

	sim_lock(sim);
	n = d->requests;
	sim_unlock(sim);
	return n;
}
