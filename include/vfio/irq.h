/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_IRQ_H
#define LIBVFIO_VFIO_IRQ_H

/*
 * Interrupts through eventfds (VFIO_DEVICE_SET_IRQS).
 *
 * Indexes are the device's irq indexes (VFIO_PCI_INTX_IRQ_INDEX,
 * VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_MSIX_IRQ_INDEX, ...).  Each call builds one
 * VFIO_DEVICE_SET_IRQS request and checks the index, the sub-index range and the
 * index's flags before it reaches the kernel.
 *
 * Thread safety: as for the device (device.h).
 */

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_device;

/**
 * struct vfio_irq_desc - what the kernel said of one irq index
 * @index: the irq index
 * @flags: VFIO_IRQ_INFO_* (EVENTFD, MASKABLE, AUTOMASKED, NORESIZE)
 * @count: how many vectors (0: the device does not offer this index, or the
 *	kernel refused it, as vfio-pci refuses ERR on a conventional PCI device)
 */
struct vfio_irq_desc {
	unsigned int index;
	uint32_t flags;
	uint32_t count;
};

/**
 * vfio_irq_get() - the description of irq index @index
 * @d: the device
 * @index: the irq index
 * @out: set to the description, owned by @d
 *
 * Return: 0, or -EINVAL for an index past the device's irqs.
 */
int vfio_irq_get(struct vfio_device *d, unsigned int index, const struct vfio_irq_desc **out);

/**
 * vfio_irq_max_count() - the largest vector count of any irq index
 * @d: the device
 *
 * Return: the count (0 for a device without interrupts).
 */
uint32_t vfio_irq_max_count(const struct vfio_device *d);

/**
 * vfio_irq_enable() - route vectors 0..@count-1 of @index to eventfds
 * @d: the device
 * @index: the irq index
 * @fds: one eventfd per vector; -1 leaves a vector unrouted
 * @count: how many, 1..the index's count
 *
 * Return: 0; -EINVAL for a bad index, count or an index without EVENTFD; or
 * the errno of VFIO_DEVICE_SET_IRQS.
 */
int vfio_irq_enable(struct vfio_device *d, unsigned int index, const int32_t *fds, uint32_t count);

/**
 * vfio_irq_set_eventfds() - route vectors @start..@start+@count-1 of @index
 * @d: the device
 * @index: the irq index
 * @start: the first vector
 * @fds: one eventfd per vector; -1 unroutes a vector
 * @count: how many
 *
 * Adds vectors to (or changes them in) an enabled set, as MSI-X users do.
 *
 * Return: as for vfio_irq_enable(); -EINVAL when the range passes the count.
 */
int vfio_irq_set_eventfds(struct vfio_device *d, unsigned int index, uint32_t start,
			  const int32_t *fds, uint32_t count);

/**
 * vfio_irq_disable() - tear down every vector of @index
 * @d: the device
 * @index: the irq index
 *
 * Return: 0; -EINVAL for a bad index; or the errno of VFIO_DEVICE_SET_IRQS.
 */
int vfio_irq_disable(struct vfio_device *d, unsigned int index);

/**
 * vfio_irq_trigger() - raise vector @subindex of @index from userspace
 * @d: the device
 * @index: the irq index
 * @subindex: the vector
 *
 * Return: 0; -EINVAL for a bad index or vector; or the errno of
 * VFIO_DEVICE_SET_IRQS.
 */
int vfio_irq_trigger(struct vfio_device *d, unsigned int index, uint32_t subindex);

/**
 * vfio_irq_mask() - mask vector @subindex of @index
 * @d: the device
 * @index: the irq index; it must be MASKABLE
 * @subindex: the vector
 *
 * Return: 0; -EINVAL for a bad index or vector or an index that is not
 * MASKABLE; or the errno of VFIO_DEVICE_SET_IRQS.
 */
int vfio_irq_mask(struct vfio_device *d, unsigned int index, uint32_t subindex);

/**
 * vfio_irq_unmask() - unmask vector @subindex of @index (INTx after it fired)
 * @d: the device
 * @index: the irq index; it must be MASKABLE
 * @subindex: the vector
 *
 * Return: as for vfio_irq_mask().
 */
int vfio_irq_unmask(struct vfio_device *d, unsigned int index, uint32_t subindex);

/**
 * vfio_irq_set_resample() - an eventfd whose signal unmasks INTx
 * @d: the device
 * @fd: the eventfd, or -1 to remove it
 *
 * Return: 0; -EINVAL when the device has no maskable INTx; or the errno of
 * VFIO_DEVICE_SET_IRQS.
 */
int vfio_irq_set_resample(struct vfio_device *d, int32_t fd);

/**
 * vfio_irq_enable_intx() - route INTx to @fd
 * @d: the device
 * @fd: the eventfd
 *
 * Return: as for vfio_irq_enable().
 */
int vfio_irq_enable_intx(struct vfio_device *d, int32_t fd);

/**
 * vfio_irq_enable_msi() - route MSI vectors 0..@count-1
 * @d: the device
 * @fds: the eventfds
 * @count: how many
 *
 * Return: as for vfio_irq_enable().
 */
int vfio_irq_enable_msi(struct vfio_device *d, const int32_t *fds, uint32_t count);

/**
 * vfio_irq_enable_msix() - route MSI-X vectors 0..@count-1
 * @d: the device
 * @fds: the eventfds
 * @count: how many
 *
 * Return: as for vfio_irq_enable().
 */
int vfio_irq_enable_msix(struct vfio_device *d, const int32_t *fds, uint32_t count);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_IRQ_H */
