// SPDX-License-Identifier: MIT
/* core/group.c: the group table, reference counts, joining, IOMMU set-up, KVM. */

#include <unistd.h>

#include "testutil.h"

static void open_shares_and_counts(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g1, *g2;
	struct vfio_device *d;

	assert_ok(vfio_group_open(f->c, T_GROUP, &g1));
	assert_int_equal(vfio_container_iommu_type(f->c), VFIO_TYPE1v2_IOMMU);
	assert_ok(vfio_group_open(f->c, T_GROUP, &g2));
	assert_ptr_equal(g1, g2);
	assert_int_equal(vfio_group_id(g1), T_GROUP);
	assert_true(vfio_group_fd(g1) >= 0);
	d = t_open_pci(f);
	assert_ptr_equal(vfio_device_group(d), g1);
	/* one group file for three references */
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_GROUP_SET_CONTAINER), 1);
	assert_ok(vfio_group_close(g1));
	assert_ok(vfio_group_close(g2));
	assert_int_equal(vfio_container_iommu_type(f->c), VFIO_TYPE1v2_IOMMU);
	assert_ok(vfio_device_close(d));
	assert_int_equal(vfio_container_iommu_type(f->c), 0);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_GROUP_UNSET_CONTAINER), 1);
}

static void iommu_set_once_for_many_groups(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *a, *b;

	assert_ok(vfio_group_open(f->c, T_GROUP, &a));
	assert_ok(vfio_group_open(f->c, T_GROUP_PLAT, &b));
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_SET_IOMMU), 1);
	assert_ok(vfio_group_close(a));
	assert_int_equal(vfio_container_iommu_type(f->c), VFIO_TYPE1v2_IOMMU);
	assert_ok(vfio_group_close(b));
	assert_int_equal(vfio_container_iommu_type(f->c), 0);
	/* a group joining again sets the IOMMU again */
	assert_ok(vfio_group_open(f->c, T_GROUP_PLAT, &b));
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_SET_IOMMU), 2);
	assert_ok(vfio_group_close(b));
}

static void not_viable_is_eperm(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g = (void *)1;

	assert_err(vfio_group_open(f->c, T_GROUP_BAD, &g), EPERM);
	assert_msg_has("group 14 is not viable");
	assert_null(g);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_GROUP_SET_CONTAINER), 0);
}

static void unknown_group_is_enoent(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g;

	assert_err(vfio_group_open(f->c, 99, &g), ENOENT);
	assert_string_equal(vfio_last_error(), "failed to open /dev/vfio/99: No such file or directory");
}

static void bad_args(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g;

	assert_err(vfio_group_open(NULL, T_GROUP, &g), EINVAL);
	assert_err(vfio_group_open(f->c, T_GROUP, NULL), EINVAL);
	assert_int_equal(vfio_group_close(NULL), 0);
}

static void viable_query(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g;
	bool viable = false;

	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_ok(vfio_group_viable(g, &viable));
	assert_true(viable);
	/* joined, vfio owns the group's DMA: it stays viable, as the kernel says */
	vfio_sim_group_set_viable(f->group, false);
	assert_ok(vfio_group_viable(g, &viable));
	assert_true(viable);
	assert_err(vfio_group_viable(g, NULL), EINVAL);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_GROUP_GET_STATUS, 1, EIO));
	assert_err(vfio_group_viable(g, &viable), EIO);
	vfio_sim_group_set_viable(f->group, true);
	assert_ok(vfio_group_close(g));
}

static void group_file_open_elsewhere_is_ebusy(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c2;
	struct vfio_group *g, *g2;

	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_ok(vfio_container_open(f->be, &c2));
	assert_err(vfio_group_open(c2, T_GROUP, &g2), EBUSY);
	assert_msg_has("/dev/vfio/12");
	assert_ok(vfio_container_close(c2));
	assert_ok(vfio_group_close(g));
}

/* Every failure on the way in leaves no group, no handle and no IOMMU behind. */
static void join_failures_clean_up(void **state)
{
	static const struct {
		enum vfio_backend_op op;
		const char *msg;
	} steps[] = {
		{ VFIO_OP_OPEN, "failed to open /dev/vfio/12" },
		{ VFIO_OP_GROUP_GET_STATUS, "VFIO_GROUP_GET_STATUS on group 12" },
		{ VFIO_OP_GROUP_SET_CONTAINER, "VFIO_GROUP_SET_CONTAINER on group 12" },
		{ VFIO_OP_SET_IOMMU, "VFIO_SET_IOMMU Type1v2 for group 12" },
	};
	struct t_fixture *f = *state;
	struct vfio_group *g;

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_ok(vfio_fault_inject(f->be, steps[i].op, 1, EIO));
		assert_err(vfio_group_open(f->c, T_GROUP, &g), EIO);
		assert_msg_has(steps[i].msg);
		assert_int_equal(vfio_container_iommu_type(f->c), 0);
		vfio_fault_clear(f->be);
		/* the group file was closed: it can be opened again */
		assert_ok(vfio_group_open(f->c, T_GROUP, &g));
		assert_ok(vfio_group_close(g));
	}
}

