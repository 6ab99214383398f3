// SPDX-License-Identifier: MIT
/* The container: /dev/vfio/vfio, its API and IOMMU checks, and its life cycle. */

#include <fcntl.h>
#include <stdlib.h>

#include "private.h"

#define CONTAINER_PATH "/dev/vfio/vfio"

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

static int extension(struct vfio_container *c, unsigned long ext, bool *present)
{
	int ret = BE_CALL(c->be, check_extension, c->fd, ext);

	if (ret < 0)
		return vfio_fail(ret, "VFIO_CHECK_EXTENSION %lu on " CONTAINER_PATH, ext);
	*present = ret > 0;
	return 0;
}

/* API version, the IOMMU type to set when a group joins, and unmap-all. */
static int probe(struct vfio_container *c)
{
	bool v2 = false, v1 = false;
	int ret;

	ret = BE_CALL(c->be, get_api_version, c->fd);
	if (ret < 0)
		return vfio_fail(ret, "VFIO_GET_API_VERSION on " CONTAINER_PATH);
	if (ret != VFIO_API_VERSION)
		return vfio_fail(-EINVAL, "VFIO_GET_API_VERSION on " CONTAINER_PATH
				 ": the kernel speaks version %d, libvfio %d", ret, VFIO_API_VERSION);
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

int vfio_container_open(struct vfio_backend *be, struct vfio_container **out)
{
	struct vfio_container *c;
	int ret;

	if (!out)
		return vfio_fail(-EINVAL, "vfio_container_open: no place for the container");
	*out = NULL;
	ret = check_backend(be);
	if (ret)
		return ret;
	c = calloc(1, sizeof(*c));
	if (!c)
		return vfio_fail(-ENOMEM, "vfio_container_open");
	c->be = be;
	c->fd = BE_CALL(be, open, CONTAINER_PATH, O_RDWR | O_CLOEXEC);
	if (c->fd < 0) {
		ret = vfio_fail(c->fd, "failed to open " CONTAINER_PATH);
		free(c);
		return ret;
	}
	ret = probe(c);
	if (ret) {
		BE_CALL(be, close, c->fd);
		free(c);
		return ret;
	}
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

int vfio_container_close(struct vfio_container *c)
{
	size_t nr_groups;
	int ret;

	if (!c)
		return 0;
	pthread_mutex_lock(&c->lock);
	nr_groups = c->nr_groups;
	pthread_mutex_unlock(&c->lock);
	if (nr_groups)
		return vfio_fail(-EBUSY, "closing container " CONTAINER_PATH
				 ": %zu group(s) still open; close their devices and groups first",
				 nr_groups);
	ret = BE_CALL(c->be, close, c->fd);
	if (ret < 0)
		ret = vfio_fail(ret, "close " CONTAINER_PATH);
	pthread_mutex_destroy(&c->lock);
	free(c->groups);
	free(c->maps);
	free(c);
	return ret < 0 ? ret : 0;
}

int vfio_container_check_extension(struct vfio_container *c, unsigned long ext, bool *present)
{
	if (!present)
		return vfio_fail(-EINVAL, "vfio_container_check_extension: no place for the answer");
	return extension(c, ext, present);
}

unsigned long vfio_container_iommu_type(struct vfio_container *c)
{
	unsigned long type;

	pthread_mutex_lock(&c->lock);
	type = c->iommu_type;
	pthread_mutex_unlock(&c->lock);
	return type;
}

int vfio_container_fd(const struct vfio_container *c)
{
	return c->fd;
}

struct vfio_backend *vfio_container_backend(const struct vfio_container *c)
{
	return c->be;
}
