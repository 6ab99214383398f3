// SPDX-License-Identifier: MIT
/* core/region.c: region descriptions, bounded read and write, mmap of areas. */

#include <sys/mman.h>
#include <unistd.h>

#include "testutil.h"

static void read_write_memory_region(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	uint8_t *mem = vfio_sim_region_mem(f->pci, 0);
	uint32_t v = 0xdeadbeef, r = 0;
	size_t done = 0;

	assert_non_null(mem);
	assert_ok(vfio_region_write(d, 0, 0x100, &v, sizeof(v), &done));
	assert_int_equal(done, sizeof(v));
	assert_memory_equal(mem + 0x100, &v, sizeof(v));
	mem[T_BAR0_SIZE - 1] = 0x5a;
	assert_ok(vfio_region_read(d, 0, T_BAR0_SIZE - 4, &r, sizeof(r), NULL));
	assert_int_equal(r >> 24, 0x5a);
	assert_ok(vfio_region_read(d, 0, 0x100, &r, sizeof(r), &done));
	assert_int_equal(r, v);
	assert_ok(vfio_device_close(d));
}

static void bounds_are_overflow_safe(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	uint8_t buf[16];

	assert_err(vfio_region_read(d, 0, T_BAR0_SIZE, buf, 1, NULL), EINVAL);
	assert_msg_has("outside the region");
	assert_err(vfio_region_read(d, 0, T_BAR0_SIZE - 4, buf, 8, NULL), EINVAL);
	assert_err(vfio_region_read(d, 0, UINT64_MAX, buf, 2, NULL), EINVAL);
	assert_err(vfio_region_write(d, 0, 8, buf, SIZE_MAX, NULL), EINVAL);
	assert_err(vfio_region_write(d, 0, UINT64_MAX - 3, buf, 8, NULL), EINVAL);
	/* a zero-length access at the very end is inside */
	assert_ok(vfio_region_read(d, 0, T_BAR0_SIZE, buf, 0, NULL));
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_PREAD), 1);
	assert_ok(vfio_device_close(d));
}

static void access_rules(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	uint32_t v = 1;

	assert_err(vfio_region_write(d, VFIO_PCI_BAR5_REGION_INDEX, 0, &v, 4, NULL), EINVAL);
	assert_msg_has("does not allow it");
	assert_ok(vfio_region_read(d, VFIO_PCI_BAR5_REGION_INDEX, 0, &v, 4, NULL));
	assert_err(vfio_region_read(d, VFIO_PCI_VGA_REGION_INDEX, 0, &v, 4, NULL), ENOENT);
	assert_msg_has("read: region 8 of 0000:00:04.0");
	/* a BAR the device lacks: size 0, no flags, as vfio-pci answers */
	assert_err(vfio_region_read(d, VFIO_PCI_BAR1_REGION_INDEX, 0, &v, 4, NULL), EINVAL);
	assert_err(vfio_region_write(d, 99, 0, &v, 4, NULL), EINVAL);
	assert_ok(vfio_device_close(d));
}

static void trapped_region_and_short_counts(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	uint8_t buf[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, back[8] = { 0 };
	size_t done;

	assert_ok(vfio_region_write(d, VFIO_PCI_BAR4_REGION_INDEX, 0x10, buf, 8, &done));
	assert_int_equal(f->bar4_writes, 1);
	assert_memory_equal(f->bar4 + 0x10, buf, 8);
	assert_ok(vfio_region_read(d, VFIO_PCI_BAR4_REGION_INDEX, 0x10, back, 8, &done));
	assert_int_equal(f->bar4_reads, 1);
	assert_memory_equal(back, buf, 8);
	/* the device stops after 2 bytes: a short count, as pread(2) gives it */
	f->bar4_short = 2;
	assert_ok(vfio_region_read(d, VFIO_PCI_BAR4_REGION_INDEX, 0x10, back, 8, &done));
	assert_int_equal(done, 2);
	assert_err(vfio_region_read(d, VFIO_PCI_BAR4_REGION_INDEX, 0x10, back, 8, NULL), EIO);
	assert_msg_has("2 of 8 bytes");
	assert_err(vfio_region_write(d, VFIO_PCI_BAR4_REGION_INDEX, 0, buf, 8, NULL), EIO);
	/* the device model fails the access */
	f->bar4_short = -EIO;
	assert_err(vfio_region_read(d, VFIO_PCI_BAR4_REGION_INDEX, 0, back, 4, &done), EIO);
	assert_msg_has("read region 4 of 0000:00:04.0 at 0x0");
	f->bar4_short = 0;
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_PWRITE, 1, EFAULT));
	assert_err(vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, buf, 4, &done), EFAULT);
	assert_ok(vfio_device_close(d));
}

