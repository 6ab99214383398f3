// SPDX-License-Identifier: MIT
/*
 * Backends that leave ops out: every call the core makes to a backend answers
 * -EOPNOTSUPP when the op is NULL (BE_CALL), and each public call that needs it
 * fails with that errno and a message naming what it did, in the main path and
 * in the clean-up after another error alike.  Where a missing close leaves a
 * handle open in the sim, the test closes it through the sim afterwards.
 */

#include <stdlib.h>
#include <sys/mman.h>

#include <vfio/mock.h>

#include "hookbe.h"
#include "testutil.h"

#define MAX_FDS 32

struct absent {
	struct t_hook h;
	struct t_fixture *f;
	int fds[MAX_FDS]; /* every handle the backend gave out */
	size_t nr_fds;
};

static void note_fd(struct absent *a, int fd)
{
	if (fd >= 0 && a->nr_fds < MAX_FDS)
		a->fds[a->nr_fds++] = fd;
}

/* Close through the sim every handle given out but @keep: what a missing close left open. */
static void release(struct absent *a, int keep)
{
	struct vfio_backend *sim = vfio_sim_backend(a->f->sim);
	size_t n = a->nr_fds;

	a->nr_fds = 0;
	for (size_t i = n; i-- > 0;)
		if (a->fds[i] != keep)
			sim->ops->close(sim, a->fds[i]); /* EBADF for those closed already */
	note_fd(a, keep);
}

static int rec_open(struct vfio_backend *be, const char *path, int flags)
{
	struct t_hook *h = t_hook_of(be);
	int fd = h->inner->ops->open(h->inner, path, flags);

	note_fd(h->data, fd);
	return fd;
}

static int rec_device_fd(struct vfio_backend *be, int group, const char *name)
{
	struct t_hook *h = t_hook_of(be);
	int fd = h->inner->ops->group_get_device_fd(h->inner, group, name);

	note_fd(h->data, fd);
	return fd;
}

static int setup(void **state)
{
	struct absent *a = calloc(1, sizeof(*a));

	assert_non_null(a);
	a->f = t_fixture_new(0);
	t_hook_init(&a->h, a->f->be);
	a->h.ops.open = rec_open;
	a->h.ops.group_get_device_fd = rec_device_fd;
	a->h.data = a;
	*state = a;
	return 0;
}

/* Whatever a missing close left open is closed, then nothing may be. */
static int teardown(void **state)
{
	struct absent *a = *state;

	release(a, -1);
	t_fixture_free(a->f);
	free(a);
	return 0;
}

static struct vfio_container *open_container(struct absent *a)
{
	struct vfio_container *c = NULL;

	assert_ok(vfio_container_open(&a->h.base, &c));
	return c;
}

static void container_ops(void **state)
{
	struct absent *a = *state;
	struct vfio_backend_ops *ops = &a->h.ops, full = a->h.ops;
	struct vfio_container *c;
	bool present;

	ops->open = NULL;
	assert_err(vfio_container_open(&a->h.base, &c), EOPNOTSUPP);
	assert_msg_has("failed to open /dev/vfio/vfio");
	*ops = full;

	ops->check_extension = NULL;
	assert_err(vfio_container_open(&a->h.base, &c), EOPNOTSUPP);
	assert_msg_has("VFIO_CHECK_EXTENSION");
	*ops = full;

	/* the probe fails, and so does the close after it: the first error stands */
	ops->get_api_version = NULL;
	ops->close = NULL;
	assert_err(vfio_container_open(&a->h.base, &c), EOPNOTSUPP);
	assert_msg_has("VFIO_GET_API_VERSION on /dev/vfio/vfio");
	*ops = full;
	release(a, -1);

	c = open_container(a);
	ops->check_extension = NULL;
	assert_err(vfio_container_check_extension(c, VFIO_TYPE1_IOMMU, &present), EOPNOTSUPP);
	ops->close = NULL;
	assert_err(vfio_container_close(c), EOPNOTSUPP);
	assert_msg_has("close /dev/vfio/vfio");
	*ops = full;
}

