// SPDX-License-Identifier: MIT
/*
 * The core's edges that neither the other unit tests nor the fail-Nth sweep
 * reach: malformed backends, missing out-parameters, answers no sim gives (a
 * region at the top of the device file, one too large to map or to reserve
 * address space for, flags that forbid a protection, too many irq indexes, a
 * device without regions), a mmap that fails half-way with a munmap that fails
 * too, and a message that fills the buffer.
 */

#include <string.h>
#include <sys/mman.h>

#include "hookbe.h"
#include "testutil.h"

static void destroy_nothing(struct vfio_backend *be)
{
	(void)be;
}

static void malformed_backends(void **state)
{
	static const struct vfio_backend_ops unnamed_old = { .version = 0 };
	static const struct vfio_backend_ops unnamed_no_destroy = {
		.version = VFIO_BACKEND_OPS_VERSION,
	};
	static const struct vfio_backend_ops named = {
		.version = VFIO_BACKEND_OPS_VERSION + 1,
		.name = "future",
		.destroy = destroy_nothing,
	};
	struct vfio_backend be = { .ops = NULL };
	struct vfio_container *c;

	(void)state;
	assert_err(vfio_container_open(&be, &c), EINVAL);
	assert_msg_has("no backend");
	be.ops = &unnamed_old;
	assert_err(vfio_container_open(&be, &c), EINVAL);
	assert_msg_has("backend ? has ops version 0");
	be.ops = &unnamed_no_destroy;
	assert_err(vfio_container_open(&be, &c), EINVAL);
	assert_msg_has("backend ? has no destroy op");
	be.ops = &named;
	assert_err(vfio_container_open(&be, &c), EINVAL);
	assert_msg_has("backend future has ops version");
	vfio_backend_destroy(NULL);
}

static void missing_out_parameters(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d = t_open_pci(f), *none;
	const struct vfio_region_desc *r;
	const struct vfio_irq_desc *irq;
	struct vfio_dma_region list[2];
	size_t n = 1;

	assert_err(vfio_region_get(d, 0, NULL), EINVAL);
	assert_err(vfio_region_get(NULL, 0, &r), EINVAL);
	assert_err(vfio_irq_get(d, 0, NULL), EINVAL);
	assert_err(vfio_irq_get(NULL, 0, &irq), EINVAL);
	assert_err(vfio_device_open_sysfs(f->c, "/sys/bus/pci/devices/" T_PCI, NULL), EINVAL);
	assert_err(vfio_device_open_sysfs(NULL, "/sys/bus/pci/devices/" T_PCI, &none), EINVAL);
	assert_err(vfio_dma_map_layout(f->c, NULL, 1), EINVAL);
	assert_msg_has("vfio_dma_map_layout: no regions");
	assert_ok(vfio_dma_map_layout(f->c, NULL, 0)); /* an empty layout */
	assert_ok(vfio_dma_unmap_layout(f->c, NULL, 0));
	/* room for two, none there */
	assert_ok(vfio_dma_list(f->c, list, 2, &n));
	assert_int_equal(n, 0);
	assert_ok(vfio_device_close(d));
}

static void names_from_outside(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device *d;

	/* DEL and anything past '~' are not in a device name */
	assert_err(vfio_device_open(f->c, T_GROUP, "0000:00:04.0\x7f", &d), EINVAL);
	assert_err(vfio_device_open(f->c, T_GROUP, "caf\xc3\xa9", &d), EINVAL);
	/* a path without a directory: the name is the whole path, its link relative */
	assert_err(vfio_device_open_sysfs(f->c, T_PCI, &d), ENOENT);
	assert_msg_has("readlink 0000:00:04.0/iommu_group");
}

