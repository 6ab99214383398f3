// SPDX-License-Identifier: MIT
/*
 * The kernel backend's iommufd and device-cdev ops and list_dir, over a fake
 * syscall layer: each ioctl op makes exactly one ioctl with the ABI's number,
 * the caller's fd and struct, and turns a failure into -errno; list_dir opens
 * the directory, reads it, packs the names, and releases what it opened on
 * every path.  list_dir also runs on a real directory.  The other ops are in
 * test_kernel_backend.c.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <vfio/abi.h>
#include <vfio/backend.h>
#include <vfio/kernel.h>

#include "kernel_sys.h"

#define FAKE_FD 42

/* What the syscalls received, and what they answer. */
static struct {
	int ioctls, opens, closes, fdopendirs, readdirs, closedirs;
	int fd;
	unsigned long request;
	void *arg;
	const char *path;
	int flags;
	int closed_fd;
	DIR *closed_dir;

	int err;              /* ioctl, open: fail with this errno when not 0 */
	int fdopendir_err;    /* fdopendir: fail with this errno when not 0 */
	int readdir_err;      /* readdir: after the names, fail with this errno when not 0 */
	const char *const *names; /* what readdir answers, NULL-terminated */
	struct dirent de;
} fake;

/* A DIR the fake hands out; never dereferenced. */
static char fake_dir_tag;
#define FAKE_DIR ((DIR *)(void *)&fake_dir_tag)

static int fake_open(const char *path, int flags)
{
	fake.opens++;
	fake.path = path;
	fake.flags = flags;
	if (fake.err) {
		errno = fake.err;
		return -1;
	}
	return FAKE_FD;
}

static int fake_close(int fd)
{
	fake.closes++;
	fake.closed_fd = fd;
	return 0;
}

static int fake_ioctl(int fd, unsigned long request, void *arg)
{
	fake.ioctls++;
	fake.fd = fd;
	fake.request = request;
	fake.arg = arg;
	if (fake.err) {
		errno = fake.err;
		return -1;
	}
	return 0;
}

static ssize_t fake_pread(int fd, void *buf, size_t count, off_t offset)
{
	(void)fd, (void)buf, (void)count, (void)offset;
	errno = ENOSYS;
	return -1;
}

static ssize_t fake_pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	(void)fd, (void)buf, (void)count, (void)offset;
	errno = ENOSYS;
	return -1;
}

static void *fake_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	(void)addr, (void)length, (void)prot, (void)flags, (void)fd, (void)offset;
	errno = ENOSYS;
	return (void *)-1;
}

static int fake_munmap(void *addr, size_t length)
{
	(void)addr, (void)length;
	errno = ENOSYS;
	return -1;
}

static ssize_t fake_readlink(const char *path, char *buf, size_t size)
{
	(void)path, (void)buf, (void)size;
	errno = ENOSYS;
	return -1;
}

static DIR *fake_fdopendir(int fd)
{
	fake.fdopendirs++;
	fake.fd = fd;
	if (fake.fdopendir_err) {
		errno = fake.fdopendir_err;
		return NULL;
	}
	return FAKE_DIR;
}

static struct dirent *fake_readdir(DIR *dir)
{
	const char *name = fake.names ? fake.names[fake.readdirs] : NULL;

	assert_ptr_equal(dir, FAKE_DIR);
	fake.readdirs++;
	if (!name) {
		if (fake.readdir_err)
			errno = fake.readdir_err;
		return NULL; /* the end: errno left as the caller set it */
	}
	snprintf(fake.de.d_name, sizeof(fake.de.d_name), "%s", name);
	return &fake.de;
}

static int fake_closedir(DIR *dir)
{
	fake.closedirs++;
	fake.closed_dir = dir;
	return 0;
}

static const struct vfio_kernel_sys fake_sys = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.pread = fake_pread,
	.pwrite = fake_pwrite,
	.mmap = fake_mmap,
	.munmap = fake_munmap,
	.readlink = fake_readlink,
	.fdopendir = fake_fdopendir,
	.readdir = fake_readdir,
	.closedir = fake_closedir,
};

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
}

static int setup(void **state)
{
	struct vfio_backend *be = NULL;

	if (vfio_kernel_backend_new_sys(&fake_sys, &be) != 0)
		return -1;
	*state = be;
	return 0;
}

static int teardown(void **state)
{
	vfio_backend_destroy(*state);
	return 0;
}

/* ---- the ioctls ---- */

/* Calls the ioctl op @op on handle @fd with @arg. */
static int call_op(struct vfio_backend *be, enum vfio_backend_op op, int fd, void *arg)
{
	const struct vfio_backend_ops *o = be->ops;

	switch (op) {
	case VFIO_OP_IOMMUFD_DESTROY: return o->iommufd_destroy(be, fd, arg);
	case VFIO_OP_IOAS_ALLOC: return o->ioas_alloc(be, fd, arg);
	case VFIO_OP_IOAS_IOVA_RANGES: return o->ioas_iova_ranges(be, fd, arg);
	case VFIO_OP_IOAS_MAP: return o->ioas_map(be, fd, arg);
	case VFIO_OP_IOAS_MAP_FILE: return o->ioas_map_file(be, fd, arg);
	case VFIO_OP_IOAS_UNMAP: return o->ioas_unmap(be, fd, arg);
	case VFIO_OP_DEVICE_BIND_IOMMUFD: return o->device_bind_iommufd(be, fd, arg);
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT: return o->device_attach_iommufd_pt(be, fd, arg);
	case VFIO_OP_DEVICE_DETACH_IOMMUFD_PT: return o->device_detach_iommufd_pt(be, fd, arg);
	default: fail();
	}
	return 0;
}

