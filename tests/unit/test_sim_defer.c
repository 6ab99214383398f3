// SPDX-License-Identifier: MIT
/* backends/sim/defer.c: work a model runs later, on the clock the test moves. */

#include <unistd.h>

#include "testutil.h"

struct log {
	struct t_fixture *f;
	char seen[16];
	unsigned int n;
};

static void note_a(void *opaque)
{
	struct log *l = opaque;

	l->seen[l->n++] = 'a';
}

static void note_b(void *opaque)
{
	struct log *l = opaque;

	l->seen[l->n++] = 'b';
}

/* Work that raises MSI-X vector 1 and defers more of itself. */
static void raise_and_again(void *opaque)
{
	struct log *l = opaque;

	l->seen[l->n++] = 'r';
	vfio_sim_device_raise_irq(l->f->pci, VFIO_PCI_MSIX_IRQ_INDEX, 1);
	if (l->n < 3)
		assert_int_equal(vfio_sim_device_defer(l->f->pci, 10, raise_and_again, l), 0);
}

static void runs_when_due_in_order(void **state)
{
	struct t_fixture *f = *state;
	struct log l = { .f = f };

	assert_int_equal(vfio_sim_now(f->sim), 0);
	assert_int_equal(vfio_sim_device_defer(f->pci, 20, note_b, &l), 0);
	assert_int_equal(vfio_sim_device_defer(f->pci, 10, note_a, &l), 0);
	assert_int_equal(vfio_sim_device_defer(f->pci, 20, note_a, &l), 0);
	assert_int_equal(vfio_sim_pending_work(f->sim), 3);
	assert_int_equal(vfio_sim_run(f->sim, 9), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(vfio_sim_run(f->sim, 1), 1);
	assert_string_equal(l.seen, "a");
	/* equal due times: in the order asked */
	assert_int_equal(vfio_sim_run(f->sim, 100), 2);
	assert_string_equal(l.seen, "aba");
	assert_int_equal(vfio_sim_now(f->sim), 110);
	assert_int_equal(vfio_sim_pending_work(f->sim), 0);
}

static void work_raises_interrupts_and_defers_more(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct log l = { .f = f };
	int32_t fds[2] = { t_eventfd(), t_eventfd() };

	assert_ok(vfio_irq_enable_msix(d, fds, 2));
	assert_int_equal(vfio_sim_device_defer(f->pci, 0, raise_and_again, &l), 0);
	assert_int_equal(t_eventfd_read(fds[1]), 0);
	/* one run reaches the work it defers itself, when due within the same ticks */
	assert_int_equal(vfio_sim_run(f->sim, 15), 2);
	assert_int_equal(t_eventfd_read(fds[1]), 2);
	assert_int_equal(vfio_sim_run(f->sim, 5), 1);
	assert_int_equal(t_eventfd_read(fds[1]), 1);
	assert_string_equal(l.seen, "rrr");
	assert_ok(vfio_irq_disable(d, VFIO_PCI_MSIX_IRQ_INDEX));
	assert_ok(vfio_device_close(d));
	close(fds[0]);
	close(fds[1]);
}

static void gone_devices_and_bad_args(void **state)
{
	struct t_fixture *f = *state;
	struct log l = { .f = f };

	assert_int_equal(vfio_sim_device_defer(NULL, 0, note_a, &l), -EINVAL);
	assert_int_equal(vfio_sim_device_defer(f->pci, 0, NULL, &l), -EINVAL);
	/* work of a device that goes before it runs is dropped */
	assert_int_equal(vfio_sim_device_defer(f->pci2, 5, note_a, &l), 0);
	assert_int_equal(vfio_sim_device_request(f->pci2), 0);
	assert_true(vfio_sim_device_gone(f->pci2));
	assert_int_equal(vfio_sim_run(f->sim, 10), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(vfio_sim_device_defer(f->pci2, 0, note_a, &l), -ENODEV);
	/* the clock saturates instead of wrapping */
	assert_int_equal(vfio_sim_device_defer(f->pci, UINT64_MAX, note_a, &l), 0);
	assert_int_equal(vfio_sim_run(f->sim, UINT64_MAX), 1);
	assert_int_equal(vfio_sim_now(f->sim), UINT64_MAX);
}

static void unrun_work_is_freed_with_the_sim(void **state)
{
	struct t_fixture *f = *state;
	struct log l = { .f = f };

	assert_int_equal(vfio_sim_device_defer(f->pci, 1000, note_a, &l), 0);
	assert_int_equal(vfio_sim_device_defer(f->plat, 1, note_b, &l), 0);
	/* t_teardown destroys the sim: LSan would see a leak */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(runs_when_due_in_order, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(work_raises_interrupts_and_defers_more, t_setup,
						t_teardown),
		cmocka_unit_test_setup_teardown(gone_devices_and_bad_args, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(unrun_work_is_freed_with_the_sim, t_setup,
						t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
