// SPDX-License-Identifier: MIT
/* The sim's /dev/iommu: IOAS objects, their IOVA ranges, map and unmap, locked memory. */

#include "test_sim_iommufd.h"

static void test_open_and_alloc(void **state)
{
	struct s_fix *s = *state;
	struct vfio_abi_ioas_alloc a = { .size = sizeof(a) };
	struct vfio_sim_handle h[2];
	int ictx = i_open(s, "/dev/iommu"), c = i_open(s, "/dev/vfio/vfio"), g;

	assert_true(fcntl(ictx, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(vfio_sim_handles(s->sim, h, 2), 2);
	assert_int_equal(h[0].fd == ictx ? h[0].kind : h[1].kind, VFIO_SIM_HANDLE_IOMMUFD);
	assert_string_equal(h[0].fd == ictx ? h[0].name : h[1].name, "/dev/iommu");
	assert_int_equal(i_ioas(s, ictx), 1);
	assert_int_equal(i_ioas(s, ictx), 2);
	a.flags = 1;
	assert_int_equal(s->ops->ioas_alloc(s->be, ictx, &a), -EOPNOTSUPP);
	a.flags = 0;
	a.size = 8;
	assert_int_equal(s->ops->ioas_alloc(s->be, ictx, &a), -EINVAL);
	assert_int_equal(s->ops->ioas_alloc(s->be, ictx, NULL), -EFAULT);
	a.size = sizeof(a);
	assert_int_equal(s->ops->ioas_alloc(s->be, 999, &a), -EBADF);
	/* not an iommufd: the container without a driver says EINVAL, a group ENOTTY */
	assert_int_equal(s->ops->ioas_alloc(s->be, c, &a), -EINVAL);
	g = i_open(s, "/dev/vfio/1");
	assert_int_equal(s->ops->ioas_alloc(s->be, g, &a), -ENOTTY);
	/* destroy: unknown ids, then the lowest free id comes back */
	assert_int_equal(i_destroy(s, ictx, 7), -ENOENT);
	assert_int_equal(i_destroy(s, ictx, 0), -ENOENT);
	assert_int_equal(i_destroy(s, ictx, 1), 0);
	assert_int_equal(i_destroy(s, ictx, 1), -ENOENT);
	assert_int_equal(i_ioas(s, ictx), 1);
	/* two iommufds have their own ids */
	{
		int other = i_open(s, "/dev/iommu");

		assert_int_equal(i_ioas(s, other), 1);
		s_close(s, &other);
	}
	s_close(s, &g);
	s_close(s, &c);
	s_close(s, &ictx);
}

static void test_map_file_is_enotty(void **state)
{
	struct s_fix *s = *state;
	struct vfio_abi_ioas_map_file m = { .size = sizeof(m), .fd = -1 };
	int ictx = i_open(s, "/dev/iommu"), c = i_open(s, "/dev/vfio/vfio");

	assert_int_equal(s->ops->ioas_map_file(s->be, ictx, &m), -ENOTTY);
	assert_int_equal(s->ops->ioas_map_file(s->be, c, &m), -EINVAL);
	assert_int_equal(s->ops->ioas_map_file(s->be, 999, &m), -EBADF);
	s_close(s, &c);
	s_close(s, &ictx);
}

static void test_ranges(void **state)
{
	struct s_fix *s = *state;
	struct vfio_abi_iova_range r[4] = { { 0, 0 } };
	struct vfio_abi_ioas_iova_ranges q = { .size = sizeof(q) };
	int ictx = i_open(s, "/dev/iommu"), dev;
	uint32_t ioas = i_ioas(s, ictx), n;
	uint64_t align;

	/* no domain: the whole space, byte alignment */
	assert_int_equal(i_ranges(s, ictx, ioas, r, 4, &n, &align), 0);
	assert_int_equal(n, 1);
	assert_int_equal(align, 1);
	assert_true(r[0].start == 0 && r[0].last == UINT64_MAX);
	/* too little room: EMSGSIZE with the count */
	assert_int_equal(i_ranges(s, ictx, ioas, NULL, 0, &n, &align), -EMSGSIZE);
	assert_int_equal(n, 1);
	assert_int_equal(i_ranges(s, ictx, 99, r, 4, &n, &align), -ENOENT);
	q.ioas_id = ioas;
	q.reserved = 1;
	assert_int_equal(s->ops->ioas_iova_ranges(s->be, ictx, &q), -EOPNOTSUPP);
	q.reserved = 0;
	q.size = 24;
	assert_int_equal(s->ops->ioas_iova_ranges(s->be, ictx, &q), -EINVAL);

	/* a device attached: the 48-bit aperture minus the MSI window, page alignment */
	dev = i_device(s, 0, ictx, ioas);
	assert_int_equal(i_ranges(s, ictx, ioas, r, 1, &n, &align), -EMSGSIZE);
	assert_int_equal(n, 2);
	assert_true(r[0].start == 0 && r[0].last == MSI_LO - 1);
	assert_int_equal(i_ranges(s, ictx, ioas, r, 4, &n, &align), 0);
	assert_int_equal(n, 2);
	assert_int_equal(align, S_PAGE);
	assert_true(r[1].start == MSI_HI + 1 && r[1].last == (1ULL << 48) - 1);
	/* the last device gone, the domain goes with it */
	assert_int_equal(i_detach(s, dev), 0);
	assert_int_equal(i_ranges(s, ictx, ioas, r, 4, &n, &align), 0);
	assert_int_equal(n, 1);
	assert_int_equal(align, 1);
	s_close(s, &dev);
	s_close(s, &ictx);
}

static void test_map_errors(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev;
	uint32_t ioas = i_ioas(s, ictx);
	uint64_t iova = 0x100000;

	assert_int_equal(i_map(s, ictx, ioas, 0x10 | RW_MAP, s->buf, S_PAGE, &iova), -EOPNOTSUPP);
	assert_int_equal(i_map(s, ictx, ioas, VFIO_ABI_IOAS_MAP_FIXED_IOVA, s->buf, S_PAGE, &iova),
			 -EINVAL);
	iova = UINT64_MAX;
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, iova), -EOVERFLOW);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, UINT64_MAX, 0), -EOVERFLOW);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 0, 0x100000), -EINVAL);
	assert_int_equal(i_fixed(s, ictx, 42, s->buf, S_PAGE, 0x100000), -ENOENT);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, UINT64_MAX - 10), -EOVERFLOW);
	/* no domain yet: any alignment goes */
	assert_int_equal(i_fixed(s, ictx, ioas, (char *)s->buf + 8, 100, 0x100008), 0);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x100000), -EEXIST);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 2 * S_PAGE, 0xff000), -EEXIST);
	assert_int_equal(i_unmap(s, ictx, ioas, 0, UINT64_MAX, NULL), 0);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x100000), 0);

	/* with a domain: page alignment, and the reserved regions refuse a fixed IOVA */
	dev = i_device(s, 0, ictx, ioas);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 100, 0x200000), -EINVAL);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x200008), -EINVAL);
	assert_int_equal(i_fixed(s, ictx, ioas, (char *)s->buf + 8, S_PAGE, 0x200000), -EINVAL);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, MSI_LO), -EINVAL);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 2 * S_PAGE, MSI_LO - S_PAGE), -EINVAL);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 1ULL << 48), -EINVAL);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, MSI_LO - S_PAGE), 0);
	/* memory the process does not have is EFAULT, pinned at once */
	assert_int_equal(i_fixed(s, ictx, ioas, (void *)(uintptr_t)S_PAGE, S_PAGE, 0x300000),
			 -EFAULT);
	s_close(s, &dev);
	s_close(s, &ictx);
}

