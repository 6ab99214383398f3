// SPDX-License-Identifier: MIT
/*
 * The sim object: its lock, its handle table, the file lifetimes, the ops
 * table, and the open/close dispatch for /dev/vfio.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sim_private.h"

#define SIM_DEFAULT_DMA_ENTRY_LIMIT 65535U /* type1's dma_entry_limit (U16_MAX) */

/* x86 with a 48-bit IOMMU: the aperture minus the MSI window (IOMMU_RESV_MSI). */
static const struct vfio_iova_range sim_default_ranges[] = {
	{ .start = 0, .end = 0xfedfffffULL },
	{ .start = 0xfef00000ULL, .end = (1ULL << 48) - 1 },
};

/* Every watched eventfd of the sim's devices, up to @cap. */
static size_t sim_watches(struct vfio_sim *sim, struct sim_watch *w, size_t cap)
{
	struct vfio_sim_group *g;
	struct vfio_sim_device *d;
	size_t n = 0;

	for (g = sim->groups; g; g = g->next) {
		for (d = g->devices; d; d = d->next) {
			n += sim_irq_watches(d, w + n, cap - n);
			n += sim_ioeventfd_watches(d, w + n, cap - n);
		}
	}
	return n;
}

/*
 * Eventfds the kernel would watch with a wait-queue callback are looked at
 * here: every watcher of a signalled eventfd fires (several may share one),
 * then the eventfd's count is consumed.
 */
void sim_service(struct vfio_sim *sim)
{
	size_t cap = sim->nvirqfds, n = 0, i;
	struct sim_watch *w;
	struct pollfd *p;
	int saved = errno;

	if (!cap)
		return;
	w = calloc(cap, sizeof(*w));
	p = calloc(cap, sizeof(*p));
	if (!w || !p)
		goto out;
	n = sim_watches(sim, w, cap);
	for (i = 0; i < n; i++) {
		p[i].fd = w[i].fd;
		p[i].events = POLLIN;
	}
	if (poll(p, (nfds_t)n, 0) <= 0)
		goto out;
	for (i = 0; i < n; i++)
		if (p[i].revents & POLLIN)
			w[i].fire(w[i].d, w[i].arg);
	for (i = 0; i < n; i++) {
		struct pollfd q = { .fd = w[i].fd, .events = POLLIN };
		eventfd_t v;

		/* read only what is still there: the fd may block */
		if ((p[i].revents & POLLIN) && poll(&q, 1, 0) == 1 && (q.revents & POLLIN))
			eventfd_read(w[i].fd, &v);
	}
out:
	free(w);
	free(p);
	errno = saved;
}

void sim_lock(struct vfio_sim *sim)
{
	pthread_mutex_lock(&sim->lock);
	if (++sim->depth == 1 && sim->nvirqfds)
		sim_service(sim);
}

static void watcher_kick(struct vfio_sim *sim);

void sim_unlock(struct vfio_sim *sim)
{
	if (sim->depth == 1 && sim->watch_gen != sim->watcher.gen)
		watcher_kick(sim); /* the watched eventfds changed */
	sim->depth--;
	pthread_mutex_unlock(&sim->lock);
}

/* ---- the watcher thread: the kernel's wait queues, as they fire ---- */

/* The wake eventfd first, then every watched eventfd; 0 when out of memory. */
static size_t watcher_fds(struct vfio_sim *sim, struct pollfd **p)
{
	size_t cap = sim->nvirqfds, n, i;
	struct sim_watch *w = calloc(cap ? cap : 1, sizeof(*w));
	struct pollfd *q = realloc(*p, (cap + 1) * sizeof(**p));

	if (q)
		*p = q;
	if (!w || !q) {
		free(w);
		return 0;
	}
	n = sim_watches(sim, w, cap);
	q[0] = (struct pollfd){ .fd = sim->watcher.wake, .events = POLLIN };
	for (i = 0; i < n; i++)
		q[i + 1] = (struct pollfd){ .fd = w[i].fd, .events = POLLIN };
	free(w);
	return n + 1;
}

static void *watcher_main(void *arg)
{
	struct vfio_sim *sim = arg;
	struct pollfd *p = NULL, only;
	eventfd_t v;
	size_t n;

	for (;;) {
		sim_lock(sim); /* entering the sim serves what is signalled */
		if (sim->watcher.stop) {
			sim_unlock(sim);
			break;
		}
		n = watcher_fds(sim, &p);
		only = (struct pollfd){ .fd = sim->watcher.wake, .events = POLLIN };
		sim_unlock(sim);
		/* out of memory: wait on the wake eventfd a while, then try again */
		if (n ? poll(p, (nfds_t)n, -1) < 0 : poll(&only, 1, 10) < 0)
			continue;
		if ((n ? p[0].revents : only.revents) & POLLIN)
			eventfd_read(n ? p[0].fd : only.fd, &v);
	}
	free(p);
	return NULL;
}

