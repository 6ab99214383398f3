// SPDX-License-Identifier: MIT
/* Regions by VFIO index: description, bounded read and write, and mmap of their areas. */

#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "private.h"

struct vfio_region_mapping {
	struct vfio_device *d;
	struct vfio_region_mapping *next; /* the device's list, for close */
	unsigned int index;
	void *base;
	size_t nr_areas;
	struct vfio_mmap_area *areas;
};

int vfio_region_get(struct vfio_device *d, unsigned int index, const struct vfio_region_desc **out)
{
	if (!d || !out)
		return vfio_fail(-EINVAL, "vfio_region_get: no device or no place for the region");
	if (index >= d->num_regions)
		return vfio_fail(-EINVAL, "region %u of %s: the device has %u regions", index,
				 d->name, d->num_regions);
	*out = &d->regions[index];
	if (!d->regions[index].present)
		return vfio_fail(-ENOENT, "region %u of %s: the kernel did not offer it", index,
				 d->name);
	return 0;
}

/* Why usable() refused an access: the errno, and a message that says what is wrong. */
static int access_error(struct vfio_device *d, unsigned int index, uint64_t offset, size_t len,
			uint32_t flag, const char *what)
{
	const struct vfio_region_desc *r = NULL;
	int ret = vfio_region_get(d, index, &r);

	if (ret)
		return vfio_fail_prefix(ret, "%s", what);
	if (!(r->flags & flag))
		return vfio_fail(-EINVAL, "%s region %u of %s: the region does not allow it", what,
				 index, d->name);
	return vfio_fail(-EINVAL, "%s region %u of %s: [0x%llx, +0x%zx) is outside the region "
			 "(size 0x%llx)", what, index, d->name, (unsigned long long)offset, len,
			 (unsigned long long)r->size);
}

/* The end of an access the backend or libc answered @n (-errno, or bytes). */
static int finish_access(struct vfio_device *d, unsigned int index, uint64_t offset, size_t len,
			 ssize_t n, size_t *done, const char *what)
{
	if (n < 0)
		return vfio_fail((int)n, "%s region %u of %s at 0x%llx", what, index, d->name,
				 (unsigned long long)offset);
	if (done)
		*done = (size_t)n;
	else if ((size_t)n < len)
		return vfio_fail(-EIO, "%s region %u of %s at 0x%llx: %zd of %zu bytes", what, index,
				 d->name, (unsigned long long)offset, n, len);
	return 0;
}

/*
 * The hot path of a read or write, which a driver polling a register takes
 * millions of times: the region table entry and the range in one test (an
 * absent region has no flags, so the flag also says it is there), and *pos,
 * the access's place in the device fd.  access_error() says why it refused.
 */
static inline bool usable(const struct vfio_device *d, unsigned int index, uint64_t offset,
			  size_t len, uint32_t flag, uint64_t *pos)
{
	const struct vfio_region_desc *r;

	if (!d || index >= d->num_regions)
		return false;
	r = &d->regions[index];
	*pos = r->offset + offset;
	/* & rather than &&: one branch for the lot (TCG, the VM's CPU, pays per branch) */
	return !!(r->flags & flag) & vfio_range_inside(offset, len, r->size) & (*pos >= offset);
}

/*
 * On the kernel backend (d->native) the syscall is made here, and the whole
 * access done (no @done wanted) returns at once; anything else goes through
 * the backend and finish_access().
 */
int vfio_region_read(struct vfio_device *d, unsigned int index, uint64_t offset, void *buf,
		     size_t len, size_t *done)
{
	uint64_t pos;
	ssize_t n;

	if (__builtin_expect(!usable(d, index, offset, len, VFIO_REGION_INFO_FLAG_READ, &pos), 0))
		return access_error(d, index, offset, len, VFIO_REGION_INFO_FLAG_READ, "read");
	if (__builtin_expect(d->native, 1)) {
		n = pread(d->fd, buf, len, (off_t)pos);
		if (__builtin_expect((n == (ssize_t)len) & !done, 1))
			return 0;
		if (n < 0)
			n = vfio_libc_error();
	} else {
		n = BE_CALL(d->be, pread, d->fd, buf, len, pos);
	}
	return finish_access(d, index, offset, len, n, done, "read");
}

