// SPDX-License-Identifier: MIT
/*
 * Iommufd mode (core/container.c, core/cdev.c, core/dma.c, core/hot_reset.c)
 * over the strict mock: every call the core makes is scripted, with the
 * arguments that matter recorded and checked, and every error path reaches
 * the caller with its errno and a message.
 */

#include <fcntl.h>
#include <stdlib.h>

#include <vfio/mock_cmocka.h>

#include "testutil.h"

#define IFD 3   /* /dev/iommu */
#define DFD 5   /* the device cdev */
#define DFD2 6  /* a second one */
#define IOAS 7u
#define DEVID 9u
#define NAME "0000:00:04.0"
#define PCI_DIR "/sys/bus/pci/devices/" NAME "/vfio-dev"
#define PLAT_DIR "/sys/bus/platform/devices/" NAME "/vfio-dev"
#define CDEV "/dev/vfio/devices/vfio0"

/* What the calls that matter were given, as they reached the mock. */
static struct {
	struct vfio_abi_ioas_map map;
	struct vfio_abi_ioas_map_file map_file;
	struct vfio_abi_ioas_unmap unmap;
	struct vfio_abi_device_bind_iommufd bind;
	struct vfio_abi_device_attach_iommufd_pt attach;
	int open_flags;
} seen;

static long recording_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	switch (op) {
	case VFIO_OP_IOAS_MAP:
		seen.map = *c->arg.ioas_map;
		break;
	case VFIO_OP_IOAS_MAP_FILE:
		seen.map_file = *c->arg.ioas_map_file;
		break;
	case VFIO_OP_IOAS_UNMAP:
		seen.unmap = *c->arg.ioas_unmap;
		break;
	case VFIO_OP_DEVICE_BIND_IOMMUFD:
		seen.bind = *c->arg.bind_iommufd;
		break;
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT:
		seen.attach = *c->arg.attach_iommufd_pt;
		break;
	case VFIO_OP_OPEN:
		seen.open_flags = c->flags;
		break;
	default:
		break;
	}
	return vfio_mock_cmocka_call(opaque, op, c);
}

static int setup(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = recording_call };
	struct vfio_backend *be;

	memset(&seen, 0, sizeof(seen));
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

/* ---- the kernel's side ---- */

static const struct vfio_abi_ioas_alloc alloc_answer = { .out_ioas_id = IOAS };

static const struct {
	struct vfio_abi_ioas_iova_ranges q;
	struct vfio_abi_iova_range r[1];
} ranges_answer = {
	.q = { .num_iovas = 1, .out_iova_alignment = 4096 },
	.r = { { 0, (1ull << 48) - 1 } },
};

static const struct vfio_abi_device_bind_iommufd bind_answer = { .out_devid = DEVID };
static const struct vfio_device_info plat_info = {
	.argsz = sizeof(plat_info), .flags = VFIO_DEVICE_FLAGS_PLATFORM
};

static void script_ranges(void)
{
	vfio_expect_reply(VFIO_OP_IOAS_IOVA_RANGES, IFD, &ranges_answer, sizeof(ranges_answer), 0);
}

static struct vfio_container *open_container(struct vfio_backend *be)
{
	struct vfio_container *c = NULL;

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/iommu", IFD);
	vfio_expect_reply(VFIO_OP_IOAS_ALLOC, IFD, &alloc_answer, sizeof(alloc_answer), 0);
	script_ranges();
	assert_ok(vfio_container_open_mode(be, VFIO_CONTAINER_IOMMUFD, &c));
	assert_int_equal(seen.open_flags, O_RDWR | O_CLOEXEC);
	return c;
}

static void close_container(struct vfio_container *c)
{
	vfio_expect_op(VFIO_OP_CLOSE, IFD, 0);
	assert_ok(vfio_container_close(c));
}

/* The cdev at @fd bound, attached and read (a platform device: no regions, no irqs). */
static void script_setup(int fd)
{
	vfio_expect_reply(VFIO_OP_DEVICE_BIND_IOMMUFD, fd, &bind_answer, sizeof(bind_answer), 0);
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, fd, 0);
	script_ranges();
	vfio_expect_reply(VFIO_OP_DEVICE_GET_INFO, fd, &plat_info, sizeof(plat_info), 0);
}

