/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_CONTAINER_H
#define LIBVFIO_VFIO_CONTAINER_H

/*
 * The container: /dev/vfio/vfio, the IOMMU context that groups join.
 *
 * A container keeps a table of the groups its devices live in (each group opened
 * once, shared by its devices with a reference count) and its own list of live
 * DMA mappings (see dma.h).  The IOMMU type (Type1v2, else Type1) is set when the
 * first group joins.  When the last group leaves, the kernel drops the IOMMU and
 * every mapping with it; the container keeps its list and replays it into the
 * kernel when a group joins again, so mappings outlive the devices that come
 * and go.
 *
 * Thread safety: every container function may be called from several threads
 * at once on the same container, except vfio_container_close(), which must be
 * the last call.
 */

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_backend;
struct vfio_container;

/**
 * vfio_container_open() - open a container on a backend
 * @be: the backend (kernel or sim); must outlive the container
 * @out: the new container
 *
 * Opens /dev/vfio/vfio, checks the API version and that the Type1 IOMMU (v2 or
 * v1) is offered.
 *
 * Return: 0; -EINVAL for a backend of another ops version or an unknown API
 * version; -ENODEV when no Type1 IOMMU is offered; -ENOMEM; or the errno of open.
 */
int vfio_container_open(struct vfio_backend *be, struct vfio_container **out);

/**
 * vfio_container_close() - close a container
 * @c: the container, or NULL
 *
 * Every device and group opened through @c must be closed first.
 *
 * Return: 0; -EBUSY (and nothing is closed) while devices or groups are open.
 */
int vfio_container_close(struct vfio_container *c);

/**
 * vfio_container_check_extension() - ask whether the kernel offers an extension
 * @c: the container
 * @ext: a VFIO extension (VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU, ...)
 * @present: set to whether it is offered
 *
 * Return: 0, or the errno of VFIO_CHECK_EXTENSION.
 */
int vfio_container_check_extension(struct vfio_container *c, unsigned long ext, bool *present);

/**
 * vfio_container_iommu_type() - the IOMMU type set on the container
 * @c: the container
 *
 * Return: VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU once a group has joined, 0
 * before (or after the last group left).
 */
unsigned long vfio_container_iommu_type(struct vfio_container *c);

/**
 * vfio_container_fd() - the container's handle, for calls libvfio does not wrap
 * @c: the container
 *
 * Return: the handle (an fd on the kernel backend); owned by @c.
 */
int vfio_container_fd(const struct vfio_container *c);

/**
 * vfio_container_backend() - the backend a container runs on
 * @c: the container
 *
 * Return: the backend given to vfio_container_open().
 */
struct vfio_backend *vfio_container_backend(const struct vfio_container *c);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_CONTAINER_H */
