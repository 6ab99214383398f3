// SPDX-License-Identifier: MIT
/*
 * The fault-injection wrapper over a hand-written counting backend: every op is
 * counted and forwarded, rules fail the chosen call without reaching the inner
 * backend, and the wrapper never frees what it wraps.  Filters have their own
 * file, test_fault_filter.c.
 */

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <vfio/backend.h>
#include <vfio/fault.h>

#include "callop.h"

/* ---- the counting backend: answers 100 + op, remembers its last arguments ---- */

struct counting {
	struct vfio_backend base;
	unsigned long calls[VFIO_OP_COUNT];
	long handle;     /* the fd argument of the last call, or -1 */
	const void *ptr; /* its pointer argument, or NULL */
	int destroyed;
};

static char map_target; /* what the counting mmap answers in *out */

#define ANSWER(op) (100 + (op))

/* UNUSED names the parameters that are not recorded, as (void)x; (void)0 for none. */
#define COUNT_OP(ret_t, name, OP, PARAMS, HANDLE, PTR, UNUSED)            \
	static ret_t count_##name PARAMS                                   \
	{                                                                  \
		struct counting *c = (struct counting *)be;                \
									   \
		UNUSED;                                                    \
		c->calls[OP]++;                                            \
		c->handle = (HANDLE);                                      \
		c->ptr = (PTR);                                            \
		return ANSWER(OP);                                         \
	}

#define BE struct vfio_backend *be

COUNT_OP(int, open, VFIO_OP_OPEN, (BE, const char *path, int flags), flags, path, (void)0)
COUNT_OP(int, close, VFIO_OP_CLOSE, (BE, int fd), fd, NULL, (void)0)
COUNT_OP(ssize_t, readlink, VFIO_OP_READLINK, (BE, const char *path, char *buf, size_t size),
	 (long)size, path, (void)buf)
COUNT_OP(ssize_t, list_dir, VFIO_OP_LIST_DIR, (BE, const char *path, char *buf, size_t size),
	 (long)size, path, (void)buf)
COUNT_OP(ssize_t, pread, VFIO_OP_PREAD, (BE, int fd, void *buf, size_t count, uint64_t offset),
	 fd, buf, ((void)count, (void)offset))
COUNT_OP(ssize_t, pwrite, VFIO_OP_PWRITE,
	 (BE, int fd, const void *buf, size_t count, uint64_t offset), fd, buf,
	 ((void)count, (void)offset))
COUNT_OP(int, munmap, VFIO_OP_MUNMAP, (BE, void *addr, size_t length), (long)length, addr, (void)0)
COUNT_OP(int, get_api_version, VFIO_OP_GET_API_VERSION, (BE, int container), container, NULL,
	 (void)0)
COUNT_OP(int, check_extension, VFIO_OP_CHECK_EXTENSION, (BE, int container, unsigned long ext),
	 container, NULL, (void)ext)
COUNT_OP(int, set_iommu, VFIO_OP_SET_IOMMU, (BE, int container, unsigned long type), container,
	 NULL, (void)type)
COUNT_OP(int, iommu_get_info, VFIO_OP_IOMMU_GET_INFO,
	 (BE, int container, struct vfio_iommu_type1_info *info), container, info, (void)0)
COUNT_OP(int, iommu_map_dma, VFIO_OP_IOMMU_MAP_DMA,
	 (BE, int container, struct vfio_iommu_type1_dma_map *map), container, map, (void)0)
COUNT_OP(int, iommu_unmap_dma, VFIO_OP_IOMMU_UNMAP_DMA,
	 (BE, int container, struct vfio_iommu_type1_dma_unmap *unmap), container, unmap, (void)0)
COUNT_OP(int, group_get_status, VFIO_OP_GROUP_GET_STATUS,
	 (BE, int group, struct vfio_group_status *status), group, status, (void)0)
COUNT_OP(int, group_set_container, VFIO_OP_GROUP_SET_CONTAINER, (BE, int group, int container),
	 group, NULL, (void)container)
