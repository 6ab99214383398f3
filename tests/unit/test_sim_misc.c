// SPDX-License-Identifier: MIT
/* The sim as a whole: several sims, threads, handle accounting, destroy. */

#include <pthread.h>

#include "test_sim_fixture.h"
#include "testutil.h" /* t_count_fds */

static void test_backend_identity(void **state)
{
	struct s_fix *s = *state;

	assert_int_equal(s->ops->version, VFIO_BACKEND_OPS_VERSION);
	assert_string_equal(s->ops->name, "sim");
	assert_non_null(s->ops->destroy);
	assert_ptr_equal(vfio_sim_backend(s->sim), s->be);
}

static void test_several_sims_share_nothing(void **state)
{
	struct s_fix *a = *state;
	struct s_fix b = { 0 };
	uint8_t *mem_a, *mem_b;

	s_build(&b);
	b.buf = a->buf;
	s_open_device(a, 1);
	s_open_device(&b, 1);
	/* handles of one sim mean nothing to the other */
	assert_int_equal(b.ops->group_get_status(b.be, a->group,
						 &(struct vfio_group_status){ .argsz = 8 }),
			 -EBADF);
	{
		int g2 = b.ops->open(b.be, "/dev/vfio/2", O_RDWR);

		assert_int_equal(b.ops->group_set_container(b.be, g2, a->container), -EBADFD);
		assert_int_equal(b.ops->close(b.be, g2), 0);
	}
	/* the same group number opens once in each */
	assert_int_equal(a->ops->open(a->be, "/dev/vfio/1", O_RDWR), -EBUSY);
	/* separate memory, separate mappings */
	mem_a = vfio_sim_region_mem(a->pci, 0);
	mem_b = vfio_sim_region_mem(b.pci, 0);
	assert_ptr_not_equal(mem_a, mem_b);
	mem_a[0] = 1;
	assert_int_equal(mem_b[0], 0);
	assert_int_equal(s_map_rw(a, 0x100000, 0, S_PAGE), 0);
	assert_int_equal(s_map_rw(&b, 0x100000, 0, S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_count(a->sim, a->container), 1);
	assert_int_equal(vfio_sim_dma_count(b.sim, b.container), 1);
	assert_int_equal(vfio_sim_dma_count(b.sim, a->container), -EBADF);
	assert_int_equal(vfio_sim_open_handles(a->sim), 3);
	assert_int_equal(vfio_sim_open_handles(b.sim), 3);
	s_close(&b, &b.device);
	s_close(&b, &b.group);
	s_close(&b, &b.container);
	assert_int_equal(vfio_sim_open_handles(b.sim), 0);
	assert_int_equal(vfio_sim_open_handles(a->sim), 3);
	vfio_backend_destroy(b.be);
}

static void test_destroy_with_handles_open(void **state)
{
	struct s_fix *s = *state;
	struct s_fix b = { 0 };
	int kvm, efd = s_eventfd();
	int32_t gfd;
	struct kvm_device_attr a = { .group = 1, .attr = 1 };

	(void)s;
	/* everything open and wired: destroy must release it all (ASan checks) */
	s_build(&b);
	b.buf = s->buf;
	s_open_device(&b, 1);
	assert_int_equal(s_map_rw(&b, 0x100000, 0, S_PAGE), 0);
	assert_int_equal(vfio_sim_kvm_device_new(b.sim, &kvm), 0);
	gfd = b.group;
	a.addr = (uint64_t)(uintptr_t)&gfd;
	assert_int_equal(b.ops->kvm_device_set_attr(b.be, kvm, &a), 0);
	b.device = b.ops->group_get_device_fd(b.be, b.group, S_PCI);
	assert_int_equal(s_irq_eventfds(&b, 2, 0, 1, &efd), 0);
	vfio_backend_destroy(b.be);
	close(efd);
}

static void test_no_fd_leaks(void **state)
{
	struct s_fix *s = *state;
	struct s_fix b = { 0 };
	int before = t_count_fds(), efd, kvm;
	int32_t gfd;
	struct kvm_device_attr a = { .group = 1, .attr = 1 };
	void *p;

	s_build(&b);
	b.buf = s->buf;
	s_open_device(&b, 1);
	efd = s_eventfd();
	assert_int_equal(s_irq_eventfds(&b, 0, 0, 1, &efd), 0);
	assert_int_equal(s_set_irqs(&b, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_UNMASK, 0,
				    0, 1, &efd, 4),
			 0);
	assert_int_equal(vfio_sim_kvm_device_new(b.sim, &kvm), 0);
	gfd = b.group;
	a.addr = (uint64_t)(uintptr_t)&gfd;
	assert_int_equal(b.ops->kvm_device_set_attr(b.be, kvm, &a), 0);
	assert_int_equal(b.ops->mmap(b.be, b.device, NULL, S_PAGE, PROT_READ, MAP_SHARED, 0, &p),
			 0);
	assert_int_equal(b.ops->munmap(b.be, p, S_PAGE), 0);
	assert_int_equal(b.ops->close(b.be, kvm), 0);
	s_close(&b, &b.device);
	s_close(&b, &b.group);
	s_close(&b, &b.container);
	vfio_backend_destroy(b.be);
	close(efd);
	assert_int_equal(t_count_fds(), before);
}

static void test_null_args_efault(void **state)
{
	struct s_fix *s = *state;
	int kvm;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	/* as copy_from_user would fail; a bad handle still answers EBADF first */
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, NULL), -EFAULT);
	assert_int_equal(s->ops->iommu_map_dma(s->be, s->container, NULL), -EFAULT);
	assert_int_equal(s->ops->iommu_unmap_dma(s->be, s->container, NULL), -EFAULT);
	assert_int_equal(s->ops->group_get_status(s->be, s->group, NULL), -EFAULT);
	assert_int_equal(s->ops->device_get_info(s->be, s->device, NULL), -EFAULT);
	assert_int_equal(s->ops->device_get_region_info(s->be, s->device, NULL), -EFAULT);
	assert_int_equal(s->ops->device_get_irq_info(s->be, s->device, NULL), -EFAULT);
	assert_int_equal(s->ops->device_set_irqs(s->be, s->device, NULL), -EFAULT);
	assert_int_equal(s->ops->device_feature(s->be, s->device, NULL), -EFAULT);
	assert_int_equal(s->ops->device_ioeventfd(s->be, s->device, NULL), -EFAULT);
	assert_int_equal(s->ops->kvm_device_set_attr(s->be, kvm, NULL), -EFAULT);
	assert_int_equal(s->ops->pread(s->be, s->device, NULL, 4, 0), -EFAULT);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED, 0,
				      NULL),
			 -EFAULT);
	assert_int_equal(s->ops->device_get_info(s->be, 9999, NULL), -EBADF);
	assert_int_equal(s->ops->close(s->be, kvm), 0);
}

