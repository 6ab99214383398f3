// SPDX-License-Identifier: MIT
/*
 * The mock backend with plain hooks (no framework): every op reaches the hook
 * with its arguments, answers pass through, vfio_mock_reply() fills outputs as
 * the kernel does, and threads may share a mock.  The CMocka-scripted tests are
 * in test_mock.c.
 */

#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <vfio/mock.h>

#include "testutil.h"

/* ---- the plain hook: remembers the last call, answers what the test says ---- */

struct recorder {
	struct vfio_mock_call last;
	long answer;
	unsigned int calls, destroyed;
};

static long record_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	struct recorder *r = opaque;

	assert_int_equal(op, c->op);
	r->last = *c;
	r->calls++;
	return r->answer;
}

static void record_destroy(void *opaque)
{
	((struct recorder *)opaque)->destroyed++;
}

static const struct vfio_mock_hooks record_hooks = {
	.call = record_call, .destroy = record_destroy
};

static void test_every_op_reaches_the_hook(void **state)
{
	struct recorder r = { .answer = 0 };
	struct vfio_backend *be;
	const struct vfio_backend_ops *o;
	struct vfio_region_info info;
	struct kvm_device_attr attr;
	char buf[16];
	void *out;

	(void)state;
	assert_int_equal(vfio_mock_backend_new(&record_hooks, &r, &be), 0);
	o = be->ops;
	assert_string_equal(o->name, "mock");
	assert_int_equal(o->version, VFIO_BACKEND_OPS_VERSION);

	o->open(be, "/dev/vfio/vfio", O_RDWR);
	assert_int_equal(r.last.op, VFIO_OP_OPEN);
	assert_int_equal(r.last.fd, -1);
	assert_string_equal(r.last.path, "/dev/vfio/vfio");
	assert_int_equal(r.last.flags, O_RDWR);
	o->readlink(be, "/sys/x", buf, sizeof(buf));
	assert_int_equal(r.last.fd, -1);
	assert_string_equal(r.last.path, "/sys/x");
	assert_ptr_equal(r.last.buf, buf);
	assert_int_equal(r.last.count, sizeof(buf));
	o->pread(be, 7, buf, 4, 0x70000000010);
	assert_int_equal(r.last.fd, 7);
	assert_ptr_equal(r.last.buf, buf);
	assert_int_equal(r.last.count, 4);
	assert_int_equal(r.last.offset, 0x70000000010);
	o->pwrite(be, 7, "ab", 2, 8);
	assert_null(r.last.buf);
	assert_memory_equal(r.last.data, "ab", 2);
	assert_int_equal(r.last.offset, 8);
	o->mmap(be, 7, buf, 0x1000, PROT_READ, MAP_SHARED, 0x2000, &out);
	assert_ptr_equal(r.last.addr, buf);
	assert_int_equal(r.last.count, 0x1000);
	assert_int_equal(r.last.prot, PROT_READ);
	assert_int_equal(r.last.flags, MAP_SHARED);
	assert_int_equal(r.last.offset, 0x2000);
	assert_ptr_equal(r.last.mmap_out, &out);
	o->munmap(be, buf, 0x1000);
	assert_int_equal(r.last.fd, -1);
	assert_ptr_equal(r.last.addr, buf);
	o->check_extension(be, 3, VFIO_TYPE1v2_IOMMU);
	assert_int_equal(r.last.value, VFIO_TYPE1v2_IOMMU);
	o->set_iommu(be, 3, VFIO_TYPE1_IOMMU);
	assert_int_equal(r.last.value, VFIO_TYPE1_IOMMU);
	o->group_set_container(be, 4, 3);
	assert_int_equal(r.last.fd, 4);
	assert_int_equal(r.last.value, 3);
	o->group_get_device_fd(be, 4, "0000:00:04.0");
	assert_string_equal(r.last.path, "0000:00:04.0");
	o->device_get_region_info(be, 7, &info);
	assert_ptr_equal(r.last.arg.region_info, &info);
	o->kvm_device_set_attr(be, 9, &attr);
	assert_ptr_equal(r.last.arg.kvm_attr, &attr);

	/* Every op: its tag, its handle, and nothing the op does not take. */
	for (int i = 0; i < VFIO_OP_COUNT; i++) {
		enum vfio_backend_op op = (enum vfio_backend_op)i;
		unsigned int before = r.calls;
		const int h = 40 + i;
		void *p = buf;

		switch (op) {
		case VFIO_OP_OPEN: o->open(be, "p", 0); break;
		case VFIO_OP_CLOSE: o->close(be, h); break;
		case VFIO_OP_READLINK: o->readlink(be, "p", buf, 1); break;
		case VFIO_OP_LIST_DIR: o->list_dir(be, "p", buf, 1); break;
		case VFIO_OP_PREAD: o->pread(be, h, buf, 1, 0); break;
		case VFIO_OP_PWRITE: o->pwrite(be, h, buf, 1, 0); break;
		case VFIO_OP_MMAP: o->mmap(be, h, NULL, 1, 0, 0, 0, &out); break;
		case VFIO_OP_MUNMAP: o->munmap(be, buf, 1); break;
		case VFIO_OP_GET_API_VERSION: o->get_api_version(be, h); break;
		case VFIO_OP_CHECK_EXTENSION: o->check_extension(be, h, 1); break;
		case VFIO_OP_SET_IOMMU: o->set_iommu(be, h, 1); break;
		case VFIO_OP_IOMMU_GET_INFO: o->iommu_get_info(be, h, p); break;
		case VFIO_OP_IOMMU_MAP_DMA: o->iommu_map_dma(be, h, p); break;
		case VFIO_OP_IOMMU_UNMAP_DMA: o->iommu_unmap_dma(be, h, p); break;
		case VFIO_OP_GROUP_GET_STATUS: o->group_get_status(be, h, p); break;
		case VFIO_OP_GROUP_SET_CONTAINER: o->group_set_container(be, h, 1); break;
		case VFIO_OP_GROUP_UNSET_CONTAINER: o->group_unset_container(be, h); break;
		case VFIO_OP_GROUP_GET_DEVICE_FD: o->group_get_device_fd(be, h, "n"); break;
		case VFIO_OP_DEVICE_GET_INFO: o->device_get_info(be, h, p); break;
		case VFIO_OP_DEVICE_GET_REGION_INFO: o->device_get_region_info(be, h, p); break;
		case VFIO_OP_DEVICE_GET_IRQ_INFO: o->device_get_irq_info(be, h, p); break;
		case VFIO_OP_DEVICE_SET_IRQS: o->device_set_irqs(be, h, p); break;
		case VFIO_OP_DEVICE_RESET: o->device_reset(be, h); break;
		case VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO:
			o->device_get_pci_hot_reset_info(be, h, p);
			break;
		case VFIO_OP_DEVICE_PCI_HOT_RESET: o->device_pci_hot_reset(be, h, p); break;
		case VFIO_OP_DEVICE_IOEVENTFD: o->device_ioeventfd(be, h, p); break;
		case VFIO_OP_DEVICE_FEATURE: o->device_feature(be, h, p); break;
		case VFIO_OP_KVM_DEVICE_SET_ATTR: o->kvm_device_set_attr(be, h, p); break;
		case VFIO_OP_IOMMUFD_DESTROY: o->iommufd_destroy(be, h, p); break;
		case VFIO_OP_IOAS_ALLOC: o->ioas_alloc(be, h, p); break;
		case VFIO_OP_IOAS_IOVA_RANGES: o->ioas_iova_ranges(be, h, p); break;
		case VFIO_OP_IOAS_MAP: o->ioas_map(be, h, p); break;
		case VFIO_OP_IOAS_MAP_FILE: o->ioas_map_file(be, h, p); break;
		case VFIO_OP_IOAS_UNMAP: o->ioas_unmap(be, h, p); break;
		case VFIO_OP_DEVICE_BIND_IOMMUFD: o->device_bind_iommufd(be, h, p); break;
		case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT: o->device_attach_iommufd_pt(be, h, p); break;
		case VFIO_OP_DEVICE_DETACH_IOMMUFD_PT: o->device_detach_iommufd_pt(be, h, p); break;
		case VFIO_OP_COUNT: fail();
		}
		assert_int_equal(r.calls, before + 1);
		assert_int_equal(r.last.op, op);
		if (op == VFIO_OP_OPEN || op == VFIO_OP_READLINK || op == VFIO_OP_LIST_DIR ||
		    op == VFIO_OP_MUNMAP)
			assert_int_equal(r.last.fd, -1);
		else
			assert_int_equal(r.last.fd, 40 + i);
		if (op >= VFIO_OP_IOMMU_GET_INFO && r.last.arg.ptr)
			assert_ptr_equal(r.last.arg.ptr, buf);
		if (op >= VFIO_OP_GET_API_VERSION && op != VFIO_OP_GROUP_GET_DEVICE_FD)
			assert_null(r.last.path);
	}
	vfio_backend_destroy(be);
	assert_int_equal(r.destroyed, 1);
}

