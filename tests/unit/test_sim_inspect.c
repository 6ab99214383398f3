// SPDX-License-Identifier: MIT
/*
 * Looking inside the sim: a container's mapping table, the open handles, the
 * state of whole irq indexes, and the IOMMU fault log.
 */

#include <pthread.h>

#include "test_sim_fixture.h"

#define KVM_FILE 1 /* KVM_DEV_VFIO_FILE */
#define KVM_ADD 1
#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define VA(s, off) ((uint64_t)(uintptr_t)(s)->buf + (off))

static void test_dma_mappings(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_mapping m[4];
	int kvm;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_dma_mappings(s->sim, s->container, NULL, 0), 0);
	/* mapped out of order, listed in IOVA order */
	assert_int_equal(s_map(s, 0x300000, VA(s, 0), 2 * S_PAGE, VFIO_DMA_MAP_FLAG_READ), 0);
	assert_int_equal(s_map(s, 0x100000, VA(s, 4 * S_PAGE), S_PAGE, RW), 0);
	assert_int_equal(s_map(s, 0, VA(s, 8 * S_PAGE), S_PAGE, RW), 0);
	memset(m, 0xff, sizeof(m));
	assert_int_equal(vfio_sim_dma_mappings(s->sim, s->container, m, 4), 3);
	assert_int_equal(m[0].iova, 0);
	assert_int_equal(m[0].vaddr, VA(s, 8 * S_PAGE));
	assert_int_equal(m[1].iova, 0x100000);
	assert_int_equal(m[1].size, S_PAGE);
	assert_int_equal(m[1].flags, RW);
	assert_int_equal(m[2].iova, 0x300000);
	assert_int_equal(m[2].size, 2 * S_PAGE);
	assert_int_equal(m[2].vaddr, VA(s, 0));
	assert_int_equal(m[2].flags, VFIO_DMA_MAP_FLAG_READ);
	assert_false(m[2].vaddr_invalid);
	assert_int_equal(m[3].iova, UINT64_MAX); /* untouched */
	/* less room: the count is still the whole table's */
	memset(m, 0xff, sizeof(m));
	assert_int_equal(vfio_sim_dma_mappings(s->sim, s->container, m, 1), 3);
	assert_int_equal(m[0].iova, 0);
	assert_int_equal(m[1].iova, UINT64_MAX);
	/* an invalidated vaddr shows, and so does the new one */
	assert_int_equal(s_unmap(s, 0x100000, S_PAGE, VFIO_DMA_UNMAP_FLAG_VADDR, NULL), 0);
	assert_int_equal(vfio_sim_dma_mappings(s->sim, s->container, m, 4), 3);
	assert_true(m[1].vaddr_invalid);
	assert_int_equal(s_map(s, 0x100000, VA(s, 5 * S_PAGE), S_PAGE, VFIO_DMA_MAP_FLAG_VADDR),
			 0);
	assert_int_equal(vfio_sim_dma_mappings(s->sim, s->container, m, 4), 3);
	assert_false(m[1].vaddr_invalid);
	assert_int_equal(m[1].vaddr, VA(s, 5 * S_PAGE));
	assert_int_equal(s_unmap(s, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL), 0);
	assert_int_equal(vfio_sim_dma_mappings(s->sim, s->container, m, 4), 0);
	/* only containers */
	assert_int_equal(vfio_sim_dma_mappings(s->sim, s->group, m, 4), -EBADF);
	assert_int_equal(vfio_sim_dma_mappings(s->sim, -1, m, 4), -EBADF);
	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	assert_int_equal(vfio_sim_dma_mappings(s->sim, kvm, m, 4), -EBADF);
	s_close(s, &kvm);
}

