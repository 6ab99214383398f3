// SPDX-License-Identifier: MIT
/*
 * VFIO_DEVICE_IOEVENTFD: a write of fixed data into a BAR each time an eventfd
 * is signalled (vfio_pci_ioctl_ioeventfd and vfio_pci_ioeventfd in
 * drivers/vfio/pci/vfio_pci_core.c and vfio_pci_rdwr.c).  The kernel watches
 * the eventfd; the sim looks at it whenever it is entered, and from its
 * watcher thread as soon as it is signalled.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_private.h"

#define IOEVENTFD_MINSZ (offsetof(struct vfio_device_ioeventfd, fd) + sizeof(int32_t))

static void fire(struct vfio_sim_device *d, void *arg)
{
	const struct sim_ioeventfd *e = arg;
	uint8_t bytes[8];
	uint64_t data = e->data;
	unsigned int i;

	/* little-endian, as iowrite{8,16,32,64} put it on the bus */
	for (i = 0; i < e->count; i++) {
		bytes[i] = (uint8_t)data;
		data >>= 8;
	}
	sim_region_write(d, e->index, bytes, e->count, e->pos);
}

size_t sim_ioeventfd_watches(struct vfio_sim_device *d, struct sim_watch *w, size_t max)
{
	struct sim_ioeventfd *e;
	size_t n = 0;

	for (e = d->ioeventfds; e && n < max; e = e->next)
		w[n++] = (struct sim_watch){ e->efd, fire, d, e };
	return n;
}

static void remove_entry(struct vfio_sim *sim, struct vfio_sim_device *d, struct sim_ioeventfd *e)
{
	struct sim_ioeventfd **p;

	for (p = &d->ioeventfds; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	sim_close_fd(&e->efd);
	free(e);
	d->nr_ioeventfds--;
	sim->nvirqfds--;
	sim->watch_gen++;
}

void sim_ioeventfd_clear(struct vfio_sim *sim, struct vfio_sim_device *d)
{
	while (d->ioeventfds)
		remove_entry(sim, d, d->ioeventfds);
}

static int ioeventfd(struct vfio_sim *sim, struct vfio_sim_device *d,
		     const struct vfio_device_ioeventfd *req)
{
	unsigned int count = req->flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
	unsigned int index = (unsigned int)(req->offset >> SIM_INDEX_SHIFT);
	uint64_t pos = req->offset & SIM_OFFSET_MASK;
	const struct sim_region *r;
	struct sim_ioeventfd *e;
	int efd;

	if (req->argsz < IOEVENTFD_MINSZ || (req->flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK))
		return -EINVAL;
	if (__builtin_popcount(count) != 1 || req->fd < -1)
		return -EINVAL;
	/* BARs only, and inside the BAR */
	if (index > VFIO_PCI_BAR5_REGION_INDEX || index >= d->num_regions)
		return -EINVAL;
	r = &d->regions[index];
	if (!r->present || pos + count > r->size)
		return -EINVAL;
	for (e = d->ioeventfds; e; e = e->next) {
		if (e->index == index && e->pos == pos && e->data == req->data &&
		    e->count == count) {
			if (req->fd != -1)
				return -EEXIST;
			remove_entry(sim, d, e);
			return 0;
		}
	}
	if (req->fd < 0)
		return -ENODEV;
	if (d->nr_ioeventfds >= SIM_IOEVENTFD_MAX)
		return -ENOSPC;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	efd = sim_eventfd_get(req->fd);
	if (efd < 0) {
		free(e);
		return efd;
	}
	e->index = index;
	e->pos = pos;
	e->data = req->data;
	e->count = count;
	e->efd = efd;
	e->next = d->ioeventfds;
	d->ioeventfds = e;
	d->nr_ioeventfds++;
	sim->nvirqfds++;
	sim->watch_gen++;
	sim_service(sim); /* a signal already there counts, as vfio_virqfd_enable sees it */
	return 0;
}

int sim_device_ioeventfd(struct vfio_backend *be, int fd, struct vfio_device_ioeventfd *ioev)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_arg(sim, fd, ioev, &ret);
	if (d)
		ret = sim_is_pci(d) ? ioeventfd(sim, d, ioev) : -ENOTTY;
	sim_unlock(sim);
	return ret;
}
