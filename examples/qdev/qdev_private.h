/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_EXAMPLES_QDEV_QDEV_PRIVATE_H
#define LIBVFIO_EXAMPLES_QDEV_QDEV_PRIVATE_H

/*
 * What the driver's two files share: the device's state, the messages, the
 * register accessors.  qdev_driver.c sets the device up and tears it down,
 * qdev_queue.c moves requests through the rings.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vfio/vfio.h>

#include "qdev_driver.h"
#include "qdev_hw.h"

#define PAGE 4096ull
#define IOVA_LIMIT 0xfee00000ull /* below x86's MSI window, inside every host's first range */
#define READY_TIMEOUT_MS 1000
#define BAR0 VFIO_PCI_BAR0_REGION_INDEX
#define CONFIG VFIO_PCI_CONFIG_REGION_INDEX

struct qdev_ring {
	struct qdev_hw_desc *desc; /* the ring, in memory the device reads and writes */
	size_t bytes;
	uint64_t iova;
	bool mapped;
	uint32_t head, tail; /* reaped up to head, submitted up to tail */
	struct qdev_req **slot;
	unsigned int vector;
	bool stopped;
};

struct qdev_buf_node {
	struct qdev_buf buf; /* first: the caller's handle */
	bool mapped;
	struct qdev_buf_node *next;
};

struct qdev {
	struct vfio_container *c;
	struct vfio_device *dev;
	char name[64];
	unsigned int nq, nvec, entries;
	uint64_t next_iova;
	int32_t efd[QDEV_MAX_QUEUES];
	bool master, msix, enabled; /* what teardown must undo */
	struct qdev_ring ring[QDEV_MAX_QUEUES];
	struct qdev_buf_node *bufs;
};

/* Messages: "qdev NAME: what the driver was doing: why". */
__attribute__((format(printf, 3, 4))) int qdev_fail_vfio(const struct qdev *q, int err,
							 const char *fmt, ...);
__attribute__((format(printf, 3, 4))) int qdev_fail(const char *name, int err, const char *fmt,
						    ...);

int qdev_reg_read(struct qdev *q, uint32_t off, uint32_t *v);
int qdev_reg_write(struct qdev *q, uint32_t off, uint32_t v);
long long qdev_now_ms(void);
const char *qdev_qerr_reason(uint32_t st);

#endif /* LIBVFIO_EXAMPLES_QDEV_QDEV_PRIVATE_H */