static void replay_on_join(void **state)
{
	struct t_fixture *f = *state;
	void *mem = t_pages(4);
	struct vfio_group *g;
	int cfd = vfio_container_fd(f->c);

	/* No group yet: the container keeps the mappings for later. */
	assert_ok(vfio_dma_map(f->c, 0x100000, 0x2000, mem, VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE));
	assert_ok(vfio_dma_map(f->c, 0x200000, 0x2000, (char *)mem + 0x2000, VFIO_DMA_PROT_READ));
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_IOMMU_MAP_DMA), 0);
	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_int_equal(vfio_sim_dma_count(f->sim, cfd), 2);
	assert_ok(vfio_group_close(g));
	/* the kernel dropped them with the IOMMU; the container did not */
	assert_int_equal(vfio_sim_dma_count(f->sim, cfd), 0);
	assert_ok(vfio_group_open(f->c, T_GROUP_PLAT, &g));
	assert_int_equal(vfio_sim_dma_count(f->sim, cfd), 2);
	assert_ok(vfio_group_close(g));
	t_pages_free(mem, 4);
}

static void replay_failure_rolls_back(void **state)
{
	struct t_fixture *f = *state;
	void *mem = t_pages(3);
	struct vfio_group *g;
	size_t n;

	for (int i = 0; i < 3; i++)
		assert_ok(vfio_dma_map(f->c, 0x100000 + 0x10000 * i, 0x1000,
				       (char *)mem + 0x1000 * i, VFIO_DMA_PROT_READ));
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_IOMMU_MAP_DMA, 3, ENOMEM));
	assert_err(vfio_group_open(f->c, T_GROUP, &g), ENOMEM);
	assert_msg_has("replaying the container's 3 mappings");
	assert_int_equal(vfio_container_iommu_type(f->c), 0);
	assert_ok(vfio_dma_list(f->c, NULL, 0, &n));
	assert_int_equal(n, 3);
	vfio_fault_clear(f->be);
	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_int_equal(vfio_sim_dma_count(f->sim, vfio_container_fd(f->c)), 3);
	assert_ok(vfio_group_close(g));
	t_pages_free(mem, 3);
}

static void unset_failure_still_releases(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g;

	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_GROUP_UNSET_CONTAINER, 1, EBUSY));
	assert_err(vfio_group_close(g), EBUSY);
	assert_msg_has("VFIO_GROUP_UNSET_CONTAINER on group 12");
	/* closing the file took the group out anyway: it opens again */
	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_ok(vfio_group_close(g));
}

static void close_failure_still_releases(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_backend *sim = vfio_sim_backend(f->sim);
	struct vfio_group *g;
	int fd;

	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	fd = vfio_group_fd(g);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_CLOSE, 1, EINTR));
	assert_err(vfio_group_close(g), EINTR);
	assert_msg_has("close /dev/vfio/12");
	assert_int_equal(sim->ops->close(sim, fd), 0);
}

static void kvm_add_del(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_backend *sim = vfio_sim_backend(f->sim);
	struct vfio_group *g;
	int kvm;

	assert_ok(vfio_sim_kvm_device_new(f->sim, &kvm));
	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_ok(vfio_group_kvm_add(g, kvm));
	assert_int_equal(vfio_sim_kvm_has_group(f->sim, kvm, T_GROUP), 1);
	assert_err(vfio_group_kvm_add(g, kvm), EEXIST);
	assert_msg_has("KVM_SET_DEVICE_ATTR ADD group 12");
	assert_ok(vfio_group_kvm_del(g, kvm));
	assert_int_equal(vfio_sim_kvm_has_group(f->sim, kvm, T_GROUP), 0);
	assert_err(vfio_group_kvm_del(g, kvm), ENOENT);
	assert_msg_has("KVM_SET_DEVICE_ATTR DEL group 12");
	assert_ok(vfio_group_close(g));
	assert_int_equal(sim->ops->close(sim, kvm), 0);
}

static void kvm_bad_fd(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g;
	int fd = t_eventfd();

	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	/* an fd that is not a KVM VFIO device */
	vfio_clear_error();
	assert_true(vfio_group_kvm_add(g, fd) < 0);
	assert_msg_has("KVM_SET_DEVICE_ATTR");
	assert_ok(vfio_group_close(g));
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_shares_and_counts, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(iommu_set_once_for_many_groups, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(not_viable_is_eperm, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(unknown_group_is_enoent, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(bad_args, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(viable_query, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(group_file_open_elsewhere_is_ebusy, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(join_failures_clean_up, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(replay_on_join, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(replay_failure_rolls_back, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(unset_failure_still_releases, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(close_failure_still_releases, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(kvm_add_del, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(kvm_bad_fd, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
