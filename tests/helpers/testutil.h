/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_TESTUTIL_H
#define LIBVFIO_TESTS_TESTUTIL_H

/*
 * What the unit tests share: asserting wrappers (tests only, never the library)
 * and a standard sim topology behind a fault-injection wrapper.
 */

#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include <vfio/backend.h>
#include <vfio/fault.h>
#include <vfio/sim.h>
#include <vfio/vfio.h>

/* Assert a libvfio call returned 0; on failure show the call, its errno and message. */
#define assert_ok(expr)                                                                   \
	do {                                                                              \
		int rc_ = (expr);                                                         \
		if (rc_ != 0)                                                             \
			fail_msg("%s = %d (%s)", #expr, rc_, vfio_last_error());          \
	} while (0)

/* Assert a libvfio call failed with exactly -err and left a message. */
#define assert_err(expr, err)                                                             \
	do {                                                                              \
		vfio_clear_error();                                                       \
		int rc_ = (expr);                                                         \
		if (rc_ != -(err))                                                        \
			fail_msg("%s = %d, expected %d (%s)", #expr, rc_, -(err),         \
				 vfio_last_error());                                      \
		if (vfio_last_error()[0] == '\0')                                         \
			fail_msg("%s = %d left no message", #expr, rc_);                  \
	} while (0)

/* Assert this thread's message contains @needle. */
#define assert_msg_has(needle)                                                            \
	do {                                                                              \
		if (!strstr(vfio_last_error(), (needle)))                                 \
			fail_msg("message \"%s\" lacks \"%s\"", vfio_last_error(), (needle)); \
	} while (0)

/* The standard topology (see testutil.c for every region and irq). */
#define T_GROUP 12u      /* viable: T_PCI and T_PCI2 */
#define T_GROUP_PLAT 13u /* viable: T_PLAT */
#define T_GROUP_BAD 14u  /* not viable: T_PCI_BAD */
#define T_GROUP_ODD 15u  /* viable: T_ODD, a device neither PCI nor platform */
#define T_PCI "0000:00:04.0"
#define T_PCI2 "0000:00:04.1"
#define T_PLAT "fff51000.ethernet"
#define T_PCI_BAD "0000:00:05.0"
#define T_ODD "ccw.0.0.1234"

#define T_BAR0_SIZE 0x100000u /* index 0: memory-backed, READ|WRITE|MMAP */
#define T_BAR2_SIZE 0x8000u   /* index 2: sparse areas [0, 0x1000) and [0x3000, +0x2000), MSI-X */
#define T_BAR4_SIZE 0x100u    /* index 4: trapped by t_bar4_ops, READ|WRITE */
#define T_BAR5_SIZE 0x1000u   /* index 5: memory-backed, READ only */
#define T_CONFIG_SIZE 0x100u  /* index 7: memory-backed, READ|WRITE */
#define T_MSIX_COUNT 40u /* more than a SET_IRQS request holds without allocating */

struct t_fixture {
	struct vfio_sim *sim;
	struct vfio_backend *be; /* fault wrapper over the sim */
	struct vfio_sim_group *group, *group_plat, *group_bad, *group_odd;
	struct vfio_sim_device *pci, *pci2, *plat, *pci_bad, *odd;
	struct vfio_container *c;
	/* what the trapped BAR4 model saw */
	unsigned int bar4_reads, bar4_writes;
	uint8_t bar4[T_BAR4_SIZE];
	ssize_t bar4_short; /* when > 0, accesses stop after this many bytes */
};

/* Build the topology; with @open_container also open a container on it. */
struct t_fixture *t_fixture_new(int open_container);
void t_fixture_free(struct t_fixture *f);

/* CMocka setup/teardown around t_fixture_new(1) / t_fixture_free(). */
int t_setup(void **state);
int t_teardown(void **state);

/* Open T_PCI in the fixture's container, asserting success. */
struct vfio_device *t_open_pci(struct t_fixture *f);

/* A non-blocking eventfd; and how many times it fired since the last read (0: none). */
int t_eventfd(void);
uint64_t t_eventfd_read(int fd);

/* Page-aligned anonymous memory for DMA tests, and its release. */
void *t_pages(size_t n);
void t_pages_free(void *p, size_t n);

/* How many fds the process has open now (for leak checks: before and after). */
int t_count_fds(void);

#endif /* LIBVFIO_TESTS_TESTUTIL_H */
