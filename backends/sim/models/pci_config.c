// SPDX-License-Identifier: MIT
/*
 * A PCI function's config space behind vfio-pci: the device's registers with
 * QEMU's write masks, and vfio-pci's virtual copy and permission bits over
 * them (see pci_config.h).
 */

#include <errno.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "pci_config.h"

#define CAP_LIST_NEXT_NONE 0

static void put(uint8_t *img, unsigned int off, size_t n, uint64_t v)
{
	pci_put_le(img + off, n, v);
}

/* Set @n bytes of the per-byte masks from a little-endian value. */
static void perm(struct pci_cfg *c, unsigned int off, size_t n, uint32_t virt, uint32_t write)
{
	if (off + n > c->size)
		return;
	put(c->virt, off, n, virt);
	put(c->uwrite, off, n, write);
}

void pci_cfg_init(struct pci_cfg *c, uint32_t size, const struct pci_cfg_ids *ids)
{
	memset(c, 0, sizeof(*c));
	c->size = size > PCI_CFG_SIZE_MAX ? PCI_CFG_SIZE_MAX : size;
	put(c->phys, PCI_VENDOR_ID, 2, ids->vendor);
	put(c->phys, PCI_DEVICE_ID, 2, ids->device);
	put(c->phys, PCI_COMMAND, 2, ids->command);
	c->phys[PCI_REVISION_ID] = ids->revision;
	put(c->phys, PCI_CLASS_PROG, 3, ids->class_code);
	c->phys[PCI_CACHE_LINE_SIZE] = ids->cache_line;
	c->phys[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put(c->phys, PCI_SUBSYSTEM_VENDOR_ID, 2, ids->subsys_vendor);
	put(c->phys, PCI_SUBSYSTEM_ID, 2, ids->subsys);
	c->phys[PCI_INTERRUPT_LINE] = ids->irq_line;
	c->phys[PCI_INTERRUPT_PIN] = ids->irq_pin;
	/* pci_init_wmask */
	put(c->wmask, PCI_COMMAND, 2,
	    PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_SERR |
		    PCI_COMMAND_INTX_DISABLE);
	c->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	c->wmask[PCI_INTERRUPT_LINE] = 0xff;
	memset(c->wmask + PCI_STD_HEADER_SIZEOF, 0xff, c->size - PCI_STD_HEADER_SIZEOF);
}

void pci_cfg_set_bar(struct pci_cfg *c, unsigned int i, uint64_t size, uint32_t flags,
		     uint64_t addr)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;

	if (i > 5 || ((flags & PCI_BASE_ADDRESS_MEM_TYPE_64) && i > 4))
		return;
	c->bar[i].size = size;
	c->bar[i].flags = flags;
	put(c->phys, off, 4, (addr & ~(uint64_t)0xf) | flags);
	if (flags & PCI_BASE_ADDRESS_MEM_TYPE_64)
		put(c->phys, off + 4, 4, addr >> 32);
}

