// SPDX-License-Identifier: MIT
/* core/irq.c: SET_IRQS requests, checked, with eventfds that really fire. */

#include <unistd.h>

#include "testutil.h"

#define INTX VFIO_PCI_INTX_IRQ_INDEX
#define MSI VFIO_PCI_MSI_IRQ_INDEX
#define MSIX VFIO_PCI_MSIX_IRQ_INDEX

static void irq_info(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	const struct vfio_irq_desc *irq;

	assert_ok(vfio_irq_get(d, INTX, &irq));
	assert_int_equal(irq->count, 1);
	assert_int_equal(irq->flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
					     VFIO_IRQ_INFO_AUTOMASKED);
	assert_ok(vfio_irq_get(d, MSIX, &irq));
	assert_int_equal(irq->count, T_MSIX_COUNT);
	assert_int_equal(irq->index, MSIX);
	assert_err(vfio_irq_get(d, VFIO_PCI_NUM_IRQS, &irq), EINVAL);
	assert_err(vfio_irq_get(d, 0, NULL), EINVAL);
	assert_int_equal(vfio_irq_max_count(d), T_MSIX_COUNT);
	assert_ok(vfio_device_close(d));
}

static void intx_fires_and_automasks(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	int fd = t_eventfd();

	assert_ok(vfio_irq_enable_intx(d, fd));
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, INTX, 0), 1);
	assert_int_equal(t_eventfd_read(fd), 1);
	/* masked by the kernel until unmasked: the next raise waits */
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, INTX, 0), 0);
	assert_int_equal(t_eventfd_read(fd), 0);
	assert_ok(vfio_irq_unmask(d, INTX, 0));
	assert_int_equal(t_eventfd_read(fd), 1);
	assert_ok(vfio_irq_disable(d, INTX));
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, INTX, 0), 0);
	assert_int_equal(t_eventfd_read(fd), 0);
	assert_ok(vfio_device_close(d));
	close(fd);
}

static void intx_mask_unmask(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_sim_irq_state st;
	int fd = t_eventfd();

	assert_ok(vfio_irq_enable_intx(d, fd));
	assert_ok(vfio_irq_mask(d, INTX, 0));
	assert_ok(vfio_sim_irq_state(f->pci, INTX, 0, &st));
	assert_true(st.masked);
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, INTX, 0), 0);
	assert_ok(vfio_irq_unmask(d, INTX, 0));
	assert_int_equal(t_eventfd_read(fd), 1);
	assert_ok(vfio_irq_disable(d, INTX));
	assert_ok(vfio_device_close(d));
	close(fd);
}

static void intx_resample_unmasks(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_sim_irq_state st;
	int fd = t_eventfd(), rs = t_eventfd();
	uint64_t one = 1;

	assert_ok(vfio_irq_enable_intx(d, fd));
	assert_ok(vfio_irq_set_resample(d, rs));
	assert_ok(vfio_sim_irq_state(f->pci, INTX, 0, &st));
	assert_true(st.has_resample);
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, INTX, 0), 1);
	assert_int_equal(t_eventfd_read(fd), 1);
	/* the guest's EOI: a write to the resample eventfd unmasks */
	assert_int_equal(write(rs, &one, sizeof(one)), sizeof(one));
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, INTX, 0), 1);
	assert_int_equal(t_eventfd_read(fd), 1);
	assert_ok(vfio_irq_set_resample(d, -1));
	assert_ok(vfio_sim_irq_state(f->pci, INTX, 0, &st));
	assert_false(st.has_resample);
	assert_ok(vfio_irq_disable(d, INTX));
	assert_ok(vfio_device_close(d));
	close(fd);
	close(rs);
}

static void msi_enable_and_fire(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	int32_t fd = t_eventfd();

	assert_ok(vfio_irq_enable_msi(d, &fd, 1));
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, MSI, 0), 1);
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, MSI, 0), 1);
	assert_int_equal(t_eventfd_read(fd), 2);
	assert_err(vfio_irq_enable_msi(d, (int32_t[]){ fd, fd }, 2), EINVAL);
	assert_msg_has("past its 1");
	assert_ok(vfio_irq_disable(d, MSI));
	assert_ok(vfio_device_close(d));
	close(fd);
}

