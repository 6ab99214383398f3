// SPDX-License-Identifier: MIT
/*
 * Containers and the type1 IOMMU: the container ioctls (drivers/vfio/container.c)
 * and the type1 driver's (drivers/vfio/vfio_iommu_type1.c), plus the device
 * side's DMA through the mapping table.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sim_private.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define SIM_PGSIZE SIM_PAGE_SIZE
/* type1's migration cap: DIRTY_BITMAP_BYTES(INT_MAX pages) */
#define SIM_DIRTY_BITMAP_SIZE_MAX (((0x7fffffffULL + 63) & ~63ULL) / 8)

#define MAP_MINSZ (offsetof(struct vfio_iommu_type1_dma_map, size) + sizeof(uint64_t))
#define UNMAP_MINSZ (offsetof(struct vfio_iommu_type1_dma_unmap, size) + sizeof(uint64_t))
#define INFO_MINSZ (offsetof(struct vfio_iommu_type1_info, iova_pgsizes) + sizeof(uint64_t))

int sim_container_open(struct vfio_sim *sim)
{
	struct sim_container *c;
	struct sim_file *f;
	int fd, ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	fd = sim_memfd("vfio-container");
	if (fd < 0) {
		free(c);
		return fd;
	}
	ret = sim_file_new(sim, SIM_FILE_CONTAINER, fd, &f);
	if (ret) {
		sim_close_fd(&fd);
		free(c);
		return ret;
	}
	f->u.container = c;
	c->file = f;
	c->sim = sim;
	c->next = sim->containers;
	sim->containers = c;
	return fd;
}

/* The last group left: the container is deprivileged, its IOMMU released. */
void sim_container_release_iommu(struct sim_container *c)
{
	dma_tree_clear(&c->dma);
	sim_locked_release(c); /* vfio_iommu_unmap_unpin_all: the pins go */
	c->iommu_set = false;
	c->v2 = false;
	c->dma_avail = 0;
}

void sim_container_put(struct sim_container *c)
{
	struct sim_container **p;

	if (c->file || c->ngroups)
		return;
	for (p = &c->sim->containers; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	sim_container_release_iommu(c);
	free(c);
}

static struct sim_container *container_get(struct vfio_sim *sim, int fd, int *err)
{
	struct sim_file *f = sim_file_lookup(sim, fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->type != SIM_FILE_CONTAINER) {
		*err = sim_wrong_handle(f);
		return NULL;
	}
	return f->u.container;
}

/* A container whose IOMMU driver takes the ioctl: type1 must be set, @arg readable. */
static struct sim_container *container_iommu(struct vfio_sim *sim, int fd, const void *arg,
					     int *err)
{
	struct sim_container *c = container_get(sim, fd, err);

	if (!c)
		return NULL;
	if (!c->iommu_set) {
		*err = -EINVAL; /* no driver: the container answers EINVAL itself */
		return NULL;
	}
	if (!arg) {
		*err = -EFAULT; /* copy_from_user */
		return NULL;
	}
	return c;
}

int sim_get_api_version(struct vfio_backend *be, int fd)
{
	struct vfio_sim *sim = sim_of(be);
	int ret = 0;

	sim_lock(sim);
	if (container_get(sim, fd, &ret))
		ret = VFIO_API_VERSION;
	sim_unlock(sim);
	return ret;
}

int sim_check_extension(struct vfio_backend *be, int fd, unsigned long ext)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	c = container_get(sim, fd, &ret);
	if (c) {
		switch (ext) {
		case VFIO_TYPE1_IOMMU:
		case VFIO_TYPE1v2_IOMMU:
		case VFIO_TYPE1_NESTING_IOMMU:
		case VFIO_UNMAP_ALL:
			ret = 1;
			break;
		case VFIO_UPDATE_VADDR:
			/* type1 answers for an opened IOMMU only */
			ret = c->iommu_set;
			break;
		default:
			/* DMA_CC_IOMMU: VT-d without snoop control (QEMU's default) */
			ret = 0;
			break;
		}
	}
	sim_unlock(sim);
	return ret;
}

