// SPDX-License-Identifier: MIT
/*
 * core/feature.c: VFIO_DEVICE_IOEVENTFD built from the region table, and
 * VFIO_DEVICE_FEATURE probe / get / set, on the sim (its PCI features) and
 * through a forwarding backend whose two ops the test answers itself.
 */

#include <stdlib.h>

#include "hookbe.h"
#include "private.h"
#include "testutil.h"

#define BIG 200u /* feature data past the stack buffer */

struct rig {
	struct t_fixture *f;
	struct t_hook h;
	struct vfio_container *c;
	struct vfio_device *d;
	/* what the hooks saw and answer */
	struct vfio_device_ioeventfd ev;
	uint32_t flags_seen[4], argsz_seen;
	unsigned int feature_calls;
	int answer[4]; /* per call; 0 also fills GET data with 0x5a */
};

static int ioeventfd_hook(struct vfio_backend *be, int fd, struct vfio_device_ioeventfd *ev)
{
	struct rig *r = t_hook_of(be)->data;

	(void)fd;
	r->ev = *ev;
	return r->answer[0];
}

static int feature_hook(struct vfio_backend *be, int fd, struct vfio_device_feature *f)
{
	struct rig *r = t_hook_of(be)->data;
	unsigned int n = r->feature_calls++;

	(void)fd;
	r->flags_seen[n % 4] = f->flags;
	r->argsz_seen = f->argsz;
	if (!r->answer[n % 4] && (f->flags & VFIO_DEVICE_FEATURE_GET))
		memset(f->data, 0x5a, f->argsz - sizeof(*f));
	return r->answer[n % 4];
}

static int setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->f = t_fixture_new(0);
	t_hook_init(&r->h, r->f->be);
	r->h.data = r;
	assert_ok(vfio_container_open(&r->h.base, &r->c));
	assert_ok(vfio_device_open(r->c, T_GROUP, T_PCI, &r->d));
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	assert_ok(vfio_device_close(r->d));
	assert_ok(vfio_container_close(r->c));
	t_fixture_free(r->f);
	free(r);
	return 0;
}

static void test_ioeventfd(void **state)
{
	struct rig *r = *state;
	const struct vfio_region_desc *bar4;
	static const unsigned int sizes[] = { 1, 2, 4, 8 };

	assert_ok(vfio_region_get(r->d, VFIO_PCI_BAR4_REGION_INDEX, &bar4));
	r->h.ops.device_ioeventfd = ioeventfd_hook;
	for (unsigned int i = 0; i < 4; i++) {
		assert_ok(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX,
						T_BAR4_SIZE - sizes[i], sizes[i], 0x1234, 9));
		assert_int_equal(r->ev.argsz, sizeof(r->ev));
		assert_int_equal(r->ev.flags, sizes[i]);
		assert_int_equal(r->ev.offset, bar4->offset + T_BAR4_SIZE - sizes[i]);
		assert_int_equal(r->ev.data, 0x1234);
		assert_int_equal(r->ev.fd, 9);
	}
	_Static_assert(VFIO_DEVICE_IOEVENTFD_64 == 8, "the flag is the width");
	assert_ok(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX, 0, 4, 0, -1));
	assert_int_equal(r->ev.fd, -1);

	/* refused before the kernel: width, fd, region, range */
	memset(&r->ev, 0, sizeof(r->ev));
	assert_err(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX, 0, 3, 0, 9), EINVAL);
	assert_err(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX, 0, 16, 0, 9), EINVAL);
	assert_err(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX, 0, 4, 0, -2), EINVAL);
	assert_err(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX, T_BAR4_SIZE - 2, 4, 0,
					 9), EINVAL);
	assert_msg_has("outside region 4");
	assert_err(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX, UINT64_MAX - 1, 4, 0,
					 9), EINVAL);
	assert_err(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR1_REGION_INDEX, 0, 4, 0, 9), EINVAL);
	assert_err(vfio_device_ioeventfd(r->d, 99, 0, 4, 0, 9), EINVAL);
	assert_err(vfio_device_ioeventfd(NULL, 0, 0, 4, 0, 9), EINVAL);
	assert_int_equal(r->ev.argsz, 0); /* none reached the kernel */

	/* the kernel's errno, the call named */
	r->answer[0] = -EEXIST;
	assert_err(vfio_device_ioeventfd(r->d, VFIO_PCI_BAR4_REGION_INDEX, 0, 4, 0, 9), EEXIST);
	assert_msg_has("VFIO_DEVICE_IOEVENTFD on " T_PCI " (region 4 + 0x0, 4 bytes, fd 9)");
}

