// SPDX-License-Identifier: MIT
/*
 * The sim's queue device model (backends/sim/models/qdev.c), driven through
 * the public API as a driver would: config space and regions, the controller,
 * descriptor rings through the IOMMU, MSI-X with masking and the PBA, reset,
 * and the error paths (bad ring, IOMMU faults, bad descriptors).
 */

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <vfio/sim_models.h>

#include "../../backends/sim/models/qdev_regs.h"
#include "testutil.h"

#define NQ 4u
#define BDF "0000:00:06.0"
#define GROUP 20u
#define IOVA 0x100000ull /* MEM_PAGES pages: ring at page 0, data after it */
#define MEM_PAGES 8u
#define DATA(i) (IOVA + 4096ull * (i))
#define UNMAPPED 0x900000ull
#define BAR0 VFIO_PCI_BAR0_REGION_INDEX
#define BAR2 VFIO_PCI_BAR2_REGION_INDEX
#define CFG VFIO_PCI_CONFIG_REGION_INDEX

struct q_fix {
	struct vfio_sim *sim;
	struct vfio_sim_device *model;
	struct vfio_container *c;
	struct vfio_device *dev;
	uint8_t *mem;
	int efd[NQ];
};

/* ---- access ---- */

static uint32_t rd32(struct q_fix *f, uint32_t off)
{
	uint32_t v = 0;

	assert_ok(vfio_region_read(f->dev, BAR0, off, &v, 4, NULL));
	return v;
}

static void wr32(struct q_fix *f, uint32_t off, uint32_t v)
{
	assert_ok(vfio_region_write(f->dev, BAR0, off, &v, 4, NULL));
}

static uint32_t qrd(struct q_fix *f, unsigned int q, uint32_t reg)
{
	return rd32(f, QDEV_REG_Q(q) + reg);
}

static void qwr(struct q_fix *f, unsigned int q, uint32_t reg, uint32_t v)
{
	wr32(f, QDEV_REG_Q(q) + reg, v);
}

static uint32_t cfg32(struct q_fix *f, uint32_t off)
{
	uint32_t v = 0;

	assert_ok(vfio_region_read(f->dev, CFG, off, &v, 4, NULL));
	return v;
}

static uint16_t cfg16(struct q_fix *f, uint32_t off)
{
	return (uint16_t)(cfg32(f, off & ~3u) >> (8 * (off & 2)));
}

static uint8_t pba(struct q_fix *f)
{
	uint8_t v = 0;

	assert_ok(vfio_region_read(f->dev, BAR2, QDEV_MSIX_PBA, &v, 1, NULL));
	return v;
}

static void bus_master(struct q_fix *f, bool on)
{
	uint16_t cmd = cfg16(f, PCI_COMMAND);

	cmd = on ? cmd | PCI_COMMAND_MASTER : cmd & ~PCI_COMMAND_MASTER;
	assert_ok(vfio_region_write(f->dev, CFG, PCI_COMMAND, &cmd, 2, NULL));
}

/* Queue @q: a ring of @size entries at @base, vector @vec. */
static void setup_queue(struct q_fix *f, unsigned int q, uint64_t base, uint32_t size, uint32_t vec)
{
	qwr(f, q, QDEV_Q_BASE_LO, (uint32_t)base);
	qwr(f, q, QDEV_Q_BASE_HI, (uint32_t)(base >> 32));
	qwr(f, q, QDEV_Q_SIZE, size);
	qwr(f, q, QDEV_Q_VECTOR, vec);
}

static void enable(struct q_fix *f)
{
	wr32(f, QDEV_REG_CC, QDEV_CC_EN);
	assert_int_equal(rd32(f, QDEV_REG_CSTS), QDEV_CSTS_RDY);
}

static void enable_msix(struct q_fix *f)
{
	assert_ok(vfio_irq_enable_msix(f->dev, f->efd, NQ));
}

/* Descriptor @i counted from the start of f->mem: the ring at page p starts at p * 128. */
static uint8_t *desc(struct q_fix *f, unsigned int i)
{
	return f->mem + i * QDEV_DESC_SIZE;
}