static void group_ops(void **state)
{
	struct absent *a = *state;
	struct vfio_backend_ops *ops = &a->h.ops, full = a->h.ops;
	struct vfio_container *c = open_container(a);
	struct vfio_group *g;
	int kvm;

	ops->open = NULL;
	assert_err(vfio_group_open(c, T_GROUP, &g), EOPNOTSUPP);
	assert_msg_has("failed to open /dev/vfio/12");
	*ops = full;

	/* GET_STATUS missing, and the close of the group file after it */
	ops->group_get_status = NULL;
	ops->close = NULL;
	assert_err(vfio_group_open(c, T_GROUP, &g), EOPNOTSUPP);
	assert_msg_has("VFIO_GROUP_GET_STATUS on group 12");
	*ops = full;
	release(a, vfio_container_fd(c));

	ops->group_set_container = NULL;
	assert_err(vfio_group_open(c, T_GROUP, &g), EOPNOTSUPP);
	assert_msg_has("VFIO_GROUP_SET_CONTAINER on group 12");
	*ops = full;

	/* SET_IOMMU missing, and the UNSET_CONTAINER that undoes the join */
	ops->set_iommu = NULL;
	ops->group_unset_container = NULL;
	assert_err(vfio_group_open(c, T_GROUP, &g), EOPNOTSUPP);
	assert_msg_has("VFIO_SET_IOMMU Type1v2 for group 12");
	assert_int_equal(vfio_container_iommu_type(c), 0);
	*ops = full;

	assert_ok(vfio_group_open(c, T_GROUP, &g));
	assert_ok(vfio_sim_kvm_device_new(a->f->sim, &kvm));
	ops->kvm_device_set_attr = NULL;
	assert_err(vfio_group_kvm_add(g, kvm), EOPNOTSUPP);
	assert_msg_has("KVM_SET_DEVICE_ATTR ADD group 12");
	*ops = full;
	vfio_sim_backend(a->f->sim)->ops->close(vfio_sim_backend(a->f->sim), kvm);

	/* the last reference: UNSET_CONTAINER and close both missing, the first reported */
	ops->group_unset_container = NULL;
	ops->close = NULL;
	assert_err(vfio_group_close(g), EOPNOTSUPP);
	assert_msg_has("VFIO_GROUP_UNSET_CONTAINER on group 12");
	*ops = full;
	assert_int_equal(vfio_container_iommu_type(c), 0);
	release(a, vfio_container_fd(c));

	assert_ok(vfio_group_open(c, T_GROUP, &g));
	ops->close = NULL;
	assert_err(vfio_group_close(g), EOPNOTSUPP);
	assert_msg_has("close /dev/vfio/12");
	*ops = full;
	release(a, vfio_container_fd(c));
	assert_ok(vfio_container_close(c));
}

static void device_ops(void **state)
{
	struct absent *a = *state;
	struct vfio_backend_ops *ops = &a->h.ops, full = a->h.ops;
	struct vfio_container *c = open_container(a);
	struct vfio_device *d;

	ops->group_get_device_fd = NULL;
	assert_err(vfio_device_open(c, T_GROUP, T_PCI, &d), EOPNOTSUPP);
	assert_msg_has("VFIO_GROUP_GET_DEVICE_FD 0000:00:04.0 on group 12");
	*ops = full;

	/* GET_INFO missing, and every close of the clean-up after it */
	ops->device_get_info = NULL;
	ops->close = NULL;
	assert_err(vfio_device_open(c, T_GROUP, T_PCI, &d), EOPNOTSUPP);
	assert_msg_has("VFIO_DEVICE_GET_INFO 0000:00:04.0");
	*ops = full;
	release(a, vfio_container_fd(c));

	ops->device_get_region_info = NULL;
	assert_err(vfio_device_open(c, T_GROUP, T_PCI, &d), EOPNOTSUPP);
	assert_msg_has("VFIO_DEVICE_GET_REGION_INFO 0000:00:04.0 region 0");
	*ops = full;

	ops->device_get_irq_info = NULL;
	assert_err(vfio_device_open(c, T_GROUP, T_PCI, &d), EOPNOTSUPP);
	assert_msg_has("VFIO_DEVICE_GET_IRQ_INFO 0000:00:04.0 irq 0");
	*ops = full;

	ops->readlink = NULL;
	assert_err(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" T_PCI, &d), EOPNOTSUPP);
	assert_msg_has("readlink /sys/bus/pci/devices/0000:00:04.0/iommu_group");
	*ops = full;

	assert_ok(vfio_device_open(c, T_GROUP, T_PCI, &d));
	ops->device_reset = NULL;
	assert_err(vfio_device_reset(d), EOPNOTSUPP);
	assert_msg_has("VFIO_DEVICE_RESET 0000:00:04.0");
	ops->close = NULL;
	assert_err(vfio_device_close(d), EOPNOTSUPP);
	assert_msg_has("close device 0000:00:04.0");
	*ops = full;
	release(a, vfio_container_fd(c));
	assert_ok(vfio_container_close(c));
}

static void region_irq_dma_ops(void **state)
{
	struct absent *a = *state;
	struct vfio_backend_ops *ops = &a->h.ops, full = a->h.ops;
	struct vfio_container *c = open_container(a);
	struct vfio_region_mapping *m;
	const struct vfio_mmap_area *area;
	struct vfio_device *d;
	uint8_t *mem = t_pages(1);
	uint64_t unmapped;
	uint32_t v = 0;
	void *addr;
	size_t size;

	assert_ok(vfio_device_open(c, T_GROUP, T_PCI, &d));
	ops->pread = NULL;
	assert_err(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, 4, NULL), EOPNOTSUPP);
	assert_msg_has("read region 7 of 0000:00:04.0");
	ops->pwrite = NULL;
	assert_err(vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, 4, NULL), EOPNOTSUPP);
	assert_msg_has("write region 7 of 0000:00:04.0");
	ops->mmap = NULL;
	assert_err(vfio_region_mmap(d, VFIO_PCI_BAR0_REGION_INDEX, PROT_READ, &m), EOPNOTSUPP);
	assert_msg_has("mmap region 0 of 0000:00:04.0");
	*ops = full;

	/* munmap missing: the mapping is released all the same, its pages stay */
	assert_ok(vfio_region_mmap(d, VFIO_PCI_BAR0_REGION_INDEX, PROT_READ, &m));
	assert_int_equal(vfio_region_mapping_areas(m, &area), 1);
	addr = area->addr;
	size = area->size;
	ops->munmap = NULL;
	assert_err(vfio_region_munmap(m), EOPNOTSUPP);
	assert_msg_has("munmap region 0 of 0000:00:04.0");
	*ops = full;
	munmap(addr, size);

	ops->device_set_irqs = NULL;
	assert_err(vfio_irq_trigger(d, VFIO_PCI_MSIX_IRQ_INDEX, 0), EOPNOTSUPP);
	assert_msg_has("VFIO_DEVICE_SET_IRQS TRIGGER 0000:00:04.0");
	*ops = full;

	ops->iommu_map_dma = NULL;
	assert_err(vfio_dma_map(c, 0x100000, 4096, mem, VFIO_DMA_PROT_READ), EOPNOTSUPP);
	assert_msg_has("VFIO_IOMMU_MAP_DMA");
	*ops = full;
	assert_ok(vfio_dma_map(c, 0x100000, 4096, mem, VFIO_DMA_PROT_READ));
	ops->iommu_unmap_dma = NULL;
	assert_err(vfio_dma_unmap(c, 0x100000, 4096, &unmapped), EOPNOTSUPP);
	assert_msg_has("VFIO_IOMMU_UNMAP_DMA");
	*ops = full;
	assert_ok(vfio_dma_unmap(c, 0x100000, 4096, &unmapped));

	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
	t_pages_free(mem, 1);
}

