// SPDX-License-Identifier: MIT
/*
 * The mock backend: each op packs its arguments into a struct vfio_mock_call
 * and hands it to the user's hook, whose answer it returns.  No framework
 * here: <vfio/mock_cmocka.h> brings CMocka, header-only, to the tests that
 * want it.  vfio_mock_reply() fills an op's outputs as the kernel would, so
 * that canned answers meet the core's argsz handling unchanged.
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <vfio/backend.h>
#include <vfio/mock.h>

struct mock_backend {
	struct vfio_backend base;
	struct vfio_mock_hooks hooks;
	void *opaque;
};

static long mock_call(struct vfio_backend *be, struct vfio_mock_call *c)
{
	struct mock_backend *mb = (struct mock_backend *)be;

	return mb->hooks.call(mb->opaque, c->op, c);
}

/* An int op's answer: the hook's, when it fits. */
static int mock_int(struct vfio_backend *be, struct vfio_mock_call *c)
{
	long ret = mock_call(be, c);

	return ret < INT_MIN || ret > INT_MAX ? -ERANGE : (int)ret;
}

/*
 * One op: FD is the handle (-1 for none), the rest fills the call.  PARAMS names
 * the backend argument "be".
 */
#define MOCK_OP(name, OP, PARAMS, FD, ...)                                     \
	static int mock_##name PARAMS                                          \
	{                                                                      \
		struct vfio_mock_call c = { .op = OP, .fd = FD, __VA_ARGS__ }; \
	                                                                       \
		return mock_int(be, &c);                                       \
	}

#define MOCK_SSIZE_OP(name, OP, PARAMS, FD, ...)                               \
	static ssize_t mock_##name PARAMS                                      \
	{                                                                      \
		struct vfio_mock_call c = { .op = OP, .fd = FD, __VA_ARGS__ }; \
	                                                                       \
		return (ssize_t)mock_call(be, &c);                             \
	}

#define BE struct vfio_backend *be

MOCK_OP(open, VFIO_OP_OPEN, (BE, const char *path, int flags), -1, .path = path, .flags = flags)
MOCK_OP(close, VFIO_OP_CLOSE, (BE, int fd), fd, .path = NULL)
MOCK_SSIZE_OP(readlink, VFIO_OP_READLINK, (BE, const char *path, char *buf, size_t size), -1,
	      .path = path, .buf = buf, .count = size)
MOCK_SSIZE_OP(list_dir, VFIO_OP_LIST_DIR, (BE, const char *path, char *buf, size_t size), -1,
	      .path = path, .buf = buf, .count = size)
MOCK_SSIZE_OP(pread, VFIO_OP_PREAD, (BE, int fd, void *buf, size_t count, uint64_t offset), fd,
	      .buf = buf, .count = count, .offset = offset)
MOCK_SSIZE_OP(pwrite, VFIO_OP_PWRITE, (BE, int fd, const void *buf, size_t count, uint64_t offset),
	      fd, .data = buf, .count = count, .offset = offset)
MOCK_OP(mmap, VFIO_OP_MMAP,
	(BE, int fd, void *addr, size_t length, int prot, int flags, uint64_t offset, void **out),
	fd, .addr = addr, .count = length, .prot = prot, .flags = flags, .offset = offset,
	.mmap_out = out)
MOCK_OP(munmap, VFIO_OP_MUNMAP, (BE, void *addr, size_t length), -1, .addr = addr,
	.count = length)

MOCK_OP(get_api_version, VFIO_OP_GET_API_VERSION, (BE, int container), container, .path = NULL)
MOCK_OP(check_extension, VFIO_OP_CHECK_EXTENSION, (BE, int container, unsigned long ext),
	container, .value = ext)
MOCK_OP(set_iommu, VFIO_OP_SET_IOMMU, (BE, int container, unsigned long type), container,
	.value = type)
MOCK_OP(iommu_get_info, VFIO_OP_IOMMU_GET_INFO,
	(BE, int container, struct vfio_iommu_type1_info *info), container,
	.arg.iommu_info = info)
MOCK_OP(iommu_map_dma, VFIO_OP_IOMMU_MAP_DMA,
	(BE, int container, struct vfio_iommu_type1_dma_map *map), container, .arg.dma_map = map)
MOCK_OP(iommu_unmap_dma, VFIO_OP_IOMMU_UNMAP_DMA,
	(BE, int container, struct vfio_iommu_type1_dma_unmap *unmap), container,
	.arg.dma_unmap = unmap)

MOCK_OP(group_get_status, VFIO_OP_GROUP_GET_STATUS,
	(BE, int group, struct vfio_group_status *status), group, .arg.group_status = status)
