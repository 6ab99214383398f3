// SPDX-License-Identifier: MIT
/* What the kernel says of each device: device info, regions with caps, irq indexes. */

#include "conformance.h"

#define RW (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)
#define RWM (RW | VFIO_REGION_INFO_FLAG_MMAP)

static const struct vfio_region_desc *region(struct vfio_device *d, unsigned int index)
{
	const struct vfio_region_desc *r;

	OK(vfio_region_get(d, index, &r));
	EQ(r->index, index);
	/* vfio-pci places region i at i << 40 of the device file */
	EQ(r->offset, (uint64_t)index << 40);
	return r;
}

static const struct vfio_irq_desc *irq(struct vfio_device *d, unsigned int index)
{
	const struct vfio_irq_desc *i;

	OK(vfio_irq_get(d, index, &i));
	return i;
}

CONF_CASE(edu_device_info)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	/* on the root complex: no FLR, no PM, no bus to reset */
	EQ(vfio_device_flags(d), VFIO_DEVICE_FLAGS_PCI);
	EQ(vfio_device_num_regions(d), VFIO_PCI_NUM_REGIONS);
	EQ(vfio_device_num_irqs(d), VFIO_PCI_NUM_IRQS);
}

CONF_CASE(edu2_device_info_resettable)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu2);

	EQ(vfio_device_flags(d), VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
}

CONF_CASE(edu_bar0_info)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	const struct vfio_region_desc *r = region(d, VFIO_PCI_BAR0_REGION_INDEX);

	EQ(r->size, 0x100000);
	EQ(r->flags, RWM);
	EQ(r->caps, 0);
}

CONF_CASE(edu_missing_bars_have_size_0)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);

	for (unsigned int i = VFIO_PCI_BAR1_REGION_INDEX; i <= VFIO_PCI_ROM_REGION_INDEX; i++) {
		const struct vfio_region_desc *r = region(d, i);

		EQ(r->size, 0);
		EQ(r->flags, 0);
		CHECK(r->present);
	}
}

CONF_CASE(edu_config_region_info)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	const struct vfio_region_desc *r = region(d, VFIO_PCI_CONFIG_REGION_INDEX);

	EQ(r->size, 0x100);
	EQ(r->flags, RW);
}

CONF_CASE(edu_vga_region_absent)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	const struct vfio_region_desc *r;

	ERR(vfio_region_get(d, VFIO_PCI_VGA_REGION_INDEX, &r), ENOENT);
	CHECK(!r->present);
	ERR(vfio_region_get(d, VFIO_PCI_NUM_REGIONS, &r), EINVAL);
}

CONF_CASE(nic_regions)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	const struct vfio_region_desc *r;

	EQ(vfio_device_flags(d), VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	r = region(d, VFIO_PCI_BAR0_REGION_INDEX);
	EQ(r->size, 0x20000);
	EQ(r->flags, RWM);
	r = region(d, VFIO_PCI_BAR1_REGION_INDEX);
	EQ(r->size, 0x20000);
	EQ(r->flags, RWM);
	r = region(d, VFIO_PCI_BAR2_REGION_INDEX); /* I/O ports: no mmap */
	EQ(r->size, 0x20);
	EQ(r->flags, RW);
	r = region(d, VFIO_PCI_CONFIG_REGION_INDEX);
	EQ(r->size, 0x1000);
}

CONF_CASE(nic_bar3_is_msix_mappable)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	const struct vfio_region_desc *r = region(d, VFIO_PCI_BAR3_REGION_INDEX);

	EQ(r->size, 0x4000);
	EQ(r->flags, RWM | VFIO_REGION_INFO_FLAG_CAPS);
	/* vfio-pci sends only this capability: no sparse areas, no type */
	EQ(r->caps, VFIO_REGION_HAS_MSIX_MAPPABLE);
}

CONF_CASE(edu_irq_indexes)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	const struct vfio_irq_desc *i;

	i = irq(d, VFIO_PCI_INTX_IRQ_INDEX);
	EQ(i->count, 1);
	EQ(i->flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED);
	i = irq(d, VFIO_PCI_MSI_IRQ_INDEX);
	EQ(i->count, 1);
	EQ(i->flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	i = irq(d, VFIO_PCI_MSIX_IRQ_INDEX);
	EQ(i->count, 0);
	/* ERR exists on PCIe devices only: the kernel refuses it for edu */
	i = irq(d, VFIO_PCI_ERR_IRQ_INDEX);
	EQ(i->count, 0);
	i = irq(d, VFIO_PCI_REQ_IRQ_INDEX);
	EQ(i->count, 1);
	EQ(i->flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	EQ(vfio_irq_max_count(d), 1);
}

CONF_CASE(nic_irq_indexes)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	const struct vfio_irq_desc *i;

	i = irq(d, VFIO_PCI_MSIX_IRQ_INDEX);
	EQ(i->count, 5);
	/* no NORESIZE: vectors can be added to an enabled set */
	EQ(i->flags, VFIO_IRQ_INFO_EVENTFD);
	EQ(irq(d, VFIO_PCI_ERR_IRQ_INDEX)->count, 1);
	EQ(vfio_irq_max_count(d), 5);
}
