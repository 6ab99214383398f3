// SPDX-License-Identifier: MIT
/*
 * A consumer of libvfio: the kernel's uAPI header first, as a VMM would have
 * it, then every public header.  Built with -Wall -Wextra -Wpedantic -Werror
 * -std=c11 to prove the headers neither collide with <linux/vfio.h> nor need GNU
 * extensions.  The build also compiles each public header alone (see
 * CMakeLists.txt here).
 */

#include <linux/vfio.h>

#include <vfio/vfio.h>
#include <vfio/backend.h>
#include <vfio/sim.h>
#include <vfio/fault.h>

#include <vfio/container.h>
#include <vfio/device.h>
#include <vfio/dma.h>
#include <vfio/error.h>
#include <vfio/group.h>
#include <vfio/irq.h>
#include <vfio/kernel.h>
#include <vfio/region.h>

/* A backend written against <vfio/backend.h> alone, as a consumer would. */
static void consumer_destroy(struct vfio_backend *be)
{
	(void)be;
}

static const struct vfio_backend_ops consumer_ops = {
	.version = VFIO_BACKEND_OPS_VERSION,
	.name = "consumer",
	.destroy = consumer_destroy,
};

const struct vfio_backend_ops *vfio_consumer_ops(void);

const struct vfio_backend_ops *vfio_consumer_ops(void)
{
	return &consumer_ops;
}
