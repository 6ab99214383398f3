// SPDX-License-Identifier: MIT
/* Containers, groups and devices: life cycle and misuse, in every order. */

#include "conformance.h"

CONF_CASE(container_open_close)
{
	struct vfio_container *c = conf_container(env);

	EQ(vfio_container_iommu_type(c), 0);
	conf_close_container(c);
}

CONF_CASE(container_extensions)
{
	struct vfio_container *c;
	bool present;

	CONF_NEED_MODE(env, VFIO_CONTAINER_LEGACY);
	c = conf_container(env);
	OK(vfio_container_check_extension(c, VFIO_TYPE1v2_IOMMU, &present));
	CHECK(present);
	OK(vfio_container_check_extension(c, VFIO_TYPE1_IOMMU, &present));
	CHECK(present);
	OK(vfio_container_check_extension(c, VFIO_UNMAP_ALL, &present));
	CHECK(present);
	OK(vfio_container_check_extension(c, VFIO_NOIOMMU_IOMMU, &present));
	CHECK(!present);
	OK(vfio_container_check_extension(c, VFIO_SPAPR_TCE_IOMMU, &present));
	CHECK(!present);
}

CONF_CASE(container_update_vaddr_only_with_iommu)
{
	struct vfio_container *c;
	bool present;

	CONF_NEED_MODE(env, VFIO_CONTAINER_LEGACY);
	c = conf_container(env);
	OK(vfio_container_check_extension(c, VFIO_UPDATE_VADDR, &present));
	CHECK(!present);
	conf_device(c, &env->edu);
	OK(vfio_container_check_extension(c, VFIO_UPDATE_VADDR, &present));
	CHECK(present);
}

CONF_CASE(two_containers_at_once)
{
	struct vfio_container *a = conf_container(env), *b = conf_container(env);

	conf_device(a, &env->edu);
	conf_device(b, &env->nic);
	EQ(vfio_container_iommu_type(a), conf_iommu_type(env));
	EQ(vfio_container_iommu_type(b), conf_iommu_type(env));
}

CONF_CASE(group_open_sets_iommu)
{
	struct vfio_container *c;
	struct vfio_group *g;
	bool viable;

	CONF_NEED_GROUPS(env);
	c = conf_container(env);
	OK(vfio_group_open(c, env->edu.group, &g));
	conf_track_group(g);
	EQ(vfio_container_iommu_type(c), conf_iommu_type(env));
	OK(vfio_group_viable(g, &viable));
	CHECK(viable);
	conf_close_group(g);
	EQ(vfio_container_iommu_type(c), 0);
}

CONF_CASE(group_shared_by_its_users)
{
	struct vfio_container *c;
	struct vfio_group *g1, *g2;
	struct vfio_device *d;

	CONF_NEED_GROUPS(env);
	c = conf_container(env);
	OK(vfio_group_open(c, env->edu.group, &g1));
	conf_track_group(g1);
	OK(vfio_group_open(c, env->edu.group, &g2));
	conf_track_group(g2);
	CHECK(g1 == g2);
	d = conf_device(c, &env->edu);
	CHECK(vfio_device_group(d) == g1);
	conf_close_group(g1);
	conf_close_group(g2);
	/* the device still holds the group */
	EQ(vfio_container_iommu_type(c), conf_iommu_type(env));
	EQ(conf_config16(d, 0), 0x1234);
}

CONF_CASE(group_unknown_is_enoent)
{
	struct vfio_container *c;
	struct vfio_group *g;

	CONF_NEED_GROUPS(env);
	c = conf_container(env);
	ERR(vfio_group_open(c, 9999, &g), ENOENT);
}

CONF_CASE(group_file_open_twice_is_ebusy)
{
	struct vfio_container *a, *b;
	struct vfio_group *g;

	CONF_NEED_GROUPS(env);
	a = conf_container(env);
	b = conf_container(env);
	conf_device(a, &env->edu);
	ERR(vfio_group_open(b, env->edu.group, &g), EBUSY);
	/* the other container is still usable */
	conf_device(b, &env->nic);
}