static void script_find(const char *dir)
{
	vfio_expect_path_reply(VFIO_OP_LIST_DIR, -1, dir, "vfio0", 6, 6);
}

static struct vfio_device *open_device(struct vfio_container *c)
{
	struct vfio_device *d = NULL;

	script_find(PCI_DIR);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	script_setup(DFD);
	assert_ok(vfio_device_open(c, 0, NAME, &d));
	return d;
}

static void close_device(struct vfio_device *d, int fd)
{
	vfio_expect_op(VFIO_OP_CLOSE, fd, 0);
	assert_ok(vfio_device_close(d));
}

/* ---- container ---- */

static void container_open_close(void **state)
{
	struct vfio_container *c = open_container(*state);
	bool present = true;

	assert_int_equal(vfio_container_mode(c), VFIO_CONTAINER_IOMMUFD);
	assert_int_equal(vfio_container_ioas_id(c), IOAS);
	assert_int_equal(vfio_container_fd(c), IFD);
	assert_int_equal(vfio_container_iommu_type(c), 0);
	assert_err(vfio_container_check_extension(c, VFIO_TYPE1v2_IOMMU, &present), EOPNOTSUPP);
	assert_msg_has("iommufd");
	close_container(c);
}

static void container_open_errors(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_container *c = (void *)1;

	assert_err(vfio_container_open_mode(be, (enum vfio_container_mode)7, &c), EINVAL);
	assert_msg_has("unknown mode 7");
	assert_null(c);
	assert_err(vfio_container_open_mode(be, VFIO_CONTAINER_IOMMUFD, NULL), EINVAL);

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/iommu", -ENOENT);
	assert_err(vfio_container_open_mode(be, VFIO_CONTAINER_IOMMUFD, &c), ENOENT);
	assert_string_equal(vfio_last_error(),
			    "failed to open /dev/iommu: No such file or directory");

	/* the IOAS: closing the iommufd is all the clean-up there is */
	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/iommu", IFD);
	vfio_expect_op(VFIO_OP_IOAS_ALLOC, IFD, -ENOMEM);
	vfio_expect_op(VFIO_OP_CLOSE, IFD, 0);
	assert_err(vfio_container_open_mode(be, VFIO_CONTAINER_IOMMUFD, &c), ENOMEM);
	assert_msg_has("IOMMU_IOAS_ALLOC on /dev/iommu");

	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/iommu", IFD);
	vfio_expect_reply(VFIO_OP_IOAS_ALLOC, IFD, &alloc_answer, sizeof(alloc_answer), 0);
	vfio_expect_op(VFIO_OP_IOAS_IOVA_RANGES, IFD, -EIO);
	vfio_expect_op(VFIO_OP_CLOSE, IFD, 0);
	assert_err(vfio_container_open_mode(be, VFIO_CONTAINER_IOMMUFD, &c), EIO);
	assert_msg_has("IOMMU_IOAS_IOVA_RANGES");
	assert_null(c);
}

static void container_close_waits_for_devices(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = open_device(c);
	struct vfio_group *g = (void *)1;

	assert_err(vfio_container_close(c), EBUSY);
	assert_msg_has("1 device(s) still open");
	assert_err(vfio_group_open(c, 12, &g), EOPNOTSUPP);
	assert_null(g);
	close_device(d, DFD);
	vfio_expect_op(VFIO_OP_CLOSE, IFD, -EIO); /* the close is tried, and its error told */
	assert_err(vfio_container_close(c), EIO);
	assert_msg_has("close /dev/iommu");
}

/* ---- devices ---- */

static void device_by_name(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = open_device(c);

	assert_string_equal(vfio_device_name(d), NAME);
	assert_int_equal(vfio_device_fd(d), DFD);
	assert_int_equal(vfio_device_devid(d), DEVID);
	assert_null(vfio_device_group(d));
	assert_int_equal(seen.bind.argsz, sizeof(seen.bind));
	assert_int_equal(seen.bind.flags, 0);
	assert_int_equal(seen.bind.iommufd, IFD);
	assert_int_equal(seen.attach.pt_id, IOAS);
	assert_int_equal(seen.open_flags, O_RDWR | O_CLOEXEC);
	close_device(d, DFD);
	close_container(c);
}

