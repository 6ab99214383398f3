// SPDX-License-Identifier: MIT
/*
 * The kernel backend over a fake syscall layer: each op must make exactly one
 * syscall with the right request, fd and argument, and turn a failure into
 * -errno.  A few calls also go to the real kernel on ordinary files.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <linux/kvm.h>
#include <linux/vfio.h>

#include <vfio/backend.h>
#include <vfio/kernel.h>

#include "kernel_sys.h"
#include "private.h" /* vfio_backend_native */

enum fake_call { CALL_NONE, CALL_OPEN, CALL_CLOSE, CALL_IOCTL, CALL_PREAD, CALL_PWRITE,
		 CALL_MMAP, CALL_MUNMAP, CALL_READLINK };

/* What the last syscall received, and what the next one answers. */
static struct {
	int calls;
	enum fake_call call;
	int fd;
	unsigned long request;
	void *arg;
	int arg_int;     /* *(int *)arg at the call, for VFIO_GROUP_SET_CONTAINER */
	char arg_str[64]; /* the string at arg, for VFIO_GROUP_GET_DEVICE_FD */
	const char *path;
	int flags;
	const void *buf;
	size_t count;
	off_t offset;
	void *addr;
	size_t length;
	int prot;

	long ret;  /* the result on success */
	int err;   /* when not 0: fail with -1 and this errno */
	void *map; /* what mmap answers on success */
} fake;

static long fake_answer(enum fake_call call)
{
	fake.calls++;
	fake.call = call;
	if (fake.err) {
		errno = fake.err;
		return -1;
	}
	return fake.ret;
}

static int fake_open(const char *path, int flags)
{
	fake.path = path;
	fake.flags = flags;
	return (int)fake_answer(CALL_OPEN);
}

static int fake_close(int fd)
{
	fake.fd = fd;
	return (int)fake_answer(CALL_CLOSE);
}

static int fake_ioctl(int fd, unsigned long request, void *arg)
{
	fake.fd = fd;
	fake.request = request;
	fake.arg = arg;
	if (request == VFIO_GROUP_SET_CONTAINER)
		fake.arg_int = *(int *)arg;
	if (request == VFIO_GROUP_GET_DEVICE_FD)
		strncpy(fake.arg_str, arg, sizeof(fake.arg_str) - 1);
	return (int)fake_answer(CALL_IOCTL);
}

static ssize_t fake_pread(int fd, void *buf, size_t count, off_t offset)
{
	fake.fd = fd;
	fake.buf = buf;
	fake.count = count;
	fake.offset = offset;
	return fake_answer(CALL_PREAD);
}

static ssize_t fake_pwrite(int fd, const void *buf, size_t count, off_t offset)
{
	fake.fd = fd;
	fake.buf = buf;
	fake.count = count;
	fake.offset = offset;
	return fake_answer(CALL_PWRITE);
}

static void *fake_mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset)
{
	fake.addr = addr;
	fake.length = length;
	fake.prot = prot;
	fake.flags = flags;
	fake.fd = fd;
	fake.offset = offset;
	return fake_answer(CALL_MMAP) < 0 ? MAP_FAILED : fake.map;
}

static int fake_munmap(void *addr, size_t length)
{
	fake.addr = addr;
	fake.length = length;
	return (int)fake_answer(CALL_MUNMAP);
}

static ssize_t fake_readlink(const char *path, char *buf, size_t size)
{
	fake.path = path;
	fake.buf = buf;
	fake.count = size;
	return fake_answer(CALL_READLINK);
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
	.fdopendir = fdopendir, /* list_dir has its fakes in test_kernel_iommufd.c */
	.readdir = readdir,
	.closedir = closedir,
};

static void fake_succeeds(long ret)
{
	memset(&fake, 0, sizeof(fake));
	fake.ret = ret;
}

static void fake_fails(int err)
{
	memset(&fake, 0, sizeof(fake));
	fake.err = err;
}

/* Exactly one ioctl reached the fake, with these values. */
static void assert_ioctl(int fd, unsigned long request, const void *arg)
{
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_IOCTL);
	assert_int_equal(fake.fd, fd);
	assert_int_equal(fake.request, request);
	assert_ptr_equal(fake.arg, arg);
}

static int setup(void **state)
{
	struct vfio_backend *be = NULL;

	if (vfio_kernel_backend_new_sys(&fake_sys, &be) != 0)
		return -1;
	if (vfio_backend_native(be)) /* on syscalls of its own: the core goes through the ops */
		return -1;
	*state = be;
	return 0;
}

