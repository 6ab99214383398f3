// SPDX-License-Identifier: MIT
/* Config space and BAR access: reads, writes, bounds, and mmap of regions. */

#include <linux/pci_regs.h>
#include <sys/mman.h>

#include "conformance.h"

CONF_CASE(config_ids)
{
	struct vfio_device *e = conf_device(conf_container(env), &env->edu);
	struct vfio_device *n = conf_device(conf_container(env), &env->nic);

	EQ(conf_config16(e, PCI_VENDOR_ID), 0x1234);
	EQ(conf_config16(e, PCI_DEVICE_ID), 0x11e8);
	EQ(conf_config16(n, PCI_VENDOR_ID), 0x8086);
	EQ(conf_config16(n, PCI_DEVICE_ID), 0x10d3);
}

CONF_CASE(config_vendor_id_read_only)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	uint16_t v = 0xffff;

	OK(vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_VENDOR_ID, &v, 2, NULL));
	EQ(conf_config16(d, PCI_VENDOR_ID), 0x1234);
}

CONF_CASE(config_bus_master_on_off)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	conf_bus_master(d, true);
	CHECK(conf_config16(d, PCI_COMMAND) & PCI_COMMAND_MASTER);
	conf_bus_master(d, false);
	CHECK(!(conf_config16(d, PCI_COMMAND) & PCI_COMMAND_MASTER));
}

/* Walk the capability list through the config region: edu has MSI, e1000e MSI-X. */
static bool has_cap(struct vfio_device *d, uint8_t id)
{
	uint8_t pos;

	if (!(conf_config16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return false;
	pos = conf_config8(d, PCI_CAPABILITY_LIST);
	for (int n = 0; pos && n < 48; n++) {
		CHECK(pos >= 0x40);
		if (conf_config8(d, pos) == id)
			return true;
		pos = conf_config8(d, pos + 1);
	}
	return false;
}

CONF_CASE(config_capability_list)
{
	struct vfio_device *e = conf_device(conf_container(env), &env->edu);
	struct vfio_device *n = conf_device(conf_container(env), &env->nic);

	CHECK(has_cap(e, PCI_CAP_ID_MSI));
	CHECK(!has_cap(e, PCI_CAP_ID_MSIX));
	CHECK(has_cap(n, PCI_CAP_ID_MSIX));
	CHECK(has_cap(n, PCI_CAP_ID_EXP));
}

CONF_CASE(config_read_past_end_is_einval)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	uint32_t v;

	ERR(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0x100, &v, 4, NULL), EINVAL);
	ERR(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0xfe, &v, 4, NULL), EINVAL);
	ERR(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, UINT64_MAX, &v, 4, NULL), EINVAL);
}

CONF_CASE(edu_id_register)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	EQ(conf_read32(d, 0, EDU_ID), 0x010000ed);
}

CONF_CASE(edu_liveness)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	conf_write32(d, 0, EDU_LIVENESS, 0x12345678);
	EQ(conf_read32(d, 0, EDU_LIVENESS), 0xedcba987);
	conf_write32(d, 0, EDU_LIVENESS, 0);
	EQ(conf_read32(d, 0, EDU_LIVENESS), 0xffffffff);
}

CONF_CASE(edu_id_read_only)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	conf_write32(d, 0, EDU_ID, 0);
	EQ(conf_read32(d, 0, EDU_ID), 0x010000ed);
}

CONF_CASE(edu_factorial)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int i;

	conf_write32(d, 0, EDU_FACTORIAL, 5);
	for (i = 0; i < 200 && (conf_read32(d, 0, EDU_STATUS) & 1); i++)
		conf_sleep(5);
	EQ(conf_read32(d, 0, EDU_FACTORIAL), 120);
	conf_write32(d, 0, EDU_FACTORIAL, 10);
	for (i = 0; i < 200 && (conf_read32(d, 0, EDU_STATUS) & 1); i++)
		conf_sleep(5);
	EQ(conf_read32(d, 0, EDU_FACTORIAL), 3628800);
}

/* Registers below 0x80 take 4-byte accesses only: others read all ones. */
CONF_CASE(edu_wide_access_reads_ones)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	EQ(conf_read64(d, 0, EDU_ID), UINT64_MAX);
}

CONF_CASE(edu_dma_registers_take_8_bytes)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	conf_write64(d, 0, EDU_DMA_SRC, 0x123456789000ull);
	EQ(conf_read64(d, 0, EDU_DMA_SRC), 0x123456789000ull);
}

CONF_CASE(bar_access_bounds)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	uint32_t v;

	ERR(vfio_region_read(d, 0, 0x100000, &v, 4, NULL), EINVAL);
	ERR(vfio_region_write(d, 0, 0xffffe, &v, 4, NULL), EINVAL);
	/* a BAR the device lacks: size 0 and no READ flag */
	ERR(vfio_region_read(d, VFIO_PCI_BAR1_REGION_INDEX, 0, &v, 4, NULL), EINVAL);
	ERR(vfio_region_read(d, VFIO_PCI_VGA_REGION_INDEX, 0, &v, 4, NULL), ENOENT);
}

CONF_CASE(edu_bar0_mmap)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	struct vfio_region_mapping *m;
	const struct vfio_mmap_area *a;
	volatile uint32_t *regs;

	OK(vfio_region_mmap(d, 0, PROT_READ | PROT_WRITE, &m));
	conf_track_mapping(m);
	EQ(vfio_region_mapping_areas(m, &a), 1);
	EQ(a[0].size, 0x100000);
	regs = vfio_region_mapping_base(m);
	EQ(regs[EDU_ID / 4], 0x010000ed);
	regs[EDU_LIVENESS / 4] = 0x0f0f0f0f;
	/* the store reached the device: read back through the device file */
	EQ(conf_read32(d, 0, EDU_LIVENESS), 0xf0f0f0f0);
}

CONF_CASE(edu_bar0_mmap_register_semantics)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	struct vfio_region_mapping *m;
	volatile uint32_t *regs;

	OK(vfio_region_mmap(d, 0, PROT_READ | PROT_WRITE, &m));
	conf_track_mapping(m);
	regs = vfio_region_mapping_base(m);
	CONF_SIM_CANNOT(env, "trap a load that follows a store through an mmapped register");
	regs[EDU_LIVENESS / 4] = 0x0f0f0f0f;
	EQ(regs[EDU_LIVENESS / 4], 0xf0f0f0f0);
}

CONF_CASE(config_not_mappable)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	struct vfio_region_mapping *m;

	ERR(vfio_region_mmap(d, VFIO_PCI_CONFIG_REGION_INDEX, PROT_READ, &m), EINVAL);
	ERR(vfio_region_mmap(d, VFIO_PCI_BAR1_REGION_INDEX, PROT_READ, &m), EINVAL);
}

CONF_CASE(nic_bar3_mmap_whole)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	struct vfio_region_mapping *m;
	const struct vfio_mmap_area *a;

	OK(vfio_region_mmap(d, VFIO_PCI_BAR3_REGION_INDEX, PROT_READ | PROT_WRITE, &m));
	conf_track_mapping(m);
	EQ(vfio_region_mapping_areas(m, &a), 1);
	EQ(a[0].offset, 0);
	EQ(a[0].size, 0x4000);
}

CONF_CASE(unmap_region_then_close)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d = conf_device(c, &env->edu);
	struct vfio_region_mapping *m;

	OK(vfio_region_mmap(d, 0, PROT_READ, &m));
	OK(vfio_region_munmap(m));
	OK(vfio_region_mmap(d, 0, PROT_READ, &m));
	/* left mapped: closing the device unmaps it */
	conf_close_device(d);
}
