// SPDX-License-Identifier: MIT
/* The sim's interrupts: GET_IRQ_INFO, SET_IRQS validation and actions, eventfds. */

#include "test_sim_fixture.h"

#define TRIGGER_EFD (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define UNMASK_EFD (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK)
#define MASK_EFD (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK)
#define TRIGGER_BOOL (VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER)

static int irq_info(struct s_fix *s, uint32_t index, struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return s->ops->device_get_irq_info(s->be, s->device, info);
}

static void test_irq_info(void **state)
{
	struct s_fix *s = *state;
	struct vfio_irq_info info;
	struct vfio_sim_device *d2;
	int fd;

	s_open_device(s, 1);
	assert_int_equal(irq_info(s, 0, &info), 0);
	assert_int_equal(info.count, 1);
	assert_int_equal(info.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
					     VFIO_IRQ_INFO_AUTOMASKED);
	assert_int_equal(irq_info(s, 2, &info), 0);
	assert_int_equal(info.count, 8);
	/* conventional PCI: no ERR index */
	assert_int_equal(irq_info(s, VFIO_PCI_ERR_IRQ_INDEX, &info), -EINVAL);
	assert_int_equal(irq_info(s, 5, &info), -EINVAL);
	info.argsz = 12;
	info.index = 0;
	assert_int_equal(s->ops->device_get_irq_info(s->be, s->device, &info), -EINVAL);

	/* a PCI device without MSI: count 0 with vfio-pci's flags */
	assert_int_equal(vfio_sim_device_add(s->g1, "0000:00:01.2", VFIO_DEVICE_FLAGS_PCI, 9, 5,
					     &d2),
			 0);
	fd = s->ops->group_get_device_fd(s->be, s->group, "0000:00:01.2");
	assert_true(fd >= 0);
	info.argsz = sizeof(info);
	info.index = VFIO_PCI_MSI_IRQ_INDEX;
	assert_int_equal(s->ops->device_get_irq_info(s->be, fd, &info), 0);
	assert_int_equal(info.count, 0);
	assert_int_equal(info.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	info.index = VFIO_PCI_INTX_IRQ_INDEX;
	assert_int_equal(s->ops->device_get_irq_info(s->be, fd, &info), 0);
	assert_int_equal(info.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
					     VFIO_IRQ_INFO_AUTOMASKED);
	/* nothing to set on an index with no vectors */
	assert_int_equal(s->ops->close(s->be, fd), 0);
}

static void test_set_irqs_validation(void **state)
{
	struct s_fix *s = *state;
	struct vfio_irq_set set = { .argsz = sizeof(set) };
	int32_t fds[2] = { s_eventfd(), -1 };

	s_open_device(s, 1);
	set.argsz = 16;
	set.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER;
	assert_int_equal(s->ops->device_set_irqs(s->be, s->device, &set), -EINVAL);
	/* index past the last, unknown flags, two data types, no data type */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 5, 0, 0), -EINVAL);
	assert_int_equal(s_set_irqs(s, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER | 0x40,
				    1, 0, 1, NULL, 0),
			 -EINVAL);
	assert_int_equal(s_set_irqs(s, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
					       VFIO_IRQ_SET_ACTION_TRIGGER,
				    1, 0, 1, "\1", 1),
			 -EINVAL);
	assert_int_equal(s_set_irqs(s, VFIO_IRQ_SET_ACTION_TRIGGER, 1, 0, 1, NULL, 0), -EINVAL);
	/* vectors out of range, count overflow */
	assert_int_equal(s_irq_eventfds(s, 1, 4, 1, fds), -EINVAL);
	assert_int_equal(s_irq_eventfds(s, 1, 3, 2, fds), -EINVAL);
	assert_int_equal(s_set_irqs(s, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, 1, 1,
				    UINT32_MAX - 1, NULL, 0),
			 -EINVAL);
	/* the data does not fit in argsz */
	assert_int_equal(s_set_irqs(s, TRIGGER_EFD, 1, 0, 2, fds, 4), -EINVAL);
	/* no action, or two: no handler (ENOTTY) */
	assert_int_equal(s_set_irqs(s, VFIO_IRQ_SET_DATA_NONE, 0, 0, 1, NULL, 0), -ENOTTY);
	assert_int_equal(s_set_irqs(s, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK |
					       VFIO_IRQ_SET_ACTION_UNMASK,
				    0, 0, 1, NULL, 0),
			 -ENOTTY);
	/* MSI has no masking in vfio-pci */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_MASK, 1, 0, 1), -ENOTTY);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_UNMASK, 2, 0, 1), -ENOTTY);
	close(fds[0]);
}

