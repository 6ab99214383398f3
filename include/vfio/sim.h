/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_SIM_H
#define LIBVFIO_VFIO_SIM_H

/*
 * The sim: an in-memory model of the kernel's VFIO driver, for tests.
 *
 * Build a topology in code (groups, PCI and platform devices, regions, irq
 * indexes), then hand vfio_sim_backend() to vfio_container_open() exactly as you
 * would the kernel backend.  Every op answers as the kernel does, with the
 * kernel's errno for misuse.  Handles are real fds (a memfd per open container,
 * group or device), memory-backed regions can really be mmap'ed, and interrupts
 * are the caller's eventfds, signalled by the sim.
 *
 * The sim also shows a sysfs view: /sys/bus/pci/devices/NAME/iommu_group (or
 * /sys/bus/platform/devices/NAME/iommu_group) links to
 * ../../../kernel/iommu_groups/ID, so vfio_device_open_sysfs() works on it.
 * As in sysfs, /sys/bus/pci/devices/NAME itself links to
 * ../../../devices/pci0000:00/NAME (platform: ../../../devices/platform/NAME),
 * /sys/devices/pci0000:00/NAME/iommu_group links to the group as well, and
 * /sys/kernel/iommu_groups/ID/devices/NAME links back to the device.  readlink
 * answers EINVAL for the directories of the view and ENOENT elsewhere.
 *
 * Each device also has its vfio-dev class device vfioN (N in the order the
 * devices were added, from 0; vfio_sim_device_index()): NAME/vfio-dev lists
 * "vfioN", /sys/class/vfio-dev/vfioN links to it and its "device" link to
 * ../../../NAME, and /dev/vfio/devices/vfioN is the device's cdev.  The
 * backend's list_dir op lists the view's directories (/dev/vfio, the buses,
 * the groups, the class; a device's directory shows only "iommu_group" and
 * "vfio-dev"), with ENOTDIR for its files and ENOENT elsewhere.
 *
 * iommufd: /dev/iommu opens an iommufd whose IOAS objects keep their mappings
 * as a container does; a device bound through its cdev and attached to an
 * IOAS does its DMA through that IOAS.  The details, and what the sim cannot
 * model, are in backends/sim/iommufd.c and cdev.c; noiommu mode is
 * vfio_sim_set_noiommu() (sim_control.h).
 *
 * The type1 IOMMU offers 4 KiB pages and, by default, the IOVA ranges of an x86
 * host with a 48-bit IOMMU: [0, 0xfedfffff] and [0xfef00000, 2^48 - 1] (the
 * MSI window 0xfee00000-0xfeefffff is reserved); see vfio_sim_set_iova_ranges().
 * MAP_DMA checks that the vaddr range is mapped in the process (EFAULT, as
 * pinning fails otherwise); the device side's DMA goes through the process's
 * memory by vaddr, so a mapping whose memory went away faults, never crashes
 * (but see vfio_sim_set_dma_copy(), sim_control.h, for memory that goes during
 * an access).
 *
 * Several sims may live in one process; they share nothing.  The sim is linked
 * from libvfio-sim.
 *
 * Thread safety: every function, and every op of the backend, may be called from
 * several threads at once; one lock per sim serialises them.  Building the
 * topology while handles are open is allowed.  Destroy the sim
 * (vfio_backend_destroy(vfio_sim_backend(sim))) last.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_backend;
struct vfio_sim;
struct vfio_sim_group;
struct vfio_sim_device;

/**
 * vfio_sim_new() - a new, empty sim
 * @out: the sim
 *
 * Return: 0, or -ENOMEM.
 */
int vfio_sim_new(struct vfio_sim **out);

/**
 * vfio_sim_backend() - the sim as a backend
 * @sim: the sim
 *
 * vfio_backend_destroy() on it destroys the sim.
 *
 * Return: the backend.
 */
struct vfio_backend *vfio_sim_backend(struct vfio_sim *sim);

/**
 * vfio_sim_group_add() - add IOMMU group @id (viable)
 * @sim: the sim
 * @id: the group number
 * @out: the group; may be NULL
 *
 * Return: 0; -EEXIST for an id already used; -ENOMEM.
 */
