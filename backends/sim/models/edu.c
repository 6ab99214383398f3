// SPDX-License-Identifier: MIT
/*
 * QEMU's "edu" teaching device (hw/misc/edu.c, QEMU 7.2) behind vfio-pci, as
 * the conformance suite's VM shows it: BAR0 with its registers and DMA engine,
 * a 256-byte config space with one MSI capability, INTx and one MSI vector.
 *
 * Where QEMU runs something later (the factorial thread, the DMA timer ~100 ms
 * on), the model finishes it on the next BAR0 access: deterministic, and a
 * driver that polls the status or command register sees it done.  A driver
 * that only waits for the completion interrupt must touch BAR0 once.
 *
 * BAR0 can be mmap'ed as on the real host; the mapping shows the registers as
 * they were after the last trapped access, and a store through it is seen (and
 * acts) on the next trapped access: see vfio_sim_region_add_mmio().
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <vfio/sim.h>
#include <vfio/sim_models.h>

#include "pci_config.h"

#define EDU_BAR0_SIZE 0x100000u
#define EDU_CONFIG_SIZE 256u
#define EDU_ID_VALUE 0x010000edu
#define EDU_MSI_CAP 0x40 /* msi_init(pdev, 0, ...): the first free offset */

/* registers */
#define EDU_ID 0x00
#define EDU_LIVENESS 0x04
#define EDU_FACTORIAL 0x08
#define EDU_STATUS 0x20
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98

#define EDU_STATUS_COMPUTING 0x01u
#define EDU_STATUS_IRQFACT 0x80u
#define EDU_IRQ_FACT 0x001u
#define EDU_IRQ_DMA 0x100u
#define EDU_DMA_RUN 0x1u
#define EDU_DMA_TO_RAM 0x2u /* direction: 1 = from the buffer to RAM */
#define EDU_DMA_IRQ 0x4u
#define EDU_DMA_BUF 0x40000u
#define EDU_DMA_BUF_SIZE 4096u
#define EDU_DMA_MASK ((1ull << 28) - 1) /* edu->dma_mask */

/* The registers a store through the mapping can reach, in address order. */
static const struct {
	uint32_t off;
	uint8_t size;
} edu_writable[] = {
	{ EDU_LIVENESS, 4 },  { EDU_FACTORIAL, 4 }, { EDU_STATUS, 4 },
	{ EDU_IRQ_RAISE, 4 }, { EDU_IRQ_ACK, 4 },   { EDU_DMA_SRC, 8 },
	{ EDU_DMA_DST, 8 },   { EDU_DMA_COUNT, 8 }, { EDU_DMA_CMD, 8 },
};
#define EDU_NWRITABLE (sizeof(edu_writable) / sizeof(edu_writable[0]))

struct edu {
	struct vfio_sim_device *dev;
	bool resettable;
	uint32_t addr4; /* what 0x04 reads: ~ the last value written */
	uint32_t fact;
	uint32_t status;
	uint32_t irq_status;
	bool line; /* INTx as the device drives it */
	uint64_t dma_src, dma_dst, dma_cnt, dma_cmd;
	uint8_t *view;			/* BAR0's memory: what an mmap shows */
	bool ready;			/* built whole: vfio_sim_edu_add() succeeded */
	uint64_t shown[EDU_NWRITABLE]; /* what the view held of edu_writable[] */
	uint8_t dma_buf[EDU_DMA_BUF_SIZE];
	struct pci_cfg cfg;
};

/* ---- interrupts ---- */

static bool edu_msi_enabled(struct edu *e)
{
	struct vfio_sim_irq_state st;

	return !vfio_sim_irq_state(e->dev, VFIO_PCI_MSI_IRQ_INDEX, 0, &st) && st.enabled;
}

static void edu_set_line(struct edu *e, bool level)
{
	e->line = level;
	vfio_sim_device_set_irq_level(e->dev, VFIO_PCI_INTX_IRQ_INDEX, 0, level);
}

static void edu_raise_irq(struct edu *e, uint32_t val)
{
	e->irq_status |= val;
	if (!e->irq_status)
		return;
	if (!edu_msi_enabled(e))
		edu_set_line(e, true);
	else if (pci_cfg_bus_master(&e->cfg)) /* MSI is a memory write */
		vfio_sim_device_raise_irq(e->dev, VFIO_PCI_MSI_IRQ_INDEX, 0);
}

