// SPDX-License-Identifier: MIT
/*
 * DMA bookkeeping: the container's own list of live mappings, by ascending IOVA.
 * The list is the truth the kernel mirrors while a group is joined (legacy) or
 * always (iommufd: the IOAS lives as long as the container): a range is checked
 * against it before it reaches the kernel, and it is replayed into the kernel
 * when a group joins a container whose IOMMU was dropped.  Noiommu containers
 * map nothing.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "private.h"

/*
 * The checks of a map or an unmap are written once, as functions of @report
 * inlined twice: the call asks without @report first (no message is built,
 * and the compiler drops the formatting from that copy), and asks again with
 * it only when a check failed, so that the first failing check, in order,
 * writes the message.  A map plus an unmap is what a VMM calls most.
 */

/* Index of the first mapping that ends after @iova (nr_maps when none does). */
VFIO_ALWAYS_INLINE size_t first_ending_after(const struct vfio_container *c, uint64_t iova)
{
	size_t lo = 0, hi = c->nr_maps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vfio_dma_region *m = &c->maps[mid];

		if (m->iova + (m->size - 1) < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

VFIO_ALWAYS_INLINE int check_range(const char *what, uint64_t iova, uint64_t size, bool report)
{
	if (!size || iova % VFIO_PAGE_SIZE || size % VFIO_PAGE_SIZE || iova + (size - 1) < iova)
		return vfio_refuse(report, -EINVAL,
				   "%s " RANGE_FMT ": size 0, not 4 KiB aligned, or wraps", what,
				   iova, size);
	return 0;
}

/* Does the kernel hold the list now: an IOAS, or a Type1 IOMMU set by a group? */
static bool live(const struct vfio_container *c)
{
	return c->mode == VFIO_CONTAINER_IOMMUFD || c->iommu_type;
}

__attribute__((cold)) static int no_iommu(bool report, const char *what)
{
	return vfio_refuse(report, -ENODEV, "%s: a no-IOMMU container has no IOMMU, so nothing "
			   "to map: the device sees physical addresses", what);
}

static uint32_t ioas_flags(uint32_t prot)
{
	return VFIO_ABI_IOAS_MAP_FIXED_IOVA |
	       ((prot & VFIO_DMA_PROT_READ) ? VFIO_ABI_IOAS_MAP_READABLE : 0) |
	       ((prot & VFIO_DMA_PROT_WRITE) ? VFIO_ABI_IOAS_MAP_WRITEABLE : 0);
}

/* The kernel refused a map or an unmap: the message names the ioctl (cold, out of line). */
__attribute__((cold, noinline)) static int kernel_refused(const struct vfio_container *c, bool map,
							  uint64_t iova, uint64_t size, int err)
{
	/*
	 * On a native container every map and unmap is libc's ioctl (type1_map()
	 * and its kin): @err is its -1 and the answer is errno.  Read here, on the
	 * cold path, so that the callers stay small enough to inline.
	 */
	if (c->native)
		err = vfio_libc_error();
	if (c->mode == VFIO_CONTAINER_IOMMUFD)
		return vfio_fail(err, "%s " RANGE_FMT " in IOAS %u",
				 map ? "IOMMU_IOAS_MAP" : "IOMMU_IOAS_UNMAP", iova, size,
				 c->ioas_id);
	return vfio_fail(err, "%s " RANGE_FMT, map ? "VFIO_IOMMU_MAP_DMA" : "VFIO_IOMMU_UNMAP_DMA",
			 iova, size);
}

static inline int type1_map(struct vfio_container *c, const struct vfio_dma_region *r)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = ((r->prot & VFIO_DMA_PROT_READ) ? VFIO_DMA_MAP_FLAG_READ : 0) |
			 ((r->prot & VFIO_DMA_PROT_WRITE) ? VFIO_DMA_MAP_FLAG_WRITE : 0),
		.vaddr = (uint64_t)(uintptr_t)r->vaddr,
		.iova = r->iova,
		.size = r->size,
	};
	int ret = c->native ? ioctl(c->fd, VFIO_IOMMU_MAP_DMA, &map)
			    : BE_CALL(c->be, iommu_map_dma, c->fd, &map);

	return ret < 0 ? kernel_refused(c, true, r->iova, r->size, ret) : 0;
}

