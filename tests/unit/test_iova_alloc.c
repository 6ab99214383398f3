// SPDX-License-Identifier: MIT
/*
 * core/iommu.c's IOVA allocator and mapping check, on a container whose IOMMU
 * state the test sets itself: lowest fit, around mappings and reservations,
 * at 0, at the page size and at the top of the 64-bit space.
 */

#include <stdlib.h>

#include "private.h"
#include "testutil.h"

#define PG 0x1000ull
#define TOP UINT64_MAX

struct box {
	struct vfio_container c;
	struct vfio_iommu_range ranges[4];
	struct vfio_dma_region maps[8];
};

/* A container whose IOMMU maps @nr ranges of @r with @pgsizes pages. */
static void setup(struct box *b, enum vfio_container_mode mode, uint64_t pgsizes,
		  const struct vfio_iommu_range *r, size_t nr)
{
	struct vfio_iommu_range *copy = malloc(nr * sizeof(*copy) + 1);

	assert_non_null(copy);
	memcpy(copy, r, nr * sizeof(*copy));
	memset(b, 0, sizeof(*b));
	b->c.mode = mode;
	b->c.maps = b->maps;
	b->c.iommu = (struct vfio_iommu_state){
		.known = true, .pgsizes = pgsizes, .ranges = copy, .nr_ranges = nr,
		.dma_limit = VFIO_DMA_AVAIL_UNLIMITED,
	};
}

static void teardown(struct box *b)
{
	vfio_iommu_release(&b->c);
}

static void map(struct box *b, uint64_t iova, uint64_t size)
{
	b->maps[b->c.nr_maps++] = (struct vfio_dma_region){ .iova = iova, .size = size };
}

static uint64_t alloc(struct box *b, uint64_t size, uint64_t align)
{
	uint64_t iova = 0xdead;

	assert_ok(vfio_iova_alloc(&b->c, size, align, &iova));
	return iova;
}

static void test_lowest_fit(void **state)
{
	static const struct vfio_iommu_range r[] = { { 0, 0xfedfffff },
						     { 0xfef00000, 0xffffffffffff } };
	struct box b;

	(void)state;
	setup(&b, VFIO_CONTAINER_LEGACY, 0x40201000, r, 2);
	assert_int_equal(alloc(&b, PG, 0), 0); /* at 0 */
	assert_int_equal(alloc(&b, PG, 0), PG); /* right after the first */
	assert_int_equal(alloc(&b, 2 * PG, 0x4000), 0x4000); /* aligned past them */
	assert_int_equal(alloc(&b, PG, 0), 2 * PG); /* the hole left below */
	assert_int_equal(alloc(&b, PG, 1), 3 * PG); /* an alignment below the page: a page */
	/* freeing one makes its place the lowest again */
	assert_ok(vfio_iova_free(&b.c, PG, PG));
	assert_int_equal(alloc(&b, PG, 0), PG);
	/* larger than the first range's rest: the second range */
	assert_int_equal(alloc(&b, 0x100000000ull, 0), 0xfef00000);
	/* larger than any range */
	assert_err(vfio_iova_alloc(&b.c, 0x1000000000000ull, 0, &(uint64_t){ 0 }), ENOSPC);
	assert_msg_has("no free");
	teardown(&b);
}

static void test_around_mappings(void **state)
{
	static const struct vfio_iommu_range r[] = { { 0x10000, 0x3ffff } };
	struct box b;

	(void)state;
	setup(&b, VFIO_CONTAINER_LEGACY, PG, r, 1);
	map(&b, 0x10000, PG);
	map(&b, 0x12000, 2 * PG);
	assert_int_equal(alloc(&b, PG, 0), 0x11000); /* between the two mappings */
	/* a reservation and a mapping at the same place: jumped past the longer */
	map(&b, 0x15000, PG);
	assert_int_equal(alloc(&b, PG, 0), 0x14000);
	assert_int_equal(alloc(&b, 2 * PG, 0), 0x16000);
	/* a mapping inside a reservation does not consume it */
	b.c.nr_maps = 0;
	map(&b, 0x16000, PG);
	assert_int_equal(alloc(&b, PG, 0), 0x10000);
	assert_int_equal(alloc(&b, PG, 0), 0x12000);
	/* overlapping a reservation that ends further than the mapping */
	assert_int_equal(alloc(&b, 3 * PG, 0), 0x18000);
	/* an alignment none of the range can meet after the mappings */
	assert_err(vfio_iova_alloc(&b.c, PG, 0x40000, &(uint64_t){ 0 }), ENOSPC);
	/* every page: more reservations than the list first holds */
	for (uint64_t i = 0; i < 0x30000 / PG - 9; i++)
		alloc(&b, PG, 0);
	assert_err(vfio_iova_alloc(&b.c, PG, 0, &(uint64_t){ 0 }), ENOSPC);
	assert_int_equal(b.c.iommu.nr_resv, 45); /* 6 of 9 pages, then 39 of 1 */
	for (size_t i = 1; i < b.c.iommu.nr_resv; i++)
		assert_true(b.c.iommu.resv[i].start > b.c.iommu.resv[i - 1].last);
	teardown(&b);
}

