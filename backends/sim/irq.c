// SPDX-License-Identifier: MIT
/*
 * Interrupts, the user's side: GET_IRQ_INFO and SET_IRQS with the kernel's
 * validation (vfio_set_irqs_validate_and_prepare in drivers/vfio/vfio_main.c)
 * and each driver's action table: vfio-pci's (drivers/vfio/pci/vfio_pci_intrs.c)
 * for PCI devices, vfio-platform's (drivers/vfio/platform/vfio_platform_irq.c)
 * for the rest.  Triggers are the user's eventfds; the eventfds the kernel
 * watches (INTx resample, platform mask/unmask) are read whenever the sim is
 * entered, and by the sim's watcher thread as soon as they are signalled.
 * The vectors and lines themselves are in irq_line.c.
 */

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>

#include "sim_private.h"

#define IRQ_INFO_MINSZ (offsetof(struct vfio_irq_info, count) + sizeof(uint32_t))
#define IRQ_SET_MINSZ (offsetof(struct vfio_irq_set, count) + sizeof(uint32_t))
#define data_type(flags) ((flags) & VFIO_IRQ_SET_DATA_TYPE_MASK)

struct irq_req {
	uint32_t flags;
	unsigned int index;
	uint32_t start;
	uint32_t count;
	const uint8_t *data;
};

static int32_t data_fd(const struct irq_req *req, uint32_t i)
{
	int32_t fd;

	memcpy(&fd, req->data + i * sizeof(fd), sizeof(fd));
	return fd;
}

/* An eventfd the kernel watches with a virqfd: EBADF, EINVAL, EBUSY as it does. */
static int virqfd_enable(struct vfio_sim *sim, int *slot, int fd)
{
	int efd = sim_eventfd_get(fd);

	if (efd < 0)
		return efd;
	if (*slot >= 0) {
		sim_close_fd(&efd);
		return -EBUSY;
	}
	*slot = efd;
	sim->nvirqfds++;
	sim->watch_gen++;
	return 0;
}

static void virqfd_disable(struct vfio_sim *sim, int *slot)
{
	if (*slot >= 0) {
		sim_close_fd(slot);
		sim->nvirqfds--;
		sim->watch_gen++;
	}
}

static void index_reset(struct vfio_sim *sim, struct sim_irq *q)
{
	uint32_t i;

	for (i = 0; i < (q->count ? q->count : 1); i++) {
		sim_close_fd(&q->vec[i].efd);
		q->vec[i].masked = false;
		q->vec[i].pending = false;
	}
	virqfd_disable(sim, &q->unmask_fd);
	virqfd_disable(sim, &q->mask_fd);
	q->active = false;
	q->nvec = 0;
}

void sim_irq_reset_all(struct vfio_sim *sim, struct vfio_sim_device *d)
{
	unsigned int i;

	for (i = 0; i < d->num_irqs; i++)
		if (d->irqs[i].present)
			index_reset(sim, &d->irqs[i]);
}

static void fire_unmask(struct vfio_sim_device *d, void *arg)
{
	struct sim_irq *q = arg;

	if (!sim_is_pci(d) || q->active)
		sim_line_unmask(q);
}

static void fire_mask(struct vfio_sim_device *d, void *arg)
{
	struct sim_irq *q = arg;

	(void)d;
	q->vec[0].masked = true;
}

size_t sim_irq_watches(struct vfio_sim_device *d, struct sim_watch *w, size_t max)
{
	unsigned int i;
	size_t n = 0;

	for (i = 0; i < d->num_irqs; i++) {
		struct sim_irq *q = &d->irqs[i];

		if (q->unmask_fd >= 0 && n < max)
			w[n++] = (struct sim_watch){ q->unmask_fd, fire_unmask, d, q };
		if (q->mask_fd >= 0 && n < max)
			w[n++] = (struct sim_watch){ q->mask_fd, fire_mask, d, q };
	}
	return n;
}

/* ---- vfio-pci ---- */

