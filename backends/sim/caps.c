// SPDX-License-Identifier: MIT
/*
 * Capability chains as the kernel lays them out (vfio_info_cap_add): each
 * capability padded to 8 bytes, appended in order, "next" holding the offset of
 * the following one and 0 at the end.  Built from offset 0, then shifted by the
 * size of the info struct they follow, so offsets count from that struct.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_private.h"

void *sim_caps_add(struct sim_caps *caps, size_t size, uint16_t id, uint16_t version)
{
	struct vfio_info_cap_header *hdr;
	size_t padded = (size + 7) & ~(size_t)7;
	uint8_t *buf;

	if (caps->err)
		return NULL;
	buf = realloc(caps->buf, caps->size + padded);
	if (!buf) {
		caps->err = -ENOMEM;
		return NULL;
	}
	caps->buf = buf;
	memset(buf + caps->size, 0, padded);
	hdr = (struct vfio_info_cap_header *)(buf + caps->size);
	hdr->id = id;
	hdr->version = version;
	if (caps->size) {
		struct vfio_info_cap_header *last =
			(struct vfio_info_cap_header *)(buf + caps->last);

		last->next = (uint32_t)caps->size;
	}
	caps->last = caps->size;
	caps->size += padded;
	return hdr;
}

void sim_caps_shift(struct sim_caps *caps, size_t offset)
{
	size_t pos = 0;

	while (caps->size) {
		struct vfio_info_cap_header *hdr = (struct vfio_info_cap_header *)(caps->buf + pos);

		if (!hdr->next)
			break;
		pos = hdr->next;
		hdr->next += (uint32_t)offset;
	}
}

void sim_caps_free(struct sim_caps *caps)
{
	free(caps->buf);
	caps->buf = NULL;
	caps->size = 0;
}