static int teardown(void **state)
{
	vfio_backend_destroy(*state);
	return 0;
}

/* ---- construction ---- */

static void test_new_sys_rejects_bad_args(void **state)
{
	struct vfio_kernel_sys partial = fake_sys;
	struct vfio_backend *be = NULL;

	(void)state;
	assert_int_equal(vfio_kernel_backend_new_sys(NULL, &be), -EINVAL);
	assert_int_equal(vfio_kernel_backend_new_sys(&fake_sys, NULL), -EINVAL);
	partial.readlink = NULL;
	assert_int_equal(vfio_kernel_backend_new_sys(&partial, &be), -EINVAL);
	partial = fake_sys;
	partial.closedir = NULL;
	assert_int_equal(vfio_kernel_backend_new_sys(&partial, &be), -EINVAL);
	assert_null(be);
}

static void test_ops_table(void **state)
{
	struct vfio_backend *be = *state;
	const struct vfio_backend_ops *ops = be->ops;

	assert_int_equal(ops->version, VFIO_BACKEND_OPS_VERSION);
	assert_string_equal(ops->name, "kernel");
	assert_non_null(ops->destroy);
	/* Every op is there: the kernel backend leaves nothing to -EOPNOTSUPP. */
	assert_non_null(ops->list_dir);
	assert_non_null(ops->iommufd_destroy);
	assert_non_null(ops->ioas_alloc);
	assert_non_null(ops->ioas_iova_ranges);
	assert_non_null(ops->ioas_map);
	assert_non_null(ops->ioas_map_file);
	assert_non_null(ops->ioas_unmap);
	assert_non_null(ops->device_bind_iommufd);
	assert_non_null(ops->device_attach_iommufd_pt);
	assert_non_null(ops->device_detach_iommufd_pt);
}

/* ---- files ---- */

static void test_open(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(9);
	assert_int_equal(be->ops->open(be, "/dev/vfio/vfio", O_RDWR), 9);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_OPEN);
	assert_string_equal(fake.path, "/dev/vfio/vfio");
	assert_int_equal(fake.flags, O_RDWR | O_CLOEXEC);

	fake_succeeds(4);
	assert_int_equal(be->ops->open(be, "/dev/vfio/7", O_RDWR | O_CLOEXEC), 4);
	assert_int_equal(fake.flags, O_RDWR | O_CLOEXEC);

	fake_fails(ENOENT);
	assert_int_equal(be->ops->open(be, "/dev/vfio/8", O_RDWR), -ENOENT);
	assert_true(fake.flags & O_CLOEXEC);
}

static void test_close(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(0);
	assert_int_equal(be->ops->close(be, 12), 0);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_CLOSE);
	assert_int_equal(fake.fd, 12);

	fake_fails(EBADF);
	assert_int_equal(be->ops->close(be, 12), -EBADF);
}

static void test_readlink(void **state)
{
	struct vfio_backend *be = *state;
	char buf[32];

	fake_succeeds(14);
	assert_int_equal(be->ops->readlink(be, "/sys/x/iommu_group", buf, sizeof(buf)), 14);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_READLINK);
	assert_string_equal(fake.path, "/sys/x/iommu_group");
	assert_ptr_equal(fake.buf, buf);
	assert_int_equal(fake.count, sizeof(buf));

	fake_fails(EINVAL);
	assert_int_equal(be->ops->readlink(be, "/sys/x", buf, sizeof(buf)), -EINVAL);
}

static void test_pread(void **state)
{
	struct vfio_backend *be = *state;
	uint8_t buf[8];
	uint64_t offset = (uint64_t)7 << 40; /* region 7, as vfio-pci encodes it */

	fake_succeeds(4);
	assert_int_equal(be->ops->pread(be, 5, buf, 4, offset + 0x10), 4);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_PREAD);
	assert_int_equal(fake.fd, 5);
	assert_ptr_equal(fake.buf, buf);
	assert_int_equal(fake.count, 4);
	assert_int_equal(fake.offset, (off_t)(offset + 0x10));

	fake_fails(EIO);
	assert_int_equal(be->ops->pread(be, 5, buf, 4, 0), -EIO);
}

