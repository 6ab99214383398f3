// SPDX-License-Identifier: MIT
/*
 * Capability chains (region info, IOMMU info), parsed and validated by one
 * walker.  A chain comes from the kernel (or from any backend), so nothing in
 * it is trusted: every header must lie inside the buffer and past the fixed
 * struct, every "next" must move forward, and a capability's body must fit
 * both the buffer and the space before the next one.  A chain that breaks a
 * rule is -EPROTO with a message that says which rule.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* Sizes of the capability bodies we decode, header included (the ABI). */
#define SPARSE_FIXED 16u /* header, nr_areas, reserved */
#define SPARSE_AREA 16u	 /* offset, size */
#define TYPE_SIZE 16u
#define MSIX_SIZE 8u
#define SSATGT_SIZE 16u
#define LNKSPD_SIZE 16u
#define RANGES_FIXED 16u /* header, nr_iovas, reserved */
#define RANGE_SIZE 16u	 /* start, end */
#define DMA_AVAIL_SIZE 12u
/* VFIO_IOMMU_GET_INFO: the struct before capabilities (no cap_offset), and with them */
#define IOMMU_INFO_MINSZ 16u
#define IOMMU_INFO_SIZE ((uint32_t)sizeof(struct vfio_iommu_type1_info))

_Static_assert(sizeof(struct vfio_info_cap_header) == 8, "cap header ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_sparse_mmap) == SPARSE_FIXED, "sparse ABI");
_Static_assert(sizeof(struct vfio_region_sparse_mmap_area) == SPARSE_AREA, "area ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_type) == TYPE_SIZE, "type ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_nvlink2_ssatgt) == SSATGT_SIZE, "ssatgt ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_nvlink2_lnkspd) == LNKSPD_SIZE, "lnkspd ABI");
_Static_assert(sizeof(struct vfio_iova_range) == RANGE_SIZE, "iova range ABI");
_Static_assert(sizeof(struct vfio_iommu_type1_info_cap_iova_range) == RANGES_FIXED, "ranges ABI");
_Static_assert(sizeof(struct vfio_iommu_type1_info_dma_avail) == DMA_AVAIL_SIZE, "avail ABI");

/* Capabilities are read with memcpy: the buffer gives no alignment promise. */
static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- the walker both chains share ---- */

/* One chain: its bytes, where capabilities may start, and what it is, for messages. */
struct chain {
	const uint8_t *p;
	size_t len;
	uint64_t fixed;	   /* the size of the struct before the chain */
	const char *fixed_name; /* "region info struct" */
	char what[48];	   /* "region 3 info", "VFIO_IOMMU_GET_INFO" */
};

static int bad(const struct chain *ch, const char *why, uint64_t off)
{
	return vfio_fail(-EPROTO, "%s: capability at offset %llu %s", ch->what,
			 (unsigned long long)off, why);
}

/* Decode one capability whose header is valid and whose body has @room bytes. */
typedef int (*cap_fn)(const struct chain *ch, const uint8_t *cap, uint16_t id, uint64_t off,
		      uint64_t room, void *ctx);

/* Check the header at @off and find the room its body has: 0, or -EPROTO. */
static int check_header(const struct chain *ch, uint64_t off, struct vfio_info_cap_header *hdr,
			uint64_t *room)
{
	uint64_t end;

	if (off < ch->fixed)
		return vfio_fail(-EPROTO, "%s: capability at offset %llu overlaps the %s", ch->what,
				 (unsigned long long)off, ch->fixed_name);
	if (off > ch->len || ch->len - off < sizeof(*hdr))
		return bad(ch, "lies outside the buffer", off);
	memcpy(hdr, ch->p + off, sizeof(*hdr));
	if (hdr->next && hdr->next <= off)
		return bad(ch, "points back (a loop)", off);
	if (hdr->next && hdr->next < off + sizeof(*hdr))
		return bad(ch, "overlaps the next one", off);
	end = hdr->next ? hdr->next : ch->len;
	if (end > ch->len)
		end = ch->len; /* the next header's own check reports it */
	*room = end - off;
	return 0;
}

/* Every "next" moves forward, so the walk ends within len / 8 steps. */
static int walk(const struct chain *ch, uint64_t first, cap_fn fn, void *ctx)
{
	int ret = 0;

	for (uint64_t off = first; off && !ret;) {
		/* zeroed: a header that fails its check is never read, and ends the walk */
		struct vfio_info_cap_header hdr = { 0 };
		uint64_t room = 0;

		ret = check_header(ch, off, &hdr, &room);
		if (ret)
			break;
		ret = fn(ch, ch->p + off, hdr.id, off, room, ctx);
		off = hdr.next;
	}
	return ret;
}

/* A known capability: not seen before (its bit in @seen), and at least @size bytes. */
static int claim(const struct chain *ch, uint32_t *seen, uint32_t bit, uint64_t off,
		 uint64_t room, uint32_t size)
{
	if (*seen & bit)
		return bad(ch, "repeats a capability", off);
	if (room < size)
		return bad(ch, "is cut short", off);
	*seen |= bit;
	return 0;
}

/* ---- region info ---- */

struct region_ctx {
	struct vfio_region_desc *desc;
	struct vfio_sparse_area **sparse;
};

static int parse_sparse(const struct chain *ch, const uint8_t *cap, uint64_t off, uint64_t room,
			struct vfio_region_desc *desc, struct vfio_sparse_area **sparse)
{
	uint32_t nr = get32(cap + 8);
	struct vfio_sparse_area *areas;

	if ((uint64_t)nr > (room - SPARSE_FIXED) / SPARSE_AREA)
		return bad(ch, "(sparse mmap) lists more areas than fit in it", off);
	areas = calloc(nr ? nr : 1, sizeof(*areas));
	if (!areas)
		return vfio_fail(-ENOMEM, "region %u info: sparse mmap areas", desc->index);
	for (uint32_t i = 0; i < nr; i++) {
		areas[i].offset = get64(cap + SPARSE_FIXED + (uint64_t)i * SPARSE_AREA);
		areas[i].size = get64(cap + SPARSE_FIXED + (uint64_t)i * SPARSE_AREA + 8);
		if (!vfio_range_inside(areas[i].offset, areas[i].size, desc->size)) {
			int ret = vfio_fail(-EPROTO, "region %u info: sparse area %u [0x%llx, "
					    "+0x%llx) lies outside the region (size 0x%llx)",
					    desc->index, i, (unsigned long long)areas[i].offset,
					    (unsigned long long)areas[i].size,
					    (unsigned long long)desc->size);

			free(areas);
			return ret;
		}
	}
	*sparse = areas;
	desc->sparse = areas;
	desc->nr_sparse = nr;
	return 0;
}

static int region_cap(const struct chain *ch, const uint8_t *cap, uint16_t id, uint64_t off,
		      uint64_t room, void *ctx)
{
	static const struct {
		uint16_t id;
		uint32_t bit, size;
	} known[] = {
		{ VFIO_REGION_INFO_CAP_SPARSE_MMAP, VFIO_REGION_HAS_SPARSE_MMAP, SPARSE_FIXED },
		{ VFIO_REGION_INFO_CAP_TYPE, VFIO_REGION_HAS_TYPE, TYPE_SIZE },
		{ VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, VFIO_REGION_HAS_MSIX_MAPPABLE, MSIX_SIZE },
		{ VFIO_REGION_INFO_CAP_NVLINK2_SSATGT, VFIO_REGION_HAS_NVLINK2_SSATGT, SSATGT_SIZE },
		{ VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD, VFIO_REGION_HAS_NVLINK2_LNKSPD, LNKSPD_SIZE },
	};
	struct region_ctx *r = ctx;
	struct vfio_region_desc *desc = r->desc;
	size_t k;
	int ret;

	for (k = 0; k < sizeof(known) / sizeof(known[0]) && known[k].id != id; k++)
		;
	if (k == sizeof(known) / sizeof(known[0]))
		return 0; /* a capability newer than us: skipped, as the uAPI intends */
	ret = claim(ch, &desc->caps, known[k].bit, off, room, known[k].size);
	if (ret)
		return ret;
	switch (id) {
	case VFIO_REGION_INFO_CAP_SPARSE_MMAP:
		return parse_sparse(ch, cap, off, room, desc, r->sparse);
	case VFIO_REGION_INFO_CAP_TYPE:
		desc->type = get32(cap + 8);
		desc->subtype = get32(cap + 12);
		break;
	case VFIO_REGION_INFO_CAP_NVLINK2_SSATGT:
		desc->nvlink2_tgt = get64(cap + 8);
		break;
	case VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD:
		desc->nvlink2_link_speed = get32(cap + 8);
		break;
	}
	return 0;
}

int vfio_caps_parse_region(const void *buf, size_t len, struct vfio_region_desc *desc,
			   struct vfio_sparse_area **sparse)
{
	struct chain ch = { .p = buf, .len = len, .fixed = sizeof(struct vfio_region_info),
			    .fixed_name = "region info struct" };
	struct region_ctx r = { .desc = desc, .sparse = sparse };
	struct vfio_region_info info;
	int ret;

	*sparse = NULL;
	if (len < sizeof(info))
		return vfio_fail(-EPROTO, "region %u info: %zu bytes, shorter than the struct",
				 desc->index, len);
	memcpy(&info, buf, sizeof(info));
	if (!(info.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;
	snprintf(ch.what, sizeof(ch.what), "region %u info", desc->index);
	ret = walk(&ch, info.cap_offset, region_cap, &r);
	if (ret) {
		/* a chain that fails anywhere leaves nothing behind, whatever came before */
		free(*sparse);
		*sparse = NULL;
		desc->sparse = NULL;
		desc->nr_sparse = 0;
	}
	return ret;
}

/* ---- IOMMU info (VFIO_IOMMU_GET_INFO) ---- */

enum { HAS_RANGES = 1u << 0, HAS_DMA_AVAIL = 1u << 1 };

struct iommu_ctx {
	struct vfio_iommu_caps *out;
	uint32_t seen;
};

static int parse_ranges(const struct chain *ch, const uint8_t *cap, uint64_t off, uint64_t room,
			struct vfio_iommu_caps *out)
{
	uint32_t nr = get32(cap + 8);
	struct vfio_iommu_range *r;
	size_t bad_at;

	if ((uint64_t)nr > (room - RANGES_FIXED) / RANGE_SIZE)
		return bad(ch, "(IOVA ranges) lists more ranges than fit in it", off);
	r = calloc(nr ? nr : 1, sizeof(*r));
	if (!r)
		return vfio_fail(-ENOMEM, "%s: IOVA ranges", ch->what);
	out->ranges = r;
	out->nr_ranges = nr;
	for (uint32_t i = 0; i < nr; i++) {
		r[i].start = get64(cap + RANGES_FIXED + (uint64_t)i * RANGE_SIZE);
		r[i].last = get64(cap + RANGES_FIXED + (uint64_t)i * RANGE_SIZE + 8);
	}
	bad_at = vfio_ranges_first_bad(r, nr);
	if (bad_at < nr)
		return vfio_fail(-EPROTO, "%s: IOVA range %zu [0x%llx, 0x%llx] is empty, or not "
				 "above the one before", ch->what, bad_at,
				 (unsigned long long)r[bad_at].start,
				 (unsigned long long)r[bad_at].last);
	return 0;
}

static int iommu_cap(const struct chain *ch, const uint8_t *cap, uint16_t id, uint64_t off,
		     uint64_t room, void *ctx)
{
	struct iommu_ctx *m = ctx;
	int ret;

	switch (id) {
	case VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE:
		ret = claim(ch, &m->seen, HAS_RANGES, off, room, RANGES_FIXED);
		if (!ret) {
			m->out->has_ranges = true;
			ret = parse_ranges(ch, cap, off, room, m->out);
		}
		return ret;
	case VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL:
		ret = claim(ch, &m->seen, HAS_DMA_AVAIL, off, room, DMA_AVAIL_SIZE);
		if (!ret) {
			m->out->has_dma_avail = true;
			m->out->dma_avail = get32(cap + 8);
		}
		return ret;
	default: /* migration, or newer than us: not used */
		return 0;
	}
}

int vfio_caps_parse_iommu(const void *buf, size_t len, struct vfio_iommu_caps *out)
{
	struct chain ch = { .p = buf, .len = len, .fixed = IOMMU_INFO_SIZE,
			    .fixed_name = "IOMMU info struct", .what = "VFIO_IOMMU_GET_INFO" };
	struct iommu_ctx m = { .out = out };
	struct vfio_iommu_type1_info info = { 0 };
	int ret;

	*out = (struct vfio_iommu_caps){ 0 };
	if (len < IOMMU_INFO_MINSZ)
		return vfio_fail(-EPROTO, "VFIO_IOMMU_GET_INFO: %zu bytes, shorter than the struct",
				 len);
	memcpy(&info, buf, len < sizeof(info) ? len : sizeof(info));
	if (info.flags & VFIO_IOMMU_INFO_PGSIZES) {
		if (!info.iova_pgsizes)
			return vfio_fail(-EPROTO, "VFIO_IOMMU_GET_INFO: no page size");
		out->pgsizes = info.iova_pgsizes;
	}
	/* a chain needs cap_offset, which a struct cut at its first 16 bytes lacks */
	if (!(info.flags & VFIO_IOMMU_INFO_CAPS) || len < IOMMU_INFO_SIZE)
		return 0;
	ret = walk(&ch, info.cap_offset, iommu_cap, &m);
	if (ret) {
		free(out->ranges);
		*out = (struct vfio_iommu_caps){ 0 };
	}
	return ret;
}
