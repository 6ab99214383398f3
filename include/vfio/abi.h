/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_ABI_H
#define LIBVFIO_VFIO_ABI_H

/*
 * The iommufd and device-cdev ABI (Linux 6.2 and later), defined here because
 * the system's <linux/vfio.h> may predate it and <linux/iommufd.h> may be
 * missing.  The layouts and numbers are the kernel's ABI; the checks at the end
 * of this file hold them to it.  Only what libvfio uses is defined.
 *
 * Every structure starts with its own size (iommufd: @size; VFIO: @argsz), set
 * by the caller to sizeof the structure it passes.
 */

#include <stdint.h>
#include <sys/ioctl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- iommufd: /dev/iommu ---- */

#define VFIO_ABI_IOMMUFD_TYPE ';'

/* IOMMU_DESTROY: destroy the object @id (an IOAS, a HWPT...). */
struct vfio_abi_iommu_destroy {
	uint32_t size;
	uint32_t id;
};
#define VFIO_ABI_IOMMU_DESTROY _IO(VFIO_ABI_IOMMUFD_TYPE, 0x80)

/* IOMMU_IOAS_ALLOC: a new, empty I/O address space; its id in @out_ioas_id. */
struct vfio_abi_ioas_alloc {
	uint32_t size;
	uint32_t flags; /* must be 0 */
	uint32_t out_ioas_id;
};
#define VFIO_ABI_IOAS_ALLOC _IO(VFIO_ABI_IOMMUFD_TYPE, 0x81)

/* One usable IOVA range, both ends inclusive. */
struct vfio_abi_iova_range {
	uint64_t start;
	uint64_t last;
};

/*
 * IOMMU_IOAS_IOVA_RANGES: the IOVA ranges the IOAS can map now (they narrow as
 * devices attach).  The caller gives room for @num_iovas ranges at
 * @allowed_iovas; the kernel sets @num_iovas to the count it has and answers
 * EMSGSIZE when the room was too small (the ranges that fit are filled).
 */
struct vfio_abi_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved; /* must be 0 */
	uint64_t allowed_iovas; /* user pointer to struct vfio_abi_iova_range[] */
	uint64_t out_iova_alignment; /* the smallest page size of the IOAS */
};
#define VFIO_ABI_IOAS_IOVA_RANGES _IO(VFIO_ABI_IOMMUFD_TYPE, 0x84)

/* IOMMU_IOAS_MAP flags */
#define VFIO_ABI_IOAS_MAP_FIXED_IOVA (1u << 0) /* map at @iova, else the kernel picks */
#define VFIO_ABI_IOAS_MAP_WRITEABLE (1u << 1)
#define VFIO_ABI_IOAS_MAP_READABLE (1u << 2)

/* IOMMU_IOAS_MAP: map @length bytes of user memory at @user_va to @iova. */
struct vfio_abi_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved; /* must be 0 */
	uint64_t user_va;
	uint64_t length;
	uint64_t iova; /* in with FIXED_IOVA; out (the IOVA chosen) without */
};
#define VFIO_ABI_IOAS_MAP _IO(VFIO_ABI_IOMMUFD_TYPE, 0x85)

/*
 * IOMMU_IOAS_MAP_FILE (Linux 6.13 and later; older kernels answer ENOTTY): map
 * @length bytes of the file @fd from offset @start (a memfd, say) to @iova.
 * Flags as IOMMU_IOAS_MAP.
 */
struct vfio_abi_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	uint64_t start;
	uint64_t length;
	uint64_t iova;
};
#define VFIO_ABI_IOAS_MAP_FILE _IO(VFIO_ABI_IOMMUFD_TYPE, 0x8f)

/*
 * IOMMU_IOAS_UNMAP: unmap every mapping wholly inside [@iova, @iova + @length);
 * @iova 0 with @length UINT64_MAX unmaps everything.  @length comes back as the
 * bytes unmapped.  A range that cuts a mapping answers ENOENT.
 */
struct vfio_abi_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	uint64_t iova;
	uint64_t length;
};
#define VFIO_ABI_IOAS_UNMAP _IO(VFIO_ABI_IOMMUFD_TYPE, 0x86)

/* ---- the VFIO device cdev: /dev/vfio/devices/vfioN ---- */

#define VFIO_ABI_VFIO_TYPE ';'
#define VFIO_ABI_VFIO_BASE 100

/*
 * VFIO_DEVICE_BIND_IOMMUFD: bind the device to the iommufd @iommufd; the
 * device's id inside that iommufd comes back in @out_devid.  A cdev fd does
 * nothing else until bound.
 */
