// SPDX-License-Identifier: MIT
/*
 * Building the sim's topology: groups, devices, regions, irq indexes (the
 * sysfs view that shows it is sysfs.c).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim_private.h"

#define SIM_REGION_MAX (1ULL << SIM_INDEX_SHIFT)

struct vfio_sim_group *sim_group_find(struct vfio_sim *sim, unsigned int id)
{
	struct vfio_sim_group *g;

	for (g = sim->groups; g; g = g->next)
		if (g->id == id && !g->removed) /* a group that went is nobody's any more */
			return g;
	return NULL;
}

static struct vfio_sim_device *device_find(struct vfio_sim *sim, const char *name, size_t len)
{
	struct vfio_sim_group *g;
	struct vfio_sim_device *d;

	for (g = sim->groups; g; g = g->next)
		for (d = g->devices; d; d = d->next)
			if (strlen(d->name) == len && !memcmp(d->name, name, len))
				return d;
	return NULL;
}

int vfio_sim_group_add(struct vfio_sim *sim, unsigned int id, struct vfio_sim_group **out)
{
	struct vfio_sim_group *g, **tail;
	int ret = 0;

	sim_lock(sim);
	if (sim_group_find(sim, id)) {
		ret = -EEXIST;
		goto out;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		ret = -ENOMEM;
		goto out;
	}
	g->sim = sim;
	g->id = id;
	g->viable = true;
	for (tail = &sim->groups; *tail; tail = &(*tail)->next)
		;
	*tail = g;
	if (out)
		*out = g;
out:
	sim_unlock(sim);
	return ret;
}

void vfio_sim_group_set_viable(struct vfio_sim_group *g, bool viable)
{
	sim_lock(g->sim);
	g->viable = viable;
	sim_unlock(g->sim);
}

void sim_device_free(struct vfio_sim_device *d)
{
	unsigned int i;
	uint32_t v;

	/* the model first: it may still look at its regions' memory */
	if (d->model_ops && d->model_ops->release)
		d->model_ops->release(d->model);
	for (i = 0; d->regions && i < d->num_regions; i++) {
		struct sim_region *r = &d->regions[i];

		if (r->mem)
			munmap(r->mem, r->mem_len);
		free(r->areas);
		free(r->raw);
	}
	for (i = 0; d->irqs && i < d->num_irqs; i++) {
		struct sim_irq *q = &d->irqs[i];

		for (v = 0; q->vec && v < (q->count ? q->count : 1); v++)
			sim_close_fd(&q->vec[v].efd);
		sim_close_fd(&q->unmask_fd);
		sim_close_fd(&q->mask_fd);
		free(q->vec);
	}
	while (d->ioeventfds) {
		struct sim_ioeventfd *e = d->ioeventfds;

		d->ioeventfds = e->next;
		sim_close_fd(&e->efd);
		free(e);
	}
	sim_close_fd(&d->memfd);
	free(d->regions);
	free(d->irqs);
	free(d->name);
	free(d);
}

int vfio_sim_device_add(struct vfio_sim_group *g, const char *name, uint32_t flags,
			unsigned int num_regions, unsigned int num_irqs,
			struct vfio_sim_device **out)
{
	struct vfio_sim *sim = g->sim;
	struct vfio_sim_device *d, **tail;
	unsigned int i;
	size_t len;
	int ret;

	len = name ? strnlen(name, SIM_NAME_MAX + 1) : 0;
	if (!len || len > SIM_NAME_MAX || memchr(name, '/', len))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->memfd = -1;
	d->group = g;
	d->flags = flags;
	d->num_regions = num_regions;
	d->num_irqs = num_irqs;
	d->name = strdup(name);
	d->regions = calloc(num_regions ? num_regions : 1, sizeof(*d->regions));
	d->irqs = calloc(num_irqs ? num_irqs : 1, sizeof(*d->irqs));
	if (!d->name || !d->regions || !d->irqs) {
		sim_device_free(d);
		return -ENOMEM;
	}
	for (i = 0; i < num_irqs; i++) {
		d->irqs[i].unmask_fd = -1;
		d->irqs[i].mask_fd = -1;
	}
	ret = sim_memfd("vfio-sim-device");
	if (ret < 0) {
		sim_device_free(d);
		return ret;
	}
	d->memfd = ret;

