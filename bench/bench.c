// SPDX-License-Identifier: MIT
/*
 * The sim's scaling benchmark: one "name: value" line per figure, measured in
 * one run side by side with a baseline, raw timings and goals on "#" lines.
 * The figures are printed, never asserted: the exit status says only whether
 * they could be measured (and whether the sim's answers matched the baseline's).
 *
 * The baseline is glibc's red-black tree (tsearch/tfind/tdelete) holding the
 * same mappings as the sim, nodes of {iova, size, vaddr, prot} from malloc,
 * ordered by range so that a lookup finds the mapping that holds an address.
 *
 * Method: N mappings of 4 KiB at distinct IOVAs are put in both in random
 * order.  Then, three times (best of 3), with the two sides interleaved and
 * taking turns at going first: K = N/10 random mappings are removed (timed:
 * unmap), put back in another random order (timed: map), and K random
 * addresses inside mappings are looked up (timed: translate).  So N - K to N
 * mappings are live throughout.  The sim's map and unmap are the backend's
 * VFIO_IOMMU_MAP_DMA and VFIO_IOMMU_UNMAP_DMA ops on a container with the type1
 * v2 IOMMU set (every check the kernel makes); its translate is the lookup its
 * device side uses for vfio_sim_dma_read/write (dma_tree_lookup), and what a
 * 1-byte vfio_sim_dma_read costs is printed beside it.
 *
 * The mappings' memory: mapping i maps page (i mod 256) of a 1 MiB buffer, so
 * every page is pinned by several live mappings and a map does not have to ask
 * the kernel about it (see backends/sim/dma_tree.c); what a map of memory that
 * no live mapping pins costs is printed too (sim_map_unpinned...).
 */

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <search.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>
#include <vfio/backend.h>
#include <vfio/kernel.h>
#include <vfio/sim.h>

#include "sim_private.h" /* the sim's own lookup, for the translate figure */

#define PAGE 4096ULL
#define REPS 3
#define SLOT_BASE 0x100000000ULL  /* the N mappings: 4 GiB up, one every 8 KiB */
#define SLOT_STRIDE 0x2000ULL
#define COLD_BASE 0x40000000ULL	  /* the unpinned-map figure's mappings */
#define COPY_BASE 0x80000000ULL	  /* the 2 MiB copy's 512 mappings */
#define VA_PAGES 256		  /* pages the N mappings share */
#define COPY_SIZE (2ULL << 20)

/* ---- helpers ---- */

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void shuffle(uint64_t *a, size_t n)
{
	size_t i;

	for (i = n; i > 1; i--) {
		size_t j = (size_t)(rnd() % i);
		uint64_t t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

static void die(const char *what, long err)
{
	fprintf(stderr, "bench: %s failed: %ld (%s)\n", what, err, strerror((int)-err));
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p)
		die("malloc", -ENOMEM);
	return p;
}

/* Heap bytes in use, chunk headers and rounding included. */
static size_t heap_used(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
#else
	struct mallinfo mi = mallinfo();

	return (size_t)(unsigned int)mi.uordblks + (size_t)(unsigned int)mi.hblkhd;
#endif
}

static size_t rss(void)
{
	unsigned long size = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &res) != 2)
			res = 0;
		fclose(f);
	}
	return res * (size_t)sysconf(_SC_PAGESIZE);
}

