/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_TRACE_H
#define LIBVFIO_VFIO_TRACE_H

/*
 * A wrapping backend that records every op of another backend (the sim, the
 * kernel, a fault wrapper...) with its arguments and its result, for tests
 * and for finding out what a program asked of VFIO.  Linked from libvfio-sim.
 *
 * Each call becomes an entry: a sequence number, the op, its handle, a short
 * decoded text of its arguments (and of what the op answered in them, after
 * " -> "), and its result.  For example:
 *
 *	open("/dev/vfio/12", O_RDWR|O_CLOEXEC)
 *	VFIO_IOMMU_MAP_DMA fd=5 iova=0x100000 size=0x4000 vaddr=0x7f0e2c000000 flags=READ|WRITE
 *	VFIO_DEVICE_SET_IRQS fd=7 index=2 start=0 count=4 flags=DATA_EVENTFD|ACTION_TRIGGER
 *	fds=[10,11,12,13]
 *	VFIO_DEVICE_GET_REGION_INFO fd=7 index=0 argsz=32 -> argsz=32
 *	flags=READ|WRITE|MMAP size=0x100000 offset=0x0 cap_offset=0
 *
 * (each one line).  The entries are kept in a ring of a capacity fixed at
 * creation: when it is full the oldest entry goes, and is counted as
 * dropped.  An optional callback sees every entry as it is made, e.g. to
 * stream it to a log with vfio_trace_format().
 *
 * Entries are made when the inner op returns, so sequence numbers follow the
 * order in which calls returned.  The iommufd ops' structs are opaque to
 * libvfio: their entries name the op, the handle and the struct's address.
 *
 * Thread safety: the wrapper's ops and every function here may be called from
 * several threads at once.  One lock guards the ring (never held across the
 * inner op); a second one serialises the callback with itself and with
 * vfio_trace_set_callback().  Entries are copied out, never lent.
 */

#include <stddef.h>
#include <stdint.h>

#include <vfio/backend.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ring's capacity when vfio_trace_backend_new() is given 0. */
#define VFIO_TRACE_DEFAULT_CAPACITY 4096

/* Bytes of struct vfio_trace_entry.text, its NUL included. */
#define VFIO_TRACE_TEXT_MAX 192

/**
 * struct vfio_trace_entry - one call
 * @seq: the call's number, from 0 at creation; vfio_trace_clear() does not
 *	reset it
 * @op: the op
 * @fd: the handle it acted on; -1 for open, readlink, list_dir and munmap
 * @result: what the op returned: a value >= 0 or a negative errno
 * @text: the decoded call, NUL-terminated; cut short with "..." when longer
 */
struct vfio_trace_entry {
	uint64_t seq;
	enum vfio_backend_op op;
	int fd;
	int64_t result;
	char text[VFIO_TRACE_TEXT_MAX];
};

/**
 * typedef vfio_trace_fn - sees each entry as it is made
 * @e: the entry, valid during the call only
 * @opaque: as given to vfio_trace_set_callback()
 *
 * Called from the thread that made the call, after the entry went into the
 * ring, one call at a time.  With several threads calling ops, entries may
 * reach it out of @seq order.  It may read the ring (vfio_trace_count(),
 * vfio_trace_get()...) but must not call vfio_trace_set_callback() nor an op
 * of the trace wrapper: that deadlocks.
 *
 * Return: nothing.
 */
typedef void (*vfio_trace_fn)(const struct vfio_trace_entry *e, void *opaque);

/**
 * vfio_trace_backend_new() - wrap @inner
 * @inner: the backend whose ops are called; not owned, must outlive the wrapper
 * @capacity: entries the ring keeps; 0 for VFIO_TRACE_DEFAULT_CAPACITY
 * @out: the wrapper; vfio_backend_destroy() releases it (not @inner)
 *
 * Return: 0; -EINVAL for NULL @inner or @out; -ENOMEM, also for a capacity
 * whose ring does not fit in memory.
 */
int vfio_trace_backend_new(struct vfio_backend *inner, size_t capacity, struct vfio_backend **out);

/**
 * vfio_trace_count() - entries in the ring
 * @be: a wrapper from vfio_trace_backend_new()
 *
 * Return: the count, at most the capacity; 0 for a backend that is not a
 * trace wrapper.
 */
size_t vfio_trace_count(struct vfio_backend *be);

/**
 * vfio_trace_dropped() - entries the full ring let go since creation or
 * vfio_trace_clear()
 * @be: the wrapper
 *
 * Return: the count; 0 for a backend that is not a trace wrapper.
 */
uint64_t vfio_trace_dropped(struct vfio_backend *be);

/**
 * vfio_trace_get() - copy out entry @i
 * @be: the wrapper
 * @i: 0 for the oldest entry in the ring, vfio_trace_count() - 1 for the newest
 * @out: the copy
 *
 * Return: 0; -ENOENT for @i past the ring's entries; -EINVAL for NULL @out or
 * a backend that is not a trace wrapper.
 */
int vfio_trace_get(struct vfio_backend *be, size_t i, struct vfio_trace_entry *out);

/**
 * vfio_trace_clear() - empty the ring and zero the dropped count
 * @be: the wrapper
 *
 * Return: nothing.
 */
void vfio_trace_clear(struct vfio_backend *be);

/**
 * vfio_trace_set_callback() - see every entry as it is made
 * @be: the wrapper
 * @fn: the callback; NULL for none
 * @opaque: passed to @fn
 *
 * Replaces any callback set before.  Once this returns, the old callback is
 * not running and is not called again, so its @opaque may be freed.
 *
 * Return: 0; -EINVAL for a backend that is not a trace wrapper.
 */
int vfio_trace_set_callback(struct vfio_backend *be, vfio_trace_fn fn, void *opaque);

/**
 * vfio_trace_format() - write an entry as one line
 * @e: the entry
 * @buf: where to write, NUL-terminated; may be NULL when @size is 0
 * @size: bytes of @buf
 *
 * The line is "#SEQ TEXT = RESULT", the result in decimal and, when negative,
 * followed by the errno's name ("= -16 EBUSY"), with no newline.  As with
 * snprintf(), a line longer than @size - 1 bytes is cut short.
 *
 * Return: the length of the whole line (not counting the NUL), which is
 * @size or more when it was cut short; -EINVAL for NULL @e, or NULL @buf with
 * @size above 0.
 */
int vfio_trace_format(const struct vfio_trace_entry *e, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_TRACE_H */
