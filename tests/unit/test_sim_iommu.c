// SPDX-License-Identifier: MIT
/* The sim's containers and type1 IOMMU, through the raw vtable. */

#include "test_sim_fixture.h"

static void test_api_version_and_extensions(void **state)
{
	struct s_fix *s = *state;

	s->container = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	assert_true(s->container >= 0);
	assert_int_equal(s->ops->get_api_version(s->be, s->container), VFIO_API_VERSION);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_TYPE1_IOMMU), 1);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_TYPE1v2_IOMMU), 1);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_UNMAP_ALL), 1);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_SPAPR_TCE_IOMMU), 0);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_NOIOMMU_IOMMU), 0);
	/* UPDATE_VADDR needs an opened IOMMU */
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_UPDATE_VADDR), 0);
	assert_int_equal(s->ops->check_extension(s->be, s->container, 12345), 0);
	assert_int_equal(s->ops->check_extension(s->be, -1, VFIO_TYPE1_IOMMU), -EBADF);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(s->ops->check_extension(s->be, s->container, VFIO_UPDATE_VADDR), 1);
	/* a group fd does not know container ioctls */
	assert_int_equal(s->ops->get_api_version(s->be, s->group), -ENOTTY);
}

static void test_set_iommu_errors(void **state)
{
	struct s_fix *s = *state;

	s->container = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	/* no group yet */
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), -EINVAL);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, 42), -ENODEV);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_SPAPR_TCE_IOMMU), -ENODEV);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_UNMAP_ALL), -EINVAL);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1_NESTING_IOMMU),
			 -EINVAL);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), -EINVAL);
}

static void test_ops_before_set_iommu(void **state)
{
	struct s_fix *s = *state;
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };

	s_attach(s, 1, 0);
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &info), -EINVAL);
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), -EINVAL);
	assert_int_equal(s_unmap(s, 0x100000, S_PAGE, 0, NULL), -EINVAL);
	/* a group fd answers ENOTTY for IOMMU ioctls */
	assert_int_equal(s->ops->iommu_get_info(s->be, s->group, &info), -ENOTTY);
}

/* Finds capability @id in a chain whose offsets count from @base. */
static const struct vfio_info_cap_header *find_cap(const void *base, uint32_t off, uint16_t id)
{
	unsigned int hops = 0;

	while (off && hops++ < 16) {
		const struct vfio_info_cap_header *h =
			(const void *)((const uint8_t *)base + off);

		if (h->id == id)
			return h;
		off = h->next;
	}
	return NULL;
}

static void test_get_info_caps(void **state)
{
	struct s_fix *s = *state;
	union {
		struct vfio_iommu_type1_info info;
		uint8_t bytes[512];
	} u;
	const struct vfio_iommu_type1_info_cap_iova_range *iova;
	const struct vfio_iommu_type1_info_dma_avail *avail;
	const struct vfio_iommu_type1_info_cap_migration *mig;
	uint32_t need;

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	memset(&u, 0, sizeof(u));
	u.info.argsz = 8;
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &u.info), -EINVAL);

	/* the base struct only: flags and the size the chain needs */
	u.info.argsz = sizeof(u.info);
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &u.info), 0);
	assert_true(u.info.flags & VFIO_IOMMU_INFO_PGSIZES);
	assert_true(u.info.flags & VFIO_IOMMU_INFO_CAPS);
	assert_int_equal(u.info.iova_pgsizes, 4096);
	assert_int_equal(u.info.cap_offset, 0);
	need = u.info.argsz;
	/* migration 32 + dma_avail 16 + two iova ranges 48 */
	assert_int_equal(need, sizeof(u.info) + 32 + 16 + 48);

	/* one byte short is still too small */
	memset(&u, 0, sizeof(u));
	u.info.argsz = need - 1;
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &u.info), 0);
	assert_int_equal(u.info.argsz, need);
	assert_int_equal(u.info.cap_offset, 0);

	memset(&u, 0, sizeof(u));
	u.info.argsz = need;
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), 0);
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &u.info), 0);
	assert_int_equal(u.info.argsz, need);
	assert_int_equal(u.info.cap_offset, sizeof(u.info));
	mig = (const void *)find_cap(&u, u.info.cap_offset, VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION);
	assert_non_null(mig);
	assert_int_equal(mig->pgsize_bitmap, 4096);
	avail = (const void *)find_cap(&u, u.info.cap_offset, VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL);
	assert_non_null(avail);
	assert_int_equal(avail->avail, 65534);
	iova = (const void *)find_cap(&u, u.info.cap_offset, VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE);
	assert_non_null(iova);
	assert_int_equal(iova->header.version, 1);
	assert_int_equal(iova->nr_iovas, 2);
	assert_int_equal(iova->iova_ranges[0].start, 0);
	assert_int_equal(iova->iova_ranges[0].end, 0xfedfffffULL);
	assert_int_equal(iova->iova_ranges[1].start, 0xfef00000ULL);
	assert_int_equal(iova->iova_ranges[1].end, (1ULL << 48) - 1);
	/* the chain ends */
	assert_int_equal(iova->header.next, 0);
}

