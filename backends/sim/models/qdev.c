// SPDX-License-Identifier: MIT
/*
 * The queue device ("qdev"): a miniature of a NIC or NVMe controller, made up
 * for the sim so that a userspace driver has something realistic to drive.
 * No real device has its ids (1234:7e57); the conformance suite cannot check
 * it against hardware, only the example driver's test uses it.
 *
 * The driver places descriptor rings in its memory and maps them for DMA; per
 * queue it programs a ring base IOVA, a size and an MSI-X vector, enables the
 * controller, writes descriptors (copy, fill, nop) and rings the doorbell with
 * its new tail.  The device fetches each descriptor between head and tail
 * through the sim's IOMMU, does the copy or fill there, writes a completion
 * status back into the descriptor, advances head and raises the queue's
 * vector.  The register and descriptor layout is in qdev_regs.h.
 *
 * When the work happens: during BAR0 accesses, never on a thread of its own.
 * Each trapped BAR0 access first does what was left (queues with work,
 * vectors pending in the PBA that may now go out), then the access, then any
 * work the access started; so a doorbell write returns with its descriptors
 * done and the interrupt sent.  Work waits while the controller is disabled,
 * bus mastering is off or the queue has stopped on an error.
 *
 * An IOMMU fault is never fatal to the model: on a source or destination it
 * is the descriptor's status (QDEV_DS_FAULT; what moved before the fault
 * stays moved), on the ring itself it stops the queue (QDEV_QERR_FETCH or
 * _WRITEBACK in Q_STATUS) and raises the queue's vector.
 *
 * MSI-X as QEMU's msix_notify: a vector masked in the table (BAR2, which the
 * user may mmap), not routed to an eventfd, or raised while MSI-X is off,
 * waits in the PBA and goes out on a later BAR0 access once unmasked; so
 * does one raised while bus mastering is off.
 *
 * Reset (VFIO_DEVICE_RESET, and the function reset vfio-pci does when the
 * device is opened and closed) disables the controller, zeroes every queue
 * register and clears the PBA; the MSI-X table is left for the host kernel
 * to restore, as it does after a function reset.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <vfio/sim.h>
#include <vfio/sim_models.h>

#include "msix.h"
#include "pci_config.h"
#include "qdev_regs.h"

#define QDEV_CHUNK 4096u /* bytes the device moves per DMA burst */

struct qdev_queue {
	uint64_t base;
	uint32_t size, vector, head, tail, status;
};

struct qdev {
	struct vfio_sim_device *dev;
	unsigned int nq;
	uint32_t cc, csts;
	struct sim_msix msix; /* BAR2's memory: the MSI-X table and PBA */
	bool ready;    /* built whole: vfio_sim_qdev_add() succeeded */
	struct qdev_queue q[QDEV_MAX_QUEUES];
	struct pci_cfg cfg;
};

/* ---- the DMA engine ---- */

static bool qdev_range_ok(uint64_t iova, uint32_t len)
{
	return iova <= UINT64_MAX - len + 1; /* the last byte does not wrap */
}

static uint16_t qdev_copy(struct qdev *m, uint64_t dst, uint64_t src, uint32_t len)
{
	uint8_t buf[QDEV_CHUNK];

	if (!qdev_range_ok(src, len) || !qdev_range_ok(dst, len))
		return QDEV_DS_FAULT;
	for (uint32_t done = 0, n; done < len; done += n) {
		n = len - done < QDEV_CHUNK ? len - done : QDEV_CHUNK;
		if (vfio_sim_dma_read(m->dev, src + done, buf, n) ||
		    vfio_sim_dma_write(m->dev, dst + done, buf, n))
			return QDEV_DS_FAULT;
	}
	return QDEV_DS_OK;
}

static uint16_t qdev_fill(struct qdev *m, uint64_t dst, uint8_t byte, uint32_t len)
{
	uint8_t buf[QDEV_CHUNK];

	if (!qdev_range_ok(dst, len))
		return QDEV_DS_FAULT;
	memset(buf, byte, sizeof(buf));
	for (uint32_t done = 0, n; done < len; done += n) {
		n = len - done < QDEV_CHUNK ? len - done : QDEV_CHUNK;
		if (vfio_sim_dma_write(m->dev, dst + done, buf, n))
			return QDEV_DS_FAULT;
	}
	return QDEV_DS_OK;
}

