// SPDX-License-Identifier: MIT
/*
 * vfio-info's VFIO_IOMMU_GET_INFO parser: hand-made answers, good and
 * malformed, then the real question asked of the sim through a container.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/vfio.h>
#include <vfio/sim.h>
#include <vfio/sim_models.h>
#include <vfio/vfio.h>

#include "vfio_info.h"

#define BASE ((uint32_t)sizeof(struct vfio_iommu_type1_info))

struct answer {
	uint8_t buf[512];
	size_t len;
	uint8_t *prev_next; /* where the next capability's offset goes */
	struct vi_iommu out;
	char why[256];
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void begin(struct answer *a, uint32_t flags)
{
	memset(a, 0, sizeof(*a));
	put32(a->buf, sizeof(a->buf));
	put32(a->buf + 4, flags);
	put64(a->buf + 8, 0x40201000); /* 4K, 2M, 1G */
	a->len = BASE;
}

/* Append a capability of @size bytes and link it to the previous one (or cap_offset). */
static uint8_t *add(struct answer *a, uint16_t id, size_t size)
{
	uint8_t *p = a->buf + a->len;
	uint32_t off = (uint32_t)a->len;

	memcpy(a->prev_next ? a->prev_next : a->buf + 16, &off, 4);
	p[0] = (uint8_t)id;
	p[1] = (uint8_t)(id >> 8);
	p[2] = 1; /* version */
	a->prev_next = p + 4;
	a->len += size;
	return p;
}

static uint8_t *add_ranges(struct answer *a, uint32_t nr, const uint64_t *se)
{
	uint8_t *p = add(a, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 16 + 16 * (size_t)nr);

	put32(p + 8, nr);
	for (uint32_t i = 0; i < nr; i++) {
		put64(p + 16 + 16 * i, se[2 * i]);
		put64(p + 24 + 16 * i, se[2 * i + 1]);
	}
	return p;
}

static int parse(struct answer *a)
{
	return vi_iommu_parse(a->buf, a->len, &a->out, a->why, sizeof(a->why));
}

static void test_no_caps(void **state)
{
	struct answer a;

	(void)state;
	begin(&a, VFIO_IOMMU_INFO_PGSIZES);
	assert_int_equal(parse(&a), 0);
	assert_int_equal(a.out.pgsizes, 0x40201000);
	assert_int_equal(a.out.caps, 0);
	/* an old kernel's 16-byte struct, without cap_offset */
	a.len = 16;
	assert_int_equal(parse(&a), 0);
	/* shorter than any struct */
	a.len = 12;
	assert_int_equal(parse(&a), -EPROTO);
	assert_non_null(strstr(a.why, "shorter"));
}

static void test_every_cap(void **state)
{
	static const uint64_t ranges[] = { 0, 0xfedfffff, 0xfef00000, 0xffffffffffffull };
	struct answer a;
	uint8_t *p;

	(void)state;
	begin(&a, VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS);
	add_ranges(&a, 2, ranges);
	p = add(&a, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 32);
	put64(p + 16, 0x1000);
	put64(p + 24, 256u << 20);
	p = add(&a, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 12);
	put32(p + 8, 65535);
	add(&a, 0x7777, 8); /* unknown: skipped */
	assert_int_equal(parse(&a), 0);
	assert_int_equal(a.out.caps, VI_IOMMU_HAS_IOVA_RANGES | VI_IOMMU_HAS_MIGRATION |
					     VI_IOMMU_HAS_DMA_AVAIL);
	assert_int_equal(a.out.nr_ranges, 2);
	assert_int_equal(a.out.ranges[1].start, 0xfef00000);
	assert_int_equal(a.out.ranges[1].end, 0xffffffffffffull);
	assert_int_equal(a.out.mig_pgsizes, 0x1000);
	assert_int_equal(a.out.mig_max_bitmap, 256u << 20);
	assert_int_equal(a.out.dma_avail, 65535);
	vi_iommu_free(&a.out);
}

/* Each broken chain is -EPROTO, names its fault, and leaves nothing allocated. */
static void expect_bad(struct answer *a, const char *words)
{
	assert_int_equal(parse(a), -EPROTO);
	assert_non_null(strstr(a->why, words));
	assert_null(a->out.ranges);
	assert_int_equal(a->out.nr_ranges, 0);
}