static void test_answers_pass_through(void **state)
{
	struct recorder r = { .answer = 0 };
	struct vfio_backend *be;
	char buf[8];

	(void)state;
	assert_int_equal(vfio_mock_backend_new(&record_hooks, &r, &be), 0);
	r.answer = 7;
	assert_int_equal(be->ops->open(be, "/dev/vfio/vfio", 0), 7);
	r.answer = -EBUSY;
	assert_int_equal(be->ops->group_set_container(be, 4, 3), -EBUSY);
	/* ssize_t ops take a long whole; int ops refuse what does not fit in an int. */
	r.answer = (long)INT_MAX + 1;
	assert_int_equal(be->ops->pread(be, 7, buf, sizeof(buf), 0), (long)INT_MAX + 1);
	assert_int_equal(be->ops->device_reset(be, 7), -ERANGE);
	r.answer = (long)INT_MIN - 1;
	assert_int_equal(be->ops->get_api_version(be, 3), -ERANGE);
	r.answer = INT_MIN;
	assert_int_equal(be->ops->get_api_version(be, 3), INT_MIN);
	vfio_backend_destroy(be);
}

static void test_new_bad_args(void **state)
{
	struct vfio_mock_hooks no_call = { .destroy = record_destroy };
	struct vfio_mock_hooks no_destroy = { .call = record_call };
	struct recorder r = { .answer = 0 };
	struct vfio_backend *be = (void *)1;

	(void)state;
	assert_int_equal(vfio_mock_backend_new(NULL, NULL, &be), -EINVAL);
	assert_int_equal(vfio_mock_backend_new(&no_call, NULL, &be), -EINVAL);
	assert_int_equal(vfio_mock_backend_new(&record_hooks, NULL, NULL), -EINVAL);
	assert_ptr_equal(be, (void *)1);
	/* The hooks are copied, and destroy is optional. */
	assert_int_equal(vfio_mock_backend_new(&no_destroy, &r, &be), 0);
	no_destroy.call = NULL;
	be->ops->close(be, 3);
	assert_int_equal(r.calls, 1);
	vfio_backend_destroy(be);
}

