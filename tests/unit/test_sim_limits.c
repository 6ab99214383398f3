// SPDX-License-Identifier: MIT
/*
 * Type1's limits in the sim: the locked-memory account against
 * RLIMIT_MEMLOCK (ENOMEM), and how it meets the DMA entry limit (ENOSPC).
 */

#include <pthread.h>

#include "test_sim_fixture.h"

#define RW (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)
#define VA(s, off) ((uint64_t)(uintptr_t)(s)->buf + (off))

static void test_unlimited_by_default(void **state)
{
	struct s_fix *s = *state;
	uint64_t unmapped;

	s_open_device(s, 1);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 0);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 16 * S_PAGE), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 16 * S_PAGE);
	/* the same memory mapped again counts again, as type1 counts it */
	assert_int_equal(s_map_rw(s, 0x200000, 0, 16 * S_PAGE), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 32 * S_PAGE);
	assert_int_equal(s_unmap(s, 0x100000, 16 * S_PAGE, 0, &unmapped), 0);
	assert_int_equal(unmapped, 16 * S_PAGE);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 16 * S_PAGE);
	assert_int_equal(s_unmap(s, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 0);
}

static void test_limit_enomem(void **state)
{
	struct s_fix *s = *state;

	s_open_device(s, 1);
	/* 8 pages and a bit: counted in whole pages */
	vfio_sim_set_locked_memory_limit(s->sim, 8 * S_PAGE + 100);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 4 * S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x200000, 4 * S_PAGE, 3 * S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x300000, 8 * S_PAGE, 2 * S_PAGE), -ENOMEM);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 2);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 7 * S_PAGE);
	assert_int_equal(s_map_rw(s, 0x300000, 8 * S_PAGE, S_PAGE), 0); /* exactly at the limit */
	assert_int_equal(s_map_rw(s, 0x400000, 9 * S_PAGE, S_PAGE), -ENOMEM);
	/* an unmap gives its pages back */
	assert_int_equal(s_unmap(s, 0x100000, 4 * S_PAGE, 0, NULL), 0);
	assert_int_equal(s_map_rw(s, 0x400000, 9 * S_PAGE, 4 * S_PAGE), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 8 * S_PAGE);
	/* a lower limit leaves the pins alone and refuses the next */
	vfio_sim_set_locked_memory_limit(s->sim, 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 8 * S_PAGE);
	assert_int_equal(s_map_rw(s, 0x500000, 0, S_PAGE), -ENOMEM);
	assert_int_equal(s_unmap(s, 0x200000, 3 * S_PAGE, 0, NULL), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 5 * S_PAGE);
	vfio_sim_set_locked_memory_limit(s->sim, VFIO_SIM_LOCKED_MEMORY_UNLIMITED);
	assert_int_equal(s_map_rw(s, 0x500000, 0, 16 * S_PAGE), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 21 * S_PAGE);
}

static void test_errno_order(void **state)
{
	struct s_fix *s = *state;
	uint64_t hole;
	void *p;

	s_open_device(s, 1);
	vfio_sim_set_locked_memory_limit(s->sim, 0);
	/* the argument checks, the overlap, and the vaddr come before the pin count */
	assert_int_equal(s_map_rw(s, 0x100001, 0, S_PAGE), -EINVAL);
	p = mmap(NULL, S_PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	hole = (uint64_t)(uintptr_t)p;
	munmap(p, S_PAGE);
	assert_int_equal(s_map(s, 0x100000, hole, S_PAGE, RW), -EFAULT);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), -ENOMEM);
	/* the entry limit is checked before pinning: ENOSPC wins */
	vfio_sim_set_locked_memory_limit(s->sim, VFIO_SIM_LOCKED_MEMORY_UNLIMITED);
	s_close(s, &s->device);
	s_close(s, &s->group);
	s_close(s, &s->container);
	vfio_sim_set_dma_entry_limit(s->sim, 1);
	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
	vfio_sim_set_locked_memory_limit(s->sim, 0);
	assert_int_equal(s_map_rw(s, 0x200000, 0, S_PAGE), -ENOSPC);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), -EEXIST);
}

