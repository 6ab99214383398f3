/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_FAILNTH_H
#define LIBVFIO_TESTS_FAILNTH_H

/*
 * The fail-Nth sweep: scenarios drive the public API end to end on the sim;
 * the harness reruns each one failing one backend op call, or one allocation
 * made by libvfio, at a time, and checks what the call that met the failure
 * returned, that the objects left work and close, and that nothing leaked.
 *
 * A scenario is a function over a struct fn_run.  It makes every libvfio call
 * through CALL() (or CLOSE()), which also states the call's result on a run
 * without injection, and keeps what it opens in the run's slots: once a call
 * met the injected failure CALL() returns from the scenario, and the harness
 * checks and closes what the slots still hold.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "testutil.h"

#define FN_SLOTS 4
#define FN_EFDS 4

struct fn_run {
	struct t_fixture *f;     /* the sim topology; f->be is the fault wrapper */
	struct vfio_backend *be; /* the harness's shim over f->be: give this to libvfio */

	/* What the scenario holds.  The harness closes whatever is left. */
	struct vfio_container *c;
	struct vfio_group *g[FN_SLOTS];  /* a slot per reference taken */
	struct vfio_device *d[FN_SLOTS];
	struct vfio_region_mapping *m[FN_SLOTS];
	struct vfio_backend *kbe; /* a kernel backend */
	int efd[FN_EFDS];         /* eventfds, -1 when unused */
	int kvm_fd;               /* a sim KVM VFIO device, -1 when unused */
	uint8_t *mem;             /* FN_MEM_PAGES pages for DMA */

	/* How the shim answers VFIO_CHECK_EXTENSION, set before the container opens. */
	bool no_unmap_all; /* as a kernel before 5.12: no VFIO_UNMAP_ALL */
	bool type1_only;   /* no Type1v2 IOMMU */

	bool stop; /* the injected failure was met: the scenario returns */
};

#define FN_MEM_PAGES 64

/* Around every libvfio call: fn_end() returns false when the scenario must return. */
void fn_begin(struct fn_run *r);
bool fn_end(struct fn_run *r, int rc, int expect, const char *what, int line);

/* A check of the scenario's own (true on every run before the injection). */
bool fn_check(struct fn_run *r, bool ok, const char *what, int line);

/*
 * CALL(r, expect, expr): make the libvfio call @expr, which returns @expect on
 * a run without injection.
 */
#define CALL(r, expect, expr)                                                      \
	do {                                                                       \
		fn_begin(r);                                                       \
		int rc_ = (expr);                                                  \
		if (!fn_end((r), rc_, (expect), #expr, __LINE__))                  \
			return;                                                    \
	} while (0)

/* CLOSE(r, expect, fn, slot): close what @slot holds; the slot is empty after. */
#define CLOSE(r, expect, fn, slot)                                                 \
	do {                                                                       \
		fn_begin(r);                                                       \
		int rc_ = fn(slot);                                                \
		(slot) = NULL;                                                     \
		if (!fn_end((r), rc_, (expect), #fn "(" #slot ")", __LINE__))      \
			return;                                                    \
	} while (0)

#define CHECK(r, cond)                                                             \
	do {                                                                       \
		if (!fn_check((r), (cond), #cond, __LINE__))                       \
			return;                                                    \
	} while (0)

struct fn_scenario {
	const char *name;
	void (*run)(struct fn_run *r);
};

/* The scenarios, each file's own. */
void fn_scenario_lifecycle(struct fn_run *r);
void fn_scenario_device(struct fn_run *r);
void fn_scenario_mmap(struct fn_run *r);
void fn_scenario_irq(struct fn_run *r);
void fn_scenario_dma(struct fn_run *r);
void fn_scenario_replay(struct fn_run *r);
void fn_scenario_iommufd(struct fn_run *r);
void fn_scenario_noiommu(struct fn_run *r);
void fn_scenario_info(struct fn_run *r);

#endif /* LIBVFIO_TESTS_FAILNTH_H */
