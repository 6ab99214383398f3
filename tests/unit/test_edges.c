// SPDX-License-Identifier: MIT
/*
 * Every range check of the public API, at its edges: 0, the page size, the
 * last valid value, one past it, and the u64 (or size_t) limits, so that an
 * off-by-one or a wrapping sum shows here first.  The checks, in one place:
 *
 *   region read/write   offset + len inside the region     core/region.c usable()
 *   irq set/trigger     start + count inside the index     core/irq.c
 *   DMA map             iova, size, vaddr: aligned, no wrap core/dma.c map_locked()
 *   DMA unmap           iova, size: aligned, no wrap        core/dma.c
 *   DMA list            room 0                              core/dma.c vfio_dma_list()
 *
 * (Capability chains are bounded in core/caps.c and fuzzed by
 * tests/fuzz/fuzz_region_caps.c; sysfs names by fuzz_sysfs.c.)
 */

#include <stdlib.h>
#include <unistd.h>

#include "testutil.h"

#define PAGE 4096ull

static void region_offsets(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	uint8_t buf[8] = { 0 };
	const uint64_t size = T_BAR0_SIZE;

	/* at 0 */
	assert_ok(vfio_region_read(d, 0, 0, buf, 0, NULL));
	assert_ok(vfio_region_read(d, 0, 0, buf, 1, NULL));
	assert_ok(vfio_region_write(d, 0, 0, buf, 8, NULL));
	/* at the page size */
	assert_ok(vfio_region_read(d, 0, PAGE, buf, 8, NULL));
	assert_ok(vfio_region_read(d, 0, PAGE - 1, buf, 1, NULL));
	/* the last byte, the end, one past */
	assert_ok(vfio_region_read(d, 0, size - 1, buf, 1, NULL));
	assert_ok(vfio_region_read(d, 0, size, buf, 0, NULL));
	assert_err(vfio_region_read(d, 0, size, buf, 1, NULL), EINVAL);
	assert_err(vfio_region_read(d, 0, size - 1, buf, 2, NULL), EINVAL);
	assert_err(vfio_region_write(d, 0, size + 1, buf, 0, NULL), EINVAL);
	/* the u64 and size_t limits: no sum may wrap into the region */
	assert_err(vfio_region_read(d, 0, UINT64_MAX, buf, 1, NULL), EINVAL);
	assert_err(vfio_region_read(d, 0, UINT64_MAX, buf, 0, NULL), EINVAL);
	assert_err(vfio_region_read(d, 0, UINT64_MAX - 7, buf, 8, NULL), EINVAL);
	assert_err(vfio_region_write(d, 0, 1, buf, SIZE_MAX, NULL), EINVAL);
	assert_err(vfio_region_write(d, 0, 0, buf, SIZE_MAX, NULL), EINVAL);
	assert_err(vfio_region_read(d, UINT32_MAX, 0, buf, 1, NULL), EINVAL);
	/* none of the refused ones reached the backend */
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_PREAD), 6);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_PWRITE), 1);
	assert_ok(vfio_device_close(d));
}

static void irq_ranges(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	int32_t fds[2] = { -1, -1 };
	const unsigned int msix = VFIO_PCI_MSIX_IRQ_INDEX;

	fds[0] = t_eventfd();
	fds[1] = t_eventfd();
	/* start at 0 and at the last vector; count 0 disables nothing new */
	assert_ok(vfio_irq_set_eventfds(d, msix, 0, fds, 1));
	assert_ok(vfio_irq_set_eventfds(d, msix, T_MSIX_COUNT - 1, fds + 1, 1));
	/* one past the last, and the u32 limits */
	assert_err(vfio_irq_set_eventfds(d, msix, T_MSIX_COUNT - 1, fds, 2), EINVAL);
	assert_err(vfio_irq_set_eventfds(d, msix, T_MSIX_COUNT, fds, 1), EINVAL);
	assert_err(vfio_irq_set_eventfds(d, msix, UINT32_MAX, fds, 1), EINVAL);
	assert_err(vfio_irq_set_eventfds(d, msix, 1, fds, UINT32_MAX), EINVAL);
	assert_err(vfio_irq_trigger(d, msix, T_MSIX_COUNT), EINVAL);
	assert_err(vfio_irq_trigger(d, msix, UINT32_MAX), EINVAL);
	assert_err(vfio_irq_unmask(d, VFIO_PCI_INTX_IRQ_INDEX, 1), EINVAL);
	assert_err(vfio_irq_mask(d, VFIO_PCI_INTX_IRQ_INDEX, UINT32_MAX), EINVAL);
	assert_err(vfio_irq_trigger(d, UINT32_MAX, 0), EINVAL);
	assert_ok(vfio_irq_trigger(d, msix, T_MSIX_COUNT - 1));
	assert_int_equal(t_eventfd_read(fds[1]), 1);
	assert_ok(vfio_irq_disable(d, msix));
	close(fds[0]);
	close(fds[1]);
	assert_ok(vfio_device_close(d));
}

