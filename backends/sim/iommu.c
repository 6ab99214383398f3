// SPDX-License-Identifier: MIT
/*
 * Containers and the type1 IOMMU: the container ioctls (drivers/vfio/container.c)
 * and the type1 driver's (drivers/vfio/vfio_iommu_type1.c); the noiommu driver's
 * few answers.  The device side's DMA through the mapping table is dma_rw.c's.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sim_private.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define SIM_PGSIZE SIM_PAGE_SIZE
/* type1's migration cap: DIRTY_BITMAP_BYTES(INT_MAX pages) */
#define SIM_DIRTY_BITMAP_SIZE_MAX (((0x7fffffffULL + 63) & ~63ULL) / 8)

#define MAP_MINSZ (offsetof(struct vfio_iommu_type1_dma_map, size) + sizeof(uint64_t))
#define UNMAP_MINSZ (offsetof(struct vfio_iommu_type1_dma_unmap, size) + sizeof(uint64_t))
#define INFO_MINSZ (offsetof(struct vfio_iommu_type1_info, iova_pgsizes) + sizeof(uint64_t))

int sim_container_open(struct vfio_sim *sim)
{
	struct sim_container *c;
	struct sim_file *f;
	int fd, ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	fd = sim_memfd("vfio-container");
	if (fd < 0) {
		free(c);
		return fd;
	}
	ret = sim_file_new(sim, SIM_FILE_CONTAINER, fd, &f);
	if (ret) {
		sim_close_fd(&fd);
		free(c);
		return ret;
	}
	f->u.container = c;
	c->file = f;
	c->sim = sim;
	c->next = sim->containers;
	sim->containers = c;
	return fd;
}

/* The last group left: the container is deprivileged, its IOMMU released. */
void sim_container_release_iommu(struct sim_container *c)
{
	dma_tree_clear(&c->dma);
	sim_locked_release(c); /* vfio_iommu_unmap_unpin_all: the pins go */
	c->iommu_set = false;
	c->v2 = false;
	c->dma_avail = 0;
}

void sim_container_put(struct sim_container *c)
{
	struct sim_container **p;

	if (c->file || c->ngroups)
		return;
	for (p = &c->sim->containers; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	sim_container_release_iommu(c);
	free(c);
}

static struct sim_container *container_get(struct vfio_sim *sim, int fd, int *err)
{
	struct sim_file *f = sim_file_lookup(sim, fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->type != SIM_FILE_CONTAINER) {
		*err = sim_wrong_handle(f);
		return NULL;
	}
	return f->u.container;
}

/* A container whose IOMMU driver takes the ioctl: type1 must be set, @arg readable. */
static struct sim_container *container_iommu(struct vfio_sim *sim, int fd, const void *arg,
					     int *err)
{
	struct sim_container *c = container_get(sim, fd, err);

	if (!c)
		return NULL;
	if (!c->iommu_set) {
		*err = -EINVAL; /* no driver: the container answers EINVAL itself */
		return NULL;
	}
	if (c->noiommu) {
		*err = -ENOTTY; /* the noiommu driver answers only CHECK_EXTENSION */
		return NULL;
	}
	if (!arg) {
		*err = -EFAULT; /* copy_from_user */
		return NULL;
	}
	return c;
}

int sim_get_api_version(struct vfio_backend *be, int fd)
{
	struct vfio_sim *sim = sim_of(be);
	int ret = 0;

	sim_lock(sim);
	if (container_get(sim, fd, &ret))
		ret = VFIO_API_VERSION;
	sim_unlock(sim);
	return ret;
}

/* What type1 answers to CHECK_EXTENSION (@set: it is the container's driver). */
static int type1_extension(unsigned long ext, bool set)
{
	switch (ext) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
	case VFIO_TYPE1_NESTING_IOMMU:
	case VFIO_UNMAP_ALL:
		return 1;
	case VFIO_UPDATE_VADDR:
		return set; /* type1 answers for an opened IOMMU only */
	default:
		/* DMA_CC_IOMMU: VT-d without snoop control (QEMU's default) */
		return 0;
	}
}

