// SPDX-License-Identifier: MIT
/* The sim's device cdevs: binding, attaching, DMA through an IOAS, sysfs, hot reset. */

#include "test_sim_iommufd.h"

static void test_unbound_cdev_only_binds(void **state)
{
	struct s_fix *s = *state;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_abi_device_bind_iommufd b = { .argsz = sizeof(b) };
	int dev = i_open(s, "/dev/vfio/devices/vfio0"), ictx = i_open(s, "/dev/iommu");
	int c = i_open(s, "/dev/vfio/vfio"), dev2, efd;
	uint32_t devid = 0;
	char byte;
	void *p;

	assert_int_equal(s->ops->open(s->be, "/dev/vfio/devices/vfio3", O_RDWR), -ENOENT);
	assert_true(fcntl(dev, F_GETFD) & FD_CLOEXEC);
	/* access is not granted before the bind */
	assert_int_equal(s->ops->device_get_info(s->be, dev, &info), -EINVAL);
	assert_int_equal(s->ops->pread(s->be, dev, &byte, 1, 0), -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, dev, NULL, S_PAGE, PROT_READ, MAP_SHARED, 0, &p),
			 -EINVAL);
	assert_int_equal(i_attach(s, dev, 1, NULL), -EINVAL);
	assert_int_equal(i_detach(s, dev), -EINVAL);
	assert_int_equal(s->ops->device_reset(s->be, dev), -EINVAL);
	/* the bind's own checks */
	assert_int_equal(s->ops->device_bind_iommufd(s->be, dev, NULL), -EFAULT);
	b.iommufd = ictx;
	b.flags = 1;
	assert_int_equal(s->ops->device_bind_iommufd(s->be, dev, &b), -EINVAL);
	b.flags = 0;
	b.argsz = 12;
	assert_int_equal(s->ops->device_bind_iommufd(s->be, dev, &b), -EINVAL);
	assert_int_equal(i_bind(s, dev, -1, NULL), -EINVAL);
	assert_int_equal(i_bind(s, dev, 9999, NULL), -EBADF);
	assert_int_equal(i_bind(s, dev, c, NULL), -EBADFD);
	efd = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(i_bind(s, dev, efd, NULL), -EBADFD);
	close(efd);
	assert_int_equal(i_bind(s, ictx, ictx, NULL), -ENOTTY);
	assert_int_equal(i_bind(s, 9999, ictx, NULL), -EBADF);
	/* bound: the device works; a second bind, or one through another cdev file, is EINVAL */
	assert_int_equal(i_bind(s, dev, ictx, &devid), 0);
	assert_int_equal(devid, 1);
	assert_int_equal(vfio_sim_device_open_count(s->pci), 1);
	assert_int_equal(s->ops->device_get_info(s->be, dev, &info), 0);
	assert_int_equal(i_bind(s, dev, ictx, NULL), -EINVAL);
	dev2 = i_open(s, "/dev/vfio/devices/vfio0");
	assert_int_equal(i_bind(s, dev2, ictx, NULL), -EINVAL);
	/* the ioctls of /dev/iommu on a device: vfio-pci's ENOTTY */
	assert_int_equal(i_ioas(s, ictx), 2);
	{
		struct vfio_abi_ioas_alloc a = { .size = sizeof(a) };

		assert_int_equal(s->ops->ioas_alloc(s->be, dev, &a), -ENOTTY);
		assert_int_equal(s->ops->ioas_alloc(s->be, dev2, &a), -EINVAL);
	}
	s_close(s, &dev2);
	s_close(s, &dev);
	assert_int_equal(vfio_sim_device_open_count(s->pci), 0);
	s_close(s, &c);
	s_close(s, &ictx);
}

