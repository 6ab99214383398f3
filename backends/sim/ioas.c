// SPDX-License-Identifier: MIT
/*
 * The IOAS ioctls of /dev/iommu (drivers/iommu/iommufd/ioas.c and
 * io_pagetable.c): allocation, the IOVA ranges, map (at a fixed IOVA or one
 * the kernel picks) and unmap.  The objects, the domain and the accounting
 * are iommufd.c's.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_private.h"

#define HPAGE_SIZE (2ULL << 20) /* the IOVA allocator's largest alignment (THP) */

#define IOMMUFD_PROT_MAP (VFIO_ABI_IOAS_MAP_WRITEABLE | VFIO_ABI_IOAS_MAP_READABLE)

/* The lowest used interval (an area or, with a domain, a reserved one) ending at or after @pos. */
static bool used_next(const struct sim_ioas *io, uint64_t pos, uint64_t *s, uint64_t *l)
{
	const struct sim_dma *a = dma_tree_first(&io->dma, pos, 0);
	uint64_t rs, rl;
	bool r = io->hwpt_id && sim_resv_next(io->ictx->sim, pos, &rs, &rl);

	if (a && (!r || a->iova < rs)) {
		*s = a->iova;
		*l = a->iova + a->size - 1;
		return true;
	}
	if (r) {
		*s = rs;
		*l = rl;
	}
	return r;
}

/* iopt_alloc_iova: the first hole that fits, aligned as the kernel aligns it, never 0. */
static int alloc_iova(const struct sim_ioas *io, uint64_t uptr, uint64_t length, uint64_t *out)
{
	const uint64_t top = UINT64_MAX - SIM_PAGE_SIZE;
	uint64_t align = 1, pos = SIM_PAGE_SIZE, s, l, last, a;
	bool used;

	if (!length || length >= UINT64_MAX / 2)
		return -EOVERFLOW;
	while (align < length)
		align <<= 1;
	if (uptr && (uptr & -uptr) < align)
		align = uptr & -uptr;
	if (align >= HPAGE_SIZE)
		align = HPAGE_SIZE;
	if (align < sim_ioas_alignment(io))
		return -EINVAL;
	for (;;) {
		used = used_next(io, pos, &s, &l);
		if (!used || s > pos) {
			last = used && s - 1 < top ? s - 1 : top;
			a = (pos + align - 1) & ~(align - 1);
			a |= uptr % SIM_PAGE_SIZE;
			if (pos + align - 1 >= pos && a < last && last - a >= length - 1) {
				*out = a;
				return 0;
			}
		}
		if (!used || l >= top)
			return -ENOSPC;
		pos = l + 1;
	}
}

int sim_ioas_alloc(struct vfio_backend *be, int fd, struct vfio_abi_ioas_alloc *alloc)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_iommufd *ictx;
	struct sim_ioas *io;
	int ret = 0;

	sim_lock(sim);
	ictx = sim_iommufd_arg(sim, fd, alloc, sizeof(*alloc), &ret);
	if (!ictx)
		goto out;
	if (alloc->flags) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	io = calloc(1, sizeof(*io));
	if (!io) {
		ret = -ENOMEM;
		goto out;
	}
	io->ictx = ictx;
	io->id = sim_iommufd_id_alloc(ictx);
	if (!io->id) {
		free(io);
		ret = -EBUSY; /* xa_alloc: the 31-bit space is full */
		goto out;
	}
	io->next = ictx->ioas;
	ictx->ioas = io;
	alloc->out_ioas_id = io->id;
out:
	sim_unlock(sim);
	return ret;
}

/* An IOAS of the iommufd @fd, for an op whose struct has @minsz bytes and the IOAS id at @id. */
static struct sim_ioas *ioas_arg(struct vfio_sim *sim, int fd, const void *arg, size_t minsz,
				 const uint32_t *id, int *err)
{
	struct sim_iommufd *ictx = sim_iommufd_arg(sim, fd, arg, minsz, err);
	struct sim_ioas *io;

	if (!ictx)
		return NULL;
	io = sim_ioas_find(ictx, *id);
	if (!io)
		*err = -ENOENT;
	return io;
}

int sim_ioas_iova_ranges(struct vfio_backend *be, int fd, struct vfio_abi_ioas_iova_ranges *r)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_abi_iova_range one = { 0, UINT64_MAX };
	struct sim_iommufd *ictx;
	struct sim_ioas *io;
	uint32_t max, n, i;
	bool dom;
	int ret = 0;

	sim_lock(sim);
	ictx = sim_iommufd_arg(sim, fd, r, sizeof(*r), &ret);
	if (!ictx)
		goto out;
	if (r->reserved) {
		ret = -EOPNOTSUPP;
		goto out;
	}
	io = sim_ioas_find(ictx, r->ioas_id);
	if (!io) {
		ret = -ENOENT;
		goto out;
	}
	max = r->num_iovas;
	dom = io->hwpt_id && sim->nr_ranges; /* a domain and its reserved regions */
	n = dom ? sim->nr_ranges : 1;
	for (i = 0; i < n && i < max; i++) {
		if (dom) {
			one.start = sim->ranges[i].start;
			one.last = sim->ranges[i].end;
		}
		if (sim_copy_process(&one, r->allowed_iovas + i * sizeof(one), sizeof(one), true)) {
			ret = -EFAULT;
			goto out;
		}
	}
	r->num_iovas = n;
	r->out_iova_alignment = sim_ioas_alignment(io);
	if (n > max)
		ret = -EMSGSIZE; /* after the answer: num_iovas says the room to give */
out:
	sim_unlock(sim);
	return ret;
}

