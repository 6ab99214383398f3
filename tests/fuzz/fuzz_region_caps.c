// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the region capability-chain parser (core/caps.c) on bytes
 * as a kernel would hand them back from VFIO_DEVICE_GET_REGION_INFO.  The
 * first 8 bytes of the input choose the region size; the rest is the buffer.
 */

#include <stdlib.h>
#include <string.h>

#include "private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfio_region_desc desc = { .index = 0 };
	struct vfio_sparse_area *sparse = NULL;
	uint8_t *buf;

	if (size < sizeof(uint64_t))
		return 0;
	memcpy(&desc.size, data, sizeof(desc.size));
	data += sizeof(uint64_t);
	size -= sizeof(uint64_t);
	/* a copy of exactly the input's size, so reads past it are caught */
	buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (vfio_caps_parse_region(buf, size, &desc, &sparse) == 0) {
		/* what a successful parse promises */
		if (desc.caps & VFIO_REGION_HAS_SPARSE_MMAP) {
			for (uint32_t i = 0; i < desc.nr_sparse; i++)
				if (!vfio_range_inside(sparse[i].offset, sparse[i].size, desc.size))
					abort();
		} else if (sparse) {
			abort();
		}
	} else if (sparse) {
		abort(); /* a failed parse leaves nothing to free */
	}
	free(sparse);
	free(buf);
	return 0;
}
