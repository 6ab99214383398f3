// SPDX-License-Identifier: MIT
/*
 * What the IOMMU and the device say of themselves: the IOMMU info a group's
 * join brings (IOVA ranges, then none: all of IOVA space), the check of a
 * mapping against it, IOVA reservations past the list's first room, the PCI
 * capability walk and the bus-master bit, device features (data on the stack
 * and on the heap), an ioeventfd.
 */

#include <linux/pci_regs.h>

#include "failnth.h"

#define PG 4096u
#define RESV 10 /* more than the reservation list first holds */

void fn_scenario_info(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	uint8_t *cfg = vfio_sim_region_mem(f->pci, VFIO_PCI_CONFIG_REGION_INDEX);
	struct vfio_iommu_info info;
	struct vfio_iommu_range ranges[4];
	struct vfio_pci_cap caps[4];
	uint64_t iova[RESV];
	uint8_t big[100];
	unsigned int off = 0;
	uint32_t flags = 0;
	size_t n = 0;

	/* a standard list: MSI at 0x40, MSI-X at 0x50 */
	cfg[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	cfg[PCI_CAPABILITY_LIST] = 0x40;
	cfg[0x40] = PCI_CAP_ID_MSI;
	cfg[0x41] = 0x50;
	cfg[0x50] = PCI_CAP_ID_MSIX;

	CALL(r, 0, vfio_container_open(r->be, &r->c));
	CALL(r, -ENODEV, vfio_iommu_get_info(r->c, &info));
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	CALL(r, 0, vfio_iommu_get_info(r->c, &info));
	CHECK(r, info.nr_ranges == 2 && info.dma_avail == info.dma_limit);
	CALL(r, 0, vfio_iommu_ranges(r->c, ranges, 4, &n));
	CHECK(r, n == 2 && ranges[0].start == 0);
	CALL(r, -EINVAL, vfio_dma_map(r->c, 0xfee00000, PG, r->mem, VFIO_DMA_PROT_READ));
	CALL(r, 0, vfio_dma_map(r->c, 0x100000, PG, r->mem, VFIO_DMA_PROT_READ));

	for (int i = 0; i < RESV; i++)
		CALL(r, 0, vfio_iova_alloc(r->c, PG, 0, &iova[i]));
	CHECK(r, iova[0] == 0 && iova[RESV - 1] == (RESV - 1) * PG);
	for (int i = 0; i < RESV; i++)
		CALL(r, 0, vfio_iova_free(r->c, iova[i], PG));

	CALL(r, 0, vfio_pci_caps(r->d[0], caps, 4, &n));
	CHECK(r, n == 2 && caps[1].id == PCI_CAP_ID_MSIX);
	CALL(r, 0, vfio_pci_find_cap(r->d[0], PCI_CAP_ID_MSIX, &off));
	CHECK(r, off == 0x50);
	CALL(r, 0, vfio_pci_set_bus_master(r->d[0], true));
	CHECK(r, cfg[PCI_COMMAND] & PCI_COMMAND_MASTER);

	CALL(r, 0, vfio_device_feature_probe(r->d[0], VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
					     &flags));
	CHECK(r, flags == VFIO_DEVICE_FEATURE_SET);
	CALL(r, 0, vfio_device_feature_set(r->d[0], VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0));
	CALL(r, -ENOTTY, vfio_device_feature_get(r->d[0], VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, big,
						 sizeof(big)));

	/* an ioeventfd on BAR0: added, refused twice, removed, not there to remove */
	r->efd[0] = t_eventfd();
	CALL(r, 0, vfio_device_ioeventfd(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, 0x10, 4, 1,
					 r->efd[0]));
	CALL(r, -EEXIST, vfio_device_ioeventfd(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, 0x10, 4, 1,
					       r->efd[0]));
	CALL(r, 0, vfio_device_ioeventfd(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, 0x10, 4, 1, -1));
	CALL(r, -ENODEV, vfio_device_ioeventfd(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, 0x10, 4, 1,
					       -1));

	/* the group leaves, the IOMMU is forgotten; it comes back with no ranges */
	CALL(r, 0, vfio_dma_unmap_all(r->c, NULL));
	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CALL(r, -ENODEV, vfio_iommu_ranges(r->c, ranges, 4, &n));
	CHECK(r, vfio_sim_set_iova_ranges(f->sim, NULL, 0) == 0);
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	CALL(r, 0, vfio_iommu_ranges(r->c, ranges, 4, &n));
	CHECK(r, n == 1 && ranges[0].last == UINT64_MAX);
	CALL(r, 0, vfio_dma_map(r->c, 0xfee00000, PG, r->mem, VFIO_DMA_PROT_READ));
	CALL(r, 0, vfio_dma_unmap_all(r->c, NULL));
	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CLOSE(r, 0, vfio_container_close, r->c);
}