static void device_platform_and_two_devices(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = open_device(c), *d2 = NULL;

	/* not a PCI device: the platform bus has it */
	vfio_expect_path(VFIO_OP_LIST_DIR, -1, PCI_DIR, -ENOENT);
	vfio_expect_path_reply(VFIO_OP_LIST_DIR, -1, PLAT_DIR, "vfio12", 7, 7);
	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/devices/vfio12", DFD2);
	script_setup(DFD2);
	assert_ok(vfio_device_open(c, 0, NAME, &d2));
	/* closed in the order opened: the list keeps the other */
	close_device(d, DFD);
	assert_err(vfio_container_close(c), EBUSY);
	close_device(d2, DFD2);
	close_container(c);
}

static void device_not_found(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = (void *)1;

	vfio_expect_path(VFIO_OP_LIST_DIR, -1, PCI_DIR, -ENOENT);
	vfio_expect_path(VFIO_OP_LIST_DIR, -1, PLAT_DIR, -ENOENT);
	assert_err(vfio_device_open(c, 0, NAME, &d), ENODEV);
	assert_msg_has("has no VFIO cdev");
	assert_null(d);

	vfio_expect_path(VFIO_OP_LIST_DIR, -1, PCI_DIR, -EACCES);
	assert_err(vfio_device_open(c, 0, NAME, &d), EACCES);
	assert_msg_has("list_dir " PCI_DIR);

	vfio_expect_path(VFIO_OP_LIST_DIR, -1, PCI_DIR, 0);
	assert_err(vfio_device_open(c, 0, NAME, &d), ENODEV);
	assert_msg_has("no VFIO cdev in it");

	vfio_expect_path_reply(VFIO_OP_LIST_DIR, -1, PCI_DIR, "vfio0\0vfio1", 12, 12);
	assert_err(vfio_device_open(c, 0, NAME, &d), EPROTO);
	assert_msg_has("more than one entry");

	vfio_expect_path(VFIO_OP_LIST_DIR, -1, PCI_DIR, 4000);
	assert_err(vfio_device_open(c, 0, NAME, &d), EPROTO);
	assert_msg_has("4000 bytes of names");

	static const char *const bad[] = { "vfioX", "vfio01", "vfio", "vfio99999999999",
					   "vfio4294967296", "dev0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = strlen(bad[i]) + 1;

		vfio_expect_path_reply(VFIO_OP_LIST_DIR, -1, PCI_DIR, bad[i], n, (long)n);
		assert_err(vfio_device_open(c, 0, NAME, &d), EPROTO);
		assert_msg_has("is not a cdev name");
	}
	/* the largest cdev number there is */
	vfio_expect_path_reply(VFIO_OP_LIST_DIR, -1, PCI_DIR, "vfio4294967295", 15, 15);
	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/devices/vfio4294967295", -ENOENT);
	assert_err(vfio_device_open(c, 0, NAME, &d), ENOENT);
	assert_msg_has("failed to open /dev/vfio/devices/vfio4294967295 for device " NAME);

	assert_err(vfio_device_open(c, 0, "a/b", &d), EINVAL);
	close_container(c);
}

static void device_setup_errors_close_the_cdev(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = (void *)1;

	script_find(PCI_DIR);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	vfio_expect_op(VFIO_OP_DEVICE_BIND_IOMMUFD, DFD, -EBADF);
	vfio_expect_op(VFIO_OP_CLOSE, DFD, 0);
	assert_err(vfio_device_open(c, 0, NAME, &d), EBADF);
	assert_string_equal(vfio_last_error(),
			    "VFIO_DEVICE_BIND_IOMMUFD on " CDEV ": Bad file descriptor");
	assert_null(d);

	script_find(PCI_DIR);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	vfio_expect_reply(VFIO_OP_DEVICE_BIND_IOMMUFD, DFD, &bind_answer, sizeof(bind_answer), 0);
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, DFD, -EINVAL);
	vfio_expect_op(VFIO_OP_CLOSE, DFD, 0);
	assert_err(vfio_device_open(c, 0, NAME, &d), EINVAL);
	assert_msg_has("VFIO_DEVICE_ATTACH_IOMMUFD_PT on " CDEV " (IOAS 7)");

	/* the ranges after the attach */
	script_find(PCI_DIR);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	vfio_expect_reply(VFIO_OP_DEVICE_BIND_IOMMUFD, DFD, &bind_answer, sizeof(bind_answer), 0);
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, DFD, 0);
	vfio_expect_op(VFIO_OP_IOAS_IOVA_RANGES, IFD, -EIO);
	vfio_expect_op(VFIO_OP_CLOSE, DFD, 0);
	assert_err(vfio_device_open(c, 0, NAME, &d), EIO);
	assert_msg_has("attaching " NAME ": IOMMU_IOAS_IOVA_RANGES");

	/* the device info, once listed: off the list again */
	script_find(PCI_DIR);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	vfio_expect_reply(VFIO_OP_DEVICE_BIND_IOMMUFD, DFD, &bind_answer, sizeof(bind_answer), 0);
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, DFD, 0);
	script_ranges();
	vfio_expect_op(VFIO_OP_DEVICE_GET_INFO, DFD, -EIO);
	vfio_expect_op(VFIO_OP_CLOSE, DFD, 0);
	assert_err(vfio_device_open(c, 0, NAME, &d), EIO);
	assert_msg_has("VFIO_DEVICE_GET_INFO " NAME);
	close_container(c); /* no device left on the list */
}