/* With the sim locked: tell the watcher the set changed, or start it. */
static void watcher_kick(struct vfio_sim *sim)
{
	struct sim_watcher *w = &sim->watcher;
	int saved = errno;

	w->gen = sim->watch_gen;
	if (w->running) {
		eventfd_write(w->wake, 1);
	} else if (!w->off && !w->stop && !w->failed && sim->nvirqfds) {
		w->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (w->wake >= 0 && !pthread_create(&w->thread, NULL, watcher_main, sim)) {
			w->running = true;
		} else {
			w->failed = true; /* entries still look at the eventfds */
			sim_close_fd(&w->wake);
		}
	}
	errno = saved;
}

/* Stop the watcher and wait for it; not from the watcher itself (a callback). */
static void watcher_stop(struct vfio_sim *sim)
{
	struct sim_watcher *w = &sim->watcher;
	pthread_t thread;
	bool running;

	sim_lock(sim);
	running = w->running;
	thread = w->thread;
	if (running) {
		w->stop = true;
		eventfd_write(w->wake, 1);
	}
	sim_unlock(sim);
	if (!running)
		return;
	pthread_join(thread, NULL);
	sim_lock(sim);
	w->running = false;
	w->stop = false;
	sim_close_fd(&w->wake);
	sim_unlock(sim);
}

void vfio_sim_set_async_eventfds(struct vfio_sim *sim, bool on)
{
	sim_lock(sim);
	sim->watcher.off = !on;
	if (on)
		watcher_kick(sim);
	sim_unlock(sim);
	if (!on)
		watcher_stop(sim);
}

struct sim_file *sim_file_lookup(struct vfio_sim *sim, int fd)
{
	if (fd < 0 || (size_t)fd >= sim->nslots)
		return NULL;
	return sim->slots[fd];
}

int sim_file_new(struct vfio_sim *sim, enum sim_file_type type, int fd, struct sim_file **out)
{
	struct sim_file *f;

	if ((size_t)fd >= sim->nslots) {
		size_t n = sim->nslots ? sim->nslots : 64;
		struct sim_file **slots;

		while (n <= (size_t)fd)
			n *= 2;
		slots = realloc(sim->slots, n * sizeof(*slots));
		if (!slots)
			return -ENOMEM;
		memset(slots + sim->nslots, 0, (n - sim->nslots) * sizeof(*slots));
		sim->slots = slots;
		sim->nslots = n;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->type = type;
	f->fd = fd;
	f->refs = 1;
	sim->slots[fd] = f;
	sim->nhandles++;
	*out = f;
	return 0;
}

void sim_file_get(struct sim_file *f)
{
	f->refs++;
}

/* The kernel's fput: the last reference runs the file's release. */
void sim_file_put(struct vfio_sim *sim, struct sim_file *f)
{
	if (--f->refs)
		return;
	switch (f->type) {
	case SIM_FILE_CONTAINER:
		f->u.container->file = NULL;
		sim_container_put(f->u.container);
		break;
	case SIM_FILE_GROUP:
		sim_group_release(sim, f->u.group);
		break;
	case SIM_FILE_DEVICE:
		if (f->cdev)
			sim_cdev_release(sim, f);
		else
			sim_device_release(sim, f->u.device);
		break;
	case SIM_FILE_KVM:
		sim_kvm_release(sim, f->u.kvm);
		break;
	case SIM_FILE_IOMMUFD:
		sim_iommufd_release(f->u.iommufd);
		break;
	}
	free(f);
}

/* A handle that is not ours: is it an fd of the process at all? */
int sim_errno_not_vfio(int fd)
{
	if (fd < 0 || fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	return 0;
}

/* The errno of an ioctl sent to a file that does not implement it. */
int sim_wrong_handle(const struct sim_file *f)
{
	/* the container passes unknown ioctls to its IOMMU driver, if any */
	if (f->type == SIM_FILE_CONTAINER && !f->u.container->iommu_set)
		return -EINVAL;
	/* a cdev file not bound yet refuses everything but the bind (access_granted) */
	if (f->type == SIM_FILE_DEVICE && f->cdev && !f->bound)
		return -EINVAL;
	return -ENOTTY;
}

int sim_memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

void sim_close_fd(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;

		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

/*
 * eventfd_ctx_fdget(): EBADF for a closed fd, EINVAL for one that is not an
 * eventfd.  On success the sim keeps its own reference, a dup, as the kernel
 * keeps the eventfd context after the user closes the fd.
 */
int sim_eventfd_get(int fd)
{
	char path[40], link[64];
	ssize_t n;
	int dup;

	if (sim_errno_not_vfio(fd))
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0) {
		link[n] = '\0';
		if (strcmp(link, "anon_inode:[eventfd]"))
			return -EINVAL;
	}
	dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return dup < 0 ? -errno : dup;
}

/* Copies through the kernel so that a stale vaddr is a fault, not a crash. */
int sim_copy_process(void *local, uint64_t remote, size_t len, bool write)
{
	struct iovec l = { .iov_base = local, .iov_len = len };
	struct iovec r = { .iov_base = (void *)(uintptr_t)remote, .iov_len = len };
	int saved = errno;
	ssize_t n;

	n = write ? process_vm_writev(getpid(), &l, 1, &r, 1, 0) :
		    process_vm_readv(getpid(), &l, 1, &r, 1, 0);
	if (n < 0 && (errno == ENOSYS || errno == EPERM)) {
		if (write)
			memcpy(r.iov_base, local, len);
		else
			memcpy(local, r.iov_base, len);
		n = (ssize_t)len;
	}
	errno = saved;
	return n == (ssize_t)len ? 0 : -EFAULT;
}

/* ---- ops: files ---- */

/* A node's number: decimal, no leading zero, below 2^32; false for anything else. */
static bool node_number(const char *p, unsigned int *out)
{
	unsigned long id = 0;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1]))
		return false;
	for (; *p >= '0' && *p <= '9' && id <= 0xffffffffUL; p++)
		id = id * 10 + (unsigned long)(*p - '0');
	if (*p || id > 0xffffffffUL)
		return false;
	*out = (unsigned int)id;
	return true;
}