static void dma_map_edges(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	uint8_t *mem = t_pages(2);
	const uint32_t rw = VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE;
	struct vfio_iommu_range ranges[8];
	uint64_t unmapped = 0, last;
	size_t nr = 0;

	/* size 0, and sizes one off the page */
	assert_err(vfio_dma_map(f->c, 0, 0, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, 0, PAGE - 1, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, 0, PAGE + 1, mem, rw), EINVAL);
	/* iova and host address one off the page */
	assert_err(vfio_dma_map(f->c, 1, PAGE, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, PAGE - 1, PAGE, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, 0, PAGE, mem + 1, rw), EINVAL);
	/* the u64 limits: ranges that wrap */
	assert_err(vfio_dma_map(f->c, UINT64_MAX, PAGE, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, UINT64_MAX - PAGE + 1, 2 * PAGE, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, 0, UINT64_MAX, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, PAGE, UINT64_MAX - PAGE + 1, mem, rw), EINVAL);
	assert_err(vfio_dma_map(f->c, 0, 2 * PAGE, (void *)(uintptr_t)(UINTPTR_MAX - PAGE + 1),
				rw), EINVAL);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_IOMMU_MAP_DMA), 0);
	/* the last page of the address space does not wrap: the kernel judges it */
	assert_err(vfio_dma_map(f->c, 0, PAGE, (void *)(uintptr_t)(UINTPTR_MAX - PAGE + 1), rw),
		   EFAULT);
	/* at 0 and at the page size: fine, and adjacent */
	assert_ok(vfio_dma_map(f->c, 0, PAGE, mem, rw));
	assert_ok(vfio_dma_map(f->c, PAGE, PAGE, mem + PAGE, rw));
	assert_err(vfio_dma_map(f->c, PAGE, PAGE, mem, rw), EEXIST);
	assert_err(vfio_dma_map(f->c, 0, 2 * PAGE, mem, rw), EEXIST);
	/* the last page of the last IOVA range maps; the page after it does not */
	assert_ok(vfio_iommu_ranges(f->c, ranges, 8, &nr));
	assert_in_range(nr, 1, 8);
	last = ranges[nr - 1].last;
	assert_ok(vfio_dma_map(f->c, last - PAGE + 1, PAGE, mem, rw));
	assert_ok(vfio_dma_unmap(f->c, last - PAGE + 1, PAGE, &unmapped));
	assert_int_equal(unmapped, PAGE);
	if (last != UINT64_MAX)
		assert_err(vfio_dma_map(f->c, last + 1, PAGE, mem, rw), EINVAL);
	assert_ok(vfio_dma_unmap(f->c, 0, 2 * PAGE, &unmapped));
	assert_int_equal(unmapped, 2 * PAGE);
	assert_ok(vfio_device_close(d));
	t_pages_free(mem, 2);
}

static void dma_unmap_edges(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	uint8_t *mem = t_pages(1);
	const uint32_t rw = VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE;
	struct vfio_dma_region list[1];
	size_t count = 99;

	assert_ok(vfio_dma_map(f->c, PAGE, PAGE, mem, rw));
	assert_err(vfio_dma_unmap(f->c, PAGE, 0, NULL), EINVAL);
	assert_err(vfio_dma_unmap(f->c, PAGE + 1, PAGE, NULL), EINVAL);
	assert_err(vfio_dma_unmap(f->c, PAGE, PAGE - 1, NULL), EINVAL);
	assert_err(vfio_dma_unmap(f->c, UINT64_MAX - PAGE + 1, 2 * PAGE, NULL), EINVAL);
	assert_err(vfio_dma_unmap(f->c, 0, UINT64_MAX, NULL), EINVAL);
	/* room 0 still counts */
	assert_ok(vfio_dma_list(f->c, NULL, 0, &count));
	assert_int_equal(count, 1);
	assert_ok(vfio_dma_list(f->c, list, 1, &count));
	assert_int_equal(list[0].iova, PAGE);
	assert_ok(vfio_dma_unmap(f->c, PAGE, PAGE, NULL));
	assert_ok(vfio_dma_list(f->c, NULL, 0, &count));
	assert_int_equal(count, 0);
	assert_ok(vfio_device_close(d));
	t_pages_free(mem, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(region_offsets, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(irq_ranges, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(dma_map_edges, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(dma_unmap_edges, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