static void test_top_of_space(void **state)
{
	static const struct vfio_iommu_range all[] = { { 0, TOP } };
	static const struct vfio_iommu_range high[] = { { TOP - 0x3fff, TOP } };
	static const struct vfio_iommu_range odd[] = { { TOP - 0x1800, TOP - 0x800 } };
	struct box b;

	(void)state;
	setup(&b, VFIO_CONTAINER_LEGACY, PG, all, 1);
	/* the very last page; then a block ending at the top leaves nothing above it */
	map(&b, 0, TOP - PG + 1);
	assert_int_equal(alloc(&b, PG, 0), TOP - PG + 1);
	assert_err(vfio_iova_alloc(&b.c, PG, 0, &(uint64_t){ 0 }), ENOSPC);
	b.c.nr_maps = 0;
	/* an alignment of 2^63 */
	assert_int_equal(alloc(&b, PG, 1ull << 63), 0);
	assert_int_equal(alloc(&b, PG, 1ull << 63), 1ull << 63);
	/* the next 2^63 boundary is past the top */
	assert_err(vfio_iova_alloc(&b.c, PG, 1ull << 63, &(uint64_t){ 0 }), ENOSPC);
	/* the largest size there is */
	assert_err(vfio_iova_alloc(&b.c, TOP - PG + 1, 0, &(uint64_t){ 0 }), ENOSPC);
	teardown(&b);

	setup(&b, VFIO_CONTAINER_LEGACY, PG, high, 1);
	assert_int_equal(alloc(&b, 4 * PG, 0), TOP - 0x3fff);
	assert_err(vfio_iova_alloc(&b.c, PG, 0, &(uint64_t){ 0 }), ENOSPC);
	teardown(&b);

	/* a range whose aligned start passes its end; and whose start cannot be aligned */
	setup(&b, VFIO_CONTAINER_LEGACY, PG, odd, 1);
	assert_err(vfio_iova_alloc(&b.c, PG, 0, &(uint64_t){ 0 }), ENOSPC);
	assert_err(vfio_iova_alloc(&b.c, PG, 0x4000, &(uint64_t){ 0 }), ENOSPC);
	teardown(&b);
}

static void test_bad_args(void **state)
{
	static const struct vfio_iommu_range r[] = { { 0, TOP } };
	struct box b;
	uint64_t iova;

	(void)state;
	setup(&b, VFIO_CONTAINER_IOMMUFD, ~0xffffull, r, 1); /* 64 KiB pages */
	assert_err(vfio_iova_alloc(&b.c, 0, 0, &iova), EINVAL);
	assert_err(vfio_iova_alloc(&b.c, PG, 0, &iova), EINVAL);
	assert_msg_has("multiple of 0x10000");
	assert_err(vfio_iova_alloc(&b.c, 0x10000, 0x3000, &iova), EINVAL);
	assert_err(vfio_iova_alloc(NULL, 0x10000, 0, &iova), EINVAL);
	assert_err(vfio_iova_alloc(&b.c, 0x10000, 0, NULL), EINVAL);
	assert_int_equal(alloc(&b, 0x10000, 0), 0);
	assert_int_equal(alloc(&b, 0x10000, 0), 0x10000);
	assert_err(vfio_iova_free(&b.c, 0, PG), ENOENT);
	assert_msg_has("no such reservation");
	assert_err(vfio_iova_free(&b.c, 0, 0), ENOENT);
	assert_err(vfio_iova_free(&b.c, 0x8000, 0x10000), ENOENT);
	assert_err(vfio_iova_free(NULL, 0, 0x10000), EINVAL);
	/* a reservation outlives the IOMMU; allocating needs one */
	vfio_iommu_forget_locked(&b.c);
	assert_err(vfio_iova_alloc(&b.c, 0x10000, 0, &iova), ENODEV);
	assert_ok(vfio_iova_free(&b.c, 0x10000, 0x10000));
	assert_ok(vfio_iova_free(&b.c, 0, 0x10000));
	assert_int_equal(b.c.iommu.nr_resv, 0);
	teardown(&b);
}