int vfio_sim_group_add(struct vfio_sim *sim, unsigned int id, struct vfio_sim_group **out);

/**
 * vfio_sim_group_set_viable() - make a group viable or not
 * @g: the group
 * @viable: false as when a device of the group is bound to a host driver
 *
 * Return: nothing.
 */
void vfio_sim_group_set_viable(struct vfio_sim_group *g, bool viable);

/**
 * vfio_sim_device_add() - add a device to a group
 * @g: the group
 * @name: the device name (a PCI address for PCI devices)
 * @flags: VFIO_DEVICE_FLAGS_* for DEVICE_GET_INFO (PCI, PLATFORM, RESET, ...)
 * @num_regions: region indexes (regions not added with vfio_sim_region_add()
 *	are absent: the kernel answers EINVAL for them, except that on a PCI
 *	device an absent BAR or ROM (indexes 0-6) answers size 0 and no flags,
 *	as vfio-pci does for a BAR the device lacks)
 * @num_irqs: irq indexes (indexes not added answer count 0, except the ERR
 *	index of a PCI device, which answers EINVAL as on conventional PCI)
 * @out: the device; may be NULL
 *
 * A device with VFIO_DEVICE_FLAGS_PCI behaves as vfio-pci does (region access
 * widths, config-space bounds, the INTx/MSI/MSI-X/ERR/REQ action table, name
 * matching with options after a space); any other as vfio-platform does.
 *
 * Return: 0; -EEXIST for a name already used in the sim; -EINVAL for an empty
 * or over-long (above 255 bytes) name or one with a '/'; -ENOMEM.
 */
int vfio_sim_device_add(struct vfio_sim_group *g, const char *name, uint32_t flags,
			unsigned int num_regions, unsigned int num_irqs,
			struct vfio_sim_device **out);

/**
 * struct vfio_sim_region_ops - a trapped region's device model
 * @read: store @len bytes at @offset in @buf; return the bytes done or -errno
 * @write: take @len bytes at @offset from @buf; return the bytes done or -errno
 *
 * Called with the sim's lock held: a callback must not call into the sim's
 * backend, but may use the device-side functions below that say so.
 */
struct vfio_sim_region_ops {
	ssize_t (*read)(void *opaque, uint64_t offset, void *buf, size_t len);
	ssize_t (*write)(void *opaque, uint64_t offset, const void *buf, size_t len);
};

/**
 * vfio_sim_region_add() - add region @index to a device
 * @d: the device
 * @index: the region index, below the device's num_regions
 * @size: bytes
 * @flags: VFIO_REGION_INFO_FLAG_* (READ, WRITE, MMAP)
 * @ops: NULL for a memory-backed region (zeroed memory in the device's memfd,
 *	mmap-able when @flags has MMAP); else the trapped region's model (MMAP not
 *	allowed)
 * @opaque: passed to @ops
 *
 * The region sits at offset index << 40 of the device file, as on vfio-pci.
 * A trapped region sees accesses split as the kernel splits them: naturally
 * aligned, at most 8 bytes on PCI BARs, 4 on the PCI ROM, config and VGA
 * regions and on platform devices; device-specific PCI regions (index 9 on)
 * get each access whole.
 *
 * Return: 0; -EINVAL for a bad index, size 0, a size above 1 TiB or MMAP with
 * @ops; -EEXIST for an index already added; -ENOMEM.
 */
int vfio_sim_region_add(struct vfio_sim_device *d, unsigned int index, uint64_t size,
			uint32_t flags, const struct vfio_sim_region_ops *ops, void *opaque);

/**
 * vfio_sim_region_add_sparse() - add a sparse-mmap area to a region's caps
 * @d: the device
 * @index: the region index
 * @offset: from the region start
 * @size: bytes
 *
 * Return: 0; -EINVAL for an absent region; -ENOMEM.
 */
int vfio_sim_region_add_sparse(struct vfio_sim_device *d, unsigned int index, uint64_t offset,
			       uint64_t size);

