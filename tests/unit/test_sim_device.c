// SPDX-License-Identifier: MIT
/* The sim's device files: info, region info and caps, access, mmap, reset, features. */

#include "test_sim_fixture.h"

static int region_info(struct s_fix *s, uint32_t index, uint32_t argsz, void *buf)
{
	struct vfio_region_info *info = buf;

	memset(buf, 0, argsz > sizeof(*info) ? argsz : sizeof(*info));
	info->argsz = argsz;
	info->index = index;
	return s->ops->device_get_region_info(s->be, s->device, info);
}

static void test_device_info(void **state)
{
	struct s_fix *s = *state;
	struct vfio_device_info info;

	s_open_device(s, 1);
	memset(&info, 0xff, sizeof(info));
	info.argsz = sizeof(info);
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), 0);
	assert_int_equal(info.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(info.num_regions, 9);
	assert_int_equal(info.num_irqs, 5);
	assert_int_equal(info.cap_offset, 0); /* vfio-pci writes the whole struct */
	info.argsz = 15;
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), -EINVAL);
}

static void test_platform_device_info(void **state)
{
	struct s_fix *s = *state;
	struct vfio_device_info info;

	s_open_device(s, 2);
	memset(&info, 0xff, sizeof(info));
	info.argsz = sizeof(info);
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), 0);
	assert_int_equal(info.flags, VFIO_DEVICE_FLAGS_PLATFORM);
	assert_int_equal(info.num_regions, 2);
	assert_int_equal(info.num_irqs, 2);
	assert_int_equal(info.cap_offset, 0xffffffffu); /* vfio-platform writes 16 bytes only */
}

static void test_region_info_basic(void **state)
{
	struct s_fix *s = *state;
	struct vfio_region_info info;

	s_open_device(s, 1);
	assert_int_equal(region_info(s, 0, sizeof(info), &info), 0);
	assert_int_equal(info.size, S_BAR0);
	assert_int_equal(info.offset, 0);
	assert_int_equal(info.flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
					     VFIO_REGION_INFO_FLAG_MMAP);
	assert_int_equal(region_info(s, 7, sizeof(info), &info), 0);
	assert_int_equal(info.offset, IDX_OFF(7));
	assert_int_equal(info.size, 256);
	/* an absent BAR: size 0, no flags, at its offset */
	assert_int_equal(region_info(s, 1, sizeof(info), &info), 0);
	assert_int_equal(info.size, 0);
	assert_int_equal(info.flags, 0);
	assert_int_equal(info.offset, IDX_OFF(1));
	/* no VGA on this device, and nothing past the last index */
	assert_int_equal(region_info(s, VFIO_PCI_VGA_REGION_INDEX, sizeof(info), &info), -EINVAL);
	assert_int_equal(region_info(s, 9, sizeof(info), &info), -EINVAL);
	assert_int_equal(region_info(s, 0, 31, &info), -EINVAL);
}

