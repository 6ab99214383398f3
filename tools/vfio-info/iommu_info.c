// SPDX-License-Identifier: MIT
/*
 * VFIO_IOMMU_GET_INFO, and its capability chain parsed and validated.
 *
 * libvfio's public API has no IOMMU-info call yet, so the tool asks the
 * container's backend itself (the iommu_get_info op of <vfio/backend.h>) and
 * parses the answer here, by the rules core/caps.c applies to region chains:
 * nothing from the kernel is trusted.  Every header lies inside the buffer and
 * past the fixed struct, every "next" moves forward, a capability's body fits
 * the space before the next one, a count of ranges fits the body, a
 * capability is not repeated, ranges are ordered.  A chain that breaks a rule
 * is -EPROTO with the rule in @why.  Written to move into core/caps.c behind a
 * public vfio_container_iommu_info() when the API grows one.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>
#include <vfio/backend.h>
#include <vfio/container.h>

#include "vfio_info.h"

/* The struct before capabilities existed (no cap_offset), and with them. */
#define INFO_MINSZ 16u
#define INFO_SIZE ((uint32_t)sizeof(struct vfio_iommu_type1_info))
#define HDR_SIZE 8u
#define RANGES_FIXED 16u /* header, nr_iovas, reserved */
#define RANGE_SIZE 16u
#define MIGRATION_SIZE 32u
#define DMA_AVAIL_SIZE 12u
/* No IOMMU reports more than this: past it, the answer is not believed. */
#define INFO_MAX (1u << 20)

_Static_assert(sizeof(struct vfio_info_cap_header) == HDR_SIZE, "cap header ABI");
_Static_assert(sizeof(struct vfio_iova_range) == RANGE_SIZE, "iova range ABI");
_Static_assert(sizeof(struct vfio_iommu_type1_info_cap_migration) == MIGRATION_SIZE, "migration "
										     "cap ABI");
_Static_assert(sizeof(struct vfio_iommu_type1_info_dma_avail) == DMA_AVAIL_SIZE, "dma avail ABI");

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

static int bad(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return -EPROTO;
}

static int parse_ranges(const uint8_t *cap, uint64_t off, uint64_t room, struct vi_iommu *out,
			char *why, size_t whylen)
{
	uint32_t nr = get32(cap + 8);

	if ((uint64_t)nr > (room - RANGES_FIXED) / RANGE_SIZE)
		return bad(why, whylen,
			   "the IOVA-range capability at %llu lists %u ranges, more "
			   "than fit in it",
			   (unsigned long long)off, nr);
	out->ranges = calloc(nr ? nr : 1, sizeof(*out->ranges));
	if (!out->ranges)
		return -ENOMEM;
	out->nr_ranges = nr;
	for (uint32_t i = 0; i < nr; i++) {
		const uint8_t *r = cap + RANGES_FIXED + (uint64_t)i * RANGE_SIZE;

		out->ranges[i].start = get64(r);
		out->ranges[i].end = get64(r + 8);
		if (out->ranges[i].start > out->ranges[i].end)
			return bad(why, whylen,
				   "IOVA range %u ends (0x%llx) before it starts "
				   "(0x%llx)",
				   i, (unsigned long long)out->ranges[i].end,
				   (unsigned long long)out->ranges[i].start);
		if (i && out->ranges[i].start <= out->ranges[i - 1].end)
			return bad(why, whylen, "IOVA range %u overlaps or precedes range %u", i,
				   i - 1);
	}
	return 0;
}

/* One capability whose header is valid and whose body has @room bytes. */
static int parse_one(const uint8_t *cap, uint16_t id, uint64_t off, uint64_t room,
		     struct vi_iommu *out, char *why, size_t whylen)
{
	static const struct {
		uint16_t id;
		uint32_t bit, size;
		const char *name;
	} known[] = {
		{ VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, VI_IOMMU_HAS_IOVA_RANGES, RANGES_FIXED,
		  "IOVA-range" },
		{ VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, VI_IOMMU_HAS_MIGRATION, MIGRATION_SIZE,
		  "migration" },
		{ VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, VI_IOMMU_HAS_DMA_AVAIL, DMA_AVAIL_SIZE,
		  "DMA-avail" },
	};
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]) && known[k].id != id; k++)
		;
	if (k == sizeof(known) / sizeof(known[0]))
		return 0; /* newer than us: skipped, as the uAPI intends */
	if (out->caps & known[k].bit)
		return bad(why, whylen, "the %s capability at %llu repeats", known[k].name,
			   (unsigned long long)off);
	if (room < known[k].size)
		return bad(why, whylen, "the %s capability at %llu is cut short (%llu bytes of %u)",
			   known[k].name, (unsigned long long)off, (unsigned long long)room,
			   known[k].size);
	out->caps |= known[k].bit;
	switch (id) {
	case VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE:
		return parse_ranges(cap, off, room, out, why, whylen);
	case VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION:
		out->mig_flags = get32(cap + 8);
		out->mig_pgsizes = get64(cap + 16);
		out->mig_max_bitmap = get64(cap + 24);
		break;
	default: /* DMA_AVAIL */
		out->dma_avail = get32(cap + 8);
		break;
	}
	return 0;
}