MOCK_OP(group_set_container, VFIO_OP_GROUP_SET_CONTAINER, (BE, int group, int container), group,
	.value = (unsigned long)(long)container)
MOCK_OP(group_unset_container, VFIO_OP_GROUP_UNSET_CONTAINER, (BE, int group), group,
	.path = NULL)
MOCK_OP(group_get_device_fd, VFIO_OP_GROUP_GET_DEVICE_FD, (BE, int group, const char *name),
	group, .path = name)

MOCK_OP(device_get_info, VFIO_OP_DEVICE_GET_INFO, (BE, int device, struct vfio_device_info *info),
	device, .arg.device_info = info)
MOCK_OP(device_get_region_info, VFIO_OP_DEVICE_GET_REGION_INFO,
	(BE, int device, struct vfio_region_info *info), device, .arg.region_info = info)
MOCK_OP(device_get_irq_info, VFIO_OP_DEVICE_GET_IRQ_INFO,
	(BE, int device, struct vfio_irq_info *info), device, .arg.irq_info = info)
MOCK_OP(device_set_irqs, VFIO_OP_DEVICE_SET_IRQS, (BE, int device, struct vfio_irq_set *set),
	device, .arg.irq_set = set)
MOCK_OP(device_reset, VFIO_OP_DEVICE_RESET, (BE, int device), device, .path = NULL)
MOCK_OP(device_get_pci_hot_reset_info, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	(BE, int device, struct vfio_pci_hot_reset_info *info), device,
	.arg.hot_reset_info = info)
MOCK_OP(device_pci_hot_reset, VFIO_OP_DEVICE_PCI_HOT_RESET,
	(BE, int device, struct vfio_pci_hot_reset *reset), device, .arg.hot_reset = reset)
MOCK_OP(device_ioeventfd, VFIO_OP_DEVICE_IOEVENTFD,
	(BE, int device, struct vfio_device_ioeventfd *ioeventfd), device,
	.arg.ioeventfd = ioeventfd)
MOCK_OP(device_feature, VFIO_OP_DEVICE_FEATURE,
	(BE, int device, struct vfio_device_feature *feature), device, .arg.feature = feature)

MOCK_OP(kvm_device_set_attr, VFIO_OP_KVM_DEVICE_SET_ATTR,
	(BE, int kvm_device, const struct kvm_device_attr *attr), kvm_device,
	.arg.kvm_attr = attr)

MOCK_OP(iommufd_destroy, VFIO_OP_IOMMUFD_DESTROY,
	(BE, int iommufd, struct vfio_abi_iommu_destroy *destroy), iommufd,
	.arg.iommu_destroy = destroy)
MOCK_OP(ioas_alloc, VFIO_OP_IOAS_ALLOC, (BE, int iommufd, struct vfio_abi_ioas_alloc *alloc),
	iommufd, .arg.ioas_alloc = alloc)
MOCK_OP(ioas_iova_ranges, VFIO_OP_IOAS_IOVA_RANGES,
	(BE, int iommufd, struct vfio_abi_ioas_iova_ranges *ranges), iommufd,
	.arg.ioas_iova_ranges = ranges)
MOCK_OP(ioas_map, VFIO_OP_IOAS_MAP, (BE, int iommufd, struct vfio_abi_ioas_map *map), iommufd,
	.arg.ioas_map = map)
MOCK_OP(ioas_map_file, VFIO_OP_IOAS_MAP_FILE,
	(BE, int iommufd, struct vfio_abi_ioas_map_file *map), iommufd, .arg.ioas_map_file = map)
MOCK_OP(ioas_unmap, VFIO_OP_IOAS_UNMAP, (BE, int iommufd, struct vfio_abi_ioas_unmap *unmap),
	iommufd, .arg.ioas_unmap = unmap)
MOCK_OP(device_bind_iommufd, VFIO_OP_DEVICE_BIND_IOMMUFD,
	(BE, int device, struct vfio_abi_device_bind_iommufd *bind), device,
	.arg.bind_iommufd = bind)
MOCK_OP(device_attach_iommufd_pt, VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
	(BE, int device, struct vfio_abi_device_attach_iommufd_pt *attach), device,
	.arg.attach_iommufd_pt = attach)
MOCK_OP(device_detach_iommufd_pt, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
	(BE, int device, struct vfio_abi_device_detach_iommufd_pt *detach), device,
	.arg.detach_iommufd_pt = detach)

#undef BE
#undef MOCK_SSIZE_OP
#undef MOCK_OP

static void mock_destroy(struct vfio_backend *be)
{
	struct mock_backend *mb = (struct mock_backend *)be;

	if (mb->hooks.destroy)
		mb->hooks.destroy(mb->opaque);
	free(mb);
}