struct vfio_abi_device_bind_iommufd {
	uint32_t argsz;
	uint32_t flags; /* must be 0 */
	int32_t iommufd;
	uint32_t out_devid;
};
#define VFIO_ABI_DEVICE_BIND_IOMMUFD _IO(VFIO_ABI_VFIO_TYPE, VFIO_ABI_VFIO_BASE + 18)

/* VFIO_DEVICE_ATTACH_IOMMUFD_PT: attach the bound device to the IOAS (or HWPT) @pt_id. */
struct vfio_abi_device_attach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags; /* must be 0 */
	uint32_t pt_id; /* in; out: the HWPT the kernel attached to */
};
#define VFIO_ABI_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_ABI_VFIO_TYPE, VFIO_ABI_VFIO_BASE + 19)

/* VFIO_DEVICE_DETACH_IOMMUFD_PT: detach the device from its IOAS. */
struct vfio_abi_device_detach_iommufd_pt {
	uint32_t argsz;
	uint32_t flags; /* must be 0 */
};
#define VFIO_ABI_DEVICE_DETACH_IOMMUFD_PT _IO(VFIO_ABI_VFIO_TYPE, VFIO_ABI_VFIO_BASE + 20)

/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO on a cdev-bound device answers device ids
 * instead of group ids (the struct is the system header's
 * vfio_pci_hot_reset_info; these are the flags and special ids 6.12 adds).
 */
#define VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID (1u << 0)       /* devices[].devid, not group ids */
#define VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID_OWNED (1u << 1) /* the caller owns them all */
#define VFIO_ABI_PCI_DEVID_OWNED 0u                      /* owned, but not bound here */
#define VFIO_ABI_PCI_DEVID_NOT_OWNED UINT32_MAX          /* not owned by the caller */

/* VFIO_DEVICE_FEATURE indexes the system header may lack. */
#define VFIO_ABI_DEVICE_FEATURE_BUS_MASTER 10

/* ---- the layouts are the kernel's ---- */

#ifdef __cplusplus
#define VFIO_ABI_ASSERT static_assert
#else
#define VFIO_ABI_ASSERT _Static_assert
#endif
#define VFIO_ABI_CHECK(type, bytes) \
	VFIO_ABI_ASSERT(sizeof(struct type) == (bytes), #type " is not the kernel's size")
#define VFIO_ABI_AT(type, member, off)                                    \
	VFIO_ABI_ASSERT(__builtin_offsetof(struct type, member) == (off), \
			#type "." #member " is not at the kernel's offset")

VFIO_ABI_CHECK(vfio_abi_iommu_destroy, 8);
VFIO_ABI_CHECK(vfio_abi_ioas_alloc, 12);
VFIO_ABI_CHECK(vfio_abi_iova_range, 16);
VFIO_ABI_CHECK(vfio_abi_ioas_iova_ranges, 32);
VFIO_ABI_AT(vfio_abi_ioas_iova_ranges, allowed_iovas, 16);
VFIO_ABI_AT(vfio_abi_ioas_iova_ranges, out_iova_alignment, 24);
VFIO_ABI_CHECK(vfio_abi_ioas_map, 40);
VFIO_ABI_AT(vfio_abi_ioas_map, user_va, 16);
VFIO_ABI_AT(vfio_abi_ioas_map, iova, 32);
VFIO_ABI_CHECK(vfio_abi_ioas_map_file, 40);
VFIO_ABI_AT(vfio_abi_ioas_map_file, start, 16);
VFIO_ABI_CHECK(vfio_abi_ioas_unmap, 24);
VFIO_ABI_AT(vfio_abi_ioas_unmap, iova, 8);
VFIO_ABI_CHECK(vfio_abi_device_bind_iommufd, 16);
VFIO_ABI_AT(vfio_abi_device_bind_iommufd, out_devid, 12);
VFIO_ABI_CHECK(vfio_abi_device_attach_iommufd_pt, 12);
VFIO_ABI_CHECK(vfio_abi_device_detach_iommufd_pt, 8);
VFIO_ABI_ASSERT(VFIO_ABI_IOAS_MAP == 0x3b85, "IOMMU_IOAS_MAP is not the kernel's number");
VFIO_ABI_ASSERT(VFIO_ABI_DEVICE_BIND_IOMMUFD == 0x3b76,
		"VFIO_DEVICE_BIND_IOMMUFD is not the kernel's number");

#undef VFIO_ABI_ASSERT
#undef VFIO_ABI_CHECK
#undef VFIO_ABI_AT

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_ABI_H */