static inline int ioas_map(struct vfio_container *c, const struct vfio_dma_region *r)
{
	struct vfio_abi_ioas_map m = {
		.size = sizeof(m),
		.flags = ioas_flags(r->prot),
		.ioas_id = c->ioas_id,
		.user_va = (uint64_t)(uintptr_t)r->vaddr,
		.length = r->size,
		.iova = r->iova,
	};
	int ret = c->native ? ioctl(c->fd, VFIO_ABI_IOAS_MAP, &m)
			    : BE_CALL(c->be, ioas_map, c->fd, &m);

	return ret < 0 ? kernel_refused(c, true, r->iova, r->size, ret) : 0;
}

static inline int kernel_map(struct vfio_container *c, const struct vfio_dma_region *r)
{
	return c->mode == VFIO_CONTAINER_IOMMUFD ? ioas_map(c, r) : type1_map(c, r);
}

/* A file's pages, @fd from @offset, to r->iova (iommufd mode). */
static int kernel_map_file(struct vfio_container *c, const struct vfio_dma_region *r, int fd,
			   uint64_t offset)
{
	struct vfio_abi_ioas_map_file m = {
		.size = sizeof(m),
		.flags = ioas_flags(r->prot),
		.ioas_id = c->ioas_id,
		.fd = fd,
		.start = offset,
		.length = r->size,
		.iova = r->iova,
	};
	int ret = BE_CALL(c->be, ioas_map_file, c->fd, &m);

	if (ret == -ENOTTY)
		return vfio_fail(-EOPNOTSUPP, "IOMMU_IOAS_MAP_FILE " RANGE_FMT ": the kernel lacks "
				 "it (Linux 6.13 or later has it)", r->iova, r->size);
	if (ret < 0)
		return vfio_fail(ret, "IOMMU_IOAS_MAP_FILE " RANGE_FMT " of fd %d at 0x%" PRIx64
				 " in IOAS %u", r->iova, r->size, fd, offset, c->ioas_id);
	return 0;
}

static inline int type1_unmap(struct vfio_container *c, uint64_t iova, uint64_t size, uint32_t flags,
		       uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .flags = flags, .iova = iova, .size = size
	};
	int ret = c->native ? ioctl(c->fd, VFIO_IOMMU_UNMAP_DMA, &unmap)
			    : BE_CALL(c->be, iommu_unmap_dma, c->fd, &unmap);

	if (ret < 0)
		return kernel_refused(c, false, iova, size, ret);
	*unmapped = unmap.size;
	return 0;
}

static inline int ioas_unmap(struct vfio_container *c, uint64_t iova, uint64_t size, uint64_t *unmapped)
{
	struct vfio_abi_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = c->ioas_id, .iova = iova, .length = size
	};
	int ret = c->native ? ioctl(c->fd, VFIO_ABI_IOAS_UNMAP, &u)
			    : BE_CALL(c->be, ioas_unmap, c->fd, &u);

	if (ret < 0)
		return kernel_refused(c, false, iova, size, ret);
	*unmapped = u.length;
	return 0;
}

/* @flags: type1's unmap flags (VFIO_DMA_UNMAP_FLAG_ALL); iommufd unmaps all by its range */
static inline int kernel_unmap(struct vfio_container *c, uint64_t iova, uint64_t size, uint32_t flags,
			uint64_t *unmapped)
{
	return c->mode == VFIO_CONTAINER_IOMMUFD ? ioas_unmap(c, iova, size, unmapped)
						 : type1_unmap(c, iova, size, flags, unmapped);
}

/* A file to map instead of r->vaddr (vfio_dma_map_file()). */
struct map_file {
	int fd;
	uint64_t offset;
};