static void test_handles(void **state)
{
	struct s_fix *s = *state;
	struct kvm_device_attr a = { .group = KVM_FILE, .attr = KVM_ADD };
	struct vfio_sim_handle h[5];
	int kvm, i;
	int32_t fd;

	assert_int_equal(vfio_sim_handles(s->sim, NULL, 0), 0);
	s_open_device(s, 1);
	assert_int_equal(vfio_sim_kvm_device_new(s->sim, &kvm), 0);
	memset(h, 0, sizeof(h));
	assert_int_equal(vfio_sim_handles(s->sim, h, 5), 4);
	assert_int_equal(vfio_sim_open_handles(s->sim), 4);
	for (i = 1; i < 4; i++)
		assert_true(h[i - 1].fd < h[i].fd); /* fd order */
	for (i = 0; i < 4; i++) {
		if (h[i].fd == s->container) {
			assert_int_equal(h[i].kind, VFIO_SIM_HANDLE_CONTAINER);
			assert_string_equal(h[i].name, "/dev/vfio/vfio");
			assert_int_equal(h[i].group, 0);
		} else if (h[i].fd == s->group) {
			assert_int_equal(h[i].kind, VFIO_SIM_HANDLE_GROUP);
			assert_string_equal(h[i].name, "/dev/vfio/1");
			assert_int_equal(h[i].group, 1);
		} else if (h[i].fd == s->device) {
			assert_int_equal(h[i].kind, VFIO_SIM_HANDLE_DEVICE);
			assert_string_equal(h[i].name, S_PCI);
			assert_int_equal(h[i].group, 1);
		} else {
			assert_int_equal(h[i].fd, kvm);
			assert_int_equal(h[i].kind, VFIO_SIM_HANDLE_KVM);
			assert_string_equal(h[i].name, "kvm-vfio");
		}
	}
	assert_int_equal(vfio_sim_handles(s->sim, h, 2), 4);
	/* a file KVM holds after the user closed it is no handle */
	fd = s->group;
	a.addr = (uint64_t)(uintptr_t)&fd;
	assert_int_equal(s->ops->kvm_device_set_attr(s->be, kvm, &a), 0);
	s_close(s, &s->group);
	assert_int_equal(vfio_sim_handles(s->sim, h, 5), 3);
	for (i = 0; i < 3; i++)
		assert_int_not_equal(h[i].kind, VFIO_SIM_HANDLE_GROUP);
	s_close(s, &kvm);
}

static void test_irq_index_state(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_irq_index_state st;
	int efd[3] = { s_eventfd(), s_eventfd(), s_eventfd() };
	int i;

	memset(&st, 0xff, sizeof(st));
	assert_int_equal(vfio_sim_irq_index_state(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, &st), 0);
	assert_int_equal(st.count, 8);
	assert_int_equal(st.flags, VFIO_IRQ_INFO_EVENTFD);
	assert_false(st.enabled);
	assert_int_equal(st.eventfds, 0);
	assert_int_equal(st.fired, 0);
	s_open_device(s, 1);
	assert_int_equal(s_irq_eventfds(s, VFIO_PCI_MSIX_IRQ_INDEX, 2, 3, efd), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, 2), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, 2), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, 4), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, 0), 0);
	assert_int_equal(vfio_sim_irq_index_state(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, &st), 0);
	assert_true(st.enabled);
	assert_int_equal(st.eventfds, 3);
	assert_int_equal(st.masked, 0);
	assert_int_equal(st.fired, 3);
	assert_int_equal(s_irq_action(s, VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0),
			 0);
	for (i = 0; i < 3; i++)
		close(efd[i]);

	/* INTx: automasked, then pending */
	efd[0] = s_eventfd();
	assert_int_equal(s_irq_eventfds(s, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, efd), 0);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, VFIO_PCI_INTX_IRQ_INDEX, 0), 1);
	assert_int_equal(vfio_sim_device_raise_irq(s->pci, VFIO_PCI_INTX_IRQ_INDEX, 0), 0);
	assert_int_equal(vfio_sim_irq_index_state(s->pci, VFIO_PCI_INTX_IRQ_INDEX, &st), 0);
	assert_int_equal(st.count, 1);
	assert_int_equal(st.masked, 1);
	assert_int_equal(st.pending, 1);
	assert_int_equal(st.fired, 1);
	close(efd[0]);
	/* ERR was never added (conventional PCI) */
	assert_int_equal(vfio_sim_irq_index_state(s->pci, VFIO_PCI_ERR_IRQ_INDEX, &st), -EINVAL);
	assert_int_equal(vfio_sim_irq_index_state(s->pci, 99, &st), -EINVAL);
	assert_int_equal(vfio_sim_irq_index_state(s->pci, 0, NULL), -EINVAL);
}

