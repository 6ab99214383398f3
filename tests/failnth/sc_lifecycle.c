// SPDX-License-Identifier: MIT
/*
 * Containers, groups and backends: open, extensions, groups shared by
 * reference, a group that is not viable, a second group joining a container
 * whose IOMMU is set, KVM add/del, closing in the wrong order and the right one.
 */

#include "failnth.h"

void fn_scenario_lifecycle(struct fn_run *r)
{
	struct t_fixture *f = r->f;
	struct vfio_container *none = NULL;
	bool present = false, viable = false;

	/* the kernel backend: made and released (no kernel VFIO needed for that) */
	CALL(r, 0, vfio_kernel_backend_new(&r->kbe));
	CHECK(r, r->kbe != NULL);
	CALL(r, 0, (vfio_backend_destroy(r->kbe), 0));
	r->kbe = NULL;

	CALL(r, -EINVAL, vfio_container_open(NULL, &none));
	CHECK(r, vfio_last_error()[0] != '\0');
	vfio_clear_error();
	CHECK(r, vfio_last_error()[0] == '\0');

	CALL(r, 0, vfio_container_open(r->be, &r->c));
	CHECK(r, vfio_container_backend(r->c) == r->be);
	CHECK(r, vfio_container_fd(r->c) >= 0);
	CHECK(r, vfio_container_iommu_type(r->c) == 0);
	CALL(r, 0, vfio_container_check_extension(r->c, VFIO_TYPE1v2_IOMMU, &present));
	CHECK(r, present);
	CALL(r, 0, vfio_container_check_extension(r->c, VFIO_DMA_CC_IOMMU, &present));
	CHECK(r, !present);

	/* the first group sets the IOMMU */
	CALL(r, 0, vfio_group_open(r->c, T_GROUP, &r->g[0]));
	CHECK(r, vfio_group_id(r->g[0]) == T_GROUP);
	CHECK(r, vfio_group_fd(r->g[0]) >= 0);
	CHECK(r, vfio_container_iommu_type(r->c) == VFIO_TYPE1v2_IOMMU);
	CALL(r, 0, vfio_group_viable(r->g[0], &viable));
	CHECK(r, viable);
	/* a second reference shares it */
	CALL(r, 0, vfio_group_open(r->c, T_GROUP, &r->g[1]));
	CHECK(r, r->g[1] == r->g[0]);

	/* not viable: refused after GET_STATUS, its file closed again */
	CALL(r, -EPERM, vfio_group_open(r->c, T_GROUP_BAD, &r->g[2]));
	CHECK(r, r->g[2] == NULL);

	/* a second group joins the container whose IOMMU is set */
	CALL(r, 0, vfio_group_open(r->c, T_GROUP_PLAT, &r->g[2]));

	CHECK(r, vfio_sim_kvm_device_new(f->sim, &r->kvm_fd) == 0);
	CALL(r, 0, vfio_group_kvm_add(r->g[0], r->kvm_fd));
	CALL(r, 0, vfio_group_kvm_add(r->g[2], r->kvm_fd));
	CHECK(r, vfio_sim_kvm_has_group(f->sim, r->kvm_fd, T_GROUP) == 1);
	CHECK(r, vfio_sim_kvm_has_group(f->sim, r->kvm_fd, T_GROUP_PLAT) == 1);
	CALL(r, 0, vfio_group_kvm_del(r->g[0], r->kvm_fd));
	CALL(r, 0, vfio_group_kvm_del(r->g[2], r->kvm_fd));
	CHECK(r, vfio_sim_kvm_has_group(f->sim, r->kvm_fd, T_GROUP) == 0);

	/* groups still open: the container stays */
	CALL(r, -EBUSY, vfio_container_close(r->c));

	CLOSE(r, 0, vfio_group_close, r->g[1]); /* a reference only */
	CHECK(r, vfio_group_fd(r->g[0]) >= 0);
	CLOSE(r, 0, vfio_group_close, r->g[0]); /* leaves the container */
	CHECK(r, vfio_container_iommu_type(r->c) == VFIO_TYPE1v2_IOMMU);
	CLOSE(r, 0, vfio_group_close, r->g[2]); /* the last group: the IOMMU goes */
	CHECK(r, vfio_container_iommu_type(r->c) == 0);
	CALL(r, 0, vfio_group_close(NULL));

	/* a group joins again, once the IOMMU had gone */
	CALL(r, 0, vfio_group_open(r->c, T_GROUP_PLAT, &r->g[0]));
	CHECK(r, vfio_container_iommu_type(r->c) == VFIO_TYPE1v2_IOMMU);
	CLOSE(r, 0, vfio_group_close, r->g[0]);

	CLOSE(r, 0, vfio_container_close, r->c);
	CALL(r, 0, vfio_container_close(NULL));
}
