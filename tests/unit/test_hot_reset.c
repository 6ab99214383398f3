// SPDX-License-Identifier: MIT
/*
 * core/hot_reset.c: the devices a PCI hot reset takes along, and the reset
 * with its proof of ownership.  Group mode on the sim (its bus reset model);
 * hostile answers through hookbe; iommufd mode on the strict mock.
 */

#include <stdlib.h>

#include <vfio/mock_cmocka.h>

#include "hookbe.h"
#include "testutil.h"

#define OTHER_GROUP 20u
#define OTHER "0000:00:06.0"

/* T_PCI, T_PCI2 (group 12) and OTHER (group 20) share bus 1's reset. */
static struct vfio_sim_device *bus_of_three(struct t_fixture *f)
{
	struct vfio_sim_group *g;
	struct vfio_sim_device *other;

	assert_int_equal(vfio_sim_group_add(f->sim, OTHER_GROUP, &g), 0);
	/* enough for the core: the config and MSI-X indexes exist */
	assert_int_equal(vfio_sim_device_add(g, OTHER, VFIO_DEVICE_FLAGS_PCI, 9, 5, &other), 0);
	assert_int_equal(vfio_sim_device_set_reset_bus(f->pci, 1), 0);
	assert_int_equal(vfio_sim_device_set_reset_bus(f->pci2, 1), 0);
	assert_int_equal(vfio_sim_device_set_reset_bus(other, 1), 0);
	return other;
}

static void info_lists_the_bus(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_hot_reset_device devs[4];
	size_t n = 0;

	bus_of_three(f);
	assert_ok(vfio_device_hot_reset_info(d, devs, 4, &n));
	assert_int_equal(n, 3);
	assert_int_equal(devs[0].segment, 0);
	assert_int_equal(devs[0].bus, 0);
	assert_int_equal(devs[0].devfn, 4 << 3);
	assert_int_equal(devs[0].id, T_GROUP);
	assert_int_equal(devs[1].devfn, 4 << 3 | 1);
	assert_int_equal(devs[2].devfn, 6 << 3);
	assert_int_equal(devs[2].id, OTHER_GROUP);
	/* less room than devices: the count all the same */
	memset(devs, 0xff, sizeof(devs));
	assert_ok(vfio_device_hot_reset_info(d, devs, 1, &n));
	assert_int_equal(n, 3);
	assert_int_equal(devs[0].id, T_GROUP);
	assert_int_equal(devs[1].id, UINT32_MAX);
	assert_ok(vfio_device_hot_reset_info(d, NULL, 0, &n));
	assert_int_equal(n, 3);
	assert_err(vfio_device_hot_reset_info(d, NULL, 1, &n), EINVAL);
	assert_err(vfio_device_hot_reset_info(d, devs, 1, NULL), EINVAL);
	assert_ok(vfio_device_close(d));
}

static void info_errors(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	size_t n = 7;

	/* no slot or bus reset */
	assert_err(vfio_device_hot_reset_info(d, NULL, 0, &n), ENODEV);
	assert_msg_has("VFIO_DEVICE_GET_PCI_HOT_RESET_INFO " T_PCI);
	assert_int_equal(n, 0);
	assert_err(vfio_device_hot_reset(d), ENODEV);
	bus_of_three(f);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO, 2, EIO));
	assert_err(vfio_device_hot_reset_info(d, NULL, 0, &n), EIO);
	vfio_fault_clear(f->be);
	assert_ok(vfio_device_close(d));
}

static void reset_needs_every_group(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f), *d2 = NULL;
	struct vfio_group *g = NULL;

	bus_of_three(f);
	assert_err(vfio_device_hot_reset(d), EPERM);
	assert_string_equal(vfio_last_error(), "VFIO_DEVICE_PCI_HOT_RESET " T_PCI ": affected "
			    "device " OTHER " is in group 20, not open in this container: "
			    "Operation not permitted");
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_DEVICE_PCI_HOT_RESET), 0);

	/* group 12 once (two devices in it), group 20 */
	assert_ok(vfio_device_open(f->c, T_GROUP, T_PCI2, &d2));
	assert_ok(vfio_group_open(f->c, OTHER_GROUP, &g));
	assert_ok(vfio_device_hot_reset(d));
	assert_int_equal(vfio_sim_device_hot_reset_count(f->pci), 1);
	assert_int_equal(vfio_sim_device_hot_reset_count(f->pci2), 1);

	assert_ok(vfio_fault_inject(f->be, VFIO_OP_DEVICE_PCI_HOT_RESET, 1, EBUSY));
	assert_err(vfio_device_hot_reset(d), EBUSY);
	assert_msg_has("VFIO_DEVICE_PCI_HOT_RESET " T_PCI " (2 groups)");
	vfio_fault_clear(f->be);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO, 1, EIO));
	assert_err(vfio_device_hot_reset(d), EIO);
	vfio_fault_clear(f->be);
	assert_ok(vfio_group_close(g));
	assert_ok(vfio_device_close(d2));
	assert_ok(vfio_device_close(d));
}

