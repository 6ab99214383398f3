/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_SIM_CONTROL_H
#define LIBVFIO_VFIO_SIM_CONTROL_H

/*
 * Driving and inspecting the sim from a test: a device asked back (unplug) or
 * reporting an error, hot-reset buses, the kernel's limits (DMA entries, locked
 * memory), how the device side copies memory, and what is inside — mappings,
 * open handles, interrupt state, the log of IOMMU faults.  Included by <vfio/sim.h>; the call log is the trace
 * backend (<vfio/trace.h>).
 *
 * Thread safety: as the sim (sim.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_sim;
struct vfio_sim_group;
struct vfio_sim_device;

/*
 * Unplug, as vfio_unregister_group_dev(): the device leaves its group at once
 * (GET_DEVICE_FD answers ENODEV), the request is relayed to the user, and the
 * device goes when its last file is closed: out of the sysfs view, and a
 * group left empty goes too (its node and sysfs entry answer ENOENT, it
 * leaves its container; a group file still open answers ENODEV).  The structs
 * of a device or group that went stay valid until the sim is destroyed: the
 * queries keep answering, while the device side's functions (raising irqs,
 * DMA, requests, errors) and vfio_sim_device_add() on the group answer
 * -ENODEV.  See vfio_sim_device_state() and docs/testing-with-the-sim.md.
 */

/**
 * vfio_sim_device_request() - the host asks for the device back
 * @d: the device
 *
 * A device with no file open goes at once.  Otherwise the request is relayed
 * (vfio_pci_core_request(), count 0: a PCI device's REQ eventfd, if set, is
 * signalled) and the device stays, usable through its open files, until the
 * last one is closed (by the user or by KVM).
 *
 * Return: 1 when the REQ eventfd was signalled, 0 when not (none set, a
 * platform device, or the device went at once); -EBUSY when a removal is
 * under way; -ENODEV for a device that went.
 */
int vfio_sim_device_request(struct vfio_sim_device *d);

/**
 * vfio_sim_device_request_repeat() - the kernel's 10-second wait ran out
 * @d: the device, being removed
 *
 * The request is relayed again with the next count, as the kernel does
 * while the device is held.  The sim has no timers: a test calls this.
 *
 * Return: as vfio_sim_device_request(); -EINVAL when no removal is under way.
 */
int vfio_sim_device_request_repeat(struct vfio_sim_device *d);

/**
 * vfio_sim_device_error() - the device reports an error (AER)
 * @d: the device
 *
 * As vfio_pci_core_aer_err_detected(): the ERR eventfd, if set, is signalled.
 * Only PCI Express devices have ERR: in the sim, PCI devices given the ERR
 * irq index.
 *
 * Return: 1 when signalled, 0 when not; -EINVAL for a device without the ERR
 * index (conventional PCI, platform); -ENODEV for a device that went.
 */
int vfio_sim_device_error(struct vfio_sim_device *d);

/**
 * vfio_sim_device_set_reset_bus() - put a PCI device on a resettable bus
 * @d: the device, named by its PCI address DDDD:BB:DD.F
 * @bus: 0 (the default) for the root bus, which has no slot or bus reset
 *	(the hot-reset ioctls answer ENODEV); any other number names a bus or
 *	slot with a reset, shared by the devices given the same number
 *
 * GET_PCI_HOT_RESET_INFO lists the bus's devices, and PCI_HOT_RESET takes the
 * group files that own them all, with the kernel's errnos.  A reset counts in
 * each device's vfio_sim_device_hot_reset_count() and runs its model's reset.
 *
 * Return: 0; -EINVAL for a device that is not PCI or whose name is not a PCI
 * address; -ENODEV for a device that went.
 */
int vfio_sim_device_set_reset_bus(struct vfio_sim_device *d, unsigned int bus);

/* No locked-memory limit: as for root, CAP_IPC_LOCK or RLIM_INFINITY. */
#define VFIO_SIM_LOCKED_MEMORY_UNLIMITED UINT64_MAX