static void edu_lower_irq(struct edu *e, uint32_t val)
{
	e->irq_status &= ~val;
	if (!e->irq_status && !edu_msi_enabled(e))
		edu_set_line(e, false);
}

/* ---- the work QEMU does later ---- */

static void edu_finish_factorial(struct edu *e)
{
	uint32_t n = e->fact, r = 1;

	if (!(e->status & EDU_STATUS_COMPUTING))
		return;
	while (n && r) /* 32-bit product: 0 from 34! on */
		r *= n--;
	e->fact = r;
	e->status &= ~EDU_STATUS_COMPUTING;
	if (e->status & EDU_STATUS_IRQFACT)
		edu_raise_irq(e, EDU_IRQ_FACT);
}

/* edu_check_range: QEMU stops the VM (hw_error) on a range outside the buffer. */
static bool edu_in_buffer(uint64_t addr, uint64_t cnt)
{
	return addr >= EDU_DMA_BUF && addr < EDU_DMA_BUF + EDU_DMA_BUF_SIZE && cnt &&
	       cnt <= EDU_DMA_BUF + EDU_DMA_BUF_SIZE - addr;
}

/*
 * edu_dma_timer.  The memory side goes through the IOMMU by IOVA (clamped to
 * the device's 28-bit DMA mask); with bus master off, an unmapped or read-only
 * IOVA, no data moves (the sim counts the IOMMU fault) and the transfer still
 * completes, as the device gets no error.
 */
static void edu_finish_dma(struct edu *e)
{
	uint8_t tmp[EDU_DMA_BUF_SIZE];
	bool to_ram = e->dma_cmd & EDU_DMA_TO_RAM;
	uint64_t buf = to_ram ? e->dma_src : e->dma_dst;
	uint64_t ram = (to_ram ? e->dma_dst : e->dma_src) & EDU_DMA_MASK;
	size_t cnt = (size_t)e->dma_cnt;

	if (!(e->dma_cmd & EDU_DMA_RUN))
		return;
	if (edu_in_buffer(buf, e->dma_cnt) && pci_cfg_bus_master(&e->cfg)) {
		buf -= EDU_DMA_BUF;
		if (to_ram)
			vfio_sim_dma_write(e->dev, ram, e->dma_buf + buf, cnt);
		else if (!vfio_sim_dma_read(e->dev, ram, tmp, cnt))
			memcpy(e->dma_buf + buf, tmp, cnt);
	}
	e->dma_cmd &= ~(uint64_t)EDU_DMA_RUN;
	if (e->dma_cmd & EDU_DMA_IRQ)
		edu_raise_irq(e, EDU_IRQ_DMA);
}

/* ---- registers ---- */

/* Below 0x80 only 4-byte accesses count, from 0x80 on 4 or 8 bytes. */
static bool edu_size_ok(uint64_t off, size_t size)
{
	return size == 4 || (size == 8 && off >= EDU_DMA_SRC);
}

static uint64_t edu_reg_read(struct edu *e, uint64_t off, size_t size)
{
	if (!edu_size_ok(off, size))
		return ~0ull;
	switch (off) {
	case EDU_ID:
		return EDU_ID_VALUE;
	case EDU_LIVENESS:
		return e->addr4;
	case EDU_FACTORIAL:
		return e->fact;
	case EDU_STATUS:
		return e->status;
	case EDU_IRQ_STATUS:
		return e->irq_status;
	case EDU_DMA_SRC:
		return e->dma_src;
	case EDU_DMA_DST:
		return e->dma_dst;
	case EDU_DMA_COUNT:
		return e->dma_cnt;
	case EDU_DMA_CMD:
		return e->dma_cmd;
	default:
		return ~0ull;
	}
}

