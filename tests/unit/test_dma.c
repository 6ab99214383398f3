// SPDX-License-Identifier: MIT
/* core/dma.c: the container's mapping list, its checks, layouts, and the kernel's answers. */

#include <stdlib.h>

#include "hookbe.h"
#include "testutil.h"

#define RW (VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE)
#define PAGES 64

struct dma_fixture {
	struct t_fixture *f;
	struct vfio_device *d;
	uint8_t *mem;
	int cfd;
};

static int setup(void **state)
{
	struct dma_fixture *x = calloc(1, sizeof(*x));

	x->f = t_fixture_new(1);
	x->d = t_open_pci(x->f);
	x->mem = t_pages(PAGES);
	x->cfd = vfio_container_fd(x->f->c);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct dma_fixture *x = *state;

	assert_ok(vfio_device_close(x->d));
	t_fixture_free(x->f);
	t_pages_free(x->mem, PAGES);
	free(x);
	return 0;
}

static size_t count(struct dma_fixture *x)
{
	size_t n;

	assert_ok(vfio_dma_list(x->f->c, NULL, 0, &n));
	return n;
}

static void map_unmap(void **state)
{
	struct dma_fixture *x = *state;
	uint64_t unmapped = 0;

	assert_ok(vfio_dma_map(x->f->c, 0x100000, 0x4000, x->mem, RW));
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 1);
	assert_int_equal(count(x), 1);
	assert_ok(vfio_dma_unmap(x->f->c, 0x100000, 0x4000, &unmapped));
	assert_int_equal(unmapped, 0x4000);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 0);
	assert_int_equal(count(x), 0);
}

static void device_sees_the_memory(void **state)
{
	struct dma_fixture *x = *state;
	char buf[6] = { 0 };

	assert_ok(vfio_dma_map(x->f->c, 0x200000, 0x2000, x->mem, RW));
	assert_ok(vfio_sim_dma_write(x->f->pci, 0x200ffe, "hello", 6));
	assert_string_equal((char *)x->mem + 0xffe, "hello");
	memcpy(x->mem + 0x10, "world", 6);
	assert_ok(vfio_sim_dma_read(x->f->pci, 0x200010, buf, 6));
	assert_string_equal(buf, "world");
	/* outside the mapping: an IOMMU fault, not a crash */
	assert_int_equal(vfio_sim_dma_read(x->f->pci, 0x202000, buf, 1), -EFAULT);
	assert_int_equal(vfio_sim_iommu_faults(x->f->sim), 1);
	/* read-only for the device */
	assert_ok(vfio_dma_map(x->f->c, 0x300000, 0x1000, x->mem + 0x8000, VFIO_DMA_PROT_READ));
	assert_int_equal(vfio_sim_dma_write(x->f->pci, 0x300000, "x", 1), -EFAULT);
	assert_int_equal(vfio_sim_iommu_faults(x->f->sim), 2);
}

static void range_checks(void **state)
{
	struct dma_fixture *x = *state;

	assert_err(vfio_dma_map(x->f->c, 0x100000, 0, x->mem, RW), EINVAL);
	assert_err(vfio_dma_map(x->f->c, 0x100800, 0x1000, x->mem, RW), EINVAL);
	assert_msg_has("not 4 KiB aligned");
	assert_err(vfio_dma_map(x->f->c, 0x100000, 0x1800, x->mem, RW), EINVAL);
	assert_err(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem + 8, RW), EINVAL);
	assert_msg_has("host address");
	assert_err(vfio_dma_map(x->f->c, UINT64_MAX - 0xfff, 0x2000, x->mem, RW), EINVAL);
	assert_msg_has("wraps");
	assert_err(vfio_dma_map(x->f->c, 0x100000, 0x2000, (void *)(UINTPTR_MAX - 0xfff), RW),
		   EINVAL);
	assert_err(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem, 0), EINVAL);
	assert_msg_has("prot 0x0");
	assert_err(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem, 4), EINVAL);
	assert_err(vfio_dma_unmap(x->f->c, 0x100000, 0, NULL), EINVAL);
	assert_err(vfio_dma_unmap(x->f->c, 0x100001, 0x1000, NULL), EINVAL);
	assert_err(vfio_dma_unmap(x->f->c, UINT64_MAX - 0xfff, 0x2000, NULL), EINVAL);
	assert_int_equal(vfio_fault_calls(x->f->be, VFIO_OP_IOMMU_MAP_DMA), 0);
	assert_int_equal(vfio_fault_calls(x->f->be, VFIO_OP_IOMMU_UNMAP_DMA), 0);
}