static void device_open_sysfs(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = NULL;

	script_find("/sys/devices/pci0000:00/" NAME "/vfio-dev");
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	script_setup(DFD);
	assert_ok(vfio_device_open_sysfs(c, "/sys/devices/pci0000:00/" NAME "/", &d));
	assert_string_equal(vfio_device_name(d), NAME);
	close_device(d, DFD);

	vfio_expect_path(VFIO_OP_LIST_DIR, -1, "/sys/bus/pci/devices/" NAME "/vfio-dev", -ENOENT);
	assert_err(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" NAME, &d), ENODEV);
	assert_msg_has("/vfio-dev is missing");
	vfio_expect_path(VFIO_OP_LIST_DIR, -1, "/sys/bus/pci/devices/" NAME "/vfio-dev", -EIO);
	assert_err(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" NAME, &d), EIO);
	close_container(c);
}

static void device_open_cdev(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = NULL;
	static const char link[] = "../../../" NAME;

	/* named after its sysfs device */
	vfio_expect_path_reply(VFIO_OP_READLINK, -1, "/sys/class/vfio-dev/vfio0/device", link,
			       sizeof(link) - 1, (long)sizeof(link) - 1);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	script_setup(DFD);
	assert_ok(vfio_device_open_cdev(c, CDEV, &d));
	assert_string_equal(vfio_device_name(d), NAME);
	close_device(d, DFD);

	/* no sysfs: named after the cdev */
	vfio_expect_op(VFIO_OP_READLINK, -1, -ENOENT);
	vfio_expect_path(VFIO_OP_OPEN, -1, "vfio3", DFD);
	script_setup(DFD);
	assert_ok(vfio_device_open_cdev(c, "vfio3", &d));
	assert_string_equal(vfio_device_name(d), "vfio3");
	close_device(d, DFD);

	/* a link that is one name, or not a name, or fills the buffer */
	vfio_expect_reply(VFIO_OP_READLINK, -1, NAME, strlen(NAME), (long)strlen(NAME));
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	script_setup(DFD);
	assert_ok(vfio_device_open_cdev(c, CDEV, &d));
	assert_string_equal(vfio_device_name(d), NAME);
	close_device(d, DFD);
	vfio_expect_reply(VFIO_OP_READLINK, -1, "../bad name", 11, 11);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, DFD);
	script_setup(DFD);
	assert_ok(vfio_device_open_cdev(c, CDEV, &d));
	assert_string_equal(vfio_device_name(d), "vfio0");
	close_device(d, DFD);
	vfio_expect_op(VFIO_OP_READLINK, -1, 4095);
	vfio_expect_path(VFIO_OP_OPEN, -1, CDEV, -EACCES);
	assert_err(vfio_device_open_cdev(c, CDEV, &d), EACCES);
	assert_msg_has("for device vfio0");
	/* sysfs there but unreadable: told */
	vfio_expect_op(VFIO_OP_READLINK, -1, -EACCES);
	assert_err(vfio_device_open_cdev(c, CDEV, &d), EACCES);
	assert_msg_has("readlink /sys/class/vfio-dev/vfio0/device");

	assert_err(vfio_device_open_cdev(c, "/dev/vfio/12", &d), EINVAL);
	assert_err(vfio_device_open_cdev(c, "/dev/vfio/devices/vfio123456789012", &d), EINVAL);
	assert_err(vfio_device_open_cdev(c, NULL, &d), EINVAL);
	assert_err(vfio_device_open_cdev(NULL, CDEV, &d), EINVAL);
	assert_err(vfio_device_open_cdev(c, CDEV, NULL), EINVAL);
	close_container(c);
}

static void device_open_cdev_fd(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_device *d = (void *)1;

	/* bound already: attached only; the devid is not known */
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, 40, 0);
	script_ranges();
	vfio_expect_reply(VFIO_OP_DEVICE_GET_INFO, 40, &plat_info, sizeof(plat_info), 0);
	assert_ok(vfio_device_open_cdev_fd(c, 40, true, &d));
	assert_string_equal(vfio_device_name(d), "cdev fd 40");
	assert_int_equal(vfio_device_devid(d), 0);
	close_device(d, 40);

	/* bound here, then a failure: detached again, and the fd not closed */
	vfio_expect_reply(VFIO_OP_DEVICE_BIND_IOMMUFD, 40, &bind_answer, sizeof(bind_answer), 0);
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, 40, 0);
	script_ranges();
	vfio_expect_op(VFIO_OP_DEVICE_GET_INFO, 40, -EIO);
	vfio_expect_op(VFIO_OP_DEVICE_DETACH_IOMMUFD_PT, 40, -EIO);
	assert_err(vfio_device_open_cdev_fd(c, 40, false, &d), EIO);
	assert_msg_has("VFIO_DEVICE_GET_INFO cdev fd 40");
	assert_null(d);

	/* the attach fails: nothing to undo */
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, 40, -EBUSY);
	assert_err(vfio_device_open_cdev_fd(c, 40, true, &d), EBUSY);
	assert_msg_has("VFIO_DEVICE_ATTACH_IOMMUFD_PT on cdev fd 40");

	assert_err(vfio_device_open_cdev_fd(c, -1, false, &d), EINVAL);
	assert_err(vfio_device_open_cdev_fd(NULL, 40, false, &d), EINVAL);
	assert_err(vfio_device_open_cdev_fd(c, 40, false, NULL), EINVAL);
	close_container(c);
}

