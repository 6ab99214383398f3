/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_BACKENDS_SIM_MODELS_MSIX_H
#define LIBVFIO_BACKENDS_SIM_MODELS_MSIX_H

/*
 * An MSI-X table and PBA in a model's memory-backed BAR, as QEMU's msix.c
 * keeps them: a vector masked in the table (or one the host kernel keeps
 * masked: MSI-X off, or no eventfd routed to it) waits in the PBA and goes out
 * when it is unmasked.  The message is a memory write, so it needs bus master.
 * The sim cannot trap writes to the mmapped table, so a model calls
 * sim_msix_deliver_pending() on its next register access.
 */

#include <stdbool.h>
#include <stdint.h>

struct pci_cfg;
struct vfio_sim_device;

struct sim_msix {
	struct vfio_sim_device *dev;
	const struct pci_cfg *cfg; /* for bus master */
	uint8_t *table;		   /* entry v at table + v * PCI_MSIX_ENTRY_SIZE */
	uint8_t *pba;		   /* bit v: vector v pending */
	unsigned int nr;	   /* vectors */
	bool hold_without_master;  /* bus master off: keep pending (else: the write is lost) */
};

/* MSI-X enabled by the user (SET_IRQS on the MSI-X index). */
bool sim_msix_enabled(const struct sim_msix *x);
/* Whether vector @v would wait: masked in the table, MSI-X off, or no eventfd. */
bool sim_msix_masked(const struct sim_msix *x, unsigned int v);
void sim_msix_set_pending(struct sim_msix *x, unsigned int v, bool pending);
bool sim_msix_pending(const struct sim_msix *x, unsigned int v);
/* msix_notify: send vector @v, or leave it pending. */
void sim_msix_notify(struct sim_msix *x, unsigned int v);
/* msix_handle_mask_update for every vector: unmasked and pending goes out. */
void sim_msix_deliver_pending(struct sim_msix *x);

#endif /* LIBVFIO_BACKENDS_SIM_MODELS_MSIX_H */
