// SPDX-License-Identifier: MIT
/*
 * Devices: the fd from the group (cdev.c: from the cdev, in iommufd mode), and
 * everything the kernel says of the device, read once at open (device info, each
 * region by its VFIO index, each irq index).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* No region info is this large, and no device has this many indexes: past them, not believed. */
#define REGION_INFO_MAX (1u << 20)
#define INDEX_MAX 4096u

static int get_info(struct vfio_device *d)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int ret = BE_CALL(d->be, device_get_info, d->fd, &info);

	if (ret < 0)
		return vfio_fail(ret, "VFIO_DEVICE_GET_INFO %s", d->name);
	d->flags = info.flags;
	d->num_regions = info.num_regions;
	d->num_irqs = info.num_irqs;
	if (info.num_regions > INDEX_MAX || info.num_irqs > INDEX_MAX)
		return vfio_fail(-EPROTO, "VFIO_DEVICE_GET_INFO %s: %u regions and %u irq indexes "
				 "are past any device", d->name, info.num_regions, info.num_irqs);
	/* The reference's rule: PCI needs config space and MSI-X; platform goes; others not. */
	if (info.flags & VFIO_DEVICE_FLAGS_PCI) {
		if (info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX ||
		    info.num_irqs <= VFIO_PCI_MSIX_IRQ_INDEX)
			return vfio_fail(-EINVAL, "VFIO_DEVICE_GET_INFO %s: a PCI device with %u "
					 "regions and %u irq indexes lacks its config region or "
					 "MSI-X index", d->name, info.num_regions, info.num_irqs);
	} else if (!(info.flags & VFIO_DEVICE_FLAGS_PLATFORM)) {
		return vfio_fail(-EINVAL, "VFIO_DEVICE_GET_INFO %s: flags 0x%x name neither a PCI "
				 "nor a platform device", d->name, info.flags);
	}
	return 0;
}

/*
 * VFIO_DEVICE_GET_REGION_INFO, asked again with the argsz the kernel wants when
 * the capability chain does not fit.  @buf is the caller's to free.
 */
static int region_info(struct vfio_device *d, unsigned int index, struct vfio_region_info **buf)
{
	uint32_t argsz = sizeof(struct vfio_region_info);

	for (int tries = 0; tries < 3; tries++) {
		struct vfio_region_info *info = calloc(1, argsz);
		int ret;

		if (!info)
			return vfio_fail(-ENOMEM, "VFIO_DEVICE_GET_REGION_INFO %s region %u",
					 d->name, index);
		info->argsz = argsz;
		info->index = index;
		ret = BE_CALL(d->be, device_get_region_info, d->fd, info);
		if (ret < 0) {
			free(info);
			return vfio_fail(ret, "VFIO_DEVICE_GET_REGION_INFO %s region %u", d->name,
					 index);
		}
		if (info->argsz <= argsz) {
			*buf = info;
			return 0;
		}
		argsz = info->argsz;
		free(info);
		if (argsz > REGION_INFO_MAX)
			return vfio_fail(-EPROTO, "VFIO_DEVICE_GET_REGION_INFO %s region %u: asks for "
					 "%u bytes", d->name, index, argsz);
	}
	return vfio_fail(-EPROTO, "VFIO_DEVICE_GET_REGION_INFO %s region %u: argsz keeps growing",
			 d->name, index);
}

static int load_region(struct vfio_device *d, unsigned int index)
{
	struct vfio_region_desc *desc = &d->regions[index];
	struct vfio_region_info *info = NULL;
	struct vfio_sparse_area *sparse;
	int ret;

	desc->index = index;
	ret = region_info(d, index, &info);
	if (ret == -EINVAL)
		return 0; /* refused (e.g. VGA on a non-VGA device): absent, the others keep their index */
	if (ret)
		return ret;
	desc->present = true;
	desc->flags = info->flags;
	desc->size = info->size;
	desc->offset = info->offset;
	ret = vfio_caps_parse_region(info, info->argsz, desc, &sparse);
	if (ret)
		vfio_fail_prefix(ret, "VFIO_DEVICE_GET_REGION_INFO %s", d->name);
	free(info);
	return ret;
}