int vfio_region_write(struct vfio_device *d, unsigned int index, uint64_t offset, const void *buf,
		      size_t len, size_t *done)
{
	uint64_t pos;
	ssize_t n;

	if (__builtin_expect(!usable(d, index, offset, len, VFIO_REGION_INFO_FLAG_WRITE, &pos), 0))
		return access_error(d, index, offset, len, VFIO_REGION_INFO_FLAG_WRITE, "write");
	if (__builtin_expect(d->native, 1)) {
		n = pwrite(d->fd, buf, len, (off_t)pos);
		if (__builtin_expect((n == (ssize_t)len) & !done, 1))
			return 0;
		if (n < 0)
			n = vfio_libc_error();
	} else {
		n = BE_CALL(d->be, pwrite, d->fd, buf, len, pos);
	}
	return finish_access(d, index, offset, len, n, done, "write");
}

static int check_mmap(struct vfio_device *d, unsigned int index, int prot,
		      const struct vfio_region_desc *r)
{
	if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return vfio_fail(-EINVAL, "mmap region %u of %s: the region is not mappable", index,
				 d->name);
	if (!prot || (prot & ~(PROT_READ | PROT_WRITE)) ||
	    ((prot & PROT_READ) && !(r->flags & VFIO_REGION_INFO_FLAG_READ)) ||
	    ((prot & PROT_WRITE) && !(r->flags & VFIO_REGION_INFO_FLAG_WRITE)))
		return vfio_fail(-EINVAL, "mmap region %u of %s: prot 0x%x not allowed by flags "
				 "0x%x", index, d->name, prot, r->flags);
	if (r->size > SIZE_MAX - VFIO_PAGE_SIZE)
		return vfio_fail(-EINVAL, "mmap region %u of %s: size 0x%llx", index, d->name,
				 (unsigned long long)r->size);
	return 0;
}

static size_t page_up(uint64_t v)
{
	return (size_t)((v + VFIO_PAGE_SIZE - 1) & ~(VFIO_PAGE_SIZE - 1));
}

