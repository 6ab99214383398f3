// SPDX-License-Identifier: MIT
/*
 * What the conformance suite uses of QEMU's e1000e (hw/net/e1000e*.c, QEMU 7.2)
 * behind vfio-pci: its regions, its config space (PM, MSI, PCIe and MSI-X
 * capabilities, AER and DSN extended ones), and the interrupt registers that
 * raise INTx, MSI or MSI-X vector i: ICR, ICS, IMS, IMC, EIAC, IAM, IVAR,
 * CTRL_EXT, PBACLR.  No packets move; the other registers are plain storage.
 * Interrupt throttling (ITR/EITR) is not modelled: interrupts go out at once.
 *
 * BAR3 is memory: the MSI-X table at 0 and the PBA at 0x2000, mmap-able
 * (MSIX_MAPPABLE).  The sim cannot trap stores to the table, so a vector
 * unmasked there is sent on the model's next trapped access (BAR0 or BAR2).
 * A vector without an eventfd is one the host kernel keeps masked (never
 * requested, or freed): its interrupt waits in the PBA, as on the real host.
 *
 * BAR0 can be mmap'ed too: plain registers live in the mapping itself; the
 * interrupt registers show their values there and a store to one acts on the
 * next trapped access (vfio_sim_region_add_mmio()).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <vfio/sim.h>
#include <vfio/sim_models.h>

#include "e1000e_regs.h"
#include "msix.h"
#include "pci_config.h"

#define NIC_CONFIG_SIZE 4096u
#define NIC_MMIO_SIZE 0x20000u
#define NIC_FLASH_SIZE 0x20000u
#define NIC_IO_SIZE 0x20u
#define NIC_MSIX_SIZE 0x4000u
#define NIC_MSIX_BAR 3
#define NIC_MSIX_PBA 0x2000u
#define NIC_VECTORS 5u

/* The registers whose value the model keeps, shown in the mapping. */
static const uint32_t nic_special[] = { R_CTRL, R_STATUS, R_ICR, R_ICS, R_IMS, R_IMC, R_PBACLR };
#define NIC_NSPECIAL (sizeof(nic_special) / sizeof(nic_special[0]))

struct nic {
	struct vfio_sim_device *dev;
	uint32_t ctrl, status, icr, ims, pbaclr;
	uint32_t ioaddr; /* BAR2's IOADDR */
	bool line;	 /* INTx as the device drives it */
	uint8_t *mmio;	 /* BAR0's memory: the plain registers, what an mmap shows */
	struct sim_msix msix; /* BAR3: the MSI-X table and PBA */
	uint32_t shown[NIC_NSPECIAL];
	bool ready; /* built whole: vfio_sim_e1000e_add() succeeded */
	struct pci_cfg cfg;
};

static uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)pci_get_le(p, 4);
}

static void st32(uint8_t *p, uint32_t v)
{
	pci_put_le(p, 4, v);
}

static bool nic_irq_enabled(struct nic *n, unsigned int index)
{
	struct vfio_sim_irq_state st;

	return !vfio_sim_irq_state(n->dev, index, 0, &st) && st.enabled;
}

/* ---- interrupt causes (e1000e_core.c); MSI-X through models/msix.c ---- */

static const uint32_t nic_queue_causes[] = { ICR_RXQ0, ICR_RXQ1, ICR_TXQ0, ICR_TXQ1, ICR_OTHER };

/* IVAR: four bits per cause, in nic_queue_causes order: vector, then valid (bit 3). */
static void nic_msix_notify_one(struct nic *n, unsigned int i, uint32_t cause)
{
	uint32_t cfg = (ld32(n->mmio + R_IVAR) >> (4 * i)) & 0xf;
	uint32_t ctrl_ext = ld32(n->mmio + R_CTRL_EXT), eiac;

	if (cfg & 0x8)
		sim_msix_notify(&n->msix, cfg & 0x7);
	if (ctrl_ext & CTRL_EXT_EIAME)
		st32(n->mmio + R_IAM, ld32(n->mmio + R_IAM) & ~cause);
	eiac = ld32(n->mmio + R_EIAC) & cause; /* auto-clear */
	if (eiac == ICR_OTHER)
		eiac |= ICR_OTHER_CAUSES;
	n->icr &= ~eiac;
	if (!(ctrl_ext & CTRL_EXT_IAME))
		n->ims &= ~eiac;
}

static void nic_set_line(struct nic *n, bool level)
{
	n->line = level;
	vfio_sim_device_set_irq_level(n->dev, VFIO_PCI_INTX_IRQ_INDEX, 0, level);
}