static void test_malformed(void **state)
{
	static const uint64_t one[] = { 0, 0xffff };
	static const uint64_t backwards[] = { 0x2000, 0x1000 };
	static const uint64_t overlap[] = { 0, 0x2000, 0x1000, 0x3000 };
	struct answer a;
	uint8_t *p;

	(void)state;
	begin(&a, VFIO_IOMMU_INFO_CAPS); /* cap_offset inside the struct */
	put32(a.buf + 16, 8);
	expect_bad(&a, "overlaps the info struct");

	begin(&a, VFIO_IOMMU_INFO_CAPS); /* past the end */
	put32(a.buf + 16, 4096);
	expect_bad(&a, "outside");

	begin(&a, VFIO_IOMMU_INFO_CAPS); /* a loop */
	p = add_ranges(&a, 1, one);
	put32(p + 4, BASE);
	expect_bad(&a, "loop");

	begin(&a, VFIO_IOMMU_INFO_CAPS); /* next inside this header */
	p = add_ranges(&a, 1, one);
	put32(p + 4, BASE + 4);
	expect_bad(&a, "overlaps the next");

	begin(&a, VFIO_IOMMU_INFO_CAPS); /* more ranges than fit before the next cap */
	p = add_ranges(&a, 1, one);
	put32(p + 8, 3);
	add(&a, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 12);
	expect_bad(&a, "more than fit");

	begin(&a, VFIO_IOMMU_INFO_CAPS); /* a count that would overflow */
	p = add_ranges(&a, 1, one);
	put32(p + 8, UINT32_MAX);
	expect_bad(&a, "more than fit");

	begin(&a, VFIO_IOMMU_INFO_CAPS);
	add_ranges(&a, 1, backwards);
	expect_bad(&a, "before it starts");

	begin(&a, VFIO_IOMMU_INFO_CAPS);
	add_ranges(&a, 2, overlap);
	expect_bad(&a, "overlaps or precedes");

	begin(&a, VFIO_IOMMU_INFO_CAPS); /* repeated, after a good one */
	add_ranges(&a, 1, one);
	add_ranges(&a, 1, one);
	expect_bad(&a, "repeats");

	begin(&a, VFIO_IOMMU_INFO_CAPS); /* cut short: the body ends at the buffer */
	add(&a, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 20);
	expect_bad(&a, "cut short");
}

/* The real question, asked of the sim's type1 IOMMU through a container. */
static void test_query_sim(void **state)
{
	struct vfio_sim *sim;
	struct vfio_sim_group *g;
	struct vfio_container *c;
	struct vfio_group *grp;
	struct vi_iommu m;
	char why[256] = "";

	(void)state;
	assert_int_equal(vfio_sim_new(&sim), 0);
	assert_int_equal(vfio_sim_group_add(sim, 3, &g), 0);
	assert_int_equal(vfio_sim_edu_add(g, "0000:00:03.0", false, NULL), 0);
	vfio_sim_set_dma_entry_limit(sim, 1000);
	assert_int_equal(vfio_container_open(vfio_sim_backend(sim), &c), 0);
	/* no group: no IOMMU yet, as the kernel answers */
	assert_int_not_equal(vi_iommu_query(c, &m, why, sizeof(why)), 0);
	assert_int_equal(vfio_group_open(c, 3, &grp), 0);
	assert_int_equal(vi_iommu_query(c, &m, why, sizeof(why)), 0);
	assert_int_equal(m.type, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(m.pgsizes, 0x1000);
	assert_true(m.caps & VI_IOMMU_HAS_IOVA_RANGES);
	assert_int_equal(m.nr_ranges, 2);
	assert_int_equal(m.ranges[0].end, 0xfedfffff);
	assert_true(m.caps & VI_IOMMU_HAS_DMA_AVAIL);
	assert_int_equal(m.dma_avail, 1000);
	vi_iommu_free(&m);
	assert_int_equal(vfio_group_close(grp), 0);
	assert_int_equal(vfio_container_close(c), 0);
	vfio_backend_destroy(vfio_sim_backend(sim));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_caps),
		cmocka_unit_test(test_every_cap),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_query_sim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