int sim_set_iommu(struct vfio_backend *be, int fd, unsigned long type)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	c = container_get(sim, fd, &ret);
	if (!c)
		goto out;
	if (!c->ngroups || c->iommu_set) {
		ret = -EINVAL;
		goto out;
	}
	switch (type) {
	case VFIO_TYPE1_IOMMU:
	case VFIO_TYPE1v2_IOMMU:
		c->iommu_set = true;
		c->v2 = type == VFIO_TYPE1v2_IOMMU;
		c->dma_avail = sim->dma_entry_limit; /* read at open, as the module param */
		break;
	case VFIO_TYPE1_NESTING_IOMMU: /* attach fails: VT-d has no enable_nesting */
	case VFIO_UNMAP_ALL:	       /* type1 claims the extension, its open refuses it */
		ret = -EINVAL;
		break;
	default: /* no IOMMU driver claims it */
		ret = -ENODEV;
		break;
	}
out:
	sim_unlock(sim);
	return ret;
}

static void build_info_caps(struct vfio_sim *sim, const struct sim_container *c,
			    struct sim_caps *caps)
{
	struct vfio_iommu_type1_info_cap_migration *mig;
	struct vfio_iommu_type1_info_dma_avail *avail;
	struct vfio_iommu_type1_info_cap_iova_range *iova;
	uint32_t i;

	mig = sim_caps_add(caps, sizeof(*mig), VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION, 1);
	if (mig) {
		mig->flags = 0;
		mig->pgsize_bitmap = SIM_PGSIZE;
		mig->max_dirty_bitmap_size = SIM_DIRTY_BITMAP_SIZE_MAX;
	}
	avail = sim_caps_add(caps, sizeof(*avail), VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL, 1);
	if (avail)
		avail->avail = c->dma_avail;
	if (!sim->nr_ranges)
		return; /* no ranges: no capability, any IOVA is valid */
	iova = sim_caps_add(caps, sizeof(*iova) + sim->nr_ranges * sizeof(iova->iova_ranges[0]),
			    VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE, 1);
	if (!iova)
		return;
	iova->nr_iovas = sim->nr_ranges;
	for (i = 0; i < sim->nr_ranges; i++)
		iova->iova_ranges[i] = sim->ranges[i];
}

int sim_iommu_get_info(struct vfio_backend *be, int fd, struct vfio_iommu_type1_info *info)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_iommu_type1_info out = { 0 };
	struct sim_caps caps = { 0 };
	struct sim_container *c;
	size_t copy;
	int ret = 0;

	sim_lock(sim);
	c = container_iommu(sim, fd, info, &ret);
	if (!c)
		goto out;
	memcpy(&out, info, INFO_MINSZ);
	if (out.argsz < INFO_MINSZ) {
		ret = -EINVAL;
		goto out;
	}
	copy = out.argsz < sizeof(out) ? out.argsz : sizeof(out);
	out.flags = VFIO_IOMMU_INFO_PGSIZES;
	out.iova_pgsizes = SIM_PGSIZE;
	build_info_caps(sim, c, &caps);
	if (caps.err) {
		ret = caps.err;
		goto out;
	}
	if (caps.size) {
		out.flags |= VFIO_IOMMU_INFO_CAPS;
		if (out.argsz < sizeof(out) + caps.size) {
			out.argsz = (uint32_t)(sizeof(out) + caps.size);
		} else {
			sim_caps_shift(&caps, sizeof(out));
			memcpy(info + 1, caps.buf, caps.size);
			out.cap_offset = sizeof(out);
		}
	}
	memcpy(info, &out, copy);
out:
	sim_caps_free(&caps);
	sim_unlock(sim);
	return ret;
}

static bool iova_valid(const struct vfio_sim *sim, uint64_t first, uint64_t last)
{
	uint32_t i;

	for (i = 0; i < sim->nr_ranges; i++)
		if (first >= sim->ranges[i].start && last <= sim->ranges[i].end)
			return true;
	return !sim->nr_ranges;
}

