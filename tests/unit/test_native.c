// SPDX-License-Identifier: MIT
/*
 * The hot paths that call libc themselves when the backend is the kernel
 * backend on libc's own syscalls (vfio_backend_native()): region read and
 * write, irq trigger, DMA map and unmap.  There is no VFIO here, so the
 * container and the device are built by hand around a memfd: pread and
 * pwrite work on it for real, and every ioctl fails (ENOTTY), which is what
 * the error paths need; the answers and messages must be the ops' own.
 */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <vfio/kernel.h>

#include "private.h"
#include "testutil.h"

struct rig {
	struct vfio_backend *be;
	struct vfio_container c;
	struct vfio_device *d;
	int fd;
};

static void rig_up(struct rig *r, enum vfio_container_mode mode)
{
	memset(r, 0, sizeof(*r));
	assert_ok(vfio_kernel_backend_new(&r->be));
	assert_true(vfio_backend_native(r->be));
	r->fd = memfd_create("native", MFD_CLOEXEC);
	assert_true(r->fd >= 0);
	assert_int_equal(ftruncate(r->fd, 0x3000), 0); /* the region's first 0x2000 bytes */
	r->c.be = r->be;
	r->c.native = vfio_backend_native(r->be);
	r->c.mode = mode;
	r->c.fd = r->fd;
	r->c.iommu_type = mode == VFIO_CONTAINER_LEGACY ? VFIO_TYPE1v2_IOMMU : 0;
	r->c.ioas_id = 3;
	r->d = vfio_device_new(&r->c, "native0");
	assert_non_null(r->d);
	assert_true(r->d->native);
	r->d->fd = r->fd;
	r->d->num_regions = 1;
	r->d->regions = calloc(1, sizeof(*r->d->regions));
	r->d->num_irqs = 1;
	r->d->irqs = calloc(1, sizeof(*r->d->irqs));
	assert_non_null(r->d->regions);
	assert_non_null(r->d->irqs);
	r->d->regions[0] = (struct vfio_region_desc){
		.present = true,
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE,
		.size = 0x4000, /* past the file's end: short reads */
		.offset = 0x1000,
	};
	r->d->irqs[0] = (struct vfio_irq_desc){ .flags = VFIO_IRQ_INFO_EVENTFD, .count = 1 };
}

static void rig_down(struct rig *r)
{
	vfio_device_free(r->d);
	free(r->c.maps);
	close(r->fd);
	vfio_backend_destroy(r->be);
}

static void test_region_read_and_write(void **state)
{
	uint8_t in[8] = "abcdefg", out[8] = { 0 }, file[8];
	struct rig r;
	size_t done = 0;

	(void)state;
	rig_up(&r, VFIO_CONTAINER_LEGACY);
	assert_ok(vfio_region_write(r.d, 0, 0x10, in, sizeof(in), NULL));
	/* region offset 0x1000 + 0x10 in the fd */
	assert_int_equal(pread(r.fd, file, sizeof(file), 0x1010), sizeof(file));
	assert_memory_equal(file, in, sizeof(in));
	assert_ok(vfio_region_read(r.d, 0, 0x10, out, sizeof(out), NULL));
	assert_memory_equal(out, in, sizeof(in));
	assert_ok(vfio_region_read(r.d, 0, 0x10, out, sizeof(out), &done));
	assert_int_equal(done, sizeof(out));
	assert_ok(vfio_region_write(r.d, 0, 0x18, in, 4, &done));
	assert_int_equal(done, 4);
	/* the file ends 0x2000 bytes into the region (0x4000 long): a short read */
	assert_err(vfio_region_read(r.d, 0, 0x1ffc, out, sizeof(out), NULL), EIO);
	assert_msg_has("read region 0 of native0 at 0x1ffc: 4 of 8 bytes");
	assert_ok(vfio_region_read(r.d, 0, 0x1ffc, out, sizeof(out), &done));
	assert_int_equal(done, 4);
	/* the range checks come first, as on every backend */
	assert_err(vfio_region_read(r.d, 0, 0x3ffc, out, sizeof(out), NULL), EINVAL);
	assert_msg_has("outside the region");
	/* libc's failure: -errno, and the message names the access */
	r.d->fd = -1;
	assert_err(vfio_region_read(r.d, 0, 0, out, 4, NULL), EBADF);
	assert_msg_has("read region 0 of native0 at 0x0: Bad file descriptor");
	assert_err(vfio_region_write(r.d, 0, 4, in, 4, &done), EBADF);
	assert_msg_has("write region 0 of native0 at 0x4: Bad file descriptor");
	r.d->fd = r.fd;
	rig_down(&r);
}

static void test_irq_trigger(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r, VFIO_CONTAINER_LEGACY);
	/* a memfd knows no SET_IRQS */
	assert_err(vfio_irq_trigger(r.d, 0, 0), ENOTTY);
	assert_msg_has("native0");
	assert_err(vfio_irq_trigger(r.d, 0, 1), EINVAL);
	rig_down(&r);
}

static void test_dma_map_and_unmap(void **state)
{
	static const enum vfio_container_mode modes[] = { VFIO_CONTAINER_LEGACY,
							  VFIO_CONTAINER_IOMMUFD };
	static const char *const map_op[] = { "VFIO_IOMMU_MAP_DMA", "IOMMU_IOAS_MAP" };
	static const char *const unmap_op[] = { "VFIO_IOMMU_UNMAP_DMA", "IOMMU_IOAS_UNMAP" };
	void *mem = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct vfio_dma_region list[1];
	uint64_t unmapped = 1;
	size_t n;

	(void)state;
	assert_true(mem != MAP_FAILED);
	for (int i = 0; i < 2; i++) {
		struct rig r;

		rig_up(&r, modes[i]);
		assert_err(vfio_dma_map(&r.c, 0x100000, 0x1000, mem, VFIO_DMA_PROT_READ), ENOTTY);
		assert_msg_has(map_op[i]);
		assert_ok(vfio_dma_list(&r.c, list, 1, &n));
		assert_int_equal(n, 0); /* refused: not in the list */
		/* the refused map made room: a mapping the kernel refuses to unmap */
		assert_true(r.c.cap_maps >= 1);
		r.c.maps[0] = (struct vfio_dma_region){ .iova = 0x100000, .size = 0x1000, .vaddr = mem,
							.prot = VFIO_DMA_PROT_READ };
		r.c.nr_maps = 1;
		assert_err(vfio_dma_unmap(&r.c, 0x100000, 0x1000, &unmapped), ENOTTY);
		assert_msg_has(unmap_op[i]);
		assert_int_equal(unmapped, 0);
		assert_ok(vfio_dma_list(&r.c, list, 1, &n));
		assert_int_equal(n, 1); /* still mapped */
		rig_down(&r);
	}
	munmap(mem, 0x1000);
}

/* Not native: the sim, and the kernel backend on syscalls of the caller's own. */
static void test_others_go_through_the_ops(void **state)
{
	struct t_fixture *f = t_fixture_new(0);

	(void)state;
	assert_false(vfio_backend_native(f->be));
	t_fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_region_read_and_write),
		cmocka_unit_test(test_irq_trigger),
		cmocka_unit_test(test_dma_map_and_unmap),
		cmocka_unit_test(test_others_go_through_the_ops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
