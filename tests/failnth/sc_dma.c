// SPDX-License-Identifier: MIT
/*
 * DMA: the container's mappings while a group is joined (map, overlap, the
 * list grown past its first 16 entries, unmap exact, with a hole and splitting,
 * layouts mapped, unmapped, failing half-way and unmapped when gone, unmap-all
 * in one ioctl); and after the last group left (unmap-all of the list only).
 * Replay: mappings made before any group, a replay that fails at the IOMMU's
 * entry limit (the replayed ones unmapped again, the group out again), a
 * replay that works, mappings kept when the last group leaves and replayed
 * into a new device's group; on a kernel without VFIO_UNMAP_ALL nor Type1v2.
 */

#include "failnth.h"

#define RW (VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE)
#define PG 4096u
#define MANY 20

static size_t listed(struct vfio_container *c)
{
	size_t n = 0;

	vfio_dma_list(c, NULL, 0, &n);
	return n;
}

void fn_scenario_dma(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	const struct vfio_dma_region layout[] = {
		{ 0x400000, 2 * PG, r->mem, RW },
		{ 0x500000, PG, r->mem + 2 * PG, VFIO_DMA_PROT_READ },
		{ 0x600000, 3 * PG, r->mem + 3 * PG, RW },
	};
	/* its last region overlaps the mapping at 0x300000 */
	const struct vfio_dma_region bad[] = {
		{ 0x700000, PG, r->mem, RW },
		{ 0x800000, PG, r->mem, RW },
		{ 0x300000, PG, r->mem, RW },
	};
	struct vfio_dma_region list[4];
	uint64_t unmapped = 0;
	size_t n = 0;
	int cfd;

	CALL(r, 0, vfio_container_open(r->be, &r->c));
	cfd = vfio_container_fd(r->c);
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));

	CALL(r, 0, vfio_dma_map(r->c, 0x100000, 4 * PG, r->mem, RW));
	CALL(r, 0, vfio_dma_map(r->c, 0x200000, PG, r->mem + 4 * PG, VFIO_DMA_PROT_READ));
	CALL(r, -EEXIST, vfio_dma_map(r->c, 0x102000, PG, r->mem, RW));
	CALL(r, 0, vfio_dma_list(r->c, list, 4, &n));
	CHECK(r, n == 2 && list[0].iova == 0x100000 && list[1].iova == 0x200000);
	CHECK(r, vfio_sim_dma_count(f->sim, cfd) == 2);

	/* past the list's first 16 entries, then unmapped in one call */
	for (unsigned int i = 0; i < MANY; i++)
		CALL(r, 0, vfio_dma_map(r->c, 0x1000000 + i * PG, PG, r->mem + i * PG, RW));
	CALL(r, 0, vfio_dma_unmap(r->c, 0x1000000, MANY * PG, &unmapped));
	CHECK(r, unmapped == MANY * PG);

	CALL(r, 0, vfio_dma_unmap(r->c, 0x100000, 4 * PG, &unmapped));
	CHECK(r, unmapped == 4 * PG);
	/* a hole after the mapping: what was mapped goes, the call says so */
	CALL(r, -ENOENT, vfio_dma_unmap(r->c, 0x200000, 2 * PG, &unmapped));
	CHECK(r, unmapped == PG && listed(r->c) == 0);
	CALL(r, 0, vfio_dma_map(r->c, 0x300000, 2 * PG, r->mem, RW));
	CALL(r, -EINVAL, vfio_dma_unmap(r->c, 0x300000, PG, NULL)); /* would split it */

	CALL(r, 0, vfio_dma_map_layout(r->c, layout, 3));
	CHECK(r, vfio_sim_dma_count(f->sim, cfd) == 4);
	CALL(r, 0, vfio_dma_unmap_layout(r->c, layout, 3));
	/* fails at its last region: the two before are unmapped again */
	CALL(r, -EEXIST, vfio_dma_map_layout(r->c, bad, 3));
	CHECK(r, listed(r->c) == 1 && vfio_sim_dma_count(f->sim, cfd) == 1);
	/* gone already: every region fails, the first error is returned */
	CALL(r, -ENOENT, vfio_dma_unmap_layout(r->c, layout, 3));

	CALL(r, 0, vfio_dma_map_layout(r->c, layout, 3));
	CALL(r, 0, vfio_dma_unmap_all(r->c, &unmapped)); /* VFIO_UNMAP_ALL: one ioctl */
	CHECK(r, unmapped == 8 * PG && vfio_sim_dma_count(f->sim, cfd) == 0);

	/* without a group the list alone changes */
	CALL(r, 0, vfio_dma_map_layout(r->c, layout, 3));
	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CHECK(r, listed(r->c) == 3);
	CALL(r, 0, vfio_dma_unmap_all(r->c, &unmapped));
	CHECK(r, unmapped == 6 * PG && listed(r->c) == 0);
	CLOSE(r, 0, vfio_container_close, r->c);
}