static int check(struct box *b, uint64_t iova, uint64_t size, uintptr_t va)
{
	vfio_clear_error();
	return vfio_iommu_check_map_locked(&b->c, iova, size, (const void *)va, true);
}

static void test_check_map(void **state)
{
	static const struct vfio_iommu_range r[] = { { 0x10000, 0x1ffff }, { 0x40000, TOP } };
	struct box b;

	(void)state;
	setup(&b, VFIO_CONTAINER_LEGACY, 0x201000, r, 2);
	assert_int_equal(check(&b, 0x10000, 0x10000, 0x7000), 0);
	assert_int_equal(check(&b, 0x40000, TOP - 0x40000 + 1, 0), 0); /* up to the top */
	assert_int_equal(check(&b, 0x10800, PG, 0), -EINVAL);
	assert_msg_has("not aligned to the IOMMU's 0x1000-byte pages");
	assert_int_equal(check(&b, 0x10000, 0x800, 0), -EINVAL);
	assert_int_equal(check(&b, 0x10000, PG, 0x800), -EINVAL);
	assert_int_equal(check(&b, 0x10000, 0, 0), -EINVAL);
	assert_int_equal(check(&b, 0x41000, TOP - 0x40000 + 1, 0), -EINVAL); /* wraps */
	assert_msg_has("wraps");
	assert_int_equal(check(&b, 0x1f000, 2 * PG, 0), -EINVAL); /* across a range's end */
	assert_msg_has("mapping [0x1f000, +0x2000): outside the IOMMU's IOVA ranges");
	assert_int_equal(check(&b, 0x20000, PG, 0), -EINVAL); /* between the ranges */
	assert_int_equal(check(&b, 0, PG, 0), -EINVAL); /* below them */
	/* the entry limit: ENOSPC before the range check, as type1 orders them */
	b.c.iommu.dma_limit = 1;
	map(&b, 0x10000, PG);
	assert_int_equal(check(&b, 0x0, PG, 0), -ENOSPC);
	assert_msg_has("no more than 1 mappings");
	b.c.iommu.dma_limit = 2;
	assert_int_equal(check(&b, 0x11000, PG, 0), 0);
	/* nothing known: the kernel judges */
	vfio_iommu_forget_locked(&b.c);
	assert_int_equal(check(&b, 1, 1, 1), 0);
	teardown(&b);

	/* iommufd with 64 KiB pages: the host address needs only 4 KiB, a wrap overflows */
	setup(&b, VFIO_CONTAINER_IOMMUFD, ~0xffffull, r, 2);
	assert_int_equal(check(&b, 0x10000, 0x10000, 0x7000), 0);
	assert_int_equal(check(&b, 0x10000, 0x10000, 0x7800), -EINVAL);
	assert_int_equal(check(&b, 0x10000, PG, 0), -EINVAL);
	assert_int_equal(check(&b, 0x50000, TOP - 0x40000 + 1, 0), -EOVERFLOW);
	teardown(&b);

	/* iommufd with pages of 2 KiB: the host address needs 2 KiB only */
	setup(&b, VFIO_CONTAINER_IOMMUFD, ~0x7ffull, r, 2);
	assert_int_equal(check(&b, 0x10800, 0x800, 0x800), 0);
	assert_int_equal(check(&b, 0x10800, 0x800, 0x400), -EINVAL);
	teardown(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lowest_fit),
		cmocka_unit_test(test_around_mappings),
		cmocka_unit_test(test_top_of_space),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_check_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
