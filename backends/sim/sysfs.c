// SPDX-License-Identifier: MIT
/*
 * The sysfs and /dev view of the sim's topology: readlink(2) of the links the
 * kernel has (a device's bus entry and iommu_group, a group's device list, the
 * vfio-dev class), and the listing of the directories the library reads.
 *
 * Each VFIO device has a vfio-dev class device "vfioN" below its own sysfs
 * directory (vfio_device_add()), N in the order the devices were added, and,
 * unless the sim is in noiommu mode, the cdev /dev/vfio/devices/vfioN.  A
 * directory lists only what the sim models (a device's directory, say, holds
 * "iommu_group" and "vfio-dev" only).  Paths are taken as given: no "..",
 * "." or doubled slashes are resolved.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_private.h"

#define PATH_MAX_SIM (SIM_NAME_MAX + 96)

static const char *bus_of(const struct vfio_sim_device *d)
{
	if (d->flags & VFIO_DEVICE_FLAGS_PCI)
		return "pci";
	if (d->flags & VFIO_DEVICE_FLAGS_PLATFORM)
		return "platform";
	return NULL;
}

/* Where the device's directory really is, below /sys/devices. */
static const char *parent_of(const struct vfio_sim_device *d)
{
	return (d->flags & VFIO_DEVICE_FLAGS_PCI) ? "pci0000:00" : "platform";
}

static ssize_t answer(char *buf, size_t size, const char *target)
{
	size_t len = strlen(target);

	if (len > size)
		len = size;
	memcpy(buf, target, len);
	return (ssize_t)len;
}

/* @path is @base followed by @suffix */
static bool is_path(const char *path, const char *base, const char *suffix)
{
	size_t n = strlen(base);

	return !strncmp(path, base, n) && !strcmp(path + n, suffix);
}

/* The devices the view shows: on a bus, in a group that is there. */
#define FOR_EACH_DEVICE(sim, g, d)                                  \
	for ((g) = (sim)->groups; (g); (g) = (g)->next)             \
		if (!(g)->removed)                                  \
			for ((d) = (g)->devices; (d); (d) = (d)->next) \
				if (bus_of(d))

/* The vfio-dev class device goes at the start of a removal (vfio_device_del). */
static bool class_exists(const struct vfio_sim_device *d)
{
	return d->state == VFIO_SIM_DEVICE_PRESENT;
}

static bool cdev_exists(const struct vfio_sim *sim, const struct vfio_sim_device *d)
{
	return !sim->noiommu && class_exists(d);
}

/*
 * What of @path is inside @d's directory, reached by its real path, its bus
 * link, its group's link or (for what is below its class device) the
 * vfio-dev class: "" for the directory itself, "/vfio-dev/vfio0/device", ...;
 * NULL when @path is not the device's.
 */
static const char *dev_suffix(const struct vfio_sim_device *d, const char *path, char *scratch)
{
	char base[PATH_MAX_SIM];
	size_t n;

	snprintf(base, sizeof(base), "/sys/devices/%s/%s", parent_of(d), d->name);
	n = strlen(base);
	if (!strncmp(path, base, n) && (!path[n] || path[n] == '/'))
		return path + n;
	snprintf(base, sizeof(base), "/sys/bus/%s/devices/%s", bus_of(d), d->name);
	n = strlen(base);
	if (!strncmp(path, base, n) && (!path[n] || path[n] == '/'))
		return path + n;
	snprintf(base, sizeof(base), "/sys/kernel/iommu_groups/%u/devices/%s", d->group->id,
		 d->name);
	n = strlen(base);
	if (!strncmp(path, base, n) && (!path[n] || path[n] == '/'))
		return path + n;
	snprintf(base, sizeof(base), "/sys/class/vfio-dev/vfio%u", d->index);
	n = strlen(base);
	if (class_exists(d) && !strncmp(path, base, n) && (!path[n] || path[n] == '/')) {
		snprintf(scratch, PATH_MAX_SIM, "/vfio-dev/vfio%u%s", d->index, path + n);
		return scratch;
	}
	return NULL;
}

/* The device's links, by @path's place in its directory. */
static ssize_t device_link(const struct vfio_sim_device *d, const char *path, const char *sfx,
			   char *buf, size_t size)
{
	char target[PATH_MAX_SIM], cls[32];

	snprintf(cls, sizeof(cls), "/vfio-dev/vfio%u", d->index);
	if (!*sfx) {
		if (!strncmp(path, "/sys/devices/", 13))
			return -EINVAL; /* the directory itself */
		/* relative to /sys/bus/BUS/devices, or to /sys/kernel/iommu_groups/ID/devices */
		snprintf(target, sizeof(target), "%s/devices/%s/%s",
			 !strncmp(path, "/sys/bus/", 9) ? "../../.." : "../../../..", parent_of(d),
			 d->name);
		return answer(buf, size, target);
	}
	if (!strcmp(sfx, "/iommu_group")) {
		snprintf(target, sizeof(target), "../../../kernel/iommu_groups/%u", d->group->id);
		return answer(buf, size, target);
	}
	if (!class_exists(d))
		return -ENOENT;
	if (!strcmp(sfx, "/vfio-dev"))
		return -EINVAL;
	if (!strncmp(sfx, cls, strlen(cls))) {
		sfx += strlen(cls);
		if (!*sfx) {
			if (strncmp(path, "/sys/class/", 11))
				return -EINVAL;
			snprintf(target, sizeof(target), "../../devices/%s/%s/vfio-dev/vfio%u",
				 parent_of(d), d->name, d->index);
			return answer(buf, size, target);
		}
		if (!strcmp(sfx, "/device")) {
			snprintf(target, sizeof(target), "../../../%s", d->name);
			return answer(buf, size, target);
		}
		if (!strcmp(sfx, "/subsystem"))
			return answer(buf, size, "../../../../../class/vfio-dev");
	}
	return -ENOENT;
}


