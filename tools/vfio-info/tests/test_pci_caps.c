// SPDX-License-Identifier: MIT
/*
 * vfio-info's PCI report: a config space built by hand in a sim device's
 * config region (good lists, the capabilities decoded; a list libvfio refuses,
 * reported), then the real config regions of the sim's edu and queue device.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/pci_regs.h>
#include <vfio/sim.h>
#include <vfio/sim_models.h>
#include <vfio/vfio.h>

#include "vfio_info.h"

static uint8_t cfg[4096];

static void put16(uint32_t off, uint16_t v)
{
	memcpy(cfg + off, &v, 2);
}

static void put32(uint32_t off, uint32_t v)
{
	memcpy(cfg + off, &v, 4);
}

static void cap(uint8_t off, uint8_t id, uint8_t next)
{
	cfg[off] = id;
	cfg[off + 1] = next;
}

/* A PCI Express endpoint: PM at 0x40, MSI at 0x50, PCIe at 0x60, MSI-X at 0x80, AF at 0x90;
 * AER at 0x100, ACS at 0x140. */
static void build(void)
{
	memset(cfg, 0, sizeof(cfg));
	put16(PCI_VENDOR_ID, 0x8086);
	put16(PCI_DEVICE_ID, 0x10d3);
	put32(PCI_CLASS_REVISION, 0x02000003);
	put16(PCI_STATUS, PCI_STATUS_CAP_LIST);
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	cap(0x40, PCI_CAP_ID_PM, 0x50);
	put16(0x40 + PCI_PM_CTRL, PCI_PM_CTRL_NO_SOFT_RESET | 3);
	cap(0x50, PCI_CAP_ID_MSI, 0x60);
	put16(0x50 + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT | (2 << 1)); /* 4 vectors */
	cap(0x60, PCI_CAP_ID_EXP, 0x80);
	put16(0x60 + PCI_EXP_FLAGS, 2 | (PCI_EXP_TYPE_ENDPOINT << 4));
	put32(0x60 + PCI_EXP_DEVCAP, PCI_EXP_DEVCAP_FLR);
	cap(0x80, PCI_CAP_ID_MSIX, 0x90);
	put16(0x80 + PCI_MSIX_FLAGS, 4); /* 5 vectors */
	put32(0x80 + PCI_MSIX_TABLE, 3);
	put32(0x80 + PCI_MSIX_PBA, 0x2000 | 3);
	cap(0x90, PCI_CAP_ID_AF, 0);
	cfg[0x90 + PCI_AF_CAP] = PCI_AF_CAP_TP | PCI_AF_CAP_FLR;
	put32(0x100, PCI_EXT_CAP_ID_ERR | (2u << 16) | (0x140u << 20));
	put32(0x140, PCI_EXT_CAP_ID_ACS | (1u << 16));
}

/* A sim device whose config region holds the first @len bytes of cfg[], opened. */
struct rig {
	struct vfio_sim *sim;
	struct vfio_container *c;
	struct vfio_device *d;
};

static void open_rig(struct rig *r, uint64_t len)
{
	struct vfio_sim_group *g;
	struct vfio_sim_device *sd;

	assert_int_equal(vfio_sim_new(&r->sim), 0);
	assert_int_equal(vfio_sim_group_add(r->sim, 3, &g), 0);
	assert_int_equal(vfio_sim_device_add(g, "0000:00:03.0", VFIO_DEVICE_FLAGS_PCI,
					     VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_IRQS, &sd), 0);
	assert_int_equal(vfio_sim_region_add(sd, VFIO_PCI_CONFIG_REGION_INDEX, len,
					     VFIO_REGION_INFO_FLAG_READ, NULL, NULL), 0);
	assert_int_equal(vfio_sim_irq_add(sd, VFIO_PCI_MSIX_IRQ_INDEX, 1, VFIO_IRQ_INFO_EVENTFD),
			 0);
	memcpy(vfio_sim_region_mem(sd, VFIO_PCI_CONFIG_REGION_INDEX), cfg, len);
	assert_int_equal(vfio_container_open(vfio_sim_backend(r->sim), &r->c), 0);
	assert_int_equal(vfio_device_open(r->c, 3, "0000:00:03.0", &r->d), 0);
}

static void close_rig(struct rig *r)
{
	assert_int_equal(vfio_device_close(r->d), 0);
	assert_int_equal(vfio_container_close(r->c), 0);
	vfio_backend_destroy(vfio_sim_backend(r->sim));
}

static void walk(uint64_t len, struct vi_pci *p)
{
	struct rig r;

	open_rig(&r, len);
	assert_int_equal(vi_pci_walk(r.d, p), 0);
	close_rig(&r);
}