/* ---- vfio_mock_reply() ---- */

/* A region info answer: struct vfio_region_info, then a sparse-mmap cap with one area. */
#define RINFO_SIZE (sizeof(struct vfio_region_info) + 16 + 16)

static void region_answer(uint8_t *buf)
{
	struct vfio_region_info info = {
		.argsz = RINFO_SIZE,
		.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS, .index = 3,
		.cap_offset = sizeof(info), .size = 0x2000, .offset = 0x30000000000
	};
	struct vfio_region_info_cap_sparse_mmap cap = {
		.header = { .id = VFIO_REGION_INFO_CAP_SPARSE_MMAP, .version = 1 }, .nr_areas = 1
	};
	struct vfio_region_sparse_mmap_area area = { .offset = 0x1000, .size = 0x1000 };

	memcpy(buf, &info, sizeof(info));
	memcpy(buf + sizeof(info), &cap, sizeof(cap));
	memcpy(buf + sizeof(info) + sizeof(cap), &area, sizeof(area));
}

static void test_reply_region_info(void **state)
{
	_Alignas(8) uint8_t answer[RINFO_SIZE], big[RINFO_SIZE + 8];
	struct vfio_region_info *info = (struct vfio_region_info *)big;
	struct vfio_mock_call c = { .op = VFIO_OP_DEVICE_GET_REGION_INFO, .arg.region_info = info };

	(void)state;
	region_answer(answer);
	/* The chain does not fit: the fixed part, argsz raised, cap_offset 0, as the kernel. */
	memset(big, 0xee, sizeof(big));
	*info = (struct vfio_region_info){ .argsz = sizeof(*info), .index = 3 };
	assert_int_equal(vfio_mock_reply(&c, answer, sizeof(answer)), 0);
	assert_int_equal(info->argsz, RINFO_SIZE);
	assert_int_equal(info->flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(info->cap_offset, 0);
	assert_int_equal(info->size, 0x2000);
	assert_int_equal(info->offset, 0x30000000000);
	assert_int_equal(big[sizeof(*info)], 0xee); /* nothing past what argsz allowed */
	/* It fits: everything, argsz as the caller set it. */
	info->argsz = sizeof(big);
	assert_int_equal(vfio_mock_reply(&c, answer, sizeof(answer)), 0);
	assert_int_equal(info->argsz, sizeof(big));
	assert_int_equal(info->cap_offset, sizeof(*info));
	assert_memory_equal(big + 4, answer + 4, sizeof(answer) - 4);
	assert_int_equal(big[sizeof(answer)], 0xee);
	/* Below the fixed struct, or an answer shorter than it: refused. */
	info->argsz = sizeof(*info) - 1;
	assert_int_equal(vfio_mock_reply(&c, answer, sizeof(answer)), -EINVAL);
	info->argsz = sizeof(big);
	assert_int_equal(vfio_mock_reply(&c, answer, sizeof(*info) - 1), -EINVAL);
}

static void test_reply_other_structs(void **state)
{
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct vfio_device_info dans = { .flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_CAPS,
					 .num_regions = 9, .num_irqs = 5, .cap_offset = 20 };
	struct vfio_iommu_type1_info iinfo = { .argsz = sizeof(iinfo) };
	struct vfio_iommu_type1_info ians = { .flags = VFIO_IOMMU_INFO_CAPS, .cap_offset = 24 };
	struct vfio_pci_hot_reset_info hinfo = { .argsz = sizeof(hinfo) };
	struct vfio_group_status status = { .argsz = sizeof(status) };
	struct vfio_group_status sans = { .flags = VFIO_GROUP_FLAGS_VIABLE };
	_Alignas(8) uint8_t hans[sizeof(hinfo) + 2 * sizeof(struct vfio_pci_dependent_device)];
	uint32_t iommufd[4] = { 12, 0, 0, 0 }, ians_fd[3] = { 0, 5, 6 };
	struct vfio_mock_call c = { .op = VFIO_OP_DEVICE_GET_INFO, .arg.device_info = &dinfo };

	(void)state;
	assert_int_equal(vfio_mock_reply(&c, &dans, sizeof(dans) + 40), 0);
	assert_int_equal(dinfo.argsz, sizeof(dans) + 40);
	assert_int_equal(dinfo.num_regions, 9);
	assert_int_equal(dinfo.cap_offset, 0);
	c = (struct vfio_mock_call){ .op = VFIO_OP_IOMMU_GET_INFO, .arg.iommu_info = &iinfo };
	assert_int_equal(vfio_mock_reply(&c, &ians, sizeof(ians)), 0);
	assert_int_equal(iinfo.argsz, sizeof(iinfo));
	assert_int_equal(iinfo.cap_offset, 24);
	c = (struct vfio_mock_call){ .op = VFIO_OP_GROUP_GET_STATUS, .arg.group_status = &status };
	assert_int_equal(vfio_mock_reply(&c, &sans, sizeof(sans)), 0);
	assert_int_equal(status.flags, VFIO_GROUP_FLAGS_VIABLE);
	assert_int_equal(vfio_mock_reply(&c, &sans, sizeof(sans) + 4), -EINVAL); /* no caps here */

	/* Hot-reset info without room for the devices: the count, and ENOSPC. */
	memset(hans, 0, sizeof(hans));
	((struct vfio_pci_hot_reset_info *)hans)->count = 2;
	c = (struct vfio_mock_call){ .op = VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO,
				     .arg.hot_reset_info = &hinfo };
	assert_int_equal(vfio_mock_reply(&c, hans, sizeof(hans)), -ENOSPC);
	assert_int_equal(hinfo.count, 2);
	assert_int_equal(hinfo.argsz, sizeof(hinfo));

	/* iommufd: the struct's own size bounds the copy; below the ABI's, EINVAL. */
	c = (struct vfio_mock_call){ .op = VFIO_OP_IOAS_ALLOC, .arg.ptr = iommufd };
	assert_int_equal(vfio_mock_reply(&c, ians_fd, sizeof(ians_fd)), 0);
	assert_int_equal(iommufd[0], 12);
	assert_int_equal(iommufd[1], 5);
	assert_int_equal(iommufd[2], 6);
	iommufd[0] = 8;
	assert_int_equal(vfio_mock_reply(&c, ians_fd, sizeof(ians_fd)), -EINVAL);
}

static void test_reply_iommufd_structs(void **state)
{
	struct vfio_abi_ioas_map_file mf = { .size = sizeof(mf), .fd = 7, .iova = 0 };
	struct vfio_abi_ioas_map_file mf_ans = { .iova = 0x100000 };
	struct vfio_abi_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = 3 };
	struct vfio_abi_device_bind_iommufd bind_ans = { .iommufd = 3, .out_devid = 9 };
	struct vfio_abi_ioas_unmap unmap = { .size = sizeof(unmap) - 8 };
	struct vfio_mock_call c = { .op = VFIO_OP_IOAS_MAP_FILE, .arg.ioas_map_file = &mf };

	(void)state;
	assert_int_equal(vfio_mock_reply(&c, &mf_ans, sizeof(mf_ans)), 0);
	assert_int_equal(mf.size, sizeof(mf));
	assert_int_equal(mf.iova, 0x100000);
	c = (struct vfio_mock_call){ .op = VFIO_OP_DEVICE_BIND_IOMMUFD, .arg.bind_iommufd = &bind };
	assert_int_equal(vfio_mock_reply(&c, &bind_ans, sizeof(bind_ans)), 0);
	assert_int_equal(bind.argsz, sizeof(bind));
	assert_int_equal(bind.out_devid, 9);
	/* A struct smaller than the ABI's: the kernel's EINVAL, nothing written. */
	c = (struct vfio_mock_call){ .op = VFIO_OP_IOAS_UNMAP, .arg.ioas_unmap = &unmap };
	assert_int_equal(vfio_mock_reply(&c, &unmap, sizeof(unmap)), -EINVAL);
	assert_int_equal(unmap.size, sizeof(unmap) - 8);
}

