// SPDX-License-Identifier: MIT
/*
 * The kernel backend: each op is exactly one syscall on the running kernel.
 *
 * No logic lives here: the argument structures are the kernel's own uAPI
 * structures, filled by the core, and each answer is the syscall's result or
 * -errno.  The syscalls go through a struct vfio_kernel_sys so the unit test can
 * stand in for the kernel.
 *
 * Thread safety: the backend holds nothing but its copy of that table, so every
 * op may run from any number of threads at once.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/kvm.h>
#include <linux/vfio.h>

#include <vfio/abi.h>
#include <vfio/backend.h>
#include <vfio/kernel.h>

#include "kernel_sys.h"
#include "private.h" /* vfio_fail, and the libc answers as ops give them */

/*
 * The uAPI structures passed to the kernel, as in the 6.1 headers the library is
 * built against.  A change here means the ABI moved under us.
 */
_Static_assert(sizeof(struct vfio_group_status) == 8, "vfio_group_status");
_Static_assert(sizeof(struct vfio_region_info) == 32, "vfio_region_info");
_Static_assert(sizeof(struct vfio_irq_info) == 16, "vfio_irq_info");
_Static_assert(sizeof(struct vfio_irq_set) == 20, "vfio_irq_set");
_Static_assert(sizeof(struct vfio_pci_hot_reset_info) == 12, "vfio_pci_hot_reset_info");
_Static_assert(sizeof(struct vfio_pci_dependent_device) == 8, "vfio_pci_dependent_device");
_Static_assert(sizeof(struct vfio_pci_hot_reset) == 12, "vfio_pci_hot_reset");
_Static_assert(sizeof(struct vfio_device_ioeventfd) == 32, "vfio_device_ioeventfd");
_Static_assert(sizeof(struct vfio_device_feature) == 8, "vfio_device_feature");
_Static_assert(sizeof(struct vfio_iommu_type1_info) == 24, "vfio_iommu_type1_info");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_map) == 32, "vfio_iommu_type1_dma_map");
_Static_assert(sizeof(struct vfio_iommu_type1_dma_unmap) == 24, "vfio_iommu_type1_dma_unmap");
_Static_assert(sizeof(struct kvm_device_attr) == 24, "kvm_device_attr");
/*
 * struct vfio_device_info is 20 bytes up to Linux 6.7 and 24 from 6.8 on, which
 * added a trailing __u32 pad.  Both are valid: the kernel reads only up to
 * num_irqs and frames the rest by argsz, so accept either header.
 */
_Static_assert(offsetof(struct vfio_device_info, cap_offset) == 16, "vfio_device_info");
_Static_assert(sizeof(struct vfio_device_info) == 20 || sizeof(struct vfio_device_info) == 24,
	       "vfio_device_info");
/* Region offsets reach index << 40: a 32-bit off_t would truncate them. */
_Static_assert(sizeof(off_t) == 8, "off_t must be 64 bits (_FILE_OFFSET_BITS=64)");

struct kernel_backend {
	struct vfio_backend base;
	struct vfio_kernel_sys sys;
	struct vfio_backend_ops ops; /* kernel_ops, with the hot paths direct for libc */
};

static const struct vfio_kernel_sys *sys_of(struct vfio_backend *be)
{
	return &((struct kernel_backend *)be)->sys;
}

/* ---- files ---- */

static int kernel_open(struct vfio_backend *be, const char *path, int flags)
{
	int fd = sys_of(be)->open(path, flags | O_CLOEXEC);

	return fd < 0 ? vfio_libc_error() : fd;
}

static int kernel_close(struct vfio_backend *be, int fd)
{
	return sys_of(be)->close(fd) < 0 ? vfio_libc_error() : 0;
}

static ssize_t kernel_readlink(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	ssize_t n = sys_of(be)->readlink(path, buf, size);

	return n < 0 ? vfio_libc_error() : n;
}

/*
 * The names but "." and "..", packed with their NULs; only whole names, in
 * order, go into @buf, and the answer is what they all need (the directory may
 * change between two calls: the caller sizes again from the new answer).
 */
