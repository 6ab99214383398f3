// SPDX-License-Identifier: MIT
/*
 * tests/vm/probe.c: ask the real kernel's VFIO (type1 container, vfio-pci)
 * what it answers, with raw ioctls and no libvfio, so the simulator can be
 * held to it.  Runs inside the test VM (tests/vm/run --binary):
 *
 *   gcc -static -O2 -o /tmp/probe tests/vm/probe.c
 *   tests/vm/run --binary /tmp/probe
 *
 * Devices come from VFIO_EDU_BDF/GROUP, VFIO_EDU2_BDF/GROUP and
 * VFIO_E1000E_BDF/GROUP (set by tests/vm/init.sh).
 *
 * Output: "FACT key=value" for each answer (errno names, or "0"; numbers in
 * hex where they are flags, sizes or addresses), "PASS probe-<step>" or
 * "FAIL probe-<step>: why" for the steps that must work for the harness to
 * be useful, and "N passed, N failed" last.  tests/vm/KERNEL-FACTS.txt is a
 * saved run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;

static void fact(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void fact(const char *key, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	printf("FACT %s=", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	errno = saved;
}

static void check(int ok, const char *step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void check(int ok, const char *step, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	if (ok) {
		printf("PASS probe-%s\n", step);
		passed++;
		errno = saved;
		return;
	}
	printf("FAIL probe-%s: ", step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failed++;
	errno = saved;
}

/* "0" or the errno's name: the form every errno fact takes. */
static const char *res(int rc, int err)
{
	const char *name;

	if (rc >= 0)
		return "0";
	name = strerrorname_np(err);
	return name ? name : "E?";
}

/* ioctl returning "0"/errno name; the errno is kept in *err if asked. */
static const char *xioctl(int fd, unsigned long req, void *arg)
{
	int rc = ioctl(fd, req, arg);

	return res(rc, errno);
}

/* The same for ioctls whose argument is a number (SET_IOMMU, CHECK_EXTENSION). */
static const char *xioctl_n(int fd, unsigned long req, unsigned long arg)
{
	int rc = ioctl(fd, req, arg);

	return res(rc, errno);
}

static char *key(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *key(const char *fmt, ...)
{
	static char buf[8][128];
	static int n;
	char *k = buf[n++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k, sizeof(buf[0]), fmt, ap);
	va_end(ap);
	return k;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* ---- container ---------------------------------------------------------- */

static int dma_map(int c, uint64_t vaddr, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = flags, .vaddr = vaddr, .iova = iova, .size = size,
	};

	return ioctl(c, VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
}

/* Returns 0/-errno; *size gets what the kernel wrote back into .size. */
static int dma_unmap(int c, uint64_t iova, uint64_t size, uint32_t flags, uint64_t *out)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = size,
	};
	int rc = ioctl(c, VFIO_IOMMU_UNMAP_DMA, &u) ? -errno : 0;

	if (out)
		*out = u.size;
	return rc;
}

static const char *nres(int rc)
{
	return res(rc, -rc);
}

/* CHECK_EXTENSION answers differ once the container has its IOMMU. */
static void probe_extensions(int c, const char *when)
{
	static const struct {
		int ext;
		const char *name;
	} exts[] = {
		{ VFIO_TYPE1_IOMMU, "type1" },		 { VFIO_SPAPR_TCE_IOMMU, "spapr" },
		{ VFIO_TYPE1v2_IOMMU, "type1v2" },	 { VFIO_DMA_CC_IOMMU, "dma_cc" },
		{ VFIO_TYPE1_NESTING_IOMMU, "nesting" }, { VFIO_NOIOMMU_IOMMU, "noiommu" },
		{ VFIO_UNMAP_ALL, "unmap_all" },	 { VFIO_UPDATE_VADDR, "update_vaddr" },
		{ 11, "ext11" },
	};
	int rc;

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		rc = ioctl(c, VFIO_CHECK_EXTENSION, exts[i].ext);
		if (rc < 0)
			fact(key("container.check_extension.%s.%d.%s", when, exts[i].ext,
				 exts[i].name),
			     "%s", res(rc, errno));
		else
			fact(key("container.check_extension.%s.%d.%s", when, exts[i].ext,
				 exts[i].name),
			     "%d", rc);
	}
}

static void probe_iommu_info(int c)
{
	struct vfio_iommu_type1_info base = { .argsz = sizeof(base) };
	struct vfio_iommu_type1_info *info;
	uint32_t need, off;
	int rc;

	base.argsz = offsetof(struct vfio_iommu_type1_info, iova_pgsizes);
	fact("iommu_info.argsz_below_minsz", "%s", xioctl(c, VFIO_IOMMU_GET_INFO, &base));

	memset(&base, 0, sizeof(base));
	base.argsz = sizeof(base);
	rc = ioctl(c, VFIO_IOMMU_GET_INFO, &base);
	check(rc == 0, "iommu-get-info", "%s", res(rc, errno));
	if (rc)
		return;
	fact("iommu_info.base.flags", "%#x", base.flags);
	fact("iommu_info.base.iova_pgsizes", "%#llx", (unsigned long long)base.iova_pgsizes);
	fact("iommu_info.base.argsz_in", "%zu", sizeof(base));
	fact("iommu_info.base.argsz_out", "%u", base.argsz);
	fact("iommu_info.base.cap_offset", "%u", base.cap_offset);
	need = base.argsz;
	if (need <= sizeof(base))
		return;

	info = calloc(1, need);
	info->argsz = need;
	rc = ioctl(c, VFIO_IOMMU_GET_INFO, info);
	check(rc == 0, "iommu-get-info-retry", "%s", res(rc, errno));
	if (rc) {
		free(info);
		return;
	}
	fact("iommu_info.retry.flags", "%#x", info->flags);
	fact("iommu_info.retry.argsz_out", "%u", info->argsz);
	fact("iommu_info.retry.cap_offset", "%u", info->cap_offset);
	off = (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	for (int n = 0; off && n < 16; n++) {
		struct vfio_info_cap_header *h;

		if (off < sizeof(*info) || off + sizeof(*h) > need) {
			fact("iommu_info.cap_chain", "bad offset %u", off);
			break;
		}
		h = (void *)((char *)info + off);
		fact(key("iommu_info.cap.%d", n), "id=%u version=%u next=%u at=%u", h->id,
		     h->version, h->next, off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *r = (void *)h;

			fact("iommu_info.iova_ranges.count", "%u", r->nr_iovas);
			for (uint32_t i = 0; i < r->nr_iovas; i++)
				fact(key("iommu_info.iova_ranges.%u", i), "%#llx-%#llx",
				     (unsigned long long)r->iova_ranges[i].start,
				     (unsigned long long)r->iova_ranges[i].end);
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) {
			struct vfio_iommu_type1_info_cap_migration *m = (void *)h;

			fact("iommu_info.migration.flags", "%#x", m->flags);
			fact("iommu_info.migration.pgsize_bitmap", "%#llx",
			     (unsigned long long)m->pgsize_bitmap);
			fact("iommu_info.migration.max_dirty_bitmap_size", "%#llx",
			     (unsigned long long)m->max_dirty_bitmap_size);
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct vfio_iommu_type1_info_dma_avail *a = (void *)h;

			fact("iommu_info.dma_avail", "%u", a->avail);
		}
		off = h->next;
	}
	free(info);
}

/* The DMA_AVAIL capability's count, or -1. */
static int dma_avail(int c)
{
	union {
		struct vfio_iommu_type1_info i;
		char b[512];
	} u;
	uint32_t off;

	memset(&u, 0, sizeof(u));
	u.i.argsz = sizeof(u);
	if (ioctl(c, VFIO_IOMMU_GET_INFO, &u) || !(u.i.flags & VFIO_IOMMU_INFO_CAPS))
		return -1;
	for (off = u.i.cap_offset; off && off + 8 <= sizeof(u);) {
		struct vfio_info_cap_header *h = (void *)(u.b + off);

		if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL)
			return (int)((struct vfio_iommu_type1_info_dma_avail *)h)->avail;
		if (h->next <= off)
			break;
		off = h->next;
	}
	return -1;
}

