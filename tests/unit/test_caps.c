// SPDX-License-Identifier: MIT
/* core/caps.c: the region capability parser on hand-made chains, good and malformed. */

#include <stdlib.h>

#include "private.h"
#include "testutil.h"

#define BASE ((uint32_t)sizeof(struct vfio_region_info))

struct chain {
	uint8_t buf[512];
	size_t len;
	struct vfio_region_desc desc;
	struct vfio_sparse_area *sparse;
};

static void begin(struct chain *c, uint64_t region_size)
{
	struct vfio_region_info info = {
		.argsz = sizeof(c->buf), .flags = VFIO_REGION_INFO_FLAG_CAPS, .cap_offset = BASE,
		.size = region_size,
	};

	memset(c, 0, sizeof(*c));
	memcpy(c->buf, &info, sizeof(info));
	c->len = BASE;
	c->desc.size = region_size;
	c->desc.index = 3;
}

/* Append a capability of @size bytes (header included); link it to the previous one. */
static uint8_t *add(struct chain *c, uint16_t id, size_t size, uint32_t *prev_next)
{
	struct vfio_info_cap_header h = { .id = id, .version = 1 };
	uint8_t *p = c->buf + c->len;

	if (prev_next)
		*prev_next = (uint32_t)c->len;
	memcpy(p, &h, sizeof(h));
	c->len += size;
	return p;
}

static void set_next(uint8_t *cap, uint32_t next)
{
	memcpy(cap + 4, &next, sizeof(next));
}

static int parse(struct chain *c)
{
	int ret = vfio_caps_parse_region(c->buf, c->len, &c->desc, &c->sparse);

	return ret;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void no_caps_flag(void **state)
{
	struct chain c;
	struct vfio_region_info info = { .argsz = BASE };

	(void)state;
	begin(&c, 0x1000);
	memcpy(c.buf, &info, sizeof(info));
	assert_ok(parse(&c));
	assert_int_equal(c.desc.caps, 0);
	assert_null(c.sparse);
}

static void every_cap_in_one_chain(void **state)
{
	struct chain c;
	uint8_t *sp, *ty, *mx, *tg, *ls;

	(void)state;
	begin(&c, 0x10000);
	sp = add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 16 + 2 * 16, NULL);
	put32(sp + 8, 2);
	put64(sp + 16, 0x0);
	put64(sp + 24, 0x1000);
	put64(sp + 32, 0x8000);
	put64(sp + 40, 0x8000);
	ty = add(&c, VFIO_REGION_INFO_CAP_TYPE, 16, NULL);
	set_next(sp, (uint32_t)(ty - c.buf));
	put32(ty + 8, 7);
	put32(ty + 12, 9);
	mx = add(&c, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 8, NULL);
	set_next(ty, (uint32_t)(mx - c.buf));
	tg = add(&c, VFIO_REGION_INFO_CAP_NVLINK2_SSATGT, 16, NULL);
	set_next(mx, (uint32_t)(tg - c.buf));
	put64(tg + 8, 0xabcdef000ull);
	ls = add(&c, VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD, 16, NULL);
	set_next(tg, (uint32_t)(ls - c.buf));
	put32(ls + 8, 9);
	assert_ok(parse(&c));
	assert_int_equal(c.desc.caps, 0x1f);
	assert_int_equal(c.desc.nr_sparse, 2);
	assert_ptr_equal(c.desc.sparse, c.sparse);
	assert_int_equal(c.sparse[1].offset, 0x8000);
	assert_int_equal(c.sparse[1].size, 0x8000);
	assert_int_equal(c.desc.type, 7);
	assert_int_equal(c.desc.subtype, 9);
	assert_int_equal(c.desc.nvlink2_tgt, 0xabcdef000ull);
	assert_int_equal(c.desc.nvlink2_link_speed, 9);
	free(c.sparse);
}

