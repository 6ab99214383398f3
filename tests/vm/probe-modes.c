// SPDX-License-Identifier: MIT
/*
 * tests/vm/probe-modes.c: what the real kernel answers in the iommufd and
 * noiommu modes, with raw ioctls and no libvfio (as probe.c does for type1).
 * Runs inside the test VM booted in that mode:
 *
 *   gcc -static -O2 -Iinclude -o /tmp/probe-modes tests/vm/probe-modes.c
 *   tests/vm/run --mode iommufd --binary /tmp/probe-modes
 *   tests/vm/run --mode noiommu --binary /tmp/probe-modes
 *
 * The mode comes from VFIO_VM_MODE, the devices from VFIO_EDU_BDF/GROUP/CDEV,
 * VFIO_EDU2_... and VFIO_E1000E_... (tests/vm/init.sh).  Output as probe.c's:
 * "FACT key=value", "PASS/FAIL probe-<step>", and "N passed, N failed" last.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vfio/abi.h>

static int passed, failed;

static void fact(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fact(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("FACT %s=", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void check(int ok, const char *step)
{
	printf("%s probe-%s\n", ok ? "PASS" : "FAIL", step);
	if (ok)
		passed++;
	else
		failed++;
}

/* "0" or the errno's name. */
static const char *res(int rc)
{
	static char buf[32];

	if (rc >= 0)
		return "0";
	switch (errno) {
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENODEV: return "ENODEV";
	case ENOENT: return "ENOENT";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EEXIST: return "EEXIST";
	case ENOSPC: return "ENOSPC";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EFAULT: return "EFAULT";
	case EACCES: return "EACCES";
	default:
		snprintf(buf, sizeof(buf), "errno%d", errno);
		return buf;
	}
}

static void ranges(int iommufd, uint32_t ioas, const char *when)
{
	struct vfio_abi_iova_range r[8];
	struct vfio_abi_ioas_iova_ranges q = {
		.size = sizeof(q), .ioas_id = ioas, .num_iovas = 8,
		.allowed_iovas = (uintptr_t)r,
	};
	char key[96];
	int rc = ioctl(iommufd, VFIO_ABI_IOAS_IOVA_RANGES, &q);

	snprintf(key, sizeof(key), "iommufd.ioas_ranges.%s", when);
	fact(key, "%s num=%u alignment=%#llx", res(rc), q.num_iovas,
	     (unsigned long long)q.out_iova_alignment);
	for (uint32_t i = 0; !rc && i < q.num_iovas && i < 8; i++) {
		snprintf(key, sizeof(key), "iommufd.ioas_ranges.%s.%u", when, i);
		fact(key, "%#llx-%#llx", (unsigned long long)r[i].start,
		     (unsigned long long)r[i].last);
	}
}

static int bind(int dev, int iommufd, uint32_t *devid)
{
	struct vfio_abi_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = iommufd };
	int rc = ioctl(dev, VFIO_ABI_DEVICE_BIND_IOMMUFD, &b);

	*devid = b.out_devid;
	return rc;
}

static int attach(int dev, uint32_t pt)
{
	struct vfio_abi_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = pt };

	return ioctl(dev, VFIO_ABI_DEVICE_ATTACH_IOMMUFD_PT, &a);
}

