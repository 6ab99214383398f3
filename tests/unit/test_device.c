// SPDX-License-Identifier: MIT
/* core/device.c and core/sysfs.c: opening devices, their info, type checks, reset, close. */

#include <stdlib.h>

#include "hookbe.h"
#include "testutil.h"

static void open_reads_everything(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);

	assert_string_equal(vfio_device_name(d), T_PCI);
	assert_int_equal(vfio_device_flags(d), VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(vfio_device_num_regions(d), VFIO_PCI_NUM_REGIONS);
	assert_int_equal(vfio_device_num_irqs(d), VFIO_PCI_NUM_IRQS);
	assert_true(vfio_device_fd(d) >= 0);
	assert_int_equal(vfio_group_id(vfio_device_group(d)), T_GROUP);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_DEVICE_GET_REGION_INFO),
			 VFIO_PCI_NUM_REGIONS + 1 /* BAR2's caps need a second call */);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_DEVICE_GET_IRQ_INFO), VFIO_PCI_NUM_IRQS);
	assert_int_equal(vfio_sim_device_open_count(f->pci), 1);
	assert_ok(vfio_device_close(d));
	assert_int_equal(vfio_sim_device_open_count(f->pci), 0);
}

static void open_platform_device(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d;

	assert_ok(vfio_device_open(f->c, T_GROUP_PLAT, T_PLAT, &d));
	assert_int_equal(vfio_device_flags(d), VFIO_DEVICE_FLAGS_PLATFORM);
	assert_int_equal(vfio_device_num_regions(d), 2);
	assert_ok(vfio_device_close(d));
}

static void open_unknown_name_is_enodev(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = (void *)1;

	assert_err(vfio_device_open(f->c, T_GROUP, "0000:00:09.0", &d), ENODEV);
	assert_string_equal(vfio_last_error(),
			    "VFIO_GROUP_GET_DEVICE_FD 0000:00:09.0 on group 12: No such device");
	assert_null(d);
	/* the group reference taken for it is gone */
	assert_int_equal(vfio_container_iommu_type(f->c), 0);
}

static void open_refuses_bad_names(void **state)
{
	struct t_fixture *f = *state;
	char longname[300];
	struct vfio_device *d;

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_err(vfio_device_open(f->c, T_GROUP, "", &d), EINVAL);
	assert_err(vfio_device_open(f->c, T_GROUP, "../0000:00:04.0", &d), EINVAL);
	assert_err(vfio_device_open(f->c, T_GROUP, "0000:00:04.0 ", &d), EINVAL);
	assert_err(vfio_device_open(f->c, T_GROUP, "0000\n", &d), EINVAL);
	assert_err(vfio_device_open(f->c, T_GROUP, longname, &d), EINVAL);
	assert_err(vfio_device_open(f->c, T_GROUP, NULL, &d), EINVAL);
	assert_err(vfio_device_open(NULL, T_GROUP, T_PCI, &d), EINVAL);
	assert_err(vfio_device_open(f->c, T_GROUP, T_PCI, NULL), EINVAL);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_GROUP_GET_DEVICE_FD), 0);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_OPEN), 1 /* the container */);
}

static void open_in_unviable_group_is_eperm(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d;

	assert_err(vfio_device_open(f->c, T_GROUP_BAD, T_PCI_BAD, &d), EPERM);
}

static void open_odd_device_is_einval(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d;

	assert_err(vfio_device_open(f->c, T_GROUP_ODD, T_ODD, &d), EINVAL);
	assert_msg_has("neither a PCI nor a platform device");
	assert_int_equal(vfio_sim_device_open_count(f->odd), 0);
}