static void msix_vectors(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	int32_t fds[T_MSIX_COUNT];
	struct vfio_sim_irq_state st;

	for (unsigned int i = 0; i < T_MSIX_COUNT; i++)
		fds[i] = t_eventfd();
	assert_ok(vfio_irq_enable_msix(d, fds, 2));
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, MSIX, 1), 1);
	assert_int_equal(t_eventfd_read(fds[1]), 1);
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, MSIX, 5), 0);
	/* vectors added to the enabled set */
	assert_ok(vfio_irq_set_eventfds(d, MSIX, 2, &fds[2], 6));
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, MSIX, 5), 1);
	assert_int_equal(t_eventfd_read(fds[5]), 1);
	/* a vector unrouted with -1 */
	assert_ok(vfio_irq_set_eventfds(d, MSIX, 5, (int32_t[]){ -1 }, 1));
	assert_ok(vfio_sim_irq_state(f->pci, MSIX, 5, &st));
	assert_false(st.has_eventfd);
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, MSIX, 5), 0);
	/* from userspace */
	assert_ok(vfio_irq_trigger(d, MSIX, 7));
	assert_int_equal(t_eventfd_read(fds[7]), 1);
	assert_ok(vfio_irq_disable(d, MSIX));
	assert_ok(vfio_sim_irq_state(f->pci, MSIX, 1, &st));
	assert_false(st.enabled);
	assert_ok(vfio_device_close(d));
	for (unsigned int i = 0; i < T_MSIX_COUNT; i++)
		close(fds[i]);
}

static void checks_before_the_kernel(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	int32_t fds[2] = { -1, -1 };

	assert_err(vfio_irq_enable(d, VFIO_PCI_NUM_IRQS, fds, 1), EINVAL);
	assert_msg_has("has 5 irq indexes");
	assert_err(vfio_irq_enable(d, MSIX, fds, 0), EINVAL);
	assert_msg_has("no vectors");
	assert_err(vfio_irq_enable(d, MSIX, fds, T_MSIX_COUNT + 1), EINVAL);
	assert_err(vfio_irq_set_eventfds(d, MSIX, UINT32_MAX, fds, 2), EINVAL);
	assert_err(vfio_irq_set_eventfds(d, MSIX, T_MSIX_COUNT - 1, fds, 2), EINVAL);
	assert_err(vfio_irq_enable(d, MSIX, NULL, 1), EINVAL);
	assert_msg_has("no eventfds");
	/* MSI-X is not maskable through SET_IRQS */
	assert_err(vfio_irq_mask(d, MSIX, 0), EINVAL);
	assert_msg_has("VFIO_DEVICE_SET_IRQS MASK 0000:00:04.0 irq 2");
	assert_err(vfio_irq_unmask(d, MSIX, 0), EINVAL);
	assert_err(vfio_irq_trigger(d, MSIX, T_MSIX_COUNT), EINVAL);
	assert_err(vfio_irq_disable(d, 99), EINVAL);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_DEVICE_SET_IRQS), 0);
	assert_ok(vfio_device_close(d));
}

static void kernel_errors_reach_the_caller(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	int32_t fd = t_eventfd();

	assert_ok(vfio_fault_inject(f->be, VFIO_OP_DEVICE_SET_IRQS, 0, EBUSY));
	assert_err(vfio_irq_enable_msix(d, &fd, 1), EBUSY);
	assert_string_equal(vfio_last_error(), "VFIO_DEVICE_SET_IRQS TRIGGER 0000:00:04.0 irq 2 "
					       "vectors [0, +1): Device or resource busy");
	assert_err(vfio_irq_unmask(d, INTX, 0), EBUSY);
	assert_msg_has("UNMASK");
	assert_err(vfio_irq_set_resample(d, fd), EBUSY);
	vfio_fault_clear(f->be);
	/* the sim's own answer: a bad eventfd */
	assert_err(vfio_irq_enable_msix(d, (int32_t[]){ 12345 }, 1), EBADF);
	assert_ok(vfio_device_close(d));
	close(fd);
}

static void platform_irq(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d;
	int32_t fd = t_eventfd();

	assert_ok(vfio_device_open(f->c, T_GROUP_PLAT, T_PLAT, &d));
	assert_int_equal(vfio_irq_max_count(d), 1);
	assert_ok(vfio_irq_enable(d, 0, &fd, 1));
	assert_int_equal(vfio_sim_device_raise_irq(f->plat, 0, 0), 1);
	assert_int_equal(t_eventfd_read(fd), 1);
	assert_ok(vfio_irq_unmask(d, 0, 0));
	assert_ok(vfio_irq_disable(d, 0));
	assert_ok(vfio_device_close(d));
	close(fd);
}

