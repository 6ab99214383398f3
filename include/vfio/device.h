/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_DEVICE_H
#define LIBVFIO_VFIO_DEVICE_H

/*
 * Devices: a device fd obtained from its group (in iommufd mode: its cdev, bound
 * to the container's iommufd and attached to its IOAS), with everything the
 * kernel says of it read once at open: device info, every region's info (by VFIO
 * index, with its capability chain parsed and validated) and every irq index's
 * info.
 *
 * A device is PCI (which must offer at least the config region and the MSI-X irq
 * index) or platform; devices of other kinds are refused.  Closing a device closes
 * its fd before dropping its group reference, the order the kernel needs; a
 * cdev's close detaches it and unbinds it from the iommufd.
 *
 * Thread safety: after open, every device function may be called from several
 * threads at once on the same device, except vfio_device_close(), which must be
 * the last call.  Opening and closing devices of one container from several
 * threads is safe.
 */

#include <stdbool.h>
#include <stddef.h>
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
 * In iommufd mode the device is found by its name instead: its cdev is the one
 * entry of /sys/bus/pci/devices/@name/vfio-dev/ (or of the platform bus), and
 * @group_id is not used; then it is opened as by vfio_device_open_cdev().
 *
 * Return: 0; -EINVAL for a malformed name or a device the library cannot
 * drive (neither PCI nor platform, or a PCI device without config region or
 * MSI-X index); -ENODEV for a name not in the group (iommufd: no vfio-dev
 * directory on either bus, or an empty one); -EPROTO for a malformed
 * capability chain (iommufd: a vfio-dev directory that does not hold exactly
 * one "vfioN"); the errors of vfio_group_open(); or the errno of the failing
 * call (iommufd: list_dir, open, VFIO_DEVICE_BIND_IOMMUFD,
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT, IOMMU_IOAS_IOVA_RANGES).
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
 * In iommufd mode the cdev is the one entry of @sysfs_path/vfio-dev/ (the
 * group link is not read).
 *
 * Return: 0; -EINVAL for a path without a device name or a group link that does
 * not end in a group number; -ENODEV (iommufd) when @sysfs_path/vfio-dev is
 * missing; the errno of readlink; or what vfio_device_open() returns.
 */
int vfio_device_open_sysfs(struct vfio_container *c, const char *sysfs_path,
			   struct vfio_device **out);

/**
 * vfio_device_open_cdev() - open a device by its cdev (iommufd mode)
 * @c: an iommufd-mode container
 * @cdev_path: e.g. "/dev/vfio/devices/vfio0"
 * @out: the new device
 *
 * Opens the cdev, binds it to the container's iommufd and attaches it to the
 * container's IOAS.  The device is named after its sysfs directory when
 * /sys/class/vfio-dev/vfioN/device says which it is, else (that link missing,
 * or not ending in a device name) after the cdev ("vfioN").  On failure the
 * cdev is closed, which unbinds it.
 *
 * Return: 0; -EINVAL in another mode or for a path whose last component is not
 * a cdev name ("vfio" and a decimal number); the errno of readlink when the
 * link exists but cannot be read; the errno of open, VFIO_DEVICE_BIND_IOMMUFD,
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT or IOMMU_IOAS_IOVA_RANGES; or the device checks
 * of vfio_device_open().
 */
int vfio_device_open_cdev(struct vfio_container *c, const char *cdev_path,
			  struct vfio_device **out);

/**
 * vfio_device_open_cdev_fd() - adopt a cdev fd the caller opened (iommufd mode)
 * @c: an iommufd-mode container
 * @fd: an open device cdev fd (passed by a privileged helper, say)
 * @bound: true when @fd is already bound to the container's iommufd, so only
 *	the attach is left to do
 * @out: the new device
 *
 * The device is named "cdev fd N" after @fd.  On success the device owns @fd
 * and closes it.  On failure @fd is left open and the caller's, detached from
 * the IOAS; but when @bound was false and the bind succeeded before a later
 * step failed, @fd stays bound to the container's iommufd (the kernel unbinds
 * a cdev only when its file closes): close it, or retry with @bound true.
 * With @bound true the device's id in the iommufd is not known (the kernel
 * tells it only at the bind): vfio_device_devid() answers 0.
 *
 * Return: 0; -EINVAL in another mode or for a negative @fd; or as
 * vfio_device_open_cdev().
 */
int vfio_device_open_cdev_fd(struct vfio_container *c, int fd, bool bound,
			     struct vfio_device **out);

/**
 * vfio_device_close() - close a device and drop its group reference
 * @d: the device, or NULL
 *
 * Regions still mapped (vfio_region_mmap()) are unmapped first.  In iommufd
 * mode closing the cdev detaches and unbinds it; the container forgets it.
 *
 * Return: 0, or the first error met (the device is released all the same).
 */
int vfio_device_close(struct vfio_device *d);

/**
 * vfio_device_name() - the device's name in its group
 * @d: the device
 *
 * Return: the name, owned by @d (in iommufd mode, see vfio_device_open_cdev()
 * and vfio_device_open_cdev_fd()).
 */
const char *vfio_device_name(const struct vfio_device *d);

/**
 * vfio_device_group() - the group the device lives in
 * @d: the device
 *
 * Return: the group; the device holds a reference on it.  NULL in iommufd
 * mode, where devices have no group file.
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

/**
 * vfio_device_devid() - the device's id in the iommufd (iommufd mode)
 * @d: the device
 *
 * Return: the out_devid of VFIO_DEVICE_BIND_IOMMUFD; 0 in the other modes, and
 * for a device adopted already bound (vfio_device_open_cdev_fd()).
 */
