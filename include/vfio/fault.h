/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_FAULT_H
#define LIBVFIO_VFIO_FAULT_H

/*
 * A wrapping backend that injects failures into the ops of another backend
 * (the sim or the kernel), for testing error paths.  Linked from libvfio-sim.
 *
 * Two kinds of rule pick the calls that fail, before they reach the inner
 * backend:
 *  - a rule per op (vfio_fault_inject()): the Nth next call of the op, or every
 *    call of it;
 *  - filters (vfio_fault_filter_add()): every call that matches an op (or any
 *    op), optionally a handle and optionally a predicate of the caller's that
 *    sees the op's argument; either from the first matching call, after N
 *    matching calls, or once after N matching calls.
 * A call is judged by the op's rule first, then by the filters in the order
 * they were added; the first that fails it decides its errno, and the filters
 * after it neither see nor count it.
 *
 * Thread safety: every function may be called from any thread, also while
 * calls are under way, until vfio_backend_destroy().  One lock serialises the
 * judging of calls with the changes of rules and filters, so a one-shot rule
 * or a once filter fails exactly one call however many threads race for it,
 * and once vfio_fault_filter_remove() or vfio_fault_clear() returned, the
 * removed predicates are never called again.  The lock is not held across
 * the inner backend's op.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vfio/backend.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * vfio_fault_backend_new() - wrap @inner
 * @inner: the backend whose ops are called; not owned, must outlive the wrapper
 * @out: the wrapper; vfio_backend_destroy() releases it (not @inner)
 *
 * Return: 0, or -ENOMEM.
 */
int vfio_fault_backend_new(struct vfio_backend *inner, struct vfio_backend **out);

/**
 * vfio_fault_inject() - make the @nth next call of @op fail with -@err
 * @be: a wrapper from vfio_fault_backend_new()
 * @op: the op
 * @nth: 1 for the next call, 2 for the one after, ...; 0 for every call from now on
 * @err: a positive errno
 *
 * The failing call does not reach @inner.  A new rule for @op replaces the old.
 *
 * Return: 0; -EINVAL for a bad @op or @err, or a backend that is not a wrapper.
 */
int vfio_fault_inject(struct vfio_backend *be, enum vfio_backend_op op, unsigned long nth,
		      int err);

/**
 * vfio_fault_clear() - remove every rule and filter and zero the call counts
 * @be: the wrapper
 *
 * Ids of removed filters are not given out again.
 *
 * Return: nothing.
 */
void vfio_fault_clear(struct vfio_backend *be);

/**
 * vfio_fault_calls() - calls of @op seen since creation or vfio_fault_clear()
 * @be: the wrapper
 * @op: the op
 *
 * Return: the count, failed calls included.
 */
unsigned long vfio_fault_calls(struct vfio_backend *be, enum vfio_backend_op op);

/* vfio_fault_filter.op: match every op. */
#define VFIO_FAULT_ANY_OP VFIO_OP_COUNT

/* vfio_fault_filter.flags */
#define VFIO_FAULT_MATCH_FD (1u << 0) /* only calls whose handle is @fd */
#define VFIO_FAULT_ONCE (1u << 1)     /* fail one call only, then the filter is spent */

/**
 * struct vfio_fault_io - what a predicate sees of a file access
 * @buf: pread: where the bytes go; pwrite: the bytes; mmap: the address hint;
 *	munmap: the address
 * @count: pread, pwrite: bytes; mmap, munmap: the length
 * @offset: pread, pwrite, mmap: the offset in the file
 * @prot: mmap: PROT_*
 * @flags: mmap: MAP_*
 */
struct vfio_fault_io {
	const void *buf;
	size_t count;
	uint64_t offset;
	int prot;
	int flags;
};