/* A message exactly one byte short of the buffer when the ": " separator comes. */
static void message_fills_the_buffer(void **state)
{
	static const char head[] = "vfio_device_open_sysfs: ";
	static const char tail[] = " does not end in a device name";
	struct t_fixture *f = *state;
	char path[600];
	size_t len = 510 - (sizeof(head) - 1) - (sizeof(tail) - 1);
	struct vfio_device *d;

	memset(path, 'x', len);
	path[0] = '/';
	path[len - 2] = '/';
	path[len - 1] = ' '; /* the last component, " ", is no device name */
	path[len] = '\0';
	assert_err(vfio_device_open_sysfs(f->c, path, &d), EINVAL);
	assert_int_equal(strlen(vfio_last_error()), 511);
	assert_int_equal(vfio_last_error()[510], ':');
}

/* What the region-info hook changes in its answer for one region. */
struct region_edit {
	unsigned int index;
	bool set_size, set_offset;
	uint64_t size, offset;
	uint32_t clear_flags;
};

static int edited_region(struct vfio_backend *be, int fd, struct vfio_region_info *info)
{
	struct t_hook *h = t_hook_of(be);
	const struct region_edit *e = h->data;
	int ret = h->inner->ops->device_get_region_info(h->inner, fd, info);

	if (ret == 0 && info->index == e->index) {
		if (e->set_size)
			info->size = e->size;
		if (e->set_offset)
			info->offset = e->offset;
		info->flags &= ~e->clear_flags;
	}
	return ret;
}

static struct vfio_device *open_edited(struct t_fixture *f, struct t_hook *h,
				       struct vfio_container **c, struct region_edit *e)
{
	struct vfio_device *d;

	t_hook_init(h, f->be);
	h->ops.device_get_region_info = edited_region;
	h->data = e;
	assert_ok(vfio_container_open(&h->base, c));
	assert_ok(vfio_device_open(*c, T_GROUP, T_PCI, &d));
	return d;
}

static void close_edited(struct vfio_device *d, struct vfio_container *c)
{
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
}

static void region_answers_no_sim_gives(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_region_mapping *m;
	struct vfio_container *c;
	struct vfio_device *d;
	struct t_hook h;
	uint32_t v;
	int rc;

	/* at the top of the device file: offset + the region's own offset wraps */
	struct region_edit top = { .index = 0, .set_offset = true, .offset = UINT64_MAX - 0xfff };
	d = open_edited(f, &h, &c, &top);
	assert_err(vfio_region_read(d, 0, 0x1000, &v, sizeof(v), NULL), EINVAL);
	assert_msg_has("outside the region");
	close_edited(d, c);

	/* larger than any address space: refused; merely huge: no room to reserve */
	struct region_edit huge = { .index = 0, .set_size = true, .size = UINT64_MAX };
	d = open_edited(f, &h, &c, &huge);
	assert_err(vfio_region_mmap(d, 0, PROT_READ, &m), EINVAL);
	assert_msg_has("mmap region 0 of 0000:00:04.0: size 0xffffffffffffffff");
	huge.size = 1ull << 62;
	close_edited(d, c);
	d = open_edited(f, &h, &c, &huge);
	/* Linux says ENOMEM; valgrind's own mmap says EINVAL: either way, the errno of mmap */
	vfio_clear_error();
	rc = vfio_region_mmap(d, 0, PROT_READ, &m);
	if (rc != -ENOMEM && rc != -EINVAL)
		fail_msg("huge reservation: %d (%s)", rc, vfio_last_error());
	assert_msg_has("reserving 0x4000000000000000 bytes");
	close_edited(d, c);

	/* mappable, but the flags forbid reading, then writing */
	struct region_edit noread = { .index = 0, .clear_flags = VFIO_REGION_INFO_FLAG_READ };
	d = open_edited(f, &h, &c, &noread);
	assert_err(vfio_region_mmap(d, 0, PROT_READ, &m), EINVAL);
	assert_msg_has("not allowed by flags");
	close_edited(d, c);
	struct region_edit nowrite = { .index = 0, .clear_flags = VFIO_REGION_INFO_FLAG_WRITE };
	d = open_edited(f, &h, &c, &nowrite);
	assert_err(vfio_region_mmap(d, 0, PROT_READ | PROT_WRITE, &m), EINVAL);
	assert_ok(vfio_region_mmap(d, 0, PROT_READ, &m));
	assert_ok(vfio_region_munmap(m));
	close_edited(d, c);
	/* write-only is a protection of its own */
	d = open_edited(f, &h, &c, &noread);
	assert_ok(vfio_region_mmap(d, 0, PROT_WRITE, &m));
	assert_ok(vfio_region_munmap(m));
	close_edited(d, c);
}

