/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_CONFORMANCE_H
#define LIBVFIO_TESTS_CONFORMANCE_H

/*
 * The conformance suite: each case is written once against the public API and
 * run on a backend — the sim, or the real kernel's vfio-pci under QEMU — with
 * the same devices (QEMU's edu, an edu behind a root port, an e1000e).  The
 * kernel is the judge: a case that passes there and fails on the sim is a sim
 * bug (or a difference listed in KNOWN-DIFFERENCES.md).
 *
 * A failed check ends its case (longjmp) and the runner then runs the case's
 * clean-ups, so the next case finds the devices free.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vfio/vfio.h>

struct vfio_sim;

/* One device of the topology, as the case finds it. */
struct conf_dev {
	const char *bdf;
	unsigned int group; /* a noiommu group in noiommu mode */
	char sysfs[96]; /* /sys/bus/pci/devices/BDF */
	char cdev[40]; /* /dev/vfio/devices/vfioN in iommufd mode, when known; else "" */
};

struct conf_env {
	const char *backend; /* "sim" or "kernel" */
	enum vfio_container_mode mode; /* every container of the run is opened in it */
	struct vfio_backend *be;
	struct vfio_sim *sim; /* NULL on the kernel */
	struct conf_dev edu, nic, edu2;
};

/* "legacy", "iommufd" or "noiommu". */
const char *conf_mode_name(enum vfio_container_mode mode);
/* vfio_container_iommu_type() while a device is open: Type1v2, noiommu, or 0 (iommufd). */
unsigned long conf_iommu_type(const struct conf_env *env);

typedef void (*conf_fn)(struct conf_env *env);

struct conf_case {
	const char *name;
	conf_fn fn;
	const char *file;
	int line;
};

void conf_register(const struct conf_case *c);