/**
 * vfio_sim_region_set_type() - give a region a type capability
 * @d: the device
 * @index: the region index
 * @type: VFIO_REGION_TYPE_*
 * @subtype: the subtype
 *
 * Return: 0, or -EINVAL for an absent region.
 */
int vfio_sim_region_set_type(struct vfio_sim_device *d, unsigned int index, uint32_t type,
			     uint32_t subtype);

/**
 * vfio_sim_region_set_msix_mappable() - give a region the MSIX_MAPPABLE capability
 * @d: the device
 * @index: the region index
 *
 * Return: 0, or -EINVAL for an absent region.
 */
int vfio_sim_region_set_msix_mappable(struct vfio_sim_device *d, unsigned int index);

/**
 * vfio_sim_region_set_nvlink2() - give a region the NVLink2 capabilities
 * @d: the device
 * @index: the region index
 * @tgt: the SSATGT capability's target address
 * @link_speed: the LNKSPD capability's link speed
 *
 * Return: 0, or -EINVAL for an absent region.
 */
int vfio_sim_region_set_nvlink2(struct vfio_sim_device *d, unsigned int index, uint64_t tgt,
				uint32_t link_speed);

/**
 * vfio_sim_region_set_raw_caps() - answer REGION_INFO with a chain given verbatim
 * @d: the device
 * @index: the region index
 * @chain: the bytes placed right after struct vfio_region_info; their "next"
 *	offsets count from the start of struct vfio_region_info, as the kernel's do
 * @len: bytes (0 removes the raw chain)
 *
 * For testing parsers on malformed chains: the sim does not check them.
 *
 * Return: 0; -EINVAL for an absent region; -ENOMEM.
 */
int vfio_sim_region_set_raw_caps(struct vfio_sim_device *d, unsigned int index,
				 const void *chain, size_t len);

/**
 * vfio_sim_region_mem() - the device side's view of a memory-backed region
 * @d: the device
 * @index: the region index
 *
 * Return: the region's memory (what the user reads, writes and mmaps), or NULL
 * for an absent or trapped region.
 */
void *vfio_sim_region_mem(struct vfio_sim_device *d, unsigned int index);

/**
 * vfio_sim_irq_add() - add irq index @index
 * @d: the device
 * @index: below the device's num_irqs
 * @count: vectors
 * @flags: VFIO_IRQ_INFO_* (EVENTFD, MASKABLE, AUTOMASKED, NORESIZE)
 *
 * Return: 0; -EINVAL for a bad index; -EEXIST for an index already added.
 */
int vfio_sim_irq_add(struct vfio_sim_device *d, unsigned int index, uint32_t count,
		     uint32_t flags);

/**
 * vfio_sim_device_raise_irq() - the device raises vector @vector of @index
 * @d: the device
 * @index: the irq index
 * @vector: the vector
 *
 * The eventfd is signalled when the kernel would: the index is enabled with an
 * eventfd on that vector and the vector is not masked.  An AUTOMASKED index
 * (INTx) masks itself as it fires; a raise while masked is kept pending and
 * fires on unmask.  MSI and MSI-X vectors are never masked (vfio-pci exports
 * no MSI masking).  May be called from a region callback.
 *
 * The unmask (resample) eventfd of INTx, and the mask and unmask eventfds of a
 * platform irq, are read whenever the sim is entered (any op or sim function):
 * a signal there unmasks (masks) as the kernel's virqfd would.  The sim
 * consumes their counts.
 *
 * Return: 1 when the eventfd was signalled, 0 when not; -EINVAL for a bad
 * index or vector.
 */
int vfio_sim_device_raise_irq(struct vfio_sim_device *d, unsigned int index, uint32_t vector);

/**
 * struct vfio_sim_irq_state - the interrupt state of one vector
 * @enabled: an action is set up on the index (SET_IRQS with eventfds)
 * @has_eventfd: the vector is routed to an eventfd
 * @masked: the vector is masked
 * @pending: raised while masked; fires on unmask
 * @has_resample: INTx has an unmask (resample) eventfd
 * @fired: times the eventfd was signalled since the device was added
 */