static void edu_reg_write(struct edu *e, uint64_t off, uint64_t val, size_t size)
{
	bool running = e->dma_cmd & EDU_DMA_RUN;

	if (!edu_size_ok(off, size))
		return;
	switch (off) {
	case EDU_LIVENESS:
		e->addr4 = ~(uint32_t)val;
		break;
	case EDU_FACTORIAL:
		if (!(e->status & EDU_STATUS_COMPUTING)) {
			e->fact = (uint32_t)val;
			e->status |= EDU_STATUS_COMPUTING;
		}
		break;
	case EDU_STATUS:
		if (val & EDU_STATUS_IRQFACT)
			e->status |= EDU_STATUS_IRQFACT;
		else
			e->status &= ~EDU_STATUS_IRQFACT;
		break;
	case EDU_IRQ_RAISE:
		edu_raise_irq(e, (uint32_t)val);
		break;
	case EDU_IRQ_ACK:
		edu_lower_irq(e, (uint32_t)val);
		break;
	case EDU_DMA_SRC: /* the DMA registers are frozen while a transfer runs */
		if (!running)
			e->dma_src = val;
		break;
	case EDU_DMA_DST:
		if (!running)
			e->dma_dst = val;
		break;
	case EDU_DMA_COUNT:
		if (!running)
			e->dma_cnt = val;
		break;
	case EDU_DMA_CMD:
		if (!running && (val & EDU_DMA_RUN))
			e->dma_cmd = val;
		break;
	default:
		break;
	}
}

/* ---- the mapping's view of the registers ---- */

static void edu_publish(struct edu *e)
{
	static const uint32_t ro[] = { EDU_ID, EDU_LIVENESS, EDU_FACTORIAL, EDU_STATUS,
				       EDU_IRQ_STATUS, EDU_IRQ_RAISE, EDU_IRQ_ACK };
	unsigned int i;

	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		pci_put_le(e->view + ro[i], 4, edu_reg_read(e, ro[i], 4));
	for (i = EDU_DMA_SRC; i <= EDU_DMA_CMD; i += 8)
		pci_put_le(e->view + i, 8, edu_reg_read(e, i, 8));
	for (i = 0; i < EDU_NWRITABLE; i++)
		e->shown[i] = pci_get_le(e->view + edu_writable[i].off, edu_writable[i].size);
}

/*
 * On each trapped access, first what happened since the last: stores through
 * the mapping (a register that changed there was written), then the work
 * started earlier.
 */
static void edu_catch_up(struct edu *e)
{
	for (unsigned int i = 0; i < EDU_NWRITABLE; i++) {
		uint64_t v = pci_get_le(e->view + edu_writable[i].off, edu_writable[i].size);

		if (v != e->shown[i])
			edu_reg_write(e, edu_writable[i].off, v, edu_writable[i].size);
	}
	edu_finish_factorial(e);
	edu_finish_dma(e);
}

static ssize_t edu_bar0_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct edu *e = opaque;

	if (!e->ready || !pci_cfg_memory_enabled(&e->cfg))
		return -EIO; /* vfio-pci: memory decode is off */
	edu_catch_up(e);
	pci_put_le(buf, len, edu_reg_read(e, off, len));
	edu_publish(e);
	return (ssize_t)len;
}

static ssize_t edu_bar0_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	struct edu *e = opaque;

	if (!e->ready || !pci_cfg_memory_enabled(&e->cfg))
		return -EIO;
	edu_catch_up(e);
	edu_reg_write(e, off, pci_get_le(buf, len), len);
	edu_publish(e);
	return (ssize_t)len;
}

static const struct vfio_sim_region_ops edu_bar0_ops = {
	.read = edu_bar0_read,
	.write = edu_bar0_write,
};

/* ---- config space ---- */

static ssize_t edu_config_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct edu *e = opaque;

	pci_cfg_set_intx_status(&e->cfg, e->line);
	return pci_cfg_read(&e->cfg, off, buf, len);
}

static ssize_t edu_config_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	struct edu *e = opaque;

	return pci_cfg_write(&e->cfg, off, buf, len, edu_msi_enabled(e));
}

static const struct vfio_sim_region_ops edu_config_ops = {
	.read = edu_config_read,
	.write = edu_config_write,
};

/* ---- the device's life under vfio-pci ---- */

/*
 * The reset vfio-pci can do here is a secondary bus reset through the root
 * port.  QEMU's edu has no reset handler: its registers survive; the PCI core
 * resets the config space (which the kernel then restores) and drops INTx.
 */
static void edu_bus_reset(struct edu *e)
{
	if (e->line)
		edu_set_line(e, false);
}