/* Link a capability of @qemu_len bytes (@vfio_len as vfio-pci sizes it) at @pos. */
static uint8_t *add_cap(struct pci_cfg *c, uint16_t pos, uint16_t id, uint16_t qemu_len,
			uint16_t vfio_len, bool ext)
{
	struct pci_cfg_cap *prev = NULL;
	unsigned int i;

	if (c->ncaps == PCI_CFG_MAX_CAPS || pos + qemu_len > c->size)
		return NULL;
	for (i = c->ncaps; i-- > 0;) {
		if (c->cap[i].ext == ext) {
			prev = &c->cap[i];
			break;
		}
	}
	if (ext) {
		put(c->phys, pos, 4, id);
		if (prev) /* the next pointer is bits 20-31 of the header */
			put(c->phys, prev->pos, 4,
			    (pci_get_le(c->phys + prev->pos, 4) & 0xfffff) | ((uint32_t)pos << 20));
	} else {
		c->phys[pos + PCI_CAP_LIST_ID] = (uint8_t)id;
		c->phys[pos + PCI_CAP_LIST_NEXT] = CAP_LIST_NEXT_NONE;
		if (prev)
			c->phys[prev->pos + PCI_CAP_LIST_NEXT] = (uint8_t)pos;
		else
			c->phys[PCI_CAPABILITY_LIST] = (uint8_t)pos;
		c->phys[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	}
	/* pci_add_capability: the capability's bytes are read-only unless it says */
	memset(c->wmask + pos, 0, qemu_len);
	c->cap[c->ncaps++] = (struct pci_cfg_cap){ pos, id, vfio_len, ext };
	return c->phys + pos;
}

void pci_cfg_add_msi(struct pci_cfg *c, uint8_t pos, bool addr64)
{
	uint16_t len = addr64 ? 14 : 10; /* one vector, no per-vector mask */
	unsigned int data = addr64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32;

	if (!add_cap(c, pos, PCI_CAP_ID_MSI, len, len, false))
		return;
	c->msi = pos;
	put(c->phys, pos + PCI_MSI_FLAGS, 2, addr64 ? PCI_MSI_FLAGS_64BIT : 0);
	/* msi_init */
	c->wmask[pos + PCI_MSI_FLAGS] = PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_ENABLE;
	put(c->wmask, pos + PCI_MSI_ADDRESS_LO, 4, 0xfffffffc);
	if (addr64)
		put(c->wmask, pos + PCI_MSI_ADDRESS_HI, 4, 0xffffffff);
	put(c->wmask, pos + data, 2, 0xffff);
}

void pci_cfg_add_msix(struct pci_cfg *c, uint8_t pos, uint16_t nvec, uint8_t table_bir,
		      uint32_t table_off, uint8_t pba_bir, uint32_t pba_off)
{
	if (!nvec || !add_cap(c, pos, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF, PCI_CAP_MSIX_SIZEOF,
			      false))
		return;
	c->msix = pos;
	put(c->phys, pos + PCI_MSIX_FLAGS, 2, (uint16_t)(nvec - 1));
	put(c->phys, pos + PCI_MSIX_TABLE, 4, table_off | table_bir);
	put(c->phys, pos + PCI_MSIX_PBA, 4, pba_off | pba_bir);
	put(c->wmask, pos + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
}

void pci_cfg_add_pm(struct pci_cfg *c, uint8_t pos, uint16_t pmc)
{
	if (!add_cap(c, pos, PCI_CAP_ID_PM, PCI_PM_SIZEOF, PCI_PM_SIZEOF, false))
		return;
	put(c->phys, pos + PCI_PM_PMC, 2, pmc);
	put(c->wmask, pos + PCI_PM_CTRL, 2,
	    PCI_PM_CTRL_STATE_MASK | PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_DATA_SEL_MASK);
}

/* pcie_cap_v1_fill: one lane at 2.5 GT/s, role-based error reporting. */
void pci_cfg_add_exp_v1(struct pci_cfg *c, uint8_t pos, uint8_t type)
{
	/* vfio_cap_len: a v1 root-complex endpoint has no link registers */
	uint16_t vfio_len = type == PCI_EXP_TYPE_RC_END ? 0xc : PCI_CAP_EXP_ENDPOINT_SIZEOF_V1;

	if (!add_cap(c, pos, PCI_CAP_ID_EXP, PCI_CAP_EXP_ENDPOINT_SIZEOF_V1, vfio_len, false))
		return;
	put(c->phys, pos + PCI_EXP_FLAGS, 2, (uint16_t)(type << 4) | 1);
	put(c->phys, pos + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_RBER);
	put(c->phys, pos + PCI_EXP_LNKCAP, 4, 0x400 | 0x10 | 0x1); /* ASPM L0s, x1, 2.5 GT/s */
	put(c->phys, pos + PCI_EXP_LNKSTA, 2, 0x10 | 0x1);
}

void pci_cfg_add_ecap(struct pci_cfg *c, uint16_t pos, uint16_t id, uint8_t version,
		      uint16_t len)
{
	uint16_t vfio_len = len;

	if (id == PCI_EXT_CAP_ID_ERR)
		vfio_len = PCI_ERR_ROOT_COMMAND;
	else if (id == PCI_EXT_CAP_ID_DSN)
		vfio_len = PCI_EXT_CAP_DSN_SIZEOF;
	if (add_cap(c, pos, id, len, vfio_len, true))
		c->phys[pos + 2] |= (uint8_t)(version & 0xf);
}

/* ---- vfio-pci's permission bits (vfio_pci_init_perm_bits, per capability) ---- */

static void perms_header(struct pci_cfg *c)
{
	perm(c, PCI_VENDOR_ID, 4, 0xffffffff, 0);
	perm(c, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE, 0xffff);
	perm(c, PCI_STATUS, 2, PCI_STATUS_CAP_LIST, 0);
	perm(c, PCI_CACHE_LINE_SIZE, 1, 0, 0xff);
	perm(c, PCI_LATENCY_TIMER, 1, 0, 0xff);
	perm(c, PCI_BIST, 1, 0, 0xff);
	for (unsigned int off = PCI_BASE_ADDRESS_0; off <= PCI_BASE_ADDRESS_5; off += 4)
		perm(c, off, 4, 0xffffffff, 0xffffffff);
	perm(c, PCI_ROM_ADDRESS, 4, 0xffffffff, 0xffffffff);
	perm(c, PCI_CAPABILITY_LIST, 1, 0xff, 0);
	perm(c, PCI_INTERRUPT_LINE, 1, 0xff, 0xff);
	perm(c, PCI_INTERRUPT_PIN, 1, 0xff, 0);
}

static void perms_cap(struct pci_cfg *c, const struct pci_cfg_cap *cap)
{
	unsigned int p = cap->pos;
	uint32_t unc, cor;

	/* read from the device, not writable, the chain pointers virtual */
	memset(c->virt + p, 0, cap->len);
	memset(c->uwrite + p, 0, cap->len);
	if (cap->ext) {
		perm(c, p, 4, 0xffffffff, 0);
		if (cap->id != PCI_EXT_CAP_ID_ERR)
			return;
		unc = PCI_ERR_UNC_UND | PCI_ERR_UNC_DLP | PCI_ERR_UNC_SURPDN |
		      PCI_ERR_UNC_POISON_TLP | PCI_ERR_UNC_FCP | PCI_ERR_UNC_COMP_TIME |
		      PCI_ERR_UNC_COMP_ABORT | PCI_ERR_UNC_UNX_COMP | PCI_ERR_UNC_RX_OVER |
		      PCI_ERR_UNC_MALF_TLP | PCI_ERR_UNC_ECRC | PCI_ERR_UNC_UNSUP |
		      PCI_ERR_UNC_ACSV | PCI_ERR_UNC_INTN | PCI_ERR_UNC_MCBTLP |
		      PCI_ERR_UNC_ATOMEG | PCI_ERR_UNC_TLPPRE;
		cor = PCI_ERR_COR_RCVR | PCI_ERR_COR_BAD_TLP | PCI_ERR_COR_BAD_DLLP |
		      PCI_ERR_COR_REP_ROLL | PCI_ERR_COR_REP_TIMER | PCI_ERR_COR_ADV_NFAT |
		      PCI_ERR_COR_INTERNAL | PCI_ERR_COR_LOG_OVER;
		perm(c, p + PCI_ERR_UNCOR_STATUS, 4, 0, unc);
		perm(c, p + PCI_ERR_UNCOR_MASK, 4, 0, unc);
		perm(c, p + PCI_ERR_UNCOR_SEVER, 4, 0, unc);
		perm(c, p + PCI_ERR_COR_STATUS, 4, 0, cor);
		perm(c, p + PCI_ERR_COR_MASK, 4, 0, cor);
		perm(c, p + PCI_ERR_CAP, 4, 0, PCI_ERR_CAP_ECRC_GENE | PCI_ERR_CAP_ECRC_CHKE);
		return;
	}
	perm(c, p + PCI_CAP_LIST_NEXT, 1, 0xff, 0);
	switch (cap->id) {
	case PCI_CAP_ID_MSI:
		perm(c, p + PCI_MSI_FLAGS, 1, 0xff, 0xff); /* the upper byte is the device's */
		for (unsigned int o = PCI_MSI_ADDRESS_LO; o < cap->len; o++)
			perm(c, p + o, 1, 0xff, 0xff);
		break;
	case PCI_CAP_ID_PM:
		perm(c, p + PCI_PM_PMC, 2, PCI_PM_CAP_PME_MASK, 0);
		perm(c, p + PCI_PM_CTRL, 4, PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS,
		     ~(uint32_t)(PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS |
				 PCI_PM_CTRL_STATE_MASK));
		break;
	case PCI_CAP_ID_EXP:
		if (cap->len >= PCI_EXP_DEVCTL + 2)
			perm(c, p + PCI_EXP_DEVCTL, 2,
			     PCI_EXP_DEVCTL_BCR_FLR | PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_READRQ,
			     (uint16_t)~PCI_EXP_DEVCTL_PHANTOM);
		break;
	default: /* MSI-X and the rest: read-only, writes dropped */
		break;
	}
}

void pci_cfg_enable(struct pci_cfg *c)
{
	memcpy(c->saved, c->phys, c->size);
	/* vfio_config_init: the virtual copy starts as the device is */
	memcpy(c->vconfig, c->phys, c->size);
	memset(c->virt, 0, c->size);
	memset(c->uwrite, 0, c->size);
	/* bytes no capability claims: raw access (unassigned_perms) */
	memset(c->uwrite + PCI_STD_HEADER_SIZEOF, 0xff, c->size - PCI_STD_HEADER_SIZEOF);
	perms_header(c);
	for (unsigned int i = 0; i < c->ncaps; i++) {
		const struct pci_cfg_cap *cap = &c->cap[i];

		perms_cap(c, cap);
		if (!cap->ext && cap->id == PCI_CAP_ID_PM) { /* vfio_update_pm_vconfig_bytes */
			c->vconfig[cap->pos + PCI_PM_PMC + 1] &= (uint8_t)~(PCI_PM_CAP_PME_MASK >> 8);
			c->vconfig[cap->pos + PCI_PM_CTRL + 1] &=
				(uint8_t)~((PCI_PM_CTRL_PME_ENABLE | PCI_PM_CTRL_PME_STATUS) >> 8);
		}
	}
	c->bardirty = true;
}

void pci_cfg_disable(struct pci_cfg *c)
{
	/* pci_clear_master, then pci_restore_state of what enable saved */
	memcpy(c->phys, c->saved, c->size);
}

/* vfio_bar_fixup: the virtual BARs read back as the device would size them. */
static void bar_fixup(struct pci_cfg *c)
{
	for (unsigned int i = 0; i < 6; i++) {
		unsigned int off = PCI_BASE_ADDRESS_0 + 4 * i;
		uint64_t mask;
		uint32_t v;

		if (!c->bar[i].size) {
			put(c->vconfig, off, 4, 0); /* unimplemented to the user */
			continue;
		}
		mask = ~(c->bar[i].size - 1);
		v = (uint32_t)pci_get_le(c->vconfig + off, 4) & (uint32_t)mask;
		put(c->vconfig, off, 4, v | c->bar[i].flags);
		if (c->bar[i].flags & PCI_BASE_ADDRESS_MEM_TYPE_64) {
			off += 4;
			put(c->vconfig, off, 4,
			    (uint32_t)pci_get_le(c->vconfig + off, 4) & (uint32_t)(mask >> 32));
			i++;
		}
	}
	put(c->vconfig, PCI_ROM_ADDRESS, 4, 0); /* no ROM */
	c->bardirty = false;
}

static bool touches(uint64_t off, size_t len, unsigned int start, unsigned int end)
{
	return off < end && off + len > start;
}

static bool is_bar(uint64_t off, size_t len)
{
	return touches(off, len, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_5 + 4) ||
	       touches(off, len, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4);
}

ssize_t pci_cfg_read(struct pci_cfg *c, uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (off >= c->size || len > c->size - off)
		return -EFAULT;
	if (c->bardirty && is_bar(off, len))
		bar_fixup(c);
	/* vfio_msi_config_read: the queue size the host allocated (one vector: 0) */
	if (c->msi && touches(off, len, c->msi + PCI_MSI_FLAGS, c->msi + PCI_MSI_FLAGS + 1))
		c->vconfig[c->msi + PCI_MSI_FLAGS] &= (uint8_t)~PCI_MSI_FLAGS_QMASK;
	for (size_t i = 0; i < len; i++) {
		size_t o = (size_t)off + i;

		out[i] = (uint8_t)((c->phys[o] & ~c->virt[o]) | (c->vconfig[o] & c->virt[o]));
	}
	return (ssize_t)len;
}

/* vfio_msi_config_write: enable only through SET_IRQS, queue size within what was allocated. */
static void msi_flags_fixup(struct pci_cfg *c, bool msi_on)
{
	uint8_t *flags = &c->vconfig[c->msi + PCI_MSI_FLAGS];
	uint8_t *hw = &c->phys[c->msi + PCI_MSI_FLAGS];
	uint8_t m = c->wmask[c->msi + PCI_MSI_FLAGS];

	if (!msi_on)
		*flags &= (uint8_t)~PCI_MSI_FLAGS_ENABLE;
	*flags &= (uint8_t)~PCI_MSI_FLAGS_QSIZE; /* msi_qmax is 0 for one vector */
	*hw = (uint8_t)((*hw & ~m) | (*flags & m));
}

ssize_t pci_cfg_write(struct pci_cfg *c, uint64_t off, const void *buf, size_t len,
		      bool msi_on)
{
	const uint8_t *in = buf;

	if (off >= c->size || len > c->size - off)
		return -EFAULT;
	for (size_t i = 0; i < len; i++) {
		size_t o = (size_t)off + i;
		uint8_t w = c->uwrite[o], v = c->virt[o], hw = (uint8_t)(w & ~v & c->wmask[o]);

		c->vconfig[o] = (uint8_t)((c->vconfig[o] & ~(w & v)) | (in[i] & w & v));
		c->phys[o] = (uint8_t)((c->phys[o] & ~hw) | (in[i] & hw));
	}
	/* remember the memory and I/O enables the user asked for */
	if (off == PCI_COMMAND) {
		c->vconfig[PCI_COMMAND] &= (uint8_t)~(PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
		c->vconfig[PCI_COMMAND] |= in[0] & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
	}
	if (is_bar(off, len))
		c->bardirty = true;
	/* a write that starts in the capability at or before the flags and reaches them */
	if (c->msi && off >= c->msi && off <= c->msi + (unsigned int)PCI_MSI_FLAGS &&
	    off + len >= c->msi + (unsigned int)PCI_MSI_FLAGS)
		msi_flags_fixup(c, msi_on);
	for (unsigned int i = 0; i < c->ncaps; i++) {
		const struct pci_cfg_cap *cap = &c->cap[i];
		unsigned int devctl = cap->pos + PCI_EXP_DEVCTL;

		/* the FLR bit reads 0; these devices have no FLR to start */
		if (!cap->ext && cap->id == PCI_CAP_ID_EXP && cap->len > PCI_EXP_DEVCTL + 1 &&
		    touches(off, len, devctl, devctl + 2))
			c->vconfig[devctl + 1] &= (uint8_t)~(PCI_EXP_DEVCTL_BCR_FLR >> 8);
	}
	return (ssize_t)len;
}

bool pci_cfg_bus_master(const struct pci_cfg *c)
{
	return c->phys[PCI_COMMAND] & PCI_COMMAND_MASTER;
}

/* __vfio_pci_memory_enabled: the memory enable the user last wrote */
bool pci_cfg_memory_enabled(const struct pci_cfg *c)
{
	return c->vconfig[PCI_COMMAND] & PCI_COMMAND_MEMORY;
}

/* pci_update_irq_status: the status register shows the INTx line */
void pci_cfg_set_intx_status(struct pci_cfg *c, bool asserted)
{
	if (asserted)
		c->phys[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
	else
		c->phys[PCI_STATUS] &= (uint8_t)~PCI_STATUS_INTERRUPT;
}

/* The host's MSI-X enable, which the user reads through the read-only capability. */
void pci_cfg_set_msix_enabled(struct pci_cfg *c, bool enabled)
{
	uint8_t bit = PCI_MSIX_FLAGS_ENABLE >> 8;

	if (!c->msix)
		return;
	if (enabled)
		c->phys[c->msix + PCI_MSIX_FLAGS + 1] |= bit;
	else
		c->phys[c->msix + PCI_MSIX_FLAGS + 1] &= (uint8_t)~bit;
}