	sim_lock(sim);
	if (g->removed || device_find(sim, name, len)) {
		ret = g->removed ? -ENODEV : -EEXIST;
		sim_unlock(sim);
		sim_device_free(d);
		return ret;
	}
	for (tail = &g->devices; *tail; tail = &(*tail)->next)
		;
	*tail = d;
	d->index = sim->next_index++; /* its vfioN */
	sim_unlock(sim);
	if (out)
		*out = d;
	return 0;
}

/* The region's memory in the device's memfd, at index << 40 as on vfio-pci. */
static int region_map_memory(struct vfio_sim_device *d, unsigned int index, struct sim_region *r)
{
	uint64_t len = (r->size + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
	uint64_t start = (uint64_t)index << SIM_INDEX_SHIFT;
	void *mem;

	if (start + len > d->memfd_size) {
		if (ftruncate(d->memfd, (off_t)(start + len)))
			return -errno;
		d->memfd_size = start + len;
	}
	mem = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, d->memfd, (off_t)start);
	if (mem == MAP_FAILED)
		return -errno;
	r->mem = mem;
	r->mem_len = (size_t)len;
	return 0;
}

/* A region: memory-backed (no @ops), trapped, or both (@mem_too: trapped, mmap-able). */
static int region_add(struct vfio_sim_device *d, unsigned int index, uint64_t size,
		      uint32_t flags, const struct vfio_sim_region_ops *ops, void *opaque,
		      bool mem_too)
{
	struct vfio_sim *sim = d->group->sim;
	struct sim_region *r;
	int ret = 0;

	sim_lock(sim);
	if (index >= d->num_regions) {
		ret = -EINVAL;
		goto out;
	}
	r = &d->regions[index];
	if (r->present) {
		ret = -EEXIST;
		goto out;
	}
	r->size = size;
	r->flags = flags & ~VFIO_REGION_INFO_FLAG_CAPS;
	r->ops = ops;
	r->opaque = opaque;
	if (!ops || mem_too) {
		ret = region_map_memory(d, index, r);
		if (ret)
			goto out;
	}
	r->present = true;
out:
	sim_unlock(sim);
	return ret;
}

int vfio_sim_region_add(struct vfio_sim_device *d, unsigned int index, uint64_t size,
			uint32_t flags, const struct vfio_sim_region_ops *ops, void *opaque)
{
	if (!size || size > SIM_REGION_MAX || (ops && (flags & VFIO_REGION_INFO_FLAG_MMAP)))
		return -EINVAL;
	return region_add(d, index, size, flags, ops, opaque, false);
}

int vfio_sim_region_add_mmio(struct vfio_sim_device *d, unsigned int index, uint64_t size,
			     uint32_t flags, const struct vfio_sim_region_ops *ops, void *opaque)
{
	if (!size || size > SIM_REGION_MAX || !ops)
		return -EINVAL;
	return region_add(d, index, size, flags, ops, opaque, true);
}

/* The region @index, present, with the sim locked; NULL (unlocked) if absent. */
static struct sim_region *region_lock(struct vfio_sim_device *d, unsigned int index)
{
	struct vfio_sim *sim = d->group->sim;

	sim_lock(sim);
	if (index < d->num_regions && d->regions[index].present)
		return &d->regions[index];
	sim_unlock(sim);
	return NULL;
}

int vfio_sim_region_add_sparse(struct vfio_sim_device *d, unsigned int index, uint64_t offset,
			       uint64_t size)
{
	struct sim_region *r = region_lock(d, index);
	struct vfio_region_sparse_mmap_area *areas;

	if (!r)
		return -EINVAL;
	areas = realloc(r->areas, (r->nr_areas + 1) * sizeof(*areas));
	if (!areas) {
		sim_unlock(d->group->sim);
		return -ENOMEM;
	}
	areas[r->nr_areas].offset = offset;
	areas[r->nr_areas].size = size;
	r->areas = areas;
	r->nr_areas++;
	sim_unlock(d->group->sim);
	return 0;
}