/*
 * The container asks its driver, or without one every driver it may use
 * (vfio_iommu_driver_allowed: noiommu groups only the noiommu driver, real
 * groups only the others), the first that claims the extension answering.
 * The noiommu driver claims VFIO_NOIOMMU_IOMMU only in noiommu mode; type1
 * is loaded in either mode.
 */
int sim_check_extension(struct vfio_backend *be, int fd, unsigned long ext)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	bool any;
	int ret = 0;

	sim_lock(sim);
	c = container_get(sim, fd, &ret);
	if (c) {
		any = !c->ngroups;
		if (c->iommu_set && c->noiommu)
			ret = ext == VFIO_NOIOMMU_IOMMU;
		else if (c->iommu_set)
			ret = type1_extension(ext, true);
		else if ((any || c->noiommu) && sim->noiommu && ext == VFIO_NOIOMMU_IOMMU)
			ret = 1;
		else
			ret = any || !c->noiommu ? type1_extension(ext, false) : 0;
	}
	sim_unlock(sim);
	return ret;
}

int sim_set_iommu(struct vfio_backend *be, int fd, unsigned long type)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	c = container_get(sim, fd, &ret);
	if (!c)
		goto out;
	if (!c->ngroups || c->iommu_set) {
		ret = -EINVAL;
		goto out;
	}
	if (c->noiommu) { /* only the noiommu driver may serve noiommu groups */
		if (type == VFIO_NOIOMMU_IOMMU)
			c->iommu_set = true; /* CAP_SYS_RAWIO: the sim grants it */
		else
			ret = -ENODEV;
		goto out;
	}
	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
		c->iommu_set = true;
		c->v2 = type == VFIO_TYPE1v2_IOMMU;
		c->dma_avail = sim->dma_entry_limit; /* read at open, as the module param */
		break;
	case VFIO_TYPE1_NESTING_IOMMU: /* attach fails: VT-d has no enable_nesting */
	case VFIO_UNMAP_ALL:	       /* type1 claims the extension, its open refuses it */
		ret = -EINVAL;
		break;
	default: /* no IOMMU driver claims it */
		ret = -ENODEV;
		break;
	}
out:
	sim_unlock(sim);
	return ret;
}

static void build_info_caps(struct vfio_sim *sim, const struct sim_container *c,
			    struct sim_caps *caps)
{
	struct vfio_iommu_type1_info_cap_migration *mig;
	struct vfio_iommu_type1_info_dma_avail *avail;
	struct vfio_iommu_type1_info_cap_iova_range *iova;
	uint32_t i;

	mig = sim_caps_add(caps, sizeof(*mig), VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1);
	if (mig) {
		mig->flags = 0;
		mig->pgsize_bitmap = SIM_PGSIZE;
		mig->max_dirty_bitmap_size = SIM_DIRTY_BITMAP_SIZE_MAX;
	}
	avail = sim_caps_add(caps, sizeof(*avail), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1);
	if (avail)
		avail->avail = c->dma_avail;
	if (!sim->nr_ranges)
		return; /* no ranges: no capability, any IOVA is valid */
	iova = sim_caps_add(caps, sizeof(*iova) + sim->nr_ranges * sizeof(iova->iova_ranges[0]),
			    VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	if (!iova)
		return;
	iova->nr_iovas = sim->nr_ranges;
	for (i = 0; i < sim->nr_ranges; i++)
		iova->iova_ranges[i] = sim->ranges[i];
}

int sim_iommu_get_info(struct vfio_backend *be, int fd, struct vfio_iommu_type1_info *info)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_iommu_type1_info out = { 0 };
	struct sim_caps caps = { 0 };
	struct sim_container *c;
	size_t copy;
	int ret = 0;

