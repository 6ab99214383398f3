// SPDX-License-Identifier: MIT
/*
 * The device side's copies to and from the process's memory (dma_rw.c calls
 * them once the IOMMU translated the IOVAs): the bytes a DMA moves.
 *
 * Two ways, vfio_sim_set_dma_copy() chooses:
 *  - VFIO_SIM_DMA_COPY_CHECKED (the default): ask the kernel how the memory is
 *    mapped right now (the procfs PROCMAP_QUERY ioctl on /proc/self/maps,
 *    Linux 6.11: one ioctl a memory area, none a page), then copy it here.
 *    Only private anonymous memory (malloc, mmap(MAP_ANONYMOUS | MAP_PRIVATE),
 *    what a test's buffer and a VMM's guest RAM mostly are) readable for a read
 *    and writable for a write is copied so; anything else (file or shared
 *    memory, which a truncation could turn into SIGBUS; an area the kernel does
 *    not find; a kernel without the ioctl) goes the second way.
 *  - VFIO_SIM_DMA_COPY_KERNEL: process_vm_readv/writev on the process itself,
 *    which fail on memory that is gone instead of faulting.  Safe whatever
 *    other threads do meanwhile, but the kernel pins and copies page by page:
 *    2-4 times the cost of a copy on 4 KiB pages.
 * Either way, memory unmapped or made inaccessible before the access is an
 * IOMMU fault (the caller's -EFAULT), never a crash.  What CHECKED leaves
 * open: a thread that unmaps or mprotects memory while another thread's
 * device access copies it can crash the process, where the kernel's device
 * would have gone on using the pages its mapping pinned.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "sim_private.h"

/* The PROCMAP_QUERY ABI (Linux 6.11), which Debian 12's headers lack. */
struct sim_procmap_query {
	uint64_t size;	      /* in: sizeof this struct */
	uint64_t query_flags; /* in: 0, the area that holds query_addr */
	uint64_t query_addr;  /* in */
	uint64_t vma_start;   /* out: the area, [vma_start, vma_end) */
	uint64_t vma_end;
	uint64_t vma_flags; /* out: SIM_VMA_* */
	uint64_t vma_page_size;
	uint64_t vma_offset;
	uint64_t inode; /* out: 0 for no file */
	uint32_t dev_major;
	uint32_t dev_minor;
	uint32_t vma_name_size; /* in: 0, no name wanted */
	uint32_t build_id_size; /* in: 0 */
	uint64_t vma_name_addr; /* in: 0 */
	uint64_t build_id_addr; /* in: 0 */
};

_Static_assert(sizeof(struct sim_procmap_query) == 104, "procmap_query is 104 bytes");
_Static_assert(offsetof(struct sim_procmap_query, inode) == 64, "procmap_query.inode");

#define SIM_PROCMAP_QUERY _IOWR('f', 17, struct sim_procmap_query)
#define SIM_VMA_READ	  0x1
#define SIM_VMA_WRITE	  0x2
#define SIM_VMA_SHARED	  0x8

/*
 * /proc/self/maps answers for the process that opened it, also in a child of
 * fork(): a fork bumps the generation and the child's sims open their own.
 */
static unsigned long fork_gen;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void count_fork(void)
{
	__atomic_add_fetch(&fork_gen, 1, __ATOMIC_RELAXED);
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, count_fork);
}

void sim_vmcopy_release(struct vfio_sim *sim)
{
	if (sim->maps_fd >= 0)
		close(sim->maps_fd);
	sim->maps_fd = -1;
}

/*
 * The sim's /proc/self/maps, opened with the sim (so that the process's fds
 * are the same before and after its first DMA) and again in a child of fork;
 * -1 when the query cannot be had.
 */
static int maps_fd(struct vfio_sim *sim)
{
	unsigned long gen = __atomic_load_n(&fork_gen, __ATOMIC_RELAXED);
	struct sim_procmap_query q = { .size = sizeof(q), .query_addr = (uintptr_t)sim };
	int saved = errno;

	if (sim->maps_tried && sim->maps_gen == gen)
		return sim->maps_fd;
	sim_vmcopy_release(sim);
	pthread_once(&atfork_once, register_atfork);
	sim->maps_tried = true;
	sim->maps_gen = gen;
	sim->maps_fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	/* the sim itself is mapped: a kernel that knows the ioctl answers */
	if (sim->maps_fd >= 0 && ioctl(sim->maps_fd, SIM_PROCMAP_QUERY, &q))
		sim_vmcopy_release(sim);
	errno = saved;
	return sim->maps_fd;
}

