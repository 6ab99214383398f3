/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_VFIO_H
#define LIBVFIO_VFIO_VFIO_H

/*
 * libvfio: the Linux VFIO userspace API as a C library.
 *
 * The umbrella header: the user's whole API.  Backend writers also include
 * <vfio/backend.h>; tests that build simulated topologies include <vfio/sim.h>.
 *
 * The kernel's own constants (region and irq indexes, VFIO_*_FLAG_*) are the
 * API's vocabulary, so <linux/vfio.h> comes with it.
 */

#include <linux/vfio.h>

#include <vfio/error.h>
#include <vfio/kernel.h>
#include <vfio/container.h>
#include <vfio/group.h>
#include <vfio/device.h>
#include <vfio/region.h>
#include <vfio/irq.h>
#include <vfio/dma.h>
#include <vfio/iommu.h>
#include <vfio/pci.h>

#endif /* LIBVFIO_VFIO_VFIO_H */
