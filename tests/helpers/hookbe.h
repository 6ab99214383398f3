/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_HOOKBE_H
#define LIBVFIO_TESTS_HOOKBE_H

/*
 * A backend that forwards every op to another one, with a table a test may
 * change entry by entry: for answers no well-behaved backend gives (a kernel
 * that keeps asking for a larger argsz, a link longer than any path).
 */

#include <vfio/backend.h>

struct t_hook {
	struct vfio_backend base;
	struct vfio_backend *inner;
	struct vfio_backend_ops ops; /* forwarders; replace entries to hook an op */
	void *data;                  /* for the test's hooks */
};

void t_hook_init(struct t_hook *h, struct vfio_backend *inner);

static inline struct t_hook *t_hook_of(struct vfio_backend *be)
{
	return (struct t_hook *)be;
}

#endif /* LIBVFIO_TESTS_HOOKBE_H */