/* Check the header at @off and find the room its body has: 0, or -EPROTO. */
static int check_header(const uint8_t *p, size_t len, uint64_t off,
			struct vfio_info_cap_header *hdr, uint64_t *room, char *why, size_t whylen)
{
	unsigned long long o = off;

	if (off < INFO_SIZE)
		return bad(why, whylen, "a capability at %llu overlaps the info struct", o);
	if (off > len || len - off < HDR_SIZE)
		return bad(why, whylen, "a capability at %llu lies outside the %zu bytes", o, len);
	memcpy(hdr, p + off, sizeof(*hdr));
	if (hdr->next && hdr->next <= off)
		return bad(why, whylen, "the capability at %llu points back (a loop)", o);
	if (hdr->next && hdr->next < off + HDR_SIZE)
		return bad(why, whylen, "the capability at %llu overlaps the next one", o);
	*room = (hdr->next && hdr->next < len ? hdr->next : len) - off;
	return 0;
}

/*
 * Parse an answer of VFIO_IOMMU_GET_INFO, @len bytes (the argsz it was asked
 * with).  On an error nothing is left allocated in @out.
 */
int vi_iommu_parse(const void *buf, size_t len, struct vi_iommu *out, char *why, size_t whylen)
{
	const uint8_t *p = buf;
	uint64_t off;
	int ret = 0;

	*out = (struct vi_iommu){ 0 };
	if (len < INFO_MINSZ)
		return bad(why, whylen, "%zu bytes, shorter than the info struct", len);
	out->flags = get32(p + 4);
	if (out->flags & VFIO_IOMMU_INFO_PGSIZES)
		out->pgsizes = get64(p + 8);
	if (!(out->flags & VFIO_IOMMU_INFO_CAPS) || len < INFO_SIZE)
		return 0;
	for (off = get32(p + 16); off && !ret;) {
		struct vfio_info_cap_header hdr = { 0 };
		uint64_t room = 0;

		ret = check_header(p, len, off, &hdr, &room, why, whylen);
		if (ret)
			break;
		ret = parse_one(p + off, hdr.id, off, room, out, why, whylen);
		off = hdr.next;
	}
	if (ret)
		vi_iommu_free(out);
	return ret;
}

void vi_iommu_free(struct vi_iommu *iommu)
{
	free(iommu->ranges);
	iommu->ranges = NULL;
	iommu->nr_ranges = 0;
}

/* Ask the container's backend, again with the argsz it wants when the chain does not fit. */
int vi_iommu_query(struct vfio_container *c, struct vi_iommu *out, char *why, size_t whylen)
{
	struct vfio_backend *be = vfio_container_backend(c);
	uint32_t argsz = INFO_SIZE;

	*out = (struct vi_iommu){ 0 };
	if (!be->ops->iommu_get_info) {
		snprintf(why, whylen, "the %s backend has no VFIO_IOMMU_GET_INFO", be->ops->name);
		return -EOPNOTSUPP;
	}
	for (int tries = 0; tries < 3; tries++) {
		struct vfio_iommu_type1_info *info = calloc(1, argsz);
		uint32_t want;
		int ret;

		if (!info)
			return -ENOMEM;
		info->argsz = argsz;
		ret = be->ops->iommu_get_info(be, vfio_container_fd(c), info);
		if (ret < 0) {
			snprintf(why, whylen, "VFIO_IOMMU_GET_INFO: %s", strerror(-ret));
			free(info);
			return ret;
		}
		want = info->argsz;
		if (want <= argsz) {
			ret = vi_iommu_parse(info, argsz, out, why, whylen);
			free(info);
			if (!ret)
				out->type = vfio_container_iommu_type(c);
			return ret;
		}
		free(info);
		if (want > INFO_MAX)
			return bad(why, whylen, "VFIO_IOMMU_GET_INFO asks for %u bytes", want);
		argsz = want;
	}
	return bad(why, whylen, "VFIO_IOMMU_GET_INFO: argsz keeps growing");
}
