// SPDX-License-Identifier: MIT
/*
 * The allocation hook.  The sweep links with --wrap=malloc,calloc,realloc,
 * strdup,free, so every call to them from an object of the program (libvfio,
 * the sim, the harness; not libc's own) lands here.  An allocation counts as
 * libvfio's when it is made while the thread is inside a libvfio call
 * (fn_in_lib, set around each public call) and not inside a backend op
 * (fn_in_backend, set by the shim around each op it forwards to the fault
 * wrapper and the sim): that is exactly the core's and the kernel backend's
 * allocations, none of the sim's.  Only those are counted, may be failed, and
 * are balanced against their frees.
 */

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

_Thread_local int fn_in_lib, fn_in_backend;

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
void __real_free(void *p);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

static bool counted(void)
{
	return fn_in_lib && !fn_in_backend;
}

void *__wrap_malloc(size_t size)
{
	void *p;

	if (!counted())
		return __real_malloc(size);
	if (fn_alloc_enter()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_malloc(size);
	if (p)
		fn_live_add(1);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (!counted())
		return __real_calloc(n, size);
	if (fn_alloc_enter()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_calloc(n, size);
	if (p)
		fn_live_add(1);
	return p;
}

/* A failed realloc leaves the old block alone; a new block (old NULL) counts as one more. */
void *__wrap_realloc(void *old, size_t size)
{
	void *p;

	if (!counted())
		return __real_realloc(old, size);
	if (fn_alloc_enter()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_realloc(old, size);
	if (p && !old)
		fn_live_add(1);
	return p;
}

char *__wrap_strdup(const char *s)
{
	char *p;

	if (!counted())
		return __real_strdup(s);
	if (fn_alloc_enter()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __real_strdup(s);
	if (p)
		fn_live_add(1);
	return p;
}

void __wrap_free(void *p)
{
	if (p && counted())
		fn_live_add(-1);
	__real_free(p);
}