/**
 * vfio_sim_set_locked_memory_limit() - the process's RLIMIT_MEMLOCK, for type1
 * @sim: the sim
 * @bytes: the limit (VFIO_SIM_LOCKED_MEMORY_UNLIMITED by default)
 *
 * Type1 accounts the pages each mapping pins (once per mapping, also where
 * mappings share memory) across all containers, and MAP_DMA answers ENOMEM
 * past @bytes >> 12 pages.  UNMAP_DMA and the release of a container's IOMMU
 * give them back.  The account is kept whatever the limit
 * (vfio_sim_locked_memory()); a new limit applies from the next MAP_DMA.
 *
 * iommufd keeps its own account (the user's locked_vm, where type1 charges the
 * process's mm) against the same limit: an IOAS's mappings are pinned and
 * charged, each for the pages it spans, while a device is attached to the
 * IOAS (IOMMU_IOAS_MAP then, else the attach, answers ENOMEM past the limit)
 * and given back by IOMMU_IOAS_UNMAP or the detach of the last device.
 *
 * Return: nothing.
 */
void vfio_sim_set_locked_memory_limit(struct vfio_sim *sim, uint64_t bytes);

/**
 * enum vfio_sim_dma_copy - how the device side copies the process's memory
 * @VFIO_SIM_DMA_COPY_CHECKED: the default.  Before each access the sim asks
 *	the kernel how the memory is mapped (PROCMAP_QUERY on /proc/self/maps,
 *	Linux 6.11, one ioctl per memory area the access touches), then copies
 *	private anonymous memory itself, at the speed of a memcpy; other memory
 *	(files, shared memory), and all memory on an older kernel, goes the
 *	KERNEL way.  Memory unmapped or made inaccessible before an access is an
 *	IOMMU fault.  A thread that unmaps or mprotects memory while another
 *	thread's device access is copying it can crash the process.
 * @VFIO_SIM_DMA_COPY_KERNEL: process_vm_readv/writev on the process itself:
 *	memory that is gone is an IOMMU fault whenever it goes, at 2 to 4 times
 *	the cost of a copy on 4 KiB pages (the kernel pins page by page).
 *
 * Neither way shows the sanitizers' interceptors a device's access as the
 * program's.  A real device goes on using the pages its mapping pinned when
 * the program unmaps them; both ways fault instead (KNOWN-DIFFERENCES.md).
 */
enum vfio_sim_dma_copy {
	VFIO_SIM_DMA_COPY_CHECKED = 0,
	VFIO_SIM_DMA_COPY_KERNEL = 1,
};

/**
 * vfio_sim_set_dma_copy() - choose how vfio_sim_dma_read/write() copy
 * @sim: the sim
 * @how: VFIO_SIM_DMA_COPY_CHECKED or VFIO_SIM_DMA_COPY_KERNEL
 *
 * Return: 0; -EINVAL for another @how.
 */
int vfio_sim_set_dma_copy(struct vfio_sim *sim, enum vfio_sim_dma_copy how);

/*
 * Looking inside, for tests: a container's mapping table, the open handles,
 * the state of irq indexes and devices, the locked-memory account and a log
 * of IOMMU faults.  Each answer is a snapshot taken under the sim's lock and
 * copied out.  The call log is the trace backend (<vfio/trace.h>).
 */

/**
 * struct vfio_sim_mapping - one IOMMU mapping of a container
 * @iova: its first IOVA
 * @size: bytes
 * @vaddr: the process address it maps (the last one given, when invalidated)
 * @flags: VFIO_DMA_MAP_FLAG_READ and/or VFIO_DMA_MAP_FLAG_WRITE
 * @vaddr_invalid: UNMAP_DMA with FLAG_VADDR invalidated @vaddr, and no
 *	MAP_DMA with FLAG_VADDR gave a new one yet
 */
struct vfio_sim_mapping {
	uint64_t iova;
	uint64_t size;
	uint64_t vaddr;
	uint32_t flags;
	bool vaddr_invalid;
};

