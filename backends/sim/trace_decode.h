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
	const char *path;    /* open, readlink: the path; GROUP_GET_DEVICE_FD: the name */
	int flags;           /* open: O_*; mmap: MAP_* */
	int prot;            /* mmap */
	unsigned long value; /* CHECK_EXTENSION, SET_IOMMU; GROUP_SET_CONTAINER: the container */
	void *buf;           /* readlink, pread: where the bytes go */
	const void *wbuf;    /* pwrite: the bytes; mmap: the hint; munmap: the address */
	size_t count;        /* readlink, pread, pwrite: bytes; mmap, munmap: the length */
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

/* The call and its inputs, before the op runs. */
void trace_decode_in(struct trace_text *t, const struct trace_call *c);

/* What the op answered in its arguments (after " -> "), when it has and @ret says it did. */
void trace_decode_out(struct trace_text *t, const struct trace_call *c, int64_t ret);

/* "EINVAL" for EINVAL...; NULL for an errno without a name here. */
const char *trace_errno_name(int err);

#endif /* LIBVFIO_SIM_TRACE_DECODE_H */
