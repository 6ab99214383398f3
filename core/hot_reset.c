// SPDX-License-Identifier: MIT
/*
 * PCI hot reset: which devices a bus (or slot) reset would take along, and the
 * reset itself with the proof of ownership the kernel wants: the fds of every
 * affected group (group-opened devices), or nothing (a cdev bound to an
 * iommufd, whose ownership the kernel checks itself).  The core checks that
 * proof first, to name the device or group that is missing.
 */

#include <stdlib.h>
#include <string.h>

#include "private.h"

/* No bus holds more devices than this: past it the count is not believed. */
#define HOT_RESET_MAX 4096u

#define PCI_FMT "%04x:%02x:%02x.%x"
#define PCI_ARGS(dev) (dev)->segment, (dev)->bus, (dev)->devfn >> 3, (dev)->devfn & 7

/*
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, asked first with no room for devices;
 * the kernel answers ENOSPC with the count, and is asked again with room for
 * it.  *@out is the caller's to free.
 */
static int get_info(struct vfio_device *d, struct vfio_pci_hot_reset_info **out)
{
	uint32_t count = 0;

	for (int tries = 0; tries < 3; tries++) {
		size_t argsz = sizeof(**out) + (size_t)count * sizeof((*out)->devices[0]);
		struct vfio_pci_hot_reset_info *info = calloc(1, argsz);
		int ret;

		if (!info)
			return vfio_fail(-ENOMEM, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO %s", d->name);
		info->argsz = (uint32_t)argsz;
		ret = BE_CALL(d->be, device_get_pci_hot_reset_info, d->fd, info);
		if (ret == 0 && info->count <= count) {
			*out = info;
			return 0;
		}
		/* The count has grown since it was asked (a device was added): ask again. */
		count = info->count;
		free(info);
		if (ret < 0 && ret != -ENOSPC)
			return vfio_fail(ret, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO %s", d->name);
		if (count > HOT_RESET_MAX)
			return vfio_fail(-EPROTO, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO %s: %u "
					 "devices is past any bus", d->name, count);
	}
	return vfio_fail(-EPROTO, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO %s: the count keeps growing",
			 d->name);
}

int vfio_device_hot_reset_info(struct vfio_device *d, struct vfio_hot_reset_device *out,
			       size_t cap, size_t *count)
{
	struct vfio_pci_hot_reset_info *info = NULL;
	int ret;

	if (!count || (cap && !out))
		return vfio_fail(-EINVAL, "vfio_device_hot_reset_info: no place for the devices");
	*count = 0;
	ret = get_info(d, &info);
	if (ret)
		return ret;
	*count = info->count;
	for (size_t i = 0; i < cap && i < info->count; i++) {
		const struct vfio_pci_dependent_device *dev = &info->devices[i];

		/* group_id shares its place with the devid of the cdev form */
		out[i] = (struct vfio_hot_reset_device){
			.segment = dev->segment, .bus = dev->bus, .devfn = dev->devfn,
			.id = dev->group_id,
		};
	}
	free(info);
	return 0;
}

/* Legacy and noiommu: the fd of every affected group, each open in @d's container. */
static int reset_groups(struct vfio_device *d, const struct vfio_pci_hot_reset_info *info)
{
	struct vfio_container *c = d->c;
	size_t argsz = sizeof(struct vfio_pci_hot_reset) + info->count * sizeof(int32_t);
	struct vfio_pci_hot_reset *reset = calloc(1, argsz);
	int ret = 0;

	if (!reset)
		return vfio_fail(-ENOMEM, "VFIO_DEVICE_PCI_HOT_RESET %s", d->name);
	reset->argsz = (uint32_t)argsz;
	/* The lock keeps every group file open until the kernel has them. */
	vfio_lock(&c->lock);
	for (uint32_t i = 0; i < info->count; i++) {
		const struct vfio_pci_dependent_device *dev = &info->devices[i];
		const struct vfio_group *g = NULL;
		uint32_t j;

		for (size_t k = 0; k < c->nr_groups && !g; k++)
			if (c->groups[k]->id == dev->group_id)
				g = c->groups[k];
		if (!g) {
			ret = vfio_fail(-EPERM, "VFIO_DEVICE_PCI_HOT_RESET %s: affected device "
					PCI_FMT " is in group %u, not open in this container",
					d->name, PCI_ARGS(dev), dev->group_id);
			break;
		}
		for (j = 0; j < reset->count && reset->group_fds[j] != g->fd; j++)
			;
		if (j == reset->count)
			reset->group_fds[reset->count++] = g->fd;
	}
	if (!ret) {
		ret = BE_CALL(d->be, device_pci_hot_reset, d->fd, reset);
		if (ret < 0)
			ret = vfio_fail(ret, "VFIO_DEVICE_PCI_HOT_RESET %s (%u groups)", d->name,
					reset->count);
	}
	vfio_unlock(&c->lock);
	free(reset);
	return ret < 0 ? ret : 0;
}

/*
 * Iommufd: no fds; the kernel takes a device bound to this iommufd, or one not
 * bound anywhere whose group this iommufd owns (through another device of it),
 * and nothing else: the info's OWNED flag says whether all of them are.
 */
static int reset_iommufd(struct vfio_device *d, const struct vfio_pci_hot_reset_info *info)
{
	struct vfio_pci_hot_reset reset = { .argsz = sizeof(reset) };
	int ret;

	if (!(info->flags & VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID_OWNED)) {
		for (uint32_t i = 0; i < info->count; i++) {
			const struct vfio_pci_dependent_device *dev = &info->devices[i];

			if (dev->group_id == VFIO_ABI_PCI_DEVID_NOT_OWNED)
				return vfio_fail(-EPERM, "VFIO_DEVICE_PCI_HOT_RESET %s: affected "
						 "device " PCI_FMT " is not owned through this "
						 "iommufd (open it in this container)", d->name,
						 PCI_ARGS(dev));
		}
		return vfio_fail(-EPERM, "VFIO_DEVICE_PCI_HOT_RESET %s: the kernel says not every "
				 "affected device is owned through this iommufd", d->name);
	}
	ret = BE_CALL(d->be, device_pci_hot_reset, d->fd, &reset);
	if (ret < 0)
		return vfio_fail(ret, "VFIO_DEVICE_PCI_HOT_RESET %s", d->name);
	return 0;
}

int vfio_device_hot_reset(struct vfio_device *d)
{
	struct vfio_pci_hot_reset_info *info = NULL;
	int ret = get_info(d, &info);

	if (ret)
		return ret;
	if (d->c->mode == VFIO_CONTAINER_IOMMUFD)
		ret = reset_iommufd(d, info);
	else
		ret = reset_groups(d, info);
	free(info);
	return ret;
}