COUNT_OP(int, group_unset_container, VFIO_OP_GROUP_UNSET_CONTAINER, (BE, int group), group, NULL,
	 (void)0)
COUNT_OP(int, group_get_device_fd, VFIO_OP_GROUP_GET_DEVICE_FD, (BE, int group, const char *name),
	 group, name, (void)0)
COUNT_OP(int, device_get_info, VFIO_OP_DEVICE_GET_INFO,
	 (BE, int device, struct vfio_device_info *info), device, info, (void)0)
COUNT_OP(int, device_get_region_info, VFIO_OP_DEVICE_GET_REGION_INFO,
	 (BE, int device, struct vfio_region_info *info), device, info, (void)0)
COUNT_OP(int, device_get_irq_info, VFIO_OP_DEVICE_GET_IRQ_INFO,
	 (BE, int device, struct vfio_irq_info *info), device, info, (void)0)
COUNT_OP(int, device_set_irqs, VFIO_OP_DEVICE_SET_IRQS, (BE, int device, struct vfio_irq_set *set),
	 device, set, (void)0)
COUNT_OP(int, device_reset, VFIO_OP_DEVICE_RESET, (BE, int device), device, NULL, (void)0)
COUNT_OP(int, device_get_pci_hot_reset_info, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
	 (BE, int device, struct vfio_pci_hot_reset_info *info), device, info, (void)0)
COUNT_OP(int, device_pci_hot_reset, VFIO_OP_DEVICE_PCI_HOT_RESET,
	 (BE, int device, struct vfio_pci_hot_reset *reset), device, reset, (void)0)
COUNT_OP(int, device_ioeventfd, VFIO_OP_DEVICE_IOEVENTFD,
	 (BE, int device, struct vfio_device_ioeventfd *ioeventfd), device, ioeventfd, (void)0)
COUNT_OP(int, device_feature, VFIO_OP_DEVICE_FEATURE,
	 (BE, int device, struct vfio_device_feature *feature), device, feature, (void)0)
COUNT_OP(int, kvm_device_set_attr, VFIO_OP_KVM_DEVICE_SET_ATTR,
	 (BE, int kvm_device, const struct kvm_device_attr *attr), kvm_device, attr, (void)0)
COUNT_OP(int, iommufd_destroy, VFIO_OP_IOMMUFD_DESTROY,
	 (BE, int iommufd, struct vfio_abi_iommu_destroy *destroy), iommufd, destroy, (void)0)
COUNT_OP(int, ioas_alloc, VFIO_OP_IOAS_ALLOC, (BE, int iommufd, struct vfio_abi_ioas_alloc *alloc),
	 iommufd, alloc, (void)0)
COUNT_OP(int, ioas_iova_ranges, VFIO_OP_IOAS_IOVA_RANGES,
	 (BE, int iommufd, struct vfio_abi_ioas_iova_ranges *ranges), iommufd, ranges, (void)0)
COUNT_OP(int, ioas_map, VFIO_OP_IOAS_MAP, (BE, int iommufd, struct vfio_abi_ioas_map *map), iommufd,
	 map, (void)0)
COUNT_OP(int, ioas_map_file, VFIO_OP_IOAS_MAP_FILE,
	 (BE, int iommufd, struct vfio_abi_ioas_map_file *map), iommufd, map, (void)0)
COUNT_OP(int, ioas_unmap, VFIO_OP_IOAS_UNMAP, (BE, int iommufd, struct vfio_abi_ioas_unmap *unmap),
	 iommufd, unmap, (void)0)
COUNT_OP(int, device_bind_iommufd, VFIO_OP_DEVICE_BIND_IOMMUFD,
	 (BE, int device, struct vfio_abi_device_bind_iommufd *bind), device, bind, (void)0)
COUNT_OP(int, device_attach_iommufd_pt, VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
	 (BE, int device, struct vfio_abi_device_attach_iommufd_pt *attach), device, attach,
	 (void)0)
