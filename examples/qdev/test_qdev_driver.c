// SPDX-License-Identifier: MIT
/*
 * The queue device's driver on the sim: the device is the sim's model
 * (vfio_sim_qdev_add()), the backend the driver gets is the fault-injection
 * wrapper over the sim, so that any libvfio call the driver makes can be made
 * to fail.  Every test ends with no handle open on the sim and, for the
 * failures, no file descriptor more than before.
 */

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <linux/pci_regs.h>
#include <vfio/fault.h>
#include <vfio/sim.h>
#include <vfio/sim_models.h>
#include <vfio/vfio.h>

#include "qdev_driver.h"

#define BDF "0000:00:06.0"
#define SYSFS "/sys/bus/pci/devices/" BDF
#define GROUP 9u
#define NQ 4u
#define TIMEOUT_MS 1000

struct env {
	struct vfio_sim *sim;
	struct vfio_backend *be; /* the fault wrapper the driver runs on */
	struct vfio_sim_device *model;
	int fds; /* open file descriptors before the test */
};

/* Assert a driver call returned 0; on failure show its message. */
#define assert_qdev_ok(expr)                                                                       \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ != 0)                                                                      \
			fail_msg("%s = %d (%s)", #expr, rc_, qdev_last_error());                   \
	} while (0)

/* Assert a driver call failed with -err and left a message naming the device. */
#define assert_qdev_err(expr, err)                                                                 \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ != -(err))                                                                 \
			fail_msg("%s = %d, expected %d (%s)", #expr, rc_, -(err),                  \
				 qdev_last_error());                                               \
		assert_non_null(strstr(qdev_last_error(), "qdev " BDF ": "));                      \
	} while (0)

#define assert_msg_has(needle)                                                                     \
	do {                                                                                       \
		if (!strstr(qdev_last_error(), (needle)))                                          \
			fail_msg("message \"%s\" lacks \"%s\"", qdev_last_error(), (needle));      \
	} while (0)

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	struct vfio_sim_group *g;

	assert_non_null(e);
	assert_int_equal(vfio_sim_new(&e->sim), 0);
	assert_int_equal(vfio_sim_group_add(e->sim, GROUP, &g), 0);
	assert_int_equal(vfio_sim_qdev_add(g, BDF, NQ, &e->model), 0);
	assert_int_equal(vfio_fault_backend_new(vfio_sim_backend(e->sim), &e->be), 0);
	e->fds = count_fds();
	*state = e;
	return 0;
}

/* Nothing leaked: no handle open on the sim, no descriptor left behind. */
static void assert_released(struct env *e)
{
	assert_int_equal(vfio_sim_open_handles(e->sim), 0);
	assert_int_equal(vfio_sim_device_open_count(e->model), 0);
	assert_int_equal(count_fds(), e->fds);
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_released(e);
	vfio_backend_destroy(e->be);
	vfio_backend_destroy(vfio_sim_backend(e->sim));
	free(e);
	return 0;
}

static struct qdev *open_ok(struct env *e, unsigned int nq, unsigned int nvec)
{
	const struct qdev_params p = { .nr_queues = nq, .nr_vectors = nvec, .ring_entries = 64 };
	struct qdev *q = NULL;

	assert_qdev_ok(qdev_open(e->be, SYSFS, &p, &q));
	return q;
}

static uint64_t fired(struct env *e, uint32_t vector)
{
	struct vfio_sim_irq_state st;

	assert_int_equal(vfio_sim_irq_state(e->model, VFIO_PCI_MSIX_IRQ_INDEX, vector, &st), 0);
	return st.fired;
}

static size_t live_mappings(struct qdev *q)
{
	size_t n = 0;

	assert_int_equal(vfio_dma_list(qdev_container(q), NULL, 0, &n), 0);
	return n;
}

/* ---- the happy paths ---- */

