// SPDX-License-Identifier: MIT
/*
 * Capability chains, parsed and validated.  A chain comes from the kernel (or
 * from any backend), so nothing in it is trusted: every header must lie inside
 * the buffer and past the fixed struct, every "next" must move forward, and a
 * capability's body must fit both the buffer and the space before the next one.
 * A chain that breaks a rule is -EPROTO with a message that says which rule.
 */

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

_Static_assert(sizeof(struct vfio_info_cap_header) == 8, "cap header ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_sparse_mmap) == SPARSE_FIXED, "sparse ABI");
_Static_assert(sizeof(struct vfio_region_sparse_mmap_area) == SPARSE_AREA, "area ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_type) == TYPE_SIZE, "type ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_nvlink2_ssatgt) == SSATGT_SIZE, "ssatgt ABI");
_Static_assert(sizeof(struct vfio_region_info_cap_nvlink2_lnkspd) == LNKSPD_SIZE, "lnkspd ABI");

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

static int bad(const struct vfio_region_desc *desc, const char *why, uint64_t off)
{
	return vfio_fail(-EPROTO, "region %u info: capability at offset %llu %s", desc->index,
			 (unsigned long long)off, why);
}

static int parse_sparse(const uint8_t *cap, uint64_t off, uint64_t room,
			struct vfio_region_desc *desc, struct vfio_sparse_area **sparse)
{
	uint32_t nr = get32(cap + 8);
	struct vfio_sparse_area *areas;

	if ((uint64_t)nr > (room - SPARSE_FIXED) / SPARSE_AREA)
		return bad(desc, "(sparse mmap) lists more areas than fit in it", off);
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

/* Decode one capability whose header is valid and whose body has @room bytes. */
static int parse_one(const uint8_t *cap, uint16_t id, uint64_t off, uint64_t room,
		     struct vfio_region_desc *desc, struct vfio_sparse_area **sparse)
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
	size_t k;

	for (k = 0; k < sizeof(known) / sizeof(known[0]) && known[k].id != id; k++)
		;
	if (k == sizeof(known) / sizeof(known[0]))
		return 0; /* a capability newer than us: skipped, as the uAPI intends */
	if (desc->caps & known[k].bit)
		return bad(desc, "repeats a capability", off);
	if (room < known[k].size)
		return bad(desc, "is cut short", off);
	desc->caps |= known[k].bit;
	switch (id) {
	case VFIO_REGION_INFO_CAP_SPARSE_MMAP:
		return parse_sparse(cap, off, room, desc, sparse);
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

/* Check the header at @off and find the room its body has: 0, or -EPROTO. */
static int check_header(const uint8_t *p, size_t len, uint64_t off,
			const struct vfio_region_desc *desc, struct vfio_info_cap_header *hdr,
			uint64_t *room)
{
	uint64_t end;

	if (off < sizeof(struct vfio_region_info))
		return bad(desc, "overlaps the region info struct", off);
	if (off > len || len - off < sizeof(*hdr))
		return bad(desc, "lies outside the buffer", off);
	memcpy(hdr, p + off, sizeof(*hdr));
	if (hdr->next && hdr->next <= off)
		return bad(desc, "points back (a loop)", off);
	if (hdr->next && hdr->next < off + sizeof(*hdr))
		return bad(desc, "overlaps the next one", off);
	end = hdr->next ? hdr->next : len;
	if (end > len)
		end = len; /* the next header's own check reports it */
	*room = end - off;
	return 0;
}

int vfio_caps_parse_region(const void *buf, size_t len, struct vfio_region_desc *desc,
			   struct vfio_sparse_area **sparse)
{
	const uint8_t *p = buf;
	struct vfio_region_info info;
	uint64_t off;
	int ret = 0;

	*sparse = NULL;
	if (len < sizeof(info))
		return vfio_fail(-EPROTO, "region %u info: %zu bytes, shorter than the struct",
				 desc->index, len);
	memcpy(&info, p, sizeof(info));
	if (!(info.flags & VFIO_REGION_INFO_FLAG_CAPS))
		return 0;
	for (off = info.cap_offset; off && !ret;) {
		/* zeroed: a header that fails its check is never read, and ends the walk */
		struct vfio_info_cap_header hdr = { 0 };
		uint64_t room = 0;

		ret = check_header(p, len, off, desc, &hdr, &room);
		if (ret)
			break;
		ret = parse_one(p + off, hdr.id, off, room, desc, sparse);
		off = hdr.next;
	}
	if (ret) {
		/* a chain that fails anywhere leaves nothing behind, whatever came before */
		free(*sparse);
		*sparse = NULL;
		desc->sparse = NULL;
		desc->nr_sparse = 0;
	}
	return ret;
}
