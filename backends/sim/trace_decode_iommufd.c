// SPDX-License-Identifier: MIT
/*
 * The trace decoder's iommufd and device-cdev ioctls: "IOMMU_IOAS_MAP fd=N
 * ioas_id=2 ...".  Every one of these structs starts with its own size (argsz
 * for the cdev's), and the kernel refuses one smaller than it knows (EINVAL):
 * a struct is read only when its size covers it, else only the size is shown.
 * Pointers inside (IOVA_RANGES' array) are printed, never followed.
 */

#include <errno.h>
#include <string.h>

#include "trace_decode.h"

static const struct flag_name ioas_map_flags[] = {
	{ VFIO_ABI_IOAS_MAP_FIXED_IOVA, "FIXED_IOVA" },
	{ VFIO_ABI_IOAS_MAP_WRITEABLE, "WRITEABLE" },
	{ VFIO_ABI_IOAS_MAP_READABLE, "READABLE" },
};

#define PUT_FLAGS(t, v, names) \
	trace_put_flags((t), (v), (names), sizeof(names) / sizeof((names)[0]))

/* The struct's own size: what the kernel would read of it. */
static size_t struct_size(enum vfio_backend_op op)
{
	switch (op) {
	case VFIO_OP_IOMMUFD_DESTROY: return sizeof(struct vfio_abi_iommu_destroy);
	case VFIO_OP_IOAS_ALLOC: return sizeof(struct vfio_abi_ioas_alloc);
	case VFIO_OP_IOAS_IOVA_RANGES: return sizeof(struct vfio_abi_ioas_iova_ranges);
	case VFIO_OP_IOAS_MAP: return sizeof(struct vfio_abi_ioas_map);
	case VFIO_OP_IOAS_MAP_FILE: return sizeof(struct vfio_abi_ioas_map_file);
	case VFIO_OP_IOAS_UNMAP: return sizeof(struct vfio_abi_ioas_unmap);
	case VFIO_OP_DEVICE_BIND_IOMMUFD: return sizeof(struct vfio_abi_device_bind_iommufd);
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT:
		return sizeof(struct vfio_abi_device_attach_iommufd_pt);
	case VFIO_OP_DEVICE_DETACH_IOMMUFD_PT:
		return sizeof(struct vfio_abi_device_detach_iommufd_pt);
	default: return 0;
	}
}

/* Whether @arg is whole; shows its size when it is not (or the op is none of these). */
static bool whole(struct trace_text *t, enum vfio_backend_op op, const void *arg)
{
	size_t want = struct_size(op);
	uint32_t size;

	memcpy(&size, arg, sizeof(size));
	if (want && size >= want)
		return true;
	if (want)
		trace_put(t, " size=%u", size);
	else
		trace_put(t, " arg=0x%llx", (unsigned long long)(uintptr_t)arg);
	return false;
}

/* flags=, when a must-be-zero flags field is not. */
static void put_nonzero_flags(struct trace_text *t, uint32_t flags)
{
	if (flags)
		trace_put(t, " flags=0x%x", flags);
}

