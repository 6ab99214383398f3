/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_IOMMU_H
#define LIBVFIO_VFIO_IOMMU_H

/*
 * What the IOMMU behind a container can map, and an IOVA allocator inside it.
 *
 * Legacy mode asks VFIO_IOMMU_GET_INFO (page sizes, the IOVA-range and
 * DMA-available capabilities) once the IOMMU is set, that is once a group has
 * joined; iommufd mode asks IOMMU_IOAS_IOVA_RANGES, again after each device
 * attaches (an attached device can narrow the ranges).  The container keeps
 * the answer: every vfio_dma_map() is checked against it before it reaches the
 * kernel, and the container counts its live mappings to report the DMA entries
 * left without asking the kernel.
 *
 * An IOMMU that reports no IOVA ranges (legacy without the IOVA-range
 * capability, or with an empty one) maps any IOVA: one range [0, UINT64_MAX].
 * One that reports no page sizes is taken to map 4 KiB pages.
 *
 * The check before vfio_dma_map() reaches the kernel answers the errno the
 * kernel would answer for the same mapping, with a message that says why:
 * -EINVAL for an IOVA, size or host address not aligned to the smallest page
 * size, and for a mapping outside every IOVA range (both IOMMUs); -ENOSPC when
 * the container holds as many mappings as the entry limit (legacy only: type1
 * counts its entries, iommufd has no such limit).  Where the two differ, each
 * mode answers as its own kernel does: a range that wraps is -EINVAL in legacy
 * mode and -EOVERFLOW in iommufd mode; the host address must be aligned to the
 * smallest page size in legacy mode, but in iommufd mode only to it or to
 * 4 KiB, whichever is smaller (iommufd checks the address's offset in its
 * page, not its alignment to the IOMMU's page size).
 *
 * Noiommu containers have no IOMMU: these calls answer -ENODEV there.
 *
 * Thread safety: as the container's.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_container;

/**
 * struct vfio_iommu_range - a usable IOVA range
 * @start: its first byte
 * @last: its last byte (inclusive, so a range can end at UINT64_MAX)
 */
struct vfio_iommu_range {
	uint64_t start;
	uint64_t last;
};

/* vfio_iommu_info.dma_avail when the IOMMU sets no limit on the entries. */
#define VFIO_DMA_AVAIL_UNLIMITED UINT32_MAX

/**
 * struct vfio_iommu_info - the IOMMU's answers, as the container keeps them
 * @pgsizes: bitmap of the page sizes it maps; the smallest is the alignment
 *	every mapping's IOVA, address and size must have
 * @nr_ranges: how many usable IOVA ranges there are (see vfio_iommu_ranges())
 * @dma_limit: the most DMA mappings the container may hold (the kernel's
 *	entry limit), or VFIO_DMA_AVAIL_UNLIMITED
 * @dma_avail: how many more mappings it may take now: @dma_limit less the
 *	live mappings; VFIO_DMA_AVAIL_UNLIMITED when unlimited
 * @dma_mappings: the live mappings the container holds
 */
struct vfio_iommu_info {
	uint64_t pgsizes;
	size_t nr_ranges;
	uint32_t dma_limit;
	uint32_t dma_avail;
	size_t dma_mappings;
};

/**
 * vfio_iommu_get_info() - what the container's IOMMU can map
 * @c: the container
 * @info: filled in
 *
 * Return: 0; -ENODEV when there is no IOMMU yet (legacy mode before a group
 * joined, iommufd mode before the IOAS exists) or at all (noiommu mode);
 * -EINVAL without @c or @info.
 */
int vfio_iommu_get_info(struct vfio_container *c, struct vfio_iommu_info *info);

/**
 * vfio_iommu_ranges() - the usable IOVA ranges, by ascending start
 * @c: the container
 * @out: room for @cap ranges (may be NULL when @cap is 0)
 * @cap: how many fit in @out
 * @count: set to how many there are, even when more than @cap
 *
 * Return: 0 (the first min(@cap, *@count) are stored); -ENODEV as for
 * vfio_iommu_get_info(); -EINVAL without @c or @count, or for NULL @out with
 * a non-zero @cap.
 */
int vfio_iommu_ranges(struct vfio_container *c, struct vfio_iommu_range *out, size_t cap,
		      size_t *count);

/**
 * vfio_iova_alloc() - reserve a free IOVA range
 * @c: the container
 * @size: bytes; a non-zero multiple of the smallest page size
 * @align: alignment of the start, a power of two; 0 for the smallest page size
 *	(a smaller one is raised to it)
 * @iova: set to the start of the range
 *
 * The range lies inside one usable IOVA range and overlaps no live mapping and
 * no other reservation; the lowest such range is chosen.  The reservation is
 * the caller's until vfio_iova_free(): map into it with vfio_dma_map() (a
 * mapping does not consume it).
 *
 * Return: 0; -EINVAL for a bad @size or @align; -ENOSPC when no free range of
 * that size and alignment is left; -ENODEV as for vfio_iommu_get_info();
 * -ENOMEM.
 */
int vfio_iova_alloc(struct vfio_container *c, uint64_t size, uint64_t align, uint64_t *iova);

/**
 * vfio_iova_free() - give back a range from vfio_iova_alloc()
 * @c: the container
 * @iova: the start vfio_iova_alloc() gave
 * @size: the size given to vfio_iova_alloc()
 *
 * Works whether or not an IOMMU is known now (a reservation outlives the
 * IOMMU of a container whose last group left).
 *
 * Return: 0; -ENOENT when no reservation has exactly that start and size;
 * -EINVAL without @c.
 */
int vfio_iova_free(struct vfio_container *c, uint64_t iova, uint64_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_IOMMU_H */
