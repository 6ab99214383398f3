// SPDX-License-Identifier: MIT
/*
 * What the IOMMU behind a container can map (include/vfio/iommu.h): page
 * sizes, IOVA ranges, DMA entries, and the IOVA allocator inside them.  The
 * VM's intel-iommu has a 39-bit aperture less the x86 MSI window.
 */

#include "conformance.h"

#define RW (VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE)
#define APERTURE_LAST 0x7fffffffffull /* 39 bits */
#define MSI_FIRST 0xfee00000ull
#define MSI_LAST 0xfeefffffull
#define TYPE1_ENTRY_LIMIT 65535u /* vfio_iommu_type1's dma_entry_limit default */

/* A container with edu open: the IOMMU is set (legacy) and attached (iommufd). */
static struct vfio_container *with_iommu(struct conf_env *env)
{
	struct vfio_container *c;

	CONF_NEED_IOMMU(env);
	c = conf_container(env);
	conf_device(c, &env->edu);
	return c;
}

CONF_CASE(iommu_info_needs_an_iommu)
{
	struct vfio_container *c;
	struct vfio_iommu_info info;
	size_t n;
	uint64_t iova;

	c = conf_container(env);
	switch (env->mode) {
	case VFIO_CONTAINER_LEGACY:
		/* no group joined yet: no IOMMU to ask */
		ERR(vfio_iommu_get_info(c, &info), ENODEV);
		ERR(vfio_iommu_ranges(c, NULL, 0, &n), ENODEV);
		ERR(vfio_iova_alloc(c, 0x1000, 0, &iova), ENODEV);
		conf_device(c, &env->edu);
		OK(vfio_iommu_get_info(c, &info));
		break;
	case VFIO_CONTAINER_IOMMUFD:
		/* the IOAS exists from the start */
		OK(vfio_iommu_get_info(c, &info));
		CHECK(info.nr_ranges >= 1);
		break;
	case VFIO_CONTAINER_NOIOMMU:
		conf_device(c, &env->edu);
		ERR(vfio_iommu_get_info(c, &info), ENODEV);
		ERR(vfio_iommu_ranges(c, NULL, 0, &n), ENODEV);
		ERR(vfio_iova_alloc(c, 0x1000, 0, &iova), ENODEV);
		break;
	}
	ERR(vfio_iommu_get_info(c, NULL), EINVAL);
}

CONF_CASE(iommu_info_of_the_vm)
{
	struct vfio_container *c = with_iommu(env);
	struct vfio_iommu_range r[4];
	struct vfio_iommu_info info;
	size_t n;

	OK(vfio_iommu_get_info(c, &info));
	/* 4 KiB pages at least, and the smallest is 4 KiB */
	EQ(info.pgsizes & -info.pgsizes, 0x1000);
	EQ(info.nr_ranges, 2);
	EQ(info.dma_mappings, 0);
	if (env->mode == VFIO_CONTAINER_LEGACY) {
		EQ(info.dma_limit, TYPE1_ENTRY_LIMIT);
		EQ(info.dma_avail, TYPE1_ENTRY_LIMIT);
	} else {
		EQ(info.dma_limit, VFIO_DMA_AVAIL_UNLIMITED);
		EQ(info.dma_avail, VFIO_DMA_AVAIL_UNLIMITED);
	}
	OK(vfio_iommu_ranges(c, r, 4, &n));
	EQ(n, 2);
	EQ(r[0].start, 0);
	EQ(r[0].last, MSI_FIRST - 1);
	EQ(r[1].start, MSI_LAST + 1);
	EQ(r[1].last, APERTURE_LAST);
	/* a count with no room; the first of them with room for one */
	OK(vfio_iommu_ranges(c, NULL, 0, &n));
	EQ(n, 2);
	r[1].start = 1;
	OK(vfio_iommu_ranges(c, r, 1, &n));
	EQ(n, 2);
	EQ(r[1].start, 1);
}

CONF_CASE(iommu_dma_entries_counted)
{
	struct vfio_container *c = with_iommu(env);
	uint8_t *mem = conf_mem(0x4000);
	struct vfio_iommu_info info;
	uint32_t limit;

	OK(vfio_iommu_get_info(c, &info));
	limit = info.dma_limit;
	OK(vfio_dma_map(c, 0x100000, 0x2000, mem, RW));
	OK(vfio_dma_map(c, 0x200000, 0x2000, mem + 0x2000, RW));
	OK(vfio_iommu_get_info(c, &info));
	EQ(info.dma_mappings, 2);
	EQ(info.dma_avail, limit == VFIO_DMA_AVAIL_UNLIMITED ? limit : limit - 2);
	OK(vfio_dma_unmap_all(c, NULL));
	OK(vfio_iommu_get_info(c, &info));
	EQ(info.dma_mappings, 0);
	EQ(info.dma_avail, limit);
}

