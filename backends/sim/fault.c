// SPDX-License-Identifier: MIT
/*
 * The fault-injection wrapper: a backend over another backend that counts every
 * call of every op and fails the calls a rule or a filter picks, before they
 * reach the inner backend.
 *
 * One mutex guards the counts, rules and filters, held only while a call is
 * counted and judged, never across the inner call: rules may change while calls
 * are under way, and the inner backend may block.  Filters' predicates run under
 * it, which is what lets vfio_fault_filter_remove() promise that a removed
 * predicate is not running any more.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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

struct fault_filter {
	struct vfio_fault_filter f;
	unsigned int id;
	struct vfio_fault_filter_stats stats;
};

struct fault_backend {
	struct vfio_backend base;
	struct vfio_backend *inner;
	pthread_mutex_t lock;
	struct fault_rule rules[VFIO_OP_COUNT];
	struct fault_filter *filters; /* in the order they were added */
	size_t nr_filters, cap_filters;
	unsigned int next_id;
};

static const struct vfio_backend_ops fault_ops;

static struct fault_backend *to_fault(struct vfio_backend *be)
{
	return be && be->ops == &fault_ops ? (struct fault_backend *)be : NULL;
}

/* Whether a call matches @ff; counts it when it does.  fb->lock held. */
static bool filter_matches(struct fault_filter *ff, enum vfio_backend_op op, int fd,
			   const void *arg)
{
	const struct vfio_fault_filter *f = &ff->f;

	if ((f->flags & VFIO_FAULT_ONCE) && ff->stats.failed)
		return false; /* spent */
	if (f->op != VFIO_FAULT_ANY_OP && f->op != op)
		return false;
	if ((f->flags & VFIO_FAULT_MATCH_FD) && f->fd != fd)
		return false;
	if (f->match && !f->match(op, fd, arg, f->opaque))
		return false;
	ff->stats.matched++;
	return true;
}

/* The filters' verdict on a call: -err from the first that fails it, else 0.  fb->lock held. */
static int filters_judge(struct fault_backend *fb, enum vfio_backend_op op, int fd,
			 const void *arg)
{
	for (size_t i = 0; i < fb->nr_filters; i++) {
		struct fault_filter *ff = &fb->filters[i];

		if (!filter_matches(ff, op, fd, arg) || ff->stats.matched <= ff->f.skip)
			continue;
		ff->stats.failed++;
		return -ff->f.err;
	}
	return 0;
}

/*
 * Counts a call of @op on handle @fd with main argument @arg (as
 * vfio_fault_match_fn says); returns -err when a rule or filter fails it, else 0.
 */
static int fault_enter(struct fault_backend *fb, enum vfio_backend_op op, int fd, const void *arg)
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
	if (!ret)
		ret = filters_judge(fb, op, fd, arg);
	pthread_mutex_unlock(&fb->lock);
	return ret;
}

/*
 * One forwarding op: count, maybe fail, else call the inner op (-EOPNOTSUPP when
 * the inner backend lacks it).  PARAMS names the backend argument "be"; FD and
 * ARG are what filters see of the call.
 */
#define FAULT_FORWARD(ret_t, name, OP, PARAMS, FD, ARG, ...)                \
	static ret_t fault_##name PARAMS                                     \
	{                                                                    \
		struct fault_backend *fb = (struct fault_backend *)be;       \
		struct vfio_backend *in = fb->inner;                         \
		int err = fault_enter(fb, OP, FD, ARG);                      \
									     \
		if (err)                                                     \
			return err;                                          \
		if (!in->ops->name)                                          \
			return -EOPNOTSUPP;                                  \
		return in->ops->name(in, __VA_ARGS__);                       \
	}

#define BE struct vfio_backend *be

/* What filters see of a file access. */
#define IO(...) (&(const struct vfio_fault_io){ __VA_ARGS__ })

FAULT_FORWARD(int, open, VFIO_OP_OPEN, (BE, const char *path, int flags), -1, path, path, flags)
FAULT_FORWARD(int, close, VFIO_OP_CLOSE, (BE, int fd), fd, NULL, fd)
FAULT_FORWARD(ssize_t, readlink, VFIO_OP_READLINK, (BE, const char *path, char *buf, size_t size),
	      -1, path, path, buf, size)
FAULT_FORWARD(ssize_t, list_dir, VFIO_OP_LIST_DIR, (BE, const char *path, char *buf, size_t size),
	      -1, path, path, buf, size)
FAULT_FORWARD(ssize_t, pread, VFIO_OP_PREAD,
	      (BE, int fd, void *buf, size_t count, uint64_t offset), fd,
	      IO(.buf = buf, .count = count, .offset = offset), fd, buf, count, offset)
FAULT_FORWARD(ssize_t, pwrite, VFIO_OP_PWRITE,
	      (BE, int fd, const void *buf, size_t count, uint64_t offset), fd,
	      IO(.buf = buf, .count = count, .offset = offset), fd, buf, count, offset)
