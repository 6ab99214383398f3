/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_UNIT_TEST_SIM_FIXTURE_H
#define LIBVFIO_TESTS_UNIT_TEST_SIM_FIXTURE_H

/*
 * The sim tests' own topology, driven through the raw vtable with the kernel's
 * uAPI structs (no libvfio core in between).
 *
 * Group 1 (viable): PCI device S_PCI, 9 regions, 5 irq indexes:
 *   BAR0  64 KiB memory, READ|WRITE|MMAP
 *   BAR2  4 KiB trapped (s->bar2 model), READ|WRITE
 *   BAR4  4 KiB memory, READ only
 *   ROM   8 KiB memory, READ
 *   config 256 bytes memory, READ|WRITE
 *   INTx 1 (EVENTFD|MASKABLE|AUTOMASKED), MSI 4 (NORESIZE), MSI-X 8 (no NORESIZE:
 *   dynamic), REQ 1; ERR absent (conventional PCI)
 * Group 2 (viable): platform device S_PLAT, 2 regions (0: 8 KiB memory MMAP,
 *   1: 0x100 trapped), 2 irqs (0: MASKABLE|AUTOMASKED, 1: plain)
 * Group 3 (not viable): PCI device S_BAD
 */

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include <linux/vfio.h>
#include <vfio/backend.h>
#include <vfio/sim.h>

#define S_PCI "0000:00:01.0"
#define S_PLAT "fe000000.dma"
#define S_BAD "0000:00:02.0"
#define S_BAR0 0x10000u
#define S_BAR2 0x1000u
#define S_PAGE 4096u
#define IDX_OFF(i) ((uint64_t)(i) << 40)

struct s_access {
	uint64_t off;
	size_t len;
	int write;
};

struct s_fix {
	struct vfio_sim *sim;
	struct vfio_backend *be;
	const struct vfio_backend_ops *ops;
	struct vfio_sim_group *g1, *g2, *g3;
	struct vfio_sim_device *pci, *plat, *bad;
	int container, group, device; /* -1 until opened */
	/* the trapped BAR2 model */
	uint8_t bar2[S_BAR2];
	struct s_access log[64];
	unsigned int nlog;
	ssize_t fail; /* < 0: the next accesses fail so; > 0: they stop short at this many bytes */
	int raise_on_write; /* raise MSI-X vector 0 from the write callback */
	void *buf;	    /* page-aligned DMA memory */
	size_t buflen;
};

static inline void s_log(struct s_fix *s, uint64_t off, size_t len, int write)
{
	if (s->nlog < sizeof(s->log) / sizeof(s->log[0]))
		s->log[s->nlog++] = (struct s_access){ off, len, write };
}

static inline ssize_t s_bar2_read(void *opaque, uint64_t off, void *buf, size_t len)
{
	struct s_fix *s = opaque;

	s_log(s, off, len, 0);
	if (s->fail < 0)
		return s->fail;
	if (s->fail > 0 && (size_t)s->fail < len)
		len = (size_t)s->fail;
	memcpy(buf, s->bar2 + off, len);
	return (ssize_t)len;
}

static inline ssize_t s_bar2_write(void *opaque, uint64_t off, const void *buf, size_t len)
{
	struct s_fix *s = opaque;

	s_log(s, off, len, 1);
	if (s->fail < 0)
		return s->fail;
	memcpy(s->bar2 + off, buf, len);
	if (s->raise_on_write)
		vfio_sim_device_raise_irq(s->pci, VFIO_PCI_MSIX_IRQ_INDEX, 0);
	return (ssize_t)len;
}

static const struct vfio_sim_region_ops s_bar2_ops = {
	.read = s_bar2_read,
	.write = s_bar2_write,
};

