// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the sim's entry points fed raw uAPI structs, as a program
 * handing the sim arbitrary ioctl arguments would.  The input is a sequence of
 * 64-byte commands: an op, two handle selectors, and 61 bytes that become the
 * op's argument (argsz, flags, indexes, offsets) as given.  Whatever the bytes,
 * the sim must answer 0 or a negative errno, never crash, never touch memory
 * outside the argument (argsz is clamped to the buffer the harness owns, as a
 * well-behaved caller's would be), and leave no handle open once all are closed.
 * The sim is built once and shared by every input (see shared_state()).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vfio/backend.h>
#include <vfio/sim.h>
#include <vfio/sim_models.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CMD 64
#define PAYLOAD (CMD - 3)
#define MAX_HANDLES 16
#define MEM (16 * 4096)

struct state {
	struct vfio_backend *be;
	struct vfio_sim *sim;
	struct vfio_sim_device *edu;
	int handles[MAX_HANDLES];
	unsigned int nr;
	int efd;
	uint8_t *mem;
};

static int handle(const struct state *s, uint8_t sel)
{
	return s->nr ? s->handles[sel % s->nr] : -1;
}

static void keep(struct state *s, int fd)
{
	if (fd < 0)
		return;
	if (s->nr < MAX_HANDLES)
		s->handles[s->nr++] = fd;
	else
		s->be->ops->close(s->be, fd);
}

static void forget(struct state *s, uint8_t sel)
{
	unsigned int i;

	if (!s->nr)
		return;
	i = sel % s->nr;
	s->be->ops->close(s->be, s->handles[i]);
	s->handles[i] = s->handles[--s->nr];
}

/* The payload as a uAPI struct of @size bytes whose argsz (first u32) fits @size. */
static void *arg(uint8_t *buf, size_t size, const uint8_t *payload)
{
	uint32_t argsz;

	memset(buf, 0, size);
	memcpy(buf, payload, size < PAYLOAD ? size : PAYLOAD);
	memcpy(&argsz, buf, sizeof(argsz));
	if (argsz > size) {
		argsz = (uint32_t)size;
		memcpy(buf, &argsz, sizeof(argsz));
	}
	return buf;
}

static void run(struct state *s, const uint8_t *c)
{
	struct vfio_backend *be = s->be;
	const struct vfio_backend_ops *ops = be->ops;
	const uint8_t *p = c + 3;
	uint8_t buf[512];
	int h = handle(s, c[1]), h2 = handle(s, c[2]);
	uint64_t off;
	char path[32];
	void *addr;

	switch (c[0] % 36) {
	case 0:
		keep(s, ops->open(be, "/dev/vfio/vfio", 2));
		break;
	case 1:
		snprintf(path, sizeof(path), "/dev/vfio/%u", p[0] % 4);
		keep(s, ops->open(be, path, 2));
		break;
	case 2:
		forget(s, c[1]);
		break;
	case 3:
		ops->group_set_container(be, h, h2);
		break;
	case 4:
		ops->group_unset_container(be, h);
		break;
	case 5:
		ops->set_iommu(be, h, p[0] % 12);
		break;
	case 6:
		ops->check_extension(be, h, p[0] % 12);
		break;
	case 7: {
		static const char *const names[] = { "0000:00:03.0", "0000:00:05.0", "", "x",
						      "0000:00:03.0 vf_token=1" };
		keep(s, ops->group_get_device_fd(be, h, names[p[0] % 5]));
		break;
	}
	case 8:
		ops->group_get_status(be, h, arg(buf, sizeof(struct vfio_group_status), p));
		break;
	case 9:
		ops->device_get_info(be, h, arg(buf, 64, p));
		break;
	case 10:
		ops->device_get_region_info(be, h, arg(buf, sizeof(buf), p));
		break;
	case 11:
		ops->device_get_irq_info(be, h, arg(buf, 64, p));
		break;
	case 12: {
		struct vfio_irq_set *set = arg(buf, 256, p);

		/* eventfd data: only fds that are eventfds of ours, or -1 */
		for (size_t i = sizeof(*set); i + 4 <= 256; i += 4) {
			int32_t fd = (buf[i] & 1) ? s->efd : -1;

			memcpy(buf + i, &fd, sizeof(fd));
		}
		ops->device_set_irqs(be, h, set);
		break;
	}
	case 13:
		ops->device_reset(be, h);
		break;
	case 14: {
		struct vfio_iommu_type1_dma_map *map = arg(buf, sizeof(*map), p);

		map->vaddr = (uint64_t)(uintptr_t)s->mem + (map->vaddr % (MEM + 8192));
		map->size %= MEM + 8192;
		ops->iommu_map_dma(be, h, map);
		break;
	}
	case 15: {
		struct vfio_iommu_type1_dma_unmap *unmap = arg(buf, sizeof(*unmap), p);

		unmap->flags &= ~VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP; /* its bitmap is a pointer */
		ops->iommu_unmap_dma(be, h, unmap);
		break;
	}
	case 16:
		ops->iommu_get_info(be, h, arg(buf, 256, p));
		break;
	case 17:
		memcpy(&off, p, sizeof(off));
		ops->pread(be, h, buf, p[8] % 65, off);
		break;
	case 18:
		memcpy(&off, p, sizeof(off));
		memcpy(buf, p + 9, 48);
		ops->pwrite(be, h, buf, p[8] % 49, off);
		break;
	case 19:
		memcpy(&off, p, sizeof(off));
		if (ops->mmap(be, h, NULL, 4096u * (1 + p[8] % 4), PROT_READ, MAP_SHARED, off,
			      &addr) == 0)
			ops->munmap(be, addr, 4096u * (1 + p[8] % 4));
		break;
	case 20:
		ops->device_ioeventfd(be, h, arg(buf, sizeof(struct vfio_device_ioeventfd), p));
		break;
	case 21:
		ops->device_feature(be, h, arg(buf, 64, p));
		break;
	case 22:
		memcpy(&off, p, sizeof(off));
		if (p[9] & 1)
			vfio_sim_dma_read(s->edu, off, buf, p[8] % 65);
		else
			vfio_sim_dma_write(s->edu, off, p + 10, p[8] % 49);
		break;
	case 23:
		vfio_sim_device_raise_irq(s->edu, p[0] % 6, p[1] % 3);
		break;
	/* ---- iommufd and the device cdev ---- */
	case 24:
		keep(s, ops->open(be, "/dev/iommu", 2));
		break;
	case 25:
		snprintf(path, sizeof(path), "/dev/vfio/devices/vfio%u", p[0] % 3);
		keep(s, ops->open(be, path, 2));
		break;
	case 26:
		ops->ioas_alloc(be, h, arg(buf, sizeof(struct vfio_abi_ioas_alloc), p));
		break;
	case 27:
		ops->iommufd_destroy(be, h, arg(buf, sizeof(struct vfio_abi_iommu_destroy), p));
		break;
	case 28: {
		struct vfio_abi_ioas_iova_ranges *r = arg(buf, sizeof(*r), p);

		/* room for up to 8 ranges, in the harness's own buffer */
		r->num_iovas %= 9;
		r->allowed_iovas = (uint64_t)(uintptr_t)(buf + 256);
		ops->ioas_iova_ranges(be, h, r);
		break;
	}
	case 29: {
		struct vfio_abi_ioas_map *map = arg(buf, sizeof(*map), p);

		map->user_va = (uint64_t)(uintptr_t)s->mem + (map->user_va % (MEM + 8192));
		map->length %= MEM + 8192;
		ops->ioas_map(be, h, map);
		break;
	}
	case 30:
		ops->ioas_unmap(be, h, arg(buf, sizeof(struct vfio_abi_ioas_unmap), p));
		break;
	case 31: {
		struct vfio_abi_device_bind_iommufd *bind = arg(buf, sizeof(*bind), p);

		bind->iommufd = h2;
		ops->device_bind_iommufd(be, h, bind);
		break;
	}
	case 32:
		ops->device_attach_iommufd_pt(
			be, h, arg(buf, sizeof(struct vfio_abi_device_attach_iommufd_pt), p));
		break;
	case 33:
		ops->device_detach_iommufd_pt(
			be, h, arg(buf, sizeof(struct vfio_abi_device_detach_iommufd_pt), p));
		break;
	case 34: {
		static const char *const dirs[] = { "/sys/bus/pci/devices/0000:00:03.0/vfio-dev",
						     "/sys/bus/pci/devices/0000:00:05.0/vfio-dev",
						     "/sys/class/vfio-dev", "/sys/bus/pci/devices",
						     "/nonexistent" };

		ops->list_dir(be, dirs[p[0] % 5], (char *)buf, p[1] % 64);
		break;
	}
	case 35:
		ops->device_get_pci_hot_reset_info(be, h, arg(buf, 64, p));
		break;
	}
}

/*
 * One sim for the whole run, built on the first input: building one per input
 * (memfds, device models) cost more than the ops themselves.  Each input
 * starts from the same state all the same: it begins with no handle open,
 * and ends with every handle it opened closed (which, as on the kernel,
 * drops the container's mappings and the devices' interrupt set-up), the
 * deferred work run and the fault log emptied.
 */
static struct state *shared_state(void)
{
	static struct state s;
	struct vfio_sim_group *g;

	if (s.sim)
		return &s;
	if (vfio_sim_new(&s.sim))
		abort();
	s.be = vfio_sim_backend(s.sim);
	vfio_sim_set_async_eventfds(s.sim, false); /* deterministic: serviced on entry */
	if (vfio_sim_group_add(s.sim, 1, &g) || vfio_sim_edu_add(g, "0000:00:03.0", true, &s.edu) ||
	    vfio_sim_group_add(s.sim, 2, &g) || vfio_sim_e1000e_add(g, "0000:00:05.0", NULL))
		abort();
	s.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	s.mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (s.efd < 0 || s.mem == MAP_FAILED)
		abort();
	return &s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct state *s = shared_state();
	uint64_t drained;

	for (size_t at = 0; at + CMD <= size; at += CMD)
		run(s, data + at);
	while (s->nr)
		forget(s, 0);
	if (vfio_sim_open_handles(s->sim) != 0)
		abort(); /* every handle closed, yet the sim holds one */
	for (int i = 0; i < 8 && vfio_sim_pending_work(s->sim); i++)
		vfio_sim_run(s->sim, UINT32_MAX); /* work may defer more work: a few rounds */
	vfio_sim_fault_log_clear(s->sim);
	while (read(s->efd, &drained, sizeof(drained)) > 0)
		;
	return 0;
}