FAULT_FORWARD(int, mmap, VFIO_OP_MMAP,
	      (BE, int fd, void *addr, size_t length, int prot, int flags, uint64_t offset,
	       void **out),
	      fd,
	      IO(.buf = addr, .count = length, .offset = offset, .prot = prot, .flags = flags),
	      fd, addr, length, prot, flags, offset, out)
FAULT_FORWARD(int, munmap, VFIO_OP_MUNMAP, (BE, void *addr, size_t length), -1,
	      IO(.buf = addr, .count = length), addr, length)

FAULT_FORWARD(int, get_api_version, VFIO_OP_GET_API_VERSION, (BE, int container), container,
	      NULL, container)
FAULT_FORWARD(int, check_extension, VFIO_OP_CHECK_EXTENSION,
	      (BE, int container, unsigned long ext), container, &ext, container, ext)
FAULT_FORWARD(int, set_iommu, VFIO_OP_SET_IOMMU, (BE, int container, unsigned long type),
	      container, &type, container, type)
FAULT_FORWARD(int, iommu_get_info, VFIO_OP_IOMMU_GET_INFO,
	      (BE, int container, struct vfio_iommu_type1_info *info), container, info, container,
	      info)
FAULT_FORWARD(int, iommu_map_dma, VFIO_OP_IOMMU_MAP_DMA,
	      (BE, int container, struct vfio_iommu_type1_dma_map *map), container, map, container,
	      map)
FAULT_FORWARD(int, iommu_unmap_dma, VFIO_OP_IOMMU_UNMAP_DMA,
	      (BE, int container, struct vfio_iommu_type1_dma_unmap *unmap), container, unmap,
	      container, unmap)

FAULT_FORWARD(int, group_get_status, VFIO_OP_GROUP_GET_STATUS,
	      (BE, int group, struct vfio_group_status *status), group, status, group, status)
FAULT_FORWARD(int, group_set_container, VFIO_OP_GROUP_SET_CONTAINER,
	      (BE, int group, int container), group, &container, group, container)
FAULT_FORWARD(int, group_unset_container, VFIO_OP_GROUP_UNSET_CONTAINER, (BE, int group), group,
	      NULL, group)
FAULT_FORWARD(int, group_get_device_fd, VFIO_OP_GROUP_GET_DEVICE_FD,
	      (BE, int group, const char *name), group, name, group, name)

FAULT_FORWARD(int, device_get_info, VFIO_OP_DEVICE_GET_INFO,
	      (BE, int device, struct vfio_device_info *info), device, info, device, info)
FAULT_FORWARD(int, device_get_region_info, VFIO_OP_DEVICE_GET_REGION_INFO,
	      (BE, int device, struct vfio_region_info *info), device, info, device, info)
FAULT_FORWARD(int, device_get_irq_info, VFIO_OP_DEVICE_GET_IRQ_INFO,
	      (BE, int device, struct vfio_irq_info *info), device, info, device, info)
FAULT_FORWARD(int, device_set_irqs, VFIO_OP_DEVICE_SET_IRQS,
	      (BE, int device, struct vfio_irq_set *set), device, set, device, set)
FAULT_FORWARD(int, device_reset, VFIO_OP_DEVICE_RESET, (BE, int device), device, NULL, device)
FAULT_FORWARD(int, device_get_pci_hot_reset_info, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	      (BE, int device, struct vfio_pci_hot_reset_info *info), device, info, device, info)
FAULT_FORWARD(int, device_pci_hot_reset, VFIO_OP_DEVICE_PCI_HOT_RESET,
	      (BE, int device, struct vfio_pci_hot_reset *reset), device, reset, device, reset)
FAULT_FORWARD(int, device_ioeventfd, VFIO_OP_DEVICE_IOEVENTFD,
	      (BE, int device, struct vfio_device_ioeventfd *ioeventfd), device, ioeventfd, device,
	      ioeventfd)
FAULT_FORWARD(int, device_feature, VFIO_OP_DEVICE_FEATURE,
	      (BE, int device, struct vfio_device_feature *feature), device, feature, device,
	      feature)

FAULT_FORWARD(int, kvm_device_set_attr, VFIO_OP_KVM_DEVICE_SET_ATTR,
	      (BE, int kvm_device, const struct kvm_device_attr *attr), kvm_device, attr,
	      kvm_device, attr)

FAULT_FORWARD(int, iommufd_destroy, VFIO_OP_IOMMUFD_DESTROY,
	      (BE, int iommufd, struct vfio_abi_iommu_destroy *destroy), iommufd, destroy, iommufd,
	      destroy)
FAULT_FORWARD(int, ioas_alloc, VFIO_OP_IOAS_ALLOC,
	      (BE, int iommufd, struct vfio_abi_ioas_alloc *alloc), iommufd, alloc, iommufd, alloc)
FAULT_FORWARD(int, ioas_iova_ranges, VFIO_OP_IOAS_IOVA_RANGES,
	      (BE, int iommufd, struct vfio_abi_ioas_iova_ranges *ranges), iommufd, ranges,
	      iommufd, ranges)