static void test_ioctls(void **state)
{
	struct vfio_backend *be = *state;
	/* The kernel's numbers (include/uapi/linux/iommufd.h and vfio.h), written out. */
	static const struct {
		enum vfio_backend_op op;
		unsigned long request;
		int err; /* an errno the kernel gives for it */
	} ops[] = {
		{ VFIO_OP_IOMMUFD_DESTROY, 0x3b80, ENOENT },
		{ VFIO_OP_IOAS_ALLOC, 0x3b81, EOPNOTSUPP },
		{ VFIO_OP_IOAS_IOVA_RANGES, 0x3b84, EMSGSIZE },
		{ VFIO_OP_IOAS_MAP, 0x3b85, EEXIST },
		{ VFIO_OP_IOAS_MAP_FILE, 0x3b8f, ENOTTY }, /* before 6.13 */
		{ VFIO_OP_IOAS_UNMAP, 0x3b86, ENOENT },
		{ VFIO_OP_DEVICE_BIND_IOMMUFD, 0x3b76, EBADF },
		{ VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, 0x3b77, EINVAL },
		{ VFIO_OP_DEVICE_DETACH_IOMMUFD_PT, 0x3b78, EINVAL },
	};
	uint64_t arg[8] = { 0 };

	assert_int_equal(VFIO_ABI_IOMMU_DESTROY, 0x3b80);
	assert_int_equal(VFIO_ABI_IOAS_MAP_FILE, 0x3b8f);
	assert_int_equal(VFIO_ABI_DEVICE_DETACH_IOMMUFD_PT, 0x3b78);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		fake_reset();
		assert_int_equal(call_op(be, ops[i].op, 30 + (int)i, arg), 0);
		assert_int_equal(fake.ioctls, 1);
		assert_int_equal(fake.fd, 30 + (int)i);
		assert_int_equal(fake.request, ops[i].request);
		assert_ptr_equal(fake.arg, arg); /* the caller's struct itself */

		fake_reset();
		fake.err = ops[i].err;
		assert_int_equal(call_op(be, ops[i].op, 3, arg), -ops[i].err);
		assert_int_equal(fake.ioctls, 1);
	}
}

/* /dev/iommu and the cdev are opened as any file: O_CLOEXEC added, nothing else. */
static void test_open_iommufd_and_cdev(void **state)
{
	struct vfio_backend *be = *state;

	fake_reset();
	assert_int_equal(be->ops->open(be, "/dev/iommu", O_RDWR), FAKE_FD);
	assert_string_equal(fake.path, "/dev/iommu");
	assert_int_equal(fake.flags, O_RDWR | O_CLOEXEC);
	assert_int_equal(be->ops->open(be, "/dev/vfio/devices/vfio0", O_RDWR), FAKE_FD);
	assert_string_equal(fake.path, "/dev/vfio/devices/vfio0");
	assert_int_equal(fake.flags, O_RDWR | O_CLOEXEC);
	assert_int_equal(fake.opens, 2);
}

/* ---- list_dir ---- */

static const char *const dir_names[] = { ".", "0000:00:04.0", "..", "vfio3", "x", NULL };
/* What they pack into: the names but . and .., each with its NUL. */
static const char packed[] = "0000:00:04.0\0vfio3\0x";
#define PACKED_SIZE sizeof(packed) /* 13 + 6 + 2 = 21 */

