/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_BACKENDS_SIM_SIM_PRIVATE_H
#define LIBVFIO_BACKENDS_SIM_SIM_PRIVATE_H

/*
 * The sim's model: one struct per kernel object, and the functions the files of
 * the sim share.  Everything here is touched only with the sim's lock held.
 *
 * Object lifetimes follow the kernel's reference counting:
 *  - a "file" (struct sim_file) is one open file description: a container, a
 *    group, a device or a KVM device.  The user's fd holds one reference; a KVM
 *    device that was given a group or device file holds one more, and the group
 *    file is also held by each device of the group that is open
 *    (vfio_group_use_container).  The file is released when the last goes.
 *  - a container lives while its fd is open or a group is attached to it.
 */

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/vfio.h>
#include <vfio/backend.h>
#include <vfio/sim.h>

#define SIM_PAGE_SIZE 4096ULL
#define SIM_INDEX_SHIFT 40 /* VFIO_PCI_OFFSET_SHIFT */
#define SIM_OFFSET_MASK ((1ULL << SIM_INDEX_SHIFT) - 1)
#define SIM_NAME_MAX 255
#define SIM_IOEVENTFD_MAX 1000 /* VFIO_PCI_IOEVENTFD_MAX */

enum sim_file_type {
	SIM_FILE_CONTAINER,
	SIM_FILE_GROUP,
	SIM_FILE_DEVICE,
	SIM_FILE_KVM,
	SIM_FILE_IOMMUFD, /* /dev/iommu (iommufd.c) */
};

struct sim_container;
struct sim_kvm;
struct sim_iommufd;
struct sim_ioas;

struct sim_file {
	enum sim_file_type type;
	int fd;		  /* the user's handle; -1 once closed */
	unsigned int refs; /* the fd, KVM entries, open devices (group files), bound devices */
	bool cdev;	  /* a device file opened as /dev/vfio/devices/vfioN (cdev.c) */
	bool bound;	  /* that cdev file is bound to an iommufd: access granted */
	union {
		struct sim_container *container;
		struct vfio_sim_group *group;
		struct vfio_sim_device *device;
		struct sim_kvm *kvm;
		struct sim_iommufd *iommufd;
	} u;
};

/*
 * One IOMMU mapping, stored by value in a leaf of the container's B+tree
 * (dma_tree.c): a pointer to one is good until the table next changes.  The
 * table's pin counts (vaddr ranges) are entries of the same shape.
 */
struct sim_dma {
	uint64_t iova; /* the first byte; for a pin count, of the vaddr range */
	uint64_t size;
	union {
		struct {
			uint64_t vaddr;
			uint32_t prot; /* VFIO_DMA_MAP_FLAG_READ / _WRITE */
			bool vaddr_invalid;
			bool pinned; /* its vaddr range is in the pin counts */
		};
		struct {
			uint32_t pins;	/* pinned live mappings over the vaddr range */
			uint32_t wpins; /* those of them mapped for write */
		};
	};
};

struct sim_dma_btree {
	void *root; /* a leaf when height is 0; NULL when empty */
	unsigned int height;
	size_t count;		   /* entries */
	bool finger_first;	   /* the finger is the first leaf */
	unsigned int finger_pos; /* where the last search in it ended */
	void *finger;		   /* the leaf found last, or NULL */
	uint64_t finger_lo;	   /* no entry before the finger ends after this */
};

struct sim_dma_tree {
	struct sim_dma_btree map;  /* the mappings, by IOVA */
	struct sim_dma_btree pins; /* vaddr ranges that live mappings pinned */
	size_t count;		   /* mappings */
};

/* A position in the table, for walking it in IOVA order. */
struct sim_dma_cursor {
	void *leaf;
	unsigned int idx;
};

struct sim_container {
	struct vfio_sim *sim;
	struct sim_file *file; /* NULL once the fd is closed */
	unsigned int ngroups;
	bool iommu_set;
	bool v2;
	bool noiommu; /* its groups are noiommu groups; with iommu_set, the noiommu driver */
	uint32_t dma_avail;
	struct sim_dma_tree dma;
	uint64_t locked_pages; /* what its mappings added to the sim's locked_pages */
	struct sim_container *next; /* the sim's list */
};

