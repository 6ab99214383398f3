// SPDX-License-Identifier: MIT
/*
 * vfio-info's IOMMU report, from libvfio's vfio_iommu_get_info() and
 * vfio_iommu_ranges(), asked of the sim's type1 IOMMU through a container.
 * (The chain itself is parsed and tested in libvfio: tests/unit/test_iommu_info.c.)
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

static void test_query_sim(void **state)
{
	static const struct vfio_sim_iova_range one[] = { { 0x100000, 0xffffffff } };
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
	/* no group: no IOMMU yet */
	assert_int_equal(vi_iommu_query(c, &m, why, sizeof(why)), -ENODEV);
	assert_non_null(strstr(why, "no IOMMU yet"));
	assert_int_equal(vfio_group_open(c, 3, &grp), 0);
	assert_int_equal(vi_iommu_query(c, &m, why, sizeof(why)), 0);
	assert_int_equal(m.type, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(m.flags, VFIO_IOMMU_INFO_PGSIZES);
	assert_int_equal(m.pgsizes, 0x1000);
	assert_true(m.caps & VI_IOMMU_HAS_IOVA_RANGES);
	assert_int_equal(m.nr_ranges, 2);
	assert_int_equal(m.ranges[0].end, 0xfedfffff);
	assert_int_equal(m.ranges[1].start, 0xfef00000);
	assert_true(m.caps & VI_IOMMU_HAS_DMA_AVAIL);
	assert_int_equal(m.dma_avail, 1000);
	vi_iommu_free(&m);
	assert_int_equal(vfio_group_close(grp), 0);

	/* other ranges, and no entry limit: no DMA-avail line */
	assert_int_equal(vfio_sim_set_iova_ranges(sim, one, 1), 0);
	vfio_sim_set_dma_entry_limit(sim, UINT32_MAX);
	assert_int_equal(vfio_group_open(c, 3, &grp), 0);
	assert_int_equal(vi_iommu_query(c, &m, why, sizeof(why)), 0);
	assert_int_equal(m.nr_ranges, 1);
	assert_int_equal(m.ranges[0].start, 0x100000);
	assert_int_equal(m.ranges[0].end, 0xffffffff);
	assert_false(m.caps & VI_IOMMU_HAS_DMA_AVAIL);
	vi_iommu_free(&m);
	assert_int_equal(vfio_group_close(grp), 0);
	assert_int_equal(vfio_container_close(c), 0);
	vfio_backend_destroy(vfio_sim_backend(sim));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_sim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
