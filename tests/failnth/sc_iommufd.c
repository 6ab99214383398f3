// SPDX-License-Identifier: MIT
/*
 * The other two container modes, end to end on the sim.  Iommufd: the IOAS,
 * mappings before any device, devices by name (PCI and platform bus), by
 * cdev path and by an adopted cdev fd, a name with no cdev, closing in the
 * wrong order, mapping with the list's checks, a device's DMA through the
 * IOAS, a file mapping on a kernel without it, hot reset of a bus whose
 * devices are all bound, unmap-all.  Noiommu: the no-IOMMU type set by the
 * first group, devices from noiommu groups, DMA refused, hot reset with the
 * group's fd.
 */

#include <fcntl.h>
#include <stdio.h>

#include "failnth.h"

#define RW (VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE)
#define PG 4096u

static long in_ioas(struct fn_run *r)
{
	return vfio_sim_ioas_mappings(r->f->sim, vfio_container_fd(r->c),
				      vfio_container_ioas_id(r->c), NULL, 0);
}

void fn_scenario_iommufd(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	struct vfio_hot_reset_device devs[4];
	char path[48];
	uint64_t unmapped = 0;
	uint32_t word = 0;
	struct vfio_backend *sim = vfio_sim_backend(f->sim);
	bool present = false, ok;
	size_t n = 0;
	int fd, rc;

	CALL(r, 0, vfio_container_open_mode(r->be, VFIO_CONTAINER_IOMMUFD, &r->c));
	CHECK(r, vfio_container_mode(r->c) == VFIO_CONTAINER_IOMMUFD);
	CHECK(r, vfio_container_ioas_id(r->c) != 0);
	CALL(r, -EOPNOTSUPP, vfio_container_check_extension(r->c, VFIO_TYPE1_IOMMU, &present));
	CALL(r, -EOPNOTSUPP, vfio_group_open(r->c, T_GROUP, &r->g[0]));

	/* the IOAS maps before any device is attached */
	CALL(r, 0, vfio_dma_map(r->c, 0x100000, 2 * PG, r->mem, RW));
	CHECK(r, in_ioas(r) == 1);

	CALL(r, 0, vfio_device_open(r->c, 0, T_PCI, &r->d[0]));
	CHECK(r, vfio_device_group(r->d[0]) == NULL && vfio_device_devid(r->d[0]) != 0);
	CALL(r, 0, vfio_device_open(r->c, 0, T_PLAT, &r->d[1]));
	snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%u", vfio_sim_device_index(f->pci2));
	CALL(r, 0, vfio_device_open_cdev(r->c, path, &r->d[2]));
	CHECK(r, strcmp(vfio_device_name(r->d[2]), T_PCI2) == 0);
	CALL(r, -ENODEV, vfio_device_open(r->c, 0, "0000:00:09.0", &r->d[3]));
	CALL(r, -EBUSY, vfio_container_close(r->c));

	/* the device reads the IOAS; the list decides first, as in legacy mode */
	r->mem[0] = 0x5a;
	CHECK(r, vfio_sim_dma_read(f->pci, 0x100000, &word, 1) == 0 && word == 0x5a);
	CALL(r, 0, vfio_dma_map(r->c, 0x200000, PG, r->mem + 2 * PG, VFIO_DMA_PROT_READ));
	CALL(r, -EEXIST, vfio_dma_map(r->c, 0x101000, PG, r->mem, RW));
	CALL(r, -EINVAL, vfio_dma_unmap(r->c, 0x100000, PG, NULL));
	CALL(r, -ENOENT, vfio_dma_unmap(r->c, 0x300000, PG, NULL));
	CALL(r, -EOPNOTSUPP, vfio_dma_map_file(r->c, 0x400000, PG, 0, 0, RW));
	CHECK(r, in_ioas(r) == 2);
	CALL(r, 0, vfio_dma_unmap(r->c, 0x200000, PG, &unmapped));
	CHECK(r, unmapped == PG);

	/* both functions of the bus are bound to this iommufd */
	CHECK(r, vfio_sim_device_set_reset_bus(f->pci, 1) == 0);
	CHECK(r, vfio_sim_device_set_reset_bus(f->pci2, 1) == 0);
	CALL(r, 0, vfio_device_hot_reset_info(r->d[0], devs, 4, &n));
	CHECK(r, n == 2 && devs[0].id == vfio_device_devid(r->d[0]));
	CALL(r, 0, vfio_device_hot_reset(r->d[0]));
	CHECK(r, vfio_sim_device_hot_reset_count(f->pci2) == 1);
	CLOSE(r, 0, vfio_device_close, r->d[2]);
	CALL(r, 0, vfio_device_hot_reset(r->d[0])); /* owned through its group still */

	/* an fd the caller opened (past the injection): adopted, or still the caller's */
	snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%u", vfio_sim_device_index(f->pci2));
	fd = sim->ops->open(sim, path, O_RDWR | O_CLOEXEC);
	CHECK(r, fd >= 0);
	fn_begin(r);
	rc = vfio_device_open_cdev_fd(r->c, fd, false, &r->d[2]);
	ok = fn_end(r, rc, 0, "vfio_device_open_cdev_fd(r->c, fd, false, &r->d[2])", __LINE__);
	if (rc)
		sim->ops->close(sim, fd);
	if (!ok)
		return;

	CALL(r, 0, vfio_dma_unmap_all(r->c, &unmapped));
	CHECK(r, unmapped == 2 * PG && in_ioas(r) == 0);
	CLOSE(r, 0, vfio_device_close, r->d[2]);
	CLOSE(r, 0, vfio_device_close, r->d[1]);
	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CLOSE(r, 0, vfio_container_close, r->c);
}

void fn_scenario_noiommu(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	bool present = false;
	size_t n = 1;

	CHECK(r, vfio_sim_set_noiommu(f->sim, true) == 0);
	CALL(r, 0, vfio_container_open_mode(r->be, VFIO_CONTAINER_NOIOMMU, &r->c));
	CALL(r, 0, vfio_container_check_extension(r->c, VFIO_NOIOMMU_IOMMU, &present));
	CHECK(r, present);
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	CHECK(r, vfio_container_iommu_type(r->c) == VFIO_NOIOMMU_IOMMU);
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI2, &r->d[1]));
	CALL(r, -ENODEV, vfio_dma_map(r->c, 0x100000, PG, r->mem, RW));
	CALL(r, -ENODEV, vfio_dma_unmap_all(r->c, NULL));
	CALL(r, 0, vfio_dma_list(r->c, NULL, 0, &n));
	CHECK(r, n == 0);

	CHECK(r, vfio_sim_device_set_reset_bus(f->pci, 1) == 0);
	CHECK(r, vfio_sim_device_set_reset_bus(f->pci2, 1) == 0);
	CALL(r, 0, vfio_device_hot_reset(r->d[1]));
	CHECK(r, vfio_sim_device_hot_reset_count(f->pci) == 1);

	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CLOSE(r, 0, vfio_device_close, r->d[1]);
	CHECK(r, vfio_container_iommu_type(r->c) == 0);
	CLOSE(r, 0, vfio_container_close, r->c);
}