static uint16_t qdev_execute(struct qdev *m, const uint8_t *desc)
{
	uint32_t len = (uint32_t)pci_get_le(desc + QDEV_D_LEN, 4);
	uint64_t src = pci_get_le(desc + QDEV_D_SRC, 8);
	uint64_t dst = pci_get_le(desc + QDEV_D_DST, 8);

	if (desc[QDEV_D_OPCODE] == QDEV_OP_NOP)
		return QDEV_DS_OK;
	if (!len || len > QDEV_XFER_MAX)
		return QDEV_DS_INVALID;
	switch (desc[QDEV_D_OPCODE]) {
	case QDEV_OP_COPY:
		return qdev_copy(m, dst, src, len);
	case QDEV_OP_FILL:
		return qdev_fill(m, dst, desc[QDEV_D_FILL], len);
	default:
		return QDEV_DS_INVALID;
	}
}

static void qdev_queue_stop(struct qdev *m, struct qdev_queue *q, uint32_t err)
{
	q->status = err;
	sim_msix_notify(&m->msix, q->vector);
}

/* Descriptors from head to tail, one interrupt for the lot. */
static void qdev_process(struct qdev *m, struct qdev_queue *q)
{
	uint8_t desc[QDEV_DESC_SIZE], st[2];
	bool done = false;

	if (!(m->csts & QDEV_CSTS_RDY) || !q->size || q->status || !pci_cfg_bus_master(&m->cfg))
		return;
	while (q->head != q->tail) {
		uint64_t at = q->base + (uint64_t)q->head * QDEV_DESC_SIZE;

		if (vfio_sim_dma_read(m->dev, at, desc, sizeof(desc))) {
			qdev_queue_stop(m, q, QDEV_QERR_FETCH);
			return;
		}
		pci_put_le(st, 2, qdev_execute(m, desc));
		if (vfio_sim_dma_write(m->dev, at + QDEV_D_STATUS, st, sizeof(st))) {
			qdev_queue_stop(m, q, QDEV_QERR_WRITEBACK);
			return;
		}
		q->head = (q->head + 1) & (q->size - 1);
		done = true;
	}
	if (done)
		sim_msix_notify(&m->msix, q->vector);
}

/* What the device does between accesses, done when the next one comes. */
static void qdev_run(struct qdev *m)
{
	sim_msix_deliver_pending(&m->msix);
	for (unsigned int i = 0; i < m->nq; i++)
		qdev_process(m, &m->q[i]);
}

/* ---- registers ---- */

static uint32_t qdev_ring_check(const struct qdev_queue *q)
{
	uint64_t bytes = (uint64_t)q->size * QDEV_DESC_SIZE;

	if (!q->size)
		return QDEV_QERR_NONE; /* the queue stays off */
	if (q->size < 2 || q->size > QDEV_RING_MAX || (q->size & (q->size - 1)))
		return QDEV_QERR_RING;
	if (q->base % QDEV_RING_ALIGN || q->base > UINT64_MAX - bytes + 1)
		return QDEV_QERR_RING;
	return QDEV_QERR_NONE;
}

static void qdev_set_cc(struct qdev *m, uint32_t val)
{
	bool was = m->cc & QDEV_CC_EN, en = val & QDEV_CC_EN;

	m->cc = val & QDEV_CC_EN;
	if (was == en)
		return;
	for (unsigned int i = 0; i < m->nq; i++) {
		struct qdev_queue *q = &m->q[i];

		q->head = q->tail = 0;
		q->status = en ? qdev_ring_check(q) : QDEV_QERR_NONE;
	}
	if (en)
		m->csts |= QDEV_CSTS_RDY;
	else
		m->csts &= ~QDEV_CSTS_RDY;
}

static void qdev_reset(struct qdev *m)
{
	m->cc = 0;
	m->csts = 0;
	memset(m->q, 0, sizeof(m->q));
	if (m->msix.pba)
		memset(m->msix.pba, 0, (m->nq + 7) / 8);
}

static struct qdev_queue *qdev_queue_at(struct qdev *m, uint32_t off)
{
	if (off < QDEV_REG_Q(0) || off >= QDEV_REG_Q(m->nq))
		return NULL;
	return &m->q[(off - QDEV_REG_Q(0)) / QDEV_Q_STRIDE];
}

static uint32_t qdev_reg_read(struct qdev *m, uint32_t off)
{
	struct qdev_queue *q = qdev_queue_at(m, off);

	switch (off) {
	case QDEV_REG_ID:
		return QDEV_DEVICE_ID << 16 | QDEV_VENDOR_ID;
	case QDEV_REG_VERSION:
		return QDEV_VERSION;
	case QDEV_REG_NQUEUES:
		return m->nq;
	case QDEV_REG_RING_MAX:
		return QDEV_RING_MAX;
	case QDEV_REG_CC:
		return m->cc;
	case QDEV_REG_CSTS:
		return m->csts;
	default:
		break;
	}
	if (!q)
		return 0; /* reserved */
	switch ((off - QDEV_REG_Q(0)) % QDEV_Q_STRIDE) {
	case QDEV_Q_BASE_LO:
		return (uint32_t)q->base;
	case QDEV_Q_BASE_HI:
		return (uint32_t)(q->base >> 32);
	case QDEV_Q_SIZE:
		return q->size;
	case QDEV_Q_VECTOR:
		return q->vector;
	case QDEV_Q_TAIL:
		return q->tail;
	case QDEV_Q_HEAD:
		return q->head;
	case QDEV_Q_STATUS:
		return q->status;
	default:
		return 0;
	}
}

