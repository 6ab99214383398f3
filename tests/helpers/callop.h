/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_CALLOP_H
#define LIBVFIO_TESTS_CALLOP_H

#include <vfio/backend.h>

/* The handle t_call_op() passes to op @op: distinct per op, so a test can tell them apart. */
#define T_OP_HANDLE(op) (40 + (long)(op))

/* What t_call_op() passes as every pointer argument (paths, buffers, uAPI structs). */
extern char t_op_buf[256];

/* Call @op on @be with T_OP_HANDLE(op) and t_op_buf; its answer widened to long. */
long t_call_op(struct vfio_backend *be, enum vfio_backend_op op);

#endif /* LIBVFIO_TESTS_CALLOP_H */
