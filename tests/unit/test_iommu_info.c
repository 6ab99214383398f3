// SPDX-License-Identifier: MIT
/*
 * core/caps.c's IOMMU-info parser on hand-made chains, good and malformed;
 * core/iommu.c's refresh in each mode against scripted kernels (the mock: the
 * argsz retry, EMSGSIZE, answers no kernel gives), and on the sim end to end.
 */

#include <stdlib.h>

#include <vfio/mock.h>

#include "hookbe.h"
#include "private.h"
#include "testutil.h"

#define BASE ((uint32_t)sizeof(struct vfio_iommu_type1_info))

/* ---- hand-made answers of VFIO_IOMMU_GET_INFO ---- */

struct answer {
	uint8_t buf[1024];
	size_t len;
	uint8_t *prev_next; /* where the next capability's offset goes */
	struct vfio_iommu_caps out;
};

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static void begin(struct answer *a, uint32_t flags, uint64_t pgsizes)
{
	memset(a, 0, sizeof(*a));
	put32(a->buf, BASE);
	put32(a->buf + 4, flags);
	put64(a->buf + 8, pgsizes);
	a->len = BASE;
}

/* Append a capability of @size bytes, linked from the previous one (or cap_offset). */
static uint8_t *add(struct answer *a, uint16_t id, size_t size)
{
	uint8_t *p = a->buf + a->len;

	put32(a->prev_next ? a->prev_next : a->buf + 16, (uint32_t)a->len);
	p[0] = (uint8_t)id;
	p[1] = (uint8_t)(id >> 8);
	p[2] = 1;
	a->prev_next = p + 4;
	a->len += size;
	put32(a->buf, (uint32_t)a->len); /* argsz: what the whole answer needs */
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

static void add_avail(struct answer *a, uint32_t avail)
{
	put32(add(a, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 12) + 8, avail);
	a->len += 4; /* the kernel pads capabilities to 8 bytes */
	put32(a->buf, (uint32_t)a->len);
}

static int parse(struct answer *a)
{
	return vfio_caps_parse_iommu(a->buf, a->len, &a->out);
}

static const uint64_t two[] = { 0, 0xfedfffff, 0xfef00000, 0xffffffffffff };
#define CAPS (VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS)

static void test_parse_good(void **state)
{
	struct answer a;

	(void)state;
	begin(&a, CAPS, 0x40201000);
	add(&a, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 32); /* known to the kernel, unused */
	add_ranges(&a, 2, two);
	add(&a, 0x7777, 16); /* newer than us: skipped */
	add_avail(&a, 65535);
	assert_ok(parse(&a));
	assert_int_equal(a.out.pgsizes, 0x40201000);
	assert_true(a.out.has_ranges && a.out.has_dma_avail);
	assert_int_equal(a.out.nr_ranges, 2);
	assert_int_equal(a.out.ranges[1].start, 0xfef00000);
	assert_int_equal(a.out.ranges[1].last, 0xffffffffffff);
	assert_int_equal(a.out.dma_avail, 65535);
	free(a.out.ranges);

	/* no CAPS flag: the chain is not read; no PGSIZES: no page size */
	begin(&a, 0, 0x1000);
	add_avail(&a, 1);
	put32(a.buf + 4, 0);
	assert_ok(parse(&a));
	assert_int_equal(a.out.pgsizes, 0);
	assert_false(a.out.has_dma_avail);

	/* 16 bytes, the struct before cap_offset existed: no chain to read */
	begin(&a, CAPS, 0x1000);
	a.len = 16;
	assert_ok(parse(&a));
	assert_int_equal(a.out.pgsizes, 0x1000);

	/* CAPS without a chain; an empty range list */
	begin(&a, CAPS, 0x1000);
	assert_ok(parse(&a));
	add_ranges(&a, 0, NULL);
	assert_ok(parse(&a));
	assert_true(a.out.has_ranges);
	assert_int_equal(a.out.nr_ranges, 0);
	free(a.out.ranges);
}

/* A malformed answer: -EPROTO, a message with @why, nothing left allocated. */
static void expect_bad(struct answer *a, const char *why)
{
	assert_err(parse(a), EPROTO);
	assert_msg_has(why);
	assert_null(a->out.ranges);
	assert_false(a->out.has_ranges);
}

static void test_parse_malformed(void **state)
{
	static const uint64_t backwards[] = { 0x2000, 0x1000 };
	static const uint64_t overlap[] = { 0, 0x1fff, 0x1000, 0x2fff };
	static const uint64_t same[] = { 0, 0xfff, 0x1000, 0x1fff, 0x1000, 0x1fff };
	struct answer a;
	uint8_t *p;

	(void)state;
	begin(&a, CAPS, 0x1000);
	a.len = 15;
	expect_bad(&a, "shorter than the struct");

	begin(&a, CAPS, 0);
	expect_bad(&a, "no page size");

	begin(&a, CAPS, 0x1000);
	put32(a.buf + 16, 8); /* into the fixed struct */
	expect_bad(&a, "overlaps the IOMMU info struct");

	begin(&a, CAPS, 0x1000);
	put32(a.buf + 16, 0x400); /* past the end */
	expect_bad(&a, "lies outside the buffer");

	begin(&a, CAPS, 0x1000);
	p = add(&a, 0x7777, 16);
	put32(p + 4, BASE); /* to itself */
	expect_bad(&a, "points back");

	begin(&a, CAPS, 0x1000);
	p = add(&a, 0x7777, 16);
	put32(p + 4, BASE + 4); /* into its own header */
	expect_bad(&a, "overlaps the next one");

	begin(&a, CAPS, 0x1000);
	add_ranges(&a, 1, two);
	add_ranges(&a, 1, two);
	expect_bad(&a, "repeats a capability");

	begin(&a, CAPS, 0x1000);
	add_avail(&a, 3);
	add_avail(&a, 4);
	expect_bad(&a, "repeats a capability");

	begin(&a, CAPS, 0x1000);
	add(&a, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 8);
	expect_bad(&a, "is cut short");

	begin(&a, CAPS, 0x1000);
	add(&a, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 12);
	expect_bad(&a, "is cut short");

	begin(&a, CAPS, 0x1000);
	p = add_ranges(&a, 2, two);
	put32(p + 8, 3); /* one more than it holds */
	expect_bad(&a, "more ranges than fit");

	begin(&a, CAPS, 0x1000);
	add_ranges(&a, 1, backwards);
	expect_bad(&a, "IOVA range 0");

	begin(&a, CAPS, 0x1000);
	add_ranges(&a, 2, overlap);
	expect_bad(&a, "IOVA range 1");

	begin(&a, CAPS, 0x1000);
	add_ranges(&a, 3, same);
	expect_bad(&a, "not above the one before");

	/* a good capability, then a bad one: the ranges already read go too */
	begin(&a, CAPS, 0x1000);
	add_ranges(&a, 2, two);
	p = add(&a, 0x7777, 16);
	put32(p + 4, 0x3f0);
	expect_bad(&a, "lies outside the buffer");
}

/* ---- refresh against a scripted kernel (the mock, with a plain hook) ---- */

struct script {
	unsigned int calls;
	int ret;
	/* GET_INFO: the answer (argsz included), or one that always wants more */
	const struct answer *info;
	bool grow;	/* every answer wants more room than the question had */
	uint32_t want; /* GET_INFO: answer only this argsz */
	uint32_t argsz_seen[8];
	/* IOAS_IOVA_RANGES */
	const struct vfio_abi_iova_range *ranges;
	uint32_t nr, room_seen[8], ioas_seen;
	uint64_t align;
	bool lie; /* EMSGSIZE without asking for more room; or 0 with more than fit */
};

static long hook(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	struct script *s = opaque;
	unsigned int n = s->calls++;

	if (op == VFIO_OP_IOMMU_GET_INFO) {
		s->argsz_seen[n % 8] = c->arg.iommu_info->argsz;
		if (s->ret)
			return s->ret;
		if (s->grow || s->want) {
			c->arg.iommu_info->argsz = s->want ? s->want : c->arg.iommu_info->argsz + 8;
			return 0;
		}
		return vfio_mock_reply(c, s->info->buf, s->info->len);
	}
	if (op == VFIO_OP_IOAS_IOVA_RANGES) {
		struct vfio_abi_ioas_iova_ranges *q = c->arg.ioas_iova_ranges;
		struct vfio_abi_iova_range *out = (void *)(uintptr_t)q->allowed_iovas;
		uint32_t room = q->num_iovas;

		s->room_seen[n % 8] = room;
		s->ioas_seen = q->ioas_id;
		assert_int_equal(q->size, sizeof(*q));
		if (s->ret)
			return s->ret;
		if (s->grow) {
			q->num_iovas = room + 1;
			return -EMSGSIZE;
		}
		for (uint32_t i = 0; i < s->nr && i < room; i++)
			out[i] = s->ranges[i];
		q->num_iovas = s->nr;
		q->out_iova_alignment = s->align;
		if (s->lie)
			return room < s->nr ? 0 : -EMSGSIZE;
		return s->nr > room ? -EMSGSIZE : 0;
	}
	fail_msg("unexpected op %d", op);
	return -ENOSYS;
}

static const struct vfio_mock_hooks hooks = { .call = hook };

/* A container as the core holds one, on the mock, in @mode. */
static void fake(struct vfio_container *c, struct vfio_backend **be, struct script *s,
		 enum vfio_container_mode mode)
{
	assert_ok(vfio_mock_backend_new(&hooks, s, be));
	memset(c, 0, sizeof(*c));
	c->be = *be;
	c->fd = 3;
	c->mode = mode;
	c->ioas_id = 7;
}

static void fake_done(struct vfio_container *c, struct vfio_backend *be)
{
	vfio_iommu_release(c);
	vfio_backend_destroy(be);
}

static int refresh(struct vfio_container *c)
{
	int ret;

	vfio_lock(&c->lock);
	ret = vfio_iommu_refresh_locked(c);
	vfio_unlock(&c->lock);
	return ret;
}

static void test_legacy_refresh(void **state)
{
	struct vfio_container c;
	struct vfio_backend *be;
	struct vfio_iommu_info info;
	struct vfio_iommu_range r[2];
	struct answer a;
	struct script s = { .info = &a };
	size_t n = 0;

	(void)state;
	/* a chain larger than the first try's room: asked again with the argsz it wants */
	begin(&a, CAPS, 0x201000);
	add_avail(&a, 100);
	add(&a, 0x7777, 600); /* filler, newer than us */
	add_ranges(&a, 2, two);
	fake(&c, &be, &s, VFIO_CONTAINER_LEGACY);
	assert_err(vfio_iommu_get_info(&c, &info), ENODEV);
	assert_msg_has("no IOMMU yet");
	assert_ok(refresh(&c));
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.argsz_seen[1], a.len);
	assert_ok(vfio_iommu_get_info(&c, &info));
	assert_int_equal(info.pgsizes, 0x201000);
	assert_int_equal(info.nr_ranges, 2);
	assert_int_equal(info.dma_limit, 100);
	assert_int_equal(info.dma_avail, 100);
	assert_int_equal(info.dma_mappings, 0);
	assert_ok(vfio_iommu_ranges(&c, r, 2, &n));
	assert_int_equal(n, 2);
	assert_int_equal(r[0].last, 0xfedfffff);
	assert_int_equal(r[1].start, 0xfef00000);

	/* a second refresh replaces the first: no caps, no page sizes */
	begin(&a, 0, 0);
	s.calls = 0;
	assert_ok(refresh(&c));
	assert_int_equal(s.calls, 1);
	assert_ok(vfio_iommu_get_info(&c, &info));
	assert_int_equal(info.pgsizes, VFIO_PAGE_SIZE);
	assert_int_equal(info.dma_limit, VFIO_DMA_AVAIL_UNLIMITED);
	assert_int_equal(info.dma_avail, VFIO_DMA_AVAIL_UNLIMITED);
	assert_ok(vfio_iommu_ranges(&c, r, 1, &n));
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, 0);
	assert_int_equal(r[0].last, UINT64_MAX);

	/* an empty range list: any IOVA, as type1 takes it */
	begin(&a, CAPS, 0x1000);
	add_ranges(&a, 0, NULL);
	assert_ok(refresh(&c));
	assert_ok(vfio_iommu_ranges(&c, NULL, 0, &n));
	assert_int_equal(n, 1);

	/* the kernel's errno; a malformed chain; the state is kept as it was */
	s.ret = -EFAULT;
	assert_err(refresh(&c), EFAULT);
	assert_msg_has("VFIO_IOMMU_GET_INFO on /dev/vfio/vfio");
	s.ret = 0;
	begin(&a, CAPS, 0x1000);
	put32(a.buf + 16, 4);
	assert_err(refresh(&c), EPROTO);
	assert_ok(vfio_iommu_get_info(&c, &info));

	/* an argsz that keeps growing, and one past belief */
	s.grow = true;
	s.calls = 0;
	assert_err(refresh(&c), EPROTO);
	assert_msg_has("keeps growing");
	assert_int_equal(s.calls, 4);
	s.grow = false;
	s.want = 2u << 20;
	assert_err(refresh(&c), EPROTO);
	assert_msg_has("asks for 2097152 bytes");
	fake_done(&c, be);
}