static void test_kernel_chosen_iova(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev;
	uint32_t ioas = i_ioas(s, ictx);
	const struct vfio_sim_iova_range low[] = { { 0, 0x3fff }, { 0x100000, (1ULL << 48) - 1 } };
	uint64_t a = 0, b = 0, c = 0;

	assert_int_equal(i_map(s, ictx, ioas, RW_MAP, s->buf, S_PAGE, &a), 0);
	assert_true(a >= S_PAGE); /* never IOVA 0 */
	assert_int_equal(i_map(s, ictx, ioas, RW_MAP, s->buf, 2 * S_PAGE, &b), 0);
	assert_true(b >= S_PAGE && (b + 2 * S_PAGE <= a || b >= a + S_PAGE));
	/* the page offset of user_va carries over */
	assert_int_equal(i_map(s, ictx, ioas, RW_MAP, (char *)s->buf + 0x10, 0x20, &c), 0);
	assert_int_equal(c % S_PAGE, 0x10);
	assert_int_equal(i_unmap(s, ictx, ioas, 0, UINT64_MAX, NULL), 0);
	/* with a domain, chosen IOVAs avoid the reserved regions */
	assert_int_equal(vfio_sim_set_iova_ranges(s->sim, low, 2), 0);
	dev = i_device(s, 0, ictx, ioas);
	c = 0;
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 3 * S_PAGE, S_PAGE), 0);
	assert_int_equal(i_map(s, ictx, ioas, RW_MAP, s->buf, S_PAGE, &c), 0);
	assert_int_equal(c, 0x100000);
	assert_int_equal(i_map(s, ictx, ioas, RW_MAP, (char *)s->buf + 8, S_PAGE, &c), -EINVAL);
	s_close(s, &dev);
	s_close(s, &ictx);
}