static void open_pci_without_config_is_einval(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_sim_group *g;
	struct vfio_device *d;

	assert_ok(vfio_sim_group_add(f->sim, 40, &g));
	assert_ok(vfio_sim_device_add(g, "0000:01:00.0", VFIO_DEVICE_FLAGS_PCI,
				      VFIO_PCI_CONFIG_REGION_INDEX, VFIO_PCI_NUM_IRQS, NULL));
	assert_ok(vfio_sim_device_add(g, "0000:01:00.1", VFIO_DEVICE_FLAGS_PCI,
				      VFIO_PCI_NUM_REGIONS, VFIO_PCI_MSIX_IRQ_INDEX, NULL));
	assert_err(vfio_device_open(f->c, 40, "0000:01:00.0", &d), EINVAL);
	assert_msg_has("lacks its config region or MSI-X index");
	assert_err(vfio_device_open(f->c, 40, "0000:01:00.1", &d), EINVAL);
}

static void two_devices_share_a_group(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *a = t_open_pci(f), *b;

	assert_ok(vfio_device_open(f->c, T_GROUP, T_PCI2, &b));
	assert_ptr_equal(vfio_device_group(a), vfio_device_group(b));
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_GROUP_SET_CONTAINER), 1);
	assert_ok(vfio_device_close(a));
	assert_int_equal(vfio_container_iommu_type(f->c), VFIO_TYPE1v2_IOMMU);
	assert_ok(vfio_device_close(b));
	assert_int_equal(vfio_container_iommu_type(f->c), 0);
}

static void same_device_twice(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *a = t_open_pci(f), *b = t_open_pci(f);

	assert_int_not_equal(vfio_device_fd(a), vfio_device_fd(b));
	assert_int_equal(vfio_sim_device_open_count(f->pci), 2);
	assert_ok(vfio_device_close(b));
	assert_ok(vfio_device_close(a));
}

static void open_sysfs(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d;

	assert_ok(vfio_device_open_sysfs(f->c, "/sys/bus/pci/devices/" T_PCI, &d));
	assert_string_equal(vfio_device_name(d), T_PCI);
	assert_int_equal(vfio_group_id(vfio_device_group(d)), T_GROUP);
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_device_open_sysfs(f->c, "/sys/bus/pci/devices/" T_PCI "//", &d));
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_device_open_sysfs(f->c, "/sys/bus/platform/devices/" T_PLAT, &d));
	assert_int_equal(vfio_group_id(vfio_device_group(d)), T_GROUP_PLAT);
	assert_ok(vfio_device_close(d));
}

static void open_sysfs_errors(void **state)
{
	struct t_fixture *f = *state;
	char longpath[5000];
	struct vfio_device *d;

	assert_err(vfio_device_open_sysfs(f->c, "/sys/bus/pci/devices/0000:00:09.0", &d), ENOENT);
	assert_msg_has("readlink /sys/bus/pci/devices/0000:00:09.0/iommu_group");
	assert_err(vfio_device_open_sysfs(f->c, "/", &d), EINVAL);
	assert_err(vfio_device_open_sysfs(f->c, NULL, &d), EINVAL);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	assert_err(vfio_device_open_sysfs(f->c, longpath, &d), ENAMETOOLONG);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_READLINK, 1, EACCES));
	assert_err(vfio_device_open_sysfs(f->c, "/sys/bus/pci/devices/" T_PCI, &d), EACCES);
}

/* readlink answers the link the test put in the hook's data. */
static ssize_t chosen_link(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	const char *link = t_hook_of(be)->data;
	size_t n = strlen(link);

	(void)path;
	if (n > size)
		n = size;
	memcpy(buf, link, n);
	return (ssize_t)n;
}

