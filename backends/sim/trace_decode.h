/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_SIM_TRACE_DECODE_H
#define LIBVFIO_SIM_TRACE_DECODE_H

/* The trace wrapper's decoder: one backend call as a short line of text.  Private. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vfio/backend.h>

/* A call's arguments; what an op does not take stays 0. */
struct trace_call {
	enum vfio_backend_op op;
	int fd;              /* the handle; -1 for none */
	const char *path;    /* open, readlink, list_dir: the path; GROUP_GET_DEVICE_FD: the name */
	int flags;           /* open: O_*; mmap: MAP_* */
	int prot;            /* mmap */
	unsigned long value; /* CHECK_EXTENSION, SET_IOMMU; GROUP_SET_CONTAINER: the container */
	void *buf;           /* readlink, list_dir, pread: where the bytes go */
	const void *wbuf;    /* pwrite: the bytes; mmap: the hint; munmap: the address */
	size_t count;        /* readlink, list_dir, pread, pwrite: bytes; mmap, munmap: length */
	uint64_t offset;     /* pread, pwrite, mmap */
	void **out;          /* mmap */
	const void *arg;     /* every other ioctl: its struct */
};

/* Text being built in a fixed buffer; once full, it ends in "..." and takes no more. */
struct trace_text {
	char *s;
	size_t size; /* 4 bytes at least */
	size_t len;
	bool cut;
};

/* A name for some bits of a flags value. */
struct flag_name {
	uint64_t bits;
	const char *name;
};

/* Appends to @t, printf-style; once @t is full, it ends in "..." and takes no more. */
void trace_put(struct trace_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Names for the bits of @v (a multi-bit name only when all its bits are set), the rest in hex. */
void trace_put_flags(struct trace_text *t, uint64_t v, const struct flag_name *names, size_t n);

/* The call and its inputs, before the op runs. */
void trace_decode_in(struct trace_text *t, const struct trace_call *c);

/* What the op answered in its arguments (after " -> "), when it has and @ret says it did. */
void trace_decode_out(struct trace_text *t, const struct trace_call *c, int64_t ret);

/*
 * The iommufd and device-cdev ioctls (trace_decode_iommufd.c): the struct @arg
 * (not NULL) before the op runs, and its answer after it answered @ret.
 */
void trace_put_iommufd_in(struct trace_text *t, enum vfio_backend_op op, const void *arg);
void trace_put_iommufd_out(struct trace_text *t, enum vfio_backend_op op, const void *arg,
			   int64_t ret);

/* "EINVAL" for EINVAL...; NULL for an errno without a name here. */
const char *trace_errno_name(int err);

#endif /* LIBVFIO_SIM_TRACE_DECODE_H */