static void top_of_the_iova_space(void **state)
{
	struct dma_fixture *x = *state;
	uint64_t top = UINT64_MAX - 0xfff; /* the last page: its end is 2^64, which must not wrap */

	/* no wrap; the container's IOVA ranges refuse it first, with the kernel's errno */
	assert_err(vfio_dma_map(x->f->c, top, 0x1000, x->mem, RW), EINVAL);
	assert_msg_has("outside the IOMMU's IOVA ranges");
	assert_int_equal(vfio_fault_calls(x->f->be, VFIO_OP_IOMMU_MAP_DMA), 0);
}

static void overlap_is_eexist(void **state)
{
	struct dma_fixture *x = *state;

	assert_ok(vfio_dma_map(x->f->c, 0x100000, 0x4000, x->mem, RW));
	assert_err(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem, RW), EEXIST);
	assert_msg_has("overlaps the mapping [0x100000, +0x4000)");
	assert_err(vfio_dma_map(x->f->c, 0x103000, 0x2000, x->mem, RW), EEXIST);
	assert_err(vfio_dma_map(x->f->c, 0x0ff000, 0x2000, x->mem, RW), EEXIST);
	assert_err(vfio_dma_map(x->f->c, 0x0f0000, 0x20000, x->mem, RW), EEXIST);
	/* touching is not overlapping */
	assert_ok(vfio_dma_map(x->f->c, 0x104000, 0x1000, x->mem, RW));
	assert_ok(vfio_dma_map(x->f->c, 0x0ff000, 0x1000, x->mem, RW));
	assert_int_equal(count(x), 3);
}

static void unmap_split_is_einval(void **state)
{
	struct dma_fixture *x = *state;
	uint64_t unmapped = 1;

	assert_ok(vfio_dma_map(x->f->c, 0x100000, 0x4000, x->mem, RW));
	assert_err(vfio_dma_unmap(x->f->c, 0x101000, 0x1000, &unmapped), EINVAL);
	assert_msg_has("would split the mapping [0x100000, +0x4000)");
	assert_int_equal(unmapped, 0);
	assert_err(vfio_dma_unmap(x->f->c, 0x0ff000, 0x2000, NULL), EINVAL);
	assert_err(vfio_dma_unmap(x->f->c, 0x103000, 0x2000, NULL), EINVAL);
	assert_int_equal(count(x), 1);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 1);
}

static void unmap_hole_reports_what_went(void **state)
{
	struct dma_fixture *x = *state;
	uint64_t unmapped = 0;

	assert_ok(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem, RW));
	assert_ok(vfio_dma_map(x->f->c, 0x103000, 0x1000, x->mem, RW));
	assert_err(vfio_dma_unmap(x->f->c, 0x100000, 0x4000, &unmapped), ENOENT);
	assert_int_equal(unmapped, 0x2000);
	assert_msg_has("only 0x2000 bytes were mapped there");
	assert_int_equal(count(x), 0);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 0);
	/* nothing at all there */
	assert_err(vfio_dma_unmap(x->f->c, 0x100000, 0x1000, &unmapped), ENOENT);
	assert_int_equal(unmapped, 0);
}

static void unmap_several_at_once(void **state)
{
	struct dma_fixture *x = *state;
	uint64_t unmapped;

	for (int i = 0; i < 4; i++)
		assert_ok(vfio_dma_map(x->f->c, 0x100000 + i * 0x1000, 0x1000, x->mem + i * 0x1000, RW));
	assert_ok(vfio_dma_unmap(x->f->c, 0x101000, 0x2000, &unmapped));
	assert_int_equal(unmapped, 0x2000);
	assert_int_equal(count(x), 2);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 2);
}

