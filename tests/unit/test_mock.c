// SPDX-License-Identifier: MIT
/*
 * The mock backend scripted with CMocka (<vfio/mock_cmocka.h>), no sim: a whole
 * vfio_container_open(), vfio_device_open() and region read from expectations
 * alone; errors scripted into the mock reaching the public API's caller with
 * their errno; and strictness: a call nothing was scripted for, a wrong op,
 * handle or path, or a script left unused fails the test.  Those tests must
 * fail, so they run in a child process of this binary ("--subrun NAME"), whose
 * exit status and output the parent checks; a scripted run that must pass runs
 * the same way, as the control.
 */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vfio/mock_cmocka.h>

#include "testutil.h"

#define CFD 3  /* the container's handle */
#define GFD 4  /* group 13's */
#define DFD 5  /* the device's */
#define GROUP 13u
#define GROUP_PATH "/dev/vfio/13"
#define NAME "fff51000.ethernet"
#define REGION1_OFFSET (1ull << 40)

/*
 * The hook: CMocka's, plus a check of pread's offset, to show a test widening
 * the checks to what it cares about.
 */
static long checked_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	if (op == VFIO_OP_PREAD) {
		const uint64_t offset = c->offset;

		check_expected(offset);
	}
	return vfio_mock_cmocka_call(opaque, op, c);
}

static int setup(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = checked_call };
	struct vfio_backend *be;

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

/* ---- the kernel's side of the conversation, step by step ---- */

static void script_container_open(void)
{
	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", CFD);
	vfio_expect_op(VFIO_OP_GET_API_VERSION, CFD, VFIO_API_VERSION);
	vfio_expect_op(VFIO_OP_CHECK_EXTENSION, CFD, 1); /* Type1v2 */
	vfio_expect_op(VFIO_OP_CHECK_EXTENSION, CFD, 1); /* Type1 */
	vfio_expect_op(VFIO_OP_CHECK_EXTENSION, CFD, 0); /* unmap-all */
}

static const struct vfio_group_status viable = {
	.argsz = sizeof(viable), .flags = VFIO_GROUP_FLAGS_VIABLE
};

/* Type1 with 4 KiB pages and no capability chain: any IOVA. */
static const struct vfio_iommu_type1_info iommu_info = {
	.argsz = sizeof(iommu_info), .flags = VFIO_IOMMU_INFO_PGSIZES, .iova_pgsizes = 0x1000
};

static void script_group_join(void)
{
	vfio_expect_path(VFIO_OP_OPEN, -1, GROUP_PATH, GFD);
	vfio_expect_reply(VFIO_OP_GROUP_GET_STATUS, GFD, &viable, sizeof(viable), 0);
	vfio_expect_op(VFIO_OP_GROUP_SET_CONTAINER, GFD, 0);
	vfio_expect_op(VFIO_OP_SET_IOMMU, CFD, 0);
	/* the IOMMU's page sizes and IOVA ranges, now that it is set */
	vfio_expect_reply(VFIO_OP_IOMMU_GET_INFO, CFD, &iommu_info, sizeof(iommu_info), 0);
}

static void script_group_leave(void)
{
	vfio_expect_op(VFIO_OP_GROUP_UNSET_CONTAINER, GFD, 0);
	vfio_expect_op(VFIO_OP_CLOSE, GFD, 0);
}

/* What a platform device with two regions and one irq answers. */
struct device_answers {
	struct vfio_device_info info;
	_Alignas(8) uint8_t region0[sizeof(struct vfio_region_info) + 16 + 16];
	struct vfio_region_info region1;
	struct vfio_irq_info irq0;
};

static void device_answers(struct device_answers *a)
{
	struct vfio_region_info r0 = {
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			 VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
		.index = 0, .cap_offset = sizeof(r0), .size = 0x2000, .offset = 0
	};
	struct vfio_region_info_cap_sparse_mmap cap = {
		.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1 }, .nr_areas = 1
	};
	struct vfio_region_sparse_mmap_area area = { .offset = 0x1000, .size = 0x1000 };

	a->info = (struct vfio_device_info){ .flags = VFIO_DEVICE_FLAGS_PLATFORM,
					     .num_regions = 2, .num_irqs = 1 };
	memcpy(a->region0, &r0, sizeof(r0));
	memcpy(a->region0 + sizeof(r0), &cap, sizeof(cap));
	memcpy(a->region0 + sizeof(r0) + sizeof(cap), &area, sizeof(area));
	a->region1 = (struct vfio_region_info){
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE, .index = 1,
		.size = 0x100, .offset = REGION1_OFFSET
	};
	a->irq0 = (struct vfio_irq_info){ .flags = VFIO_IRQ_INFO_EVENTFD, .index = 0, .count = 1 };
}

