/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_PCI_H
#define LIBVFIO_VFIO_PCI_H

/*
 * PCI config space helpers, through the device's config region.
 *
 * The capability lists come from the device: every pointer is checked (inside
 * config space, past the header, dword-aligned) and a list that loops or runs
 * too long is refused with -EPROTO, never followed forever.
 *
 * Thread safety: as the device's.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_device;

/**
 * struct vfio_pci_cap - one capability of a PCI device
 * @id: its capability id (PCI_CAP_ID_*, or PCI_EXT_CAP_ID_* when @extended)
 * @extended: in the extended list (offset >= 0x100), else the standard list
 * @version: the extended capability's version; 0 for a standard one
 * @offset: its offset in config space
 */
struct vfio_pci_cap {
	uint16_t id;
	bool extended;
	uint8_t version;
	uint16_t offset;
};

/**
 * vfio_pci_caps() - every capability of a PCI device, standard list first
 * @d: a PCI device
 * @out: room for @cap entries (may be NULL when @cap is 0)
 * @cap: how many fit in @out
 * @count: set to how many there are, even when more than @cap
 *
 * The extended list is read only when the config region is larger than 256
 * bytes (PCI Express).
 *
 * Return: 0 (the first min(@cap, *@count) are stored); -EINVAL for a device
 * that is not PCI; -EPROTO for a malformed list; or the errno of the config
 * read.
 */
int vfio_pci_caps(struct vfio_device *d, struct vfio_pci_cap *out, size_t cap, size_t *count);

/**
 * vfio_pci_find_cap() - the offset of a standard capability
 * @d: a PCI device
 * @id: a PCI_CAP_ID_* value
 * @offset: set to its offset (the first one, when there are several)
 *
 * Return: 0; -ENOENT when the device does not have it; or what vfio_pci_caps()
 * returns.
 */
int vfio_pci_find_cap(struct vfio_device *d, uint8_t id, unsigned int *offset);

/**
 * vfio_pci_find_ext_cap() - the offset of an extended capability
 * @d: a PCI device
 * @id: a PCI_EXT_CAP_ID_* value
 * @offset: set to its offset (the first one, when there are several)
 *
 * Return: 0; -ENOENT when the device does not have it; or what vfio_pci_caps()
 * returns.
 */
int vfio_pci_find_ext_cap(struct vfio_device *d, uint16_t id, unsigned int *offset);

/**
 * vfio_pci_set_bus_master() - set or clear the bus-master bit of the command register
 * @d: a PCI device
 * @enable: set it, else clear it
 *
 * The device needs it for DMA and MSI/MSI-X.  Read-modify-write of the 16-bit
 * command register; the other bits are kept.
 *
 * Return: 0; -EINVAL for a device that is not PCI; or the errno of the config
 * access.
 */
int vfio_pci_set_bus_master(struct vfio_device *d, bool enable);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_PCI_H */