static int do_map(struct sim_ioas *io, struct vfio_abi_ioas_map *map)
{
	uint64_t iova = map->iova, len = map->length, va = map->user_va;
	uint32_t prot = 0;
	struct sim_dma a;
	int ret;

	/* iopt_alloc_pages */
	if (len > SIZE_MAX - SIM_PAGE_SIZE || !len)
		return -EINVAL;
	if (va + len < va)
		return -EOVERFLOW;
	if (len & (sim_ioas_alignment(io) - 1))
		return -EINVAL;
	if (map->flags & VFIO_ABI_IOAS_MAP_FIXED_IOVA) {
		/* iopt_check_iova */
		if (iova & (sim_ioas_alignment(io) - 1))
			return -EINVAL;
		if (iova + (len - 1) < iova || iova + (len - 1) == UINT64_MAX)
			return -EOVERFLOW; /* the top byte: see the report of the sim's limits */
		if (sim_resv_hits(io, iova, iova + len - 1))
			return -EINVAL;
		if (dma_tree_find(&io->dma, iova, len))
			return -EEXIST;
	} else {
		ret = alloc_iova(io, va, len, &iova);
		if (ret)
			return ret;
	}
	/* iopt_insert_area: the page offset of user_va must fit the alignment */
	if ((va % SIM_PAGE_SIZE) & (sim_ioas_alignment(io) - 1))
		return -EINVAL;
	if (map->flags & VFIO_ABI_IOAS_MAP_READABLE)
		prot |= VFIO_DMA_MAP_FLAG_READ;
	if (map->flags & VFIO_ABI_IOAS_MAP_WRITEABLE)
		prot |= VFIO_DMA_MAP_FLAG_WRITE;
	a = (struct sim_dma){ .iova = iova, .size = len, .vaddr = va, .prot = prot };
	if (io->hwpt_id) { /* a domain: the pages are pinned now */
		ret = sim_area_pin(io, &a);
		if (ret)
			return ret;
		a.pinned = !((va | len) & (SIM_PAGE_SIZE - 1));
	}
	ret = dma_tree_insert(&io->dma, &a);
	if (ret) {
		sim_area_unpin(io, &a);
		return ret;
	}
	map->iova = iova;
	return 0;
}

int sim_ioas_map(struct vfio_backend *be, int fd, struct vfio_abi_ioas_map *map)
{
	const uint32_t known = VFIO_ABI_IOAS_MAP_FIXED_IOVA | IOMMUFD_PROT_MAP;
	struct vfio_sim *sim = sim_of(be);
	struct sim_iommufd *ictx;
	struct sim_ioas *io;
	int ret = 0;

	sim_lock(sim);
	ictx = sim_iommufd_arg(sim, fd, map, sizeof(*map), &ret);
	if (!ictx)
		goto out;
	if ((map->flags & ~known) || map->reserved)
		ret = -EOPNOTSUPP;
	else if (map->iova == UINT64_MAX || map->length == UINT64_MAX)
		ret = -EOVERFLOW;
	else if (!(map->flags & IOMMUFD_PROT_MAP))
		ret = -EINVAL;
	else if (!(io = sim_ioas_find(ictx, map->ioas_id)))
		ret = -ENOENT;
	else
		ret = do_map(io, map);
out:
	sim_unlock(sim);
	return ret;
}

int sim_ioas_map_file(struct vfio_backend *be, int fd, struct vfio_abi_ioas_map_file *map)
{
	struct vfio_sim *sim = sim_of(be);
	int ret = 0;

	(void)map;
	sim_lock(sim);
	if (sim_iommufd_of(sim, fd, &ret))
		ret = -ENOTTY; /* 6.12 has no IOMMU_IOAS_MAP_FILE: not in its ioctl table */
	sim_unlock(sim);
	return ret;
}

/*
 * iopt_unmap_iova_range: the areas in [first, last] go in IOVA order until
 * one sticks out of the range (ENOENT; those before it are gone already).
 */
static int unmap_range(struct sim_ioas *io, uint64_t first, uint64_t last, uint64_t *unmapped)
{
	struct sim_dma *a = dma_tree_first(&io->dma, first, 0);

	*unmapped = 0;
	while (a && a->iova <= last) {
		if (a->iova < first || a->iova + a->size - 1 > last)
			return -ENOENT;
		*unmapped += a->size;
		sim_area_unpin(io, a);
		a = dma_tree_remove(&io->dma, a);
	}
	return 0;
}

int sim_ioas_unmap(struct vfio_backend *be, int fd, struct vfio_abi_ioas_unmap *unmap)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_ioas *io;
	uint64_t unmapped = 0;
	int ret = 0;

	sim_lock(sim);
	io = ioas_arg(sim, fd, unmap, sizeof(*unmap), unmap ? &unmap->ioas_id : NULL, &ret);
	if (!io)
		goto out;
	if (!unmap->iova && unmap->length == UINT64_MAX) {
		ret = unmap_range(io, 0, UINT64_MAX, &unmapped);
	} else if (unmap->iova == UINT64_MAX || unmap->length == UINT64_MAX) {
		ret = -EOVERFLOW;
	} else if (!unmap->length) {
		ret = -EINVAL;
	} else if (unmap->iova + (unmap->length - 1) < unmap->iova) {
		ret = -EOVERFLOW;
	} else {
		ret = unmap_range(io, unmap->iova, unmap->iova + unmap->length - 1, &unmapped);
		if (!ret && !unmapped)
			ret = -ENOENT;
	}
	if (!ret)
		unmap->length = unmapped;
out:
	sim_unlock(sim);
	return ret;
}