static void assert_fault(struct s_fix *s, size_t i, uint64_t iova, uint64_t len, uint64_t at,
			 bool write, enum vfio_sim_fault_reason reason)
{
	struct vfio_sim_fault f;

	assert_int_equal(vfio_sim_fault_log_get(s->sim, i, &f), 0);
	assert_ptr_equal(f.device, s->pci);
	assert_int_equal(f.iova, iova);
	assert_int_equal(f.len, len);
	assert_int_equal(f.fault_iova, at);
	assert_int_equal(f.write, write);
	assert_int_equal(f.reason, reason);
}

static void test_fault_log(void **state)
{
	struct s_fix *s = *state;
	uint8_t b[3 * S_PAGE];
	struct vfio_sim_fault f;
	uint8_t *mem;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_fault_log_count(s->sim), 0);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 2 * S_PAGE), 0);
	assert_int_equal(s_map(s, 0x200000, VA(s, 4 * S_PAGE), S_PAGE, VFIO_DMA_MAP_FLAG_READ), 0);
	/* no fault, no entry */
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, b, 2 * S_PAGE), 0);
	assert_int_equal(vfio_sim_fault_log_count(s->sim), 0);
	/* unmapped; running off the end of a mapping; a read-only mapping written */
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x5000, b, 8), -EFAULT);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x101000, b, 2 * S_PAGE), -EFAULT);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x200010, b, 4), -EFAULT);
	assert_int_equal(vfio_sim_fault_log_count(s->sim), 3);
	assert_fault(s, 0, 0x5000, 8, 0x5000, false, VFIO_SIM_FAULT_UNMAPPED);
	assert_fault(s, 1, 0x101000, 2 * S_PAGE, 0x102000, false, VFIO_SIM_FAULT_UNMAPPED);
	assert_fault(s, 2, 0x200010, 4, 0x200010, true, VFIO_SIM_FAULT_PERMISSION);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 2, &f), 0);
	assert_int_equal(f.seq, 2);
	assert_int_equal(vfio_sim_iommu_faults(s->sim), 3);

	/* memory freed behind a live mapping: the page that went */
	mem = mmap(NULL, 3 * S_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	assert_int_equal(s_map(s, 0x400000, (uint64_t)(uintptr_t)mem, 3 * S_PAGE, RW), 0);
	assert_int_equal(munmap(mem + S_PAGE, S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x400100, b, 2 * S_PAGE), -EFAULT);
	assert_fault(s, 3, 0x400100, 2 * S_PAGE, 0x401000, false, VFIO_SIM_FAULT_MEMORY_GONE);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x401800, b, 16), -EFAULT);
	assert_fault(s, 4, 0x401800, 16, 0x401800, true, VFIO_SIM_FAULT_MEMORY_GONE);
	/* read-only process memory behind a writable mapping */
	assert_int_equal(mprotect(mem, S_PAGE, PROT_READ), 0);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x400000, b, 8), -EFAULT);
	assert_fault(s, 5, 0x400000, 8, 0x400000, true, VFIO_SIM_FAULT_MEMORY_GONE);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x400000, b, 8), 0);
	munmap(mem, 3 * S_PAGE);

	assert_int_equal(vfio_sim_fault_log_get(s->sim, 6, &f), -ENOENT);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 0, NULL), -EINVAL);
	vfio_sim_fault_log_clear(s->sim);
	assert_int_equal(vfio_sim_fault_log_count(s->sim), 0);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 0, &f), -ENOENT);
	assert_int_equal(vfio_sim_iommu_faults(s->sim), 6); /* the total goes on */
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x5000, b, 1), -EFAULT);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 0, &f), 0);
	assert_int_equal(f.seq, 6);
}