static void test_unmap(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu");
	uint32_t ioas = i_ioas(s, ictx);
	struct vfio_sim_mapping m[4];
	uint64_t len;

	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 2 * S_PAGE, 0x10000), 0);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x20000), 0);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x30000), 0);
	assert_int_equal(vfio_sim_ioas_mappings(s->sim, ictx, ioas, m, 4), 3);
	assert_true(m[0].iova == 0x10000 && m[0].size == 2 * S_PAGE);
	assert_int_equal(m[0].flags, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	assert_int_equal(vfio_sim_ioas_mappings(s->sim, ictx, 9, NULL, 0), -ENOENT);
	assert_int_equal(vfio_sim_ioas_mappings(s->sim, 999, ioas, NULL, 0), -EBADF);
	/* cutting a mapping: ENOENT, and the length is left alone */
	len = 7;
	assert_int_equal(i_unmap(s, ictx, ioas, 0x10000, S_PAGE, &len), -ENOENT);
	assert_int_equal(len, S_PAGE);
	assert_int_equal(i_unmap(s, ictx, ioas, 0x11000, 0x20000, NULL), -ENOENT);
	/* nothing in range */
	assert_int_equal(i_unmap(s, ictx, ioas, 0x40000, S_PAGE, NULL), -ENOENT);
	assert_int_equal(i_unmap(s, ictx, ioas, 0x40000, 0, NULL), -EINVAL);
	assert_int_equal(i_unmap(s, ictx, ioas, UINT64_MAX, 1, NULL), -EOVERFLOW);
	assert_int_equal(i_unmap(s, ictx, ioas, 3, UINT64_MAX - 1, NULL), -EOVERFLOW);
	assert_int_equal(i_unmap(s, ictx, 9, 0, UINT64_MAX, NULL), -ENOENT);
	/* a range wholly over some mappings, ending inside another: those before go */
	assert_int_equal(i_unmap(s, ictx, ioas, 0, 0x30800, NULL), -ENOENT);
	assert_int_equal(vfio_sim_ioas_mappings(s->sim, ictx, ioas, m, 4), 1);
	assert_int_equal(m[0].iova, 0x30000);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x20000), 0);
	assert_int_equal(i_unmap(s, ictx, ioas, 0x20000, 0x11000, &len), 0);
	assert_int_equal(len, 2 * S_PAGE);
	/* all: success even when empty */
	assert_int_equal(i_unmap(s, ictx, ioas, 0, UINT64_MAX, &len), 0);
	assert_int_equal(len, 0);
	s_close(s, &ictx);
}

