// SPDX-License-Identifier: MIT
/*
 * Device features beyond regions and irqs: PCI hot reset, ioeventfds, the
 * device-feature ioctl, and the PCI helpers (capability walk, bus master).
 * They run in every mode: none of them needs a DMA mapping.
 */

#include <linux/pci_regs.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "conformance.h"

/* ---- hot reset ---- */

CONF_CASE(hot_reset_info_lists_the_bus)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d = conf_device(c, &env->edu2);
	struct vfio_hot_reset_device list[4];
	size_t n = 0;

	OK(vfio_device_hot_reset_info(d, NULL, 0, &n));
	EQ(n, 1);
	OK(vfio_device_hot_reset_info(d, list, 4, &n));
	EQ(n, 1);
	EQ(list[0].segment, 0);
	EQ(list[0].bus, 1);
	EQ(list[0].devfn, 0);
	/* the id is the group, or in iommufd mode the device's id in the iommufd */
	if (env->mode == VFIO_CONTAINER_IOMMUFD)
		EQ(list[0].id, vfio_device_devid(d));
	else
		EQ(list[0].id, env->edu2.group);
}

CONF_CASE(hot_reset_info_root_bus_is_enodev)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	size_t n = 7;

	ERR(vfio_device_hot_reset_info(d, NULL, 0, &n), ENODEV);
	ERR(vfio_device_hot_reset(d), ENODEV);
}

CONF_CASE(hot_reset_resets_the_device)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu2);

	conf_bus_master(d, true);
	conf_write32(d, 0, EDU_FACTORIAL, 5);
	OK(vfio_device_hot_reset(d));
	/* config space came back from the kernel's saved state; the device works */
	EQ(conf_config16(d, 0), 0x1234);
	EQ(conf_read32(d, 0, EDU_ID), 0x010000ed);
	conf_write32(d, 0, EDU_LIVENESS, 0x1234);
	EQ(conf_read32(d, 0, EDU_LIVENESS), ~0x1234u);
	OK(vfio_device_hot_reset(d));
}

/* ---- ioeventfd ---- */

/* Read edu's liveness register until it reads @want, up to about a second. */
static bool liveness_becomes(struct vfio_device *d, uint32_t want)
{
	for (int i = 0; i < 100; i++) {
		if (conf_read32(d, 0, EDU_LIVENESS) == want)
			return true;
		conf_sleep(10);
	}
	return false;
}

CONF_CASE(ioeventfd_writes_the_register)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd();

	OK(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 0x5a5a0001, fd));
	CHECK(eventfd_write(fd, 1) == 0);
	CHECK(liveness_becomes(d, ~0x5a5a0001u));
	/* a second signal writes again */
	conf_write32(d, 0, EDU_LIVENESS, 0);
	CHECK(eventfd_write(fd, 1) == 0);
	CHECK(liveness_becomes(d, ~0x5a5a0001u));
	OK(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 0x5a5a0001, -1));
	conf_write32(d, 0, EDU_LIVENESS, 0);
	CHECK(eventfd_write(fd, 1) == 0);
	conf_sleep(50);
	EQ(conf_read32(d, 0, EDU_LIVENESS), ~0u);
}

CONF_CASE(ioeventfd_checks)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd();

	ERR(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 3, 1, fd), EINVAL);
	/* past the end of the 1 MiB BAR, a BAR that is absent, the config region */
	ERR(vfio_device_ioeventfd(d, 0, 0x100000 - 2, 4, 1, fd), EINVAL);
	ERR(vfio_device_ioeventfd(d, 1, 0, 4, 1, fd), EINVAL);
	ERR(vfio_device_ioeventfd(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, 4, 1, fd), EINVAL);
	/* removing one that does not exist: the kernel says ENODEV */
	ERR(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 1, -1), ENODEV);
	OK(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 1, fd));
	ERR(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 1, fd), EEXIST);
	/* another value at the same place is another ioeventfd */
	OK(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 2, fd));
	OK(vfio_device_ioeventfd(d, 0, EDU_DMA_SRC, 8, 0x1000, fd));
	OK(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 1, -1));
	ERR(vfio_device_ioeventfd(d, 0, EDU_LIVENESS, 4, 1, -1), ENODEV);
}