static void nic_update_interrupts(struct nic *n)
{
	bool msix = sim_msix_enabled(&n->msix);
	uint32_t causes;

	if (msix && (n->icr & ICR_OTHER_CAUSES))
		n->icr |= ICR_OTHER;
	n->icr &= ~ICR_ASSERTED;
	if (n->icr)
		n->icr |= ICR_ASSERTED;
	causes = n->icr & n->ims & ~ICR_ASSERTED;
	if (msix) {
		for (unsigned int i = 0; i < sizeof(nic_queue_causes) / sizeof(nic_queue_causes[0]); i++)
			if (causes & nic_queue_causes[i])
				nic_msix_notify_one(n, i, nic_queue_causes[i]);
	} else if (nic_irq_enabled(n, VFIO_PCI_MSI_IRQ_INDEX)) {
		if (causes && pci_cfg_bus_master(&n->cfg))
			vfio_sim_device_raise_irq(n->dev, VFIO_PCI_MSI_IRQ_INDEX, 0);
	} else {
		nic_set_line(n, causes != 0);
	}
}

static void nic_clear_pending_of(struct nic *n, uint32_t causes)
{
	for (unsigned int i = 0; i < sizeof(nic_queue_causes) / sizeof(nic_queue_causes[0]); i++) {
		uint32_t cfg = (ld32(n->mmio + R_IVAR) >> (4 * i)) & 0xf;

		if ((causes & nic_queue_causes[i]) && (cfg & 0x8) && (cfg & 0x7) < NIC_VECTORS)
			sim_msix_set_pending(&n->msix, cfg & 0x7, false);
	}
}

/* ---- registers ---- */

static uint32_t nic_status(const struct nic *n)
{
	uint32_t s = n->status, ctrl_ext = ld32(n->mmio + R_CTRL_EXT);

	if (!(n->ctrl & CTRL_GIO_MASTER_DISABLE))
		s |= STATUS_GIO_MASTER_ENABLE;
	if (!(n->ctrl & CTRL_FRCDPX))
		s |= STATUS_FD;
	else if (n->ctrl & CTRL_FD)
		s |= STATUS_FD;
	if (!(n->ctrl & CTRL_FRCSPD) && !(ctrl_ext & CTRL_EXT_SPD_BYPS))
		s |= STATUS_SPEED_1000;
	else if ((n->ctrl & CTRL_SPD_SEL) == CTRL_SPD_100)
		s |= STATUS_SPEED_100;
	else if ((n->ctrl & CTRL_SPD_SEL) != 0)
		s |= STATUS_SPEED_1000;
	return s;
}

/* A register's value without the side effects of reading it. */
static uint32_t nic_peek(const struct nic *n, uint32_t off)
{
	switch (off) {
	case R_CTRL:
		return n->ctrl;
	case R_STATUS:
		return nic_status(n);
	case R_ICR:
	case R_ICS: /* reads as ICR, without clearing it */
		return n->icr;
	case R_IMS:
		return n->ims;
	case R_IMC:
		return 0; /* write-only */
	case R_PBACLR:
		return n->pbaclr;
	default:
		return ld32(n->mmio + off);
	}
}

static uint32_t nic_reg_read(struct nic *n, uint32_t off)
{
	uint32_t v = nic_peek(n, off);

	if (off == R_ICR) { /* e1000e_mac_icr_read */
		if (!n->ims)
			n->icr = 0;
		if ((n->icr & ICR_ASSERTED) && (ld32(n->mmio + R_CTRL_EXT) & CTRL_EXT_IAME)) {
			n->icr = 0;
			n->ims &= ~ld32(n->mmio + R_IAM);
		}
		nic_update_interrupts(n);
	}
	return v;
}

