// SPDX-License-Identifier: MIT
/*
 * Groups: one /dev/vfio/N per container, shared by reference count.  The first
 * reference joins the group to the container (and, for the container's first
 * group, sets the IOMMU and replays the container's mappings); the last one
 * takes it out again.
 */

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static struct vfio_group *find_locked(struct vfio_container *c, unsigned int id)
{
	for (size_t i = 0; i < c->nr_groups; i++)
		if (c->groups[i]->id == id)
			return c->groups[i];
	return NULL;
}

static int check_viable(struct vfio_backend *be, int fd, unsigned int id, bool *viable)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int ret = BE_CALL(be, group_get_status, fd, &status);

	if (ret < 0)
		return vfio_fail(ret, "VFIO_GROUP_GET_STATUS on group %u", id);
	*viable = status.flags & VFIO_GROUP_FLAGS_VIABLE;
	return 0;
}

/* Noiommu groups are /dev/vfio/noiommu-N, so that nobody opens one by mistake. */
static const char *node_prefix(const struct vfio_container *c)
{
	return c->mode == VFIO_CONTAINER_NOIOMMU ? "noiommu-" : "";
}

static const char *type_name(unsigned long type)
{
	return type == VFIO_TYPE1v2_IOMMU ? "Type1v2"
	       : type == VFIO_TYPE1_IOMMU ? "Type1" : "no-IOMMU";
}

/* Join an open group file to the container: c->lock held. */
static int join_locked(struct vfio_container *c, struct vfio_group *g)
{
	struct vfio_backend *be = c->be;
	int ret;

	ret = BE_CALL(be, group_set_container, g->fd, c->fd);
	if (ret < 0)
		return vfio_fail(ret, "VFIO_GROUP_SET_CONTAINER on group %u", g->id);
	if (c->iommu_type)
		return 0;
	ret = BE_CALL(be, set_iommu, c->fd, c->preferred_type);
	if (ret < 0) {
		ret = vfio_fail(ret, "VFIO_SET_IOMMU %s for group %u", type_name(c->preferred_type),
				g->id);
		goto unset;
	}
	c->iommu_type = c->preferred_type;
	/* No-IOMMU: nothing to ask, and no mapping was ever taken (dma.c refuses them). */
	if (c->mode == VFIO_CONTAINER_NOIOMMU)
		return 0;
	ret = vfio_iommu_refresh_locked(c);
	if (!ret)
		ret = vfio_dma_replay_locked(c);
	if (ret) {
		c->iommu_type = 0;
		vfio_iommu_forget_locked(c);
		goto unset;
	}
	return 0;
unset:
	/* The kernel drops the IOMMU (and any replayed mapping) with the last group. */
	BE_CALL(be, group_unset_container, g->fd);
	return ret;
}

static int open_locked(struct vfio_container *c, unsigned int id, struct vfio_group **out)
{
	struct vfio_group **groups, *g;
	char path[32];
	bool viable = false;
	int ret;

	snprintf(path, sizeof(path), "/dev/vfio/%s%u", node_prefix(c), id);
	g = calloc(1, sizeof(*g));
	groups = realloc(c->groups, (c->nr_groups + 1) * sizeof(*groups));
	if (groups)
		c->groups = groups;
	if (!g || !groups) {
		free(g);
		return vfio_fail(-ENOMEM, "opening group %u", id);
	}
	g->c = c;
	g->id = id;
	g->fd = BE_CALL(c->be, open, path, O_RDWR | O_CLOEXEC);
	if (g->fd < 0) {
		ret = vfio_fail(g->fd, "failed to open %s", path);
		free(g);
		return ret;
	}
	ret = check_viable(c->be, g->fd, id, &viable);
	if (!ret && !viable)
		ret = vfio_fail(-EPERM, "group %u is not viable (bind every device of the "
				"group to vfio-pci, or unbind it from its driver)", id);
	if (!ret)
		ret = join_locked(c, g);
	if (ret) {
		BE_CALL(c->be, close, g->fd);
		free(g);
		return ret;
	}
	g->refs = 1;
	c->groups[c->nr_groups++] = g;
	*out = g;
	return 0;
}

