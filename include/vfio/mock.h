/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_MOCK_H
#define LIBVFIO_VFIO_MOCK_H

/*
 * A scripted backend: every op, with its arguments, goes to one hook of the
 * user's, whose answer is the op's answer.  For tests that would rather
 * script what the kernel says than model a device (for that, see the sim).
 * Linked from libvfio-sim, which does not depend on any test framework;
 * <vfio/mock_cmocka.h> has a ready hook for CMocka's expect/will_return.
 *
 * Every op of the table is implemented, so every call the core makes reaches
 * the hook: none is answered -EOPNOTSUPP behind the test's back.
 *
 * Thread safety: the mock keeps no state of its own past creation; it calls
 * the hook from whichever thread makes the call, so the hook must be safe
 * for the threads the test uses (CMocka's is not: keep it to one thread).
 */

#include <stddef.h>
#include <stdint.h>

#include <vfio/backend.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct vfio_mock_call - one call's arguments, tagged by @op
 * @op: the op
 * @fd: the handle it acts on; -1 for open, readlink, list_dir and munmap
 * @path: open, readlink, list_dir: the path; GROUP_GET_DEVICE_FD: the device
 *	name
 * @flags: open: O_*; mmap: MAP_*
 * @prot: mmap: PROT_*
 * @value: CHECK_EXTENSION: the extension; SET_IOMMU: the IOMMU type;
 *	GROUP_SET_CONTAINER: the container handle
 * @buf: readlink, list_dir, pread: where the answer's bytes go
 * @data: pwrite: the bytes
 * @addr: mmap: the address hint; munmap: the address
 * @count: readlink, list_dir: @buf's size; pread, pwrite: bytes; mmap,
 *	munmap: the length
 * @offset: pread, pwrite, mmap: the offset in the file
 * @mmap_out: mmap: where the hook stores the mapping's address on success
 * @arg: every other ioctl: the uAPI struct as the caller passed it, for the
 *	hook to read and to fill (vfio_mock_reply() fills it as the kernel
 *	would); @arg.ptr for any of them
 *
 * Members an op does not take are 0 (NULL).
 */
struct vfio_mock_call {
	enum vfio_backend_op op;
	int fd;
	const char *path;
	int flags;
	int prot;
	unsigned long value;
	void *buf;
	const void *data;
	void *addr;
	size_t count;
	uint64_t offset;
	void **mmap_out;
	union {
		void *ptr;
		struct vfio_iommu_type1_info *iommu_info;
		struct vfio_iommu_type1_dma_map *dma_map;
		struct vfio_iommu_type1_dma_unmap *dma_unmap;
		struct vfio_group_status *group_status;
		struct vfio_device_info *device_info;
		struct vfio_region_info *region_info;
		struct vfio_irq_info *irq_info;
		struct vfio_irq_set *irq_set;
		struct vfio_pci_hot_reset_info *hot_reset_info;
		struct vfio_pci_hot_reset *hot_reset;
		struct vfio_device_ioeventfd *ioeventfd;
		struct vfio_device_feature *feature;
		const struct kvm_device_attr *kvm_attr;
		struct vfio_abi_iommu_destroy *iommu_destroy;
		struct vfio_abi_ioas_alloc *ioas_alloc;
		struct vfio_abi_ioas_iova_ranges *ioas_iova_ranges;
		struct vfio_abi_ioas_map *ioas_map;
		struct vfio_abi_ioas_map_file *ioas_map_file;
		struct vfio_abi_ioas_unmap *ioas_unmap;
		struct vfio_abi_device_bind_iommufd *bind_iommufd;
		struct vfio_abi_device_attach_iommufd_pt *attach_iommufd_pt;
		struct vfio_abi_device_detach_iommufd_pt *detach_iommufd_pt;
	} arg;
};

/**
 * struct vfio_mock_hooks - the user's side of a mock
 * @call: answers every op (required): a value >= 0 or a negative errno, as the
 *	op's contract in <vfio/backend.h> says.  Ops other than readlink,
 *	list_dir, pread and pwrite return an int: an answer outside int's
 *	range reaches the caller as -ERANGE.  May fill @c's outputs (@buf, *@mmap_out, @arg).
 * @destroy: NULL, or called with the opaque by vfio_backend_destroy()
 */
struct vfio_mock_hooks {
	long (*call)(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c);
	void (*destroy)(void *opaque);
};

/**
 * vfio_mock_backend_new() - a backend whose every op is answered by @hooks
 * @hooks: copied
 * @opaque: passed to the hooks
 * @out: the backend; vfio_backend_destroy() releases it
 *
 * Return: 0; -EINVAL for NULL @hooks, @hooks->call or @out; -ENOMEM.
 */
int vfio_mock_backend_new(const struct vfio_mock_hooks *hooks, void *opaque,
			  struct vfio_backend **out);

/**
 * vfio_mock_reply() - answer a call's output with canned bytes, as the kernel would
 * @c: the call, in a hook
 * @answer: what the op gives back: for readlink and pread the bytes; for
 *	list_dir the names, each NUL-terminated, one after another; for mmap
 *	the mapping's address itself; for IOMMU_IOAS_IOVA_RANGES the struct
 *	followed by its num_iovas ranges; for any other ioctl a whole struct as
 *	the kernel fills it, with any capability chain or array after it (its
 *	argsz or size is not copied: @size stands for it)
 * @size: bytes of @answer (unused for mmap)
 *
 * readlink and pread get at most @c->count bytes; list_dir gets the whole
 * names that fit in @c->count bytes, in order.  IOMMU_IOAS_IOVA_RANGES fills
 * as many ranges as the caller's num_iovas makes room for at its
 * allowed_iovas, sets num_iovas to the count and out_iova_alignment, and
 * answers -EMSGSIZE when the room was too small, as the kernel does.  Any
 * other ioctl's struct gets the whole @answer when the caller's argsz (the
 * iommufd structs' size) holds @size bytes.  When it does not,
 * VFIO_DEVICE_GET_INFO, VFIO_DEVICE_GET_REGION_INFO and VFIO_IOMMU_GET_INFO
 * get the fixed struct with argsz raised to @size and cap_offset 0, and
 * answer 0, as the kernel does for a capability chain that does not fit;
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO gets the fixed part (the count) and
 * answers -ENOSPC; the others answer -EINVAL.
 *
 * Return: readlink, pread: the bytes stored; list_dir: @size (the bytes all
 * the names need); mmap: 0; an ioctl: 0, or the errno above; -EINVAL for
 * NULL @c or @answer, an op with no output (open, close, pwrite, munmap,
 * IOMMU_DESTROY...), NULL @c->arg, an argsz (size) below the fixed struct,
 * or an IOVA_RANGES @answer shorter than its num_iovas says.
 */
long vfio_mock_reply(struct vfio_mock_call *c, const void *answer, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_MOCK_H */
