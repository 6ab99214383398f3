// SPDX-License-Identifier: MIT
/*
 * Noiommu mode (core/container.c, core/group.c, core/dma.c) over the strict
 * mock: the no-IOMMU driver required, noiommu-N group files, the no-IOMMU type
 * set when a group joins, and DMA refused before anything reaches the kernel.
 */

#include <stdlib.h>

#include <vfio/mock_cmocka.h>

#include "testutil.h"

#define CFD 3
#define GFD 4
#define DFD 5
#define GROUP 13u
#define GROUP_PATH "/dev/vfio/noiommu-13"
#define NAME "0000:00:04.0"

static unsigned long seen_ext, seen_type;

static long recording_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	if (op == VFIO_OP_CHECK_EXTENSION)
		seen_ext = c->value;
	if (op == VFIO_OP_SET_IOMMU)
		seen_type = c->value;
	return vfio_mock_cmocka_call(opaque, op, c);
}

static int setup(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = recording_call };
	struct vfio_backend *be;

	seen_ext = seen_type = 0;
	if (vfio_mock_backend_new(&hooks, NULL, &be))
		return -1;
	*state = be;
	return 0;
}

static int teardown(void **state)
{
	vfio_backend_destroy(*state);
	return 0;
}

static const struct vfio_group_status viable = {
	.argsz = sizeof(viable), .flags = VFIO_GROUP_FLAGS_VIABLE
};
static const struct vfio_device_info plat_info = {
	.argsz = sizeof(plat_info), .flags = VFIO_DEVICE_FLAGS_PLATFORM
};

static struct vfio_container *open_container(struct vfio_backend *be)
{
	struct vfio_container *c = NULL;

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", CFD);
	vfio_expect_op(VFIO_OP_GET_API_VERSION, CFD, VFIO_API_VERSION);
	vfio_expect_op(VFIO_OP_CHECK_EXTENSION, CFD, 1);
	assert_ok(vfio_container_open_mode(be, VFIO_CONTAINER_NOIOMMU, &c));
	assert_int_equal(seen_ext, VFIO_NOIOMMU_IOMMU);
	return c;
}

static void script_join(void)
{
	vfio_expect_path(VFIO_OP_OPEN, -1, GROUP_PATH, GFD);
	vfio_expect_reply(VFIO_OP_GROUP_GET_STATUS, GFD, &viable, sizeof(viable), 0);
	vfio_expect_op(VFIO_OP_GROUP_SET_CONTAINER, GFD, 0);
	vfio_expect_op(VFIO_OP_SET_IOMMU, CFD, 0);
	/* and nothing more: no IOMMU to ask, no mapping to replay */
}

static void container_open(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_container *c = open_container(be);
	bool present = false;

	assert_int_equal(vfio_container_mode(c), VFIO_CONTAINER_NOIOMMU);
	assert_int_equal(vfio_container_ioas_id(c), 0);
	assert_int_equal(vfio_container_iommu_type(c), 0);
	vfio_expect_op(VFIO_OP_CHECK_EXTENSION, CFD, 1);
	assert_ok(vfio_container_check_extension(c, VFIO_NOIOMMU_IOMMU, &present));
	assert_true(present);
	vfio_expect_op(VFIO_OP_CLOSE, CFD, 0);
	assert_ok(vfio_container_close(c));
}

static void container_open_errors(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_container *c = (void *)1;

	/* a kernel without enable_unsafe_noiommu_mode */
	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", CFD);
	vfio_expect_op(VFIO_OP_GET_API_VERSION, CFD, VFIO_API_VERSION);
	vfio_expect_op(VFIO_OP_CHECK_EXTENSION, CFD, 0);
	vfio_expect_op(VFIO_OP_CLOSE, CFD, 0);
	assert_err(vfio_container_open_mode(be, VFIO_CONTAINER_NOIOMMU, &c), ENODEV);
	assert_msg_has("enable_unsafe_noiommu_mode");
	assert_null(c);

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", CFD);
	vfio_expect_op(VFIO_OP_GET_API_VERSION, CFD, VFIO_API_VERSION);
	vfio_expect_op(VFIO_OP_CHECK_EXTENSION, CFD, -EIO);
	vfio_expect_op(VFIO_OP_CLOSE, CFD, 0);
	assert_err(vfio_container_open_mode(be, VFIO_CONTAINER_NOIOMMU, &c), EIO);

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", CFD);
	vfio_expect_op(VFIO_OP_GET_API_VERSION, CFD, 1);
	vfio_expect_op(VFIO_OP_CLOSE, CFD, 0);
	assert_err(vfio_container_open_mode(be, VFIO_CONTAINER_NOIOMMU, &c), EINVAL);
	assert_msg_has("version 1");
}

