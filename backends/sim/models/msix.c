// SPDX-License-Identifier: MIT
/* The MSI-X table and PBA the models share (msix.h). */

#include <linux/pci_regs.h>

#include <vfio/sim.h>

#include "msix.h"
#include "pci_config.h"

bool sim_msix_enabled(const struct sim_msix *x)
{
	struct vfio_sim_irq_state st;

	return !vfio_sim_irq_state(x->dev, VFIO_PCI_MSIX_IRQ_INDEX, 0, &st) && st.enabled;
}

bool sim_msix_masked(const struct sim_msix *x, unsigned int v)
{
	const uint8_t *ctrl = x->table + v * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL;
	struct vfio_sim_irq_state st;

	if (!sim_msix_enabled(x))
		return true;
	if (vfio_sim_irq_state(x->dev, VFIO_PCI_MSIX_IRQ_INDEX, v, &st) || !st.has_eventfd)
		return true;
	return pci_get_le(ctrl, 4) & PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

bool sim_msix_pending(const struct sim_msix *x, unsigned int v)
{
	return x->pba[v / 8] & (1u << (v % 8));
}

void sim_msix_set_pending(struct sim_msix *x, unsigned int v, bool pending)
{
	if (pending)
		x->pba[v / 8] |= (uint8_t)(1u << (v % 8));
	else
		x->pba[v / 8] &= (uint8_t)~(1u << (v % 8));
}

void sim_msix_notify(struct sim_msix *x, unsigned int v)
{
	bool master = pci_cfg_bus_master(x->cfg);

	if (v >= x->nr)
		return;
	if (sim_msix_masked(x, v) || (!master && x->hold_without_master))
		sim_msix_set_pending(x, v, true);
	else if (master)
		vfio_sim_device_raise_irq(x->dev, VFIO_PCI_MSIX_IRQ_INDEX, v);
}

void sim_msix_deliver_pending(struct sim_msix *x)
{
	bool master = pci_cfg_bus_master(x->cfg);

	for (unsigned int v = 0; v < x->nr; v++) {
		if (!sim_msix_pending(x, v) || sim_msix_masked(x, v) ||
		    (!master && x->hold_without_master))
			continue;
		sim_msix_set_pending(x, v, false);
		if (master)
			vfio_sim_device_raise_irq(x->dev, VFIO_PCI_MSIX_IRQ_INDEX, v);
	}
}