static void test_legacy_no_op(void **state)
{
	struct t_fixture *f = t_fixture_new(0);
	struct vfio_container c;
	struct vfio_iommu_info info;
	struct t_hook h;

	(void)state;
	t_hook_init(&h, f->be);
	h.ops.iommu_get_info = NULL;
	memset(&c, 0, sizeof(c));
	c.be = &h.base;
	c.mode = VFIO_CONTAINER_LEGACY;
	assert_ok(refresh(&c)); /* the backend cannot tell: nothing known, no failure */
	assert_err(vfio_iommu_get_info(&c, &info), ENODEV);
	assert_ok(vfio_iommu_check_map_locked(&c, 1, 1, NULL, true));
	vfio_iommu_release(&c);
	t_fixture_free(f);
}

static void test_iommufd_refresh(void **state)
{
	struct vfio_abi_iova_range many[12];
	struct vfio_container c;
	struct vfio_backend *be;
	struct vfio_iommu_info info;
	struct vfio_iommu_range r[12];
	struct script s = { .ranges = many, .nr = 2, .align = 0x1000 };
	size_t n = 0;

	(void)state;
	for (unsigned int i = 0; i < 12; i++)
		many[i] = (struct vfio_abi_iova_range){ 0x100000ull * i, 0x100000ull * i + 0xfffff };
	many[1].start = 0x200000; /* a gap after the first */
	many[1].last = 0x2fffff;
	fake(&c, &be, &s, VFIO_CONTAINER_IOMMUFD);
	assert_ok(refresh(&c));
	assert_int_equal(s.ioas_seen, 7);
	assert_int_equal(s.calls, 1);
	assert_ok(vfio_iommu_get_info(&c, &info));
	assert_int_equal(info.pgsizes, ~0xfffull);
	assert_int_equal(info.nr_ranges, 2);
	assert_int_equal(info.dma_limit, VFIO_DMA_AVAIL_UNLIMITED);

	/* more ranges than the first room: EMSGSIZE, asked again with room for all */
	for (unsigned int i = 2; i < 12; i++)
		many[i] = (struct vfio_abi_iova_range){ 0x100000ull * (i + 1),
							 0x100000ull * (i + 1) + 0xfffff };
	s.nr = 12;
	s.align = 0x10000;
	s.calls = 0;
	assert_ok(refresh(&c));
	assert_int_equal(s.calls, 2);
	assert_int_equal(s.room_seen[1], 12);
	assert_ok(vfio_iommu_ranges(&c, r, 12, &n));
	assert_int_equal(n, 12);
	assert_int_equal(r[11].start, 0xc00000);
	assert_ok(vfio_iommu_get_info(&c, &info));
	assert_int_equal(info.pgsizes, ~0xffffull);

	/* no range at all: nothing can be mapped */
	s.nr = 0;
	assert_ok(refresh(&c));
	assert_ok(vfio_iommu_ranges(&c, NULL, 0, &n));
	assert_int_equal(n, 0);

	/* the kernel's errno; answers no kernel gives */
	s.ret = -ENOENT;
	assert_err(refresh(&c), ENOENT);
	assert_msg_has("IOMMU_IOAS_IOVA_RANGES on IOAS 7");
	s.ret = 0;
	s.nr = 2;
	s.align = 0x3000;
	assert_err(refresh(&c), EPROTO);
	assert_msg_has("not a power of two");
	s.align = 0;
	assert_err(refresh(&c), EPROTO);
	s.align = 0x1000;
	many[1].start = 0x80000; /* overlaps the first */
	assert_err(refresh(&c), EPROTO);
	assert_msg_has("range 1");
	many[1].start = 0x200000;
	many[0].last = 0; /* fine: [0, 0] */
	many[0].start = 1; /* start past last */
	assert_err(refresh(&c), EPROTO);
	assert_msg_has("range 0");
	many[0].start = 0;
	s.lie = true;
	assert_err(refresh(&c), EMSGSIZE); /* EMSGSIZE when everything fit */
	s.nr = 12;
	assert_err(refresh(&c), EPROTO); /* 0 with more than fit */
	assert_msg_has("12 ranges in room for 8");
	s.lie = false;
	s.nr = 65537;
	assert_err(refresh(&c), EMSGSIZE); /* past belief: not asked again */
	fake_done(&c, be);
}

