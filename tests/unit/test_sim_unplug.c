// SPDX-License-Identifier: MIT
/*
 * The sim's device lifecycle events: a device asked back by the host (REQ, its
 * removal once closed, its group going with it), device errors (ERR), and
 * PCI hot reset across the devices of a resettable bus.
 */

#include <pthread.h>

#include "test_sim_fixture.h"

#define KVM_FILE 1 /* KVM_DEV_VFIO_FILE */
#define KVM_ADD 1
#define REQ VFIO_PCI_REQ_IRQ_INDEX
#define ERR VFIO_PCI_ERR_IRQ_INDEX
#define SYSFS_PCI "/sys/bus/pci/devices/" S_PCI "/iommu_group"

static ssize_t s_readlink(struct s_fix *s, const char *path)
{
	char buf[256];

	return s->ops->readlink(s->be, path, buf, sizeof(buf));
}

static int open_group(struct s_fix *s, unsigned int id)
{
	char path[32];

	snprintf(path, sizeof(path), "/dev/vfio/%u", id);
	return s->ops->open(s->be, path, O_RDWR);
}

/* PCI device @name in group @id, made first when *g is NULL. */
static struct vfio_sim_device *add_pci(struct s_fix *s, struct vfio_sim_group **g,
				       unsigned int id, const char *name)
{
	struct vfio_sim_device *d;

	if (!*g)
		assert_int_equal(vfio_sim_group_add(s->sim, id, g), 0);
	assert_int_equal(vfio_sim_device_add(*g, name, VFIO_DEVICE_FLAGS_PCI, 9, 5, &d), 0);
	return d;
}

static void test_request_closed_goes_at_once(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_group *g;

	assert_int_equal(vfio_sim_device_state(s->pci), VFIO_SIM_DEVICE_PRESENT);
	assert_true(s_readlink(s, SYSFS_PCI) > 0);
	assert_int_equal(vfio_sim_device_request(s->pci), 0);
	assert_true(vfio_sim_device_gone(s->pci));
	assert_int_equal(vfio_sim_device_requests(s->pci), 0); /* never held: no request */
	/* off the sysfs view; its group, left empty, went too */
	assert_int_equal(s_readlink(s, SYSFS_PCI), -ENOENT);
	assert_int_equal(s_readlink(s, "/sys/devices/pci0000:00/" S_PCI), -ENOENT);
	assert_int_equal(s_readlink(s, "/sys/kernel/iommu_groups/1"), -ENOENT);
	assert_int_equal(open_group(s, 1), -ENOENT);
	/* the pointer stays good and answers "gone" */
	assert_int_equal(vfio_sim_device_request(s->pci), -ENODEV);
	assert_int_equal(vfio_sim_device_request_repeat(s->pci), -ENODEV);
	assert_int_equal(vfio_sim_device_error(s->pci), -ENODEV);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, 0), -ENODEV);
	assert_int_equal(vfio_sim_device_set_irq_level(s->pci, 0, 0, true), -ENODEV);
	assert_int_equal(vfio_sim_device_set_reset_bus(s->pci, 1), -ENODEV);
	assert_int_equal(vfio_sim_device_open_count(s->pci), 0);
	assert_int_equal(vfio_sim_device_add(s->g1, "0000:00:09.0", 0, 1, 1, NULL), -ENODEV);
	/* the name and the group id are free again: a re-plug */
	assert_int_equal(vfio_sim_group_add(s->sim, 1, &g), 0);
	assert_int_equal(vfio_sim_device_add(g, S_PCI, VFIO_DEVICE_FLAGS_PCI, 9, 5, NULL), 0);
	assert_true(s_readlink(s, SYSFS_PCI) > 0);
	assert_true(vfio_sim_device_gone(s->pci));
	s->group = open_group(s, 1);
	assert_true(s->group >= 0);
}

