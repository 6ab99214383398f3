// SPDX-License-Identifier: MIT
/*
 * A userspace driver for the queue device, on libvfio's public API alone
 * (see qdev_driver.h).  Nothing here knows whether the backend is the kernel
 * or the sim.
 *
 * Release order matters and is the same on every path out: stop the device's
 * DMA (controller off, bus mastering off), tear down its interrupts, close
 * the eventfds, unmap the IOVAs, close the device and the container, and only
 * then free the memory the device could reach.
 */

#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <vfio/vfio.h>

#include "qdev_private.h"

/* ---- messages ---- */

static _Thread_local char errbuf[512];

const char *qdev_last_error(void)
{
	return errbuf;
}

/* "qdev NAME: what the driver was doing: why" */
static int vfail(const char *name, int err, const char *why, const char *fmt, va_list ap)
{
	char what[256];

	vsnprintf(what, sizeof(what), fmt, ap);
	snprintf(errbuf, sizeof(errbuf), "qdev %s: %s: %s", name, what, why);
	return err;
}

/* A libvfio call failed: its own message says why. */
int qdev_fail_vfio(const struct qdev *q, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(q->name, err, vfio_last_error(), fmt, ap);
	va_end(ap);
	return err;
}

/* The driver's own failure. */
int qdev_fail(const char *name, int err, const char *fmt, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, fmt);
	vfail(name, err, strerror_r(-err, buf, sizeof(buf)), fmt, ap);
	va_end(ap);
	return err;
}

/* ---- registers ---- */

int qdev_reg_read(struct qdev *q, uint32_t off, uint32_t *v)
{
	uint32_t le = 0;
	int ret = vfio_region_read(q->dev, BAR0, off, &le, sizeof(le), NULL);

	*v = le32toh(le);
	return ret ? qdev_fail_vfio(q, ret, "read register 0x%03x", off) : 0;
}

int qdev_reg_write(struct qdev *q, uint32_t off, uint32_t v)
{
	uint32_t le = htole32(v);
	int ret = vfio_region_write(q->dev, BAR0, off, &le, sizeof(le), NULL);

	return ret ? qdev_fail_vfio(q, ret, "write 0x%x to register 0x%03x", v, off) : 0;
}

static int set_bus_master(struct qdev *q, bool on)
{
	uint16_t cmd = 0;
	int ret = vfio_region_read(q->dev, CONFIG, PCI_COMMAND, &cmd, sizeof(cmd), NULL);

	if (ret)
		return qdev_fail_vfio(q, ret, "read the command register");
	cmd = le16toh(cmd);
	cmd = on ? cmd | PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY : cmd & ~PCI_COMMAND_MASTER;
	cmd = htole16(cmd);
	ret = vfio_region_write(q->dev, CONFIG, PCI_COMMAND, &cmd, sizeof(cmd), NULL);
	if (ret)
		return qdev_fail_vfio(q, ret, "turn bus mastering %s", on ? "on" : "off");
	q->master = on;
	return 0;
}

long long qdev_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ll + ts.tv_nsec / 1000000;
}

/* Poll CSTS until RDY is @ready, as a driver must: a real device takes its time. */
static int wait_ready(struct qdev *q, bool ready)
{
	long long deadline = qdev_now_ms() + READY_TIMEOUT_MS;
	uint32_t csts;
	int ret;

	for (;;) {
		ret = qdev_reg_read(q, QDEV_REG_CSTS, &csts);
		if (ret)
			return ret;
		if (!!(csts & QDEV_CSTS_RDY) == ready)
			return 0;
		if (qdev_now_ms() > deadline)
			return qdev_fail(q->name, -EIO, "the controller did not become %s in %d ms",
					 ready ? "ready" : "idle", READY_TIMEOUT_MS);
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
	}
}

/* ---- memory the device reaches ---- */