static bool is_mapped(void *addr)
{
	return msync(addr, 4096, MS_ASYNC) == 0;
}

static void mmap_whole_region(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_region_mapping *m;
	const struct vfio_mmap_area *a;
	uint8_t *mem = vfio_sim_region_mem(f->pci, 0);
	void *base;
	uint32_t v;

	assert_ok(vfio_region_mmap(d, 0, PROT_READ | PROT_WRITE, &m));
	assert_int_equal(vfio_region_mapping_areas(m, &a), 1);
	assert_int_equal(a[0].offset, 0);
	assert_int_equal(a[0].size, T_BAR0_SIZE);
	assert_ptr_equal(a[0].addr, vfio_region_mapping_base(m));
	((volatile uint32_t *)a[0].addr)[0x40] = 0x12345678;
	/* the same memory the device model and pread see */
	assert_int_equal(*(uint32_t *)(mem + 0x100), 0x12345678);
	assert_ok(vfio_region_read(d, 0, 0x100, &v, 4, NULL));
	assert_int_equal(v, 0x12345678);
	base = vfio_region_mapping_base(m);
	assert_ok(vfio_region_munmap(m));
	assert_false(is_mapped(base));
	assert_ok(vfio_device_close(d));
}

static void mmap_sparse_maps_only_areas(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	const struct vfio_region_desc *r;
	struct vfio_region_mapping *m;
	const struct vfio_mmap_area *a;
	uint8_t *base, *mem = vfio_sim_region_mem(f->pci, 2);

	assert_ok(vfio_region_get(d, 2, &r));
	assert_int_equal(r->caps, VFIO_REGION_HAS_SPARSE_MMAP | VFIO_REGION_HAS_MSIX_MAPPABLE);
	assert_int_equal(r->nr_sparse, 2);
	assert_int_equal(r->sparse[1].offset, 0x3000);
	assert_int_equal(r->sparse[1].size, 0x2000);
	assert_ok(vfio_region_mmap(d, 2, PROT_READ | PROT_WRITE, &m));
	base = vfio_region_mapping_base(m);
	assert_int_equal(vfio_region_mapping_areas(m, &a), 2);
	assert_ptr_equal(a[0].addr, base);
	assert_ptr_equal(a[1].addr, base + 0x3000);
	assert_true(is_mapped(base));
	assert_false(is_mapped(base + 0x1000));
	assert_false(is_mapped(base + 0x2000));
	assert_true(is_mapped(base + 0x3000));
	assert_true(is_mapped(base + 0x4000));
	assert_false(is_mapped(base + 0x5000));
	assert_false(is_mapped(base + 0x7000));
	base[0x3004] = 0xab;
	assert_int_equal(mem[0x3004], 0xab);
	assert_ok(vfio_region_munmap(m));
	assert_false(is_mapped(base));
	assert_false(is_mapped(base + 0x3000));
	assert_ok(vfio_device_close(d));
}

static void mmap_rules(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_region_mapping *m = (void *)1;

	assert_err(vfio_region_mmap(d, VFIO_PCI_BAR4_REGION_INDEX, PROT_READ, &m), EINVAL);
	assert_msg_has("not mappable");
	assert_null(m);
	assert_err(vfio_region_mmap(d, 0, PROT_READ | PROT_EXEC, &m), EINVAL);
	assert_err(vfio_region_mmap(d, 0, 0, &m), EINVAL);
	assert_err(vfio_region_mmap(d, VFIO_PCI_VGA_REGION_INDEX, PROT_READ, &m), ENOENT);
	assert_err(vfio_region_mmap(d, VFIO_PCI_BAR1_REGION_INDEX, PROT_READ, &m), EINVAL);
	assert_err(vfio_region_mmap(d, 0, PROT_READ, NULL), EINVAL);
	assert_int_equal(vfio_region_munmap(NULL), 0);
	assert_ok(vfio_device_close(d));
}