/* KiB of [p, p + len) that sit in transparent huge pages (smaps), or -1. */
static long thp_kib(const void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p, start, end;
	char line[256];
	long kib = -1;
	bool in = false;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start <= a && a + len <= end;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

static double best(const double *t, int n)
{
	double b = t[0];
	int i;

	for (i = 1; i < n; i++)
		if (t[i] < b)
			b = t[i];
	return b;
}

/* ---- the baseline: glibc's red-black tree ---- */

struct node {
	uint64_t iova, size, vaddr;
	uint32_t prot;
};

static int node_cmp(const void *a, const void *b)
{
	const struct node *x = a, *y = b;

	if (x->iova + x->size <= y->iova)
		return -1;
	if (y->iova + y->size <= x->iova)
		return 1;
	return 0; /* overlapping: the same mapping, for a 1-byte key */
}

static void *rb_root;

static int rb_map(uint64_t iova, uint64_t vaddr)
{
	struct node *n = malloc(sizeof(*n)), **found;

	if (!n)
		return -ENOMEM;
	n->iova = iova;
	n->size = PAGE;
	n->vaddr = vaddr;
	n->prot = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	found = tsearch(n, &rb_root, node_cmp);
	if (!found || *found != n) {
		free(n);
		return found ? -EEXIST : -ENOMEM;
	}
	return 0;
}

static int rb_unmap(uint64_t iova)
{
	struct node key = { .iova = iova, .size = 1 }, **found = tfind(&key, &rb_root, node_cmp);
	struct node *n;

	if (!found)
		return -ENOENT;
	n = *found;
	tdelete(&key, &rb_root, node_cmp);
	free(n);
	return 0;
}

static uint64_t rb_translate(uint64_t iova)
{
	struct node key = { .iova = iova, .size = 1 }, **found = tfind(&key, &rb_root, node_cmp);

	return found ? (*found)->vaddr + (iova - (*found)->iova) : 0;
}

static void rb_free(void *n)
{
	free(n);
}

/* ---- the sim ---- */

struct sim {
	struct vfio_sim *sim;
	struct vfio_backend *be;
	const struct vfio_backend_ops *ops;
	struct vfio_sim_device *dev;
	int container, group, device;
	const struct sim_dma_tree *table;
};

static void sim_setup(struct sim *s, uint32_t limit)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	struct vfio_sim_group *g;
	long ret;

	ret = vfio_sim_new(&s->sim);
	if (ret)
		die("vfio_sim_new", ret);
	s->be = vfio_sim_backend(s->sim);
	s->ops = s->be->ops;
	if ((ret = vfio_sim_group_add(s->sim, 1, &g)) ||
	    (ret = vfio_sim_device_add(g, "0000:00:01.0", VFIO_DEVICE_FLAGS_PCI, 9, 5, &s->dev)) ||
	    (ret = vfio_sim_region_add(s->dev, 0, 0x10000, rw | VFIO_REGION_INFO_FLAG_MMAP, NULL,
				       NULL)))
		die("building the topology", ret);
	vfio_sim_set_dma_entry_limit(s->sim, limit);
	s->container = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	s->group = s->ops->open(s->be, "/dev/vfio/1", O_RDWR);
	if (s->container < 0 || s->group < 0)
		die("open", s->container < 0 ? s->container : s->group);
	if ((ret = s->ops->group_set_container(s->be, s->group, s->container)) ||
	    (ret = s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU)))
		die("attaching the IOMMU", ret);
	s->device = s->ops->group_get_device_fd(s->be, s->group, "0000:00:01.0");
	if (s->device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD", s->device);
	/* the container's table, for the sim's own lookup */
	s->table = &sim_file_lookup(s->sim, s->container)->u.container->dma;
}

static void sim_teardown(struct sim *s)
{
	s->ops->close(s->be, s->device);
	s->ops->close(s->be, s->group);
	s->ops->close(s->be, s->container);
	vfio_backend_destroy(s->be);
}

static int sim_map(struct sim *s, uint64_t iova, uint64_t vaddr, uint64_t size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = vaddr,
		.iova = iova,
		.size = size,
	};

	return s->ops->iommu_map_dma(s->be, s->container, &map);
}

static int sim_unmap(struct sim *s, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};
	int ret = s->ops->iommu_unmap_dma(s->be, s->container, &unmap);

	return ret ? ret : unmap.size == size ? 0 : -ENOENT;
}

static uint64_t sim_translate(struct sim *s, uint64_t iova)
{
	struct sim_dma_cursor cur;
	const struct sim_dma *d = dma_tree_lookup(s->table, iova, &cur);

	return d ? d->vaddr + (iova - d->iova) : 0;
}