/* An anonymous 1 MiB buffer; its first 64 KiB get mapped at 1 MiB IOVA. */
#define IOVA 0x100000ull
#define MAPSZ 0x10000ull

static void probe_dma(int c, char *buf)
{
	uint64_t vaddr = (uint64_t)(uintptr_t)buf, sz;
	const uint32_t rw = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	struct vfio_iommu_type1_dma_map m;
	int rc;

	rc = dma_map(c, vaddr, IOVA, MAPSZ, rw);
	check(rc == 0, "dma-map", "%s", nres(rc));
	fact("dma.map.size_0", "%s", nres(dma_map(c, vaddr, 0x400000, 0, rw)));
	fact("dma.map.iova_unaligned", "%s", nres(dma_map(c, vaddr, 0x400800, 0x1000, rw)));
	fact("dma.map.vaddr_unaligned", "%s",
	     nres(dma_map(c, vaddr + 0x800, 0x400000, 0x1000, rw)));
	fact("dma.map.size_unaligned", "%s", nres(dma_map(c, vaddr, 0x400000, 0x1800, rw)));
	fact("dma.map.overlap_tail", "%s",
	     nres(dma_map(c, vaddr + 0x20000, IOVA + 0x8000, MAPSZ, rw)));
	fact("dma.map.overlap_head", "%s",
	     nres(dma_map(c, vaddr + 0x20000, IOVA - 0x8000, MAPSZ, rw)));
	fact("dma.map.overlap_inside", "%s",
	     nres(dma_map(c, vaddr + 0x20000, IOVA + 0x1000, 0x1000, rw)));
	fact("dma.map.duplicate", "%s", nres(dma_map(c, vaddr, IOVA, MAPSZ, rw)));
	fact("dma.map.flags_0", "%s", nres(dma_map(c, vaddr + 0x40000, 0x400000, 0x1000, 0)));
	fact("dma.map.write_only", "%s",
	     nres(dma_map(c, vaddr + 0x40000, 0x400000, 0x1000, VFIO_DMA_MAP_FLAG_WRITE)));
	dma_unmap(c, 0x400000, 0x1000, 0, NULL);
	fact("dma.map.unknown_flag", "%s",
	     nres(dma_map(c, vaddr + 0x40000, 0x400000, 0x1000, rw | 0x100)));
	fact("dma.map.vaddr_flag_no_prior_invalidate", "%s",
	     nres(dma_map(c, vaddr + 0x40000, 0x400000, 0x1000, VFIO_DMA_MAP_FLAG_VADDR)));
	fact("dma.map.vaddr_not_mapped", "%s", nres(dma_map(c, 0x10000, 0x400000, 0x1000, rw)));
	fact("dma.map.iova_in_msi_window", "%s",
	     nres(dma_map(c, vaddr + 0x40000, 0xfee00000, 0x1000, rw)));
	dma_unmap(c, 0xfee00000, 0x1000, 0, NULL);
	fact("dma.map.iova_wraps", "%s",
	     nres(dma_map(c, vaddr + 0x40000, 0xfffffffffffff000ull, 0x2000, rw)));
	fact("dma.map.iova_above_aperture", "%s",
	     nres(dma_map(c, vaddr + 0x40000, 1ull << 60, 0x1000, rw)));
	dma_unmap(c, 1ull << 60, 0x1000, 0, NULL);
	memset(&m, 0, sizeof(m));
	m.argsz = offsetof(struct vfio_iommu_type1_dma_map, size);
	m.flags = rw;
	m.vaddr = vaddr + 0x40000;
	m.iova = 0x400000;
	fact("dma.map.argsz_below_minsz", "%s", xioctl(c, VFIO_IOMMU_MAP_DMA, &m));

	sz = ~0ull;
	rc = dma_unmap(c, IOVA, 0x1000, 0, &sz);
	fact("dma.unmap.split_head", "%s", nres(rc));
	fact("dma.unmap.split_head.size_out", "%#llx", (unsigned long long)sz);
	sz = ~0ull;
	rc = dma_unmap(c, IOVA + 0x1000, 0x1000, 0, &sz);
	fact("dma.unmap.split_middle", "%s", nres(rc));
	fact("dma.unmap.split_middle.size_out", "%#llx", (unsigned long long)sz);
	sz = ~0ull;
	rc = dma_unmap(c, 0, IOVA + 0x1000, 0, &sz);
	fact("dma.unmap.ends_inside", "%s", nres(rc));
	fact("dma.unmap.ends_inside.size_out", "%#llx", (unsigned long long)sz);
	sz = ~0ull;
	rc = dma_unmap(c, 0x800000, 0x1000, 0, &sz);
	fact("dma.unmap.nothing_mapped", "%s", nres(rc));
	fact("dma.unmap.nothing_mapped.size_out", "%#llx", (unsigned long long)sz);
	fact("dma.unmap.size_0", "%s", nres(dma_unmap(c, IOVA, 0, 0, NULL)));
	fact("dma.unmap.iova_unaligned", "%s", nres(dma_unmap(c, IOVA + 0x800, 0x1000, 0, NULL)));
	fact("dma.unmap.size_unaligned", "%s", nres(dma_unmap(c, IOVA, 0x1800, 0, NULL)));
	fact("dma.unmap.unknown_flag", "%s", nres(dma_unmap(c, IOVA, MAPSZ, 0x100, NULL)));
	fact("dma.unmap.all_with_size", "%s",
	     nres(dma_unmap(c, 0, MAPSZ, VFIO_DMA_UNMAP_FLAG_ALL, NULL)));
	fact("dma.unmap.all_with_iova", "%s",
	     nres(dma_unmap(c, IOVA, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL)));

	sz = ~0ull;
	rc = dma_unmap(c, 0, 0x10000000, 0, &sz);
	fact("dma.unmap.covering", "%s", nres(rc));
	fact("dma.unmap.covering.size_out", "%#llx", (unsigned long long)sz);

	/* Two adjacent mappings then one apart; UNMAP_ALL reports the total. */
	dma_map(c, vaddr, IOVA, MAPSZ, rw);
	dma_map(c, vaddr + MAPSZ, IOVA + MAPSZ, MAPSZ, rw);
	dma_map(c, vaddr + 0x40000, 0x800000, 0x1000, VFIO_DMA_MAP_FLAG_READ);
	sz = ~0ull;
	rc = dma_unmap(c, IOVA, 2 * MAPSZ, 0, &sz);
	fact("dma.unmap.two_adjacent", "%s", nres(rc));
	fact("dma.unmap.two_adjacent.size_out", "%#llx", (unsigned long long)sz);
	dma_map(c, vaddr, IOVA, MAPSZ, rw);
	dma_map(c, vaddr + MAPSZ, IOVA + MAPSZ, MAPSZ, rw);
	sz = ~0ull;
	rc = dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &sz);
	fact("dma.unmap.all", "%s", nres(rc));
	fact("dma.unmap.all.size_out", "%#llx", (unsigned long long)sz);
	sz = ~0ull;
	rc = dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &sz);
	fact("dma.unmap.all_empty", "%s", nres(rc));
	fact("dma.unmap.all_empty.size_out", "%#llx", (unsigned long long)sz);

	/* Adjacent maps with contiguous vaddr: one unmap of the first half only. */
	dma_map(c, vaddr, IOVA, MAPSZ, rw);
	dma_map(c, vaddr + MAPSZ, IOVA + MAPSZ, MAPSZ, rw);
	sz = ~0ull;
	rc = dma_unmap(c, IOVA, MAPSZ, 0, &sz);
	fact("dma.unmap.first_of_adjacent", "%s", nres(rc));
	fact("dma.unmap.first_of_adjacent.size_out", "%#llx", (unsigned long long)sz);
	dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL);

	rc = dma_map(c, vaddr, IOVA, MAPSZ, rw);
	check(rc == 0, "dma-remap", "%s", nres(rc));
	fact("dma.avail_with_1_mapping", "%d", dma_avail(c));
	dma_map(c, vaddr + MAPSZ, IOVA + MAPSZ, MAPSZ, rw);
	fact("dma.avail_with_2_adjacent_mappings", "%d", dma_avail(c));
	dma_unmap(c, IOVA + MAPSZ, MAPSZ, 0, NULL);
}