static int by_offset(const void *a, const void *b)
{
	const struct vfio_mmap_area *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * Which parts of the region to map, by ascending offset: the sparse areas
 * (empty ones dropped), or the whole region.  Each must start on a page and
 * none may overlap another.
 */
static int plan_areas(struct vfio_device *d, const struct vfio_region_desc *r,
		      struct vfio_region_mapping *m)
{
	bool sparse = r->caps & VFIO_REGION_HAS_SPARSE_MMAP;
	size_t n = sparse ? r->nr_sparse : 1;

	m->areas = calloc(n ? n : 1, sizeof(*m->areas));
	if (!m->areas)
		return vfio_fail(-ENOMEM, "mmap region %u of %s", r->index, d->name);
	for (size_t i = 0; i < n; i++) {
		uint64_t off = sparse ? r->sparse[i].offset : 0;
		uint64_t size = sparse ? r->sparse[i].size : r->size;

		if (!size)
			continue;
		if (off % VFIO_PAGE_SIZE)
			return vfio_fail(-EINVAL, "mmap region %u of %s: area at 0x%llx is not "
					 "page aligned", r->index, d->name, (unsigned long long)off);
		m->areas[m->nr_areas++] = (struct vfio_mmap_area){ .offset = off, .size = size };
	}
	qsort(m->areas, m->nr_areas, sizeof(*m->areas), by_offset);
	for (size_t i = 1; i < m->nr_areas; i++)
		if (m->areas[i - 1].offset + page_up(m->areas[i - 1].size) > m->areas[i].offset)
			return vfio_fail(-EINVAL, "mmap region %u of %s: areas at 0x%llx and 0x%llx "
					 "overlap", r->index, d->name,
					 (unsigned long long)m->areas[i - 1].offset,
					 (unsigned long long)m->areas[i].offset);
	return 0;
}

static void unmap_areas(struct vfio_region_mapping *m, size_t nr, struct vfio_first_error *first)
{
	for (size_t i = 0; i < nr; i++) {
		int ret = BE_CALL(m->d->be, munmap, m->areas[i].addr, page_up(m->areas[i].size));

		if (ret < 0 && first)
			vfio_first_note(first, vfio_fail(ret, "munmap region %u of %s area at 0x%llx",
							 m->index, m->d->name,
							 (unsigned long long)m->areas[i].offset));
	}
}

/*
 * Reserve the region's whole span, map each area over its place in it, then
 * give the gaps back, so that base + offset holds for every area and nothing
 * else of the span stays mapped.
 */
static int map_areas(struct vfio_region_mapping *m, const struct vfio_region_desc *r, int prot)
{
	size_t span = page_up(r->size), mapped = 0, pos = 0;
	uint8_t *base;
	int ret = 0;

	base = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		return vfio_fail(-errno, "mmap region %u of %s: reserving 0x%zx bytes", r->index,
				 m->d->name, span);
	m->base = base;
	for (; mapped < m->nr_areas; mapped++) {
		struct vfio_mmap_area *a = &m->areas[mapped];
		void *addr;

		ret = BE_CALL(m->d->be, mmap, m->d->fd, base + a->offset, page_up(a->size), prot,
			      MAP_SHARED | MAP_FIXED, r->offset + a->offset, &addr);
		if (ret < 0) {
			ret = vfio_fail(ret, "mmap region %u of %s area [0x%llx, +0x%llx)", r->index,
					m->d->name, (unsigned long long)a->offset,
					(unsigned long long)a->size);
			break;
		}
		a->addr = addr;
	}
	if (ret) {
		struct vfio_saved_error e;

		vfio_error_save(&e);
		unmap_areas(m, mapped, NULL);
		vfio_error_restore(&e);
		munmap(base, span);
		return ret;
	}
	/* Give back the gaps between the (sorted) areas and after the last one. */
	for (size_t i = 0; i <= m->nr_areas; i++) {
		size_t end = i < m->nr_areas ? (size_t)m->areas[i].offset : span;

		if (end > pos)
			munmap(base + pos, end - pos);
		if (i < m->nr_areas)
			pos = (size_t)m->areas[i].offset + page_up(m->areas[i].size);
	}
	return 0;
}

int vfio_region_mmap(struct vfio_device *d, unsigned int index, int prot,
		     struct vfio_region_mapping **out)
{
	const struct vfio_region_desc *r = NULL;
	struct vfio_region_mapping *m;
	int ret;

	if (!out)
		return vfio_fail(-EINVAL, "vfio_region_mmap: no place for the mapping");
	*out = NULL;
	ret = vfio_region_get(d, index, &r);
	if (ret)
		return vfio_fail_prefix(ret, "mmap");
	ret = check_mmap(d, index, prot, r);
	if (ret)
		return ret;
	m = calloc(1, sizeof(*m));
	if (!m)
		return vfio_fail(-ENOMEM, "mmap region %u of %s", index, d->name);
	m->d = d;
	m->index = index;
	ret = plan_areas(d, r, m);
	if (!ret)
		ret = map_areas(m, r, prot);
	if (ret) {
		free(m->areas);
		free(m);
		return ret;
	}
	pthread_mutex_lock(&d->lock);
	m->next = d->mappings;
	d->mappings = m;
	pthread_mutex_unlock(&d->lock);
	*out = m;
	return 0;
}

void *vfio_region_mapping_base(const struct vfio_region_mapping *m)
{
	return m->base;
}

size_t vfio_region_mapping_areas(const struct vfio_region_mapping *m,
				 const struct vfio_mmap_area **areas)
{
	if (areas)
		*areas = m->areas;
	return m->nr_areas;
}

static int release(struct vfio_region_mapping *m)
{
	struct vfio_first_error first = { 0 };

	unmap_areas(m, m->nr_areas, &first);
	free(m->areas);
	free(m);
	return vfio_first_result(&first);
}

int vfio_region_munmap(struct vfio_region_mapping *m)
{
	struct vfio_region_mapping **p;
	struct vfio_device *d;

	if (!m)
		return 0;
	d = m->d;
	pthread_mutex_lock(&d->lock);
	for (p = &d->mappings; *p && *p != m; p = &(*p)->next)
		;
	if (*p)
		*p = m->next;
	pthread_mutex_unlock(&d->lock);
	return release(m);
}

int vfio_region_unmap_all(struct vfio_device *d)
{
	struct vfio_first_error first = { 0 };
	struct vfio_region_mapping *m, *next;

	pthread_mutex_lock(&d->lock);
	m = d->mappings;
	d->mappings = NULL;
	pthread_mutex_unlock(&d->lock);
	for (; m; m = next) {
		next = m->next;
		vfio_first_note(&first, release(m));
	}
	return vfio_first_result(&first);
}
