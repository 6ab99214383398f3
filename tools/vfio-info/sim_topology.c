// SPDX-License-Identifier: MIT
/*
 * vfio-info --sim: a small simulated machine, so that the tool shows real
 * output where there is no IOMMU.  QEMU's edu device on the root complex (no
 * reset, an MSI capability) and the queue device behind a root port
 * (resettable, on a bus a hot reset can reset; PCI Express and MSI-X, its
 * MSI-X BAR mappable), each in its group, as libvfio's sim models them.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vfio/kernel.h>
#include <vfio/sim.h>
#include <vfio/sim_control.h>
#include <vfio/sim_models.h>

#include "vfio_info.h"

static const struct {
	unsigned int group;
	const char *bdf;
} sim_devices[] = {
	{ 3, "0000:00:03.0" }, /* edu */
	{ 5, "0000:01:00.0" }, /* the queue device */
};

const char vi_sim_devices[] = "0000:00:03.0 (edu, group 3) and 0000:01:00.0 (the queue device, "
			      "group 5)";

int vi_sim_build(struct vfio_backend **be, struct vi_target **targets, size_t *n)
{
	enum { N = sizeof(sim_devices) / sizeof(sim_devices[0]) };
	struct vfio_sim_group *g[N];
	struct vfio_sim_device *qdev = NULL;
	struct vi_target *t;
	struct vfio_sim *sim;
	int ret;

	ret = vfio_sim_new(&sim);
	if (ret)
		return ret;
	for (size_t i = 0; i < N && !ret; i++)
		ret = vfio_sim_group_add(sim, sim_devices[i].group, &g[i]);
	if (!ret)
		ret = vfio_sim_edu_add(g[0], sim_devices[0].bdf, false, NULL);
	if (!ret)
		ret = vfio_sim_qdev_add(g[1], sim_devices[1].bdf, 4, &qdev);
	if (!ret) /* behind a root port: a bus that can be reset */
		ret = vfio_sim_device_set_reset_bus(qdev, 1);
	t = calloc(N, sizeof(*t));
	if (!ret && !t)
		ret = -ENOMEM;
	if (ret) {
		free(t);
		vfio_backend_destroy(vfio_sim_backend(sim));
		return ret;
	}
	for (size_t i = 0; i < N; i++) {
		snprintf(t[i].name, sizeof(t[i].name), "%s", sim_devices[i].bdf);
		snprintf(t[i].path, sizeof(t[i].path), "/sys/bus/pci/devices/%s",
			 sim_devices[i].bdf);
		t[i].group = sim_devices[i].group;
		t[i].group_known = true;
	}
	*be = vfio_sim_backend(sim);
	*targets = t;
	*n = N;
	return 0;
}