/* ---- device ------------------------------------------------------------- */

struct dev {
	const char *name; /* fact prefix: edu, edu2, e1000e */
	const char *bdf;
	int groupnr;
	int group;
	int fd;
	struct vfio_device_info info;
	struct vfio_region_info regions[VFIO_PCI_NUM_REGIONS];
};

static int region_info(struct dev *d, uint32_t index, struct vfio_region_info *out,
		       int record)
{
	struct vfio_region_info base = { .argsz = sizeof(base), .index = index };
	struct vfio_region_info *ri = &base;
	int rc = ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &base);

	if (rc) {
		if (record)
			fact(key("%s.region.%u", d->name, index), "%s", res(rc, errno));
		return -errno;
	}
	if (record)
		fact(key("%s.region.%u", d->name, index),
		     "flags=%#x size=%#llx offset=%#llx argsz_out=%u cap_offset=%u", base.flags,
		     (unsigned long long)base.size, (unsigned long long)base.offset, base.argsz,
		     base.cap_offset);
	if (base.argsz > sizeof(base)) {
		/* The caps did not fit: the kernel said how much it needs. */
		uint32_t need = base.argsz;

		ri = calloc(1, need);
		ri->argsz = need;
		ri->index = index;
		rc = ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, ri);
		if (record)
			fact(key("%s.region.%u.retry", d->name, index),
			     "%s flags=%#x argsz_out=%u cap_offset=%u", res(rc, errno), ri->flags,
			     ri->argsz, ri->cap_offset);
		if (rc == 0 && (ri->flags & VFIO_REGION_INFO_FLAG_CAPS)) {
			uint32_t off = ri->cap_offset;

			for (int n = 0; off && n < 16; n++) {
				struct vfio_info_cap_header *h;

				if (off < sizeof(*ri) || off + sizeof(*h) > need)
					break;
				h = (void *)((char *)ri + off);
				if (record)
					fact(key("%s.region.%u.cap.%d", d->name, index, n),
					     "id=%u version=%u next=%u", h->id, h->version,
					     h->next);
				if (record && h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
					struct vfio_region_info_cap_sparse_mmap *s = (void *)h;

					for (uint32_t i = 0; i < s->nr_areas; i++)
						fact(key("%s.region.%u.sparse.%u", d->name,
							 index, i),
						     "%#llx+%#llx",
						     (unsigned long long)s->areas[i].offset,
						     (unsigned long long)s->areas[i].size);
				} else if (record && h->id == VFIO_REGION_INFO_CAP_TYPE) {
					struct vfio_region_info_cap_type *t = (void *)h;

					fact(key("%s.region.%u.type", d->name, index),
					     "%u/%u", t->type, t->subtype);
				}
				off = h->next;
			}
		}
		*out = *ri;
		free(ri);
		return rc ? -errno : 0;
	}
	*out = base;
	return 0;
}