static void unmap_all(void **state)
{
	struct dma_fixture *x = *state;
	uint64_t unmapped;

	for (int i = 0; i < 5; i++)
		assert_ok(vfio_dma_map(x->f->c, 0x100000 + i * 0x10000, 0x2000, x->mem, RW));
	assert_ok(vfio_dma_unmap_all(x->f->c, &unmapped));
	assert_int_equal(unmapped, 5 * 0x2000);
	assert_int_equal(count(x), 0);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 0);
	assert_int_equal(vfio_fault_calls(x->f->be, VFIO_OP_IOMMU_UNMAP_DMA), 1);
	assert_ok(vfio_dma_unmap_all(x->f->c, NULL));
}

static void unmap_all_failure(void **state)
{
	struct dma_fixture *x = *state;
	uint64_t unmapped = 1;

	assert_ok(vfio_dma_map(x->f->c, 0x100000, 0x2000, x->mem, RW));
	assert_ok(vfio_fault_inject(x->f->be, VFIO_OP_IOMMU_UNMAP_DMA, 1, EIO));
	assert_err(vfio_dma_unmap_all(x->f->c, &unmapped), EIO);
	assert_int_equal(unmapped, 0);
	assert_int_equal(count(x), 1);
}

/* Without a group, the container checks and keeps the list by itself. */
static void list_without_group(void **state)
{
	struct t_fixture *f = *state;
	uint8_t *mem = t_pages(4);
	struct vfio_dma_region out[4];
	uint64_t unmapped;
	size_t n;

	assert_ok(vfio_dma_map(f->c, 0x300000, 0x1000, mem, RW));
	assert_ok(vfio_dma_map(f->c, 0x100000, 0x1000, mem + 0x1000, VFIO_DMA_PROT_READ));
	assert_ok(vfio_dma_map(f->c, 0x200000, 0x2000, mem + 0x2000, RW));
	assert_err(vfio_dma_map(f->c, 0x200000, 0x1000, mem, RW), EEXIST);
	assert_ok(vfio_dma_list(f->c, out, 4, &n));
	assert_int_equal(n, 3);
	assert_int_equal(out[0].iova, 0x100000);
	assert_ptr_equal(out[0].vaddr, mem + 0x1000);
	assert_int_equal(out[0].prot, VFIO_DMA_PROT_READ);
	assert_int_equal(out[1].iova, 0x200000);
	assert_int_equal(out[2].iova, 0x300000);
	/* a list that does not fit: the count says how many to ask for */
	memset(out, 0, sizeof(out));
	assert_ok(vfio_dma_list(f->c, out, 1, &n));
	assert_int_equal(n, 3);
	assert_int_equal(out[0].iova, 0x100000);
	assert_int_equal(out[1].iova, 0);
	assert_err(vfio_dma_list(f->c, NULL, 1, &n), EINVAL);
	assert_err(vfio_dma_list(f->c, out, 1, NULL), EINVAL);
	assert_err(vfio_dma_unmap(f->c, 0x200000, 0x1000, NULL), EINVAL);
	assert_ok(vfio_dma_unmap(f->c, 0x200000, 0x2000, &unmapped));
	assert_int_equal(unmapped, 0x2000);
	assert_ok(vfio_dma_unmap_all(f->c, &unmapped));
	assert_int_equal(unmapped, 0x2000);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_IOMMU_MAP_DMA), 0);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_IOMMU_UNMAP_DMA), 0);
	t_pages_free(mem, 4);
}

static void mappings_survive_devices(void **state)
{
	struct dma_fixture *x = *state;
	size_t n;

	assert_ok(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem, RW));
	assert_ok(vfio_device_close(x->d));
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 0);
	assert_ok(vfio_dma_list(x->f->c, NULL, 0, &n));
	assert_int_equal(n, 1);
	x->d = t_open_pci(x->f);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 1);
	assert_ok(vfio_sim_dma_write(x->f->pci, 0x100000, "ok", 3));
	assert_string_equal((char *)x->mem, "ok");
}