static void test_pwrite(void **state)
{
	struct vfio_backend *be = *state;
	const uint8_t buf[8] = { 1, 2, 3, 4 };

	fake_succeeds(8);
	assert_int_equal(be->ops->pwrite(be, 6, buf, 8, 0x40), 8);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_PWRITE);
	assert_int_equal(fake.fd, 6);
	assert_ptr_equal(fake.buf, buf);
	assert_int_equal(fake.count, 8);
	assert_int_equal(fake.offset, 0x40);

	fake_fails(EFAULT);
	assert_int_equal(be->ops->pwrite(be, 6, buf, 8, 0x40), -EFAULT);
}

static void test_mmap(void **state)
{
	struct vfio_backend *be = *state;
	char target;
	void *out = NULL;

	fake_succeeds(0);
	fake.map = &target;
	assert_int_equal(be->ops->mmap(be, 3, NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
				       (uint64_t)2 << 40, &out), 0);
	assert_ptr_equal(out, &target);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_MMAP);
	assert_int_equal(fake.fd, 3);
	assert_null(fake.addr);
	assert_int_equal(fake.length, 4096);
	assert_int_equal(fake.prot, PROT_READ | PROT_WRITE);
	assert_int_equal(fake.flags, MAP_SHARED);
	assert_int_equal(fake.offset, (off_t)((uint64_t)2 << 40));

	out = NULL;
	fake_fails(ENOMEM);
	assert_int_equal(be->ops->mmap(be, 3, NULL, 4096, PROT_READ, MAP_SHARED, 0, &out),
			 -ENOMEM);
	assert_null(out);
}

static void test_munmap(void **state)
{
	struct vfio_backend *be = *state;
	char target;

	fake_succeeds(0);
	assert_int_equal(be->ops->munmap(be, &target, 8192), 0);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.call, CALL_MUNMAP);
	assert_ptr_equal(fake.addr, &target);
	assert_int_equal(fake.length, 8192);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->munmap(be, &target, 8192), -EINVAL);
}

/* ---- container ioctls ---- */

static void test_get_api_version(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(VFIO_API_VERSION);
	assert_int_equal(be->ops->get_api_version(be, 3), VFIO_API_VERSION);
	assert_ioctl(3, VFIO_GET_API_VERSION, NULL);

	fake_fails(ENOTTY);
	assert_int_equal(be->ops->get_api_version(be, 3), -ENOTTY);
}

static void test_check_extension(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(1);
	assert_int_equal(be->ops->check_extension(be, 3, VFIO_TYPE1v2_IOMMU), 1);
	assert_ioctl(3, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);

	fake_fails(EBADF);
	assert_int_equal(be->ops->check_extension(be, 3, VFIO_TYPE1v2_IOMMU), -EBADF);
}

static void test_set_iommu(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(0);
	assert_int_equal(be->ops->set_iommu(be, 3, VFIO_TYPE1v2_IOMMU), 0);
	assert_ioctl(3, VFIO_SET_IOMMU, (void *)(uintptr_t)VFIO_TYPE1v2_IOMMU);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->set_iommu(be, 3, VFIO_TYPE1v2_IOMMU), -EINVAL);
}

static void test_iommu_get_info(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };

	fake_succeeds(0);
	assert_int_equal(be->ops->iommu_get_info(be, 3, &info), 0);
	assert_ioctl(3, VFIO_IOMMU_GET_INFO, &info);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->iommu_get_info(be, 3, &info), -EINVAL);
}

static void test_iommu_map_dma(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_iommu_type1_dma_map map = { .argsz = sizeof(map) };

	fake_succeeds(0);
	assert_int_equal(be->ops->iommu_map_dma(be, 3, &map), 0);
	assert_ioctl(3, VFIO_IOMMU_MAP_DMA, &map);

	fake_fails(EEXIST);
	assert_int_equal(be->ops->iommu_map_dma(be, 3, &map), -EEXIST);
}

static void test_iommu_unmap_dma(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };

	fake_succeeds(0);
	assert_int_equal(be->ops->iommu_unmap_dma(be, 3, &unmap), 0);
	assert_ioctl(3, VFIO_IOMMU_UNMAP_DMA, &unmap);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->iommu_unmap_dma(be, 3, &unmap), -EINVAL);
}

/* ---- group ioctls ---- */