static void probe_device_info(struct dev *d)
{
	struct vfio_device_info small;
	int rc;

	memset(&d->info, 0, sizeof(d->info));
	d->info.argsz = sizeof(d->info);
	rc = ioctl(d->fd, VFIO_DEVICE_GET_INFO, &d->info);
	check(rc == 0, key("%s-device-info", d->name), "%s", res(rc, errno));
	fact(key("%s.device_info", d->name),
	     "flags=%#x num_regions=%u num_irqs=%u argsz_in=%zu argsz_out=%u cap_offset=%u",
	     d->info.flags, d->info.num_regions, d->info.num_irqs, sizeof(d->info),
	     d->info.argsz, d->info.cap_offset);
	memset(&small, 0, sizeof(small));
	small.argsz = offsetof(struct vfio_device_info, num_irqs);
	fact(key("%s.device_info.argsz_below_minsz", d->name), "%s",
	     xioctl(d->fd, VFIO_DEVICE_GET_INFO, &small));
	small.argsz = offsetof(struct vfio_device_info, cap_offset);
	rc = ioctl(d->fd, VFIO_DEVICE_GET_INFO, &small);
	fact(key("%s.device_info.argsz_without_cap_offset", d->name), "%s argsz_out=%u",
	     res(rc, errno), small.argsz);

	for (uint32_t i = 0; i <= d->info.num_regions; i++) {
		struct vfio_region_info ri;

		if (region_info(d, i, &ri, 1) == 0 && i < VFIO_PCI_NUM_REGIONS)
			d->regions[i] = ri;
	}
	{
		struct vfio_region_info ri = { .argsz = sizeof(ri), .index = 1000 };

		fact(key("%s.region.1000", d->name), "%s",
		     xioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri));
		ri.argsz = offsetof(struct vfio_region_info, flags);
		ri.index = 0;
		fact(key("%s.region.argsz_below_minsz", d->name), "%s",
		     xioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri));
	}
	for (uint32_t i = 0; i <= d->info.num_irqs; i++) {
		struct vfio_irq_info ii = { .argsz = sizeof(ii), .index = i };

		rc = ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii);
		if (rc)
			fact(key("%s.irq.%u", d->name, i), "%s", res(rc, errno));
		else
			fact(key("%s.irq.%u", d->name, i), "flags=%#x count=%u argsz_out=%u",
			     ii.flags, ii.count, ii.argsz);
	}
	{
		struct vfio_irq_info ii = { .argsz = offsetof(struct vfio_irq_info, count) };

		fact(key("%s.irq.argsz_below_minsz", d->name), "%s",
		     xioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii));
	}
}

static int cfg_read(struct dev *d, uint32_t off, void *val, size_t len)
{
	const struct vfio_region_info *r = &d->regions[VFIO_PCI_CONFIG_REGION_INDEX];

	return pread(d->fd, val, len, (off_t)(r->offset + off)) == (ssize_t)len ? 0 : -1;
}

static int cfg_write(struct dev *d, uint32_t off, const void *val, size_t len)
{
	const struct vfio_region_info *r = &d->regions[VFIO_PCI_CONFIG_REGION_INDEX];

	return pwrite(d->fd, val, len, (off_t)(r->offset + off)) == (ssize_t)len ? 0 : -1;
}

static uint32_t bar_read32(struct dev *d, int bar, uint32_t off)
{
	uint32_t v = 0xdeadbeef;

	if (pread(d->fd, &v, 4, (off_t)(d->regions[bar].offset + off)) != 4)
		return 0xdeadbeef;
	return v;
}

static int bar_write32(struct dev *d, int bar, uint32_t off, uint32_t v)
{
	return pwrite(d->fd, &v, 4, (off_t)(d->regions[bar].offset + off)) == 4 ? 0 : -errno;
}

static int bar_write64(struct dev *d, int bar, uint32_t off, uint64_t v)
{
	return pwrite(d->fd, &v, 8, (off_t)(d->regions[bar].offset + off)) == 8 ? 0 : -errno;
}

static void bus_master(struct dev *d)
{
	uint16_t cmd = 0;

	cfg_read(d, PCI_COMMAND, &cmd, 2);
	fact(key("%s.config.command_at_open", d->name), "%#x", cmd);
	cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	cfg_write(d, PCI_COMMAND, &cmd, 2);
	cmd = 0;
	cfg_read(d, PCI_COMMAND, &cmd, 2);
	check(cmd & PCI_COMMAND_MASTER, key("%s-bus-master", d->name), "command %#x", cmd);
}

static void probe_config(struct dev *d)
{
	const struct vfio_region_info *r = &d->regions[VFIO_PCI_CONFIG_REGION_INDEX];
	uint16_t ids[2] = { 0, 0 };
	uint32_t v;
	ssize_t n;
	void *p;

	check(cfg_read(d, 0, ids, 4) == 0, key("%s-config-read", d->name), "pread %s",
	      strerror(errno));
	fact(key("%s.config.vendor_device", d->name), "%04x:%04x", ids[0], ids[1]);
	n = pread(d->fd, &v, 4, (off_t)(r->offset + r->size));
	fact(key("%s.config.pread_at_size", d->name), "%zd %s", n, n < 0 ? res(-1, errno) : "");
	n = pread(d->fd, &v, 4, (off_t)(r->offset + r->size - 2));
	fact(key("%s.config.pread_straddling_end", d->name), "%zd %s", n,
	     n < 0 ? res(-1, errno) : "");
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d->fd, (off_t)r->offset);
	fact(key("%s.config.mmap", d->name), "%s", p == MAP_FAILED ? res(-1, errno) : "0");
	if (p != MAP_FAILED)
		munmap(p, 4096);
}

static int wait_eventfd(int efd, int ms)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };
	uint64_t cnt;

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return read(efd, &cnt, sizeof(cnt)) == sizeof(cnt);
}

/* SET_IRQS with the data sized by the data type (eventfd: 4 bytes, bool: 1). */
static int set_irqs(int fd, uint32_t flags, uint32_t index, uint32_t start, uint32_t count,
		    const void *data)
{
	_Alignas(8) char b[sizeof(struct vfio_irq_set) + 8 * sizeof(int32_t)];
	struct vfio_irq_set *s = (void *)b;
	size_t len = (flags & VFIO_IRQ_SET_DATA_EVENTFD) ? count * 4 :
		     (flags & VFIO_IRQ_SET_DATA_BOOL)	 ? count :
							   0;

	memset(b, 0, sizeof(b));
	s->argsz = sizeof(*s) + len;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (data && len <= sizeof(b) - sizeof(*s))
		memcpy(s->data, data, len);
	return ioctl(fd, VFIO_DEVICE_SET_IRQS, s) ? -errno : 0;
}