static void mmap_readonly_region(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_sim_group *g;
	struct vfio_sim_device *sd;
	struct vfio_device *d;
	struct vfio_region_mapping *m;

	assert_ok(vfio_sim_group_add(f->sim, 50, &g));
	assert_ok(vfio_sim_device_add(g, "ro.0", VFIO_DEVICE_FLAGS_PLATFORM, 1, 0, &sd));
	assert_ok(vfio_sim_region_add(sd, 0, 0x2000,
				      VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP, NULL,
				      NULL));
	assert_ok(vfio_device_open(f->c, 50, "ro.0", &d));
	assert_err(vfio_region_mmap(d, 0, PROT_READ | PROT_WRITE, &m), EINVAL);
	assert_ok(vfio_region_mmap(d, 0, PROT_READ, &m));
	assert_ok(vfio_region_munmap(m));
	assert_ok(vfio_device_close(d));
}

static void mmap_failure_unmaps_what_was_mapped(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_region_mapping *m;

	assert_ok(vfio_fault_inject(f->be, VFIO_OP_MMAP, 2, ENOMEM));
	assert_err(vfio_region_mmap(d, 2, PROT_READ, &m), ENOMEM);
	assert_msg_has("area [0x3000, +0x2000)");
	assert_int_equal(vfio_fault_calls(f->be, VFIO_OP_MUNMAP), 1);
	assert_ok(vfio_device_close(d));
}

static void munmap_failure_reported(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_region_mapping *m;
	const struct vfio_mmap_area *a;
	void *addr;

	assert_ok(vfio_region_mmap(d, 0, PROT_READ, &m));
	vfio_region_mapping_areas(m, &a);
	addr = a[0].addr;
	assert_ok(vfio_fault_inject(f->be, VFIO_OP_MUNMAP, 1, EINVAL));
	assert_err(vfio_region_munmap(m), EINVAL);
	assert_msg_has("munmap region 0");
	munmap(addr, T_BAR0_SIZE);
	assert_ok(vfio_device_close(d));
}

static void close_unmaps_leftover_mappings(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f);
	struct vfio_region_mapping *m1, *m2;
	void *b1, *b2;

	assert_ok(vfio_region_mmap(d, 0, PROT_READ, &m1));
	assert_ok(vfio_region_mmap(d, 2, PROT_READ, &m2));
	b1 = vfio_region_mapping_base(m1);
	b2 = vfio_region_mapping_base(m2);
	assert_ok(vfio_device_close(d));
	assert_false(is_mapped(b1));
	assert_false(is_mapped(b2));
}

static void region_caps_decoded(void **state)
{
	struct t_fixture *f = *state;
	const struct vfio_region_desc *r;
	struct vfio_device *d;

	/* VFIO_REGION_TYPE_PCI_VENDOR_TYPE is (1 << 31): UB as an int, so spelt out */
	const uint32_t type = 0x80000000u | 0x10de;

	assert_ok(vfio_sim_region_set_type(f->pci, 0, type,
					   VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM));
	assert_ok(vfio_sim_region_set_nvlink2(f->pci, 0, 0x123456789000ull, 25));
	d = t_open_pci(f);
	assert_ok(vfio_region_get(d, 0, &r));
	assert_int_equal(r->caps, VFIO_REGION_HAS_TYPE | VFIO_REGION_HAS_NVLINK2_SSATGT |
					  VFIO_REGION_HAS_NVLINK2_LNKSPD);
	assert_int_equal(r->type, type);
	assert_int_equal(r->subtype, VFIO_REGION_SUBTYPE_NVIDIA_NVLINK2_RAM);
	assert_int_equal(r->nvlink2_tgt, 0x123456789000ull);
	assert_int_equal(r->nvlink2_link_speed, 25);
	assert_true(r->present);
	assert_int_equal(r->flags & VFIO_REGION_INFO_FLAG_CAPS, VFIO_REGION_INFO_FLAG_CAPS);
	assert_ok(vfio_device_close(d));
}

