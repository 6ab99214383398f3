// SPDX-License-Identifier: MIT
/*
 * The shim: the backend the scenarios give libvfio.  It forwards every op to the
 * fault wrapper (which counts calls and fails the injected one) and on to the
 * sim, and for the harness it
 *  - marks the thread as inside a backend op, so that the sim's allocations
 *    are not taken for libvfio's (alloc.c);
 *  - tells the harness of each op call, which records it on a clean run and
 *    recognises the injected call on the others;
 *  - gives close(2)'s semantics to an injected close failure: the fault wrapper
 *    stops the call before the sim, but close(2) releases the descriptor
 *    whatever it reports (EINTR, EIO), and libvfio rightly never retries; so
 *    the shim releases the handle in the sim itself and returns the error;
 *  - answers VFIO_CHECK_EXTENSION as an older kernel would when the scenario
 *    asks (no VFIO_UNMAP_ALL, no Type1v2), after forwarding the call so that
 *    it counts and can fail like any other.
 */

#include <errno.h>
#include <stdlib.h>

#include "harness.h"

struct fn_shim {
	struct vfio_backend base;
	struct vfio_backend *inner; /* the fault wrapper */
	struct vfio_backend *sim;   /* under it */
	struct fn_run *r;
};

static struct fn_shim *shim_of(struct vfio_backend *be)
{
	return (struct fn_shim *)be;
}

/* Forward op @name, telling the harness of the call first. */
#define FORWARD(ret_t, name, OP, PARAMS, ...)                                              \
	static ret_t shim_##name PARAMS                                                    \
	{                                                                                  \
		struct vfio_backend *in = shim_of(be)->inner;                              \
		ret_t ret;                                                                 \
                                                                                           \
		(void)fn_op_enter(OP);                                                     \
		fn_in_backend++;                                                           \
		ret = in->ops->name ? in->ops->name(in, __VA_ARGS__) : -EOPNOTSUPP;        \
		fn_in_backend--;                                                           \
		return ret;                                                                \
	}

#define BE struct vfio_backend *be

static int shim_close(BE, int fd)
{
	struct fn_shim *s = shim_of(be);
	bool injected = fn_op_enter(VFIO_OP_CLOSE);
	int ret;

	fn_in_backend++;
	ret = s->inner->ops->close(s->inner, fd);
	if (ret < 0 && injected)
		s->sim->ops->close(s->sim, fd);
	fn_in_backend--;
	return ret;
}

static int shim_check_extension(BE, int container, unsigned long ext)
{
	struct fn_shim *s = shim_of(be);
	int ret;

	(void)fn_op_enter(VFIO_OP_CHECK_EXTENSION);
	fn_in_backend++;
	ret = s->inner->ops->check_extension(s->inner, container, ext);
	fn_in_backend--;
	if (ret > 0 && ((ext == VFIO_UNMAP_ALL && s->r->no_unmap_all) ||
			(ext == VFIO_TYPE1v2_IOMMU && s->r->type1_only)))
		ret = 0;
	return ret;
}

FORWARD(int, open, VFIO_OP_OPEN, (BE, const char *path, int flags), path, flags)
FORWARD(ssize_t, readlink, VFIO_OP_READLINK, (BE, const char *path, char *buf, size_t size),
	path, buf, size)
FORWARD(ssize_t, list_dir, VFIO_OP_LIST_DIR, (BE, const char *path, char *buf, size_t size),
	path, buf, size)
FORWARD(ssize_t, pread, VFIO_OP_PREAD, (BE, int fd, void *buf, size_t count, uint64_t offset),
	fd, buf, count, offset)
FORWARD(ssize_t, pwrite, VFIO_OP_PWRITE,
	(BE, int fd, const void *buf, size_t count, uint64_t offset), fd, buf, count, offset)
FORWARD(int, mmap, VFIO_OP_MMAP,
	(BE, int fd, void *addr, size_t length, int prot, int flags, uint64_t offset, void **out),
	fd, addr, length, prot, flags, offset, out)
FORWARD(int, munmap, VFIO_OP_MUNMAP, (BE, void *addr, size_t length), addr, length)
FORWARD(int, get_api_version, VFIO_OP_GET_API_VERSION, (BE, int container), container)
FORWARD(int, set_iommu, VFIO_OP_SET_IOMMU, (BE, int container, unsigned long type), container,
	type)
FORWARD(int, iommu_get_info, VFIO_OP_IOMMU_GET_INFO,
	(BE, int container, struct vfio_iommu_type1_info *info), container, info)
FORWARD(int, iommu_map_dma, VFIO_OP_IOMMU_MAP_DMA,
	(BE, int container, struct vfio_iommu_type1_dma_map *map), container, map)
FORWARD(int, iommu_unmap_dma, VFIO_OP_IOMMU_UNMAP_DMA,
	(BE, int container, struct vfio_iommu_type1_dma_unmap *unmap), container, unmap)
FORWARD(int, group_get_status, VFIO_OP_GROUP_GET_STATUS,
	(BE, int group, struct vfio_group_status *status), group, status)
FORWARD(int, group_set_container, VFIO_OP_GROUP_SET_CONTAINER, (BE, int group, int container),
	group, container)
FORWARD(int, group_unset_container, VFIO_OP_GROUP_UNSET_CONTAINER, (BE, int group), group)
FORWARD(int, group_get_device_fd, VFIO_OP_GROUP_GET_DEVICE_FD, (BE, int group, const char *name),
	group, name)
FORWARD(int, device_get_info, VFIO_OP_DEVICE_GET_INFO,
	(BE, int device, struct vfio_device_info *info), device, info)
