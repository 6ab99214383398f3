// SPDX-License-Identifier: MIT
/*
 * Group files (/dev/vfio/N) and device files, as drivers/vfio/group.c and
 * vfio_main.c keep them: one open of a group at a time, a container attached
 * through the group, device files handed out per GET_DEVICE_FD, and the
 * releases that follow the kernel's references.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sim_private.h"

#define GROUP_STATUS_MINSZ (offsetof(struct vfio_group_status, flags) + sizeof(uint32_t))
#define DEVICE_NAME_LIMIT 4096 /* strndup_user(arg, PAGE_SIZE) */

int sim_group_open(struct vfio_sim *sim, unsigned int id)
{
	struct vfio_sim_group *g = sim_group_find(sim, id);
	struct sim_file *f;
	int fd, ret;

	if (!g)
		return -ENOENT;
	/* a device of the group is bound through its cdev: vfio_device_block_group */
	if (g->cdev_binds)
		return -EBUSY;
	/* the kernel allows one open file per group */
	if (g->file)
		return -EBUSY;
	fd = sim_memfd("vfio-group");
	if (fd < 0)
		return fd;
	ret = sim_file_new(sim, SIM_FILE_GROUP, fd, &f);
	if (ret) {
		sim_close_fd(&fd);
		return ret;
	}
	f->u.group = g;
	g->file = f;
	return fd;
}

void sim_group_detach(struct vfio_sim_group *g)
{
	struct sim_container *c = g->container;

	g->container = NULL;
	c->ngroups--;
	if (!c->ngroups)
		sim_container_release_iommu(c);
	sim_container_put(c);
}

/* The group file's last reference went: vfio_group_fops_release. */
void sim_group_release(struct vfio_sim *sim, struct vfio_sim_group *g)
{
	(void)sim;
	if (g->container)
		sim_group_detach(g);
	g->file = NULL;
}

/* The device's first open (vfio_pci_core_enable): the model sees it enabled. */
void sim_device_first_open(struct vfio_sim_device *d)
{
	if (d->model_ops && d->model_ops->open)
		d->model_ops->open(d->model);
}

/* The device's last close: vfio_pci_core_close_device. */
void sim_device_last_close(struct vfio_sim *sim, struct vfio_sim_device *d)
{
	/* interrupts off, triggers and ioeventfds dropped */
	sim_irq_reset_all(sim, d);
	sim_ioeventfd_clear(sim, d);
	if (d->model_ops && d->model_ops->close)
		d->model_ops->close(d->model);
}

/* A device file's last reference went: vfio_df_group_close. */
void sim_device_release(struct vfio_sim *sim, struct vfio_sim_device *d)
{
	struct vfio_sim_group *g = d->group;

	if (--d->open_count)
		return;
	sim_device_last_close(sim, d);
	/* the device stops using the container: vfio_group_unuse_container */
	g->open_devices--;
	sim_file_put(sim, g->file);
	/* the last file of a device the host asked for: vfio_unregister_group_dev goes on */
	if (d->state == VFIO_SIM_DEVICE_REQUESTED)
		sim_device_remove(sim, d);
}

static struct vfio_sim_group *group_get(struct vfio_sim *sim, int fd, int *err)
{
	struct sim_file *f = sim_file_lookup(sim, fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->type != SIM_FILE_GROUP) {
		*err = sim_wrong_handle(f);
		return NULL;
	}
	return f->u.group;
}

int sim_group_get_status(struct vfio_backend *be, int fd, struct vfio_group_status *status)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_group_status out;
	struct vfio_sim_group *g;
	int ret = 0;

	sim_lock(sim);
	g = group_get(sim, fd, &ret);
	if (g && !status)
		ret = -EFAULT; /* copy_from_user */
	if (!g || !status)
		goto out;
	memcpy(&out, status, GROUP_STATUS_MINSZ);
	if (out.argsz < GROUP_STATUS_MINSZ) {
		ret = -EINVAL;
		goto out;
	}
	if (g->removed) { /* its IOMMU group went with its last device */
		ret = -ENODEV;
		goto out;
	}
	out.flags = 0;
	if (g->container)
		out.flags = VFIO_GROUP_FLAGS_CONTAINER_SET | VFIO_GROUP_FLAGS_VIABLE;
	else if (g->viable)
		out.flags = VFIO_GROUP_FLAGS_VIABLE;
	memcpy(status, &out, GROUP_STATUS_MINSZ);
