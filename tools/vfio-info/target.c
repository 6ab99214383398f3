// SPDX-License-Identifier: MIT
/*
 * Which devices to report.  A device argument is a PCI address (0000:00:03.0
 * or 00:03.0), a sysfs directory, a VFIO device cdev (/dev/vfio/devices/vfioN,
 * found through /sys/dev/char) or a platform device's name; its group comes
 * from its iommu_group link, read through the backend (so the sim's sysfs view
 * answers on the sim).  Without arguments, every device of every IOMMU group
 * that is bound to a VFIO driver (vfio-pci, a vfio-pci variant driver,
 * vfio-platform) is reported.
 */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <vfio/backend.h>

#include "vfio_info.h"

#define GROUPS_DIR "/sys/kernel/iommu_groups"

void vi_fail(struct vi_failure *f, enum vi_stage stage, int err, const char *fmt, ...)
{
	va_list ap;

	f->stage = stage;
	f->err = err;
	f->hint[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
}

/* "0000:00:03.0" (*@short_form false) or "00:03.0" (true), hex digits in either case. */
static bool is_bdf(const char *s, bool *short_form)
{
	static const char full[] = "xxxx:xx:xx.x", part[] = "xx:xx.x";
	size_t len = strlen(s);
	const char *pat = len == sizeof(full) - 1 ? full : len == sizeof(part) - 1 ? part : NULL;

	if (!pat)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			   (s[i] >= 'A' && s[i] <= 'F');

		if (pat[i] == 'x' ? !hex : s[i] != pat[i])
			return false;
	}
	*short_form = pat == part;
	return true;
}

/* The last component of a link such as "../../../kernel/iommu_groups/12". */
static bool parse_group(const char *link, unsigned int *id)
{
	const char *p = strrchr(link, '/');
	char *end;
	unsigned long v;

	p = p ? p + 1 : link;
	if (*p < '0' || *p > '9')
		return false;
	errno = 0;
	v = strtoul(p, &end, 10);
	if (*end || errno || v > UINT_MAX)
		return false;
	*id = (unsigned int)v;
	return true;
}

/* The driver bound to the device at @path: its name, or "" for none. */
static void read_driver(const char *path, char *buf, size_t size)
{
	char link[PATH_MAX + 16], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/driver", path);
	n = readlink(link, target, sizeof(target) - 1);
	buf[0] = '\0';
	if (n > 0) {
		const char *base;

		target[n] = '\0';
		base = strrchr(target, '/');
		if (snprintf(buf, size, "%s", base ? base + 1 : target) >= (int)size)
			buf[0] = '\0'; /* no driver has so long a name: not one */
	}
}

/* A cdev (/dev/vfio/devices/vfioN) to its device's sysfs directory. */
static int cdev_path(const char *arg, char *path, struct vi_failure *f)
{
	char link[64];
	struct stat st;

	if (stat(arg, &st)) {
		vi_fail(f, VI_STAGE_RESOLVE, -errno, "%s: %s", arg, strerror(errno));
		return f->err;
	}
	if (!S_ISCHR(st.st_mode)) {
		vi_fail(f, VI_STAGE_RESOLVE, -EINVAL, "%s is not a character device", arg);
		return f->err;
	}
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device", major(st.st_rdev),
		 minor(st.st_rdev));
	if (!realpath(link, path)) {
		vi_fail(f, VI_STAGE_RESOLVE, -errno, "%s: no device behind it in sysfs (%s: %s)",
			arg, link, strerror(errno));
		return f->err;
	}
	return 0;
}