static ssize_t kernel_list_dir(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	const struct vfio_kernel_sys *sys = sys_of(be);
	size_t need = 0, len;
	struct dirent *de;
	int fd, err = 0;
	DIR *dir;

	fd = sys->open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return vfio_libc_error();
	dir = sys->fdopendir(fd);
	if (!dir) {
		err = vfio_libc_error();
		sys->close(fd);
		return err;
	}
	for (;;) {
		errno = 0;
		de = sys->readdir(dir);
		if (!de) {
			err = errno ? -errno : 0;
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		len = strlen(de->d_name) + 1;
		if (need + len <= size && buf)
			memcpy(buf + need, de->d_name, len);
		else
			size = 0; /* a name did not fit: none after it goes in either */
		need += len;
	}
	sys->closedir(dir);
	if (err)
		return err;
	return need > SSIZE_MAX ? -EOVERFLOW : (ssize_t)need;
}

/* The offset's 64 bits reach the kernel unchanged; it judges one past INT64_MAX. */
static ssize_t kernel_pread(struct vfio_backend *be, int fd, void *buf, size_t count,
			    uint64_t offset)
{
	ssize_t n = sys_of(be)->pread(fd, buf, count, (off_t)offset);

	return n < 0 ? vfio_libc_error() : n;
}

static ssize_t kernel_pwrite(struct vfio_backend *be, int fd, const void *buf, size_t count,
			     uint64_t offset)
{
	ssize_t n = sys_of(be)->pwrite(fd, buf, count, (off_t)offset);

	return n < 0 ? vfio_libc_error() : n;
}

static int kernel_mmap(struct vfio_backend *be, int fd, void *addr, size_t length, int prot,
		       int flags, uint64_t offset, void **out)
{
	void *p = sys_of(be)->mmap(addr, length, prot, flags, fd, (off_t)offset);

	if (p == MAP_FAILED)
		return vfio_libc_error();
	*out = p;
	return 0;
}

static int kernel_munmap(struct vfio_backend *be, void *addr, size_t length)
{
	return sys_of(be)->munmap(addr, length) < 0 ? vfio_libc_error() : 0;
}

/* ---- ioctls ---- */

static int do_ioctl(struct vfio_backend *be, int fd, unsigned long request, void *arg)
{
	int ret = sys_of(be)->ioctl(fd, request, arg);

	return ret < 0 ? vfio_libc_error() : ret;
}

/* For the ioctls whose argument is a value, not a pointer. */
static void *value_arg(unsigned long value)
{
	return (void *)(uintptr_t)value;
}

static int kernel_get_api_version(struct vfio_backend *be, int container)
{
	return do_ioctl(be, container, VFIO_GET_API_VERSION, NULL);
}

static int kernel_check_extension(struct vfio_backend *be, int container, unsigned long ext)
{
	return do_ioctl(be, container, VFIO_CHECK_EXTENSION, value_arg(ext));
}

static int kernel_set_iommu(struct vfio_backend *be, int container, unsigned long type)
{
	return do_ioctl(be, container, VFIO_SET_IOMMU, value_arg(type));
}

static int kernel_iommu_get_info(struct vfio_backend *be, int container,
				 struct vfio_iommu_type1_info *info)
{
	return do_ioctl(be, container, VFIO_IOMMU_GET_INFO, info);
}

static int kernel_iommu_map_dma(struct vfio_backend *be, int container,
				struct vfio_iommu_type1_dma_map *map)
{
	return do_ioctl(be, container, VFIO_IOMMU_MAP_DMA, map);
}

static int kernel_iommu_unmap_dma(struct vfio_backend *be, int container,
				  struct vfio_iommu_type1_dma_unmap *unmap)
{
	return do_ioctl(be, container, VFIO_IOMMU_UNMAP_DMA, unmap);
}

static int kernel_group_get_status(struct vfio_backend *be, int group,
				   struct vfio_group_status *status)
{
	return do_ioctl(be, group, VFIO_GROUP_GET_STATUS, status);
}

static int kernel_group_set_container(struct vfio_backend *be, int group, int container)
{
	return do_ioctl(be, group, VFIO_GROUP_SET_CONTAINER, &container);
}

static int kernel_group_unset_container(struct vfio_backend *be, int group)
{
	return do_ioctl(be, group, VFIO_GROUP_UNSET_CONTAINER, NULL);
}

static int kernel_group_get_device_fd(struct vfio_backend *be, int group, const char *name)
{
	return do_ioctl(be, group, VFIO_GROUP_GET_DEVICE_FD, (void *)(uintptr_t)name);
}

static int kernel_device_get_info(struct vfio_backend *be, int device,
				  struct vfio_device_info *info)
{
	return do_ioctl(be, device, VFIO_DEVICE_GET_INFO, info);
}

static int kernel_device_get_region_info(struct vfio_backend *be, int device,
					 struct vfio_region_info *info)
{
	return do_ioctl(be, device, VFIO_DEVICE_GET_REGION_INFO, info);
}

static int kernel_device_get_irq_info(struct vfio_backend *be, int device,
				      struct vfio_irq_info *info)
{
	return do_ioctl(be, device, VFIO_DEVICE_GET_IRQ_INFO, info);
}

static int kernel_device_set_irqs(struct vfio_backend *be, int device, struct vfio_irq_set *set)
{
	return do_ioctl(be, device, VFIO_DEVICE_SET_IRQS, set);
}

static int kernel_device_reset(struct vfio_backend *be, int device)
{
	return do_ioctl(be, device, VFIO_DEVICE_RESET, NULL);
}

static int kernel_device_get_pci_hot_reset_info(struct vfio_backend *be, int device,
						struct vfio_pci_hot_reset_info *info)
{
	return do_ioctl(be, device, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, info);
}

static int kernel_device_pci_hot_reset(struct vfio_backend *be, int device,
				       struct vfio_pci_hot_reset *reset)
{
	return do_ioctl(be, device, VFIO_DEVICE_PCI_HOT_RESET, reset);
}

static int kernel_device_ioeventfd(struct vfio_backend *be, int device,
				   struct vfio_device_ioeventfd *ioeventfd)
{
	return do_ioctl(be, device, VFIO_DEVICE_IOEVENTFD, ioeventfd);
}

static int kernel_device_feature(struct vfio_backend *be, int device,
				 struct vfio_device_feature *feature)
{
	return do_ioctl(be, device, VFIO_DEVICE_FEATURE, feature);
}

/* KVM_SET_DEVICE_ATTR only reads *attr; the cast drops const for ioctl(2)'s void *. */
static int kernel_kvm_device_set_attr(struct vfio_backend *be, int kvm_device,
				      const struct kvm_device_attr *attr)
{
	return do_ioctl(be, kvm_device, KVM_SET_DEVICE_ATTR, (void *)(uintptr_t)attr);
}

/* ---- iommufd (/dev/iommu) and the device cdev (/dev/vfio/devices/vfioN) ---- */

static int kernel_iommufd_destroy(struct vfio_backend *be, int iommufd,
				  struct vfio_abi_iommu_destroy *destroy)
{
	return do_ioctl(be, iommufd, VFIO_ABI_IOMMU_DESTROY, destroy);
}

static int kernel_ioas_alloc(struct vfio_backend *be, int iommufd,
			     struct vfio_abi_ioas_alloc *alloc)
{
	return do_ioctl(be, iommufd, VFIO_ABI_IOAS_ALLOC, alloc);
}

static int kernel_ioas_iova_ranges(struct vfio_backend *be, int iommufd,
				   struct vfio_abi_ioas_iova_ranges *ranges)
{
	return do_ioctl(be, iommufd, VFIO_ABI_IOAS_IOVA_RANGES, ranges);
}

static int kernel_ioas_map(struct vfio_backend *be, int iommufd, struct vfio_abi_ioas_map *map)
{
	return do_ioctl(be, iommufd, VFIO_ABI_IOAS_MAP, map);
}

/* Before Linux 6.13 the kernel answers ENOTTY: passed on as it comes. */
static int kernel_ioas_map_file(struct vfio_backend *be, int iommufd,
				struct vfio_abi_ioas_map_file *map)
{
	return do_ioctl(be, iommufd, VFIO_ABI_IOAS_MAP_FILE, map);
}

static int kernel_ioas_unmap(struct vfio_backend *be, int iommufd,
			     struct vfio_abi_ioas_unmap *unmap)
{
	return do_ioctl(be, iommufd, VFIO_ABI_IOAS_UNMAP, unmap);
}

static int kernel_device_bind_iommufd(struct vfio_backend *be, int device,
				      struct vfio_abi_device_bind_iommufd *bind)
{
	return do_ioctl(be, device, VFIO_ABI_DEVICE_BIND_IOMMUFD, bind);
}

static int kernel_device_attach_iommufd_pt(struct vfio_backend *be, int device,
					   struct vfio_abi_device_attach_iommufd_pt *attach)
{
	return do_ioctl(be, device, VFIO_ABI_DEVICE_ATTACH_IOMMUFD_PT, attach);
}

static int kernel_device_detach_iommufd_pt(struct vfio_backend *be, int device,
					   struct vfio_abi_device_detach_iommufd_pt *detach)
{
	return do_ioctl(be, device, VFIO_ABI_DEVICE_DETACH_IOMMUFD_PT, detach);
}

/* ---- the backend ---- */

static void kernel_destroy(struct vfio_backend *be)
{
	free(be);
}

static const struct vfio_backend_ops kernel_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "kernel",
	.destroy = kernel_destroy,
	.open = kernel_open,
	.close = kernel_close,
	.readlink = kernel_readlink,
	.list_dir = kernel_list_dir,
	.pread = kernel_pread,
	.pwrite = kernel_pwrite,
	.mmap = kernel_mmap,
	.munmap = kernel_munmap,
	.get_api_version = kernel_get_api_version,
	.check_extension = kernel_check_extension,
	.set_iommu = kernel_set_iommu,
	.iommu_get_info = kernel_iommu_get_info,
	.iommu_map_dma = kernel_iommu_map_dma,
	.iommu_unmap_dma = kernel_iommu_unmap_dma,
	.group_get_status = kernel_group_get_status,
	.group_set_container = kernel_group_set_container,
	.group_unset_container = kernel_group_unset_container,
	.group_get_device_fd = kernel_group_get_device_fd,
	.device_get_info = kernel_device_get_info,
	.device_get_region_info = kernel_device_get_region_info,
	.device_get_irq_info = kernel_device_get_irq_info,
	.device_set_irqs = kernel_device_set_irqs,
	.device_reset = kernel_device_reset,
	.device_get_pci_hot_reset_info = kernel_device_get_pci_hot_reset_info,
	.device_pci_hot_reset = kernel_device_pci_hot_reset,
	.device_ioeventfd = kernel_device_ioeventfd,
	.device_feature = kernel_device_feature,
	.kvm_device_set_attr = kernel_kvm_device_set_attr,
	.iommufd_destroy = kernel_iommufd_destroy,
	.ioas_alloc = kernel_ioas_alloc,
	.ioas_iova_ranges = kernel_ioas_iova_ranges,
	.ioas_map = kernel_ioas_map,
	.ioas_map_file = kernel_ioas_map_file,
	.ioas_unmap = kernel_ioas_unmap,
	.device_bind_iommufd = kernel_device_bind_iommufd,
	.device_attach_iommufd_pt = kernel_device_attach_iommufd_pt,
	.device_detach_iommufd_pt = kernel_device_detach_iommufd_pt,
};

