/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_BACKENDS_KERNEL_KERNEL_SYS_H
#define LIBVFIO_BACKENDS_KERNEL_KERNEL_SYS_H

/*
 * The kernel backend's syscall swap points: private, for its unit test only.
 *
 * Each member has the shape of the libc call it stands for (open and ioctl
 * without their varargs) and answers as libc does: the result, or -1 with errno
 * set.  The backend turns that into -errno.
 */

#include <dirent.h>
#include <stddef.h>
#include <sys/types.h>

struct vfio_backend;

/**
 * struct vfio_kernel_sys - the syscalls the kernel backend makes
 *
 * Every member is required.
 */
struct vfio_kernel_sys {
	int (*open)(const char *path, int flags);
	int (*close)(int fd);
	int (*ioctl)(int fd, unsigned long request, void *arg);
	ssize_t (*pread)(int fd, void *buf, size_t count, off_t offset);
	ssize_t (*pwrite)(int fd, const void *buf, size_t count, off_t offset);
	void *(*mmap)(void *addr, size_t length, int prot, int flags, int fd, off_t offset);
	int (*munmap)(void *addr, size_t length);
	ssize_t (*readlink)(const char *path, char *buf, size_t size);
	/* list_dir: over the fd of an open(O_DIRECTORY); closedir closes that fd */
	DIR *(*fdopendir)(int fd);
	struct dirent *(*readdir)(DIR *dir); /* NULL: the end, or errno set */
	int (*closedir)(DIR *dir);
};

/**
 * vfio_kernel_backend_new_sys() - a kernel backend over the syscalls in @sys
 * @sys: the syscalls; copied, every member must be set
 * @out: the new backend
 *
 * Return: 0; -EINVAL for a NULL @sys, @out or member of @sys; -ENOMEM.
 */
int vfio_kernel_backend_new_sys(const struct vfio_kernel_sys *sys, struct vfio_backend **out);

#endif /* LIBVFIO_BACKENDS_KERNEL_KERNEL_SYS_H */
