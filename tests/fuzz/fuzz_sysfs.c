// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the names that come from outside the process (core/sysfs.c):
 * an iommu_group link as readlink returns it (not NUL-terminated), and a device
 * name before it reaches the kernel.
 */

#include <stdlib.h>
#include <string.h>

#include "private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned int id;
	char *link = malloc(size ? size : 1), *name = malloc(size + 1);

	if (!link || !name)
		goto out;
	memcpy(link, data, size);
	if (vfio_sysfs_parse_group_link(link, size, &id) == 0) {
		/* a group number is the last component, all digits */
		if (size == 0 || link[size - 1] < '0' || link[size - 1] > '9')
			abort();
	}
	memcpy(name, data, size);
	name[size] = '\0';
	if (vfio_check_device_name(name) == 0 && (strchr(name, '/') || name[0] == '\0'))
		abort();
out:
	free(link);
	free(name);
	return 0;
}