static void kernel_errors(void **state)
{
	struct dma_fixture *x = *state;

	assert_ok(vfio_fault_inject(x->f->be, VFIO_OP_IOMMU_MAP_DMA, 1, EFAULT));
	assert_err(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem, RW), EFAULT);
	assert_string_equal(vfio_last_error(),
			    "VFIO_IOMMU_MAP_DMA [0x100000, +0x1000): Bad address");
	assert_int_equal(count(x), 0);
	assert_ok(vfio_dma_map(x->f->c, 0x100000, 0x1000, x->mem, RW));
	assert_ok(vfio_fault_inject(x->f->be, VFIO_OP_IOMMU_UNMAP_DMA, 1, EIO));
	assert_err(vfio_dma_unmap(x->f->c, 0x100000, 0x1000, NULL), EIO);
	assert_int_equal(count(x), 1);
}

static void entry_limit_is_enospc(void **state)
{
	struct dma_fixture *x = *state;

	/* read when the IOMMU is set up, as type1's module parameter is */
	assert_ok(vfio_device_close(x->d));
	vfio_sim_set_dma_entry_limit(x->f->sim, 4);
	x->d = t_open_pci(x->f);
	for (int i = 0; i < 4; i++)
		assert_ok(vfio_dma_map(x->f->c, 0x100000 + i * 0x2000, 0x1000, x->mem, RW));
	assert_err(vfio_dma_map(x->f->c, 0x200000, 0x1000, x->mem, RW), ENOSPC);
	assert_int_equal(count(x), 4);
}

static void layout_maps_all(void **state)
{
	struct dma_fixture *x = *state;
	const struct vfio_dma_region layout[] = {
		{ 0x0, 0x8000, x->mem, RW },
		{ 0x100000, 0x4000, x->mem + 0x8000, VFIO_DMA_PROT_READ },
		{ 0x80000000, 0x1000, x->mem + 0xc000, RW },
	};

	assert_ok(vfio_dma_map_layout(x->f->c, layout, 3));
	assert_int_equal(count(x), 3);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 3);
	assert_ok(vfio_dma_unmap_layout(x->f->c, layout, 3));
	assert_int_equal(count(x), 0);
	assert_ok(vfio_dma_map_layout(x->f->c, layout, 0));
	assert_err(vfio_dma_map_layout(x->f->c, NULL, 1), EINVAL);
	assert_err(vfio_dma_unmap_layout(x->f->c, NULL, 1), EINVAL);
}

static void layout_rolls_back_on_bad_region(void **state)
{
	struct dma_fixture *x = *state;
	const struct vfio_dma_region layout[] = {
		{ 0x0, 0x8000, x->mem, RW },
		{ 0x100000, 0x4000, x->mem + 0x8000, RW },
		{ 0x4000, 0x1000, x->mem, RW }, /* overlaps the first */
	};

	assert_err(vfio_dma_map_layout(x->f->c, layout, 3), EEXIST);
	assert_msg_has("vfio_dma_map_layout region 2: vfio_dma_map [0x4000, +0x1000)");
	assert_int_equal(count(x), 0);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 0);
}

static void layout_rolls_back_on_kernel_error(void **state)
{
	struct dma_fixture *x = *state;
	const struct vfio_dma_region layout[] = {
		{ 0x0, 0x8000, x->mem, RW },
		{ 0x100000, 0x4000, x->mem + 0x8000, RW },
		{ 0x200000, 0x1000, x->mem, RW },
	};

	assert_ok(vfio_fault_inject(x->f->be, VFIO_OP_IOMMU_MAP_DMA, 2, ENOMEM));
	assert_err(vfio_dma_map_layout(x->f->c, layout, 3), ENOMEM);
	assert_msg_has("region 1");
	assert_int_equal(count(x), 0);
	assert_int_equal(vfio_sim_dma_count(x->f->sim, x->cfd), 0);
}