static void groups_and_devices(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = NULL;
	struct vfio_group *g = NULL;

	script_join();
	vfio_expect_path(VFIO_OP_GROUP_GET_DEVICE_FD, GFD, NAME, DFD);
	vfio_expect_reply(VFIO_OP_DEVICE_GET_INFO, DFD, &plat_info, sizeof(plat_info), 0);
	assert_ok(vfio_device_open(c, GROUP, NAME, &d));
	assert_int_equal(seen_type, VFIO_NOIOMMU_IOMMU);
	assert_int_equal(vfio_container_iommu_type(c), VFIO_NOIOMMU_IOMMU);
	assert_int_equal(vfio_device_devid(d), 0);
	assert_ok(vfio_group_open(c, GROUP, &g));
	assert_ptr_equal(g, vfio_device_group(d));
	assert_ok(vfio_group_close(g));

	vfio_expect_op(VFIO_OP_CLOSE, DFD, 0);
	vfio_expect_op(VFIO_OP_GROUP_UNSET_CONTAINER, GFD, 0);
	vfio_expect_op(VFIO_OP_CLOSE, GFD, -EIO);
	assert_err(vfio_device_close(d), EIO);
	assert_msg_has("close " GROUP_PATH);
	assert_int_equal(vfio_container_iommu_type(c), 0);

	/* the no-IOMMU type refused: the group leaves again */
	vfio_expect_path(VFIO_OP_OPEN, -1, GROUP_PATH, GFD);
	vfio_expect_reply(VFIO_OP_GROUP_GET_STATUS, GFD, &viable, sizeof(viable), 0);
	vfio_expect_op(VFIO_OP_GROUP_SET_CONTAINER, GFD, 0);
	vfio_expect_op(VFIO_OP_SET_IOMMU, CFD, -EPERM);
	vfio_expect_op(VFIO_OP_GROUP_UNSET_CONTAINER, GFD, 0);
	vfio_expect_op(VFIO_OP_CLOSE, GFD, 0);
	assert_err(vfio_group_open(c, GROUP, &g), EPERM);
	assert_msg_has("VFIO_SET_IOMMU no-IOMMU for group 13");
	vfio_expect_op(VFIO_OP_CLOSE, CFD, 0);
	assert_ok(vfio_container_close(c));
}

static void dma_is_refused(void **state)
{
	struct vfio_container *c = open_container(*state);
	static char mem[4096] __attribute__((aligned(4096)));
	const struct vfio_dma_region r = {
		.iova = 0x100000, .size = 0x1000, .vaddr = mem, .prot = VFIO_DMA_PROT_READ
	};
	struct vfio_group *g = NULL;
	uint64_t bytes = 1;
	size_t n = 1;

	/* with a group joined, as without: no call reaches the (strict) mock */
	script_join();
	assert_ok(vfio_group_open(c, GROUP, &g));
	assert_err(vfio_dma_map(c, r.iova, r.size, mem, r.prot), ENODEV);
	assert_msg_has("no IOMMU");
	assert_err(vfio_dma_unmap(c, r.iova, r.size, &bytes), ENODEV);
	assert_int_equal(bytes, 0);
	assert_err(vfio_dma_unmap_all(c, &bytes), ENODEV);
	assert_err(vfio_dma_map_layout(c, &r, 1), ENODEV);
	assert_err(vfio_dma_unmap_layout(c, &r, 1), ENODEV);
	assert_err(vfio_dma_map_file(c, r.iova, r.size, 0, 0, r.prot), EOPNOTSUPP);
	assert_ok(vfio_dma_list(c, NULL, 0, &n));
	assert_int_equal(n, 0);
	vfio_expect_op(VFIO_OP_GROUP_UNSET_CONTAINER, GFD, 0);
	vfio_expect_op(VFIO_OP_CLOSE, GFD, 0);
	assert_ok(vfio_group_close(g));
	vfio_expect_op(VFIO_OP_CLOSE, CFD, 0);
	assert_ok(vfio_container_close(c));
}

/* End to end on a sim without an IOMMU. */
static void sim_end_to_end(void **state)
{
	struct t_fixture *f = t_fixture_new(0);
	struct vfio_container *c;
	struct vfio_device *d;
	uint32_t v = 0;

	(void)state;
	assert_ok(vfio_sim_set_noiommu(f->sim, true));
	assert_ok(vfio_container_open_mode(f->be, VFIO_CONTAINER_NOIOMMU, &c));
	assert_ok(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" T_PCI, &d));
	assert_int_equal(vfio_container_iommu_type(c), VFIO_NOIOMMU_IOMMU);
	assert_ok(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, sizeof(v), NULL));
	assert_err(vfio_dma_map(c, 0x100000, 4096, &v, VFIO_DMA_PROT_READ), ENODEV);
	assert_ok(vfio_device_close(d));
	assert_int_equal(vfio_container_iommu_type(c), 0);
	assert_ok(vfio_container_close(c));
	/* a kernel without enable_unsafe_noiommu_mode */
	assert_ok(vfio_sim_set_noiommu(f->sim, false));
	assert_err(vfio_container_open_mode(f->be, VFIO_CONTAINER_NOIOMMU, &c), ENODEV);
	t_fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(container_open, setup, teardown),
		cmocka_unit_test_setup_teardown(container_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(groups_and_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_is_refused, setup, teardown),
		cmocka_unit_test(sim_end_to_end),
	};

	return cmocka_run_group_tests_name("noiommu", tests, NULL, NULL);
}