/*
 * An IOAS of an iommufd (iommufd.c).  Its mappings ("areas") are kept in the
 * same table as a container's, so the device side translates through either
 * alike.  While a device is attached the IOAS has its automatic domain (a
 * HWPT object of its own id): the areas are pinned and charged, the IOVA
 * alignment is the page, and the domain's reserved regions apply.
 */
struct sim_ioas {
	struct sim_iommufd *ictx;
	uint32_t id;
	uint32_t hwpt_id;	/* the automatic domain's id while attached is > 0 */
	unsigned int attached;	/* devices attached */
	struct sim_dma_tree dma;
	uint64_t locked_pages;	/* what its pinned areas charged to user_locked_pages */
	struct sim_ioas *next;
};

/* An open /dev/iommu: lives while its fd is open or a device is bound to it. */
struct sim_iommufd {
	struct vfio_sim *sim;
	struct sim_file *file;
	struct sim_ioas *ioas;
};

struct vfio_sim_group {
	struct vfio_sim *sim;
	unsigned int id;
	bool viable;
	struct vfio_sim_device *devices;
	struct sim_file *file; /* the opened file, NULL when not open */
	struct sim_container *container;
	unsigned int open_devices; /* devices with open_count > 0 */
	unsigned int cdev_binds;   /* its devices bound through a cdev (cdev_device_open_cnt) */
	bool removed; /* its last device went (unplug.c): the IOMMU group is gone */
	struct vfio_sim_group *next;
};

struct sim_region {
	bool present;
	uint64_t size;
	uint32_t flags;
	const struct vfio_sim_region_ops *ops; /* NULL: memory-backed */
	void *opaque;
	void *mem; /* the device side's mapping of a memory-backed region */
	size_t mem_len;
	struct vfio_region_sparse_mmap_area *areas;
	uint32_t nr_areas;
	bool has_type;
	uint32_t type, subtype;
	bool msix_mappable;
	bool nvlink2;
	uint64_t nvlink2_tgt;
	uint32_t nvlink2_speed;
	void *raw;
	size_t raw_len;
};

struct sim_vector {
	int efd; /* our own reference (a dup) to the trigger eventfd, or -1 */
	bool masked;
	bool pending;
	bool level; /* a level-triggered line is asserted (device state) */
	uint64_t fired;
};

struct sim_irq {
	bool present;
	uint32_t count;
	uint32_t flags;
	bool active;   /* PCI: irq_type is this index; else a trigger is set */
	uint32_t nvec; /* MSI/MSI-X vectors allocated at enable */
	int unmask_fd; /* virqfd that unmasks (INTx resample), or -1 */
	int mask_fd;   /* virqfd that masks (platform), or -1 */
	bool level_triggered; /* the device drives it with vfio_sim_device_set_irq_level() */
	struct sim_vector *vec;
};

struct sim_ioeventfd {
	unsigned int index;
	uint64_t pos;
	uint64_t data;
	unsigned int count;
	int efd;
	struct sim_ioeventfd *next;
};

struct vfio_sim_device {
	struct vfio_sim_group *group;
	char *name;
	uint32_t flags;
	unsigned int num_regions;
	unsigned int num_irqs;
	int memfd;
	uint64_t memfd_size;
	struct sim_region *regions;
	struct sim_irq *irqs;
	struct sim_ioeventfd *ioeventfds;
	unsigned int nr_ioeventfds;
	unsigned int open_count; /* device files open (vfio_device->open_count) */
	unsigned int reset_count;
	const struct vfio_sim_device_ops *model_ops; /* the device model's hooks, or NULL */
	void *model;
	enum vfio_sim_device_state state; /* unplug.c */
	unsigned int requests;		  /* request op calls of its removal */
	unsigned int reset_bus;		  /* 0: the root bus, no hot reset (hot_reset.c) */
	uint16_t segment;		  /* its address, for a reset_bus */
	uint8_t bus, devfn;
	unsigned int hot_reset_count;
	unsigned int index;		  /* N of vfioN: creation order from 0 */
	struct sim_iommufd *ictx;	  /* bound through a cdev to this iommufd, or NULL */
	uint32_t devid;			  /* its object id in @ictx */
	struct sim_ioas *ioas;		  /* attached to this IOAS (of @ictx), or NULL */
	struct vfio_sim_device *next; /* its group's list; once gone, the sim's gone list */
};