int vi_target_resolve(struct vfio_backend *be, bool kernel, const char *arg, struct vi_target *t,
		      struct vi_failure *f)
{
	char link[PATH_MAX + 16], target[PATH_MAX];
	bool short_form = false;
	const char *base;
	size_t len;
	ssize_t n;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", arg);
	if (!strncmp(arg, "/dev/", 5)) {
		if (!kernel) {
			vi_fail(f, VI_STAGE_RESOLVE, -ENODEV, "%s: the sim has no device cdevs",
				arg);
			return f->err;
		}
		if (cdev_path(arg, t->path, f))
			return f->err;
	} else if (arg[0] == '/') {
		snprintf(t->path, sizeof(t->path), "%s", arg);
	} else if (is_bdf(arg, &short_form)) {
		snprintf(t->path, sizeof(t->path), "/sys/bus/pci/devices/%s%s",
			 short_form ? "0000:" : "", arg);
		for (char *p = t->path + strlen("/sys/bus/pci/devices/"); *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
	} else {
		snprintf(t->path, sizeof(t->path), "/sys/bus/platform/devices/%s", arg);
	}
	for (len = strlen(t->path); len > 1 && t->path[len - 1] == '/'; len--)
		t->path[len - 1] = '\0';
	base = strrchr(t->path, '/');
	len = (size_t)snprintf(t->name, sizeof(t->name), "%s", base ? base + 1 : t->path);
	if (!t->name[0] || len >= sizeof(t->name)) {
		vi_fail(f, VI_STAGE_RESOLVE, -EINVAL, "%s does not name a device", arg);
		return f->err;
	}

	snprintf(link, sizeof(link), "%s/iommu_group", t->path);
	n = be->ops->readlink ? be->ops->readlink(be, link, target, sizeof(target) - 1) : -ENOSYS;
	if (n < 0) {
		struct stat st;

		if (kernel && stat(t->path, &st))
			vi_fail(f, VI_STAGE_RESOLVE, -ENOENT, "no such device: %s", t->path);
		else if (kernel)
			vi_fail(f, VI_STAGE_NO_GROUP, (int)n, "%s has no IOMMU group (%s: %s)",
				t->name, link, strerror((int)-n));
		else
			vi_fail(f, VI_STAGE_RESOLVE, (int)n, "no such device in the sim: %s",
				t->name);
		return f->err;
	}
	target[n] = '\0';
	if (!parse_group(target, &t->group)) {
		vi_fail(f, VI_STAGE_RESOLVE, -EINVAL, "%s: \"%s\" does not end in a group number",
			link, target);
		return f->err;
	}
	t->group_known = true;
	if (kernel) {
		read_driver(t->path, t->driver, sizeof(t->driver));
		t->driver_known = true;
	}
	return 0;
}

static int by_group_then_name(const void *a, const void *b)
{
	const struct vi_target *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int add_target(struct vi_target **list, size_t *n, size_t *cap, const struct vi_target *t)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct vi_target *l = realloc(*list, ncap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		*list = l;
		*cap = ncap;
	}
	(*list)[(*n)++] = *t;
	return 0;
}

/* The devices of group directory @gdir bound to a VFIO driver; counts all it saw. */
static int scan_group(const char *gname, struct vi_target **list, size_t *n, size_t *cap,
		      unsigned int *seen)
{
	char dir[PATH_MAX];
	struct dirent *e;
	struct vi_target t;
	DIR *d;
	int ret = 0;

	memset(&t, 0, sizeof(t));
	if (!parse_group(gname, &t.group))
		return 0;
	snprintf(dir, sizeof(dir), GROUPS_DIR "/%s/devices", gname);
	d = opendir(dir);
	if (!d)
		return 0;
	while (!ret && (e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		(*seen)++;
		snprintf(t.name, sizeof(t.name), "%s", e->d_name);
		snprintf(t.path, sizeof(t.path), "/sys/bus/pci/devices/%s", e->d_name);
		/* not PCI: the group's own link to it */
		if (stat(t.path, &st) && snprintf(t.path, sizeof(t.path), "%s/%s", dir,
						  e->d_name) >= (int)sizeof(t.path))
			continue;
		read_driver(t.path, t.driver, sizeof(t.driver));
		t.driver_known = t.group_known = true;
		if (strstr(t.driver, "vfio"))
			ret = add_target(list, n, cap, &t);
	}
	closedir(d);
	return ret;
}

int vi_targets_kernel(struct vi_target **out, size_t *n, struct vi_failure *f)
{
	struct vi_target *list = NULL;
	size_t cap = 0;
	unsigned int groups = 0, devices = 0;
	struct dirent *e;
	DIR *d;
	int ret = 0;

	*n = 0;
	d = opendir(GROUPS_DIR);
	if (!d) {
		vi_fail(f, VI_STAGE_NO_GROUP, -errno, "no IOMMU groups (%s: %s)", GROUPS_DIR,
			strerror(errno));
		return f->err;
	}
	while (!ret && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		groups++;
		ret = scan_group(e->d_name, &list, n, &cap, &devices);
	}
	closedir(d);
	if (ret) {
		free(list);
		vi_fail(f, VI_STAGE_NONE, ret, "listing the IOMMU groups: %s", strerror(-ret));
		return ret;
	}
	if (!groups) {
		vi_fail(f, VI_STAGE_NO_GROUP, -ENOENT, "no IOMMU groups (%s is empty)", GROUPS_DIR);
		return f->err;
	}
	if (!*n) {
		free(list);
		vi_fail(f, VI_STAGE_NONE, -ENODEV,
			"no device is bound to a VFIO driver (%u devices "
			"in %u IOMMU groups)",
			devices, groups);
		return f->err;
	}
	qsort(list, *n, sizeof(*list), by_group_then_name);
	*out = list;
	return 0;
}
