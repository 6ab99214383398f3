// SPDX-License-Identifier: MIT
/*
 * Device files: info, region info with capability chains, region access by
 * pread/pwrite and mmap, reset and the device feature ioctl, as vfio-pci
 * (drivers/vfio/pci/vfio_pci_core.c, vfio_pci_rdwr.c) and vfio-platform
 * (drivers/vfio/platform/vfio_platform_common.c) answer them.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sim_private.h"

#define INFO_MINSZ (offsetof(struct vfio_device_info, num_irqs) + sizeof(uint32_t))
#define REGION_MINSZ (offsetof(struct vfio_region_info, offset) + sizeof(uint64_t))
#define FEATURE_MINSZ (offsetof(struct vfio_device_feature, flags) + sizeof(uint32_t))

#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
#endif

static uint64_t page_align(uint64_t v)
{
	return (v + SIM_PAGE_SIZE - 1) & ~(SIM_PAGE_SIZE - 1);
}

int sim_device_get_info(struct vfio_backend *be, int fd, struct vfio_device_info *info)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_device_info out = { 0 };
	struct vfio_sim_device *d;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_arg(sim, fd, info, &ret);
	if (!d)
		goto out;
	memcpy(&out, info, INFO_MINSZ);
	if (out.argsz < INFO_MINSZ) {
		ret = -EINVAL;
		goto out;
	}
	out.flags = d->flags & ~VFIO_DEVICE_FLAGS_CAPS;
	out.num_regions = d->num_regions;
	out.num_irqs = d->num_irqs;
	/* vfio-pci writes back the whole struct argsz covers, vfio-platform the minimum */
	memcpy(info, &out,
	       sim_is_pci(d) ? (out.argsz < sizeof(out) ? out.argsz : sizeof(out)) : INFO_MINSZ);
out:
	sim_unlock(sim);
	return ret;
}

static void build_region_caps(const struct sim_region *r, struct sim_caps *caps)
{
	struct vfio_region_info_cap_type *type;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_region_info_cap_nvlink2_ssatgt *ssatgt;
	struct vfio_region_info_cap_nvlink2_lnkspd *lnkspd;

	if (r->has_type) {
		type = sim_caps_add(caps, sizeof(*type), VFIO_REGION_INFO_CAP_TYPE, 1);
		if (type) {
			type->type = r->type;
			type->subtype = r->subtype;
		}
	}
	if (r->nr_areas) {
		sparse = sim_caps_add(caps, sizeof(*sparse) + r->nr_areas * sizeof(r->areas[0]),
				      VFIO_REGION_INFO_CAP_SPARSE_MMAP, 1);
		if (sparse) {
			sparse->nr_areas = r->nr_areas;
			memcpy(sparse->areas, r->areas, r->nr_areas * sizeof(r->areas[0]));
		}
	}
	if (r->msix_mappable)
		sim_caps_add(caps, sizeof(struct vfio_info_cap_header),
			     VFIO_REGION_INFO_CAP_MSIX_MAPPABLE, 1);
	if (r->nvlink2) {
		ssatgt = sim_caps_add(caps, sizeof(*ssatgt), VFIO_REGION_INFO_CAP_NVLINK2_SSATGT,
				      1);
		if (ssatgt)
			ssatgt->tgt = r->nvlink2_tgt;
		lnkspd = sim_caps_add(caps, sizeof(*lnkspd), VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD,
				      1);
		if (lnkspd)
			lnkspd->link_speed = r->nvlink2_speed;
	}
}