static void test_group_and_cdev_exclude(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev = i_open(s, "/dev/vfio/devices/vfio0"), bad;

	s_attach(s, 1, 1);
	s->device = s->ops->group_get_device_fd(s->be, s->group, S_PCI);
	assert_true(s->device >= 0);
	/* the group is open: EBUSY, and a group-opened device neither binds nor attaches */
	assert_int_equal(i_bind(s, dev, ictx, NULL), -EBUSY);
	assert_int_equal(i_bind(s, s->device, ictx, NULL), -EINVAL);
	assert_int_equal(i_attach(s, s->device, 1, NULL), -ENOTTY);
	assert_int_equal(i_detach(s, s->device), -ENOTTY);
	s_close(s, &s->device);
	s_close(s, &s->group);
	/* bound: the group node is busy */
	assert_int_equal(i_bind(s, dev, ictx, NULL), 0);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/1", O_RDWR), -EBUSY);
	s_close(s, &dev);
	s->group = i_open(s, "/dev/vfio/1");
	/* a group a host driver holds: EPERM */
	bad = i_open(s, "/dev/vfio/devices/vfio2");
	assert_int_equal(i_bind(s, bad, ictx, NULL), -EPERM);
	s_close(s, &bad);
	s_close(s, &ictx);
}

static void test_attach_detach_destroy(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev = i_device(s, 0, ictx, 0), plat;
	uint32_t ioas = i_ioas(s, ictx), ioas2 = i_ioas(s, ictx), hwpt = 0, pt = 0;
	struct vfio_abi_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = ioas };

	assert_int_equal(ioas, 2); /* the device took id 1 */
	assert_int_equal(i_attach(s, dev, 77, NULL), -ENOENT);
	assert_int_equal(i_attach(s, dev, 1, NULL), -EINVAL); /* a device is no page table */
	a.flags = 1;
	assert_int_equal(s->ops->device_attach_iommufd_pt(s->be, dev, &a), -EINVAL);
	a.flags = 0;
	a.argsz = 8;
	assert_int_equal(s->ops->device_attach_iommufd_pt(s->be, dev, &a), -EINVAL);
	assert_int_equal(s->ops->device_attach_iommufd_pt(s->be, dev, NULL), -EFAULT);
	/* attached: pt_id comes back as the automatic domain */
	assert_int_equal(i_attach(s, dev, ioas, &hwpt), 0);
	assert_true(hwpt != ioas && hwpt != ioas2 && hwpt != 1);
	assert_int_equal(i_attach(s, dev, ioas, &pt), 0);
	assert_int_equal(pt, hwpt);
	assert_int_equal(i_attach(s, dev, hwpt, &pt), 0);
	assert_int_equal(pt, hwpt);
	/* held objects */
	assert_int_equal(i_destroy(s, ictx, ioas), -EBUSY);
	assert_int_equal(i_destroy(s, ictx, hwpt), -EBUSY);
	assert_int_equal(i_destroy(s, ictx, 1), -EBUSY);
	/* a second device, another group, shares the domain */
	plat = i_device(s, 1, ictx, ioas);
	/* the first moves to the other IOAS: its own domain */
	assert_int_equal(i_attach(s, dev, ioas2, &pt), 0);
	assert_true(pt != hwpt);
	assert_int_equal(i_destroy(s, ictx, ioas), -EBUSY);
	assert_int_equal(i_detach(s, plat), 0);
	assert_int_equal(i_detach(s, plat), 0);
	assert_int_equal(i_destroy(s, ictx, hwpt), -ENOENT); /* the domain went with its device */
	assert_int_equal(i_destroy(s, ictx, ioas), 0);
	/* the iommufd's fd closed: bound devices keep it */
	s_close(s, &ictx);
	assert_int_equal(i_detach(s, dev), 0);
	assert_int_equal(i_attach(s, dev, ioas2, NULL), 0);
	s_close(s, &plat);
	s_close(s, &dev);
}