static void cdev_calls_need_iommufd_mode(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = (void *)1;

	assert_err(vfio_device_open_cdev(f->c, CDEV, &d), EINVAL);
	assert_msg_has("not in iommufd mode");
	assert_null(d);
	assert_err(vfio_device_open_cdev_fd(f->c, 40, false, &d), EINVAL);
	assert_msg_has("not in iommufd mode");
}

/* ---- DMA through the IOAS ---- */

static void dma_map_unmap(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_abi_ioas_unmap unmapped = { .length = 0x2000 };
	struct vfio_dma_region list[2];
	uint64_t bytes = 0;
	size_t n = 0;
	static char mem[0x2000] __attribute__((aligned(4096)));

	/* no device needed: the IOAS is there from the start */
	vfio_expect_op(VFIO_OP_IOAS_MAP, IFD, 0);
	assert_ok(vfio_dma_map(c, 0x100000, 0x2000, mem, VFIO_DMA_PROT_READ));
	assert_int_equal(seen.map.size, sizeof(seen.map));
	assert_int_equal(seen.map.flags, VFIO_ABI_IOAS_MAP_FIXED_IOVA | VFIO_ABI_IOAS_MAP_READABLE);
	assert_int_equal(seen.map.ioas_id, IOAS);
	assert_int_equal(seen.map.user_va, (uintptr_t)mem);
	assert_int_equal(seen.map.length, 0x2000);
	assert_int_equal(seen.map.iova, 0x100000);
	vfio_expect_op(VFIO_OP_IOAS_MAP, IFD, 0);
	assert_ok(vfio_dma_map(c, 0x200000, 0x1000, mem, VFIO_DMA_PROT_WRITE));
	assert_int_equal(seen.map.flags,
			 VFIO_ABI_IOAS_MAP_FIXED_IOVA | VFIO_ABI_IOAS_MAP_WRITEABLE);
	assert_ok(vfio_dma_list(c, list, 2, &n));
	assert_int_equal(n, 2);

	/* the list's checks answer first, the same errno as in legacy mode */
	assert_err(vfio_dma_map(c, 0x101000, 0x1000, mem, VFIO_DMA_PROT_READ), EEXIST);
	assert_err(vfio_dma_unmap(c, 0x100000, 0x1000, &bytes), EINVAL);
	assert_msg_has("would split");
	assert_err(vfio_dma_unmap(c, 0x300000, 0x1000, &bytes), ENOENT);
	assert_msg_has("nothing is mapped there");
	/* and what the IOMMU maps: outside the IOAS's ranges */
	assert_err(vfio_dma_map(c, 1ull << 48, 0x1000, mem, VFIO_DMA_PROT_READ), EINVAL);

	vfio_expect_reply(VFIO_OP_IOAS_UNMAP, IFD, &unmapped, sizeof(unmapped), 0);
	assert_ok(vfio_dma_unmap(c, 0x100000, 0x2000, &bytes));
	assert_int_equal(bytes, 0x2000);
	assert_int_equal(seen.unmap.ioas_id, IOAS);
	assert_int_equal(seen.unmap.iova, 0x100000);
	assert_int_equal(seen.unmap.length, 0x2000);

	vfio_expect_op(VFIO_OP_IOAS_UNMAP, IFD, -EIO);
	assert_err(vfio_dma_unmap(c, 0x200000, 0x1000, &bytes), EIO);
	assert_msg_has("IOMMU_IOAS_UNMAP [0x200000, +0x1000) in IOAS 7");

	/* unmap-all: the whole IOVA space */
	vfio_expect_op(VFIO_OP_IOAS_UNMAP, IFD, 0);
	assert_ok(vfio_dma_unmap_all(c, &bytes));
	assert_int_equal(bytes, 0x1000);
	assert_int_equal(seen.unmap.iova, 0);
	assert_int_equal(seen.unmap.length, UINT64_MAX);
	assert_ok(vfio_dma_list(c, NULL, 0, &n));
	assert_int_equal(n, 0);
	vfio_expect_op(VFIO_OP_IOAS_UNMAP, IFD, -EIO);
	assert_err(vfio_dma_unmap_all(c, &bytes), EIO);

	vfio_expect_op(VFIO_OP_IOAS_MAP, IFD, -ENOMEM);
	assert_err(vfio_dma_map(c, 0x100000, 0x1000, mem, VFIO_DMA_PROT_READ), ENOMEM);
	assert_msg_has("IOMMU_IOAS_MAP [0x100000, +0x1000) in IOAS 7");
	assert_ok(vfio_dma_list(c, NULL, 0, &n));
	assert_int_equal(n, 0);
	close_container(c);
}