/* ---- the hook backend itself: the new ops forwarded, or -EOPNOTSUPP without them ---- */

static long answer_op(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	(void)opaque, (void)c;
	return 100 + op;
}

static void hook_forwards_new_ops(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = answer_op };
	static const struct vfio_backend_ops bare = { .version = VFIO_BACKEND_OPS_VERSION };
	struct vfio_backend *mock, none = { .ops = &bare };
	const struct vfio_backend_ops *o;
	struct t_hook h;
	uint64_t arg[8] = { 64 };
	char buf[8];

	(void)state;
	assert_ok(vfio_mock_backend_new(&hooks, NULL, &mock));
	for (int pass = 0; pass < 2; pass++) {
		t_hook_init(&h, pass ? &none : mock);
		o = h.base.ops;
#define CHECK(OP, call) assert_int_equal((call), pass ? -EOPNOTSUPP : 100 + (OP))
		CHECK(VFIO_OP_LIST_DIR, o->list_dir(&h.base, "/d", buf, sizeof(buf)));
		CHECK(VFIO_OP_IOMMU_GET_INFO, o->iommu_get_info(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
		      o->device_get_pci_hot_reset_info(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_DEVICE_PCI_HOT_RESET,
		      o->device_pci_hot_reset(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_DEVICE_IOEVENTFD, o->device_ioeventfd(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_DEVICE_FEATURE, o->device_feature(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_IOMMUFD_DESTROY, o->iommufd_destroy(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_IOAS_ALLOC, o->ioas_alloc(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_IOAS_IOVA_RANGES, o->ioas_iova_ranges(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_IOAS_MAP, o->ioas_map(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_IOAS_MAP_FILE, o->ioas_map_file(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_IOAS_UNMAP, o->ioas_unmap(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_DEVICE_BIND_IOMMUFD, o->device_bind_iommufd(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT,
		      o->device_attach_iommufd_pt(&h.base, 3, (void *)arg));
		CHECK(VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
		      o->device_detach_iommufd_pt(&h.base, 3, (void *)arg));
#undef CHECK
	}
	vfio_backend_destroy(mock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(container_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(group_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(device_ops, setup, teardown),
		cmocka_unit_test_setup_teardown(region_irq_dma_ops, setup, teardown),
		cmocka_unit_test(hook_forwards_new_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