ssize_t sim_sysfs_readlink(struct vfio_sim *sim, const char *path, char *buf, size_t size)
{
	static const char *const dirs[] = {
		"/sys", "/sys/bus", "/sys/bus/pci", "/sys/bus/pci/devices", "/sys/bus/platform",
		"/sys/bus/platform/devices", "/sys/devices", "/sys/devices/pci0000:00",
		"/sys/devices/platform", "/sys/kernel", "/sys/kernel/iommu_groups", "/dev",
		"/dev/vfio", "/dev/vfio/vfio", "/dev/iommu", "/sys/class", "/sys/class/vfio-dev",
	};
	const struct vfio_sim_group *g;
	const struct vfio_sim_device *d;
	char base[64], scratch[PATH_MAX_SIM];
	const char *sfx;
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (!strcmp(path, dirs[i]))
			return -EINVAL;
	for (g = sim->groups; g; g = g->next) {
		if (g->removed)
			continue;
		snprintf(base, sizeof(base), "/sys/kernel/iommu_groups/%u", g->id);
		if (!strcmp(path, base) || is_path(path, base, "/devices"))
			return -EINVAL;
		snprintf(base, sizeof(base), sim->noiommu ? "/dev/vfio/noiommu-%u" : "/dev/vfio/%u",
			 g->id);
		if (!strcmp(path, base))
			return -EINVAL;
	}
	FOR_EACH_DEVICE(sim, g, d) {
		snprintf(base, sizeof(base), "/dev/vfio/devices/vfio%u", d->index);
		if (cdev_exists(sim, d) &&
		    (!strcmp(path, base) || !strcmp(path, "/dev/vfio/devices")))
			return -EINVAL;
		sfx = dev_suffix(d, path, scratch);
		if (sfx)
			return device_link(d, path, sfx, buf, size);
	}
	return -ENOENT;
}

/* ---- list_dir ---- */

struct names {
	char *buf;
	size_t size;
	size_t need;
	bool full; /* a name did not fit: no more are stored */
};

static void add(struct names *n, const char *name)
{
	size_t len = strlen(name) + 1;

	if (!n->full && n->need + len <= n->size)
		memcpy(n->buf + n->need, name, len);
	else
		n->full = true;
	n->need += len;
}

static void add_u(struct names *n, const char *fmt, unsigned int v)
{
	char name[32];

	snprintf(name, sizeof(name), fmt, v);
	add(n, name);
}

/* @path is a directory the view has outside the devices: its names, or false. */
static bool list_fixed(struct vfio_sim *sim, const char *path, struct names *n)
{
	static const char *const fixed[][5] = {
		{ "/sys", "bus", "class", "devices", "kernel" },
		{ "/sys/bus", "pci", "platform" },
		{ "/sys/bus/pci", "devices" },
		{ "/sys/bus/platform", "devices" },
		{ "/sys/class", "vfio-dev" },
		{ "/sys/devices", "pci0000:00", "platform" },
		{ "/sys/kernel", "iommu_groups" },
		{ "/dev", "iommu", "vfio" },
	};
	const struct vfio_sim_group *g;
	const struct vfio_sim_device *d;
	bool cdevs = false;
	size_t i, j;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (strcmp(path, fixed[i][0]))
			continue;
		for (j = 1; j < 5 && fixed[i][j]; j++)
			add(n, fixed[i][j]);
		return true;
	}
	if (!strcmp(path, "/sys/kernel/iommu_groups")) {
		for (g = sim->groups; g; g = g->next)
			if (!g->removed)
				add_u(n, "%u", g->id);
		return true;
	}
	if (!strcmp(path, "/dev/vfio")) {
		add(n, "vfio");
		for (g = sim->groups; g; g = g->next)
			if (!g->removed)
				add_u(n, sim->noiommu ? "noiommu-%u" : "%u", g->id);
		FOR_EACH_DEVICE(sim, g, d)
			cdevs |= cdev_exists(sim, d);
		if (cdevs)
			add(n, "devices");
		return true;
	}
	if (!strcmp(path, "/dev/vfio/devices") || !strcmp(path, "/sys/class/vfio-dev")) {
		bool dev = path[1] == 'd';

		FOR_EACH_DEVICE(sim, g, d)
			if (dev ? cdev_exists(sim, d) : class_exists(d))
				add_u(n, "vfio%u", d->index);
		return !dev || n->need; /* no cdev: devtmpfs has no such directory */
	}
	return false;
}

