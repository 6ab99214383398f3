// SPDX-License-Identifier: MIT
/*
 * The trace wrapper: a backend over another backend that records every call,
 * decoded, in a ring.
 *
 * Each forwarder gathers its arguments in a struct call, decodes the inputs
 * into text before the inner op runs (the op may change them: UNMAP_DMA
 * writes back the size it unmapped), appends the outputs after, then makes
 * the entry.  Decoding reads only what the op itself would read: a struct's
 * variable part is read only as far as its argsz says, and pointers inside
 * the structs (KVM_SET_DEVICE_ATTR's addr) are never followed.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <vfio/backend.h>
#include <vfio/trace.h>

#include "trace_decode.h"

struct trace_backend {
	struct vfio_backend base;
	struct vfio_backend *inner;
	pthread_mutex_t lock; /* guards the ring */
	struct vfio_trace_entry *ring;
	size_t cap, head, count; /* the oldest entry at ring[head] */
	uint64_t next_seq, dropped;
	pthread_mutex_t cb_lock; /* guards cb and cb_opaque; held while cb runs */
	vfio_trace_fn cb;
	void *cb_opaque;
};

static const struct vfio_backend_ops trace_ops;

static struct trace_backend *to_trace(struct vfio_backend *be)
{
	return be && be->ops == &trace_ops ? (struct trace_backend *)be : NULL;
}

/* Into the ring, then to the callback. */
static void trace_record(struct trace_backend *tb, const struct trace_call *c, const char *text,
			 int64_t result)
{
	struct vfio_trace_entry e = { .op = c->op, .fd = c->fd, .result = result };

	snprintf(e.text, sizeof(e.text), "%s", text);
	pthread_mutex_lock(&tb->lock);
	e.seq = tb->next_seq++;
	if (tb->count == tb->cap) {
		tb->head = (tb->head + 1) % tb->cap;
		tb->count--;
		tb->dropped++;
	}
	tb->ring[(tb->head + tb->count++) % tb->cap] = e;
	pthread_mutex_unlock(&tb->lock);

	pthread_mutex_lock(&tb->cb_lock);
	if (tb->cb)
		tb->cb(&e, tb->cb_opaque);
	pthread_mutex_unlock(&tb->cb_lock);
}

/*
 * One forwarding op.  PARAMS names the backend argument "be"; ARGS are the inner
 * call's arguments in parentheses, "in" first; FD is the handle (-1 for none);
 * the rest fills the struct call.
 */
#define TRACE_FORWARD(ret_t, name, OP, PARAMS, ARGS, FD, ...)              \
	static ret_t trace_##name PARAMS                                   \
	{                                                                  \
		struct trace_backend *tb = (struct trace_backend *)be;     \
		struct vfio_backend *in = tb->inner;                       \
		struct trace_call c = { .op = OP, .fd = FD, __VA_ARGS__ }; \
		char text[VFIO_TRACE_TEXT_MAX] = "";                       \
		struct trace_text t = { .s = text, .size = sizeof(text) }; \
		ret_t ret;                                                 \
	                                                                   \
		trace_decode_in(&t, &c);                                   \
		ret = in->ops->name ? in->ops->name ARGS : -EOPNOTSUPP;    \
		trace_decode_out(&t, &c, (int64_t)ret);                    \
		trace_record(tb, &c, text, (int64_t)ret);                  \
		return ret;                                                \
	}

#define BE struct vfio_backend *be

TRACE_FORWARD(int, open, VFIO_OP_OPEN, (BE, const char *path, int flags), (in, path, flags), -1,
	      .path = path, .flags = flags)
TRACE_FORWARD(int, close, VFIO_OP_CLOSE, (BE, int fd), (in, fd), fd, .arg = NULL)
TRACE_FORWARD(ssize_t, readlink, VFIO_OP_READLINK, (BE, const char *path, char *buf, size_t size),
	      (in, path, buf, size), -1, .path = path, .buf = buf, .count = size)
TRACE_FORWARD(ssize_t, list_dir, VFIO_OP_LIST_DIR, (BE, const char *path, char *buf, size_t size),
	      (in, path, buf, size), -1, .path = path, .buf = buf, .count = size)
TRACE_FORWARD(ssize_t, pread, VFIO_OP_PREAD, (BE, int fd, void *buf, size_t count, uint64_t offset),
	      (in, fd, buf, count, offset), fd, .buf = buf, .count = count, .offset = offset)