static void sysfs_link_parsing(void **state)
{
	static const char *const bad[] = {
		"../../../kernel/iommu_groups/", "../../../kernel/iommu_groups/12a",
		"../../../kernel/iommu_groups/-1", "", "../../../kernel/iommu_groups/4294967296",
		"../../../kernel/iommu_groups/99999999999999999999999",
	};
	struct t_fixture *f = *state;
	struct vfio_container *c;
	struct vfio_device *d;
	struct t_hook h;

	t_hook_init(&h, f->be);
	h.ops.readlink = chosen_link;
	assert_ok(vfio_container_open(&h.base, &c));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h.data = (void *)bad[i];
		assert_err(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" T_PCI, &d), EINVAL);
		assert_msg_has("does not end in a group number");
	}
	/* a good link reaches the group open: the sim has no such group */
	h.data = "../../../kernel/iommu_groups/4294967295";
	assert_err(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" T_PCI, &d), ENOENT);
	assert_msg_has("/dev/vfio/4294967295");
	assert_ok(vfio_container_close(c));
}

/* Every failing kernel call while a device opens: its errno and message, nothing left. */
static void open_failures_clean_up(void **state)
{
	static const struct {
		enum vfio_backend_op op;
		unsigned long nth;
		const char *msg;
	} steps[] = {
		{ VFIO_OP_GROUP_GET_DEVICE_FD, 1, "VFIO_GROUP_GET_DEVICE_FD 0000:00:04.0 on group 12" },
		{ VFIO_OP_DEVICE_GET_INFO, 1, "VFIO_DEVICE_GET_INFO 0000:00:04.0" },
		{ VFIO_OP_DEVICE_GET_REGION_INFO, 1, "VFIO_DEVICE_GET_REGION_INFO 0000:00:04.0 region 0" },
		{ VFIO_OP_DEVICE_GET_REGION_INFO, 4, "VFIO_DEVICE_GET_REGION_INFO 0000:00:04.0 region 2" },
		{ VFIO_OP_DEVICE_GET_IRQ_INFO, 3, "VFIO_DEVICE_GET_IRQ_INFO 0000:00:04.0 irq 2" },
	};
	struct t_fixture *f = *state;
	struct vfio_device *d;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_ok(vfio_fault_inject(f->be, steps[i].op, steps[i].nth, EIO));
		assert_err(vfio_device_open(f->c, T_GROUP, T_PCI, &d), EIO);
		assert_msg_has(steps[i].msg);
		assert_int_equal(vfio_sim_device_open_count(f->pci), 0);
		assert_int_equal(vfio_container_iommu_type(f->c), 0);
		vfio_fault_clear(f->be);
	}
	/* ENOMEM from the kernel for a region is not "absent" either */
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_DEVICE_GET_REGION_INFO, 1, ENOMEM));
	assert_err(vfio_device_open(f->c, T_GROUP, T_PCI, &d), ENOMEM);
}

static void absent_regions_keep_indexes(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	const struct vfio_region_desc *r;

	/* vfio-pci answers a BAR the device lacks with size 0 and no flags */
	assert_ok(vfio_region_get(d, VFIO_PCI_BAR1_REGION_INDEX, &r));
	assert_true(r->present);
	assert_int_equal(r->size, 0);
	assert_int_equal(r->flags, 0);
	/* and refuses the VGA index of a non-VGA device: absent, the others keep their index */
	assert_err(vfio_region_get(d, VFIO_PCI_VGA_REGION_INDEX, &r), ENOENT);
	assert_false(r->present);
	assert_int_equal(r->index, VFIO_PCI_VGA_REGION_INDEX);
	assert_msg_has("region 8 of 0000:00:04.0");
	assert_ok(vfio_region_get(d, VFIO_PCI_BAR2_REGION_INDEX, &r));
	assert_int_equal(r->index, VFIO_PCI_BAR2_REGION_INDEX);
	assert_int_equal(r->size, T_BAR2_SIZE);
	assert_ok(vfio_region_get(d, VFIO_PCI_CONFIG_REGION_INDEX, &r));
	assert_int_equal(r->size, T_CONFIG_SIZE);
	assert_int_equal(r->offset, (uint64_t)VFIO_PCI_CONFIG_REGION_INDEX << 40);
	assert_err(vfio_region_get(d, VFIO_PCI_NUM_REGIONS, &r), EINVAL);
	assert_err(vfio_region_get(d, 0, NULL), EINVAL);
	assert_ok(vfio_device_close(d));
}