static void test_region_caps_chain(void **state)
{
	struct s_fix *s = *state;
	union {
		struct vfio_region_info info;
		uint8_t bytes[512];
	} u;
	const struct vfio_info_cap_header *h;
	const struct vfio_region_info_cap_type *type;
	const struct vfio_region_info_cap_sparse_mmap *sparse;
	const struct vfio_region_info_cap_nvlink2_ssatgt *tgt;
	const struct vfio_region_info_cap_nvlink2_lnkspd *spd;
	uint32_t need;

	assert_int_equal(vfio_sim_region_add_sparse(s->pci, 0, 0, 0x1000), 0);
	assert_int_equal(vfio_sim_region_add_sparse(s->pci, 0, 0x3000, 0x2000), 0);
	assert_int_equal(vfio_sim_region_set_type(s->pci, 0, 1, 2), 0);
	assert_int_equal(vfio_sim_region_set_msix_mappable(s->pci, 0), 0);
	assert_int_equal(vfio_sim_region_set_nvlink2(s->pci, 0, 0xabcd0000ULL, 9), 0);
	s_open_device(s, 1);

	/* too small for the chain: CAPS, the size needed, cap_offset 0 */
	assert_int_equal(region_info(s, 0, sizeof(u.info), &u), 0);
	assert_true(u.info.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(u.info.cap_offset, 0);
	need = u.info.argsz;
	/* type 16 + sparse 16+32 + msix 8 + ssatgt 16 + lnkspd 16 */
	assert_int_equal(need, sizeof(u.info) + 16 + 48 + 8 + 16 + 16);
	assert_int_equal(u.info.size, S_BAR0);

	assert_int_equal(region_info(s, 0, need, &u), 0);
	assert_int_equal(u.info.argsz, need);
	assert_int_equal(u.info.cap_offset, sizeof(u.info));
	h = (const void *)(u.bytes + u.info.cap_offset);
	type = (const void *)h;
	assert_int_equal(h->id, VFIO_REGION_INFO_CAP_TYPE);
	assert_int_equal(h->version, 1);
	assert_int_equal(type->type, 1);
	assert_int_equal(type->subtype, 2);
	h = (const void *)(u.bytes + h->next);
	sparse = (const void *)h;
	assert_int_equal(h->id, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	assert_int_equal(sparse->nr_areas, 2);
	assert_int_equal(sparse->areas[1].offset, 0x3000);
	assert_int_equal(sparse->areas[1].size, 0x2000);
	h = (const void *)(u.bytes + h->next);
	assert_int_equal(h->id, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE);
	h = (const void *)(u.bytes + h->next);
	tgt = (const void *)h;
	assert_int_equal(h->id, VFIO_REGION_INFO_CAP_NVLINK2_SSATGT);
	assert_int_equal(tgt->tgt, 0xabcd0000ULL);
	h = (const void *)(u.bytes + h->next);
	spd = (const void *)h;
	assert_int_equal(h->id, VFIO_REGION_INFO_CAP_NVLINK2_LNKSPD);
	assert_int_equal(spd->link_speed, 9);
	assert_int_equal(h->next, 0);
	/* every capability starts 8-byte aligned */
	assert_int_equal(((const uint8_t *)spd - u.bytes) % 8, 0);
}

static void test_region_raw_caps(void **state)
{
	struct s_fix *s = *state;
	union {
		struct vfio_region_info info;
		uint8_t bytes[256];
	} u;
	/* a loop: the cap points at itself */
	struct vfio_info_cap_header raw[2] = {
		{ .id = 42, .version = 3, .next = sizeof(struct vfio_region_info) },
		{ 0 },
	};

	assert_int_equal(vfio_sim_region_set_raw_caps(s->pci, 2, raw, sizeof(raw)), 0);
	s_open_device(s, 1);
	assert_int_equal(region_info(s, 2, sizeof(u.info) + sizeof(raw), &u), 0);
	assert_true(u.info.flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(u.info.cap_offset, sizeof(u.info));
	assert_memory_equal(u.bytes + sizeof(u.info), raw, sizeof(raw));
	assert_int_equal(vfio_sim_region_set_raw_caps(s->pci, 2, NULL, 0), 0);
	assert_int_equal(region_info(s, 2, sizeof(u), &u), 0);
	assert_false(u.info.flags & VFIO_REGION_INFO_FLAG_CAPS);
}

static void test_platform_region_absent(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_device *odd;
	struct vfio_region_info info;

	assert_int_equal(vfio_sim_device_add(s->g2, "fe001000.odd", VFIO_DEVICE_FLAGS_PLATFORM, 3,
					     0, &odd),
			 0);
	s_attach(s, 2, VFIO_TYPE1v2_IOMMU);
	s->device = s->ops->group_get_device_fd(s->be, s->group, "fe001000.odd");
	assert_true(s->device >= 0);
	assert_int_equal(region_info(s, 0, sizeof(info), &info), -EINVAL);
	assert_int_equal(region_info(s, 3, sizeof(info), &info), -EINVAL);
}

static void test_rw_memory_region(void **state)
{
	struct s_fix *s = *state;
	uint8_t *mem = vfio_sim_region_mem(s->pci, 0);
	uint8_t buf[64], big[256];

	s_open_device(s, 1);
	memset(buf, 0xa5, sizeof(buf));
	assert_int_equal(s->ops->pwrite(s->be, s->device, buf, sizeof(buf), 0x100), sizeof(buf));
	assert_memory_equal(mem + 0x100, buf, sizeof(buf));
	mem[0x200] = 0x42;
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 1, 0x200), 1);
	assert_int_equal(buf[0], 0x42);
	/* short count at the end, EINVAL at and past it, 0 for count 0 */
	assert_int_equal(s->ops->pread(s->be, s->device, big, sizeof(big), S_BAR0 - 16), 16);
	assert_int_equal(s->ops->pread(s->be, s->device, big, 1, S_BAR0), -EINVAL);
	assert_int_equal(s->ops->pread(s->be, s->device, big, 0, S_BAR0 + 5), 0);
	/* absent region, past the last index, read-only region, ROM writes */
	assert_int_equal(s->ops->pread(s->be, s->device, big, 4, IDX_OFF(1)), -EINVAL);
	assert_int_equal(s->ops->pread(s->be, s->device, big, 4, IDX_OFF(9)), -EINVAL);
	assert_int_equal(s->ops->pwrite(s->be, s->device, big, 4, IDX_OFF(4)), -EINVAL);
	assert_int_equal(s->ops->pread(s->be, s->device, big, 4, IDX_OFF(4)), 4);
	assert_int_equal(s->ops->pwrite(s->be, s->device, big, 4, IDX_OFF(6)), -EINVAL);
	assert_int_equal(s->ops->pread(s->be, s->device, big, 4, IDX_OFF(6)), 4);
}

static void test_rw_config_bounds(void **state)
{
	struct s_fix *s = *state;
	uint8_t buf[16] = { 1, 2, 3, 4 };

	s_open_device(s, 1);
	assert_int_equal(s->ops->pwrite(s->be, s->device, buf, 4, IDX_OFF(7) + 0x40), 4);
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 16, IDX_OFF(7) + 0xf0), 16);
	/* config space is all or nothing */
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 16, IDX_OFF(7) + 0xf8), -EFAULT);
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 1, IDX_OFF(7) + 0x100), -EFAULT);
}