TRACE_FORWARD(ssize_t, pwrite, VFIO_OP_PWRITE,
	      (BE, int fd, const void *buf, size_t count, uint64_t offset),
	      (in, fd, buf, count, offset), fd, .wbuf = buf, .count = count, .offset = offset)
TRACE_FORWARD(int, mmap, VFIO_OP_MMAP,
	      (BE, int fd, void *addr, size_t length, int prot, int flags, uint64_t offset,
	       void **out),
	      (in, fd, addr, length, prot, flags, offset, out), fd, .wbuf = addr, .count = length,
	      .prot = prot, .flags = flags, .offset = offset, .out = out)
TRACE_FORWARD(int, munmap, VFIO_OP_MUNMAP, (BE, void *addr, size_t length), (in, addr, length), -1,
	      .wbuf = addr, .count = length)

TRACE_FORWARD(int, get_api_version, VFIO_OP_GET_API_VERSION, (BE, int container), (in, container),
	      container, .arg = NULL)
TRACE_FORWARD(int, check_extension, VFIO_OP_CHECK_EXTENSION, (BE, int container, unsigned long ext),
	      (in, container, ext), container, .value = ext)
TRACE_FORWARD(int, set_iommu, VFIO_OP_SET_IOMMU, (BE, int container, unsigned long type),
	      (in, container, type), container, .value = type)
TRACE_FORWARD(int, iommu_get_info, VFIO_OP_IOMMU_GET_INFO,
	      (BE, int container, struct vfio_iommu_type1_info *info), (in, container, info),
	      container, .arg = info)
TRACE_FORWARD(int, iommu_map_dma, VFIO_OP_IOMMU_MAP_DMA,
	      (BE, int container, struct vfio_iommu_type1_dma_map *map), (in, container, map),
	      container, .arg = map)
TRACE_FORWARD(int, iommu_unmap_dma, VFIO_OP_IOMMU_UNMAP_DMA,
	      (BE, int container, struct vfio_iommu_type1_dma_unmap *unmap), (in, container, unmap),
	      container, .arg = unmap)

TRACE_FORWARD(int, group_get_status, VFIO_OP_GROUP_GET_STATUS,
	      (BE, int group, struct vfio_group_status *status), (in, group, status), group,
	      .arg = status)
TRACE_FORWARD(int, group_set_container, VFIO_OP_GROUP_SET_CONTAINER, (BE, int group, int container),
	      (in, group, container), group, .value = (unsigned long)(long)container)
TRACE_FORWARD(int, group_unset_container, VFIO_OP_GROUP_UNSET_CONTAINER, (BE, int group),
	      (in, group), group, .arg = NULL)
TRACE_FORWARD(int, group_get_device_fd, VFIO_OP_GROUP_GET_DEVICE_FD,
	      (BE, int group, const char *name), (in, group, name), group, .path = name)

TRACE_FORWARD(int, device_get_info, VFIO_OP_DEVICE_GET_INFO,
	      (BE, int device, struct vfio_device_info *info), (in, device, info), device,
	      .arg = info)
TRACE_FORWARD(int, device_get_region_info, VFIO_OP_DEVICE_GET_REGION_INFO,
	      (BE, int device, struct vfio_region_info *info), (in, device, info), device,
	      .arg = info)
TRACE_FORWARD(int, device_get_irq_info, VFIO_OP_DEVICE_GET_IRQ_INFO,
	      (BE, int device, struct vfio_irq_info *info), (in, device, info), device, .arg = info)
TRACE_FORWARD(int, device_set_irqs, VFIO_OP_DEVICE_SET_IRQS,
	      (BE, int device, struct vfio_irq_set *set), (in, device, set), device, .arg = set)
TRACE_FORWARD(int, device_reset, VFIO_OP_DEVICE_RESET, (BE, int device), (in, device), device,
	      .arg = NULL)
TRACE_FORWARD(int, device_get_pci_hot_reset_info, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	      (BE, int device, struct vfio_pci_hot_reset_info *info), (in, device, info), device,
	      .arg = info)
TRACE_FORWARD(int, device_pci_hot_reset, VFIO_OP_DEVICE_PCI_HOT_RESET,
	      (BE, int device, struct vfio_pci_hot_reset *reset), (in, device, reset), device,
	      .arg = reset)
TRACE_FORWARD(int, device_ioeventfd, VFIO_OP_DEVICE_IOEVENTFD,
	      (BE, int device, struct vfio_device_ioeventfd *ioeventfd), (in, device, ioeventfd),
	      device, .arg = ioeventfd)