static void dma_map_file(void **state)
{
	struct vfio_container *c = open_container(*state);
	struct vfio_dma_region r;
	uint64_t bytes;
	size_t n = 0;

	vfio_expect_op(VFIO_OP_IOAS_MAP_FILE, IFD, 0);
	assert_ok(vfio_dma_map_file(c, 0x100000, 0x3000, 11, 0x1000,
				    VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE));
	assert_int_equal(seen.map_file.size, sizeof(seen.map_file));
	assert_int_equal(seen.map_file.flags, VFIO_ABI_IOAS_MAP_FIXED_IOVA |
				 VFIO_ABI_IOAS_MAP_READABLE | VFIO_ABI_IOAS_MAP_WRITEABLE);
	assert_int_equal(seen.map_file.ioas_id, IOAS);
	assert_int_equal(seen.map_file.fd, 11);
	assert_int_equal(seen.map_file.start, 0x1000);
	assert_int_equal(seen.map_file.length, 0x3000);
	assert_int_equal(seen.map_file.iova, 0x100000);
	/* listed, with no address in the process */
	assert_ok(vfio_dma_list(c, &r, 1, &n));
	assert_int_equal(n, 1);
	assert_null(r.vaddr);
	assert_int_equal(r.size, 0x3000);
	assert_err(vfio_dma_map_file(c, 0x102000, 0x1000, 11, 0, VFIO_DMA_PROT_READ), EEXIST);

	/* a kernel before 6.13 */
	vfio_expect_op(VFIO_OP_IOAS_MAP_FILE, IFD, -ENOTTY);
	assert_err(vfio_dma_map_file(c, 0x200000, 0x1000, 11, 0, VFIO_DMA_PROT_READ), EOPNOTSUPP);
	assert_msg_has("the kernel lacks it (Linux 6.13");
	vfio_expect_op(VFIO_OP_IOAS_MAP_FILE, IFD, -EBADF);
	assert_err(vfio_dma_map_file(c, 0x200000, 0x1000, 11, 0, VFIO_DMA_PROT_READ), EBADF);
	assert_msg_has("IOMMU_IOAS_MAP_FILE [0x200000, +0x1000) of fd 11 at 0x0 in IOAS 7");

	assert_err(vfio_dma_map_file(c, 0x200000, 0x1000, -1, 0, VFIO_DMA_PROT_READ), EINVAL);
	assert_err(vfio_dma_map_file(c, 0x200000, 0x1000, 11, 0x10, VFIO_DMA_PROT_READ), EINVAL);
	assert_err(vfio_dma_map_file(c, 0x200000, 0, 11, 0, VFIO_DMA_PROT_READ), EINVAL);

	vfio_expect_op(VFIO_OP_IOAS_UNMAP, IFD, 0);
	assert_ok(vfio_dma_unmap_all(c, &bytes));
	assert_int_equal(bytes, 0x3000);
	close_container(c);
}