static int sim_open(struct vfio_backend *be, const char *path, int flags)
{
	struct vfio_sim *sim = sim_of(be);
	unsigned int id;
	int ret = -ENOENT;

	(void)flags;
	if (!path)
		return -EFAULT;
	sim_lock(sim);
	if (!strcmp(path, "/dev/vfio/vfio")) {
		ret = sim_container_open(sim);
	} else if (!strcmp(path, "/dev/iommu")) {
		ret = sim_iommufd_open(sim);
	} else if (!strncmp(path, "/dev/vfio/devices/vfio", 22)) {
		if (node_number(path + 22, &id))
			ret = sim_cdev_open(sim, id);
	} else if (!strncmp(path, "/dev/vfio/noiommu-", 18)) {
		if (sim->noiommu && node_number(path + 18, &id))
			ret = sim_group_open(sim, id);
	} else if (!strncmp(path, "/dev/vfio/", 10)) {
		/* the node is named by the group number in decimal, nothing else */
		if (!sim->noiommu && node_number(path + 10, &id))
			ret = sim_group_open(sim, id);
	}
	sim_unlock(sim);
	return ret;
}

static int sim_close(struct vfio_backend *be, int fd)
{
	struct vfio_sim *sim = sim_of(be);
	struct sim_file *f;

	sim_lock(sim);
	f = sim_file_lookup(sim, fd);
	if (!f) {
		sim_unlock(sim);
		return -EBADF;
	}
	sim->slots[fd] = NULL;
	sim->nhandles--;
	sim_close_fd(&f->fd);
	sim_file_put(sim, f);
	sim_unlock(sim);
	return 0;
}

static ssize_t sim_readlink(struct vfio_backend *be, const char *path, char *buf, size_t size)
{
	struct vfio_sim *sim = sim_of(be);
	ssize_t ret;

	if (!path || !buf)
		return -EFAULT;
	if (!size)
		return -EINVAL;
	sim_lock(sim);
	ret = sim_sysfs_readlink(sim, path, buf, size);
	sim_unlock(sim);
	return ret;
}

static void sim_destroy(struct vfio_backend *be)
{
	struct vfio_sim *sim = sim_of(be);
	struct vfio_sim_device *d;
	struct vfio_sim_group *g;
	size_t i;

	sim_lock(sim);
	sim->watcher.off = true; /* for good */
	sim_unlock(sim);
	watcher_stop(sim);
	sim_work_free_all(sim); /* never run: the devices go with the sim */
	/* Closing every handle releases every file, container and KVM device. */
	for (i = 0; i < sim->nslots; i++)
		if (sim->slots[i])
			sim_close(be, (int)i);
	while ((g = sim->groups)) {
		sim->groups = g->next;
		while ((d = g->devices)) {
			g->devices = d->next;
			sim_device_free(d);
		}
		free(g);
	}
	while ((d = sim->gone)) { /* devices that went, kept for the test's pointers */
		sim->gone = d->next;
		sim_device_free(d);
	}
	free(sim->slots);
	free(sim->ranges);
	sim_vmcopy_release(sim);
	pthread_mutex_destroy(&sim->lock);
	free(sim);
}