TRACE_FORWARD(int, device_feature, VFIO_OP_DEVICE_FEATURE,
	      (BE, int device, struct vfio_device_feature *feature), (in, device, feature), device,
	      .arg = feature)

TRACE_FORWARD(int, kvm_device_set_attr, VFIO_OP_KVM_DEVICE_SET_ATTR,
	      (BE, int kvm_device, const struct kvm_device_attr *attr), (in, kvm_device, attr),
	      kvm_device, .arg = attr)

TRACE_FORWARD(int, iommufd_destroy, VFIO_OP_IOMMUFD_DESTROY,
	      (BE, int iommufd, struct vfio_abi_iommu_destroy *destroy), (in, iommufd, destroy),
	      iommufd, .arg = destroy)
TRACE_FORWARD(int, ioas_alloc, VFIO_OP_IOAS_ALLOC,
	      (BE, int iommufd, struct vfio_abi_ioas_alloc *alloc), (in, iommufd, alloc), iommufd,
	      .arg = alloc)
TRACE_FORWARD(int, ioas_iova_ranges, VFIO_OP_IOAS_IOVA_RANGES,
	      (BE, int iommufd, struct vfio_abi_ioas_iova_ranges *ranges), (in, iommufd, ranges),
	      iommufd, .arg = ranges)
TRACE_FORWARD(int, ioas_map, VFIO_OP_IOAS_MAP, (BE, int iommufd, struct vfio_abi_ioas_map *map),
	      (in, iommufd, map), iommufd, .arg = map)
TRACE_FORWARD(int, ioas_map_file, VFIO_OP_IOAS_MAP_FILE,
	      (BE, int iommufd, struct vfio_abi_ioas_map_file *map), (in, iommufd, map), iommufd,
	      .arg = map)
TRACE_FORWARD(int, ioas_unmap, VFIO_OP_IOAS_UNMAP,
	      (BE, int iommufd, struct vfio_abi_ioas_unmap *unmap), (in, iommufd, unmap), iommufd,
	      .arg = unmap)
TRACE_FORWARD(int, device_bind_iommufd, VFIO_OP_DEVICE_BIND_IOMMUFD,
	      (BE, int device, struct vfio_abi_device_bind_iommufd *bind), (in, device, bind),
	      device, .arg = bind)
TRACE_FORWARD(int, device_attach_iommufd_pt, VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
	      (BE, int device, struct vfio_abi_device_attach_iommufd_pt *attach),
	      (in, device, attach), device, .arg = attach)
TRACE_FORWARD(int, device_detach_iommufd_pt, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
	      (BE, int device, struct vfio_abi_device_detach_iommufd_pt *detach),
	      (in, device, detach), device, .arg = detach)

#undef BE
#undef TRACE_FORWARD

/* Frees the wrapper only: the inner backend belongs to the caller. */
static void trace_destroy(struct vfio_backend *be)
{
	struct trace_backend *tb = (struct trace_backend *)be;

	pthread_mutex_destroy(&tb->cb_lock);
	pthread_mutex_destroy(&tb->lock);
	free(tb->ring);
	free(tb);
}

static const struct vfio_backend_ops trace_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "trace",
	.destroy = trace_destroy,
	.open = trace_open,
	.close = trace_close,
	.readlink = trace_readlink,
	.list_dir = trace_list_dir,
	.pread = trace_pread,
	.pwrite = trace_pwrite,
	.mmap = trace_mmap,
	.munmap = trace_munmap,
	.get_api_version = trace_get_api_version,
	.check_extension = trace_check_extension,
	.set_iommu = trace_set_iommu,
	.iommu_get_info = trace_iommu_get_info,
	.iommu_map_dma = trace_iommu_map_dma,
	.iommu_unmap_dma = trace_iommu_unmap_dma,
	.group_get_status = trace_group_get_status,
	.group_set_container = trace_group_set_container,
	.group_unset_container = trace_group_unset_container,
	.group_get_device_fd = trace_group_get_device_fd,
	.device_get_info = trace_device_get_info,
	.device_get_region_info = trace_device_get_region_info,
	.device_get_irq_info = trace_device_get_irq_info,
	.device_set_irqs = trace_device_set_irqs,
	.device_reset = trace_device_reset,
	.device_get_pci_hot_reset_info = trace_device_get_pci_hot_reset_info,
	.device_pci_hot_reset = trace_device_pci_hot_reset,
	.device_ioeventfd = trace_device_ioeventfd,
	.device_feature = trace_device_feature,
	.kvm_device_set_attr = trace_kvm_device_set_attr,
	.iommufd_destroy = trace_iommufd_destroy,
	.ioas_alloc = trace_ioas_alloc,
	.ioas_iova_ranges = trace_ioas_iova_ranges,
	.ioas_map = trace_ioas_map,
	.ioas_map_file = trace_ioas_map_file,
	.ioas_unmap = trace_ioas_unmap,
	.device_bind_iommufd = trace_device_bind_iommufd,
	.device_attach_iommufd_pt = trace_device_attach_iommufd_pt,
	.device_detach_iommufd_pt = trace_device_detach_iommufd_pt,
};

