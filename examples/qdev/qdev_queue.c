// SPDX-License-Identifier: MIT
/*
 * The queue device's driver, its requests: descriptors into a ring, the
 * doorbell, then the device's head and each descriptor's status after an
 * interrupt (see qdev_driver.h).
 */

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "qdev_private.h"

/* ---- requests ---- */

static const char *op_name(enum qdev_req_op op)
{
	return op == QDEV_REQ_COPY ? "copy" : op == QDEV_REQ_FILL ? "fill" : "nop";
}

static int check_req(struct qdev *q, const struct qdev_req *req, size_t i)
{
	if (req->op != QDEV_REQ_NOP && req->op != QDEV_REQ_COPY && req->op != QDEV_REQ_FILL)
		return qdev_fail(q->name, -EINVAL, "request %zu: unknown operation %d", i,
				 (int)req->op);
	if (req->op != QDEV_REQ_NOP && (!req->len || req->len > QDEV_XFER_MAX))
		return qdev_fail(q->name, -EINVAL, "request %zu: %s of %u bytes (1..%u)", i,
				 op_name(req->op), req->len, QDEV_XFER_MAX);
	return 0;
}

static void put_desc(struct qdev_hw_desc *d, const struct qdev_req *req, uint64_t cookie)
{
	static const uint8_t opcode[] = { [QDEV_REQ_NOP] = QDEV_OP_NOP,
					  [QDEV_REQ_COPY] = QDEV_OP_COPY,
					  [QDEV_REQ_FILL] = QDEV_OP_FILL };

	d->opcode = opcode[req->op];
	d->fill = req->fill;
	d->status = htole16(QDEV_DS_PENDING);
	d->len = htole32(req->len);
	d->src = htole64(req->src);
	d->dst = htole64(req->dst);
	d->cookie = htole64(cookie);
}

int qdev_submit(struct qdev *q, unsigned int queue, struct qdev_req *reqs, size_t n)
{
	struct qdev_ring *r;
	uint32_t mask = q->entries - 1, tail, room;
	int ret;

	if (queue >= q->nq)
		return qdev_fail(q->name, -EINVAL, "submit to queue %u of %u", queue, q->nq);
	r = &q->ring[queue];
	if (r->stopped)
		return qdev_fail(q->name, -EIO, "submit to queue %u: the queue has stopped", queue);
	room = mask - ((r->tail - r->head) & mask);
	if (n > room)
		return qdev_fail(q->name, -EAGAIN, "submit %zu requests to queue %u: room for %u",
				 n, queue, room);
	for (size_t i = 0; i < n; i++) {
		ret = check_req(q, &reqs[i], i);
		if (ret)
			return ret;
	}
	tail = r->tail;
	for (size_t i = 0; i < n; i++) {
		put_desc(&r->desc[tail], &reqs[i], tail);
		reqs[i].status = -EINPROGRESS;
		r->slot[tail] = &reqs[i];
		tail = (tail + 1) & mask;
	}
	__atomic_thread_fence(__ATOMIC_RELEASE); /* the descriptors, then the doorbell */
	ret = qdev_reg_write(q, QDEV_REG_Q(queue) + QDEV_Q_TAIL, tail);
	if (ret) {
		for (uint32_t t = r->tail; t != tail; t = (t + 1) & mask) {
			r->slot[t]->status = -ECANCELED;
			r->slot[t] = NULL;
		}
		return ret;
	}
	r->tail = tail;
	return 0;
}

static int desc_status(uint16_t st)
{
	switch (st) {
	case QDEV_DS_OK:
		return 0;
	case QDEV_DS_FAULT:
		return -EFAULT;
	case QDEV_DS_INVALID:
		return -EINVAL;
	default:
		return -EIO; /* the device moved on without a status */
	}
}

/* Give the requests the device is done with their status. */
static int reap(struct qdev *q, unsigned int queue)
{
	struct qdev_ring *r = &q->ring[queue];
	uint32_t mask = q->entries - 1, head;
	int ret;

	ret = qdev_reg_read(q, QDEV_REG_Q(queue) + QDEV_Q_HEAD, &head);
	if (ret)
		return ret;
	if (head > mask || ((head - r->head) & mask) > ((r->tail - r->head) & mask))
		return qdev_fail(q->name, -EIO, "queue %u: the device's head %u is not in [%u, %u]",
				 queue, head, r->head, r->tail);
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the head, then the statuses it covers */
	for (; r->head != head; r->head = (r->head + 1) & mask) {
		uint16_t st = __atomic_load_n(&r->desc[r->head].status, __ATOMIC_RELAXED);

		r->slot[r->head]->status = desc_status(le16toh(st));
		r->slot[r->head] = NULL;
	}
	return 0;
}

static int queue_stopped(struct qdev *q, unsigned int queue, uint32_t st)
{
	struct qdev_ring *r = &q->ring[queue];
	uint32_t mask = q->entries - 1;

	for (; r->head != r->tail; r->head = (r->head + 1) & mask) {
		r->slot[r->head]->status = -ECANCELED;
		r->slot[r->head] = NULL;
	}
	r->stopped = true;
	return qdev_fail(q->name, -EIO, "queue %u stopped: %s (status %u)", queue,
			 qdev_qerr_reason(st), st);
}

int qdev_wait(struct qdev *q, unsigned int queue, int timeout_ms)
{
	long long deadline = qdev_now_ms() + timeout_ms;
	struct qdev_ring *r;
	uint32_t st;
	int ret;

	if (queue >= q->nq)
		return qdev_fail(q->name, -EINVAL, "wait on queue %u of %u", queue, q->nq);
	r = &q->ring[queue];
	for (;;) {
		struct pollfd pfd = { .fd = q->efd[r->vector], .events = POLLIN };
		long long left;
		uint64_t count;

		ret = reap(q, queue);
		if (ret || r->head == r->tail)
			return ret;
		ret = qdev_reg_read(q, QDEV_REG_Q(queue) + QDEV_Q_STATUS, &st);
		if (ret)
			return ret;
		if (st)
			return queue_stopped(q, queue, st);
		left = deadline - qdev_now_ms();
		if (left <= 0)
			return qdev_fail(q->name, -ETIMEDOUT,
					 "queue %u: %u requests not done after %d ms", queue,
					 (r->tail - r->head) & (q->entries - 1), timeout_ms);
		ret = poll(&pfd, 1, (int)left);
		if (ret < 0 && errno != EINTR)
			return qdev_fail(q->name, -errno, "wait for MSI-X vector %u", r->vector);
		if (ret > 0 && read(pfd.fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
			return qdev_fail(q->name, -errno, "read the eventfd of vector %u",
					 r->vector);
	}
}

/* The first failed request, named as the caller would know it. */
static int req_failed(struct qdev *q, unsigned int queue, const struct qdev_req *req, size_t i)
{
	const char *why =
		req->status == -EFAULT ? "the device met an IOMMU fault" : "the device refused it";

	return qdev_fail(q->name, req->status,
			 "queue %u, request %zu (%s of %u bytes, src 0x%llx, dst 0x%llx): %s",
			 queue, i, op_name(req->op), req->len, (unsigned long long)req->src,
			 (unsigned long long)req->dst, why);
}

int qdev_run(struct qdev *q, unsigned int queue, struct qdev_req *reqs, size_t n, int timeout_ms)
{
	int ret = qdev_submit(q, queue, reqs, n);

	if (!ret)
		ret = qdev_wait(q, queue, timeout_ms);
	for (size_t i = 0; i < n && !ret; i++)
		if (reqs[i].status)
			return req_failed(q, queue, &reqs[i], i);
	return ret;
}