/* ---- the table figures ---- */

struct table_times {
	double map, unmap, translate, dma_read1; /* seconds an op, best of REPS */
	double rb_map, rb_unmap, rb_translate;
	double fill_bytes, rb_fill_bytes, fill_rss; /* bytes a mapping */
};

static uint64_t slot_iova(uint64_t slot)
{
	return SLOT_BASE + slot * SLOT_STRIDE;
}

static uint64_t slot_vaddr(const uint8_t *buf, uint64_t slot)
{
	return (uint64_t)(uintptr_t)buf + (slot % VA_PAGES) * PAGE;
}

/*
 * N mappings in both; then REPS rounds of unmap K, map K, translate K.
 * @rounds: how many times each round's ops run within one timing (small N).
 */
static void table_bench(size_t n, unsigned int rounds, const uint8_t *buf, struct table_times *out)
{
	size_t k = n / 10 ? n / 10 : 1, i;
	uint64_t *slots = xmalloc(n * sizeof(*slots)), *victims = xmalloc(k * sizeof(*victims));
	uint64_t *probes = xmalloc(k * sizeof(*probes));
	double t_map[REPS], t_unmap[REPS], t_tr[REPS], t_rd[REPS];
	double r_map[REPS], r_unmap[REPS], r_tr[REPS];
	size_t heap0, rss0;
	struct sim s;
	int rep, ret;

	sim_setup(&s, (uint32_t)n + 4096);
	for (i = 0; i < n; i++)
		slots[i] = i;
	shuffle(slots, n);

	/* fill, the sim alone first: its heap growth is its table */
	heap0 = heap_used();
	rss0 = rss();
	for (i = 0; i < n; i++)
		if ((ret = sim_map(&s, slot_iova(slots[i]), slot_vaddr(buf, slots[i]), PAGE)))
			die("sim map (fill)", ret);
	out->fill_bytes = (double)(heap_used() - heap0) / (double)n;
	out->fill_rss = (double)(rss() - rss0) / (double)n;
	heap0 = heap_used();
	for (i = 0; i < n; i++)
		if ((ret = rb_map(slot_iova(slots[i]), slot_vaddr(buf, slots[i]))))
			die("rbtree map (fill)", ret);
	out->rb_fill_bytes = (double)(heap_used() - heap0) / (double)n;

	for (rep = 0; rep < REPS; rep++) {
		volatile uint64_t sink = 0;
		uint64_t sum_sim = 0, sum_rb = 0;
		unsigned int r;
		double t;
		int side;

		shuffle(slots, n);
		memcpy(victims, slots, k * sizeof(*victims));
		for (i = 0; i < k; i++)
			probes[i] = slot_iova(slots[(size_t)(rnd() % n)]) + rnd() % PAGE;
		t_map[rep] = t_unmap[rep] = t_tr[rep] = t_rd[rep] = 0;
		r_map[rep] = r_unmap[rep] = r_tr[rep] = 0;
		for (r = 0; r < rounds; r++) {
			for (side = 0; side < 2; side++) { /* who goes first alternates */
				bool sim_side = (side + rep + r) & 1;

				t = now();
				for (i = 0; i < k; i++) {
					ret = sim_side ? sim_unmap(&s, slot_iova(victims[i]), PAGE) :
							 rb_unmap(slot_iova(victims[i]));
					if (ret)
						die(sim_side ? "sim unmap" : "rbtree unmap", ret);
				}
				*(sim_side ? &t_unmap[rep] : &r_unmap[rep]) += now() - t;
			}
			shuffle(victims, k);
			for (side = 0; side < 2; side++) {
				bool sim_side = (side + rep + r) & 1;

				t = now();
				for (i = 0; i < k; i++) {
					uint64_t slot = victims[i];

					ret = sim_side ? sim_map(&s, slot_iova(slot), slot_vaddr(buf, slot),
								 PAGE) :
							 rb_map(slot_iova(slot), slot_vaddr(buf, slot));
					if (ret)
						die(sim_side ? "sim map" : "rbtree map", ret);
				}
				*(sim_side ? &t_map[rep] : &r_map[rep]) += now() - t;
			}
			for (side = 0; side < 2; side++) {
				bool sim_side = (side + rep + r) & 1;
				uint64_t sum = 0;

				t = now();
				if (sim_side)
					for (i = 0; i < k; i++)
						sum += sim_translate(&s, probes[i]);
				else
					for (i = 0; i < k; i++)
						sum += rb_translate(probes[i]);
				*(sim_side ? &t_tr[rep] : &r_tr[rep]) += now() - t;
				*(sim_side ? &sum_sim : &sum_rb) += sum;
			}
			/* what a device pays: a 1-byte DMA read, lock and copy included */
			t = now();
			for (i = 0; i < k; i++) {
				uint8_t b;

				ret = vfio_sim_dma_read(s.dev, probes[i], &b, 1);
				if (ret)
					die("vfio_sim_dma_read", ret);
				sink += b;
			}
			t_rd[rep] += now() - t;
		}
		if (sum_sim != sum_rb) {
			fprintf(stderr, "bench: the sim and the baseline translate differently\n");
			exit(1);
		}
		(void)sink;
	}
	if (vfio_sim_dma_count(s.sim, s.container) != (long)n) {
		fprintf(stderr, "bench: the sim lost mappings\n");
		exit(1);
	}
	out->map = best(t_map, REPS) / (double)(k * rounds);
	out->unmap = best(t_unmap, REPS) / (double)(k * rounds);
	out->translate = best(t_tr, REPS) / (double)(k * rounds);
	out->dma_read1 = best(t_rd, REPS) / (double)(k * rounds);
	out->rb_map = best(r_map, REPS) / (double)(k * rounds);
	out->rb_unmap = best(r_unmap, REPS) / (double)(k * rounds);
	out->rb_translate = best(r_tr, REPS) / (double)(k * rounds);

	tdestroy(rb_root, rb_free);
	rb_root = NULL;
	sim_teardown(&s);
	free(slots);
	free(victims);
	free(probes);
}