static void nic_reg_write(struct nic *n, uint32_t off, uint32_t val)
{
	switch (off) {
	case R_CTRL:
		n->ctrl = val & ~CTRL_RST; /* self-clearing */
		if (val & CTRL_PHY_RST)
			n->status |= STATUS_PHYRA;
		break;
	case R_STATUS:
		if (!(val & STATUS_PHYRA))
			n->status &= ~STATUS_PHYRA;
		break;
	case R_CTRL_EXT:
		st32(n->mmio + off, val & ~(CTRL_EXT_ASDCHK | CTRL_EXT_EE_RST));
		break;
	case R_ICR:
		if ((n->icr & ICR_ASSERTED) && (ld32(n->mmio + R_CTRL_EXT) & CTRL_EXT_IAME))
			n->ims &= ~ld32(n->mmio + R_IAM);
		n->icr &= ~val;
		nic_update_interrupts(n);
		break;
	case R_ICS:
		n->icr |= val;
		nic_update_interrupts(n);
		break;
	case R_IMS:
		n->ims |= val & IMS_VALID;
		if ((val & IMS_EXT) && (ld32(n->mmio + R_CTRL_EXT) & CTRL_EXT_PBA_CLR) &&
		    sim_msix_enabled(&n->msix))
			nic_clear_pending_of(n, val & IMS_EXT);
		nic_update_interrupts(n);
		break;
	case R_IMC:
		n->ims &= ~val;
		nic_update_interrupts(n);
		break;
	case R_PBACLR:
		n->pbaclr = val & PBACLR_VALID;
		for (unsigned int v = 0; v < NIC_VECTORS; v++)
			if ((n->pbaclr & (1u << v)) && sim_msix_enabled(&n->msix))
				sim_msix_set_pending(&n->msix, v, false);
		break;
	default:
		st32(n->mmio + off, val);
		break;
	}
}

/* ---- trapped accesses ---- */

static void nic_publish(struct nic *n)
{
	for (unsigned int i = 0; i < NIC_NSPECIAL; i++) {
		n->shown[i] = nic_peek(n, nic_special[i]);
		st32(n->mmio + nic_special[i], n->shown[i]);
	}
}

/* Stores through BAR0's mapping to the registers the model keeps, then the MSI-X table. */
static void nic_catch_up(struct nic *n)
{
	for (unsigned int i = 0; i < NIC_NSPECIAL; i++) {
		uint32_t v = ld32(n->mmio + nic_special[i]);

		if (v != n->shown[i])
			nic_reg_write(n, nic_special[i], v);
	}
	sim_msix_deliver_pending(&n->msix);
}

/*
 * The device handles dword accesses only: QEMU hands it an 8-byte access as
 * two, and a narrower one as a dword access at the same address, so it acts
 * on the low bytes of the register that holds it.
 */
static void nic_access(struct nic *n, uint64_t off, void *buf, size_t len, bool write,
		       uint32_t (*rd)(struct nic *, uint32_t), void (*wr)(struct nic *, uint32_t, uint32_t))
{
	for (size_t done = 0; done < len; done += 4) {
		uint32_t reg = (uint32_t)(off + done) & ~3u;
		size_t n_bytes = len - done < 4 ? len - done : 4;

		if (write)
			wr(n, reg, (uint32_t)pci_get_le((uint8_t *)buf + done, n_bytes));
		else
			pci_put_le((uint8_t *)buf + done, n_bytes, rd(n, reg));
	}
}

static ssize_t nic_mmio_rw(struct nic *n, uint64_t off, void *buf, size_t len, bool write)
{
	if (!n->ready || !pci_cfg_memory_enabled(&n->cfg))
		return -EIO; /* vfio-pci: memory decode is off */
	nic_catch_up(n);
	nic_access(n, off, buf, len, write, nic_reg_read, nic_reg_write);
	nic_publish(n);
	return (ssize_t)len;
}

static ssize_t nic_mmio_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	return nic_mmio_rw(opaque, off, buf, len, false);
}

static ssize_t nic_mmio_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	return nic_mmio_rw(opaque, off, (void *)(uintptr_t)buf, len, true);
}

static const struct vfio_sim_region_ops nic_mmio_ops = {
	.read = nic_mmio_read,
	.write = nic_mmio_write,
};

/* BAR2: IOADDR (0) selects a BAR0 register, IODATA (4) reads or writes it. */
static uint32_t nic_io_read(struct nic *n, uint32_t reg)
{
	if (reg == 0)
		return n->ioaddr;
	if (reg == 4 && n->ioaddr < NIC_MMIO_SIZE - 1)
		return nic_reg_read(n, n->ioaddr & ~3u);
	return 0;
}

static void nic_io_write(struct nic *n, uint32_t reg, uint32_t val)
{
	if (reg == 0)
		n->ioaddr = val;
	else if (reg == 4 && n->ioaddr < NIC_MMIO_SIZE - 1)
		nic_reg_write(n, n->ioaddr & ~3u, val);
}

static ssize_t nic_io_rw(struct nic *n, uint64_t off, void *buf, size_t len, bool write)
{
	if (!n->ready)
		return -EIO;
	nic_catch_up(n);
	nic_access(n, off, buf, len, write, nic_io_read, nic_io_write);
	nic_publish(n);
	return (ssize_t)len;
}

