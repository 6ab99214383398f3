// SPDX-License-Identifier: MIT
/*
 * PCI hot reset: the devices that share a slot or bus reset, and the two
 * ioctls on them, as drivers/vfio/pci/vfio_pci_core.c answers them:
 * vfio_pci_ioctl_get_pci_hot_reset_info(), vfio_pci_ioctl_pci_hot_reset()
 * with vfio_pci_ioctl_pci_hot_reset_groups() for a device opened through its
 * group, and vfio_pci_dev_set_hot_reset().  A device bound through its cdev
 * is answered with device ids, and resets with an empty group list when every
 * device of the set is its iommufd's.  The sim's resettable buses hold VFIO
 * devices only, so every device on one is in the reset's device set.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_private.h"

#define INFO_MINSZ (offsetof(struct vfio_pci_hot_reset_info, count) + sizeof(uint32_t))
#define RESET_MINSZ (offsetof(struct vfio_pci_hot_reset, count) + sizeof(uint32_t))

/* Hex digits @s[0..n), into *v; false for anything else. */
static bool hex(const char *s, unsigned int n, unsigned int *v)
{
	unsigned int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			*v = *v * 16 + (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v = *v * 16 + (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v = *v * 16 + (unsigned int)(c - 'A' + 10);
		else
			return false;
	}
	return true;
}

/* dev_name() of a PCI device: DDDD:BB:DD.F, the device below 0x20, the function below 8. */
static bool parse_bdf(const char *name, uint16_t *seg, uint8_t *bus, uint8_t *devfn)
{
	unsigned int d, b, s, f;

	if (strlen(name) != 12 || name[4] != ':' || name[7] != ':' || name[10] != '.')
		return false;
	if (!hex(name, 4, &d) || !hex(name + 5, 2, &b) || !hex(name + 8, 2, &s) ||
	    !hex(name + 11, 1, &f) || s > 0x1f || f > 7)
		return false;
	*seg = (uint16_t)d;
	*bus = (uint8_t)b;
	*devfn = (uint8_t)(s << 3 | f);
	return true;
}

int vfio_sim_device_set_reset_bus(struct vfio_sim_device *d, unsigned int bus)
{
	struct vfio_sim *sim = d->group->sim;
	int ret = 0;

	sim_lock(sim);
	if (d->state == VFIO_SIM_DEVICE_GONE)
		ret = -ENODEV;
	else if (!sim_is_pci(d) || !parse_bdf(d->name, &d->segment, &d->bus, &d->devfn))
		ret = -EINVAL;
	else
		d->reset_bus = bus;
	sim_unlock(sim);
	return ret;
}

unsigned int vfio_sim_device_hot_reset_count(const struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	unsigned int n;

	sim_lock(sim);
	n = d->hot_reset_count;
	sim_unlock(sim);
	return n;
}

static bool addr_before(const struct vfio_sim_device *a, const struct vfio_sim_device *b)
{
	if (a->segment != b->segment)
		return a->segment < b->segment;
	if (a->bus != b->bus)
		return a->bus < b->bus;
	return a->devfn < b->devfn;
}

/*
 * The devices that @d's reset reaches, @d included, in address order (as the
 * bus walk finds them); NULL with *n 0 when out of memory.  A device that
 * went is off the bus.
 */
static struct vfio_sim_device **reset_set(struct vfio_sim *sim, const struct vfio_sim_device *d,
					  size_t *n)
{
	struct vfio_sim_device **set = NULL, **grown, *it;
	struct vfio_sim_group *g;
	size_t cap = 0, i;

	*n = 0;
	for (g = sim->groups; g; g = g->next) {
		for (it = g->devices; it; it = it->next) {
			if (it->reset_bus != d->reset_bus || !sim_is_pci(it))
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 8;
				grown = realloc(set, cap * sizeof(*set));
				if (!grown) {
					free(set);
					*n = 0;
					return NULL;
				}
				set = grown;
			}
			/* insertion sort: sets are small */
			for (i = *n; i && addr_before(it, set[i - 1]); i--)
				set[i] = set[i - 1];
			set[i] = it;
			(*n)++;
		}
	}
	return set;
}

/* The PCI device behind @fd, with @arg readable; NULL and *err otherwise. */
static struct vfio_sim_device *pci_device(struct vfio_sim *sim, int fd, const void *arg,
					  int *err)
{
	struct vfio_sim_device *d = sim_device_arg(sim, fd, arg, err);

	if (d && !sim_is_pci(d)) {
		*err = -ENOTTY; /* vfio-platform has no hot reset */
		return NULL;
	}
	return d;
}