/* A malformed chain from the backend fails the open with EPROTO, never a crash. */
static void malformed_chain_from_backend(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d;
	uint8_t chain[16] = { 0 };
	struct vfio_info_cap_header h = { .id = VFIO_REGION_INFO_CAP_TYPE, .version = 1,
					  .next = 32 /* itself: a loop */ };

	memcpy(chain, &h, sizeof(h));
	assert_ok(vfio_sim_region_set_raw_caps(f->pci, 0, chain, sizeof(chain)));
	assert_err(vfio_device_open(f->c, T_GROUP, T_PCI, &d), EPROTO);
	assert_msg_has("VFIO_DEVICE_GET_REGION_INFO 0000:00:04.0: region 0 info");
	assert_msg_has("loop");
	assert_int_equal(vfio_sim_device_open_count(f->pci), 0);
}

/* A device whose region 0 has the sparse areas given: for the area rules of mmap. */
static struct vfio_device *sparse_device(struct t_fixture *f, unsigned int group,
					 const uint64_t (*areas)[2], size_t n)
{
	struct vfio_sim_group *g;
	struct vfio_sim_device *sd;
	struct vfio_device *d;
	char name[16];

	snprintf(name, sizeof(name), "sparse.%u", group);
	assert_ok(vfio_sim_group_add(f->sim, group, &g));
	assert_ok(vfio_sim_device_add(g, name, VFIO_DEVICE_FLAGS_PLATFORM, 1, 0, &sd));
	assert_ok(vfio_sim_region_add(sd, 0, 0x10000,
				      VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP, NULL,
				      NULL));
	for (size_t i = 0; i < n; i++)
		assert_ok(vfio_sim_region_add_sparse(sd, 0, areas[i][0], areas[i][1]));
	assert_ok(vfio_device_open(f->c, group, name, &d));
	return d;
}

static void mmap_sparse_area_rules(void **state)
{
	static const uint64_t unaligned[][2] = { { 0x800, 0x1000 } };
	static const uint64_t overlapping[][2] = { { 0x2000, 0x2000 }, { 0x0, 0x2001 } };
	static const uint64_t out_of_order[][2] = { { 0x8000, 0x1000 }, { 0x0, 0x10 },
						      { 0x4000, 0x0 } };
	struct t_fixture *f = *state;
	struct vfio_region_mapping *m;
	const struct vfio_mmap_area *a;
	struct vfio_device *d;

	d = sparse_device(f, 60, unaligned, 1);
	assert_err(vfio_region_mmap(d, 0, PROT_READ, &m), EINVAL);
	assert_msg_has("area at 0x800 is not page aligned");
	assert_ok(vfio_device_close(d));
	d = sparse_device(f, 61, overlapping, 2);
	assert_err(vfio_region_mmap(d, 0, PROT_READ, &m), EINVAL);
	assert_msg_has("areas at 0x0 and 0x2000 overlap");
	assert_ok(vfio_device_close(d));
	/* areas come back by offset; an empty one maps nothing; a short one a whole page */
	d = sparse_device(f, 62, out_of_order, 3);
	assert_ok(vfio_region_mmap(d, 0, PROT_READ, &m));
	assert_int_equal(vfio_region_mapping_areas(m, &a), 2);
	assert_int_equal(a[0].offset, 0);
	assert_int_equal(a[0].size, 0x10);
	assert_int_equal(a[1].offset, 0x8000);
	assert_true(is_mapped(a[0].addr));
	assert_false(is_mapped((uint8_t *)vfio_region_mapping_base(m) + 0x4000));
	assert_ok(vfio_region_munmap(m));
	assert_ok(vfio_device_close(d));
	/* a sparse capability with no areas: a mapping of nothing */
	{
		struct vfio_info_cap_header h = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP,
						  .version = 1 };
		uint8_t chain[16] = { 0 };

		memcpy(chain, &h, sizeof(h));
		assert_ok(vfio_sim_region_set_raw_caps(f->pci, 0, chain, sizeof(chain)));
		d = t_open_pci(f);
		assert_ok(vfio_region_mmap(d, 0, PROT_READ, &m));
		assert_int_equal(vfio_region_mapping_areas(m, NULL), 0);
		assert_ok(vfio_region_munmap(m));
		assert_ok(vfio_device_close(d));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(read_write_memory_region, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(bounds_are_overflow_safe, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(access_rules, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(trapped_region_and_short_counts, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mmap_whole_region, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mmap_sparse_maps_only_areas, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mmap_rules, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mmap_readonly_region, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mmap_failure_unmaps_what_was_mapped, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(munmap_failure_reported, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(close_unmaps_leftover_mappings, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(region_caps_decoded, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(malformed_chain_from_backend, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mmap_sparse_area_rules, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