static const struct vfio_backend_ops sim_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "sim",
	.destroy = sim_destroy,
	.open = sim_open,
	.close = sim_close,
	.readlink = sim_readlink,
	.list_dir = sim_list_dir,
	.pread = sim_pread,
	.pwrite = sim_pwrite,
	.mmap = sim_mmap,
	.munmap = sim_munmap,
	.get_api_version = sim_get_api_version,
	.check_extension = sim_check_extension,
	.set_iommu = sim_set_iommu,
	.iommu_get_info = sim_iommu_get_info,
	.iommu_map_dma = sim_map_dma,
	.iommu_unmap_dma = sim_unmap_dma,
	.group_get_status = sim_group_get_status,
	.group_set_container = sim_group_set_container,
	.group_unset_container = sim_group_unset_container,
	.group_get_device_fd = sim_group_get_device_fd,
	.device_get_info = sim_device_get_info,
	.device_get_region_info = sim_device_get_region_info,
	.device_get_irq_info = sim_device_get_irq_info,
	.device_set_irqs = sim_device_set_irqs,
	.device_reset = sim_device_reset,
	.device_get_pci_hot_reset_info = sim_hot_reset_info,
	.device_pci_hot_reset = sim_hot_reset,
	.device_ioeventfd = sim_device_ioeventfd,
	.device_feature = sim_device_feature,
	.kvm_device_set_attr = sim_kvm_set_attr,
	.iommufd_destroy = sim_iommufd_destroy,
	.ioas_alloc = sim_ioas_alloc,
	.ioas_iova_ranges = sim_ioas_iova_ranges,
	.ioas_map = sim_ioas_map,
	.ioas_map_file = sim_ioas_map_file,
	.ioas_unmap = sim_ioas_unmap,
	.device_bind_iommufd = sim_device_bind_iommufd,
	.device_attach_iommufd_pt = sim_device_attach_pt,
	.device_detach_iommufd_pt = sim_device_detach_pt,
};

/* ---- public ---- */

int vfio_sim_new(struct vfio_sim **out)
{
	pthread_mutexattr_t attr;
	struct vfio_sim *sim;

	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return -ENOMEM;
	sim->watcher.wake = -1;
	sim->ranges = malloc(sizeof(sim_default_ranges));
	if (!sim->ranges) {
		free(sim);
		return -ENOMEM;
	}
	memcpy(sim->ranges, sim_default_ranges, sizeof(sim_default_ranges));
	sim->nr_ranges = sizeof(sim_default_ranges) / sizeof(sim_default_ranges[0]);
	if (pthread_mutexattr_init(&attr)) {
		free(sim->ranges);
		free(sim);
		return -ENOMEM;
	}
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	if (pthread_mutex_init(&sim->lock, &attr)) {
		pthread_mutexattr_destroy(&attr);
		free(sim->ranges);
		free(sim);
		return -ENOMEM;
	}
	pthread_mutexattr_destroy(&attr);
	sim->be.ops = &sim_ops;
	sim->dma_entry_limit = SIM_DEFAULT_DMA_ENTRY_LIMIT;
	sim->locked_limit_pages = UINT64_MAX; /* root, or CAP_IPC_LOCK */
	sim_vmcopy_init(sim);
	*out = sim;
	return 0;
}

struct vfio_backend *vfio_sim_backend(struct vfio_sim *sim)
{
	return &sim->be;
}

unsigned int vfio_sim_open_handles(struct vfio_sim *sim)
{
	unsigned int n;

	sim_lock(sim);
	n = sim->nhandles;
	sim_unlock(sim);
	return n;
}

int vfio_sim_set_iova_ranges(struct vfio_sim *sim, const struct vfio_sim_iova_range *ranges,
			     unsigned int n)
{
	struct vfio_iova_range *copy = NULL;
	unsigned int i;

	if (n && !ranges)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (ranges[i].start > ranges[i].last)
			return -EINVAL;
		if (i && ranges[i].start <= ranges[i - 1].last)
			return -EINVAL;
	}
	if (n) {
		copy = calloc(n, sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			copy[i].start = ranges[i].start;
			copy[i].end = ranges[i].last;
		}
	}
	sim_lock(sim);
	free(sim->ranges);
	sim->ranges = copy;
	sim->nr_ranges = n;
	sim_unlock(sim);
	return 0;
}