static void put_desc(struct q_fix *f, unsigned int i, uint8_t op, uint8_t fill, uint32_t len,
		     uint64_t src, uint64_t dst)
{
	uint8_t *d = desc(f, i);

	memset(d, 0, QDEV_DESC_SIZE);
	d[QDEV_D_OPCODE] = op;
	d[QDEV_D_FILL] = fill;
	memcpy(d + QDEV_D_LEN, &len, 4);
	memcpy(d + QDEV_D_SRC, &src, 8);
	memcpy(d + QDEV_D_DST, &dst, 8);
}

static uint16_t status_of(struct q_fix *f, unsigned int i)
{
	uint16_t st;

	memcpy(&st, desc(f, i) + QDEV_D_STATUS, 2);
	return st;
}

static uint8_t *data(struct q_fix *f, unsigned int page)
{
	return f->mem + 4096u * page;
}

/* ---- fixture ---- */

static int setup(void **state)
{
	struct q_fix *f = calloc(1, sizeof(*f));
	struct vfio_sim_group *g;

	assert_non_null(f);
	assert_ok(vfio_sim_new(&f->sim));
	assert_ok(vfio_sim_group_add(f->sim, GROUP, &g));
	assert_ok(vfio_sim_qdev_add(g, BDF, NQ, &f->model));
	assert_ok(vfio_container_open(vfio_sim_backend(f->sim), &f->c));
	assert_ok(vfio_device_open_sysfs(f->c, "/sys/bus/pci/devices/" BDF, &f->dev));
	bus_master(f, true);
	f->mem = t_pages(MEM_PAGES);
	assert_ok(vfio_dma_map(f->c, IOVA, MEM_PAGES * 4096ull, f->mem,
			       VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE));
	for (unsigned int i = 0; i < NQ; i++)
		f->efd[i] = t_eventfd();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct q_fix *f = *state;

	assert_ok(vfio_device_close(f->dev));
	assert_ok(vfio_container_close(f->c));
	assert_int_equal(vfio_sim_open_handles(f->sim), 0);
	vfio_backend_destroy(vfio_sim_backend(f->sim));
	t_pages_free(f->mem, MEM_PAGES);
	for (unsigned int i = 0; i < NQ; i++)
		close(f->efd[i]);
	free(f);
	return 0;
}

/* ---- what the device shows ---- */