static void test_group_get_status(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_group_status status = { .argsz = sizeof(status) };

	fake_succeeds(0);
	assert_int_equal(be->ops->group_get_status(be, 4, &status), 0);
	assert_ioctl(4, VFIO_GROUP_GET_STATUS, &status);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->group_get_status(be, 4, &status), -EINVAL);
}

static void test_group_set_container(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(0);
	assert_int_equal(be->ops->group_set_container(be, 4, 3), 0);
	assert_int_equal(fake.calls, 1);
	assert_int_equal(fake.fd, 4);
	assert_int_equal(fake.request, VFIO_GROUP_SET_CONTAINER);
	assert_non_null(fake.arg);
	assert_int_equal(fake.arg_int, 3); /* a pointer to the container fd */

	fake_fails(EBUSY);
	assert_int_equal(be->ops->group_set_container(be, 4, 3), -EBUSY);
}

static void test_group_unset_container(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(0);
	assert_int_equal(be->ops->group_unset_container(be, 4), 0);
	assert_ioctl(4, VFIO_GROUP_UNSET_CONTAINER, NULL);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->group_unset_container(be, 4), -EINVAL);
}

static void test_group_get_device_fd(void **state)
{
	struct vfio_backend *be = *state;
	const char *name = "0000:00:04.0";

	fake_succeeds(17);
	assert_int_equal(be->ops->group_get_device_fd(be, 4, name), 17);
	assert_ioctl(4, VFIO_GROUP_GET_DEVICE_FD, name);
	assert_string_equal(fake.arg_str, name);

	fake_fails(ENODEV);
	assert_int_equal(be->ops->group_get_device_fd(be, 4, name), -ENODEV);
}

/* ---- device ioctls ---- */

static void test_device_get_info(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_device_info info = { .argsz = sizeof(info) };

	fake_succeeds(0);
	assert_int_equal(be->ops->device_get_info(be, 5, &info), 0);
	assert_ioctl(5, VFIO_DEVICE_GET_INFO, &info);

	fake_fails(EFAULT);
	assert_int_equal(be->ops->device_get_info(be, 5, &info), -EFAULT);
}

static void test_device_get_region_info(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_region_info info = { .argsz = sizeof(info), .index = 2 };

	fake_succeeds(0);
	assert_int_equal(be->ops->device_get_region_info(be, 5, &info), 0);
	assert_ioctl(5, VFIO_DEVICE_GET_REGION_INFO, &info);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->device_get_region_info(be, 5, &info), -EINVAL);
}

static void test_device_get_irq_info(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_irq_info info = { .argsz = sizeof(info), .index = VFIO_PCI_MSIX_IRQ_INDEX };

	fake_succeeds(0);
	assert_int_equal(be->ops->device_get_irq_info(be, 5, &info), 0);
	assert_ioctl(5, VFIO_DEVICE_GET_IRQ_INFO, &info);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->device_get_irq_info(be, 5, &info), -EINVAL);
}

static void test_device_set_irqs(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_irq_set set = { .argsz = sizeof(set),
				    .flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER };

	fake_succeeds(0);
	assert_int_equal(be->ops->device_set_irqs(be, 5, &set), 0);
	assert_ioctl(5, VFIO_DEVICE_SET_IRQS, &set);

	fake_fails(EINVAL);
	assert_int_equal(be->ops->device_set_irqs(be, 5, &set), -EINVAL);
}

static void test_device_reset(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(0);
	assert_int_equal(be->ops->device_reset(be, 5), 0);
	assert_ioctl(5, VFIO_DEVICE_RESET, NULL);

	fake_fails(ENOTTY);
	assert_int_equal(be->ops->device_reset(be, 5), -ENOTTY);
}

static void test_device_get_pci_hot_reset_info(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_pci_hot_reset_info info = { .argsz = sizeof(info) };

	fake_succeeds(0);
	assert_int_equal(be->ops->device_get_pci_hot_reset_info(be, 5, &info), 0);
	assert_ioctl(5, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, &info);

	fake_fails(ENOSPC);
	assert_int_equal(be->ops->device_get_pci_hot_reset_info(be, 5, &info), -ENOSPC);
}

static void test_device_pci_hot_reset(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_pci_hot_reset reset = { .argsz = sizeof(reset) };

	fake_succeeds(0);
	assert_int_equal(be->ops->device_pci_hot_reset(be, 5, &reset), 0);
	assert_ioctl(5, VFIO_DEVICE_PCI_HOT_RESET, &reset);

	fake_fails(EPERM);
	assert_int_equal(be->ops->device_pci_hot_reset(be, 5, &reset), -EPERM);
}