struct sim_kvm {
	struct sim_file *file;
	struct sim_file **entries;
	size_t nr, cap;
	struct sim_kvm *next;
};


/*
 * The thread that looks at the watched eventfds as soon as they are signalled,
 * as the kernel's wait-queue callbacks do (sim.c).  Started when the first one
 * is set up, told by its wake eventfd when the set changes or it must stop.
 */
struct sim_watcher {
	pthread_t thread;
	int wake;
	bool running;
	bool stop;
	bool off;	  /* vfio_sim_set_async_eventfds(sim, false) */
	bool failed;	  /* could not start: entries alone look at the eventfds */
	unsigned int gen; /* the watch_gen the thread was told of */
};

/* The IOMMU fault log (faultlog.c): a ring of the last faults. */
struct sim_fault_log {
	struct vfio_sim_fault ring[VFIO_SIM_FAULT_LOG_CAPACITY];
	size_t first, count;
	uint64_t dropped;
};

struct vfio_sim {
	struct vfio_backend be; /* first: the backend is the sim */
	pthread_mutex_t lock;	/* recursive: device callbacks re-enter */
	unsigned int depth;
	struct sim_file **slots; /* indexed by fd */
	size_t nslots;
	unsigned int nhandles;
	struct vfio_sim_group *groups;
	struct sim_container *containers;
	struct sim_kvm *kvms;
	uint32_t dma_entry_limit;
	uint64_t faults;
	struct sim_fault_log faultlog;
	uint64_t locked_pages;	     /* mm->locked_vm as type1 accounts it (limits.c) */
	uint64_t user_locked_pages;  /* user->locked_vm as iommufd accounts it (iommufd.c) */
	uint64_t locked_limit_pages; /* RLIMIT_MEMLOCK >> PAGE_SHIFT; UINT64_MAX: none */
	struct vfio_sim_device *gone; /* devices that went, freed at destroy */
	struct vfio_iova_range *ranges;
	uint32_t nr_ranges;
	unsigned int nvirqfds; /* eventfds the sim polls on entry */
	unsigned int watch_gen; /* bumped whenever those eventfds change */
	struct sim_watcher watcher;
	struct sim_work *work; /* deferred work, by due time (defer.c) */
	uint64_t work_seq;
	uint64_t now;	       /* the sim's clock: moved only by vfio_sim_run() */
	unsigned int next_index; /* the next device's vfioN */
	bool noiommu;		 /* enable_unsafe_noiommu_mode without an IOMMU (cdev.c) */
	enum vfio_sim_dma_copy dma_copy; /* how the device side copies (vmcopy.c) */
	int maps_fd;			 /* /proc/self/maps for its PROCMAP_QUERY, or -1 */
	unsigned long maps_gen;		 /* the fork generation maps_fd belongs to */
	bool maps_tried;		 /* maps_fd was opened (or failed to) in that generation */
};

/*
 * An eventfd the kernel watches (a virqfd, an ioeventfd): when it is found
 * signalled on entry to the sim, @fire runs, once per watcher, then the count
 * is consumed, as the kernel's wait-queue callbacks would.
 */
struct sim_watch {
	int fd;
	void (*fire)(struct vfio_sim_device *d, void *arg);
	struct vfio_sim_device *d;
	void *arg;
};

/* defer.c: drop the work not yet run (at destroy) */
struct sim_work;
void sim_work_free_all(struct vfio_sim *sim);

