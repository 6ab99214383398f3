// SPDX-License-Identifier: MIT
/*
 * DMA mappings: the container's rules and the kernel's, and the edu device's DMA
 * engine moving data through the IOMMU both ways.
 */

#include <sys/mman.h>

#include "conformance.h"

#define RW (VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE)
#define IOVA 0x100000ull /* edu's DMA mask is 28 bits: stay low */

/*
 * A container with edu open (so the IOMMU is set) and 64 KiB of host memory.
 * Noiommu mode has no IOMMU to map into: the case is skipped there.
 */
static struct vfio_container *with_edu(struct conf_env *env, struct vfio_device **d,
				       uint8_t **mem)
{
	struct vfio_container *c;

	CONF_NEED_IOMMU(env);
	c = conf_container(env);

	*d = conf_device(c, &env->edu);
	*mem = conf_mem(0x10000);
	return c;
}

CONF_CASE(dma_map_unmap)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);
	struct vfio_dma_region list[2];
	uint64_t unmapped = 0;
	size_t n;

	OK(vfio_dma_map(c, IOVA, 0x4000, mem, RW));
	OK(vfio_dma_list(c, list, 2, &n));
	EQ(n, 1);
	EQ(list[0].iova, IOVA);
	OK(vfio_dma_unmap(c, IOVA, 0x4000, &unmapped));
	EQ(unmapped, 0x4000);
	OK(vfio_dma_list(c, NULL, 0, &n));
	EQ(n, 0);
}

CONF_CASE(dma_overlap_is_eexist)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	OK(vfio_dma_map(c, IOVA, 0x4000, mem, RW));
	ERR(vfio_dma_map(c, IOVA, 0x1000, mem, RW), EEXIST);
	ERR(vfio_dma_map(c, IOVA + 0x3000, 0x2000, mem, RW), EEXIST);
	ERR(vfio_dma_map(c, IOVA - 0x1000, 0x2000, mem, RW), EEXIST);
	ERR(vfio_dma_map(c, IOVA - 0x1000, 0x10000, mem, RW), EEXIST);
	OK(vfio_dma_map(c, IOVA + 0x4000, 0x1000, mem, RW));
}

CONF_CASE(dma_unmap_split_is_einval)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	OK(vfio_dma_map(c, IOVA, 0x4000, mem, RW));
	ERR(vfio_dma_unmap(c, IOVA + 0x1000, 0x1000, NULL), EINVAL);
	ERR(vfio_dma_unmap(c, IOVA, 0x1000, NULL), EINVAL);
	ERR(vfio_dma_unmap(c, IOVA - 0x1000, 0x2000, NULL), EINVAL);
	OK(vfio_dma_unmap(c, IOVA, 0x4000, NULL));
}

CONF_CASE(dma_unmap_hole_reports_size)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);
	uint64_t unmapped;

	OK(vfio_dma_map(c, IOVA, 0x1000, mem, RW));
	OK(vfio_dma_map(c, IOVA + 0x3000, 0x1000, mem, RW));
	ERR(vfio_dma_unmap(c, IOVA, 0x4000, &unmapped), ENOENT);
	EQ(unmapped, 0x2000);
	ERR(vfio_dma_unmap(c, IOVA, 0x1000, &unmapped), ENOENT);
	EQ(unmapped, 0);
}

CONF_CASE(dma_unmap_adjacent_together)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);
	uint64_t unmapped;

	OK(vfio_dma_map(c, IOVA, 0x2000, mem, RW));
	OK(vfio_dma_map(c, IOVA + 0x2000, 0x2000, mem + 0x2000, RW));
	OK(vfio_dma_unmap(c, IOVA, 0x4000, &unmapped));
	EQ(unmapped, 0x4000);
}

CONF_CASE(dma_unmap_all)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);
	uint64_t unmapped;
	size_t n;

	for (int i = 0; i < 4; i++)
		OK(vfio_dma_map(c, IOVA + i * 0x10000ull, 0x2000, mem + i * 0x2000, RW));
	OK(vfio_dma_unmap_all(c, &unmapped));
	EQ(unmapped, 0x8000);
	OK(vfio_dma_list(c, NULL, 0, &n));
	EQ(n, 0);
	OK(vfio_dma_unmap_all(c, &unmapped));
	EQ(unmapped, 0);
	OK(vfio_dma_map(c, IOVA, 0x2000, mem, RW));
}