/**
 * typedef vfio_fault_match_fn - a filter's predicate
 * @op: the op called
 * @fd: its handle (the container, group, device, KVM device or iommufd it acts
 *	on); -1 for open, readlink, list_dir and munmap, which act on none
 * @arg: the op's main argument: open, readlink, list_dir: the path
 *	(const char *);
 *	GROUP_GET_DEVICE_FD: the device name (const char *); pread, pwrite,
 *	mmap, munmap: a const struct vfio_fault_io *; CHECK_EXTENSION,
 *	SET_IOMMU: the const unsigned long * extension or type;
 *	GROUP_SET_CONTAINER: the const int * container handle; every other
 *	ioctl: its uAPI struct as the caller passed it (possibly NULL);
 *	close, GET_API_VERSION, GROUP_UNSET_CONTAINER, DEVICE_RESET: NULL
 * @opaque: the filter's @opaque
 *
 * Called with the wrapper's lock held, only for calls that match the
 * filter's op and handle and that no earlier rule failed.  It must not call
 * the wrapper (neither its ops nor a vfio_fault_* function: that deadlocks),
 * nor keep @arg.
 *
 * Return: true when the call matches.
 */
typedef bool (*vfio_fault_match_fn)(enum vfio_backend_op op, int fd, const void *arg,
				    void *opaque);

/**
 * struct vfio_fault_filter - which calls fail, and how
 * @op: the op, or VFIO_FAULT_ANY_OP
 * @flags: VFIO_FAULT_MATCH_FD, VFIO_FAULT_ONCE
 * @fd: with VFIO_FAULT_MATCH_FD, the handle a call must act on (see
 *	vfio_fault_match_fn for which handle; -1 matches open, readlink,
 *	list_dir, munmap)
 * @match: NULL, or a predicate a call must also pass
 * @opaque: passed to @match
 * @skip: matching calls let through before the first failure
 * @err: the positive errno the failing calls answer (as -@err)
 *
 * Without VFIO_FAULT_ONCE every matching call after the first @skip fails;
 * with it only the one after them does.
 */
struct vfio_fault_filter {
	enum vfio_backend_op op;
	unsigned int flags;
	int fd;
	vfio_fault_match_fn match;
	void *opaque;
	unsigned long skip;
	int err;
};

/**
 * vfio_fault_filter_add() - fail the calls that match @filter
 * @be: the wrapper
 * @filter: copied; @filter->opaque must stay valid until the filter is removed
 * @id: NULL, or set to the filter's id, for vfio_fault_filter_remove() and
 *	vfio_fault_filter_stats(); ids are never 0
 *
 * Filters add up: a call is judged by each in the order they were added.  A
 * spent once filter matches nothing more (its predicate is not called again)
 * but stays, for its stats, until removed.
 *
 * Return: 0; -EINVAL for a bad op, unknown flags, an @err outside 1..4095,
 * NULL @filter or a backend that is not a wrapper; -ENOMEM.
 */
int vfio_fault_filter_add(struct vfio_backend *be, const struct vfio_fault_filter *filter,
			  unsigned int *id);

/**
 * vfio_fault_filter_remove() - remove one filter
 * @be: the wrapper
 * @id: from vfio_fault_filter_add()
 *
 * Once this returns, the filter's predicate is not called again.
 *
 * Return: 0; -ENOENT for an id that names no filter; -EINVAL for a backend
 * that is not a wrapper.
 */
int vfio_fault_filter_remove(struct vfio_backend *be, unsigned int id);

/**
 * struct vfio_fault_filter_stats - what a filter did
 * @matched: calls that matched it (op, handle, predicate), failed ones included
 * @failed: calls it failed
 */
struct vfio_fault_filter_stats {
	unsigned long matched;
	unsigned long failed;
};

/**
 * vfio_fault_filter_stats() - read what a filter did
 * @be: the wrapper
 * @id: from vfio_fault_filter_add()
 * @out: the counts
 *
 * Return: 0; -ENOENT for an id that names no filter; -EINVAL for NULL @out or
 * a backend that is not a wrapper.
 */
int vfio_fault_filter_stats(struct vfio_backend *be, unsigned int id,
			    struct vfio_fault_filter_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_FAULT_H */
