// SPDX-License-Identifier: MIT
/*
 * The device side's copies of process memory (vfio_sim_set_dma_copy()), each
 * case run both ways: CHECKED (memory-map query, then a copy of its own) and
 * KERNEL (process_vm_readv/writev).  Memory gone or inaccessible before an
 * access must fault the same way in both.
 */

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "test_sim_fixture.h"
#include "testutil.h" /* t_count_fds */

#define IOVA 0x100000ULL

static enum vfio_sim_dma_copy way; /* the running case's */

static int setup_way(void **state, enum vfio_sim_dma_copy how)
{
	if (s_setup(state))
		return -1;
	way = how;
	return vfio_sim_set_dma_copy(((struct s_fix *)*state)->sim, how);
}

static int setup_checked(void **state)
{
	return setup_way(state, VFIO_SIM_DMA_COPY_CHECKED);
}

static int setup_kernel(void **state)
{
	return setup_way(state, VFIO_SIM_DMA_COPY_KERNEL);
}

static uint8_t *page(struct s_fix *s, unsigned int i)
{
	return (uint8_t *)s->buf + (size_t)i * S_PAGE;
}

static void fill(uint8_t *p, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

/*
 * Six pages in three memory areas (the middle advice splits the mapping),
 * mapped out of order: IOVA page i holds buffer page 5 - i, so no two pieces
 * merge, and one access runs through all of them.
 */
static void test_copies_scattered_pieces_across_areas(void **state)
{
	struct s_fix *s = *state;
	uint8_t in[6 * S_PAGE], out[6 * S_PAGE];
	unsigned int i;

	s_open_device(s, 1);
	assert_int_equal(madvise(page(s, 2), 2 * S_PAGE, MADV_RANDOM), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(s_map_rw(s, IOVA + i * S_PAGE, (5 - i) * S_PAGE, S_PAGE), 0);
	fill(in, sizeof(in), 3);
	/* starts and ends inside a page */
	assert_int_equal(vfio_sim_dma_write(s->pci, IOVA + 100, in + 100, sizeof(in) - 200), 0);
	for (i = 0; i < 6; i++) {
		size_t lo = i ? 0 : 100, hi = i == 5 ? S_PAGE - 100 : S_PAGE;

		assert_memory_equal(page(s, 5 - i) + lo, in + i * S_PAGE + lo, hi - lo);
	}
	memset(out, 0, sizeof(out));
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA, out, sizeof(out)), 0);
	assert_memory_equal(out + 100, in + 100, sizeof(in) - 200);
	assert_int_equal(vfio_sim_iommu_faults(s->sim), 0);
}

/* Adjacent pages merge into one piece: one access, one area, many mappings. */
static void test_copies_one_piece_of_many_mappings(void **state)
{
	struct s_fix *s = *state;
	uint8_t in[16 * S_PAGE], out[16 * S_PAGE];
	unsigned int i;

	s_open_device(s, 1);
	for (i = 0; i < 16; i++)
		assert_int_equal(s_map_rw(s, IOVA + i * S_PAGE, i * S_PAGE, S_PAGE), 0);
	fill(in, sizeof(in), 9);
	assert_int_equal(vfio_sim_dma_write(s->pci, IOVA, in, sizeof(in)), 0);
	assert_memory_equal(s->buf, in, sizeof(in));
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA + 1, out, sizeof(out) - 1), 0);
	assert_memory_equal(out, in + 1, sizeof(out) - 1);
}

/* Memory unmapped behind a live mapping: a fault, whichever part of the access
 * it is. */
static void test_unmapped_memory_faults(void **state)
{
	struct s_fix *s = *state;
	uint8_t out[3 * S_PAGE];

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, IOVA, 4 * S_PAGE, 3 * S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA, out, sizeof(out)), 0);
	assert_int_equal(munmap(page(s, 5), S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA, out, sizeof(out)), -EFAULT);
	assert_int_equal(vfio_sim_dma_write(s->pci, IOVA + S_PAGE + 8, out, 8), -EFAULT);
	assert_int_equal(vfio_sim_iommu_faults(s->sim), 2);
	/* the pages around it are still there */
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA, out, S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_write(s->pci, IOVA + 2 * S_PAGE, out, S_PAGE), 0);
	assert_memory_equal(page(s, 6), out, S_PAGE);
}