static int load_irq(struct vfio_device *d, unsigned int index)
{
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = index };
	int ret = BE_CALL(d->be, device_get_irq_info, d->fd, &info);

	d->irqs[index].index = index;
	if (ret == -EINVAL)
		return 0; /* refused (ERR on a conventional PCI device): count 0, the index absent */
	if (ret < 0)
		return vfio_fail(ret, "VFIO_DEVICE_GET_IRQ_INFO %s irq %u", d->name, index);
	d->irqs[index] = (struct vfio_irq_desc){
		.index = index, .flags = info.flags, .count = info.count
	};
	return 0;
}

int vfio_device_load(struct vfio_device *d)
{
	int ret = get_info(d);

	if (ret)
		return ret;
	d->regions = calloc(d->num_regions ? d->num_regions : 1, sizeof(*d->regions));
	d->irqs = calloc(d->num_irqs ? d->num_irqs : 1, sizeof(*d->irqs));
	if (!d->regions || !d->irqs)
		return vfio_fail(-ENOMEM, "opening device %s: %u regions, %u irqs", d->name,
				 d->num_regions, d->num_irqs);
	for (unsigned int i = 0; i < d->num_regions && !ret; i++)
		ret = load_region(d, i);
	for (unsigned int i = 0; i < d->num_irqs && !ret; i++)
		ret = load_irq(d, i);
	return ret;
}