void sim_vmcopy_init(struct vfio_sim *sim)
{
	sim->maps_fd = -1;
	(void)maps_fd(sim);
}

/*
 * Is @va in private anonymous memory the device may access as @write asks?
 * Then [*start, *end) is that memory's area.
 */
static bool area_copyable(struct vfio_sim *sim, uint64_t va, bool write, uint64_t *start,
			  uint64_t *end)
{
	struct sim_procmap_query q = { .size = sizeof(q), .query_addr = va };
	uint64_t need = write ? SIM_VMA_WRITE : SIM_VMA_READ;
	int fd = maps_fd(sim), saved = errno;
	bool ok;

	if (fd < 0)
		return false;
	ok = !ioctl(fd, SIM_PROCMAP_QUERY, &q) && (q.vma_flags & need) &&
	     !(q.vma_flags & SIM_VMA_SHARED) && !q.inode && !q.dev_major && !q.dev_minor &&
	     q.vma_start <= va && va < q.vma_end;
	errno = saved;
	*start = ok ? q.vma_start : 0;
	*end = ok ? q.vma_end : 0;
	return ok;
}

/*
 * The copy itself: rep movsb on x86, as fast as memcpy for these sizes, and
 * not seen by the sanitizers' memcpy interceptors, which must no more take a
 * device's access for the program's than they did with process_vm_*.
 */
static void copy_bytes(void *dst, const void *src, size_t n)
{
#if defined(__x86_64__) || defined(__i386__)
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
#else
	memcpy(dst, src, n);
#endif
}

/* One piece through process_vm_readv/writev; 0 or -EFAULT. */
static int kernel_copy(void *local, size_t len, const struct iovec *remote, unsigned int n,
		       bool write)
{
	struct iovec l = { .iov_base = local, .iov_len = len };
	uint8_t *p = local;
	int saved = errno;
	unsigned int i;
	ssize_t done;

	done = write ? process_vm_writev(getpid(), &l, 1, remote, n, 0)
		     : process_vm_readv(getpid(), &l, 1, remote, n, 0);
	if (done < 0 && (errno == ENOSYS || errno == EPERM)) {
		/* refused: sim_copy_process() copies as it can, piece by piece */
		for (i = 0, done = 0; i < n; i++) {
			if (sim_copy_process(p, (uint64_t)(uintptr_t)remote[i].iov_base,
					     remote[i].iov_len, write))
				break;
			p += remote[i].iov_len;
			done += (ssize_t)remote[i].iov_len;
		}
	}
	errno = saved;
	return done == (ssize_t)len ? 0 : -EFAULT;
}

int sim_vm_copy(struct vfio_sim *sim, void *local, size_t len, const struct iovec *remote,
		unsigned int n, bool write)
{
	uint64_t start = 0, end = 0; /* the last area found copyable */
	uint8_t *p = local;
	unsigned int i;

	if (sim->dma_copy == VFIO_SIM_DMA_COPY_KERNEL)
		return kernel_copy(local, len, remote, n, write);
	for (i = 0; i < n; i++) {
		uint64_t va = (uint64_t)(uintptr_t)remote[i].iov_base;
		size_t left = remote[i].iov_len;

		while (left) {
			size_t chunk;

			if ((va < start || va >= end) &&
			    !area_copyable(sim, va, write, &start, &end)) {
				struct iovec rest = { .iov_base = (void *)(uintptr_t)va,
						      .iov_len = left };

				/* not ours to vouch for: the kernel copies it, or fails */
				if (kernel_copy(p, left, &rest, 1, write))
					return -EFAULT;
				p += left;
				break;
			}
			chunk = end - va < left ? (size_t)(end - va) : left;
			if (write)
				copy_bytes((void *)(uintptr_t)va, p, chunk);
			else
				copy_bytes(p, (const void *)(uintptr_t)va, chunk);
			p += chunk;
			va += chunk;
			left -= chunk;
		}
	}
	return 0;
}

int vfio_sim_set_dma_copy(struct vfio_sim *sim, enum vfio_sim_dma_copy how)
{
	if (how != VFIO_SIM_DMA_COPY_CHECKED && how != VFIO_SIM_DMA_COPY_KERNEL)
		return -EINVAL;
	sim_lock(sim);
	sim->dma_copy = how;
	sim_unlock(sim);
	return 0;
}
