// SPDX-License-Identifier: MIT
/*
 * What differs between the container modes: iommufd's device ids, cdevs and
 * one-open rule, noiommu's driver, and the calls a mode refuses.
 */

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vfio/backend.h>

#include "conformance.h"

#define RW (VFIO_DMA_PROT_READ | VFIO_DMA_PROT_WRITE)

CONF_CASE(container_mode_reported)
{
	struct vfio_container *c;

	c = conf_container(env);
	EQ(vfio_container_mode(c), env->mode);
	CHECK(vfio_container_fd(c) >= 0);
	if (env->mode == VFIO_CONTAINER_IOMMUFD)
		CHECK(vfio_container_ioas_id(c) != 0);
	else
		EQ(vfio_container_ioas_id(c), 0);
}

CONF_CASE(noiommu_extensions)
{
	struct vfio_container *c;
	struct vfio_device *d;
	bool present;

	CONF_NEED_MODE(env, VFIO_CONTAINER_NOIOMMU);
	c = conf_container(env);
	OK(vfio_container_check_extension(c, VFIO_NOIOMMU_IOMMU, &present));
	CHECK(present);
	EQ(vfio_container_iommu_type(c), 0);
	d = conf_device(c, &env->edu);
	EQ(vfio_container_iommu_type(c), VFIO_NOIOMMU_IOMMU);
	/* with a noiommu group in it, the container offers no other IOMMU */
	OK(vfio_container_check_extension(c, VFIO_NOIOMMU_IOMMU, &present));
	CHECK(present);
	OK(vfio_container_check_extension(c, VFIO_TYPE1v2_IOMMU, &present));
	CHECK(!present);
	conf_close_device(d);
	EQ(vfio_container_iommu_type(c), 0);
}

CONF_CASE(device_devid_in_iommufd_mode)
{
	struct vfio_container *c;
	struct vfio_device *a, *b;

	c = conf_container(env);
	a = conf_device(c, &env->edu);
	b = conf_device(c, &env->nic);
	if (env->mode != VFIO_CONTAINER_IOMMUFD) {
		EQ(vfio_device_devid(a), 0);
		return;
	}
	CHECK(vfio_device_devid(a) != 0);
	CHECK(vfio_device_devid(b) != 0);
	CHECK(vfio_device_devid(a) != vfio_device_devid(b));
	CHECK(vfio_device_devid(a) != vfio_container_ioas_id(c));
}

CONF_CASE(iommufd_open_by_cdev)
{
	struct vfio_container *c;
	struct vfio_device *d;

	CONF_NEED_MODE(env, VFIO_CONTAINER_IOMMUFD);
	if (!env->nic.cdev[0])
		conf_skip("the backend names no cdev for the devices");
	c = conf_container(env);
	OK(vfio_device_open_cdev(c, env->nic.cdev, &d));
	conf_track_device(d);
	/* named after its sysfs directory */
	CHECK(!strcmp(vfio_device_name(d), env->nic.bdf));
	EQ(conf_config16(d, 0), 0x8086);
	CHECK(vfio_device_devid(d) != 0);
}