/* Whether @r may be mapped, and where it goes in the list (*at). */
VFIO_ALWAYS_INLINE int map_check(struct vfio_container *c, const struct vfio_dma_region *r, size_t *at,
		     bool report)
{
	uintptr_t va = (uintptr_t)r->vaddr;
	int ret;

	if (c->mode == VFIO_CONTAINER_NOIOMMU)
		return no_iommu(report, "vfio_dma_map");
	ret = check_range("vfio_dma_map", r->iova, r->size, report);
	if (ret)
		return ret;
	if (!r->prot || (r->prot & ~(uint32_t)(VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE)))
		return vfio_refuse(report, -EINVAL, "vfio_dma_map " RANGE_FMT ": prot 0x%x",
				   r->iova, r->size, r->prot);
	if (va % VFIO_PAGE_SIZE || r->size - 1 > UINTPTR_MAX - va)
		return vfio_refuse(report, -EINVAL,
				   "vfio_dma_map " RANGE_FMT ": host address %p not 4 "
				   "KiB aligned, or the range wraps",
				   r->iova, r->size, r->vaddr);
	*at = first_ending_after(c, r->iova);
	if (*at < c->nr_maps && c->maps[*at].iova <= r->iova + (r->size - 1))
		return vfio_refuse(report, -EEXIST,
				   "vfio_dma_map " RANGE_FMT ": overlaps the mapping " RANGE_FMT,
				   r->iova, r->size, c->maps[*at].iova, c->maps[*at].size);
	return vfio_iommu_check_map_locked(c, r->iova, r->size, r->vaddr, report);
}

/* Room for one more mapping in the list (out of line: the list doubles). */
__attribute__((noinline)) static int grow_maps(struct vfio_container *c,
					       const struct vfio_dma_region *r)
{
	size_t cap = c->cap_maps ? c->cap_maps * 2 : 16;
	struct vfio_dma_region *maps = realloc(c->maps, cap * sizeof(*maps));

	if (!maps)
		return vfio_fail(-ENOMEM, "vfio_dma_map " RANGE_FMT, r->iova, r->size);
	c->maps = maps;
	c->cap_maps = cap;
	return 0;
}

static inline int map_locked(struct vfio_container *c, const struct vfio_dma_region *r,
		      const struct map_file *file)
{
	size_t at = 0;
	int ret;

	if (__builtin_expect(map_check(c, r, &at, false) != 0, 0))
		return map_check(c, r, &at, true);
	if (c->nr_maps == c->cap_maps && (ret = grow_maps(c, r)))
		return ret;
	if (live(c)) {
		ret = file ? kernel_map_file(c, r, file->fd, file->offset) : kernel_map(c, r);
		if (ret)
			return ret;
	}
	if (at < c->nr_maps) /* mapping upwards, the common case, appends */
		memmove(&c->maps[at + 1], &c->maps[at], (c->nr_maps - at) * sizeof(*c->maps));
	c->maps[at] = *r;
	c->nr_maps++;
	return 0;
}

int vfio_dma_map(struct vfio_container *c, uint64_t iova, uint64_t size, void *vaddr,
		 uint32_t prot)
{
	struct vfio_dma_region r = { .iova = iova, .size = size, .vaddr = vaddr, .prot = prot };
	int ret;

	vfio_lock(&c->lock);
	ret = map_locked(c, &r, NULL);
	vfio_unlock(&c->lock);
	return ret;
}

int vfio_dma_map_file(struct vfio_container *c, uint64_t iova, uint64_t size, int fd,
		      uint64_t offset, uint32_t prot)
{
	struct vfio_dma_region r = { .iova = iova, .size = size, .vaddr = NULL, .prot = prot };
	const struct map_file file = { .fd = fd, .offset = offset };
	int ret;

	if (c->mode != VFIO_CONTAINER_IOMMUFD)
		return vfio_fail(-EOPNOTSUPP, "vfio_dma_map_file " RANGE_FMT ": mapping a file "
				 "needs an iommufd-mode container", iova, size);
	if (fd < 0 || offset % VFIO_PAGE_SIZE)
		return vfio_fail(-EINVAL, "vfio_dma_map_file " RANGE_FMT ": fd %d, offset 0x%"
				 PRIx64 " (not 4 KiB aligned?)", iova, size, fd, offset);
	vfio_lock(&c->lock);
	ret = map_locked(c, &r, &file);
	vfio_unlock(&c->lock);
	return ret;
}