static void test_reply_iova_ranges(void **state)
{
	struct {
		struct vfio_abi_ioas_iova_ranges r;
		struct vfio_abi_iova_range ranges[3];
	} ans = { .r = { .num_iovas = 3, .out_iova_alignment = 4096 },
		  .ranges = { { 0, 0xfedfffff }, { 0xfef00000, 0xffffffff },
			      { 1ull << 32, ~0ull } } };
	struct vfio_abi_iova_range got[3] = { { 0 } };
	struct vfio_abi_ioas_iova_ranges r = { .size = sizeof(r), .ioas_id = 2, .num_iovas = 1,
					       .allowed_iovas = (uintptr_t)got };
	struct vfio_mock_call c = { .op = VFIO_OP_IOAS_IOVA_RANGES, .arg.ioas_iova_ranges = &r };

	(void)state;
	/* Room for one: that one, the count, the alignment, and EMSGSIZE. */
	assert_int_equal(vfio_mock_reply(&c, &ans, sizeof(ans)), -EMSGSIZE);
	assert_int_equal(r.num_iovas, 3);
	assert_int_equal(r.out_iova_alignment, 4096);
	assert_int_equal(r.ioas_id, 2);
	assert_int_equal(got[0].last, 0xfedfffff);
	assert_int_equal(got[1].last, 0);
	/* Room for all. */
	assert_int_equal(vfio_mock_reply(&c, &ans, sizeof(ans)), 0);
	assert_memory_equal(got, ans.ranges, sizeof(got));
	/* No room and no array: only the count. */
	r = (struct vfio_abi_ioas_iova_ranges){ .size = sizeof(r) };
	assert_int_equal(vfio_mock_reply(&c, &ans, sizeof(ans)), -EMSGSIZE);
	assert_int_equal(r.num_iovas, 3);

	/* An answer shorter than its count, a struct below the ABI's, no struct: EINVAL. */
	assert_int_equal(vfio_mock_reply(&c, &ans, sizeof(ans) - 1), -EINVAL);
	assert_int_equal(vfio_mock_reply(&c, &ans, sizeof(ans.r) - 1), -EINVAL);
	r.size = sizeof(r) - 8;
	assert_int_equal(vfio_mock_reply(&c, &ans, sizeof(ans)), -EINVAL);
	c.arg.ptr = NULL;
	assert_int_equal(vfio_mock_reply(&c, &ans, sizeof(ans)), -EINVAL);
}