struct vfio_sim_irq_state {
	bool enabled;
	bool has_eventfd;
	bool masked;
	bool pending;
	bool has_resample;
	uint64_t fired;
};

/**
 * vfio_sim_irq_state() - read a vector's state
 * @d: the device
 * @index: the irq index
 * @vector: the vector
 * @out: the state
 *
 * Return: 0, or -EINVAL for a bad index or vector.
 */
int vfio_sim_irq_state(struct vfio_sim_device *d, unsigned int index, uint32_t vector,
		       struct vfio_sim_irq_state *out);

/**
 * vfio_sim_device_reset_count() - how often VFIO_DEVICE_RESET reached the device
 * @d: the device
 *
 * Return: the count.
 */
unsigned int vfio_sim_device_reset_count(const struct vfio_sim_device *d);

/**
 * vfio_sim_device_open_count() - how many device fds of @d are open
 * @d: the device
 *
 * Return: the count.
 */
unsigned int vfio_sim_device_open_count(const struct vfio_sim_device *d);

/**
 * vfio_sim_dma_read() - the device reads guest memory by IOVA
 * @d: the device; its group must be in a container with the IOMMU set, or the
 *	device bound to an iommufd through its cdev and attached to an IOAS
 * @iova: device address
 * @buf: where to store the bytes
 * @len: bytes
 *
 * Every page must be mapped readable.  A failed access is an IOMMU fault,
 * counted by vfio_sim_iommu_faults().  So is any access of a device bound to
 * an iommufd but attached to no IOAS (the kernel's blocking domain), and of a
 * device in noiommu mode (see vfio_sim_set_noiommu()).  May be called from a
 * region callback.
 *
 * Return: 0; -EFAULT for an unmapped or unreadable IOVA (or no translation at
 * all, as above); -ENODEV when the device is in no container and bound to no
 * iommufd.
 */
int vfio_sim_dma_read(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len);

/**
 * vfio_sim_dma_write() - the device writes guest memory by IOVA
 * @d: the device
 * @iova: device address
 * @buf: the bytes
 * @len: bytes
 *
 * As vfio_sim_dma_read(), with every page mapped writable.
 *
 * Return: as for vfio_sim_dma_read().
 */
int vfio_sim_dma_write(struct vfio_sim_device *d, uint64_t iova, const void *buf, size_t len);

/**
 * vfio_sim_iommu_faults() - IOMMU faults the sim's devices caused so far
 * @sim: the sim
 *
 * Return: the count.
 */
uint64_t vfio_sim_iommu_faults(struct vfio_sim *sim);

/**
 * vfio_sim_dma_count() - live mappings in the container behind a handle
 * @sim: the sim
 * @container_fd: a container handle of this sim
 *
 * Return: the count, or -EBADF for a handle that is not an open container.
 */
long vfio_sim_dma_count(struct vfio_sim *sim, int container_fd);

/**
 * vfio_sim_set_dma_entry_limit() - the Type1 dma_entry_limit (default 65535)
 * @sim: the sim
 * @limit: mappings per container; past it MAP_DMA answers ENOSPC
 *
 * Like the module parameter, the limit is read when VFIO_SET_IOMMU opens a
 * container's IOMMU: set it before.
 *
 * Return: nothing.
 */
void vfio_sim_set_dma_entry_limit(struct vfio_sim *sim, uint32_t limit);

/**
 * struct vfio_sim_iova_range - an IOVA range, both ends included
 * @start: first address
 * @last: last address
 */
struct vfio_sim_iova_range {
	uint64_t start;
	uint64_t last;
};

/**
 * vfio_sim_set_iova_ranges() - the IOVA ranges of the sim's IOMMU
 * @sim: the sim
 * @ranges: ascending, not overlapping
 * @n: how many; 0 for none, in which case type1 reports no IOVA-range
 *	capability and accepts any IOVA (as for a container of mdevs only)
 *
 * IOMMU_GET_INFO reports them and MAP_DMA refuses (EINVAL) a mapping that
 * does not fit in one of them.  Applies to every container at once.  They are
 * also the IOVA ranges of an IOAS with a device attached (its domain reserves
 * the rest; none reserves nothing); an IOAS without one has the whole space.
 *
 * Return: 0; -EINVAL for ranges out of order, overlapping or with start >
 * last; -ENOMEM.
 */