static void test_device_ioeventfd(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_device_ioeventfd ioeventfd = { .argsz = sizeof(ioeventfd), .fd = -1 };

	fake_succeeds(0);
	assert_int_equal(be->ops->device_ioeventfd(be, 5, &ioeventfd), 0);
	assert_ioctl(5, VFIO_DEVICE_IOEVENTFD, &ioeventfd);

	fake_fails(EEXIST);
	assert_int_equal(be->ops->device_ioeventfd(be, 5, &ioeventfd), -EEXIST);
}

static void test_device_feature(void **state)
{
	struct vfio_backend *be = *state;
	struct vfio_device_feature feature = { .argsz = sizeof(feature),
					       .flags = VFIO_DEVICE_FEATURE_PROBE };

	fake_succeeds(1);
	assert_int_equal(be->ops->device_feature(be, 5, &feature), 1);
	assert_ioctl(5, VFIO_DEVICE_FEATURE, &feature);

	fake_fails(ENOTTY);
	assert_int_equal(be->ops->device_feature(be, 5, &feature), -ENOTTY);
}

static void test_kvm_device_set_attr(void **state)
{
	struct vfio_backend *be = *state;
	int group = 4;
	const struct kvm_device_attr attr = { .group = KVM_DEV_VFIO_GROUP,
					      .attr = KVM_DEV_VFIO_GROUP_ADD,
					      .addr = (uint64_t)(uintptr_t)&group };

	fake_succeeds(0);
	assert_int_equal(be->ops->kvm_device_set_attr(be, 20, &attr), 0);
	assert_ioctl(20, KVM_SET_DEVICE_ATTR, &attr);

	fake_fails(ENXIO);
	assert_int_equal(be->ops->kvm_device_set_attr(be, 20, &attr), -ENXIO);
}

/* A failure that left errno at 0 must still read as a failure. */
static void test_failure_without_errno(void **state)
{
	struct vfio_backend *be = *state;

	fake_succeeds(-1);
	errno = 0;
	assert_int_equal(be->ops->device_reset(be, 5), -EIO);
}

/* ---- the real kernel, on files that are not VFIO's ---- */

