// SPDX-License-Identifier: MIT
/* The per-thread message beside every negative errno the library returns. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

static _Thread_local char last_error[512];

const char *vfio_last_error(void)
{
	return last_error;
}

void vfio_clear_error(void)
{
	last_error[0] = '\0';
}

/* Append @sep and @text after the @n bytes vsnprintf wanted to write, truncating. */
static void append(int n, const char *sep, const char *text)
{
	size_t used = n < 0 ? 0 : (size_t)n, room;

	if (used >= sizeof(last_error) - 1)
		return;
	room = sizeof(last_error) - 1 - used;
	for (const char *p = sep; *p && room; p++, room--)
		last_error[used++] = *p;
	for (const char *p = text; *p && room; p++, room--)
		last_error[used++] = *p;
	last_error[used] = '\0';
}

static int vfail(int err, const char *fmt, va_list ap)
{
	char errbuf[128];
	int n = vsnprintf(last_error, sizeof(last_error), fmt, ap);

	append(n, ": ", strerror_r(-err, errbuf, sizeof(errbuf)));
	return err;
}

int vfio_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(err, fmt, ap);
	va_end(ap);
	return err;
}

int vfio_refuse(bool report, int err, const char *fmt, ...)
{
	va_list ap;

	if (!report)
		return err;
	va_start(ap, fmt);
	vfail(err, fmt, ap);
	va_end(ap);
	return err;
}

int vfio_fail_prefix(int err, const char *fmt, ...)
{
	char prev[sizeof(last_error)];
	va_list ap;
	int n;

	memcpy(prev, last_error, sizeof(prev));
	va_start(ap, fmt);
	n = vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	append(n, ": ", prev);
	return err;
}

void vfio_error_save(struct vfio_saved_error *s)
{
	_Static_assert(sizeof(s->msg) == sizeof(last_error), "saved message size");
	memcpy(s->msg, last_error, sizeof(s->msg));
}

void vfio_error_restore(const struct vfio_saved_error *s)
{
	memcpy(last_error, s->msg, sizeof(last_error));
}
