// SPDX-License-Identifier: MIT
/*
 * The container: /dev/vfio/vfio (legacy and noiommu mode) or /dev/iommu and its
 * IOAS (iommufd mode), its API and IOMMU checks, and its life cycle.
 */

#include <fcntl.h>
#include <stdlib.h>

#include "private.h"

#define CONTAINER_PATH "/dev/vfio/vfio"
#define IOMMUFD_PATH "/dev/iommu"

static int check_backend(struct vfio_backend *be)
{
	if (!be || !be->ops)
		return vfio_fail(-EINVAL, "vfio_container_open: no backend");
	if (be->ops->version != VFIO_BACKEND_OPS_VERSION)
		return vfio_fail(-EINVAL,
				 "vfio_container_open: backend %s has ops version %u, libvfio needs %u",
				 be->ops->name ? be->ops->name : "?", be->ops->version,
				 VFIO_BACKEND_OPS_VERSION);
	if (!be->ops->destroy)
		return vfio_fail(-EINVAL, "vfio_container_open: backend %s has no destroy op",
				 be->ops->name ? be->ops->name : "?");
	return 0;
}

static const char *path_of(const struct vfio_container *c)
{
	return c->mode == VFIO_CONTAINER_IOMMUFD ? IOMMUFD_PATH : CONTAINER_PATH;
}

static int extension(struct vfio_container *c, unsigned long ext, bool *present)
{
	int ret = BE_CALL(c->be, check_extension, c->fd, ext);

	if (ret < 0)
		return vfio_fail(ret, "VFIO_CHECK_EXTENSION %lu on " CONTAINER_PATH, ext);
	*present = ret > 0;
	return 0;
}

static int api_version(struct vfio_container *c)
{
	int ret = BE_CALL(c->be, get_api_version, c->fd);

	if (ret < 0)
		return vfio_fail(ret, "VFIO_GET_API_VERSION on " CONTAINER_PATH);
	if (ret != VFIO_API_VERSION)
		return vfio_fail(-EINVAL, "VFIO_GET_API_VERSION on " CONTAINER_PATH
				 ": the kernel speaks version %d, libvfio %d", ret, VFIO_API_VERSION);
	return 0;
}

/* Legacy: API version, the IOMMU type to set when a group joins, and unmap-all. */
static int probe_legacy(struct vfio_container *c)
{
	bool v2 = false, v1 = false;
	int ret = api_version(c);

	if (!ret)
		ret = extension(c, VFIO_TYPE1v2_IOMMU, &v2);
	if (!ret)
		ret = extension(c, VFIO_TYPE1_IOMMU, &v1);
	if (!ret)
		ret = extension(c, VFIO_UNMAP_ALL, &c->unmap_all);
	if (ret)
		return ret;
	if (!v2 && !v1)
		return vfio_fail(-ENODEV, "VFIO_CHECK_EXTENSION on " CONTAINER_PATH
				 ": neither the Type1v2 nor the Type1 IOMMU is offered");
	c->preferred_type = v2 ? VFIO_TYPE1v2_IOMMU : VFIO_TYPE1_IOMMU;
	return 0;
}

static int probe_noiommu(struct vfio_container *c)
{
	bool present = false;
	int ret = api_version(c);

	if (!ret)
		ret = extension(c, VFIO_NOIOMMU_IOMMU, &present);
	if (ret)
		return ret;
	if (!present)
		return vfio_fail(-ENODEV, "VFIO_CHECK_EXTENSION on " CONTAINER_PATH
				 ": the no-IOMMU driver is not offered (the kernel needs vfio's "
				 "enable_unsafe_noiommu_mode parameter set)");
	c->preferred_type = VFIO_NOIOMMU_IOMMU;
	return 0;
}

/* Iommufd: the container's IOAS, and what it can map before any device attaches. */
static int probe_iommufd(struct vfio_container *c)
{
	struct vfio_abi_ioas_alloc alloc = { .size = sizeof(alloc) };
	int ret = BE_CALL(c->be, ioas_alloc, c->fd, &alloc);

	if (ret < 0)
		return vfio_fail(ret, "IOMMU_IOAS_ALLOC on " IOMMUFD_PATH);
	c->ioas_id = alloc.out_ioas_id;
	vfio_lock(&c->lock);
	ret = vfio_iommu_refresh_locked(c);
	vfio_unlock(&c->lock);
	return ret;
}

