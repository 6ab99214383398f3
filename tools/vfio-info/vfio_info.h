/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TOOLS_VFIO_INFO_H
#define LIBVFIO_TOOLS_VFIO_INFO_H

/*
 * vfio-info: what VFIO says of a device, through libvfio's public API.
 *
 *   main.c         options, the list of devices, the exit status
 *   target.c       a device argument (BDF, sysfs path, cdev) -> name, sysfs
 *                  path, group; every VFIO device of the machine; the sim's
 *   probe.c        a container per group, each device opened and reported
 *   iommu_info.c   the container's IOMMU, from vfio_iommu_get_info()
 *   pci_caps.c     the PCI header, and the capabilities from vfio_pci_caps()
 *   diagnose.c     a failure -> what went wrong and the fix to try
 *   names.c        names of flags, indexes, capabilities, errnos
 *   print_text.c   the human output; print_json.c the --json output
 */

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct vfio_backend;
struct vfio_container;
struct vfio_device;

/* ---- targets (target.c) ---- */

/* A device to report: what is known of it before it is opened. */
struct vi_target {
	char name[256];	     /* its name in its group: "0000:00:03.0" */
	char path[PATH_MAX]; /* its sysfs directory */
	char driver[64];     /* the bound driver's name, "" for none */
	bool driver_known;   /* the driver link was looked at (kernel only) */
	unsigned int group;  /* its IOMMU group */
	bool group_known;
};

/* ---- failures (diagnose.c) ---- */

/* Where a device's report stopped. */
enum vi_stage {
	VI_STAGE_RESOLVE,   /* finding the device in sysfs */
	VI_STAGE_NO_GROUP,  /* the device (or the machine) has no IOMMU group */
	VI_STAGE_DRIVER,    /* the device is not bound to a VFIO driver */
	VI_STAGE_CONTAINER, /* /dev/vfio/vfio */
	VI_STAGE_GROUP,	    /* opening /dev/vfio/N */
	VI_STAGE_VIABLE,    /* the group is not viable */
	VI_STAGE_IOMMU,	    /* VFIO_SET_IOMMU when the group joined */
	VI_STAGE_DEVICE,    /* VFIO_GROUP_GET_DEVICE_FD and the device's info */
	VI_STAGE_NONE,	    /* no device to report at all */
};

struct vi_failure {
	enum vi_stage stage;
	int err;	   /* a negative errno */
	char message[512]; /* what failed, from libvfio's message where there is one */
	char hint[1536];   /* the fix to try; "" when there is none to suggest */
};

/* Facts that sharpen a hint, gathered on the kernel backend only. */
struct vi_facts {
	bool kernel;		 /* a real machine: the hints may name sysfs and modprobe */
	bool vfio_pci_loaded;	 /* /sys/bus/pci/drivers/vfio-pci exists */
	char group_members[512]; /* "0000:00:1f.3 (snd_hda_intel), ..." of the group */
	const char *sim_devices; /* on the sim: what it holds, for a name it does not know */
};