static void test_get_info_minimal_argsz(void **state)
{
	struct s_fix *s = *state;
	struct vfio_iommu_type1_info info;

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	/* argsz 16: cap_offset lies beyond it and is not written */
	memset(&info, 0xab, sizeof(info));
	info.argsz = 16;
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &info), 0);
	assert_int_equal(info.cap_offset, 0xabababab);
	assert_true(info.argsz > sizeof(info));
}

static void test_map_validation(void **state)
{
	struct s_fix *s = *state;
	uint64_t va = (uint64_t)(uintptr_t)s->buf;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map) - 1,
		.flags = VFIO_DMA_MAP_FLAG_READ,
		.vaddr = va,
		.iova = 0x100000,
		.size = S_PAGE,
	};

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(s->ops->iommu_map_dma(s->be, s->container, &map), -EINVAL);
	assert_int_equal(s_map(s, 0x100000, va, S_PAGE, 1u << 5), -EINVAL); /* unknown flag */
	assert_int_equal(s_map(s, 0x100000, va, S_PAGE, 0), -EINVAL);	     /* no prot */
	assert_int_equal(s_map(s, 0x100000, va, S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_VADDR),
			 -EINVAL);
	assert_int_equal(s_map(s, 0x100000, va, 0, VFIO_DMA_MAP_FLAG_READ), -EINVAL);
	assert_int_equal(s_map(s, 0x100800, va, S_PAGE, VFIO_DMA_MAP_FLAG_READ), -EINVAL);
	assert_int_equal(s_map(s, 0x100000, va + 8, S_PAGE, VFIO_DMA_MAP_FLAG_READ), -EINVAL);
	assert_int_equal(s_map(s, 0x100000, va, S_PAGE + 1, VFIO_DMA_MAP_FLAG_READ), -EINVAL);
	/* IOVA and vaddr wrap */
	assert_int_equal(s_map(s, 0xfffffffffffff000ULL, va, 2 * S_PAGE, VFIO_DMA_MAP_FLAG_READ),
			 -EINVAL);
	assert_int_equal(s_map(s, 0x100000, 0xfffffffffffff000ULL, 2 * S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ),
			 -EINVAL);
	/* outside the IOVA ranges: the MSI window, and above 48 bits */
	assert_int_equal(s_map(s, 0xfee00000ULL, va, S_PAGE, VFIO_DMA_MAP_FLAG_READ), -EINVAL);
	assert_int_equal(s_map(s, 1ULL << 48, va, S_PAGE, VFIO_DMA_MAP_FLAG_READ), -EINVAL);
	assert_int_equal(s_map(s, 0xfedff000ULL, va, 2 * S_PAGE, VFIO_DMA_MAP_FLAG_READ), -EINVAL);
	/* vaddr not mapped in the process: pinning fails */
	assert_int_equal(s_map(s, 0x100000, 0x1000, S_PAGE, VFIO_DMA_MAP_FLAG_READ), -EFAULT);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
}