/* list_dir of the fake's names into @size bytes of a buffer; checks the release. */
static ssize_t list_fake(struct vfio_backend *be, char *buf, size_t size)
{
	ssize_t n;

	fake_reset();
	fake.names = dir_names;
	memset(buf, '#', size);
	n = be->ops->list_dir(be, "/sys/bus/pci/devices/0000:00:04.0/vfio-dev", buf, size);
	assert_int_equal(fake.opens, 1);
	assert_string_equal(fake.path, "/sys/bus/pci/devices/0000:00:04.0/vfio-dev");
	assert_int_equal(fake.flags, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(fake.fdopendirs, 1);
	assert_int_equal(fake.fd, FAKE_FD);
	assert_int_equal(fake.closedirs, 1); /* which closes the fd */
	assert_ptr_equal(fake.closed_dir, FAKE_DIR);
	assert_int_equal(fake.closes, 0);
	return n;
}

static void test_list_dir_packs_names(void **state)
{
	struct vfio_backend *be = *state;
	char buf[64];

	assert_int_equal(list_fake(be, buf, sizeof(buf)), PACKED_SIZE);
	assert_memory_equal(buf, packed, PACKED_SIZE);
	assert_int_equal(buf[PACKED_SIZE], '#');

	/* Exactly the room they need. */
	assert_int_equal(list_fake(be, buf, PACKED_SIZE), PACKED_SIZE);
	assert_memory_equal(buf, packed, PACKED_SIZE);
}

static void test_list_dir_whole_names_only(void **state)
{
	struct vfio_backend *be = *state;
	char buf[64];

	/* Room for the first name and part of the second: the first only. */
	assert_int_equal(list_fake(be, buf, 16), PACKED_SIZE);
	assert_memory_equal(buf, "0000:00:04.0", 13);
	assert_int_equal(buf[13], '#');

	/* One byte short of all: "x" would fit, but not after a name that did not. */
	assert_int_equal(list_fake(be, buf, PACKED_SIZE - 1), PACKED_SIZE);
	assert_memory_equal(buf, packed, 19);
	assert_int_equal(buf[19], '#');

	/* No room at all, or no buffer: only the size. */
	buf[0] = '#';
	assert_int_equal(list_fake(be, buf, 0), PACKED_SIZE);
	assert_int_equal(buf[0], '#');
	fake_reset();
	fake.names = dir_names;
	assert_int_equal(be->ops->list_dir(be, "/d", NULL, 0), PACKED_SIZE);
	assert_int_equal(fake.closedirs, 1);
}

static void test_list_dir_empty(void **state)
{
	static const char *const dots[] = { ".", "..", NULL };
	struct vfio_backend *be = *state;
	char buf[4] = "###";

	fake_reset();
	fake.names = dots;
	assert_int_equal(be->ops->list_dir(be, "/d", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "###");
	assert_int_equal(fake.closedirs, 1);
}

static void test_list_dir_errors(void **state)
{
	struct vfio_backend *be = *state;
	char buf[64];

	/* open fails: nothing else is called. */
	fake_reset();
	fake.err = ENOTDIR;
	assert_int_equal(be->ops->list_dir(be, "/d", buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(fake.fdopendirs, 0);
	assert_int_equal(fake.closes, 0);

	/* fdopendir fails: the fd is closed, its errno answered. */
	fake_reset();
	fake.fdopendir_err = ENOMEM;
	assert_int_equal(be->ops->list_dir(be, "/d", buf, sizeof(buf)), -ENOMEM);
	assert_int_equal(fake.closes, 1);
	assert_int_equal(fake.closed_fd, FAKE_FD);
	assert_int_equal(fake.closedirs, 0);

	/* readdir fails midway: the directory is closed, its errno answered. */
	fake_reset();
	fake.names = dir_names;
	fake.readdir_err = EIO;
	assert_int_equal(be->ops->list_dir(be, "/d", buf, sizeof(buf)), -EIO);
	assert_int_equal(fake.closedirs, 1);
	assert_int_equal(fake.closes, 0);

	/* A stale errno before the call is not taken for a readdir error. */
	fake_reset();
	fake.names = dir_names;
	errno = EBADF;
	assert_int_equal(be->ops->list_dir(be, "/d", buf, sizeof(buf)), PACKED_SIZE);
}

/* ---- the real kernel ---- */

static void test_list_dir_real(void **state)
{
	struct vfio_backend *be = NULL;
	char dir[] = "/tmp/vfio-list-dir-XXXXXX", path[64], buf[64];
	ssize_t n;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(vfio_kernel_backend_new(&be), 0);
	assert_int_equal(be->ops->list_dir(be, dir, buf, sizeof(buf)), 0);
	snprintf(path, sizeof(path), "%s/ab", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/cde", dir);
	assert_int_equal(mkdir(path, 0700), 0);

	n = be->ops->list_dir(be, dir, buf, sizeof(buf));
	assert_int_equal(n, 3 + 4);
	/* readdir's order is the filesystem's. */
	assert_true(memcmp(buf, "ab\0cde", 7) == 0 || memcmp(buf, "cde\0ab", 7) == 0);
	assert_int_equal(be->ops->list_dir(be, dir, buf, 2), 7);

	assert_int_equal(be->ops->list_dir(be, "/nonexistent/vfio", buf, sizeof(buf)), -ENOENT);
	snprintf(path, sizeof(path), "%s/ab", dir);
	assert_int_equal(be->ops->list_dir(be, path, buf, sizeof(buf)), -ENOTDIR);

	unlink(path);
	snprintf(path, sizeof(path), "%s/cde", dir);
	rmdir(path);
	rmdir(dir);
	vfio_backend_destroy(be);
}

#define FAKE_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FAKE_TEST(test_ioctls),
		FAKE_TEST(test_open_iommufd_and_cdev),
		FAKE_TEST(test_list_dir_packs_names),
		FAKE_TEST(test_list_dir_whole_names_only),
		FAKE_TEST(test_list_dir_empty),
		FAKE_TEST(test_list_dir_errors),
		cmocka_unit_test(test_list_dir_real),
	};

	return cmocka_run_group_tests_name("kernel_iommufd", tests, NULL, NULL);
}