static void edu_open(void *opaque)
{
	struct edu *e = opaque;

	if (e->resettable) /* vfio_pci_core_enable tries a function reset */
		edu_bus_reset(e);
	pci_cfg_enable(&e->cfg);
	if (e->ready)
		edu_publish(e);
}

static void edu_close(void *opaque)
{
	struct edu *e = opaque;

	if (e->resettable)
		edu_bus_reset(e);
	pci_cfg_disable(&e->cfg);
}

static void edu_reset(void *opaque)
{
	edu_bus_reset(opaque);
}

static void edu_release(void *opaque)
{
	free(opaque);
}

static const struct vfio_sim_device_ops edu_device_ops = {
	.open = edu_open,
	.close = edu_close,
	.reset = edu_reset,
	.release = edu_release,
};

static void edu_init_config(struct edu *e, bool behind_root_port)
{
	const struct pci_cfg_ids ids = {
		.vendor = 0x1234,
		.device = 0x11e8,
		.subsys_vendor = 0x1af4, /* QEMU's default subsystem ids */
		.subsys = 0x1100,
		.revision = 0x10,
		.class_code = 0x00ff00, /* PCI_CLASS_OTHERS */
		.command = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_SERR, /* 0x103 */
		.irq_line = 11,
		.irq_pin = 1,
	};

	pci_cfg_init(&e->cfg, EDU_CONFIG_SIZE, &ids);
	pci_cfg_set_bar(&e->cfg, 0, EDU_BAR0_SIZE, PCI_BASE_ADDRESS_SPACE_MEMORY,
			behind_root_port ? 0xfe800000u : 0xfea00000u);
	pci_cfg_add_msi(&e->cfg, EDU_MSI_CAP, true);
}

/* The device's regions and interrupts; the sim owns @e once this starts. */
static int edu_build(struct vfio_sim_device *d, struct edu *e)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	int ret;

	ret = vfio_sim_region_add_mmio(d, VFIO_PCI_BAR0_REGION_INDEX, EDU_BAR0_SIZE,
				       rw | VFIO_REGION_INFO_FLAG_MMAP, &edu_bar0_ops, e);
	if (!ret)
		ret = vfio_sim_region_add(d, VFIO_PCI_CONFIG_REGION_INDEX, EDU_CONFIG_SIZE, rw,
					  &edu_config_ops, e);
	if (!ret)
		ret = vfio_sim_irq_add(d, VFIO_PCI_INTX_IRQ_INDEX, 1,
				       VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
					       VFIO_IRQ_INFO_AUTOMASKED);
	if (!ret)
		ret = vfio_sim_irq_add(d, VFIO_PCI_MSI_IRQ_INDEX, 1,
				       VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	if (!ret) /* MSI-X answers count 0; ERR is absent on conventional PCI */
		ret = vfio_sim_irq_add(d, VFIO_PCI_REQ_IRQ_INDEX, 1,
				       VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	if (ret)
		return ret;
	e->view = vfio_sim_region_mem(d, VFIO_PCI_BAR0_REGION_INDEX);
	if (!e->view)
		return -EINVAL;
	memset(e->view, 0xff, EDU_BAR0_SIZE); /* unimplemented registers read all ones */
	edu_publish(e);
	/* the line starts low, and is level-triggered from now on */
	ret = vfio_sim_device_set_irq_level(d, VFIO_PCI_INTX_IRQ_INDEX, 0, false);
	if (ret < 0)
		return ret;
	e->ready = true;
	return 0;
}

int vfio_sim_edu_add(struct vfio_sim_group *g, const char *bdf, bool resettable,
		     struct vfio_sim_device **out)
{
	uint32_t flags = VFIO_DEVICE_FLAGS_PCI | (resettable ? VFIO_DEVICE_FLAGS_RESET : 0);
	struct vfio_sim_device *d;
	struct edu *e;
	int ret;

	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->resettable = resettable;
	edu_init_config(e, resettable);
	ret = vfio_sim_device_add(g, bdf, flags, VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_IRQS, &d);
	if (!ret) {
		e->dev = d;
		ret = vfio_sim_device_set_ops(d, &edu_device_ops, e);
	}
	if (ret) {
		free(e);
		return ret;
	}
	ret = edu_build(d, e);
	if (ret)
		return ret; /* the half-built device stays in the group; the sim frees it */
	if (out)
		*out = d;
	return 0;
}