/* sim.c: locking, handles, files */
void sim_lock(struct vfio_sim *sim);
void sim_service(struct vfio_sim *sim);
void sim_unlock(struct vfio_sim *sim);
struct sim_file *sim_file_lookup(struct vfio_sim *sim, int fd);
int sim_file_new(struct vfio_sim *sim, enum sim_file_type type, int fd, struct sim_file **out);
void sim_file_get(struct sim_file *f);
void sim_file_put(struct vfio_sim *sim, struct sim_file *f);
int sim_errno_not_vfio(int fd);
int sim_wrong_handle(const struct sim_file *f);
int sim_memfd(const char *name);
int sim_eventfd_get(int fd);
void sim_close_fd(int *fd);
int sim_copy_process(void *local, uint64_t remote, size_t len, bool write);

/* vmcopy.c: the bytes of a device access, to or from the process's memory */
struct iovec;
int sim_vm_copy(struct vfio_sim *sim, void *local, size_t len, const struct iovec *remote,
		unsigned int n, bool write);
void sim_vmcopy_init(struct vfio_sim *sim);
void sim_vmcopy_release(struct vfio_sim *sim);

/* topology.c */
struct vfio_sim_group *sim_group_find(struct vfio_sim *sim, unsigned int id);
void sim_device_free(struct vfio_sim_device *d);

/* sysfs.c: the sysfs and /dev view */
ssize_t sim_sysfs_readlink(struct vfio_sim *sim, const char *path, char *buf, size_t size);
ssize_t sim_list_dir(struct vfio_backend *be, const char *path, char *buf, size_t size);

/* caps.c: capability chains in the kernel's layout */
struct sim_caps {
	uint8_t *buf;
	size_t size;
	size_t last; /* offset of the last capability */
	int err;
};
void *sim_caps_add(struct sim_caps *caps, size_t size, uint16_t id, uint16_t version);
void sim_caps_shift(struct sim_caps *caps, size_t offset);
void sim_caps_free(struct sim_caps *caps);

/* dma_tree.c: the mapping table; insert and remove invalidate pointers into it */
int dma_tree_insert(struct sim_dma_tree *t, const struct sim_dma *d);
struct sim_dma *dma_tree_remove(struct sim_dma_tree *t, const struct sim_dma *d);
struct sim_dma *dma_tree_first(const struct sim_dma_tree *t, uint64_t start, uint64_t size);
struct sim_dma *dma_tree_find(const struct sim_dma_tree *t, uint64_t start, uint64_t size);
struct sim_dma *dma_tree_next(const struct sim_dma_tree *t, const struct sim_dma *d);
const struct sim_dma *dma_tree_lookup(const struct sim_dma_tree *t, uint64_t iova,
				      struct sim_dma_cursor *cur);
const struct sim_dma *dma_tree_cursor_next(struct sim_dma_cursor *cur);
bool dma_tree_pinned(const struct sim_dma_tree *t, uint64_t vaddr, uint64_t size, uint32_t prot);
void dma_tree_unpin(struct sim_dma_tree *t, struct sim_dma *d);
void dma_tree_unpin_all(struct sim_dma_tree *t);
void dma_tree_clear(struct sim_dma_tree *t);

/* iommu.c: containers */
int sim_container_open(struct vfio_sim *sim);
void sim_container_release_iommu(struct sim_container *c);
void sim_container_put(struct sim_container *c);
int sim_get_api_version(struct vfio_backend *be, int fd);
int sim_check_extension(struct vfio_backend *be, int fd, unsigned long ext);
int sim_set_iommu(struct vfio_backend *be, int fd, unsigned long type);
bool sim_pin_check(const struct sim_dma_tree *t, uint64_t vaddr, uint64_t size, uint32_t prot);
struct sim_dma_tree *sim_device_dma_table(struct vfio_sim_device *d, int *why);
int sim_iommu_get_info(struct vfio_backend *be, int fd, struct vfio_iommu_type1_info *info);
int sim_map_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_map *map);
int sim_unmap_dma(struct vfio_backend *be, int fd, struct vfio_iommu_type1_dma_unmap *unmap);