static void test_rw_trapped_widths(void **state)
{
	struct s_fix *s = *state;
	uint8_t buf[32];
	unsigned int i;

	s_open_device(s, 1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)i;
	/* 15 bytes at 1: 1, 2, 4, 8 — naturally aligned, at most 8 */
	assert_int_equal(s->ops->pwrite(s->be, s->device, buf, 15, IDX_OFF(2) + 1), 15);
	assert_int_equal(s->nlog, 4);
	assert_int_equal(s->log[0].off, 1);
	assert_int_equal(s->log[0].len, 1);
	assert_int_equal(s->log[1].off, 2);
	assert_int_equal(s->log[1].len, 2);
	assert_int_equal(s->log[2].off, 4);
	assert_int_equal(s->log[2].len, 4);
	assert_int_equal(s->log[3].off, 8);
	assert_int_equal(s->log[3].len, 8);
	assert_memory_equal(s->bar2 + 1, buf, 15);
	/* a read runs to the end of the region and no further */
	s->nlog = 0;
	assert_int_equal(s->ops->pread(s->be, s->device, buf, sizeof(buf), IDX_OFF(2) + S_BAR2 - 4),
			 4);
	assert_int_equal(s->nlog, 1);
	assert_int_equal(s->log[0].write, 0);
	/* the model's error comes back; a short access stops the transfer */
	s->fail = -EIO;
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 8, IDX_OFF(2)), -EIO);
	s->fail = 2;
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 16, IDX_OFF(2)), 2);
	s->fail = 0;
}