static void test_copy_fill_nop(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, 1, 1);
	struct qdev_buf *src, *dst;
	uint8_t *s, *d;

	assert_qdev_ok(qdev_buf_alloc(q, 64 * 1024, &src));
	assert_qdev_ok(qdev_buf_alloc(q, 64 * 1024, &dst));
	s = src->vaddr;
	d = dst->vaddr;
	for (size_t i = 0; i < src->size; i++)
		s[i] = (uint8_t)(i * 31 + 7);

	struct qdev_req reqs[] = {
		{ .op = QDEV_REQ_COPY, .src = src->iova, .dst = dst->iova, .len = 64 * 1024 },
		{ .op = QDEV_REQ_FILL, .dst = dst->iova + 100, .len = 50, .fill = 0x5a },
		{ .op = QDEV_REQ_NOP },
	};

	assert_qdev_ok(qdev_run(q, 0, reqs, 3, TIMEOUT_MS));
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(reqs[i].status, 0);
	assert_memory_equal(d, s, 100);
	for (size_t i = 100; i < 150; i++)
		assert_int_equal(d[i], 0x5a);
	assert_memory_equal(d + 150, s + 150, dst->size - 150);
	assert_int_equal(fired(e, 0), 1);      /* the driver slept on the interrupt */
	assert_int_equal(live_mappings(q), 3); /* the ring and two buffers */

	assert_qdev_ok(qdev_buf_free(q, src));
	assert_int_equal(live_mappings(q), 2);
	assert_qdev_ok(qdev_close(q)); /* frees dst too */
}

/* Four queues on two vectors: queue i interrupts on vector i % 2. */
static void test_queues_and_vectors(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, NQ, 2);
	struct qdev_req reqs[NQ][2];
	struct qdev_buf *buf;
	uint8_t *b;

	assert_qdev_ok(qdev_buf_alloc(q, NQ * 4096, &buf));
	b = buf->vaddr;
	/* all queues busy before any wait */
	for (unsigned int i = 0; i < NQ; i++) {
		reqs[i][0] = (struct qdev_req){ .op = QDEV_REQ_FILL,
						.dst = buf->iova + 4096 * i,
						.len = 4096,
						.fill = (uint8_t)(0x10 + i) };
		reqs[i][1] = (struct qdev_req){ .op = QDEV_REQ_COPY,
						.src = buf->iova + 4096 * i,
						.dst = buf->iova + 4096 * i + 2048,
						.len = 16 };
		assert_qdev_ok(qdev_submit(q, i, &reqs[i][0], 1));
		assert_qdev_ok(qdev_submit(q, i, &reqs[i][1], 1));
	}
	for (unsigned int i = NQ; i-- > 0;) {
		assert_qdev_ok(qdev_wait(q, i, TIMEOUT_MS));
		assert_int_equal(reqs[i][0].status, 0);
		assert_int_equal(reqs[i][1].status, 0);
		assert_int_equal(b[4096 * i], 0x10 + i);
		assert_int_equal(b[4096 * i + 4095], 0x10 + i);
	}
	assert_int_equal(fired(e, 0), 4); /* queues 0 and 2, two doorbells each */
	assert_int_equal(fired(e, 1), 4); /* queues 1 and 3 */
	assert_int_equal(fired(e, 2), 0);
	assert_true(qdev_eventfd(q, 1) >= 0);
	assert_int_equal(qdev_eventfd(q, 2), -EINVAL);
	assert_qdev_ok(qdev_close(q));
}

static void test_ring_full_and_bad_requests(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, 1, 1);
	struct qdev_req reqs[64];
	struct qdev_req bad = { .op = QDEV_REQ_FILL, .dst = 0x100000, .len = 0 };

	for (int i = 0; i < 64; i++)
		reqs[i] = (struct qdev_req){ .op = QDEV_REQ_NOP };
	assert_qdev_err(qdev_submit(q, 0, reqs, 64), EAGAIN); /* 63 fit in 64 entries */
	assert_qdev_ok(qdev_run(q, 0, reqs, 63, TIMEOUT_MS));
	assert_qdev_err(qdev_submit(q, 0, &bad, 1), EINVAL);
	assert_msg_has("fill of 0 bytes");
	assert_qdev_err(qdev_submit(q, 1, reqs, 1), EINVAL);
	assert_qdev_err(qdev_wait(q, 1, 0), EINVAL);
	assert_qdev_ok(qdev_wait(q, 0, 0)); /* nothing was submitted */
	assert_qdev_ok(qdev_close(q));
}