CONF_CASE(group_free_again_after_close)
{
	struct vfio_container *a = conf_container(env), *b = conf_container(env);
	struct vfio_device *d = conf_device(a, &env->edu);

	conf_close_device(d);
	conf_device(b, &env->edu);
}

CONF_CASE(device_open_by_name)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d = conf_device(c, &env->edu);

	CHECK(!strcmp(vfio_device_name(d), env->edu.bdf));
	CHECK(vfio_device_fd(d) >= 0);
	if (env->mode == VFIO_CONTAINER_IOMMUFD) {
		CHECK(!vfio_device_group(d));
	} else {
		EQ(vfio_group_id(vfio_device_group(d)), env->edu.group);
	}
}

CONF_CASE(device_open_by_sysfs_path)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d;

	OK(vfio_device_open_sysfs(c, env->nic.sysfs, &d));
	conf_track_device(d);
	if (env->mode != VFIO_CONTAINER_IOMMUFD)
		EQ(vfio_group_id(vfio_device_group(d)), env->nic.group);
	CHECK(!strcmp(vfio_device_name(d), env->nic.bdf));
}

CONF_CASE(device_open_sysfs_missing_is_enoent)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d;

	/* no iommu_group link; in iommufd mode no vfio-dev directory: no cdev */
	ERR(vfio_device_open_sysfs(c, "/sys/bus/pci/devices/0000:00:1f.7", &d),
	    env->mode == VFIO_CONTAINER_IOMMUFD ? ENODEV : ENOENT);
}

CONF_CASE(device_unknown_name_is_enodev)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d;

	ERR(vfio_device_open(c, env->edu.group, "0000:00:1f.7", &d), ENODEV);
	/* the group reference taken on the way was dropped */
	EQ(vfio_container_iommu_type(c), 0);
}

CONF_CASE(device_in_wrong_group_is_enodev)
{
	struct vfio_container *c;
	struct vfio_device *d;

	CONF_NEED_GROUPS(env);
	c = conf_container(env);
	ERR(vfio_device_open(c, env->nic.group, env->edu.bdf, &d), ENODEV);
}

CONF_CASE(device_bad_name_is_einval)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d;

	ERR(vfio_device_open(c, env->edu.group, "", &d), EINVAL);
	ERR(vfio_device_open(c, env->edu.group, "../0000:00:03.0", &d), EINVAL);
}

CONF_CASE(device_opened_twice)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *a = conf_device(c, &env->edu), *b;

	if (env->mode == VFIO_CONTAINER_IOMMUFD) {
		/* a cdev is bound once: a second open of the device is refused */
		ERR(vfio_device_open_sysfs(c, env->edu.sysfs, &b), EINVAL);
		EQ(conf_config16(a, 0), 0x1234);
		return;
	}
	b = conf_device(c, &env->edu);

	CHECK(vfio_device_fd(a) != vfio_device_fd(b));
	EQ(conf_config16(b, 0), 0x1234);
	conf_close_device(a);
	EQ(conf_config16(b, 2), 0x11e8);
}

CONF_CASE(device_close_then_reopen)
{
	struct vfio_container *c = conf_container(env);

	for (int i = 0; i < 3; i++)
		conf_close_device(conf_device(c, &env->edu));
	EQ(vfio_container_iommu_type(c), 0);
}

CONF_CASE(container_close_with_devices_is_ebusy)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *d = conf_device(c, &env->edu);

	ERR(vfio_container_close(c), EBUSY);
	conf_close_device(d);
	conf_close_container(c);
}

CONF_CASE(three_devices_one_container)
{
	struct vfio_container *c = conf_container(env);
	struct vfio_device *a = conf_device(c, &env->edu), *b = conf_device(c, &env->nic),
			   *e = conf_device(c, &env->edu2);

	EQ(conf_config16(a, 0), 0x1234);
	EQ(conf_config16(b, 0), 0x8086);
	EQ(conf_config16(e, 2), 0x11e8);
	conf_close_device(b);
	conf_close_device(a);
	EQ(vfio_container_iommu_type(c), conf_iommu_type(env));
	conf_close_device(e);
	EQ(vfio_container_iommu_type(c), 0);
}