/* ---- answers no kernel gives ---- */

static uint32_t hostile_count;

static int growing_info(struct vfio_backend *be, int fd, struct vfio_pci_hot_reset_info *info)
{
	(void)be, (void)fd;
	info->count = hostile_count++;
	return -ENOSPC;
}

static int huge_info(struct vfio_backend *be, int fd, struct vfio_pci_hot_reset_info *info)
{
	(void)be, (void)fd;
	info->count = 1u << 20;
	return -ENOSPC;
}

/* Success, but a count beyond the room given: believed only on a retry. */
static int overfull_info(struct vfio_backend *be, int fd, struct vfio_pci_hot_reset_info *info)
{
	(void)be, (void)fd;
	info->count = 2;
	info->flags = 0;
	if (info->argsz >= sizeof(*info) + 2 * sizeof(info->devices[0])) {
		info->devices[0] = (struct vfio_pci_dependent_device){ .group_id = 1 };
		info->devices[1] = (struct vfio_pci_dependent_device){ .group_id = 2 };
	}
	return 0;
}

static void hostile_info(void **state)
{
	struct t_fixture *f = *state;
	struct t_hook h;
	struct vfio_container *c;
	struct vfio_device *d;
	struct vfio_hot_reset_device devs[2];
	size_t n;

	t_hook_init(&h, f->be);
	assert_ok(vfio_container_open(&h.base, &c));
	assert_ok(vfio_device_open(c, T_GROUP, T_PCI, &d));
	h.ops.device_get_pci_hot_reset_info = growing_info;
	hostile_count = 1;
	assert_err(vfio_device_hot_reset_info(d, devs, 2, &n), EPROTO);
	assert_msg_has("the count keeps growing");
	h.ops.device_get_pci_hot_reset_info = huge_info;
	assert_err(vfio_device_hot_reset(d), EPROTO);
	assert_msg_has("1048576 devices");
	h.ops.device_get_pci_hot_reset_info = overfull_info;
	assert_ok(vfio_device_hot_reset_info(d, devs, 2, &n));
	assert_int_equal(n, 2);
	assert_int_equal(devs[1].id, 2);
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
}

/* ---- iommufd mode, on the strict mock ---- */

#define IFD 3
#define DFD 5

static struct vfio_pci_hot_reset seen_reset;

static long recording_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	if (op == VFIO_OP_DEVICE_PCI_HOT_RESET)
		seen_reset = *c->arg.hot_reset;
	return vfio_mock_cmocka_call(opaque, op, c);
}

static int mock_setup(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = recording_call };
	struct vfio_backend *be;

	memset(&seen_reset, 0, sizeof(seen_reset));
	if (vfio_mock_backend_new(&hooks, NULL, &be))
		return -1;
	*state = be;
	return 0;
}

static int mock_teardown(void **state)
{
	vfio_backend_destroy(*state);
	return 0;
}

static const struct vfio_abi_ioas_alloc alloc_answer = { .out_ioas_id = 1 };
static const struct {
	struct vfio_abi_ioas_iova_ranges q;
	struct vfio_abi_iova_range r[1];
} ranges_answer = { .q = { .num_iovas = 1, .out_iova_alignment = 4096 }, .r = { { 0, ~0ull } } };
static const struct vfio_device_info pci_info = {
	.argsz = sizeof(pci_info), .flags = VFIO_DEVICE_FLAGS_PLATFORM
};

/* An iommufd container and a device adopted from a bound cdev fd. */
static void open_both(struct vfio_backend *be, struct vfio_container **c, struct vfio_device **d)
{
	vfio_expect_op(VFIO_OP_OPEN, -1, IFD);
	vfio_expect_reply(VFIO_OP_IOAS_ALLOC, IFD, &alloc_answer, sizeof(alloc_answer), 0);
	vfio_expect_reply(VFIO_OP_IOAS_IOVA_RANGES, IFD, &ranges_answer, sizeof(ranges_answer), 0);
	assert_ok(vfio_container_open_mode(be, VFIO_CONTAINER_IOMMUFD, c));
	vfio_expect_op(VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, DFD, 0);
	vfio_expect_reply(VFIO_OP_IOAS_IOVA_RANGES, IFD, &ranges_answer, sizeof(ranges_answer), 0);
	vfio_expect_reply(VFIO_OP_DEVICE_GET_INFO, DFD, &pci_info, sizeof(pci_info), 0);
	assert_ok(vfio_device_open_cdev_fd(*c, DFD, true, d));
}