static void test_intx_automask_and_unmask(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_state st;
	int32_t efd = s_eventfd();

	s_open_device(s, 1);
	/* not enabled: the raise is lost */
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 0);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_true(st.enabled && st.has_eventfd && !st.masked);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 1);
	assert_int_equal(s_efd_count(efd), 1);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_true(st.masked);
	/* masked: pending, nothing signalled */
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 0);
	assert_int_equal(s_efd_count(efd), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_true(st.pending);
	/* unmask: the pending interrupt fires at once and masks again */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1), 0);
	assert_int_equal(s_efd_count(efd), 1);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_true(st.masked && !st.pending);
	assert_int_equal(st.fired, 2);
	/* unmask with nothing pending: unmasked */
	assert_int_equal(s_set_irqs(s, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1,
				    "\1", 1),
			 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_false(st.masked);
	/* mask from the user, then loopback trigger fires regardless */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_MASK, 0, 0, 1), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 0);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 1), 0);
	assert_int_equal(s_efd_count(efd), 1);
	/* mask and unmask take start 0, count 1 */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_MASK, 0, 0, 0), -EINVAL);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd) == 0, 1);
	assert_int_equal(s_set_irqs(s, MASK_EFD, 0, 0, 1, &efd, 4), -ENOTTY);
	close(efd);
}

static void test_intx_resample(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_state st;
	int32_t efd = s_eventfd(), rfd = s_eventfd(), other = s_eventfd();
	struct vfio_device_info info = { .argsz = sizeof(info) };

	s_open_device(s, 1);
	/* unmask before INTx is enabled */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1), -EINVAL);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd), 0);
	assert_int_equal(s_set_irqs(s, UNMASK_EFD, 0, 0, 1, &rfd, 4), 0);
	assert_int_equal(s_set_irqs(s, UNMASK_EFD, 0, 0, 1, &other, 4), -EBUSY);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_true(st.has_resample);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 1);
	assert_int_equal(s_efd_count(efd), 1);
	/* the guest's EOI: a write to the resample eventfd unmasks on the next entry */
	assert_int_equal(eventfd_write(rfd, 1), 0);
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_false(st.masked);
	assert_int_equal(s_efd_count(rfd), 0); /* consumed */
	/* EOI while the line is still asserted: fires again */
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 0);
	assert_int_equal(s_efd_count(efd), 1);
	assert_int_equal(eventfd_write(rfd, 1), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_true(st.masked);
	assert_int_equal(st.fired, 3);
	assert_int_equal(s_efd_count(efd), 1);
	/* fd -1 removes it */
	{
		int32_t none = -1;

		assert_int_equal(s_set_irqs(s, UNMASK_EFD, 0, 0, 1, &none, 4), 0);
	}
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_false(st.has_resample);
	close(efd);
	close(rfd);
	close(other);
}

static void test_intx_trigger_rules(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_state st;
	int32_t efd = s_eventfd(), none = -1, bad = 9999, notefd;
	int pipefd[2];

	s_open_device(s, 1);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	notefd = pipefd[0];
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &bad), -EBADF);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &notefd), -EINVAL);
	/* disable when not enabled, loopback when not enabled */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 0), -EINVAL);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 1), -EINVAL);
	/* enable without an eventfd, then give it one, then take it away */
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &none), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_true(st.enabled && !st.has_eventfd);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 0);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1), 0);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd), 0);
	/* the sim keeps its own reference: closing the user's fd changes nothing */
	{
		int32_t dup = fcntl(efd, F_DUPFD_CLOEXEC, 0);

		assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &dup), 0);
		close(dup);
	}
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 0, 0), 1);
	assert_int_equal(s_efd_count(efd), 1);
	/* MSI cannot be enabled while INTx is */
	assert_int_equal(s_irq_eventfds(s, 1, 0, 1, &efd), -EINVAL);
	/* disable */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, 0), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_false(st.enabled || st.has_eventfd || st.masked);
	assert_int_equal(s_irq_eventfds(s, 1, 0, 1, &efd), 0);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd), -EINVAL);
	close(efd);
	close(pipefd[0]);
	close(pipefd[1]);
}