/* A map of memory no live mapping pins: the kernel is asked (msync, madvise). */
static double unpinned_map_bench(size_t pages)
{
	uint8_t *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t[REPS], t0;
	struct sim s;
	size_t i;
	int rep, ret;

	if (mem == MAP_FAILED)
		die("mmap", -errno);
	memset(mem, 1, pages * PAGE);
	sim_setup(&s, (uint32_t)pages + 16);
	for (rep = 0; rep < REPS; rep++) {
		t0 = now();
		for (i = 0; i < pages; i++)
			if ((ret = sim_map(&s, COLD_BASE + i * SLOT_STRIDE,
					   (uint64_t)(uintptr_t)mem + i * PAGE, PAGE)))
				die("sim map (unpinned)", ret);
		t[rep] = now() - t0;
		for (i = 0; i < pages; i++)
			if ((ret = sim_unmap(&s, COLD_BASE + i * SLOT_STRIDE, PAGE)))
				die("sim unmap (unpinned)", ret);
	}
	sim_teardown(&s);
	munmap(mem, pages * PAGE);
	return best(t, REPS) / (double)pages;
}

/*
 * Heap bytes a mapping when every mapping has a page of its own, no two
 * adjacent (scattered guest pages, as a vIOMMU maps them): the pin table gets
 * little from them and is held to a share of the table.  Read-only mappings of
 * untouched memory: the check maps the zero page, no memory is allocated.
 */
