// SPDX-License-Identifier: MIT
/*
 * Calling any backend op by its enum value, for the tests of wrapping backends
 * (fault injection, filters) that must see every op pass through them.
 */

#include "callop.h"
#include "testutil.h" /* fail_msg */

char t_op_buf[256];

long t_call_op(struct vfio_backend *be, enum vfio_backend_op op)
{
	const struct vfio_backend_ops *o = be->ops;
	int h = (int)T_OP_HANDLE(op);
	void *p = t_op_buf;
	void *out = NULL;

	switch (op) {
	case VFIO_OP_OPEN: return o->open(be, p, h);
	case VFIO_OP_CLOSE: return o->close(be, h);
	case VFIO_OP_READLINK: return o->readlink(be, p, t_op_buf, (size_t)h);
	case VFIO_OP_LIST_DIR: return o->list_dir(be, p, t_op_buf, (size_t)h);
	case VFIO_OP_PREAD: return o->pread(be, h, p, 4, 0);
	case VFIO_OP_PWRITE: return o->pwrite(be, h, p, 4, 0);
	case VFIO_OP_MMAP: return o->mmap(be, h, NULL, 4096, 0, 0, 0, &out);
	case VFIO_OP_MUNMAP: return o->munmap(be, p, (size_t)h);
	case VFIO_OP_GET_API_VERSION: return o->get_api_version(be, h);
	case VFIO_OP_CHECK_EXTENSION: return o->check_extension(be, h, 3);
	case VFIO_OP_SET_IOMMU: return o->set_iommu(be, h, 3);
	case VFIO_OP_IOMMU_GET_INFO: return o->iommu_get_info(be, h, p);
	case VFIO_OP_IOMMU_MAP_DMA: return o->iommu_map_dma(be, h, p);
	case VFIO_OP_IOMMU_UNMAP_DMA: return o->iommu_unmap_dma(be, h, p);
	case VFIO_OP_GROUP_GET_STATUS: return o->group_get_status(be, h, p);
	case VFIO_OP_GROUP_SET_CONTAINER: return o->group_set_container(be, h, 3);
	case VFIO_OP_GROUP_UNSET_CONTAINER: return o->group_unset_container(be, h);
	case VFIO_OP_GROUP_GET_DEVICE_FD: return o->group_get_device_fd(be, h, p);
	case VFIO_OP_DEVICE_GET_INFO: return o->device_get_info(be, h, p);
	case VFIO_OP_DEVICE_GET_REGION_INFO: return o->device_get_region_info(be, h, p);
	case VFIO_OP_DEVICE_GET_IRQ_INFO: return o->device_get_irq_info(be, h, p);
	case VFIO_OP_DEVICE_SET_IRQS: return o->device_set_irqs(be, h, p);
	case VFIO_OP_DEVICE_RESET: return o->device_reset(be, h);
	case VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO:
		return o->device_get_pci_hot_reset_info(be, h, p);
	case VFIO_OP_DEVICE_PCI_HOT_RESET: return o->device_pci_hot_reset(be, h, p);
	case VFIO_OP_DEVICE_IOEVENTFD: return o->device_ioeventfd(be, h, p);
	case VFIO_OP_DEVICE_FEATURE: return o->device_feature(be, h, p);
	case VFIO_OP_KVM_DEVICE_SET_ATTR: return o->kvm_device_set_attr(be, h, p);
	case VFIO_OP_IOMMUFD_DESTROY: return o->iommufd_destroy(be, h, p);
	case VFIO_OP_IOAS_ALLOC: return o->ioas_alloc(be, h, p);
	case VFIO_OP_IOAS_IOVA_RANGES: return o->ioas_iova_ranges(be, h, p);
	case VFIO_OP_IOAS_MAP: return o->ioas_map(be, h, p);
	case VFIO_OP_IOAS_MAP_FILE: return o->ioas_map_file(be, h, p);
	case VFIO_OP_IOAS_UNMAP: return o->ioas_unmap(be, h, p);
	case VFIO_OP_DEVICE_BIND_IOMMUFD: return o->device_bind_iommufd(be, h, p);
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT: return o->device_attach_iommufd_pt(be, h, p);
	case VFIO_OP_DEVICE_DETACH_IOMMUFD_PT: return o->device_detach_iommufd_pt(be, h, p);
	case VFIO_OP_COUNT: break;
	}
	fail_msg("no such op %d", (int)op);
	return 0;
}