static void test_map_overlap_eexist(void **state)
{
	struct s_fix *s = *state;

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(s_map_rw(s, 0x200000, 0, 4 * S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x200000, 0, 4 * S_PAGE), -EEXIST);
	assert_int_equal(s_map_rw(s, 0x1ff000, 0, 2 * S_PAGE), -EEXIST);
	assert_int_equal(s_map_rw(s, 0x203000, 0, 2 * S_PAGE), -EEXIST);
	assert_int_equal(s_map_rw(s, 0x201000, 0, S_PAGE), -EEXIST);
	assert_int_equal(s_map_rw(s, 0x1f0000, 0, 0x20000), -EEXIST);
	/* adjacent on both sides is fine */
	assert_int_equal(s_map_rw(s, 0x1ff000, 0, S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x204000, 0, S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 3);
}

static void test_dma_entry_limit(void **state)
{
	struct s_fix *s = *state;
	uint64_t unmapped;
	int i;

	vfio_sim_set_dma_entry_limit(s->sim, 4);
	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	for (i = 0; i < 4; i++)
		assert_int_equal(s_map_rw(s, 0x100000 + (uint64_t)i * S_PAGE, 0, S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x200000, 0, S_PAGE), -ENOSPC);
	/* an overlap is still EEXIST: that check comes first */
	assert_int_equal(s_map_rw(s, 0x100000, 0, S_PAGE), -EEXIST);
	assert_int_equal(s_unmap(s, 0x100000, S_PAGE, 0, &unmapped), 0);
	assert_int_equal(s_map_rw(s, 0x200000, 0, S_PAGE), 0);
}

static void test_unmap_v2(void **state)
{
	struct s_fix *s = *state;
	uint64_t unmapped = 99;

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 4 * S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x104000, 0, 2 * S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x200000, 0, S_PAGE), 0);
	/* splits: start inside, end inside */
	assert_int_equal(s_unmap(s, 0x101000, S_PAGE, 0, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0x100000, 2 * S_PAGE, 0, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0x0ff000, 2 * S_PAGE, 0, NULL), -EINVAL);
	/* validation */
	assert_int_equal(s_unmap(s, 0x100000, 0, 0, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0x100800, S_PAGE, 0, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0x100000, 100, 0, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0xfffffffffffff000ULL, 2 * S_PAGE, 0, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0x100000, S_PAGE, 1u << 7, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0x100000, S_PAGE, VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, NULL),
			 -EINVAL);
	/* nothing there: success, size 0 */
	assert_int_equal(s_unmap(s, 0x300000, S_PAGE, 0, &unmapped), 0);
	assert_int_equal(unmapped, 0);
	/* a range that covers two whole mappings, with holes around */
	assert_int_equal(s_unmap(s, 0x0f0000, 0x20000, 0, &unmapped), 0);
	assert_int_equal(unmapped, 6 * S_PAGE);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 1);
	/* argsz too small */
	{
		struct vfio_iommu_type1_dma_unmap u = {
			.argsz = 16, .iova = 0x200000, .size = S_PAGE
		};

		assert_int_equal(s->ops->iommu_unmap_dma(s->be, s->container, &u), -EINVAL);
	}
}

static void test_unmap_all(void **state)
{
	struct s_fix *s = *state;
	uint64_t unmapped;
	int i;

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	for (i = 0; i < 10; i++)
		assert_int_equal(s_map_rw(s, 0x100000 + (uint64_t)i * 0x10000, 0, 2 * S_PAGE), 0);
	assert_int_equal(s_unmap(s, 0x100000, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0, S_PAGE, VFIO_DMA_UNMAP_FLAG_ALL, NULL), -EINVAL);
	assert_int_equal(s_unmap(s, 0, 0,
				 VFIO_DMA_UNMAP_FLAG_ALL | VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP,
				 NULL),
			 -EINVAL);
	assert_int_equal(s_unmap(s, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &unmapped), 0);
	assert_int_equal(unmapped, 10 * 2 * S_PAGE);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
}

static void test_unmap_v1_semantics(void **state)
{
	struct s_fix *s = *state;
	uint64_t unmapped = 99;

	s_attach(s, 1, VFIO_TYPE1_IOMMU);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 4 * S_PAGE), 0);
	/* inside a mapping: success, nothing unmapped */
	assert_int_equal(s_unmap(s, 0x101000, S_PAGE, 0, &unmapped), 0);
	assert_int_equal(unmapped, 0);
	/* covering the first IOVA: the whole mapping goes */
	assert_int_equal(s_unmap(s, 0x100000, S_PAGE, 0, &unmapped), 0);
	assert_int_equal(unmapped, 4 * S_PAGE);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
}