static void test_identity(void **state)
{
	struct q_fix *f = *state;
	const struct vfio_region_desc *r;
	const struct vfio_irq_desc *irq;
	uint16_t msix = 0, exp = 0;

	assert_int_equal(cfg16(f, PCI_VENDOR_ID), QDEV_VENDOR_ID);
	assert_int_equal(cfg16(f, PCI_DEVICE_ID), QDEV_DEVICE_ID);
	assert_int_equal(cfg32(f, PCI_CLASS_REVISION) >> 8, QDEV_CLASS);
	for (uint16_t pos = cfg16(f, PCI_CAPABILITY_LIST) & 0xff; pos; pos = cfg16(f, pos) >> 8) {
		if ((cfg16(f, pos) & 0xff) == PCI_CAP_ID_MSIX)
			msix = pos;
		if ((cfg16(f, pos) & 0xff) == PCI_CAP_ID_EXP)
			exp = pos;
	}
	assert_int_equal(msix, QDEV_MSIX_CAP);
	assert_int_equal(exp, QDEV_EXP_CAP);
	assert_int_equal(cfg16(f, msix + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE, NQ - 1);
	assert_int_equal(cfg32(f, msix + PCI_MSIX_TABLE), QDEV_MSIX_TABLE | 2);
	assert_int_equal(cfg32(f, msix + PCI_MSIX_PBA), QDEV_MSIX_PBA | 2);

	assert_true(vfio_device_flags(f->dev) & VFIO_DEVICE_FLAGS_RESET);
	assert_ok(vfio_region_get(f->dev, BAR0, &r));
	assert_int_equal(r->size, QDEV_BAR0_SIZE);
	assert_false(r->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_ok(vfio_region_get(f->dev, VFIO_PCI_BAR1_REGION_INDEX, &r));
	assert_int_equal(r->size, 0); /* the upper half of the 64-bit BAR0 */
	assert_ok(vfio_region_get(f->dev, BAR2, &r));
	assert_int_equal(r->size, QDEV_BAR2_SIZE);
	assert_true(r->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_true(r->caps & VFIO_REGION_HAS_MSIX_MAPPABLE);
	assert_ok(vfio_irq_get(f->dev, VFIO_PCI_MSIX_IRQ_INDEX, &irq));
	assert_int_equal(irq->count, NQ);
	assert_ok(vfio_irq_get(f->dev, VFIO_PCI_INTX_IRQ_INDEX, &irq));
	assert_int_equal(irq->count, 0);

	assert_int_equal(rd32(f, QDEV_REG_ID), QDEV_DEVICE_ID << 16 | QDEV_VENDOR_ID);
	assert_int_equal(rd32(f, QDEV_REG_VERSION), QDEV_VERSION);
	assert_int_equal(rd32(f, QDEV_REG_NQUEUES), NQ);
	assert_int_equal(rd32(f, QDEV_REG_RING_MAX), QDEV_RING_MAX);
	assert_int_equal(rd32(f, QDEV_REG_CSTS), 0);
	assert_int_equal(rd32(f, 0x800), 0); /* reserved */
}

static void test_add_checks_arguments(void **state)
{
	struct q_fix *f = *state;
	struct vfio_sim_group *g;

	assert_ok(vfio_sim_group_add(f->sim, GROUP + 1, &g));
	assert_int_equal(vfio_sim_qdev_add(g, "0000:00:07.0", 0, NULL), -EINVAL);
	assert_int_equal(vfio_sim_qdev_add(g, "0000:00:07.0", QDEV_MAX_QUEUES + 1, NULL), -EINVAL);
	assert_int_equal(vfio_sim_qdev_add(g, BDF, 1, NULL), -EEXIST);
	assert_ok(vfio_sim_qdev_add(g, "0000:00:07.0", QDEV_MAX_QUEUES, NULL));
}

/* Registers are dwords: byte reads see their bytes, a qword is two, short writes drop. */
static void test_access_widths(void **state)
{
	struct q_fix *f = *state;
	uint64_t base = 0x123456789000ull;
	uint16_t half = QDEV_CC_EN;
	uint8_t byte = 0;

	assert_ok(vfio_region_read(f->dev, BAR0, QDEV_REG_ID + 2, &byte, 1, NULL));
	assert_int_equal(byte, QDEV_DEVICE_ID & 0xff);
	assert_ok(vfio_region_write(f->dev, BAR0, QDEV_REG_CC, &half, 2, NULL));
	assert_int_equal(rd32(f, QDEV_REG_CC), 0);
	assert_ok(vfio_region_write(f->dev, BAR0, QDEV_REG_Q(1) + QDEV_Q_BASE_LO, &base, 8, NULL));
	assert_int_equal(qrd(f, 1, QDEV_Q_BASE_LO), (uint32_t)base);
	assert_int_equal(qrd(f, 1, QDEV_Q_BASE_HI), (uint32_t)(base >> 32));
}

static void test_memory_decode_off(void **state)
{
	struct q_fix *f = *state;
	uint16_t cmd = cfg16(f, PCI_COMMAND) & ~PCI_COMMAND_MEMORY;
	uint32_t v;

	assert_ok(vfio_region_write(f->dev, CFG, PCI_COMMAND, &cmd, 2, NULL));
	assert_err(vfio_region_read(f->dev, BAR0, 0, &v, 4, NULL), EIO);
}

/* ---- the controller ---- */

static void test_enable_and_disable(void **state)
{
	struct q_fix *f = *state;

	setup_queue(f, 0, IOVA, 8, 0);
	enable(f);
	/* the ring belongs to the device while it is enabled */
	qwr(f, 0, QDEV_Q_BASE_LO, 0x5000);
	qwr(f, 0, QDEV_Q_SIZE, 16);
	assert_int_equal(qrd(f, 0, QDEV_Q_BASE_LO), (uint32_t)IOVA);
	assert_int_equal(qrd(f, 0, QDEV_Q_SIZE), 8);
	wr32(f, QDEV_REG_CC, 0);
	assert_int_equal(rd32(f, QDEV_REG_CSTS), 0);
	qwr(f, 0, QDEV_Q_SIZE, 16);
	assert_int_equal(qrd(f, 0, QDEV_Q_SIZE), 16);
}

static void test_copy_fill_nop(void **state)
{
	struct q_fix *f = *state;

	for (unsigned int i = 0; i < 4096; i++)
		data(f, 1)[i] = (uint8_t)(i * 7);
	enable_msix(f);
	setup_queue(f, 0, IOVA, 8, 0);
	enable(f);
	put_desc(f, 0, QDEV_OP_COPY, 0, 4096, DATA(1), DATA(2));
	put_desc(f, 1, QDEV_OP_FILL, 0xa5, 100, 0, DATA(3) + 8);
	put_desc(f, 2, QDEV_OP_NOP, 0, 0, 0, 0);
	qwr(f, 0, QDEV_Q_TAIL, 3);

	/* done before the doorbell write returned */
	assert_int_equal(qrd(f, 0, QDEV_Q_HEAD), 3);
	assert_int_equal(qrd(f, 0, QDEV_Q_TAIL), 3);
	assert_int_equal(qrd(f, 0, QDEV_Q_STATUS), QDEV_QERR_NONE);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(status_of(f, i), QDEV_DS_OK);
	assert_memory_equal(data(f, 2), data(f, 1), 4096);
	assert_int_equal(data(f, 3)[7], 0);
	for (unsigned int i = 8; i < 108; i++)
		assert_int_equal(data(f, 3)[i], 0xa5);
	assert_int_equal(data(f, 3)[108], 0);
	assert_int_equal(t_eventfd_read(f->efd[0]), 1); /* one interrupt for the batch */
	assert_int_equal(t_eventfd_read(f->efd[1]), 0);
}

static void test_ring_wraps(void **state)
{
	struct q_fix *f = *state;
	uint32_t tail = 0;

	enable_msix(f);
	setup_queue(f, 0, IOVA, 4, 0);
	enable(f);
	for (unsigned int round = 0; round < 3; round++) {
		for (unsigned int i = 0; i < 3; i++) {
			put_desc(f, tail, QDEV_OP_FILL, (uint8_t)(round * 3 + i), 16, 0,
				 DATA(1) + 16 * (round * 3 + i));
			tail = (tail + 1) % 4;
		}
		qwr(f, 0, QDEV_Q_TAIL, tail);
		assert_int_equal(qrd(f, 0, QDEV_Q_HEAD), tail);
	}
	for (unsigned int i = 0; i < 9; i++)
		assert_int_equal(data(f, 1)[16 * i + 15], i);
	assert_int_equal(t_eventfd_read(f->efd[0]), 3);
}

/* Queues on their own vectors, two sharing one, and one without. */
static void test_queues_and_vectors(void **state)
{
	struct q_fix *f = *state;

	enable_msix(f);
	for (unsigned int q = 0; q < NQ; q++)
		setup_queue(f, q, IOVA + 4096ull * (4 + q), 2,
			    q == 3   ? 0xffffffffu
			    : q == 2 ? 1
				     : q);
	enable(f);
	for (unsigned int q = 0; q < NQ; q++) {
		put_desc(f, (4 + q) * 128, QDEV_OP_FILL, (uint8_t)(0x10 + q), 32, 0,
			 DATA(1) + 64 * q);
		qwr(f, q, QDEV_Q_TAIL, 1);
		assert_int_equal(qrd(f, q, QDEV_Q_HEAD), 1);
		assert_int_equal(data(f, 1)[64 * q + 31], 0x10 + q);
	}
	assert_int_equal(t_eventfd_read(f->efd[0]), 1);
	assert_int_equal(t_eventfd_read(f->efd[1]), 2);
	assert_int_equal(t_eventfd_read(f->efd[2]), 0);
	assert_int_equal(t_eventfd_read(f->efd[3]), 0);
}

/* ---- error paths ---- */

static void test_bad_ring(void **state)
{
	struct q_fix *f = *state;

	enable_msix(f);
	setup_queue(f, 0, IOVA + 0x40, 8, 0);	       /* not page aligned */
	setup_queue(f, 1, IOVA, 6, 1);		       /* not a power of two */
	setup_queue(f, 2, IOVA, QDEV_RING_MAX * 2, 2); /* too big */
	setup_queue(f, 3, 0, 0, 3);		       /* off */
	enable(f);
	assert_int_equal(qrd(f, 0, QDEV_Q_STATUS), QDEV_QERR_RING);
	assert_int_equal(qrd(f, 1, QDEV_Q_STATUS), QDEV_QERR_RING);
	assert_int_equal(qrd(f, 2, QDEV_Q_STATUS), QDEV_QERR_RING);
	assert_int_equal(qrd(f, 3, QDEV_Q_STATUS), QDEV_QERR_NONE);
	/* a stopped or absent queue ignores its doorbell */
	put_desc(f, 0, QDEV_OP_NOP, 0, 0, 0, 0);
	for (unsigned int q = 0; q < NQ; q++) {
		qwr(f, q, QDEV_Q_TAIL, 1);
		assert_int_equal(qrd(f, q, QDEV_Q_TAIL), 0);
		assert_int_equal(qrd(f, q, QDEV_Q_HEAD), 0);
	}
	assert_int_equal(status_of(f, 0), QDEV_DS_PENDING);
	/* disabling clears the errors */
	wr32(f, QDEV_REG_CC, 0);
	assert_int_equal(qrd(f, 0, QDEV_Q_STATUS), QDEV_QERR_NONE);
}

static void test_ring_unmapped(void **state)
{
	struct q_fix *f = *state;
	uint64_t faults = vfio_sim_iommu_faults(f->sim);

	enable_msix(f);
	setup_queue(f, 0, UNMAPPED, 8, 0);
	enable(f);
	qwr(f, 0, QDEV_Q_TAIL, 2);
	assert_int_equal(qrd(f, 0, QDEV_Q_STATUS), QDEV_QERR_FETCH);
	assert_int_equal(qrd(f, 0, QDEV_Q_HEAD), 0);
	assert_int_equal(vfio_sim_iommu_faults(f->sim), faults + 1);
	assert_int_equal(t_eventfd_read(f->efd[0]), 1); /* the driver hears of it */
	qwr(f, 0, QDEV_Q_TAIL, 3);			/* stopped: ignored */
	assert_int_equal(qrd(f, 0, QDEV_Q_TAIL), 2);
	assert_int_equal(vfio_sim_iommu_faults(f->sim), faults + 1);
}

static void test_data_iommu_fault(void **state)
{
	struct q_fix *f = *state;
	uint64_t faults = vfio_sim_iommu_faults(f->sim);

	/* page 7 read-only for the device */
	assert_ok(vfio_dma_unmap(f->c, IOVA, MEM_PAGES * 4096ull, NULL));
	assert_ok(vfio_dma_map(f->c, IOVA, 7 * 4096ull, f->mem,
			       VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE));
	assert_ok(vfio_dma_map(f->c, DATA(7), 4096, data(f, 7), VFIO_DMA_PROT_READ));
	enable_msix(f);
	setup_queue(f, 0, IOVA, 8, 0);
	enable(f);
	put_desc(f, 0, QDEV_OP_COPY, 0, 64, UNMAPPED, DATA(1));	       /* source unmapped */
	put_desc(f, 1, QDEV_OP_FILL, 1, 64, 0, DATA(7));	       /* destination read-only */
	put_desc(f, 2, QDEV_OP_COPY, 0, 8192, DATA(1), DATA(6));       /* runs into page 7 */
	put_desc(f, 3, QDEV_OP_COPY, 0, 64, UINT64_MAX - 31, DATA(1)); /* wraps */
	put_desc(f, 4, QDEV_OP_FILL, 2, 64, 0, DATA(2));	       /* still works */
	qwr(f, 0, QDEV_Q_TAIL, 5);
	assert_int_equal(qrd(f, 0, QDEV_Q_HEAD), 5);
	assert_int_equal(qrd(f, 0, QDEV_Q_STATUS), QDEV_QERR_NONE);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(status_of(f, i), QDEV_DS_FAULT);
	assert_int_equal(status_of(f, 4), QDEV_DS_OK);
	assert_int_equal(data(f, 2)[63], 2);
	assert_int_equal(data(f, 7)[0], 0);
	assert_int_equal(vfio_sim_iommu_faults(f->sim), faults + 3); /* the wrap faults early */
	assert_int_equal(t_eventfd_read(f->efd[0]), 1);
}

static void test_writeback_fault(void **state)
{
	struct q_fix *f = *state;

	/* the ring (page 0) readable only: the device cannot write statuses */
	assert_ok(vfio_dma_unmap(f->c, IOVA, MEM_PAGES * 4096ull, NULL));
	assert_ok(vfio_dma_map(f->c, IOVA, 4096, f->mem, VFIO_DMA_PROT_READ));
	assert_ok(vfio_dma_map(f->c, DATA(1), 7 * 4096ull, data(f, 1),
			       VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE));
	enable_msix(f);
	setup_queue(f, 0, IOVA, 8, 0);
	enable(f);
	put_desc(f, 0, QDEV_OP_FILL, 9, 4, 0, DATA(1));
	qwr(f, 0, QDEV_Q_TAIL, 1);
	assert_int_equal(qrd(f, 0, QDEV_Q_STATUS), QDEV_QERR_WRITEBACK);
	assert_int_equal(qrd(f, 0, QDEV_Q_HEAD), 0);
	assert_int_equal(data(f, 1)[3], 9); /* the work was done, its report lost */
	assert_int_equal(status_of(f, 0), QDEV_DS_PENDING);
	assert_int_equal(t_eventfd_read(f->efd[0]), 1);
}

static void test_bad_tail_and_descriptors(void **state)
{
	struct q_fix *f = *state;

	enable_msix(f);
	setup_queue(f, 0, IOVA, 8, 0);
	setup_queue(f, 1, IOVA + 4096, 8, 1);
	enable(f);
	put_desc(f, 0, 7, 0, 64, DATA(2), DATA(3)); /* unknown opcode */
	put_desc(f, 1, QDEV_OP_COPY, 0, 0, DATA(2), DATA(3));
	put_desc(f, 2, QDEV_OP_FILL, 0, QDEV_XFER_MAX + 1, 0, DATA(3));
	qwr(f, 0, QDEV_Q_TAIL, 3);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(status_of(f, i), QDEV_DS_INVALID);
	assert_int_equal(qrd(f, 0, QDEV_Q_STATUS), QDEV_QERR_NONE);

	qwr(f, 1, QDEV_Q_TAIL, 8); /* past the ring */
	assert_int_equal(qrd(f, 1, QDEV_Q_STATUS), QDEV_QERR_TAIL);
	assert_int_equal(t_eventfd_read(f->efd[1]), 1);
}

/* ---- interrupts ---- */

static void test_masked_vector_pends(void **state)
{
	struct q_fix *f = *state;
	struct vfio_region_mapping *m;
	volatile uint32_t *bar2;

	assert_ok(vfio_region_mmap(f->dev, BAR2, PROT_READ | PROT_WRITE, &m));
	bar2 = vfio_region_mapping_base(m);
	enable_msix(f);
	setup_queue(f, 1, IOVA, 8, 1);
	enable(f);
	/* vector 1's control word: entry 1, dword 3 */
	bar2[(QDEV_MSIX_TABLE + PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL) / 4] |=
		PCI_MSIX_ENTRY_CTRL_MASKBIT;
	put_desc(f, 0, QDEV_OP_NOP, 0, 0, 0, 0);
	qwr(f, 1, QDEV_Q_TAIL, 1);
	assert_int_equal(qrd(f, 1, QDEV_Q_HEAD), 1); /* the work is done, the message waits */
	assert_int_equal(t_eventfd_read(f->efd[1]), 0);
	assert_int_equal(bar2[QDEV_MSIX_PBA / 4], 1u << 1);
	bar2[(QDEV_MSIX_TABLE + PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL) / 4] &=
		~PCI_MSIX_ENTRY_CTRL_MASKBIT;
	assert_int_equal(t_eventfd_read(f->efd[1]), 0); /* a store to the table is not trapped */
	(void)rd32(f, QDEV_REG_CSTS);
	assert_int_equal(t_eventfd_read(f->efd[1]), 1);
	assert_int_equal(bar2[QDEV_MSIX_PBA / 4], 0);
	assert_ok(vfio_region_munmap(m));
}

static void test_msix_off_and_unrouted_pend(void **state)
{
	struct q_fix *f = *state;
	int32_t fds[NQ] = { f->efd[0], -1, -1, -1 };

	setup_queue(f, 0, IOVA, 8, 0);
	setup_queue(f, 1, IOVA + 4096, 8, 1);
	enable(f);
	put_desc(f, 0, QDEV_OP_NOP, 0, 0, 0, 0);
	qwr(f, 0, QDEV_Q_TAIL, 1); /* MSI-X not enabled yet */
	assert_int_equal(pba(f), 1);
	assert_ok(vfio_irq_enable_msix(f->dev, fds, NQ)); /* vector 1 routed nowhere */
	assert_int_equal(cfg16(f, QDEV_MSIX_CAP + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE,
			 PCI_MSIX_FLAGS_ENABLE);
	f->mem[4096 + QDEV_D_OPCODE] = QDEV_OP_NOP;
	qwr(f, 1, QDEV_Q_TAIL, 1); /* delivers vector 0, leaves vector 1 pending */
	assert_int_equal(t_eventfd_read(f->efd[0]), 1);
	assert_int_equal(pba(f), 2);
	assert_ok(vfio_irq_set_eventfds(f->dev, VFIO_PCI_MSIX_IRQ_INDEX, 1, &f->efd[1], 1));
	(void)rd32(f, QDEV_REG_CSTS);
	assert_int_equal(t_eventfd_read(f->efd[1]), 1);
}

static void test_bus_master_gates_dma(void **state)
{
	struct q_fix *f = *state;

	enable_msix(f);
	setup_queue(f, 0, IOVA, 8, 0);
	enable(f);
	bus_master(f, false);
	put_desc(f, 0, QDEV_OP_FILL, 3, 8, 0, DATA(1));
	qwr(f, 0, QDEV_Q_TAIL, 1);
	assert_int_equal(qrd(f, 0, QDEV_Q_HEAD), 0);
	assert_int_equal(data(f, 1)[0], 0);
	assert_int_equal(t_eventfd_read(f->efd[0]), 0);
	bus_master(f, true);
	assert_int_equal(qrd(f, 0, QDEV_Q_HEAD), 1); /* resumed on this access */
	assert_int_equal(data(f, 1)[7], 3);
	assert_int_equal(t_eventfd_read(f->efd[0]), 1);
}

/* ---- reset ---- */

static void test_reset_clears_controller(void **state)
{
	struct q_fix *f = *state;

	enable_msix(f);
	setup_queue(f, 2, IOVA, 8, 2);
	enable(f);
	put_desc(f, 0, QDEV_OP_NOP, 0, 0, 0, 0);
	qwr(f, 2, QDEV_Q_TAIL, 1);
	assert_ok(vfio_device_reset(f->dev));
	assert_int_equal(vfio_sim_device_reset_count(f->model), 1);
	assert_int_equal(rd32(f, QDEV_REG_CC), 0);
	assert_int_equal(rd32(f, QDEV_REG_CSTS), 0);
	for (uint32_t reg = 0; reg < QDEV_Q_STRIDE; reg += 4)
		assert_int_equal(qrd(f, 2, reg), 0);
	assert_int_equal(rd32(f, QDEV_REG_NQUEUES), NQ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_checks_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_widths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memory_decode_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_and_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_fill_nop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queues_and_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_ring, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_unmapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_iommu_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writeback_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_tail_and_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_masked_vector_pends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msix_off_and_unrouted_pend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bus_master_gates_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_clears_controller, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