COUNT_OP(int, device_detach_iommufd_pt, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
	 (BE, int device, struct vfio_abi_device_detach_iommufd_pt *detach), device, detach,
	 (void)0)

#undef BE
#undef COUNT_OP

static int count_mmap(struct vfio_backend *be, int fd, void *addr, size_t length, int prot,
		      int flags, uint64_t offset, void **out)
{
	struct counting *c = (struct counting *)be;

	(void)addr, (void)length, (void)prot, (void)flags, (void)offset;
	c->calls[VFIO_OP_MMAP]++;
	c->handle = fd;
	c->ptr = out;
	*out = &map_target;
	return ANSWER(VFIO_OP_MMAP);
}

static void count_destroy(struct vfio_backend *be)
{
	((struct counting *)be)->destroyed++;
}

static const struct vfio_backend_ops counting_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "counting",
	.destroy = count_destroy,
	.open = count_open,
	.close = count_close,
	.readlink = count_readlink,
	.list_dir = count_list_dir,
	.pread = count_pread,
	.pwrite = count_pwrite,
	.mmap = count_mmap,
	.munmap = count_munmap,
	.get_api_version = count_get_api_version,
	.check_extension = count_check_extension,
	.set_iommu = count_set_iommu,
	.iommu_get_info = count_iommu_get_info,
	.iommu_map_dma = count_iommu_map_dma,
	.iommu_unmap_dma = count_iommu_unmap_dma,
	.group_get_status = count_group_get_status,
	.group_set_container = count_group_set_container,
	.group_unset_container = count_group_unset_container,
	.group_get_device_fd = count_group_get_device_fd,
	.device_get_info = count_device_get_info,
	.device_get_region_info = count_device_get_region_info,
	.device_get_irq_info = count_device_get_irq_info,
	.device_set_irqs = count_device_set_irqs,
	.device_reset = count_device_reset,
	.device_get_pci_hot_reset_info = count_device_get_pci_hot_reset_info,
	.device_pci_hot_reset = count_device_pci_hot_reset,
	.device_ioeventfd = count_device_ioeventfd,
	.device_feature = count_device_feature,
	.kvm_device_set_attr = count_kvm_device_set_attr,
	.iommufd_destroy = count_iommufd_destroy,
	.ioas_alloc = count_ioas_alloc,
	.ioas_iova_ranges = count_ioas_iova_ranges,
	.ioas_map = count_ioas_map,
	.ioas_map_file = count_ioas_map_file,
	.ioas_unmap = count_ioas_unmap,
	.device_bind_iommufd = count_device_bind_iommufd,
	.device_attach_iommufd_pt = count_device_attach_iommufd_pt,
	.device_detach_iommufd_pt = count_device_detach_iommufd_pt,
};

/* A backend with only open and get_api_version: every other op is NULL. */
static const struct vfio_backend_ops sparse_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "sparse",
	.destroy = count_destroy,
	.open = count_open,
	.get_api_version = count_get_api_version,
};

/* For the threads test: touches no shared state, so callers do not race in it. */
static int quiet_get_api_version(struct vfio_backend *be, int container)
{
	(void)be, (void)container;
	return ANSWER(VFIO_OP_GET_API_VERSION);
}

static const struct vfio_backend_ops quiet_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "quiet",
	.destroy = count_destroy,
	.get_api_version = quiet_get_api_version,
};

/* The handle and pointer the dispatcher passes, per op. */
#define HANDLE(op) T_OP_HANDLE(op)


/* ---- fixture: a counting backend and its wrapper ---- */

struct fixture {
	struct counting inner;
	struct vfio_backend *fault;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->inner.base.ops = &counting_ops;
	if (vfio_fault_backend_new(&f->inner.base, &f->fault) != 0) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vfio_backend_destroy(f->fault);
	free(f);
	return 0;
}

/* ---- tests ---- */

