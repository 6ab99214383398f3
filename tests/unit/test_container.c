// SPDX-License-Identifier: MIT
/* core/container.c: open, probe, extensions, close, and backends as values. */

#include <stdlib.h>

#include "testutil.h"

static void open_close(void **state)
{
	struct t_fixture *f = *state;

	assert_int_equal(vfio_container_iommu_type(f->c), 0);
	assert_true(vfio_container_fd(f->c) >= 0);
	assert_ptr_equal(vfio_container_backend(f->c), f->be);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_GET_API_VERSION), 1);
}

static void open_bad_args(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c = (void *)1;

	assert_err(vfio_container_open(f->be, NULL), EINVAL);
	assert_err(vfio_container_open(NULL, &c), EINVAL);
	assert_null(c);
}

static void open_fails_with_errno_of_open(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c;

	assert_ok(vfio_fault_inject(f->be, VFIO_OP_OPEN, 1, ENOENT));
	assert_err(vfio_container_open(f->be, &c), ENOENT);
	assert_string_equal(vfio_last_error(), "failed to open /dev/vfio/vfio: No such file or directory");
	assert_null(c);
}

static void open_fails_on_api_version_error(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c;

	assert_ok(vfio_fault_inject(f->be, VFIO_OP_GET_API_VERSION, 1, EIO));
	assert_err(vfio_container_open(f->be, &c), EIO);
	assert_msg_has("VFIO_GET_API_VERSION");
}

static void open_fails_on_check_extension_error(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c;

	for (unsigned long nth = 1; nth <= 3; nth++) {
		assert_ok(vfio_fault_inject(f->be, VFIO_OP_CHECK_EXTENSION, nth, EIO));
		assert_err(vfio_container_open(f->be, &c), EIO);
		assert_msg_has("VFIO_CHECK_EXTENSION");
		vfio_fault_clear(f->be);
	}
}

/* A minimal backend whose container answers as configured: for version and extension tests. */
struct tiny {
	struct vfio_backend base;
	int api_version;
	int v1, v2;
	int closed;
};

static int tiny_open(struct vfio_backend *be, const char *path, int flags)
{
	(void)be, (void)path, (void)flags;
	return 1000;
}

static int tiny_close(struct vfio_backend *be, int fd)
{
	((struct tiny *)be)->closed++;
	(void)fd;
	return 0;
}

static int tiny_version(struct vfio_backend *be, int fd)
{
	(void)fd;
	return ((struct tiny *)be)->api_version;
}

static int tiny_ext(struct vfio_backend *be, int fd, unsigned long ext)
{
	struct tiny *t = (struct tiny *)be;

	(void)fd;
	return ext == VFIO_TYPE1_IOMMU ? t->v1 : ext == VFIO_TYPE1v2_IOMMU ? t->v2 : 0;
}

static void tiny_destroy(struct vfio_backend *be)
{
	(void)be;
}

static const struct vfio_backend_ops tiny_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "tiny",
	.destroy = tiny_destroy,
	.open = tiny_open,
	.close = tiny_close,
	.get_api_version = tiny_version,
	.check_extension = tiny_ext,
};

static void open_refuses_other_api_version(void **state)
{
	struct tiny t = { .base.ops = &tiny_ops, .api_version = 1, .v2 = 1 };
	struct vfio_container *c;

	(void)state;
	assert_err(vfio_container_open(&t.base, &c), EINVAL);
	assert_msg_has("version 1");
	assert_int_equal(t.closed, 1);
}

static void open_refuses_without_type1(void **state)
{
	struct tiny t = { .base.ops = &tiny_ops, .api_version = VFIO_API_VERSION };
	struct vfio_container *c;

	(void)state;
	assert_err(vfio_container_open(&t.base, &c), ENODEV);
	assert_msg_has("Type1");
	assert_int_equal(t.closed, 1);
}

static void open_accepts_type1_only(void **state)
{
	struct tiny t = { .base.ops = &tiny_ops, .api_version = VFIO_API_VERSION, .v1 = 1 };
	struct vfio_container *c;
	bool present;

	(void)state;
	assert_ok(vfio_container_open(&t.base, &c));
	assert_ok(vfio_container_check_extension(c, VFIO_TYPE1v2_IOMMU, &present));
	assert_false(present);
	assert_ok(vfio_container_close(c));
	assert_int_equal(t.closed, 1);
}