CONF_CASE(dma_alignment_and_size)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	ERR(vfio_dma_map(c, IOVA, 0, mem, RW), EINVAL);
	ERR(vfio_dma_map(c, IOVA + 0x800, 0x1000, mem, RW), EINVAL);
	ERR(vfio_dma_map(c, IOVA, 0x1800, mem, RW), EINVAL);
	ERR(vfio_dma_map(c, IOVA, 0x1000, mem + 0x10, RW), EINVAL);
	ERR(vfio_dma_map(c, IOVA, 0x1000, mem, 0), EINVAL);
	ERR(vfio_dma_unmap(c, IOVA, 0, NULL), EINVAL);
	ERR(vfio_dma_unmap(c, IOVA + 0x800, 0x1000, NULL), EINVAL);
}

CONF_CASE(dma_write_only_mapping)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	OK(vfio_dma_map(c, IOVA, 0x1000, mem, VFIO_DMA_PROT_WRITE));
	OK(vfio_dma_unmap(c, IOVA, 0x1000, NULL));
}

CONF_CASE(dma_iova_outside_ranges_is_einval)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	/* the x86 MSI window 0xfee00000 - 0xfeefffff is reserved */
	ERR(vfio_dma_map(c, 0xfee00000ull, 0x1000, mem, RW), EINVAL);
	/* the top of the 64-bit space is past the IOMMU's aperture */
	ERR(vfio_dma_map(c, 0xfffffffffffff000ull, 0x1000, mem, RW), EINVAL);
	ERR(vfio_dma_map(c, 1ull << 52, 0x1000, mem, RW), EINVAL);
}

CONF_CASE(dma_wrapping_range_is_einval)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	ERR(vfio_dma_map(c, 0xfffffffffffff000ull, 0x2000, mem, RW), EINVAL);
}

CONF_CASE(dma_unmapped_host_memory_is_efault)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);
	void *gone = mmap(NULL, 0x2000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(gone != MAP_FAILED);
	munmap(gone, 0x2000);
	ERR(vfio_dma_map(c, IOVA, 0x2000, gone, RW), EFAULT);
	/* nothing was recorded */
	OK(vfio_dma_map(c, IOVA, 0x2000, mem, RW));
}

CONF_CASE(dma_layout_rolls_back)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);
	const struct vfio_dma_region layout[] = {
		{ IOVA, 0x4000, mem, RW },
		{ IOVA + 0x10000, 0x4000, mem + 0x4000, RW },
		{ 0xfee00000ull, 0x1000, mem + 0x8000, RW }, /* refused by the kernel */
	};
	size_t n;

	ERR(vfio_dma_map_layout(c, layout, 3), EINVAL);
	OK(vfio_dma_list(c, NULL, 0, &n));
	EQ(n, 0);
	OK(vfio_dma_map_layout(c, layout, 2));
	OK(vfio_dma_unmap_layout(c, layout, 2));
}

CONF_CASE(dma_before_any_device_is_kept)
{
	struct vfio_container *c;
	uint8_t *mem;
	struct vfio_device *d;
	size_t n;

	CONF_NEED_IOMMU(env);
	c = conf_container(env);
	mem = conf_mem(0x10000);
	OK(vfio_dma_map(c, IOVA, 0x2000, mem, RW));
	memset(mem, 0x5a, 0x100);
	d = conf_device(c, &env->edu);
	conf_bus_master(d, true);
	/* the mapping reached the kernel when the group joined */
	CHECK(edu_dma(d, IOVA, EDU_DMA_BUF, 0x100, 0));
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA + 0x1000, 0x100, EDU_DMA_TO_RAM));
	EQ(mem[0x1000], 0x5a);
	EQ(mem[0x10ff], 0x5a);
	OK(vfio_dma_list(c, NULL, 0, &n));
	EQ(n, 1);
}

/* ---- the edu DMA engine ---- */

CONF_CASE(edu_dma_round_trip)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	for (int i = 0; i < 2048; i++)
		mem[i] = (uint8_t)(i * 7 + 3);
	OK(vfio_dma_map(c, IOVA, 0x10000, mem, RW));
	conf_bus_master(d, true);
	CHECK(edu_dma(d, IOVA, EDU_DMA_BUF, 2048, 0));
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA + 0x8000, 2048, EDU_DMA_TO_RAM));
	CHECK(!memcmp(mem, mem + 0x8000, 2048));
}