static void test_forwards_every_op(void **state)
{
	struct fixture *f = *state;

	assert_string_equal(f->fault->ops->name, "fault");
	assert_int_equal(f->fault->ops->version, VFIO_BACKEND_OPS_VERSION);
	for (int i = 0; i < VFIO_OP_COUNT; i++) {
		enum vfio_backend_op op = (enum vfio_backend_op)i;

		f->inner.handle = -1;
		f->inner.ptr = NULL;
		assert_int_equal(t_call_op(f->fault, op), ANSWER(op));
		assert_int_equal(f->inner.calls[op], 1);
		assert_int_equal(vfio_fault_calls(f->fault, op), 1);
		assert_int_equal(f->inner.handle, HANDLE(op));
		if (op != VFIO_OP_MMAP && f->inner.ptr)
			assert_ptr_equal(f->inner.ptr, t_op_buf);
	}
}

static void test_mmap_out_forwarded(void **state)
{
	struct fixture *f = *state;
	void *out = NULL;

	assert_int_equal(f->fault->ops->mmap(f->fault, 3, NULL, 4096, 0, 0, 0, &out),
			 ANSWER(VFIO_OP_MMAP));
	assert_ptr_equal(out, &map_target);

	out = NULL;
	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_MMAP, 1, ENOMEM), 0);
	assert_int_equal(f->fault->ops->mmap(f->fault, 3, NULL, 4096, 0, 0, 0, &out), -ENOMEM);
	assert_null(out);
}

static void test_nth_1_fails_next_call_only(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_IOMMU_MAP_DMA, 1, ENOSPC), 0);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_IOMMU_MAP_DMA), -ENOSPC);
	assert_int_equal(f->inner.calls[VFIO_OP_IOMMU_MAP_DMA], 0);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_IOMMU_MAP_DMA), ANSWER(VFIO_OP_IOMMU_MAP_DMA));
	assert_int_equal(t_call_op(f->fault, VFIO_OP_IOMMU_MAP_DMA), ANSWER(VFIO_OP_IOMMU_MAP_DMA));
	assert_int_equal(f->inner.calls[VFIO_OP_IOMMU_MAP_DMA], 2);
	assert_int_equal(vfio_fault_calls(f->fault, VFIO_OP_IOMMU_MAP_DMA), 3);
}

static void test_nth_3_counts_from_now(void **state)
{
	struct fixture *f = *state;
	const enum vfio_backend_op op = VFIO_OP_GROUP_GET_DEVICE_FD;

	/* Two calls before the rule: nth counts from the rule, not from creation. */
	t_call_op(f->fault, op);
	t_call_op(f->fault, op);
	assert_int_equal(vfio_fault_inject(f->fault, op, 3, ENODEV), 0);
	assert_int_equal(t_call_op(f->fault, op), ANSWER(op));
	assert_int_equal(t_call_op(f->fault, op), ANSWER(op));
	assert_int_equal(t_call_op(f->fault, op), -ENODEV);
	assert_int_equal(t_call_op(f->fault, op), ANSWER(op));
	assert_int_equal(f->inner.calls[op], 5);
	assert_int_equal(vfio_fault_calls(f->fault, op), 6);
}

static void test_nth_0_fails_every_call(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_PREAD, 0, EIO), 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(t_call_op(f->fault, VFIO_OP_PREAD), -EIO);
	assert_int_equal(f->inner.calls[VFIO_OP_PREAD], 0);
	assert_int_equal(vfio_fault_calls(f->fault, VFIO_OP_PREAD), 5);
	/* Other ops are untouched. */
	assert_int_equal(t_call_op(f->fault, VFIO_OP_PWRITE), ANSWER(VFIO_OP_PWRITE));
}

static void test_new_rule_replaces_old(void **state)
{
	struct fixture *f = *state;
	const enum vfio_backend_op op = VFIO_OP_DEVICE_RESET;

	assert_int_equal(vfio_fault_inject(f->fault, op, 0, EPERM), 0);
	assert_int_equal(t_call_op(f->fault, op), -EPERM);
	assert_int_equal(vfio_fault_inject(f->fault, op, 2, EBUSY), 0);
	assert_int_equal(t_call_op(f->fault, op), ANSWER(op));
	assert_int_equal(t_call_op(f->fault, op), -EBUSY);
	assert_int_equal(t_call_op(f->fault, op), ANSWER(op));

	assert_int_equal(vfio_fault_inject(f->fault, op, 1, EPERM), 0);
	assert_int_equal(vfio_fault_inject(f->fault, op, 0, EACCES), 0);
	assert_int_equal(t_call_op(f->fault, op), -EACCES);
	assert_int_equal(t_call_op(f->fault, op), -EACCES);
}

