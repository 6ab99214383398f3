// SPDX-License-Identifier: MIT
/* Register access through the public API, the same on every backend. */

#include <linux/pci_regs.h>

#include "conformance.h"

uint32_t conf_read32(struct vfio_device *d, unsigned int index, uint64_t off)
{
	uint32_t v = 0;

	OK(vfio_region_read(d, index, off, &v, sizeof(v), NULL));
	return v;
}

void conf_write32(struct vfio_device *d, unsigned int index, uint64_t off, uint32_t v)
{
	OK(vfio_region_write(d, index, off, &v, sizeof(v), NULL));
}

uint64_t conf_read64(struct vfio_device *d, unsigned int index, uint64_t off)
{
	uint64_t v = 0;

	OK(vfio_region_read(d, index, off, &v, sizeof(v), NULL));
	return v;
}

void conf_write64(struct vfio_device *d, unsigned int index, uint64_t off, uint64_t v)
{
	OK(vfio_region_write(d, index, off, &v, sizeof(v), NULL));
}

uint16_t conf_config16(struct vfio_device *d, uint64_t off)
{
	uint16_t v = 0;

	OK(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, sizeof(v), NULL));
	return v;
}

uint8_t conf_config8(struct vfio_device *d, uint64_t off)
{
	uint8_t v = 0;

	OK(vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, &v, sizeof(v), NULL));
	return v;
}

void conf_bus_master(struct vfio_device *d, bool on)
{
	uint16_t cmd = conf_config16(d, PCI_COMMAND);

	cmd = on ? cmd | PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MASTER;
	OK(vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, &cmd, sizeof(cmd), NULL));
}

bool edu_dma(struct vfio_device *d, uint64_t src, uint64_t dst, uint32_t count, uint32_t cmd)
{
	conf_write64(d, 0, EDU_DMA_SRC, src);
	conf_write64(d, 0, EDU_DMA_DST, dst);
	conf_write64(d, 0, EDU_DMA_COUNT, count);
	conf_write64(d, 0, EDU_DMA_CMD, cmd | EDU_DMA_START);
	/* ~100 ms of the VM's time; TCG makes that longer, the sim a few accesses */
	for (int i = 0; i < 300; i++) {
		if (!(conf_read32(d, 0, EDU_DMA_CMD) & EDU_DMA_START))
			return true;
		conf_sleep(10);
	}
	return false;
}
