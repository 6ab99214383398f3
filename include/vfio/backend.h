/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_BACKEND_H
#define LIBVFIO_VFIO_BACKEND_H

/*
 * The backend vtable: the kernel boundary, for backend writers.
 *
 * One operation per VFIO entry point (a file operation or an ioctl), taking the
 * kernel's own uAPI structures and answering as the kernel does: a value >= 0 on
 * success (0, an fd, a byte count, an API version) or a negative errno.  The
 * kernel backend implements each op as one syscall; the sim implements each as
 * the kernel's VFIO driver would.  Everything above this table (libvfio's core)
 * runs the same over either, or over a backend of your own.
 *
 * Handles are small integers that are unique in the process (real fds in both
 * shipped backends).
 *
 * Writing a backend: embed struct vfio_backend as the first member of your own
 * struct, point ->ops at a static const table that starts with
 * VFIO_BACKEND_OPS_VERSION, and leave NULL every op you do not implement: the
 * core answers -EOPNOTSUPP for it.  ->destroy is required.
 *
 * Thread safety: the core may call any op from several threads at once; a
 * backend must be safe for that (both shipped backends are).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/kvm.h>
#include <linux/vfio.h>
#include <vfio/abi.h>
#include <vfio/kernel.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Version of struct vfio_backend_ops; raised whenever the table changes.
 * 2: list_dir and ioas_map_file.
 */
#define VFIO_BACKEND_OPS_VERSION 2

struct vfio_backend;

/**
 * struct vfio_backend_ops - the operations of a backend
 *
 * Every op but @destroy may be NULL.  Each returns >= 0 or a negative errno;
 * the comment beside it names the kernel entry point whose contract it keeps.
 */
struct vfio_backend_ops {
	unsigned int version; /* VFIO_BACKEND_OPS_VERSION */
	const char *name;     /* "kernel", "sim", ... for messages */

	/* Releases the backend; required.  Called once, after every handle is closed. */
	void (*destroy)(struct vfio_backend *be);

	/* ---- files ---- */
	int (*open)(struct vfio_backend *be, const char *path, int flags); /* open(2) -> fd */
	int (*close)(struct vfio_backend *be, int fd);                      /* close(2) */
	/* readlink(2): bytes stored (not NUL-terminated) */
	ssize_t (*readlink)(struct vfio_backend *be, const char *path, char *buf, size_t size);
	/*
	 * opendir(3)/readdir(3): the names in directory @path but "." and "..",
	 * each NUL-terminated, one after another, in order up to the first that
	 * does not fit in @buf; returns the bytes all of them need (more than
	 * @size: call again with more room)
	 */
	ssize_t (*list_dir)(struct vfio_backend *be, const char *path, char *buf, size_t size);
	/* pread(2): bytes read */
	ssize_t (*pread)(struct vfio_backend *be, int fd, void *buf, size_t count, uint64_t offset);
	/* pwrite(2): bytes written */
	ssize_t (*pwrite)(struct vfio_backend *be, int fd, const void *buf, size_t count,
			  uint64_t offset);
	/* mmap(2): the mapping's address in *out */
	int (*mmap)(struct vfio_backend *be, int fd, void *addr, size_t length, int prot, int flags,
		    uint64_t offset, void **out);
	int (*munmap)(struct vfio_backend *be, void *addr, size_t length); /* munmap(2) */

	/* ---- container: /dev/vfio/vfio ---- */
	int (*get_api_version)(struct vfio_backend *be, int container);          /* VFIO_GET_API_VERSION */
	int (*check_extension)(struct vfio_backend *be, int container, unsigned long ext); /* VFIO_CHECK_EXTENSION */
	int (*set_iommu)(struct vfio_backend *be, int container, unsigned long type); /* VFIO_SET_IOMMU */
	int (*iommu_get_info)(struct vfio_backend *be, int container,
			      struct vfio_iommu_type1_info *info); /* VFIO_IOMMU_GET_INFO */
	int (*iommu_map_dma)(struct vfio_backend *be, int container,
			     struct vfio_iommu_type1_dma_map *map); /* VFIO_IOMMU_MAP_DMA */
	int (*iommu_unmap_dma)(struct vfio_backend *be, int container,
			       struct vfio_iommu_type1_dma_unmap *unmap); /* VFIO_IOMMU_UNMAP_DMA */

	/* ---- group: /dev/vfio/N ---- */
	int (*group_get_status)(struct vfio_backend *be, int group,
				struct vfio_group_status *status); /* VFIO_GROUP_GET_STATUS */
	int (*group_set_container)(struct vfio_backend *be, int group, int container); /* VFIO_GROUP_SET_CONTAINER */
	int (*group_unset_container)(struct vfio_backend *be, int group); /* VFIO_GROUP_UNSET_CONTAINER */
	int (*group_get_device_fd)(struct vfio_backend *be, int group, const char *name); /* -> fd */

	/* ---- device ---- */
	int (*device_get_info)(struct vfio_backend *be, int device,
			       struct vfio_device_info *info); /* VFIO_DEVICE_GET_INFO */
	int (*device_get_region_info)(struct vfio_backend *be, int device,
				      struct vfio_region_info *info); /* VFIO_DEVICE_GET_REGION_INFO */
	int (*device_get_irq_info)(struct vfio_backend *be, int device,
				   struct vfio_irq_info *info); /* VFIO_DEVICE_GET_IRQ_INFO */
	int (*device_set_irqs)(struct vfio_backend *be, int device,
			       struct vfio_irq_set *set); /* VFIO_DEVICE_SET_IRQS */
	int (*device_reset)(struct vfio_backend *be, int device); /* VFIO_DEVICE_RESET */
	/* VFIO_DEVICE_GET_PCI_HOT_RESET_INFO */
	int (*device_get_pci_hot_reset_info)(struct vfio_backend *be, int device,
					     struct vfio_pci_hot_reset_info *info);
	/* VFIO_DEVICE_PCI_HOT_RESET */
	int (*device_pci_hot_reset)(struct vfio_backend *be, int device,
				    struct vfio_pci_hot_reset *reset);
	/* VFIO_DEVICE_IOEVENTFD */
	int (*device_ioeventfd)(struct vfio_backend *be, int device,
				struct vfio_device_ioeventfd *ioeventfd);
	/* VFIO_DEVICE_FEATURE */
	int (*device_feature)(struct vfio_backend *be, int device,
			      struct vfio_device_feature *feature);

