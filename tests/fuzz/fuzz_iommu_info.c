// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the IOMMU-info capability-chain parser (core/caps.c) on
 * bytes as a kernel would hand them back from VFIO_IOMMU_GET_INFO: the input
 * is the whole answer, struct vfio_iommu_type1_info and its chain.
 */

#include <stdlib.h>
#include <string.h>

#include "private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfio_iommu_caps caps;
	/* a copy of exactly the input's size, so reads past it are caught */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (vfio_caps_parse_iommu(buf, size, &caps) == 0) {
		/* what a successful parse promises: ordered, disjoint, non-empty ranges */
		for (size_t i = 0; i < caps.nr_ranges; i++)
			if (caps.ranges[i].start > caps.ranges[i].last ||
			    (i && caps.ranges[i].start <= caps.ranges[i - 1].last))
				abort();
		if (!caps.has_ranges && (caps.ranges || caps.nr_ranges))
			abort();
		free(caps.ranges);
	} else if (caps.ranges || caps.has_ranges || caps.has_dma_avail) {
		abort(); /* a failed parse leaves nothing behind */
	}
	free(buf);
	return 0;
}