void vfio_device_free(struct vfio_device *d)
{
	if (d->regions)
		for (unsigned int i = 0; i < d->num_regions; i++)
			free((void *)d->regions[i].sparse);
	free(d->regions);
	free(d->irqs);
	free(d->name);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

/* A device not open yet, named @name; NULL (with the message set) when out of memory. */
struct vfio_device *vfio_device_new(struct vfio_container *c, const char *name)
{
	struct vfio_device *d = calloc(1, sizeof(*d));

	if (!d) {
		vfio_fail(-ENOMEM, "opening device %s", name);
		return NULL;
	}
	pthread_mutex_init(&d->lock, NULL);
	d->c = c;
	d->be = c->be;
	d->native = vfio_backend_native(c->be);
	d->fd = -1;
	d->name = strdup(name);
	if (!d->name) {
		vfio_device_free(d);
		vfio_fail(-ENOMEM, "opening device %s", name);
		return NULL;
	}
	return d;
}

int vfio_device_open(struct vfio_container *c, unsigned int group_id, const char *name,
		     struct vfio_device **out)
{
	struct vfio_device *d;
	int ret;

	if (!c || !out)
		return vfio_fail(-EINVAL, "vfio_device_open: no container or no place for the device");
	*out = NULL;
	if (vfio_check_device_name(name))
		return vfio_fail(-EINVAL, "vfio_device_open: \"%.64s\" is not a device name",
				 name ? name : "(null)");
	if (c->mode == VFIO_CONTAINER_IOMMUFD)
		return vfio_cdev_open_name(c, name, out);
	d = vfio_device_new(c, name);
	if (!d)
		return -ENOMEM;
	ret = vfio_group_get(c, group_id, &d->g);
	if (ret) {
		vfio_device_free(d);
		return ret;
	}
	d->fd = BE_CALL(d->be, group_get_device_fd, d->g->fd, name);
	if (d->fd < 0) {
		ret = vfio_fail(d->fd, "VFIO_GROUP_GET_DEVICE_FD %s on group %u", name, group_id);
	} else {
		ret = vfio_device_load(d);
		if (ret)
			BE_CALL(d->be, close, d->fd);
	}
	if (ret) {
		struct vfio_saved_error e;

		vfio_error_save(&e);
		vfio_group_put(d->g);
		vfio_error_restore(&e);
		vfio_device_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

int vfio_device_open_sysfs(struct vfio_container *c, const char *sysfs_path,
			   struct vfio_device **out)
{
	char link[4096], path[4096];
	const char *name;
	size_t len;
	unsigned int id;
	ssize_t n;

	if (!c || !out || !sysfs_path)
		return vfio_fail(-EINVAL, "vfio_device_open_sysfs: no container, path or place for "
				 "the device");
	*out = NULL;
	len = strnlen(sysfs_path, sizeof(path));
	while (len > 1 && sysfs_path[len - 1] == '/')
		len--;
	if (len >= sizeof(path) - sizeof("/iommu_group"))
		return vfio_fail(-ENAMETOOLONG, "vfio_device_open_sysfs: path too long");
	memcpy(path, sysfs_path, len);
	path[len] = '\0';
	name = strrchr(path, '/');
	name = name ? name + 1 : path;
	if (vfio_check_device_name(name))
		return vfio_fail(-EINVAL, "vfio_device_open_sysfs: %s does not end in a device name",
				 path);
	if (c->mode == VFIO_CONTAINER_IOMMUFD)
		return vfio_cdev_open_dir(c, path, name, out);
	snprintf(path + len, sizeof(path) - len, "/iommu_group");
	n = BE_CALL(c->be, readlink, path, link, sizeof(link));
	if (n < 0)
		return vfio_fail((int)n, "readlink %s", path);
	if ((size_t)n >= sizeof(link))
		return vfio_fail(-ENAMETOOLONG, "readlink %s: link too long", path);
	if (vfio_sysfs_parse_group_link(link, (size_t)n, &id))
		return vfio_fail(-EINVAL, "readlink %s: \"%.*s\" does not end in a group number",
				 path, (int)n, link);
	path[len] = '\0';
	return vfio_device_open(c, id, name, out);
}

int vfio_device_close(struct vfio_device *d)
{
	struct vfio_first_error first = { 0 };
	int ret;

	if (!d)
		return 0;
	vfio_first_note(&first, vfio_region_unmap_all(d));
	/*
	 * The device fd goes before the group's reference: the kernel answers EBUSY
	 * otherwise.  A cdev's close detaches and unbinds it from the iommufd.
	 */
	ret = BE_CALL(d->be, close, d->fd);
	if (ret < 0)
		vfio_first_note(&first, vfio_fail(ret, "close device %s", d->name));
	if (d->g)
		vfio_first_note(&first, vfio_group_put(d->g));
	else
		vfio_cdev_forget(d);
	vfio_device_free(d);
	return vfio_first_result(&first);
}

const char *vfio_device_name(const struct vfio_device *d)
{
	return d->name;
}

struct vfio_group *vfio_device_group(const struct vfio_device *d)
{
	return d->g;
}

uint32_t vfio_device_devid(const struct vfio_device *d)
{
	return d->devid;
}

int vfio_device_fd(const struct vfio_device *d)
{
	return d->fd;
}

uint32_t vfio_device_flags(const struct vfio_device *d)
{
	return d->flags;
}

unsigned int vfio_device_num_regions(const struct vfio_device *d)
{
	return d->num_regions;
}

unsigned int vfio_device_num_irqs(const struct vfio_device *d)
{
	return d->num_irqs;
}

int vfio_device_reset(struct vfio_device *d)
{
	int ret;

	if (!(d->flags & VFIO_DEVICE_FLAGS_RESET))
		return vfio_fail(-EOPNOTSUPP, "VFIO_DEVICE_RESET %s: the device does not offer reset",
				 d->name);
	ret = BE_CALL(d->be, device_reset, d->fd);
	if (ret < 0)
		return vfio_fail(ret, "VFIO_DEVICE_RESET %s", d->name);
	return 0;
}
