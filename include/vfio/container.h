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
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_backend;
struct vfio_container;

/**
 * enum vfio_container_mode - how a container reaches the IOMMU
 * @VFIO_CONTAINER_LEGACY: /dev/vfio/vfio with the Type1 IOMMU; devices come
 *	from their groups (/dev/vfio/N).
 * @VFIO_CONTAINER_IOMMUFD: /dev/iommu with one IOAS; devices come from their
 *	cdev (/dev/vfio/devices/vfioN), bound to the iommufd and attached to the
 *	IOAS.  Groups are not used.
 * @VFIO_CONTAINER_NOIOMMU: /dev/vfio/vfio with the no-IOMMU driver; devices come
 *	from noiommu groups (/dev/vfio/noiommu-N).  There is no DMA protection and
 *	no DMA mapping: the device sees physical addresses.  The kernel offers it
 *	only when loaded with enable_unsafe_noiommu_mode, and opening a device
 *	needs CAP_SYS_RAWIO.
 *
 * The device, region and irq API is the same in every mode.
 */
enum vfio_container_mode {
	VFIO_CONTAINER_LEGACY = 0,
	VFIO_CONTAINER_IOMMUFD = 1,
	VFIO_CONTAINER_NOIOMMU = 2,
};

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
 * vfio_container_open_mode() - open a container in a chosen mode
 * @be: the backend (kernel or sim); must outlive the container
 * @mode: legacy, iommufd or noiommu
 * @out: the new container
 *
 * Legacy: as vfio_container_open().  Iommufd: opens /dev/iommu, allocates the
 * container's IOAS and asks its IOVA ranges; closing the container (the
 * iommufd) destroys the IOAS.  Noiommu: opens /dev/vfio/vfio, checks the API
 * version and that the no-IOMMU driver (VFIO_NOIOMMU_IOMMU) is offered, which
 * the kernel does only with vfio's enable_unsafe_noiommu_mode parameter set.
 *
 * Return: 0; -EINVAL for an unknown mode, an unknown API version or a backend
 * of another ops version; -ENODEV when the mode's IOMMU driver is not offered;
 * -ENOMEM; or the errno of the open or ioctl that failed.
 */
int vfio_container_open_mode(struct vfio_backend *be, enum vfio_container_mode mode,
			     struct vfio_container **out);

/**
 * vfio_container_mode() - the mode a container was opened in
 * @c: the container
 *
 * Return: its mode.
 */
enum vfio_container_mode vfio_container_mode(const struct vfio_container *c);

/**
 * vfio_container_ioas_id() - the IOAS of an iommufd-mode container
 * @c: the container
 *
 * Return: the IOAS id inside the iommufd (vfio_container_fd()); 0 in the
 * other modes.
 */
uint32_t vfio_container_ioas_id(const struct vfio_container *c);

/**
 * vfio_container_close() - close a container
 * @c: the container, or NULL
 *
 * Every device and group opened through @c must be closed first (in iommufd
 * mode as in the others: a device bound to the iommufd keeps its objects).
 *
 * Return: 0; -EBUSY (and nothing is closed) while devices or groups are open;
 * or the errno of close (the container is released all the same).
 */
int vfio_container_close(struct vfio_container *c);

/**
 * vfio_container_check_extension() - ask whether the kernel offers an extension
 * @c: the container
 * @ext: a VFIO extension (VFIO_TYPE1_IOMMU, VFIO_TYPE1v2_IOMMU, ...)
 * @present: set to whether it is offered
 *
 * Return: 0; -EOPNOTSUPP in iommufd mode, which has no VFIO container to ask;
 * or the errno of VFIO_CHECK_EXTENSION.
 */
int vfio_container_check_extension(struct vfio_container *c, unsigned long ext, bool *present);

/**
 * vfio_container_iommu_type() - the IOMMU type set on the container
 * @c: the container
 *
 * Return: VFIO_TYPE1v2_IOMMU or VFIO_TYPE1_IOMMU (VFIO_NOIOMMU_IOMMU in
 * noiommu mode) once a group has joined, 0 before (or after the last group
 * left), and always 0 in iommufd mode.
 */
unsigned long vfio_container_iommu_type(struct vfio_container *c);

/**
 * vfio_container_fd() - the container's handle, for calls libvfio does not wrap
 * @c: the container
 *
 * Return: the handle (an fd on the kernel backend): /dev/vfio/vfio, or
 * /dev/iommu in iommufd mode; owned by @c.
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