static void test_dma_through_the_ioas(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev = i_device(s, 0, ictx, 0);
	uint32_t ioas = i_ioas(s, ictx);
	struct vfio_sim_fault f;
	char out[8] = "ioas-rw", in[8] = { 0 };
	uint64_t iova = 0;

	vfio_sim_fault_log_clear(s->sim);
	/* bound but not attached: the IOMMU blocks it all */
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x1000, out, 8), -EFAULT);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 0, &f), 0);
	assert_int_equal(f.reason, VFIO_SIM_FAULT_BLOCKED);
	assert_int_equal(f.fault_iova, 0x1000);
	assert_int_equal(i_map(s, ictx, ioas, RW_MAP, s->buf, 2 * S_PAGE, &iova), 0);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x100000), 0);
	assert_int_equal(i_map(s, ictx, ioas, VFIO_ABI_IOAS_MAP_READABLE | 1, s->buf, S_PAGE,
			       &(uint64_t){ 0x200000 }),
			 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), 0);
	assert_int_equal(vfio_sim_dma_write(s->pci, iova + 8, out, 8), 0);
	assert_memory_equal((char *)s->buf + 8, out, 8);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100008, in, 8), 0);
	assert_memory_equal(in, out, 8);
	/* unmapped, and read-only */
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x300000, in, 8), -EFAULT);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 1, &f), 0);
	assert_int_equal(f.reason, VFIO_SIM_FAULT_UNMAPPED);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x200000, out, 8), -EFAULT);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 2, &f), 0);
	assert_int_equal(f.reason, VFIO_SIM_FAULT_PERMISSION);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x200000, in, 8), 0);
	/* the platform device, not bound, has no DMA at all */
	assert_int_equal(vfio_sim_dma_read(s->plat, 0x100000, in, 8), -ENODEV);
	/* closed: unbound; no DMA */
	s_close(s, &dev);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, in, 8), -ENODEV);
	s_close(s, &ictx);
}

static void test_one_domain_per_group(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_device *fn1;
	int ictx = i_open(s, "/dev/iommu"), d0, d1;
	uint32_t a = i_ioas(s, ictx), b = i_ioas(s, ictx);

	assert_int_equal(vfio_sim_device_add(s->g1, "0000:00:01.1", VFIO_DEVICE_FLAGS_PCI, 9, 5,
					     &fn1),
			 0);
	assert_int_equal(vfio_sim_device_index(fn1), 3);
	d0 = i_device(s, 0, ictx, a);
	d1 = i_device(s, 3, ictx, 0);
	assert_int_equal(i_attach(s, d1, b, NULL), -EINVAL);
	assert_int_equal(i_attach(s, d1, a, NULL), 0);
	s_close(s, &d1);
	s_close(s, &d0);
	s_close(s, &ictx);
}

static void assert_names(struct s_fix *s, const char *path, const char *const *want, size_t n)
{
	char buf[256];
	ssize_t len = s->ops->list_dir(s->be, path, buf, sizeof(buf));
	size_t i, off = 0;

	assert_true(len > 0);
	for (i = 0; i < n; i++) {
		assert_string_equal(buf + off, want[i]);
		off += strlen(want[i]) + 1;
	}
	assert_int_equal((size_t)len, off);
}

