// SPDX-License-Identifier: MIT
/*
 * core/pci.c: the capability walk over hand-made config spaces (good lists,
 * loops, stray pointers, a hidden first extended capability), then through a
 * device's config region on the sim, and the bus-master bit.
 */

#include <linux/pci_regs.h>

#include "private.h"
#include "testutil.h"

static uint8_t cfg[4096 + 64];

static void put16(unsigned int off, uint16_t v)
{
	cfg[off] = (uint8_t)v;
	cfg[off + 1] = (uint8_t)(v >> 8);
}

static void put32(unsigned int off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

static void cap(unsigned int off, uint8_t id, uint8_t next)
{
	cfg[off] = id;
	cfg[off + 1] = next;
}

static void ext(unsigned int off, uint16_t id, uint8_t ver, unsigned int next)
{
	put32(off, id | (uint32_t)ver << 16 | (uint32_t)next << 20);
}

/* PM at 0x40, MSI at 0x50, PCIe at 0x60 (next pointer with low bits set), MSI-X at 0x80;
 * a hidden first extended capability at 0x100, AER at 0x140, ACS at 0x200. */
static void build(uint8_t *buf)
{
	memset(cfg, 0, sizeof(cfg));
	put16(PCI_VENDOR_ID, 0x8086);
	put16(PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg[PCI_CAPABILITY_LIST] = 0x43; /* low bits are reserved: masked */
	cap(0x40, PCI_CAP_ID_PM, 0x50);
	cap(0x50, PCI_CAP_ID_MSI, 0x60);
	cap(0x60, PCI_CAP_ID_EXP, 0x82);
	cap(0x80, PCI_CAP_ID_MSIX, 0);
	ext(0x100, 0, 0, 0x140);
	ext(0x140, PCI_EXT_CAP_ID_ERR, 2, 0x200);
	ext(0x200, PCI_EXT_CAP_ID_ACS, 1, 0);
	if (buf)
		memcpy(buf, cfg, 4096);
}

static int walk(size_t len, struct vfio_pci_cap *out, size_t room, size_t *n)
{
	vfio_clear_error();
	return vfio_pci_walk_caps(cfg, len, out, room, n);
}

static void test_walk_good(void **state)
{
	struct vfio_pci_cap c[8];
	size_t n = 0;

	(void)state;
	build(NULL);
	assert_ok(walk(4096, c, 8, &n));
	assert_int_equal(n, 6);
	assert_int_equal(c[0].id, PCI_CAP_ID_PM);
	assert_int_equal(c[0].offset, 0x40);
	assert_false(c[0].extended);
	assert_int_equal(c[2].offset, 0x60);
	assert_int_equal(c[3].id, PCI_CAP_ID_MSIX);
	assert_int_equal(c[3].offset, 0x80);
	assert_true(c[4].extended);
	assert_int_equal(c[4].id, PCI_EXT_CAP_ID_ERR);
	assert_int_equal(c[4].version, 2);
	assert_int_equal(c[4].offset, 0x140);
	assert_int_equal(c[5].id, PCI_EXT_CAP_ID_ACS);

	/* less room than capabilities: the count is all of them */
	memset(c, 0xee, sizeof(c));
	assert_ok(walk(4096, c, 2, &n));
	assert_int_equal(n, 6);
	assert_int_equal(c[1].id, PCI_CAP_ID_MSI);
	assert_int_equal(c[2].id, 0xeeee);
	assert_ok(walk(4096, NULL, 0, &n));
	assert_int_equal(n, 6);

	/* 256 bytes: no extended list; more than 4096: only 4096 looked at */
	assert_ok(walk(256, c, 8, &n));
	assert_int_equal(n, 4);
	ext(0xffc, PCI_EXT_CAP_ID_VNDR, 1, 0);
	ext(0x200, PCI_EXT_CAP_ID_ACS, 1, 0xffc);
	assert_ok(walk(sizeof(cfg), c, 8, &n));
	assert_int_equal(n, 7);
	assert_int_equal(c[6].offset, 0xffc);

	/* no capability list; an all-ones id ends it; no extended list (0, all ones) */
	build(NULL);
	put16(PCI_STATUS, 0);
	ext(0x100, 0, 0, 0);
	assert_ok(walk(4096, c, 8, &n));
	assert_int_equal(n, 0);
	build(NULL);
	cfg[0x60] = 0xff;
	put32(0x100, 0xffffffff);
	assert_ok(walk(4096, c, 8, &n));
	assert_int_equal(n, 2);
	/* a header of 0 after the first ends the list too */
	build(NULL);
	put32(0x200, 0);
	assert_ok(walk(4096, c, 8, &n));
	assert_int_equal(n, 5);
}

static void test_walk_malformed(void **state)
{
	size_t n = 77;

	(void)state;
	build(NULL);
	assert_err(walk(0x3f, NULL, 0, &n), EPROTO);
	assert_msg_has("shorter than the header");

	cap(0x50, PCI_CAP_ID_MSI, 0x3c); /* into the header */
	assert_err(walk(4096, NULL, 0, &n), EPROTO);
	assert_msg_has("pointer 0x3c lies outside 0x40-0xff");

	build(NULL);
	assert_err(walk(0x52, NULL, 0, &n), EPROTO); /* 0x60 is past a short config space */
	assert_msg_has("0x40-0x51");

	build(NULL);
	cap(0x80, PCI_CAP_ID_MSIX, 0x40); /* back to the first */
	assert_err(walk(4096, NULL, 0, &n), EPROTO);
	assert_msg_has("more than 48 entries");

	build(NULL);
	ext(0x140, PCI_EXT_CAP_ID_ERR, 2, 0x80); /* into standard space */
	assert_err(walk(4096, NULL, 0, &n), EPROTO);
	assert_msg_has("extended capability pointer 0x080");

	build(NULL);
	assert_err(walk(0x202, NULL, 0, &n), EPROTO); /* 0x200's header is cut short */
	assert_msg_has("0x100-0x201");

	build(NULL);
	ext(0x200, PCI_EXT_CAP_ID_ACS, 1, 0x140);
	assert_err(walk(4096, NULL, 0, &n), EPROTO);
	assert_msg_has("more than 480 entries");
	assert_int_equal(n, 77); /* untouched on an error */
}

/* ---- through a device ---- */

static void test_device(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_pci_cap c[8];
	struct vfio_device *d, *plat;
	unsigned int off = 0;
	uint8_t *mem = vfio_sim_region_mem(f->pci, VFIO_PCI_CONFIG_REGION_INDEX);
	size_t n = 0;

	assert_non_null(mem);
	build(mem); /* its config region has 256 bytes: the standard list only */
	d = t_open_pci(f);
	assert_ok(vfio_pci_caps(d, c, 8, &n));
	assert_int_equal(n, 4);
	assert_int_equal(c[3].offset, 0x80);
	assert_ok(vfio_pci_find_cap(d, PCI_CAP_ID_EXP, &off));
	assert_int_equal(off, 0x60);
	assert_err(vfio_pci_find_cap(d, PCI_CAP_ID_VPD, &off), ENOENT);
	assert_msg_has("no capability 0x3");
	assert_err(vfio_pci_find_ext_cap(d, PCI_EXT_CAP_ID_ERR, &off), ENOENT);

	/* bus master: only that bit of the command register changes */
	mem[PCI_COMMAND] = PCI_COMMAND_MEMORY;
	mem[PCI_COMMAND + 1] = 0x04;
	assert_ok(vfio_pci_set_bus_master(d, true));
	assert_int_equal(mem[PCI_COMMAND], PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(mem[PCI_COMMAND + 1], 0x04);
	assert_ok(vfio_pci_set_bus_master(d, false));
	assert_int_equal(mem[PCI_COMMAND], PCI_COMMAND_MEMORY);
	assert_int_equal(mem[PCI_COMMAND + 1], 0x04);

	/* the config access fails: its errno, the call named */
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_PREAD, 1, EIO));
	assert_err(vfio_pci_caps(d, c, 8, &n), EIO);
	assert_msg_has("vfio_pci_caps on " T_PCI);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_PREAD, 1, EIO));
	assert_err(vfio_pci_set_bus_master(d, true), EIO);
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_PWRITE, 1, EACCES));
	assert_err(vfio_pci_set_bus_master(d, true), EACCES);
	assert_msg_has("vfio_pci_set_bus_master on " T_PCI);

	/* a malformed list: the device named */
	mem[0x80 + 1] = 0x40;
	assert_err(vfio_pci_find_cap(d, PCI_CAP_ID_VPD, &off), EPROTO);
	assert_msg_has("vfio_pci_find_cap on " T_PCI);

	/* bad arguments; a device that is not PCI */
	assert_err(vfio_pci_caps(d, NULL, 1, &n), EINVAL);
	assert_err(vfio_pci_caps(d, c, 1, NULL), EINVAL);
	assert_err(vfio_pci_caps(NULL, c, 1, &n), EINVAL);
	assert_err(vfio_pci_find_cap(d, PCI_CAP_ID_EXP, NULL), EINVAL);
	assert_err(vfio_pci_set_bus_master(NULL, true), EINVAL);
	assert_ok(vfio_device_open(f->c, T_GROUP_PLAT, T_PLAT, &plat));
	assert_err(vfio_pci_caps(plat, c, 8, &n), EINVAL);
	assert_msg_has("not a PCI device");
	assert_err(vfio_pci_set_bus_master(plat, true), EINVAL);
	assert_ok(vfio_device_close(plat));
	assert_ok(vfio_device_close(d));
}