/* PCI_HOT_RESET with count group fds and an argsz covering nfds of them. */
static const char *hot_reset(int fd, uint32_t flags, uint32_t count, const int32_t *fds,
			     uint32_t nfds)
{
	_Alignas(8) char b[sizeof(struct vfio_pci_hot_reset) + 8 * sizeof(int32_t)];
	struct vfio_pci_hot_reset *r = (void *)b;

	memset(b, 0, sizeof(b));
	r->argsz = sizeof(*r) + nfds * sizeof(int32_t);
	r->flags = flags;
	r->count = count;
	memcpy(r->group_fds, fds, (count > nfds ? count : nfds) * sizeof(int32_t));
	return xioctl(fd, VFIO_DEVICE_PCI_HOT_RESET, r);
}

#define TRIG_EFD (VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define TRIG_NONE (VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER)

static void probe_edu(struct dev *d, char *buf)
{
	const struct vfio_region_info *bar0 = &d->regions[0];
	int32_t efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), efds[2] = { efd, efd };
	const uint8_t one = 1;
	const int32_t minus1 = -1;
	uint32_t v;
	void *p;
	int rc;

	probe_config(d);
	bus_master(d);

	v = bar_read32(d, 0, 0);
	fact("edu.bar0.id", "%#x", v);
	check((v & 0xff) == 0xed, "edu-bar0-id", "%#x", v);
	bar_write32(d, 0, 4, 0x12345678);
	v = bar_read32(d, 0, 4);
	fact("edu.bar0.liveness_of_0x12345678", "%#x", v);
	check(v == ~0x12345678u, "edu-bar0-liveness", "%#x", v);
	{
		uint64_t w = 0;
		ssize_t n = pread(d->fd, &w, 8, (off_t)bar0->offset);

		fact("edu.bar0.pread8_at_0", "%zd value=%#llx", n, (unsigned long long)w);
		n = pread(d->fd, &v, 4, (off_t)(bar0->offset + bar0->size));
		fact("edu.bar0.pread_at_size", "%zd %s", n, n < 0 ? res(-1, errno) : "");
		n = pread(d->fd, &v, 4, (off_t)d->regions[1].offset);
		fact("edu.bar1.pread", "%zd %s", n, n < 0 ? res(-1, errno) : "");
	}
	p = mmap(NULL, bar0->size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, (off_t)bar0->offset);
	fact("edu.bar0.mmap", "%s", p == MAP_FAILED ? res(-1, errno) : "0");
	if (p != MAP_FAILED) {
		v = *(volatile uint32_t *)p;
		check((v & 0xff) == 0xed, "edu-bar0-mmap-id", "%#x", v);
		munmap(p, bar0->size);
	}
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d->fd, (off_t)(bar0->offset + bar0->size));
	fact("edu.bar0.mmap_past_end", "%s", p == MAP_FAILED ? res(-1, errno) : "0");
	if (p != MAP_FAILED)
		munmap(p, 4096);

	/* DMA through the IOMMU: RAM -> edu buffer -> RAM at another offset. */
	for (int i = 0; i < 256; i++)
		buf[i] = (char)(i ^ 0x5a);
	memset(buf + 0x1000, 0, 256);
	bar_write64(d, 0, 0x80, IOVA);
	bar_write64(d, 0, 0x88, 0x40000);
	bar_write64(d, 0, 0x90, 256);
	bar_write64(d, 0, 0x98, 1);
	for (int i = 0; i < 100 && (bar_read32(d, 0, 0x98) & 1); i++)
		sleep_ms(10);
	bar_write64(d, 0, 0x80, 0x40000);
	bar_write64(d, 0, 0x88, IOVA + 0x1000);
	bar_write64(d, 0, 0x90, 256);
	bar_write64(d, 0, 0x98, 1 | 2);
	for (int i = 0; i < 100 && (bar_read32(d, 0, 0x98) & 1); i++)
		sleep_ms(10);
	check(memcmp(buf, buf + 0x1000, 256) == 0, "edu-dma-roundtrip",
	      "the edu did not copy the buffer back through the IOMMU");
	/* DMA to an IOVA that is not mapped: the IOMMU refuses, RAM stays. */
	memset(buf + 0x2000, 0x77, 256);
	bar_write64(d, 0, 0x80, 0x40000);
	bar_write64(d, 0, 0x88, 0x0e000000);
	bar_write64(d, 0, 0x90, 256);
	bar_write64(d, 0, 0x98, 1 | 2);
	for (int i = 0; i < 100 && (bar_read32(d, 0, 0x98) & 1); i++)
		sleep_ms(10);
	fact("edu.dma_to_unmapped_iova.status", "%#x", bar_read32(d, 0, 0x98));

	/* INTx */
	{
		struct vfio_irq_set s = { .argsz = 8, .flags = TRIG_NONE };

		fact("edu.set_irqs.argsz_below_minsz", "%s",
		     xioctl(d->fd, VFIO_DEVICE_SET_IRQS, &s));
	}
	fact("edu.set_irqs.intx_count_2", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_INTX_IRQ_INDEX, 0, 2, efds)));
	fact("edu.set_irqs.intx_start_1", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_INTX_IRQ_INDEX, 1, 1, efds)));
	fact("edu.set_irqs.two_data_types", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD | VFIO_IRQ_SET_DATA_BOOL, VFIO_PCI_INTX_IRQ_INDEX, 0,
			   1, efds)));
	fact("edu.set_irqs.two_actions", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD | VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_INTX_IRQ_INDEX,
			   0, 1, efds)));
	fact("edu.set_irqs.unknown_flag", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD | 0x100, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, efds)));
	fact("edu.set_irqs.index_5", "%s", nres(set_irqs(d->fd, TRIG_EFD, 5, 0, 1, efds)));
	fact("edu.set_irqs.intx_mask_before_enable", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			   VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL)));
	fact("edu.set_irqs.intx_disable_when_off", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_INTX_IRQ_INDEX, 0, 0, NULL)));
	rc = set_irqs(d->fd, TRIG_EFD, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, efds);
	check(rc == 0, "edu-intx-enable", "%s", nres(rc));
	bar_write32(d, 0, 0x60, 1);
	fact("edu.intx.fires", "%d", wait_eventfd(efd, 1000));
	bar_write32(d, 0, 0x64, 1);
	fact("edu.set_irqs.intx_unmask", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			   VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL)));
	fact("edu.set_irqs.intx_mask", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			   VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL)));
	bar_write32(d, 0, 0x60, 1);
	fact("edu.intx.fires_while_masked", "%d", wait_eventfd(efd, 300));
	fact("edu.set_irqs.intx_unmask_bool", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK,
			   VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &one)));
	fact("edu.intx.fires_after_unmask_with_line_high", "%d", wait_eventfd(efd, 300));
	bar_write32(d, 0, 0x64, 1);
	set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		 VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL);
	fact("edu.set_irqs.intx_trigger_none", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL)));
	fact("edu.intx.fires_on_trigger_none", "%d", wait_eventfd(efd, 300));
	set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		 VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL);
	fact("edu.set_irqs.msi_while_intx", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, efds)));
	rc = set_irqs(d->fd, TRIG_NONE, VFIO_PCI_INTX_IRQ_INDEX, 0, 0, NULL);
	fact("edu.set_irqs.intx_disable", "%s", nres(rc));

	/* MSI */
	fact("edu.set_irqs.msi_count_2", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSI_IRQ_INDEX, 0, 2, efds)));
	fact("edu.set_irqs.msi_start_1", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSI_IRQ_INDEX, 1, 1, efds)));
	fact("edu.set_irqs.msix_on_edu", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, efds)));
	fact("edu.set_irqs.msi_mask_when_off", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			   VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL)));
	rc = set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, efds);
	check(rc == 0, "edu-msi-enable", "%s", nres(rc));
	{
		uint16_t ctl = 0;
		uint8_t cap = 0;

		/* Where the MSI capability sits, to read its enable bit. */
		cfg_read(d, PCI_CAPABILITY_LIST, &cap, 1);
		for (int n = 0; cap && n < 16; n++) {
			uint8_t id = 0, next = 0;

			cfg_read(d, cap, &id, 1);
			cfg_read(d, cap + 1, &next, 1);
			if (id == PCI_CAP_ID_MSI) {
				cfg_read(d, cap + PCI_MSI_FLAGS, &ctl, 2);
				fact("edu.config.msi_flags_when_enabled", "%#x", ctl);
				break;
			}
			cap = next;
		}
	}
	bar_write32(d, 0, 0x60, 1);
	v = wait_eventfd(efd, 1000);
	fact("edu.msi.fires", "%u", v);
	check(v, "edu-msi-fires", "no MSI eventfd signal");
	bar_write32(d, 0, 0x64, 1);
	fact("edu.set_irqs.msi_mask", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			   VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL)));
	fact("edu.set_irqs.msi_unmask", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			   VFIO_PCI_MSI_IRQ_INDEX, 0, 1, NULL)));
	fact("edu.set_irqs.intx_while_msi", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, efds)));
	fact("edu.set_irqs.msi_trigger_bool", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
			   VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &one)));
	fact("edu.msi.fires_on_trigger_bool", "%d", wait_eventfd(efd, 300));
	fact("edu.set_irqs.msi_reenable_same_count", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, efds)));
	fact("edu.set_irqs.msi_eventfd_minus1", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSI_IRQ_INDEX, 0, 1, &minus1)));
	fact("edu.set_irqs.msi_disable", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL)));
	fact("edu.set_irqs.msi_disable_when_off", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_MSI_IRQ_INDEX, 0, 0, NULL)));

	/* ERR and REQ indexes */
	fact("edu.set_irqs.err_eventfd", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_ERR_IRQ_INDEX, 0, 1, efds)));
	fact("edu.set_irqs.err_disable", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_ERR_IRQ_INDEX, 0, 0, NULL)));
	fact("edu.set_irqs.req_eventfd", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_REQ_IRQ_INDEX, 0, 1, efds)));
	fact("edu.set_irqs.req_disable", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_REQ_IRQ_INDEX, 0, 0, NULL)));
	fact("edu.set_irqs.err_mask", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			   VFIO_PCI_ERR_IRQ_INDEX, 0, 1, NULL)));

	/* Reset */
	bar_write32(d, 0, 4, 0);
	rc = ioctl(d->fd, VFIO_DEVICE_RESET);
	fact("edu.device_reset", "%s", res(rc, errno));
	{
		uint16_t cmd = 0;

		cfg_read(d, PCI_COMMAND, &cmd, 2);
		fact("edu.config.command_after_reset", "%#x", cmd);
	}
	close(efd);
}

