// SPDX-License-Identifier: MIT
/* The sim's files: /dev/vfio paths, groups, containers, device fds, lifetimes. */

#include "test_sim_fixture.h"

static void test_open_paths(void **state)
{
	struct s_fix *s = *state;
	int fd;

	assert_int_equal(s->ops->open(s->be, "/dev/vfio/99", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/01", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/1x", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/null", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/devices/vfio99", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/devices/vfio00", O_RDWR), -ENOENT);
	/* the non-viable group opens; it only cannot be attached */
	fd = s->ops->open(s->be, "/dev/vfio/3", O_RDWR);
	assert_true(fd >= 0);
	/* handles are real fds, close-on-exec */
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(vfio_sim_open_handles(s->sim), 1);
	assert_int_equal(s->ops->close(s->be, fd), 0);
	assert_int_equal(s->ops->close(s->be, fd), -EBADF);
	assert_int_equal(s->ops->close(s->be, -1), -EBADF);
	assert_int_equal(vfio_sim_open_handles(s->sim), 0);
}

static void test_group_open_twice_ebusy(void **state)
{
	struct s_fix *s = *state;

	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	assert_true(s->group >= 0);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/1", O_RDWR), -EBUSY);
	s_close(s, &s->group);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	assert_true(s->group >= 0);
}

static void test_group_status(void **state)
{
	struct s_fix *s = *state;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int bad;

	s_attach(s, 1, 0);
	assert_int_equal(s->ops->group_get_status(s->be, s->group, &st), 0);
	assert_int_equal(st.flags, VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET);
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), 0);
	assert_int_equal(s->ops->group_get_status(s->be, s->group, &st), 0);
	assert_int_equal(st.flags, VFIO_GROUP_FLAGS_VIABLE);
	st.argsz = 4;
	assert_int_equal(s->ops->group_get_status(s->be, s->group, &st), -EINVAL);

	bad = s->ops->open(s->be, "/dev/vfio/3", O_RDWR);
	st.argsz = sizeof(st);
	assert_int_equal(s->ops->group_get_status(s->be, bad, &st), 0);
	assert_int_equal(st.flags, 0);
	assert_int_equal(s->ops->group_set_container(s->be, bad, s->container), -EPERM);
	assert_int_equal(s->ops->close(s->be, bad), 0);
	/* a container fd does not know group ioctls (no IOMMU driver: EINVAL) */
	assert_int_equal(s->ops->group_get_status(s->be, s->container, &st), -EINVAL);
}

static void test_set_container_errors(void **state)
{
	struct s_fix *s = *state;
	int pipefd[2], closed;

	s->container = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	/* a closed fd, an fd that is not a container, a group fd */
	closed = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	assert_int_equal(s->ops->close(s->be, closed), 0);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, closed), -EBADF);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, -1), -EBADF);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, pipefd[0]), -EBADFD);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->group), -EBADFD);
	close(pipefd[0]);
	close(pipefd[1]);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), -EINVAL);
	/* already set beats a bad fd only if the fd exists */
	assert_int_equal(s->ops->group_set_container(s->be, s->group, closed), -EBADF);
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), 0);
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), -EINVAL);
	assert_int_equal(s->ops->group_set_container(s->be, s->container, s->container), -EINVAL);
}

static void test_get_device_fd_errors(void **state)
{
	struct s_fix *s = *state;

	s->container = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	/* unknown name first, then no container */
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, "0000:00:09.0"), -ENODEV);
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, S_PCI), -EINVAL);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	/* container without its IOMMU */
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, S_PCI), -EINVAL);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), 0);
	/* a device of another group */
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, S_PLAT), -ENODEV);
	/* vfio-pci's matching: a prefix is no match, options after a space are refused */
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, "0000:00:01"), -ENODEV);
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, "0000:00:01.0x"), -ENODEV);
	assert_int_equal(s->ops->group_get_device_fd(
				 s->be, s->group,
				 S_PCI " vf_token=bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3"),
			 -EINVAL);
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, S_PCI " junk"), -EINVAL);
	{
		/* longer than strndup_user's page */
		char *name = malloc(5000);

		assert_non_null(name);
		memset(name, 'a', 4999);
		name[4999] = '\0';
		assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, name), -EINVAL);
		free(name);
	}
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, NULL), -EFAULT);
	s->device = s->ops->group_get_device_fd(s->be, s->group, S_PCI "   ");
	assert_true(s->device >= 0);
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->container, S_PCI), -ENOTTY);
}

static void test_device_fd_per_open(void **state)
{
	struct s_fix *s = *state;
	int d2;

	s_open_device(s, 1);
	d2 = s->ops->group_get_device_fd(s->be, s->group, S_PCI);
	assert_true(d2 >= 0);
	assert_int_not_equal(d2, s->device);
	assert_true(fcntl(d2, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(vfio_sim_device_open_count(s->pci), 2);
	assert_int_equal(vfio_sim_open_handles(s->sim), 4);
	/* a device open: the group cannot leave its container */
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), -EBUSY);
	assert_int_equal(s->ops->close(s->be, d2), 0);
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), -EBUSY);
	s_close(s, &s->device);
	assert_int_equal(vfio_sim_device_open_count(s->pci), 0);
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), 0);
}