static void test_msi_vectors(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_state st;
	int32_t fds[4], none = -1;
	int i;

	s_open_device(s, 1);
	for (i = 0; i < 4; i++)
		fds[i] = s_eventfd();
	/* DATA_NONE on a disabled index, count 0 from 0 (no vectors) */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 1, 0, 0), -EINVAL);
	assert_int_equal(s_irq_eventfds(s, 1, 0, 0, NULL), -ERANGE);
	assert_int_equal(s_irq_eventfds(s, 1, 0, 2, fds), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 1, 1), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 1, 1), 1);
	assert_int_equal(s_efd_count(fds[1]), 2);
	assert_int_equal(s_efd_count(fds[0]), 0);
	/* vector 2 was not allocated at enable (NORESIZE) */
	assert_int_equal(s_irq_eventfds(s, 1, 2, 1, &fds[2]), -EINVAL);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 1, 2), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 1, 4), -EINVAL);
	/* -1 unroutes one vector */
	assert_int_equal(s_irq_eventfds(s, 1, 1, 1, &none), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 1, 1), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 1, 1, &st), 0);
	assert_true(st.enabled && !st.has_eventfd);
	/* loopback with bools */
	assert_int_equal(s_irq_eventfds(s, 1, 0, 2, fds), 0);
	assert_int_equal(s_set_irqs(s, TRIGGER_BOOL, 1, 0, 2, "\0\1", 2), 0);
	assert_int_equal(s_efd_count(fds[0]), 0);
	assert_int_equal(s_efd_count(fds[1]), 1);
	/* a bad fd in the block unroutes what was set in this call */
	{
		int32_t mix[2] = { fds[0], 9999 };

		assert_int_equal(s_irq_eventfds(s, 1, 0, 2, mix), -EBADF);
	}
	assert_int_equal(vfio_sim_irq_state(s->pci, 1, 0, &st), 0);
	assert_true(st.enabled && !st.has_eventfd);
	/* disable: count 0, DATA_NONE */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 1, 0, 0), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 1, 0, &st), 0);
	assert_false(st.enabled);
	/* a failed enable leaves MSI disabled */
	{
		int32_t bad = 9999;

		assert_int_equal(s_irq_eventfds(s, 1, 0, 1, &bad), -EBADF);
	}
	assert_int_equal(vfio_sim_irq_state(s->pci, 1, 0, &st), 0);
	assert_false(st.enabled);
	for (i = 0; i < 4; i++)
		close(fds[i]);
}

static void test_msix_dynamic(void **state)
{
	struct s_fix *s = *state;
	int32_t efd = s_eventfd();

	s_open_device(s, 1);
	/* enabled with one vector; MSI-X without NORESIZE grows */
	assert_int_equal(s_irq_eventfds(s, 2, 0, 1, &efd), 0);
	assert_int_equal(s_irq_eventfds(s, 2, 7, 1, &efd), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 2, 7), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 2, 0), 1);
	assert_int_equal(s_efd_count(efd), 2);
	/* INTx and MSI are refused while MSI-X is on */
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd), -EINVAL);
	assert_int_equal(s_irq_eventfds(s, 1, 0, 1, &efd), -EINVAL);
	/* MSI-X cannot be disabled through the MSI index */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 1, 0, 0), -EINVAL);
	close(efd);
}

