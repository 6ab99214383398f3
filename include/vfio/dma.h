/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_DMA_H
#define LIBVFIO_VFIO_DMA_H

/*
 * IOMMU DMA mappings of a container (Type1, or the IOAS in iommufd mode).
 *
 * The container keeps its own list of live mappings.  In legacy mode, while a
 * group is joined each call reaches the kernel; while none is (before the first
 * device, or after the last one left) the list is checked and kept, and it is
 * replayed into the kernel when a group joins.  In iommufd mode each call
 * reaches the container's IOAS, which lives as long as the container.  In
 * noiommu mode there is no IOMMU: every call that would map or unmap answers
 * -ENODEV and nothing reaches the kernel (vfio_dma_list() lists nothing).
 *
 * Every range is checked for overflow, size 0 and 4 KiB alignment, against the
 * list (overlap, splitting a mapping, nothing mapped), then against what the
 * IOMMU can map (vfio_iommu_get_info(): page size, IOVA ranges, entries left),
 * before it reaches the kernel.  So a misuse answers the same errno in every
 * mode, where Type1 and iommufd would differ: -EEXIST for an overlap, -EINVAL
 * for an unmap that would split a mapping (iommufd alone says -ENOENT), -ENOENT
 * for an unmap of a range where nothing is mapped.
 *
 * Thread safety: all functions may be called from several threads at once on
 * one container; they are serialised by the container.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_container;

/* Access rights of a mapping (vfio_dma_region.prot). */
enum vfio_dma_prot {
	VFIO_DMA_PROT_READ = 1u << 0,  /* the device may read */
	VFIO_DMA_PROT_WRITE = 1u << 1, /* the device may write */
};

/**
 * struct vfio_dma_region - one mapping: IOVA range -> host memory
 * @iova: device address; 4 KiB aligned
 * @size: bytes; 4 KiB aligned, not 0
 * @vaddr: host address of the memory; 4 KiB aligned
 * @prot: VFIO_DMA_PROT_* bits, at least one
 */
struct vfio_dma_region {
	uint64_t iova;
	uint64_t size;
	void *vaddr;
	uint32_t prot;
};

/**
 * vfio_dma_map() - map @size bytes at @vaddr to @iova
 * @c: the container
 * @iova: device address
 * @size: bytes
 * @vaddr: host address
 * @prot: VFIO_DMA_PROT_* bits
 *
 * Return: 0; -EINVAL for size 0, misalignment, a range that wraps, no or unknown
 * @prot bits, or a range the IOMMU cannot map (outside its IOVA ranges, not
 * aligned to its smallest page); -EEXIST for a range overlapping a live
 * mapping; -ENOSPC when no DMA entry is left; -ENODEV in noiommu mode; -ENOMEM;
 * or the errno of VFIO_IOMMU_MAP_DMA or IOMMU_IOAS_MAP.
 */
int vfio_dma_map(struct vfio_container *c, uint64_t iova, uint64_t size, void *vaddr,
		 uint32_t prot);

/**
 * vfio_dma_map_file() - map @size bytes of file @fd from @offset to @iova
 * @c: an iommufd-mode container
 * @iova: device address
 * @size: bytes
 * @fd: the file (a memfd, say); the kernel takes its own reference, so @fd may
 *	be closed after the call
 * @offset: where in the file the mapping starts; 4 KiB aligned
 * @prot: VFIO_DMA_PROT_* bits
 *
 * IOMMU_IOAS_MAP_FILE (Linux 6.13 and later): the memory need not be mapped
 * in the process.  The mapping joins the container's list like any other;
 * having no address in the process, it is listed by vfio_dma_list() with
 * @vaddr NULL (do not hand that entry back to vfio_dma_map_layout()), and it is
 * unmapped as any other.
 *
 * Return: 0; -EOPNOTSUPP in legacy or noiommu mode, or when the kernel lacks
 * IOMMU_IOAS_MAP_FILE; -EINVAL for a negative @fd, an unaligned @offset, or as
 * for vfio_dma_map(); -EEXIST, -ENOSPC, -ENOMEM as for vfio_dma_map(); or the
 * errno of IOMMU_IOAS_MAP_FILE.
 */
int vfio_dma_map_file(struct vfio_container *c, uint64_t iova, uint64_t size, int fd,
		      uint64_t offset, uint32_t prot);

/**
 * vfio_dma_unmap() - unmap the mappings that make up [@iova, @iova + @size)
 * @c: the container
 * @iova: device address
 * @size: bytes
 * @unmapped: set to the bytes unmapped; may be NULL
 *
 * The range must be covered exactly by whole live mappings.  When it has a
 * hole, the mappings inside it are unmapped all the same, reported in
 * *@unmapped and removed from the list, and the call fails.
 *
 * Return: 0; -EINVAL for size 0, misalignment, a range that wraps or one that
 * would split a mapping; -ENOENT when less than @size was mapped there (a
 * hole, or nothing at all); -ENODEV in noiommu mode; or the errno of
 * VFIO_IOMMU_UNMAP_DMA or IOMMU_IOAS_UNMAP.
 */
int vfio_dma_unmap(struct vfio_container *c, uint64_t iova, uint64_t size, uint64_t *unmapped);

/**
 * vfio_dma_unmap_all() - unmap every mapping of the container
 * @c: the container
 * @unmapped: set to the bytes unmapped; may be NULL
 *
 * Return: 0; -ENODEV in noiommu mode; or the errno of the first
 * VFIO_IOMMU_UNMAP_DMA (IOMMU_IOAS_UNMAP) that failed (the mappings unmapped
 * before it are gone).
 */
int vfio_dma_unmap_all(struct vfio_container *c, uint64_t *unmapped);

/**
 * vfio_dma_map_layout() - map every region of a memory layout, or none
 * @c: the container
 * @regions: the layout
 * @count: how many regions
 *
 * On an error the regions mapped so far are unmapped again.
 *
 * Return: 0, or the error of the first region that failed (its message names
 * the region).
 */
int vfio_dma_map_layout(struct vfio_container *c, const struct vfio_dma_region *regions,
			size_t count);

/**
 * vfio_dma_unmap_layout() - unmap every region of a memory layout
 * @c: the container
 * @regions: the layout, as given to vfio_dma_map_layout()
 * @count: how many regions
 *
 * Goes on past a failure, so that as much as possible is unmapped.
 *
 * Return: 0, or the first error met.
 */
int vfio_dma_unmap_layout(struct vfio_container *c, const struct vfio_dma_region *regions,
			  size_t count);

/**
 * vfio_dma_list() - the live mappings, by ascending IOVA
 * @c: the container
 * @out: where to store them; may be NULL when @cap is 0
 * @cap: room in @out
 * @count: set to the number of live mappings (may exceed @cap: ask again)
 *
 * Return: 0.
 */
int vfio_dma_list(struct vfio_container *c, struct vfio_dma_region *out, size_t cap,
		  size_t *count);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_DMA_H */