static void qdev_doorbell(struct qdev *m, struct qdev_queue *q, uint32_t tail)
{
	if (!(m->csts & QDEV_CSTS_RDY) || !q->size || q->status)
		return; /* nobody listens */
	if (tail >= q->size)
		qdev_queue_stop(m, q, QDEV_QERR_TAIL);
	else
		q->tail = tail;
}

static void qdev_reg_write(struct qdev *m, uint32_t off, uint32_t val)
{
	struct qdev_queue *q = qdev_queue_at(m, off);
	bool idle = !(m->cc & QDEV_CC_EN); /* the ring is the device's while enabled */

	if (off == QDEV_REG_CC) {
		qdev_set_cc(m, val);
		return;
	}
	if (!q)
		return; /* read-only or reserved */
	switch ((off - QDEV_REG_Q(0)) % QDEV_Q_STRIDE) {
	case QDEV_Q_BASE_LO:
		if (idle)
			q->base = (q->base & ~(uint64_t)UINT32_MAX) | val;
		break;
	case QDEV_Q_BASE_HI:
		if (idle)
			q->base = (q->base & UINT32_MAX) | (uint64_t)val << 32;
		break;
	case QDEV_Q_SIZE:
		if (idle)
			q->size = val;
		break;
	case QDEV_Q_VECTOR:
		q->vector = val;
		break;
	case QDEV_Q_TAIL:
		qdev_doorbell(m, q, val);
		break;
	default:
		break;
	}
}

/*
 * Registers are dwords.  A read of any width returns the bytes of the
 * registers it covers (reads have no side effects); a write must be a dword,
 * or a qword taken as two dwords, low first; narrower writes are dropped.
 */
static ssize_t qdev_bar0_access(struct qdev *m, uint64_t off, uint8_t *buf, size_t len, bool write)
{
	if (!m->ready || !pci_cfg_memory_enabled(&m->cfg))
		return -EIO; /* vfio-pci: memory decode is off */
	qdev_run(m);
	if (!write) {
		for (size_t i = 0; i < len; i++) {
			uint32_t pos = (uint32_t)(off + i);

			buf[i] = (uint8_t)(qdev_reg_read(m, pos & ~3u) >> (8 * (pos & 3)));
		}
	} else if (len == 4 || len == 8) {
		for (size_t i = 0; i < len; i += 4)
			qdev_reg_write(m, (uint32_t)(off + i), (uint32_t)pci_get_le(buf + i, 4));
	}
	qdev_run(m);
	return (ssize_t)len;
}

static ssize_t qdev_bar0_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	return qdev_bar0_access(opaque, off, buf, len, false);
}

static ssize_t qdev_bar0_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	return qdev_bar0_access(opaque, off, (uint8_t *)(uintptr_t)buf, len, true);
}

static const struct vfio_sim_region_ops qdev_bar0_ops = {
	.read = qdev_bar0_read,
	.write = qdev_bar0_write,
};

/* ---- config space ---- */

static ssize_t qdev_config_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct qdev *m = opaque;

	pci_cfg_set_msix_enabled(&m->cfg, sim_msix_enabled(&m->msix));
	return pci_cfg_read(&m->cfg, off, buf, len);
}

static ssize_t qdev_config_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	struct qdev *m = opaque;

	return pci_cfg_write(&m->cfg, off, buf, len, false); /* no MSI capability */
}

static const struct vfio_sim_region_ops qdev_config_ops = {
	.read = qdev_config_read,
	.write = qdev_config_write,
};

/* ---- the device's life under vfio-pci ---- */

/* vfio_pci_core_enable resets a function that can be reset, then saves its state. */
static void qdev_open(void *opaque)
{
	struct qdev *m = opaque;

	qdev_reset(m);
	pci_cfg_enable(&m->cfg);
}

static void qdev_close(void *opaque)
{
	struct qdev *m = opaque;

	qdev_reset(m);
	pci_cfg_disable(&m->cfg);
}

static void qdev_device_reset(void *opaque)
{
	qdev_reset(opaque);
}

