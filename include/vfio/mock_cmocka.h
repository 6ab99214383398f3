/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_MOCK_CMOCKA_H
#define LIBVFIO_VFIO_MOCK_CMOCKA_H

/*
 * The mock backend (<vfio/mock.h>) scripted with CMocka's expect/will_return,
 * header-only: libvfio itself never depends on CMocka; a test that includes
 * this header links CMocka as it does anyway.
 *
 *	static const struct vfio_mock_hooks hooks = VFIO_MOCK_CMOCKA_HOOKS;
 *	struct vfio_backend *be;
 *
 *	vfio_mock_backend_new(&hooks, NULL, &be);
 *	vfio_expect_path(VFIO_OP_OPEN, -1, "/dev/vfio/vfio", 3);
 *	vfio_expect_op(VFIO_OP_GET_API_VERSION, 3, VFIO_API_VERSION);
 *	...
 *	vfio_container_open(be, &c);
 *
 * Strict: every call must have been scripted, in order, with its op and
 * handle (and, with vfio_expect_path(), its path); anything else fails the
 * running test through CMocka (a call nothing was scripted for: "Could not
 * get value to check parameter op"; a wrong op or handle: the values that
 * differ).  A script left unused fails the test when it ends, as CMocka does
 * for every unused expect_*() and will_return().
 *
 * A failure longjmps out of libvfio, as CMocka's failures do out of any code
 * under test: the objects being built at the time are leaked, which only a
 * failing test sees.  CMocka is not thread safe: call the mock from the
 * test's thread only.
 */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <vfio/mock.h>

/**
 * vfio_mock_cmocka_check_path() - CMocka's check of a scripted path
 * @value: the path the call got (a const char *, or NULL)
 * @check_value_data: the path scripted by vfio_expect_path()
 *
 * Used through vfio_expect_path(); not for calling directly.  Prints the two
 * paths when they differ.
 *
 * Return: 1 for equal strings or both NULL, else 0 (which fails the test).
 */
static inline int vfio_mock_cmocka_check_path(const LargestIntegralType value,
					      const LargestIntegralType check_value_data)
{
	const char *got = (const char *)(uintptr_t)value;
	const char *want = (const char *)(uintptr_t)check_value_data;

	if (got == want || (got && want && strcmp(got, want) == 0))
		return 1;
	print_error("path \"%s\" != \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
	return 0;
}

/**
 * vfio_mock_cmocka_call() - the hook: one scripted step per call
 * @opaque: unused
 * @op: checked against the script (check_expected)
 * @c: the call; its fd and path are checked against the script, its outputs
 *	filled from the script's answer, if any
 *
 * Each step is queued by one of the vfio_expect_*() macros below.
 *
 * Return: the step's scripted value, or the errno vfio_mock_reply() gave for
 * its answer (e.g. -ENOSPC for a hot-reset info that does not fit).
 */
static inline long vfio_mock_cmocka_call(void *opaque, enum vfio_backend_op op,
					 struct vfio_mock_call *c)
{
	const int fd = c->fd;
	const char *path = c->path;
	const void *answer;
	size_t size = 0;
	long ret, r;

	(void)opaque;
	check_expected(op);
	check_expected(fd);
	check_expected_ptr(path);
	answer = mock_ptr_type(const void *);
	if (answer)
		size = mock_type(size_t);
	ret = mock_type(long);
	if (answer) {
		r = vfio_mock_reply(c, answer, size);
		if (r < 0)
			return r;
	}
	return ret;
}

/* Hooks for vfio_mock_backend_new(). */
#define VFIO_MOCK_CMOCKA_HOOKS { .call = vfio_mock_cmocka_call, .destroy = NULL }

/* One scripted step: the op, the handle, a check of the path, an answer's bytes, the result. */
#define vfio_expect_step_(op_, fd_, path_check_, answer_, size_, ret_)       \
	do {                                                                 \
		const void *vfio_answer_ = (answer_);                        \
		expect_value(vfio_mock_cmocka_call, op, (op_));              \
		expect_value(vfio_mock_cmocka_call, fd, (fd_));              \
		path_check_;                                                 \
		will_return(vfio_mock_cmocka_call, (uintptr_t)vfio_answer_); \
		if (vfio_answer_)                                            \
			will_return(vfio_mock_cmocka_call, (size_t)(size_)); \
		will_return(vfio_mock_cmocka_call, (long)(ret_));            \
	} while (0)

/*
 * vfio_expect_op() - the next call is @op_ on handle @fd_ (-1 for open, readlink,
 * list_dir, munmap), any path; it answers @ret_.
 */
#define vfio_expect_op(op_, fd_, ret_) \
	vfio_expect_step_(op_, fd_, expect_any(vfio_mock_cmocka_call, path), NULL, 0, ret_)

/*
 * vfio_expect_path() - as vfio_expect_op(), and the path (open, readlink,
 * list_dir) or device name (GROUP_GET_DEVICE_FD) is the string @path_, which
 * must live until the call.
 */
#define vfio_expect_path(op_, fd_, path_, ret_)                                          \
	vfio_expect_step_(op_, fd_,                                                      \
			  expect_check(vfio_mock_cmocka_call, path,                      \
				       vfio_mock_cmocka_check_path, (uintptr_t)(path_)), \
			  NULL, 0, ret_)

/*
 * vfio_expect_reply() - as vfio_expect_op(), and the call's output is filled from
 * @size_ bytes at @answer_ by vfio_mock_reply() (which see; e.g. a struct
 * vfio_region_info followed by its capability chain, the bytes of a pread).
 * @answer_ must live until the call.
 */
#define vfio_expect_reply(op_, fd_, answer_, size_, ret_)                                    \
	vfio_expect_step_(op_, fd_, expect_any(vfio_mock_cmocka_call, path), answer_, size_, \
			  ret_)

/*
 * vfio_expect_path_reply() - vfio_expect_path() and vfio_expect_reply() at once:
 * the path is checked and the output filled (e.g. a list_dir of a sysfs
 * directory, its names packed with their NULs, answering their @size_).
 */
#define vfio_expect_path_reply(op_, fd_, path_, answer_, size_, ret_)                    \
	vfio_expect_step_(op_, fd_,                                                      \
			  expect_check(vfio_mock_cmocka_call, path,                      \
				       vfio_mock_cmocka_check_path, (uintptr_t)(path_)), \
			  answer_, size_, ret_)

#endif /* LIBVFIO_VFIO_MOCK_CMOCKA_H */