int vfio_container_open_mode(struct vfio_backend *be, enum vfio_container_mode mode,
			     struct vfio_container **out)
{
	struct vfio_container *c;
	int ret;

	if (!out)
		return vfio_fail(-EINVAL, "vfio_container_open: no place for the container");
	*out = NULL;
	if (mode != VFIO_CONTAINER_LEGACY && mode != VFIO_CONTAINER_IOMMUFD &&
	    mode != VFIO_CONTAINER_NOIOMMU)
		return vfio_fail(-EINVAL, "vfio_container_open: unknown mode %d", (int)mode);
	ret = check_backend(be);
	if (ret)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c)
		return vfio_fail(-ENOMEM, "vfio_container_open");
	c->be = be;
	c->native = vfio_backend_native(be);
	c->mode = mode;
	c->fd = BE_CALL(be, open, path_of(c), O_RDWR | O_CLOEXEC);
	if (c->fd < 0) {
		ret = vfio_fail(c->fd, "failed to open %s", path_of(c));
	} else {
		if (mode == VFIO_CONTAINER_LEGACY)
			ret = probe_legacy(c);
		else if (mode == VFIO_CONTAINER_NOIOMMU)
			ret = probe_noiommu(c);
		else
			ret = probe_iommufd(c);
		/* Closing the iommufd destroys the IOAS with it. */
		if (ret)
			BE_CALL(be, close, c->fd);
	}
	if (ret) {
		vfio_iommu_release(c);
		free(c);
		return ret;
	}
	*out = c;
	return 0;
}

int vfio_container_open(struct vfio_backend *be, struct vfio_container **out)
{
	return vfio_container_open_mode(be, VFIO_CONTAINER_LEGACY, out);
}

int vfio_container_close(struct vfio_container *c)
{
	size_t nr_groups, nr_devices;
	int ret;

	if (!c)
		return 0;
	vfio_lock(&c->lock);
	nr_groups = c->nr_groups;
	nr_devices = c->nr_devices;
	vfio_unlock(&c->lock);
	if (nr_groups)
		return vfio_fail(-EBUSY, "closing container " CONTAINER_PATH
				 ": %zu group(s) still open; close their devices and groups first",
				 nr_groups);
	/* The kernel would keep the iommufd's objects alive under bound devices anyway. */
	if (nr_devices)
		return vfio_fail(-EBUSY, "closing container " IOMMUFD_PATH
				 ": %zu device(s) still open; close them first", nr_devices);
	ret = BE_CALL(c->be, close, c->fd);
	if (ret < 0)
		ret = vfio_fail(ret, "close %s", path_of(c));
	vfio_iommu_release(c);
	free(c->groups);
	free(c->devices);
	free(c->maps);
	free(c);
	return ret < 0 ? ret : 0;
}

int vfio_container_check_extension(struct vfio_container *c, unsigned long ext, bool *present)
{
	if (!present)
		return vfio_fail(-EINVAL, "vfio_container_check_extension: no place for the answer");
	if (c->mode == VFIO_CONTAINER_IOMMUFD)
		return vfio_fail(-EOPNOTSUPP, "VFIO_CHECK_EXTENSION %lu: an iommufd-mode container "
				 "(" IOMMUFD_PATH ") has no VFIO extensions", ext);
	return extension(c, ext, present);
}

unsigned long vfio_container_iommu_type(struct vfio_container *c)
{
	unsigned long type;

	vfio_lock(&c->lock);
	type = c->iommu_type;
	vfio_unlock(&c->lock);
	return type;
}

int vfio_container_fd(const struct vfio_container *c)
{
	return c->fd;
}

enum vfio_container_mode vfio_container_mode(const struct vfio_container *c)
{
	return c->mode;
}

uint32_t vfio_container_ioas_id(const struct vfio_container *c)
{
	return c->ioas_id;
}

struct vfio_backend *vfio_container_backend(const struct vfio_container *c)
{
	return c->be;
}
