// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the PCI capability walk (core/pci.c) over config space as
 * a device would show it: the input is config space, of any length.
 */

#include <stdlib.h>
#include <string.h>

#include "private.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vfio_pci_cap caps[8];
	size_t n = 0;
	uint8_t *cfg = malloc(size ? size : 1);

	if (!cfg)
		return 0;
	memcpy(cfg, data, size);
	if (vfio_pci_walk_caps(cfg, size, caps, 8, &n) == 0) {
		/* what a successful walk promises */
		if (n > 48 + 480)
			abort();
		for (size_t i = 0; i < n && i < 8; i++) {
			if (caps[i].extended ? caps[i].offset < 0x100 || caps[i].offset % 4
					     : caps[i].offset < 0x40 || caps[i].offset >= 0x100)
				abort();
			if (caps[i].offset >= size)
				abort();
		}
	}
	free(cfg);
	return 0;
}