static void test_request_signals_req_and_waits(void **state)
{
	struct s_fix *s = *state;
	struct vfio_group_status st = { .argsz = sizeof(st) };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_sim_irq_state irq;
	int efd = s_eventfd(), c2;
	uint8_t b;

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
	assert_int_equal(s_irq_eventfds(s, REQ, 0, 1, &efd), 0);
	assert_int_equal(vfio_sim_device_request_repeat(s->pci), -EINVAL); /* none under way */
	assert_int_equal(vfio_sim_device_request(s->pci), 1);
	assert_int_equal(s_efd_count(efd), 1);
	assert_int_equal(vfio_sim_device_request(s->pci), -EBUSY);
	assert_int_equal(vfio_sim_device_state(s->pci), VFIO_SIM_DEVICE_REQUESTED);
	assert_false(vfio_sim_device_gone(s->pci));
	/* held: the open file works, the device can still DMA, but no new fd */
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), 0);
	assert_int_equal(s->ops->pread(s->be, s->device, &b, 1, IDX_OFF(0)), 1);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, &b, 1), 0);
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, S_PCI), -ENODEV);
	assert_true(s_readlink(s, SYSFS_PCI) > 0); /* still on the bus */
	/* the kernel asks again every 10 s: the test says when */
	assert_int_equal(vfio_sim_device_request_repeat(s->pci), 1);
	assert_int_equal(vfio_sim_device_request_repeat(s->pci), 1);
	assert_int_equal(s_efd_count(efd), 2);
	assert_int_equal(vfio_sim_device_requests(s->pci), 3);
	assert_int_equal(vfio_sim_irq_state(s->pci, REQ, 0, &irq), 0);
	assert_int_equal(irq.fired, 3);

	s_close(s, &s->device);
	assert_true(vfio_sim_device_gone(s->pci));
	assert_int_equal(vfio_sim_device_request_repeat(s->pci), -ENODEV);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, &b, 1), -ENODEV);
	assert_int_equal(s_readlink(s, SYSFS_PCI), -ENOENT);
	/* the group file still open answers as the kernel's for a group that went */
	assert_int_equal(s->ops->group_get_status(s->be, s->group, &st), -ENODEV);
	assert_int_equal(s->ops->group_unset_container(s->be, s->group), -EINVAL);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), -ENODEV);
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, S_PCI), -ENODEV);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, 9999), -EBADF);
	/* it left its container, whose IOMMU went with its mappings */
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), -EINVAL);
	c2 = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, c2), -ENODEV);
	s_close(s, &c2);
	close(efd);
}

static void test_request_without_channel(void **state)
{
	struct s_fix *s = *state;
	int plat;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_device_request(s->pci), 0); /* no REQ eventfd: blocked */
	assert_int_equal(vfio_sim_device_request_repeat(s->pci), 0);
	assert_int_equal(vfio_sim_device_requests(s->pci), 2);
	assert_int_equal(vfio_sim_device_state(s->pci), VFIO_SIM_DEVICE_REQUESTED);
	s_close(s, &s->device);
	assert_true(vfio_sim_device_gone(s->pci));

	/* vfio-platform has no request op: the removal just waits */
	s_close(s, &s->group);
	s_close(s, &s->container);
	s_attach(s, 2, VFIO_TYPE1v2_IOMMU);
	plat = s->ops->group_get_device_fd(s->be, s->group, S_PLAT);
	assert_true(plat >= 0);
	assert_int_equal(vfio_sim_device_request(s->plat), 0);
	assert_int_equal(vfio_sim_device_request_repeat(s->plat), 0);
	assert_int_equal(vfio_sim_device_requests(s->plat), 2);
	assert_true(s_readlink(s, "/sys/bus/platform/devices/" S_PLAT "/iommu_group") > 0);
	s_close(s, &plat);
	assert_true(vfio_sim_device_gone(s->plat));
	assert_int_equal(s_readlink(s, "/sys/bus/platform/devices/" S_PLAT "/iommu_group"),
			 -ENOENT);
}

