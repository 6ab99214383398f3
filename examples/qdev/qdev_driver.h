/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_EXAMPLES_QDEV_QDEV_DRIVER_H
#define LIBVFIO_EXAMPLES_QDEV_QDEV_DRIVER_H

/*
 * A small userspace driver for the queue device (1234:7e57, the sim's
 * vfio_sim_qdev_add()), written against libvfio's public API only: given the
 * kernel backend it would drive such a device behind vfio-pci unchanged.
 *
 * It opens its own container, opens the device from its sysfs path, resets
 * it, turns bus mastering on, maps one descriptor ring per queue for DMA,
 * routes the MSI-X vectors to eventfds and enables the controller.  The
 * caller allocates DMA buffers with qdev_buf_alloc(), submits copy, fill and
 * nop requests with qdev_submit() and waits for them with qdev_wait() (or
 * both at once with qdev_run()).
 *
 * Errors follow libvfio's convention: 0 or a negative errno, and a message for
 * the calling thread, qdev_last_error(), that names the device and what the
 * driver was doing, followed by libvfio's own message when a libvfio call
 * failed.  A function that fails has released what it acquired.
 *
 * Thread safety: none; one thread drives a struct qdev at a time.
 */

#include <stddef.h>
#include <stdint.h>

struct vfio_backend;
struct vfio_container;
struct vfio_device;
struct qdev;

#define QDEV_DEFAULT_IOVA 0x100000ull /* where the driver's IOVAs start by default */

/**
 * struct qdev_params - how to set the device up
 * @nr_queues: queues to use, 1..the device's count
 * @nr_vectors: MSI-X vectors to use, 1..@nr_queues; queue i interrupts on
 *	vector i % @nr_vectors
 * @ring_entries: descriptors per ring, a power of two in 2..4096 (one slot
 *	stays free: a ring holds @ring_entries - 1 requests)
 * @iova_base: the first IOVA the driver hands out, page aligned; 0 for
 *	QDEV_DEFAULT_IOVA.  IOVAs are handed out upwards and not reused.
 */
struct qdev_params {
	unsigned int nr_queues;
	unsigned int nr_vectors;
	unsigned int ring_entries;
	uint64_t iova_base;
};

enum qdev_req_op {
	QDEV_REQ_NOP,
	QDEV_REQ_COPY, /* @len bytes from @src to @dst */
	QDEV_REQ_FILL, /* @len bytes of @fill at @dst */
};

/**
 * struct qdev_req - one request
 * @op: what to do
 * @src: COPY: the source IOVA
 * @dst: COPY, FILL: the destination IOVA
 * @len: bytes, 1..1 MiB (NOP: ignored)
 * @fill: FILL: the byte
 * @status: set by the driver: -EINPROGRESS once submitted, then 0 when done,
 *	-EFAULT when the device met an IOMMU fault (an IOVA not mapped, or not
 *	writable), -EINVAL when the device refused the request, -ECANCELED when
 *	the queue stopped before the request ran
 *
 * A submitted request must stay in place until its status is final.
 */
struct qdev_req {
	enum qdev_req_op op;
	uint64_t src;
	uint64_t dst;
	uint32_t len;
	uint8_t fill;
	int status;
};

/**
 * struct qdev_buf - memory the device can reach
 * @vaddr: where the process sees it
 * @iova: where the device sees it
 * @size: bytes, a page multiple
 */
struct qdev_buf {
	void *vaddr;
	uint64_t iova;
	size_t size;
};

/**
 * qdev_open() - open and start a queue device
 * @be: the backend (kernel, sim, or a wrapper of either); must outlive the device
 * @sysfs_path: e.g. "/sys/bus/pci/devices/0000:00:06.0"
 * @params: the set-up
 * @out: the device
 *
 * Return: 0; -EINVAL for bad @params or a device with fewer queues or vectors
 * than asked; -ENODEV for a device that is not a queue device; -EIO when the
 * device refused a ring or did not become ready; -ENOMEM; or the errno of the
 * libvfio call that failed.
 */
int qdev_open(struct vfio_backend *be, const char *sysfs_path, const struct qdev_params *params,
	      struct qdev **out);

