// SPDX-License-Identifier: MIT
/*
 * ioeventfds and device features: VFIO_DEVICE_IOEVENTFD and VFIO_DEVICE_FEATURE,
 * each one call, with what the device's region table already says checked first.
 */

#include <stdlib.h>
#include <string.h>

#include "private.h"

/* Feature data up to this size travels in a buffer on the stack. */
#define SMALL_DATA 64u

int vfio_device_ioeventfd(struct vfio_device *d, unsigned int index, uint64_t offset,
			  unsigned int size, uint64_t data, int fd)
{
	const struct vfio_region_desc *r = NULL;
	struct vfio_device_ioeventfd ev = { .argsz = sizeof(ev), .data = data, .fd = fd };
	int ret;

	if (!d)
		return vfio_fail(-EINVAL, "vfio_device_ioeventfd: no device");
	if ((size != 1 && size != 2 && size != 4 && size != 8) || fd < -1)
		return vfio_fail(-EINVAL, "vfio_device_ioeventfd on %s: size %u (1, 2, 4 or 8) "
				 "or fd %d (-1 to remove)", d->name, size, fd);
	ret = vfio_region_get(d, index, &r);
	if (ret) /* a region the kernel did not offer is no more a region to it than any */
		return vfio_fail_prefix(-EINVAL, "vfio_device_ioeventfd");
	if (!vfio_region_holds(r, offset, size))
		return vfio_fail(-EINVAL, "vfio_device_ioeventfd on %s: [0x%llx, +%u) is outside "
				 "region %u (size 0x%llx)", d->name, (unsigned long long)offset,
				 size, index, (unsigned long long)r->size);
	ev.flags = size; /* VFIO_DEVICE_IOEVENTFD_8..64 are 1, 2, 4, 8: the width itself */
	ev.offset = r->offset + offset;
	ret = BE_CALL(d->be, device_ioeventfd, d->fd, &ev);
	if (ret < 0)
		return vfio_fail(ret, "VFIO_DEVICE_IOEVENTFD on %s (region %u + 0x%llx, %u bytes, "
				 "fd %d)", d->name, index, (unsigned long long)offset, size, fd);
	return 0;
}

_Static_assert(VFIO_DEVICE_IOEVENTFD_8 == 1 && VFIO_DEVICE_IOEVENTFD_16 == 2 &&
		       VFIO_DEVICE_IOEVENTFD_32 == 4 && VFIO_DEVICE_IOEVENTFD_64 == 8,
	       "ioeventfd size flags ABI");

/* -EINVAL, with the message, for arguments no kernel would take. */
static int check_feature(struct vfio_device *d, uint32_t feature, const void *data, size_t size,
			 const char *what)
{
	if (!d)
		return vfio_fail(-EINVAL, "%s: no device", what);
	if (feature > VFIO_DEVICE_FEATURE_MASK || size > UINT32_MAX - sizeof(struct
	    vfio_device_feature) || (size && !data))
		return vfio_fail(-EINVAL, "%s %u on %s: index past 0xffff, or data of %zu bytes "
				 "missing or too large", what, feature, d->name, size);
	return 0;
}

/*
 * One VFIO_DEVICE_FEATURE call: @flags with the index, @size bytes of @data in
 * (and out, for GET).  The kernel's answer as it is: no message.
 */
static int feature_call(struct vfio_device *d, uint32_t feature, uint32_t flags, void *data,
			size_t size)
{
	union {
		struct vfio_device_feature f;
		uint8_t bytes[sizeof(struct vfio_device_feature) + SMALL_DATA];
	} small;
	struct vfio_device_feature *f = &small.f;
	size_t argsz = sizeof(*f) + size;
	int ret;

	if (size > SMALL_DATA) {
		f = malloc(argsz);
		if (!f)
			return -ENOMEM;
	}
	f->argsz = (uint32_t)argsz;
	f->flags = feature | flags;
	if (size)
		memcpy(f->data, data, size);
	ret = BE_CALL(d->be, device_feature, d->fd, f);
	if (ret >= 0 && (flags & VFIO_DEVICE_FEATURE_GET) && size)
		memcpy(data, f->data, size);
	if (f != &small.f)
		free(f);
	return ret < 0 ? ret : 0;
}

int vfio_device_feature_probe(struct vfio_device *d, uint32_t feature, uint32_t *flags)
{
	static const uint32_t ops[] = { VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_SET };
	uint32_t found = 0;
	int ret = check_feature(d, feature, NULL, 0, "vfio_device_feature_probe");

	if (ret)
		return ret;
	if (!flags)
		return vfio_fail(-EINVAL, "vfio_device_feature_probe: no place for the flags");
	for (size_t i = 0; i < 2; i++) {
		ret = feature_call(d, feature, VFIO_DEVICE_FEATURE_PROBE | ops[i], NULL, 0);
		/* ENOTTY: no such feature; EINVAL: the feature, without this operation */
		if (ret == -ENOTTY)
			break;
		if (ret && ret != -EINVAL)
			return vfio_fail(ret, "VFIO_DEVICE_FEATURE PROBE|%s %u on %s",
					 i ? "SET" : "GET", feature, d->name);
		if (!ret)
			found |= ops[i];
	}
	*flags = found;
	return 0;
}

static int get_set(struct vfio_device *d, uint32_t feature, uint32_t op, void *data, size_t size)
{
	const char *what = op == VFIO_DEVICE_FEATURE_GET ? "GET" : "SET";
	int ret = check_feature(d, feature, data, size, "vfio_device_feature");

	if (ret)
		return ret;
	ret = feature_call(d, feature, op, data, size);
	if (ret)
		return vfio_fail(ret, "VFIO_DEVICE_FEATURE %s %u (%zu bytes) on %s", what,
				 feature, size, d->name);
	return 0;
}

int vfio_device_feature_get(struct vfio_device *d, uint32_t feature, void *data, size_t size)
{
	return get_set(d, feature, VFIO_DEVICE_FEATURE_GET, data, size);
}

int vfio_device_feature_set(struct vfio_device *d, uint32_t feature, const void *data,
			    size_t size)
{
	/* SET only reads @data: the cast is for the one helper both directions share */
	return get_set(d, feature, VFIO_DEVICE_FEATURE_SET, (void *)(uintptr_t)data, size);
}
