// SPDX-License-Identifier: MIT
/*
 * The IOMMU fault log: each device access that faulted, with the IOVA where it
 * faulted and why, kept in a ring of the last VFIO_SIM_FAULT_LOG_CAPACITY.
 * On a host the IOMMU driver logs such faults (the DMAR lines of the kernel
 * log); type1 tells userspace nothing, so this is the test's view only.
 *
 * The access itself is iommu.c's; the fault is placed afterwards, with the
 * lock still held, by walking the same table the access walked.
 */

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_private.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Is [va, va + len) of the process accessible (for write when @advice says so)? */
static bool mem_ok(uint64_t va, uint64_t len, int advice)
{
	return !len || !madvise((void *)(uintptr_t)va, (size_t)len, advice);
}

/*
 * Where in [va, va + len) the process memory first fails the access: the
 * offset of the first page that is gone (0 when the piece's first page is),
 * or @len when none is.  A binary search on the accessible prefix, which only
 * shrinks as it grows.  Without MADV_POPULATE_* (Linux before 5.14) the
 * kernel cannot tell: the piece's start.
 */
static uint64_t first_gone(uint64_t va, uint64_t len, bool write)
{
	int advice = write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
	long sz = sysconf(_SC_PAGESIZE);
	uint64_t pg = sz > 0 ? (uint64_t)sz : SIM_PAGE_SIZE; /* the process's pages */
	uint64_t start = va & ~(pg - 1), pages, lo, hi;
	int saved = errno;

	pages = (va + len - start + pg - 1) / pg;
	if (madvise((void *)(uintptr_t)start, 0, advice)) { /* the advice is unknown */
		errno = saved;
		return 0;
	}
	if (mem_ok(start, pages * pg, advice)) {
		errno = saved;
		return len;
	}
	/* the first lo pages are fine, the first hi are not */
	lo = 0;
	hi = pages;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (mem_ok(start, mid * pg, advice))
			lo = mid;
		else
			hi = mid;
	}
	errno = saved;
	return lo ? start + lo * pg - va : 0;
}

/* Why the access of [iova, iova + len) faulted, and where first. */
static void place_fault(struct vfio_sim_device *d, struct vfio_sim_fault *f)
{
	uint32_t need = f->write ? VFIO_DMA_MAP_FLAG_WRITE : VFIO_DMA_MAP_FLAG_READ;
	uint64_t at = f->iova, left = f->len;
	int why;
	const struct sim_dma_tree *t = sim_device_dma_table(d, &why);

	f->reason = VFIO_SIM_FAULT_MEMORY_GONE; /* unless the walk finds more */
	f->fault_iova = f->iova;
	if (!t && why) { /* no translation at all: blocked, or noiommu */
		f->reason = (enum vfio_sim_fault_reason)why;
		return;
	}
	while (left && t) {
		struct sim_dma_cursor cur;
		const struct sim_dma *dma = dma_tree_lookup(t, at, &cur);
		uint64_t off, chunk, gone;

		if (!dma || !(dma->prot & need)) {
			f->reason = dma ? VFIO_SIM_FAULT_PERMISSION : VFIO_SIM_FAULT_UNMAPPED;
			f->fault_iova = at;
			return;
		}
		off = at - dma->iova;
		chunk = dma->size - off < left ? dma->size - off : left;
		gone = first_gone(dma->vaddr + off, chunk, f->write);
		if (gone < chunk) {
			f->fault_iova = at + gone;
			return;
		}
		at += chunk;
		left -= chunk;
		if (left && !at) { /* past the top of the address space */
			f->reason = VFIO_SIM_FAULT_UNMAPPED;
			f->fault_iova = 0;
			return;
		}
	}
}

static void log_fault(struct vfio_sim *sim, const struct vfio_sim_fault *f)
{
	struct sim_fault_log *log = &sim->faultlog;

	if (log->count == VFIO_SIM_FAULT_LOG_CAPACITY) {
		log->first = (log->first + 1) % VFIO_SIM_FAULT_LOG_CAPACITY;
		log->count--;
		log->dropped++;
	}
	log->ring[(log->first + log->count) % VFIO_SIM_FAULT_LOG_CAPACITY] = *f;
	log->count++;
}

int sim_dma_access(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len, bool write,
		   sim_dma_rw_fn rw)
{
	struct vfio_sim *sim = d->group->sim;
	int ret = -ENODEV; /* a device that went does no DMA */

	sim_lock(sim); /* recursive: @rw takes it again, and the table stays as @rw saw it */
	if (d->state != VFIO_SIM_DEVICE_GONE)
		ret = rw(d, iova, buf, len, write);
	if (ret == -EFAULT) {
		struct vfio_sim_fault f = {
			.seq = sim->faults ? sim->faults - 1 : 0, /* @rw counted it */
			.device = d,
			.iova = iova,
			.len = len,
			.write = write,
		};

		place_fault(d, &f);
		log_fault(sim, &f);
	}
	sim_unlock(sim);
	return ret;
}

size_t vfio_sim_fault_log_count(struct vfio_sim *sim)
{
	size_t n;

	sim_lock(sim);
	n = sim->faultlog.count;
	sim_unlock(sim);
	return n;
}

int vfio_sim_fault_log_get(struct vfio_sim *sim, size_t i, struct vfio_sim_fault *out)
{
	const struct sim_fault_log *log = &sim->faultlog;
	int ret = 0;

	if (!out)
		return -EINVAL;
	sim_lock(sim);
	if (i >= log->count)
		ret = -ENOENT;
	else
		*out = log->ring[(log->first + i) % VFIO_SIM_FAULT_LOG_CAPACITY];
	sim_unlock(sim);
	return ret;
}

uint64_t vfio_sim_fault_log_dropped(struct vfio_sim *sim)
{
	uint64_t n;

	sim_lock(sim);
	n = sim->faultlog.dropped;
	sim_unlock(sim);
	return n;
}

void vfio_sim_fault_log_clear(struct vfio_sim *sim)
{
	sim_lock(sim);
	sim->faultlog.first = 0;
	sim->faultlog.count = 0;
	sim->faultlog.dropped = 0;
	sim_unlock(sim);
}