static void probe_hot_reset_info(struct dev *d, struct dev *all[], int nall)
{
	struct vfio_pci_hot_reset_info base = { .argsz = sizeof(base) };
	struct vfio_pci_hot_reset_info *hi;
	int rc = ioctl(d->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &base);

	fact(key("%s.hot_reset_info", d->name), "%s count=%u flags=%#x argsz_out=%u",
	     res(rc, errno), base.count, base.flags, base.argsz);
	if (rc && errno != ENOSPC) {
		/* No resettable bus: a hot reset with the device's own group anyway. */
		fact(key("%s.hot_reset.own_group", d->name), "%s",
		     hot_reset(d->fd, 0, 1, &d->group, 1));
		return;
	}
	hi = calloc(1, sizeof(*hi) + base.count * sizeof(hi->devices[0]));
	hi->argsz = sizeof(*hi) + base.count * sizeof(hi->devices[0]);
	rc = ioctl(d->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, hi);
	fact(key("%s.hot_reset_info.retry", d->name), "%s count=%u flags=%#x", res(rc, errno),
	     hi->count, hi->flags);
	for (uint32_t i = 0; rc == 0 && i < hi->count; i++) {
		struct vfio_pci_dependent_device *dd = &hi->devices[i];

		fact(key("%s.hot_reset_info.dev.%u", d->name, i),
		     "group=%u %04x:%02x:%02x.%x own_group=%d", dd->group_id, dd->segment,
		     dd->bus, dd->devfn >> 3, dd->devfn & 7, (int)dd->group_id == d->groupnr);
	}
	if (rc == 0) {
		int32_t fds[8];
		uint32_t n = 0;
		uint16_t cmd = 0;
		const int32_t stdin_fd = 0, other = all[nall - 1]->group;

		/* The group files of the affected devices prove the caller owns them. */
		for (uint32_t i = 0; i < hi->count && n < 7; i++)
			for (int j = 0; j < nall; j++)
				if (all[j]->group >= 0 &&
				    (uint32_t)all[j]->groupnr == hi->devices[i].group_id)
					fds[n++] = all[j]->group;
		fact(key("%s.hot_reset.no_groups", d->name), "%s", hot_reset(d->fd, 0, 0, fds, 0));
		/* argsz too short for the fds that count announces. */
		fact(key("%s.hot_reset.argsz_short_of_fds", d->name), "%s",
		     hot_reset(d->fd, 0, n, fds, 0));
		fact(key("%s.hot_reset.unknown_flag", d->name), "%s",
		     hot_reset(d->fd, 1, n, fds, n));
		fds[n] = other;
		fact(key("%s.hot_reset.more_groups_than_devices", d->name), "%s",
		     hot_reset(d->fd, 0, n + 1, fds, n + 1));
		fact(key("%s.hot_reset.not_a_group_fd", d->name), "%s",
		     hot_reset(d->fd, 0, 1, &stdin_fd, 1));
		fact(key("%s.hot_reset.unaffected_group", d->name), "%s",
		     hot_reset(d->fd, 0, 1, &other, 1));
		{
			const char *r = hot_reset(d->fd, 0, n, fds, n);

			fact(key("%s.hot_reset.affected_groups", d->name), "%s", r);
			check(strcmp(r, "0") == 0, key("%s-hot-reset", d->name), "%s", r);
		}
		cfg_read(d, PCI_COMMAND, &cmd, 2);
		fact(key("%s.config.command_after_hot_reset", d->name), "%#x", cmd);
		rc = ioctl(d->fd, VFIO_DEVICE_RESET);
		fact(key("%s.device_reset", d->name), "%s", res(rc, errno));
	}
	free(hi);
}

