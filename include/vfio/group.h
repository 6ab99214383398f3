/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_GROUP_H
#define LIBVFIO_VFIO_GROUP_H

/*
 * Groups: /dev/vfio/N, the unit of IOMMU isolation.
 *
 * A group is opened once per container and shared: vfio_group_open() and every
 * device opened in the group take a reference; when the last one goes, the group
 * leaves the container (VFIO_GROUP_UNSET_CONTAINER) and its file is closed.
 *
 * Thread safety: group functions may be called from several threads at once;
 * vfio_group_close() must be a reference's last call.
 */

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_container;
struct vfio_group;

/**
 * vfio_group_open() - take a reference on group @id in container @c
 * @c: the container
 * @id: the IOMMU group number (the N of /dev/vfio/N)
 * @out: the group
 *
 * The first reference opens /dev/vfio/N (/dev/vfio/noiommu-N in noiommu mode),
 * checks the group is viable, joins it to @c and, for the container's first
 * group, sets the IOMMU and replays the container's mappings.
 *
 * Return: 0; -EPERM when the group is not viable; -EBUSY when the group file is
 * already open elsewhere; -EOPNOTSUPP in iommufd mode, which has no groups;
 * -ENOMEM; or the errno of the failing VFIO call.
 */
int vfio_group_open(struct vfio_container *c, unsigned int id, struct vfio_group **out);

/**
 * vfio_group_close() - drop a reference taken by vfio_group_open()
 * @g: the group, or NULL
 *
 * Return: 0, or the errno of VFIO_GROUP_UNSET_CONTAINER when this was the last
 * reference (the group is released all the same).
 */
int vfio_group_close(struct vfio_group *g);

/**
 * vfio_group_id() - the group's number
 * @g: the group
 *
 * Return: N of /dev/vfio/N.
 */
unsigned int vfio_group_id(const struct vfio_group *g);

/**
 * vfio_group_fd() - the group's handle, for calls libvfio does not wrap
 * @g: the group
 *
 * Return: the handle; owned by the container's group table.
 */
int vfio_group_fd(const struct vfio_group *g);

/**
 * vfio_group_viable() - ask the kernel again whether the group is viable
 * @g: the group
 * @viable: set to the answer
 *
 * Return: 0, or the errno of VFIO_GROUP_GET_STATUS.
 */
int vfio_group_viable(struct vfio_group *g, bool *viable);

/**
 * vfio_group_kvm_add() - add the group to a hypervisor's KVM VFIO device
 * @g: the group
 * @kvm_vfio_fd: the fd of a KVM_DEV_TYPE_VFIO device
 *
 * Return: 0, or the errno of KVM_SET_DEVICE_ATTR (KVM_DEV_VFIO_GROUP_ADD).
 */
int vfio_group_kvm_add(struct vfio_group *g, int kvm_vfio_fd);

/**
 * vfio_group_kvm_del() - remove the group from a hypervisor's KVM VFIO device
 * @g: the group
 * @kvm_vfio_fd: the fd of a KVM_DEV_TYPE_VFIO device
 *
 * Return: 0, or the errno of KVM_SET_DEVICE_ATTR (KVM_DEV_VFIO_GROUP_DEL).
 */
int vfio_group_kvm_del(struct vfio_group *g, int kvm_vfio_fd);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_GROUP_H */
