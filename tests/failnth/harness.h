/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_FAILNTH_HARNESS_H
#define LIBVFIO_TESTS_FAILNTH_HARNESS_H

/* The harness's own parts: what the driver, the shim and the allocation hook share. */

#include <stdbool.h>
#include <stdint.h>

#include <vfio/backend.h>

#include "failnth.h"

/* The errno every injected op failure answers: one no sim op gives of itself. */
#define FN_ERR EREMOTEIO

#define FN_MAX_EVENTS 8192
#define FN_MAX_CALLS 1024
#define FN_MSG 512

enum fn_kind {
	FN_CLEAN, /* no injection: the run that counts */
	FN_OP,    /* the k-th call of an op fails with -FN_ERR */
	FN_ALLOC, /* the k-th allocation of libvfio's fails (NULL, ENOMEM) */
};

struct fn_target {
	enum fn_kind kind;
	enum vfio_backend_op op;
	unsigned long k;
};

/* One op call or allocation of a clean run, in order. */
struct fn_event {
	uint8_t kind;
	uint8_t op;
	uint32_t k;    /* its number among the calls of its op, or among allocations */
	uint32_t call; /* the public call it happened in */
	uint32_t hash; /* of the thread's message when it happened (0: empty) */
};

/* One public call of a clean run. */
struct fn_call_rec {
	int rc;
	int line;
	uint32_t first, end; /* its events */
	/*
	 * Its first event that ran after the call had recorded the error it
	 * returns (end when none did, or the call succeeded): from there on the
	 * call was cleaning up after that error.
	 */
	uint32_t decided;
	char msg[FN_MSG];
};

/* What a clean run saw, shared with the driver (MAP_SHARED). */
struct fn_trace {
	uint32_t nr_events, nr_calls;
	bool overflow;
	unsigned long ops[VFIO_OP_COUNT];
	unsigned long allocs;
	struct fn_event ev[FN_MAX_EVENTS];
	struct fn_call_rec call[FN_MAX_CALLS];
};

/* What one run found wrong, shared with the driver. */
struct fn_result {
	unsigned int nfail;
	char text[1536];
	char note[768]; /* what the call that met the failure did, for -v */
};

/* harness.c: one run of @s in this process; 0 when every check passed. */
int fn_run_one(const struct fn_scenario *s, const struct fn_target *t, struct fn_trace *trace,
	       struct fn_result *res);
const char *fn_target_name(const struct fn_target *t, char *buf, size_t len);

/* Set around libvfio calls and backend ops (this thread only): see alloc.c. */
extern _Thread_local int fn_in_lib, fn_in_backend;

/* harness.c, for the shim and the allocation hook. */
bool fn_op_enter(enum vfio_backend_op op);   /* true: this call is the injected one */
bool fn_alloc_enter(void);                   /* true: this allocation must fail */
void fn_live_add(long n);                    /* libvfio allocations not yet freed */

/* shim.c */
struct vfio_backend *fn_shim_new(struct fn_run *r, struct vfio_backend *fault,
				 struct vfio_backend *sim);

#endif /* LIBVFIO_TESTS_FAILNTH_HARNESS_H */