static bool config_region_info(enum vfio_backend_op op, int fd, const void *arg, void *opaque)
{
	const struct vfio_region_info *info = arg;

	(void)op;
	(void)fd;
	(void)opaque;
	return info->index == VFIO_PCI_CONFIG_REGION_INDEX;
}

/* A PCI device whose config region the kernel refused: no walk, no bus master. */
static void test_no_config_region(void **state)
{
	struct t_fixture *f = *state;
	const struct vfio_fault_filter refuse = {
		.op = VFIO_OP_DEVICE_GET_REGION_INFO, .match = config_region_info, .err = EINVAL
	};
	struct vfio_pci_cap c[8];
	struct vfio_device *d;
	unsigned int id = 0;
	size_t n = 0;

	assert_ok(vfio_fault_filter_add(f->be, &refuse, &id));
	d = t_open_pci(f);
	assert_ok(vfio_fault_filter_remove(f->be, id));
	assert_err(vfio_pci_caps(d, c, 8, &n), ENOENT);
	assert_msg_has("vfio_pci_caps on " T_PCI);
	assert_err(vfio_pci_set_bus_master(d, true), ENOENT);
	assert_ok(vfio_device_close(d));
}

/* A PCI Express device: a config region of 4 KiB, so the extended list is read. */
static void test_express(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_sim_group *g;
	struct vfio_sim_device *sd;
	struct vfio_device *d;
	struct vfio_pci_cap c[8];
	unsigned int off = 0;
	size_t n = 0;

	assert_ok(vfio_sim_group_add(f->sim, 40, &g));
	assert_ok(vfio_sim_device_add(g, "0000:00:06.0", VFIO_DEVICE_FLAGS_PCI,
				      VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_IRQS, &sd));
	assert_ok(vfio_sim_region_add(sd, VFIO_PCI_CONFIG_REGION_INDEX, 0x1000,
				      VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
				      NULL, NULL));
	assert_ok(vfio_sim_irq_add(sd, VFIO_PCI_MSIX_IRQ_INDEX, 1, VFIO_IRQ_INFO_EVENTFD));
	build(vfio_sim_region_mem(sd, VFIO_PCI_CONFIG_REGION_INDEX));
	assert_ok(vfio_device_open(f->c, 40, "0000:00:06.0", &d));
	assert_ok(vfio_pci_caps(d, c, 8, &n));
	assert_int_equal(n, 6);
	assert_ok(vfio_pci_find_ext_cap(d, PCI_EXT_CAP_ID_ACS, &off));
	assert_int_equal(off, 0x200);
	assert_ok(vfio_pci_find_cap(d, PCI_CAP_ID_MSIX, &off));
	assert_int_equal(off, 0x80);
	/* an extended id equal to a standard one is not taken for it */
	assert_err(vfio_pci_find_ext_cap(d, PCI_CAP_ID_MSI, &off), ENOENT);
	assert_ok(vfio_device_close(d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_good),
		cmocka_unit_test(test_walk_malformed),
		cmocka_unit_test_setup_teardown(test_device, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(test_no_config_region, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(test_express, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
