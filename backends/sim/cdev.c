// SPDX-License-Identifier: MIT
/*
 * The device cdev /dev/vfio/devices/vfioN (drivers/vfio/device_cdev.c,
 * iommufd.c, vfio_main.c) and the noiommu mode (group.c, container.c).
 *
 * A cdev file does nothing but VFIO_DEVICE_BIND_IOMMUFD until bound: every
 * other ioctl, read, write and mmap answers EINVAL (access_granted).  Binding
 * blocks the group (its node answers EBUSY while a device is bound, and a
 * group file open makes the bind EBUSY), opens the device (one open at a
 * time: a second bind, through any cdev file of the device, is EINVAL) and
 * claims its group's DMA for the iommufd (EPERM when a host driver or another
 * iommufd has it).  Closing the bound file detaches, unbinds and closes the
 * device.
 *
 * noiommu: the kernel loaded with enable_unsafe_noiommu_mode on a host without
 * an IOMMU.  Groups are /dev/vfio/noiommu-N; devices have no cdev (their
 * vfio-dev class device stays); the container offers the noiommu driver.
 * Opening a noiommu group needs CAP_SYS_RAWIO: the sim grants it always.
 */

#include <errno.h>

#include "sim_private.h"

#define BIND_MINSZ (offsetof(struct vfio_abi_device_bind_iommufd, out_devid) + sizeof(uint32_t))
#define ATTACH_MINSZ (offsetof(struct vfio_abi_device_attach_iommufd_pt, pt_id) + sizeof(uint32_t))
#define DETACH_MINSZ (offsetof(struct vfio_abi_device_detach_iommufd_pt, flags) + sizeof(uint32_t))

int sim_cdev_open(struct vfio_sim *sim, unsigned int index)
{
	struct vfio_sim_group *g;
	struct vfio_sim_device *d;
	struct sim_file *f;
	int fd, ret;

	if (sim->noiommu)
		return -ENOENT; /* noiommu devices have no cdev */
	for (g = sim->groups; g; g = g->next) {
		for (d = g->devices; d; d = d->next) {
			if (d->index != index)
				continue;
			if (d->state != VFIO_SIM_DEVICE_PRESENT)
				return -ENOENT; /* a removal takes the node first */
			fd = sim_device_file_fd(d);
			if (fd < 0)
				return fd;
			ret = sim_file_new(sim, SIM_FILE_DEVICE, fd, &f);
			if (ret) {
				sim_close_fd(&fd);
				return ret;
			}
			f->u.device = d;
			f->cdev = true;
			return fd;
		}
	}
	return -ENOENT;
}

/* vfio_df_unbind_iommufd: the bound cdev file's last reference went. */
void sim_cdev_release(struct vfio_sim *sim, struct sim_file *f)
{
	struct vfio_sim_device *d = f->u.device;
	struct sim_iommufd *ictx = d->ictx;

	if (!f->bound)
		return;
	f->bound = false;
	sim_iommufd_detach(d);
	d->ictx = NULL;
	d->devid = 0;
	d->group->cdev_binds--;
	d->open_count--;
	sim_device_last_close(sim, d);
	sim_file_put(sim, ictx->file);
	if (d->state == VFIO_SIM_DEVICE_REQUESTED)
		sim_device_remove(sim, d);
}

/* A cdev file of a device, for a cdev-only ioctl: bound, @arg readable. */
static struct vfio_sim_device *cdev_arg(struct vfio_sim *sim, int fd, const void *arg, int *err)
{
	struct sim_file *f = sim_file_lookup(sim, fd);
	struct vfio_sim_device *d = sim_device_arg(sim, fd, arg, err);

	if (d && !f->cdev) {
		*err = -ENOTTY; /* a group-opened device: vfio-pci knows no such ioctl */
		return NULL;
	}
	return d;
}

/* iommu_device_claim_dma_owner: a host driver or another iommufd owns the group. */
static bool group_owned_elsewhere(const struct vfio_sim_group *g, const struct sim_iommufd *ictx)
{
	const struct vfio_sim_device *e;

	if (!g->viable)
		return true;
	for (e = g->devices; e; e = e->next)
		if (e->ictx && e->ictx != ictx)
			return true;
	return false;
}

static int do_bind(struct vfio_sim *sim, struct sim_file *f,
		   struct vfio_abi_device_bind_iommufd *bind)
{
	struct vfio_sim_device *d = f->u.device;
	struct sim_file *i;
	uint32_t devid;