static ssize_t nic_io_read_op(void *opaque, uint64_t off, void *buf, size_t len)
{
	return nic_io_rw(opaque, off, buf, len, false);
}

static ssize_t nic_io_write_op(void *opaque, uint64_t off, const void *buf, size_t len)
{
	return nic_io_rw(opaque, off, (void *)(uintptr_t)buf, len, true);
}

static const struct vfio_sim_region_ops nic_io_ops = {
	.read = nic_io_read_op,
	.write = nic_io_write_op,
};

static ssize_t nic_config_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct nic *n = opaque;

	pci_cfg_set_intx_status(&n->cfg, n->line);
	pci_cfg_set_msix_enabled(&n->cfg, sim_msix_enabled(&n->msix));
	return pci_cfg_read(&n->cfg, off, buf, len);
}

static ssize_t nic_config_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	struct nic *n = opaque;

	return pci_cfg_write(&n->cfg, off, buf, len, nic_irq_enabled(n, VFIO_PCI_MSI_IRQ_INDEX));
}

static const struct vfio_sim_region_ops nic_config_ops = {
	.read = nic_config_read,
	.write = nic_config_write,
};

/* ---- the device's life under vfio-pci ---- */

static void nic_open(void *opaque)
{
	struct nic *n = opaque;

	pci_cfg_enable(&n->cfg);
	if (n->ready)
		nic_publish(n);
}

static void nic_close(void *opaque)
{
	pci_cfg_disable(&((struct nic *)opaque)->cfg);
}

static void nic_release(void *opaque)
{
	free(opaque);
}

/*
 * No reset hook: vfio-pci resets this function with a PM D3hot/D0 cycle, which
 * QEMU 7.2 does not act on; the kernel saves and restores the config space
 * around it.  The registers keep their values.
 */
static const struct vfio_sim_device_ops nic_device_ops = {
	.open = nic_open,
	.close = nic_close,
	.release = nic_release,
};

static void nic_init_config(struct nic *n)
{
	const struct pci_cfg_ids ids = {
		.vendor = 0x8086,
		.device = 0x10d3,
		.subsys_vendor = 0x8086,
		.subsys = 0,
		.revision = 0,
		.class_code = 0x020000, /* Ethernet */
		.command = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_SERR, /* 0x103 */
		.cache_line = 0x10,
		.irq_line = 10,
		.irq_pin = 1,
	};
	struct pci_cfg *c = &n->cfg;

	pci_cfg_init(c, NIC_CONFIG_SIZE, &ids);
	pci_cfg_set_bar(c, 0, NIC_MMIO_SIZE, PCI_BASE_ADDRESS_SPACE_MEMORY, 0xfeb80000u);
	pci_cfg_set_bar(c, 1, NIC_FLASH_SIZE, PCI_BASE_ADDRESS_SPACE_MEMORY, 0xfeba0000u);
	pci_cfg_set_bar(c, 2, NIC_IO_SIZE, PCI_BASE_ADDRESS_SPACE_IO, 0xc080u);
	pci_cfg_set_bar(c, 3, NIC_MSIX_SIZE, PCI_BASE_ADDRESS_SPACE_MEMORY, 0xfebc0000u);
	/* QEMU links each capability first: the chain runs PM, MSI, PCIe, MSI-X */
	pci_cfg_add_pm(c, 0xc8, 0x0002 | PCI_PM_CAP_DSI); /* version 1.1 */
	pci_cfg_add_msi(c, 0xd0, true);
	pci_cfg_add_exp_v1(c, 0xe0, PCI_EXP_TYPE_RC_END); /* on q35's root bus */
	pci_cfg_add_msix(c, 0xa0, NIC_VECTORS, NIC_MSIX_BAR, 0, NIC_MSIX_BAR, NIC_MSIX_PBA);
	pci_cfg_add_ecap(c, 0x100, PCI_EXT_CAP_ID_ERR, 2, 0x48);
	pci_cfg_add_ecap(c, 0x140, PCI_EXT_CAP_ID_DSN, 1, PCI_EXT_CAP_DSN_SIZEOF);
	/* the serial number QEMU derives from the MAC address 52:54:00:12:34:56 */
	pci_put_le(c->phys + 0x144, 8, 0x525400ffff123456ull);
}