/* The devices of a bus, or below a /sys/devices parent. */
static bool list_bus(struct vfio_sim *sim, const char *path, struct names *n)
{
	const struct vfio_sim_group *g;
	const struct vfio_sim_device *d;
	bool pci = !strcmp(path, "/sys/bus/pci/devices") ||
		   !strcmp(path, "/sys/devices/pci0000:00");

	if (!pci && strcmp(path, "/sys/bus/platform/devices") &&
	    strcmp(path, "/sys/devices/platform"))
		return false;
	FOR_EACH_DEVICE(sim, g, d)
		if (!strcmp(bus_of(d), pci ? "pci" : "platform"))
			add(n, d->name);
	return true;
}

/* A group's directory (by its path or a device's iommu_group link): 0, or -errno. */
static int list_group(struct vfio_sim *sim, const char *path, struct names *n)
{
	const struct vfio_sim_group *g;
	const struct vfio_sim_device *d;
	char base[64];

	for (g = sim->groups; g; g = g->next) {
		if (g->removed)
			continue;
		snprintf(base, sizeof(base), "/sys/kernel/iommu_groups/%u", g->id);
		if (!strcmp(path, base)) {
			add(n, "devices");
			add(n, "reserved_regions");
			add(n, "type");
			return 0;
		}
		if (is_path(path, base, "/devices")) {
			for (d = g->devices; d; d = d->next)
				if (bus_of(d))
					add(n, d->name);
			return 0;
		}
		if (is_path(path, base, "/reserved_regions") || is_path(path, base, "/type"))
			return -ENOTDIR;
	}
	return -ENOENT;
}

/* A path in a device's directory: 0, or -errno. */
static int list_device(struct vfio_sim *sim, const struct vfio_sim_device *d, const char *sfx,
		       struct names *n)
{
	char cls[32], grp[64];
	size_t len;

	snprintf(cls, sizeof(cls), "/vfio-dev/vfio%u", d->index);
	len = strlen(cls);
	/* the directory, or the class device's link back to it */
	if (!*sfx ||
	    (class_exists(d) && !strncmp(sfx, cls, len) && !strcmp(sfx + len, "/device"))) {
		add(n, "iommu_group");
		if (class_exists(d))
			add(n, "vfio-dev");
		return 0;
	}
	if (!strcmp(sfx, "/iommu_group")) {
		snprintf(grp, sizeof(grp), "/sys/kernel/iommu_groups/%u", d->group->id);
		return list_group(sim, grp, n);
	}
	if (!class_exists(d))
		return -ENOENT;
	if (!strcmp(sfx, "/vfio-dev")) {
		add_u(n, "vfio%u", d->index);
		return 0;
	}
	if (!strncmp(sfx, cls, len)) {
		sfx += len;
		if (!*sfx) {
			add(n, "dev");
			add(n, "device");
			add(n, "power");
			add(n, "subsystem");
			add(n, "uevent");
			return 0;
		}
		if (!strcmp(sfx, "/subsystem"))
			return list_fixed(sim, "/sys/class/vfio-dev", n) ? 0 : -ENOENT;
		if (!strcmp(sfx, "/dev") || !strcmp(sfx, "/uevent"))
			return -ENOTDIR;
		if (!strcmp(sfx, "/power"))
			return 0;
	}
	return -ENOENT;
}

static int list_path(struct vfio_sim *sim, const char *path, struct names *n)
{
	const struct vfio_sim_group *g;
	const struct vfio_sim_device *d;
	char scratch[PATH_MAX_SIM], node[64];
	const char *sfx;
	int ret;

	if (list_fixed(sim, path, n) || list_bus(sim, path, n))
		return 0;
	ret = list_group(sim, path, n);
	if (ret != -ENOENT)
		return ret;
	if (!strcmp(path, "/dev/vfio/vfio") || !strcmp(path, "/dev/iommu"))
		return -ENOTDIR;
	for (g = sim->groups; g; g = g->next) {
		snprintf(node, sizeof(node), sim->noiommu ? "/dev/vfio/noiommu-%u" : "/dev/vfio/%u",
			 g->id);
		if (!g->removed && !strcmp(path, node))
			return -ENOTDIR;
	}
	FOR_EACH_DEVICE(sim, g, d) {
		snprintf(node, sizeof(node), "/dev/vfio/devices/vfio%u", d->index);
		if (cdev_exists(sim, d) && !strcmp(path, node))
			return -ENOTDIR;
		sfx = dev_suffix(d, path, scratch);
		if (sfx)
			return list_device(sim, d, sfx, n);
	}
	return -ENOENT;
}

ssize_t sim_list_dir(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	struct vfio_sim *sim = sim_of(be);
	struct names n = { .buf = buf, .size = size };
	int ret;

	if (!path || (!buf && size))
		return -EFAULT;
	sim_lock(sim);
	ret = list_path(sim, path, &n);
	sim_unlock(sim);
	return ret ? ret : (ssize_t)n.need;
}
