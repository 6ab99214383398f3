// SPDX-License-Identifier: MIT
/* The sim's KVM VFIO pseudo-device: KVM_SET_DEVICE_ATTR file add/del. */

#include "test_sim_fixture.h"

#define KVM_FILE 1 /* KVM_DEV_VFIO_FILE (KVM_DEV_VFIO_GROUP) */
#define KVM_ADD 1
#define KVM_DEL 2

static int kvm_attr(struct s_fix *s, int kvm, uint32_t group, uint64_t attr, int32_t *fd)
{
	struct kvm_device_attr a = {
		.group = group,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)fd,
	};

	return s->ops->kvm_device_set_attr(s->be, kvm, &a);
}

static void test_kvm_add_del(void **state)
{
	struct s_fix *s = *state;
	int kvm;
	int32_t fd;

	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	assert_true(fcntl(kvm, F_GETFD) & FD_CLOEXEC);
	s_open_device(s, 1);
	fd = s->group;
	assert_int_equal(vfio_sim_kvm_has_group(s->sim, kvm, 1), 0);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), 0);
	assert_int_equal(vfio_sim_kvm_has_group(s->sim, kvm, 1), 1);
	assert_int_equal(vfio_sim_kvm_has_group(s->sim, kvm, 2), 0);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), -EEXIST);
	/* device files are VFIO files too */
	fd = s->device;
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), 0);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_DEL, &fd), 0);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_DEL, &fd), -ENOENT);
	fd = s->group;
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_DEL, &fd), 0);
	assert_int_equal(vfio_sim_kvm_has_group(s->sim, kvm, 1), 0);
	assert_int_equal(s->ops->close(s->be, kvm), 0);
}

static void test_kvm_errors(void **state)
{
	struct s_fix *s = *state;
	int kvm, pipefd[2];
	int32_t fd;

	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	s_attach(s, 1, 0);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	fd = 9999;
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), -EBADF);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_DEL, &fd), -EBADF);
	fd = -1;
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), -EBADF);
	/* not VFIO files: a pipe, a container, the KVM device itself */
	fd = pipefd[0];
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), -EINVAL);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_DEL, &fd), -ENOENT);
	fd = s->container;
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), -EINVAL);
	fd = kvm;
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), -EINVAL);
	/* unknown group or attribute, bad address */
	fd = s->group;
	assert_int_equal(kvm_attr(s, kvm, 2, KVM_ADD, &fd), -ENXIO);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, 3, &fd), -ENXIO);
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, NULL), -EFAULT);
	{
		struct kvm_device_attr a = { .group = KVM_FILE, .attr = KVM_ADD, .addr = 0x10 };

		assert_int_equal(s->ops->kvm_device_set_attr(s->be, kvm, &a), -EFAULT);
	}
	/* not a KVM device */
	assert_int_equal(kvm_attr(s, s->group, KVM_FILE, KVM_ADD, &fd), -ENOTTY);
	assert_int_equal(kvm_attr(s, 9999, KVM_FILE, KVM_ADD, &fd), -EBADF);
	assert_int_equal(vfio_sim_kvm_has_group(s->sim, s->group, 1), -EBADF);
	assert_int_equal(s->ops->close(s->be, kvm), 0);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void test_kvm_holds_group_file(void **state)
{
	struct s_fix *s = *state;
	int kvm;
	int32_t fd;

	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
	fd = s->group;
	assert_int_equal(kvm_attr(s, kvm, KVM_FILE, KVM_ADD, &fd), 0);
	/* the user closes the group: KVM's reference keeps it open and attached */
	s_close(s, &s->group);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/1", O_RDWR), -EBUSY);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 1);
	assert_int_equal(vfio_sim_kvm_has_group(s->sim, kvm, 1), 1);
	/* KVM goes: the group is released, leaves the container, the IOMMU goes */
	assert_int_equal(s->ops->close(s->be, kvm), 0);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	assert_true(s->group >= 0);
}

static void test_kvm_handles_counted(void **state)
{
	struct s_fix *s = *state;
	int kvm1, kvm2;

	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm1), 0);
	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm2), 0);
	assert_int_equal(vfio_sim_open_handles(s->sim), 2);
	assert_int_equal(s->ops->close(s->be, kvm1), 0);
	assert_int_equal(s->ops->close(s->be, kvm2), 0);
	assert_int_equal(vfio_sim_open_handles(s->sim), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kvm_add_del, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_kvm_errors, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_kvm_holds_group_file, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_kvm_handles_counted, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