static void open_refuses_other_ops_version(void **state)
{
	struct vfio_backend_ops ops = tiny_ops;
	struct tiny t = { .base.ops = &ops };
	struct vfio_container *c;

	(void)state;
	ops.version = VFIO_BACKEND_OPS_VERSION + 1;
	assert_err(vfio_container_open(&t.base, &c), EINVAL);
	assert_msg_has("ops version");
	ops.version = VFIO_BACKEND_OPS_VERSION;
	ops.destroy = NULL;
	assert_err(vfio_container_open(&t.base, &c), EINVAL);
	assert_msg_has("destroy");
	assert_int_equal(t.closed, 0);
}

static void missing_op_is_eopnotsupp(void **state)
{
	struct vfio_backend_ops ops = tiny_ops;
	struct tiny t = { .base.ops = &ops, .api_version = VFIO_API_VERSION, .v2 = 1 };
	struct vfio_container *c;

	(void)state;
	ops.get_api_version = NULL;
	assert_err(vfio_container_open(&t.base, &c), EOPNOTSUPP);
}

static void check_extension(void **state)
{
	struct t_fixture *f = *state;
	bool present;

	assert_ok(vfio_container_check_extension(f->c, VFIO_TYPE1v2_IOMMU, &present));
	assert_true(present);
	assert_ok(vfio_container_check_extension(f->c, VFIO_TYPE1_IOMMU, &present));
	assert_true(present);
	assert_ok(vfio_container_check_extension(f->c, 9999, &present));
	assert_false(present);
	assert_err(vfio_container_check_extension(f->c, VFIO_TYPE1_IOMMU, NULL), EINVAL);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_CHECK_EXTENSION, 1, EBADF));
	assert_err(vfio_container_check_extension(f->c, VFIO_TYPE1_IOMMU, &present), EBADF);
}

static void close_refuses_while_groups_open(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);

	assert_err(vfio_container_close(f->c), EBUSY);
	assert_msg_has("1 group(s) still open");
	assert_ok(vfio_device_close(d));
}

static void close_reports_close_error_and_frees(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c;

	struct vfio_backend *sim = vfio_sim_backend(f->sim);
	int fd;

	assert_ok(vfio_container_open(f->be, &c));
	fd = vfio_container_fd(c);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_CLOSE, 1, EIO));
	assert_err(vfio_container_close(c), EIO);
	/* The fault kept the call from the sim: close the handle there, as close(2) always does. */
	assert_int_equal(sim->ops->close(sim, fd), 0);
}

static void close_null(void **state)
{
	(void)state;
	assert_int_equal(vfio_container_close(NULL), 0);
}

static void two_sims_are_independent(void **state)
{
	struct t_fixture *a = *state, *b = t_fixture_new(1);
	struct vfio_device *da, *db;
	void *mem = t_pages(1);

	assert_ok(vfio_device_open(a->c, T_GROUP, T_PCI, &da));
	/* The same group number in another sim is another group: no EBUSY. */
	assert_ok(vfio_device_open(b->c, T_GROUP, T_PCI, &db));
	assert_ok(vfio_dma_map(a->c, 0x10000, 0x1000, mem, VFIO_DMA_PROT_READ));
	assert_int_equal(vfio_sim_dma_count(a->sim, vfio_container_fd(a->c)), 1);
	assert_int_equal(vfio_sim_dma_count(b->sim, vfio_container_fd(b->c)), 0);
	assert_ok(vfio_device_close(db));
	assert_ok(vfio_device_close(da));
	t_fixture_free(b);
	t_pages_free(mem, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_close, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_bad_args, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_fails_with_errno_of_open, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_fails_on_api_version_error, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(open_fails_on_check_extension_error, t_setup, t_teardown),
		cmocka_unit_test(open_refuses_other_api_version),
		cmocka_unit_test(open_refuses_without_type1),
		cmocka_unit_test(open_accepts_type1_only),
		cmocka_unit_test(open_refuses_other_ops_version),
		cmocka_unit_test(missing_op_is_eopnotsupp),
		cmocka_unit_test_setup_teardown(check_extension, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(close_refuses_while_groups_open, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(close_reports_close_error_and_frees, t_setup, t_teardown),
		cmocka_unit_test(close_null),
		cmocka_unit_test_setup_teardown(two_sims_are_independent, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