static double scattered_bytes_bench(size_t n)
{
	uint64_t *slots = xmalloc(n * sizeof(*slots));
	uint8_t *mem = mmap(NULL, 2 * n * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			    -1, 0);
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ,
		.size = PAGE,
	};
	size_t heap0, i;
	struct sim s;
	double bytes;
	int ret;

	if (mem == MAP_FAILED)
		die("mmap", -errno);
	for (i = 0; i < n; i++)
		slots[i] = i;
	shuffle(slots, n);
	sim_setup(&s, (uint32_t)n + 16);
	heap0 = heap_used();
	for (i = 0; i < n; i++) {
		map.iova = slot_iova(slots[i]);
		map.vaddr = (uint64_t)(uintptr_t)mem + 2 * slots[i] * PAGE;
		if ((ret = s.ops->iommu_map_dma(s.be, s.container, &map)))
			die("sim map (scattered)", ret);
	}
	bytes = (double)(heap_used() - heap0) / (double)n;
	sim_teardown(&s);
	munmap(mem, 2 * n * PAGE);
	free(slots);
	return bytes;
}

/* ---- the copy figure ---- */

/*
 * 2 MiB of guest memory mapped as 512 mappings of 4 KiB at consecutive IOVAs;
 * the device writes 2 MiB into it and reads it back, against memcpy doing the
 * same.  @how is the sim's way to copy: CHECKED (the default) asks the kernel
 * how the memory is mapped, once each way, then copies; KERNEL copies through
 * process_vm_writev/readv, which pin and copy page by page.  @huge backs the
 * guest memory with a transparent huge page, as a VMM's guest RAM is, else
 * it has plain 4 KiB pages, as a test's buffer has.
 */