	/* ---- KVM VFIO pseudo-device: KVM_SET_DEVICE_ATTR ---- */
	/* KVM_DEV_VFIO_FILE_ADD or _DEL of a group file */
	int (*kvm_device_set_attr)(struct vfio_backend *be, int kvm_device,
				   const struct kvm_device_attr *attr);

	/* ---- iommufd and the device cdev (iommufd mode) ---- */
	/* IOMMU_DESTROY */
	int (*iommufd_destroy)(struct vfio_backend *be, int iommufd,
			       struct vfio_abi_iommu_destroy *destroy);
	/* IOMMU_IOAS_ALLOC */
	int (*ioas_alloc)(struct vfio_backend *be, int iommufd, struct vfio_abi_ioas_alloc *alloc);
	/* IOMMU_IOAS_IOVA_RANGES */
	int (*ioas_iova_ranges)(struct vfio_backend *be, int iommufd,
				struct vfio_abi_ioas_iova_ranges *ranges);
	/* IOMMU_IOAS_MAP */
	int (*ioas_map)(struct vfio_backend *be, int iommufd, struct vfio_abi_ioas_map *map);
	/* IOMMU_IOAS_MAP_FILE */
	int (*ioas_map_file)(struct vfio_backend *be, int iommufd,
			     struct vfio_abi_ioas_map_file *map);
	/* IOMMU_IOAS_UNMAP */
	int (*ioas_unmap)(struct vfio_backend *be, int iommufd, struct vfio_abi_ioas_unmap *unmap);
	/* VFIO_DEVICE_BIND_IOMMUFD */
	int (*device_bind_iommufd)(struct vfio_backend *be, int device,
				   struct vfio_abi_device_bind_iommufd *bind);
	/* VFIO_DEVICE_ATTACH_IOMMUFD_PT */
	int (*device_attach_iommufd_pt)(struct vfio_backend *be, int device,
					struct vfio_abi_device_attach_iommufd_pt *attach);
	/* VFIO_DEVICE_DETACH_IOMMUFD_PT */
	int (*device_detach_iommufd_pt)(struct vfio_backend *be, int device,
					struct vfio_abi_device_detach_iommufd_pt *detach);
};

/**
 * struct vfio_backend - the generic part of every backend
 * @ops: the backend's operations; never NULL
 *
 * A backend's own struct starts with this one.
 */
struct vfio_backend {
	const struct vfio_backend_ops *ops;
};

/**
 * enum vfio_backend_op - one value per op of struct vfio_backend_ops
 *
 * Names the ops for wrapping backends (fault injection, tracing).
 */
enum vfio_backend_op {
	VFIO_OP_OPEN,
	VFIO_OP_CLOSE,
	VFIO_OP_READLINK,
	VFIO_OP_LIST_DIR,
	VFIO_OP_PREAD,
	VFIO_OP_PWRITE,
	VFIO_OP_MMAP,
	VFIO_OP_MUNMAP,
	VFIO_OP_GET_API_VERSION,
	VFIO_OP_CHECK_EXTENSION,
	VFIO_OP_SET_IOMMU,
	VFIO_OP_IOMMU_GET_INFO,
	VFIO_OP_IOMMU_MAP_DMA,
	VFIO_OP_IOMMU_UNMAP_DMA,
	VFIO_OP_GROUP_GET_STATUS,
	VFIO_OP_GROUP_SET_CONTAINER,
	VFIO_OP_GROUP_UNSET_CONTAINER,
	VFIO_OP_GROUP_GET_DEVICE_FD,
	VFIO_OP_DEVICE_GET_INFO,
	VFIO_OP_DEVICE_GET_REGION_INFO,
	VFIO_OP_DEVICE_GET_IRQ_INFO,
	VFIO_OP_DEVICE_SET_IRQS,
	VFIO_OP_DEVICE_RESET,
	VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	VFIO_OP_DEVICE_PCI_HOT_RESET,
	VFIO_OP_DEVICE_IOEVENTFD,
	VFIO_OP_DEVICE_FEATURE,
	VFIO_OP_KVM_DEVICE_SET_ATTR,
	VFIO_OP_IOMMUFD_DESTROY,
	VFIO_OP_IOAS_ALLOC,
	VFIO_OP_IOAS_IOVA_RANGES,
	VFIO_OP_IOAS_MAP,
	VFIO_OP_IOAS_MAP_FILE,
	VFIO_OP_IOAS_UNMAP,
	VFIO_OP_DEVICE_BIND_IOMMUFD,
	VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
	VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
	VFIO_OP_COUNT
};

/**
 * vfio_backend_op_name() - the name of an op, for messages and traces
 * @op: the op
 *
 * Return: a static string such as "VFIO_GROUP_GET_DEVICE_FD" or "open"; "?" for
 * a value out of range.
 */
const char *vfio_backend_op_name(enum vfio_backend_op op);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_BACKEND_H */