int vfio_sim_set_iova_ranges(struct vfio_sim *sim, const struct vfio_sim_iova_range *ranges,
			     unsigned int n);

/**
 * vfio_sim_open_handles() - handles (containers, groups, devices, KVM devices,
 * iommufds) open on the sim
 * @sim: the sim
 *
 * Return: the count; 0 once every handle is closed.
 */
unsigned int vfio_sim_open_handles(struct vfio_sim *sim);

/**
 * vfio_sim_kvm_device_new() - a handle that acts as a KVM VFIO pseudo-device
 * @sim: the sim
 * @fd: set to the handle; close it with the backend's close op
 *
 * KVM_SET_DEVICE_ATTR on it adds and removes group handles, as KVM does.
 *
 * Return: 0, -ENOMEM, or the errno of memfd_create.
 */
int vfio_sim_kvm_device_new(struct vfio_sim *sim, int *fd);

/**
 * vfio_sim_kvm_has_group() - whether a KVM device handle holds group @id
 * @sim: the sim
 * @kvm_fd: from vfio_sim_kvm_device_new()
 * @id: the group number
 *
 * Return: 1 or 0; -EBADF for a handle that is not a sim KVM device.
 */
int vfio_sim_kvm_has_group(struct vfio_sim *sim, int kvm_fd, unsigned int id);

/**
 * vfio_sim_region_add_mmio() - add a trapped region that the user may also mmap
 * @d: the device
 * @index: the region index, below the device's num_regions
 * @size: bytes
 * @flags: VFIO_REGION_INFO_FLAG_* (READ, WRITE, MMAP)
 * @ops: the region's model, as for vfio_sim_region_add(); not NULL
 * @opaque: passed to @ops
 *
 * For a BAR of registers that vfio-pci lets the user both pread/pwrite and
 * mmap.  pread and pwrite reach @ops, split as for any trapped region.  mmap
 * maps the region's memory in the device's memfd (zeroed at first), which
 * vfio_sim_region_mem() gives the model so that it can show its registers
 * there.  Loads and stores through a mapping are not trapped (nothing in the
 * process can trap them without signal handlers): a load returns what the
 * memory holds, and the model sees a store only when it looks at the memory,
 * e.g. on its next trapped access.
 *
 * Return: 0; -EINVAL for a bad index, size 0, a size above 1 TiB or NULL @ops;
 * -EEXIST for an index already added; -ENOMEM.
 */
int vfio_sim_region_add_mmio(struct vfio_sim_device *d, unsigned int index, uint64_t size,
			     uint32_t flags, const struct vfio_sim_region_ops *ops, void *opaque);

/**
 * vfio_sim_device_set_irq_level() - the device drives a level-triggered line
 * @d: the device
 * @index: the irq index: INTx on a PCI device, any index on a platform device
 * @vector: the vector (0)
 * @asserted: the line's new level
 *
 * The first call makes the line level-triggered for good, as a device that
 * uses pci_set_irq() in QEMU; vfio_sim_device_raise_irq() stays an edge.
 * Asserting a low line fires as vfio_sim_device_raise_irq() does: the eventfd
 * is signalled when the index is enabled and the line unmasked, and an
 * AUTOMASKED index masks itself.  While the line stays asserted, every unmask
 * (user, resample eventfd) fires it again, as vfio-pci finds the line still
 * high (pci_check_and_unmask_intx), and so does enabling the index.  Lowering
 * it drops what was pending.  Asserting a line already high, or lowering a
 * low one, does nothing.  May be called from a region callback.
 *
 * Return: 1 when the eventfd was signalled, 0 when not; -EINVAL for a bad
 * index or vector, or for an MSI, MSI-X, ERR or REQ index.
 */
int vfio_sim_device_set_irq_level(struct vfio_sim_device *d, unsigned int index,
				  uint32_t vector, bool asserted);