/**
 * qdev_close() - stop the device and release everything
 * @q: the device, or NULL
 *
 * In order: disable the controller (no more DMA), clear bus mastering, tear
 * down MSI-X, close the eventfds, unmap and free the buffers and rings, close
 * the device, then the container.  Requests still in flight are abandoned.
 *
 * Return: 0, or the first error met (everything is released all the same).
 */
int qdev_close(struct qdev *q);

/**
 * qdev_buf_alloc() - allocate memory and map it for the device (read and write)
 * @q: the device
 * @size: bytes, rounded up to a page multiple
 * @out: the buffer, owned by @q
 *
 * Return: 0; -EINVAL for size 0; -ENOSPC when the driver's IOVA space is used
 * up; -ENOMEM; or the errno of vfio_dma_map().
 */
int qdev_buf_alloc(struct qdev *q, size_t size, struct qdev_buf **out);

/**
 * qdev_buf_free() - unmap a buffer and free it
 * @q: the device
 * @b: the buffer, or NULL
 *
 * Return: 0, or the errno of vfio_dma_unmap(); then the buffer stays mapped
 * and owned by @q, and qdev_close() tries again.
 */
int qdev_buf_free(struct qdev *q, struct qdev_buf *b);

/**
 * qdev_submit() - place requests on a queue and ring its doorbell
 * @q: the device
 * @queue: the queue
 * @reqs: the requests; each ->status becomes -EINPROGRESS
 * @n: how many
 *
 * Return: 0; -EINVAL for a bad queue or request; -EAGAIN when the ring has no
 * room for @n more; -EIO when the queue has stopped; or the errno of the
 * doorbell write (the requests are then not submitted: -ECANCELED).
 */
int qdev_submit(struct qdev *q, unsigned int queue, struct qdev_req *reqs, size_t n);

/**
 * qdev_wait() - wait until every request submitted on a queue is done
 * @q: the device
 * @queue: the queue
 * @timeout_ms: how long to wait for interrupts, at most
 *
 * Sleeps on the queue's eventfd and reads the device's head after each
 * interrupt; each completed request gets its final ->status.
 *
 * Return: 0 when all are done (their statuses say how each went); -ETIMEDOUT;
 * -EIO when the device stopped the queue (its requests not done get
 * -ECANCELED; the queue takes no more until the device is reopened); -EINVAL
 * for a bad queue; or the errno of the failing register read or poll.
 */
int qdev_wait(struct qdev *q, unsigned int queue, int timeout_ms);

/**
 * qdev_run() - submit requests, wait for them and check their statuses
 * @q: the device
 * @queue: the queue
 * @reqs: the requests
 * @n: how many
 * @timeout_ms: as for qdev_wait()
 *
 * Return: 0 when every request succeeded; the first failed request's status
 * (-EFAULT, -EINVAL, ...), with a message naming it; or what qdev_submit()
 * and qdev_wait() return.
 */
int qdev_run(struct qdev *q, unsigned int queue, struct qdev_req *reqs, size_t n, int timeout_ms);

/**
 * qdev_container() - the container the driver opened, to map memory of one's own
 * @q: the device
 *
 * Return: the container, owned by @q.
 */
struct vfio_container *qdev_container(const struct qdev *q);

/**
 * qdev_vfio_device() - the libvfio device, for calls the driver does not wrap
 * @q: the device
 *
 * Return: the device, owned by @q.
 */
struct vfio_device *qdev_vfio_device(const struct qdev *q);

/**
 * qdev_eventfd() - the eventfd of an MSI-X vector, for an event loop of one's own
 * @q: the device
 * @vector: below params->nr_vectors
 *
 * Return: the eventfd, owned by @q; -EINVAL for a bad vector.
 */
int qdev_eventfd(const struct qdev *q, unsigned int vector);

/**
 * qdev_last_error() - the message of this thread's last failed qdev call
 *
 * Return: a string owned by the driver; "" when none failed.
 */
const char *qdev_last_error(void);

#endif /* LIBVFIO_EXAMPLES_QDEV_QDEV_DRIVER_H */