/* The device's info once the group has joined; @a must live until the open. */
static void script_device_info(const struct device_answers *a)
{
	vfio_expect_path(VFIO_OP_GROUP_GET_DEVICE_FD, GFD, NAME, DFD);
	vfio_expect_reply(VFIO_OP_DEVICE_GET_INFO, DFD, &a->info, sizeof(a->info), 0);
	/* Region 0's caps do not fit the first argsz: the core asks again with the argsz given. */
	vfio_expect_reply(VFIO_OP_DEVICE_GET_REGION_INFO, DFD, a->region0, sizeof(a->region0), 0);
	vfio_expect_reply(VFIO_OP_DEVICE_GET_REGION_INFO, DFD, a->region0, sizeof(a->region0), 0);
	vfio_expect_reply(VFIO_OP_DEVICE_GET_REGION_INFO, DFD, &a->region1, sizeof(a->region1), 0);
	vfio_expect_reply(VFIO_OP_DEVICE_GET_IRQ_INFO, DFD, &a->irq0, sizeof(a->irq0), 0);
}

static struct vfio_container *open_container(struct vfio_backend *be)
{
	struct vfio_container *c = NULL;

	script_container_open();
	assert_ok(vfio_container_open(be, &c));
	return c;
}

static struct vfio_device *open_device(struct vfio_container *c, struct device_answers *a)
{
	struct vfio_device *d = NULL;

	device_answers(a);
	script_group_join();
	script_device_info(a);
	assert_ok(vfio_device_open(c, GROUP, NAME, &d));
	return d;
}

static void close_all(struct vfio_container *c, struct vfio_device *d)
{
	if (d) {
		vfio_expect_op(VFIO_OP_CLOSE, DFD, 0); /* the device before its group */
		script_group_leave();
		assert_ok(vfio_device_close(d));
	}
	vfio_expect_op(VFIO_OP_CLOSE, CFD, 0);
	assert_ok(vfio_container_close(c));
}

/* ---- tests ---- */

static void test_scripted_open_and_read(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct device_answers a;
	struct vfio_device *d = open_device(c, &a);
	const struct vfio_region_desc *r;
	const struct vfio_irq_desc *irq;
	uint32_t v = 0;

	assert_int_equal(vfio_container_fd(c), CFD);
	assert_int_equal(vfio_device_fd(d), DFD);
	assert_int_equal(vfio_device_flags(d), VFIO_DEVICE_FLAGS_PLATFORM);
	assert_int_equal(vfio_device_num_regions(d), 2);
	assert_ok(vfio_region_get(d, 0, &r));
	assert_int_equal(r->size, 0x2000);
	assert_true(r->caps & VFIO_REGION_HAS_SPARSE_MMAP);
	assert_int_equal(r->nr_sparse, 1);
	assert_int_equal(r->sparse[0].offset, 0x1000);
	assert_int_equal(r->sparse[0].size, 0x1000);
	assert_ok(vfio_region_get(d, 1, &r));
	assert_int_equal(r->offset, REGION1_OFFSET);
	assert_ok(vfio_irq_get(d, 0, &irq));
	assert_int_equal(irq->count, 1);

	expect_value(checked_call, offset, REGION1_OFFSET + 8);
	vfio_expect_reply(VFIO_OP_PREAD, DFD, "\x11\x22\x33\x44", 4, 4);
	assert_ok(vfio_region_read(d, 1, 8, &v, sizeof(v), NULL));
	assert_int_equal(v, 0x44332211); /* little-endian host, as CI's */
	close_all(c, d);
}

