/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_CORE_PRIVATE_H
#define LIBVFIO_CORE_PRIVATE_H

/* The core's objects and the helpers its files share; never installed. */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vfio/backend.h>
#include <vfio/vfio.h>

#include "lock.h"

#define VFIO_PAGE_SIZE 4096ull

/* Inlined even at -O0: the quiet and loud copies of a check (dma.c). */
#define VFIO_ALWAYS_INLINE static inline __attribute__((always_inline))

/*
 * Call backend op @op, or answer -EOPNOTSUPP for a backend that leaves it NULL.
 * Every call from the core to a backend goes through here.
 */
#define BE_CALL(be, op, ...) ((be)->ops->op ? (be)->ops->op((be), __VA_ARGS__) : -EOPNOTSUPP)

struct vfio_group {
	struct vfio_container *c;
	unsigned int id;
	int fd;
	unsigned int refs; /* vfio_group_open() callers + devices; under c->lock */
};

/* What the IOMMU can map, as the container last heard it (iommu.c). */
struct vfio_iommu_state {
	bool known;                      /* false: no IOMMU yet (or noiommu) */
	uint64_t pgsizes;                /* bitmap; the lowest bit is the alignment */
	struct vfio_iommu_range *ranges;  /* by ascending start */
	size_t nr_ranges;
	uint32_t dma_limit;              /* VFIO_DMA_AVAIL_UNLIMITED when none */
	struct vfio_iommu_range *resv;    /* vfio_iova_alloc() reservations, by start */
	size_t nr_resv, cap_resv;
};

struct vfio_container {
	struct vfio_backend *be;
	int fd;
	enum vfio_container_mode mode;
	uint32_t ioas_id;     /* iommufd mode */
	bool native;	      /* vfio_backend_native(be): map and unmap call libc themselves */
	struct vfio_lock lock; /* guards everything below (lock.h) */
	struct vfio_iommu_state iommu;
	struct vfio_device **devices; /* iommufd mode: the devices bound to c->fd */
	size_t nr_devices;
	unsigned long preferred_type; /* Type1v2 if offered, else Type1 */
	unsigned long iommu_type;     /* set while a group is joined, else 0 */
	bool unmap_all;               /* VFIO_UNMAP_ALL offered */
	struct vfio_group **groups;
	size_t nr_groups;
	struct vfio_dma_region *maps; /* live mappings, by ascending iova */
	size_t nr_maps, cap_maps;
};

struct vfio_device {
	struct vfio_container *c;
	struct vfio_group *g; /* NULL in iommufd mode */
	uint32_t devid;       /* iommufd mode: the id VFIO_DEVICE_BIND_IOMMUFD gave */
	struct vfio_backend *be;
	int fd;
	char *name;
	uint32_t flags;
	unsigned int num_regions, num_irqs;
	struct vfio_region_desc *regions;
	struct vfio_irq_desc *irqs;
	pthread_mutex_t lock; /* guards mappings */
	struct vfio_region_mapping *mappings;
	bool native; /* vfio_backend_native(be): the hot paths call libc themselves */
};

/*
 * backends/kernel: is @be the kernel backend on libc's own syscalls
 * (vfio_kernel_backend_new())?  Then its fds are the kernel's, each of its ops
 * is the one syscall on them, and the hot paths (region read and write, irq
 * trigger, DMA map and unmap) make that syscall themselves: one indirect call
 * and one stack frame fewer, which is what the library costs over the raw
 * syscall.  Anything else (the sim, the fault and trace wrappers, a kernel
 * backend on other syscalls) goes through the ops.  The checks before the
 * syscall are the same either way.
 */
bool vfio_backend_native(const struct vfio_backend *be);

/* A libc call's failure as the ops report it: -errno, never 0 (which would read as success). */
static inline int vfio_libc_error(void)
{
	return errno > 0 ? -errno : -EIO;
}

/* error.c: set this thread's message to "<fmt>: <strerror(-err)>" and return err (< 0). */
int vfio_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/*
 * vfio_fail() when @report, else only @err: for checks that run once quietly
 * on a hot path and again, to write the message, only when one failed (dma.c).
 * Called only where a check failed, so the hot path makes no call.
 */