/* mmap: the second call fails; munmap: every call fails. */
static int second_mmap_fails(struct vfio_backend *be, int fd, void *addr, size_t len, int prot,
			     int flags, uint64_t off, void **out)
{
	struct t_hook *h = t_hook_of(be);
	unsigned int *calls = h->data;

	if (++*calls == 2)
		return -EIO;
	return h->inner->ops->mmap(h->inner, fd, addr, len, prot, flags, off, out);
}

static int munmap_fails(struct vfio_backend *be, void *addr, size_t len)
{
	(void)be;
	(void)addr;
	(void)len;
	return -EINVAL;
}

/* The rollback's munmap failing too: the mmap's error stands, nothing stays reserved. */
static void mmap_rollback_failing(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_region_mapping *m = NULL;
	struct vfio_container *c;
	struct vfio_device *d;
	unsigned int calls = 0;
	struct t_hook h;

	t_hook_init(&h, f->be);
	h.ops.mmap = second_mmap_fails;
	h.ops.munmap = munmap_fails;
	h.data = &calls;
	assert_ok(vfio_container_open(&h.base, &c));
	assert_ok(vfio_device_open(c, T_GROUP, T_PCI, &d));
	assert_err(vfio_region_mmap(d, VFIO_PCI_BAR2_REGION_INDEX, PROT_READ, &m), EIO);
	assert_msg_has("mmap region 2 of 0000:00:04.0 area [0x3000, +0x2000)");
	assert_null(m);
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
}

static int device_info_edit(struct vfio_backend *be, int fd, struct vfio_device_info *info)
{
	struct t_hook *h = t_hook_of(be);
	const struct vfio_device_info *edit = h->data;
	int ret = h->inner->ops->device_get_info(h->inner, fd, info);

	if (ret == 0) {
		info->num_regions = edit->num_regions;
		info->num_irqs = edit->num_irqs;
	}
	return ret;
}

static void device_info_answers(void **state)
{
	struct t_fixture *f = *state;
	struct vfio_device_info edit = { .num_regions = 2, .num_irqs = 4097 };
	const struct vfio_region_desc *r;
	struct vfio_container *c;
	struct vfio_device *d;
	struct t_hook h;

	t_hook_init(&h, f->be);
	h.ops.device_get_info = device_info_edit;
	h.data = &edit;
	assert_ok(vfio_container_open(&h.base, &c));
	assert_err(vfio_device_open(c, T_GROUP_PLAT, T_PLAT, &d), EPROTO);
	assert_msg_has("2 regions and 4097 irq indexes");
	/* a platform device with no region at all */
	edit.num_regions = 0;
	edit.num_irqs = 1;
	assert_ok(vfio_device_open(c, T_GROUP_PLAT, T_PLAT, &d));
	assert_int_equal(vfio_device_num_regions(d), 0);
	assert_err(vfio_region_get(d, 0, &r), EINVAL);
	assert_ok(vfio_device_close(d));
	assert_ok(vfio_container_close(c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(malformed_backends),
		cmocka_unit_test_setup_teardown(missing_out_parameters, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(names_from_outside, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(message_fills_the_buffer, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(region_answers_no_sim_gives, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(mmap_rollback_failing, t_setup, t_teardown),
		cmocka_unit_test_setup_teardown(device_info_answers, t_setup, t_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
