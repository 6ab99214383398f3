// SPDX-License-Identifier: MIT
/*
 * One IOMMU group at a time: a container of its own (the IOMMU info is the
 * container's, so each group's is its own), the group joined, each of its
 * devices opened through libvfio, reported and closed.
 *
 * When the group does not open, the tool asks the backend directly what went
 * wrong (the group file's open, VFIO_GROUP_GET_STATUS), as libvfio's single
 * -EPERM covers both a group that is not viable and an IOMMU that refuses it.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/vfio.h>
#include <vfio/backend.h>
#include <vfio/vfio.h>

#include "vfio_info.h"

/* Why vfio_group_open() failed with @err: open, viability or SET_IOMMU. */
static void group_failure(struct vfio_backend *be, unsigned int id, int err, struct vi_failure *f)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[32];
	int fd, ret;

	vi_fail(f, VI_STAGE_GROUP, err, "%s", vfio_last_error());
	if (err == -EBUSY || err == -ENOMEM)
		return;
	snprintf(path, sizeof(path), "/dev/vfio/%u", id);
	fd = be->ops->open ? be->ops->open(be, path, O_RDWR | O_CLOEXEC) : -EOPNOTSUPP;
	if (fd < 0) {
		if (fd != err)
			vi_fail(f, VI_STAGE_GROUP, fd, "open %s: %s", path, strerror(-fd));
		return;
	}
	ret = be->ops->group_get_status ? be->ops->group_get_status(be, fd, &status) : -EOPNOTSUPP;
	if (!ret && !(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		vi_fail(f, VI_STAGE_VIABLE, -EPERM, "group %u is not viable", id);
	else if (!ret && err == -EPERM)
		f->stage = VI_STAGE_IOMMU; /* it opened and is viable: VFIO_SET_IOMMU refused */
	if (be->ops->close)
		be->ops->close(be, fd);
}

static void hot_reset_info(struct vfio_backend *be, struct vfio_device *d, struct vi_reset *reset)
{
	const uint32_t max = sizeof(reset->hot) / sizeof(reset->hot[0]);
	struct vfio_pci_hot_reset_info *info;
	size_t size = sizeof(*info) + max * sizeof(info->devices[0]);
	int ret;

	if (!be->ops->device_get_pci_hot_reset_info) {
		reset->hot_reset_err = -EOPNOTSUPP;
		return;
	}
	info = calloc(1, size);
	if (!info) {
		reset->hot_reset_err = -ENOMEM;
		return;
	}
	info->argsz = (uint32_t)size;
	ret = be->ops->device_get_pci_hot_reset_info(be, vfio_device_fd(d), info);
	if (ret < 0) {
		reset->hot_reset_err = ret;
	} else {
		reset->hot_count = info->count;
		for (uint32_t i = 0; i < info->count && i < max; i++)
			reset->hot[i] = (struct vi_hot_reset_dev){
				.group = info->devices[i].group_id,
				.segment = info->devices[i].segment,
				.bus = info->devices[i].bus,
				.devfn = info->devices[i].devfn,
			};
	}
	free(info);
}

/* Everything past the open: PCI config space, reset support; then the report. */
static void report_device(struct vfio_backend *be, struct vfio_device *d,
			  const struct vi_report *base, const struct vi_printer *p, FILE *out)
{
	struct vi_report r = *base;
	const struct vfio_region_desc *cfg;
	struct vi_reset reset = { 0 };
	struct vi_pci *pci = NULL;
	char pci_error[160] = "";
	uint32_t flags = vfio_device_flags(d);

	reset.device_reset = flags & VFIO_DEVICE_FLAGS_RESET;
	if (flags & VFIO_DEVICE_FLAGS_PCI) {
		pci = calloc(1, sizeof(*pci));
		if (!pci) {
			snprintf(pci_error, sizeof(pci_error), "%s", strerror(ENOMEM));
		} else if (vfio_region_get(d, VFIO_PCI_CONFIG_REGION_INDEX, &cfg) ||
			   !(cfg->flags & VFIO_REGION_INFO_FLAG_READ)) {
			snprintf(pci_error, sizeof(pci_error), "no readable config region");
		} else {
			int ret = vi_pci_walk(d, pci);

			if (ret)
				snprintf(pci_error, sizeof(pci_error), "reading config space: %s",
					 vfio_last_error()[0] ? vfio_last_error() : strerror(-ret));
		}
		if (pci_error[0]) {
			free(pci);
			pci = NULL;
		}
		hot_reset_info(be, d, &reset);
	} else {
		reset.hot_reset_err = -EOPNOTSUPP;
	}
	r.dev = d;
	r.pci = pci;
	r.pci_error = pci_error[0] ? pci_error : NULL;
	r.reset = &reset;
	p->device(out, &r);
	free(pci);
}

/* A device bound to a host driver: -ENODEV and @f says so. */
int vi_check_driver(const struct vi_target *t, struct vi_failure *f)
{
	if (!t->driver_known || strstr(t->driver, "vfio"))
		return 0;
	if (t->driver[0])
		vi_fail(f, VI_STAGE_DRIVER, -ENODEV, "%s is bound to %s, not to a VFIO driver",
			t->name, t->driver);
	else
		vi_fail(f, VI_STAGE_DRIVER, -ENODEV, "%s is bound to no driver", t->name);
	return f->err;
}

void vi_report_failure(const struct vi_printer *p, FILE *out, const struct vi_target *t,
		       const struct vi_iommu *iommu, struct vi_failure *f, bool kernel)
{
	struct vi_facts facts = { 0 };
	struct vi_report r = { .target = t, .fail = f, .iommu = iommu };

	if (kernel)
		vi_facts_gather(&facts, t);
	else
		facts.sim_devices = vi_sim_devices;
	vi_diagnose(f, t, &facts);
	p->device(out, &r);
}

unsigned int vi_probe_group(struct vfio_backend *be, bool kernel, struct vi_target *targets,
			    size_t n, const struct vi_printer *p, FILE *out)
{
	struct vfio_container *c = NULL;
	struct vfio_group *g = NULL;
	struct vi_failure group_fail;
	struct vi_iommu iommu;
	char iommu_error[256] = "";
	unsigned int failed = 0;
	unsigned int id = targets[0].group;
	int ret;

	ret = vfio_container_open(be, &c);
	if (ret)
		vi_fail(&group_fail, VI_STAGE_CONTAINER, ret, "%s", vfio_last_error());
	else if ((ret = vfio_group_open(c, id, &g)))
		group_failure(be, id, ret, &group_fail);
	if (ret) {
		for (size_t i = 0; i < n; i++) {
			struct vi_failure f = group_fail;

			vi_report_failure(p, out, &targets[i], NULL, &f, kernel);
		}
		vfio_container_close(c);
		return (unsigned int)n;
	}
	ret = vi_iommu_query(c, &iommu, iommu_error, sizeof(iommu_error));

	for (size_t i = 0; i < n; i++) {
		struct vi_report r = {
			.target = &targets[i],
			.iommu = ret ? NULL : &iommu,
			.iommu_error = ret ? iommu_error : NULL,
		};
		struct vfio_device *d;
		struct vi_failure f;
		int err;

		if (vi_check_driver(&targets[i], &f)) {
			vi_report_failure(p, out, &targets[i], r.iommu, &f, kernel);
			failed++;
			continue;
		}
		err = vfio_device_open(c, id, targets[i].name, &d);
		if (err) {
			vi_fail(&f, VI_STAGE_DEVICE, err, "%s", vfio_last_error());
			vi_report_failure(p, out, &targets[i], r.iommu, &f, kernel);
			failed++;
			continue;
		}
		report_device(be, d, &r, p, out);
		if (vfio_device_close(d))
			fprintf(stderr, "vfio-info: %s\n", vfio_last_error());
	}
	if (!ret)
		vi_iommu_free(&iommu);
	vfio_group_close(g);
	vfio_container_close(c);
	return failed;
}