static void test_no_entry_limit(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu");
	uint32_t ioas = i_ioas(s, ictx), i;

	vfio_sim_set_dma_entry_limit(s->sim, 2); /* type1's; iommufd has none */
	for (i = 0; i < 8; i++)
		assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x100000 + i * S_PAGE), 0);
	assert_int_equal(vfio_sim_ioas_mappings(s->sim, ictx, ioas, NULL, 0), 8);
	s_close(s, &ictx);
}

static void test_locked_memory(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev;
	uint32_t ioas = i_ioas(s, ictx);

	vfio_sim_set_locked_memory_limit(s->sim, 4 * S_PAGE);
	/* no domain: nothing is pinned, so nothing is charged */
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 3 * S_PAGE, 0x100000), 0);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 3 * S_PAGE, 0x200000), 0);
	assert_int_equal(vfio_sim_iommufd_locked_memory(s->sim), 0);
	/* the attach pins both: past the limit */
	dev = i_open(s, "/dev/vfio/devices/vfio0");
	assert_int_equal(i_bind(s, dev, ictx, NULL), 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), -ENOMEM);
	assert_int_equal(vfio_sim_iommufd_locked_memory(s->sim), 0);
	assert_int_equal(i_unmap(s, ictx, ioas, 0x200000, 3 * S_PAGE, NULL), 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), 0);
	assert_int_equal(vfio_sim_iommufd_locked_memory(s->sim), 3 * S_PAGE);
	assert_int_equal(vfio_sim_locked_memory(s->sim), 0); /* type1's account is apart */
	/* with the domain, a map is charged at once */
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 2 * S_PAGE, 0x300000), -ENOMEM);
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, 0x300000), 0);
	assert_int_equal(vfio_sim_iommufd_locked_memory(s->sim), 4 * S_PAGE);
	assert_int_equal(i_unmap(s, ictx, ioas, 0x300000, S_PAGE, NULL), 0);
	assert_int_equal(vfio_sim_iommufd_locked_memory(s->sim), 3 * S_PAGE);
	/* the detach of the last device unpins all */
	assert_int_equal(i_detach(s, dev), 0);
	assert_int_equal(vfio_sim_iommufd_locked_memory(s->sim), 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), 0);
	s_close(s, &dev); /* close: detached, unbound */
	assert_int_equal(vfio_sim_iommufd_locked_memory(s->sim), 0);
	s_close(s, &ictx);
}

static void test_attach_checks_the_areas(void **state)
{
	struct s_fix *s = *state;
	int ictx = i_open(s, "/dev/iommu"), dev = i_device(s, 0, ictx, 0);
	uint32_t ioas = i_ioas(s, ictx);

	/* misaligned for the page: EADDRINUSE */
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, 100, 0x100000), 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), -EADDRINUSE);
	assert_int_equal(i_unmap(s, ictx, ioas, 0, UINT64_MAX, NULL), 0);
	/* in a reserved region: EADDRINUSE */
	assert_int_equal(i_fixed(s, ictx, ioas, s->buf, S_PAGE, MSI_LO + S_PAGE), 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), -EADDRINUSE);
	assert_int_equal(i_unmap(s, ictx, ioas, 0, UINT64_MAX, NULL), 0);
	/* memory that is gone: the pin at the attach fails */
	assert_int_equal(i_fixed(s, ictx, ioas, (void *)(uintptr_t)S_PAGE, S_PAGE, 0x100000), 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), -EFAULT);
	assert_int_equal(i_unmap(s, ictx, ioas, 0, UINT64_MAX, NULL), 0);
	assert_int_equal(i_attach(s, dev, ioas, NULL), 0);
	s_close(s, &dev);
	s_close(s, &ictx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_and_alloc, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_map_file_is_enotty, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_ranges, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_map_errors, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_kernel_chosen_iova, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_unmap, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_no_entry_limit, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_locked_memory, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_attach_checks_the_areas, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