FAULT_FORWARD(int, ioas_map, VFIO_OP_IOAS_MAP, (BE, int iommufd, struct vfio_abi_ioas_map *map),
	      iommufd, map, iommufd, map)
FAULT_FORWARD(int, ioas_map_file, VFIO_OP_IOAS_MAP_FILE,
	      (BE, int iommufd, struct vfio_abi_ioas_map_file *map), iommufd, map, iommufd, map)
FAULT_FORWARD(int, ioas_unmap, VFIO_OP_IOAS_UNMAP,
	      (BE, int iommufd, struct vfio_abi_ioas_unmap *unmap), iommufd, unmap, iommufd, unmap)
FAULT_FORWARD(int, device_bind_iommufd, VFIO_OP_DEVICE_BIND_IOMMUFD,
	      (BE, int device, struct vfio_abi_device_bind_iommufd *bind), device, bind, device,
	      bind)
FAULT_FORWARD(int, device_attach_iommufd_pt, VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
	      (BE, int device, struct vfio_abi_device_attach_iommufd_pt *attach), device, attach,
	      device, attach)
FAULT_FORWARD(int, device_detach_iommufd_pt, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
	      (BE, int device, struct vfio_abi_device_detach_iommufd_pt *detach), device, detach,
	      device, detach)

#undef IO
#undef BE
#undef FAULT_FORWARD

/* Frees the wrapper only: the inner backend belongs to the caller. */
static void fault_destroy(struct vfio_backend *be)
{
	struct fault_backend *fb = (struct fault_backend *)be;

	pthread_mutex_destroy(&fb->lock);
	free(fb->filters);
	free(fb);
}

static const struct vfio_backend_ops fault_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "fault",
	.destroy = fault_destroy,
	.open = fault_open,
	.close = fault_close,
	.readlink = fault_readlink,
	.list_dir = fault_list_dir,
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
	.ioas_map_file = fault_ioas_map_file,
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
	fb->nr_filters = 0;
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

static bool filter_valid(const struct vfio_fault_filter *f)
{
	return f && (unsigned int)f->op <= VFIO_FAULT_ANY_OP &&
	       !(f->flags & ~(VFIO_FAULT_MATCH_FD | VFIO_FAULT_ONCE)) && f->err > 0 &&
	       f->err <= FAULT_MAX_ERRNO;
}

int vfio_fault_filter_add(struct vfio_backend *be, const struct vfio_fault_filter *filter,
			  unsigned int *id)
{
	struct fault_backend *fb = to_fault(be);
	struct fault_filter *ff;
	int ret = 0;

	if (!fb || !filter_valid(filter))
		return -EINVAL;
	pthread_mutex_lock(&fb->lock);
	if (fb->nr_filters == fb->cap_filters) {
		size_t cap = fb->cap_filters ? 2 * fb->cap_filters : 4;

		ff = cap < SIZE_MAX / sizeof(*ff) ? realloc(fb->filters, cap * sizeof(*ff)) : NULL;
		if (!ff) {
			ret = -ENOMEM;
			goto out;
		}
		fb->filters = ff;
		fb->cap_filters = cap;
	}
	/* 0 is never an id, so a zeroed id variable names no filter. */
	if (++fb->next_id == 0)
		fb->next_id = 1;
	fb->filters[fb->nr_filters++] = (struct fault_filter){ .f = *filter, .id = fb->next_id };
	if (id)
		*id = fb->next_id;
out:
	pthread_mutex_unlock(&fb->lock);
	return ret;
}

/* The filter named @id, or NULL.  fb->lock held. */
static struct fault_filter *filter_find(struct fault_backend *fb, unsigned int id)
{
	for (size_t i = 0; i < fb->nr_filters; i++)
		if (fb->filters[i].id == id)
			return &fb->filters[i];
	return NULL;
}

int vfio_fault_filter_remove(struct vfio_backend *be, unsigned int id)
{
	struct fault_backend *fb = to_fault(be);
	struct fault_filter *ff;
	size_t after;

	if (!fb)
		return -EINVAL;
	pthread_mutex_lock(&fb->lock);
	ff = filter_find(fb, id);
	if (ff) {
		/* Keep the order: the filters after it still judge after the ones before. */
		after = fb->nr_filters - (size_t)(ff - fb->filters) - 1;
		memmove(ff, ff + 1, after * sizeof(*ff));
		fb->nr_filters--;
	}
	pthread_mutex_unlock(&fb->lock);
	return ff ? 0 : -ENOENT;
}

int vfio_fault_filter_stats(struct vfio_backend *be, unsigned int id,
			    struct vfio_fault_filter_stats *out)
{
	struct fault_backend *fb = to_fault(be);
	struct fault_filter *ff;

	if (!fb || !out)
		return -EINVAL;
	pthread_mutex_lock(&fb->lock);
	ff = filter_find(fb, id);
	if (ff)
		*out = ff->stats;
	pthread_mutex_unlock(&fb->lock);
	return ff ? 0 : -ENOENT;
}