static void test_req_trigger(void **state)
{
	struct s_fix *s = *state;
	int32_t efd = s_eventfd(), bad = -2;

	s_open_device(s, 1);
	/* DATA_NONE without an eventfd, count 0 with BOOL/EVENTFD */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 4, 0, 1), -EINVAL);
	assert_int_equal(s_set_irqs(s, TRIGGER_BOOL, 4, 0, 0, NULL, 0), -EINVAL);
	assert_int_equal(s_irq_eventfds(s, 4, 0, 1, &bad), -EINVAL);
	assert_int_equal(s_irq_eventfds(s, 4, 0, 1, &efd), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 4, 0), 1);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 4, 0, 1), 0);
	assert_int_equal(s_efd_count(efd), 2);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_MASK, 4, 0, 1), -ENOTTY);
	/* count 0, DATA_NONE: unset */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 4, 0, 0), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 4, 0), 0);
	close(efd);
}

static void test_close_device_disables(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_state st;
	int32_t efd = s_eventfd(), rfd = s_eventfd();

	s_open_device(s, 1);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd), 0);
	assert_int_equal(s_set_irqs(s, UNMASK_EFD, 0, 0, 1, &rfd, 4), 0);
	assert_int_equal(s_irq_eventfds(s, 4, 0, 1, &efd), 0);
	s_close(s, &s->device);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 0, &st), 0);
	assert_false(st.enabled || st.has_eventfd || st.has_resample);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, 4, 0), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 0, 9, &st), -EINVAL);
	assert_int_equal(vfio_sim_irq_state(s->pci, 3, 0, &st), -EINVAL);
	close(efd);
	close(rfd);
}

static void test_platform_irqs(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_state st;
	int32_t efd = s_eventfd(), mfd = s_eventfd(), ufd = s_eventfd();

	s_open_device(s, 2);
	assert_int_equal(s_irq_eventfds(s, 0, 0, 1, &efd), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->plat, 0, 0), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->plat, 0, 0), 0); /* automasked */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_UNMASK, 0, 0, 1), 0);
	assert_int_equal(s_efd_count(efd), 2); /* the pending one fired on unmask */
	/* mask and unmask eventfds (virqfds) */
	assert_int_equal(s_set_irqs(s, MASK_EFD, 0, 0, 1, &mfd, 4), 0);
	assert_int_equal(s_set_irqs(s, UNMASK_EFD, 0, 0, 1, &ufd, 4), 0);
	assert_int_equal(eventfd_write(ufd, 1), 0);
	assert_int_equal(vfio_sim_irq_state(s->plat, 0, 0, &st), 0);
	assert_false(st.masked);
	assert_int_equal(eventfd_write(mfd, 1), 0);
	assert_int_equal(vfio_sim_irq_state(s->plat, 0, 0, &st), 0);
	assert_true(st.masked);
	/* index 1 is not maskable */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_MASK, 1, 0, 1), -EINVAL);
	/* vfio-platform validates start/count against the number of indexes */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, 1), -EINVAL);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 0, 2, 1), -EINVAL);
	/* a plain irq: loopback signals each time */
	assert_int_equal(s_irq_eventfds(s, 1, 0, 1, &efd), 0);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 1, 0, 1), 0);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 1, 0, 1), 0);
	assert_int_equal(s_efd_count(efd), 2);
	/* disable */
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, 1, 0, 0), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->plat, 1, 0), 0);
	close(efd);
	close(mfd);
	close(ufd);
}

static void test_raise_from_callback(void **state)
{
	struct s_fix *s = *state;
	int32_t efd = s_eventfd();
	uint32_t v = 1;

	s_open_device(s, 1);
	assert_int_equal(s_irq_eventfds(s, 2, 0, 1, &efd), 0);
	/* the device model raises an interrupt from inside its write callback */
	s->raise_on_write = 1;
	assert_int_equal(s->ops->pwrite(s->be, s->device, &v, sizeof(v), IDX_OFF(2)), sizeof(v));
	assert_int_equal(s_efd_count(efd), 1);
	close(efd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_irq_info, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_set_irqs_validation, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_intx_automask_and_unmask, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_intx_resample, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_intx_trigger_rules, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_msi_vectors, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_msix_dynamic, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_req_trigger, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_close_device_disables, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_platform_irqs, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_raise_from_callback, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