/**
 * vfio_sim_dma_mappings() - the mapping table of a container, in IOVA order
 * @sim: the sim
 * @container_fd: a container handle of this sim
 * @out: where the first @max mappings go; may be NULL when @max is 0
 * @max: room in @out
 *
 * Return: how many mappings the container has (more than @max means @out
 * holds the first @max); -EBADF for a handle that is not an open container.
 */
long vfio_sim_dma_mappings(struct vfio_sim *sim, int container_fd, struct vfio_sim_mapping *out,
			   size_t max);

/**
 * enum vfio_sim_handle_kind - what a handle is
 * @VFIO_SIM_HANDLE_CONTAINER: /dev/vfio/vfio
 * @VFIO_SIM_HANDLE_GROUP: /dev/vfio/ID
 * @VFIO_SIM_HANDLE_DEVICE: from GET_DEVICE_FD
 * @VFIO_SIM_HANDLE_KVM: from vfio_sim_kvm_device_new()
 * @VFIO_SIM_HANDLE_IOMMUFD: /dev/iommu
 */
enum vfio_sim_handle_kind {
	VFIO_SIM_HANDLE_CONTAINER,
	VFIO_SIM_HANDLE_GROUP,
	VFIO_SIM_HANDLE_DEVICE,
	VFIO_SIM_HANDLE_KVM,
	VFIO_SIM_HANDLE_IOMMUFD,
};

/* Bytes of struct vfio_sim_handle.name, its NUL included. */
#define VFIO_SIM_HANDLE_NAME_MAX 256

/**
 * struct vfio_sim_handle - one open handle
 * @fd: the handle
 * @kind: what it is
 * @group: for a group or device handle, the group's number; else 0
 * @name: "/dev/vfio/vfio", "/dev/vfio/ID" ("/dev/vfio/noiommu-ID" in noiommu
 *	mode), the device's name (whether opened from its group or its cdev),
 *	"kvm-vfio" or "/dev/iommu"
 */
struct vfio_sim_handle {
	int fd;
	enum vfio_sim_handle_kind kind;
	unsigned int group;
	char name[VFIO_SIM_HANDLE_NAME_MAX];
};

/**
 * vfio_sim_handles() - the handles open on the sim, in fd order
 * @sim: the sim
 * @out: where the first @max go; may be NULL when @max is 0
 * @max: room in @out
 *
 * A handle is open from the op that made it to the close op on it; a file
 * the user closed but KVM or an open device still holds is not listed.
 *
 * Return: how many are open (vfio_sim_open_handles()).
 */
size_t vfio_sim_handles(struct vfio_sim *sim, struct vfio_sim_handle *out, size_t max);

/**
 * struct vfio_sim_irq_index_state - the state of a whole irq index
 * @count: vectors it offers (GET_IRQ_INFO)
 * @flags: its VFIO_IRQ_INFO_* flags
 * @enabled: an action is set up on it
 * @eventfds: vectors routed to an eventfd
 * @masked: vectors masked
 * @pending: vectors raised while masked (or held high), firing on unmask
 * @fired: eventfd signals of all its vectors since the device was added
 */
struct vfio_sim_irq_index_state {
	uint32_t count;
	uint32_t flags;
	bool enabled;
	uint32_t eventfds;
	uint32_t masked;
	uint32_t pending;
	uint64_t fired;
};

/**
 * vfio_sim_irq_index_state() - read an irq index's state
 * @d: the device
 * @index: the irq index
 * @out: the state
 *
 * Return: 0, or -EINVAL for an index not added or NULL @out.
 */
int vfio_sim_irq_index_state(struct vfio_sim_device *d, unsigned int index,
			     struct vfio_sim_irq_index_state *out);

/**
 * enum vfio_sim_device_state - where a device is in its removal
 * @VFIO_SIM_DEVICE_PRESENT: in its group, as added
 * @VFIO_SIM_DEVICE_REQUESTED: vfio_sim_device_request() asked for it while a
 *	file of it was open: it goes once the user lets go of it
 * @VFIO_SIM_DEVICE_GONE: removed
 */