static int region_info(struct vfio_sim_device *d, struct vfio_region_info *info)
{
	struct vfio_region_info out;
	struct sim_caps caps = { 0 };
	const struct sim_region *r;
	bool raw;

	memcpy(&out, info, REGION_MINSZ);
	if (out.argsz < REGION_MINSZ || out.index >= d->num_regions)
		return -EINVAL;
	r = &d->regions[out.index];
	out.offset = (uint64_t)out.index << SIM_INDEX_SHIFT;
	if (!r->present) {
		/* vfio-pci: a BAR or ROM the device lacks has size 0; other indexes fail */
		if (!sim_is_pci(d) || out.index > VFIO_PCI_ROM_REGION_INDEX)
			return -EINVAL;
		out.size = 0;
		out.flags = 0;
		memcpy(info, &out, REGION_MINSZ);
		return 0;
	}
	out.size = r->size;
	out.flags = r->flags;
	raw = r->raw_len;
	if (raw) {
		caps.buf = r->raw; /* given verbatim, offsets already final */
		caps.size = r->raw_len;
	} else {
		build_region_caps(r, &caps);
		if (caps.err)
			return caps.err;
	}
	if (caps.size) {
		out.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (out.argsz < sizeof(out) + caps.size) {
			out.argsz = (uint32_t)(sizeof(out) + caps.size);
			out.cap_offset = 0;
		} else {
			if (!raw)
				sim_caps_shift(&caps, sizeof(out));
			memcpy(info + 1, caps.buf, caps.size);
			out.cap_offset = sizeof(out);
		}
	}
	if (!raw)
		sim_caps_free(&caps);
	memcpy(info, &out, REGION_MINSZ);
	return 0;
}

int sim_device_get_region_info(struct vfio_backend *be, int fd, struct vfio_region_info *info)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_arg(sim, fd, info, &ret);
	if (d)
		ret = region_info(d, info);
	sim_unlock(sim);
	return ret;
}

/* Widest access a trapped region sees, as the kernel splits them; 0: no split. */
static unsigned int access_width(const struct vfio_sim_device *d, unsigned int index)
{
	if (!sim_is_pci(d))
		return 4; /* vfio_platform_{read,write}_mmio */
	if (index <= VFIO_PCI_BAR5_REGION_INDEX)
		return 8;
	if (index < VFIO_PCI_NUM_REGIONS)
		return 4; /* ROM, config (dwords), VGA */
	return 0; /* device-specific regions get the whole access */
}

static ssize_t trapped_rw(struct vfio_sim_device *d, unsigned int index, void *buf, size_t count,
			  uint64_t pos, bool write)
{
	const struct sim_region *r = &d->regions[index];
	unsigned int maxw = access_width(d, index);
	uint8_t *p = buf;
	size_t done = 0;

	if (write ? !r->ops->write : !r->ops->read)
		return -EINVAL;
	while (count) {
		size_t w = 1;
		ssize_t n;

		if (!maxw)
			w = count;
		else if (maxw >= 8 && count >= 8 && !(pos % 8))
			w = 8;
		else if (count >= 4 && !(pos % 4))
			w = 4;
		else if (count >= 2 && !(pos % 2))
			w = 2;
		if (write)
			n = r->ops->write(r->opaque, pos, p, w);
		else
			n = r->ops->read(r->opaque, pos, p, w);
		if (n < 0)
			return n;
		if ((size_t)n > w)
			n = (ssize_t)w;
		done += (size_t)n;
		if ((size_t)n < w)
			break;
		p += w;
		pos += w;
		count -= w;
	}
	return (ssize_t)done;
}

static ssize_t region_rw(struct vfio_sim_device *d, void *buf, size_t count, uint64_t offset,
			 bool write)
{
	unsigned int index = (unsigned int)(offset >> SIM_INDEX_SHIFT);
	uint64_t pos = offset & SIM_OFFSET_MASK;
	const struct sim_region *r;

	if (!count)
		return 0;
	if (index >= d->num_regions)
		return -EINVAL;
	r = &d->regions[index];
	if (!r->present)
		return -EINVAL;
	if (!(r->flags & (write ? VFIO_REGION_INFO_FLAG_WRITE : VFIO_REGION_INFO_FLAG_READ)))
		return -EINVAL; /* vfio-pci refuses ROM writes, vfio-platform checks the flags */
	if (sim_is_pci(d) && index == VFIO_PCI_CONFIG_REGION_INDEX) {
		/* config space: all or nothing */
		if (pos >= r->size || pos + count > r->size)
			return -EFAULT;
	} else {
		/* BARs: short count at the end */
		if (pos >= r->size)
			return -EINVAL;
		if (count > r->size - pos)
			count = (size_t)(r->size - pos);
	}
	if (r->ops)
		return trapped_rw(d, index, buf, count, pos, write);
	if (write)
		memcpy((uint8_t *)r->mem + pos, buf, count);
	else
		memcpy(buf, (uint8_t *)r->mem + pos, count);
	return (ssize_t)count;
}

