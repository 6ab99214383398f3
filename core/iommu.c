// SPDX-License-Identifier: MIT
/*
 * What the container's IOMMU can map, as the kernel last said (legacy:
 * VFIO_IOMMU_GET_INFO; iommufd: IOMMU_IOAS_IOVA_RANGES); the check of every
 * mapping against it before the kernel sees it; and the IOVA allocator.
 *
 * The check answers what the kernel would answer for the same mapping, so it
 * never changes the errno a caller sees; it only says why in words.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define INFO_FIRST 512u	    /* room for the chain of every kernel we know: one call */
#define INFO_MAX (1u << 20) /* a larger argsz is not believed */
#define RANGES_FIRST 8u
#define RANGES_MAX 65536u
#define TRIES 4 /* a kernel whose answer grows more often than this is not believed */

/* Take over @ranges as what the IOMMU maps now. */
static void keep(struct vfio_iommu_state *s, uint64_t pgsizes, struct vfio_iommu_range *ranges,
		 size_t nr, uint32_t dma_limit)
{
	free(s->ranges);
	s->ranges = ranges;
	s->nr_ranges = nr;
	s->pgsizes = pgsizes;
	s->dma_limit = dma_limit;
	s->known = true;
}

/* One range, all of IOVA space: what an IOMMU that reports no ranges maps. */
static int keep_everything(struct vfio_iommu_state *s, uint64_t pgsizes, uint32_t dma_limit)
{
	struct vfio_iommu_range *all = malloc(sizeof(*all));

	if (!all)
		return vfio_fail(-ENOMEM, "VFIO_IOMMU_GET_INFO: IOVA ranges");
	*all = (struct vfio_iommu_range){ 0, UINT64_MAX };
	keep(s, pgsizes, all, 1, dma_limit);
	return 0;
}

static int keep_legacy(struct vfio_container *c, struct vfio_iommu_caps *caps)
{
	/* Called right after VFIO_SET_IOMMU: the kernel holds no mapping, so what is
	 * available is the whole limit. */
	uint32_t limit = caps->has_dma_avail ? caps->dma_avail : VFIO_DMA_AVAIL_UNLIMITED;
	uint64_t pgsizes = caps->pgsizes ? caps->pgsizes : VFIO_PAGE_SIZE;

	/* type1 maps any IOVA when its list is empty, as when it sends no list */
	if (!caps->nr_ranges) {
		free(caps->ranges);
		return keep_everything(&c->iommu, pgsizes, limit);
	}
	keep(&c->iommu, pgsizes, caps->ranges, caps->nr_ranges, limit);
	return 0;
}

static int refresh_legacy(struct vfio_container *c)
{
	uint32_t argsz = INFO_FIRST;

	if (!c->be->ops->iommu_get_info)
		return 0; /* a backend that cannot tell: the kernel judges each mapping */
	for (int tries = 0; tries < TRIES; tries++) {
		struct vfio_iommu_type1_info *info = calloc(1, argsz);
		struct vfio_iommu_caps caps;
		uint32_t want;
		int ret;

		if (!info)
			return vfio_fail(-ENOMEM, "VFIO_IOMMU_GET_INFO");
		info->argsz = argsz;
		ret = c->be->ops->iommu_get_info(c->be, c->fd, info);
		want = info->argsz;
		if (!ret && want <= argsz)
			ret = vfio_caps_parse_iommu(info, argsz, &caps);
		else if (ret < 0)
			ret = vfio_fail(ret, "VFIO_IOMMU_GET_INFO on /dev/vfio/vfio");
		else if (want > INFO_MAX)
			ret = vfio_fail(-EPROTO, "VFIO_IOMMU_GET_INFO asks for %" PRIu32 " bytes",
					want);
		free(info);
		if (ret)
			return ret;
		if (want <= argsz)
			return keep_legacy(c, &caps);
		argsz = want; /* the chain did not fit: ask again with the room it needs */
	}
	return vfio_fail(-EPROTO, "VFIO_IOMMU_GET_INFO: the answer keeps growing");
}

/* Ascending, disjoint, each start <= last: else -EPROTO. */
static int check_ranges(const struct vfio_iommu_range *r, size_t nr, uint32_t ioas)
{
	size_t i = vfio_ranges_first_bad(r, nr);

	if (i < nr)
		return vfio_fail(-EPROTO, "IOMMU_IOAS_IOVA_RANGES on IOAS %" PRIu32 ": range %zu "
				 "[0x%" PRIx64 ", 0x%" PRIx64 "] is empty, or not above the one "
				 "before", ioas, i, r[i].start, r[i].last);
	return 0;
}