/* Pinning fails on an address range that is not mapped in the process. */
static bool vaddr_mapped(uint64_t vaddr, uint64_t size)
{
	long pg = sysconf(_SC_PAGESIZE);
	int saved = errno;
	bool ok;

	if (pg <= 0 || (vaddr | size) & (uint64_t)(pg - 1))
		return true; /* cannot ask msync; assume mapped */
	ok = !msync((void *)(uintptr_t)vaddr, size, MS_ASYNC) || errno != ENOMEM;
	errno = saved;
	return ok;
}

/*
 * Pinning for write (a WRITE mapping) fails on memory the process may not write,
 * and pinning for read on memory it may not read (PROT_NONE): the kernel's
 * pin_user_pages(FOLL_WRITE) answers EFAULT.  MADV_POPULATE_WRITE/READ (Linux
 * 5.14) fault the pages in as the pin does (allocating them, breaking COW) and
 * fail where it would; on an older kernel the advice is unknown and nothing is
 * checked.
 */
static bool vaddr_pinnable(uint64_t vaddr, uint64_t size, uint32_t prot)
{
	int advice = (prot & VFIO_DMA_MAP_FLAG_WRITE) ? MADV_POPULATE_WRITE : MADV_POPULATE_READ;
	void *p = (void *)(uintptr_t)vaddr;
	int saved = errno;
	bool ok = true;

	if (!madvise(p, 0, advice)) /* an empty range: is the advice known? */
		ok = !madvise(p, (size_t)size, advice);
	errno = saved;
	return ok;
}

static int do_map(struct vfio_sim *sim, struct sim_container *c,
		  const struct vfio_iommu_type1_dma_map *map)
{
	bool set_vaddr = map->flags & VFIO_DMA_MAP_FLAG_VADDR;
	uint32_t prot = map->flags & (VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	uint64_t iova = map->iova, vaddr = map->vaddr, size = map->size;
	struct sim_dma *dma;
	int ret;

	if ((prot && set_vaddr) || (!prot && !set_vaddr))
		return -EINVAL;
	if (!size || (size | iova | vaddr) & (SIM_PGSIZE - 1))
		return -EINVAL;
	if (iova + size - 1 < iova || vaddr + size - 1 < vaddr)
		return -EINVAL;
	dma = dma_tree_find(&c->dma, iova, size);
	if (set_vaddr) {
		if (!dma)
			return -ENOENT;
		if (!dma->vaddr_invalid || dma->iova != iova || dma->size != size)
			return -EINVAL;
		dma->vaddr = vaddr;
		dma->vaddr_invalid = false;
		return 0;
	}
	if (dma)
		return -EEXIST;
	if (!c->dma_avail)
		return -ENOSPC;
	if (!iova_valid(sim, iova, iova + size - 1))
		return -EINVAL;
	/*
	 * Memory that live mappings pinned (for write, for a WRITE mapping) is
	 * not asked about again: the syscalls cost a microsecond a map.  What
	 * that takes on trust is in dma_tree.c.
	 */
	if (!dma_tree_pinned(&c->dma, vaddr, size, prot) &&
	    (!vaddr_mapped(vaddr, size) || !vaddr_pinnable(vaddr, size, prot)))
		return -EFAULT;
	ret = sim_locked_charge(c, size); /* RLIMIT_MEMLOCK: ENOMEM (limits.c) */
	if (ret)
		return ret;
	ret = dma_tree_insert(&c->dma, &(struct sim_dma){ .iova = iova,
							   .size = size,
							   .vaddr = vaddr,
							   .prot = prot,
							   .pinned = true });
	if (ret) {
		sim_locked_uncharge(c, size);
		return ret;
	}
	c->dma_avail--;
	return 0;
}

int sim_map_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_map *map)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	c = container_iommu(sim, fd, map, &ret);
	if (!c)
		goto out;
	if (map->argsz < MAP_MINSZ ||
	    map->flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE |
			   VFIO_DMA_MAP_FLAG_VADDR))
		ret = -EINVAL;
	else
		ret = do_map(sim, c, map);
out:
	sim_unlock(sim);
	return ret;
}

