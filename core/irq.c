// SPDX-License-Identifier: MIT
/* Interrupts: each call builds one VFIO_DEVICE_SET_IRQS request, checked first. */

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "private.h"

static const char *const action_names[] = { "TRIGGER", "MASK", "UNMASK" };

static const char *action_name(uint32_t flags)
{
	if (flags & VFIO_IRQ_SET_ACTION_MASK)
		return action_names[1];
	if (flags & VFIO_IRQ_SET_ACTION_UNMASK)
		return action_names[2];
	return action_names[0];
}

int vfio_irq_get(struct vfio_device *d, unsigned int index, const struct vfio_irq_desc **out)
{
	if (!d || !out)
		return vfio_fail(-EINVAL, "vfio_irq_get: no device or no place for the irq");
	if (index >= d->num_irqs)
		return vfio_fail(-EINVAL, "irq index %u of %s: the device has %u irq indexes", index,
				 d->name, d->num_irqs);
	*out = &d->irqs[index];
	return 0;
}

uint32_t vfio_irq_max_count(const struct vfio_device *d)
{
	uint32_t max = 0;

	for (unsigned int i = 0; i < d->num_irqs; i++)
		if (d->irqs[i].count > max)
			max = d->irqs[i].count;
	return max;
}

static int kernel_refused(const struct vfio_device *d, uint32_t flags, unsigned int index,
			  uint32_t start, uint32_t count, int err)
{
	return vfio_fail(err, "VFIO_DEVICE_SET_IRQS %s %s irq %u vectors [%u, +%u)",
			 action_name(flags), d->name, index, start, count);
}

/*
 * One SET_IRQS: @flags (data type | action) on vectors [start, start + count) of
 * @index, with @fds as eventfd data when the type is DATA_EVENTFD.  @need are
 * VFIO_IRQ_INFO_* flags the index must have.
 */
static int set_irqs(struct vfio_device *d, unsigned int index, uint32_t flags, uint32_t start,
		    uint32_t count, const int32_t *fds, uint32_t need)
{
	const struct vfio_irq_desc *irq = NULL;
	union {
		struct vfio_irq_set set;
		uint8_t bytes[sizeof(struct vfio_irq_set) + 32 * sizeof(int32_t)];
	} small;
	struct vfio_irq_set *set;
	size_t data = (flags & VFIO_IRQ_SET_DATA_EVENTFD) ? (size_t)count * sizeof(int32_t) : 0;
	int ret;

	if (!d || index >= d->num_irqs) /* vfio_irq_get() says why */
		return vfio_fail_prefix(vfio_irq_get(d, index, &irq), "VFIO_DEVICE_SET_IRQS %s",
					action_name(flags));
	irq = &d->irqs[index];
	if ((irq->flags & need) != need)
		return vfio_fail(-EINVAL, "VFIO_DEVICE_SET_IRQS %s %s irq %u: the index has flags "
				 "0x%x, not 0x%x", action_name(flags), d->name, index, irq->flags,
				 need);
	if (start > irq->count || count > irq->count - start)
		return vfio_fail(-EINVAL, "VFIO_DEVICE_SET_IRQS %s %s irq %u: vectors [%u, +%u) "
				 "past its %u", action_name(flags), d->name, index, start, count,
				 irq->count);
	if (data && !fds)
		return vfio_fail(-EINVAL, "VFIO_DEVICE_SET_IRQS %s %s irq %u: no eventfds",
				 action_name(flags), d->name, index);
	/* the common requests (a few vectors) need no allocation */
	set = sizeof(*set) + data <= sizeof(small) ? &small.set : calloc(1, sizeof(*set) + data);
	if (!set)
		return vfio_fail(-ENOMEM, "VFIO_DEVICE_SET_IRQS %s %s irq %u", action_name(flags),
				 d->name, index);
	*set = (struct vfio_irq_set){
		.argsz = (uint32_t)(sizeof(*set) + data),
		.flags = flags,
		.index = index,
		.start = start,
		.count = count,
	};
	if (data)
		memcpy(set->data, fds, data);
	ret = BE_CALL(d->be, device_set_irqs, d->fd, set);
	if (set != &small.set)
		free(set);
	return ret < 0 ? kernel_refused(d, flags, index, start, count, ret) : 0;
}

int vfio_irq_set_eventfds(struct vfio_device *d, unsigned int index, uint32_t start,
			  const int32_t *fds, uint32_t count)
{
	if (!count)
		return vfio_fail(-EINVAL, "VFIO_DEVICE_SET_IRQS TRIGGER irq %u: no vectors", index);
	return set_irqs(d, index, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, start,
			count, fds, VFIO_IRQ_INFO_EVENTFD);
}

int vfio_irq_enable(struct vfio_device *d, unsigned int index, const int32_t *fds, uint32_t count)
{
	return vfio_irq_set_eventfds(d, index, 0, fds, count);
}

int vfio_irq_disable(struct vfio_device *d, unsigned int index)
{
	return set_irqs(d, index, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, NULL,
			0);
}

int vfio_irq_trigger(struct vfio_device *d, unsigned int index, uint32_t subindex)
{
	const uint32_t flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;

	/* The hot path (a test or a VMM injecting interrupts): one test, one call. */
	if (__builtin_expect(d && index < d->num_irqs && subindex < d->irqs[index].count, 1)) {
		struct vfio_irq_set set = {
			.argsz = sizeof(set), .flags = flags, .index = index, .start = subindex,
			.count = 1,
		};
		int ret = d->native ? ioctl(d->fd, VFIO_DEVICE_SET_IRQS, &set)
				    : BE_CALL(d->be, device_set_irqs, d->fd, &set);

		if (__builtin_expect(ret >= 0, 1))
			return 0;
		return kernel_refused(d, flags, index, subindex, 1,
				      d->native ? vfio_libc_error() : ret);
	}
	return set_irqs(d, index, flags, subindex, 1, NULL, 0); /* says what is wrong */
}

int vfio_irq_mask(struct vfio_device *d, unsigned int index, uint32_t subindex)
{
	return set_irqs(d, index, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, subindex, 1,
			NULL, VFIO_IRQ_INFO_MASKABLE);
}

int vfio_irq_unmask(struct vfio_device *d, unsigned int index, uint32_t subindex)
{
	return set_irqs(d, index, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, subindex, 1,
			NULL, VFIO_IRQ_INFO_MASKABLE);
}

int vfio_irq_set_resample(struct vfio_device *d, int32_t fd)
{
	return set_irqs(d, VFIO_PCI_INTX_IRQ_INDEX,
			VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, 0, 1, &fd,
			VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE);
}

int vfio_irq_enable_intx(struct vfio_device *d, int32_t fd)
{
	return vfio_irq_enable(d, VFIO_PCI_INTX_IRQ_INDEX, &fd, 1);
}

int vfio_irq_enable_msi(struct vfio_device *d, const int32_t *fds, uint32_t count)
{
	return vfio_irq_enable(d, VFIO_PCI_MSI_IRQ_INDEX, fds, count);
}

int vfio_irq_enable_msix(struct vfio_device *d, const int32_t *fds, uint32_t count)
{
	return vfio_irq_enable(d, VFIO_PCI_MSIX_IRQ_INDEX, fds, count);
}