static void probe_e1000e(struct dev *d)
{
	int32_t efds[6];
	int rc, got;

	probe_config(d);
	bus_master(d);
	for (int i = 0; i < 6; i++)
		efds[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	fact("e1000e.set_irqs.msix_count_6", "%s",
	     nres(set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 6, efds)));
	rc = set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, efds);
	fact("e1000e.set_irqs.msix_enable_1", "%s", nres(rc));
	rc = set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSIX_IRQ_INDEX, 1, 4, efds + 1);
	fact("e1000e.set_irqs.msix_add_4_while_enabled", "%s", nres(rc));
	rc = set_irqs(d->fd, TRIG_EFD, VFIO_PCI_MSIX_IRQ_INDEX, 0, 5, efds);
	fact("e1000e.set_irqs.msix_enable_5", "%s", nres(rc));
	check(rc == 0, "e1000e-msix-enable", "%s", nres(rc));
	/* Route causes 20..24 to vectors 0..4, auto-clear them, raise 20 and 24. */
	bar_write32(d, 0, 0xe4, 0x000cba98);
	bar_write32(d, 0, 0xdc, 0x01f00000);
	bar_write32(d, 0, 0xd0, 0x01f00000);
	bar_write32(d, 0, 0xc8, 1u << 20);
	got = wait_eventfd(efds[0], 1000);
	fact("e1000e.msix.vector0_fires", "%d", got);
	check(got, "e1000e-msix-fires", "vector 0 did not fire");
	bar_write32(d, 0, 0xc8, 1u << 24);
	fact("e1000e.msix.vector4_fires", "%d", wait_eventfd(efds[4], 1000));
	fact("e1000e.msix.vector1_quiet", "%d", wait_eventfd(efds[1], 50));
	sleep_ms(50); /* QEMU 7.2 asserts if MSI-X goes off right after an interrupt */
	fact("e1000e.set_irqs.msix_mask", "%s",
	     nres(set_irqs(d->fd, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			   VFIO_PCI_MSIX_IRQ_INDEX, 0, 1, NULL)));
	fact("e1000e.set_irqs.msix_trigger_none_vector2", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_MSIX_IRQ_INDEX, 2, 1, NULL)));
	fact("e1000e.msix.vector2_fires_on_trigger_none", "%d", wait_eventfd(efds[2], 300));
	fact("e1000e.set_irqs.msix_disable", "%s",
	     nres(set_irqs(d->fd, TRIG_NONE, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0, NULL)));
	{
		const struct vfio_region_info *b3 = &d->regions[3];
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d->fd, (off_t)b3->offset);

		fact("e1000e.bar3.mmap_msix_table", "%s", p == MAP_FAILED ? res(-1, errno) : "0");
		if (p != MAP_FAILED)
			munmap(p, 4096);
	}
	rc = ioctl(d->fd, VFIO_DEVICE_RESET);
	fact("e1000e.device_reset", "%s", res(rc, errno));
	for (int i = 0; i < 6; i++)
		close(efds[i]);
}

/* ---- groups ------------------------------------------------------------- */

static int env_dev(struct dev *d, const char *name, const char *envname)
{
	char bdfvar[64], grpvar[64];
	const char *g;

	snprintf(bdfvar, sizeof(bdfvar), "VFIO_%s_BDF", envname);
	snprintf(grpvar, sizeof(grpvar), "VFIO_%s_GROUP", envname);
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->bdf = getenv(bdfvar);
	g = getenv(grpvar);
	d->group = d->fd = -1;
	check(d->bdf && g, key("env-%s", name), "%s or %s not set", bdfvar, grpvar);
	if (!d->bdf || !g)
		return -1;
	d->groupnr = atoi(g);
	fact(key("%s.bdf", name), "%s", d->bdf);
	fact(key("%s.group", name), "%d", d->groupnr);
	return 0;
}

static int open_group(struct dev *d)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/vfio/%d", d->groupnr);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	check(d->group >= 0, key("%s-open-group", d->name), "%s: %s", path, strerror(errno));
	return d->group;
}

static uint32_t group_flags(int g)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	if (ioctl(g, VFIO_GROUP_GET_STATUS, &st))
		return ~0u;
	return st.flags;
}

/* Group into the container (already holding the IOMMU), then the device. */
static int attach(struct dev *d, int c)
{
	int rc;

	if (open_group(d) < 0)
		return -1;
	rc = ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &c);
	check(rc == 0, key("%s-set-container", d->name), "%s", res(rc, errno));
	d->fd = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	check(d->fd >= 0, key("%s-get-device-fd", d->name), "%s", res(-1, errno));
	return d->fd;
}

