// SPDX-License-Identifier: MIT
/*
 * The fault-injection wrapper: a backend over another backend that counts every
 * call of every op and fails the calls a rule picks, before they reach the
 * inner backend.
 *
 * One mutex guards the counts and rules, held only while a call is counted and
 * judged, never across the inner call: rules may change while calls are under
 * way, and the inner backend may block.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include <vfio/backend.h>
#include <vfio/fault.h>

/* The largest errno a -errno return can carry, as the kernel's MAX_ERRNO. */
#define FAULT_MAX_ERRNO 4095

struct fault_rule {
	unsigned long calls; /* calls seen, failed ones included */
	unsigned long fail_at; /* the count at which the call fails; 0: no one-shot rule */
	bool always;           /* fail every call */
	int err;
};

struct fault_backend {
	struct vfio_backend base;
	struct vfio_backend *inner;
	pthread_mutex_t lock;
	struct fault_rule rules[VFIO_OP_COUNT];
};

static const struct vfio_backend_ops fault_ops;

static struct fault_backend *to_fault(struct vfio_backend *be)
{
	return be && be->ops == &fault_ops ? (struct fault_backend *)be : NULL;
}

/* Counts a call of @op; returns -err when a rule fails it, else 0. */
static int fault_enter(struct fault_backend *fb, enum vfio_backend_op op)
{
	struct fault_rule *r = &fb->rules[op];
	int ret = 0;

	pthread_mutex_lock(&fb->lock);
	r->calls++;
	if (r->always) {
		ret = -r->err;
	} else if (r->fail_at && r->calls == r->fail_at) {
		ret = -r->err;
		r->fail_at = 0;
	}
	pthread_mutex_unlock(&fb->lock);
	return ret;
}

/*
 * One forwarding op: count, maybe fail, else call the inner op (-EOPNOTSUPP when
 * the inner backend lacks it).  PARAMS names the backend argument "be".
 */
#define FAULT_FORWARD(ret_t, name, OP, PARAMS, ...)                         \
	static ret_t fault_##name PARAMS                                     \
	{                                                                    \
		struct fault_backend *fb = (struct fault_backend *)be;       \
		struct vfio_backend *in = fb->inner;                         \
		int err = fault_enter(fb, OP);                               \
									     \
		if (err)                                                     \
			return err;                                          \
		if (!in->ops->name)                                          \
			return -EOPNOTSUPP;                                  \
		return in->ops->name(in, __VA_ARGS__);                       \
	}

#define BE struct vfio_backend *be

FAULT_FORWARD(int, open, VFIO_OP_OPEN, (BE, const char *path, int flags), path, flags)
FAULT_FORWARD(int, close, VFIO_OP_CLOSE, (BE, int fd), fd)
FAULT_FORWARD(ssize_t, readlink, VFIO_OP_READLINK, (BE, const char *path, char *buf, size_t size),
	      path, buf, size)
FAULT_FORWARD(ssize_t, pread, VFIO_OP_PREAD,
	      (BE, int fd, void *buf, size_t count, uint64_t offset), fd, buf, count, offset)
FAULT_FORWARD(ssize_t, pwrite, VFIO_OP_PWRITE,
	      (BE, int fd, const void *buf, size_t count, uint64_t offset), fd, buf, count, offset)
FAULT_FORWARD(int, mmap, VFIO_OP_MMAP,
	      (BE, int fd, void *addr, size_t length, int prot, int flags, uint64_t offset,
	       void **out),
	      fd, addr, length, prot, flags, offset, out)
FAULT_FORWARD(int, munmap, VFIO_OP_MUNMAP, (BE, void *addr, size_t length), addr, length)

FAULT_FORWARD(int, get_api_version, VFIO_OP_GET_API_VERSION, (BE, int container), container)
FAULT_FORWARD(int, check_extension, VFIO_OP_CHECK_EXTENSION,
	      (BE, int container, unsigned long ext), container, ext)
FAULT_FORWARD(int, set_iommu, VFIO_OP_SET_IOMMU, (BE, int container, unsigned long type),
	      container, type)
FAULT_FORWARD(int, iommu_get_info, VFIO_OP_IOMMU_GET_INFO,
	      (BE, int container, struct vfio_iommu_type1_info *info), container, info)
FAULT_FORWARD(int, iommu_map_dma, VFIO_OP_IOMMU_MAP_DMA,
	      (BE, int container, struct vfio_iommu_type1_dma_map *map), container, map)