static void test_every_op_can_fail(void **state)
{
	struct fixture *f = *state;

	for (int i = 0; i < VFIO_OP_COUNT; i++) {
		enum vfio_backend_op op = (enum vfio_backend_op)i;

		assert_int_equal(vfio_fault_inject(f->fault, op, 1, 1 + i), 0);
		assert_int_equal(t_call_op(f->fault, op), -(1 + i));
		assert_int_equal(f->inner.calls[op], 0);
		assert_int_equal(vfio_fault_calls(f->fault, op), 1);
	}
}

static void test_clear(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_OPEN, 0, ENOENT), 0);
	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_CLOSE, 2, EBADF), 0);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), -ENOENT);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_CLOSE), ANSWER(VFIO_OP_CLOSE));

	vfio_fault_clear(f->fault);
	for (int i = 0; i < VFIO_OP_COUNT; i++)
		assert_int_equal(vfio_fault_calls(f->fault, (enum vfio_backend_op)i), 0);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), ANSWER(VFIO_OP_OPEN));
	assert_int_equal(t_call_op(f->fault, VFIO_OP_CLOSE), ANSWER(VFIO_OP_CLOSE));
	assert_int_equal(t_call_op(f->fault, VFIO_OP_CLOSE), ANSWER(VFIO_OP_CLOSE));
	assert_int_equal(vfio_fault_calls(f->fault, VFIO_OP_CLOSE), 2);
}

static void test_bad_args(void **state)
{
	struct fixture *f = *state;
	struct vfio_backend *be = NULL;

	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_COUNT, 1, EIO), -EINVAL);
	assert_int_equal(vfio_fault_inject(f->fault, (enum vfio_backend_op)-1, 1, EIO), -EINVAL);
	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_OPEN, 1, 0), -EINVAL);
	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_OPEN, 1, -EIO), -EINVAL);
	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_OPEN, 1, 4096), -EINVAL);
	assert_int_equal(vfio_fault_inject(f->fault, VFIO_OP_OPEN, 1, 4095), 0);
	/* Not a wrapper. */
	assert_int_equal(vfio_fault_inject(&f->inner.base, VFIO_OP_OPEN, 1, EIO), -EINVAL);
	assert_int_equal(vfio_fault_inject(NULL, VFIO_OP_OPEN, 1, EIO), -EINVAL);
	assert_int_equal(vfio_fault_calls(&f->inner.base, VFIO_OP_OPEN), 0);
	assert_int_equal(vfio_fault_calls(NULL, VFIO_OP_OPEN), 0);
	assert_int_equal(vfio_fault_calls(f->fault, VFIO_OP_COUNT), 0);
	vfio_fault_clear(&f->inner.base);
	vfio_fault_clear(NULL);

	assert_int_equal(vfio_fault_backend_new(NULL, &be), -EINVAL);
	assert_int_equal(vfio_fault_backend_new(&f->inner.base, NULL), -EINVAL);
	assert_null(be);
	/* The rejected calls left no rule behind but the valid one. */
	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), -4095);
	assert_int_equal(t_call_op(f->fault, VFIO_OP_OPEN), ANSWER(VFIO_OP_OPEN));
}