static void dma_map_file_needs_iommufd(void **state)
{
	struct t_fixture *f = *state;

	assert_err(vfio_dma_map_file(f->c, 0x100000, 0x1000, 0, 0, VFIO_DMA_PROT_READ),
		   EOPNOTSUPP);
	assert_msg_has("needs an iommufd-mode container");
}

/* ---- end to end on the sim ---- */

static void sim_end_to_end(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_container *c;
	struct vfio_device *d, *d2;
	uint8_t *mem = t_pages(2);
	uint32_t v = 0;
	uint64_t bytes = 0;

	assert_ok(vfio_container_open_mode(f->be, VFIO_CONTAINER_IOMMUFD, &c));
	assert_ok(vfio_device_open(c, 0, T_PCI, &d));
	assert_ok(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/" T_PCI2, &d2));
	assert_true(vfio_device_devid(d) != 0 && vfio_device_devid(d2) != vfio_device_devid(d));
	assert_ok(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, sizeof(v), NULL));

	mem[0] = 0x42;
	assert_ok(vfio_dma_map(c, 0x100000, 2 * 4096, mem, VFIO_DMA_PROT_READ));
	v = 0;
	assert_int_equal(vfio_sim_dma_read(f->pci, 0x100000, &v, 1), 0);
	assert_int_equal(v, 0x42);
	/* the same misuse, the same errno as in legacy mode */
	assert_err(vfio_dma_map(c, 0x101000, 4096, mem, VFIO_DMA_PROT_READ), EEXIST);
	assert_err(vfio_dma_unmap(c, 0x100000, 4096, NULL), EINVAL);
	assert_err(vfio_dma_unmap(c, 0x400000, 4096, NULL), ENOENT);

	assert_ok(vfio_sim_device_set_reset_bus(f->pci, 1));
	assert_ok(vfio_sim_device_set_reset_bus(f->pci2, 1));
	assert_ok(vfio_device_hot_reset(d2));
	assert_int_equal(vfio_sim_device_hot_reset_count(f->pci), 1);

	assert_err(vfio_container_close(c), EBUSY);
	assert_ok(vfio_dma_unmap_all(c, &bytes));
	assert_int_equal(bytes, 2 * 4096);
	assert_ok(vfio_device_close(d2));
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
	t_pages_free(mem, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(container_open_close, setup, teardown),
		cmocka_unit_test_setup_teardown(container_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(container_close_waits_for_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(device_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(device_platform_and_two_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(device_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(device_setup_errors_close_the_cdev, setup,
						teardown),
		cmocka_unit_test_setup_teardown(device_open_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(device_open_cdev, setup, teardown),
		cmocka_unit_test_setup_teardown(device_open_cdev_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(cdev_calls_need_iommufd_mode, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(dma_map_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_map_file, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_map_file_needs_iommufd, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(sim_end_to_end, t_setup, t_teardown),
	};

	return cmocka_run_group_tests_name("iommufd", tests, NULL, NULL);
}