FAULT_FORWARD(int, iommu_unmap_dma, VFIO_OP_IOMMU_UNMAP_DMA,
	      (BE, int container, struct vfio_iommu_type1_dma_unmap *unmap), container, unmap)

FAULT_FORWARD(int, group_get_status, VFIO_OP_GROUP_GET_STATUS,
	      (BE, int group, struct vfio_group_status *status), group, status)
FAULT_FORWARD(int, group_set_container, VFIO_OP_GROUP_SET_CONTAINER,
	      (BE, int group, int container), group, container)
FAULT_FORWARD(int, group_unset_container, VFIO_OP_GROUP_UNSET_CONTAINER, (BE, int group), group)
FAULT_FORWARD(int, group_get_device_fd, VFIO_OP_GROUP_GET_DEVICE_FD,
	      (BE, int group, const char *name), group, name)

FAULT_FORWARD(int, device_get_info, VFIO_OP_DEVICE_GET_INFO,
	      (BE, int device, struct vfio_device_info *info), device, info)
FAULT_FORWARD(int, device_get_region_info, VFIO_OP_DEVICE_GET_REGION_INFO,
	      (BE, int device, struct vfio_region_info *info), device, info)
FAULT_FORWARD(int, device_get_irq_info, VFIO_OP_DEVICE_GET_IRQ_INFO,
	      (BE, int device, struct vfio_irq_info *info), device, info)
FAULT_FORWARD(int, device_set_irqs, VFIO_OP_DEVICE_SET_IRQS,
	      (BE, int device, struct vfio_irq_set *set), device, set)
FAULT_FORWARD(int, device_reset, VFIO_OP_DEVICE_RESET, (BE, int device), device)
FAULT_FORWARD(int, device_get_pci_hot_reset_info, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	      (BE, int device, struct vfio_pci_hot_reset_info *info), device, info)
FAULT_FORWARD(int, device_pci_hot_reset, VFIO_OP_DEVICE_PCI_HOT_RESET,
	      (BE, int device, struct vfio_pci_hot_reset *reset), device, reset)
FAULT_FORWARD(int, device_ioeventfd, VFIO_OP_DEVICE_IOEVENTFD,
	      (BE, int device, struct vfio_device_ioeventfd *ioeventfd), device, ioeventfd)
FAULT_FORWARD(int, device_feature, VFIO_OP_DEVICE_FEATURE,
	      (BE, int device, struct vfio_device_feature *feature), device, feature)

FAULT_FORWARD(int, kvm_device_set_attr, VFIO_OP_KVM_DEVICE_SET_ATTR,
	      (BE, int kvm_device, const struct kvm_device_attr *attr), kvm_device, attr)

FAULT_FORWARD(int, iommufd_destroy, VFIO_OP_IOMMUFD_DESTROY,
	      (BE, int iommufd, struct vfio_abi_iommu_destroy *destroy), iommufd, destroy)
FAULT_FORWARD(int, ioas_alloc, VFIO_OP_IOAS_ALLOC,
	      (BE, int iommufd, struct vfio_abi_ioas_alloc *alloc), iommufd, alloc)
FAULT_FORWARD(int, ioas_iova_ranges, VFIO_OP_IOAS_IOVA_RANGES,
	      (BE, int iommufd, struct vfio_abi_ioas_iova_ranges *ranges), iommufd, ranges)
FAULT_FORWARD(int, ioas_map, VFIO_OP_IOAS_MAP, (BE, int iommufd, struct vfio_abi_ioas_map *map),
	      iommufd, map)
FAULT_FORWARD(int, ioas_unmap, VFIO_OP_IOAS_UNMAP,
	      (BE, int iommufd, struct vfio_abi_ioas_unmap *unmap), iommufd, unmap)
FAULT_FORWARD(int, device_bind_iommufd, VFIO_OP_DEVICE_BIND_IOMMUFD,
	      (BE, int device, struct vfio_abi_device_bind_iommufd *bind), device, bind)
FAULT_FORWARD(int, device_attach_iommufd_pt, VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
	      (BE, int device, struct vfio_abi_device_attach_iommufd_pt *attach), device, attach)
FAULT_FORWARD(int, device_detach_iommufd_pt, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
	      (BE, int device, struct vfio_abi_device_detach_iommufd_pt *detach), device, detach)