ssize_t sim_region_write(struct vfio_sim_device *d, unsigned int index, const void *buf,
			 size_t count, uint64_t pos)
{
	return region_rw(d, (void *)(uintptr_t)buf, count,
			 ((uint64_t)index << SIM_INDEX_SHIFT) | pos, true);
}

ssize_t sim_region_read(struct vfio_sim_device *d, unsigned int index, void *buf, size_t count,
			uint64_t pos)
{
	return region_rw(d, buf, count, ((uint64_t)index << SIM_INDEX_SHIFT) | pos, false);
}

static ssize_t file_rw(struct vfio_backend *be, int fd, void *buf, size_t count,
		       uint64_t offset, bool write)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_file *f;
	ssize_t ret;

	sim_lock(sim);
	f = sim_file_lookup(sim, fd);
	if (!f)
		ret = -EBADF;
	else if (f->type != SIM_FILE_DEVICE || (f->cdev && !f->bound))
		ret = -EINVAL; /* no read or write file operation; a cdev file not bound yet */
	else if (!buf && count)
		ret = -EFAULT;
	else
		ret = region_rw(f->u.device, buf, count, offset, write);
	sim_unlock(sim);
	return ret;
}

ssize_t sim_pread(struct vfio_backend *be, int fd, void *buf, size_t count, uint64_t offset)
{
	return file_rw(be, fd, buf, count, offset, false);
}

ssize_t sim_pwrite(struct vfio_backend *be, int fd, const void *buf, size_t count,
		   uint64_t offset)
{
	return file_rw(be, fd, (void *)(uintptr_t)buf, count, offset, true);
}

/* vfio_pci_core_mmap / vfio_platform_mmap: may this range be mapped? */
static int mmap_check(const struct vfio_sim_device *d, size_t length, int prot, int flags,
		      uint64_t offset)
{
	unsigned int index = (unsigned int)(offset >> SIM_INDEX_SHIFT);
	uint64_t start = offset & SIM_OFFSET_MASK, len = page_align(length);
	int type = flags & MAP_TYPE;
	const struct sim_region *r;

	if (index >= d->num_regions)
		return -EINVAL;
	if (type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
		return -EINVAL;
	r = &d->regions[index];
	if (!r->present || !r->mem || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -EINVAL; /* a trapped region maps only when it has memory (mmio) */
	if (sim_is_pci(d)) {
		/* ROM, config and VGA are never mapped */
		if (index >= VFIO_PCI_ROM_REGION_INDEX && index < VFIO_PCI_NUM_REGIONS)
			return -EINVAL;
		if (start + len > page_align(r->size))
			return -EINVAL;
		return 0;
	}
	if (!(r->flags & VFIO_REGION_INFO_FLAG_READ) && (prot & PROT_READ))
		return -EINVAL;
	if (!(r->flags & VFIO_REGION_INFO_FLAG_WRITE) && (prot & PROT_WRITE))
		return -EINVAL;
	if (r->size < SIM_PAGE_SIZE || start + len > r->size)
		return -EINVAL;
	return 0;
}

int sim_mmap(struct vfio_backend *be, int fd, void *addr, size_t length, int prot, int flags,
	     uint64_t offset, void **out)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_file *f;
	void *p;
	int ret;

	sim_lock(sim);
	f = sim_file_lookup(sim, fd);
	if (!f)
		ret = -EBADF;
	else if (f->type != SIM_FILE_DEVICE)
		ret = -ENODEV; /* no mmap file operation */
	else if (f->cdev && !f->bound)
		ret = -EINVAL; /* access not granted before the bind */
	else if (!out)
		ret = -EFAULT;
	else if (!length || (offset & (SIM_PAGE_SIZE - 1)))
		ret = -EINVAL; /* the syscall's own checks come first */
	else
		ret = mmap_check(f->u.device, length, prot, flags, offset);
	if (!ret) {
		p = mmap(addr, length, prot, flags, fd, (off_t)offset);
		if (p == MAP_FAILED)
			ret = -errno;
		else
			*out = p;
	}
	sim_unlock(sim);
	return ret;
}

int sim_munmap(struct vfio_backend *be, void *addr, size_t length)
{
	(void)be;
	return munmap(addr, length) ? -errno : 0;
}

int sim_device_reset(struct vfio_backend *be, int fd)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_of(sim, fd, &ret);
	if (d) {
		if (!(d->flags & VFIO_DEVICE_FLAGS_RESET)) {
			ret = -EINVAL; /* !reset_works; vfio-platform without a reset handler */
		} else {
			d->reset_count++;
			if (d->model_ops && d->model_ops->reset)
				d->model_ops->reset(d->model);
		}
	}
	sim_unlock(sim);
	return ret;
}

