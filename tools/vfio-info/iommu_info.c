// SPDX-License-Identifier: MIT
/*
 * The container's IOMMU as libvfio keeps it (vfio_iommu_get_info() and
 * vfio_iommu_ranges(): libvfio asked VFIO_IOMMU_GET_INFO and validated its
 * capability chain when the group joined), in the shape the printers take.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>
#include <vfio/vfio.h>

#include "vfio_info.h"

int vi_iommu_query(struct vfio_container *c, struct vi_iommu *out, char *why, size_t whylen)
{
	struct vfio_iommu_range *r = NULL;
	struct vfio_iommu_info info;
	size_t n = 0;
	int ret;

	*out = (struct vi_iommu){ 0 };
	ret = vfio_iommu_get_info(c, &info);
	if (!ret && info.nr_ranges) {
		r = calloc(info.nr_ranges, sizeof(*r));
		out->ranges = calloc(info.nr_ranges, sizeof(*out->ranges));
		if (!r || !out->ranges)
			ret = -ENOMEM;
		else
			ret = vfio_iommu_ranges(c, r, info.nr_ranges, &n);
	}
	if (ret) {
		snprintf(why, whylen, "%s", ret == -ENOMEM ? strerror(ENOMEM) : vfio_last_error());
		free(r);
		vi_iommu_free(out);
		return ret;
	}
	out->type = vfio_container_iommu_type(c);
	out->flags = VFIO_IOMMU_INFO_PGSIZES;
	out->pgsizes = info.pgsizes;
	out->caps = VI_IOMMU_HAS_IOVA_RANGES;
	out->nr_ranges = (uint32_t)(n < info.nr_ranges ? n : info.nr_ranges);
	for (uint32_t i = 0; i < out->nr_ranges; i++)
		out->ranges[i] = (struct vi_iova_range){ r[i].start, r[i].last };
	free(r);
	if (info.dma_limit != VFIO_DMA_AVAIL_UNLIMITED) {
		out->caps |= VI_IOMMU_HAS_DMA_AVAIL;
		out->dma_avail = info.dma_avail;
	}
	return 0;
}

void vi_iommu_free(struct vi_iommu *iommu)
{
	free(iommu->ranges);
	iommu->ranges = NULL;
	iommu->nr_ranges = 0;
}