/* group.c */
int sim_group_open(struct vfio_sim *sim, unsigned int id);
void sim_group_release(struct vfio_sim *sim, struct vfio_sim_group *g);
void sim_device_release(struct vfio_sim *sim, struct vfio_sim_device *d);
void sim_group_detach(struct vfio_sim_group *g);
int sim_group_get_status(struct vfio_backend *be, int fd, struct vfio_group_status *status);
int sim_group_set_container(struct vfio_backend *be, int fd, int container);
int sim_group_unset_container(struct vfio_backend *be, int fd);
int sim_group_get_device_fd(struct vfio_backend *be, int fd, const char *name);
int sim_device_file_fd(const struct vfio_sim_device *d);
void sim_device_first_open(struct vfio_sim_device *d);
void sim_device_last_close(struct vfio_sim *sim, struct vfio_sim_device *d);

/* iommufd.c: /dev/iommu, its objects, the IOAS domains and their accounting */
int sim_iommufd_open(struct vfio_sim *sim);
void sim_iommufd_release(struct sim_iommufd *ictx);
struct sim_iommufd *sim_iommufd_of(struct vfio_sim *sim, int fd, int *err);
struct sim_iommufd *sim_iommufd_arg(struct vfio_sim *sim, int fd, const void *arg,
				    size_t minsz, int *err);
struct sim_ioas *sim_ioas_find(const struct sim_iommufd *ictx, uint32_t id);
uint32_t sim_iommufd_id_alloc(struct sim_iommufd *ictx);
bool sim_resv_next(const struct vfio_sim *sim, uint64_t pos, uint64_t *s, uint64_t *l);
bool sim_resv_hits(const struct sim_ioas *io, uint64_t first, uint64_t last);
uint64_t sim_ioas_alignment(const struct sim_ioas *io);
int sim_area_pin(struct sim_ioas *io, const struct sim_dma *a);
void sim_area_unpin(struct sim_ioas *io, const struct sim_dma *a);
int sim_iommufd_attach(struct vfio_sim_device *d, uint32_t *pt_id);
void sim_iommufd_detach(struct vfio_sim_device *d);
int sim_iommufd_destroy(struct vfio_backend *be, int fd, struct vfio_abi_iommu_destroy *destroy);

/* ioas.c: the IOAS ioctls */
int sim_ioas_alloc(struct vfio_backend *be, int fd, struct vfio_abi_ioas_alloc *alloc);
int sim_ioas_iova_ranges(struct vfio_backend *be, int fd, struct vfio_abi_ioas_iova_ranges *r);
int sim_ioas_map(struct vfio_backend *be, int fd, struct vfio_abi_ioas_map *map);
int sim_ioas_map_file(struct vfio_backend *be, int fd, struct vfio_abi_ioas_map_file *map);
int sim_ioas_unmap(struct vfio_backend *be, int fd, struct vfio_abi_ioas_unmap *unmap);

/* cdev.c: the device cdev, binding and attaching, noiommu */
int sim_cdev_open(struct vfio_sim *sim, unsigned int index);
void sim_cdev_release(struct vfio_sim *sim, struct sim_file *f);
int sim_device_bind_iommufd(struct vfio_backend *be, int fd,
			    struct vfio_abi_device_bind_iommufd *bind);
int sim_device_attach_pt(struct vfio_backend *be, int fd,
			 struct vfio_abi_device_attach_iommufd_pt *attach);
int sim_device_detach_pt(struct vfio_backend *be, int fd,
			 struct vfio_abi_device_detach_iommufd_pt *detach);
bool sim_cdev_opened(const struct vfio_sim_device *d);
int sim_cdev_dev_id(const struct vfio_sim_device *d, const struct sim_iommufd *ictx);

/* device.c */
int sim_device_get_info(struct vfio_backend *be, int fd, struct vfio_device_info *info);
int sim_device_get_region_info(struct vfio_backend *be, int fd, struct vfio_region_info *info);
ssize_t sim_pread(struct vfio_backend *be, int fd, void *buf, size_t count, uint64_t offset);
ssize_t sim_pwrite(struct vfio_backend *be, int fd, const void *buf, size_t count,
		   uint64_t offset);
int sim_mmap(struct vfio_backend *be, int fd, void *addr, size_t length, int prot, int flags,
	     uint64_t offset, void **out);