static int refresh_iommufd(struct vfio_container *c)
{
	uint32_t room = RANGES_FIRST;

	for (int tries = 0; tries < TRIES; tries++) {
		struct vfio_iommu_range *r = calloc(room, sizeof(*r));
		struct vfio_abi_ioas_iova_ranges q = {
			.size = sizeof(q),
			.ioas_id = c->ioas_id,
			.num_iovas = room,
			.allowed_iovas = (uint64_t)(uintptr_t)r,
		};
		uint64_t align;
		int ret;

		_Static_assert(sizeof(*r) == sizeof(struct vfio_abi_iova_range), "range ABI");
		if (!r)
			return vfio_fail(-ENOMEM, "IOMMU_IOAS_IOVA_RANGES");
		ret = BE_CALL(c->be, ioas_iova_ranges, c->fd, &q);
		align = q.out_iova_alignment;
		if (ret == -EMSGSIZE && q.num_iovas > room && q.num_iovas <= RANGES_MAX) {
			free(r);
			room = q.num_iovas; /* more than fit: ask again with room for all */
			continue;
		}
		if (ret < 0)
			ret = vfio_fail(ret, "IOMMU_IOAS_IOVA_RANGES on IOAS %" PRIu32, c->ioas_id);
		else if (q.num_iovas > room)
			ret = vfio_fail(-EPROTO, "IOMMU_IOAS_IOVA_RANGES on IOAS %" PRIu32 ": %" PRIu32
					" ranges in room for %" PRIu32, c->ioas_id, q.num_iovas, room);
		else if (!align || (align & (align - 1)))
			ret = vfio_fail(-EPROTO, "IOMMU_IOAS_IOVA_RANGES on IOAS %" PRIu32 ": "
					"alignment 0x%" PRIx64 " is not a power of two", c->ioas_id,
					align);
		else
			ret = check_ranges(r, q.num_iovas, c->ioas_id);
		if (ret) {
			free(r);
			return ret;
		}
		/* every page size the IOAS maps: the alignment and its multiples of two */
		keep(&c->iommu, ~(align - 1), r, q.num_iovas, VFIO_DMA_AVAIL_UNLIMITED);
		return 0;
	}
	return vfio_fail(-EPROTO, "IOMMU_IOAS_IOVA_RANGES on IOAS %" PRIu32 ": the answer keeps "
			 "growing", c->ioas_id);
}

int vfio_iommu_refresh_locked(struct vfio_container *c)
{
	switch (c->mode) {
	case VFIO_CONTAINER_LEGACY:
		return refresh_legacy(c);
	case VFIO_CONTAINER_IOMMUFD:
		return refresh_iommufd(c);
	default: /* noiommu: no IOMMU to ask */
		return 0;
	}
}

void vfio_iommu_forget_locked(struct vfio_container *c)
{
	/* the reservations stay: they are the caller's until vfio_iova_free() */
	free(c->iommu.ranges);
	c->iommu.ranges = NULL;
	c->iommu.nr_ranges = 0;
	c->iommu.known = false;
}

void vfio_iommu_release(struct vfio_container *c)
{
	vfio_iommu_forget_locked(c);
	free(c->iommu.resv);
	c->iommu.resv = NULL;
	c->iommu.nr_resv = c->iommu.cap_resv = 0;
}


/* -ENODEV (with the message) unless the IOMMU is known; c->lock held. */
static int need_iommu(struct vfio_container *c, const char *what)
{
	if (c->iommu.known)
		return 0;
	if (c->mode == VFIO_CONTAINER_NOIOMMU)
		return vfio_fail(-ENODEV, "%s: a noiommu container has no IOMMU", what);
	return vfio_fail(-ENODEV, "%s: no IOMMU yet (no group or device attached)", what);
}

int vfio_iommu_get_info(struct vfio_container *c, struct vfio_iommu_info *info)
{
	int ret;

	if (!c || !info)
		return vfio_fail(-EINVAL, "vfio_iommu_get_info: no container or no place for it");
	vfio_lock(&c->lock);
	ret = need_iommu(c, "vfio_iommu_get_info");
	if (!ret) {
		uint32_t limit = c->iommu.dma_limit, avail = limit;

		if (limit != VFIO_DMA_AVAIL_UNLIMITED)
			avail = c->nr_maps >= limit ? 0 : limit - (uint32_t)c->nr_maps;
		*info = (struct vfio_iommu_info){
			.pgsizes = c->iommu.pgsizes,
			.nr_ranges = c->iommu.nr_ranges,
			.dma_limit = limit,
			.dma_avail = avail,
			.dma_mappings = c->nr_maps,
		};
	}
	vfio_unlock(&c->lock);
	return ret;
}

int vfio_iommu_ranges(struct vfio_container *c, struct vfio_iommu_range *out, size_t cap,
		      size_t *count)
{
	int ret;

	if (!c || !count || (cap && !out))
		return vfio_fail(-EINVAL, "vfio_iommu_ranges: no container, no count or no room");
	vfio_lock(&c->lock);
	ret = need_iommu(c, "vfio_iommu_ranges");
	if (!ret) {
		*count = c->iommu.nr_ranges;
		if (cap)
			memcpy(out, c->iommu.ranges, (cap < *count ? cap : *count) * sizeof(*out));
	}
	vfio_unlock(&c->lock);
	return ret;
}