/* irq_type: INTx, MSI or MSI-X in use, or none */
static bool pci_irq_none(struct vfio_sim_device *d)
{
	unsigned int i;

	for (i = VFIO_PCI_INTX_IRQ_INDEX; i <= VFIO_PCI_MSIX_IRQ_INDEX; i++)
		if (sim_irq_of(d, i) && d->irqs[i].active)
			return false;
	return true;
}

static int pci_intx_mask(struct vfio_sim_device *d, const struct irq_req *req, bool unmask)
{
	struct sim_irq *q = &d->irqs[req->index];

	if (!q->active || req->start || req->count != 1)
		return -EINVAL;
	switch (data_type(req->flags)) {
	case VFIO_IRQ_SET_DATA_NONE:
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!req->data[0])
			return 0;
		break;
	default: /* eventfd */
		if (!unmask)
			return -ENOTTY; /* vfio-pci has no mask eventfd */
		if (data_fd(req, 0) >= 0)
			return virqfd_enable(d->group->sim, &q->unmask_fd, data_fd(req, 0));
		virqfd_disable(d->group->sim, &q->unmask_fd);
		return 0;
	}
	if (unmask)
		sim_line_unmask(q);
	else
		q->vec[0].masked = true;
	return 0;
}

static int pci_intx_trigger(struct vfio_sim_device *d, const struct irq_req *req)
{
	struct sim_irq *q = &d->irqs[req->index];
	int efd = -1;

	if (q->active && !req->count && data_type(req->flags) == VFIO_IRQ_SET_DATA_NONE) {
		index_reset(d->group->sim, q);
		return 0;
	}
	if (!(q->active || pci_irq_none(d)) || req->start || req->count != 1)
		return -EINVAL;
	if (data_type(req->flags) == VFIO_IRQ_SET_DATA_EVENTFD) {
		bool enabling = !q->active;

		if (data_fd(req, 0) >= 0) {
			efd = sim_eventfd_get(data_fd(req, 0));
			if (efd < 0)
				return efd;
		}
		if (enabling) { /* enable, unmasked, possibly without an eventfd */
			q->active = true;
			q->vec[0].masked = false;
			q->vec[0].pending = false;
		}
		sim_close_fd(&q->vec[0].efd);
		q->vec[0].efd = efd;
		if (enabling)
			sim_line_enabled(q);
		return 0;
	}
	if (!q->active)
		return -EINVAL;
	/* loopback: signalled whatever the mask */
	if (data_type(req->flags) == VFIO_IRQ_SET_DATA_NONE || req->data[0])
		sim_signal_vec(&q->vec[0]);
	return 0;
}

static int msi_set_vector(struct sim_irq *q, unsigned int index, uint32_t v, int32_t fd)
{
	bool dynamic = index == VFIO_PCI_MSIX_IRQ_INDEX && !(q->flags & VFIO_IRQ_INFO_NORESIZE);
	int efd;

	sim_close_fd(&q->vec[v].efd);
	if (fd < 0)
		return 0;
	if (v >= q->nvec && !dynamic)
		return -EINVAL; /* pci_irq_vector: not allocated at enable */
	efd = sim_eventfd_get(fd);
	if (efd < 0)
		return efd;
	q->vec[v].efd = efd;
	return 0;
}

static int msi_set_block(struct sim_irq *q, const struct irq_req *req)
{
	uint32_t i, j;
	int ret = 0;

	for (i = 0, j = req->start; i < req->count && !ret; i++, j++)
		ret = msi_set_vector(q, req->index, j, req->data ? data_fd(req, i) : -1);
	if (ret)
		for (i = req->start; i < j; i++)
			msi_set_vector(q, req->index, i, -1);
	return ret;
}

static int pci_msi_trigger(struct vfio_sim_device *d, const struct irq_req *req)
{
	struct sim_irq *q = &d->irqs[req->index];
	uint32_t i;
	int ret;

	if (q->active && !req->count && data_type(req->flags) == VFIO_IRQ_SET_DATA_NONE) {
		index_reset(d->group->sim, q);
		return 0;
	}
	if (!(q->active || pci_irq_none(d)))
		return -EINVAL;
	if (data_type(req->flags) == VFIO_IRQ_SET_DATA_EVENTFD) {
		if (q->active)
			return msi_set_block(q, req);
		if (!(req->start + req->count))
			return -ERANGE; /* pci_alloc_irq_vectors(dev, 1, 0) */
		q->active = true;
		q->nvec = req->start + req->count;
		ret = msi_set_block(q, req);
		if (ret)
			index_reset(d->group->sim, q);
		return ret;
	}
	if (!q->active)
		return -EINVAL;
	for (i = req->start; i < req->start + req->count; i++)
		if (data_type(req->flags) == VFIO_IRQ_SET_DATA_NONE || req->data[i - req->start])
			sim_signal_vec(&q->vec[i]);
	return 0;
}

