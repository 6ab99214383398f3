/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_BACKENDS_SIM_MODELS_QDEV_REGS_H
#define LIBVFIO_BACKENDS_SIM_MODELS_QDEV_REGS_H

/*
 * The queue device's programming interface, as the sim's model implements it.
 * docs/testing-with-the-sim.md gives the same map for driver writers; the
 * example driver (examples/qdev) keeps its own copy, as a driver would, and
 * its test proves the two agree.
 *
 * All registers are 32 bits, little-endian, in BAR0.
 */

/* PCI identity: 0x1234 is the id QEMU's test devices use; 0x7e57 names no real device. */
#define QDEV_VENDOR_ID 0x1234u
#define QDEV_DEVICE_ID 0x7e57u
#define QDEV_CLASS 0x080100u /* base system peripheral, DMA controller */

#define QDEV_BAR0_SIZE 0x1000u
#define QDEV_BAR2_SIZE 0x1000u
#define QDEV_MSIX_TABLE 0x000u /* in BAR2 */
#define QDEV_MSIX_PBA 0x800u   /* in BAR2 */
#define QDEV_CONFIG_SIZE 4096u
#define QDEV_EXP_CAP 0x40u
#define QDEV_MSIX_CAP 0x60u

#define QDEV_MAX_QUEUES 16u
#define QDEV_RING_MAX 4096u	 /* entries */
#define QDEV_RING_ALIGN 4096u	 /* a ring base must be page aligned */
#define QDEV_XFER_MAX (1u << 20) /* bytes one descriptor may move */

/* controller registers */
#define QDEV_REG_ID 0x000	/* RO: device << 16 | vendor */
#define QDEV_REG_VERSION 0x004	/* RO: 0x00010000, version 1.0 */
#define QDEV_REG_NQUEUES 0x008	/* RO: queues */
#define QDEV_REG_RING_MAX 0x00c /* RO: QDEV_RING_MAX */
#define QDEV_REG_CC 0x010	/* RW: controller configuration */
#define QDEV_REG_CSTS 0x014	/* RO: controller status */
#define QDEV_VERSION 0x00010000u
#define QDEV_CC_EN 0x1u
#define QDEV_CSTS_RDY 0x1u

/* queue registers: QDEV_REG_Q(q) + one of these */
#define QDEV_REG_Q(q) (0x100u + 0x20u * (q))
#define QDEV_Q_BASE_LO 0x00 /* RW while CC.EN = 0: ring IOVA, low half */
#define QDEV_Q_BASE_HI 0x04 /* RW while CC.EN = 0: ring IOVA, high half */
#define QDEV_Q_SIZE 0x08    /* RW while CC.EN = 0: entries; 0 leaves the queue off */
#define QDEV_Q_VECTOR 0x0c  /* RW: MSI-X vector; >= the vector count: none */
#define QDEV_Q_TAIL 0x10    /* RW: doorbell, the driver's producer index */
#define QDEV_Q_HEAD 0x14    /* RO: the device's consumer index */
#define QDEV_Q_STATUS 0x18  /* RO: QDEV_QERR_*, 0 while the queue is healthy */
#define QDEV_Q_STRIDE 0x20

/* Q_STATUS: why a queue stopped; cleared by CC.EN 1 -> 0 or a reset */
#define QDEV_QERR_NONE 0
#define QDEV_QERR_RING 1      /* at enable: base not page aligned, size not 2..4096, 2^n */
#define QDEV_QERR_TAIL 2      /* a doorbell value >= the ring size */
#define QDEV_QERR_FETCH 3     /* IOMMU fault reading a descriptor */
#define QDEV_QERR_WRITEBACK 4 /* IOMMU fault writing a completion status */

/* a descriptor: 32 bytes in the ring, little-endian */
#define QDEV_DESC_SIZE 32u
#define QDEV_D_OPCODE 0	 /* u8 */
#define QDEV_D_FILL 1	 /* u8: the byte FILL stores */
#define QDEV_D_STATUS 2	 /* u16: written by the device */
#define QDEV_D_LEN 4	 /* u32: bytes, 1..QDEV_XFER_MAX (ignored by NOP) */
#define QDEV_D_SRC 8	 /* u64: COPY's source IOVA */
#define QDEV_D_DST 16	 /* u64: COPY's and FILL's destination IOVA */
#define QDEV_D_COOKIE 24 /* u64: the driver's; the device ignores it */

#define QDEV_OP_NOP 0
#define QDEV_OP_COPY 1
#define QDEV_OP_FILL 2

#define QDEV_DS_PENDING 0 /* as the driver leaves it */
#define QDEV_DS_OK 1
#define QDEV_DS_FAULT 2	  /* IOMMU fault on the source or destination */
#define QDEV_DS_INVALID 3 /* unknown opcode, or a length of 0 or above QDEV_XFER_MAX */

#endif /* LIBVFIO_BACKENDS_SIM_MODELS_QDEV_REGS_H */