uint32_t vfio_device_devid(const struct vfio_device *d);

/**
 * struct vfio_hot_reset_device - a device a PCI hot reset would reset
 * @segment: its PCI segment (domain)
 * @bus: its bus number
 * @devfn: its device and function (device << 3 | function)
 * @id: its group id in legacy and noiommu mode; in iommufd mode its device id
 *	in the container's iommufd, VFIO_HOT_RESET_OWNED when the caller owns it
 *	but it is not bound to this iommufd, VFIO_HOT_RESET_NOT_OWNED when not
 */
struct vfio_hot_reset_device {
	uint16_t segment;
	uint8_t bus;
	uint8_t devfn;
	uint32_t id;
};

/* vfio_hot_reset_device.id in iommufd mode: owned through its group, bound nowhere. */
#define VFIO_HOT_RESET_OWNED 0u
/* vfio_hot_reset_device.id in iommufd mode: not owned by the caller. */
#define VFIO_HOT_RESET_NOT_OWNED UINT32_MAX

/**
 * vfio_device_hot_reset_info() - the devices a PCI hot reset of @d would reset
 * @d: a PCI device
 * @out: room for @cap entries (may be NULL when @cap is 0)
 * @cap: how many fit in @out
 * @count: set to how many there are, even when more than @cap
 *
 * Return: 0 (the first min(@cap, *@count) are stored); -EINVAL without @count
 * or with @cap but no @out; -ENODEV when the device is on a bus that cannot be
 * reset; -EPROTO for a count past any bus or one that keeps growing; -ENOMEM;
 * or the errno of VFIO_DEVICE_GET_PCI_HOT_RESET_INFO.
 */
int vfio_device_hot_reset_info(struct vfio_device *d, struct vfio_hot_reset_device *out,
			       size_t cap, size_t *count);

/**
 * vfio_device_hot_reset() - reset the bus (or slot) of @d and every device on it
 * @d: a PCI device
 *
 * The kernel wants proof that the caller owns every affected device.  In legacy
 * and noiommu mode libvfio passes the fds of the affected groups, which must
 * all be open in @d's container.  In iommufd mode it passes none, and the
 * kernel takes a device bound to the container's iommufd (open in the
 * container) or one bound nowhere whose group the iommufd owns through another
 * device of it (VFIO_HOT_RESET_OWNED in the info); libvfio checks first that no
 * affected device is VFIO_HOT_RESET_NOT_OWNED.  Both checks are made before the
 * kernel is asked, to name what is missing.
 *
 * Return: 0; -EPERM naming the first affected group (or device) that is not
 * the container's; -ENODEV as for vfio_device_hot_reset_info(); or the errno
 * of VFIO_DEVICE_PCI_HOT_RESET (e.g. -EBUSY while an affected device is in
 * use).
 */
int vfio_device_hot_reset(struct vfio_device *d);

/**
 * vfio_device_ioeventfd() - have a write to a region signal an eventfd
 * @d: the device
 * @index: the region index (a BAR)
 * @offset: the offset in the region
 * @size: the width of the write: 1, 2, 4 or 8
 * @data: the value the write must carry
 * @fd: the eventfd to signal, or -1 to remove the ioeventfd at @offset with
 *	@size and @data
 *
 * The kernel then performs the write to the device itself when @fd is signalled
 * (VFIO_DEVICE_IOEVENTFD), the fast path of a doorbell.
 *
 * Return: 0; -EINVAL for a bad @size, an @fd below -1, an @offset outside the
 * region or an index that is not a region the device offers (the kernel takes
 * BARs only, and no range that touches the MSI-X table); -EEXIST when the same
 * ioeventfd exists; -ENODEV removing one that does not; -ENOSPC past the
 * kernel's limit; or the errno of VFIO_DEVICE_IOEVENTFD.
 */
int vfio_device_ioeventfd(struct vfio_device *d, unsigned int index, uint64_t offset,
			  unsigned int size, uint64_t data, int fd);

/**
 * vfio_device_feature_probe() - which operations a device feature offers
 * @d: the device
 * @feature: a VFIO_DEVICE_FEATURE_* index (0..0xffff)
 * @flags: set to the VFIO_DEVICE_FEATURE_GET / _SET bits the device offers
 *	for it; 0 when it does not have the feature at all
 *
 * Return: 0 (an absent feature is not an error); -EINVAL for an index out of
 * range; or the errno of VFIO_DEVICE_FEATURE.
 */
int vfio_device_feature_probe(struct vfio_device *d, uint32_t feature, uint32_t *flags);

/**
 * vfio_device_feature_get() - read a device feature's data
 * @d: the device
 * @feature: a VFIO_DEVICE_FEATURE_* index
 * @data: where the data goes
 * @size: the feature's data size
 *
 * Return: 0; -ENOTTY when the device lacks the feature; -EINVAL when it has
 * the feature but not its GET (the kernel's answer), for a @size the feature
 * does not take, for an index out of range or NULL @data with a non-zero
 * @size; -ENOMEM; or the errno of VFIO_DEVICE_FEATURE.
 */
int vfio_device_feature_get(struct vfio_device *d, uint32_t feature, void *data, size_t size);

/**
 * vfio_device_feature_set() - write a device feature's data
 * @d: the device
 * @feature: a VFIO_DEVICE_FEATURE_* index
 * @data: the data (may be NULL when @size is 0)
 * @size: its size
 *
 * Return: as vfio_device_feature_get(), for SET.
 */
int vfio_device_feature_set(struct vfio_device *d, uint32_t feature, const void *data,
			    size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_DEVICE_H */
