/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_BACKENDS_SIM_MODELS_PCI_CONFIG_H
#define LIBVFIO_BACKENDS_SIM_MODELS_PCI_CONFIG_H

/*
 * A PCI function's config space as the user sees it through vfio-pci, for the
 * sim's device models.  Two layers, as on a real host:
 *
 *  - the device's own registers ("phys"), with the write masks QEMU's PCI core
 *    gives them (hw/pci/pci.c: pci_init_wmask, the capabilities' own masks);
 *  - vfio-pci's virtualisation on top (drivers/vfio/pci/vfio_pci_config.c):
 *    a virtual copy ("vconfig") built when the device is enabled, per-bit
 *    "virtualised" and "user-writable" masks for the header and each
 *    capability it knows, BAR sizing from the virtual BARs, MSI's control
 *    word kept virtual, the MSI-X capability read-only, and the bytes no
 *    capability claims passed through raw.
 *
 * A model builds the device's registers once (pci_cfg_init, the BARs, the
 * capabilities in chain order), calls pci_cfg_enable() when the first device
 * file opens and pci_cfg_disable() when the last closes, and routes the config
 * region's accesses to pci_cfg_read()/pci_cfg_write().  The bits the device
 * changes by itself (INTx status, MSI-X enable) it sets before a read.
 *
 * No state outside the struct; the struct is plain memory (no allocations).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PCI_CFG_SIZE_MAX 4096
#define PCI_CFG_MAX_CAPS 12

/* What the device says of itself in the header. */
struct pci_cfg_ids {
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys;
	uint8_t revision;
	uint32_t class_code; /* base class, subclass, prog-if: 0x00ff00 */
	uint16_t command;    /* as the host left it when vfio-pci took the device */
	uint8_t cache_line;
	uint8_t irq_line, irq_pin;
};

struct pci_cfg_bar {
	uint64_t size;	/* 0: not implemented */
	uint32_t flags; /* PCI_BASE_ADDRESS_SPACE_IO, or memory with MEM_TYPE_64 / MEM_PREFETCH */
};

struct pci_cfg_cap {
	uint16_t pos;
	uint16_t id;
	uint16_t len; /* the bytes vfio-pci maps to the capability */
	bool ext;
};

struct pci_cfg {
	uint32_t size;
	uint8_t phys[PCI_CFG_SIZE_MAX];	   /* the device's registers */
	uint8_t wmask[PCI_CFG_SIZE_MAX];   /* bits of them a write may change */
	uint8_t saved[PCI_CFG_SIZE_MAX];   /* pci_save_state() at enable */
	uint8_t vconfig[PCI_CFG_SIZE_MAX]; /* vfio-pci's virtual copy */
	uint8_t virt[PCI_CFG_SIZE_MAX];	   /* bits read from, written to, vconfig */
	uint8_t uwrite[PCI_CFG_SIZE_MAX];  /* bits the user may write */
	struct pci_cfg_bar bar[6];
	struct pci_cfg_cap cap[PCI_CFG_MAX_CAPS];
	unsigned int ncaps;
	bool bardirty;
	uint16_t msi, msix; /* capability offsets, 0 when absent */
};

/**
 * pci_cfg_init() - the device's header, before any capability
 * @c: the config space
 * @size: 256, or 4096 for PCI Express
 * @ids: what the header holds
 *
 * Return: nothing.
 */
void pci_cfg_init(struct pci_cfg *c, uint32_t size, const struct pci_cfg_ids *ids);

/**
 * pci_cfg_set_bar() - give the device BAR @i
 * @c: the config space
 * @i: 0-5; a 64-bit BAR takes @i + 1 too
 * @size: bytes, a power of two
 * @flags: PCI_BASE_ADDRESS_SPACE_IO, or memory with MEM_TYPE_64 / MEM_PREFETCH
 * @addr: where the host placed it
 *
 * Return: nothing.
 */
void pci_cfg_set_bar(struct pci_cfg *c, unsigned int i, uint64_t size, uint32_t flags,
		     uint64_t addr);

/**
 * pci_cfg_add_msi() - add an MSI capability with one vector, no per-vector mask
 * @c: the config space
 * @pos: its offset; capabilities link in the order added
 * @addr64: 64-bit message address
 *
 * Return: nothing (a capability that does not fit is left out).
 */
void pci_cfg_add_msi(struct pci_cfg *c, uint8_t pos, bool addr64);

