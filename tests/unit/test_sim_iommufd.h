/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_UNIT_TEST_SIM_IOMMUFD_H
#define LIBVFIO_TESTS_UNIT_TEST_SIM_IOMMUFD_H

/*
 * Helpers of the sim's iommufd and cdev tests, over the raw vtable: /dev/iommu,
 * IOAS objects, device cdevs (S_PCI is vfio0, S_PLAT vfio1, S_BAD vfio2).
 */

#include "test_sim_fixture.h"

#define MSI_LO 0xfee00000ULL
#define MSI_HI 0xfeefffffULL
#define RW_MAP (VFIO_ABI_IOAS_MAP_READABLE | VFIO_ABI_IOAS_MAP_WRITEABLE)

static inline int i_open(struct s_fix *s, const char *path)
{
	int fd = s->ops->open(s->be, path, O_RDWR);

	assert_true(fd >= 0);
	return fd;
}

static inline uint32_t i_ioas(struct s_fix *s, int ictx)
{
	struct vfio_abi_ioas_alloc a = { .size = sizeof(a) };

	assert_int_equal(s->ops->ioas_alloc(s->be, ictx, &a), 0);
	assert_true(a.out_ioas_id > 0);
	return a.out_ioas_id;
}

static inline int i_map(struct s_fix *s, int ictx, uint32_t ioas, uint32_t flags, const void *va,
			uint64_t len, uint64_t *iova)
{
	struct vfio_abi_ioas_map m = {
		.size = sizeof(m),
		.flags = flags,
		.ioas_id = ioas,
		.user_va = (uint64_t)(uintptr_t)va,
		.length = len,
		.iova = *iova,
	};
	int ret = s->ops->ioas_map(s->be, ictx, &m);

	if (!ret)
		*iova = m.iova;
	return ret;
}

static inline int i_fixed(struct s_fix *s, int ictx, uint32_t ioas, const void *va, uint64_t len,
			  uint64_t iova)
{
	return i_map(s, ictx, ioas, VFIO_ABI_IOAS_MAP_FIXED_IOVA | RW_MAP, va, len, &iova);
}

/* IOMMU_IOAS_UNMAP; *out gets the length answered (unchanged on failure). */
static inline int i_unmap(struct s_fix *s, int ictx, uint32_t ioas, uint64_t iova, uint64_t len,
			  uint64_t *out)
{
	struct vfio_abi_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = ioas, .iova = iova, .length = len
	};
	int ret = s->ops->ioas_unmap(s->be, ictx, &u);

	if (out)
		*out = u.length;
	return ret;
}

static inline int i_bind(struct s_fix *s, int dfd, int ictx, uint32_t *devid)
{
	struct vfio_abi_device_bind_iommufd b = { .argsz = sizeof(b), .iommufd = ictx };
	int ret = s->ops->device_bind_iommufd(s->be, dfd, &b);

	if (!ret && devid)
		*devid = b.out_devid;
	return ret;
}

static inline int i_attach(struct s_fix *s, int dfd, uint32_t pt, uint32_t *out)
{
	struct vfio_abi_device_attach_iommufd_pt a = { .argsz = sizeof(a), .pt_id = pt };
	int ret = s->ops->device_attach_iommufd_pt(s->be, dfd, &a);

	if (!ret && out)
		*out = a.pt_id;
	return ret;
}

static inline int i_detach(struct s_fix *s, int dfd)
{
	struct vfio_abi_device_detach_iommufd_pt d = { .argsz = sizeof(d) };

	return s->ops->device_detach_iommufd_pt(s->be, dfd, &d);
}

static inline int i_destroy(struct s_fix *s, int ictx, uint32_t id)
{
	struct vfio_abi_iommu_destroy d = { .size = sizeof(d), .id = id };

	return s->ops->iommufd_destroy(s->be, ictx, &d);
}

/* /dev/vfio/devices/vfio@index opened, bound to @ictx and attached to @ioas. */
static inline int i_device(struct s_fix *s, unsigned int index, int ictx, uint32_t ioas)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%u", index);
	fd = i_open(s, path);
	assert_int_equal(i_bind(s, fd, ictx, NULL), 0);
	if (ioas)
		assert_int_equal(i_attach(s, fd, ioas, NULL), 0);
	return fd;
}

/* IOMMU_IOAS_IOVA_RANGES with room for @room ranges. */
static inline int i_ranges(struct s_fix *s, int ictx, uint32_t ioas, struct vfio_abi_iova_range *r,
			   uint32_t room, uint32_t *n, uint64_t *align)
{
	struct vfio_abi_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = ioas,
		.num_iovas = room,
		.allowed_iovas = (uint64_t)(uintptr_t)r,
	};
	int ret = s->ops->ioas_iova_ranges(s->be, ictx, &q);

	*n = q.num_iovas;
	*align = q.out_iova_alignment;
	return ret;
}

#endif /* LIBVFIO_TESTS_UNIT_TEST_SIM_IOMMUFD_H */
