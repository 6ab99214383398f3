// SPDX-License-Identifier: MIT
/*
 * A failure, turned into what went wrong and the fix to try.  The common
 * ones: VFIO not loaded, no IOMMU, no permission on /dev/vfio, a device not
 * bound to vfio-pci, a group that is not viable (another device of the group
 * still has a host driver), a group held by another process, no interrupt
 * remapping.  The fixes name the real machine's files, so they are given on
 * the kernel backend only.
 */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vfio_info.h"

static void hint(struct vi_failure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void hint(struct vi_failure *f, const char *fmt, ...)
{
	size_t len = strlen(f->hint);
	va_list ap;

	if (len >= sizeof(f->hint) - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(f->hint + len, sizeof(f->hint) - len, fmt, ap);
	va_end(ap);
}

void vi_facts_gather(struct vi_facts *facts, const struct vi_target *t)
{
	char dir[96];
	struct dirent *e;
	size_t len = 0;
	DIR *d;

	memset(facts, 0, sizeof(*facts));
	facts->kernel = true;
	facts->vfio_pci_loaded = !access("/sys/bus/pci/drivers/vfio-pci", F_OK);
	if (!t || !t->group_known)
		return;
	snprintf(dir, sizeof(dir), "/sys/kernel/iommu_groups/%u/devices", t->group);
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d)) && len < sizeof(facts->group_members) - 1) {
		char link[PATH_MAX], target[PATH_MAX];
		const char *drv = "no driver";
		ssize_t n;
		int w;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s/driver", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n > 0) {
			target[n] = '\0';
			drv = strrchr(target, '/') ? strrchr(target, '/') + 1 : target;
		}
		w = snprintf(facts->group_members + len, sizeof(facts->group_members) - len,
			     "%s%s (%s)", len ? ", " : "", e->d_name, drv);
		if (w < 0)
			break;
		len += (size_t)w;
	}
	closedir(d);
}

/* How to hand @t to vfio-pci (or vfio-platform), as root. */
static void bind_hint(struct vi_failure *f, const struct vi_target *t, const struct vi_facts *facts)
{
	bool platform = !strncmp(t->path, "/sys/bus/platform/", 18);
	const char *bus = platform ? "platform" : "pci";
	const char *drv = platform ? "vfio-platform" : "vfio-pci";

	hint(f, "Bind it to %s (as root):\n", drv);
	if (!platform && !facts->vfio_pci_loaded)
		hint(f, "    modprobe vfio-pci\n");
	hint(f, "    echo %s > /sys/bus/%s/devices/%s/driver_override\n", drv, bus, t->name);
	if (t->driver[0])
		hint(f, "    echo %s > /sys/bus/%s/devices/%s/driver/unbind\n", t->name, bus,
		     t->name);
	hint(f, "    echo %s > /sys/bus/%s/drivers_probe\n", t->name, bus);
	if (!platform)
		hint(f,
		     "or, with driverctl, which keeps it across reboots:\n"
		     "    driverctl set-override %s vfio-pci\n",
		     t->name);
}

static void no_iommu_hint(struct vi_failure *f)
{
	hint(f, "Without an IOMMU no device can be given to VFIO.  Enable VT-d (Intel) or\n"
		"AMD-Vi in the firmware, boot with intel_iommu=on on Intel (AMD's is on by\n"
		"default), and check with: dmesg | grep -i -e DMAR -e AMD-Vi -e IOMMU\n"
		"vfio-info --sim shows what VFIO reports, on a simulated machine.\n");
}