/* e1000e_core_reset's values for the registers a driver reads first. */
static void nic_init_registers(struct nic *n)
{
	n->ctrl = CTRL_FD | CTRL_SWDPIN2 | CTRL_SWDPIN0 | CTRL_SPD_1000 | CTRL_SLU;
	n->status = STATUS_ASDV_1000 | STATUS_LU;
	st32(n->mmio + R_EECD, 0x300);	      /* auto-read done, EEPROM present */
	st32(n->mmio + R_LEDCTL, 0x00068302);
	st32(n->mmio + R_PBA, 0x00140014);
	st32(n->mmio + R_TIPG, 0x00602008);
	st32(n->mmio + R_RXDCTL, 0x00010000);
	st32(n->mmio + R_SWSM, 1);
	st32(n->mmio + R_RAL0, 0x12005452);   /* 52:54:00:12:34:56 */
	st32(n->mmio + R_RAH0, 0x80005634);   /* address valid */
	nic_publish(n);
}

/* The device's regions and interrupts; the sim owns @n once this starts. */
static int nic_build(struct vfio_sim_device *d, struct nic *n)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	const uint32_t rwm = rw | VFIO_REGION_INFO_FLAG_MMAP;
	const uint32_t noresize = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
	int ret;

	ret = vfio_sim_region_add_mmio(d, VFIO_PCI_BAR0_REGION_INDEX, NIC_MMIO_SIZE, rwm,
				       &nic_mmio_ops, n);
	if (!ret)
		ret = vfio_sim_region_add(d, VFIO_PCI_BAR1_REGION_INDEX, NIC_FLASH_SIZE, rwm, NULL,
					  NULL);
	if (!ret)
		ret = vfio_sim_region_add(d, VFIO_PCI_BAR2_REGION_INDEX, NIC_IO_SIZE, rw,
					  &nic_io_ops, n);
	if (!ret)
		ret = vfio_sim_region_add(d, VFIO_PCI_BAR3_REGION_INDEX, NIC_MSIX_SIZE, rwm, NULL,
					  NULL);
	if (!ret)
		ret = vfio_sim_region_set_msix_mappable(d, VFIO_PCI_BAR3_REGION_INDEX);
	if (!ret)
		ret = vfio_sim_region_add(d, VFIO_PCI_CONFIG_REGION_INDEX, NIC_CONFIG_SIZE, rw,
					  &nic_config_ops, n);
	if (!ret)
		ret = vfio_sim_irq_add(d, VFIO_PCI_INTX_IRQ_INDEX, 1,
				       VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
					       VFIO_IRQ_INFO_AUTOMASKED);
	if (!ret)
		ret = vfio_sim_irq_add(d, VFIO_PCI_MSI_IRQ_INDEX, 1, noresize);
	if (!ret) /* dynamic MSI-X: vectors can be added to an enabled set */
		ret = vfio_sim_irq_add(d, VFIO_PCI_MSIX_IRQ_INDEX, NIC_VECTORS,
				       VFIO_IRQ_INFO_EVENTFD);
	if (!ret) /* PCI Express: AER's index exists */
		ret = vfio_sim_irq_add(d, VFIO_PCI_ERR_IRQ_INDEX, 1, noresize);
	if (!ret)
		ret = vfio_sim_irq_add(d, VFIO_PCI_REQ_IRQ_INDEX, 1, noresize);
	if (ret)
		return ret;
	n->mmio = vfio_sim_region_mem(d, VFIO_PCI_BAR0_REGION_INDEX);
	n->msix = (struct sim_msix){
		.dev = d,
		.cfg = &n->cfg,
		.table = vfio_sim_region_mem(d, VFIO_PCI_BAR3_REGION_INDEX),
		.nr = NIC_VECTORS,
	};
	if (!n->mmio || !n->msix.table)
		return -EINVAL;
	n->msix.pba = n->msix.table + NIC_MSIX_PBA;
	nic_init_registers(n);
	ret = vfio_sim_device_set_irq_level(d, VFIO_PCI_INTX_IRQ_INDEX, 0, false);
	if (ret < 0)
		return ret;
	n->ready = true;
	return 0;
}

int vfio_sim_e1000e_add(struct vfio_sim_group *g, const char *bdf, struct vfio_sim_device **out)
{
	struct vfio_sim_device *d;
	struct nic *n;
	int ret;

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	nic_init_config(n);
	ret = vfio_sim_device_add(g, bdf, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
				  VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_IRQS, &d);
	if (!ret) {
		n->dev = d;
		ret = vfio_sim_device_set_ops(d, &nic_device_ops, n);
	}
	if (ret) {
		free(n);
		return ret;
	}
	ret = nic_build(d, n);
	if (ret)
		return ret; /* the half-built device stays in the group; the sim frees it */
	if (out)
		*out = d;
	return 0;
}
