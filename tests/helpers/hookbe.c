// SPDX-License-Identifier: MIT
#include <errno.h>

#include "hookbe.h"

#define IN(be) (t_hook_of(be)->inner)

static void destroy(struct vfio_backend *be)
{
	(void)be;
}

static int open_(struct vfio_backend *be, const char *path, int flags)
{
	return IN(be)->ops->open(IN(be), path, flags);
}

static int close_(struct vfio_backend *be, int fd)
{
	return IN(be)->ops->close(IN(be), fd);
}

static ssize_t readlink_(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	return IN(be)->ops->readlink(IN(be), path, buf, size);
}

static ssize_t pread_(struct vfio_backend *be, int fd, void *buf, size_t n, uint64_t off)
{
	return IN(be)->ops->pread(IN(be), fd, buf, n, off);
}

static ssize_t pwrite_(struct vfio_backend *be, int fd, const void *buf, size_t n, uint64_t off)
{
	return IN(be)->ops->pwrite(IN(be), fd, buf, n, off);
}

static int mmap_(struct vfio_backend *be, int fd, void *addr, size_t len, int prot, int flags,
		 uint64_t off, void **out)
{
	return IN(be)->ops->mmap(IN(be), fd, addr, len, prot, flags, off, out);
}

static int munmap_(struct vfio_backend *be, void *addr, size_t len)
{
	return IN(be)->ops->munmap(IN(be), addr, len);
}

static int api_version(struct vfio_backend *be, int fd)
{
	return IN(be)->ops->get_api_version(IN(be), fd);
}

static int check_extension(struct vfio_backend *be, int fd, unsigned long ext)
{
	return IN(be)->ops->check_extension(IN(be), fd, ext);
}

static int set_iommu(struct vfio_backend *be, int fd, unsigned long type)
{
	return IN(be)->ops->set_iommu(IN(be), fd, type);
}

static int map_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_map *map)
{
	return IN(be)->ops->iommu_map_dma(IN(be), fd, map);
}

static int unmap_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_unmap *unmap)
{
	return IN(be)->ops->iommu_unmap_dma(IN(be), fd, unmap);
}

static int group_status(struct vfio_backend *be, int fd, struct vfio_group_status *st)
{
	return IN(be)->ops->group_get_status(IN(be), fd, st);
}

static int set_container(struct vfio_backend *be, int fd, int container)
{
	return IN(be)->ops->group_set_container(IN(be), fd, container);
}

static int unset_container(struct vfio_backend *be, int fd)
{
	return IN(be)->ops->group_unset_container(IN(be), fd);
}

static int device_fd(struct vfio_backend *be, int fd, const char *name)
{
	return IN(be)->ops->group_get_device_fd(IN(be), fd, name);
}

static int device_info(struct vfio_backend *be, int fd, struct vfio_device_info *info)
{
	return IN(be)->ops->device_get_info(IN(be), fd, info);
}

static int region_info(struct vfio_backend *be, int fd, struct vfio_region_info *info)
{
	return IN(be)->ops->device_get_region_info(IN(be), fd, info);
}

static int irq_info(struct vfio_backend *be, int fd, struct vfio_irq_info *info)
{
	return IN(be)->ops->device_get_irq_info(IN(be), fd, info);
}

static int set_irqs(struct vfio_backend *be, int fd, struct vfio_irq_set *set)
{
	return IN(be)->ops->device_set_irqs(IN(be), fd, set);
}

static int reset(struct vfio_backend *be, int fd)
{
	return IN(be)->ops->device_reset(IN(be), fd);
}

static int kvm_attr(struct vfio_backend *be, int fd, const struct kvm_device_attr *attr)
{
	return IN(be)->ops->kvm_device_set_attr(IN(be), fd, attr);
}

/* The rest: forwarded when the inner backend has them, -EOPNOTSUPP as the core answers if not. */
#define FWD(name, T)                                                         \
	static int name##_(struct vfio_backend *be, int fd, T *arg)          \
	{                                                                    \
		struct vfio_backend *in = IN(be);                            \
									     \
		return in->ops->name ? in->ops->name(in, fd, arg) : -EOPNOTSUPP; \
	}

FWD(iommu_get_info, struct vfio_iommu_type1_info)
FWD(device_get_pci_hot_reset_info, struct vfio_pci_hot_reset_info)
FWD(device_pci_hot_reset, struct vfio_pci_hot_reset)
FWD(device_ioeventfd, struct vfio_device_ioeventfd)
FWD(device_feature, struct vfio_device_feature)
FWD(iommufd_destroy, struct vfio_abi_iommu_destroy)
FWD(ioas_alloc, struct vfio_abi_ioas_alloc)
FWD(ioas_iova_ranges, struct vfio_abi_ioas_iova_ranges)
FWD(ioas_map, struct vfio_abi_ioas_map)
FWD(ioas_map_file, struct vfio_abi_ioas_map_file)
FWD(ioas_unmap, struct vfio_abi_ioas_unmap)
FWD(device_bind_iommufd, struct vfio_abi_device_bind_iommufd)
FWD(device_attach_iommufd_pt, struct vfio_abi_device_attach_iommufd_pt)
FWD(device_detach_iommufd_pt, struct vfio_abi_device_detach_iommufd_pt)

#undef FWD

static ssize_t list_dir_(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	struct vfio_backend *in = IN(be);

	return in->ops->list_dir ? in->ops->list_dir(in, path, buf, size) : -EOPNOTSUPP;
}

void t_hook_init(struct t_hook *h, struct vfio_backend *inner)
{
	*h = (struct t_hook){
		.inner = inner,
		.ops = {
			.version = VFIO_BACKEND_OPS_VERSION,
			.name = "hook",
			.destroy = destroy,
			.open = open_,
			.close = close_,
			.readlink = readlink_,
			.list_dir = list_dir_,
			.pread = pread_,
			.pwrite = pwrite_,
			.mmap = mmap_,
			.munmap = munmap_,
			.get_api_version = api_version,
			.check_extension = check_extension,
			.set_iommu = set_iommu,
			.iommu_get_info = iommu_get_info_,
			.iommu_map_dma = map_dma,
			.iommu_unmap_dma = unmap_dma,
			.group_get_status = group_status,
			.group_set_container = set_container,
			.group_unset_container = unset_container,
			.group_get_device_fd = device_fd,
			.device_get_info = device_info,
			.device_get_region_info = region_info,
			.device_get_irq_info = irq_info,
			.device_set_irqs = set_irqs,
			.device_reset = reset,
			.device_get_pci_hot_reset_info = device_get_pci_hot_reset_info_,
			.device_pci_hot_reset = device_pci_hot_reset_,
			.device_ioeventfd = device_ioeventfd_,
			.device_feature = device_feature_,
			.kvm_device_set_attr = kvm_attr,
			.iommufd_destroy = iommufd_destroy_,
			.ioas_alloc = ioas_alloc_,
			.ioas_iova_ranges = ioas_iova_ranges_,
			.ioas_map = ioas_map_,
			.ioas_map_file = ioas_map_file_,
			.ioas_unmap = ioas_unmap_,
			.device_bind_iommufd = device_bind_iommufd_,
			.device_attach_iommufd_pt = device_attach_iommufd_pt_,
			.device_detach_iommufd_pt = device_detach_iommufd_pt_,
		},
	};
	h->base.ops = &h->ops;
}
