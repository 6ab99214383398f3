// SPDX-License-Identifier: MIT
/*
 * The trace wrapper's decoder: a call as "NAME fd=N key=value..." for an ioctl,
 * "open(...)"-style for a file operation, with flags by name.
 *
 * It reads only what the op itself reads: a struct's variable part as far as
 * the struct's argsz reaches, and no pointer inside a struct (the KVM attr's
 * addr is printed, not followed).  Values the uAPI gives no name to stay in
 * hex, so nothing is lost.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "trace_decode.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PATH_SHOWN 96 /* characters of a path or name, then "..." */
#define DATA_SHOWN 8  /* bytes of pread/pwrite data, fds of an irq set... */

static void vput(struct trace_text *t, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void put(struct trace_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void vput(struct trace_text *t, const char *fmt, va_list ap)
{
	size_t room = t->size - t->len;
	int n;

	if (t->cut)
		return;
	n = vsnprintf(t->s + t->len, room, fmt, ap);
	if (n < 0) {
		t->s[t->len] = '\0';
		return;
	}
	if ((size_t)n < room) {
		t->len += (size_t)n;
		return;
	}
	t->cut = true;
	t->len = t->size - 1;
	memcpy(t->s + t->size - 4, "...", 4);
}

static void put(struct trace_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput(t, fmt, ap);
	va_end(ap);
}

void trace_put(struct trace_text *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vput(t, fmt, ap);
	va_end(ap);
}

void trace_put_flags(struct trace_text *t, uint64_t v, const struct flag_name *names, size_t n)
{
	const char *sep = "";

	if (!v) {
		put(t, "0");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (names[i].bits && (v & names[i].bits) == names[i].bits) {
			put(t, "%s%s", sep, names[i].name);
			sep = "|";
			v &= ~names[i].bits;
		}
	}
	if (v)
		put(t, "%s0x%llx", sep, (unsigned long long)v);
}

#define PUT_FLAGS(t, v, names) trace_put_flags((t), (v), (names), ARRAY_SIZE(names))

/* A string in quotes, escaped, at most @len bytes of it (SIZE_MAX: up to its NUL). */
static void put_str(struct trace_text *t, const char *s, size_t len)
{
	size_t i;

	if (!s) {
		put(t, "NULL");
		return;
	}
	put(t, "\"");
	for (i = 0; i < len && s[i] && i < PATH_SHOWN; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '"' || ch == '\\')
			put(t, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			put(t, "\\x%02x", ch);
		else
			put(t, "%c", ch);
	}
	put(t, i == PATH_SHOWN && i < len && s[i] ? "\"..." : "\"");
}

/* Bytes in hex, "[01 02 ...]". */
static void put_bytes(struct trace_text *t, const void *p, size_t n)
{
	const unsigned char *b = p;

	put(t, "[");
	for (size_t i = 0; i < n && i < DATA_SHOWN; i++)
		put(t, i ? " %02x" : "%02x", b[i]);
	put(t, n > DATA_SHOWN ? " ...]" : "]");
}

/* @count 32-bit values of which @avail are inside the struct, "[1,2,...]". */
static void put_s32s(struct trace_text *t, const int32_t *v, uint32_t count, size_t avail)
{
	size_t n = count < avail ? count : avail;

	put(t, "[");
	for (size_t i = 0; i < n && i < DATA_SHOWN; i++)
		put(t, i ? ",%d" : "%d", v[i]);
	put(t, count > DATA_SHOWN || n < count ? ",...]" : "]");
}

/* The whole names in @n bytes of @buf (each NUL-terminated), '["a","b",...]'. */
static void put_names(struct trace_text *t, const char *buf, size_t n)
{
	size_t at = 0, shown = 0;

	put(t, "[");
	while (at < n && memchr(buf + at, '\0', n - at)) {
		if (shown++ == DATA_SHOWN) {
			put(t, ",...");
			break;
		}
		if (shown > 1)
			put(t, ",");
		put_str(t, buf + at, SIZE_MAX);
		at += strlen(buf + at) + 1;
	}
	put(t, "]");
}

/* Elements of @elem bytes that fit in a struct of @argsz bytes past its @fixed ones. */
static size_t tail_elems(uint32_t argsz, size_t fixed, size_t elem)
{
	return argsz > fixed ? (argsz - fixed) / elem : 0;
}

static const struct flag_name open_flags[] = {
	{ O_TMPFILE, "O_TMPFILE" }, { O_SYNC, "O_SYNC" },         { O_CREAT, "O_CREAT" },
	{ O_EXCL, "O_EXCL" },       { O_NOCTTY, "O_NOCTTY" },     { O_TRUNC, "O_TRUNC" },
	{ O_APPEND, "O_APPEND" },   { O_NONBLOCK, "O_NONBLOCK" }, { O_DSYNC, "O_DSYNC" },
	{ O_DIRECT, "O_DIRECT" },   { O_DIRECTORY, "O_DIRECTORY" }, { O_NOFOLLOW, "O_NOFOLLOW" },
	{ O_NOATIME, "O_NOATIME" }, { O_CLOEXEC, "O_CLOEXEC" },   { O_PATH, "O_PATH" },
};

static void put_open_flags(struct trace_text *t, int flags)
{
	static const char *const modes[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };
	int rest = flags & ~O_ACCMODE;

	put(t, "%s", modes[flags & O_ACCMODE]);
	if (rest) {
		put(t, "|");
		PUT_FLAGS(t, (unsigned int)rest, open_flags);
	}
}

static const struct flag_name prot_flags[] = {
	{ PROT_READ, "PROT_READ" }, { PROT_WRITE, "PROT_WRITE" }, { PROT_EXEC, "PROT_EXEC" },
};

static const struct flag_name map_flags[] = {
	{ MAP_FIXED, "MAP_FIXED" },         { MAP_ANONYMOUS, "MAP_ANONYMOUS" },
	{ MAP_NORESERVE, "MAP_NORESERVE" }, { MAP_POPULATE, "MAP_POPULATE" },
	{ MAP_LOCKED, "MAP_LOCKED" },       { 0x100000, "MAP_FIXED_NOREPLACE" },
};

static void put_mmap(struct trace_text *t, const struct trace_call *c)
{
	static const char *const types[] = { NULL, "MAP_SHARED", "MAP_PRIVATE",
					     "MAP_SHARED_VALIDATE" };
	unsigned int type = (unsigned int)c->flags & 0xf, rest = (unsigned int)c->flags & ~0xfu;

	put(t, "mmap(fd=%d, addr=0x%llx, length=0x%zx, prot=", c->fd,
	    (unsigned long long)(uintptr_t)c->wbuf, c->count);
	if (c->prot)
		PUT_FLAGS(t, (unsigned int)c->prot, prot_flags);
	else
		put(t, "PROT_NONE");
	if (type < ARRAY_SIZE(types) && types[type])
		put(t, ", flags=%s", types[type]);
	else
		put(t, ", flags=0x%x", type);
	if (rest) {
		put(t, "|");
		PUT_FLAGS(t, rest, map_flags);
	}
	put(t, ", offset=0x%llx)", (unsigned long long)c->offset);
}

/* The VFIO extensions and IOMMU types: ABI values, some newer than the installed headers. */
static void put_extension(struct trace_text *t, unsigned long v)
{
	static const char *const names[] = {
		NULL,           "VFIO_TYPE1_IOMMU",         "VFIO_SPAPR_TCE_IOMMU",
		"VFIO_TYPE1v2_IOMMU", "VFIO_DMA_CC_IOMMU", "VFIO_EEH",
		"VFIO_TYPE1_NESTING_IOMMU", "VFIO_SPAPR_TCE_v2_IOMMU", "VFIO_NOIOMMU_IOMMU",
		"VFIO_UNMAP_ALL", "VFIO_UPDATE_VADDR",
	};

	if (v < ARRAY_SIZE(names) && names[v])
		put(t, "%s", names[v]);
	else
		put(t, "%lu", v);
}

static const struct flag_name dma_map_flags[] = {
	{ VFIO_DMA_MAP_FLAG_READ, "READ" },
	{ VFIO_DMA_MAP_FLAG_WRITE, "WRITE" },
	{ VFIO_DMA_MAP_FLAG_VADDR, "VADDR" },
};

static const struct flag_name dma_unmap_flags[] = {
	{ VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, "GET_DIRTY_BITMAP" },
	{ VFIO_DMA_UNMAP_FLAG_ALL, "ALL" },
	{ VFIO_DMA_UNMAP_FLAG_VADDR, "VADDR" },
};

static const struct flag_name irq_set_flags[] = {
	{ VFIO_IRQ_SET_DATA_NONE, "DATA_NONE" },
	{ VFIO_IRQ_SET_DATA_BOOL, "DATA_BOOL" },
	{ VFIO_IRQ_SET_DATA_EVENTFD, "DATA_EVENTFD" },
	{ VFIO_IRQ_SET_ACTION_MASK, "ACTION_MASK" },
	{ VFIO_IRQ_SET_ACTION_UNMASK, "ACTION_UNMASK" },
	{ VFIO_IRQ_SET_ACTION_TRIGGER, "ACTION_TRIGGER" },
};

static const struct flag_name ioeventfd_flags[] = {
	{ VFIO_DEVICE_IOEVENTFD_8, "8" },
	{ VFIO_DEVICE_IOEVENTFD_16, "16" },
	{ VFIO_DEVICE_IOEVENTFD_32, "32" },
	{ VFIO_DEVICE_IOEVENTFD_64, "64" },
};

static const struct flag_name feature_flags[] = {
	{ VFIO_DEVICE_FEATURE_GET, "GET" },
	{ VFIO_DEVICE_FEATURE_SET, "SET" },
	{ VFIO_DEVICE_FEATURE_PROBE, "PROBE" },
};

static void put_irq_set(struct trace_text *t, const struct vfio_irq_set *s)
{
	size_t fixed = sizeof(*s);

	put(t, " index=%u start=%u count=%u flags=", s->index, s->start, s->count);
	PUT_FLAGS(t, s->flags, irq_set_flags);
	if (s->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		put(t, " fds=");
		put_s32s(t, (const int32_t *)s->data, s->count,
			 tail_elems(s->argsz, fixed, sizeof(int32_t)));
	} else if (s->flags & VFIO_IRQ_SET_DATA_BOOL) {
		size_t n = tail_elems(s->argsz, fixed, 1);

		put(t, " bools=");
		put_bytes(t, s->data, s->count < n ? s->count : n);
	}
}

static void put_kvm_attr(struct trace_text *t, const struct kvm_device_attr *a)
{
	static const char *const attrs[] = { NULL, "ADD", "DEL", "SET_SPAPR_TCE" };

	/* KVM_DEV_VFIO_FILE (formerly _GROUP) is group 1. */
	if (a->group == 1)
		put(t, " group=KVM_DEV_VFIO_FILE");
	else
		put(t, " group=%u", a->group);
	if (a->group == 1 && a->attr < ARRAY_SIZE(attrs) && attrs[a->attr])
		put(t, " attr=%s", attrs[a->attr]);
	else
		put(t, " attr=%llu", (unsigned long long)a->attr);
	put(t, " addr=0x%llx", (unsigned long long)a->addr);
	if (a->flags)
		put(t, " flags=0x%x", a->flags);
}

/* An ioctl op's struct, before the op runs. */
static void put_ioctl_in(struct trace_text *t, enum vfio_backend_op op, const void *arg)
{
	switch (op) {
	case VFIO_OP_IOMMU_GET_INFO:
	case VFIO_OP_DEVICE_GET_INFO:
	case VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO:
		put(t, " argsz=%u", *(const uint32_t *)arg);
		break;
	case VFIO_OP_IOMMU_MAP_DMA: {
		const struct vfio_iommu_type1_dma_map *m = arg;

		put(t, " iova=0x%llx size=0x%llx vaddr=0x%llx flags=", (unsigned long long)m->iova,
		    (unsigned long long)m->size, (unsigned long long)m->vaddr);
		PUT_FLAGS(t, m->flags, dma_map_flags);
		break;
	}
	case VFIO_OP_IOMMU_UNMAP_DMA: {
		const struct vfio_iommu_type1_dma_unmap *u = arg;

		put(t, " iova=0x%llx size=0x%llx flags=", (unsigned long long)u->iova,
		    (unsigned long long)u->size);
		PUT_FLAGS(t, u->flags, dma_unmap_flags);
		break;
	}
	case VFIO_OP_DEVICE_GET_REGION_INFO: {
		const struct vfio_region_info *r = arg;

		put(t, " index=%u argsz=%u", r->index, r->argsz);
		break;
	}
	case VFIO_OP_DEVICE_GET_IRQ_INFO:
		put(t, " index=%u", ((const struct vfio_irq_info *)arg)->index);
		break;
	case VFIO_OP_DEVICE_SET_IRQS:
		put_irq_set(t, arg);
		break;
	case VFIO_OP_DEVICE_PCI_HOT_RESET: {
		const struct vfio_pci_hot_reset *h = arg;

		put(t, " count=%u group_fds=", h->count);
		put_s32s(t, h->group_fds, h->count, tail_elems(h->argsz, sizeof(*h), 4));
		if (h->flags)
			put(t, " flags=0x%x", h->flags);
		break;
	}
	case VFIO_OP_DEVICE_IOEVENTFD: {
		const struct vfio_device_ioeventfd *e = arg;

		put(t, " offset=0x%llx data=0x%llx flags=", (unsigned long long)e->offset,
		    (unsigned long long)e->data);
		PUT_FLAGS(t, e->flags, ioeventfd_flags);
		put(t, " eventfd=%d", e->fd);
		break;
	}
	case VFIO_OP_DEVICE_FEATURE: {
		const struct vfio_device_feature *f = arg;

		put(t, " argsz=%u feature=%u flags=", f->argsz,
		    f->flags & VFIO_DEVICE_FEATURE_MASK);
		PUT_FLAGS(t, f->flags & ~(uint32_t)VFIO_DEVICE_FEATURE_MASK, feature_flags);
		break;
	}
	case VFIO_OP_KVM_DEVICE_SET_ATTR:
		put_kvm_attr(t, arg);
		break;
	case VFIO_OP_GROUP_GET_STATUS:
		break;
	default: /* iommufd and the device cdev */
		trace_put_iommufd_in(t, op, arg);
		break;
	}
}

void trace_decode_in(struct trace_text *t, const struct trace_call *c)
{
	t->len = 0;
	t->cut = false;
	t->s[0] = '\0';
	switch (c->op) {
	case VFIO_OP_OPEN:
		put(t, "open(");
		put_str(t, c->path, SIZE_MAX);
		put(t, ", ");
		put_open_flags(t, c->flags);
		put(t, ")");
		return;
	case VFIO_OP_CLOSE:
		put(t, "close(%d)", c->fd);
		return;
	case VFIO_OP_READLINK:
		put(t, "readlink(");
		put_str(t, c->path, SIZE_MAX);
		put(t, ", %zu)", c->count);
		return;
	case VFIO_OP_LIST_DIR:
		put(t, "list_dir(");
		put_str(t, c->path, SIZE_MAX);
		put(t, ", %zu)", c->count);
		return;
	case VFIO_OP_PREAD:
		put(t, "pread(fd=%d, count=%zu, offset=0x%llx)", c->fd, c->count,
		    (unsigned long long)c->offset);
		return;
	case VFIO_OP_PWRITE:
		put(t, "pwrite(fd=%d, count=%zu, offset=0x%llx, data=", c->fd, c->count,
		    (unsigned long long)c->offset);
		if (c->wbuf)
			put_bytes(t, c->wbuf, c->count);
		else
			put(t, "NULL");
		put(t, ")");
		return;
	case VFIO_OP_MMAP:
		put_mmap(t, c);
		return;
	case VFIO_OP_MUNMAP:
		put(t, "munmap(addr=0x%llx, length=0x%zx)", (unsigned long long)(uintptr_t)c->wbuf,
		    c->count);
		return;
	default:
		break;
	}
	put(t, "%s fd=%d", vfio_backend_op_name(c->op), c->fd);
	switch (c->op) {
	case VFIO_OP_GET_API_VERSION:
	case VFIO_OP_GROUP_UNSET_CONTAINER:
	case VFIO_OP_DEVICE_RESET:
		return;
	case VFIO_OP_CHECK_EXTENSION:
		put(t, " ext=");
		put_extension(t, c->value);
		return;
	case VFIO_OP_SET_IOMMU:
		put(t, " type=");
		put_extension(t, c->value);
		return;
	case VFIO_OP_GROUP_SET_CONTAINER:
		put(t, " container=%d", (int)(long)c->value);
		return;
	case VFIO_OP_GROUP_GET_DEVICE_FD:
		put(t, " name=");
		put_str(t, c->path, SIZE_MAX);
		return;
	default:
		break;
	}
	if (c->arg)
		put_ioctl_in(t, c->op, c->arg);
	else
		put(t, " arg=NULL");
}

static const struct flag_name iommu_info_flags[] = {
	{ VFIO_IOMMU_INFO_PGSIZES, "PGSIZES" },
	{ VFIO_IOMMU_INFO_CAPS, "CAPS" },
};

static const struct flag_name group_flags[] = {
	{ VFIO_GROUP_FLAGS_VIABLE, "VIABLE" },
	{ VFIO_GROUP_FLAGS_CONTAINER_SET, "CONTAINER_SET" },
};

static const struct flag_name device_flags[] = {
	{ VFIO_DEVICE_FLAGS_RESET, "RESET" },   { VFIO_DEVICE_FLAGS_PCI, "PCI" },
	{ VFIO_DEVICE_FLAGS_PLATFORM, "PLATFORM" }, { VFIO_DEVICE_FLAGS_AMBA, "AMBA" },
	{ VFIO_DEVICE_FLAGS_CCW, "CCW" },       { VFIO_DEVICE_FLAGS_AP, "AP" },
	{ VFIO_DEVICE_FLAGS_FSL_MC, "FSL_MC" }, { VFIO_DEVICE_FLAGS_CAPS, "CAPS" },
	{ 1u << 8, "CDX" },
};

static const struct flag_name region_flags[] = {
	{ VFIO_REGION_INFO_FLAG_READ, "READ" },
	{ VFIO_REGION_INFO_FLAG_WRITE, "WRITE" },
	{ VFIO_REGION_INFO_FLAG_MMAP, "MMAP" },
	{ VFIO_REGION_INFO_FLAG_CAPS, "CAPS" },
};

static const struct flag_name irq_info_flags[] = {
	{ VFIO_IRQ_INFO_EVENTFD, "EVENTFD" },
	{ VFIO_IRQ_INFO_MASKABLE, "MASKABLE" },
	{ VFIO_IRQ_INFO_AUTOMASKED, "AUTOMASKED" },
	{ VFIO_IRQ_INFO_NORESIZE, "NORESIZE" },
};

/* An ioctl op's answer in its struct. */
static void put_ioctl_out(struct trace_text *t, enum vfio_backend_op op, const void *arg)
{
	switch (op) {
	case VFIO_OP_IOMMU_GET_INFO: {
		const struct vfio_iommu_type1_info *i = arg;

		put(t, " -> argsz=%u flags=", i->argsz);
		PUT_FLAGS(t, i->flags, iommu_info_flags);
		put(t, " iova_pgsizes=0x%llx", (unsigned long long)i->iova_pgsizes);
		if (i->flags & VFIO_IOMMU_INFO_CAPS)
			put(t, " cap_offset=%u", i->cap_offset);
		break;
	}
	case VFIO_OP_IOMMU_UNMAP_DMA:
		put(t, " -> size=0x%llx",
		    (unsigned long long)((const struct vfio_iommu_type1_dma_unmap *)arg)->size);
		break;
	case VFIO_OP_GROUP_GET_STATUS:
		put(t, " -> flags=");
		PUT_FLAGS(t, ((const struct vfio_group_status *)arg)->flags, group_flags);
		break;
	case VFIO_OP_DEVICE_GET_INFO: {
		const struct vfio_device_info *i = arg;

		put(t, " -> argsz=%u flags=", i->argsz);
		PUT_FLAGS(t, i->flags, device_flags);
		put(t, " num_regions=%u num_irqs=%u", i->num_regions, i->num_irqs);
		if (i->flags & VFIO_DEVICE_FLAGS_CAPS)
			put(t, " cap_offset=%u", i->cap_offset);
		break;
	}
	case VFIO_OP_DEVICE_GET_REGION_INFO: {
		const struct vfio_region_info *r = arg;

		put(t, " -> argsz=%u flags=", r->argsz);
		PUT_FLAGS(t, r->flags, region_flags);
		put(t, " size=0x%llx offset=0x%llx", (unsigned long long)r->size,
		    (unsigned long long)r->offset);
		if (r->flags & VFIO_REGION_INFO_FLAG_CAPS)
			put(t, " cap_offset=%u", r->cap_offset);
		break;
	}
	case VFIO_OP_DEVICE_GET_IRQ_INFO: {
		const struct vfio_irq_info *i = arg;

		put(t, " -> flags=");
		PUT_FLAGS(t, i->flags, irq_info_flags);
		put(t, " count=%u", i->count);
		break;
	}
	case VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO: {
		const struct vfio_pci_hot_reset_info *h = arg;

		put(t, " -> argsz=%u count=%u", h->argsz, h->count);
		break;
	}
	default:
		break;
	}
}

void trace_decode_out(struct trace_text *t, const struct trace_call *c, int64_t ret)
{
	switch (c->op) {
	case VFIO_OP_READLINK:
		if (ret > 0 && c->buf) {
			put(t, " -> ");
			put_str(t, c->buf, (uint64_t)ret < c->count ? (size_t)ret : c->count);
		}
		return;
	case VFIO_OP_LIST_DIR:
		if (ret > 0 && c->buf) {
			put(t, " -> ");
			put_names(t, c->buf, (uint64_t)ret < c->count ? (size_t)ret : c->count);
		}
		return;
	case VFIO_OP_PREAD:
		if (ret > 0 && c->buf) {
			put(t, " -> ");
			put_bytes(t, c->buf, (uint64_t)ret < c->count ? (size_t)ret : c->count);
		}
		return;
	case VFIO_OP_MMAP:
		if (ret >= 0 && c->out)
			put(t, " -> 0x%llx", (unsigned long long)(uintptr_t)*c->out);
		return;
	case VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO:
		/* ENOSPC still answers the count the caller must make room for. */
		if (c->arg && (ret >= 0 || ret == -ENOSPC))
			put_ioctl_out(t, c->op, c->arg);
		return;
	default:
		/* The iommufd and cdev ops come last; they judge @ret themselves. */
		if (c->arg && c->op >= VFIO_OP_IOMMUFD_DESTROY)
			trace_put_iommufd_out(t, c->op, c->arg, ret);
		else if (c->arg && ret >= 0)
			put_ioctl_out(t, c->op, c->arg);
		return;
	}
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },   { ENOENT, "ENOENT" },   { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" },   { EIO, "EIO" },         { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },   { EBADF, "EBADF" },     { EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" },   { EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },   { EEXIST, "EEXIST" },   { EXDEV, "EXDEV" },
	{ ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" },
	{ EINVAL, "EINVAL" }, { ENFILE, "ENFILE" },   { EMFILE, "EMFILE" },
	{ ENOTTY, "ENOTTY" }, { EFBIG, "EFBIG" },     { ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" },     { ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" }, { ENOSYS, "ENOSYS" },
	{ ELOOP, "ELOOP" },   { EOVERFLOW, "EOVERFLOW" }, { EPROTO, "EPROTO" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" }, { ECANCELED, "ECANCELED" },
	{ EMSGSIZE, "EMSGSIZE" }, { ENOTSUP == EOPNOTSUPP ? 0 : ENOTSUP, "ENOTSUP" },
};

const char *trace_errno_name(int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (err && errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}