static void unknown_cap_skipped(void **state)
{
	struct chain c;
	uint8_t *u, *ty;

	(void)state;
	begin(&c, 0x1000);
	u = add(&c, 77, 24, NULL);
	ty = add(&c, VFIO_REGION_INFO_CAP_TYPE, 16, NULL);
	set_next(u, (uint32_t)(ty - c.buf));
	assert_ok(parse(&c));
	assert_int_equal(c.desc.caps, VFIO_REGION_HAS_TYPE);
}

static void sparse_with_no_areas(void **state)
{
	struct chain c;

	(void)state;
	begin(&c, 0x1000);
	add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 16, NULL);
	assert_ok(parse(&c));
	assert_int_equal(c.desc.caps, VFIO_REGION_HAS_SPARSE_MMAP);
	assert_int_equal(c.desc.nr_sparse, 0);
	free(c.sparse);
}

/* Each malformed chain: EPROTO, a message saying why, no sparse array left behind. */
static void expect_bad(struct chain *c, const char *why)
{
	assert_err(parse(c), EPROTO);
	assert_msg_has(why);
	assert_msg_has("region 3 info");
	assert_null(c->sparse);
	assert_null(c->desc.sparse);
}

static void loop_to_itself(void **state)
{
	struct chain c;
	uint8_t *p;

	(void)state;
	begin(&c, 0x1000);
	p = add(&c, VFIO_REGION_INFO_CAP_TYPE, 16, NULL);
	set_next(p, BASE);
	expect_bad(&c, "loop");
}

static void loop_backwards(void **state)
{
	struct chain c;
	uint8_t *a, *b;

	(void)state;
	begin(&c, 0x1000);
	a = add(&c, 77, 16, NULL);
	b = add(&c, 78, 16, NULL);
	set_next(a, (uint32_t)(b - c.buf));
	set_next(b, BASE);
	expect_bad(&c, "loop");
}

static void next_inside_header(void **state)
{
	struct chain c;
	uint8_t *a;

	(void)state;
	begin(&c, 0x1000);
	a = add(&c, 77, 16, NULL);
	set_next(a, BASE + 4);
	expect_bad(&c, "overlaps the next one");
}

static void offset_inside_struct(void **state)
{
	struct chain c;
	struct vfio_region_info info;

	(void)state;
	begin(&c, 0x1000);
	add(&c, VFIO_REGION_INFO_CAP_TYPE, 16, NULL);
	memcpy(&info, c.buf, sizeof(info));
	info.cap_offset = 8;
	memcpy(c.buf, &info, sizeof(info));
	expect_bad(&c, "overlaps the region info struct");
}

static void offset_outside_buffer(void **state)
{
	struct chain c;
	uint8_t *a;

	(void)state;
	begin(&c, 0x1000);
	a = add(&c, 77, 16, NULL);
	set_next(a, 4000);
	expect_bad(&c, "outside the buffer");
	begin(&c, 0x1000);
	a = add(&c, 77, 16, NULL);
	set_next(a, UINT32_MAX);
	expect_bad(&c, "outside the buffer");
}

static void header_cut_by_buffer_end(void **state)
{
	struct chain c;

	(void)state;
	begin(&c, 0x1000);
	add(&c, VFIO_REGION_INFO_CAP_TYPE, 16, NULL);
	c.len = BASE + 6;
	expect_bad(&c, "outside the buffer");
}

static void body_cut_short(void **state)
{
	struct chain c;
	uint8_t *a;

	(void)state;
	begin(&c, 0x1000);
	add(&c, VFIO_REGION_INFO_CAP_TYPE, 16, NULL);
	c.len = BASE + 12;
	expect_bad(&c, "cut short");
	/* the next capability starts before this one's body ends */
	begin(&c, 0x1000);
	a = add(&c, VFIO_REGION_INFO_CAP_NVLINK2_SSATGT, 16, NULL);
	add(&c, 77, 16, NULL);
	set_next(a, BASE + 12);
	expect_bad(&c, "cut short");
}