static int do_unmap(struct sim_container *c, struct vfio_iommu_type1_dma_unmap *unmap)
{
	bool all = unmap->flags & VFIO_DMA_UNMAP_FLAG_ALL;
	bool invalidate = unmap->flags & VFIO_DMA_UNMAP_FLAG_VADDR;
	uint64_t iova = unmap->iova, size = unmap->size, unmapped = 0;
	struct sim_dma *dma, *first;

	if (iova & (SIM_PGSIZE - 1))
		return -EINVAL;
	if (all) {
		if (iova || size)
			return -EINVAL;
		size = UINT64_MAX;
	} else if (!size || size & (SIM_PGSIZE - 1) || iova + size - 1 < iova) {
		return -EINVAL;
	}
	/* v2: the range may not cut a mapping in two */
	if (c->v2 && !all) {
		dma = dma_tree_find(&c->dma, iova, 1);
		if (dma && dma->iova != iova)
			return -EINVAL;
		dma = dma_tree_find(&c->dma, iova + size - 1, 0);
		if (dma && dma->iova + dma->size != iova + size)
			return -EINVAL;
	}
	first = dma = dma_tree_first(&c->dma, iova, size);
	while (dma) {
		if (dma->iova >= iova + size)
			break;
		/* v1: a range that starts inside a mapping unmaps nothing */
		if (!c->v2 && iova > dma->iova)
			break;
		if (invalidate) {
			if (dma->vaddr_invalid) {
				struct sim_dma *n;

				for (n = first; n && n != dma; n = dma_tree_next(&c->dma, n))
					n->vaddr_invalid = false;
				return -EINVAL;
			}
			dma->vaddr_invalid = true;
			dma_tree_unpin(&c->dma, dma); /* the old memory may go now */
			unmapped += dma->size;
			dma = dma_tree_next(&c->dma, dma);
		} else {
			unmapped += dma->size;
			sim_locked_uncharge(c, dma->size); /* vfio_unmap_unpin */
			/* a removal moves entries: it answers the next one */
			dma = dma_tree_remove(&c->dma, dma);
			c->dma_avail++;
		}
	}
	unmap->size = unmapped;
	return 0;
}

int sim_unmap_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_unmap *unmap)
{
	const uint32_t mask = VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP | VFIO_DMA_UNMAP_FLAG_VADDR |
			      VFIO_DMA_UNMAP_FLAG_ALL;
	struct vfio_sim *sim = sim_of(be);
	struct sim_container *c;
	int ret = 0;

	sim_lock(sim);
	c = container_iommu(sim, fd, unmap, &ret);
	if (!c)
		goto out;
	if (unmap->argsz < UNMAP_MINSZ || unmap->flags & ~mask)
		ret = -EINVAL;
	else if (unmap->flags & VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP)
		ret = -EINVAL; /* dirty tracking is never started: always refused */
	else
		ret = do_unmap(c, unmap);
out:
	sim_unlock(sim);
	return ret;
}

/* ---- the device side ---- */

/*
 * A device access goes to the kernel as one process_vm_readv/writev for up to
 * DMA_IOV pieces of process memory (adjacent pieces merge) and DMA_BATCH bytes:
 * a syscall per access rather than per mapping, and one that fails where the
 * memory is gone (never a crash, whatever the program unmapped meanwhile).
 */
#define DMA_IOV 64
#define DMA_BATCH (1ULL << 30) /* below the kernel's MAX_RW_COUNT */

static int dma_copy(void *local, size_t len, const struct iovec *remote, unsigned int n,
		    bool write)
{
	struct iovec l = { .iov_base = local, .iov_len = len };
	uint8_t *p = local;
	int saved = errno;
	unsigned int i;
	ssize_t done;

	done = write ? process_vm_writev(getpid(), &l, 1, remote, n, 0) :
		       process_vm_readv(getpid(), &l, 1, remote, n, 0);
	if (done < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* refused: sim_copy_process() copies as it can, piece by piece */
		for (i = 0, done = 0; i < n; i++) {
			if (sim_copy_process(p, (uint64_t)(uintptr_t)remote[i].iov_base,
					     remote[i].iov_len, write))
				break;
			p += remote[i].iov_len;
			done += (ssize_t)remote[i].iov_len;
		}
	}
	errno = saved;
	return done == (ssize_t)len ? 0 : -EFAULT;
}