static void test_rw_platform_widths(void **state)
{
	struct s_fix *s = *state;
	uint8_t buf[16] = { 0 };

	s_open_device(s, 2);
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 16, IDX_OFF(1)), 16);
	assert_int_equal(s->nlog, 4); /* vfio-platform: 4 bytes at most */
	assert_int_equal(s->log[3].len, 4);
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 4, IDX_OFF(1) + 0x100), -EINVAL);
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 4, IDX_OFF(2)), -EINVAL);
}

static void test_mmap_region(void **state)
{
	struct s_fix *s = *state;
	uint8_t *mem = vfio_sim_region_mem(s->pci, 0);
	uint8_t *p = NULL, buf[4];

	s_open_device(s, 1);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_BAR0, PROT_READ | PROT_WRITE,
				      MAP_SHARED, 0, (void **)&p),
			 0);
	/* one memory: the user's mapping, the device's view and pread see the same */
	p[0x10] = 0x99;
	assert_int_equal(mem[0x10], 0x99);
	mem[0x20] = 0x77;
	assert_int_equal(p[0x20], 0x77);
	p[0x30] = 0x55;
	assert_int_equal(s->ops->pread(s->be, s->device, buf, 1, 0x30), 1);
	assert_int_equal(buf[0], 0x55);
	assert_int_equal(s->ops->munmap(s->be, p, S_BAR0), 0);
	/* a page inside the BAR */
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      S_PAGE * 3, (void **)&p),
			 0);
	assert_int_equal(p[0x10], mem[3 * S_PAGE + 0x10]);
	assert_int_equal(s->ops->munmap(s->be, p, S_PAGE), 0);
	/* the mapping outlives the device fd, as a vma holds its file */
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ | PROT_WRITE,
				      MAP_SHARED, 0, (void **)&p),
			 0);
	s_close(s, &s->device);
	p[0] = 0x11;
	assert_int_equal(mem[0], 0x11);
	assert_int_equal(s->ops->munmap(s->be, p, S_PAGE), 0);
}

static void test_mmap_refused(void **state)
{
	struct s_fix *s = *state;
	void *p;

	s_open_device(s, 1);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_PRIVATE, 0,
				      &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_BAR0 + S_PAGE, PROT_READ,
				      MAP_SHARED, 0, &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      S_BAR0, &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, 0, PROT_READ, MAP_SHARED, 0, &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED, 100,
				      &p),
			 -EINVAL);
	/* trapped, no MMAP flag, absent, ROM, config, past the last index */
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      IDX_OFF(2), &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      IDX_OFF(4), &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      IDX_OFF(1), &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      IDX_OFF(6), &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      IDX_OFF(7), &p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, s->device, NULL, S_PAGE, PROT_READ, MAP_SHARED,
				      IDX_OFF(9), &p),
			 -EINVAL);
}

static void test_mmap_platform(void **state)
{
	struct s_fix *s = *state;
	struct vfio_sim_device *ro;
	uint8_t *p;
	int fd;

	/* vfio-platform checks the protection against the region's flags */
	assert_int_equal(vfio_sim_device_add(s->g2, "fe002000.rom", VFIO_DEVICE_FLAGS_PLATFORM, 2,
					     0, &ro),
			 0);
	const uint32_t rom = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP;

	assert_int_equal(vfio_sim_region_add(ro, 0, 0x2000, rom, NULL, NULL), 0);
	assert_int_equal(vfio_sim_region_add(ro, 1, 0x800, rom, NULL, NULL), 0);
	s_attach(s, 2, VFIO_TYPE1v2_IOMMU);
	fd = s->ops->group_get_device_fd(s->be, s->group, "fe002000.rom");
	assert_true(fd >= 0);
	assert_int_equal(s->ops->mmap(s->be, fd, NULL, S_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
				      0, (void **)&p),
			 -EINVAL);
	assert_int_equal(s->ops->mmap(s->be, fd, NULL, S_PAGE, PROT_READ, MAP_SHARED, 0,
				      (void **)&p),
			 0);
	assert_int_equal(s->ops->munmap(s->be, p, S_PAGE), 0);
	/* smaller than a page: not mappable */
	assert_int_equal(s->ops->mmap(s->be, fd, NULL, S_PAGE, PROT_READ, MAP_SHARED, IDX_OFF(1),
				      (void **)&p),
			 -EINVAL);
	assert_int_equal(s->ops->close(s->be, fd), 0);
}