	if (bind->argsz < BIND_MINSZ || bind->flags || bind->iommufd < 0)
		return -EINVAL;
	if (!f->cdev)
		return -EINVAL; /* BIND_IOMMUFD is for cdev files only */
	if (d->group->file)
		return -EBUSY; /* vfio_device_block_group */
	if (f->bound)
		return -EINVAL;
	i = sim_file_lookup(sim, bind->iommufd);
	if (!i)
		return sim_errno_not_vfio(bind->iommufd) ? -EBADF : -EBADFD;
	if (i->type != SIM_FILE_IOMMUFD)
		return -EBADFD;
	if (d->open_count)
		return -EINVAL; /* vfio_df_open: the cdev path opens a device once */
	if (d->state != VFIO_SIM_DEVICE_PRESENT)
		return -ENODEV;
	if (group_owned_elsewhere(d->group, i->u.iommufd))
		return -EPERM;
	devid = sim_iommufd_id_alloc(i->u.iommufd);
	if (!devid)
		return -EBUSY;
	d->ictx = i->u.iommufd;
	d->devid = devid;
	sim_file_get(i); /* the device holds the iommufd */
	d->group->cdev_binds++;
	d->open_count++;
	sim_device_first_open(d);
	f->bound = true;
	bind->out_devid = devid;
	return 0;
}

int sim_device_bind_iommufd(struct vfio_backend *be, int fd,
			    struct vfio_abi_device_bind_iommufd *bind)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_file *f;
	int ret;

	sim_lock(sim);
	f = sim_file_lookup(sim, fd);
	if (!f)
		ret = -EBADF;
	else if (f->type != SIM_FILE_DEVICE)
		ret = sim_wrong_handle(f);
	else if (!bind)
		ret = -EFAULT;
	else
		ret = do_bind(sim, f, bind);
	sim_unlock(sim);
	return ret;
}

int sim_device_attach_pt(struct vfio_backend *be, int fd,
			 struct vfio_abi_device_attach_iommufd_pt *attach)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	uint32_t pt_id;
	int ret = 0;

	sim_lock(sim);
	d = cdev_arg(sim, fd, attach, &ret);
	if (!d)
		goto out;
	if (attach->argsz < ATTACH_MINSZ || attach->flags) {
		ret = -EINVAL;
		goto out;
	}
	pt_id = attach->pt_id;
	ret = sim_iommufd_attach(d, &pt_id);
	if (!ret)
		attach->pt_id = pt_id;
out:
	sim_unlock(sim);
	return ret;
}

int sim_device_detach_pt(struct vfio_backend *be, int fd,
			 struct vfio_abi_device_detach_iommufd_pt *detach)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	int ret = 0;

	sim_lock(sim);
	d = cdev_arg(sim, fd, detach, &ret);
	if (d && (detach->argsz < DETACH_MINSZ || detach->flags))
		ret = -EINVAL;
	else if (d)
		sim_iommufd_detach(d); /* not attached: nothing to do, and no error */
	sim_unlock(sim);
	return ret;
}

bool sim_cdev_opened(const struct vfio_sim_device *d)
{
	return d->ictx;
}

/*
 * vfio_iommufd_get_dev_id: @d's id when it is bound to @ictx; -ENOENT when
 * not, but a device of its group is (the group is @ictx's); -ENODEV else.
 */
int sim_cdev_dev_id(const struct vfio_sim_device *d, const struct sim_iommufd *ictx)
{
	const struct vfio_sim_device *e;

	if (d->ictx == ictx)
		return (int)d->devid;
	for (e = d->group->devices; e; e = e->next)
		if (e->ictx == ictx)
			return -ENOENT;
	return -ENODEV;
}

int vfio_sim_set_noiommu(struct vfio_sim *sim, bool on)
{
	int ret = 0;

	sim_lock(sim);
	if (sim->nhandles)
		ret = -EBUSY; /* a module parameter: set before anything is open */
	else
		sim->noiommu = on;
	sim_unlock(sim);
	return ret;
}

bool vfio_sim_noiommu(struct vfio_sim *sim)
{
	bool on;

	sim_lock(sim);
	on = sim->noiommu;
	sim_unlock(sim);
	return on;
}

long vfio_sim_ioas_mappings(struct vfio_sim *sim, int iommufd, uint32_t ioas_id,
			    struct vfio_sim_mapping *out, size_t max)
{
	const struct sim_dma *a;
	struct sim_iommufd *ictx;
	struct sim_ioas *io;
	size_t i = 0;
	long n = 0;
	int err = 0;

	if (max && !out)
		return -EINVAL;
	sim_lock(sim);
	ictx = sim_iommufd_of(sim, iommufd, &err);
	for (io = ictx ? ictx->ioas : NULL; io && io->id != ioas_id; io = io->next)
		;
	if (!ictx || !io) {
		sim_unlock(sim);
		return ictx ? -ENOENT : -EBADF;
	}
	for (a = dma_tree_first(&io->dma, 0, 0); a; a = dma_tree_next(&io->dma, a), i++) {
		if (i < max)
			out[i] = (struct vfio_sim_mapping){ .iova = a->iova,
							    .size = a->size,
							    .vaddr = a->vaddr,
							    .flags = a->prot };
	}
	n = (long)i;
	sim_unlock(sim);
	return n;
}

unsigned int vfio_sim_device_index(const struct vfio_sim_device *d)
{
	return d->index; /* set once, at creation */
}