int vfio_sim_region_set_type(struct vfio_sim_device *d, unsigned int index, uint32_t type,
			     uint32_t subtype)
{
	struct sim_region *r = region_lock(d, index);

	if (!r)
		return -EINVAL;
	r->has_type = true;
	r->type = type;
	r->subtype = subtype;
	sim_unlock(d->group->sim);
	return 0;
}

int vfio_sim_region_set_msix_mappable(struct vfio_sim_device *d, unsigned int index)
{
	struct sim_region *r = region_lock(d, index);

	if (!r)
		return -EINVAL;
	r->msix_mappable = true;
	sim_unlock(d->group->sim);
	return 0;
}

int vfio_sim_region_set_nvlink2(struct vfio_sim_device *d, unsigned int index, uint64_t tgt,
				uint32_t link_speed)
{
	struct sim_region *r = region_lock(d, index);

	if (!r)
		return -EINVAL;
	r->nvlink2 = true;
	r->nvlink2_tgt = tgt;
	r->nvlink2_speed = link_speed;
	sim_unlock(d->group->sim);
	return 0;
}

int vfio_sim_region_set_raw_caps(struct vfio_sim_device *d, unsigned int index,
				 const void *chain, size_t len)
{
	struct sim_region *r;
	void *copy = NULL;

	if (len) {
		if (!chain)
			return -EINVAL;
		copy = malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, chain, len);
	}
	r = region_lock(d, index);
	if (!r) {
		free(copy);
		return -EINVAL;
	}
	free(r->raw);
	r->raw = copy;
	r->raw_len = len;
	sim_unlock(d->group->sim);
	return 0;
}

void *vfio_sim_region_mem(struct vfio_sim_device *d, unsigned int index)
{
	struct sim_region *r = region_lock(d, index);
	void *mem;

	if (!r)
		return NULL;
	mem = r->mem; /* NULL for a trapped region without memory */
	sim_unlock(d->group->sim);
	return mem;
}

int vfio_sim_irq_add(struct vfio_sim_device *d, unsigned int index, uint32_t count,
		     uint32_t flags)
{
	struct vfio_sim *sim = d->group->sim;
	struct sim_vector *vec;
	struct sim_irq *q;
	uint32_t v;
	int ret = 0;

	vec = calloc(count ? count : 1, sizeof(*vec));
	if (!vec)
		return -ENOMEM;
	for (v = 0; v < (count ? count : 1); v++)
		vec[v].efd = -1;
	sim_lock(sim);
	if (index >= d->num_irqs) {
		ret = -EINVAL;
	} else if (d->irqs[index].present) {
		ret = -EEXIST;
	} else {
		q = &d->irqs[index];
		q->present = true;
		q->count = count;
		q->flags = flags;
		q->vec = vec;
		vec = NULL;
	}
	sim_unlock(sim);
	free(vec);
	return ret;
}

int vfio_sim_device_set_ops(struct vfio_sim_device *d, const struct vfio_sim_device_ops *ops,
			    void *opaque)
{
	struct vfio_sim *sim = d->group->sim;
	int ret = 0;

	if (!ops)
		return -EINVAL;
	sim_lock(sim);
	if (d->model_ops) {
		ret = -EEXIST;
	} else {
		d->model_ops = ops;
		d->model = opaque;
	}
	sim_unlock(sim);
	return ret;
}

unsigned int vfio_sim_device_reset_count(const struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	unsigned int n;

	sim_lock(sim);
	n = d->reset_count;
	sim_unlock(sim);
	return n;
}

unsigned int vfio_sim_device_open_count(const struct vfio_sim_device *d)
{
	struct vfio_sim *sim = d->group->sim;
	unsigned int n;

	sim_lock(sim);
	n = d->open_count;
	sim_unlock(sim);
	return n;
}