static void reset(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f), *p;

	assert_ok(vfio_device_reset(d));
	assert_int_equal(vfio_sim_device_reset_count(f->pci), 1);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_DEVICE_RESET, 1, EAGAIN));
	assert_err(vfio_device_reset(d), EAGAIN);
	assert_msg_has("VFIO_DEVICE_RESET 0000:00:04.0");
	assert_int_equal(vfio_sim_device_reset_count(f->pci), 1);
	assert_ok(vfio_device_open(f->c, T_GROUP_PLAT, T_PLAT, &p));
	assert_err(vfio_device_reset(p), EOPNOTSUPP);
	assert_msg_has("does not offer reset");
	assert_ok(vfio_device_close(p));
	assert_ok(vfio_device_close(d));
}

static void close_errors_still_release(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_backend *sim = vfio_sim_backend(f->sim);
	struct vfio_device *d = t_open_pci(f);
	int fd = vfio_device_fd(d);

	assert_ok(vfio_fault_inject(f->be, VFIO_OP_CLOSE, 1, EIO));
	assert_err(vfio_device_close(d), EIO);
	assert_msg_has("close device 0000:00:04.0");
	assert_int_equal(sim->ops->close(sim, fd), 0);
	assert_int_equal(vfio_device_close(NULL), 0);
}

/* The device fd goes before the group's: the sim, like the kernel, refuses the other order. */
static void close_order_device_then_group(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);

	assert_ok(vfio_device_close(d));
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_CLOSE), 2);
	assert_int_equal(vfio_sim_open_handles(f->sim), 1 /* the container */);
}

static void huge_index_counts_refused(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_sim_group *g;
	struct vfio_device *d;

	assert_ok(vfio_sim_group_add(f->sim, 41, &g));
	assert_ok(vfio_sim_device_add(g, "0000:02:00.0", VFIO_DEVICE_FLAGS_PLATFORM, 5000, 0, NULL));
	assert_err(vfio_device_open(f->c, 41, "0000:02:00.0", &d), EPROTO);
}

/* A kernel that asks for an ever larger argsz, or for an absurd one. */
static int greedy_region_info(struct vfio_backend *be, int fd, struct vfio_region_info *info)
{
	struct t_hook *h = t_hook_of(be);
	int ret = h->inner->ops->device_get_region_info(h->inner, fd, info);

	if (ret == 0 && info->index == 0) {
		info->flags |= VFIO_REGION_INFO_FLAG_CAPS;
		info->cap_offset = 0;
		info->argsz = h->data ? (uint32_t)(uintptr_t)h->data : info->argsz + 8;
	}
	return ret;
}

static void region_info_argsz_retry_is_bounded(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c;
	struct vfio_device *d;
	struct t_hook h;

	t_hook_init(&h, f->be);
	h.ops.device_get_region_info = greedy_region_info;
	assert_ok(vfio_container_open(&h.base, &c));
	assert_err(vfio_device_open(c, T_GROUP, T_PCI, &d), EPROTO);
	assert_msg_has("argsz keeps growing");
	h.data = (void *)(uintptr_t)(2u << 20);
	assert_err(vfio_device_open(c, T_GROUP, T_PCI, &d), EPROTO);
	assert_msg_has("asks for 2097152 bytes");
	assert_ok(vfio_container_close(c));
}

static ssize_t long_link(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	(void)be, (void)path;
	memset(buf, '1', size);
	return (ssize_t)size;
}

static void sysfs_link_too_long(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c;
	struct vfio_device *d;
	struct t_hook h;

	t_hook_init(&h, f->be);
	h.ops.readlink = long_link;
	assert_ok(vfio_container_open(&h.base, &c));
	assert_err(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" T_PCI, &d), ENAMETOOLONG);
	assert_msg_has("link too long");
	assert_ok(vfio_container_close(c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_reads_everything, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_platform_device, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_unknown_name_is_enodev, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_refuses_bad_names, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_in_unviable_group_is_eperm, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_odd_device_is_einval, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_pci_without_config_is_einval, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(two_devices_share_a_group, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(same_device_twice, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_sysfs, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_sysfs_errors, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(sysfs_link_parsing, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_failures_clean_up, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(absent_regions_keep_indexes, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(reset, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(close_errors_still_release, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(close_order_device_then_group, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(huge_index_counts_refused, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(region_info_argsz_retry_is_bounded, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(sysfs_link_too_long, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