static void test_last_group_drops_iommu(void **state)
{
	struct s_fix *s = *state;
	int g2;

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	g2 = s->ops->open(s->be, "/dev/vfio/2", O_RDWR);
	assert_int_equal(s->ops->group_set_container(s->be, g2, s->container), 0);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 2 * S_PAGE), 0);
	/* one group leaves: the IOMMU and the mappings stay */
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), 0);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 1);
	assert_int_equal(s_map_rw(s, 0x200000, 0, S_PAGE), 0);
	/* the last one leaves (by closing its fd): all gone, IOMMU unset */
	assert_int_equal(s->ops->close(s->be, g2), 0);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), -EINVAL);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_UPDATE_VADDR), 0);
	/* and can be set up again */
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1_IOMMU), 0);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
}

static void test_group_close_with_device_open(void **state)
{
	struct s_fix *s = *state;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	uint8_t byte = 1;

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
	/* the device fd holds the group file: still open, still attached */
	s_close(s, &s->group);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/1", O_RDWR), -EBUSY);
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), 0);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x100000, &byte, 1), 0);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 1);
	/* the last device fd goes: the group is released and leaves the container */
	s_close(s, &s->device);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x100000, &byte, 1), -ENODEV);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	assert_true(s->group >= 0);
}

static void test_container_close_keeps_iommu(void **state)
{
	struct s_fix *s = *state;
	uint8_t byte = 7;

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
	/* the group holds the container: its IOMMU and mappings live on */
	s_close(s, &s->container);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x100004, &byte, 1), 0);
	assert_int_equal(((uint8_t *)s->buf)[4], 7);
	assert_int_equal(vfio_sim_open_handles(s->sim), 2);
	s_close(s, &s->device);
	s_close(s, &s->group);
	assert_int_equal(vfio_sim_open_handles(s->sim), 0);
}

static void test_wrong_handle_types(void **state)
{
	struct s_fix *s = *state;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char buf[8];
	void *p;

	s_open_device(s, 1);
	/* ioctls on files that do not implement them */
	assert_int_equal(s->ops->device_get_info(s->be, s->group, &info), -ENOTTY);
	assert_int_equal(s->ops->device_get_info(s->be, s->container, &info), -ENOTTY);
	assert_int_equal(s->ops->set_iommu(s->be, s->device, VFIO_TYPE1v2_IOMMU), -ENOTTY);
	assert_int_equal(s->ops->group_unset_container(s->be, s->device), -ENOTTY);
	assert_int_equal(s->ops->device_reset(s->be, 12345), -EBADF);
	/* files without read/write or mmap */
	assert_int_equal(s->ops->pread(s->be, s->group, buf, sizeof(buf), 0), -EINVAL);
	assert_int_equal(s->ops->pwrite(s->be, s->container, buf, sizeof(buf), 0), -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->group, NULL, S_PAGE, PROT_READ, MAP_SHARED, 0, &p),
			 -ENODEV);
	assert_int_equal(s->ops->pread(s->be, -5, buf, sizeof(buf), 0), -EBADF);
}