static void test_reply_list_dir(void **state)
{
	static const char names[] = "vfio0\0vfio12\0x"; /* 6 + 7 + 2 bytes */
	char buf[16];
	struct vfio_mock_call c = { .op = VFIO_OP_LIST_DIR, .buf = buf, .count = sizeof(buf) };

	(void)state;
	memset(buf, '#', sizeof(buf));
	assert_int_equal(vfio_mock_reply(&c, names, sizeof(names)), 15);
	assert_memory_equal(buf, names, 15);
	assert_int_equal(buf[15], '#');
	/* Whole names only, in order: not "vfio12", which does not fit, nor any after it. */
	memset(buf, '#', sizeof(buf));
	c.count = 10;
	assert_int_equal(vfio_mock_reply(&c, names, sizeof(names)), 15);
	assert_memory_equal(buf, "vfio0\0####", 10);
	/* No room: only the size. */
	c = (struct vfio_mock_call){ .op = VFIO_OP_LIST_DIR };
	assert_int_equal(vfio_mock_reply(&c, names, sizeof(names)), 15);
	c.count = 4;
	assert_int_equal(vfio_mock_reply(&c, names, sizeof(names)), -EINVAL); /* no buffer */
	/* A last name without its NUL is never stored. */
	memset(buf, '#', sizeof(buf));
	c = (struct vfio_mock_call){ .op = VFIO_OP_LIST_DIR, .buf = buf, .count = sizeof(buf) };
	assert_int_equal(vfio_mock_reply(&c, "ab\0cd", 5), 5);
	assert_memory_equal(buf, "ab\0##", 5);
}

