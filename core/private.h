/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_CORE_PRIVATE_H
#define LIBVFIO_CORE_PRIVATE_H

/* The core's objects and the helpers its files share; never installed. */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vfio/backend.h>
#include <vfio/vfio.h>

#define VFIO_PAGE_SIZE 4096ull

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

struct vfio_container {
	struct vfio_backend *be;
	int fd;
	pthread_mutex_t lock; /* guards everything below */
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
	struct vfio_group *g;
	struct vfio_backend *be;
	int fd;
	char *name;
	uint32_t flags;
	unsigned int num_regions, num_irqs;
	struct vfio_region_desc *regions;
	struct vfio_irq_desc *irqs;
	pthread_mutex_t lock; /* guards mappings */
	struct vfio_region_mapping *mappings;
};

/* error.c: set this thread's message to "<fmt>: <strerror(-err)>" and return err (< 0). */
int vfio_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
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

/* group.c: take / drop a reference, container lock held by neither caller. */
int vfio_group_get(struct vfio_container *c, unsigned int id, struct vfio_group **out);
int vfio_group_put(struct vfio_group *g);

/* dma.c: after the first group joined and the IOMMU is set (c->lock held). */
int vfio_dma_replay_locked(struct vfio_container *c);

/* sysfs.c */
int vfio_sysfs_parse_group_link(const char *link, size_t len, unsigned int *id);
int vfio_check_device_name(const char *name);

/* caps.c: parse and validate the capability chain of a region info buffer. */
int vfio_caps_parse_region(const void *buf, size_t len, struct vfio_region_desc *desc,
			   struct vfio_sparse_area **sparse);

/* region.c: unmap every mapping left on a device (at close). */
int vfio_region_unmap_all(struct vfio_device *d);

#endif /* LIBVFIO_CORE_PRIVATE_H */