static const struct vfio_backend_ops mock_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "mock",
	.destroy = mock_destroy,
	.open = mock_open,
	.close = mock_close,
	.readlink = mock_readlink,
	.list_dir = mock_list_dir,
	.pread = mock_pread,
	.pwrite = mock_pwrite,
	.mmap = mock_mmap,
	.munmap = mock_munmap,
	.get_api_version = mock_get_api_version,
	.check_extension = mock_check_extension,
	.set_iommu = mock_set_iommu,
	.iommu_get_info = mock_iommu_get_info,
	.iommu_map_dma = mock_iommu_map_dma,
	.iommu_unmap_dma = mock_iommu_unmap_dma,
	.group_get_status = mock_group_get_status,
	.group_set_container = mock_group_set_container,
	.group_unset_container = mock_group_unset_container,
	.group_get_device_fd = mock_group_get_device_fd,
	.device_get_info = mock_device_get_info,
	.device_get_region_info = mock_device_get_region_info,
	.device_get_irq_info = mock_device_get_irq_info,
	.device_set_irqs = mock_device_set_irqs,
	.device_reset = mock_device_reset,
	.device_get_pci_hot_reset_info = mock_device_get_pci_hot_reset_info,
	.device_pci_hot_reset = mock_device_pci_hot_reset,
	.device_ioeventfd = mock_device_ioeventfd,
	.device_feature = mock_device_feature,
	.kvm_device_set_attr = mock_kvm_device_set_attr,
	.iommufd_destroy = mock_iommufd_destroy,
	.ioas_alloc = mock_ioas_alloc,
	.ioas_iova_ranges = mock_ioas_iova_ranges,
	.ioas_map = mock_ioas_map,
	.ioas_map_file = mock_ioas_map_file,
	.ioas_unmap = mock_ioas_unmap,
	.device_bind_iommufd = mock_device_bind_iommufd,
	.device_attach_iommufd_pt = mock_device_attach_iommufd_pt,
	.device_detach_iommufd_pt = mock_device_detach_iommufd_pt,
};

int vfio_mock_backend_new(const struct vfio_mock_hooks *hooks, void *opaque,
			  struct vfio_backend **out)
{
	struct mock_backend *mb;

	if (!hooks || !hooks->call || !out)
		return -EINVAL;
	mb = calloc(1, sizeof(*mb));
	if (!mb)
		return -ENOMEM;
	mb->base.ops = &mock_ops;
	mb->hooks = *hooks;
	mb->opaque = opaque;
	*out = &mb->base;
	return 0;
}

/*
 * What vfio_mock_reply() knows of an ioctl's struct: its fixed size, and where
 * its cap_offset sits for those whose capability chain may not fit (0: none).
 */
struct reply_shape {
	size_t fixed;
	size_t cap_offset;
};

static bool reply_shape(enum vfio_backend_op op, struct reply_shape *s)
{
	switch (op) {
	case VFIO_OP_IOMMU_GET_INFO:
		*s = (struct reply_shape){ sizeof(struct vfio_iommu_type1_info),
					   offsetof(struct vfio_iommu_type1_info, cap_offset) };
		return true;
	case VFIO_OP_DEVICE_GET_INFO:
		*s = (struct reply_shape){ sizeof(struct vfio_device_info),
					   offsetof(struct vfio_device_info, cap_offset) };
		return true;
	case VFIO_OP_DEVICE_GET_REGION_INFO:
		*s = (struct reply_shape){ sizeof(struct vfio_region_info),
					   offsetof(struct vfio_region_info, cap_offset) };
		return true;
	case VFIO_OP_IOMMU_UNMAP_DMA:
		*s = (struct reply_shape){ sizeof(struct vfio_iommu_type1_dma_unmap), 0 };
		return true;
	case VFIO_OP_GROUP_GET_STATUS:
		*s = (struct reply_shape){ sizeof(struct vfio_group_status), 0 };
		return true;
	case VFIO_OP_DEVICE_GET_IRQ_INFO:
		*s = (struct reply_shape){ sizeof(struct vfio_irq_info), 0 };
		return true;
	case VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO:
		*s = (struct reply_shape){ sizeof(struct vfio_pci_hot_reset_info), 0 };
		return true;
	case VFIO_OP_DEVICE_FEATURE:
		*s = (struct reply_shape){ sizeof(struct vfio_device_feature), 0 };
		return true;
	case VFIO_OP_IOAS_ALLOC:
		*s = (struct reply_shape){ sizeof(struct vfio_abi_ioas_alloc), 0 };
		return true;
	case VFIO_OP_IOAS_MAP:
		*s = (struct reply_shape){ sizeof(struct vfio_abi_ioas_map), 0 };
		return true;
	case VFIO_OP_IOAS_MAP_FILE:
		*s = (struct reply_shape){ sizeof(struct vfio_abi_ioas_map_file), 0 };
		return true;
	case VFIO_OP_IOAS_UNMAP:
		*s = (struct reply_shape){ sizeof(struct vfio_abi_ioas_unmap), 0 };
		return true;
	case VFIO_OP_DEVICE_BIND_IOMMUFD:
		*s = (struct reply_shape){ sizeof(struct vfio_abi_device_bind_iommufd), 0 };
		return true;
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT:
		*s = (struct reply_shape){ sizeof(struct vfio_abi_device_attach_iommufd_pt), 0 };
		return true;
	default:
		return false;
	}
}