/* ERR and REQ: one eventfd, loopback with DATA_NONE/BOOL. */
static int pci_single_trigger(struct vfio_sim_device *d, const struct irq_req *req)
{
	struct sim_irq *q = &d->irqs[req->index];
	struct sim_vector *v = &q->vec[0];
	int32_t fd;
	int efd;

	if (req->start || req->count > 1)
		return -EINVAL;
	switch (data_type(req->flags)) {
	case VFIO_IRQ_SET_DATA_NONE:
		if (v->efd < 0)
			return -EINVAL;
		if (req->count)
			sim_signal_vec(v);
		else
			sim_close_fd(&v->efd);
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!req->count)
			return -EINVAL;
		if (req->data[0])
			sim_signal_vec(v);
		break;
	default:
		if (!req->count)
			return -EINVAL;
		fd = data_fd(req, 0);
		if (fd < -1)
			return -EINVAL;
		efd = -1;
		if (fd >= 0) {
			efd = sim_eventfd_get(fd);
			if (efd < 0)
				return efd;
		}
		sim_close_fd(&v->efd);
		v->efd = efd;
		break;
	}
	q->active = v->efd >= 0;
	return 0;
}

static int pci_set_irqs(struct vfio_sim_device *d, const struct irq_req *req)
{
	uint32_t action = req->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;

	switch (req->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_MASK)
			return pci_intx_mask(d, req, false);
		if (action == VFIO_IRQ_SET_ACTION_UNMASK)
			return pci_intx_mask(d, req, true);
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return pci_intx_trigger(d, req);
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_MSIX_IRQ_INDEX:
		/* MSI masking is not exported by vfio-pci */
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return pci_msi_trigger(d, req);
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
			return pci_single_trigger(d, req);
		break;
	}
	return -ENOTTY;
}

/* ---- vfio-platform ---- */

static int platform_set_trigger(struct sim_irq *q, int32_t fd)
{
	struct sim_vector *v = &q->vec[0];
	int efd;

	sim_close_fd(&v->efd);
	q->active = false;
	if (fd < 0)
		return 0;
	efd = sim_eventfd_get(fd);
	if (efd < 0)
		return efd;
	v->efd = efd;
	q->active = true;
	sim_line_enabled(q);
	return 0;
}

static int platform_set_irqs(struct vfio_sim_device *d, const struct irq_req *req)
{
	uint32_t action = req->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	struct sim_irq *q = &d->irqs[req->index];
	bool none = data_type(req->flags) == VFIO_IRQ_SET_DATA_NONE;
	bool eventfd = data_type(req->flags) == VFIO_IRQ_SET_DATA_EVENTFD;

	if (action != VFIO_IRQ_SET_ACTION_MASK && action != VFIO_IRQ_SET_ACTION_UNMASK &&
	    action != VFIO_IRQ_SET_ACTION_TRIGGER)
		return -ENOTTY;
	if (!q->present)
		return -EINVAL;
	if (action == VFIO_IRQ_SET_ACTION_TRIGGER) {
		if (!req->count && none)
			return platform_set_trigger(q, -1);
		if (req->start || req->count != 1)
			return -EINVAL;
		if (eventfd)
			return platform_set_trigger(q, data_fd(req, 0));
		if (none || req->data[0]) { /* loopback through the handler */
			if (!(q->flags & VFIO_IRQ_INFO_AUTOMASKED))
				sim_signal_vec(&q->vec[0]);
			else if (!q->vec[0].masked)
				sim_line_fire(q);
		}
		return 0;
	}
	if (req->start || req->count != 1 || !(q->flags & VFIO_IRQ_INFO_MASKABLE))
		return -EINVAL;
	if (eventfd) {
		int *slot = action == VFIO_IRQ_SET_ACTION_MASK ? &q->mask_fd : &q->unmask_fd;

		if (data_fd(req, 0) >= 0)
			return virqfd_enable(d->group->sim, slot, data_fd(req, 0));
		virqfd_disable(d->group->sim, slot);
		return 0;
	}
	if (none || req->data[0]) {
		if (action == VFIO_IRQ_SET_ACTION_MASK)
			q->vec[0].masked = true;
		else
			sim_line_unmask(q);
	}
	return 0;
}