static void test_real_syscalls(void **state)
{
	struct vfio_backend *be = NULL;
	const char data[] = "vfio";
	char buf[sizeof(data)] = { 0 };
	char link[64];
	void *map = NULL;
	int fd;

	(void)state;
	assert_int_equal(vfio_kernel_backend_new(&be), 0);
	assert_string_equal(be->ops->name, "kernel");

	assert_int_equal(be->ops->open(be, "/nonexistent/vfio", O_RDWR), -ENOENT);
	assert_int_equal(be->ops->close(be, -1), -EBADF);
	assert_true(be->ops->readlink(be, "/proc/self/exe", link, sizeof(link)) > 0);
	assert_int_equal(be->ops->readlink(be, "/nonexistent", link, sizeof(link)), -ENOENT);

	fd = be->ops->open(be, "/dev/null", O_RDWR);
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(be->ops->get_api_version(be, fd), -ENOTTY);
	{
		/* the hot paths, which call libc directly: the errno still comes back */
		struct vfio_iommu_type1_dma_map dmap = { .argsz = sizeof(dmap) };
		struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
		struct vfio_irq_set set = { .argsz = sizeof(set) };
		struct vfio_abi_ioas_map imap = { .size = sizeof(imap) };
		struct vfio_abi_ioas_unmap iunmap = { .size = sizeof(iunmap) };

		assert_int_equal(be->ops->iommu_map_dma(be, fd, &dmap), -ENOTTY);
		assert_int_equal(be->ops->iommu_unmap_dma(be, fd, &unmap), -ENOTTY);
		assert_int_equal(be->ops->device_set_irqs(be, fd, &set), -ENOTTY);
		assert_int_equal(be->ops->ioas_map(be, fd, &imap), -ENOTTY);
		assert_int_equal(be->ops->ioas_unmap(be, fd, &iunmap), -ENOTTY);
	}
	assert_int_equal(be->ops->close(be, fd), 0);

	fd = memfd_create("test_kernel_backend", MFD_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	assert_int_equal(be->ops->pwrite(be, fd, data, sizeof(data), 100), sizeof(data));
	assert_int_equal(be->ops->pread(be, fd, buf, sizeof(buf), 100), sizeof(buf));
	assert_memory_equal(buf, data, sizeof(data));
	assert_int_equal(be->ops->mmap(be, fd, NULL, 4096, PROT_READ, MAP_SHARED, 0, &map), 0);
	assert_memory_equal((char *)map + 100, data, sizeof(data));
	assert_int_equal(be->ops->munmap(be, map, 4096), 0);
	assert_int_equal(be->ops->mmap(be, fd, NULL, 4096, PROT_READ, MAP_SHARED, 1, &map),
			 -EINVAL);
	assert_int_equal(be->ops->munmap(be, (void *)1, 4096), -EINVAL);
	assert_int_equal(be->ops->pread(be, -1, buf, 1, 0), -EBADF);
	assert_int_equal(be->ops->pwrite(be, -1, buf, 1, 0), -EBADF);
	close(fd);

	vfio_backend_destroy(be);
}

/* ---- op names ---- */

static void test_op_names(void **state)
{
	(void)state;
	for (int op = 0; op < VFIO_OP_COUNT; op++) {
		const char *name = vfio_backend_op_name((enum vfio_backend_op)op);

		assert_non_null(name);
		assert_string_not_equal(name, "?");
		for (int other = 0; other < op; other++)
			assert_string_not_equal(name,
						vfio_backend_op_name((enum vfio_backend_op)other));
	}
	assert_string_equal(vfio_backend_op_name(VFIO_OP_OPEN), "open");
	assert_string_equal(vfio_backend_op_name(VFIO_OP_MUNMAP), "munmap");
	assert_string_equal(vfio_backend_op_name(VFIO_OP_GROUP_GET_DEVICE_FD),
			    "VFIO_GROUP_GET_DEVICE_FD");
	assert_string_equal(vfio_backend_op_name(VFIO_OP_KVM_DEVICE_SET_ATTR),
			    "KVM_SET_DEVICE_ATTR");
	assert_string_equal(vfio_backend_op_name(VFIO_OP_DEVICE_DETACH_IOMMUFD_PT),
			    "VFIO_DEVICE_DETACH_IOMMUFD_PT");
	assert_string_equal(vfio_backend_op_name(VFIO_OP_LIST_DIR), "list_dir");
	assert_string_equal(vfio_backend_op_name(VFIO_OP_IOAS_MAP_FILE), "IOMMU_IOAS_MAP_FILE");
	assert_string_equal(vfio_backend_op_name(VFIO_OP_COUNT), "?");
	assert_string_equal(vfio_backend_op_name((enum vfio_backend_op)-1), "?");
	assert_string_equal(vfio_backend_op_name((enum vfio_backend_op)1000), "?");
}

#define FAKE_TEST(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_sys_rejects_bad_args),
		FAKE_TEST(test_ops_table),
		FAKE_TEST(test_open),
		FAKE_TEST(test_close),
		FAKE_TEST(test_readlink),
		FAKE_TEST(test_pread),
		FAKE_TEST(test_pwrite),
		FAKE_TEST(test_mmap),
		FAKE_TEST(test_munmap),
		FAKE_TEST(test_get_api_version),
		FAKE_TEST(test_check_extension),
		FAKE_TEST(test_set_iommu),
		FAKE_TEST(test_iommu_get_info),
		FAKE_TEST(test_iommu_map_dma),
		FAKE_TEST(test_iommu_unmap_dma),
		FAKE_TEST(test_group_get_status),
		FAKE_TEST(test_group_set_container),
		FAKE_TEST(test_group_unset_container),
		FAKE_TEST(test_group_get_device_fd),
		FAKE_TEST(test_device_get_info),
		FAKE_TEST(test_device_get_region_info),
		FAKE_TEST(test_device_get_irq_info),
		FAKE_TEST(test_device_set_irqs),
		FAKE_TEST(test_device_reset),
		FAKE_TEST(test_device_get_pci_hot_reset_info),
		FAKE_TEST(test_device_pci_hot_reset),
		FAKE_TEST(test_device_ioeventfd),
		FAKE_TEST(test_device_feature),
		FAKE_TEST(test_kvm_device_set_attr),
		FAKE_TEST(test_failure_without_errno),
		cmocka_unit_test(test_real_syscalls),
		cmocka_unit_test(test_op_names),
	};

	return cmocka_run_group_tests_name("kernel_backend", tests, NULL, NULL);
}
