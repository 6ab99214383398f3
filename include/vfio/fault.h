/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_FAULT_H
#define LIBVFIO_VFIO_FAULT_H

/*
 * A wrapping backend that injects failures into the ops of another backend
 * (the sim or the kernel), for testing error paths.  Linked from libvfio-sim.
 *
 * Thread safety: safe to use from several threads; rules may be changed while
 * calls are under way.
 */

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
 * vfio_fault_clear() - remove every rule and zero the call counts
 * @be: the wrapper
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

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_FAULT_H */