static void test_update_vaddr(void **state)
{
	struct s_fix *s = *state;
	uint64_t va = (uint64_t)(uintptr_t)s->buf, unmapped;
	uint8_t byte = 0x5a;

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, 0x100000, 0, 2 * S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0x200000, 0, S_PAGE), 0);
	/* VADDR on a valid mapping */
	assert_int_equal(s_map(s, 0x100000, va + S_PAGE, 2 * S_PAGE, VFIO_DMA_MAP_FLAG_VADDR),
			 -EINVAL);
	assert_int_equal(s_map(s, 0x300000, va, S_PAGE, VFIO_DMA_MAP_FLAG_VADDR), -ENOENT);
	assert_int_equal(s_unmap(s, 0x100000, 2 * S_PAGE, VFIO_DMA_UNMAP_FLAG_VADDR, &unmapped), 0);
	assert_int_equal(unmapped, 2 * S_PAGE);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 2);
	/* invalidating twice fails and leaves the others as they were */
	assert_int_equal(s_unmap(s, 0, 0, VFIO_DMA_UNMAP_FLAG_VADDR | VFIO_DMA_UNMAP_FLAG_ALL,
				 NULL),
			 -EINVAL);
	assert_int_equal(s_map(s, 0x200000, va, S_PAGE, VFIO_DMA_MAP_FLAG_VADDR), -EINVAL);
	/* a new vaddr: the device now sees the new memory */
	assert_int_equal(s_map(s, 0x100000, va + 4 * S_PAGE, S_PAGE, VFIO_DMA_MAP_FLAG_VADDR),
			 -EINVAL);
	assert_int_equal(s_map(s, 0x100000, va + 4 * S_PAGE, 2 * S_PAGE, VFIO_DMA_MAP_FLAG_VADDR),
			 0);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x100000, &byte, 1), 0);
	assert_int_equal(((uint8_t *)s->buf)[4 * S_PAGE], 0x5a);
	assert_int_equal(((uint8_t *)s->buf)[0], 0);
}

static void test_device_dma(void **state)
{
	struct s_fix *s = *state;
	uint8_t *buf = s->buf;
	uint8_t out[3 * S_PAGE], in[16];
	uint64_t faults;
	size_t i;

	s_open_device(s, 1);
	for (i = 0; i < sizeof(out); i++)
		buf[i] = (uint8_t)i;
	/* two adjacent mappings: one access crosses them */
	assert_int_equal(s_map_rw(s, 0x100000, 0, 2 * S_PAGE), 0);
	assert_int_equal(s_map(s, 0x102000, (uint64_t)(uintptr_t)buf + 2 * S_PAGE, S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ),
			 0);
	assert_int_equal(s_map(s, 0x110000, (uint64_t)(uintptr_t)buf + 8 * S_PAGE, S_PAGE,
			       VFIO_DMA_MAP_FLAG_WRITE),
			 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, out, sizeof(out)), 0);
	assert_memory_equal(out, buf, sizeof(out));
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, out, 0), 0);

	faults = vfio_sim_iommu_faults(s->sim);
	/* write to a read-only page, read from a write-only one, unmapped IOVA */
	memset(in, 0xee, sizeof(in));
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x102000, in, sizeof(in)), -EFAULT);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x110000, out, 8), -EFAULT);
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x103000, out, 8), -EFAULT);
	/* runs past the end of the mappings */
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x102ff8, out, 16), -EFAULT);
	assert_int_equal(vfio_sim_iommu_faults(s->sim), faults + 4);
	assert_int_equal(vfio_sim_dma_write(s->pci, 0x110010, in, sizeof(in)), 0);
	assert_memory_equal(buf + 8 * S_PAGE + 0x10, in, sizeof(in));
	/* a group without an IOMMU context */
	assert_int_equal(vfio_sim_dma_read(s->plat, 0x100000, out, 8), -ENODEV);
}

