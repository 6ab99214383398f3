/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_EXAMPLES_QDEV_QDEV_HW_H
#define LIBVFIO_EXAMPLES_QDEV_QDEV_HW_H

/*
 * The queue device's programming interface, as the driver reads it from the
 * device's datasheet (the register map in docs/testing-with-the-sim.md).  The
 * sim's model has its own copy (backends/sim/models/qdev_regs.h), as a device
 * and its driver would; the driver's test is what proves the two agree.
 */

#include <stdint.h>

#define QDEV_VENDOR_ID 0x1234u
#define QDEV_DEVICE_ID 0x7e57u
#define QDEV_MAX_QUEUES 16u
#define QDEV_RING_MAX 4096u
#define QDEV_XFER_MAX (1u << 20)

/* BAR0: 32-bit registers */
#define QDEV_REG_NQUEUES 0x008
#define QDEV_REG_CC 0x010
#define QDEV_REG_CSTS 0x014
#define QDEV_CC_EN 0x1u
#define QDEV_CSTS_RDY 0x1u

#define QDEV_REG_Q(q) (0x100u + 0x20u * (q))
#define QDEV_Q_BASE_LO 0x00
#define QDEV_Q_BASE_HI 0x04
#define QDEV_Q_SIZE 0x08
#define QDEV_Q_VECTOR 0x0c
#define QDEV_Q_TAIL 0x10
#define QDEV_Q_HEAD 0x14
#define QDEV_Q_STATUS 0x18

#define QDEV_QERR_RING 1
#define QDEV_QERR_TAIL 2
#define QDEV_QERR_FETCH 3
#define QDEV_QERR_WRITEBACK 4

/* A descriptor in the ring: little-endian, 32 bytes. */
struct qdev_hw_desc {
	uint8_t opcode;
	uint8_t fill;
	uint16_t status; /* written by the device */
	uint32_t len;
	uint64_t src;
	uint64_t dst;
	uint64_t cookie; /* the driver's */
};
_Static_assert(sizeof(struct qdev_hw_desc) == 32, "descriptor layout");

#define QDEV_OP_NOP 0
#define QDEV_OP_COPY 1
#define QDEV_OP_FILL 2

#define QDEV_DS_PENDING 0
#define QDEV_DS_OK 1
#define QDEV_DS_FAULT 2
#define QDEV_DS_INVALID 3

#endif /* LIBVFIO_EXAMPLES_QDEV_QDEV_HW_H */