static void test_probe_sim(void **state)
{
	struct rig *r = *state;
	uint32_t flags = 77;

	/* LOW_POWER_ENTRY: SET only (GET answers EINVAL); VF_TOKEN: absent (ENOTTY) */
	assert_ok(vfio_device_feature_probe(r->d, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, &flags));
	assert_int_equal(flags, VFIO_DEVICE_FEATURE_SET);
	assert_ok(vfio_device_feature_probe(r->d, VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, &flags));
	assert_int_equal(flags, 0);
	assert_ok(vfio_device_feature_set(r->d, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0));
	assert_ok(vfio_device_feature_set(r->d, VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0));
	assert_err(vfio_device_feature_get(r->d, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0),
		   EINVAL);
	assert_msg_has("VFIO_DEVICE_FEATURE GET 3 (0 bytes) on " T_PCI);
	assert_err(vfio_device_feature_get(r->d, VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, NULL, 0),
		   ENOTTY);

	/* an errno other than "absent" or "not this operation" is the caller's */
	assert_ok(vfio_fault_inject(r->f->be, VFIO_OP_DEVICE_FEATURE, 1, EIO));
	assert_err(vfio_device_feature_probe(r->d, 3, &flags), EIO);
	assert_msg_has("PROBE|GET 3");
	assert_ok(vfio_fault_inject(r->f->be, VFIO_OP_DEVICE_FEATURE, 2, EIO));
	assert_err(vfio_device_feature_probe(r->d, 3, &flags), EIO);
	assert_msg_has("PROBE|SET 3");

	/* refused before the kernel */
	assert_err(vfio_device_feature_probe(r->d, 0x10000, &flags), EINVAL);
	assert_err(vfio_device_feature_probe(r->d, 3, NULL), EINVAL);
	assert_err(vfio_device_feature_probe(NULL, 3, &flags), EINVAL);
	assert_err(vfio_device_feature_get(r->d, 0x10000, &flags, 4), EINVAL);
	assert_err(vfio_device_feature_get(r->d, 3, NULL, 4), EINVAL);
	assert_err(vfio_device_feature_set(r->d, 3, NULL, 4), EINVAL);
	assert_err(vfio_device_feature_set(NULL, 3, NULL, 0), EINVAL);
	assert_err(vfio_device_feature_get(r->d, 3, &flags, SIZE_MAX - 2), EINVAL);
}

static void test_get_set_data(void **state)
{
	struct rig *r = *state;
	uint8_t small[16], *big = calloc(1, BIG);
	uint32_t flags;

	assert_non_null(big);
	r->h.ops.device_feature = feature_hook;

	/* GET into a small buffer and a big one: the data comes back, argsz counts it */
	assert_ok(vfio_device_feature_get(r->d, 0x1234, small, sizeof(small)));
	assert_int_equal(r->flags_seen[0], 0x1234 | VFIO_DEVICE_FEATURE_GET);
	assert_int_equal(r->argsz_seen, sizeof(struct vfio_device_feature) + sizeof(small));
	assert_int_equal(small[15], 0x5a);
	r->feature_calls = 0;
	assert_ok(vfio_device_feature_get(r->d, 0xffff, big, BIG));
	assert_int_equal(r->argsz_seen, sizeof(struct vfio_device_feature) + BIG);
	assert_int_equal(big[BIG - 1], 0x5a);

	/* SET of big data: sent, not changed */
	memset(big, 0x11, BIG);
	r->feature_calls = 0;
	assert_ok(vfio_device_feature_set(r->d, 7, big, BIG));
	assert_int_equal(r->flags_seen[0], 7 | VFIO_DEVICE_FEATURE_SET);
	assert_int_equal(big[0], 0x11);

	/* a failing GET leaves the caller's data alone */
	memset(small, 0, sizeof(small));
	r->feature_calls = 0;
	r->answer[0] = -EINVAL;
	assert_err(vfio_device_feature_get(r->d, 7, small, sizeof(small)), EINVAL);
	assert_int_equal(small[0], 0);
	r->feature_calls = 0;
	assert_err(vfio_device_feature_get(r->d, 7, big, BIG), EINVAL);
	assert_int_equal(big[0], 0x11);

	/* probe: a GET-only feature, and one with both */
	r->feature_calls = 0;
	r->answer[0] = 0;
	r->answer[1] = -EINVAL;
	assert_ok(vfio_device_feature_probe(r->d, 9, &flags));
	assert_int_equal(flags, VFIO_DEVICE_FEATURE_GET);
	assert_int_equal(r->flags_seen[0], 9 | VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET);
	assert_int_equal(r->flags_seen[1], 9 | VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET);
	assert_int_equal(r->argsz_seen, sizeof(struct vfio_device_feature));
	r->feature_calls = 0;
	r->answer[1] = 0;
	assert_ok(vfio_device_feature_probe(r->d, 9, &flags));
	assert_int_equal(flags, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ioeventfd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_sim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_set_data, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
