// SPDX-License-Identifier: MIT
/*
 * Names that come from outside the process: the sysfs iommu_group link of a
 * device, and device names before they reach the kernel.
 */

#include <limits.h>
#include <string.h>

#include "private.h"

/* Longest device name we pass on: the kernel's dev_name() is far shorter in practice. */
#define DEVICE_NAME_MAX 255

/* @len (>= 1) decimal digits, no larger than UINT_MAX, into *@v. */
static int parse_decimal(const char *s, size_t len, unsigned int *v)
{
	unsigned long long n = 0;

	if (!len)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		n = n * 10 + (unsigned int)(s[i] - '0');
		if (n > UINT_MAX)
			return -EINVAL;
	}
	*v = (unsigned int)n;
	return 0;
}

/*
 * The link reads like "../../../kernel/iommu_groups/12": its last component,
 * all digits and no larger than UINT_MAX, is the group number.  @link need not
 * be NUL-terminated.
 */
int vfio_sysfs_parse_group_link(const char *link, size_t len, unsigned int *id)
{
	size_t start = len;

	while (start > 0 && link[start - 1] != '/')
		start--;
	return parse_decimal(link + start, len - start, id);
}

/* A name the kernel could know: not empty, not too long, printable, no '/'. */
int vfio_check_device_name(const char *name)
{
	size_t len;

	if (!name)
		return -EINVAL;
	len = strnlen(name, DEVICE_NAME_MAX + 1);
	if (len == 0 || len > DEVICE_NAME_MAX)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] <= ' ' || name[i] > '~')
			return -EINVAL;
	return 0;
}

/*
 * A device cdev's name: "vfio" and 1 to 10 decimal digits, no larger than
 * UINT_MAX, no leading zero but for "vfio0".  @len bytes of @name, which need
 * not be NUL-terminated.
 */
int vfio_sysfs_parse_cdev_name(const char *name, size_t len, unsigned int *n)
{
	if (len < 5 || len > 14 || memcmp(name, "vfio", 4) != 0)
		return -EINVAL;
	if (name[4] == '0' && len > 5)
		return -EINVAL;
	return parse_decimal(name + 4, len - 4, n);
}