	sim_lock(sim);
	c = container_iommu(sim, fd, info, &ret);
	if (!c)
		goto out;
	memcpy(&out, info, INFO_MINSZ);
	if (out.argsz < INFO_MINSZ) {
		ret = -EINVAL;
		goto out;
	}
	copy = out.argsz < sizeof(out) ? out.argsz : sizeof(out);
	out.flags = VFIO_IOMMU_INFO_PGSIZES;
	out.iova_pgsizes = SIM_PGSIZE;
	build_info_caps(sim, c, &caps);
	if (caps.err) {
		ret = caps.err;
		goto out;
	}
	if (caps.size) {
		out.flags |= VFIO_IOMMU_INFO_CAPS;
		if (out.argsz < sizeof(out) + caps.size) {
			out.argsz = (uint32_t)(sizeof(out) + caps.size);
		} else {
			sim_caps_shift(&caps, sizeof(out));
			memcpy(info + 1, caps.buf, caps.size);
			out.cap_offset = sizeof(out);
		}
	}
	memcpy(info, &out, copy);
out:
	sim_caps_free(&caps);
	sim_unlock(sim);
	return ret;
}

static bool iova_valid(const struct vfio_sim *sim, uint64_t first, uint64_t last)
{
	uint32_t i;

	for (i = 0; i < sim->nr_ranges; i++)
		if (first >= sim->ranges[i].start && last <= sim->ranges[i].end)
			return true;
	return !sim->nr_ranges;
}

/* Pinning fails on an address range that is not mapped in the process. */
static bool vaddr_mapped(uint64_t vaddr, uint64_t size)
{
	long pg = sysconf(_SC_PAGESIZE);
	int saved = errno;
	bool ok;

	if (pg <= 0 || (vaddr | size) & (uint64_t)(pg - 1))
		return true; /* cannot ask msync; assume mapped */
	ok = !msync((void *)(uintptr_t)vaddr, size, MS_ASYNC) || errno != ENOMEM;
	errno = saved;
	return ok;
}

/*
 * Pinning for write (a WRITE mapping) fails on memory the process may not write,
 * and pinning for read on memory it may not read (PROT_NONE): the kernel's
 * pin_user_pages(FOLL_WRITE) answers EFAULT.  MADV_POPULATE_WRITE/READ (Linux
 * 5.14) fault the pages in as the pin does (allocating them, breaking COW) and
 * fail where it would; on an older kernel the advice is unknown and nothing is
 * checked.
 */
static bool vaddr_pinnable(uint64_t vaddr, uint64_t size, uint32_t prot)
{
	int advice = (prot & VFIO_DMA_MAP_FLAG_WRITE) ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
	void *p = (void *)(uintptr_t)vaddr;
	int saved = errno;
	bool ok = true;

	if (!madvise(p, 0, advice)) /* an empty range: is the advice known? */
		ok = !madvise(p, (size_t)size, advice);
	errno = saved;
	return ok;
}

/* Would pinning [vaddr, vaddr + size) (whole pages) for @prot succeed? */
bool sim_pin_check(const struct sim_dma_tree *t, uint64_t vaddr, uint64_t size, uint32_t prot)
{
	return dma_tree_pinned(t, vaddr, size, prot) ||
	       (vaddr_mapped(vaddr, size) && vaddr_pinnable(vaddr, size, prot));
}

static int do_map(struct vfio_sim *sim, struct sim_container *c,
		  const struct vfio_iommu_type1_dma_map *map)
{
	bool set_vaddr = map->flags & VFIO_DMA_MAP_FLAG_VADDR;
	uint32_t prot = map->flags & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	uint64_t iova = map->iova, vaddr = map->vaddr, size = map->size;
	struct sim_dma *dma;
	int ret;

	if ((prot && set_vaddr) || (!prot && !set_vaddr))
		return -EINVAL;
	if (!size || (size | iova | vaddr) & (SIM_PGSIZE - 1))
		return -EINVAL;
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		return -EINVAL;
	dma = dma_tree_find(&c->dma, iova, size);
	if (set_vaddr) {
		if (!dma)
			return -ENOENT;
		if (!dma->vaddr_invalid || dma->iova != iova || dma->size != size)
			return -EINVAL;
		dma->vaddr = vaddr;
		dma->vaddr_invalid = false;
		return 0;
	}
	if (dma)
		return -EEXIST;
	if (!c->dma_avail)
		return -ENOSPC;
	if (!iova_valid(sim, iova, iova + size - 1))
		return -EINVAL;
	/*
	 * Memory that live mappings pinned (for write, for a WRITE mapping) is
	 * not asked about again: the syscalls cost a microsecond a map.  What
	 * that takes on trust is in dma_tree.c.
	 */
	if (!sim_pin_check(&c->dma, vaddr, size, prot))
		return -EFAULT;
	ret = sim_locked_charge(c, size); /* RLIMIT_MEMLOCK: ENOMEM (limits.c) */
	if (ret)
		return ret;
	ret = dma_tree_insert(&c->dma, &(struct sim_dma){ .iova = iova,
							   .size = size,
							   .vaddr = vaddr,
							   .prot = prot,
							   .pinned = true });
	if (ret) {
		sim_locked_uncharge(c, size);
		return ret;
	}
	c->dma_avail--;
	return 0;
}

