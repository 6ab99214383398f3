// SPDX-License-Identifier: MIT
/*
 * Looking inside, for tests: a container's mapping table, the open handles
 * and the state of a whole irq index.  Everything is copied out under the
 * lock (see "Looking inside" in <vfio/sim.h>).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim_private.h"

long vfio_sim_dma_mappings(struct vfio_sim *sim, int container_fd, struct vfio_sim_mapping *out,
			   size_t max)
{
	const struct sim_container *c;
	const struct sim_dma *dma;
	struct sim_file *f;
	long n = 0;

	sim_lock(sim);
	f = sim_file_lookup(sim, container_fd);
	if (!f || f->type != SIM_FILE_CONTAINER) {
		sim_unlock(sim);
		return -EBADF;
	}
	c = f->u.container;
	/* the lowest mapping that ends at or after 0, then each next, in IOVA order */
	for (dma = dma_tree_first(&c->dma, 0, 0); dma; dma = dma_tree_next(&c->dma, dma)) {
		if (out && (size_t)n < max)
			out[n] = (struct vfio_sim_mapping){
				.iova = dma->iova,
				.size = dma->size,
				.vaddr = dma->vaddr,
				.flags = dma->prot,
				.vaddr_invalid = dma->vaddr_invalid,
			};
		n++;
	}
	sim_unlock(sim);
	return n;
}

static void describe(const struct sim_file *f, struct vfio_sim_handle *h)
{
	memset(h, 0, sizeof(*h));
	h->fd = f->fd;
	switch (f->type) {
	case SIM_FILE_CONTAINER:
		h->kind = VFIO_SIM_HANDLE_CONTAINER;
		snprintf(h->name, sizeof(h->name), "/dev/vfio/vfio");
		break;
	case SIM_FILE_GROUP:
		h->kind = VFIO_SIM_HANDLE_GROUP;
		h->group = f->u.group->id;
		snprintf(h->name, sizeof(h->name),
			 f->u.group->sim->noiommu ? "/dev/vfio/noiommu-%u" : "/dev/vfio/%u",
			 h->group);
		break;
	case SIM_FILE_DEVICE:
		h->kind = VFIO_SIM_HANDLE_DEVICE;
		h->group = f->u.device->group->id;
		snprintf(h->name, sizeof(h->name), "%s", f->u.device->name);
		break;
	case SIM_FILE_KVM:
		h->kind = VFIO_SIM_HANDLE_KVM;
		snprintf(h->name, sizeof(h->name), "kvm-vfio");
		break;
	case SIM_FILE_IOMMUFD:
		h->kind = VFIO_SIM_HANDLE_IOMMUFD;
		snprintf(h->name, sizeof(h->name), "/dev/iommu");
		break;
	}
}

size_t vfio_sim_handles(struct vfio_sim *sim, struct vfio_sim_handle *out, size_t max)
{
	size_t i, n = 0;

	sim_lock(sim);
	for (i = 0; i < sim->nslots; i++) {
		if (!sim->slots[i])
			continue;
		if (out && n < max)
			describe(sim->slots[i], &out[n]);
		n++;
	}
	sim_unlock(sim);
	return n;
}

int vfio_sim_irq_index_state(struct vfio_sim_device *d, unsigned int index,
			     struct vfio_sim_irq_index_state *out)
{
	struct vfio_sim *sim = d->group->sim;
	struct vfio_sim_irq_state v;
	struct sim_irq *q;
	uint32_t i;
	int ret = 0;

	if (!out)
		return -EINVAL;
	sim_lock(sim);
	q = sim_irq_of(d, index);
	if (!q) {
		ret = -EINVAL;
		goto out;
	}
	memset(out, 0, sizeof(*out));
	out->count = q->count;
	out->flags = q->flags;
	out->enabled = q->active;
	for (i = 0; i < q->count; i++) {
		vfio_sim_irq_state(d, index, i, &v); /* the lock is recursive */
		out->eventfds += v.has_eventfd;
		out->masked += v.masked;
		out->pending += v.pending;
		out->fired += v.fired;
	}
out:
	sim_unlock(sim);
	return ret;
}