/* ---- ops ---- */

/* vfio_set_irqs_validate_and_prepare */
static int validate(const struct vfio_irq_set *hdr, uint32_t num_irqs, uint32_t max_type)
{
	uint64_t size;

	if (hdr->argsz < IRQ_SET_MINSZ || hdr->index >= max_type ||
	    hdr->count >= UINT32_MAX - hdr->start ||
	    (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK)))
		return -EINVAL;
	if (hdr->start >= num_irqs || hdr->start + hdr->count > num_irqs)
		return -EINVAL;
	switch (data_type(hdr->flags)) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(uint8_t);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(int32_t);
		break;
	default:
		return -EINVAL;
	}
	if (size && (uint64_t)hdr->argsz - IRQ_SET_MINSZ < hdr->count * size)
		return -EINVAL;
	return 0;
}

int sim_device_set_irqs(struct vfio_backend *be, int fd, struct vfio_irq_set *set)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	struct vfio_irq_set hdr;
	struct irq_req req;
	uint32_t max = 0;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_arg(sim, fd, set, &ret);
	if (!d)
		goto out;
	memcpy(&hdr, set, IRQ_SET_MINSZ);
	if (sim_is_pci(d)) {
		if (hdr.index < d->num_irqs && d->irqs[hdr.index].present)
			max = d->irqs[hdr.index].count;
	} else {
		max = d->num_irqs; /* vfio-platform validates against the index count */
	}
	ret = validate(&hdr, max, d->num_irqs);
	if (ret)
		goto out;
	req.flags = hdr.flags;
	req.index = hdr.index;
	req.start = hdr.start;
	req.count = hdr.count;
	req.data = data_type(hdr.flags) == VFIO_IRQ_SET_DATA_NONE || !hdr.count ? NULL : set->data;
	ret = sim_is_pci(d) ? pci_set_irqs(d, &req) : platform_set_irqs(d, &req);
	/* a watched eventfd signalled before it was set up counts at once */
	sim_service(sim);
out:
	sim_unlock(sim);
	return ret;
}

int sim_device_get_irq_info(struct vfio_backend *be, int fd, struct vfio_irq_info *info)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	struct vfio_irq_info out;
	int ret = 0;

	sim_lock(sim);
	d = sim_device_arg(sim, fd, info, &ret);
	if (!d)
		goto out;
	memcpy(&out, info, IRQ_INFO_MINSZ);
	if (out.argsz < IRQ_INFO_MINSZ || out.index >= d->num_irqs) {
		ret = -EINVAL;
		goto out;
	}
	if (d->irqs[out.index].present) {
		out.flags = d->irqs[out.index].flags;
		out.count = d->irqs[out.index].count;
	} else if (sim_is_pci(d)) {
		/* vfio-pci: ERR exists on PCIe only; the others answer count 0 */
		if (out.index == VFIO_PCI_ERR_IRQ_INDEX) {
			ret = -EINVAL;
			goto out;
		}
		out.count = 0;
		out.flags = VFIO_IRQ_INFO_EVENTFD;
		if (out.index == VFIO_PCI_INTX_IRQ_INDEX)
			out.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
		else if (out.index < VFIO_PCI_NUM_IRQS)
			out.flags |= VFIO_IRQ_INFO_NORESIZE;
		else
			out.flags = 0;
	} else {
		out.flags = 0;
		out.count = 0;
	}
	memcpy(info, &out, IRQ_INFO_MINSZ);
out:
	sim_unlock(sim);
	return ret;
}