/* Drop the list's mappings [from, to) and count their bytes. */
static inline uint64_t forget(struct vfio_container *c, size_t from, size_t to)
{
	uint64_t bytes = 0;

	for (size_t i = from; i < to; i++)
		bytes += c->maps[i].size;
	if (to < c->nr_maps)
		memmove(&c->maps[from], &c->maps[to], (c->nr_maps - to) * sizeof(*c->maps));
	c->nr_maps -= to - from;
	return bytes;
}

/* Whether [iova, +size) may be unmapped, and the list's mappings in it: [*from, *to). */
VFIO_ALWAYS_INLINE int unmap_check(struct vfio_container *c, uint64_t iova, uint64_t size, size_t *from,
		       size_t *to, bool report)
{
	uint64_t last = iova + (size - 1);
	size_t f, t;
	int ret;

	if (c->mode == VFIO_CONTAINER_NOIOMMU)
		return no_iommu(report, "vfio_dma_unmap");
	ret = check_range("vfio_dma_unmap", iova, size, report);
	if (ret)
		return ret;
	f = first_ending_after(c, iova);
	for (t = f; t < c->nr_maps && c->maps[t].iova <= last; t++)
		;
	*from = f;
	*to = t;
	if (f < t &&
	    (c->maps[f].iova < iova || c->maps[t - 1].iova + (c->maps[t - 1].size - 1) > last)) {
		const struct vfio_dma_region *m =
			c->maps[f].iova < iova ? &c->maps[f] : &c->maps[t - 1];

		return vfio_refuse(report, -EINVAL,
				   "vfio_dma_unmap " RANGE_FMT ": would split the "
				   "mapping " RANGE_FMT,
				   iova, size, m->iova, m->size);
	}
	/* Nothing there: the list answers, as type1 and iommufd would not alike. */
	if (f == t)
		return vfio_refuse(report, -ENOENT,
				   "vfio_dma_unmap " RANGE_FMT ": nothing is mapped "
				   "there",
				   iova, size);
	return 0;
}

static inline int unmap_locked(struct vfio_container *c, uint64_t iova, uint64_t size,
			       uint64_t *unmapped)
{
	uint64_t bytes = 0;
	size_t from = 0, to = 0;
	int ret;

	if (__builtin_expect(unmap_check(c, iova, size, &from, &to, false) != 0, 0))
		return unmap_check(c, iova, size, &from, &to, true);
	if (live(c)) {
		ret = kernel_unmap(c, iova, size, 0, &bytes);
		if (ret)
			return ret;
	}
	/* What the list held in the range is gone from the kernel too. */
	bytes = forget(c, from, to);
	if (unmapped)
		*unmapped = bytes;
	if (bytes != size)
		return vfio_fail(-ENOENT, "vfio_dma_unmap " RANGE_FMT ": only 0x%" PRIx64
				 " bytes were mapped there", iova, size, bytes);
	return 0;
}

int vfio_dma_unmap(struct vfio_container *c, uint64_t iova, uint64_t size, uint64_t *unmapped)
{
	int ret;

	if (unmapped)
		*unmapped = 0;
	vfio_lock(&c->lock);
	ret = unmap_locked(c, iova, size, unmapped);
	vfio_unlock(&c->lock);
	return ret;
}