/* Protection changed behind a mapping: what the process may not do, the device
 * may not. */
static void test_protection_checked_at_each_access(void **state)
{
	struct s_fix *s = *state;
	uint8_t in[32], out[32];

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, IOVA, 0, 2 * S_PAGE), 0);
	fill(page(s, 0), 2 * S_PAGE, 1);
	memset(in, 0xab, sizeof(in));
	assert_int_equal(mprotect(page(s, 1), S_PAGE, PROT_READ), 0);
	/* a write that starts writable and runs into the read-only page */
	assert_int_equal(vfio_sim_dma_write(s->pci, IOVA + S_PAGE - 16, in, sizeof(in)), -EFAULT);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA + S_PAGE - 16, out, sizeof(out)), 0);
	assert_memory_equal(out + 16, page(s, 1), 16);
	assert_int_equal(mprotect(page(s, 1), S_PAGE, PROT_NONE), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA + S_PAGE, out, 1), -EFAULT);
	/* and back: the next access finds it writable again */
	assert_int_equal(mprotect(page(s, 1), S_PAGE, PROT_READ | PROT_WRITE), 0);
	assert_int_equal(vfio_sim_dma_write(s->pci, IOVA + S_PAGE, in, sizeof(in)), 0);
	assert_memory_equal(page(s, 1), in, sizeof(in));
	assert_int_equal(vfio_sim_iommu_faults(s->sim), 2);
}

/* Shared and file memory (which CHECKED hands to the kernel) copies too. */
static void test_shared_and_file_memory(void **state)
{
	struct s_fix *s = *state;
	int fd = (int)syscall(SYS_memfd_create, "dma-copy", 0);
	uint8_t *shm, *file, in[64], out[64];

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 3 * S_PAGE), 0);
	file = mmap(NULL, 3 * S_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	shm = mmap(NULL, S_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(file != MAP_FAILED && shm != MAP_FAILED);
	s_open_device(s, 1);
	assert_int_equal(s_map(s, IOVA, (uint64_t)(uintptr_t)file, 2 * S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE),
			 0);
	assert_int_equal(s_map(s, IOVA + 2 * S_PAGE, (uint64_t)(uintptr_t)shm, S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE),
			 0);
	fill(in, sizeof(in), 5);
	/* from the end of the file mapping into the shared anonymous page */
	assert_int_equal(vfio_sim_dma_write(s->pci, IOVA + 2 * S_PAGE - 32, in, sizeof(in)), 0);
	assert_memory_equal(file + 2 * S_PAGE - 32, in, 32);
	assert_memory_equal(shm, in + 32, 32);
	assert_int_equal(pread(fd, out, 32, 2 * S_PAGE - 32), 32);
	assert_memory_equal(out, in, 32);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA + 2 * S_PAGE - 32, out, sizeof(out)), 0);
	assert_memory_equal(out, in, sizeof(in));
	/*
	 * A truncated file: the kernel's copy fails where a load would raise
	 * SIGBUS, also for a second piece in the same memory area as a first
	 * that copied (IOVA + 4 pages - 8: the file's first page, then its third).
	 */
	assert_int_equal(s_map(s, IOVA + 3 * S_PAGE, (uint64_t)(uintptr_t)file, S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ),
			 0);
	assert_int_equal(s_map(s, IOVA + 4 * S_PAGE, (uint64_t)(uintptr_t)file + 2 * S_PAGE, S_PAGE,
			       VFIO_DMA_MAP_FLAG_READ),
			 0);
	assert_int_equal(ftruncate(fd, S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA + S_PAGE, out, 8), -EFAULT);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA + 4 * S_PAGE - 8, out, 8), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA + 4 * S_PAGE - 8, out, 16), -EFAULT);
	munmap(file, 3 * S_PAGE);
	munmap(shm, S_PAGE);
	close(fd);
}

