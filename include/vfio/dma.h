/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_DMA_H
#define LIBVFIO_VFIO_DMA_H

/*
 * IOMMU DMA mappings of a container (Type1).
 *
 * The container keeps its own list of live mappings.  While a group is joined
 * each call reaches the kernel; while none is (before the first device, or after
 * the last one left) the list is checked and kept, and it is replayed into the
 * kernel when a group joins.  Every range is checked for overflow, size 0 and
 * 4 KiB alignment, and against the list for overlap, before it reaches the
 * kernel.
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
 * @prot bits; -EEXIST for a range overlapping a live mapping; -ENOMEM; or the
 * errno of VFIO_IOMMU_MAP_DMA (e.g. -ENOSPC past the kernel's entry limit).
 */
int vfio_dma_map(struct vfio_container *c, uint64_t iova, uint64_t size, void *vaddr,
		 uint32_t prot);

/**
 * vfio_dma_unmap() - unmap the mappings that make up [@iova, @iova + @size)
 * @c: the container
 * @iova: device address
 * @size: bytes
 * @unmapped: set to the bytes unmapped; may be NULL
 *
 * The range must be covered exactly by whole live mappings.  When the kernel
 * unmaps another size than asked (a hole in the range), what it unmapped is
 * reported in *@unmapped, removed from the list, and the call fails.
 *
 * Return: 0; -EINVAL for size 0, misalignment, a range that wraps or one that
 * would split a mapping; -ENOENT when the kernel unmapped less than @size (a
 * hole); or the errno of VFIO_IOMMU_UNMAP_DMA.
 */
int vfio_dma_unmap(struct vfio_container *c, uint64_t iova, uint64_t size, uint64_t *unmapped);

/**
 * vfio_dma_unmap_all() - unmap every mapping of the container
 * @c: the container
 * @unmapped: set to the bytes unmapped; may be NULL
 *
 * Return: 0, or the errno of the first VFIO_IOMMU_UNMAP_DMA that failed (the
 * mappings unmapped before it are gone).
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