/*
 * The hot paths of a backend on libc's own syscalls (vfio_kernel_backend_new()):
 * the call goes straight to libc, not through the swap point, one indirect
 * call fewer on every register access, DMA map and interrupt set-up.
 */
static ssize_t direct_pread(struct vfio_backend *be, int fd, void *buf, size_t count,
			    uint64_t offset)
{
	ssize_t n = pread(fd, buf, count, (off_t)offset);

	(void)be;
	return n < 0 ? vfio_libc_error() : n;
}

static ssize_t direct_pwrite(struct vfio_backend *be, int fd, const void *buf, size_t count,
			     uint64_t offset)
{
	ssize_t n = pwrite(fd, buf, count, (off_t)offset);

	(void)be;
	return n < 0 ? vfio_libc_error() : n;
}

static int direct_ioctl(int fd, unsigned long request, void *arg)
{
	int ret = ioctl(fd, request, arg);

	return ret < 0 ? vfio_libc_error() : ret;
}

static int direct_map_dma(struct vfio_backend *be, int container,
			  struct vfio_iommu_type1_dma_map *map)
{
	(void)be;
	return direct_ioctl(container, VFIO_IOMMU_MAP_DMA, map);
}

static int direct_unmap_dma(struct vfio_backend *be, int container,
			    struct vfio_iommu_type1_dma_unmap *unmap)
{
	(void)be;
	return direct_ioctl(container, VFIO_IOMMU_UNMAP_DMA, unmap);
}