int vfio_trace_backend_new(struct vfio_backend *inner, size_t capacity, struct vfio_backend **out)
{
	struct trace_backend *tb;

	if (!inner || !out)
		return -EINVAL;
	if (!capacity)
		capacity = VFIO_TRACE_DEFAULT_CAPACITY;
	if (capacity > SIZE_MAX / sizeof(*tb->ring))
		return -ENOMEM;
	tb = calloc(1, sizeof(*tb));
	if (!tb)
		return -ENOMEM;
	tb->ring = calloc(capacity, sizeof(*tb->ring));
	if (!tb->ring) {
		free(tb);
		return -ENOMEM;
	}
	if (pthread_mutex_init(&tb->lock, NULL) != 0) {
		free(tb->ring);
		free(tb);
		return -ENOMEM;
	}
	if (pthread_mutex_init(&tb->cb_lock, NULL) != 0) {
		pthread_mutex_destroy(&tb->lock);
		free(tb->ring);
		free(tb);
		return -ENOMEM;
	}
	tb->base.ops = &trace_ops;
	tb->inner = inner;
	tb->cap = capacity;
	*out = &tb->base;
	return 0;
}

size_t vfio_trace_count(struct vfio_backend *be)
{
	struct trace_backend *tb = to_trace(be);
	size_t count;

	if (!tb)
		return 0;
	pthread_mutex_lock(&tb->lock);
	count = tb->count;
	pthread_mutex_unlock(&tb->lock);
	return count;
}

uint64_t vfio_trace_dropped(struct vfio_backend *be)
{
	struct trace_backend *tb = to_trace(be);
	uint64_t dropped;

	if (!tb)
		return 0;
	pthread_mutex_lock(&tb->lock);
	dropped = tb->dropped;
	pthread_mutex_unlock(&tb->lock);
	return dropped;
}

int vfio_trace_get(struct vfio_backend *be, size_t i, struct vfio_trace_entry *out)
{
	struct trace_backend *tb = to_trace(be);
	int ret = -ENOENT;

	if (!tb || !out)
		return -EINVAL;
	pthread_mutex_lock(&tb->lock);
	if (i < tb->count) {
		*out = tb->ring[(tb->head + i) % tb->cap];
		ret = 0;
	}
	pthread_mutex_unlock(&tb->lock);
	return ret;
}

void vfio_trace_clear(struct vfio_backend *be)
{
	struct trace_backend *tb = to_trace(be);

	if (!tb)
		return;
	pthread_mutex_lock(&tb->lock);
	tb->head = 0;
	tb->count = 0;
	tb->dropped = 0;
	pthread_mutex_unlock(&tb->lock);
}

int vfio_trace_set_callback(struct vfio_backend *be, vfio_trace_fn fn, void *opaque)
{
	struct trace_backend *tb = to_trace(be);

	if (!tb)
		return -EINVAL;
	pthread_mutex_lock(&tb->cb_lock);
	tb->cb = fn;
	tb->cb_opaque = opaque;
	pthread_mutex_unlock(&tb->cb_lock);
	return 0;
}

int vfio_trace_format(const struct vfio_trace_entry *e, char *buf, size_t size)
{
	const char *name;
	int n;

	if (!e || (!buf && size))
		return -EINVAL;
	name = e->result < 0 && e->result >= -4095 ? trace_errno_name((int)-e->result) : NULL;
	n = snprintf(buf, size, "#%llu %.*s = %lld%s%s", (unsigned long long)e->seq,
		     (int)sizeof(e->text), e->text, (long long)e->result, name ? " " : "",
		     name ? name : "");
	return n < 0 ? -EINVAL : n;
}