static void test_sysfs_view(void **state)
{
	struct s_fix *s = *state;
	static const char *const one[] = { "vfio0" };
	static const char *const all[] = { "vfio0", "vfio1", "vfio2" };
	static const char *const vdev[] = { "dev", "device", "power", "subsystem", "uevent" };
	static const char *const vfio[] = { "vfio", "1", "2", "3", "devices" };
	char buf[64];
	ssize_t n;

	assert_names(s, "/sys/bus/pci/devices/" S_PCI "/vfio-dev", one, 1);
	assert_names(s, "/sys/devices/pci0000:00/" S_PCI "/vfio-dev", one, 1);
	assert_names(s, "/sys/class/vfio-dev", all, 3);
	assert_names(s, "/dev/vfio/devices", all, 3);
	assert_names(s, "/dev/vfio", vfio, 5);
	assert_names(s, "/sys/class/vfio-dev/vfio0", vdev, 5);
	n = s->ops->readlink(s->be, "/sys/class/vfio-dev/vfio0/device", buf, sizeof(buf));
	assert_int_equal(n, strlen("../../../" S_PCI));
	assert_memory_equal(buf, "../../../" S_PCI, (size_t)n);
	n = s->ops->readlink(s->be, "/sys/class/vfio-dev/vfio1", buf, sizeof(buf));
	assert_int_equal(n, strlen("../../devices/platform/" S_PLAT "/vfio-dev/vfio1"));
	assert_memory_equal(buf, "../../devices/platform/" S_PLAT "/vfio-dev/vfio1", (size_t)n);
	assert_int_equal(s->ops->readlink(s->be, "/sys/bus/pci/devices/" S_PCI "/vfio-dev", buf,
					  sizeof(buf)),
			 -EINVAL);
	assert_int_equal(s->ops->readlink(s->be, "/dev/vfio/devices/vfio0", buf, sizeof(buf)),
			 -EINVAL);
	/* the group's link still answers as before */
	n = s->ops->readlink(s->be, "/sys/bus/pci/devices/" S_PCI "/iommu_group", buf,
			     sizeof(buf));
	assert_memory_equal(buf, "../../../kernel/iommu_groups/1", (size_t)n);
	/* too little room: the bytes all the names need */
	assert_int_equal(s->ops->list_dir(s->be, "/sys/class/vfio-dev", buf, 8), 18);
	assert_string_equal(buf, "vfio0");
	assert_int_equal(s->ops->list_dir(s->be, "/sys/class/vfio-dev", NULL, 0), 18);
	/* errors */
	assert_int_equal(s->ops->list_dir(s->be, "/sys/bus/pci/devices/0000:00:1f.7/vfio-dev", buf,
					  sizeof(buf)),
			 -ENOENT);
	assert_int_equal(s->ops->list_dir(s->be, "/dev/vfio/vfio", buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(s->ops->list_dir(s->be, "/dev/vfio/1", buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(s->ops->list_dir(s->be, "/dev/vfio/devices/vfio1", buf, sizeof(buf)),
			 -ENOTDIR);
	assert_int_equal(s->ops->list_dir(s->be, "/sys/class/vfio-dev/vfio0/uevent", buf,
					  sizeof(buf)),
			 -ENOTDIR);
	assert_int_equal(s->ops->list_dir(s->be, NULL, buf, sizeof(buf)), -EFAULT);
	assert_int_equal(s->ops->list_dir(s->be, "/sys", NULL, 4), -EFAULT);
	assert_true(s->ops->list_dir(s->be, "/sys/kernel/iommu_groups/1/devices", buf,
				     sizeof(buf)) > 0);
	assert_string_equal(buf, S_PCI);
}

/* Two more devices on S_PCI's bus: fn1 in group 1 with it, dev5 in a group of its own. */
static void reset_bus(struct s_fix *s, struct vfio_sim_device **fn1, struct vfio_sim_device **dev5)
{
	struct vfio_sim_group *g5;

	assert_int_equal(vfio_sim_device_add(s->g1, "0000:00:01.1", VFIO_DEVICE_FLAGS_PCI, 9, 5,
					     fn1),
			 0);
	assert_int_equal(vfio_sim_group_add(s->sim, 5, &g5), 0);
	assert_int_equal(vfio_sim_device_add(g5, "0000:00:05.0", VFIO_DEVICE_FLAGS_PCI, 9, 5, dev5),
			 0);
	assert_int_equal(vfio_sim_device_set_reset_bus(s->pci, 1), 0);
	assert_int_equal(vfio_sim_device_set_reset_bus(*fn1, 1), 0);
	assert_int_equal(vfio_sim_device_set_reset_bus(*dev5, 1), 0);
}

static int info(struct s_fix *s, int dev, struct vfio_pci_hot_reset_info *h)
{
	h->argsz = sizeof(*h) + 4 * sizeof(h->devices[0]);
	return s->ops->device_get_pci_hot_reset_info(s->be, dev, h);
}

static void test_hot_reset_cdev(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_device *fn1, *dev5;
	union {
		struct vfio_pci_hot_reset_info h;
		uint8_t room[sizeof(struct vfio_pci_hot_reset_info) +
			     4 * sizeof(struct vfio_pci_dependent_device)];
	} r;
	const struct vfio_pci_dependent_device *dd = r.h.devices;
	struct vfio_pci_hot_reset reset = { .argsz = sizeof(reset) };
	int ictx = i_open(s, "/dev/iommu"), other = i_open(s, "/dev/iommu"), dev, d5;
	uint32_t id0 = 0, id5 = 0;

	reset_bus(s, &fn1, &dev5);
	dev = i_open(s, "/dev/vfio/devices/vfio0");
	assert_int_equal(i_bind(s, dev, ictx, &id0), 0);
	/* fn1 unbound but its group is ictx's: OWNED; dev5 nobody's: NOT_OWNED */
	assert_int_equal(info(s, dev, &r.h), 0);
	assert_int_equal(r.h.count, 3);
	assert_int_equal(r.h.flags, VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID);
	assert_int_equal(dd[0].group_id, id0);
	assert_int_equal(dd[1].group_id, VFIO_ABI_PCI_DEVID_OWNED);
	assert_int_equal(dd[2].group_id, VFIO_ABI_PCI_DEVID_NOT_OWNED);
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, dev, &reset), -EINVAL);
	/* dev5 bound elsewhere: still not owned */
	d5 = i_open(s, "/dev/vfio/devices/vfio4");
	assert_int_equal(i_bind(s, d5, other, NULL), 0);
	assert_int_equal(info(s, dev, &r.h), 0);
	assert_int_equal(dd[2].group_id, VFIO_ABI_PCI_DEVID_NOT_OWNED);
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, dev, &reset), -EINVAL);
	s_close(s, &d5);
	/* all owned: DEV_ID_OWNED, and the empty list resets the bus */
	d5 = i_open(s, "/dev/vfio/devices/vfio4");
	assert_int_equal(i_bind(s, d5, ictx, &id5), 0);
	assert_int_equal(info(s, dev, &r.h), 0);
	assert_int_equal(r.h.flags, VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID |
					    VFIO_ABI_PCI_HOT_RESET_FLAG_DEV_ID_OWNED);
	assert_int_equal(dd[2].group_id, id5);
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, dev, &reset), 0);
	assert_int_equal(vfio_sim_device_hot_reset_count(fn1), 1);
	assert_int_equal(vfio_sim_device_hot_reset_count(dev5), 1);
	/* a group list is for group-opened devices only */
	reset.count = 1;
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, dev, &reset), -EINVAL);
	/* too little room: ENOSPC with the count, no flags */
	r.h.argsz = sizeof(r.h);
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, dev, &r.h), -ENOSPC);
	assert_int_equal(r.h.count, 3);
	assert_int_equal(r.h.flags, 0);
	s_close(s, &d5);
	s_close(s, &dev);
	s_close(s, &other);
	s_close(s, &ictx);
}