static void probe_iommufd(void)
{
	const char *cdev = getenv("VFIO_EDU_CDEV"), *cdev2 = getenv("VFIO_EDU2_CDEV");
	struct vfio_abi_ioas_alloc alloc = { .size = sizeof(alloc) };
	uint32_t devid = 0, devid2 = 0, other = 0;
	int fd, dev, dev_again, dev2, fd2, memfd, rc;
	void *mem;

	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	check(fd >= 0, "open-iommufd");
	dev = cdev ? open(cdev, O_RDWR | O_CLOEXEC) : -1;
	check(dev >= 0, "open-edu-cdev");
	if (fd < 0 || dev < 0)
		return;
	rc = ioctl(fd, VFIO_ABI_IOAS_ALLOC, &alloc);
	check(rc == 0, "ioas-alloc");
	fact("iommufd.ioas_id", "%u", alloc.out_ioas_id);
	ranges(fd, alloc.out_ioas_id, "empty");
	/* a device fd does nothing before it is bound */
	{
		struct vfio_device_info info = { .argsz = sizeof(info) };

		rc = ioctl(dev, VFIO_DEVICE_GET_INFO, &info);
		fact("cdev.get_info_before_bind", "%s", res(rc));
	}
	fact("cdev.attach_before_bind", "%s", res(attach(dev, alloc.out_ioas_id)));
	rc = bind(dev, fd, &devid);
	fact("cdev.bind", "%s devid=%u", res(rc), devid);
	fact("cdev.bind_again", "%s", res(bind(dev, fd, &other)));
	fact("cdev.attach_bad_pt", "%s", res(attach(dev, 9999)));
	fact("cdev.attach", "%s", res(attach(dev, alloc.out_ioas_id)));
	ranges(fd, alloc.out_ioas_id, "attached");
	/* the same device from a second open of its cdev */
	dev_again = open(cdev, O_RDWR | O_CLOEXEC);
	fact("cdev.open_twice", "%s", res(dev_again));
	if (dev_again >= 0) {
		fd2 = open("/dev/iommu", O_RDWR | O_CLOEXEC);
		fact("cdev.bind_second_open_other_iommufd", "%s",
		     res(bind(dev_again, fd2, &other)));
		fact("cdev.bind_second_open_same_iommufd", "%s", res(bind(dev_again, fd, &other)));
		close(fd2);
		close(dev_again);
	}
	/* IOMMU_IOAS_MAP_FILE arrived in 6.13 */
	memfd = memfd_create("probe", MFD_CLOEXEC);
	if (memfd >= 0 && ftruncate(memfd, 0x10000) == 0) {
		struct vfio_abi_ioas_map_file mf = {
			.size = sizeof(mf), .ioas_id = alloc.out_ioas_id, .fd = memfd,
			.length = 0x10000, .iova = 0x100000,
			.flags = VFIO_ABI_IOAS_MAP_FIXED_IOVA | VFIO_ABI_IOAS_MAP_READABLE,
		};

		fact("iommufd.map_file", "%s", res(ioctl(fd, VFIO_ABI_IOAS_MAP_FILE, &mf)));
	}
	if (memfd >= 0)
		close(memfd);
	/* unmap everything: iova 0, length UINT64_MAX */
	mem = mmap(NULL, 0x4000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem != MAP_FAILED) {
		struct vfio_abi_ioas_map m = {
			.size = sizeof(m), .ioas_id = alloc.out_ioas_id,
			.flags = VFIO_ABI_IOAS_MAP_FIXED_IOVA | VFIO_ABI_IOAS_MAP_READABLE |
				 VFIO_ABI_IOAS_MAP_WRITEABLE,
			.user_va = (uintptr_t)mem, .length = 0x4000, .iova = 0x200000,
		};
		struct vfio_abi_ioas_unmap u = {
			.size = sizeof(u), .ioas_id = alloc.out_ioas_id, .iova = 0x201000,
			.length = 0x1000,
		};

		fact("iommufd.map", "%s", res(ioctl(fd, VFIO_ABI_IOAS_MAP, &m)));
		fact("iommufd.map_overlap", "%s", res(ioctl(fd, VFIO_ABI_IOAS_MAP, &m)));
		m.iova = 0xfee00000;
		fact("iommufd.map_msi_window", "%s", res(ioctl(fd, VFIO_ABI_IOAS_MAP, &m)));
		fact("iommufd.unmap_split", "%s", res(ioctl(fd, VFIO_ABI_IOAS_UNMAP, &u)));
		u.iova = 0x300000;
		fact("iommufd.unmap_nothing", "%s", res(ioctl(fd, VFIO_ABI_IOAS_UNMAP, &u)));
		u.iova = 0;
		u.length = UINT64_MAX;
		rc = ioctl(fd, VFIO_ABI_IOAS_UNMAP, &u);
		fact("iommufd.unmap_all", "%s length=%#llx", res(rc), (unsigned long long)u.length);
		munmap(mem, 0x4000);
	}
	/* hot reset info of edu2 bound to this iommufd: device ids */
	dev2 = cdev2 ? open(cdev2, O_RDWR | O_CLOEXEC) : -1;
	if (dev2 >= 0 && bind(dev2, fd, &devid2) == 0) {
		uint64_t buf[16] = { 0 };
		struct vfio_pci_hot_reset_info *h = (struct vfio_pci_hot_reset_info *)buf;

		h->argsz = sizeof(buf);
		rc = ioctl(dev2, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, h);
		/* 6.1's header names it group_id; with FLAG_DEV_ID it is the devid */
		fact("edu2.hot_reset_info.iommufd", "%s count=%u flags=%#x devid0=%u own_devid=%u",
		     res(rc), h->count, h->flags, h->devices[0].group_id, devid2);
	}
	if (dev2 >= 0)
		close(dev2);
	close(dev);
	close(fd);
}