static void test_reply_bytes_and_mmap(void **state)
{
	char buf[8] = "........";
	void *out = NULL;
	struct vfio_mock_call c = { .op = VFIO_OP_PREAD, .buf = buf, .count = 4 };

	(void)state;
	assert_int_equal(vfio_mock_reply(&c, "abcdefgh", 8), 4);
	assert_memory_equal(buf, "abcd....", 8);
	assert_int_equal(vfio_mock_reply(&c, "xy", 2), 2);
	assert_memory_equal(buf, "xycd....", 8);
	c = (struct vfio_mock_call){ .op = VFIO_OP_READLINK, .buf = buf, .count = sizeof(buf) };
	assert_int_equal(vfio_mock_reply(&c, "../12", 5), 5);
	assert_memory_equal(buf, "../12...", 8);
	c = (struct vfio_mock_call){ .op = VFIO_OP_MMAP, .mmap_out = &out };
	assert_int_equal(vfio_mock_reply(&c, buf, 0), 0);
	assert_ptr_equal(out, buf);

	/* No output to give, or nowhere to put it. */
	c = (struct vfio_mock_call){ .op = VFIO_OP_PREAD, .count = 4 };
	assert_int_equal(vfio_mock_reply(&c, "abcd", 4), -EINVAL);
	c.op = VFIO_OP_MMAP;
	assert_int_equal(vfio_mock_reply(&c, buf, 0), -EINVAL);
	for (int op = 0; op < VFIO_OP_COUNT; op++) {
		static const enum vfio_backend_op none[] = {
			VFIO_OP_OPEN, VFIO_OP_CLOSE, VFIO_OP_PWRITE, VFIO_OP_MUNMAP,
			VFIO_OP_GET_API_VERSION, VFIO_OP_CHECK_EXTENSION, VFIO_OP_SET_IOMMU,
			VFIO_OP_IOMMU_MAP_DMA, VFIO_OP_GROUP_SET_CONTAINER,
			VFIO_OP_GROUP_UNSET_CONTAINER, VFIO_OP_GROUP_GET_DEVICE_FD,
			VFIO_OP_DEVICE_SET_IRQS, VFIO_OP_DEVICE_RESET, VFIO_OP_DEVICE_PCI_HOT_RESET,
			VFIO_OP_DEVICE_IOEVENTFD, VFIO_OP_KVM_DEVICE_SET_ATTR,
			VFIO_OP_IOMMUFD_DESTROY, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT,
		};
		uint32_t arg[8] = { sizeof(arg) };
		bool has_none = false;

		for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
			has_none |= (int)none[i] == op;
		c = (struct vfio_mock_call){ .op = (enum vfio_backend_op)op, .arg.ptr = arg };
		if (has_none)
			assert_int_equal(vfio_mock_reply(&c, arg, sizeof(arg)), -EINVAL);
	}
	c = (struct vfio_mock_call){ .op = VFIO_OP_DEVICE_GET_IRQ_INFO };
	assert_int_equal(vfio_mock_reply(&c, buf, 0), -EINVAL); /* NULL struct */
	assert_int_equal(vfio_mock_reply(NULL, buf, 4), -EINVAL);
	assert_int_equal(vfio_mock_reply(&c, NULL, 4), -EINVAL);
}

