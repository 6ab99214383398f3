// SPDX-License-Identifier: MIT
/*
 * /dev/iommu: the iommufd, its objects and the IOAS domains, as Linux 6.12
 * keeps them (drivers/iommu/iommufd/main.c, io_pagetable.c, device.c); the
 * IOAS ioctls are ioas.c's.  What the sim models and how:
 *
 *  - Object ids (IOAS, bound devices, automatic domains) share one space per
 *    iommufd and are the lowest free id from 1, as the kernel's xarray gives.
 *  - An IOAS without an attached device has no domain: its IOVA alignment is
 *    1 byte, nothing is reserved, and a map pins nothing (the kernel pins
 *    lazily: a bad user_va fails only when a domain comes).
 *  - The first device attached creates the automatic domain (a HWPT id): the
 *    alignment becomes the page (4 KiB), the domain's reserved regions are the
 *    complement of the sim's IOVA ranges (by default x86 with intel-iommu: the
 *    aperture is 48 bits, and the MSI window 0xfee00000-0xfeefffff is
 *    IOMMU_RESV_MSI), and every area is pinned and charged to the user's
 *    locked_vm (not mm->locked_vm as type1): EFAULT or ENOMEM fail the attach,
 *    as does EADDRINUSE for an area that is misaligned or reserved.  The last
 *    device detached destroys the domain and unpins everything.
 *  - iommufd has no limit on the number of mappings (type1's dma_entry_limit
 *    does not apply).
 *  - The structure sizes: a @size below the kernel's minimum is EINVAL; above
 *    the structure the sim cannot read the tail and takes it as zeros (the
 *    kernel answers E2BIG for a tail that is not).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_private.h"

int sim_iommufd_open(struct vfio_sim *sim)
{
	struct sim_iommufd *ictx;
	struct sim_file *f;
	int fd, ret;

	ictx = calloc(1, sizeof(*ictx));
	if (!ictx)
		return -ENOMEM;
	fd = sim_memfd("iommufd");
	if (fd < 0) {
		free(ictx);
		return fd;
	}
	ret = sim_file_new(sim, SIM_FILE_IOMMUFD, fd, &f);
	if (ret) {
		sim_close_fd(&fd);
		free(ictx);
		return ret;
	}
	f->u.iommufd = ictx;
	ictx->file = f;
	ictx->sim = sim;
	return fd;
}

static uint64_t area_pages(const struct sim_dma *a)
{
	uint64_t off = a->vaddr % SIM_PAGE_SIZE;

	return (a->size + off + SIM_PAGE_SIZE - 1) / SIM_PAGE_SIZE;
}

/* The domain went: every area is unpinned, its pages given back. */
static void domain_teardown(struct sim_ioas *io)
{
	struct vfio_sim *sim = io->ictx->sim;

	sim->user_locked_pages -= io->locked_pages;
	io->locked_pages = 0;
	io->hwpt_id = 0;
	dma_tree_unpin_all(&io->dma);
}

static void ioas_free(struct sim_ioas *io)
{
	if (io->hwpt_id)
		domain_teardown(io);
	dma_tree_clear(&io->dma);
	free(io);
}

/* The last reference went (the fd and every bound device): the objects go. */
void sim_iommufd_release(struct sim_iommufd *ictx)
{
	struct sim_ioas *io;

	while ((io = ictx->ioas)) {
		ictx->ioas = io->next;
		ioas_free(io);
	}
	free(ictx);
}

struct sim_iommufd *sim_iommufd_of(struct vfio_sim *sim, int fd, int *err)
{
	struct sim_file *f = sim_file_lookup(sim, fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->type != SIM_FILE_IOMMUFD) {
		*err = sim_wrong_handle(f);
		return NULL;
	}
	return f->u.iommufd;
}