static void test_null_inner_op(void **state)
{
	struct counting sparse = { .base.ops = &sparse_ops };
	struct vfio_backend *fault = NULL;

	(void)state;
	assert_int_equal(vfio_fault_backend_new(&sparse.base, &fault), 0);
	assert_int_equal(t_call_op(fault, VFIO_OP_OPEN), ANSWER(VFIO_OP_OPEN));
	for (int i = 0; i < VFIO_OP_COUNT; i++) {
		enum vfio_backend_op op = (enum vfio_backend_op)i;

		if (op == VFIO_OP_OPEN || op == VFIO_OP_GET_API_VERSION)
			continue;
		assert_int_equal(t_call_op(fault, op), -EOPNOTSUPP);
		assert_int_equal(vfio_fault_calls(fault, op), 1);
	}
	/* A rule still wins over the missing op. */
	assert_int_equal(vfio_fault_inject(fault, VFIO_OP_IOAS_MAP, 1, ENOMEM), 0);
	assert_int_equal(t_call_op(fault, VFIO_OP_IOAS_MAP), -ENOMEM);
	assert_int_equal(t_call_op(fault, VFIO_OP_IOAS_MAP), -EOPNOTSUPP);
	vfio_backend_destroy(fault);
	assert_int_equal(sparse.destroyed, 0);
}

static void test_destroy_frees_only_wrapper(void **state)
{
	struct counting inner = { .base.ops = &counting_ops };
	struct vfio_backend *fault = NULL;

	(void)state;
	assert_int_equal(vfio_fault_backend_new(&inner.base, &fault), 0);
	assert_int_equal(t_call_op(fault, VFIO_OP_CLOSE), ANSWER(VFIO_OP_CLOSE));
	vfio_backend_destroy(fault);
	assert_int_equal(inner.destroyed, 0);
	/* The inner backend still works on its own. */
	assert_int_equal(t_call_op(&inner.base, VFIO_OP_CLOSE), ANSWER(VFIO_OP_CLOSE));
	assert_int_equal(inner.calls[VFIO_OP_CLOSE], 2);
}

/* ---- threads: counts stay exact while rules change under the callers ---- */

#define THREADS 4
#define CALLS_PER_THREAD 2000

struct worker {
	struct vfio_backend *fault;
	unsigned long failed;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < CALLS_PER_THREAD; i++)
		if (t_call_op(w->fault, VFIO_OP_GET_API_VERSION) < 0)
			w->failed++;
	return NULL;
}

static void test_threads(void **state)
{
	struct vfio_backend *fault = NULL;
	struct counting *inner = calloc(1, sizeof(*inner));
	struct worker workers[THREADS];
	pthread_t tids[THREADS];
	unsigned long failed = 0;

	(void)state;
	assert_non_null(inner);
	inner->base.ops = &quiet_ops;
	assert_int_equal(vfio_fault_backend_new(&inner->base, &fault), 0);
	for (int t = 0; t < THREADS; t++) {
		workers[t] = (struct worker){ .fault = fault };
		assert_int_equal(pthread_create(&tids[t], NULL, worker_run, &workers[t]), 0);
	}
	/* One-shot rules while the workers run: each fires at most once. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(vfio_fault_inject(fault, VFIO_OP_GET_API_VERSION, 1, EINTR), 0);
	for (int t = 0; t < THREADS; t++) {
		assert_int_equal(pthread_join(tids[t], NULL), 0);
		failed += workers[t].failed;
	}
	assert_int_equal(vfio_fault_calls(fault, VFIO_OP_GET_API_VERSION),
			 THREADS * CALLS_PER_THREAD);
	assert_true(failed <= 10);
	vfio_backend_destroy(fault);
	free(inner);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_forwards_every_op),
		FIXTURE_TEST(test_mmap_out_forwarded),
		FIXTURE_TEST(test_nth_1_fails_next_call_only),
		FIXTURE_TEST(test_nth_3_counts_from_now),
		FIXTURE_TEST(test_nth_0_fails_every_call),
		FIXTURE_TEST(test_new_rule_replaces_old),
		FIXTURE_TEST(test_every_op_can_fail),
		FIXTURE_TEST(test_clear),
		FIXTURE_TEST(test_bad_args),
		cmocka_unit_test(test_null_inner_op),
		cmocka_unit_test(test_destroy_frees_only_wrapper),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("fault", tests, NULL, NULL);
}