static void err_and_req_indexes(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	int32_t err = t_eventfd(), req = t_eventfd();

	assert_ok(vfio_irq_enable(d, VFIO_PCI_ERR_IRQ_INDEX, &err, 1));
	assert_ok(vfio_irq_enable(d, VFIO_PCI_REQ_IRQ_INDEX, &req, 1));
	assert_int_equal(vfio_sim_device_raise_irq(f->pci, VFIO_PCI_REQ_IRQ_INDEX, 0), 1);
	assert_int_equal(t_eventfd_read(req), 1);
	assert_int_equal(t_eventfd_read(err), 0);
	assert_ok(vfio_irq_disable(d, VFIO_PCI_ERR_IRQ_INDEX));
	assert_ok(vfio_irq_disable(d, VFIO_PCI_REQ_IRQ_INDEX));
	assert_ok(vfio_device_close(d));
	close(err);
	close(req);
}

/* More vectors than the request's stack buffer holds: the request is allocated. */
static void many_vectors(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_sim_group *g;
	struct vfio_sim_device *sd;
	struct vfio_device *d;
	int32_t fds[40];
	int fd = t_eventfd();

	assert_ok(vfio_sim_group_add(f->sim, 71, &g));
	assert_ok(vfio_sim_device_add(g, "0000:08:00.0", VFIO_DEVICE_FLAGS_PCI, VFIO_PCI_NUM_REGIONS,
				      VFIO_PCI_NUM_IRQS, &sd));
	assert_ok(vfio_sim_region_add(sd, VFIO_PCI_CONFIG_REGION_INDEX, 256,
				      VFIO_REGION_INFO_FLAG_READ, NULL, NULL));
	assert_ok(vfio_sim_irq_add(sd, MSIX, 64, VFIO_IRQ_INFO_EVENTFD));
	assert_ok(vfio_device_open(f->c, 71, "0000:08:00.0", &d));
	for (unsigned int i = 0; i < 40; i++)
		fds[i] = i == 39 ? fd : -1;
	assert_ok(vfio_irq_enable_msix(d, fds, 40));
	assert_int_equal(vfio_sim_device_raise_irq(sd, MSIX, 39), 1);
	assert_int_equal(t_eventfd_read(fd), 1);
	assert_ok(vfio_irq_disable(d, MSIX));
	assert_ok(vfio_device_close(d));
	close(fd);
}

/* vfio-pci refuses the ERR index of a conventional PCI device: the index is there, count 0. */
static void refused_index_has_count_zero(void **state)
{
	struct t_fixture *f = *state;
	const struct vfio_irq_desc *irq;
	struct vfio_sim_group *g;
	struct vfio_sim_device *sd;
	struct vfio_device *d;
	int32_t fd = -1;

	assert_ok(vfio_sim_group_add(f->sim, 70, &g));
	assert_ok(vfio_sim_device_add(g, "0000:07:00.0", VFIO_DEVICE_FLAGS_PCI, VFIO_PCI_NUM_REGIONS,
				      VFIO_PCI_NUM_IRQS, &sd));
	assert_ok(vfio_sim_region_add(sd, VFIO_PCI_CONFIG_REGION_INDEX, 256,
				      VFIO_REGION_INFO_FLAG_READ, NULL, NULL));
	assert_ok(vfio_device_open(f->c, 70, "0000:07:00.0", &d));
	assert_ok(vfio_irq_get(d, VFIO_PCI_ERR_IRQ_INDEX, &irq));
	assert_int_equal(irq->count, 0);
	assert_int_equal(irq->index, VFIO_PCI_ERR_IRQ_INDEX);
	assert_int_equal(vfio_irq_max_count(d), 0);
	assert_err(vfio_irq_enable(d, VFIO_PCI_ERR_IRQ_INDEX, &fd, 1), EINVAL);
	assert_ok(vfio_device_close(d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(irq_info, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(intx_fires_and_automasks, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(intx_mask_unmask, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(intx_resample_unmasks, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(msi_enable_and_fire, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(msix_vectors, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(checks_before_the_kernel, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(kernel_errors_reach_the_caller, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(platform_irq, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(err_and_req_indexes, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(refused_index_has_count_zero, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(many_vectors, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