/* ---- what the device reports ---- */

/* The driver forgot to map the source: the device reports an IOMMU fault. */
static void test_device_reports_iommu_fault(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, 1, 1);
	uint64_t faults = vfio_sim_iommu_faults(e->sim);
	struct qdev_buf *buf, *gone;
	uint64_t stale;

	assert_qdev_ok(qdev_buf_alloc(q, 8192, &buf));
	assert_qdev_ok(qdev_buf_alloc(q, 4096, &gone));
	stale = gone->iova;
	assert_qdev_ok(qdev_buf_free(q, gone));

	struct qdev_req reqs[] = {
		{ .op = QDEV_REQ_FILL, .dst = buf->iova, .len = 4096, .fill = 1 },
		{ .op = QDEV_REQ_COPY, .src = stale, .dst = buf->iova, .len = 4096 },
		{ .op = QDEV_REQ_FILL, .dst = buf->iova + 4096, .len = 4096, .fill = 2 },
	};

	assert_qdev_err(qdev_run(q, 0, reqs, 3, TIMEOUT_MS), EFAULT);
	assert_msg_has("request 1 (copy of 4096 bytes");
	assert_msg_has("IOMMU fault");
	assert_int_equal(reqs[0].status, 0);
	assert_int_equal(reqs[1].status, -EFAULT);
	assert_int_equal(reqs[2].status, 0); /* the queue went on */
	assert_int_equal(((uint8_t *)buf->vaddr)[4096], 2);
	assert_int_equal(vfio_sim_iommu_faults(e->sim), faults + 1);

	/* and stays usable */
	reqs[1].src = buf->iova + 4096;
	assert_qdev_ok(qdev_run(q, 0, reqs, 3, TIMEOUT_MS));
	assert_qdev_ok(qdev_close(q));
}

/* The ring unmapped behind the driver's back: the queue stops, the driver says why. */
static void test_device_stops_queue(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, 1, 1);
	struct qdev_req reqs[2] = { { .op = QDEV_REQ_NOP }, { .op = QDEV_REQ_NOP } };

	/* ring 0 is the driver's first IOVA */
	assert_int_equal(vfio_dma_unmap(qdev_container(q), QDEV_DEFAULT_IOVA, 4096, NULL), 0);
	assert_qdev_err(qdev_run(q, 0, reqs, 2, TIMEOUT_MS), EIO);
	assert_msg_has("queue 0 stopped: the device could not read a descriptor (IOMMU fault)");
	assert_int_equal(reqs[0].status, -ECANCELED);
	assert_int_equal(reqs[1].status, -ECANCELED);
	assert_qdev_err(qdev_submit(q, 0, reqs, 1), EIO);
	/* the driver's unmap of its ring fails now; everything is released all the same */
	assert_true(qdev_close(q) < 0);
}

/* Bus mastering turned off under the driver: nothing completes, then it does. */
static void test_wait_times_out(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, 1, 1);
	struct vfio_device *dev = qdev_vfio_device(q);
	struct qdev_req req = { .op = QDEV_REQ_NOP };
	uint16_t cmd;

	assert_int_equal(
		vfio_region_read(dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, &cmd, 2, NULL), 0);
	cmd &= ~PCI_COMMAND_MASTER;
	assert_int_equal(
		vfio_region_write(dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, &cmd, 2, NULL),
		0);
	assert_qdev_ok(qdev_submit(q, 0, &req, 1));
	assert_qdev_err(qdev_wait(q, 0, 20), ETIMEDOUT);
	assert_msg_has("1 requests not done after 20 ms");
	assert_int_equal(req.status, -EINPROGRESS);
	cmd |= PCI_COMMAND_MASTER;
	assert_int_equal(
		vfio_region_write(dev, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, &cmd, 2, NULL),
		0);
	assert_qdev_ok(qdev_wait(q, 0, TIMEOUT_MS));
	assert_int_equal(req.status, 0);
	assert_qdev_ok(qdev_close(q));
}