#undef BE
#undef FAULT_FORWARD

/* Frees the wrapper only: the inner backend belongs to the caller. */
static void fault_destroy(struct vfio_backend *be)
{
	struct fault_backend *fb = (struct fault_backend *)be;

	pthread_mutex_destroy(&fb->lock);
	free(fb);
}

static const struct vfio_backend_ops fault_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "fault",
	.destroy = fault_destroy,
	.open = fault_open,
	.close = fault_close,
	.readlink = fault_readlink,
	.pread = fault_pread,
	.pwrite = fault_pwrite,
	.mmap = fault_mmap,
	.munmap = fault_munmap,
	.get_api_version = fault_get_api_version,
	.check_extension = fault_check_extension,
	.set_iommu = fault_set_iommu,
	.iommu_get_info = fault_iommu_get_info,
	.iommu_map_dma = fault_iommu_map_dma,
	.iommu_unmap_dma = fault_iommu_unmap_dma,
	.group_get_status = fault_group_get_status,
	.group_set_container = fault_group_set_container,
	.group_unset_container = fault_group_unset_container,
	.group_get_device_fd = fault_group_get_device_fd,
	.device_get_info = fault_device_get_info,
	.device_get_region_info = fault_device_get_region_info,
	.device_get_irq_info = fault_device_get_irq_info,
	.device_set_irqs = fault_device_set_irqs,
	.device_reset = fault_device_reset,
	.device_get_pci_hot_reset_info = fault_device_get_pci_hot_reset_info,
	.device_pci_hot_reset = fault_device_pci_hot_reset,
	.device_ioeventfd = fault_device_ioeventfd,
	.device_feature = fault_device_feature,
	.kvm_device_set_attr = fault_kvm_device_set_attr,
	.iommufd_destroy = fault_iommufd_destroy,
	.ioas_alloc = fault_ioas_alloc,
	.ioas_iova_ranges = fault_ioas_iova_ranges,
	.ioas_map = fault_ioas_map,
	.ioas_unmap = fault_ioas_unmap,
	.device_bind_iommufd = fault_device_bind_iommufd,
	.device_attach_iommufd_pt = fault_device_attach_iommufd_pt,
	.device_detach_iommufd_pt = fault_device_detach_iommufd_pt,
};

int vfio_fault_backend_new(struct vfio_backend *inner, struct vfio_backend **out)
{
	struct fault_backend *fb;

	if (!inner || !out)
		return -EINVAL;
	fb = calloc(1, sizeof(*fb));
	if (!fb)
		return -ENOMEM;
	if (pthread_mutex_init(&fb->lock, NULL) != 0) {
		free(fb);
		return -ENOMEM;
	}
	fb->base.ops = &fault_ops;
	fb->inner = inner;
	*out = &fb->base;
	return 0;
}

int vfio_fault_inject(struct vfio_backend *be, enum vfio_backend_op op, unsigned long nth,
		      int err)
{
	struct fault_backend *fb = to_fault(be);
	struct fault_rule *r;

	if (!fb || (unsigned int)op >= VFIO_OP_COUNT || err <= 0 || err > FAULT_MAX_ERRNO)
		return -EINVAL;
	r = &fb->rules[op];
	pthread_mutex_lock(&fb->lock);
	r->err = err;
	r->always = nth == 0;
	/* Past ULONG_MAX calls from now the rule could never fire; saturate instead. */
	r->fail_at = nth == 0 ? 0 : (nth > ~0UL - r->calls ? ~0UL : r->calls + nth);
	pthread_mutex_unlock(&fb->lock);
	return 0;
}

void vfio_fault_clear(struct vfio_backend *be)
{
	struct fault_backend *fb = to_fault(be);

	if (!fb)
		return;
	pthread_mutex_lock(&fb->lock);
	for (int op = 0; op < VFIO_OP_COUNT; op++)
		fb->rules[op] = (struct fault_rule){ 0 };
	pthread_mutex_unlock(&fb->lock);
}

unsigned long vfio_fault_calls(struct vfio_backend *be, enum vfio_backend_op op)
{
	struct fault_backend *fb = to_fault(be);
	unsigned long calls;

	if (!fb || (unsigned int)op >= VFIO_OP_COUNT)
		return 0;
	pthread_mutex_lock(&fb->lock);
	calls = fb->rules[op].calls;
	pthread_mutex_unlock(&fb->lock);
	return calls;
}