CONF_CASE(iommu_ranges_narrow_on_attach)
{
	struct vfio_container *c;
	struct vfio_iommu_range r[4];
	size_t n;

	CONF_NEED_MODE(env, VFIO_CONTAINER_IOMMUFD);
	c = conf_container(env);
	/* an empty IOAS can map anywhere */
	OK(vfio_iommu_ranges(c, r, 4, &n));
	CHECK(n >= 1 && n <= 4);
	EQ(r[0].start, 0);
	CHECK(r[n - 1].last > APERTURE_LAST);
	/* the IOMMU behind the device narrows it to its aperture, less the MSI window */
	conf_device(c, &env->edu);
	OK(vfio_iommu_ranges(c, r, 4, &n));
	EQ(n, 2);
	EQ(r[0].last, MSI_FIRST - 1);
	EQ(r[1].last, APERTURE_LAST);
}

CONF_CASE(iova_alloc_lowest_free)
{
	struct vfio_container *c = with_iommu(env);
	uint8_t *mem = conf_mem(0x10000);
	uint64_t a, b, x;

	OK(vfio_iova_alloc(c, 0x10000, 0, &a));
	EQ(a, 0);
	OK(vfio_iova_alloc(c, 0x10000, 0, &b));
	EQ(b, 0x10000);
	/* a live mapping is not handed out either */
	OK(vfio_dma_map(c, 0x20000, 0x10000, mem, RW));
	OK(vfio_iova_alloc(c, 0x1000, 0, &x));
	EQ(x, 0x30000);
	OK(vfio_iova_free(c, a, 0x10000));
	OK(vfio_iova_alloc(c, 0x8000, 0, &x));
	EQ(x, 0);
	ERR(vfio_iova_free(c, a, 0x10000), ENOENT);
	ERR(vfio_iova_free(c, b, 0x8000), ENOENT);
	OK(vfio_iova_free(c, b, 0x10000));
	/* mapping into a reservation is the point of it */
	OK(vfio_iova_alloc(c, 0x10000, 0x10000, &x));
	EQ(x, 0x10000);
	OK(vfio_dma_unmap(c, 0x20000, 0x10000, NULL));
	OK(vfio_dma_map(c, x, 0x10000, mem, RW));
}

CONF_CASE(iova_alloc_checks)
{
	struct vfio_container *c = with_iommu(env);
	uint64_t x;

	ERR(vfio_iova_alloc(c, 0, 0, &x), EINVAL);
	ERR(vfio_iova_alloc(c, 0x1800, 0, &x), EINVAL);
	ERR(vfio_iova_alloc(c, 0x1000, 0x3000, &x), EINVAL);
	/* more than the 39-bit aperture holds */
	ERR(vfio_iova_alloc(c, 1ull << 40, 0, &x), ENOSPC);
}

CONF_CASE(iova_alloc_stays_in_the_ranges)
{
	struct vfio_container *c = with_iommu(env);
	uint64_t x;

	/* 4 GiB does not fit below the MSI window: it starts just past it */
	OK(vfio_iova_alloc(c, 1ull << 32, 0, &x));
	EQ(x, MSI_LAST + 1);
	OK(vfio_iova_alloc(c, 1ull << 32, 1ull << 32, &x));
	EQ(x, 2ull << 32);
	/* a small one still fits low */
	OK(vfio_iova_alloc(c, 0x1000, 0, &x));
	EQ(x, 0);
	/* the rest of the aperture, to its last byte */
	OK(vfio_iova_alloc(c, 1ull << 38, 1ull << 38, &x));
	EQ(x, 1ull << 38);
	CHECK(x + (1ull << 38) - 1 == APERTURE_LAST);
	ERR(vfio_iova_alloc(c, 1ull << 38, 1ull << 38, &x), ENOSPC);
}

CONF_CASE(noiommu_maps_nothing)
{
	struct vfio_container *c;
	uint8_t *mem;
	uint64_t unmapped = 7;
	size_t n = 7;

	CONF_NEED_MODE(env, VFIO_CONTAINER_NOIOMMU);
	c = conf_container(env);
	mem = conf_mem(0x2000);
	ERR(vfio_dma_map(c, 0x100000, 0x2000, mem, RW), ENODEV);
	conf_device(c, &env->edu);
	ERR(vfio_dma_map(c, 0x100000, 0x2000, mem, RW), ENODEV);
	ERR(vfio_dma_unmap(c, 0x100000, 0x2000, &unmapped), ENODEV);
	ERR(vfio_dma_unmap_all(c, &unmapped), ENODEV);
	OK(vfio_dma_list(c, NULL, 0, &n));
	EQ(n, 0);
}
