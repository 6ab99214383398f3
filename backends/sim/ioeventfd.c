// SPDX-License-Identifier: MIT
/*
 * VFIO_DEVICE_IOEVENTFD: a write of fixed data into a BAR each time an eventfd
 * is signalled (vfio_pci_ioctl_ioeventfd and vfio_pci_ioeventfd in
 * drivers/vfio/pci/vfio_pci_core.c and vfio_pci_rdwr.c).  The kernel watches
 * the eventfd; the sim looks at it whenever it is entered, and from its
 * watcher thread as soon as it is signalled.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "sim_private.h"

#define IOEVENTFD_MINSZ (offsetof(struct vfio_device_ioeventfd, fd) + sizeof(int32_t))

static void fire(struct vfio_sim_device *d, void *arg)
{
	const struct sim_ioeventfd *e = arg;
	uint8_t bytes[8];
	uint64_t data = e->data;
	unsigned int i;

	/* little-endian, as iowrite{8,16,32,64} put it on the bus */
	for (i = 0; i < e->count; i++) {
		bytes[i] = (uint8_t)data;
		data >>= 8;
	}
	sim_region_write(d, e->index, bytes, e->count, e->pos);
}

size_t sim_ioeventfd_watches(struct vfio_sim_device *d, struct sim_watch *w, size_t max)
{
	struct sim_ioeventfd *e;
	size_t n = 0;

	for (e = d->ioeventfds; e && n < max; e = e->next)
		w[n++] = (struct sim_watch){ e->efd, fire, d, e };
	return n;
}

static void remove_entry(struct vfio_sim *sim, struct vfio_sim_device *d, struct sim_ioeventfd *e)
{
	struct sim_ioeventfd **p;

	for (p = &d->ioeventfds; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	sim_close_fd(&e->efd);
	free(e);
	d->nr_ioeventfds--;
	sim->nvirqfds--;
	sim->watch_gen++;
}

void sim_ioeventfd_clear(struct vfio_sim *sim, struct vfio_sim_device *d)
{
	while (d->ioeventfds)
		remove_entry(sim, d, d->ioeventfds);
}

/* @len bytes of config space at @pos, little-endian; false when it cannot be read. */
static bool config_read(struct vfio_sim_device *d, unsigned int pos, unsigned int len,
			uint32_t *v)
{
	uint8_t b[4] = { 0 };

	if (sim_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, b, len, pos) != (ssize_t)len)
		return false;
	*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	return true;
}

/*
 * Does [pos, pos + count) of BAR @index touch the MSI-X table?  vfio-pci
 * takes the table's place from the MSI-X capability (vfio_pci_core_enable):
 * the sim reads it from the device's config space, walking the list as the
 * PCI core does.
 */
static bool on_msix_table(struct vfio_sim_device *d, unsigned int index, uint64_t pos,
			  unsigned int count)
{
	uint32_t v, flags, table, at;
	unsigned int ttl = 48; /* PCI_FIND_CAP_TTL */
	uint64_t off, size;

	if (!sim_is_pci(d) || !config_read(d, PCI_STATUS, 2, &v) || !(v & PCI_STATUS_CAP_LIST) ||
	    !config_read(d, PCI_CAPABILITY_LIST, 1, &at))
		return false;
	for (at &= ~3u; at >= 0x40 && ttl--; at &= ~3u) {
		if (!config_read(d, at, 2, &v))
			return false;
		if ((v & 0xff) == PCI_CAP_ID_MSIX) {
			if (!config_read(d, at + PCI_MSIX_FLAGS, 2, &flags) ||
			    !config_read(d, at + PCI_MSIX_TABLE, 4, &table) ||
			    (table & PCI_MSIX_TABLE_BIR) != index)
				return false;
			off = table & PCI_MSIX_TABLE_OFFSET;
			size = ((flags & PCI_MSIX_FLAGS_QSIZE) + 1) * 16ULL;
			return !(pos + count <= off || pos >= off + size);
		}
		at = v >> 8;
	}
	return false;
}

static int ioeventfd(struct vfio_sim *sim, struct vfio_sim_device *d,
		     const struct vfio_device_ioeventfd *req)
{
	unsigned int count = req->flags & VFIO_DEVICE_IOEVENTFD_SIZE_MASK;
	unsigned int index = (unsigned int)(req->offset >> SIM_INDEX_SHIFT);
	uint64_t pos = req->offset & SIM_OFFSET_MASK;
	const struct sim_region *r;
	struct sim_ioeventfd *e;
	int efd;

	if (req->argsz < IOEVENTFD_MINSZ || (req->flags & ~VFIO_DEVICE_IOEVENTFD_SIZE_MASK))
		return -EINVAL;
	if (__builtin_popcount(count) != 1 || req->fd < -1)
		return -EINVAL;
	/* BARs only, and inside the BAR */
	if (index > VFIO_PCI_BAR5_REGION_INDEX || index >= d->num_regions)
		return -EINVAL;
	r = &d->regions[index];
	if (!r->present || pos + count > r->size)
		return -EINVAL;
	if (on_msix_table(d, index, pos, count))
		return -EINVAL; /* the MSI-X table is the kernel's */
	for (e = d->ioeventfds; e; e = e->next) {
		if (e->index == index && e->pos == pos && e->data == req->data &&
		    e->count == count) {
			if (req->fd != -1)
				return -EEXIST;
			remove_entry(sim, d, e);
			return 0;
		}
	}
	if (req->fd < 0)
		return -ENODEV;
	if (d->nr_ioeventfds >= SIM_IOEVENTFD_MAX)
		return -ENOSPC;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	efd = sim_eventfd_get(req->fd);
	if (efd < 0) {
		free(e);
		return efd;
	}
	e->index = index;
	e->pos = pos;
	e->data = req->data;
	e->count = count;
	e->efd = efd;
	e->next = d->ioeventfds;
	d->ioeventfds = e;
	d->nr_ioeventfds++;
	sim->nvirqfds++;
	sim->watch_gen++;
	sim_service(sim); /* a signal already there counts, as vfio_virqfd_enable sees it */
	return 0;
}

int sim_device_ioeventfd(struct vfio_backend *be, int fd, struct vfio_device_ioeventfd *ioev)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_arg(sim, fd, ioev, &ret);
	if (d)
		ret = sim_is_pci(d) ? ioeventfd(sim, d, ioev) : -ENOTTY;
	sim_unlock(sim);
	return ret;
}