struct worker {
	struct s_fix *s;
	uint64_t base;
	int errors;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t unmapped;
	uint8_t byte;
	int i, j;

	for (i = 0; i < 300; i++) {
		for (j = 0; j < 8; j++)
			if (s_map_rw(w->s, w->base + (uint64_t)j * S_PAGE, (size_t)j * S_PAGE,
				     S_PAGE))
				w->errors++;
		if (vfio_sim_dma_read(w->s->pci, w->base, &byte, 1))
			w->errors++;
		if (s_map_rw(w->s, w->base, 0, S_PAGE) != -EEXIST)
			w->errors++;
		if (s_unmap(w->s, w->base, 8 * S_PAGE, 0, &unmapped) || unmapped != 8 * S_PAGE)
			w->errors++;
	}
	return NULL;
}

static void test_threads_map_unmap(void **state)
{
	struct s_fix *s = *state;
	enum { N = 4 };
	pthread_t t[N];
	struct worker w[N];
	int i;

	s_open_device(s, 1);
	for (i = 0; i < N; i++) {
		w[i] = (struct worker){ .s = s, .base = 0x1000000ULL * (uint64_t)(i + 1) };
		assert_int_equal(pthread_create(&t[i], NULL, worker_main, &w[i]), 0);
	}
	for (i = 0; i < N; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].errors, 0);
	}
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
}

static void *raiser_main(void *arg)
{
	struct s_fix *s = arg;
	int i;

	for (i = 0; i < 2000; i++)
		vfio_sim_device_raise_irq(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, 0);
	return NULL;
}

static void test_threads_raise_while_setting(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_state st;
	int32_t efd = s_eventfd(), none = -1;
	pthread_t t;
	int i;

	s_open_device(s, 1);
	assert_int_equal(s_irq_eventfds(s, 2, 0, 1, &efd), 0);
	assert_int_equal(pthread_create(&t, NULL, raiser_main, s), 0);
	for (i = 0; i < 200; i++) {
		assert_int_equal(s_irq_eventfds(s, 2, 0, 1, (i & 1) ? &efd : &none), 0);
	}
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(vfio_sim_irq_state(s->pci, 2, 0, &st), 0);
	assert_int_equal(st.fired, s_efd_count(efd));
	close(efd);
}

static void test_handles_back_to_zero(void **state)
{
	struct s_fix *s = *state;
	int kvm, d2;

	s_open_device(s, 1);
	d2 = s->ops->group_get_device_fd(s->be, s->group, S_PCI);
	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	assert_int_equal(vfio_sim_open_handles(s->sim), 5);
	assert_int_equal(s->ops->close(s->be, d2), 0);
	assert_int_equal(s->ops->close(s->be, kvm), 0);
	s_close(s, &s->group);
	s_close(s, &s->container);
	s_close(s, &s->device);
	assert_int_equal(vfio_sim_open_handles(s->sim), 0);
	assert_int_equal(vfio_sim_device_open_count(s->pci), 0);
	/* and it all works again from scratch */
	s_open_device(s, 1);
	assert_int_equal(vfio_sim_device_open_count(s->pci), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_backend_identity, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_several_sims_share_nothing, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_destroy_with_handles_open, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_threads_map_unmap, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_threads_raise_while_setting, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_handles_back_to_zero, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_no_fd_leaks, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_null_args_efault, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