CONF_CASE(ioeventfd_not_on_the_msix_table)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	int fd = conf_eventfd();

	/* e1000e: the MSI-X table is at the start of BAR3, the PBA at 0x2000 */
	ERR(vfio_device_ioeventfd(d, 3, 0, 4, 1, fd), EINVAL);
	OK(vfio_device_ioeventfd(d, 3, 0x3000, 4, 1, fd));
}

/* ---- device features ---- */

CONF_CASE(feature_probe_edu)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	uint32_t flags = 0xdead;
	uint8_t buf[64];

	/* edu can neither migrate nor log dirty pages */
	OK(vfio_device_feature_probe(d, VFIO_DEVICE_FEATURE_MIGRATION, &flags));
	EQ(flags, 0);
	ERR(vfio_device_feature_get(d, VFIO_DEVICE_FEATURE_MIGRATION, buf, 8), ENOTTY);
	/* vfio-pci's power management takes SET only */
	OK(vfio_device_feature_probe(d, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, &flags));
	EQ(flags, VFIO_DEVICE_FEATURE_SET);
	OK(vfio_device_feature_probe(d, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, &flags));
	EQ(flags, VFIO_DEVICE_FEATURE_SET);
	/* no SR-IOV, so no VF token */
	OK(vfio_device_feature_probe(d, VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, &flags));
	EQ(flags, 0);
	OK(vfio_device_feature_probe(d, 0x7fff, &flags));
	EQ(flags, 0);
	ERR(vfio_device_feature_probe(d, 0x10000, &flags), EINVAL);
	ERR(vfio_device_feature_set(d, 0x10000, NULL, 0), EINVAL);
}

/* ---- the PCI helpers ---- */

CONF_CASE(pci_caps_match_config_space)
{
	struct vfio_device *e = conf_device(conf_container(env), &env->edu);
	struct vfio_device *n = conf_device(conf_container(env), &env->nic);
	struct vfio_pci_cap caps[32];
	size_t count, std = 0;
	unsigned int off;

	OK(vfio_pci_caps(n, caps, 32, &count));
	CHECK(count >= 2 && count <= 32);
	for (size_t i = 0; i < count; i++) {
		if (caps[i].extended) {
			CHECK(caps[i].offset >= 0x100);
			EQ(conf_config16(n, caps[i].offset), caps[i].id);
			EQ(conf_config8(n, caps[i].offset + 2) & 0xf, caps[i].version);
		} else {
			/* the standard list comes first */
			EQ(std, i);
			std++;
			EQ(conf_config8(n, caps[i].offset), caps[i].id);
			EQ(caps[i].version, 0);
		}
	}
	OK(vfio_pci_find_cap(n, PCI_CAP_ID_MSIX, &off));
	EQ(conf_config8(n, off), PCI_CAP_ID_MSIX);
	OK(vfio_pci_find_cap(n, PCI_CAP_ID_EXP, &off));
	OK(vfio_pci_find_cap(e, PCI_CAP_ID_MSI, &off));
	EQ(conf_config8(e, off), PCI_CAP_ID_MSI);
	ERR(vfio_pci_find_cap(e, PCI_CAP_ID_MSIX, &off), ENOENT);
	ERR(vfio_pci_find_ext_cap(e, PCI_EXT_CAP_ID_ERR, &off), ENOENT);
	/* a count with no room */
	OK(vfio_pci_caps(e, NULL, 0, &count));
	CHECK(count >= 1);
}

CONF_CASE(pci_bus_master_keeps_other_bits)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	uint16_t before;

	before = conf_config16(d, PCI_COMMAND);
	OK(vfio_pci_set_bus_master(d, true));
	EQ(conf_config16(d, PCI_COMMAND), before | PCI_COMMAND_MASTER);
	OK(vfio_pci_set_bus_master(d, true));
	EQ(conf_config16(d, PCI_COMMAND), before | PCI_COMMAND_MASTER);
	OK(vfio_pci_set_bus_master(d, false));
	EQ(conf_config16(d, PCI_COMMAND), before & ~PCI_COMMAND_MASTER);
	/* the MMIO still answers: memory decoding was kept */
	EQ(conf_read32(d, 0, EDU_ID), 0x010000ed);
}