int sim_hot_reset_info(struct vfio_backend *be, int fd, struct vfio_pci_hot_reset_info *info)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_pci_hot_reset_info hdr;
	struct vfio_sim_device *d, **set = NULL;
	size_t n = 0, i;
	int ret = 0;

	sim_lock(sim);
	d = pci_device(sim, fd, info, &ret);
	if (!d)
		goto out;
	memcpy(&hdr, info, INFO_MINSZ);
	if (hdr.argsz < INFO_MINSZ) {
		ret = -EINVAL;
		goto out;
	}
	hdr.flags = 0; /* group mode: group ids, not device ids */
	if (!d->reset_bus) {
		ret = -ENODEV; /* neither a slot nor a bus reset */
		goto out;
	}
	set = reset_set(sim, d, &n);
	if (!set) {
		ret = -ENOMEM;
		goto out;
	}
	hdr.count = (uint32_t)n;
	if (n > (hdr.argsz - sizeof(hdr)) / sizeof(info->devices[0])) {
		ret = -ENOSPC; /* the count tells the caller the room to give */
		goto header;
	}
	if (sim_cdev_opened(d))
		hdr.flags = VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID |
			    VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	for (i = 0; i < n; i++) {
		struct vfio_pci_dependent_device dev = {
			.group_id = set[i]->group->id, /* the devid, in the same place */
			.segment = set[i]->segment,
			.bus = set[i]->bus,
			.devfn = set[i]->devfn,
		};

		if (hdr.flags) {
			int id = sim_cdev_dev_id(set[i], d->ictx);

			dev.group_id = id > 0	     ? (uint32_t)id :
				       id == -ENOENT ? VFIO_ABI_PCI_DEVID_OWNED :
						       VFIO_ABI_PCI_DEVID_NOT_OWNED;
			if (dev.group_id == VFIO_ABI_PCI_DEVID_NOT_OWNED)
				hdr.flags &= ~VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
		}
		memcpy(&info->devices[i], &dev, sizeof(dev));
	}
header:
	memcpy(info, &hdr, INFO_MINSZ);
out:
	free(set);
	sim_unlock(sim);
	return ret;
}

/*
 * vfio_pci_ioctl_pci_hot_reset_groups: each fd is a group file; then every
 * device of the set must be in one of those groups (vfio_dev_in_groups).
 */
static int check_groups(struct vfio_sim *sim, const struct vfio_pci_hot_reset *reset,
			struct vfio_sim_device **set, size_t n)
{
	struct sim_file **files;
	uint32_t i, j;
	int ret = 0;

	files = calloc(reset->count, sizeof(*files));
	if (!files)
		return -ENOMEM;
	for (i = 0; i < reset->count && !ret; i++) {
		int32_t gfd;

		memcpy(&gfd, &reset->group_fds[i], sizeof(gfd));
		files[i] = sim_file_lookup(sim, gfd);
		if (!files[i])
			ret = sim_errno_not_vfio(gfd) ? -EBADF : -EINVAL;
		else if (files[i]->type != SIM_FILE_GROUP)
			ret = -EINVAL;
	}
	for (i = 0; i < n && !ret; i++) {
		for (j = 0; j < reset->count; j++)
			if (files[j]->u.group == set[i]->group)
				break;
		if (j == reset->count)
			ret = -EINVAL; /* a device the caller does not own */
	}
	free(files);
	return ret;
}

int sim_hot_reset(struct vfio_backend *be, int fd, struct vfio_pci_hot_reset *reset)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d, **set = NULL;
	size_t n = 0, i;
	int ret = 0;

	sim_lock(sim);
	d = pci_device(sim, fd, reset, &ret);
	if (!d)
		goto out;
	if (reset->argsz < RESET_MINSZ || reset->flags) {
		ret = -EINVAL;
		goto out;
	}
	/* an empty group list is for cdev-opened devices, and only it */
	if (!!reset->count == sim_cdev_opened(d)) {
		ret = -EINVAL;
		goto out;
	}
	if (!d->reset_bus) {
		ret = -ENODEV;
		goto out;
	}
	set = reset_set(sim, d, &n);
	if (!set) {
		ret = -ENOMEM;
		goto out;
	}
	/* one group per device at most: more fds than devices is a bad count */
	if (reset->count > n) {
		ret = -EINVAL;
		goto out;
	}
	/* cdev: every device bound to the iommufd, or in a group that is bound to it */
	for (i = 0; !reset->count && i < n && !ret; i++) {
		int id = sim_cdev_dev_id(set[i], d->ictx);

		if (id <= 0 && id != -ENOENT)
			ret = -EINVAL;
	}
	if (!ret && reset->count)
		ret = check_groups(sim, reset, set, n);
	if (ret)
		goto out;
	/* pci_reset_bus(): every device of the set */
	for (i = 0; i < n; i++) {
		set[i]->hot_reset_count++;
		if (set[i]->model_ops && set[i]->model_ops->reset)
			set[i]->model_ops->reset(set[i]->model);
	}
out:
	free(set);
	sim_unlock(sim);
	return ret;
}