void fn_scenario_replay(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	uint64_t unmapped = 0;
	int cfd;

	r->no_unmap_all = true;
	r->type1_only = true;
	CALL(r, 0, vfio_container_open(r->be, &r->c));
	cfd = vfio_container_fd(r->c);

	/* before any group: the list only */
	CALL(r, 0, vfio_dma_map(r->c, 0x100000, PG, r->mem, RW));
	CALL(r, 0, vfio_dma_map(r->c, 0x200000, 2 * PG, r->mem + PG, RW));
	CALL(r, 0, vfio_dma_map(r->c, 0x300000, PG, r->mem + 3 * PG, VFIO_DMA_PROT_READ));
	CHECK(r, listed(r->c) == 3);

	/*
	 * Room for two mappings only: the replay fails at the third, unmaps the
	 * two before it, and the group leaves again; the list stays.
	 */
	vfio_sim_set_dma_entry_limit(f->sim, 2);
	CALL(r, -ENOSPC, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	vfio_sim_set_dma_entry_limit(f->sim, 65535);
	CHECK(r, vfio_container_iommu_type(r->c) == 0 && listed(r->c) == 3);
	CALL(r, 0, vfio_dma_unmap(r->c, 0x300000, PG, &unmapped));

	/* the first group: Type1, then the two replayed */
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	CHECK(r, vfio_container_iommu_type(r->c) == VFIO_TYPE1_IOMMU);
	CHECK(r, vfio_sim_dma_count(f->sim, cfd) == 2);
	CALL(r, 0, vfio_dma_unmap(r->c, 0x200000, 2 * PG, &unmapped));
	CALL(r, 0, vfio_dma_map(r->c, 0x300000, PG, r->mem + 3 * PG, VFIO_DMA_PROT_READ));

	/* the last group leaves: the kernel drops them, the list keeps them */
	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CHECK(r, vfio_container_iommu_type(r->c) == 0);
	CALL(r, 0, vfio_dma_map(r->c, 0x400000, PG, r->mem, RW));
	CHECK(r, listed(r->c) == 3);

	/* a new device's group: replayed again; a second group: nothing to replay */
	CALL(r, 0, vfio_device_open_sysfs(r->c, "/sys/devices/pci0000:00/" T_PCI2, &r->d[0]));
	CHECK(r, vfio_sim_dma_count(f->sim, cfd) == 3);
	CALL(r, 0, vfio_device_open(r->c, T_GROUP_PLAT, T_PLAT, &r->d[1]));

	/* no VFIO_UNMAP_ALL: one ioctl a mapping */
	CALL(r, 0, vfio_dma_unmap_all(r->c, &unmapped));
	CHECK(r, unmapped == 3 * PG && vfio_sim_dma_count(f->sim, cfd) == 0);
	CALL(r, 0, vfio_dma_map(r->c, 0x500000, PG, r->mem, RW));

	CLOSE(r, 0, vfio_device_close, r->d[0]);
	CLOSE(r, 0, vfio_device_close, r->d[1]);
	CALL(r, 0, vfio_dma_unmap(r->c, 0x500000, PG, &unmapped));
	CLOSE(r, 0, vfio_container_close, r->c);
}
