// SPDX-License-Identifier: MIT
/*
 * Thread safety as the headers state it: threads sharing a container map and
 * unmap while others open and close devices (in legacy and in iommufd mode),
 * and messages stay per thread.
 */

#include <pthread.h>
#include <stdlib.h>

#include "testutil.h"

#define MAPPERS 3
#define OPENERS 2
#define ROUNDS 200

struct shared {
	struct t_fixture *f;
	uint8_t *mem;
	int failures;
	pthread_mutex_t lock;
};

struct worker {
	struct shared *s;
	unsigned int id;
};

static void note_failure(struct shared *s)
{
	pthread_mutex_lock(&s->lock);
	s->failures++;
	pthread_mutex_unlock(&s->lock);
}

/* Run @first threads of @a then @total - @first of @b on @s, and wait for them all. */
static void run_workers(struct shared *s, unsigned int total, unsigned int first,
			void *(*a)(void *), void *(*b)(void *))
{
	struct worker w[MAPPERS + OPENERS];
	pthread_t t[MAPPERS + OPENERS];

	assert_in_range(total, 1, MAPPERS + OPENERS);
	for (unsigned int i = 0; i < total; i++) {
		w[i] = (struct worker){ .s = s, .id = i };
		assert_int_equal(pthread_create(&t[i], NULL, i < first ? a : b, &w[i]), 0);
	}
	for (unsigned int i = 0; i < total; i++)
		pthread_join(t[i], NULL);
}

static void *mapper(void *arg)
{
	struct worker *w = arg;
	uint64_t base = 0x1000000ull * (w->id + 1), unmapped;

	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t iova = base + (i % 16) * 0x1000;

		if (vfio_dma_map(w->s->f->c, iova, 0x1000, w->s->mem, VFIO_DMA_PROT_READ) ||
		    vfio_dma_unmap(w->s->f->c, iova, 0x1000, &unmapped) || unmapped != 0x1000)
			note_failure(w->s);
	}
	/* leave one mapping per thread behind, to count at the end */
	if (vfio_dma_map(w->s->f->c, base, 0x1000, w->s->mem, VFIO_DMA_PROT_READ))
		note_failure(w->s);
	return NULL;
}

static void *opener(void *arg)
{
	struct worker *w = arg;
	const char *name = w->id % 2 ? T_PCI2 : T_PCI;

	for (unsigned int i = 0; i < ROUNDS / 4; i++) {
		struct vfio_device *d;
		uint32_t v;

		if (vfio_device_open(w->s->f->c, T_GROUP, name, &d)) {
			note_failure(w->s);
			continue;
		}
		if (vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, &v, 4, NULL))
			note_failure(w->s);
		if (vfio_device_close(d))
			note_failure(w->s);
	}
	return NULL;
}

static void map_while_devices_come_and_go(void **state)
{
	struct t_fixture *f = *state;
	struct shared s = { .f = f, .mem = t_pages(1), .lock = PTHREAD_MUTEX_INITIALIZER };
	struct vfio_device *keep;
	size_t n;

	/* a device held open throughout keeps the IOMMU set, so every map reaches the sim */
	keep = t_open_pci(f);
	run_workers(&s, MAPPERS + OPENERS, MAPPERS, mapper, opener);
	assert_int_equal(s.failures, 0);
	assert_ok(vfio_dma_list(f->c, NULL, 0, &n));
	assert_int_equal(n, MAPPERS);
	assert_int_equal(vfio_sim_dma_count(f->sim, vfio_container_fd(f->c)), MAPPERS);
	assert_ok(vfio_device_close(keep));
	t_pages_free(s.mem, 1);
}

static void *groups_come_and_go(void *arg)
{
	struct worker *w = arg;

	for (unsigned int i = 0; i < ROUNDS / 4; i++) {
		struct vfio_device *d;

		if (vfio_device_open(w->s->f->c, w->id % 2 ? T_GROUP_PLAT : T_GROUP,
				     w->id % 2 ? T_PLAT : T_PCI, &d) ||
		    vfio_device_close(d))
			note_failure(w->s);
	}
	return NULL;
}

/* Groups joining and leaving while mappings are made: the IOMMU comes and goes. */
static void replay_races_with_maps(void **state)
{
	struct t_fixture *f = *state;
	struct shared s = { .f = f, .mem = t_pages(1), .lock = PTHREAD_MUTEX_INITIALIZER };
	struct vfio_device *d;
	size_t n;

	run_workers(&s, 4, 2, mapper, groups_come_and_go);
	assert_int_equal(s.failures, 0);
	assert_ok(vfio_dma_list(f->c, NULL, 0, &n));
	assert_int_equal(n, 2);
	/* whatever the order was, a joining device finds exactly the list in the kernel */
	d = t_open_pci(f);
	assert_int_equal(vfio_sim_dma_count(f->sim, vfio_container_fd(f->c)), 2);
	assert_ok(vfio_device_close(d));
	t_pages_free(s.mem, 1);
}

static int iommufd_setup(void **state)
{
	struct t_fixture *f = t_fixture_new(0);

	*state = f;
	return vfio_container_open_mode(f->be, VFIO_CONTAINER_IOMMUFD, &f->c);
}

/* The same in iommufd mode: devices bind and attach while the IOAS is mapped. */
static void iommufd_map_while_devices_come_and_go(void **state)
{
	struct t_fixture *f = *state;
	struct shared s = { .f = f, .mem = t_pages(1), .lock = PTHREAD_MUTEX_INITIALIZER };
	size_t n;

	run_workers(&s, MAPPERS + OPENERS, MAPPERS, mapper, opener);
	assert_int_equal(s.failures, 0);
	assert_ok(vfio_dma_list(f->c, NULL, 0, &n));
	assert_int_equal(n, MAPPERS);
	assert_int_equal(vfio_sim_ioas_mappings(f->sim, vfio_container_fd(f->c),
						vfio_container_ioas_id(f->c), NULL, 0),
			 MAPPERS);
	assert_ok(vfio_dma_unmap_all(f->c, NULL));
	t_pages_free(s.mem, 1);
}

static void *fail_in_thread(void *arg)
{
	struct t_fixture *f = arg;
	struct vfio_group *g;

	if (vfio_group_open(f->c, 99, &g) != -ENOENT)
		return (void *)1;
	return strstr(vfio_last_error(), "/dev/vfio/99") ? NULL : (void *)1;
}

static void messages_are_per_thread(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_group *g;
	pthread_t t;
	void *ret;

	assert_err(vfio_group_open(f->c, 98, &g), ENOENT);
	assert_int_equal(pthread_create(&t, NULL, fail_in_thread, f), 0);
	pthread_join(t, &ret);
	assert_null(ret);
	assert_msg_has("/dev/vfio/98");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(map_while_devices_come_and_go, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(replay_races_with_maps, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(iommufd_map_while_devices_come_and_go,
						iommufd_setup, t_teardown),
		cmocka_unit_test_setup_teardown(messages_are_per_thread, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
