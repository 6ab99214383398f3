// SPDX-License-Identifier: MIT
/*
 * The device side's DMA: a device model's reads and writes of IOVAs, through
 * the mapping table of the device's IOAS (iommufd) or container (type1), as
 * the IOMMU translates them; what it refuses is an IOMMU fault (faultlog.c).
 */

#include <errno.h>
#include <sys/uio.h>

#include "sim_private.h"

/*
 * A device access is copied (vmcopy.c) for up to DMA_IOV pieces of process
 * memory (adjacent pieces merge) and DMA_BATCH bytes at a time: one memory-map
 * query or one syscall per access and memory area rather than per mapping.
 */
#define DMA_IOV 64
#define DMA_BATCH (1ULL << 30) /* below the kernel's MAX_RW_COUNT */

/*
 * The table @d's DMA translates through: its IOAS when it is attached to one,
 * else its container's.  NULL with *why a fault reason when the IOMMU refuses
 * all of its DMA (bound to an iommufd but not attached: the blocking domain;
 * noiommu: no translation the sim can model), NULL with *why 0 when the device
 * is in no container at all.
 */
struct sim_dma_tree *sim_device_dma_table(struct vfio_sim_device *d, int *why)
{
	struct sim_container *c = d->group->container;

	*why = 0;
	if (d->ioas)
		return &d->ioas->dma;
	if (d->ictx)
		*why = VFIO_SIM_FAULT_BLOCKED;
	else if (c && c->iommu_set && c->noiommu)
		*why = VFIO_SIM_FAULT_NOIOMMU;
	else if (c && c->iommu_set)
		return &c->dma;
	return NULL;
}

static int dma_rw(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len, bool write)
{
	struct vfio_sim *sim = d->group->sim;
	uint32_t need = write ? VFIO_DMA_MAP_FLAG_WRITE : VFIO_DMA_MAP_FLAG_READ;
	const struct sim_dma *dma = NULL;
	struct iovec remote[DMA_IOV];
	struct sim_dma_cursor cur;
	struct sim_dma_tree *t;
	uint8_t *p = buf, *batch = buf;
	size_t batched = 0;
	unsigned int n = 0;
	bool gone = false;
	int ret = 0, why;

	sim_lock(sim);
	t = sim_device_dma_table(d, &why);
	if (!t) {
		ret = why ? -EFAULT : -ENODEV;
		if (why)
			sim->faults++;
		goto out;
	}
	while (len) {
		uint64_t off, chunk, va;

		/* the mapping that holds iova: the same one, the next one, or a search */
		if (dma && iova - dma->iova >= dma->size) {
			dma = dma_tree_cursor_next(&cur);
			if (dma && dma->iova != iova)
				dma = NULL;
		} else if (!dma) {
			dma = dma_tree_lookup(t, iova, &cur);
		}
		if (!dma || !(dma->prot & need)) {
			ret = -EFAULT;
			break;
		}
		off = iova - dma->iova;
		chunk = dma->size - off < len ? dma->size - off : len;
		if (chunk > DMA_BATCH - batched)
			chunk = DMA_BATCH - batched;
		va = dma->vaddr + off;
		if (n &&
		    (uint64_t)(uintptr_t)remote[n - 1].iov_base + remote[n - 1].iov_len == va) {
			remote[n - 1].iov_len += (size_t)chunk;
		} else {
			remote[n].iov_base = (void *)(uintptr_t)va;
			remote[n].iov_len = (size_t)chunk;
			n++;
		}
		batched += (size_t)chunk;
		p += chunk;
		len -= (size_t)chunk;
		iova += chunk;
		if (n == DMA_IOV || batched == DMA_BATCH) {
			ret = sim_vm_copy(sim, batch, batched, remote, n, write);
			gone = ret;
			n = 0;
			batched = 0;
			batch = p;
			if (ret)
				break;
		}
		if (len && !iova) { /* ran off the top of the address space */
			ret = -EFAULT;
			break;
		}
	}
	if (n) { /* what came before a fault is copied, as the IOMMU would have */
		int r = sim_vm_copy(sim, batch, batched, remote, n, write);

		gone = r;
		if (!ret)
			ret = r;
	}
	if (gone) /* memory a mapping pinned is gone: trust no pin any more */
		dma_tree_unpin_all(t);
	if (ret == -EFAULT)
		sim->faults++;
out:
	sim_unlock(sim);
	return ret;
}

int vfio_sim_dma_read(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len)
{
	return sim_dma_access(d, iova, buf, len, false, dma_rw); /* faults logged (faultlog.c) */
}

int vfio_sim_dma_write(struct vfio_sim_device *d, uint64_t iova, const void *buf, size_t len)
{
	return sim_dma_access(d, iova, (void *)(uintptr_t)buf, len, true, dma_rw);
}

uint64_t vfio_sim_iommu_faults(struct vfio_sim *sim)
{
	uint64_t n;

	sim_lock(sim);
	n = sim->faults;
	sim_unlock(sim);
	return n;
}
