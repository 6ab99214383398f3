// SPDX-License-Identifier: MIT
/*
 * Type1's locked-memory account (drivers/vfio/vfio_iommu_type1.c): MAP_DMA
 * pins the mapping's pages and adds them to the process's locked_vm
 * (vfio_pin_pages_remote(), vfio_lock_acct()), refusing with ENOMEM a pin
 * that would take it past RLIMIT_MEMLOCK unless the task has CAP_IPC_LOCK;
 * unmapping a mapping (vfio_unmap_unpin()) and releasing the IOMMU
 * (vfio_iommu_unmap_unpin_all()) give its pages back.  Each mapping counts its
 * own pages, so two mappings of the same memory count it twice, as there.
 * The account is the process's (the sim's), shared by its containers.
 */

#include <errno.h>

#include "sim_private.h"

static uint64_t pages_of(uint64_t size)
{
	return size / SIM_PAGE_SIZE; /* MAP_DMA sizes are whole pages */
}

/* A new mapping of @size bytes pins its pages: 0, or -ENOMEM past the limit. */
int sim_locked_charge(struct sim_container *c, uint64_t size)
{
	struct vfio_sim *sim = c->sim;
	uint64_t n = pages_of(size);

	/* mm->locked_vm + lock_acct + 1 > limit, page by page */
	if (sim->locked_limit_pages != UINT64_MAX &&
	    (n > sim->locked_limit_pages || sim->locked_pages > sim->locked_limit_pages - n))
		return -ENOMEM;
	sim->locked_pages += n;
	c->locked_pages += n;
	return 0;
}

/* A mapping of @size bytes went: its pages are unpinned. */
void sim_locked_uncharge(struct sim_container *c, uint64_t size)
{
	uint64_t n = pages_of(size);

	if (n > c->locked_pages) /* never: every mapping was charged */
		n = c->locked_pages;
	c->locked_pages -= n;
	c->sim->locked_pages -= n;
}

/* The container's IOMMU is released with all its mappings. */
void sim_locked_release(struct sim_container *c)
{
	c->sim->locked_pages -= c->locked_pages;
	c->locked_pages = 0;
}

void vfio_sim_set_locked_memory_limit(struct vfio_sim *sim, uint64_t bytes)
{
	sim_lock(sim);
	sim->locked_limit_pages =
		bytes == VFIO_SIM_LOCKED_MEMORY_UNLIMITED ? UINT64_MAX : bytes / SIM_PAGE_SIZE;
	sim_unlock(sim);
}

uint64_t vfio_sim_locked_memory(struct vfio_sim *sim)
{
	uint64_t n;

	sim_lock(sim);
	n = sim->locked_pages * SIM_PAGE_SIZE;
	sim_unlock(sim);
	return n;
}

uint64_t vfio_sim_iommufd_locked_memory(struct vfio_sim *sim)
{
	uint64_t n;

	sim_lock(sim);
	n = sim->user_locked_pages * SIM_PAGE_SIZE;
	sim_unlock(sim);
	return n;
}