static void test_readlink_sysfs(void **state)
{
	struct s_fix *s = *state;
	char buf[128];
	ssize_t n;

	n = s->ops->readlink(s->be, "/sys/bus/pci/devices/" S_PCI "/iommu_group", buf,
			     sizeof(buf));
	assert_int_equal(n, strlen("../../../kernel/iommu_groups/1"));
	assert_memory_equal(buf, "../../../kernel/iommu_groups/1", (size_t)n);
	n = s->ops->readlink(s->be, "/sys/bus/platform/devices/" S_PLAT "/iommu_group", buf,
			     sizeof(buf));
	assert_int_equal(n, strlen("../../../kernel/iommu_groups/2"));
	assert_memory_equal(buf, "../../../kernel/iommu_groups/2", (size_t)n);
	n = s->ops->readlink(s->be, "/sys/devices/pci0000:00/" S_PCI "/iommu_group", buf,
			     sizeof(buf));
	assert_int_equal(n, strlen("../../../kernel/iommu_groups/1"));
	n = s->ops->readlink(s->be, "/sys/bus/pci/devices/" S_PCI, buf, sizeof(buf));
	assert_int_equal(n, strlen("../../../devices/pci0000:00/" S_PCI));
	assert_memory_equal(buf, "../../../devices/pci0000:00/" S_PCI, (size_t)n);
	n = s->ops->readlink(s->be, "/sys/kernel/iommu_groups/3/devices/" S_BAD, buf, sizeof(buf));
	assert_int_equal(n, strlen("../../../../devices/pci0000:00/" S_BAD));
	/* truncated like readlink(2), not NUL-terminated */
	memset(buf, 'x', sizeof(buf));
	n = s->ops->readlink(s->be, "/sys/bus/pci/devices/" S_PCI "/iommu_group", buf, 5);
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "../..x", 6);
	/* wrong bus, unknown device, not links, nothing at all */
	assert_int_equal(s->ops->readlink(s->be, "/sys/bus/platform/devices/" S_PCI "/iommu_group",
					  buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(s->ops->readlink(s->be, "/sys/bus/pci/devices/0000:00:1f.0/iommu_group",
					  buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(s->ops->readlink(s->be, "/sys/bus/pci/devices", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(s->ops->readlink(s->be, "/sys/kernel/iommu_groups/1", buf, sizeof(buf)),
			 -EINVAL);
	assert_int_equal(s->ops->readlink(s->be, "/dev/vfio/vfio", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(s->ops->readlink(s->be, "/dev/vfio/1", buf, sizeof(buf)), -EINVAL);
	assert_int_equal(s->ops->readlink(s->be, "/sys/kernel/iommu_groups/7", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(s->ops->readlink(s->be, "/etc/passwd", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(s->ops->readlink(s->be, "/sys/bus/pci/devices/" S_PCI "/driver", buf,
					  sizeof(buf)),
			 -ENOENT);
	assert_int_equal(s->ops->readlink(s->be, "/sys", buf, 0), -EINVAL);
}

static void test_topology_errors(void **state)
{
	struct s_fix *s = *state;
	char longname[300];

	assert_int_equal(vfio_sim_group_add(s->sim, 1, NULL), -EEXIST);
	assert_int_equal(vfio_sim_device_add(s->g1, S_PLAT, 0, 1, 1, NULL), -EEXIST);
	assert_int_equal(vfio_sim_device_add(s->g1, "", 0, 1, 1, NULL), -EINVAL);
	assert_int_equal(vfio_sim_device_add(s->g1, "a/b", 0, 1, 1, NULL), -EINVAL);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(vfio_sim_device_add(s->g1, longname, 0, 1, 1, NULL), -EINVAL);
	assert_int_equal(vfio_sim_region_add(s->pci, 9, 4096, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vfio_sim_region_add(s->pci, 0, 4096, 0, NULL, NULL), -EEXIST);
	assert_int_equal(vfio_sim_region_add(s->pci, 1, 0, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vfio_sim_region_add(s->pci, 1, (1ULL << 40) + 1, 0, NULL, NULL),
			 -EINVAL);
	assert_int_equal(vfio_sim_region_add(s->pci, 1, 4096, VFIO_REGION_INFO_FLAG_MMAP,
					     &s_bar2_ops, s),
			 -EINVAL);
	assert_int_equal(vfio_sim_region_add_sparse(s->pci, 1, 0, 4096), -EINVAL);
	assert_int_equal(vfio_sim_region_set_type(s->pci, 3, 1, 1), -EINVAL);
	assert_int_equal(vfio_sim_region_set_msix_mappable(s->pci, 3), -EINVAL);
	assert_int_equal(vfio_sim_region_set_nvlink2(s->pci, 3, 1, 1), -EINVAL);
	assert_int_equal(vfio_sim_region_set_raw_caps(s->pci, 3, "x", 1), -EINVAL);
	assert_null(vfio_sim_region_mem(s->pci, 2)); /* trapped */
	assert_null(vfio_sim_region_mem(s->pci, 1)); /* absent */
	assert_non_null(vfio_sim_region_mem(s->pci, 0));
	assert_int_equal(vfio_sim_irq_add(s->pci, 5, 1, 0), -EINVAL);
	assert_int_equal(vfio_sim_irq_add(s->pci, 0, 1, 0), -EEXIST);
}

static void test_topology_grows_while_open(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_device *late;
	int fd;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_device_add(s->g1, "0000:00:01.1", VFIO_DEVICE_FLAGS_PCI, 9, 5,
					     &late),
			 0);
	assert_int_equal(vfio_sim_region_add(late, 0, S_PAGE, VFIO_REGION_INFO_FLAG_READ, NULL,
					     NULL),
			 0);
	fd = s->ops->group_get_device_fd(s->be, s->group, "0000:00:01.1");
	assert_true(fd >= 0);
	assert_int_equal(vfio_sim_device_open_count(late), 1);
	assert_int_equal(s->ops->close(s->be, fd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_paths, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_group_open_twice_ebusy, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_group_status, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_set_container_errors, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_get_device_fd_errors, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_device_fd_per_open, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_last_group_drops_iommu, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_group_close_with_device_open, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_container_close_keeps_iommu, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_wrong_handle_types, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_readlink_sysfs, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_topology_errors, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_topology_grows_while_open, s_setup,
						s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