static int dma_rw(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len, bool write)
{
	struct vfio_sim *sim = d->group->sim;
	uint32_t need = write ? VFIO_DMA_MAP_FLAG_WRITE : VFIO_DMA_MAP_FLAG_READ;
	const struct sim_dma *dma = NULL;
	struct iovec remote[DMA_IOV];
	struct sim_dma_cursor cur;
	struct sim_container *c;
	uint8_t *p = buf, *batch = buf;
	size_t batched = 0;
	unsigned int n = 0;
	bool gone = false;
	int ret = 0;

	sim_lock(sim);
	c = d->group->container;
	if (!c || !c->iommu_set) {
		ret = -ENODEV;
		goto out;
	}
	while (len) {
		uint64_t off, chunk, va;

		/* the mapping that holds iova: the same one, the next one, or a search */
		if (dma && iova - dma->iova >= dma->size) {
			dma = dma_tree_cursor_next(&cur);
			if (dma && dma->iova != iova)
				dma = NULL;
		} else if (!dma) {
			dma = dma_tree_lookup(&c->dma, iova, &cur);
		}
		if (!dma || !(dma->prot & need)) {
			ret = -EFAULT;
			break;
		}
		off = iova - dma->iova;
		chunk = dma->size - off < len ? dma->size - off : len;
		if (chunk > DMA_BATCH - batched)
			chunk = DMA_BATCH - batched;
		va = dma->vaddr + off;
		if (n && (uint64_t)(uintptr_t)remote[n - 1].iov_base + remote[n - 1].iov_len == va) {
			remote[n - 1].iov_len += (size_t)chunk;
		} else {
			remote[n].iov_base = (void *)(uintptr_t)va;
			remote[n].iov_len = (size_t)chunk;
			n++;
		}
		batched += (size_t)chunk;
		p += chunk;
		len -= (size_t)chunk;
		iova += chunk;
		if (n == DMA_IOV || batched == DMA_BATCH) {
			ret = dma_copy(batch, batched, remote, n, write);
			gone = ret;
			n = 0;
			batched = 0;
			batch = p;
			if (ret)
				break;
		}
		if (len && !iova) { /* ran off the top of the address space */
			ret = -EFAULT;
			break;
		}
	}
	if (n) { /* what came before a fault is copied, as the IOMMU would have */
		int r = dma_copy(batch, batched, remote, n, write);

		gone = r;
		if (!ret)
			ret = r;
	}
	if (gone) /* memory a mapping pinned is gone: trust no pin any more */
		dma_tree_unpin_all(&c->dma);
	if (ret == -EFAULT)
		sim->faults++;
out:
	sim_unlock(sim);
	return ret;
}

int vfio_sim_dma_read(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len)
{
	return sim_dma_access(d, iova, buf, len, false, dma_rw); /* faults logged (faultlog.c) */
}

int vfio_sim_dma_write(struct vfio_sim_device *d, uint64_t iova, const void *buf, size_t len)
{
	return sim_dma_access(d, iova, (void *)(uintptr_t)buf, len, true, dma_rw);
}

uint64_t vfio_sim_iommu_faults(struct vfio_sim *sim)
{
	uint64_t n;

	sim_lock(sim);
	n = sim->faults;
	sim_unlock(sim);
	return n;
}

long vfio_sim_dma_count(struct vfio_sim *sim, int container_fd)
{
	struct sim_file *f;
	long n = -EBADF;

	sim_lock(sim);
	f = sim_file_lookup(sim, container_fd);
	if (f && f->type == SIM_FILE_CONTAINER)
		n = (long)f->u.container->dma.count;
	sim_unlock(sim);
	return n;
}

void vfio_sim_set_dma_entry_limit(struct vfio_sim *sim, uint32_t limit)
{
	sim_lock(sim);
	sim->dma_entry_limit = limit;
	sim_unlock(sim);
}