static void qdev_release(void *opaque)
{
	free(opaque);
}

static const struct vfio_sim_device_ops qdev_device_ops = {
	.open = qdev_open,
	.close = qdev_close,
	.reset = qdev_device_reset,
	.release = qdev_release,
};

static void qdev_init_config(struct qdev *m)
{
	const struct pci_cfg_ids ids = {
		.vendor = QDEV_VENDOR_ID,
		.device = QDEV_DEVICE_ID,
		.subsys_vendor = QDEV_VENDOR_ID,
		.subsys = QDEV_DEVICE_ID,
		.revision = 1,
		.class_code = QDEV_CLASS,
		.command = PCI_COMMAND_MEMORY | PCI_COMMAND_SERR,
		.irq_pin = 0, /* MSI-X only: vfio-pci reports no INTx */
	};
	struct pci_cfg *c = &m->cfg;

	pci_cfg_init(c, QDEV_CONFIG_SIZE, &ids);
	pci_cfg_set_bar(c, 0, QDEV_BAR0_SIZE,
			PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_64, 0xfe000000u);
	pci_cfg_set_bar(c, 2, QDEV_BAR2_SIZE, PCI_BASE_ADDRESS_SPACE_MEMORY, 0xfe001000u);
	pci_cfg_add_exp_v1(c, QDEV_EXP_CAP, PCI_EXP_TYPE_ENDPOINT);
	pci_cfg_add_msix(c, QDEV_MSIX_CAP, (uint16_t)m->nq, 2, QDEV_MSIX_TABLE, 2, QDEV_MSIX_PBA);
}

/* The device's regions and interrupts; the sim owns @m once this starts. */
static int qdev_build(struct vfio_sim_device *d, struct qdev *m)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	const uint32_t noresize = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
	int ret;

	ret = vfio_sim_region_add(d, VFIO_PCI_BAR0_REGION_INDEX, QDEV_BAR0_SIZE, rw, &qdev_bar0_ops,
				  m);
	if (!ret)
		ret = vfio_sim_region_add(d, VFIO_PCI_BAR2_REGION_INDEX, QDEV_BAR2_SIZE,
					  rw | VFIO_REGION_INFO_FLAG_MMAP, NULL, NULL);
	if (!ret)
		ret = vfio_sim_region_set_msix_mappable(d, VFIO_PCI_BAR2_REGION_INDEX);
	if (!ret)
		ret = vfio_sim_region_add(d, VFIO_PCI_CONFIG_REGION_INDEX, QDEV_CONFIG_SIZE, rw,
					  &qdev_config_ops, m);
	if (!ret) /* dynamic MSI-X: vectors can be added to an enabled set */
		ret = vfio_sim_irq_add(d, VFIO_PCI_MSIX_IRQ_INDEX, m->nq, VFIO_IRQ_INFO_EVENTFD);
	if (!ret) /* PCI Express: AER's index exists */
		ret = vfio_sim_irq_add(d, VFIO_PCI_ERR_IRQ_INDEX, 1, noresize);
	if (!ret)
		ret = vfio_sim_irq_add(d, VFIO_PCI_REQ_IRQ_INDEX, 1, noresize);
	if (ret)
		return ret;
	/* bus master off holds the message pending, as the model's datasheet says */
	m->msix = (struct sim_msix){
		.dev = d,
		.cfg = &m->cfg,
		.table = vfio_sim_region_mem(d, VFIO_PCI_BAR2_REGION_INDEX),
		.nr = m->nq,
		.hold_without_master = true,
	};
	if (!m->msix.table)
		return -EINVAL;
	m->msix.table += QDEV_MSIX_TABLE;
	m->msix.pba = m->msix.table - QDEV_MSIX_TABLE + QDEV_MSIX_PBA;
	m->ready = true;
	return 0;
}

int vfio_sim_qdev_add(struct vfio_sim_group *g, const char *bdf, unsigned int nr_queues,
		      struct vfio_sim_device **out)
{
	struct vfio_sim_device *d;
	struct qdev *m;
	int ret;

	if (!nr_queues || nr_queues > QDEV_MAX_QUEUES)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->nq = nr_queues;
	qdev_init_config(m);
	ret = vfio_sim_device_add(g, bdf, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
				  VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_IRQS, &d);
	if (!ret) {
		m->dev = d;
		ret = vfio_sim_device_set_ops(d, &qdev_device_ops, m);
	}
	if (ret) {
		free(m);
		return ret;
	}
	ret = qdev_build(d, m);
	if (ret)
		return ret; /* the half-built device stays in the group; the sim frees it */
	if (out)
		*out = d;
	return 0;
}