static void test_dma_to_unmapped_process_memory(void **state)
{
	struct s_fix *s = *state;
	uint8_t out[8];
	void *p;

	s_open_device(s, 1);
	p = mmap(NULL, S_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(s_map(s, 0x100000, (uint64_t)(uintptr_t)p, S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE),
			 0);
	munmap(p, S_PAGE);
	/* the kernel would still hold the pinned page; the sim faults, never crashes */
	assert_int_equal(vfio_sim_dma_read(s->pci, 0x100000, out, sizeof(out)), -EFAULT);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_many_mappings(void **state)
{
	struct s_fix *s = *state;
	enum { N = 20000 };
	uint64_t *iovas = malloc(N * sizeof(*iovas)), unmapped, total = 0;
	uint64_t x = 88172645463325252ULL;
	int i;

	assert_non_null(iovas);
	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	/* distinct random slots, mapped in random order */
	for (i = 0; i < N; i++)
		iovas[i] = (uint64_t)i * 2 * S_PAGE;
	for (i = N - 1; i > 0; i--) {
		uint64_t t;
		int j;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (int)(x % (uint64_t)(i + 1));
		t = iovas[i];
		iovas[i] = iovas[j];
		iovas[j] = t;
	}
	for (i = 0; i < N; i++)
		assert_int_equal(s_map_rw(s, 0x100000000ULL + iovas[i], 0, S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), N);
	for (i = 0; i < N; i += 7)
		assert_int_equal(s_map_rw(s, 0x100000000ULL + iovas[i], 0, S_PAGE), -EEXIST);
	/* unmap every other one by its exact range, then the rest at once */
	qsort(iovas, N, sizeof(*iovas), cmp_u64);
	for (i = 0; i < N; i += 2) {
		assert_int_equal(s_unmap(s, 0x100000000ULL + iovas[i], S_PAGE, 0, &unmapped), 0);
		assert_int_equal(unmapped, S_PAGE);
		total++;
	}
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), N - total);
	assert_int_equal(s_unmap(s, 0x100000000ULL, (uint64_t)N * 2 * S_PAGE, 0, &unmapped), 0);
	assert_int_equal(unmapped, (N - total) * S_PAGE);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->container), 0);
	free(iovas);
}

static void test_iova_ranges_configurable(void **state)
{
	struct s_fix *s = *state;
	const struct vfio_sim_iova_range one = { .start = 0x10000, .last = 0xffffffffULL };
	const struct vfio_sim_iova_range bad[2] = { { 0x10000, 0x20000 }, { 0x20000, 0x30000 } };
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };

	assert_int_equal(vfio_sim_set_iova_ranges(s->sim, bad, 2), -EINVAL);
	assert_int_equal(vfio_sim_set_iova_ranges(s->sim, &one, 1), 0);
	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(s_map_rw(s, 0, 0, S_PAGE), -EINVAL);
	assert_int_equal(s_map_rw(s, 0xfee00000ULL, 0, S_PAGE), 0);
	assert_int_equal(s_map_rw(s, 0xfffff000ULL, 0, 2 * S_PAGE), -EINVAL);
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &info), 0);
	assert_int_equal(info.argsz, sizeof(info) + 32 + 16 + 32);
	/* no ranges: no capability, any IOVA */
	assert_int_equal(vfio_sim_set_iova_ranges(s->sim, NULL, 0), 0);
	info.argsz = sizeof(info);
	assert_int_equal(s->ops->iommu_get_info(s->be, s->container, &info), 0);
	assert_int_equal(info.argsz, sizeof(info) + 32 + 16);
	assert_int_equal(s_map_rw(s, 0xfffffffffff00000ULL, 0, S_PAGE), 0);
}

static void test_dma_count_handles(void **state)
{
	struct s_fix *s = *state;

	s_attach(s, 1, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(vfio_sim_dma_count(s->sim, s->group), -EBADF);
	assert_int_equal(vfio_sim_dma_count(s->sim, -1), -EBADF);
	assert_int_equal(vfio_sim_dma_count(s->sim, 100000), -EBADF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_api_version_and_extensions, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_set_iommu_errors, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_ops_before_set_iommu, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_get_info_caps, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_get_info_minimal_argsz, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_map_validation, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_map_overlap_eexist, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_dma_entry_limit, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_unmap_v2, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_unmap_all, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_unmap_v1_semantics, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_update_vaddr, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_device_dma, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_dma_to_unmapped_process_memory, s_setup,
						s_teardown),
		cmocka_unit_test_setup_teardown(test_many_mappings, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_iova_ranges_configurable, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_dma_count_handles, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