enum vfio_sim_device_state {
	VFIO_SIM_DEVICE_PRESENT,
	VFIO_SIM_DEVICE_REQUESTED,
	VFIO_SIM_DEVICE_GONE,
};

/**
 * vfio_sim_device_state() - where @d is in its removal
 * @d: the device
 *
 * Return: the state.
 */
enum vfio_sim_device_state vfio_sim_device_state(const struct vfio_sim_device *d);

/**
 * vfio_sim_device_gone() - whether @d was removed
 * @d: the device
 *
 * Return: true once the device went.
 */
bool vfio_sim_device_gone(const struct vfio_sim_device *d);

/**
 * vfio_sim_device_requests() - how often its removal relayed the request
 * @d: the device
 *
 * Return: the count, signalled or not (the kernel's request op calls).
 */
unsigned int vfio_sim_device_requests(const struct vfio_sim_device *d);

/**
 * vfio_sim_device_hot_reset_count() - bus resets that reached the device
 * @d: the device
 *
 * Return: the count of successful PCI_HOT_RESETs of its bus.
 */
unsigned int vfio_sim_device_hot_reset_count(const struct vfio_sim_device *d);

/**
 * vfio_sim_locked_memory() - what type1 has accounted as locked memory
 * @sim: the sim
 *
 * Return: the pages the live mappings of all containers pinned, in bytes.
 */
uint64_t vfio_sim_locked_memory(struct vfio_sim *sim);

/**
 * vfio_sim_iommufd_locked_memory() - what iommufd has accounted as locked memory
 * @sim: the sim
 *
 * Return: the pages the pinned mappings of all IOAS (those with a device
 * attached) span, in bytes (see vfio_sim_set_locked_memory_limit()).
 */
uint64_t vfio_sim_iommufd_locked_memory(struct vfio_sim *sim);

/**
 * vfio_sim_set_noiommu() - be a kernel with enable_unsafe_noiommu_mode and no IOMMU
 * @sim: the sim
 * @on: true for noiommu mode; false (the default) for a host with an IOMMU
 *
 * In noiommu mode every group is a noiommu group: its node is
 * /dev/vfio/noiommu-ID (and /dev/vfio/ID does not exist), its sysfs entries
 * stay, a host driver's claim does not stop it joining a container, and a
 * container of such groups offers only VFIO_NOIOMMU_IOMMU: SET_IOMMU with it
 * works, with any other type answers ENODEV, CHECK_EXTENSION answers 1 for it
 * alone, and GET_INFO, MAP_DMA and UNMAP_DMA answer ENOTTY.  Devices have no
 * cdev (/dev/vfio/devices/vfioN answers ENOENT; the vfio-dev sysfs entry
 * stays).  The kernel wants CAP_SYS_RAWIO for all this; the sim grants it.
 * A device's DMA (vfio_sim_dma_read() ...) faults with
 * VFIO_SIM_FAULT_NOIOMMU.
 *
 * Return: 0; -EBUSY while any handle is open (the kernel reads the module
 * parameter as groups are created).
 */
int vfio_sim_set_noiommu(struct vfio_sim *sim, bool on);

/**
 * vfio_sim_noiommu() - whether the sim is in noiommu mode
 * @sim: the sim
 *
 * Return: true in noiommu mode.
 */
bool vfio_sim_noiommu(struct vfio_sim *sim);

/**
 * vfio_sim_device_index() - the N of the device's vfioN
 * @d: the device
 *
 * Its cdev is /dev/vfio/devices/vfioN and its class device
 * /sys/class/vfio-dev/vfioN; N counts the devices in the order they were
 * added, from 0, and is never reused.
 *
 * Return: N.
 */
unsigned int vfio_sim_device_index(const struct vfio_sim_device *d);

/**
 * vfio_sim_ioas_mappings() - the mappings of an IOAS, in IOVA order
 * @sim: the sim
 * @iommufd: an iommufd handle of this sim (/dev/iommu)
 * @ioas_id: an IOAS of it
 * @out: where the first @max mappings go (@vaddr_invalid is always false);
 *	may be NULL when @max is 0
 * @max: room in @out
 *
 * Return: how many mappings the IOAS has; -EBADF for a handle that is not an
 * open iommufd; -ENOENT for an id that is not an IOAS of it; -EINVAL for
 * NULL @out with @max > 0.
 */