static void *pages_alloc(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Map @bytes at @vaddr to the next free IOVA; IOVAs are not reused. */
static int dma_map_next(struct qdev *q, void *vaddr, size_t bytes, uint64_t *iova, const char *what)
{
	int ret;

	if (bytes > IOVA_LIMIT || q->next_iova > IOVA_LIMIT - bytes)
		return qdev_fail(q->name, -ENOSPC, "map %s of %zu bytes: IOVA space used up", what,
				 bytes);
	ret = vfio_dma_map(q->c, q->next_iova, bytes, vaddr,
			   VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE);
	if (ret)
		return qdev_fail_vfio(q, ret, "map %s of %zu bytes at IOVA 0x%llx", what, bytes,
				      (unsigned long long)q->next_iova);
	*iova = q->next_iova;
	q->next_iova += bytes;
	return 0;
}

int qdev_buf_alloc(struct qdev *q, size_t size, struct qdev_buf **out)
{
	size_t bytes = (size + PAGE - 1) & ~(size_t)(PAGE - 1);
	struct qdev_buf_node *b;
	int ret;

	if (!size || bytes < size)
		return qdev_fail(q->name, -EINVAL, "allocate a buffer of %zu bytes", size);
	b = calloc(1, sizeof(*b));
	if (b)
		b->buf.vaddr = pages_alloc(bytes);
	if (!b || !b->buf.vaddr) {
		free(b);
		return qdev_fail(q->name, -ENOMEM, "allocate a buffer of %zu bytes", bytes);
	}
	b->buf.size = bytes;
	ret = dma_map_next(q, b->buf.vaddr, bytes, &b->buf.iova, "a buffer");
	if (ret) {
		munmap(b->buf.vaddr, bytes);
		free(b);
		return ret;
	}
	b->mapped = true;
	b->next = q->bufs;
	q->bufs = b;
	*out = &b->buf;
	return 0;
}

static int buf_unmap(struct qdev *q, struct qdev_buf_node *b)
{
	int ret;

	if (!b->mapped)
		return 0;
	ret = vfio_dma_unmap(q->c, b->buf.iova, b->buf.size, NULL);
	if (ret)
		return qdev_fail_vfio(q, ret, "unmap the buffer at IOVA 0x%llx",
				      (unsigned long long)b->buf.iova);
	b->mapped = false;
	return 0;
}

int qdev_buf_free(struct qdev *q, struct qdev_buf *buf)
{
	struct qdev_buf_node **p, *b;
	int ret;

	if (!buf)
		return 0;
	for (p = &q->bufs; *p && &(*p)->buf != buf; p = &(*p)->next)
		;
	if (!*p)
		return qdev_fail(q->name, -EINVAL, "free a buffer the device does not own");
	b = *p;
	ret = buf_unmap(q, b);
	if (ret)
		return ret; /* the device may still reach it: keep it */
	*p = b->next;
	munmap(b->buf.vaddr, b->buf.size);
	free(b);
	return 0;
}

/* ---- set-up ---- */

static int check_device(struct qdev *q)
{
	const struct vfio_irq_desc *msix;
	uint32_t id = 0, nq;
	int ret;

	ret = vfio_region_read(q->dev, CONFIG, PCI_VENDOR_ID, &id, sizeof(id), NULL);
	if (ret)
		return qdev_fail_vfio(q, ret, "read the device's ids");
	id = le32toh(id);
	if ((id & 0xffff) != QDEV_VENDOR_ID || id >> 16 != QDEV_DEVICE_ID)
		return qdev_fail(q->name, -ENODEV, "not a queue device (%04x:%04x)", id & 0xffff,
				 id >> 16);
	ret = qdev_reg_read(q, QDEV_REG_NQUEUES, &nq);
	if (ret)
		return ret;
	if (nq < q->nq)
		return qdev_fail(q->name, -EINVAL, "%u queues asked, the device has %u", q->nq, nq);
	ret = vfio_irq_get(q->dev, VFIO_PCI_MSIX_IRQ_INDEX, &msix);
	if (ret)
		return qdev_fail_vfio(q, ret, "read the MSI-X index");
	if (msix->count < q->nvec)
		return qdev_fail(q->name, -EINVAL, "%u vectors asked, the device has %u", q->nvec,
				 msix->count);
	return 0;
}

static int ring_alloc(struct qdev *q, unsigned int i)
{
	struct qdev_ring *r = &q->ring[i];
	char what[32];
	int ret;

	r->bytes = (q->entries * sizeof(struct qdev_hw_desc) + PAGE - 1) & ~(size_t)(PAGE - 1);
	r->vector = i % q->nvec;
	r->slot = calloc(q->entries, sizeof(*r->slot));
	if (r->slot)
		r->desc = pages_alloc(r->bytes);
	if (!r->slot || !r->desc)
		return qdev_fail(q->name, -ENOMEM, "allocate ring %u", i);
	snprintf(what, sizeof(what), "ring %u", i);
	ret = dma_map_next(q, r->desc, r->bytes, &r->iova, what);
	if (ret)
		return ret;
	r->mapped = true;
	return 0;
}

static int irq_setup(struct qdev *q)
{
	int ret;

	for (unsigned int v = 0; v < q->nvec; v++) {
		q->efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (q->efd[v] < 0)
			return qdev_fail(q->name, -errno, "create the eventfd of vector %u", v);
	}
	ret = vfio_irq_enable_msix(q->dev, q->efd, q->nvec);
	if (ret)
		return qdev_fail_vfio(q, ret, "route %u MSI-X vectors to eventfds", q->nvec);
	q->msix = true;
	return 0;
}

const char *qdev_qerr_reason(uint32_t st)
{
	switch (st) {
	case QDEV_QERR_RING:
		return "the device refused the ring's base or size";
	case QDEV_QERR_TAIL:
		return "the device refused a doorbell value";
	case QDEV_QERR_FETCH:
		return "the device could not read a descriptor (IOMMU fault)";
	case QDEV_QERR_WRITEBACK:
		return "the device could not write a completion (IOMMU fault)";
	default:
		return "unknown error";
	}
}

static int controller_enable(struct qdev *q)
{
	uint32_t st;
	int ret = 0;

	for (unsigned int i = 0; i < q->nq && !ret; i++) {
		const struct qdev_ring *r = &q->ring[i];
		uint32_t base = QDEV_REG_Q(i);

		ret = qdev_reg_write(q, base + QDEV_Q_BASE_LO, (uint32_t)r->iova);
		if (!ret)
			ret = qdev_reg_write(q, base + QDEV_Q_BASE_HI, (uint32_t)(r->iova >> 32));
		if (!ret)
			ret = qdev_reg_write(q, base + QDEV_Q_SIZE, q->entries);
		if (!ret)
			ret = qdev_reg_write(q, base + QDEV_Q_VECTOR, r->vector);
	}
	if (!ret)
		ret = qdev_reg_write(q, QDEV_REG_CC, QDEV_CC_EN);
	if (ret)
		return ret;
	q->enabled = true;
	ret = wait_ready(q, true);
	for (unsigned int i = 0; i < q->nq && !ret; i++) {
		ret = qdev_reg_read(q, QDEV_REG_Q(i) + QDEV_Q_STATUS, &st);
		if (!ret && st)
			ret = qdev_fail(q->name, -EIO, "start queue %u: %s (status %u)", i,
					qdev_qerr_reason(st), st);
	}
	return ret;
}

/* ---- tear-down ---- */

static void keep_first(int *first, int ret)
{
	if (!*first)
		*first = ret;
}

/*
 * Undo what set-up did, whatever part of it.  The message of the first
 * failure is kept only when @report: after a failed open the open's own
 * message is the one that matters.
 */
static int teardown(struct qdev *q, bool report)
{
	char saved[sizeof(errbuf)];
	int first = 0;

	if (!report)
		memcpy(saved, errbuf, sizeof(saved));
	if (q->enabled) { /* the device stops using the rings and buffers */
		keep_first(&first, qdev_reg_write(q, QDEV_REG_CC, 0));
		if (!first)
			keep_first(&first, wait_ready(q, false));
	}
	if (q->master)
		keep_first(&first, set_bus_master(q, false));
	if (q->msix) {
		int ret = vfio_irq_disable(q->dev, VFIO_PCI_MSIX_IRQ_INDEX);

		keep_first(&first, ret ? qdev_fail_vfio(q, ret, "tear down MSI-X") : 0);
	}
	for (unsigned int v = 0; v < q->nvec; v++)
		if (q->efd[v] >= 0)
			close(q->efd[v]);
	for (struct qdev_buf_node *b = q->bufs; b; b = b->next)
		keep_first(&first, buf_unmap(q, b));
	for (unsigned int i = 0; i < q->nq; i++) {
		struct qdev_ring *r = &q->ring[i];
		int ret = r->mapped ? vfio_dma_unmap(q->c, r->iova, r->bytes, NULL) : 0;

		keep_first(&first, ret ? qdev_fail_vfio(q, ret, "unmap ring %u", i) : 0);
	}
	if (q->dev) {
		int ret = vfio_device_close(q->dev);

		keep_first(&first, ret ? qdev_fail_vfio(q, ret, "close the device") : 0);
	}
	if (q->c) {
		int ret = vfio_container_close(q->c);

		keep_first(&first, ret ? qdev_fail_vfio(q, ret, "close the container") : 0);
	}
	/* with the container closed no IOMMU mapping is left: the memory can go */
	while (q->bufs) {
		struct qdev_buf_node *b = q->bufs;

		q->bufs = b->next;
		munmap(b->buf.vaddr, b->buf.size);
		free(b);
	}
	for (unsigned int i = 0; i < q->nq; i++) {
		if (q->ring[i].desc)
			munmap(q->ring[i].desc, q->ring[i].bytes);
		free(q->ring[i].slot);
	}
	free(q);
	if (!report)
		memcpy(errbuf, saved, sizeof(errbuf));
	return first;
}

int qdev_close(struct qdev *q)
{
	return q ? teardown(q, true) : 0;
}

/* ---- open ---- */

static bool params_ok(const struct qdev_params *p)
{
	return p && p->nr_queues >= 1 && p->nr_queues <= QDEV_MAX_QUEUES && p->nr_vectors >= 1 &&
	       p->nr_vectors <= p->nr_queues && p->ring_entries >= 2 &&
	       p->ring_entries <= QDEV_RING_MAX && !(p->ring_entries & (p->ring_entries - 1)) &&
	       !(p->iova_base % PAGE) && p->iova_base < IOVA_LIMIT;
}

static int start(struct qdev *q, struct vfio_backend *be, const char *sysfs_path)
{
	int ret;

	ret = vfio_container_open(be, &q->c);
	if (ret)
		return qdev_fail_vfio(q, ret, "open a container");
	ret = vfio_device_open_sysfs(q->c, sysfs_path, &q->dev);
	if (ret)
		return qdev_fail_vfio(q, ret, "open %s", sysfs_path);
	ret = check_device(q);
	if (!ret && (vfio_device_flags(q->dev) & VFIO_DEVICE_FLAGS_RESET)) {
		ret = vfio_device_reset(q->dev);
		if (ret)
			return qdev_fail_vfio(q, ret, "reset");
	}
	if (!ret)
		ret = set_bus_master(q, true);
	for (unsigned int i = 0; i < q->nq && !ret; i++)
		ret = ring_alloc(q, i);
	if (!ret)
		ret = irq_setup(q);
	if (!ret)
		ret = controller_enable(q);
	return ret;
}

int qdev_open(struct vfio_backend *be, const char *sysfs_path, const struct qdev_params *params,
	      struct qdev **out)
{
	const char *name = strrchr(sysfs_path, '/') ? strrchr(sysfs_path, '/') + 1 : sysfs_path;
	struct qdev *q;
	int ret;

	if (!params_ok(params))
		return qdev_fail(name, -EINVAL, "open with bad parameters");
	q = calloc(1, sizeof(*q));
	if (!q)
		return qdev_fail(name, -ENOMEM, "open");
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->nq = params->nr_queues;
	q->nvec = params->nr_vectors;
	q->entries = params->ring_entries;
	q->next_iova = params->iova_base ? params->iova_base : QDEV_DEFAULT_IOVA;
	for (unsigned int v = 0; v < QDEV_MAX_QUEUES; v++)
		q->efd[v] = -1;
	ret = start(q, be, sysfs_path);
	if (ret) {
		teardown(q, false);
		return ret;
	}
	*out = q;
	return 0;
}

/* ---- accessors ---- */

struct vfio_container *qdev_container(const struct qdev *q)
{
	return q->c;
}

struct vfio_device *qdev_vfio_device(const struct qdev *q)
{
	return q->dev;
}

int qdev_eventfd(const struct qdev *q, unsigned int vector)
{
	return vector < q->nvec ? q->efd[vector] : -EINVAL;
}