static void close_both(struct vfio_container *c, struct vfio_device *d)
{
	vfio_expect_op(VFIO_OP_CLOSE, DFD, 0);
	assert_ok(vfio_device_close(d));
	vfio_expect_op(VFIO_OP_CLOSE, IFD, 0);
	assert_ok(vfio_container_close(c));
}

/* A hot-reset info answer: the struct and up to two devices after it. */
struct info_answer {
	_Alignas(8) uint8_t bytes[sizeof(struct vfio_pci_hot_reset_info) +
				  2 * sizeof(struct vfio_pci_dependent_device)];
	size_t size;
};

static void make_info(struct info_answer *a, uint32_t flags, uint32_t count,
		      const struct vfio_pci_dependent_device *devs)
{
	struct vfio_pci_hot_reset_info info = { .flags = flags, .count = count };

	memcpy(a->bytes, &info, sizeof(info));
	memcpy(a->bytes + sizeof(info), devs, count * sizeof(*devs));
	a->size = sizeof(info) + count * sizeof(*devs);
}

/* Asked twice: first with no room (the mock answers ENOSPC with the count). */
static void script_info(const struct info_answer *a)
{
	vfio_expect_reply(VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO, DFD, a->bytes, a->size, 0);
	vfio_expect_reply(VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO, DFD, a->bytes, a->size, 0);
}

static void iommufd_reset(void **state)
{
	struct vfio_container *c;
	struct vfio_device *d;
	struct vfio_hot_reset_device devs[2];
	struct info_answer owned, not_owned, inconsistent;
	size_t n = 0;
	/* this device bound (devid 9); the other owned through its group (devid 0) */
	const struct vfio_pci_dependent_device owned_devs[] = {
		{ .group_id = 9, .devfn = 0x20 },
		{ .group_id = VFIO_ABI_PCI_DEVID_OWNED, .devfn = 0x21 },
	};
	const struct vfio_pci_dependent_device other_devs[] = {
		{ .group_id = 9, .devfn = 0x20 },
		{ .group_id = VFIO_ABI_PCI_DEVID_NOT_OWNED, .bus = 2, .devfn = 0x21 },
	};

	make_info(&owned, VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID |
			  VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID_OWNED, 2, owned_devs);
	make_info(&not_owned, VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID, 2, other_devs);
	make_info(&inconsistent, VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID, 1, owned_devs);

	open_both(*state, &c, &d);
	script_info(&owned);
	assert_ok(vfio_device_hot_reset_info(d, devs, 2, &n));
	assert_int_equal(n, 2);
	assert_int_equal(devs[0].id, 9);
	assert_int_equal(devs[0].devfn, 0x20);
	assert_int_equal(devs[1].id, VFIO_HOT_RESET_OWNED);

	/* the kernel takes both: no fds, count 0 */
	script_info(&owned);
	vfio_expect_op(VFIO_OP_DEVICE_PCI_HOT_RESET, DFD, 0);
	assert_ok(vfio_device_hot_reset(d));
	assert_int_equal(seen_reset.argsz, sizeof(seen_reset));
	assert_int_equal(seen_reset.flags, 0);
	assert_int_equal(seen_reset.count, 0);

	script_info(&owned);
	vfio_expect_op(VFIO_OP_DEVICE_PCI_HOT_RESET, DFD, -EINVAL);
	assert_err(vfio_device_hot_reset(d), EINVAL);
	assert_msg_has("VFIO_DEVICE_PCI_HOT_RESET cdev fd 5");

	/* a device not ours: named, and the kernel not asked */
	script_info(&not_owned);
	assert_err(vfio_device_hot_reset(d), EPERM);
	assert_msg_has("affected device 0000:02:04.1 is not owned through this iommufd");
	script_info(&inconsistent);
	assert_err(vfio_device_hot_reset(d), EPERM);
	assert_msg_has("the kernel says not every affected device is owned");
	close_both(c, d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(info_lists_the_bus, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(info_errors, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(reset_needs_every_group, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(hostile_info, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(iommufd_reset, mock_setup, mock_teardown),
	};

	return cmocka_run_group_tests_name("hot_reset", tests, NULL, NULL);
}