/* The iommufd behind @fd, with @arg readable and its size at least @minsz. */
struct sim_iommufd *sim_iommufd_arg(struct vfio_sim *sim, int fd, const void *arg,
				       size_t minsz, int *err)
{
	struct sim_iommufd *ictx = sim_iommufd_of(sim, fd, err);
	uint32_t size;

	if (!ictx)
		return NULL;
	if (!arg) {
		*err = -EFAULT; /* get_user of the size */
		return NULL;
	}
	memcpy(&size, arg, sizeof(size));
	if (size < minsz) {
		*err = -EINVAL;
		return NULL;
	}
	return ictx;
}

struct sim_ioas *sim_ioas_find(const struct sim_iommufd *ictx, uint32_t id)
{
	struct sim_ioas *io;

	for (io = ictx->ioas; io; io = io->next)
		if (io->id == id)
			return io;
	return NULL;
}

static bool id_used(const struct sim_iommufd *ictx, uint32_t id)
{
	const struct vfio_sim_group *g;
	const struct vfio_sim_device *d;
	const struct sim_ioas *io;

	for (io = ictx->ioas; io; io = io->next)
		if (io->id == id || io->hwpt_id == id)
			return true;
	for (g = ictx->sim->groups; g; g = g->next)
		for (d = g->devices; d; d = d->next)
			if (d->ictx == ictx && d->devid == id)
				return true;
	return false;
}

/* xa_alloc with XA_FLAGS_ALLOC1 and a 31-bit limit: the lowest free id. */
uint32_t sim_iommufd_id_alloc(struct sim_iommufd *ictx)
{
	uint32_t id;

	for (id = 1; id <= 0x7fffffff; id++)
		if (!id_used(ictx, id))
			return id;
	return 0;
}

/*
 * The lowest reserved interval of the domain that ends at or after @pos: the
 * holes between the sim's IOVA ranges and above the last one.
 */
bool sim_resv_next(const struct vfio_sim *sim, uint64_t pos, uint64_t *s, uint64_t *l)
{
	uint64_t gap = 0;
	uint32_t i;

	if (!sim->nr_ranges)
		return false;
	for (i = 0; i < sim->nr_ranges; i++) {
		if (sim->ranges[i].start > gap && sim->ranges[i].start - 1 >= pos) {
			*s = gap;
			*l = sim->ranges[i].start - 1;
			return true;
		}
		if (sim->ranges[i].end == UINT64_MAX)
			return false;
		gap = sim->ranges[i].end + 1;
	}
	*s = gap;
	*l = UINT64_MAX;
	return true;
}

bool sim_resv_hits(const struct sim_ioas *io, uint64_t first, uint64_t last)
{
	uint64_t s, l;

	return io->hwpt_id && sim_resv_next(io->ictx->sim, first, &s, &l) && s <= last;
}

uint64_t sim_ioas_alignment(const struct sim_ioas *io)
{
	return io->hwpt_id ? SIM_PAGE_SIZE : 1;
}

/* Pin and charge an area, as filling a domain does; 0, -EFAULT or -ENOMEM. */
int sim_area_pin(struct sim_ioas *io, const struct sim_dma *a)
{
	struct vfio_sim *sim = io->ictx->sim;
	uint64_t va = a->vaddr - a->vaddr % SIM_PAGE_SIZE, n = area_pages(a);

	if (!sim_pin_check(&io->dma, va, n * SIM_PAGE_SIZE, a->prot))
		return -EFAULT;
	/* incr_user_locked_vm: user->locked_vm + npages > limit */
	if (sim->locked_limit_pages != UINT64_MAX &&
	    (n > sim->locked_limit_pages || sim->user_locked_pages > sim->locked_limit_pages - n))
		return -ENOMEM;
	sim->user_locked_pages += n;
	io->locked_pages += n;
	return 0;
}

void sim_area_unpin(struct sim_ioas *io, const struct sim_dma *a)
{
	uint64_t n = area_pages(a);

	if (!io->hwpt_id)
		return;
	n = n < io->locked_pages ? n : io->locked_pages;
	io->locked_pages -= n;
	io->ictx->sim->user_locked_pages -= n;
}