/* Define a case; it registers itself before main(). */
#define CONF_CASE(fn)                                                                       \
	static void fn(struct conf_env *env);                                               \
	static const struct conf_case conf_case_##fn = { #fn, fn, __FILE__, __LINE__ };    \
	__attribute__((constructor)) static void conf_register_##fn(void)                   \
	{                                                                                   \
		conf_register(&conf_case_##fn);                                             \
	}                                                                                   \
	static void fn(struct conf_env *env)

/* End the case as failed, with a message. */
__attribute__((noreturn, format(printf, 3, 4))) void conf_fail(const char *file, int line,
							      const char *fmt, ...);
/* End the case as skipped (a feature this machine lacks), with the reason. */
__attribute__((noreturn, format(printf, 1, 2))) void conf_skip(const char *fmt, ...);

/*
 * The rest of the case shows what the sim cannot do (it is listed, with the
 * reason, in KNOWN-DIFFERENCES.md): on the sim the case ends here as skipped.
 */
/*
 * The case only makes sense in the modes listed (groups and type1 are legacy
 * and noiommu things, DMA mapping needs an IOMMU): in the others it ends here
 * as skipped.  CONF_NEED_MODE(env, VFIO_CONTAINER_LEGACY, VFIO_CONTAINER_IOMMUFD)
 */
void conf_need_mode(const struct conf_env *env, const enum vfio_container_mode *modes, size_t n);
#define CONF_NEED_MODE(env, ...)                                                            \
	conf_need_mode((env), (const enum vfio_container_mode[]){ __VA_ARGS__ },            \
		       sizeof((const enum vfio_container_mode[]){ __VA_ARGS__ }) /          \
			       sizeof(enum vfio_container_mode))
/* Modes with an IOMMU, where DMA can be mapped. */
#define CONF_NEED_IOMMU(env) CONF_NEED_MODE(env, VFIO_CONTAINER_LEGACY, VFIO_CONTAINER_IOMMUFD)
/* Modes with groups: legacy and noiommu. */
#define CONF_NEED_GROUPS(env) CONF_NEED_MODE(env, VFIO_CONTAINER_LEGACY, VFIO_CONTAINER_NOIOMMU)

#define CONF_SIM_CANNOT(env, why)                                                           \
	do {                                                                                \
		if ((env)->sim)                                                             \
			conf_skip("the sim cannot: %s", why);                               \
	} while (0)

#define CHECK(cond)                                                                         \
	do {                                                                                \
		if (!(cond))                                                                \
			conf_fail(__FILE__, __LINE__, "%s", #cond);                         \
	} while (0)

#define EQ(a, b)                                                                            \
	do {                                                                                \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b); \
		if (a_ != b_)                                                               \
			conf_fail(__FILE__, __LINE__, "%s == 0x%llx, expected %s == 0x%llx", #a, \
				  a_, #b, b_);                                              \
	} while (0)

#define OK(call)                                                                            \
	do {                                                                                \
		int r_ = (call);                                                            \
		if (r_ != 0)                                                                \
			conf_fail(__FILE__, __LINE__, "%s = %d (%s)", #call, r_,           \
				  vfio_last_error());                                       \
	} while (0)

#define ERR(call, err)                                                                      \
	do {                                                                                \
		int r_ = (call);                                                            \
		if (r_ != -(err))                                                           \
			conf_fail(__FILE__, __LINE__, "%s = %d (%s), expected -%s", #call, r_, \
				  r_ ? vfio_last_error() : "succeeded", #err);              \
	} while (0)

/* ---- resources released after the case, in reverse order ---- */

/* A container on the case's backend, in the run's mode. */
struct vfio_container *conf_container(struct conf_env *env);
/* Open @dev in @c: by its group and name, or in iommufd mode by its sysfs path (its cdev). */
struct vfio_device *conf_device(struct vfio_container *c, const struct conf_dev *dev);
/* Close a device or group or container now, not after the case. */
void conf_close_device(struct vfio_device *d);
void conf_close_group(struct vfio_group *g);
void conf_close_container(struct vfio_container *c);
/* Track a device or group opened by the case itself. */
void conf_track_device(struct vfio_device *d);
void conf_track_group(struct vfio_group *g);
/* A non-blocking eventfd. */
int conf_eventfd(void);
/* Page-aligned anonymous memory of @size bytes. */
void *conf_mem(size_t size);
/* A region mapping, unmapped after the case. */
void conf_track_mapping(struct vfio_region_mapping *m);

/* ---- waiting ---- */

/* The eventfd's count once it fired, waiting up to @ms; 0 when it did not. */
uint64_t conf_wait_event(int fd, int ms);
/* Sleep @ms milliseconds. */
void conf_sleep(int ms);

/* ---- device access through the public API ---- */

uint32_t conf_read32(struct vfio_device *d, unsigned int index, uint64_t off);
void conf_write32(struct vfio_device *d, unsigned int index, uint64_t off, uint32_t v);
uint64_t conf_read64(struct vfio_device *d, unsigned int index, uint64_t off);
void conf_write64(struct vfio_device *d, unsigned int index, uint64_t off, uint64_t v);
uint16_t conf_config16(struct vfio_device *d, uint64_t off);
uint8_t conf_config8(struct vfio_device *d, uint64_t off);
/* Set the bus-master bit of the command register (DMA and MSI need it). */
void conf_bus_master(struct vfio_device *d, bool on);

/* ---- the edu device ---- */

#define EDU_ID 0x00
#define EDU_LIVENESS 0x04
#define EDU_FACTORIAL 0x08
#define EDU_STATUS 0x20
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_BUF 0x40000ull
#define EDU_DMA_START 1u
#define EDU_DMA_TO_RAM 2u
#define EDU_DMA_IRQ 4u

/* Start a DMA transfer and wait until the device says it is done; false on time-out. */
bool edu_dma(struct vfio_device *d, uint64_t src, uint64_t dst, uint32_t count, uint32_t cmd);

#endif /* LIBVFIO_TESTS_CONFORMANCE_H */