FORWARD(int, device_get_region_info, VFIO_OP_DEVICE_GET_REGION_INFO,
	(BE, int device, struct vfio_region_info *info), device, info)
FORWARD(int, device_get_irq_info, VFIO_OP_DEVICE_GET_IRQ_INFO,
	(BE, int device, struct vfio_irq_info *info), device, info)
FORWARD(int, device_set_irqs, VFIO_OP_DEVICE_SET_IRQS, (BE, int device, struct vfio_irq_set *set),
	device, set)
FORWARD(int, device_reset, VFIO_OP_DEVICE_RESET, (BE, int device), device)
FORWARD(int, device_get_pci_hot_reset_info, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	(BE, int device, struct vfio_pci_hot_reset_info *info), device, info)
FORWARD(int, device_pci_hot_reset, VFIO_OP_DEVICE_PCI_HOT_RESET,
	(BE, int device, struct vfio_pci_hot_reset *reset), device, reset)
FORWARD(int, device_ioeventfd, VFIO_OP_DEVICE_IOEVENTFD,
	(BE, int device, struct vfio_device_ioeventfd *ioeventfd), device, ioeventfd)
FORWARD(int, device_feature, VFIO_OP_DEVICE_FEATURE,
	(BE, int device, struct vfio_device_feature *feature), device, feature)
FORWARD(int, kvm_device_set_attr, VFIO_OP_KVM_DEVICE_SET_ATTR,
	(BE, int kvm_device, const struct kvm_device_attr *attr), kvm_device, attr)
FORWARD(int, iommufd_destroy, VFIO_OP_IOMMUFD_DESTROY,
	(BE, int iommufd, struct vfio_abi_iommu_destroy *destroy), iommufd, destroy)
FORWARD(int, ioas_alloc, VFIO_OP_IOAS_ALLOC, (BE, int iommufd, struct vfio_abi_ioas_alloc *alloc),
	iommufd, alloc)
FORWARD(int, ioas_iova_ranges, VFIO_OP_IOAS_IOVA_RANGES,
	(BE, int iommufd, struct vfio_abi_ioas_iova_ranges *ranges), iommufd, ranges)
FORWARD(int, ioas_map, VFIO_OP_IOAS_MAP, (BE, int iommufd, struct vfio_abi_ioas_map *map),
	iommufd, map)
FORWARD(int, ioas_map_file, VFIO_OP_IOAS_MAP_FILE,
	(BE, int iommufd, struct vfio_abi_ioas_map_file *map), iommufd, map)
FORWARD(int, ioas_unmap, VFIO_OP_IOAS_UNMAP, (BE, int iommufd, struct vfio_abi_ioas_unmap *unmap),
	iommufd, unmap)
FORWARD(int, device_bind_iommufd, VFIO_OP_DEVICE_BIND_IOMMUFD,
	(BE, int device, struct vfio_abi_device_bind_iommufd *bind), device, bind)
FORWARD(int, device_attach_iommufd_pt, VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
	(BE, int device, struct vfio_abi_device_attach_iommufd_pt *attach), device, attach)
FORWARD(int, device_detach_iommufd_pt, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
	(BE, int device, struct vfio_abi_device_detach_iommufd_pt *detach), device, detach)

#undef BE
#undef FORWARD

static void shim_destroy(struct vfio_backend *be)
{
	free(shim_of(be));
}

/* Every op: the core calls them all, in one mode or another. */
static const struct vfio_backend_ops shim_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "failnth",
	.destroy = shim_destroy,
	.open = shim_open,
	.close = shim_close,
	.readlink = shim_readlink,
	.list_dir = shim_list_dir,
	.pread = shim_pread,
	.pwrite = shim_pwrite,
	.mmap = shim_mmap,
	.munmap = shim_munmap,
	.get_api_version = shim_get_api_version,
	.check_extension = shim_check_extension,
	.set_iommu = shim_set_iommu,
	.iommu_get_info = shim_iommu_get_info,
	.iommu_map_dma = shim_iommu_map_dma,
	.iommu_unmap_dma = shim_iommu_unmap_dma,
	.group_get_status = shim_group_get_status,
	.group_set_container = shim_group_set_container,
	.group_unset_container = shim_group_unset_container,
	.group_get_device_fd = shim_group_get_device_fd,
	.device_get_info = shim_device_get_info,
	.device_get_region_info = shim_device_get_region_info,
	.device_get_irq_info = shim_device_get_irq_info,
	.device_set_irqs = shim_device_set_irqs,
	.device_reset = shim_device_reset,
	.device_get_pci_hot_reset_info = shim_device_get_pci_hot_reset_info,
	.device_pci_hot_reset = shim_device_pci_hot_reset,
	.device_ioeventfd = shim_device_ioeventfd,
	.device_feature = shim_device_feature,
	.kvm_device_set_attr = shim_kvm_device_set_attr,
	.iommufd_destroy = shim_iommufd_destroy,
	.ioas_alloc = shim_ioas_alloc,
	.ioas_iova_ranges = shim_ioas_iova_ranges,
	.ioas_map = shim_ioas_map,
	.ioas_map_file = shim_ioas_map_file,
	.ioas_unmap = shim_ioas_unmap,
	.device_bind_iommufd = shim_device_bind_iommufd,
	.device_attach_iommufd_pt = shim_device_attach_iommufd_pt,
	.device_detach_iommufd_pt = shim_device_detach_iommufd_pt,
};

struct vfio_backend *fn_shim_new(struct fn_run *r, struct vfio_backend *fault,
				 struct vfio_backend *sim)
{
	struct fn_shim *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->base.ops = &shim_ops;
	s->inner = fault;
	s->sim = sim;
	s->r = r;
	return &s->base;
}