/* iopt_table_add_domain and the device's reserved regions: the first attach. */
static int domain_create(struct sim_ioas *io)
{
	const struct sim_dma *a;
	uint32_t id;
	int ret = 0;

	for (a = dma_tree_first(&io->dma, 0, 0); a; a = dma_tree_next(&io->dma, a))
		if ((a->iova | a->size | a->vaddr) & (SIM_PAGE_SIZE - 1))
			return -EADDRINUSE; /* iopt_check_iova_alignment */
	id = sim_iommufd_id_alloc(io->ictx);
	if (!id)
		return -ENOSPC;
	io->hwpt_id = id; /* from here the reserved regions apply */
	for (a = dma_tree_first(&io->dma, 0, 0); a && !ret; a = dma_tree_next(&io->dma, a))
		if (sim_resv_hits(io, a->iova, a->iova + a->size - 1))
			ret = -EADDRINUSE; /* iopt_reserve_iova */
	for (a = dma_tree_first(&io->dma, 0, 0); a && !ret; a = dma_tree_next(&io->dma, a))
		ret = sim_area_pin(io, a);
	if (ret)
		domain_teardown(io); /* what was charged goes back */
	return ret;
}

/* Attach (or move) @d, bound to an iommufd, to the IOAS or domain @pt_id. */
int sim_iommufd_attach(struct vfio_sim_device *d, uint32_t *pt_id)
{
	struct sim_iommufd *ictx = d->ictx;
	struct sim_ioas *io, *old = d->ioas;
	struct vfio_sim_device *e;
	int ret;

	for (io = ictx->ioas; io; io = io->next)
		if (io->id == *pt_id || (io->hwpt_id && io->hwpt_id == *pt_id))
			break;
	if (!io)
		return id_used(ictx, *pt_id) ? -EINVAL : -ENOENT; /* a device id: not a PT */
	if (io == old) { /* the same domain: nothing to replace */
		*pt_id = io->hwpt_id;
		return 0;
	}
	/*
	 * A group has one domain: another of its devices elsewhere refuses a new
	 * attach.  (A replace moves the kernel's whole group; the sim moves @d.)
	 */
	for (e = d->group->devices; e && !old; e = e->next)
		if (e != d && e->ictx == ictx && e->ioas && e->ioas != io)
			return -EINVAL;
	if (!io->attached) {
		ret = domain_create(io);
		if (ret)
			return ret;
	}
	if (old)
		sim_iommufd_detach(d);
	d->ioas = io;
	io->attached++;
	*pt_id = io->hwpt_id;
	return 0;
}

void sim_iommufd_detach(struct vfio_sim_device *d)
{
	struct sim_ioas *io = d->ioas;

	if (!io)
		return;
	d->ioas = NULL;
	if (!--io->attached)
		domain_teardown(io); /* the automatic domain is destroyed with its last device */
}

/* ---- ops ---- */

int sim_iommufd_destroy(struct vfio_backend *be, int fd, struct vfio_abi_iommu_destroy *destroy)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_iommufd *ictx;
	struct sim_ioas **p, *io;
	int ret = 0;

	sim_lock(sim);
	ictx = sim_iommufd_arg(sim, fd, destroy, sizeof(*destroy), &ret);
	if (!ictx)
		goto out;
	ret = -ENOENT;
	for (p = &ictx->ioas; (io = *p); p = &io->next) {
		if (io->id == destroy->id) {
			if (io->attached) { /* its domain holds it */
				ret = -EBUSY;
			} else {
				*p = io->next;
				ioas_free(io);
				ret = 0;
			}
			break;
		}
	}
	/* a domain or a device: held by its devices, or by VFIO */
	if (ret == -ENOENT && destroy->id && id_used(ictx, destroy->id))
		ret = -EBUSY;
out:
	sim_unlock(sim);
	return ret;
}
