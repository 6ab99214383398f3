// SPDX-License-Identifier: MIT
/* Where the cases find their devices: a sim built like the VM, or the VM itself. */

#include <stdio.h>
#include <stdlib.h>

#include <vfio/sim.h>
#include <vfio/sim_models.h>

#include "topology.h"

static void set_dev(struct conf_dev *d, const char *bdf, unsigned int group)
{
	d->bdf = bdf;
	d->group = group;
	snprintf(d->sysfs, sizeof(d->sysfs), "/sys/bus/pci/devices/%s", bdf);
}

static void set_cdev(struct conf_dev *d, const struct vfio_sim_device *dev)
{
	snprintf(d->cdev, sizeof(d->cdev), "/dev/vfio/devices/vfio%u", vfio_sim_device_index(dev));
}

/* What the VM's intel-iommu reports: a 39-bit aperture less the x86 MSI window. */
static const struct vfio_sim_iova_range vm_iova_ranges[] = {
	{ 0, 0xfedfffffull },
	{ 0xfef00000ull, 0x7fffffffffull },
};

int conf_sim_env(struct conf_env *env, enum vfio_container_mode mode)
{
	struct vfio_sim_device *edu, *nic, *edu2;
	struct vfio_sim_group *g;
	struct vfio_sim *sim;
	int ret;

	ret = vfio_sim_new(&sim);
	if (ret)
		return ret;
	*env = (struct conf_env){
		.backend = "sim", .mode = mode, .be = vfio_sim_backend(sim), .sim = sim
	};
	ret = vfio_sim_set_iova_ranges(sim, vm_iova_ranges,
				       sizeof(vm_iova_ranges) / sizeof(vm_iova_ranges[0]));
	/* the VM of tests/vm/run --mode noiommu: no IOMMU, vfio's unsafe mode on */
	if (!ret && mode == VFIO_CONTAINER_NOIOMMU)
		ret = vfio_sim_set_noiommu(sim, true);
	if (!ret)
		ret = vfio_sim_group_add(sim, CONF_EDU_GROUP, &g);
	if (!ret)
		ret = vfio_sim_edu_add(g, CONF_EDU_BDF, false, &edu);
	if (!ret)
		ret = vfio_sim_group_add(sim, CONF_NIC_GROUP, &g);
	if (!ret)
		ret = vfio_sim_e1000e_add(g, CONF_NIC_BDF, &nic);
	if (!ret)
		ret = vfio_sim_group_add(sim, CONF_EDU2_GROUP, &g);
	if (!ret)
		ret = vfio_sim_edu_add(g, CONF_EDU2_BDF, true, &edu2);
	/* alone on the root port's bus 1, which can be reset */
	if (!ret)
		ret = vfio_sim_device_set_reset_bus(edu2, 1);
	if (ret) {
		vfio_backend_destroy(env->be);
		return ret;
	}
	set_dev(&env->edu, CONF_EDU_BDF, CONF_EDU_GROUP);
	set_dev(&env->nic, CONF_NIC_BDF, CONF_NIC_GROUP);
	set_dev(&env->edu2, CONF_EDU2_BDF, CONF_EDU2_GROUP);
	if (mode == VFIO_CONTAINER_IOMMUFD) {
		set_cdev(&env->edu, edu);
		set_cdev(&env->nic, nic);
		set_cdev(&env->edu2, edu2);
	}
	return 0;
}

static int from_environment(struct conf_dev *d, const char *bdf_var, const char *group_var,
			    const char *cdev_var)
{
	const char *bdf = getenv(bdf_var), *group = getenv(group_var);
	char *end;
	unsigned long id;

	if (!bdf || !group) {
		fprintf(stderr, "vfio-conformance: %s and %s must name the device (tests/vm/run "
			"sets them)\n", bdf_var, group_var);
		return -1;
	}
	id = strtoul(group, &end, 10);
	if (*end || end == group) {
		fprintf(stderr, "vfio-conformance: %s=%s is not a group number\n", group_var, group);
		return -1;
	}
	set_dev(d, bdf, (unsigned int)id);
	if (getenv(cdev_var))
		snprintf(d->cdev, sizeof(d->cdev), "%s", getenv(cdev_var));
	return 0;
}

int conf_kernel_env(struct conf_env *env, enum vfio_container_mode mode)
{
	/* any mode the VM offers: its iommufd boot has groups and type1 too */
	*env = (struct conf_env){ .backend = "kernel", .mode = mode };
	if (from_environment(&env->edu, "VFIO_EDU_BDF", "VFIO_EDU_GROUP", "VFIO_EDU_CDEV") ||
	    from_environment(&env->nic, "VFIO_E1000E_BDF", "VFIO_E1000E_GROUP",
			     "VFIO_E1000E_CDEV") ||
	    from_environment(&env->edu2, "VFIO_EDU2_BDF", "VFIO_EDU2_GROUP", "VFIO_EDU2_CDEV"))
		return -1;
	if (vfio_kernel_backend_new(&env->be)) {
		fprintf(stderr, "vfio-conformance: %s\n", vfio_last_error());
		return -1;
	}
	return 0;
}