static void probe_noiommu(void)
{
	const char *group = getenv("VFIO_EDU_GROUP"), *bdf = getenv("VFIO_EDU_BDF");
	char path[64];
	int c, g, d, rc;

	c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	check(c >= 0, "open-container");
	snprintf(path, sizeof(path), "/dev/vfio/noiommu-%s", group ? group : "?");
	g = open(path, O_RDWR | O_CLOEXEC);
	check(g >= 0, "open-noiommu-group");
	fact("noiommu.group_node", "%s", path);
	snprintf(path, sizeof(path), "/dev/vfio/%s", group ? group : "?");
	fact("noiommu.plain_group_node", "%s", res(access(path, F_OK)));
	fact("noiommu.iommufd_node", "%s", res(access("/dev/iommu", F_OK)));
	if (c < 0 || g < 0)
		return;
	fact("noiommu.check_extension.empty.noiommu", "%d",
	     ioctl(c, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU));
	fact("noiommu.check_extension.empty.type1v2", "%d",
	     ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	rc = ioctl(g, VFIO_GROUP_SET_CONTAINER, &c);
	fact("noiommu.set_container", "%s", res(rc));
	fact("noiommu.set_iommu_type1v2", "%s", res(ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)));
	fact("noiommu.check_extension.joined.noiommu", "%d",
	     ioctl(c, VFIO_CHECK_EXTENSION, VFIO_NOIOMMU_IOMMU));
	fact("noiommu.check_extension.joined.type1v2", "%d",
	     ioctl(c, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU));
	fact("noiommu.set_iommu_noiommu", "%s", res(ioctl(c, VFIO_SET_IOMMU, VFIO_NOIOMMU_IOMMU)));
	{
		struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
		struct vfio_iommu_type1_dma_map m = {
			.argsz = sizeof(m), .flags = 3, .vaddr = 0, .iova = 0, .size = 0x1000,
		};

		fact("noiommu.get_info", "%s", res(ioctl(c, VFIO_IOMMU_GET_INFO, &info)));
		fact("noiommu.map_dma", "%s", res(ioctl(c, VFIO_IOMMU_MAP_DMA, &m)));
	}
	d = ioctl(g, VFIO_GROUP_GET_DEVICE_FD, bdf ? bdf : "?");
	fact("noiommu.get_device_fd", "%s", res(d));
	if (d >= 0) {
		struct vfio_device_info info = { .argsz = sizeof(info) };

		rc = ioctl(d, VFIO_DEVICE_GET_INFO, &info);
		fact("noiommu.device_info", "%s flags=%#x regions=%u irqs=%u", res(rc), info.flags,
		     info.num_regions, info.num_irqs);
		close(d);
	}
	close(g);
	close(c);
}

int main(void)
{
	const char *mode = getenv("VFIO_VM_MODE");

	fact("mode", "%s", mode ? mode : "?");
	if (mode && !strcmp(mode, "iommufd"))
		probe_iommufd();
	else if (mode && !strcmp(mode, "noiommu"))
		probe_noiommu();
	else
		check(0, "mode (run it with tests/vm/run --mode iommufd or noiommu)");
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