static inline void s_build(struct s_fix *s)
{
	const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;

	s->container = s->group = s->device = -1;
	assert_int_equal(vfio_sim_new(&s->sim), 0);
	s->be = vfio_sim_backend(s->sim);
	s->ops = s->be->ops;
	assert_int_equal(vfio_sim_group_add(s->sim, 1, &s->g1), 0);
	assert_int_equal(vfio_sim_group_add(s->sim, 2, &s->g2), 0);
	assert_int_equal(vfio_sim_group_add(s->sim, 3, &s->g3), 0);
	vfio_sim_group_set_viable(s->g3, false);
	assert_int_equal(vfio_sim_device_add(s->g1, S_PCI,
					     VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, 9, 5,
					     &s->pci),
			 0);
	assert_int_equal(vfio_sim_region_add(s->pci, 0, S_BAR0,
					     rw | VFIO_REGION_INFO_FLAG_MMAP, NULL, NULL),
			 0);
	assert_int_equal(vfio_sim_region_add(s->pci, 2, S_BAR2, rw, &s_bar2_ops, s), 0);
	assert_int_equal(vfio_sim_region_add(s->pci, 4, 0x1000, VFIO_REGION_INFO_FLAG_READ, NULL,
					     NULL),
			 0);
	assert_int_equal(vfio_sim_region_add(s->pci, 6, 0x2000, VFIO_REGION_INFO_FLAG_READ, NULL,
					     NULL),
			 0);
	assert_int_equal(vfio_sim_region_add(s->pci, 7, 256, rw, NULL, NULL), 0);
	assert_int_equal(vfio_sim_irq_add(s->pci, 0, 1,
					  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
						  VFIO_IRQ_INFO_AUTOMASKED),
			 0);
	assert_int_equal(vfio_sim_irq_add(s->pci, 1, 4,
					  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
			 0);
	assert_int_equal(vfio_sim_irq_add(s->pci, 2, 8, VFIO_IRQ_INFO_EVENTFD), 0);
	assert_int_equal(vfio_sim_irq_add(s->pci, 4, 1,
					  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE),
			 0);

	assert_int_equal(vfio_sim_device_add(s->g2, S_PLAT, VFIO_DEVICE_FLAGS_PLATFORM, 2, 2,
					     &s->plat),
			 0);
	assert_int_equal(vfio_sim_region_add(s->plat, 0, 0x2000, rw | VFIO_REGION_INFO_FLAG_MMAP,
					     NULL, NULL),
			 0);
	assert_int_equal(vfio_sim_region_add(s->plat, 1, 0x100, rw, &s_bar2_ops, s), 0);
	assert_int_equal(vfio_sim_irq_add(s->plat, 0, 1,
					  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
						  VFIO_IRQ_INFO_AUTOMASKED),
			 0);
	assert_int_equal(vfio_sim_irq_add(s->plat, 1, 1, VFIO_IRQ_INFO_EVENTFD), 0);

	assert_int_equal(vfio_sim_device_add(s->g3, S_BAD, VFIO_DEVICE_FLAGS_PCI, 9, 5, &s->bad),
			 0);
}

static inline int s_setup(void **state)
{
	struct s_fix *s = calloc(1, sizeof(*s));

	if (!s)
		return -1;
	s_build(s);
	s->buflen = 16 * S_PAGE;
	s->buf = mmap(NULL, s->buflen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		      0);
	if (s->buf == MAP_FAILED)
		return -1;
	*state = s;
	return 0;
}

static inline void s_close(struct s_fix *s, int *fd)
{
	if (*fd >= 0) {
		assert_int_equal(s->ops->close(s->be, *fd), 0);
		*fd = -1;
	}
}

static inline int s_teardown(void **state)
{
	struct s_fix *s = *state;

	s_close(s, &s->device);
	s_close(s, &s->group);
	s_close(s, &s->container);
	assert_int_equal(vfio_sim_open_handles(s->sim), 0);
	vfio_backend_destroy(s->be);
	munmap(s->buf, s->buflen);
	free(s);
	return 0;
}

/* Container + group @id attached + IOMMU @type (0: not set). */
static inline void s_attach(struct s_fix *s, unsigned int id, unsigned long type)
{
	char path[32];

	s->container = s->ops->open(s->be, "/dev/vfio/vfio", O_RDWR);
	assert_true(s->container >= 0);
	snprintf(path, sizeof(path), "/dev/vfio/%u", id);
	s->group = s->ops->open(s->be, path, O_RDWR);
	assert_true(s->group >= 0);
	assert_int_equal(s->ops->group_set_container(s->be, s->group, s->container), 0);
	if (type)
		assert_int_equal(s->ops->set_iommu(s->be, s->container, type), 0);
}

/* Everything up to a device fd of S_PCI (or S_PLAT for group 2). */
static inline void s_open_device(struct s_fix *s, unsigned int id)
{
	s_attach(s, id, VFIO_TYPE1v2_IOMMU);
	s->device = s->ops->group_get_device_fd(s->be, s->group, id == 2 ? S_PLAT : S_PCI);
	assert_true(s->device >= 0);
}

static inline int s_map(struct s_fix *s, uint64_t iova, uint64_t vaddr, uint64_t size,
			uint32_t flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = vaddr,
		.iova = iova,
		.size = size,
	};

	return s->ops->iommu_map_dma(s->be, s->container, &map);
}

static inline int s_map_rw(struct s_fix *s, uint64_t iova, size_t off, uint64_t size)
{
	return s_map(s, iova, (uint64_t)(uintptr_t)s->buf + off, size,
		     VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
}

static inline int s_unmap(struct s_fix *s, uint64_t iova, uint64_t size, uint32_t flags,
			  uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.flags = flags,
		.iova = iova,
		.size = size,
	};
	int ret = s->ops->iommu_unmap_dma(s->be, s->container, &unmap);

	if (unmapped)
		*unmapped = unmap.size;
	return ret;
}

static inline int s_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

/* Reads a non-blocking eventfd: its count, 0 when nothing was signalled. */
static inline uint64_t s_efd_count(int fd)
{
	eventfd_t v = 0;

	if (eventfd_read(fd, &v))
		return 0;
	return v;
}

/* SET_IRQS with eventfds (fds NULL: DATA_NONE). */
static inline int s_set_irqs(struct s_fix *s, uint32_t flags, uint32_t index, uint32_t start,
			     uint32_t count, const void *data, size_t datalen)
{
	union {
		struct vfio_irq_set set;
		uint8_t bytes[sizeof(struct vfio_irq_set) + 256];
	} u;

	memset(&u, 0, sizeof(u));
	u.set.argsz = (uint32_t)(sizeof(u.set) + datalen);
	u.set.flags = flags;
	u.set.index = index;
	u.set.start = start;
	u.set.count = count;
	if (datalen)
		memcpy(u.set.data, data, datalen);
	return s->ops->device_set_irqs(s->be, s->device, &u.set);
}

static inline int s_irq_eventfds(struct s_fix *s, uint32_t index, uint32_t start,
				 uint32_t count, const int32_t *fds)
{
	return s_set_irqs(s, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, index, start,
			  count, fds, count * sizeof(int32_t));
}

static inline int s_irq_action(struct s_fix *s, uint32_t action, uint32_t index, uint32_t start,
			       uint32_t count)
{
	return s_set_irqs(s, VFIO_IRQ_SET_DATA_NONE | action, index, start, count, NULL, 0);
}

#endif /* LIBVFIO_TESTS_UNIT_TEST_SIM_FIXTURE_H */