/* list_dir and the iommufd ops script as the others: path, answer, errno. */
static void test_scripted_list_dir_and_iommufd(void **state)
{
	struct vfio_backend *be = *state;
	static const char names[] = "vfio0\0vfio1"; /* 12 bytes */
	const struct vfio_abi_ioas_map_file ans = { .iova = 0x200000 };
	struct vfio_abi_ioas_map_file map = { .size = sizeof(map), .fd = 9, .length = 4096 };
	struct vfio_abi_device_detach_iommufd_pt detach = { .argsz = sizeof(detach) };
	char buf[8];

	vfio_expect_path_reply(VFIO_OP_LIST_DIR, -1, "/sys/x/vfio-dev", names, sizeof(names),
			       sizeof(names));
	memset(buf, '#', sizeof(buf));
	assert_int_equal(be->ops->list_dir(be, "/sys/x/vfio-dev", buf, sizeof(buf)), 12);
	assert_memory_equal(buf, "vfio0\0##", 8); /* "vfio1" did not fit */
	vfio_expect_path(VFIO_OP_LIST_DIR, -1, "/sys/y", -ENOENT);
	assert_int_equal(be->ops->list_dir(be, "/sys/y", buf, sizeof(buf)), -ENOENT);

	vfio_expect_reply(VFIO_OP_IOAS_MAP_FILE, 30, &ans, sizeof(ans), 0);
	assert_int_equal(be->ops->ioas_map_file(be, 30, &map), 0);
	assert_int_equal(map.iova, 0x200000);
	assert_int_equal(map.fd, 0); /* the answer's struct, all of it past the size */
	vfio_expect_op(VFIO_OP_IOAS_MAP_FILE, 30, -ENOTTY);
	assert_int_equal(be->ops->ioas_map_file(be, 30, &map), -ENOTTY);
	vfio_expect_op(VFIO_OP_DEVICE_DETACH_IOMMUFD_PT, DFD, 0);
	assert_int_equal(be->ops->device_detach_iommufd_pt(be, DFD, &detach), 0);
}

static void test_scripted_errors_reach_the_caller(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_container *c = (void *)1;
	struct device_answers a;
	struct vfio_device *d = (void *)1;
	uint32_t v;

	/* The very first call. */
	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", -EACCES);
	assert_err(vfio_container_open(be, &c), EACCES);
	assert_string_equal(vfio_last_error(), "failed to open /dev/vfio/vfio: Permission denied");
	assert_null(c);

	/* The group is taken: its file is closed again. */
	c = open_container(be);
	vfio_expect_path(VFIO_OP_OPEN, -1, GROUP_PATH, GFD);
	vfio_expect_reply(VFIO_OP_GROUP_GET_STATUS, GFD, &viable, sizeof(viable), 0);
	vfio_expect_op(VFIO_OP_GROUP_SET_CONTAINER, GFD, -EBUSY);
	vfio_expect_op(VFIO_OP_CLOSE, GFD, 0);
	assert_err(vfio_device_open(c, GROUP, NAME, &d), EBUSY);
	assert_msg_has("VFIO_GROUP_SET_CONTAINER on group 13");
	assert_null(d);

	/* No such device: the group leaves the container again. */
	script_group_join();
	vfio_expect_path(VFIO_OP_GROUP_GET_DEVICE_FD, GFD, NAME, -ENODEV);
	script_group_leave();
	assert_err(vfio_device_open(c, GROUP, NAME, &d), ENODEV);
	assert_string_equal(vfio_last_error(),
			    "VFIO_GROUP_GET_DEVICE_FD " NAME " on group 13: No such device");

	/* A read the device fails, and a close that fails. */
	d = open_device(c, &a);
	expect_value(checked_call, offset, REGION1_OFFSET);
	vfio_expect_op(VFIO_OP_PREAD, DFD, -EIO);
	assert_err(vfio_region_read(d, 1, 0, &v, sizeof(v), NULL), EIO);
	assert_msg_has("read region 1 of " NAME);
	close_all(c, d);
	c = open_container(be);
	vfio_expect_op(VFIO_OP_CLOSE, CFD, -EINTR);
	assert_err(vfio_container_close(c), EINTR);
}

/* ---- strictness, in child processes ---- */

static void sub_unscripted(void **state)
{
	struct vfio_container *c;

	vfio_container_open(*state, &c); /* not a single step scripted */
}

static void sub_wrong_op(void **state)
{
	struct vfio_container *c;

	vfio_expect_op(VFIO_OP_GET_API_VERSION, CFD, 0); /* but open comes first */
	vfio_container_open(*state, &c);
}

