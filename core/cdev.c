// SPDX-License-Identifier: MIT
/*
 * Devices in iommufd mode: the device's cdev (/dev/vfio/devices/vfioN), found
 * through its sysfs vfio-dev directory, bound to the container's iommufd and
 * attached to its IOAS; then the same set-up as a group's device (device.c).
 * The container lists its devices: it must not close under them.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define CDEV_DIR "/dev/vfio/devices/"
/* "vfio" + 10 digits + NUL: longer names are not cdevs, so the buffer need not grow. */
#define CDEV_NAME_MAX 16
#define SYSFS_PATH_MAX 4096

/*
 * The one entry of a device's vfio-dev directory @dir, a cdev name, into
 * @cdev.  -ENOENT (message set) when @dir does not exist.
 */
static int find_cdev(struct vfio_container *c, const char *dir, char cdev[CDEV_NAME_MAX])
{
	char buf[CDEV_NAME_MAX * 2];
	ssize_t n = BE_CALL(c->be, list_dir, dir, buf, sizeof(buf));
	unsigned int id;
	size_t len;

	if (n < 0)
		return vfio_fail((int)n, "list_dir %s", dir);
	if (n == 0)
		return vfio_fail(-ENODEV, "list_dir %s: no VFIO cdev in it", dir);
	if ((size_t)n > sizeof(buf))
		return vfio_fail(-EPROTO, "list_dir %s: %zd bytes of names where one cdev name was "
				 "expected", dir, n);
	len = strnlen(buf, (size_t)n);
	if (len + 1 != (size_t)n)
		return vfio_fail(-EPROTO, "list_dir %s: more than one entry where one cdev was "
				 "expected", dir);
	if (vfio_sysfs_parse_cdev_name(buf, len, &id))
		return vfio_fail(-EPROTO, "list_dir %s: \"%s\" is not a cdev name (vfioN)", dir,
				 buf);
	memcpy(cdev, buf, len + 1);
	return 0;
}

static int bind_attach(struct vfio_device *d, bool bound, const char *path, bool *attached)
{
	struct vfio_container *c = d->c;
	struct vfio_abi_device_attach_iommufd_pt at = {
		.argsz = sizeof(at), .pt_id = c->ioas_id
	};
	int ret;

	if (!bound) {
		struct vfio_abi_device_bind_iommufd bind = {
			.argsz = sizeof(bind), .iommufd = c->fd
		};

		ret = BE_CALL(d->be, device_bind_iommufd, d->fd, &bind);
		if (ret < 0)
			return vfio_fail(ret, "VFIO_DEVICE_BIND_IOMMUFD on %s", path);
		d->devid = bind.out_devid;
	}
	ret = BE_CALL(d->be, device_attach_iommufd_pt, d->fd, &at);
	if (ret < 0)
		return vfio_fail(ret, "VFIO_DEVICE_ATTACH_IOMMUFD_PT on %s (IOAS %u)", path,
				 c->ioas_id);
	*attached = true;
	return 0;
}

/* Add @d to the container's devices; the attach may have narrowed what the IOAS maps. */
static int track(struct vfio_device *d)
{
	struct vfio_container *c = d->c;
	struct vfio_device **devices;
	int ret;

	vfio_lock(&c->lock);
	devices = realloc(c->devices, (c->nr_devices + 1) * sizeof(*devices));
	if (devices)
		c->devices = devices;
	ret = devices ? vfio_iommu_refresh_locked(c) : vfio_fail(-ENOMEM, "opening device");
	if (!ret)
		c->devices[c->nr_devices++] = d;
	vfio_unlock(&c->lock);
	if (ret)
		vfio_fail_prefix(ret, "attaching %s", d->name);
	return ret;
}

void vfio_cdev_forget(struct vfio_device *d)
{
	struct vfio_container *c = d->c;
	size_t i = 0;

	vfio_lock(&c->lock);
	while (c->devices[i] != d)
		i++;
	c->devices[i] = c->devices[--c->nr_devices];
	vfio_unlock(&c->lock);
}

/*
 * Make a device of cdev fd @fd.  On failure @fd stays open; unless the caller
 * closes it anyway (@own), a device attached here is detached again.
 */