/* ---- libvfio calls that fail ---- */

static void test_map_dma_fails_at_open(void **state)
{
	struct env *e = *state;
	const struct qdev_params p = { .nr_queues = 2, .nr_vectors = 2, .ring_entries = 64 };
	struct qdev *q = NULL;

	/* ring 0 maps, ring 1 does not */
	assert_int_equal(vfio_fault_inject(e->be, VFIO_OP_IOMMU_MAP_DMA, 2, ENOMEM), 0);
	assert_qdev_err(qdev_open(e->be, SYSFS, &p, &q), ENOMEM);
	assert_null(q);
	assert_msg_has("map ring 1 of 4096 bytes at IOVA 0x101000: ");
	assert_msg_has("VFIO_IOMMU_MAP_DMA");
	assert_released(e);
	assert_int_equal(vfio_fault_calls(e->be, VFIO_OP_IOMMU_UNMAP_DMA), 1); /* ring 0 */
}

static void test_map_dma_fails_for_a_buffer(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, 1, 1);
	struct qdev_buf *buf = NULL;

	assert_int_equal(vfio_fault_inject(e->be, VFIO_OP_IOMMU_MAP_DMA, 1, ENOSPC), 0);
	assert_qdev_err(qdev_buf_alloc(q, 4096, &buf), ENOSPC);
	assert_null(buf);
	assert_msg_has("map a buffer of 4096 bytes at IOVA 0x101000: VFIO_IOMMU_MAP_DMA");
	assert_int_equal(live_mappings(q), 1);
	assert_qdev_ok(qdev_buf_alloc(q, 4096, &buf)); /* the IOVA was not used up */
	assert_int_equal(buf->iova, 0x101000);
	assert_qdev_ok(qdev_close(q));
}

/* The sim's own DMA entry limit, as type1's dma_entry_limit answers. */
static void test_dma_entry_limit(void **state)
{
	struct env *e = *state;
	struct qdev_buf *buf;
	struct qdev *q;

	vfio_sim_set_dma_entry_limit(e->sim, 2);
	q = open_ok(e, 1, 1);
	assert_qdev_ok(qdev_buf_alloc(q, 4096, &buf));
	assert_qdev_err(qdev_buf_alloc(q, 4096, &buf), ENOSPC);
	assert_qdev_ok(qdev_close(q));
}

static void test_set_irqs_fails(void **state)
{
	struct env *e = *state;
	const struct qdev_params p = { .nr_queues = 2, .nr_vectors = 2, .ring_entries = 8 };
	struct qdev *q = NULL;

	assert_int_equal(vfio_fault_inject(e->be, VFIO_OP_DEVICE_SET_IRQS, 1, ENOSPC), 0);
	assert_qdev_err(qdev_open(e->be, SYSFS, &p, &q), ENOSPC);
	assert_msg_has("route 2 MSI-X vectors to eventfds: VFIO_DEVICE_SET_IRQS");
	assert_released(e); /* the eventfds were closed, the rings unmapped */
	assert_int_equal(vfio_fault_calls(e->be, VFIO_OP_IOMMU_UNMAP_DMA), 2);
}

static void test_device_open_fails(void **state)
{
	struct env *e = *state;
	const struct qdev_params p = { .nr_queues = 1, .nr_vectors = 1, .ring_entries = 8 };
	struct qdev *q = NULL;

	assert_int_equal(vfio_fault_inject(e->be, VFIO_OP_GROUP_GET_DEVICE_FD, 1, EBUSY), 0);
	assert_qdev_err(qdev_open(e->be, SYSFS, &p, &q), EBUSY);
	assert_msg_has("open " SYSFS ": VFIO_GROUP_GET_DEVICE_FD");
	assert_released(e);
}