/* Bytes @answer gives an ioctl's struct @arg: all past the argsz, or the fixed part. */
static long reply_struct(struct vfio_mock_call *c, const uint8_t *answer, size_t size)
{
	uint8_t *arg = c->arg.ptr;
	struct reply_shape s;
	uint32_t argsz;

	if (!reply_shape(c->op, &s) || !arg || size < s.fixed)
		return -EINVAL;
	memcpy(&argsz, arg, sizeof(argsz));
	if (argsz < s.fixed)
		return -EINVAL;
	if (argsz >= size) {
		memcpy(arg + sizeof(argsz), answer + sizeof(argsz), size - sizeof(argsz));
		return 0;
	}
	/* The answer does not fit: the fixed part, and how much room it wants. */
	memcpy(arg + sizeof(argsz), answer + sizeof(argsz), s.fixed - sizeof(argsz));
	if (c->op == VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO)
		return -ENOSPC;
	if (!s.cap_offset)
		return -EINVAL;
	argsz = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	memcpy(arg, &argsz, sizeof(argsz));
	memset(arg + s.cap_offset, 0, sizeof(uint32_t));
	return 0;
}

/*
 * IOMMU_IOAS_IOVA_RANGES: @answer is the struct and its num_iovas ranges; the
 * caller's array gets those that fit, its struct the count and alignment, and
 * too small an array answers -EMSGSIZE, as the kernel does.
 */
static long reply_iova_ranges(struct vfio_mock_call *c, const uint8_t *answer, size_t size)
{
	struct vfio_abi_ioas_iova_ranges *r = c->arg.ioas_iova_ranges, a;
	uint32_t room;

	if (!r || r->size < sizeof(*r) || size < sizeof(a))
		return -EINVAL;
	memcpy(&a, answer, sizeof(a));
	if (a.num_iovas > (size - sizeof(a)) / sizeof(struct vfio_abi_iova_range))
		return -EINVAL;
	room = r->num_iovas;
	if (room && r->allowed_iovas)
		memcpy((void *)(uintptr_t)r->allowed_iovas, answer + sizeof(a),
		       (room < a.num_iovas ? room : a.num_iovas) *
			       sizeof(struct vfio_abi_iova_range));
	r->num_iovas = a.num_iovas;
	r->out_iova_alignment = a.out_iova_alignment;
	return a.num_iovas > room ? -EMSGSIZE : 0;
}

/* list_dir: the whole names of @answer (packed, NUL-terminated) that fit; all their bytes. */
static long reply_names(struct vfio_mock_call *c, const char *answer, size_t size)
{
	size_t stored = 0, len;

	if (!c->buf && c->count)
		return -EINVAL;
	for (size_t at = 0; at < size; at += len) {
		len = strnlen(answer + at, size - at) + 1;
		/* In order, whole names only; an unterminated last name is never stored. */
		if (at == stored && at + len <= c->count && at + len <= size) {
			memcpy((char *)c->buf + at, answer + at, len);
			stored += len;
		}
	}
	return size > LONG_MAX ? -EINVAL : (long)size;
}

long vfio_mock_reply(struct vfio_mock_call *c, const void *answer, size_t size)
{
	size_t n;

	if (!c || !answer)
		return -EINVAL;
	switch (c->op) {
	case VFIO_OP_READLINK:
	case VFIO_OP_PREAD:
		if (!c->buf)
			return -EINVAL;
		n = size < c->count ? size : c->count;
		memcpy(c->buf, answer, n);
		return (long)n;
	case VFIO_OP_LIST_DIR:
		return reply_names(c, answer, size);
	case VFIO_OP_IOAS_IOVA_RANGES:
		return reply_iova_ranges(c, answer, size);
	case VFIO_OP_MMAP:
		if (!c->mmap_out)
			return -EINVAL;
		*c->mmap_out = (void *)(uintptr_t)answer;
		return 0;
	default:
		return reply_struct(c, answer, size);
	}
}