static void sub_wrong_fd(void **state)
{
	struct vfio_container *c;

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", CFD);
	vfio_expect_op(VFIO_OP_GET_API_VERSION, CFD + 1, 0);
	vfio_container_open(*state, &c);
}

static void sub_wrong_path(void **state)
{
	struct vfio_container *c;

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/nope", CFD);
	vfio_container_open(*state, &c);
}

static void sub_unused(void **state)
{
	close_all(open_container(*state), NULL);
	vfio_expect_op(VFIO_OP_DEVICE_RESET, DFD, 0); /* never called */
}

static void sub_control(void **state)
{
	close_all(open_container(*state), NULL);
}

static const struct CMUnitTest subruns[] = {
	cmocka_unit_test_setup_teardown(sub_unscripted, setup, teardown),
	cmocka_unit_test_setup_teardown(sub_wrong_op, setup, teardown),
	cmocka_unit_test_setup_teardown(sub_wrong_fd, setup, teardown),
	cmocka_unit_test_setup_teardown(sub_wrong_path, setup, teardown),
	cmocka_unit_test_setup_teardown(sub_unused, setup, teardown),
	cmocka_unit_test_setup_teardown(sub_control, setup, teardown),
};

/* Runs subruns[] entry @name in a child; its output in @out; returns its exit status. */
static int subrun(const char *name, char *out, size_t size)
{
	char scratch[512], *asan;
	size_t len = 0;
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(pipefd), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const char *old = getenv("ASAN_OPTIONS");

		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		close(pipefd[0]);
		close(pipefd[1]);
		/* A failing test longjmps out of libvfio and leaks, by design: no LSan here. */
		asan = malloc(strlen(old ? old : "") + 32);
		if (asan) {
			sprintf(asan, "%s%sdetect_leaks=0", old ? old : "", old && *old ? ":" : "");
			setenv("ASAN_OPTIONS", asan, 1);
		}
		execl("/proc/self/exe", "test_mock", "--subrun", name, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], len + 1 < size ? out + len : scratch,
			 len + 1 < size ? size - 1 - len : sizeof(scratch))) > 0)
		if (len + 1 < size)
			len += (size_t)n;
	out[len] = '\0';
	close(pipefd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void expect_subrun_fails(const char *name, const char *why)
{
	char out[8192], failed[64];

	snprintf(failed, sizeof(failed), "[  FAILED  ] %s", name);
	assert_int_equal(subrun(name, out, sizeof(out)), 1);
	if (!strstr(out, failed) || !strstr(out, why))
		fail_msg("sub-run %s: no \"%s\" or \"%s\" in:\n%s", name, failed, why, out);
}

static void test_strict(void **state)
{
	char out[8192];

	(void)state;
	assert_int_equal(subrun("sub_control", out, sizeof(out)), 0);
	assert_non_null(strstr(out, "[  PASSED  ] 1 test(s)."));
	expect_subrun_fails("sub_unscripted",
			    "Could not get value to check parameter op of function "
			    "vfio_mock_cmocka_call");
	expect_subrun_fails("sub_wrong_op",
			    "Check of parameter op, function vfio_mock_cmocka_call");
	expect_subrun_fails("sub_wrong_fd",
			    "Check of parameter fd, function vfio_mock_cmocka_call");
	expect_subrun_fails("sub_wrong_path", "path \"/dev/vfio/vfio\" != \"/dev/vfio/nope\"");
	expect_subrun_fails("sub_unused", "remaining non-returned values");
	assert_int_equal(subrun("no_such_subrun", out, sizeof(out)), 2);
}

/* ---- main: the tests, or one sub-run ---- */

static int run_subrun(const char *name)
{
	for (size_t i = 0; i < sizeof(subruns) / sizeof(subruns[0]); i++)
		if (strcmp(subruns[i].name, name) == 0)
			return _cmocka_run_group_tests(name, &subruns[i], 1, NULL, NULL);
	return 2;
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_scripted_open_and_read),
		FIXTURE_TEST(test_scripted_list_dir_and_iommufd),
		FIXTURE_TEST(test_scripted_errors_reach_the_caller),
		cmocka_unit_test(test_strict),
	};

	if (argc == 3 && strcmp(argv[1], "--subrun") == 0)
		return run_subrun(argv[2]);
	return cmocka_run_group_tests_name("mock", tests, NULL, NULL);
}