void vi_diagnose(struct vi_failure *f, const struct vi_target *t, const struct vi_facts *facts);
void vi_facts_gather(struct vi_facts *facts, const struct vi_target *t);
void vi_fail(struct vi_failure *f, enum vi_stage stage, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

int vi_target_resolve(struct vfio_backend *be, bool kernel, const char *arg, struct vi_target *t,
		      struct vi_failure *f);
int vi_targets_kernel(struct vi_target **out, size_t *n, struct vi_failure *f);

/* The sim's topology: edu and the queue device (sim_topology.c). */
int vi_sim_build(struct vfio_backend **be, struct vi_target **targets, size_t *n);
extern const char vi_sim_devices[]; /* what it holds, in words */

/* ---- IOMMU info (iommu_info.c) ---- */

enum {
	VI_IOMMU_HAS_IOVA_RANGES = 1u << 0,
	VI_IOMMU_HAS_DMA_AVAIL = 1u << 2,
};

struct vi_iova_range {
	uint64_t start, end; /* both included */
};

struct vi_iommu {
	unsigned long type; /* VFIO_TYPE1v2_IOMMU, ... */
	uint32_t flags;	    /* VFIO_IOMMU_INFO_* */
	uint64_t pgsizes;   /* with VFIO_IOMMU_INFO_PGSIZES */
	uint32_t caps;	    /* VI_IOMMU_HAS_* */
	uint32_t nr_ranges;
	struct vi_iova_range *ranges; /* owned; vi_iommu_free() */
	uint32_t dma_avail;
};

int vi_iommu_query(struct vfio_container *c, struct vi_iommu *out, char *why, size_t whylen);
void vi_iommu_free(struct vi_iommu *iommu);

/* ---- PCI config space (pci_caps.c) ---- */

#define VI_PCI_MAX_CAPS 96u

struct vi_pci_cap {
	uint16_t offset;
	uint16_t id;
	uint8_t version; /* extended capabilities */
	bool extended;
	char detail[128]; /* decoded fields, "" when none */
};

struct vi_pci {
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class_code; /* base, sub, prog-if */
	uint8_t revision, header_type;
	uint16_t command, status;
	unsigned int nr_caps;
	struct vi_pci_cap caps[VI_PCI_MAX_CAPS];
	bool flr_pcie, flr_af, pm_no_soft_reset, has_pm;
	char error[128]; /* a list that could not be walked to its end, "" when fine */
};

/* Read @len bytes of config space at @off: 0 or a negative errno. */
typedef int (*vi_cfg_read_fn)(void *ctx, uint32_t off, void *buf, size_t len);

int vi_pci_walk(struct vfio_device *d, struct vi_pci *out);

/* ---- reset (probe.c) ---- */

struct vi_hot_reset_dev {
	uint32_t group;
	uint16_t segment;
	uint8_t bus, devfn;
};

struct vi_reset {
	bool device_reset;  /* VFIO_DEVICE_FLAGS_RESET */
	int hot_reset_err;  /* 0, or why GET_PCI_HOT_RESET_INFO failed */
	uint32_t hot_count; /* devices a hot reset would reset */
	struct vi_hot_reset_dev hot[32];
};

/* ---- names (names.c) ---- */

struct vi_flag {
	uint32_t bit;
	const char *name;
};

extern const struct vi_flag vi_device_flags[], vi_region_flags[], vi_irq_flags[], vi_iommu_flags[];

/* Each set bit's name (or 0x... for unknown bits), joined by @sep; "none" for 0. */
const char *vi_flags_str(uint32_t flags, const struct vi_flag *table, const char *sep, char *buf,
			 size_t size);
/* The name of one bit of @table: NULL for a bit the table does not know. */
const char *vi_flag_name(const struct vi_flag *table, uint32_t bit);
const char *vi_region_name(uint32_t dev_flags, unsigned int index, char *buf, size_t size);
const char *vi_region_type_name(uint32_t type, uint32_t subtype, char *buf, size_t size);
const char *vi_irq_name(uint32_t dev_flags, unsigned int index, char *buf, size_t size);
const char *vi_iommu_type_name(unsigned long type);
const char *vi_pci_cap_name(uint16_t id, bool extended);
const char *vi_pci_class_name(uint32_t class_code);
const char *vi_errno_name(int err); /* "EACCES"; positive or negative errno */
const char *vi_size_str(uint64_t bytes, char *buf, size_t size); /* "4K", "2M", "0x1234" */

/* ---- output (print_text.c, print_json.c) ---- */

/* Everything reported of one device; pointers NULL for what is unknown. */
struct vi_report {
	const struct vi_target *target;
	struct vfio_device *dev;       /* NULL when it could not be opened */
	const struct vi_failure *fail; /* why, when @dev is NULL */
	const struct vi_iommu *iommu;
	const char *iommu_error; /* why @iommu is NULL, when the device opened */
	const struct vi_pci *pci;
	const char *pci_error;
	const struct vi_reset *reset;
};

struct vi_printer {
	void (*begin)(FILE *f, const char *backend);
	void (*device)(FILE *f, const struct vi_report *r);
	/* no device to report: @fail says why */
	void (*none)(FILE *f, const struct vi_failure *fail);
	void (*end)(FILE *f, unsigned int reported, unsigned int failed);
};

extern const struct vi_printer vi_text_printer, vi_json_printer;

/* probe.c: report every target of one group through @p; the number that failed. */
unsigned int vi_probe_group(struct vfio_backend *be, bool kernel, struct vi_target *targets,
			    size_t n, const struct vi_printer *p, FILE *f);
/* A target bound to a host driver: -ENODEV, with @f filled. */
int vi_check_driver(const struct vi_target *t, struct vi_failure *f);
/* Diagnose @f (on the kernel, with the machine's facts) and report it. */
void vi_report_failure(const struct vi_printer *p, FILE *out, const struct vi_target *t,
		       const struct vi_iommu *iommu, struct vi_failure *f, bool kernel);

#endif /* LIBVFIO_TOOLS_VFIO_INFO_H */