static void test_reset(void **state)
{
	struct s_fix *s = *state;
	int dev;

	s_open_device(s, 1);
	assert_int_equal(s->ops->device_reset(s->be, s->device), 0);
	assert_int_equal(s->ops->device_reset(s->be, s->device), 0);
	assert_int_equal(vfio_sim_device_reset_count(s->pci), 2);
	/* the platform device has no reset */
	s_close(s, &s->device);
	s_close(s, &s->group);
	s->group = s->ops->open(s->be, "/dev/vfio/2", O_RDWR);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	assert_int_equal(s->ops->set_iommu(s->be, s->container, VFIO_TYPE1v2_IOMMU), 0);
	dev = s->ops->group_get_device_fd(s->be, s->group, S_PLAT);
	assert_true(dev >= 0);
	assert_int_equal(s->ops->device_reset(s->be, dev), -EINVAL);
	assert_int_equal(s->ops->close(s->be, dev), 0);
}

static int feature(struct s_fix *s, uint32_t argsz, uint32_t flags, const void *data,
		   size_t len)
{
	union {
		struct vfio_device_feature f;
		uint8_t bytes[64];
	} u;

	memset(&u, 0, sizeof(u));
	u.f.argsz = argsz;
	u.f.flags = flags;
	if (len)
		memcpy(u.f.data, data, len);
	return s->ops->device_feature(s->be, s->device, &u.f);
}

static void test_device_feature(void **state)
{
	struct s_fix *s = *state;
	const uint32_t hdr = sizeof(struct vfio_device_feature);
	struct vfio_device_low_power_entry_with_wakeup w = { .wakeup_eventfd = -1 };
	int efd = s_eventfd();

	s_open_device(s, 1);
	assert_int_equal(feature(s, 4, VFIO_DEVICE_FEATURE_PROBE, NULL, 0), -EINVAL);
	assert_int_equal(feature(s, hdr, 1u << 20, NULL, 0), -EINVAL);
	assert_int_equal(feature(s, hdr,
				 VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET |
					 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
				 NULL, 0),
			 -EINVAL);
	/* no migration, no dirty logging, no VF token */
	assert_int_equal(feature(s, hdr, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_MIGRATION,
				 NULL, 0),
			 -ENOTTY);
	assert_int_equal(feature(s, hdr,
				 VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
				 NULL, 0),
			 -ENOTTY);
	assert_int_equal(feature(s, hdr, VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN,
				 NULL, 0),
			 -ENOTTY);
	/* low power: SET only */
	assert_int_equal(feature(s, hdr,
				 VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
					 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
				 NULL, 0),
			 0);
	assert_int_equal(feature(s, hdr,
				 VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
				 NULL, 0),
			 -EINVAL);
	assert_int_equal(feature(s, hdr, VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, NULL, 0), -EINVAL);
	assert_int_equal(feature(s, hdr,
				 VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
				 NULL, 0),
			 0);
	assert_int_equal(feature(s, hdr,
				 VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL,
				 0),
			 0);
	assert_int_equal(feature(s, hdr + sizeof(w),
				 VFIO_DEVICE_FEATURE_SET |
					 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
				 &w, sizeof(w)),
			 -EINVAL);
	assert_int_equal(feature(s, hdr,
				 VFIO_DEVICE_FEATURE_SET |
					 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
				 &w, sizeof(w)),
			 -EINVAL);
	w.wakeup_eventfd = efd;
	assert_int_equal(feature(s, hdr + sizeof(w),
				 VFIO_DEVICE_FEATURE_SET |
					 VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
				 &w, sizeof(w)),
			 0);
	close(efd);
}