static void copy_bench(enum vfio_sim_dma_copy how, bool huge, unsigned int iters, double *sim_t,
		       double *memcpy_t, long *thp)
{
	uint8_t *raw, *guest, *src, *dst;
	double t_sim[REPS], t_cpy[REPS], t;
	struct sim s;
	unsigned int it;
	size_t i;
	int rep, ret;

	/*
	 * The device's buffers are page-aligned: the kernel's copy to a buffer
	 * that is not (malloc's 2 MiB chunks sit 16 bytes into a page) runs 4
	 * times slower on some CPUs, memcpy does not care.
	 */
	raw = mmap(NULL, 4 * COPY_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	if (raw == MAP_FAILED)
		die("mmap", -errno);
	src = raw + 2 * COPY_SIZE;
	dst = raw + 3 * COPY_SIZE;
	guest = (uint8_t *)(((uintptr_t)raw + COPY_SIZE - 1) & ~(uintptr_t)(COPY_SIZE - 1));
	madvise(guest, COPY_SIZE, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	madvise(src, 2 * COPY_SIZE, MADV_NOHUGEPAGE);
	memset(guest, 0x11, COPY_SIZE);
	*thp = thp_kib(guest, COPY_SIZE);
	memset(src, 0x5a, COPY_SIZE);
	memset(dst, 0x33, COPY_SIZE);
	sim_setup(&s, 1024);
	if ((ret = vfio_sim_set_dma_copy(s.sim, how)))
		die("vfio_sim_set_dma_copy", ret);
	for (i = 0; i < COPY_SIZE / PAGE; i++)
		if ((ret = sim_map(&s, COPY_BASE + i * PAGE, (uint64_t)(uintptr_t)guest + i * PAGE,
				   PAGE)))
			die("sim map (copy)", ret);
	for (rep = 0; rep < REPS; rep++) {
		int side;

		t_sim[rep] = t_cpy[rep] = 0;
		for (side = 0; side < 2; side++) {
			bool sim_side = (side + rep) & 1;

			t = now();
			for (it = 0; it < iters; it++) {
				if (sim_side) {
					if ((ret = vfio_sim_dma_write(s.dev, COPY_BASE, src, COPY_SIZE)) ||
					    (ret = vfio_sim_dma_read(s.dev, COPY_BASE, dst, COPY_SIZE)))
						die("vfio_sim_dma_write/read", ret);
				} else {
					memcpy(guest, src, COPY_SIZE);
					__asm__ volatile("" ::: "memory");
					memcpy(dst, guest, COPY_SIZE);
					__asm__ volatile("" ::: "memory");
				}
			}
			*(sim_side ? &t_sim[rep] : &t_cpy[rep]) += now() - t;
		}
	}
	if (memcmp(dst, src, COPY_SIZE) || memcmp(guest, src, COPY_SIZE)) {
		fprintf(stderr, "bench: the DMA copy copied the wrong bytes\n");
		exit(1);
	}
	*sim_t = best(t_sim, REPS) / iters;
	*memcpy_t = best(t_cpy, REPS) / iters;
	sim_teardown(&s);
	munmap(raw, 4 * COPY_SIZE);
}

/* ---- the call figure ---- */

static void call_bench(unsigned int iters, double *sim_t, double *sys_t)
{
	double t_sim[REPS], t_sys[REPS], t;
	struct vfio_region_info info;
	struct sim s;
	unsigned int i;
	char b[4];
	int fd, rep, ret;

	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0)
		die("open /dev/zero", -errno);
	sim_setup(&s, 16);
	for (rep = 0; rep < REPS; rep++) {
		int side;

		t_sim[rep] = t_sys[rep] = 0;
		for (side = 0; side < 2; side++) {
			bool sim_side = (side + rep) & 1;

			t = now();
			if (sim_side) {
				for (i = 0; i < iters; i++) {
					info = (struct vfio_region_info){ .argsz = sizeof(info) };
					ret = s.ops->device_get_region_info(s.be, s.device, &info);
					if (ret || info.size != 0x10000)
						die("VFIO_DEVICE_GET_REGION_INFO", ret ? ret : -EIO);
				}
			} else {
				for (i = 0; i < iters; i++)
					if (pread(fd, b, sizeof(b), 0) != (ssize_t)sizeof(b))
						die("pread", -errno);
			}
			*(sim_side ? &t_sim[rep] : &t_sys[rep]) += now() - t;
		}
	}
	*sim_t = best(t_sim, REPS) / iters;
	*sys_t = best(t_sys, REPS) / iters;
	sim_teardown(&s);
	close(fd);
}

/* ---- main ---- */

static void figure(const char *name, double value, const char *goal)
{
	printf("%s: %.2f\n", name, value);
	printf("# %s goal: %s\n", name, goal);
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && !strcmp(argv[1], "--quick");
	size_t big = quick ? 10000 : 1000000, small = 1000;
	unsigned int small_rounds = quick ? 10 : 100;
	struct table_times tb, ts;
	double copy_sim, copy_cpy, copy4k_sim, copy4k_cpy, call_sim, call_sys, cold, scattered;
	double kcopy_sim, kcopy_cpy, kcopy4k_sim, kcopy4k_cpy;
	long thp, thp4k, kthp;
	uint8_t *buf;

	if (argc > 1 && !quick) {
		fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
		return 2;
	}
	buf = mmap(NULL, VA_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		   0);
	if (buf == MAP_FAILED)
		die("mmap", -errno);
	memset(buf, 0x42, VA_PAGES * PAGE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# libvfio sim benchmark%s: %zu mappings (the growth figure: %zu to %zu), "
	       "best of %d, ns an op\n",
	       quick ? " (--quick: small sizes, figures not comparable to the goals)" : "", big,
	       small, big, REPS);

	table_bench(big, 1, buf, &tb);
	table_bench(small, small_rounds, buf, &ts);
	cold = unpinned_map_bench(quick ? 1024 : 16384);
	scattered = scattered_bytes_bench(big);
	copy_bench(VFIO_SIM_DMA_COPY_CHECKED, false, quick ? 4 : 32, &copy4k_sim, &copy4k_cpy,
		   &thp4k);
	copy_bench(VFIO_SIM_DMA_COPY_CHECKED, true, quick ? 4 : 32, &copy_sim, &copy_cpy, &thp);
	copy_bench(VFIO_SIM_DMA_COPY_KERNEL, false, quick ? 4 : 32, &kcopy4k_sim, &kcopy4k_cpy,
		   &kthp);
	copy_bench(VFIO_SIM_DMA_COPY_KERNEL, true, quick ? 4 : 32, &kcopy_sim, &kcopy_cpy, &kthp);
	call_bench(quick ? 20000 : 1000000, &call_sim, &call_sys);

	printf("# at %zu: sim map %.0f unmap %.0f translate %.0f (1-byte vfio_sim_dma_read %.0f);"
	       " rbtree map %.0f unmap %.0f translate %.0f\n",
	       big, tb.map * 1e9, tb.unmap * 1e9, tb.translate * 1e9, tb.dma_read1 * 1e9,
	       tb.rb_map * 1e9, tb.rb_unmap * 1e9, tb.rb_translate * 1e9);
	printf("# at %zu: sim map %.0f unmap %.0f translate %.0f (1-byte vfio_sim_dma_read %.0f);"
	       " rbtree map %.0f unmap %.0f translate %.0f\n",
	       small, ts.map * 1e9, ts.unmap * 1e9, ts.translate * 1e9, ts.dma_read1 * 1e9,
	       ts.rb_map * 1e9, ts.rb_unmap * 1e9, ts.rb_translate * 1e9);
	figure("sim_map_vs_rbtree_1e6", tb.rb_map / tb.map, ">= 3");
	figure("sim_translate_vs_rbtree_1e6", tb.rb_translate / tb.translate, ">= 3");
	printf("# sim_translate_dma_read1_vs_rbtree_1e6: %.2f (a 1-byte vfio_sim_dma_read: lock, "
	       "lookup, memory-map query, copy)\n",
	       tb.rb_translate / tb.dma_read1);
	figure("sim_unmap_vs_rbtree_1e6", tb.rb_unmap / tb.unmap, ">= 3");
	figure("sim_map_growth_1e3_to_1e6", tb.map / ts.map, "<= 3");
	printf("# rbtree_map_growth_1e3_to_1e6: %.2f\n", tb.rb_map / ts.rb_map);
	printf("# sim map of memory no live mapping pins: %.0f ns "
	       "(sim_map_unpinned_vs_rbtree_1e6: %.2f)\n",
	       cold * 1e9, tb.rb_map / cold);
	figure("sim_bytes_per_mapping", tb.fill_bytes, "<= 64");
	printf("# rbtree_bytes_per_mapping: %.2f (malloc'd node + tsearch's node); "
	       "sim RSS growth a mapping: %.2f\n",
	       tb.rb_fill_bytes, tb.fill_rss);
	printf("# sim bytes a mapping when each maps a page of its own, none adjacent: %.2f\n",
	       scattered);
	printf("# copy of 2 MiB each way, guest memory in 4 KiB pages (%ld KiB huge): sim %.1f us,"
	       " memcpy %.1f us\n",
	       thp4k, copy4k_sim * 1e6, copy4k_cpy * 1e6);
	figure("sim_dma_copy_vs_memcpy_2MiB", copy4k_cpy / copy4k_sim, ">= 0.5");
	printf("# the same, guest memory in a transparent huge page (%ld KiB huge): sim %.1f us, "
	       "memcpy %.1f us\n",
	       thp, copy_sim * 1e6, copy_cpy * 1e6);
	printf("# sim_dma_copy_vs_memcpy_2MiB_hugepage: %.2f\n", copy_cpy / copy_sim);
	printf("# with VFIO_SIM_DMA_COPY_KERNEL (process_vm_writev/readv): 4 KiB pages sim %.1f us, "
	       "memcpy %.1f us (%.2f); huge page sim %.1f us, memcpy %.1f us (%.2f)\n",
	       kcopy4k_sim * 1e6, kcopy4k_cpy * 1e6, kcopy4k_cpy / kcopy4k_sim, kcopy_sim * 1e6,
	       kcopy_cpy * 1e6, kcopy_cpy / kcopy_sim);
	printf("# region info on the sim %.1f ns, pread(4) of /dev/zero %.1f ns\n", call_sim * 1e9,
	       call_sys * 1e9);
	figure("sim_call_vs_syscall", call_sim / call_sys, "<= 0.1");
	munmap(buf, VA_PAGES * PAGE);
	return 0;
}