static void test_vaddr_update_keeps_the_count(void **state)
{
	struct s_fix *s = *state;

	s_open_device(s, 1);
	vfio_sim_set_locked_memory_limit(s->sim, 4 * S_PAGE);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 4 * S_PAGE), 0);
	assert_int_equal(s_unmap(s, 0x100000, 4 * S_PAGE, VFIO_DMA_UNMAP_FLAG_VADDR, NULL), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 4 * S_PAGE); /* still pinned */
	assert_int_equal(s_map(s, 0x100000, VA(s, 8 * S_PAGE), 4 * S_PAGE,
			       VFIO_DMA_MAP_FLAG_VADDR),
			 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 4 * S_PAGE);
	assert_int_equal(s_unmap(s, 0x100000, 4 * S_PAGE, 0, NULL), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 0);
}

static void test_shared_by_containers_and_released(void **state)
{
	struct s_fix *s = *state;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = RW,
		.vaddr = VA(s, 0),
		.iova = 0x100000,
		.size = 4 * S_PAGE,
	};
	int c2, g2;

	s_open_device(s, 1);
	vfio_sim_set_locked_memory_limit(s->sim, 6 * S_PAGE);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 4 * S_PAGE), 0);
	/* another container of the same process: one account */
	c2 = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	g2 = s->ops->open(s->be, "/dev/vfio/2", O_RDWR);
	assert_int_equal(s->ops->group_set_container(s->be, g2, c2), 0);
	assert_int_equal(s->ops->set_iommu(s->be, c2, VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(s->ops->iommu_map_dma(s->be, c2, &map), -ENOMEM);
	map.size = 2 * S_PAGE;
	assert_int_equal(s->ops->iommu_map_dma(s->be, c2, &map), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 6 * S_PAGE);
	/* the last group leaving releases the IOMMU and its pins */
	assert_int_equal(s->ops->group_unset_container(s->be, g2), 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 4 * S_PAGE);
	s_close(s, &g2);
	s_close(s, &c2);
	s_close(s, &s->device);
	s_close(s, &s->group); /* the container's last group */
	assert_int_equal(vfio_sim_locked_memory(s->sim), 0);
}

struct mapper {
	struct s_fix *s;
	uint64_t iova;
	int ok, enomem, other;
	uint64_t peak;
};

#define LIMIT_PAGES 24
#define ROUNDS 300

static void *map_unmap(void *arg)
{
	struct mapper *m = arg;
	int i, ret;

	for (i = 0; i < ROUNDS; i++) {
		uint64_t locked;

		ret = s_map_rw(m->s, m->iova, (size_t)(i % 8) * S_PAGE, 8 * S_PAGE);
		locked = vfio_sim_locked_memory(m->s->sim);
		if (locked > m->peak)
			m->peak = locked;
		if (ret == -ENOMEM) {
			m->enomem++;
			continue;
		}
		if (ret || s_unmap(m->s, m->iova, 8 * S_PAGE, 0, NULL)) {
			m->other++;
			continue;
		}
		m->ok++;
	}
	return NULL;
}

static void test_concurrent_account(void **state)
{
	struct s_fix *s = *state;
	struct mapper m[4];
	pthread_t t[4];
	int i, ok = 0;

	s_open_device(s, 1);
	vfio_sim_set_locked_memory_limit(s->sim, LIMIT_PAGES * S_PAGE); /* room for 3 of 4 */
	for (i = 0; i < 4; i++) {
		m[i] = (struct mapper){ .s = s, .iova = (uint64_t)(i + 1) << 30 };
		assert_int_equal(pthread_create(&t[i], NULL, map_unmap, &m[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(m[i].other, 0);
		assert_true(m[i].peak <= LIMIT_PAGES * S_PAGE);
		assert_int_equal(m[i].ok + m[i].enomem, ROUNDS);
		ok += m[i].ok;
	}
	assert_true(ok > 0);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 0);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unlimited_by_default, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_limit_enomem, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_errno_order, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_vaddr_update_keeps_the_count, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_shared_by_containers_and_released, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_account, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