static void test_group_keeps_its_other_devices(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_device *d2;
	uint8_t b = 0;
	int fd2;

	assert_int_equal(vfio_sim_device_add(s->g1, "0000:00:01.1", VFIO_DEVICE_FLAGS_PCI, 9, 5,
					     &d2),
			 0);
	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
	assert_int_equal(vfio_sim_device_request(s->pci), 0); /* not open: gone at once */
	assert_true(vfio_sim_device_gone(s->pci));
	assert_int_equal(s->ops->group_get_device_fd(s->be, s->group, S_PCI), -ENODEV);
	fd2 = s->ops->group_get_device_fd(s->be, s->group, "0000:00:01.1");
	assert_true(fd2 >= 0);
	assert_true(s_readlink(s, "/sys/kernel/iommu_groups/1/devices/0000:00:01.1") > 0);
	assert_int_equal(s_readlink(s, "/sys/kernel/iommu_groups/1/devices/" S_PCI), -ENOENT);
	/* the group and its container stay: the other device can DMA, the gone one not */
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 1);
	assert_int_equal(vfio_sim_dma_read(d2, 0x100000, &b, 1), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, &b, 1), -ENODEV);
	assert_int_equal(vfio_sim_fault_log_count(s->sim), 0); /* -ENODEV is no IOMMU fault */
	s_close(s, &fd2);
}

static void test_kvm_holds_the_device(void **state)
{
	struct s_fix *s = *state;
	struct kvm_device_attr a = { .group = KVM_FILE, .attr = KVM_ADD };
	int kvm;
	int32_t fd;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	fd = s->device;
	a.addr = (uint64_t)(uintptr_t)&fd;
	assert_int_equal(s->ops->kvm_device_set_attr(s->be, kvm, &a), 0);
	assert_int_equal(vfio_sim_device_request(s->pci), 0);
	s_close(s, &s->device);
	s_close(s, &s->group);
	assert_int_equal(vfio_sim_device_state(s->pci), VFIO_SIM_DEVICE_REQUESTED);
	assert_int_equal(s->ops->close(s->be, kvm), 0); /* KVM lets go: the device goes */
	assert_true(vfio_sim_device_gone(s->pci));
	assert_int_equal(open_group(s, 1), -ENOENT);
}

/* What a device model saw: its opaque. */
struct counts {
	int resets, releases;
};

static void count_reset(void *opaque)
{
	((struct counts *)opaque)->resets++;
}

static void count_release(void *opaque)
{
	((struct counts *)opaque)->releases++;
}

static const struct vfio_sim_device_ops counting_ops = {
	.reset = count_reset,
	.release = count_release,
};
static const struct vfio_sim_device_ops reset_ops = { .reset = count_reset }; /* no release */

static void test_model_released_at_destroy(void **state)
{
	struct vfio_sim *sim;
	struct vfio_sim_group *g;
	struct vfio_sim_device *d;

	struct counts n = { 0 };

	(void)state;
	assert_int_equal(vfio_sim_new(&sim), 0);
	assert_int_equal(vfio_sim_group_add(sim, 7, &g), 0);
	assert_int_equal(vfio_sim_device_add(g, "0000:00:07.0", VFIO_DEVICE_FLAGS_PCI, 9, 5, &d), 0);
	assert_int_equal(vfio_sim_device_set_ops(d, &counting_ops, &n), 0);
	assert_int_equal(vfio_sim_device_request(d), 0);
	assert_true(vfio_sim_device_gone(d));
	assert_int_equal(n.releases, 0); /* the pointer and the model live on */
	vfio_backend_destroy(vfio_sim_backend(sim));
	assert_int_equal(n.releases, 1);
}

static void test_error_pcie_only(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_group *g4 = NULL;
	struct vfio_sim_device *e;
	struct vfio_sim_irq_state irq;
	int efd = s_eventfd();

	/* conventional PCI (no ERR index) and platform devices have no AER */
	assert_int_equal(vfio_sim_device_error(s->pci), -EINVAL);
	assert_int_equal(vfio_sim_device_error(s->plat), -EINVAL);
	s_open_device(s, 1);
	assert_int_equal(s_irq_eventfds(s, ERR, 0, 1, &efd), -EINVAL);
	s_close(s, &s->device);
	s_close(s, &s->group);
	s_close(s, &s->container);

	e = add_pci(s, &g4, 4, "0000:00:03.0");
	assert_int_equal(vfio_sim_irq_add(e, ERR, 1, VFIO_IRQ_INFO_EVENTFD), 0);
	assert_int_equal(vfio_sim_device_error(e), 0); /* nobody listens */
	s_attach(s, 4, VFIO_TYPE1v2_IOMMU);
	s->device = s->ops->group_get_device_fd(s->be, s->group, "0000:00:03.0");
	assert_true(s->device >= 0);
	assert_int_equal(s_irq_eventfds(s, ERR, 0, 1, &efd), 0);
	assert_int_equal(vfio_sim_device_error(e), 1);
	assert_int_equal(vfio_sim_device_error(e), 1);
	assert_int_equal(s_efd_count(efd), 2);
	assert_int_equal(vfio_sim_irq_state(e, ERR, 0, &irq), 0);
	assert_int_equal(irq.fired, 2);
	/* closing the device drops the trigger, as vfio_pci_core_close_device */
	s_close(s, &s->device);
	assert_int_equal(vfio_sim_device_error(e), 0);
	assert_int_equal(vfio_sim_device_request(e), 0);
	assert_int_equal(vfio_sim_device_error(e), -ENODEV);
	close(efd);
}

