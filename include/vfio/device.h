/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_DEVICE_H
#define LIBVFIO_VFIO_DEVICE_H

/*
 * Devices: a device fd obtained from its group, with everything the kernel says
 * of it read once at open: device info, every region's info (by VFIO index, with
 * its capability chain parsed and validated) and every irq index's info.
 *
 * A device is PCI (which must offer at least the config region and the MSI-X irq
 * index) or platform; devices of other kinds are refused.  Closing a device closes
 * its fd before dropping its group reference, the order the kernel needs.
 *
 * Thread safety: after open, every device function may be called from several
 * threads at once on the same device, except vfio_device_close(), which must be
 * the last call.  Opening and closing devices of one container from several
 * threads is safe.
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_container;
struct vfio_group;
struct vfio_device;

/**
 * vfio_device_open() - open device @name of group @group_id
 * @c: the container the group joins (or has joined)
 * @group_id: the IOMMU group number
 * @name: the device name in its group (a PCI address such as "0000:00:04.0")
 * @out: the new device
 *
 * Return: 0; -EINVAL for a malformed name or a device the library cannot
 * drive (neither PCI nor platform, or a PCI device without config region or
 * MSI-X index); -ENODEV for a name not in the group; -EPROTO for a malformed
 * capability chain; the errors of vfio_group_open(); or the errno of the
 * failing VFIO call.
 */
int vfio_device_open(struct vfio_container *c, unsigned int group_id, const char *name,
		     struct vfio_device **out);

/**
 * vfio_device_open_sysfs() - open a device from its sysfs directory
 * @c: the container
 * @sysfs_path: e.g. "/sys/bus/pci/devices/0000:00:04.0"; its last component is
 *	the device name, its "iommu_group" link names the group
 * @out: the new device
 *
 * Return: 0; -EINVAL for a path without a device name or a group link that does
 * not end in a group number; the errno of readlink; or what vfio_device_open()
 * returns.
 */
int vfio_device_open_sysfs(struct vfio_container *c, const char *sysfs_path,
			   struct vfio_device **out);

/**
 * vfio_device_close() - close a device and drop its group reference
 * @d: the device, or NULL
 *
 * Regions still mapped (vfio_region_mmap()) are unmapped first.
 *
 * Return: 0, or the first error met (the device is released all the same).
 */
int vfio_device_close(struct vfio_device *d);

/**
 * vfio_device_name() - the device's name in its group
 * @d: the device
 *
 * Return: the name, owned by @d.
 */
const char *vfio_device_name(const struct vfio_device *d);

/**
 * vfio_device_group() - the group the device lives in
 * @d: the device
 *
 * Return: the group; the device holds a reference on it.
 */
struct vfio_group *vfio_device_group(const struct vfio_device *d);

/**
 * vfio_device_fd() - the device's handle, for calls libvfio does not wrap
 * @d: the device
 *
 * Return: the handle; owned by @d.
 */
int vfio_device_fd(const struct vfio_device *d);

/**
 * vfio_device_flags() - the device's VFIO_DEVICE_FLAGS_* (PCI, PLATFORM, RESET...)
 * @d: the device
 *
 * Return: the flags of VFIO_DEVICE_GET_INFO.
 */
uint32_t vfio_device_flags(const struct vfio_device *d);

/**
 * vfio_device_num_regions() - how many region indexes the device has
 * @d: the device
 *
 * Return: num_regions of VFIO_DEVICE_GET_INFO.
 */
unsigned int vfio_device_num_regions(const struct vfio_device *d);

/**
 * vfio_device_num_irqs() - how many irq indexes the device has
 * @d: the device
 *
 * Return: num_irqs of VFIO_DEVICE_GET_INFO.
 */
unsigned int vfio_device_num_irqs(const struct vfio_device *d);

/**
 * vfio_device_reset() - reset the device (VFIO_DEVICE_RESET)
 * @d: the device
 *
 * Return: 0; -EOPNOTSUPP when the device does not offer reset; or the errno of
 * VFIO_DEVICE_RESET.
 */
int vfio_device_reset(struct vfio_device *d);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_DEVICE_H */
