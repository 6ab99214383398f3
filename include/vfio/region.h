/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_REGION_H
#define LIBVFIO_VFIO_REGION_H

/*
 * Device regions, by their VFIO index: info with decoded capabilities, bounded
 * read and write, and mmap honouring sparse-mmap areas.
 *
 * Thread safety: as for the device (device.h).  A mapping may be used from any
 * thread; vfio_region_munmap() must be its last call.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_device;

/* Which capabilities a region's chain carried (vfio_region_desc.caps). */
enum vfio_region_cap_bit {
	VFIO_REGION_HAS_SPARSE_MMAP = 1u << 0,
	VFIO_REGION_HAS_TYPE = 1u << 1,
	VFIO_REGION_HAS_MSIX_MAPPABLE = 1u << 2,
	VFIO_REGION_HAS_NVLINK2_SSATGT = 1u << 3,
	VFIO_REGION_HAS_NVLINK2_LNKSPD = 1u << 4,
};

/**
 * struct vfio_sparse_area - a part of a region that may be mmap'ed
 * @offset: from the start of the region
 * @size: bytes
 */
struct vfio_sparse_area {
	uint64_t offset;
	uint64_t size;
};

/**
 * struct vfio_region_desc - what the kernel said of one region
 * @index: the VFIO region index
 * @present: false when the kernel refused the index (e.g. VGA on a non-VGA
 *	device); every other field is then 0
 * @flags: VFIO_REGION_INFO_FLAG_*
 * @size: bytes
 * @offset: where the region starts in the device file
 * @caps: VFIO_REGION_HAS_* bits
 * @type: with VFIO_REGION_HAS_TYPE, the region type
 * @subtype: with VFIO_REGION_HAS_TYPE, the region subtype
 * @nr_sparse: with VFIO_REGION_HAS_SPARSE_MMAP, the number of areas
 * @sparse: the areas, owned by the device
 * @nvlink2_tgt: with VFIO_REGION_HAS_NVLINK2_SSATGT, the target address
 * @nvlink2_link_speed: with VFIO_REGION_HAS_NVLINK2_LNKSPD, the link speed
 */
struct vfio_region_desc {
	unsigned int index;
	bool present;
	uint32_t flags;
	uint64_t size;
	uint64_t offset;
	uint32_t caps;
	uint32_t type;
	uint32_t subtype;
	uint32_t nr_sparse;
	const struct vfio_sparse_area *sparse;
	uint64_t nvlink2_tgt;
	uint32_t nvlink2_link_speed;
};

/**
 * vfio_region_get() - the description of region @index
 * @d: the device
 * @index: the VFIO region index (e.g. VFIO_PCI_CONFIG_REGION_INDEX)
 * @out: set to the description, owned by @d and valid until it closes
 *
 * Return: 0; -EINVAL for an index past the device's regions; -ENOENT for an
 * index the kernel refused (*@out still points at a description with
 * present == false).
 */
int vfio_region_get(struct vfio_device *d, unsigned int index, const struct vfio_region_desc **out);

/**
 * vfio_region_read() - read from a region
 * @d: the device
 * @index: the region index
 * @offset: from the start of the region
 * @buf: where to store the bytes
 * @len: how many
 * @done: set to the bytes read; less than @len when the device gave a short
 *	read (as pread(2) on the device file does); may be NULL, and then a short
 *	read is -EIO
 *
 * Return: 0; -EINVAL for a region without the READ flag or a range outside the
 * region; -ENOENT for an absent region; or the errno of the read.
 */
int vfio_region_read(struct vfio_device *d, unsigned int index, uint64_t offset, void *buf,
		     size_t len, size_t *done);

/**
 * vfio_region_write() - write to a region
 * @d: the device
 * @index: the region index
 * @offset: from the start of the region
 * @buf: the bytes
 * @len: how many
 * @done: as for vfio_region_read()
 *
 * Return: as for vfio_region_read(), with the WRITE flag.
 */
int vfio_region_write(struct vfio_device *d, unsigned int index, uint64_t offset, const void *buf,
		      size_t len, size_t *done);

/**
 * struct vfio_mmap_area - one mapped part of a region
 * @offset: from the start of the region
 * @size: bytes
 * @addr: where it is mapped; equals base + @offset (vfio_region_mapping_base())
 */
struct vfio_mmap_area {
	uint64_t offset;
	uint64_t size;
	void *addr;
};

struct vfio_region_mapping;

/**
 * vfio_region_mmap() - map a region's mappable areas
 * @d: the device
 * @index: the region index; the region must have the MMAP flag
 * @prot: PROT_READ and/or PROT_WRITE; each must be allowed by the region flags
 * @out: the mapping
 *
 * The region's address range is laid out as on the device: each area sits at
 * base + its offset.  With a sparse-mmap capability only its areas are mapped
 * (the gaps stay unmapped, so a stray access faults); without one, the whole
 * region is.
 *
 * Return: 0; -EINVAL for a region without MMAP, a @prot the flags forbid, or
 * sparse areas that do not start on a page or overlap; -ENOENT for an absent
 * region; -ENOMEM; or the errno of mmap.
 */
int vfio_region_mmap(struct vfio_device *d, unsigned int index, int prot,
		     struct vfio_region_mapping **out);

/**
 * vfio_region_mapping_base() - where offset 0 of the region would be
 * @m: the mapping
 *
 * Return: the base address; only the areas' ranges are mapped.
 */
void *vfio_region_mapping_base(const struct vfio_region_mapping *m);

/**
 * vfio_region_mapping_areas() - the mapped areas, by ascending offset
 * @m: the mapping
 * @areas: set to the array, owned by @m; may be NULL
 *
 * Empty sparse areas are left out.  An area whose size is not a page multiple
 * is mapped to the end of its last page.
 *
 * Return: the number of areas (0 when a sparse capability lists none).
 */
size_t vfio_region_mapping_areas(const struct vfio_region_mapping *m,
				 const struct vfio_mmap_area **areas);

/**
 * vfio_region_munmap() - unmap a mapping and free it
 * @m: the mapping, or NULL
 *
 * Return: 0, or the first munmap error (the mapping is freed all the same).
 */
int vfio_region_munmap(struct vfio_region_mapping *m);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_REGION_H */