/* Round @v up to @align (a power of two); false when that passes UINT64_MAX. */
static bool align_up(uint64_t v, uint64_t align, uint64_t *out)
{
	if (v > UINT64_MAX - (align - 1))
		return false;
	*out = (v + (align - 1)) & ~(align - 1);
	return true;
}

/*
 * The lowest aligned start at or past @from in @r whose [start, start + size - 1]
 * meets neither a mapping nor a reservation.  The cursors only move forward: the
 * lists and the ranges are ascending, and so are the candidates.
 */
static bool fit_in(const struct vfio_container *c, const struct vfio_iommu_range *r,
		   uint64_t size, uint64_t align, size_t *im, size_t *ir, uint64_t *at)
{
	const struct vfio_iommu_state *s = &c->iommu;
	uint64_t start;

	if (!align_up(r->start, align, &start))
		return false;
	while (start <= r->last && size - 1 <= r->last - start) {
		uint64_t last = start + (size - 1), block = 0;
		bool hit = false;

		while (*im < c->nr_maps &&
		       c->maps[*im].iova + (c->maps[*im].size - 1) < start)
			(*im)++;
		while (*ir < s->nr_resv && s->resv[*ir].last < start)
			(*ir)++;
		if (*im < c->nr_maps && c->maps[*im].iova <= last) {
			block = c->maps[*im].iova + (c->maps[*im].size - 1);
			hit = true;
		}
		if (*ir < s->nr_resv && s->resv[*ir].start <= last &&
		    (!hit || s->resv[*ir].last > block)) {
			block = s->resv[*ir].last;
			hit = true;
		}
		if (!hit) {
			*at = start;
			return true;
		}
		if (block == UINT64_MAX || !align_up(block + 1, align, &start))
			return false;
	}
	return false;
}

static int reserve(struct vfio_iommu_state *s, uint64_t start, uint64_t size)
{
	size_t at = 0;

	if (s->nr_resv == s->cap_resv) {
		size_t cap = s->cap_resv ? s->cap_resv * 2 : 8;
		struct vfio_iommu_range *resv = realloc(s->resv, cap * sizeof(*resv));

		if (!resv)
			return vfio_fail(-ENOMEM, "vfio_iova_alloc");
		s->resv = resv;
		s->cap_resv = cap;
	}
	while (at < s->nr_resv && s->resv[at].start < start)
		at++;
	memmove(&s->resv[at + 1], &s->resv[at], (s->nr_resv - at) * sizeof(*s->resv));
	s->resv[at] = (struct vfio_iommu_range){ start, start + (size - 1) };
	s->nr_resv++;
	return 0;
}

static int alloc_locked(struct vfio_container *c, uint64_t size, uint64_t align, uint64_t *iova)
{
	int ret = need_iommu(c, "vfio_iova_alloc");
	size_t im = 0, ir = 0;
	uint64_t pg;

	if (ret)
		return ret;
	pg = vfio_iommu_min_pgsize(&c->iommu);
	if (!size || size & (pg - 1) || align & (align - 1))
		return vfio_fail(-EINVAL, "vfio_iova_alloc of 0x%" PRIx64 " bytes aligned to 0x%"
				 PRIx64 ": the size must be a non-zero multiple of 0x%" PRIx64
				 " and the alignment a power of two", size, align, pg);
	if (align < pg)
		align = pg;
	for (size_t i = 0; i < c->iommu.nr_ranges; i++)
		if (fit_in(c, &c->iommu.ranges[i], size, align, &im, &ir, iova))
			return reserve(&c->iommu, *iova, size);
	return vfio_fail(-ENOSPC, "vfio_iova_alloc: no free 0x%" PRIx64 " bytes aligned to 0x%"
			 PRIx64 " in the IOMMU's IOVA ranges", size, align);
}

int vfio_iova_alloc(struct vfio_container *c, uint64_t size, uint64_t align, uint64_t *iova)
{
	int ret;

	if (!c || !iova)
		return vfio_fail(-EINVAL, "vfio_iova_alloc: no container or no place for the IOVA");
	vfio_lock(&c->lock);
	ret = alloc_locked(c, size, align, iova);
	vfio_unlock(&c->lock);
	return ret;
}

int vfio_iova_free(struct vfio_container *c, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_state *s;
	int ret = -ENOENT;

	if (!c)
		return vfio_fail(-EINVAL, "vfio_iova_free: no container");
	vfio_lock(&c->lock);
	s = &c->iommu;
	for (size_t i = 0; i < s->nr_resv; i++) {
		if (s->resv[i].start == iova && size && s->resv[i].last == iova + (size - 1)) {
			memmove(&s->resv[i], &s->resv[i + 1],
				(s->nr_resv - i - 1) * sizeof(*s->resv));
			s->nr_resv--;
			ret = 0;
			break;
		}
	}
	if (ret)
		vfio_fail(ret, "vfio_iova_free " RANGE_FMT ": no such reservation", iova, size);
	vfio_unlock(&c->lock);
	return ret;
}