int sim_map_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_map *map)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	c = container_iommu(sim, fd, map, &ret);
	if (!c)
		goto out;
	if (map->argsz < MAP_MINSZ ||
	    map->flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE |
			   VFIO_DMA_MAP_FLAG_VADDR))
		ret = -EINVAL;
	else
		ret = do_map(sim, c, map);
out:
	sim_unlock(sim);
	return ret;
}

static int do_unmap(struct sim_container *c, struct vfio_iommu_type1_dma_unmap *unmap)
{
	bool all = unmap->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	bool invalidate = unmap->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	uint64_t iova = unmap->iova, size = unmap->size, unmapped = 0;
	struct sim_dma *dma, *first;

	if (iova & (SIM_PGSIZE - 1))
		return -EINVAL;
	if (all) {
		if (iova || size)
			return -EINVAL;
		size = UINT64_MAX;
	} else if (!size || size & (SIM_PGSIZE - 1) || iova + size - 1 < iova) {
		return -EINVAL;
	}
	/* v2: the range may not cut a mapping in two */
	if (c->v2 && !all) {
		dma = dma_tree_find(&c->dma, iova, 1);
		if (dma && dma->iova != iova)
			return -EINVAL;
		dma = dma_tree_find(&c->dma, iova + size - 1, 0);
		if (dma && dma->iova + dma->size != iova + size)
			return -EINVAL;
	}
	first = dma = dma_tree_first(&c->dma, iova, size);
	while (dma) {
		if (dma->iova >= iova + size)
			break;
		/* v1: a range that starts inside a mapping unmaps nothing */
		if (!c->v2 && iova > dma->iova)
			break;
		if (invalidate) {
			if (dma->vaddr_invalid) {
				struct sim_dma *n;

				for (n = first; n && n != dma; n = dma_tree_next(&c->dma, n))
					n->vaddr_invalid = false;
				return -EINVAL;
			}
			dma->vaddr_invalid = true;
			dma_tree_unpin(&c->dma, dma); /* the old memory may go now */
			unmapped += dma->size;
			dma = dma_tree_next(&c->dma, dma);
		} else {
			unmapped += dma->size;
			sim_locked_uncharge(c, dma->size); /* vfio_unmap_unpin */
			/* a removal moves entries: it answers the next one */
			dma = dma_tree_remove(&c->dma, dma);
			c->dma_avail++;
		}
	}
	unmap->size = unmapped;
	return 0;
}

int sim_unmap_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_unmap *unmap)
{
	const uint32_t mask = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_VADDR |
			      VFIO_DMA_UNMAP_FLAG_ALL;
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	c = container_iommu(sim, fd, unmap, &ret);
	if (!c)
		goto out;
	if (unmap->argsz < UNMAP_MINSZ || unmap->flags & ~mask)
		ret = -EINVAL;
	else if (unmap->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
		ret = -EINVAL; /* dirty tracking is never started: always refused */
	else
		ret = do_unmap(c, unmap);
out:
	sim_unlock(sim);
	return ret;
}

long vfio_sim_dma_count(struct vfio_sim *sim, int container_fd)
{
	struct sim_file *f;
	long n = -EBADF;

	sim_lock(sim);
	f = sim_file_lookup(sim, container_fd);
	if (f && f->type == SIM_FILE_CONTAINER)
		n = (long)f->u.container->dma.count;
	sim_unlock(sim);
	return n;
}

void vfio_sim_set_dma_entry_limit(struct vfio_sim *sim, uint32_t limit)
{
	sim_lock(sim);
	sim->dma_entry_limit = limit;
	sim_unlock(sim);
}