void trace_put_iommufd_in(struct trace_text *t, enum vfio_backend_op op, const void *arg)
{
	if (!whole(t, op, arg))
		return;
	switch (op) {
	case VFIO_OP_IOMMUFD_DESTROY:
		trace_put(t, " id=%u", ((const struct vfio_abi_iommu_destroy *)arg)->id);
		break;
	case VFIO_OP_IOAS_ALLOC:
		put_nonzero_flags(t, ((const struct vfio_abi_ioas_alloc *)arg)->flags);
		break;
	case VFIO_OP_IOAS_IOVA_RANGES: {
		const struct vfio_abi_ioas_iova_ranges *r = arg;

		trace_put(t, " ioas_id=%u num_iovas=%u allowed_iovas=0x%llx", r->ioas_id,
			  r->num_iovas, (unsigned long long)r->allowed_iovas);
		break;
	}
	case VFIO_OP_IOAS_MAP: {
		const struct vfio_abi_ioas_map *m = arg;

		trace_put(t, " ioas_id=%u user_va=0x%llx length=0x%llx iova=0x%llx flags=",
			  m->ioas_id, (unsigned long long)m->user_va,
			  (unsigned long long)m->length, (unsigned long long)m->iova);
		PUT_FLAGS(t, m->flags, ioas_map_flags);
		break;
	}
	case VFIO_OP_IOAS_MAP_FILE: {
		const struct vfio_abi_ioas_map_file *m = arg;

		trace_put(t, " ioas_id=%u file_fd=%d start=0x%llx length=0x%llx iova=0x%llx flags=",
			  m->ioas_id, m->fd, (unsigned long long)m->start,
			  (unsigned long long)m->length, (unsigned long long)m->iova);
		PUT_FLAGS(t, m->flags, ioas_map_flags);
		break;
	}
	case VFIO_OP_IOAS_UNMAP: {
		const struct vfio_abi_ioas_unmap *u = arg;

		trace_put(t, " ioas_id=%u iova=0x%llx length=0x%llx", u->ioas_id,
			  (unsigned long long)u->iova, (unsigned long long)u->length);
		break;
	}
	case VFIO_OP_DEVICE_BIND_IOMMUFD: {
		const struct vfio_abi_device_bind_iommufd *b = arg;

		trace_put(t, " iommufd=%d", b->iommufd);
		put_nonzero_flags(t, b->flags);
		break;
	}
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT: {
		const struct vfio_abi_device_attach_iommufd_pt *a = arg;

		trace_put(t, " pt_id=%u", a->pt_id);
		put_nonzero_flags(t, a->flags);
		break;
	}
	default: { /* DETACH_IOMMUFD_PT */
		const struct vfio_abi_device_detach_iommufd_pt *d = arg;

		put_nonzero_flags(t, d->flags);
		break;
	}
	}
}

void trace_put_iommufd_out(struct trace_text *t, enum vfio_backend_op op, const void *arg,
			   int64_t ret)
{
	uint32_t size;

	memcpy(&size, arg, sizeof(size));
	if (size < struct_size(op))
		return; /* the kernel answered EINVAL: nothing came back */
	/* IOVA_RANGES answers the count it has with EMSGSIZE too. */
	if (ret < 0 && !(op == VFIO_OP_IOAS_IOVA_RANGES && ret == -EMSGSIZE))
		return;
	switch (op) {
	case VFIO_OP_IOAS_ALLOC:
		trace_put(t, " -> ioas_id=%u",
			  ((const struct vfio_abi_ioas_alloc *)arg)->out_ioas_id);
		break;
	case VFIO_OP_IOAS_IOVA_RANGES: {
		const struct vfio_abi_ioas_iova_ranges *r = arg;

		trace_put(t, " -> num_iovas=%u iova_alignment=0x%llx", r->num_iovas,
			  (unsigned long long)r->out_iova_alignment);
		break;
	}
	case VFIO_OP_IOAS_MAP:
		trace_put(t, " -> iova=0x%llx",
			  (unsigned long long)((const struct vfio_abi_ioas_map *)arg)->iova);
		break;
	case VFIO_OP_IOAS_MAP_FILE:
		trace_put(t, " -> iova=0x%llx",
			  (unsigned long long)((const struct vfio_abi_ioas_map_file *)arg)->iova);
		break;
	case VFIO_OP_IOAS_UNMAP:
		trace_put(t, " -> length=0x%llx",
			  (unsigned long long)((const struct vfio_abi_ioas_unmap *)arg)->length);
		break;
	case VFIO_OP_DEVICE_BIND_IOMMUFD:
		trace_put(t, " -> devid=%u",
			  ((const struct vfio_abi_device_bind_iommufd *)arg)->out_devid);
		break;
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT:
		trace_put(t, " -> pt_id=%u",
			  ((const struct vfio_abi_device_attach_iommufd_pt *)arg)->pt_id);
		break;
	default: /* DESTROY, DETACH: nothing comes back */
		break;
	}
}
