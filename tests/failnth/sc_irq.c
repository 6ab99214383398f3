// SPDX-License-Identifier: MIT
/*
 * Interrupts: INTx with mask, unmask, trigger and a resample eventfd; MSI;
 * MSI-X with vectors added to an enabled set; the REQ index; a platform irq;
 * an action the index refuses; and devices closed with interrupts enabled.
 */

#include "failnth.h"

void fn_scenario_irq(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	const struct vfio_irq_desc *irq;
	int32_t fds[2], all[T_MSIX_COUNT];

	for (int i = 0; i < FN_EFDS; i++)
		r->efd[i] = t_eventfd();
	CALL(r, 0, vfio_container_open(r->be, &r->c));
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	CALL(r, 0, vfio_device_open_sysfs(r->c, "/sys/bus/platform/devices/" T_PLAT, &r->d[1]));

	CALL(r, 0, vfio_irq_get(r->d[0], VFIO_PCI_MSIX_IRQ_INDEX, &irq));
	CHECK(r, irq->count == T_MSIX_COUNT && (irq->flags & VFIO_IRQ_INFO_EVENTFD));
	CHECK(r, vfio_irq_max_count(r->d[0]) == T_MSIX_COUNT);
	CALL(r, -EINVAL, vfio_irq_get(r->d[0], VFIO_PCI_NUM_IRQS, &irq));

	/* INTx: the device fires, masks itself; unmask; a masked trigger waits */
	CALL(r, 0, vfio_irq_enable_intx(r->d[0], r->efd[0]));
	CHECK(r, vfio_sim_device_raise_irq(f->pci, VFIO_PCI_INTX_IRQ_INDEX, 0) == 1);
	CHECK(r, t_eventfd_read(r->efd[0]) == 1);
	CALL(r, 0, vfio_irq_unmask(r->d[0], VFIO_PCI_INTX_IRQ_INDEX, 0));
	CALL(r, 0, vfio_irq_mask(r->d[0], VFIO_PCI_INTX_IRQ_INDEX, 0));
	CALL(r, 0, vfio_irq_trigger(r->d[0], VFIO_PCI_INTX_IRQ_INDEX, 0));
	CALL(r, 0, vfio_irq_unmask(r->d[0], VFIO_PCI_INTX_IRQ_INDEX, 0));
	CALL(r, 0, vfio_irq_set_resample(r->d[0], r->efd[1]));
	CALL(r, 0, vfio_irq_set_resample(r->d[0], -1));
	CALL(r, 0, vfio_irq_disable(r->d[0], VFIO_PCI_INTX_IRQ_INDEX));
	(void)t_eventfd_read(r->efd[0]);

	/* MSI: one vector; MSI has no mask */
	CALL(r, 0, vfio_irq_enable_msi(r->d[0], &r->efd[2], 1));
	CALL(r, 0, vfio_irq_trigger(r->d[0], VFIO_PCI_MSI_IRQ_INDEX, 0));
	CHECK(r, t_eventfd_read(r->efd[2]) == 1);
	CALL(r, -EINVAL, vfio_irq_mask(r->d[0], VFIO_PCI_MSI_IRQ_INDEX, 0));
	CALL(r, 0, vfio_irq_disable(r->d[0], VFIO_PCI_MSI_IRQ_INDEX));

	/* MSI-X: two vectors, then vector 4 added to the enabled set */
	fds[0] = r->efd[2];
	fds[1] = r->efd[3];
	CALL(r, 0, vfio_irq_enable_msix(r->d[0], fds, 2));
	CALL(r, 0, vfio_irq_set_eventfds(r->d[0], VFIO_PCI_MSIX_IRQ_INDEX, 4, &r->efd[0], 1));
	CALL(r, 0, vfio_irq_trigger(r->d[0], VFIO_PCI_MSIX_IRQ_INDEX, 4));
	CHECK(r, t_eventfd_read(r->efd[0]) == 1);
	CALL(r, -EINVAL, vfio_irq_set_eventfds(r->d[0], VFIO_PCI_MSIX_IRQ_INDEX, T_MSIX_COUNT - 1,
					      fds, 2));
	CALL(r, 0, vfio_irq_disable(r->d[0], VFIO_PCI_MSIX_IRQ_INDEX));

	/* every vector at once: a request too large for the stack, allocated */
	for (unsigned int i = 0; i < T_MSIX_COUNT; i++)
		all[i] = i ? -1 : r->efd[2];
	CALL(r, 0, vfio_irq_enable_msix(r->d[0], all, T_MSIX_COUNT));
	CALL(r, 0, vfio_irq_disable(r->d[0], VFIO_PCI_MSIX_IRQ_INDEX));

	/* the REQ index, left enabled for the close */
	CALL(r, 0, vfio_irq_enable(r->d[0], VFIO_PCI_REQ_IRQ_INDEX, &r->efd[3], 1));

	/* a platform irq: maskable, left enabled for the close */
	CALL(r, 0, vfio_irq_enable(r->d[1], 0, &r->efd[1], 1));
	CALL(r, 0, vfio_irq_mask(r->d[1], 0, 0));
	CALL(r, 0, vfio_irq_unmask(r->d[1], 0, 0));

	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CLOSE(r, 0, vfio_device_close, r->d[1]);
	CLOSE(r, 0, vfio_container_close, r->c);
}