long vfio_sim_ioas_mappings(struct vfio_sim *sim, int iommufd, uint32_t ioas_id,
			    struct vfio_sim_mapping *out, size_t max);

/* Entries the IOMMU fault log keeps; older ones are dropped. */
#define VFIO_SIM_FAULT_LOG_CAPACITY 256

/**
 * enum vfio_sim_fault_reason - why a device access faulted
 * @VFIO_SIM_FAULT_UNMAPPED: no mapping holds the IOVA (or the access ran
 *	past the top of the address space)
 * @VFIO_SIM_FAULT_PERMISSION: mapped without READ (for a read) or WRITE (for
 *	a write)
 * @VFIO_SIM_FAULT_MEMORY_GONE: mapped, but the process memory behind it is
 *	no longer there or no longer accessible (the sim's own case: on a host
 *	the pages stay pinned)
 * @VFIO_SIM_FAULT_BLOCKED: the device is bound to an iommufd but attached to
 *	no IOAS: the IOMMU blocks all of its DMA (the kernel's blocking domain)
 * @VFIO_SIM_FAULT_NOIOMMU: noiommu mode (vfio_sim_set_noiommu()): there is
 *	no IOMMU, so on a host the device would reach physical memory directly;
 *	the sim cannot give a device physical addresses and refuses all of its
 *	DMA instead
 */
enum vfio_sim_fault_reason {
	VFIO_SIM_FAULT_UNMAPPED = 1,
	VFIO_SIM_FAULT_PERMISSION,
	VFIO_SIM_FAULT_MEMORY_GONE,
	VFIO_SIM_FAULT_BLOCKED,
	VFIO_SIM_FAULT_NOIOMMU,
};

/**
 * struct vfio_sim_fault - one IOMMU fault
 * @seq: its number among the sim's faults, from 0 (vfio_sim_iommu_faults()
 *	counts them all)
 * @device: the device that made the access; valid until the sim is destroyed
 * @iova: the access's first IOVA
 * @len: the access's length
 * @fault_iova: the first IOVA that faulted (for @VFIO_SIM_FAULT_MEMORY_GONE,
 *	the start of the first page found gone, or @iova)
 * @write: a device write (vfio_sim_dma_write()), else a read
 * @reason: why
 */
struct vfio_sim_fault {
	uint64_t seq;
	struct vfio_sim_device *device;
	uint64_t iova;
	uint64_t len;
	uint64_t fault_iova;
	bool write;
	enum vfio_sim_fault_reason reason;
};

/**
 * vfio_sim_fault_log_count() - entries in the fault log
 * @sim: the sim
 *
 * Return: the count, at most VFIO_SIM_FAULT_LOG_CAPACITY.
 */
size_t vfio_sim_fault_log_count(struct vfio_sim *sim);

/**
 * vfio_sim_fault_log_get() - copy out entry @i of the fault log
 * @sim: the sim
 * @i: 0 for the oldest entry, vfio_sim_fault_log_count() - 1 for the newest
 * @out: the copy
 *
 * Return: 0; -ENOENT for @i past the entries; -EINVAL for NULL @out.
 */
int vfio_sim_fault_log_get(struct vfio_sim *sim, size_t i, struct vfio_sim_fault *out);

/**
 * vfio_sim_fault_log_dropped() - faults the full log let go
 * @sim: the sim
 *
 * Return: the count since creation or vfio_sim_fault_log_clear().
 */
uint64_t vfio_sim_fault_log_dropped(struct vfio_sim *sim);

/**
 * vfio_sim_fault_log_clear() - empty the fault log and zero its dropped count
 * @sim: the sim
 *
 * vfio_sim_iommu_faults() and the entries' @seq go on counting.
 *
 * Return: nothing.
 */
void vfio_sim_fault_log_clear(struct vfio_sim *sim);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_SIM_CONTROL_H */