int main(void)
{
	struct dev edu, edu2, e1000e, *all[3] = { &edu, &edu2, &e1000e };
	struct utsname u;
	int c, c2, g2, rc, fd2;
	char *buf;

	setvbuf(stdout, NULL, _IOLBF, 0);
	uname(&u);
	fact("kernel.release", "%s", u.release);
	if (env_dev(&edu, "edu", "EDU") || env_dev(&edu2, "edu2", "EDU2") ||
	    env_dev(&e1000e, "e1000e", "E1000E"))
		goto out;

	c = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	check(c >= 0, "open-container", "%s", strerror(errno));
	if (c < 0)
		goto out;
	fact("container.api_version", "%d", ioctl(c, VFIO_GET_API_VERSION));
	probe_extensions(c, "no_iommu");
	fact("container.set_iommu_no_group", "%s",
	     xioctl_n(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	{
		struct vfio_iommu_type1_info i = { .argsz = sizeof(i) };

		fact("container.iommu_info_before_set_iommu", "%s",
		     xioctl(c, VFIO_IOMMU_GET_INFO, &i));
	}
	buf = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fact("container.map_before_set_iommu", "%s",
	     nres(dma_map(c, (uintptr_t)buf, IOVA, MAPSZ,
			  VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE)));
	fact("container.unknown_ioctl", "%s", xioctl_n(c, _IO(VFIO_TYPE, VFIO_BASE + 60), 0));

	/* The edu's group: status, double open, device fd before container. */
	if (open_group(&edu) < 0)
		goto out;
	fact("edu.group.status_flags_fresh", "%#x", group_flags(edu.group));
	{
		char path[64];

		snprintf(path, sizeof(path), "/dev/vfio/%d", edu.groupnr);
		g2 = open(path, O_RDWR | O_CLOEXEC);
		fact("group.open_twice", "%s", res(g2, errno));
		if (g2 >= 0)
			close(g2);
		g2 = open("/dev/vfio/9999", O_RDWR | O_CLOEXEC);
		fact("group.open_missing", "%s", res(g2, errno));
	}
	fd2 = ioctl(edu.group, VFIO_GROUP_GET_DEVICE_FD, edu.bdf);
	fact("group.get_device_fd_before_set_container", "%s", res(fd2, errno));
	fact("group.unset_container_when_unset", "%s",
	     xioctl_n(edu.group, VFIO_GROUP_UNSET_CONTAINER, 0));
	{
		int bad = -1;

		fact("group.set_container_bad_fd", "%s",
		     xioctl(edu.group, VFIO_GROUP_SET_CONTAINER, &bad));
		bad = 0;
		fact("group.set_container_not_container", "%s",
		     xioctl(edu.group, VFIO_GROUP_SET_CONTAINER, &bad));
	}
	rc = ioctl(edu.group, VFIO_GROUP_SET_CONTAINER, &c);
	check(rc == 0, "edu-set-container", "%s", res(rc, errno));
	fact("edu.group.status_flags_in_container", "%#x", group_flags(edu.group));
	fact("group.set_container_twice", "%s", xioctl(edu.group, VFIO_GROUP_SET_CONTAINER, &c));
	fd2 = ioctl(edu.group, VFIO_GROUP_GET_DEVICE_FD, edu.bdf);
	fact("group.get_device_fd_before_set_iommu", "%s", res(fd2, errno));
	if (fd2 >= 0)
		close(fd2);
	fact("container.set_iommu_unknown_type", "%s", xioctl_n(c, VFIO_SET_IOMMU, 42));
	fact("container.set_iommu_spapr", "%s",
	     xioctl_n(c, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU));
	rc = ioctl(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU);
	check(rc == 0, "set-iommu-type1v2", "%s", res(rc, errno));
	if (rc)
		goto out;
	fact("container.set_iommu_twice", "%s",
	     xioctl_n(c, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU));
	probe_extensions(c, "type1v2_set");
	fact("edu.group.status_flags_after_set_iommu", "%#x", group_flags(edu.group));
	fd2 = ioctl(edu.group, VFIO_GROUP_GET_DEVICE_FD, "0000:99:00.0");
	fact("group.get_device_fd_unknown_name", "%s", res(fd2, errno));
	fd2 = ioctl(edu.group, VFIO_GROUP_GET_DEVICE_FD, "");
	fact("group.get_device_fd_empty_name", "%s", res(fd2, errno));
	edu.fd = ioctl(edu.group, VFIO_GROUP_GET_DEVICE_FD, edu.bdf);
	check(edu.fd >= 0, "edu-get-device-fd", "%s", res(-1, errno));
	if (edu.fd < 0)
		goto out;
	fd2 = ioctl(edu.group, VFIO_GROUP_GET_DEVICE_FD, edu.bdf);
	fact("group.get_device_fd_twice", "%s", res(fd2, errno));
	if (fd2 >= 0)
		close(fd2);
	fact("group.unset_container_with_device_open", "%s",
	     xioctl_n(edu.group, VFIO_GROUP_UNSET_CONTAINER, 0));

	/* A second container cannot take a group that is already in one. */
	c2 = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	fact("container.second_open", "%s", res(c2, errno));

	probe_iommu_info(c);
	probe_dma(c, buf);
	probe_device_info(&edu);
	probe_edu(&edu, buf);

	/* edu2: behind a root port, the only device on its bus. */
	if (attach(&edu2, c) >= 0) {
		probe_device_info(&edu2);
		probe_hot_reset_info(&edu, all, 3);
	}
	if (attach(&e1000e, c) >= 0) {
		probe_device_info(&e1000e);
		probe_e1000e(&e1000e);
	}
	if (edu2.fd >= 0)
		probe_hot_reset_info(&edu2, all, 3);

	/* Tear-down order: devices, then groups out of the container. */
	fact("container.unmap_all_before_close", "%s",
	     nres(dma_unmap(c, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL)));
	for (int i = 0; i < 3; i++)
		if (all[i]->fd >= 0)
			close(all[i]->fd);
	rc = ioctl(edu.group, VFIO_GROUP_UNSET_CONTAINER);
	fact("group.unset_container_after_device_close", "%s", res(rc, errno));
	fact("edu.group.status_flags_after_unset", "%#x", group_flags(edu.group));
	if (c2 >= 0) {
		rc = ioctl(edu.group, VFIO_GROUP_SET_CONTAINER, &c2);
		fact("group.set_container_second_container", "%s", res(rc, errno));
		close(c2);
	}
	for (int i = 0; i < 3; i++)
		if (all[i]->group >= 0)
			close(all[i]->group);
	close(c);
out:
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
