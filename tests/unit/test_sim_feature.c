// SPDX-License-Identifier: MIT
/*
 * VFIO_DEVICE_FEATURE on the sim, as 6.12 answers it: vfio_main.c checks the
 * header, vfio-pci offers the three low-power features (SET only) and the VF
 * token of a PF (the sim has none), BUS_MASTER is vfio-cdx's alone, and
 * vfio-platform has no features at all.  And VFIO_DEVICE_IOEVENTFD's MSI-X
 * table check.
 */

#include "test_sim_iommufd.h"

static int feature(struct s_fix *s, int dev, uint32_t argsz, uint32_t flags)
{
	union {
		struct vfio_device_feature f;
		uint8_t bytes[64];
	} u;

	memset(&u, 0, sizeof(u));
	u.f.argsz = argsz;
	u.f.flags = flags;
	return s->ops->device_feature(s->be, dev, &u.f);
}

static int probe(struct s_fix *s, int dev, uint32_t index, uint32_t ops)
{
	return feature(s, dev, sizeof(struct vfio_device_feature),
		       VFIO_DEVICE_FEATURE_PROBE | ops | index);
}

/* What a PCI device offers, whichever way it was opened. */
static void pci_features(struct s_fix *s, int dev)
{
	const uint32_t set = VFIO_DEVICE_FEATURE_SET, get = VFIO_DEVICE_FEATURE_GET;
	uint32_t i;

	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, set), 0);
	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 0), 0);
	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, set), 0);
	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP, set), 0);
	/* GET is not offered: vfio_check_feature's EINVAL, even with PROBE */
	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, get), -EINVAL);
	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, get | set), -EINVAL);
	/* absent: migration and dirty logging (no driver), VF token (no PF), bus master (CDX) */
	for (i = VFIO_DEVICE_FEATURE_MIGRATION; i <= VFIO_ABI_DEVICE_FEATURE_BUS_MASTER; i++)
		if (i < VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY ||
		    i > VFIO_DEVICE_FEATURE_LOW_POWER_EXIT)
			assert_int_equal(probe(s, dev, i, 0), -ENOTTY);
	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, set), -ENOTTY);
	assert_int_equal(feature(s, dev, sizeof(struct vfio_device_feature) + 4,
				 set | VFIO_ABI_DEVICE_FEATURE_BUS_MASTER),
			 -ENOTTY);
	assert_int_equal(probe(s, dev, 0xffff, 0), -ENOTTY);
	/* the header checks come first */
	assert_int_equal(feature(s, dev, 4, VFIO_DEVICE_FEATURE_PROBE), -EINVAL);
	assert_int_equal(feature(s, dev, 8, 1u << 19 | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY),
			 -EINVAL);
	assert_int_equal(feature(s, dev, 8, get | set | VFIO_DEVICE_FEATURE_MIGRATION), -EINVAL);
	assert_int_equal(s->ops->device_feature(s->be, dev, NULL), -EFAULT);
	/* neither GET nor SET, no PROBE */
	assert_int_equal(feature(s, dev, 8, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), -EINVAL);
	assert_int_equal(feature(s, dev, 8, set | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT), 0);
}

static void test_group_opened(void **state)
{
	struct s_fix *s = *state;

	s_open_device(s, 1);
	pci_features(s, s->device);
}

static void test_cdev_opened(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev = i_open(s, "/dev/vfio/devices/vfio0");

	/* nothing before the bind */
	assert_int_equal(probe(s, dev, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 0), -EINVAL);
	assert_int_equal(i_bind(s, dev, ictx, NULL), 0);
	pci_features(s, dev);
	s_close(s, &dev);
	s_close(s, &ictx);
}

static void test_platform_has_none(void **state)
{
	struct s_fix *s = *state;

	s_open_device(s, 2);
	assert_int_equal(probe(s, s->device, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
			       VFIO_DEVICE_FEATURE_SET),
			 -ENOTTY);
	assert_int_equal(probe(s, s->device, VFIO_ABI_DEVICE_FEATURE_BUS_MASTER, 0), -ENOTTY);
	assert_int_equal(feature(s, s->device, 4, VFIO_DEVICE_FEATURE_PROBE), -EINVAL);
}

static void test_not_a_device(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu");

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(probe(s, s->group, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 0), -ENOTTY);
	assert_int_equal(probe(s, s->container, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 0), -ENOTTY);
	assert_int_equal(probe(s, ictx, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 0), -ENOTTY);
	assert_int_equal(probe(s, 999, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, 0), -EBADF);
	s_close(s, &ictx);
}

static int ioeventfd(struct s_fix *s, unsigned int bar, uint64_t pos, uint32_t size, int fd)
{
	struct vfio_device_ioeventfd req = {
		.argsz = sizeof(req),
		.flags = size,
		.offset = IDX_OFF(bar) | pos,
		.fd = fd,
	};

	return s->ops->device_ioeventfd(s->be, s->device, &req);
}

/* VFIO_DEVICE_IOEVENTFD keeps off the MSI-X table the capability places (vfio-pci). */
static void test_ioeventfd_not_on_msix_table(void **state)
{
	struct s_fix *s = *state;
	uint8_t *cfg = vfio_sim_region_mem(s->pci, VFIO_PCI_CONFIG_REGION_INDEX);
	int efd = eventfd(0, EFD_CLOEXEC);

	/* a capability list: a vendor cap at 0x40, then MSI-X at 0x50, 4 entries at BAR0 + 0x800 */
	cfg[0x06] = 0x10; /* PCI_STATUS_CAP_LIST */
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x09;
	cfg[0x41] = 0x50;
	cfg[0x50] = 0x11;
	cfg[0x51] = 0x00;
	cfg[0x52] = 0x03; /* table size - 1 */
	cfg[0x54] = 0x00; /* BIR 0, offset 0x800 */
	cfg[0x55] = 0x08;
	s_open_device(s, 1);
	assert_int_equal(ioeventfd(s, 0, 0x800, 4, efd), -EINVAL);
	assert_int_equal(ioeventfd(s, 0, 0x83c, 4, efd), -EINVAL);
	assert_int_equal(ioeventfd(s, 0, 0x7fc, 8, efd), -EINVAL);
	assert_int_equal(ioeventfd(s, 0, 0x7fc, 4, efd), 0);
	assert_int_equal(ioeventfd(s, 0, 0x840, 4, efd), 0);
	/* another BAR: not the table's */
	cfg[0x54] = 0x02;
	assert_int_equal(ioeventfd(s, 0, 0x800, 4, efd), 0);
	/* no capability list at all */
	cfg[0x06] = 0;
	cfg[0x54] = 0x00;
	assert_int_equal(ioeventfd(s, 0, 0x900, 4, efd), 0);
	/* removing one that is not there: ENODEV, as vfio-pci answers */
	assert_int_equal(ioeventfd(s, 0, 0xa00, 4, -1), -ENODEV);
	close(efd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_group_opened, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_cdev_opened, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_platform_has_none, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_not_a_device, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_ioeventfd_not_on_msix_table, s_setup,
						s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