/**
 * struct vfio_sim_device_ops - a device model's part in its device's life
 * @open: the first device file was opened (vfio-pci enables the device)
 * @close: the last device file was closed, after the sim disabled the
 *	device's interrupts (vfio-pci disables the device)
 * @reset: VFIO_DEVICE_RESET reached the device (it has VFIO_DEVICE_FLAGS_RESET)
 * @release: the sim frees the device (vfio_backend_destroy()): free @opaque
 *
 * Each may be NULL.  They are called with the sim's lock held, as region
 * callbacks are, and may use the device-side functions.
 */
struct vfio_sim_device_ops {
	void (*open)(void *opaque);
	void (*close)(void *opaque);
	void (*reset)(void *opaque);
	void (*release)(void *opaque);
};

/**
 * vfio_sim_device_set_ops() - attach a device model to a device
 * @d: the device
 * @ops: the model's hooks; must outlive the device
 * @opaque: passed to @ops; the sim hands it to @ops->release when it frees the
 *	device, and never frees it itself
 *
 * Return: 0; -EINVAL for NULL @ops; -EEXIST when the device has a model already.
 */
int vfio_sim_device_set_ops(struct vfio_sim_device *d, const struct vfio_sim_device_ops *ops,
			    void *opaque);

/**
 * vfio_sim_set_async_eventfds() - act on watched eventfds as soon as they fire
 * @sim: the sim
 * @on: true (the default) or false
 *
 * The kernel acts on a signalled INTx unmask (resample) eventfd, platform mask
 * or unmask eventfd and ioeventfd at once, from its wait queues.  With @on the
 * sim does the same from a thread of its own, started when the first such
 * eventfd is set up and ended by vfio_backend_destroy(), so that a signal the
 * user sends acts without any call into the sim.  Either way, they are also
 * looked at whenever the sim is entered (any op or sim function).  Not to be
 * called from a region or device callback.
 *
 * Return: nothing.
 */
void vfio_sim_set_async_eventfds(struct vfio_sim *sim, bool on);

/**
 * vfio_sim_device_defer() - run @fn later, as a device's timer or bottom half would
 * @d: the device whose model asks
 * @delay: in ticks of the sim's clock from now (0: at the next vfio_sim_run())
 * @fn: the work; called with the sim's lock held, as region callbacks are, so it
 *	may use the device-side functions (raise an interrupt, DMA through the IOMMU)
 * @opaque: passed to @fn
 *
 * The sim's clock moves only when the test calls vfio_sim_run(), so work that
 * completes "later" (a DMA transfer, a timer) completes exactly when the test
 * says, in order of due time (and of asking, for equal times).  Work of a device
 * that has gone (unplug) is dropped; work not run when the sim is destroyed is
 * freed without running.
 *
 * Return: 0; -EINVAL for a NULL @d or @fn; -ENODEV for a device that has gone;
 * -ENOMEM.
 */
int vfio_sim_device_defer(struct vfio_sim_device *d, uint64_t delay, void (*fn)(void *opaque),
			  void *opaque);

/**
 * vfio_sim_run() - move the sim's clock forward, running the work that falls due
 * @sim: the sim
 * @ticks: how far; work deferred while running runs too when it falls due within
 *	the same @ticks
 *
 * Not to be called from a region or device callback.
 *
 * Return: how many work items ran.
 */
unsigned int vfio_sim_run(struct vfio_sim *sim, uint64_t ticks);

/**
 * vfio_sim_now() - the sim's clock
 * @sim: the sim
 *
 * Return: the ticks vfio_sim_run() has moved it by since vfio_sim_new().
 */
uint64_t vfio_sim_now(struct vfio_sim *sim);

/**
 * vfio_sim_pending_work() - work deferred and not yet run
 * @sim: the sim
 *
 * Return: the count.
 */
unsigned int vfio_sim_pending_work(struct vfio_sim *sim);

#ifdef __cplusplus
}
#endif

/* Unplug, errors, hot reset, limits and inspection: the test's side. */
#include <vfio/sim_control.h>

#endif /* LIBVFIO_VFIO_SIM_H */