/**
 * pci_cfg_add_msix() - add an MSI-X capability
 * @c: the config space
 * @pos: its offset
 * @nvec: table entries
 * @table_bir: the BAR of the table
 * @table_off: its offset in the BAR
 * @pba_bir: the BAR of the pending-bit array
 * @pba_off: its offset in the BAR
 *
 * Return: nothing.
 */
void pci_cfg_add_msix(struct pci_cfg *c, uint8_t pos, uint16_t nvec, uint8_t table_bir,
		      uint32_t table_off, uint8_t pba_bir, uint32_t pba_off);

/**
 * pci_cfg_add_pm() - add a power-management capability
 * @c: the config space
 * @pos: its offset
 * @pmc: its capabilities register
 *
 * Return: nothing.
 */
void pci_cfg_add_pm(struct pci_cfg *c, uint8_t pos, uint16_t pmc);

/**
 * pci_cfg_add_exp_v1() - add a version-1 PCI Express capability (QEMU's pcie_cap_v1_fill)
 * @c: the config space
 * @pos: its offset
 * @type: PCI_EXP_TYPE_ENDPOINT, PCI_EXP_TYPE_RC_END, ...
 *
 * Return: nothing.
 */
void pci_cfg_add_exp_v1(struct pci_cfg *c, uint8_t pos, uint8_t type);

/**
 * pci_cfg_add_ecap() - add an extended capability's header (its body stays zero)
 * @c: the config space
 * @pos: its offset, from 0x100
 * @id: PCI_EXT_CAP_ID_*
 * @version: its version
 * @len: bytes it spans on the device
 *
 * Return: nothing.
 */
void pci_cfg_add_ecap(struct pci_cfg *c, uint16_t pos, uint16_t id, uint8_t version,
		      uint16_t len);

/**
 * pci_cfg_enable() - vfio_pci_core_enable: save the device's state, build the virtual copy
 * @c: the config space
 *
 * Return: nothing.
 */
void pci_cfg_enable(struct pci_cfg *c);

/**
 * pci_cfg_disable() - vfio_pci_core_disable: restore what pci_cfg_enable() saved
 * @c: the config space
 *
 * Return: nothing.
 */
void pci_cfg_disable(struct pci_cfg *c);

/**
 * pci_cfg_read() - the user reads the config region
 * @c: the config space
 * @off: offset
 * @buf: where to store the bytes
 * @len: 1, 2 or 4, naturally aligned (the sim splits accesses so)
 *
 * Return: @len, or -EFAULT past the end.
 */
ssize_t pci_cfg_read(struct pci_cfg *c, uint64_t off, void *buf, size_t len);

/**
 * pci_cfg_write() - the user writes the config region
 * @c: the config space
 * @off: offset
 * @buf: the bytes
 * @len: 1, 2 or 4, naturally aligned
 * @msi_on: MSI is the interrupt type set up through SET_IRQS
 *
 * Return: @len (writes to read-only bits are dropped), or -EFAULT past the end.
 */
ssize_t pci_cfg_write(struct pci_cfg *c, uint64_t off, const void *buf, size_t len,
		      bool msi_on);

/**
 * pci_cfg_bus_master() - may the device master the bus (DMA, MSI)?
 * @c: the config space
 *
 * Return: the device's bus-master enable.
 */
bool pci_cfg_bus_master(const struct pci_cfg *c);

/**
 * pci_cfg_memory_enabled() - does vfio-pci let the user reach the memory BARs?
 * @c: the config space
 *
 * Return: the memory enable the user last wrote (__vfio_pci_memory_enabled).
 */
bool pci_cfg_memory_enabled(const struct pci_cfg *c);

/**
 * pci_cfg_set_intx_status() - show the INTx line in the status register
 * @c: the config space
 * @asserted: the line's level
 *
 * Return: nothing.
 */
void pci_cfg_set_intx_status(struct pci_cfg *c, bool asserted);

/**
 * pci_cfg_set_msix_enabled() - show the host's MSI-X enable in the capability
 * @c: the config space
 * @enabled: MSI-X is set up through SET_IRQS
 *
 * Return: nothing.
 */
void pci_cfg_set_msix_enabled(struct pci_cfg *c, bool enabled);

/* Little-endian access to register images. */
static inline uint64_t pci_get_le(const uint8_t *p, size_t n)
{
	uint64_t v = 0;

	while (n--)
		v = (v << 8) | p[n];
	return v;
}

static inline void pci_put_le(uint8_t *p, size_t n, uint64_t v)
{
	for (size_t i = 0; i < n; i++, v >>= 8)
		p[i] = (uint8_t)v;
}

#endif /* LIBVFIO_BACKENDS_SIM_MODELS_PCI_CONFIG_H */