/* vfio_check_feature: 1 to go on, 0 for a successful probe, -EINVAL */
static int check_feature(uint32_t flags, size_t argsz, uint32_t supported, size_t minsz)
{
	if ((flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)) & ~supported)
		return -EINVAL;
	if (flags & VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!(flags & (VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET)))
		return -EINVAL;
	if (argsz < minsz)
		return -EINVAL;
	return 1;
}

static int pci_feature(struct vfio_device_feature *feature)
{
	size_t argsz = feature->argsz - FEATURE_MINSZ;
	struct vfio_device_low_power_entry_with_wakeup entry;
	int ret, efd;

	switch (feature->flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
	case VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		ret = check_feature(feature->flags, argsz, VFIO_DEVICE_FEATURE_SET, 0);
		return ret == 1 ? 0 : ret;
	case VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP:
		ret = check_feature(feature->flags, argsz, VFIO_DEVICE_FEATURE_SET, sizeof(entry));
		if (ret != 1)
			return ret;
		memcpy(&entry, feature->data, sizeof(entry));
		if (entry.wakeup_eventfd < 0)
			return -EINVAL;
		efd = sim_eventfd_get(entry.wakeup_eventfd);
		if (efd < 0)
			return efd;
		sim_close_fd(&efd); /* the device never sleeps in the sim: no wake-up */
		return 0;
	default: /* PCI_VF_TOKEN: not an SR-IOV PF; BUS_MASTER: CDX devices only (6.12) */
		return -ENOTTY;
	}
}

int sim_device_feature(struct vfio_backend *be, int fd, struct vfio_device_feature *feature)
{
	const uint32_t known = VFIO_DEVICE_FEATURE_MASK | VFIO_DEVICE_FEATURE_SET |
			       VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PROBE;
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	uint32_t flags;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_arg(sim, fd, feature, &ret);
	if (!d)
		goto out;
	flags = feature->flags;
	if (feature->argsz < FEATURE_MINSZ || (flags & ~known) ||
	    (!(flags & VFIO_DEVICE_FEATURE_PROBE) && (flags & VFIO_DEVICE_FEATURE_SET) &&
	     (flags & VFIO_DEVICE_FEATURE_GET))) {
		ret = -EINVAL;
		goto out;
	}
	switch (flags & VFIO_DEVICE_FEATURE_MASK) {
	case VFIO_DEVICE_FEATURE_MIGRATION:
	case VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP:
	case VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
	case VFIO_DEVICE_FEATURE_MIG_DATA_SIZE:
		ret = -ENOTTY; /* no migration or dirty-logging driver */
		break;
	default:
		ret = sim_is_pci(d) ? pci_feature(feature) : -ENOTTY;
		break;
	}
out:
	sim_unlock(sim);
	return ret;
}