static void test_hot_reset(void **state)
{
	struct s_fix *s = *state;
	struct vfio_pci_hot_reset_info info = { .argsz = sizeof(info) };
	struct vfio_pci_hot_reset reset = { .argsz = sizeof(reset), .count = 1 };

	s_open_device(s, 1);
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, s->device, &info), -ENODEV);
	info.argsz = 8;
	assert_int_equal(s->ops->device_get_pci_hot_reset_info(s->be, s->device, &info), -EINVAL);
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, s->device, &reset), -ENODEV);
	reset.count = 0;
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, s->device, &reset), -EINVAL);
	reset.count = 1;
	reset.flags = 1;
	assert_int_equal(s->ops->device_pci_hot_reset(s->be, s->device, &reset), -EINVAL);
}

static int ioeventfd(struct s_fix *s, uint64_t offset, uint64_t data, uint32_t size, int32_t fd)
{
	struct vfio_device_ioeventfd req = {
		.argsz = sizeof(req),
		.flags = size,
		.offset = offset,
		.data = data,
		.fd = fd,
	};

	return s->ops->device_ioeventfd(s->be, s->device, &req);
}

static void test_ioeventfd(void **state)
{
	struct s_fix *s = *state;
	uint8_t *mem = vfio_sim_region_mem(s->pci, 0);
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int efd = s_eventfd();

	s_open_device(s, 1);
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 3, efd), -EINVAL); /* two sizes */
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 0x10, efd), -EINVAL);
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 4, -2), -EINVAL);
	assert_int_equal(ioeventfd(s, IDX_OFF(7), 1, 4, efd), -EINVAL); /* not a BAR */
	assert_int_equal(ioeventfd(s, S_BAR0 - 2, 1, 4, efd), -EINVAL);
	assert_int_equal(ioeventfd(s, IDX_OFF(1), 1, 4, efd), -EINVAL); /* absent BAR */
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 4, 9999), -EBADF);
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 4, -1), -ENODEV);
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 4, efd), 0);
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 4, efd), -EEXIST);
	assert_int_equal(ioeventfd(s, IDX_OFF(2) + 8, 0xcafe, 2, efd), 0);
	/* the eventfd fires: the next entry into the sim does the writes */
	assert_int_equal(eventfd_write(efd, 1), 0);
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), 0);
	assert_int_equal(mem[0x40], 0x44);
	assert_int_equal(mem[0x43], 0x11);
	assert_int_equal(s->bar2[8], 0xfe);
	assert_int_equal(s->bar2[9], 0xca);
	assert_int_equal(s->nlog, 1);
	assert_int_equal(s->log[0].len, 2);
	/* removed with fd -1 */
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 4, -1), 0);
	assert_int_equal(ioeventfd(s, 0x40, 0x11223344, 4, -1), -ENODEV);
	mem[0x40] = 0;
	assert_int_equal(eventfd_write(efd, 1), 0);
	assert_int_equal(s->ops->device_get_info(s->be, s->device, &info), 0);
	assert_int_equal(mem[0x40], 0);
	close(efd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_device_info, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_platform_device_info, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_region_info_basic, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_region_caps_chain, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_region_raw_caps, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_platform_region_absent, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_rw_memory_region, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_rw_config_bounds, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_rw_trapped_widths, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_rw_platform_widths, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_mmap_region, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_mmap_refused, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_mmap_platform, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_reset, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_device_feature, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_hot_reset, s_setup, s_teardown),
		cmocka_unit_test_setup_teardown(test_ioeventfd, s_setup, s_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