static void sparse_count_too_large(void **state)
{
	struct chain c;
	uint8_t *a;

	(void)state;
	begin(&c, 0x100000);
	a = add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 16 + 16, NULL);
	put32(a + 8, 2);
	expect_bad(&c, "more areas than fit");
	begin(&c, 0x100000);
	a = add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 16 + 16, NULL);
	put32(a + 8, UINT32_MAX);
	expect_bad(&c, "more areas than fit");
}

static void sparse_area_outside_region(void **state)
{
	struct chain c;
	uint8_t *a;

	(void)state;
	begin(&c, 0x4000);
	a = add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 16 + 16, NULL);
	put32(a + 8, 1);
	put64(a + 16, 0x3000);
	put64(a + 24, 0x2000);
	expect_bad(&c, "sparse area 0 [0x3000, +0x2000) lies outside the region");
	/* an area whose end wraps */
	put64(a + 16, UINT64_MAX - 0xfff);
	put64(a + 24, 0x2000);
	c.desc = (struct vfio_region_desc){ .size = 0x4000, .index = 3 };
	expect_bad(&c, "lies outside the region");
}

static void duplicate_cap(void **state)
{
	struct chain c;
	uint8_t *a, *b;

	(void)state;
	begin(&c, 0x1000);
	a = add(&c, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 8, NULL);
	b = add(&c, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 8, NULL);
	set_next(a, (uint32_t)(b - c.buf));
	expect_bad(&c, "repeats a capability");
	/* a second sparse capability after a good one frees the first one's areas */
	begin(&c, 0x1000);
	a = add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 32, NULL);
	put32(a + 8, 1);
	put64(a + 24, 0x1000);
	b = add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 32, NULL);
	set_next(a, (uint32_t)(b - c.buf));
	expect_bad(&c, "repeats a capability");
}

/* Found by fuzz_region_caps: a good sparse capability, then a chain that breaks. */
static void failure_after_sparse_frees_it(void **state)
{
	struct chain c;
	uint8_t *a;

	(void)state;
	begin(&c, 0x10000);
	a = add(&c, VFIO_REGION_INFO_CAP_SPARSE_MMAP, 32, NULL);
	put32(a + 8, 1);
	put64(a + 24, 0x1000);
	set_next(a, 0x20000); /* past the buffer */
	expect_bad(&c, "outside the buffer");
	assert_int_equal(c.desc.nr_sparse, 0);
}

static void buffer_shorter_than_struct(void **state)
{
	struct chain c;

	(void)state;
	begin(&c, 0x1000);
	c.len = 8;
	expect_bad(&c, "shorter than the struct");
}

static void caps_flag_with_zero_offset(void **state)
{
	struct chain c;
	struct vfio_region_info info;

	(void)state;
	begin(&c, 0x1000);
	memcpy(&info, c.buf, sizeof(info));
	info.cap_offset = 0;
	memcpy(c.buf, &info, sizeof(info));
	assert_ok(parse(&c));
	assert_int_equal(c.desc.caps, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_caps_flag),
		cmocka_unit_test(every_cap_in_one_chain),
		cmocka_unit_test(unknown_cap_skipped),
		cmocka_unit_test(sparse_with_no_areas),
		cmocka_unit_test(loop_to_itself),
		cmocka_unit_test(loop_backwards),
		cmocka_unit_test(next_inside_header),
		cmocka_unit_test(offset_inside_struct),
		cmocka_unit_test(offset_outside_buffer),
		cmocka_unit_test(header_cut_by_buffer_end),
		cmocka_unit_test(body_cut_short),
		cmocka_unit_test(sparse_count_too_large),
		cmocka_unit_test(sparse_area_outside_region),
		cmocka_unit_test(duplicate_cap),
		cmocka_unit_test(failure_after_sparse_frees_it),
		cmocka_unit_test(buffer_shorter_than_struct),
		cmocka_unit_test(caps_flag_with_zero_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