CONF_CASE(iommufd_open_cdev_fd_adopted)
{
	struct vfio_container *c;
	struct vfio_device *d;
	int fd, r;

	CONF_NEED_MODE(env, VFIO_CONTAINER_IOMMUFD);
	if (!env->edu.cdev[0])
		conf_skip("the backend names no cdev for the devices");
	c = conf_container(env);
	/* as a privileged helper would pass it: opened outside libvfio */
	fd = env->be->ops->open(env->be, env->edu.cdev, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	r = vfio_device_open_cdev_fd(c, fd, false, &d);
	if (r) {
		env->be->ops->close(env->be, fd);
		conf_fail(__FILE__, __LINE__, "vfio_device_open_cdev_fd() = %d (%s)", r,
			  vfio_last_error());
	}
	conf_track_device(d);
	EQ(vfio_device_fd(d), fd);
	EQ(conf_config16(d, 0), 0x1234);
	CHECK(vfio_device_devid(d) != 0);
}

CONF_CASE(iommufd_adopt_a_bound_fd)
{
	struct vfio_abi_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_container *c;
	struct vfio_device *d;
	int fd, r;

	CONF_NEED_MODE(env, VFIO_CONTAINER_IOMMUFD);
	if (!env->edu2.cdev[0])
		conf_skip("the backend names no cdev for the devices");
	c = conf_container(env);
	fd = env->be->ops->open(env->be, env->edu2.cdev, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	/* the helper bound it already: only the attach is left to libvfio */
	bind.iommufd = vfio_container_fd(c);
	r = env->be->ops->device_bind_iommufd(env->be, fd, &bind);
	if (!r)
		r = vfio_device_open_cdev_fd(c, fd, true, &d);
	if (r) {
		env->be->ops->close(env->be, fd);
		conf_fail(__FILE__, __LINE__, "bind, then vfio_device_open_cdev_fd() = %d (%s)", r,
			  vfio_last_error());
	}
	conf_track_device(d);
	/* libvfio did not bind it: the kernel told the devid to the helper alone */
	EQ(vfio_device_devid(d), 0);
	CHECK(bind.out_devid != 0);
	EQ(conf_config16(d, 2), 0x11e8);
	/* a cdev binds once: adopting a bound fd as unbound fails on the bind */
	fd = env->be->ops->open(env->be, env->edu2.cdev, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	r = vfio_device_open_cdev_fd(c, fd, false, &d);
	env->be->ops->close(env->be, fd);
	ERR(r, EINVAL);
}

CONF_CASE(iommufd_device_in_one_iommufd_at_a_time)
{
	struct vfio_container *a, *b;
	struct vfio_device *d;

	CONF_NEED_MODE(env, VFIO_CONTAINER_IOMMUFD);
	a = conf_container(env);
	b = conf_container(env);
	d = conf_device(a, &env->edu);
	/* the kernel lets a cdev device be open once; groups allowed more */
	ERR(vfio_device_open_sysfs(b, env->edu.sysfs, &d), EINVAL);
	conf_device(b, &env->nic);
}

CONF_CASE(open_cdev_needs_iommufd_mode)
{
	struct vfio_container *c;
	struct vfio_device *d;

	CONF_NEED_GROUPS(env);
	c = conf_container(env);
	ERR(vfio_device_open_cdev(c, "/dev/vfio/devices/vfio0", &d), EINVAL);
}

CONF_CASE(iommufd_mappings_outlive_devices)
{
	struct vfio_container *c;
	struct vfio_device *d;
	uint8_t *mem;
	size_t n;

	CONF_NEED_MODE(env, VFIO_CONTAINER_IOMMUFD);
	c = conf_container(env);
	mem = conf_mem(0x10000);
	/* the IOAS takes mappings before any device is attached */
	OK(vfio_dma_map(c, 0x100000, 0x10000, mem, RW));
	d = conf_device(c, &env->edu);
	memset(mem, 0x6b, 0x100);
	conf_bus_master(d, true);
	CHECK(edu_dma(d, 0x100000, EDU_DMA_BUF, 0x100, 0));
	CHECK(edu_dma(d, EDU_DMA_BUF, 0x100000 + 0x1000, 0x100, EDU_DMA_TO_RAM));
	EQ(mem[0x10ff], 0x6b);
	conf_close_device(d);
	OK(vfio_dma_list(c, NULL, 0, &n));
	EQ(n, 1);
	OK(vfio_dma_unmap_all(c, NULL));
}

CONF_CASE(dma_map_file_on_6_12)
{
	struct vfio_container *c;
	int fd, r;

	c = conf_container(env);
	if (env->mode == VFIO_CONTAINER_IOMMUFD)
		conf_device(c, &env->edu);
	fd = memfd_create("conf", MFD_CLOEXEC);
	CHECK(fd >= 0);
	r = ftruncate(fd, 0x10000) ? -errno : vfio_dma_map_file(c, 0x100000, 0x10000, fd, 0, RW);
	close(fd);
	/* legacy and noiommu have no such map; 6.12's iommufd lacks IOMMU_IOAS_MAP_FILE */
	ERR(r, EOPNOTSUPP);
}