static void unmap_layout_goes_on_past_errors(void **state)
{
	struct dma_fixture *x = *state;
	const struct vfio_dma_region layout[] = {
		{ 0x0, 0x8000, x->mem, RW },
		{ 0x100000, 0x4000, x->mem + 0x8000, RW },
		{ 0x200000, 0x1000, x->mem, RW },
	};

	assert_ok(vfio_dma_map_layout(x->f->c, layout, 3));
	assert_ok(vfio_dma_unmap(x->f->c, 0x100000, 0x4000, NULL));
	assert_err(vfio_dma_unmap_layout(x->f->c, layout, 3), ENOENT);
	assert_msg_has("vfio_dma_unmap_layout region 1");
	assert_int_equal(count(x), 0);
}

static void many_mappings_stay_sorted(void **state)
{
	struct dma_fixture *x = *state;
	struct vfio_dma_region *out = calloc(1000, sizeof(*out));
	size_t n;

	/* a scattered order: 0, 7, 14, ... mod 1000 */
	for (unsigned int i = 0; i < 1000; i++)
		assert_ok(vfio_dma_map(x->f->c, ((i * 7) % 1000) * 0x2000ull, 0x1000, x->mem, RW));
	assert_ok(vfio_dma_list(x->f->c, out, 1000, &n));
	assert_int_equal(n, 1000);
	for (unsigned int i = 0; i < 1000; i++)
		assert_int_equal(out[i].iova, i * 0x2000ull);
	assert_err(vfio_dma_map(x->f->c, 500 * 0x2000ull, 0x1000, x->mem, RW), EEXIST);
	assert_ok(vfio_dma_map(x->f->c, 500 * 0x2000ull + 0x1000, 0x1000, x->mem, RW));
	free(out);
}

static int no_unmap_all(struct vfio_backend *be, int fd, unsigned long ext)
{
	struct t_hook *h = t_hook_of(be);

	return ext == VFIO_UNMAP_ALL ? 0 : h->inner->ops->check_extension(h->inner, fd, ext);
}

/* A kernel without VFIO_UNMAP_ALL (before 5.12): one UNMAP_DMA per mapping. */
static void unmap_all_one_by_one(void **state)
{
	struct t_fixture *f = *state;
	uint8_t *mem = t_pages(4);
	struct vfio_container *c;
	struct vfio_device *d;
	uint64_t unmapped;
	struct t_hook h;

	t_hook_init(&h, f->be);
	h.ops.check_extension = no_unmap_all;
	assert_ok(vfio_container_open(&h.base, &c));
	assert_ok(vfio_device_open(c, T_GROUP, T_PCI, &d));
	for (int i = 0; i < 3; i++)
		assert_ok(vfio_dma_map(c, 0x100000 + i * 0x10000, 0x1000, mem, RW));
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_IOMMU_UNMAP_DMA, 2, EIO));
	assert_err(vfio_dma_unmap_all(c, &unmapped), EIO);
	assert_int_equal(unmapped, 0x1000);
	assert_int_equal(vfio_sim_dma_count(f->sim, vfio_container_fd(c)), 2);
	assert_ok(vfio_dma_unmap_all(c, &unmapped));
	assert_int_equal(unmapped, 0x2000);
	assert_int_equal(vfio_sim_dma_count(f->sim, vfio_container_fd(c)), 0);
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_IOMMU_UNMAP_DMA), 4);
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
	t_pages_free(mem, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(map_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(device_sees_the_memory, setup, teardown),
		cmocka_unit_test_setup_teardown(range_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(top_of_the_iova_space, setup, teardown),
		cmocka_unit_test_setup_teardown(overlap_is_eexist, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_split_is_einval, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_hole_reports_what_went, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_several_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_all, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_all_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(list_without_group, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mappings_survive_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(entry_limit_is_enospc, setup, teardown),
		cmocka_unit_test_setup_teardown(layout_maps_all, setup, teardown),
		cmocka_unit_test_setup_teardown(layout_rolls_back_on_bad_region, setup, teardown),
		cmocka_unit_test_setup_teardown(layout_rolls_back_on_kernel_error, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_layout_goes_on_past_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(many_mappings_stay_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_all_one_by_one, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