int vfio_dma_unmap_all(struct vfio_container *c, uint64_t *unmapped)
{
	uint64_t bytes = 0, done;
	int ret = 0;

	if (unmapped)
		*unmapped = 0;
	vfio_lock(&c->lock);
	if (c->mode == VFIO_CONTAINER_NOIOMMU) {
		ret = no_iommu(true, "vfio_dma_unmap_all");
	} else if (c->mode == VFIO_CONTAINER_IOMMUFD || (c->iommu_type && c->unmap_all)) {
		/* iommufd's unmap-all is the whole IOVA space; Type1's is a flag */
		if (c->mode == VFIO_CONTAINER_IOMMUFD)
			ret = kernel_unmap(c, 0, UINT64_MAX, 0, &done);
		else
			ret = kernel_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &done);
		if (!ret)
			bytes = forget(c, 0, c->nr_maps);
	} else {
		/* One mapping at a time, from the top, so the list always matches the kernel. */
		while (c->nr_maps && !ret) {
			struct vfio_dma_region *m = &c->maps[c->nr_maps - 1];

			if (c->iommu_type)
				ret = kernel_unmap(c, m->iova, m->size, 0, &done);
			if (!ret)
				bytes += forget(c, c->nr_maps - 1, c->nr_maps);
		}
	}
	vfio_unlock(&c->lock);
	if (unmapped)
		*unmapped = bytes;
	return ret;
}

int vfio_dma_map_layout(struct vfio_container *c, const struct vfio_dma_region *regions,
			size_t count)
{
	int ret = 0;
	size_t i;

	if (count && !regions)
		return vfio_fail(-EINVAL, "vfio_dma_map_layout: no regions");
	vfio_lock(&c->lock);
	for (i = 0; i < count && !ret; i++)
		ret = map_locked(c, &regions[i], NULL);
	if (ret) {
		struct vfio_saved_error e;
		uint64_t done;

		vfio_fail_prefix(ret, "vfio_dma_map_layout region %zu", i - 1);
		vfio_error_save(&e);
		for (size_t j = i - 1; j-- > 0;)
			unmap_locked(c, regions[j].iova, regions[j].size, &done);
		vfio_error_restore(&e);
	}
	vfio_unlock(&c->lock);
	return ret;
}

int vfio_dma_unmap_layout(struct vfio_container *c, const struct vfio_dma_region *regions,
			  size_t count)
{
	struct vfio_first_error first = { 0 };
	uint64_t done;

	if (count && !regions)
		return vfio_fail(-EINVAL, "vfio_dma_unmap_layout: no regions");
	vfio_lock(&c->lock);
	for (size_t i = 0; i < count; i++) {
		int ret = unmap_locked(c, regions[i].iova, regions[i].size, &done);

		if (ret)
			vfio_first_note(&first, vfio_fail_prefix(ret, "vfio_dma_unmap_layout region %zu",
								  i));
	}
	vfio_unlock(&c->lock);
	return vfio_first_result(&first);
}

int vfio_dma_list(struct vfio_container *c, struct vfio_dma_region *out, size_t cap,
		  size_t *count)
{
	if (!count || (cap && !out))
		return vfio_fail(-EINVAL, "vfio_dma_list: no place for the mappings");
	vfio_lock(&c->lock);
	*count = c->nr_maps;
	if (cap && c->nr_maps)
		memcpy(out, c->maps, (cap < c->nr_maps ? cap : c->nr_maps) * sizeof(*out));
	vfio_unlock(&c->lock);
	return 0;
}

int vfio_dma_replay_locked(struct vfio_container *c)
{
	size_t i;
	int ret = 0;

	for (i = 0; i < c->nr_maps && !ret; i++)
		ret = kernel_map(c, &c->maps[i]);
	if (ret) {
		struct vfio_saved_error e;
		uint64_t done;

		vfio_fail_prefix(ret, "replaying the container's %zu mappings", c->nr_maps);
		vfio_error_save(&e);
		for (size_t j = i - 1; j-- > 0;)
			kernel_unmap(c, c->maps[j].iova, c->maps[j].size, 0, &done);
		vfio_error_restore(&e);
	}
	return ret;
}
