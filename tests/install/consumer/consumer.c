// SPDX-License-Identifier: MIT
/*
 * A libvfio user, built against the installed headers and libraries: QEMU's
 * edu device on the sim, opened through the public API, its id register read
 * through BAR0 and its vendor id through the config region.
 */

#include <stdint.h>
#include <stdio.h>

#include <vfio/sim.h>
#include <vfio/sim_models.h>
#include <vfio/vfio.h>

#ifndef CONSUMER_HOW
#define CONSUMER_HOW "pkg-config"
#endif

int main(void)
{
	struct vfio_sim *sim;
	struct vfio_sim_group *g;
	struct vfio_container *c;
	struct vfio_device *dev;
	uint32_t id = 0;
	uint16_t vendor = 0;

	if (vfio_sim_new(&sim) || vfio_sim_group_add(sim, 3, &g) ||
	    vfio_sim_edu_add(g, "0000:00:03.0", true, NULL) ||
	    vfio_container_open(vfio_sim_backend(sim), &c) ||
	    vfio_device_open_sysfs(c, "/sys/bus/pci/devices/0000:00:03.0", &dev) ||
	    vfio_region_read(dev, VFIO_PCI_BAR0_REGION_INDEX, 0, &id, sizeof(id), NULL) ||
	    vfio_region_read(dev, VFIO_PCI_CONFIG_REGION_INDEX, 0, &vendor, sizeof(vendor), NULL)) {
		fprintf(stderr, "consumer (%s): %s\n", CONSUMER_HOW, vfio_last_error());
		return 1;
	}
	printf("consumer (%s): edu %04x, id register 0x%08x\n", CONSUMER_HOW, vendor, id);
	if (vfio_device_close(dev) || vfio_container_close(c))
		return 1;
	vfio_backend_destroy(vfio_sim_backend(sim));
	return vendor == 0x1234 && id == 0x010000ed ? 0 : 1;
}