static void test_lists(void **state)
{
	struct vi_pci p;

	(void)state;
	build();
	walk(sizeof(cfg), &p);
	assert_string_equal(p.error, "");
	assert_int_equal(p.vendor, 0x8086);
	assert_int_equal(p.class_code, 0x020000);
	assert_int_equal(p.revision, 3);
	assert_int_equal(p.nr_caps, 7);
	assert_int_equal(p.caps[1].id, PCI_CAP_ID_MSI);
	assert_string_equal(p.caps[1].detail, "4 vectors, 64-bit");
	assert_string_equal(p.caps[3].detail, "5 vectors, table BAR3+0x0, PBA BAR3+0x2000");
	assert_true(p.flr_pcie && p.flr_af && p.has_pm && p.pm_no_soft_reset);
	assert_true(p.caps[5].extended);
	assert_int_equal(p.caps[5].id, PCI_EXT_CAP_ID_ERR);
	assert_int_equal(p.caps[5].version, 2);
	assert_int_equal(p.caps[6].offset, 0x140);
	/* a conventional device's 256 bytes: no extended list */
	walk(256, &p);
	assert_int_equal(p.nr_caps, 5);
}

static void test_broken_lists(void **state)
{
	struct vi_pci p;

	(void)state;
	build();
	cfg[0x91] = 0x50; /* AF points back at MSI */
	walk(sizeof(cfg), &p);
	assert_non_null(strstr(p.error, "more than 48 entries"));
	assert_int_equal(p.nr_caps, 0);
	assert_int_equal(p.vendor, 0x8086); /* the header is still reported */

	build();
	cfg[0x91] = 0x20; /* into the header */
	walk(sizeof(cfg), &p);
	assert_non_null(strstr(p.error, "lies outside"));

	build();
	put32(0x140, PCI_EXT_CAP_ID_ACS | (1u << 16) | (0x100u << 20)); /* ext loop */
	walk(sizeof(cfg), &p);
	assert_non_null(strstr(p.error, "more than 480 entries"));

	build();
	put16(PCI_STATUS, 0); /* no list at all */
	walk(256, &p);
	assert_int_equal(p.nr_caps, 0);
	assert_string_equal(p.error, "");

	build();
	put32(0x100, 0x140u << 20); /* vfio-pci hid AER: id 0, the list goes on */
	walk(sizeof(cfg), &p);
	assert_int_equal(p.nr_caps, 6);
	assert_int_equal(p.caps[5].id, PCI_EXT_CAP_ID_ACS);
}

static void test_sim_models(void **state)
{
	struct vfio_sim *sim;
	struct vfio_sim_group *g;
	struct vfio_container *c;
	struct vfio_device *edu, *qdev;
	struct vi_pci p;

	(void)state;
	assert_int_equal(vfio_sim_new(&sim), 0);
	assert_int_equal(vfio_sim_group_add(sim, 3, &g), 0);
	assert_int_equal(vfio_sim_edu_add(g, "0000:00:03.0", false, NULL), 0);
	assert_int_equal(vfio_sim_qdev_add(g, "0000:00:04.0", 2, NULL), 0);
	assert_int_equal(vfio_container_open(vfio_sim_backend(sim), &c), 0);
	assert_int_equal(vfio_device_open(c, 3, "0000:00:03.0", &edu), 0);
	assert_int_equal(vfio_device_open(c, 3, "0000:00:04.0", &qdev), 0);

	assert_int_equal(vi_pci_walk(edu, &p), 0);
	assert_int_equal(p.vendor, 0x1234);
	assert_int_equal(p.device, 0x11e8);
	assert_int_equal(p.nr_caps, 1);
	assert_int_equal(p.caps[0].id, PCI_CAP_ID_MSI);
	assert_int_equal(p.caps[0].offset, 0x40);

	assert_int_equal(vi_pci_walk(qdev, &p), 0);
	assert_int_equal(p.device, 0x7e57);
	assert_string_equal(p.error, "");
	assert_int_equal(p.caps[0].id, PCI_CAP_ID_EXP);
	assert_int_equal(p.caps[1].id, PCI_CAP_ID_MSIX);
	assert_non_null(strstr(p.caps[1].detail, "2 vectors, table BAR2+0x0"));

	assert_int_equal(vfio_device_close(qdev), 0);
	assert_int_equal(vfio_device_close(edu), 0);
	assert_int_equal(vfio_container_close(c), 0);
	vfio_backend_destroy(vfio_sim_backend(sim));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_broken_lists),
		cmocka_unit_test(test_sim_models),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
