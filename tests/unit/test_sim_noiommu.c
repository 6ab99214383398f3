// SPDX-License-Identifier: MIT
/* The sim as a kernel with enable_unsafe_noiommu_mode and no IOMMU. */

#include "test_sim_iommufd.h"

static void noiommu(struct s_fix *s)
{
	assert_int_equal(vfio_sim_set_noiommu(s->sim, true), 0);
	assert_true(vfio_sim_noiommu(s->sim));
}

static void test_switch_only_when_idle(void **state)
{
	struct s_fix *s = *state;
	int c = i_open(s, "/dev/vfio/vfio");

	assert_false(vfio_sim_noiommu(s->sim));
	assert_int_equal(vfio_sim_set_noiommu(s->sim, true), -EBUSY);
	assert_false(vfio_sim_noiommu(s->sim));
	s_close(s, &c);
	noiommu(s);
	assert_int_equal(vfio_sim_set_noiommu(s->sim, false), 0);
	assert_false(vfio_sim_noiommu(s->sim));
}

static void test_nodes(void **state)
{
	struct s_fix *s = *state;
	static const char *const want[] = { "vfio", "noiommu-1", "noiommu-2", "noiommu-3" };
	struct vfio_sim_handle h;
	char buf[128];
	size_t off = 0, i;
	ssize_t n;
	int g;

	/* before: no noiommu nodes */
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/noiommu-1", O_RDWR), -ENOENT);
	noiommu(s);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/1", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/noiommu-01", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/noiommu-9", O_RDWR), -ENOENT);
	/* no device cdevs; the vfio-dev class devices stay */
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/devices/vfio0", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->list_dir(s->be, "/dev/vfio/devices", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(s->ops->list_dir(s->be, "/sys/bus/pci/devices/" S_PCI "/vfio-dev", buf,
					  sizeof(buf)),
			 6);
	assert_string_equal(buf, "vfio0");
	n = s->ops->list_dir(s->be, "/dev/vfio", buf, sizeof(buf));
	for (i = 0; i < 4; i++) {
		assert_string_equal(buf + off, want[i]);
		off += strlen(want[i]) + 1;
	}
	assert_int_equal((size_t)n, off);
	/* the group's sysfs link stays */
	n = s->ops->readlink(s->be, "/sys/bus/pci/devices/" S_PCI "/iommu_group", buf, sizeof(buf));
	assert_memory_equal(buf, "../../../kernel/iommu_groups/1", (size_t)n);
	assert_int_equal(s->ops->readlink(s->be, "/dev/vfio/noiommu-1", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(s->ops->readlink(s->be, "/dev/vfio/1", buf, sizeof(buf)), -ENOENT);
	g = i_open(s, "/dev/vfio/noiommu-1");
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/noiommu-1", O_RDWR), -EBUSY);
	assert_int_equal(vfio_sim_handles(s->sim, &h, 1), 1);
	assert_string_equal(h.name, "/dev/vfio/noiommu-1");
	s_close(s, &g);
}

static void test_container_offers_noiommu(void **state)
{
	struct s_fix *s = *state;
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	char in[8];

	noiommu(s);
	s->container = i_open(s, "/dev/vfio/vfio");
	/* no group yet: every driver answers (type1 is loaded too) */
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_NOIOMMU_IOMMU), 1);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_TYPE1v2_IOMMU), 1);
	s->group = i_open(s, "/dev/vfio/noiommu-1");
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	/* a noiommu group: the noiommu driver alone */
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_NOIOMMU_IOMMU), 1);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), -ENODEV);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1_IOMMU), -ENODEV);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_NOIOMMU_IOMMU), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_NOIOMMU_IOMMU), -EINVAL);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_NOIOMMU_IOMMU), 1);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_UPDATE_VADDR), 0);
	/* the noiommu driver has no other ioctl */
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &info), -ENOTTY);
	assert_int_equal(s_map(s, 0x100000, (uint64_t)(uintptr_t)s->buf, S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ),
			 -ENOTTY);
	assert_int_equal(s->ops->iommu_unmap_dma(s->be, s->container, &unmap), -ENOTTY);
	/* the device opens; its DMA has no translation the sim can give */
	s->device = s->ops->group_get_device_fd(s->be, s->group, S_PCI);
	assert_true(s->device >= 0);
	vfio_sim_fault_log_clear(s->sim);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, in, sizeof(in)), -EFAULT);
	{
		struct vfio_sim_fault f;

		assert_int_equal(vfio_sim_fault_log_get(s->sim, 0, &f), 0);
		assert_int_equal(f.reason, VFIO_SIM_FAULT_NOIOMMU);
		assert_int_equal(f.fault_iova, 0x100000);
	}
}

static void test_host_owned_group_still_joins(void **state)
{
	struct s_fix *s = *state;
	int g;

	noiommu(s);
	s->container = i_open(s, "/dev/vfio/vfio");
	g = i_open(s, "/dev/vfio/noiommu-3");
	/* no DMA ownership to claim without an IOMMU */
	assert_int_equal(s->ops->group_set_container(s->be, g, s->container), 0);
	s_close(s, &g);
}

static void test_without_noiommu_mode(void **state)
{
	struct s_fix *s = *state;

	s_attach(s, 1, 0);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_NOIOMMU_IOMMU), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_NOIOMMU_IOMMU), -ENODEV);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_NOIOMMU_IOMMU), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_switch_only_when_idle, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_nodes, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_container_offers_noiommu, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_host_owned_group_still_joins, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_without_noiommu_mode, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