int vfio_refuse(bool report, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Prefix this thread's message with "<fmt>: " and return err. */
int vfio_fail_prefix(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Save and restore the message around clean-up that may overwrite it. */
struct vfio_saved_error {
	char msg[512];
};
void vfio_error_save(struct vfio_saved_error *s);
void vfio_error_restore(const struct vfio_saved_error *s);

/*
 * The first of several errors in a clean-up that goes on past them: its errno and
 * its message are what the caller gets, whatever later steps leave behind.
 */
struct vfio_first_error {
	int err;
	struct vfio_saved_error msg;
};

static inline void vfio_first_note(struct vfio_first_error *f, int err)
{
	if (err < 0 && !f->err) {
		f->err = err;
		vfio_error_save(&f->msg);
	}
}

static inline int vfio_first_result(const struct vfio_first_error *f)
{
	if (f->err)
		vfio_error_restore(&f->msg);
	return f->err;
}

/* Overflow-safe: does [off, off + len) lie inside [0, size)? */
static inline bool vfio_range_inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* Does [off, off + len) lie inside region @r, and its file offset not wrap? */
static inline bool vfio_region_holds(const struct vfio_region_desc *r, uint64_t off, uint64_t len)
{
	return vfio_range_inside(off, len, r->size) && r->offset + off >= r->offset;
}

/* The first of @nr ranges that is empty or not above the one before; @nr when none is. */
static inline size_t vfio_ranges_first_bad(const struct vfio_iommu_range *r, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		if (r[i].start > r[i].last || (i && r[i].start <= r[i - 1].last))
			return i;
	return nr;
}

/* group.c: take / drop a reference, container lock held by neither caller. */
int vfio_group_get(struct vfio_container *c, unsigned int id, struct vfio_group **out);
int vfio_group_put(struct vfio_group *g);

/* dma.c: after the first group joined and the IOMMU is set (c->lock held). */
int vfio_dma_replay_locked(struct vfio_container *c);

/*
 * iommu.c, all with c->lock held:
 * refresh: ask the backend what the IOMMU can map now (legacy: after
 *   SET_IOMMU; iommufd: after IOAS alloc and after each attach) and keep it;
 * forget: the IOMMU is gone (legacy: the last group left);
 * check_map: may [iova, iova + size) of vaddr be mapped: alignment to the
 *   smallest page size, inside one IOVA range, entries left (-EINVAL or -ENOSPC,
 *   with the message set when @report); 0 when nothing is known yet (the kernel
 *   judges);
 * release: free what the state holds (at container close).
 */
int vfio_iommu_refresh_locked(struct vfio_container *c);
void vfio_iommu_forget_locked(struct vfio_container *c);
void vfio_iommu_release(struct vfio_container *c);

#define RANGE_FMT "[0x%" PRIx64 ", +0x%" PRIx64 ")"

/* The IOMMU's smallest page size: the alignment of every mapping. */
static inline uint64_t vfio_iommu_min_pgsize(const struct vfio_iommu_state *s)
{
	return s->pgsizes & -s->pgsizes;
}

/* check_map: inline, because dma.c's map runs it on every call. */
VFIO_ALWAYS_INLINE int vfio_iommu_check_map_locked(const struct vfio_container *c, uint64_t iova, uint64_t size,
			    const void *vaddr, bool report)
{
	const struct vfio_iommu_state *s = &c->iommu;
	uint64_t pg, va = (uint64_t)(uintptr_t)vaddr, va_pg, last = iova + (size - 1);
	bool fd_mode = c->mode == VFIO_CONTAINER_IOMMUFD;
	size_t i;

	if (!s->known)
		return 0;
	pg = vfio_iommu_min_pgsize(s);
	/* iommufd wants the host address aligned only within its page (see iommu.h) */
	va_pg = fd_mode && pg > VFIO_PAGE_SIZE ? VFIO_PAGE_SIZE : pg;
	if (!size || (iova | size) & (pg - 1) || va & (va_pg - 1))
		return vfio_refuse(report, -EINVAL,
				   "mapping " RANGE_FMT " of %p: not aligned to "
				   "the IOMMU's 0x%" PRIx64 "-byte pages",
				   iova, size, vaddr, pg);
	if (last < iova)
		return vfio_refuse(report, fd_mode ? -EOVERFLOW : -EINVAL,
				   "mapping " RANGE_FMT ": wraps", iova, size);
	if (s->dma_limit != VFIO_DMA_AVAIL_UNLIMITED && c->nr_maps >= s->dma_limit)
		return vfio_refuse(report, -ENOSPC,
				   "mapping " RANGE_FMT ": the IOMMU takes no "
				   "more than %" PRIu32 " mappings",
				   iova, size, s->dma_limit);
	for (i = 0; i < s->nr_ranges; i++)
		if (iova >= s->ranges[i].start && last <= s->ranges[i].last)
			return 0;
	return vfio_refuse(report, -EINVAL,
			   "mapping " RANGE_FMT ": outside the IOMMU's IOVA "
			   "ranges",
			   iova, size);
}

/* sysfs.c */
int vfio_sysfs_parse_group_link(const char *link, size_t len, unsigned int *id);
int vfio_check_device_name(const char *name);
int vfio_sysfs_parse_cdev_name(const char *name, size_t len, unsigned int *n);

/* device.c: a device's set-up and release, shared by every mode (cdev.c for iommufd). */
struct vfio_device *vfio_device_new(struct vfio_container *c, const char *name);
int vfio_device_load(struct vfio_device *d);
void vfio_device_free(struct vfio_device *d);

/* cdev.c: iommufd mode; @dir is a device's sysfs directory, @name its last component. */
int vfio_cdev_open_name(struct vfio_container *c, const char *name, struct vfio_device **out);
int vfio_cdev_open_dir(struct vfio_container *c, const char *dir, const char *name,
		       struct vfio_device **out);
void vfio_cdev_forget(struct vfio_device *d); /* off c->devices, at close */

/* caps.c: parse and validate the capability chain of a region info buffer. */
int vfio_caps_parse_region(const void *buf, size_t len, struct vfio_region_desc *desc,
			   struct vfio_sparse_area **sparse);
/* caps.c: VFIO_IOMMU_GET_INFO's answer (@len bytes), parsed and validated. */
struct vfio_iommu_caps {
	uint64_t pgsizes; /* 0: not reported */
	bool has_ranges, has_dma_avail;
	struct vfio_iommu_range *ranges; /* owned; ascending, disjoint */
	size_t nr_ranges;
	uint32_t dma_avail;
};
int vfio_caps_parse_iommu(const void *buf, size_t len, struct vfio_iommu_caps *out);

/* pci.c: both capability lists of @len bytes of config space, without a device. */
int vfio_pci_walk_caps(const uint8_t *cfg, size_t len, struct vfio_pci_cap *out, size_t cap,
		       size_t *count);

/* region.c: unmap every mapping left on a device (at close). */
int vfio_region_unmap_all(struct vfio_device *d);

#endif /* LIBVFIO_CORE_PRIVATE_H */