CONF_CASE(edu_dma_needs_bus_master)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	memset(mem, 0xab, 0x100);
	OK(vfio_dma_map(c, IOVA, 0x10000, mem, RW));
	conf_bus_master(d, true);
	CHECK(edu_dma(d, IOVA, EDU_DMA_BUF, 0x100, 0));
	conf_bus_master(d, false);
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA + 0x4000, 0x100, EDU_DMA_TO_RAM));
	EQ(mem[0x4000], 0);
	conf_bus_master(d, true);
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA + 0x4000, 0x100, EDU_DMA_TO_RAM));
	EQ(mem[0x4000], 0xab);
}

CONF_CASE(edu_dma_to_unmapped_iova_is_dropped)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	OK(vfio_dma_map(c, IOVA, 0x1000, mem, RW));
	conf_bus_master(d, true);
	/* an IOMMU fault: the device gets an error, the memory is untouched */
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA + 0x1000, 0x100, EDU_DMA_TO_RAM));
	EQ(mem[0], 0);
	/* the mapping still works */
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA, 0x100, EDU_DMA_TO_RAM));
}

CONF_CASE(edu_dma_into_read_only_mapping_is_dropped)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);

	memset(mem, 0x11, 0x1000);
	memset(mem + 0x1000, 0x22, 0x1000);
	OK(vfio_dma_map(c, IOVA, 0x1000, mem, RW));
	OK(vfio_dma_map(c, IOVA + 0x1000, 0x1000, mem + 0x1000, VFIO_DMA_PROT_READ));
	conf_bus_master(d, true);
	CHECK(edu_dma(d, IOVA, EDU_DMA_BUF, 0x100, 0));
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA + 0x1000, 0x100, EDU_DMA_TO_RAM));
	EQ(mem[0x1000], 0x22);
}

CONF_CASE(edu_dma_completion_msi)
{
	struct vfio_device *d;
	uint8_t *mem;
	struct vfio_container *c = with_edu(env, &d, &mem);
	int32_t fd = conf_eventfd();

	OK(vfio_dma_map(c, IOVA, 0x1000, mem, RW));
	conf_bus_master(d, true);
	OK(vfio_irq_enable_msi(d, &fd, 1));
	CHECK(edu_dma(d, IOVA, EDU_DMA_BUF, 0x80, EDU_DMA_IRQ));
	EQ(conf_wait_event(fd, 2000), 1);
	EQ(conf_read32(d, 0, EDU_IRQ_STATUS), 0x100);
	conf_write32(d, 0, EDU_IRQ_ACK, 0x100);
	OK(vfio_irq_disable(d, VFIO_PCI_MSI_IRQ_INDEX));
}

CONF_CASE(mappings_replayed_for_a_new_device)
{
	struct vfio_container *c;
	uint8_t *mem;
	struct vfio_device *d;

	CONF_NEED_IOMMU(env);
	c = conf_container(env);
	mem = conf_mem(0x10000);
	d = conf_device(c, &env->edu);
	memset(mem, 0x3c, 0x100);
	OK(vfio_dma_map(c, IOVA, 0x10000, mem, RW));
	conf_close_device(d);
	d = conf_device(c, &env->edu2);
	conf_bus_master(d, true);
	CHECK(edu_dma(d, IOVA, EDU_DMA_BUF, 0x100, 0));
	CHECK(edu_dma(d, EDU_DMA_BUF, IOVA + 0x2000, 0x100, EDU_DMA_TO_RAM));
	EQ(mem[0x2000], 0x3c);
}

/* ---- reset ---- */

CONF_CASE(reset_where_offered)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *e = conf_device(c, &env->edu), *e2 = conf_device(c, &env->edu2);

	ERR(vfio_device_reset(e), EOPNOTSUPP);
	conf_write32(e2, 0, EDU_LIVENESS, 1);
	OK(vfio_device_reset(e2));
	EQ(conf_config16(e2, 0), 0x1234);
	EQ(conf_read32(e2, 0, EDU_ID), 0x010000ed);
}

CONF_CASE(nic_reset)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);

	OK(vfio_device_reset(d));
	EQ(conf_config16(d, 0), 0x8086);
}