/* ---- concurrency ---- */

struct racer {
	struct s_fix *s;
	struct vfio_sim_device *d;
	int fd;
	int result;
	unsigned int repeats;
};

static void *close_later(void *arg)
{
	struct racer *r = arg;
	uint8_t b;
	int i;

	for (i = 0; i < 200; i++)
		if (r->s->ops->pread(r->s->be, r->fd, &b, 1, IDX_OFF(0)) != 1)
			r->result = -1;
	if (r->s->ops->close(r->s->be, r->fd))
		r->result = -1;
	return NULL;
}

static void *keep_asking(void *arg)
{
	struct racer *r = arg;
	int ret;

	while ((ret = vfio_sim_device_request_repeat(r->d)) >= 0) {
		r->repeats++;
		vfio_sim_device_raise_irq(r->d, VFIO_PCI_MSIX_IRQ_INDEX, 0);
	}
	r->result = ret;
	return NULL;
}

static void *ask_once(void *arg)
{
	struct racer *r = arg;

	r->result = vfio_sim_device_request(r->d);
	return NULL;
}

static void test_concurrent_request_and_close(void **state)
{
	struct s_fix *s = *state;
	struct racer closer = { .s = s }, asker = { .s = s };
	struct racer many[4];
	pthread_t t1, t2, tm[4];
	int zero = 0, nodev = 0, i;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_device_request(s->pci), 0);
	closer.fd = s->device;
	s->device = -1;
	asker.d = s->pci;
	assert_int_equal(pthread_create(&t2, NULL, keep_asking, &asker), 0);
	assert_int_equal(pthread_create(&t1, NULL, close_later, &closer), 0);
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_int_equal(closer.result, 0);
	assert_int_equal(asker.result, -ENODEV);
	assert_true(vfio_sim_device_gone(s->pci));
	assert_int_equal(vfio_sim_device_requests(s->pci), asker.repeats + 1);

	/* several threads ask for a closed device: exactly one removes it */
	for (i = 0; i < 4; i++) {
		many[i] = (struct racer){ .s = s, .d = s->plat };
		assert_int_equal(pthread_create(&tm[i], NULL, ask_once, &many[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(tm[i], NULL), 0);
		zero += many[i].result == 0;
		nodev += many[i].result == -ENODEV;
	}
	assert_int_equal(zero, 1);
	assert_int_equal(nodev, 3);
}

/* ---- hot reset ---- */

/*
 * Bus 1: 0000:01:00.0 and 0000:01:00.1 in group 5, 0000:01:01.0 in group 6.
 * Bus 2: 0000:02:00.0 alone in group 7.  S_PCI stays on the root bus.  Group
 * 5 is attached (s->group) and 0000:01:00.0 open (s->device).
 */
struct hr {
	struct vfio_sim_device *d[4];
	int g6, g7;
};

static void hr_build(struct s_fix *s, struct hr *h)
{
	struct vfio_sim_group *g5 = NULL, *g6 = NULL, *g7 = NULL;
	static const unsigned int bus[4] = { 1, 1, 1, 2 };
	struct vfio_sim_device *odd;
	unsigned int i;

	/* added out of address order: the answer is sorted */
	h->d[2] = add_pci(s, &g6, 6, "0000:01:01.0");
	h->d[1] = add_pci(s, &g5, 5, "0000:01:00.1");
	h->d[0] = add_pci(s, &g5, 5, "0000:01:00.0");
	h->d[3] = add_pci(s, &g7, 7, "0000:02:00.0");
	for (i = 0; i < 4; i++)
		assert_int_equal(vfio_sim_device_set_reset_bus(h->d[i], bus[i]), 0);
	assert_int_equal(vfio_sim_device_set_reset_bus(s->plat, 1), -EINVAL);
	odd = add_pci(s, &g7, 7, "0000:02:00");
	assert_int_equal(vfio_sim_device_set_reset_bus(odd, 2), -EINVAL);
	assert_int_equal(vfio_sim_device_set_reset_bus(s->bad, 0), 0); /* back to the root bus */
	s_attach(s, 5, VFIO_TYPE1v2_IOMMU);
	s->device = s->ops->group_get_device_fd(s->be, s->group, "0000:01:00.0");
	assert_true(s->device >= 0);
	h->g6 = open_group(s, 6);
	h->g7 = open_group(s, 7);
	assert_true(h->g6 >= 0 && h->g7 >= 0);
}

static void hr_close(struct s_fix *s, struct hr *h)
{
	s_close(s, &h->g6);
	s_close(s, &h->g7);
}

static int hot_reset(struct s_fix *s, uint32_t flags, uint32_t count, const int32_t *fds)
{
	union {
		struct vfio_pci_hot_reset r;
		uint8_t b[sizeof(struct vfio_pci_hot_reset) + 8 * sizeof(int32_t)];
	} u;

	memset(&u, 0, sizeof(u));
	u.r.argsz = (uint32_t)(sizeof(u.r) + count * sizeof(int32_t));
	u.r.flags = flags;
	u.r.count = count;
	memcpy(u.r.group_fds, fds, count * sizeof(int32_t));
	return s->ops->device_pci_hot_reset(s->be, s->device, &u.r);
}

static void test_hot_reset_info(void **state)
{
	struct s_fix *s = *state;
	union {
		struct vfio_pci_hot_reset_info i;
		uint8_t b[sizeof(struct vfio_pci_hot_reset_info) +
			  4 * sizeof(struct vfio_pci_dependent_device)];
	} u;
	static const uint8_t devfn[3] = { 0x00, 0x01, 0x08 };
	static const uint32_t group[3] = { 5, 5, 6 };
	struct hr h;
	unsigned int i;
	int d3;

	hr_build(s, &h);
	memset(&u, 0, sizeof(u));
	u.i.argsz = sizeof(u.i);
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, s->device, &u.i), -ENOSPC);
	assert_int_equal(u.i.count, 3);
	assert_int_equal(u.i.flags, 0);
	assert_int_equal(u.i.argsz, sizeof(u.i)); /* the header only, as the kernel */
	u.i.argsz = sizeof(u.i) + 2 * sizeof(u.i.devices[0]);
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, s->device, &u.i), -ENOSPC);
	u.i.argsz = sizeof(u.b);
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, s->device, &u.i), 0);
	assert_int_equal(u.i.count, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(u.i.devices[i].group_id, group[i]);
		assert_int_equal(u.i.devices[i].segment, 0);
		assert_int_equal(u.i.devices[i].bus, 1);
		assert_int_equal(u.i.devices[i].devfn, devfn[i]);
	}
	u.i.argsz = 8;
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, s->device, &u.i), -EINVAL);

	/* a device alone on its bus, through its own group */
	assert_int_equal(s->ops->group_set_container(s->be, h.g7, s->container), 0);
	d3 = s->ops->group_get_device_fd(s->be, h.g7, "0000:02:00.0");
	assert_true(d3 >= 0);
	u.i.argsz = sizeof(u.b);
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, d3, &u.i), 0);
	assert_int_equal(u.i.count, 1);
	assert_int_equal(u.i.devices[0].group_id, 7);
	assert_int_equal(u.i.devices[0].bus, 2);
	s_close(s, &d3);

	/* a device that went is off the bus */
	assert_int_equal(vfio_sim_device_request(h.d[1]), 0);
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, s->device, &u.i), 0);
	assert_int_equal(u.i.count, 2);
	assert_int_equal(u.i.devices[1].devfn, 0x08);
	hr_close(s, &h);
}