static int direct_set_irqs(struct vfio_backend *be, int device, struct vfio_irq_set *set)
{
	(void)be;
	return direct_ioctl(device, VFIO_DEVICE_SET_IRQS, set);
}

static int direct_ioas_map(struct vfio_backend *be, int iommufd, struct vfio_abi_ioas_map *map)
{
	(void)be;
	return direct_ioctl(iommufd, VFIO_ABI_IOAS_MAP, map);
}

static int direct_ioas_unmap(struct vfio_backend *be, int iommufd,
			     struct vfio_abi_ioas_unmap *unmap)
{
	(void)be;
	return direct_ioctl(iommufd, VFIO_ABI_IOAS_UNMAP, unmap);
}

bool vfio_backend_native(const struct vfio_backend *be)
{
	return be->ops->pread == direct_pread;
}

static int backend_new(const struct vfio_kernel_sys *sys, bool direct, struct vfio_backend **out)
{
	struct kernel_backend *kb;

	if (!sys || !out || !sys->open || !sys->close || !sys->ioctl || !sys->pread ||
	    !sys->pwrite || !sys->mmap || !sys->munmap || !sys->readlink || !sys->fdopendir ||
	    !sys->readdir || !sys->closedir)
		return vfio_fail(-EINVAL, "vfio_kernel_backend_new: no place for the backend, or "
				 "a syscall missing");
	kb = calloc(1, sizeof(*kb));
	if (!kb)
		return vfio_fail(-ENOMEM, "vfio_kernel_backend_new");
	kb->ops = kernel_ops;
	if (direct) {
		kb->ops.pread = direct_pread;
		kb->ops.pwrite = direct_pwrite;
		kb->ops.iommu_map_dma = direct_map_dma;
		kb->ops.iommu_unmap_dma = direct_unmap_dma;
		kb->ops.device_set_irqs = direct_set_irqs;
		kb->ops.ioas_map = direct_ioas_map;
		kb->ops.ioas_unmap = direct_ioas_unmap;
	}
	kb->base.ops = &kb->ops;
	kb->sys = *sys;
	*out = &kb->base;
	return 0;
}

int vfio_kernel_backend_new_sys(const struct vfio_kernel_sys *sys, struct vfio_backend **out)
{
	return backend_new(sys, false, out);
}

/* open(2) and ioctl(2) are variadic in libc; these give them the swap points' shape. */
static int libc_open(const char *path, int flags)
{
	return open(path, flags);
}

static int libc_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

int vfio_kernel_backend_new(struct vfio_backend **out)
{
	static const struct vfio_kernel_sys libc_sys = {
		.open = libc_open,
		.close = close,
		.ioctl = libc_ioctl,
		.pread = pread,
		.pwrite = pwrite,
		.mmap = mmap,
		.munmap = munmap,
		.readlink = readlink,
		.fdopendir = fdopendir,
		.readdir = readdir,
		.closedir = closedir,
	};

	return backend_new(&libc_sys, true, out);
}
