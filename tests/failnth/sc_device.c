// SPDX-License-Identifier: MIT
/*
 * Devices and their regions: open by name and from sysfs (PCI and platform),
 * devices that cannot be opened (neither PCI nor platform, not in the group,
 * no sysfs link, a group that is not viable), the region descriptions, reads
 * and writes of memory-backed and trapped regions, reset, and close.
 */

#include <string.h>

#include "failnth.h"

void fn_scenario_device(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	const struct vfio_region_desc *rd;
	uint8_t out[16], in[16];
	uint32_t v = 0;
	size_t done = 0;

	CALL(r, 0, vfio_container_open(r->be, &r->c));
	/* the group held by a handle of its own, then by the devices too */
	CALL(r, 0, vfio_group_open(r->c, T_GROUP, &r->g[0]));
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	CHECK(r, vfio_device_group(r->d[0]) == r->g[0]);
	CHECK(r, !strcmp(vfio_device_name(r->d[0]), T_PCI));
	CHECK(r, vfio_group_id(vfio_device_group(r->d[0])) == T_GROUP);
	CHECK(r, vfio_device_fd(r->d[0]) >= 0);
	CHECK(r, vfio_device_flags(r->d[0]) & VFIO_DEVICE_FLAGS_PCI);
	CHECK(r, vfio_device_num_regions(r->d[0]) == VFIO_PCI_NUM_REGIONS);
	CHECK(r, vfio_device_num_irqs(r->d[0]) == VFIO_PCI_NUM_IRQS);

	/* the second device of the group shares its group */
	CALL(r, 0, vfio_device_open_sysfs(r->c, "/sys/bus/pci/devices/" T_PCI2, &r->d[1]));
	CHECK(r, vfio_device_group(r->d[1]) == vfio_device_group(r->d[0]));
	/* a platform device, from a path with a trailing slash: a second group */
	CALL(r, 0, vfio_device_open_sysfs(r->c, "/sys/bus/platform/devices/" T_PLAT "/", &r->d[2]));
	CHECK(r, vfio_device_flags(r->d[2]) & VFIO_DEVICE_FLAGS_PLATFORM);

	/* refused after GET_INFO: its fd closed, its new group left again */
	CALL(r, -EINVAL, vfio_device_open(r->c, T_GROUP_ODD, T_ODD, &r->d[3]));
	/* no such device in the group: the group stays, its references as they were */
	CALL(r, -ENODEV, vfio_device_open(r->c, T_GROUP, "0000:00:09.0", &r->d[3]));
	CALL(r, -ENOENT,
	     vfio_device_open_sysfs(r->c, "/sys/bus/pci/devices/0000:00:09.0", &r->d[3]));
	CALL(r, -EPERM, vfio_device_open(r->c, T_GROUP_BAD, T_PCI_BAD, &r->d[3]));
	CHECK(r, r->d[3] == NULL);

	CALL(r, 0, vfio_region_get(r->d[0], VFIO_PCI_BAR2_REGION_INDEX, &rd));
	CHECK(r, rd->present && rd->size == T_BAR2_SIZE);
	CHECK(r, (rd->caps & VFIO_REGION_HAS_SPARSE_MMAP) && rd->nr_sparse == 2);
	CHECK(r, rd->caps & VFIO_REGION_HAS_MSIX_MAPPABLE);
	CALL(r, -ENOENT, vfio_region_get(r->d[0], VFIO_PCI_VGA_REGION_INDEX, &rd));
	CHECK(r, !rd->present);

	/* config space, a memory-backed BAR, the trapped BAR4 */
	CALL(r, 0, vfio_region_write(r->d[0], VFIO_PCI_CONFIG_REGION_INDEX, 0x40,
				     "\x12\x34\x56\x78", 4, NULL));
	CALL(r, 0, vfio_region_read(r->d[0], VFIO_PCI_CONFIG_REGION_INDEX, 0x40, &v, 4, &done));
	CHECK(r, done == 4 && v == 0x78563412);
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(0xa0 + i);
	CALL(r, 0, vfio_region_write(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, 0x100, out, sizeof(out),
				     &done));
	CALL(r, 0,
	     vfio_region_read(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, 0x100, in, sizeof(in), NULL));
	CHECK(r, !memcmp(in, out, sizeof(in)));
	CALL(r, 0, vfio_region_write(r->d[1], VFIO_PCI_BAR4_REGION_INDEX, 8, out, 8, NULL));
	CALL(r, 0, vfio_region_read(r->d[1], VFIO_PCI_BAR4_REGION_INDEX, 8, in, 8, NULL));
	CHECK(r, f->bar4_writes > 0 && f->bar4_reads > 0 && !memcmp(in, out, 8));
	/* BAR5 is read-only: refused before the backend */
	CALL(r, -EINVAL, vfio_region_write(r->d[0], VFIO_PCI_BAR5_REGION_INDEX, 0, out, 4, NULL));
	CALL(r, 0, vfio_region_read(r->d[2], 1, 0x10, &v, sizeof(v), NULL));

	CALL(r, 0, vfio_device_reset(r->d[0]));
	CHECK(r, vfio_sim_device_reset_count(f->pci) == 1);
	CALL(r, -EOPNOTSUPP, vfio_device_reset(r->d[2]));

	CLOSE(r, 0, vfio_device_close, r->d[1]);
	CLOSE(r, 0, vfio_group_close, r->g[0]); /* the device still holds it */
	CHECK(r, vfio_group_fd(vfio_device_group(r->d[0])) >= 0);
	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CLOSE(r, 0, vfio_device_close, r->d[2]);
	CALL(r, 0, vfio_device_close(NULL));
	CLOSE(r, 0, vfio_container_close, r->c);
}