static void test_iommufd_keeps_growing(void **state)
{
	struct vfio_container c;
	struct vfio_backend *be;
	struct script s = { .grow = true };

	(void)state;
	fake(&c, &be, &s, VFIO_CONTAINER_IOMMUFD);
	assert_err(refresh(&c), EPROTO);
	assert_msg_has("keeps growing");
	assert_int_equal(s.calls, 4);
	assert_int_equal(s.room_seen[3], 11);
	fake_done(&c, be);
}

static void test_noiommu(void **state)
{
	struct vfio_container c;
	struct vfio_backend *be;
	struct vfio_iommu_info info;
	struct script s = { 0 };
	uint64_t iova;
	size_t n;

	(void)state;
	fake(&c, &be, &s, VFIO_CONTAINER_NOIOMMU);
	assert_ok(refresh(&c));
	assert_int_equal(s.calls, 0);
	assert_err(vfio_iommu_get_info(&c, &info), ENODEV);
	assert_msg_has("noiommu");
	assert_err(vfio_iommu_ranges(&c, NULL, 0, &n), ENODEV);
	assert_err(vfio_iova_alloc(&c, 0x1000, 0, &iova), ENODEV);
	assert_err(vfio_iommu_get_info(NULL, &info), EINVAL);
	assert_err(vfio_iommu_get_info(&c, NULL), EINVAL);
	assert_err(vfio_iommu_ranges(NULL, NULL, 0, &n), EINVAL);
	assert_err(vfio_iommu_ranges(&c, NULL, 0, NULL), EINVAL);
	assert_err(vfio_iommu_ranges(&c, NULL, 1, &n), EINVAL);
	fake_done(&c, be);
}

