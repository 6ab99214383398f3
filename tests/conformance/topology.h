/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_TESTS_CONFORMANCE_TOPOLOGY_H
#define LIBVFIO_TESTS_CONFORMANCE_TOPOLOGY_H

#include "conformance.h"

/* The devices of the VM (tests/vm/run): the same numbers on the sim. */
#define CONF_EDU_BDF "0000:00:03.0"
#define CONF_EDU_GROUP 2u
#define CONF_NIC_BDF "0000:00:04.0"
#define CONF_NIC_GROUP 3u
#define CONF_EDU2_BDF "0000:01:00.0"
#define CONF_EDU2_GROUP 5u

/* A fresh sim holding the VM's devices, set up for @mode; 0 or -errno. */
int conf_sim_env(struct conf_env *env, enum vfio_container_mode mode);
/* The kernel backend and the devices tests/vm/run's init names in the environment. */
int conf_kernel_env(struct conf_env *env, enum vfio_container_mode mode);

#endif /* LIBVFIO_TESTS_CONFORMANCE_TOPOLOGY_H */