static void test_hot_reset_groups(void **state)
{
	struct s_fix *s = *state;
	union {
		struct vfio_pci_hot_reset r;
		int32_t fds[2 + sizeof(struct vfio_pci_hot_reset) / sizeof(int32_t)];
	} u = { 0 };
	struct counts n = { 0 };
	struct hr h;
	int32_t fds[4];
	int efd = s_eventfd(), closed = s_eventfd();

	hr_build(s, &h);
	assert_int_equal(vfio_sim_device_set_ops(h.d[2], &reset_ops, &n), 0);
	fds[0] = s->group;
	fds[1] = h.g6;
	assert_int_equal(hot_reset(s, 0, 0, fds), -EINVAL); /* groups mode needs groups */
	assert_int_equal(hot_reset(s, 1, 2, fds), -EINVAL);
	fds[2] = h.g7;
	fds[3] = h.g7;
	assert_int_equal(hot_reset(s, 0, 4, fds), -EINVAL); /* more fds than devices */
	assert_int_equal(hot_reset(s, 0, 1, &efd), -EINVAL); /* not a group */
	assert_int_equal(hot_reset(s, 0, 1, &s->container), -EINVAL);
	close(closed);
	assert_int_equal(hot_reset(s, 0, 1, &closed), -EBADF);
	assert_int_equal(hot_reset(s, 0, 1, &s->group), -EINVAL); /* 01:01.0 not owned */
	assert_int_equal(hot_reset(s, 0, 1, &h.g7), -EINVAL);	/* unaffected */
	fds[1] = s->group;
	assert_int_equal(hot_reset(s, 0, 2, fds), -EINVAL);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[0]), 0);

	fds[1] = h.g6;
	assert_int_equal(hot_reset(s, 0, 2, fds), 0);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[0]), 1);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[1]), 1);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[2]), 1);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[3]), 0);
	assert_int_equal(vfio_sim_device_reset_count(h.d[0]), 0); /* not a function reset */
	assert_int_equal(n.resets, 1);
	/* an extra group is no harm while the count fits: the kernel takes it */
	fds[0] = h.g7;
	fds[1] = h.g6;
	fds[2] = s->group;
	assert_int_equal(hot_reset(s, 0, 3, fds), 0);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[2]), 2);
	assert_int_equal(n.resets, 2);
	/* argsz short of the fds: the kernel reads count fds anyway */
	u.r.argsz = sizeof(u.r);
	u.r.count = 2;
	u.r.group_fds[0] = s->group;
	u.r.group_fds[1] = h.g6;
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, s->device, &u.r), 0);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[0]), 3);
	/* back on the root bus: no slot or bus reset */
	assert_int_equal(vfio_sim_device_set_reset_bus(h.d[0], 0), 0);
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, s->device, &u.r), -ENODEV);
	close(efd);
	hr_close(s, &h);
}

