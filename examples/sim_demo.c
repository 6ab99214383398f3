// SPDX-License-Identifier: MIT
/*
 * libvfio on the sim, no hardware needed: build a PCI device in code, open it
 * through the same API a VMM uses on the kernel backend, map guest memory for
 * DMA, read and write a BAR, and take an MSI-X interrupt through an eventfd.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vfio/sim.h>
#include <vfio/vfio.h>

#define CHECK(expr)                                                                   \
	do {                                                                          \
		if ((expr) != 0) {                                                    \
			fprintf(stderr, "%s: %s\n", #expr, vfio_last_error());        \
			exit(1);                                                      \
		}                                                                     \
	} while (0)

#define RW (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)

/* A device with a 64 KiB BAR0, config space, INTx, MSI and four MSI-X vectors, in group 7. */
static struct vfio_sim_device *build(struct vfio_sim *sim)
{
	struct vfio_sim_group *g;
	struct vfio_sim_device *d;

	CHECK(vfio_sim_group_add(sim, 7, &g));
	CHECK(vfio_sim_device_add(g, "0000:00:04.0", VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
				  VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_IRQS, &d));
	CHECK(vfio_sim_region_add(d, VFIO_PCI_BAR0_REGION_INDEX, 0x10000,
				  RW | VFIO_REGION_INFO_FLAG_MMAP, NULL, NULL));
	CHECK(vfio_sim_region_add(d, VFIO_PCI_CONFIG_REGION_INDEX, 256, RW, NULL, NULL));
	CHECK(vfio_sim_irq_add(d, VFIO_PCI_INTX_IRQ_INDEX, 1,
			       VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
				       VFIO_IRQ_INFO_AUTOMASKED));
	CHECK(vfio_sim_irq_add(d, VFIO_PCI_MSI_IRQ_INDEX, 1, VFIO_IRQ_INFO_EVENTFD));
	CHECK(vfio_sim_irq_add(d, VFIO_PCI_MSIX_IRQ_INDEX, 4, VFIO_IRQ_INFO_EVENTFD));
	return d;
}

int main(void)
{
	struct vfio_container *c;
	struct vfio_device *dev;
	struct vfio_region_mapping *bar;
	const struct vfio_region_desc *r;
	struct vfio_sim_device *model;
	struct vfio_sim *sim;
	int32_t fds[4];
	uint64_t fired = 0;
	uint32_t v = 0;
	char *guest, buf[32] = "";

	CHECK(vfio_sim_new(&sim));
	model = build(sim);

	/* From here on, the code is the same on the kernel backend. */
	CHECK(vfio_container_open(vfio_sim_backend(sim), &c));
	CHECK(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/0000:00:04.0", &dev));
	printf("device %s in group %u: %u regions, %u irq indexes\n", vfio_device_name(dev),
	       vfio_group_id(vfio_device_group(dev)), vfio_device_num_regions(dev),
	       vfio_device_num_irqs(dev));
	for (unsigned int i = 0; i < vfio_device_num_regions(dev); i++)
		if (vfio_region_get(dev, i, &r) == 0)
			printf("  region %u: size 0x%llx flags 0x%x\n", i,
			       (unsigned long long)r->size, r->flags);

	/* BAR0: a write through mmap, read back through the device file */
	CHECK(vfio_region_mmap(dev, VFIO_PCI_BAR0_REGION_INDEX, PROT_READ | PROT_WRITE, &bar));
	((volatile uint32_t *)vfio_region_mapping_base(bar))[1] = 0xcafe;
	CHECK(vfio_region_read(dev, VFIO_PCI_BAR0_REGION_INDEX, 4, &v, sizeof(v), NULL));
	printf("BAR0[4] = 0x%x\n", v);

	/* DMA: 64 KiB of guest memory at IOVA 1 MiB; the device writes into it */
	guest = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(vfio_dma_map(c, 0x100000, 0x10000, guest, VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE));
	CHECK(vfio_sim_dma_write(model, 0x100400, "written by the device", 22));
	printf("guest memory at IOVA 0x100400: \"%s\"\n", guest + 0x400);
	if (vfio_sim_dma_read(model, 0x200000, buf, 4) == -EFAULT)
		printf("a device read of unmapped IOVA 0x200000: IOMMU fault #%llu\n",
		       (unsigned long long)vfio_sim_iommu_faults(sim));

	/* MSI-X: four vectors, the device raises vector 2 */
	for (int i = 0; i < 4; i++)
		fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK(vfio_irq_enable_msix(dev, fds, 4));
	vfio_sim_device_raise_irq(model, VFIO_PCI_MSIX_IRQ_INDEX, 2);
	if (read(fds[2], &fired, sizeof(fired)) == sizeof(fired))
		printf("MSI-X vector 2 fired %llu time(s)\n", (unsigned long long)fired);

	/* an error names the operation and the object */
	if (vfio_dma_map(c, 0x100000, 0x1000, guest, VFIO_DMA_PROT_READ) < 0)
		printf("expected error: %s\n", vfio_last_error());

	CHECK(vfio_irq_disable(dev, VFIO_PCI_MSIX_IRQ_INDEX));
	CHECK(vfio_dma_unmap(c, 0x100000, 0x10000, NULL));
	CHECK(vfio_region_munmap(bar));
	CHECK(vfio_device_close(dev));
	CHECK(vfio_container_close(c));
	vfio_backend_destroy(vfio_sim_backend(sim));
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	munmap(guest, 0x10000);
	printf("ok\n");
	return 0;
}
