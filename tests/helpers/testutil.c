// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "testutil.h"

static ssize_t bar4_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
	struct t_fixture *f = opaque;

	f->bar4_reads++;
	if (f->bar4_short > 0 && len > (size_t)f->bar4_short)
		len = (size_t)f->bar4_short;
	if (f->bar4_short < 0)
		return f->bar4_short;
	memcpy(buf, f->bar4 + offset, len);
	return (ssize_t)len;
}

static ssize_t bar4_write(void *opaque, uint64_t offset, const void *buf, size_t len)
{
	struct t_fixture *f = opaque;

	f->bar4_writes++;
	if (f->bar4_short > 0 && len > (size_t)f->bar4_short)
		len = (size_t)f->bar4_short;
	if (f->bar4_short < 0)
		return f->bar4_short;
	memcpy(f->bar4 + offset, buf, len);
	return (ssize_t)len;
}

static const struct vfio_sim_region_ops bar4_ops = { .read = bar4_read, .write = bar4_write };

#define RW (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE)

static void add_pci(struct t_fixture *f, struct vfio_sim_group *g, const char *name,
		    struct vfio_sim_device **out)
{
	struct vfio_sim_device *d;

	assert_int_equal(vfio_sim_device_add(g, name, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET,
					     VFIO_PCI_NUM_REGIONS, VFIO_PCI_NUM_IRQS, &d), 0);
	assert_int_equal(vfio_sim_region_add(d, VFIO_PCI_BAR0_REGION_INDEX, T_BAR0_SIZE,
					     RW | VFIO_REGION_INFO_FLAG_MMAP, NULL, NULL), 0);
	assert_int_equal(vfio_sim_region_add(d, VFIO_PCI_BAR2_REGION_INDEX, T_BAR2_SIZE,
					     RW | VFIO_REGION_INFO_FLAG_MMAP, NULL, NULL), 0);
	assert_int_equal(vfio_sim_region_add_sparse(d, VFIO_PCI_BAR2_REGION_INDEX, 0, 0x1000), 0);
	assert_int_equal(vfio_sim_region_add_sparse(d, VFIO_PCI_BAR2_REGION_INDEX, 0x3000, 0x2000), 0);
	assert_int_equal(vfio_sim_region_set_msix_mappable(d, VFIO_PCI_BAR2_REGION_INDEX), 0);
	assert_int_equal(vfio_sim_region_add(d, VFIO_PCI_BAR4_REGION_INDEX, T_BAR4_SIZE, RW,
					     &bar4_ops, f), 0);
	assert_int_equal(vfio_sim_region_add(d, VFIO_PCI_BAR5_REGION_INDEX, T_BAR5_SIZE,
					     VFIO_REGION_INFO_FLAG_READ, NULL, NULL), 0);
	assert_int_equal(vfio_sim_region_add(d, VFIO_PCI_CONFIG_REGION_INDEX, T_CONFIG_SIZE, RW,
					     NULL, NULL), 0);
	assert_int_equal(vfio_sim_irq_add(d, VFIO_PCI_INTX_IRQ_INDEX, 1,
					  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
						  VFIO_IRQ_INFO_AUTOMASKED), 0);
	assert_int_equal(vfio_sim_irq_add(d, VFIO_PCI_MSI_IRQ_INDEX, 1,
					  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE), 0);
	/* no NORESIZE: vectors can be added to an enabled set (dynamic MSI-X) */
	assert_int_equal(vfio_sim_irq_add(d, VFIO_PCI_MSIX_IRQ_INDEX, T_MSIX_COUNT,
					  VFIO_IRQ_INFO_EVENTFD), 0);
	assert_int_equal(vfio_sim_irq_add(d, VFIO_PCI_ERR_IRQ_INDEX, 1, VFIO_IRQ_INFO_EVENTFD), 0);
	assert_int_equal(vfio_sim_irq_add(d, VFIO_PCI_REQ_IRQ_INDEX, 1, VFIO_IRQ_INFO_EVENTFD), 0);
	*out = d;
}

struct t_fixture *t_fixture_new(int open_container)
{
	struct t_fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(vfio_sim_new(&f->sim), 0);
	assert_int_equal(vfio_fault_backend_new(vfio_sim_backend(f->sim), &f->be), 0);
	assert_int_equal(vfio_sim_group_add(f->sim, T_GROUP, &f->group), 0);
	assert_int_equal(vfio_sim_group_add(f->sim, T_GROUP_PLAT, &f->group_plat), 0);
	assert_int_equal(vfio_sim_group_add(f->sim, T_GROUP_BAD, &f->group_bad), 0);
	assert_int_equal(vfio_sim_group_add(f->sim, T_GROUP_ODD, &f->group_odd), 0);
	vfio_sim_group_set_viable(f->group_bad, false);
	add_pci(f, f->group, T_PCI, &f->pci);
	add_pci(f, f->group, T_PCI2, &f->pci2);
	add_pci(f, f->group_bad, T_PCI_BAD, &f->pci_bad);
	assert_int_equal(vfio_sim_device_add(f->group_plat, T_PLAT, VFIO_DEVICE_FLAGS_PLATFORM, 2,
					     1, &f->plat), 0);
	assert_int_equal(vfio_sim_region_add(f->plat, 0, 0x1000, RW | VFIO_REGION_INFO_FLAG_MMAP,
					     NULL, NULL), 0);
	assert_int_equal(vfio_sim_region_add(f->plat, 1, 0x2000, RW, NULL, NULL), 0);
	assert_int_equal(vfio_sim_irq_add(f->plat, 0, 1,
					  VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
						  VFIO_IRQ_INFO_AUTOMASKED), 0);
	assert_int_equal(vfio_sim_device_add(f->group_odd, T_ODD, VFIO_DEVICE_FLAGS_CCW, 1, 0,
					     &f->odd), 0);
	if (open_container)
		assert_ok(vfio_container_open(f->be, &f->c));
	return f;
}

void t_fixture_free(struct t_fixture *f)
{
	if (!f)
		return;
	if (f->c)
		assert_ok(vfio_container_close(f->c));
	assert_int_equal(vfio_sim_open_handles(f->sim), 0);
	vfio_backend_destroy(f->be);
	vfio_backend_destroy(vfio_sim_backend(f->sim));
	free(f);
}

int t_setup(void **state)
{
	*state = t_fixture_new(1);
	return 0;
}

int t_teardown(void **state)
{
	t_fixture_free(*state);
	return 0;
}

struct vfio_device *t_open_pci(struct t_fixture *f)
{
	struct vfio_device *d = NULL;

	assert_ok(vfio_device_open(f->c, T_GROUP, T_PCI, &d));
	return d;
}

int t_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

uint64_t t_eventfd_read(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v)) {
		assert_int_equal(errno, EAGAIN);
		return 0;
	}
	return v;
}

void *t_pages(size_t n)
{
	void *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

void t_pages_free(void *p, size_t n)
{
	munmap(p, n * 4096);
}

int t_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}