static void test_doorbell_write_fails(void **state)
{
	struct env *e = *state;
	struct qdev *q = open_ok(e, 1, 1);
	struct qdev_req req = { .op = QDEV_REQ_NOP };

	assert_int_equal(vfio_fault_inject(e->be, VFIO_OP_PWRITE, 1, EIO), 0);
	assert_qdev_err(qdev_submit(q, 0, &req, 1), EIO);
	assert_msg_has("write 0x1 to register 0x110");
	assert_int_equal(req.status, -ECANCELED);
	assert_qdev_ok(qdev_run(q, 0, &req, 1, TIMEOUT_MS)); /* the ring was rolled back */
	assert_qdev_ok(qdev_close(q));
}

static void test_wrong_device_and_parameters(void **state)
{
	struct env *e = *state;
	struct vfio_sim_group *g;
	const struct qdev_params bad = { .nr_queues = 2, .nr_vectors = 3, .ring_entries = 8 };
	const struct qdev_params many = { .nr_queues = NQ + 1, .nr_vectors = 1, .ring_entries = 8 };
	const struct qdev_params ok = { .nr_queues = 1, .nr_vectors = 1, .ring_entries = 8 };
	struct qdev *q = NULL;

	assert_qdev_err(qdev_open(e->be, SYSFS, &bad, &q), EINVAL);
	assert_qdev_err(qdev_open(e->be, SYSFS, &many, &q), EINVAL);
	assert_msg_has("5 queues asked, the device has 4");
	assert_released(e);
	assert_int_equal(vfio_sim_group_add(e->sim, GROUP + 1, &g), 0);
	assert_int_equal(vfio_sim_edu_add(g, "0000:00:07.0", true, NULL), 0);
	e->fds = count_fds(); /* the new device's memory is a memfd */
	assert_int_equal(qdev_open(e->be, "/sys/bus/pci/devices/0000:00:07.0", &ok, &q), -ENODEV);
	assert_non_null(strstr(qdev_last_error(), "not a queue device (1234:11e8)"));
	assert_null(q);
}

/*
 * Every libvfio call qdev_open() makes, failed in turn: the open either fails
 * and leaves nothing behind, or gets past the failure.  The ops that release
 * (close, munmap) are left out: a release that fails leaks by nature.
 */
static void test_every_call_fails_in_turn(void **state)
{
	struct env *e = *state;
	const struct qdev_params p = { .nr_queues = 2, .nr_vectors = 2, .ring_entries = 8 };
	unsigned long calls[VFIO_OP_COUNT];
	unsigned int failed = 0;
	struct qdev *q;

	assert_qdev_ok(qdev_open(e->be, SYSFS, &p, &q));
	for (int op = 0; op < VFIO_OP_COUNT; op++)
		calls[op] = vfio_fault_calls(e->be, (enum vfio_backend_op)op);
	assert_qdev_ok(qdev_close(q));
	for (int op = 0; op < VFIO_OP_COUNT; op++) {
		if (op == VFIO_OP_CLOSE || op == VFIO_OP_MUNMAP)
			continue;
		for (unsigned long nth = 1; nth <= calls[op]; nth++) {
			int ret;

			vfio_fault_clear(e->be);
			assert_int_equal(
				vfio_fault_inject(e->be, (enum vfio_backend_op)op, nth, EIO), 0);
			q = NULL;
			ret = qdev_open(e->be, SYSFS, &p, &q);
			if (ret) {
				if (ret >= 0 || q || strncmp(qdev_last_error(), "qdev ", 5))
					fail_msg("%s #%lu: %d, q %p, \"%s\"",
						 vfio_backend_op_name((enum vfio_backend_op)op),
						 nth, ret, (void *)q, qdev_last_error());
				failed++;
			} else {
				assert_qdev_ok(qdev_close(q));
			}
			assert_released(e);
		}
	}
	assert_true(failed >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy_fill_nop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queues_and_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_full_and_bad_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_reports_iommu_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_stops_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_dma_fails_at_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_dma_fails_for_a_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_entry_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_irqs_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_open_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_doorbell_write_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_device_and_parameters, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_call_fails_in_turn, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