void vi_diagnose(struct vi_failure *f, const struct vi_target *t, const struct vi_facts *facts)
{
	int err = -f->err;
	unsigned int g = t ? t->group : 0;

	f->hint[0] = '\0';
	if (!facts->kernel) {
		if (f->stage == VI_STAGE_RESOLVE && facts->sim_devices)
			hint(f, "The sim holds %s.\n", facts->sim_devices);
		return;
	}
	switch (f->stage) {
	case VI_STAGE_RESOLVE:
		if (err == ENOENT)
			hint(f, "Name a device by its PCI address (0000:03:00.0, as lspci -D "
				"shows),\n"
				"its sysfs directory or its VFIO cdev (/dev/vfio/devices/vfioN); "
				"with\n"
				"no argument vfio-info reports every device bound to VFIO.\n");
		break;
	case VI_STAGE_NO_GROUP:
		no_iommu_hint(f);
		break;
	case VI_STAGE_DRIVER:
		bind_hint(f, t, facts);
		break;
	case VI_STAGE_CONTAINER:
		if (err == ENOENT)
			hint(f, "/dev/vfio/vfio is missing: VFIO is not loaded.  Load it (as "
				"root):\n"
				"    modprobe vfio-pci\n");
		else if (err == EACCES || err == EPERM)
			hint(f, "No permission on /dev/vfio/vfio: run vfio-info as root.\n");
		else if (err == ENODEV)
			hint(f, "The kernel offers no Type1 IOMMU.  Load it (as root):\n"
				"    modprobe vfio_iommu_type1\n");
		break;
	case VI_STAGE_GROUP:
		if (err == ENOENT) {
			hint(f,
			     "/dev/vfio/%u is missing: no device of group %u is bound to a VFIO "
			     "driver.\n",
			     g, g);
			if (t)
				bind_hint(f, t, facts);
		} else if (err == EACCES || err == EPERM) {
			hint(f,
			     "No permission to open /dev/vfio/%u.  Run vfio-info as root, or give\n"
			     "your user the group (a udev rule makes it last):\n"
			     "    sudo chown $USER /dev/vfio/%u\n",
			     g, g);
		} else if (err == EBUSY) {
			hint(f,
			     "Another process holds /dev/vfio/%u (a VM?).  Find it with:\n"
			     "    sudo fuser -v /dev/vfio/%u\n",
			     g, g);
		}
		break;
	case VI_STAGE_VIABLE:
		hint(f, "A group can be used only when every device in it is bound to a VFIO\n"
			"driver or to no driver.");
		if (facts->group_members[0])
			hint(f, "  Group %u holds: %s.", g, facts->group_members);
		hint(f, "\nBind the others to vfio-pci as well, or unbind them from their "
			"drivers:\n"
			"    echo BDF > /sys/bus/pci/devices/BDF/driver/unbind\n");
		break;
	case VI_STAGE_IOMMU:
		if (err == EPERM)
			hint(f, "VFIO refuses the IOMMU without interrupt remapping (a device "
				"could\n"
				"forge interrupts).  Turn interrupt remapping on in the firmware, "
				"or,\n"
				"knowing the risk, load the IOMMU driver with (as root):\n"
				"    modprobe vfio_iommu_type1 allow_unsafe_interrupts=1\n");
		break;
	case VI_STAGE_DEVICE:
		if (err == EBUSY)
			hint(f, "The device is open already, in another process (a VM?).\n");
		else if (err == EINVAL)
			hint(f, "libvfio drives PCI and platform devices (a PCI device with its "
				"config\n"
				"region and MSI-X index).\n");
		break;
	case VI_STAGE_NONE:
		if (err == ENODEV) {
			hint(f, "Bind a device to vfio-pci (as root), e.g. for 0000:03:00.0:\n");
			if (!facts->vfio_pci_loaded)
				hint(f, "    modprobe vfio-pci\n");
			hint(f, "    echo vfio-pci > "
				"/sys/bus/pci/devices/0000:03:00.0/driver_override\n"
				"    echo 0000:03:00.0 > "
				"/sys/bus/pci/devices/0000:03:00.0/driver/unbind\n"
				"    echo 0000:03:00.0 > /sys/bus/pci/drivers_probe\n"
				"or look at a simulated machine: vfio-info --sim\n");
		}
		break;
	}
}
