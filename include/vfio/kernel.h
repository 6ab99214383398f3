/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_KERNEL_H
#define LIBVFIO_VFIO_KERNEL_H

/*
 * Backends as values: the kernel backend, and the call that releases any backend.
 *
 * Thread safety: a backend may be used by several containers and threads at once;
 * vfio_backend_destroy() must be its last call.
 */

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_backend;

/**
 * vfio_kernel_backend_new() - the backend that talks to the running kernel
 * @out: the new backend
 *
 * Return: 0, or -ENOMEM.
 */
int vfio_kernel_backend_new(struct vfio_backend **out);

/**
 * vfio_backend_destroy() - release a backend
 * @be: the backend, or NULL
 *
 * Every container opened on @be must be closed first.
 *
 * Return: nothing.
 */
void vfio_backend_destroy(struct vfio_backend *be);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_KERNEL_H */