struct resetter {
	struct s_fix *s;
	int32_t fds[2];
	int failures;
};

static void *reset_many(void *arg)
{
	struct resetter *r = arg;
	int i;

	for (i = 0; i < 100; i++)
		if (hot_reset(r->s, 0, 2, r->fds))
			r->failures++;
	return NULL;
}

static void test_hot_reset_concurrent(void **state)
{
	struct s_fix *s = *state;
	struct resetter r[3];
	pthread_t t[3];
	struct hr h;
	int i;

	hr_build(s, &h);
	for (i = 0; i < 3; i++) {
		r[i] = (struct resetter){ .s = s, .fds = { s->group, h.g6 } };
		assert_int_equal(pthread_create(&t[i], NULL, reset_many, &r[i]), 0);
	}
	for (i = 0; i < 3; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(r[i].failures, 0);
	}
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[1]), 300);
	assert_int_equal(vfio_sim_device_hot_reset_count(h.d[2]), 300);
	hr_close(s, &h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_request_closed_goes_at_once, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_request_signals_req_and_waits, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_request_without_channel, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_group_keeps_its_other_devices, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_kvm_holds_the_device, s_setup, s_teardown),
		cmocka_unit_test(test_model_released_at_destroy),
		cmocka_unit_test_setup_teardown(test_error_pcie_only, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_request_and_close, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_hot_reset_info, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_hot_reset_groups, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_hot_reset_concurrent, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