static int adopt(struct vfio_container *c, int fd, bool bound, bool own, const char *name,
		 const char *path, struct vfio_device **out)
{
	struct vfio_device *d = vfio_device_new(c, name);
	bool attached = false, tracked = false;
	int ret;

	if (!d)
		return -ENOMEM;
	d->fd = fd;
	ret = bind_attach(d, bound, path, &attached);
	if (!ret)
		ret = track(d);
	if (!ret) {
		tracked = true;
		ret = vfio_device_load(d);
	}
	if (ret) {
		struct vfio_abi_device_detach_iommufd_pt detach = { .argsz = sizeof(detach) };
		struct vfio_saved_error e;

		vfio_error_save(&e);
		if (tracked)
			vfio_cdev_forget(d);
		if (attached && !own)
			BE_CALL(d->be, device_detach_iommufd_pt, fd, &detach);
		vfio_error_restore(&e);
		vfio_device_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

/* Open the cdev at @path and make a device of it, named @name. */
static int open_path(struct vfio_container *c, const char *path, const char *name,
		     struct vfio_device **out)
{
	int fd = BE_CALL(c->be, open, path, O_RDWR | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return vfio_fail(fd, "failed to open %s for device %s", path, name);
	ret = adopt(c, fd, false, true, name, path, out);
	if (ret) {
		/* The kernel unbinds a cdev when its file closes. */
		BE_CALL(c->be, close, fd);
	}
	return ret;
}

static int open_found(struct vfio_container *c, const char *cdev, const char *name,
		      struct vfio_device **out)
{
	char path[sizeof(CDEV_DIR) + CDEV_NAME_MAX];

	snprintf(path, sizeof(path), CDEV_DIR "%s", cdev);
	return open_path(c, path, name, out);
}

int vfio_cdev_open_dir(struct vfio_container *c, const char *dir, const char *name,
		       struct vfio_device **out)
{
	char path[SYSFS_PATH_MAX + 16], cdev[CDEV_NAME_MAX];
	int ret;

	snprintf(path, sizeof(path), "%s/vfio-dev", dir);
	ret = find_cdev(c, path, cdev);
	if (ret == -ENOENT)
		return vfio_fail(-ENODEV, "device %s has no VFIO cdev (%s is missing: not bound to "
				 "a VFIO driver, or a kernel without VFIO device cdevs)", name,
				 path);
	return ret ? ret : open_found(c, cdev, name, out);
}

int vfio_cdev_open_name(struct vfio_container *c, const char *name, struct vfio_device **out)
{
	static const char *const buses[] = { "pci", "platform" };
	char path[SYSFS_PATH_MAX], cdev[CDEV_NAME_MAX];
	int ret = -ENOENT;

	for (size_t i = 0; i < sizeof(buses) / sizeof(buses[0]) && ret == -ENOENT; i++) {
		snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/vfio-dev", buses[i], name);
		ret = find_cdev(c, path, cdev);
	}
	if (ret == -ENOENT)
		return vfio_fail(-ENODEV, "device %s has no VFIO cdev (neither a PCI nor a "
				 "platform device with a vfio-dev directory: not bound to a VFIO "
				 "driver, or a kernel without VFIO device cdevs)", name);
	return ret ? ret : open_found(c, cdev, name, out);
}

static int check_mode(struct vfio_container *c, const char *fn)
{
	if (c->mode != VFIO_CONTAINER_IOMMUFD)
		return vfio_fail(-EINVAL, "%s: the container is not in iommufd mode", fn);
	return 0;
}

int vfio_device_open_cdev(struct vfio_container *c, const char *cdev_path,
			  struct vfio_device **out)
{
	char link[SYSFS_PATH_MAX], sys[64], cdev[CDEV_NAME_MAX];
	const char *base, *name = cdev;
	unsigned int id;
	size_t len;
	ssize_t n;
	int ret;

	if (!c || !out || !cdev_path)
		return vfio_fail(-EINVAL, "vfio_device_open_cdev: no container, path or place for "
				 "the device");
	*out = NULL;
	ret = check_mode(c, "vfio_device_open_cdev");
	if (ret)
		return ret;
	base = strrchr(cdev_path, '/');
	base = base ? base + 1 : cdev_path;
	len = strnlen(base, CDEV_NAME_MAX);
	if (vfio_sysfs_parse_cdev_name(base, len, &id))
		return vfio_fail(-EINVAL, "vfio_device_open_cdev: \"%.64s\" is not a device cdev "
				 "(vfioN)", cdev_path);
	memcpy(cdev, base, len + 1);
	/* Named after the device when sysfs says which it is: "../../../0000:00:04.0". */
	snprintf(sys, sizeof(sys), "/sys/class/vfio-dev/%s/device", cdev);
	n = BE_CALL(c->be, readlink, sys, link, sizeof(link) - 1);
	if (n < 0 && n != -ENOENT)
		return vfio_fail((int)n, "readlink %s", sys);
	if (n > 0 && (size_t)n < sizeof(link) - 1) {
		link[n] = '\0';
		base = strrchr(link, '/');
		base = base ? base + 1 : link;
		if (!vfio_check_device_name(base))
			name = base;
	}
	return open_path(c, cdev_path, name, out);
}

int vfio_device_open_cdev_fd(struct vfio_container *c, int fd, bool bound,
			     struct vfio_device **out)
{
	char name[32];
	int ret;

	if (!c || !out || fd < 0)
		return vfio_fail(-EINVAL, "vfio_device_open_cdev_fd: no container, fd or place for "
				 "the device");
	*out = NULL;
	ret = check_mode(c, "vfio_device_open_cdev_fd");
	if (ret)
		return ret;
	snprintf(name, sizeof(name), "cdev fd %d", fd);
	return adopt(c, fd, bound, false, name, name, out);
}