/* Runs @fn in a child process; the child's exit status is @fn's answer. */
static void in_child(struct s_fix *s, int (*fn)(struct s_fix *s))
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (!pid)
		_exit(fn(s));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status))
		fail_msg("the child died of signal %d", WTERMSIG(status));
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * After fork() the parent's memory-map query would answer for the parent,
 * whose page is still there: the child must ask about its own memory.
 */
static int child_unmaps_then_reads(struct s_fix *s)
{
	uint8_t out[8];

	if (munmap(page(s, 0), S_PAGE))
		return 2;
	if (vfio_sim_dma_read(s->pci, IOVA, out, sizeof(out)) != -EFAULT)
		return 3;
	return vfio_sim_dma_read(s->pci, IOVA + S_PAGE, out, sizeof(out)) ? 4 : 0;
}

static void test_fork_child_asks_about_its_own_memory(void **state)
{
	struct s_fix *s = *state;
	uint8_t out[8];

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, IOVA, 0, 2 * S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA, out, sizeof(out)), 0);
	in_child(s, child_unmaps_then_reads);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA, out, sizeof(out)), 0);
}

/*
 * Which way copies: in a child where process_vm_readv/writev fail with EFAULT
 * (a seccomp filter), CHECKED still copies private anonymous memory, and
 * KERNEL faults.  77: seccomp is not to be had here.
 */
static int child_without_process_vm(struct s_fix *s)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_readv, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_writev, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EFAULT),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
	uint8_t in[64], out[64];
	int want;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return 77;
	want = way == VFIO_SIM_DMA_COPY_KERNEL ? -EFAULT : 0;
	fill(in, sizeof(in), 11);
	if (vfio_sim_dma_write(s->pci, IOVA + S_PAGE - 32, in, sizeof(in)) != want)
		return 2;
	if (vfio_sim_dma_read(s->pci, IOVA + S_PAGE - 32, out, sizeof(out)) != want)
		return 3;
	return !want && memcmp(in, out, sizeof(in)) ? 4 : 0;
}

static void test_which_way_copies(void **state)
{
	struct s_fix *s = *state;

	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, IOVA, 0, 2 * S_PAGE), 0);
	in_child(s, child_without_process_vm);
}

/* The memory-map query's file goes with the sim; bad choices are refused. */
static void test_fd_goes_with_the_sim(void **state)
{
	int before = t_count_fds();
	void *st = NULL;
	struct s_fix *s;
	uint8_t out[8];

	(void)state;
	assert_int_equal(s_setup(&st), 0);
	s = st;
	assert_int_equal(vfio_sim_set_dma_copy(s->sim, (enum vfio_sim_dma_copy)2), -EINVAL);
	assert_int_equal(vfio_sim_set_dma_copy(s->sim, (enum vfio_sim_dma_copy) - 1), -EINVAL);
	s_open_device(s, 1);
	assert_int_equal(s_map_rw(s, IOVA, 0, S_PAGE), 0);
	assert_int_equal(vfio_sim_dma_read(s->pci, IOVA, out, sizeof(out)), 0);
	s_teardown(&st);
	assert_int_equal(t_count_fds(), before);
}

/* A case both ways, named for each. */
/* clang-format off */
#define BOTH(t) \
	{ #t "/checked", t, setup_checked, s_teardown, NULL }, \
	{ #t "/kernel", t, setup_kernel, s_teardown, NULL }
/* clang-format on */

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_copies_scattered_pieces_across_areas),
		BOTH(test_copies_one_piece_of_many_mappings),
		BOTH(test_unmapped_memory_faults),
		BOTH(test_protection_checked_at_each_access),
		BOTH(test_shared_and_file_memory),
		BOTH(test_fork_child_asks_about_its_own_memory),
		BOTH(test_which_way_copies),
		cmocka_unit_test(test_fd_goes_with_the_sim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