int vfio_group_get(struct vfio_container *c, unsigned int id, struct vfio_group **out)
{
	struct vfio_group *g;
	int ret = 0;

	vfio_lock(&c->lock);
	g = find_locked(c, id);
	if (g) {
		g->refs++;
		*out = g;
	} else {
		ret = open_locked(c, id, out);
	}
	vfio_unlock(&c->lock);
	return ret;
}

int vfio_group_put(struct vfio_group *g)
{
	struct vfio_container *c = g->c;
	struct vfio_first_error first = { 0 };
	int ret;

	vfio_lock(&c->lock);
	if (--g->refs) {
		vfio_unlock(&c->lock);
		return 0;
	}
	for (size_t i = 0; i < c->nr_groups; i++) {
		if (c->groups[i] == g) {
			c->groups[i] = c->groups[--c->nr_groups];
			break;
		}
	}
	ret = BE_CALL(c->be, group_unset_container, g->fd);
	if (ret < 0)
		vfio_first_note(&first, vfio_fail(ret, "VFIO_GROUP_UNSET_CONTAINER on group %u", g->id));
	ret = BE_CALL(c->be, close, g->fd);
	if (ret < 0)
		vfio_first_note(&first, vfio_fail(ret, "close /dev/vfio/%s%u", node_prefix(c),
						  g->id));
	/* With its last group the container lost its IOMMU and, in the kernel, every mapping. */
	if (!c->nr_groups) {
		c->iommu_type = 0;
		vfio_iommu_forget_locked(c);
	}
	vfio_unlock(&c->lock);
	free(g);
	return vfio_first_result(&first);
}

int vfio_group_open(struct vfio_container *c, unsigned int id, struct vfio_group **out)
{
	if (!c || !out)
		return vfio_fail(-EINVAL, "vfio_group_open: no container or no place for the group");
	*out = NULL;
	if (c->mode == VFIO_CONTAINER_IOMMUFD)
		return vfio_fail(-EOPNOTSUPP, "vfio_group_open %u: an iommufd-mode container "
				 "uses no groups; open devices by name or cdev", id);
	return vfio_group_get(c, id, out);
}

int vfio_group_close(struct vfio_group *g)
{
	return g ? vfio_group_put(g) : 0;
}

unsigned int vfio_group_id(const struct vfio_group *g)
{
	return g->id;
}

int vfio_group_fd(const struct vfio_group *g)
{
	return g->fd;
}

int vfio_group_viable(struct vfio_group *g, bool *viable)
{
	if (!viable)
		return vfio_fail(-EINVAL, "vfio_group_viable: no place for the answer");
	return check_viable(g->c->be, g->fd, g->id, viable);
}

static int kvm_file(struct vfio_group *g, int kvm_fd, uint64_t attr, const char *what)
{
	int32_t fd = g->fd;
	struct kvm_device_attr a = {
		.group = KVM_DEV_VFIO_GROUP,
		.attr = attr,
		.addr = (uint64_t)(uintptr_t)&fd,
	};
	int ret = BE_CALL(g->c->be, kvm_device_set_attr, kvm_fd, &a);

	if (ret < 0)
		return vfio_fail(ret, "KVM_SET_DEVICE_ATTR %s group %u on KVM device fd %d", what,
				 g->id, kvm_fd);
	return 0;
}

int vfio_group_kvm_add(struct vfio_group *g, int kvm_vfio_fd)
{
	return kvm_file(g, kvm_vfio_fd, KVM_DEV_VFIO_GROUP_ADD, "ADD");
}

int vfio_group_kvm_del(struct vfio_group *g, int kvm_vfio_fd)
{
	return kvm_file(g, kvm_vfio_fd, KVM_DEV_VFIO_GROUP_DEL, "DEL");
}