/* ---- on the sim: a group joins, the IOMMU is known, mappings count ---- */

static void test_sim(void **state)
{
	struct t_fixture *f = *state;
	static const struct vfio_sim_iova_range ranges[] = { { 0x100000, 0x1fffff },
							     { 0x400000, 0x7fffff } };
	struct vfio_iommu_info info;
	struct vfio_iommu_range r[4];
	struct vfio_group *g;
	void *mem = t_pages(2);
	size_t n = 0;

	assert_ok(vfio_sim_set_iova_ranges(f->sim, ranges, 2));
	vfio_sim_set_dma_entry_limit(f->sim, 2);
	assert_err(vfio_iommu_get_info(f->c, &info), ENODEV);
	assert_ok(vfio_group_open(f->c, T_GROUP, &g));
	assert_ok(vfio_iommu_get_info(f->c, &info));
	assert_int_equal(info.pgsizes & 0xfff, 0);
	assert_true(info.pgsizes & 0x1000);
	assert_int_equal(info.dma_limit, 2);
	assert_int_equal(info.dma_avail, 2);
	assert_ok(vfio_iommu_ranges(f->c, r, 4, &n));
	assert_int_equal(n, 2);
	assert_int_equal(r[1].start, 0x400000);
	assert_int_equal(r[1].last, 0x7fffff);

	/* outside the ranges, and past the limit: the kernel's errnos, our words */
	assert_err(vfio_dma_map(f->c, 0x200000, 0x1000, mem, VFIO_DMA_PROT_READ), EINVAL);
	assert_msg_has("outside the IOMMU's IOVA ranges");
	assert_ok(vfio_dma_map(f->c, 0x100000, 0x1000, mem, VFIO_DMA_PROT_READ));
	assert_ok(vfio_dma_map(f->c, 0x400000, 0x1000, mem, VFIO_DMA_PROT_READ));
	assert_ok(vfio_iommu_get_info(f->c, &info));
	assert_int_equal(info.dma_avail, 0);
	assert_int_equal(info.dma_mappings, 2);
	assert_err(vfio_dma_map(f->c, 0x500000, 0x1000, mem, VFIO_DMA_PROT_READ), ENOSPC);
	assert_msg_has("no more than 2 mappings");
	assert_ok(vfio_dma_unmap_all(f->c, NULL));

	/* the last group leaves: the IOMMU is forgotten */
	assert_ok(vfio_group_close(g));
	assert_err(vfio_iommu_get_info(f->c, &info), ENODEV);
	t_pages_free(mem, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_legacy_refresh),
		cmocka_unit_test(test_legacy_no_op),
		cmocka_unit_test(test_iommufd_refresh),
		cmocka_unit_test(test_iommufd_keeps_growing),
		cmocka_unit_test(test_noiommu),
		cmocka_unit_test_setup_teardown(test_sim, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