int sim_munmap(struct vfio_backend *be, void *addr, size_t length);
int sim_device_reset(struct vfio_backend *be, int fd);
int sim_device_feature(struct vfio_backend *be, int fd, struct vfio_device_feature *feature);
ssize_t sim_region_write(struct vfio_sim_device *d, unsigned int index, const void *buf,
			 size_t count, uint64_t pos);
ssize_t sim_region_read(struct vfio_sim_device *d, unsigned int index, void *buf, size_t count,
			uint64_t pos);

/* ioeventfd.c */
int sim_device_ioeventfd(struct vfio_backend *be, int fd, struct vfio_device_ioeventfd *ioev);
size_t sim_ioeventfd_watches(struct vfio_sim_device *d, struct sim_watch *w, size_t max);
void sim_ioeventfd_clear(struct vfio_sim *sim, struct vfio_sim_device *d);

/* irq_line.c: vectors and lines */
bool sim_signal_vec(struct sim_vector *v);
bool sim_line_fire(struct sim_irq *q);
void sim_line_unmask(struct sim_irq *q);
void sim_line_enabled(struct sim_irq *q);
struct sim_irq *sim_irq_of(struct vfio_sim_device *d, unsigned int index);

/* irq.c */
int sim_device_get_irq_info(struct vfio_backend *be, int fd, struct vfio_irq_info *info);
int sim_device_set_irqs(struct vfio_backend *be, int fd, struct vfio_irq_set *set);
size_t sim_irq_watches(struct vfio_sim_device *d, struct sim_watch *w, size_t max);
void sim_irq_reset_all(struct vfio_sim *sim, struct vfio_sim_device *d);

/* kvm.c */
int sim_kvm_set_attr(struct vfio_backend *be, int fd, const struct kvm_device_attr *attr);
void sim_kvm_release(struct vfio_sim *sim, struct sim_kvm *k);

/* hot_reset.c: GET_PCI_HOT_RESET_INFO and PCI_HOT_RESET */
int sim_hot_reset_info(struct vfio_backend *be, int fd, struct vfio_pci_hot_reset_info *info);
int sim_hot_reset(struct vfio_backend *be, int fd, struct vfio_pci_hot_reset *reset);

/* unplug.c: the removal of a device the host asked for, once its files are closed */
void sim_device_remove(struct vfio_sim *sim, struct vfio_sim_device *d);

/* limits.c: type1's locked-memory account (vfio_lock_acct) */
int sim_locked_charge(struct sim_container *c, uint64_t size);
void sim_locked_uncharge(struct sim_container *c, uint64_t size);
void sim_locked_release(struct sim_container *c);

/*
 * faultlog.c: a device access by @rw (iommu.c's), refused for a device that
 * went, with an IOMMU fault logged as @rw saw the table (the lock is held).
 */
typedef int (*sim_dma_rw_fn)(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len,
			     bool write);
int sim_dma_access(struct vfio_sim_device *d, uint64_t iova, void *buf, size_t len, bool write,
		   sim_dma_rw_fn rw);

static inline struct vfio_sim *sim_of(struct vfio_backend *be)
{
	return (struct vfio_sim *)be;
}

static inline bool sim_is_pci(const struct vfio_sim_device *d)
{
	return d->flags & VFIO_DEVICE_FLAGS_PCI;
}

/* The device behind a handle, or NULL; *err says why not. */
static inline struct vfio_sim_device *sim_device_of(struct vfio_sim *sim, int fd, int *err)
{
	struct sim_file *f = sim_file_lookup(sim, fd);

	if (!f) {
		*err = -EBADF;
		return NULL;
	}
	if (f->type != SIM_FILE_DEVICE || (f->cdev && !f->bound)) {
		*err = sim_wrong_handle(f);
		return NULL;
	}
	return f->u.device;
}

/* As sim_device_of(), for an ioctl that reads @arg: NULL fails as copy_from_user. */
static inline struct vfio_sim_device *sim_device_arg(struct vfio_sim *sim, int fd,
						     const void *arg, int *err)
{
	struct vfio_sim_device *d = sim_device_of(sim, fd, err);

	if (d && !arg) {
		*err = -EFAULT;
		return NULL;
	}
	return d;
}

#endif /* LIBVFIO_BACKENDS_SIM_SIM_PRIVATE_H */