/* The host asks for a bound device back: its node and class device go at once, it at the close. */
static void test_unplug_while_bound(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev = i_device(s, 0, ictx, i_ioas(s, ictx)), un;
	char buf[64];

	un = i_open(s, "/dev/vfio/devices/vfio1");
	assert_int_equal(vfio_sim_device_request(s->pci), 0);
	assert_int_equal(vfio_sim_device_state(s->pci), VFIO_SIM_DEVICE_REQUESTED);
	assert_int_equal(s->ops->open(s->be, "/dev/vfio/devices/vfio0", O_RDWR), -ENOENT);
	assert_int_equal(s->ops->list_dir(s->be, "/sys/class/vfio-dev", buf, sizeof(buf)), 12);
	assert_string_equal(buf, "vfio1");
	assert_int_equal(s->ops->list_dir(s->be, "/sys/bus/pci/devices/" S_PCI "/vfio-dev", buf,
					  sizeof(buf)),
			 -ENOENT);
	assert_int_equal(s->ops->readlink(s->be, "/sys/class/vfio-dev/vfio0/device", buf,
					  sizeof(buf)),
			 -ENOENT);
	s_close(s, &dev);
	assert_true(vfio_sim_device_gone(s->pci));
	/* a device nobody bound goes at once; its unbound cdev file cannot bind any more */
	assert_int_equal(vfio_sim_device_request(s->plat), 0);
	assert_true(vfio_sim_device_gone(s->plat));
	assert_int_equal(i_bind(s, un, ictx, NULL), -ENODEV);
	s_close(s, &un);
	s_close(s, &ictx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unbound_cdev_only_binds, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_group_and_cdev_exclude, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_attach_detach_destroy, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_dma_through_the_ioas, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_one_domain_per_group, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_view, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_hot_reset_cdev, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_unplug_while_bound, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