/* ---- threads: the mock keeps no state; a thread-safe hook is all it needs ---- */

#define THREADS 4
#define CALLS_PER_THREAD 2000

static long atomic_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	(void)op;
	atomic_fetch_add((atomic_ulong *)opaque, 1);
	return c->fd;
}

static void *thread_run(void *arg)
{
	struct vfio_backend *be = arg;

	for (int i = 0; i < CALLS_PER_THREAD; i++)
		if (be->ops->device_reset(be, i) != i)
			return (void *)1;
	return NULL;
}

static void test_threads(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = atomic_call };
	atomic_ulong calls = 0;
	struct vfio_backend *be;
	pthread_t tids[THREADS];

	(void)state;
	assert_int_equal(vfio_mock_backend_new(&hooks, &calls, &be), 0);
	for (int t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&tids[t], NULL, thread_run, be), 0);
	for (int t = 0; t < THREADS; t++) {
		void *ret = (void *)1;

		assert_int_equal(pthread_join(tids[t], &ret), 0);
		assert_null(ret);
	}
	assert_int_equal(atomic_load(&calls), THREADS * CALLS_PER_THREAD);
	vfio_backend_destroy(be);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_op_reaches_the_hook),
		cmocka_unit_test(test_answers_pass_through),
		cmocka_unit_test(test_new_bad_args),
		cmocka_unit_test(test_reply_region_info),
		cmocka_unit_test(test_reply_other_structs),
		cmocka_unit_test(test_reply_iommufd_structs),
		cmocka_unit_test(test_reply_iova_ranges),
		cmocka_unit_test(test_reply_list_dir),
		cmocka_unit_test(test_reply_bytes_and_mmap),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests_name("mock_hooks", tests, NULL, NULL);
}