out:
	sim_unlock(sim);
	return ret;
}

int sim_group_set_container(struct vfio_backend *be, int fd, int container)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_group *g;
	struct sim_file *cf;
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	g = group_get(sim, fd, &ret);
	if (!g)
		goto out;
	cf = sim_file_lookup(sim, container);
	if (!cf && sim_errno_not_vfio(container)) {
		ret = -EBADF;
		goto out;
	}
	if (g->container) {
		ret = -EINVAL;
		goto out;
	}
	if (g->removed) {
		ret = -ENODEV;
		goto out;
	}
	if (!cf || cf->type != SIM_FILE_CONTAINER) {
		ret = -EBADFD; /* an fd, but neither a container nor an iommufd */
		goto out;
	}
	/* iommu_group_claim_dma_owner: a host driver owns the group's DMA (not for noiommu) */
	if (!g->viable && !sim->noiommu) {
		ret = -EPERM;
		goto out;
	}
	c = cf->u.container;
	g->container = c;
	c->ngroups++;
	c->noiommu = sim->noiommu; /* all the sim's groups are of one kind */
out:
	sim_unlock(sim);
	return ret;
}

int sim_group_unset_container(struct vfio_backend *be, int fd)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_group *g;
	int ret = 0;

	sim_lock(sim);
	g = group_get(sim, fd, &ret);
	if (!g)
		goto out;
	if (!g->container)
		ret = -EINVAL;
	else if (g->open_devices) /* container_users != 1 */
		ret = -EBUSY;
	else
		sim_group_detach(g);
out:
	sim_unlock(sim);
	return ret;
}

/* 1 for a match, 0 for none, -errno: vfio-pci's match op for PCI, strcmp else. */
static int name_match(const struct vfio_sim_device *d, const char *buf)
{
	size_t n = strlen(d->name);

	if (!sim_is_pci(d))
		return !strcmp(d->name, buf);
	if (strncmp(d->name, buf, n))
		return 0;
	buf += n;
	if (!*buf)
		return 1;
	if (*buf != ' ')
		return 0;
	while (*buf == ' ')
		buf++;
	/*
	 * Options follow: only "vf_token=UUID" is known, and the sim's devices
	 * are neither PF nor VF, so any option is refused.
	 */
	return *buf ? -EINVAL : 1;
}

/* A new open file description of the device's memfd: mmap on it maps regions. */
int sim_device_file_fd(const struct vfio_sim_device *d)
{
	char path[40];
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", d->memfd);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fd = fcntl(d->memfd, F_DUPFD_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int sim_group_get_device_fd(struct vfio_backend *be, int fd, const char *name)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d = NULL, *it;
	struct vfio_sim_group *g;
	struct sim_file *f;
	int ret = 0, dfd;

	sim_lock(sim);
	g = group_get(sim, fd, &ret);
	if (!g)
		goto out;
	if (!name) {
		ret = -EFAULT;
		goto out;
	}
	if (strnlen(name, DEVICE_NAME_LIMIT) == DEVICE_NAME_LIMIT) {
		ret = -EINVAL;
		goto out;
	}
	ret = -ENODEV;
	for (it = g->devices; it; it = it->next) {
		int m;

		if (it->state != VFIO_SIM_DEVICE_PRESENT)
			continue; /* being removed: no longer on the group's list */
		m = name_match(it, name);
		if (m < 0) {
			ret = m;
			break;
		}
		if (m) {
			d = it;
			break;
		}
	}
	if (!d)
		goto out;
	/* the group must have a container, and the container its IOMMU */
	if (!g->container || (!d->open_count && !g->container->iommu_set)) {
		ret = -EINVAL;
		goto out;
	}
	dfd = sim_device_file_fd(d);
	if (dfd < 0) {
		ret = dfd;
		goto out;
	}
	ret = sim_file_new(sim, SIM_FILE_DEVICE, dfd, &f);
	if (ret) {
		sim_close_fd(&dfd);
		goto out;
	}
	f->u.device = d;
	if (d->open_count++ == 0) {
		g->open_devices++;
		sim_file_get(g->file);
		sim_device_first_open(d);
	}
	ret = dfd;
out:
	sim_unlock(sim);
	return ret;
}
