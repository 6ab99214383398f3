// SPDX-License-Identifier: MIT
/*
 * Region mappings: a whole BAR, a sparse BAR (two areas, gaps left unmapped),
 * a platform region, a region that cannot be mapped, munmap, and a device
 * closed with a mapping still in place (the close unmaps it).
 */

#include <string.h>
#include <sys/mman.h>

#include "failnth.h"

void fn_scenario_mmap(struct fn_run *r)
{
	const struct vfio_mmap_area *a;
	uint8_t *base;
	uint32_t v = 0;

	CALL(r, 0, vfio_container_open(r->be, &r->c));
	CALL(r, 0, vfio_device_open(r->c, T_GROUP, T_PCI, &r->d[0]));
	CALL(r, 0, vfio_device_open(r->c, T_GROUP_PLAT, T_PLAT, &r->d[1]));

	/* the whole of BAR0: a store through the mapping is what the region reads */
	CALL(r, 0, vfio_region_mmap(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, PROT_READ | PROT_WRITE,
				    &r->m[0]));
	CHECK(r, vfio_region_mapping_areas(r->m[0], &a) == 1);
	base = vfio_region_mapping_base(r->m[0]);
	CHECK(r, a[0].offset == 0 && a[0].size == T_BAR0_SIZE && a[0].addr == base);
	memcpy(base + 0x2000, "\xde\xad\xbe\xef", 4);
	CALL(r, 0, vfio_region_read(r->d[0], VFIO_PCI_BAR0_REGION_INDEX, 0x2000, &v, 4, NULL));
	CHECK(r, v == 0xefbeadde);

	/* BAR2's sparse areas, each at base + its offset */
	CALL(r, 0, vfio_region_mmap(r->d[0], VFIO_PCI_BAR2_REGION_INDEX, PROT_READ, &r->m[1]));
	CHECK(r, vfio_region_mapping_areas(r->m[1], NULL) == 2);
	CHECK(r, vfio_region_mapping_areas(r->m[1], &a) == 2);
	base = vfio_region_mapping_base(r->m[1]);
	CHECK(r, a[0].offset == 0 && a[1].offset == 0x3000 && a[1].addr == base + 0x3000);

	CALL(r, 0, vfio_region_mmap(r->d[1], 0, PROT_READ | PROT_WRITE, &r->m[2]));
	CHECK(r, vfio_region_mapping_areas(r->m[2], NULL) == 1);

	/* trapped BAR4 has no MMAP flag; BAR5 is read-only */
	CALL(r, -EINVAL,
	     vfio_region_mmap(r->d[0], VFIO_PCI_BAR4_REGION_INDEX, PROT_READ, &r->m[3]));
	CALL(r, -EINVAL,
	     vfio_region_mmap(r->d[0], VFIO_PCI_BAR5_REGION_INDEX, PROT_WRITE, &r->m[3]));
	CHECK(r, r->m[3] == NULL);

	CLOSE(r, 0, vfio_region_munmap, r->m[0]);
	CALL(r, 0, vfio_region_munmap(NULL));
	/* BAR2 still mapped: the close unmaps it */
	fn_begin(r);
	int rc = vfio_device_close(r->d[0]);
	r->d[0] = NULL;
	r->m[1] = NULL;
	if (!fn_end(r, rc, 0, "vfio_device_close(r->d[0]) with BAR2 mapped", __LINE__))
		return;
	CLOSE(r, 0, vfio_region_munmap, r->m[2]);
	CLOSE(r, 0, vfio_device_close, r->d[1]);
	CLOSE(r, 0, vfio_container_close, r->c);
}