static void test_fault_log_drops_oldest(void **state)
{
	struct s_fix *s = *state;
	const unsigned int n = VFIO_SIM_FAULT_LOG_CAPACITY + 44;
	struct vfio_sim_fault f;
	uint8_t b;
	unsigned int i;

	s_open_device(s, 1);
	for (i = 0; i < n; i++)
		assert_int_equal(vfio_sim_dma_read(s->pci, (uint64_t)i * S_PAGE, &b, 1), -EFAULT);
	assert_int_equal(vfio_sim_fault_log_count(s->sim), VFIO_SIM_FAULT_LOG_CAPACITY);
	assert_int_equal(vfio_sim_fault_log_dropped(s->sim), 44);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, 0, &f), 0);
	assert_int_equal(f.seq, 44);
	assert_int_equal(f.iova, 44 * S_PAGE);
	assert_int_equal(vfio_sim_fault_log_get(s->sim, VFIO_SIM_FAULT_LOG_CAPACITY - 1, &f), 0);
	assert_int_equal(f.seq, n - 1);
	vfio_sim_fault_log_clear(s->sim);
	assert_int_equal(vfio_sim_fault_log_dropped(s->sim), 0);
}

struct faulter {
	struct vfio_sim_device *d;
	uint64_t base;
	int bad;
};

static void *fault_many(void *arg)
{
	struct faulter *f = arg;
	uint8_t b;
	int i;

	for (i = 0; i < 200; i++)
		if (vfio_sim_dma_read(f->d, f->base + (uint64_t)i * S_PAGE, &b, 1) != -EFAULT)
			f->bad++;
	return NULL;
}

static void *inspect_many(void *arg)
{
	struct s_fix *s = arg;
	struct vfio_sim_handle h[4];
	struct vfio_sim_fault f;
	int i;

	for (i = 0; i < 200; i++) {
		vfio_sim_handles(s->sim, h, 4);
		vfio_sim_fault_log_get(s->sim, 0, &f);
		vfio_sim_dma_mappings(s->sim, s->container, NULL, 0);
	}
	return NULL;
}

static void test_fault_log_concurrent(void **state)
{
	struct s_fix *s = *state;
	struct faulter f[4];
	struct vfio_sim_fault e, prev;
	pthread_t t[5];
	size_t i, n;

	s_open_device(s, 1);
	for (i = 0; i < 4; i++) {
		f[i] = (struct faulter){ .d = s->pci, .base = (uint64_t)(i + 1) << 32 };
		assert_int_equal(pthread_create(&t[i], NULL, fault_many, &f[i]), 0);
	}
	assert_int_equal(pthread_create(&t[4], NULL, inspect_many, s), 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(f[i].bad, 0);
	n = vfio_sim_fault_log_count(s->sim);
	assert_int_equal(vfio_sim_iommu_faults(s->sim), 800);
	assert_int_equal(n + vfio_sim_fault_log_dropped(s->sim), 800);
	/* the ring keeps them in the order they happened, each with its own number */
	for (i = 0; i < n; i++) {
		assert_int_equal(vfio_sim_fault_log_get(s->sim, i, &e), 0);
		assert_int_equal(e.fault_iova, e.iova);
		if (i)
			assert_int_equal(e.seq, prev.seq + 1);
		prev = e;
	}
	assert_int_equal(prev.seq, 799);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dma_mappings, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_handles, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_irq_index_state, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_fault_log, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_fault_log_drops_oldest, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_fault_log_concurrent, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
