// SPDX-License-Identifier: MIT
/*
 * The trace wrapper's text: every op decoded, inputs and outputs, over a mock
 * that gives canned answers; structs read no further than their argsz; long
 * calls cut short.  The ring, callback and format are in test_trace.c.
 */

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <vfio/mock.h>
#include <vfio/trace.h>

#include "testutil.h"

#define LINK "../../../kernel/iommu_groups/12"
#define NAMES "vfio0\0vfio12\0x" /* what list_dir finds: 6 + 7 + 2 bytes */

struct fixture {
	struct vfio_backend *inner, *trace;
	long answer[VFIO_OP_COUNT]; /* what each op answers; 0 unless a test sets it */
	unsigned long calls;
};

static char map_target;

/* Answers f->answer[op], filling the outputs a kernel would. */
static long inner_call(void *opaque, enum vfio_backend_op op, struct vfio_mock_call *c)
{
	struct fixture *f = opaque;

	f->calls++;
	if (op >= VFIO_OP_IOMMU_GET_INFO && !c->arg.ptr)
		return f->answer[op]; /* as the kernel's EFAULT: nothing to fill */
	switch (op) {
	case VFIO_OP_READLINK:
		return vfio_mock_reply(c, LINK, strlen(LINK));
	case VFIO_OP_LIST_DIR:
		vfio_mock_reply(c, NAMES, sizeof(NAMES));
		break;
	case VFIO_OP_PREAD:
		return vfio_mock_reply(c, "\x78\x56\x34\x12", 4);
	case VFIO_OP_MMAP:
		vfio_mock_reply(c, &map_target, 0);
		break;
	case VFIO_OP_IOMMU_GET_INFO:
		c->arg.iommu_info->flags = VFIO_IOMMU_INFO_PGSIZES | VFIO_IOMMU_INFO_CAPS;
		c->arg.iommu_info->iova_pgsizes = 0x1000;
		c->arg.iommu_info->cap_offset = 24;
		break;
	case VFIO_OP_IOMMU_UNMAP_DMA:
		c->arg.dma_unmap->size = 0x2000;
		break;
	case VFIO_OP_GROUP_GET_STATUS:
		c->arg.group_status->flags = VFIO_GROUP_FLAGS_VIABLE |
					     VFIO_GROUP_FLAGS_CONTAINER_SET;
		break;
	case VFIO_OP_DEVICE_GET_INFO:
		c->arg.device_info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		c->arg.device_info->num_regions = 9;
		c->arg.device_info->num_irqs = 5;
		break;
	case VFIO_OP_DEVICE_GET_REGION_INFO:
		c->arg.region_info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_MMAP;
		c->arg.region_info->size = 0x100000;
		c->arg.region_info->offset = 0x20000000000;
		break;
	case VFIO_OP_DEVICE_GET_IRQ_INFO:
		c->arg.irq_info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		c->arg.irq_info->count = 8;
		break;
	case VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO:
		c->arg.hot_reset_info->count = 2;
		break;
	case VFIO_OP_IOAS_ALLOC:
		c->arg.ioas_alloc->out_ioas_id = 2;
		break;
	case VFIO_OP_IOAS_IOVA_RANGES:
		c->arg.ioas_iova_ranges->num_iovas = 3;
		c->arg.ioas_iova_ranges->out_iova_alignment = 0x1000;
		break;
	case VFIO_OP_IOAS_MAP:
		c->arg.ioas_map->iova = 0x400000;
		break;
	case VFIO_OP_IOAS_MAP_FILE:
		c->arg.ioas_map_file->iova = 0x800000;
		break;
	case VFIO_OP_IOAS_UNMAP:
		c->arg.ioas_unmap->length = 0x3000;
		break;
	case VFIO_OP_DEVICE_BIND_IOMMUFD:
		c->arg.bind_iommufd->out_devid = 1;
		break;
	case VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT:
		c->arg.attach_iommufd_pt->pt_id = 3;
		break;
	default:
		break;
	}
	return f->answer[op];
}

static int setup(void **state)
{
	static const struct vfio_mock_hooks hooks = { .call = inner_call };
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || vfio_mock_backend_new(&hooks, f, &f->inner) ||
	    vfio_trace_backend_new(f->inner, 8, &f->trace))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	vfio_backend_destroy(f->trace);
	vfio_backend_destroy(f->inner);
	free(f);
	return 0;
}

/* The newest entry is @op on @fd, reads @text and answered @result. */
static void check_last(struct vfio_backend *trace, enum vfio_backend_op op, int fd,
		       const char *text, int64_t result)
{
	struct vfio_trace_entry e;
	size_t n = vfio_trace_count(trace);

	assert_true(n > 0);
	assert_int_equal(vfio_trace_get(trace, n - 1, &e), 0);
	assert_string_equal(e.text, text);
	assert_int_equal(e.op, op);
	assert_int_equal(e.fd, fd);
	assert_int_equal(e.result, result);
}

static void test_file_ops(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->trace->ops;
	char link[64], expect[160], bytes[4];
	void *out = NULL;

	f->answer[VFIO_OP_OPEN] = 5;
	assert_int_equal(o->open(f->trace, "/dev/vfio/12", O_RDWR | O_CLOEXEC), 5);
	check_last(f->trace, VFIO_OP_OPEN, -1, "open(\"/dev/vfio/12\", O_RDWR|O_CLOEXEC)", 5);
	assert_int_equal(o->open(f->trace, "a\"b\\c\x01", O_WRONLY | O_CREAT | O_EXCL | 0x40000000),
			 5);
	check_last(f->trace, VFIO_OP_OPEN, -1,
		   "open(\"a\\\"b\\\\c\\x01\", O_WRONLY|O_CREAT|O_EXCL|0x40000000)", 5);
	assert_int_equal(o->close(f->trace, 5), 0);
	check_last(f->trace, VFIO_OP_CLOSE, 5, "close(5)", 0);

	assert_int_equal(o->readlink(f->trace, "/sys/x/iommu_group", link, sizeof(link)),
			 strlen(LINK));
	check_last(f->trace, VFIO_OP_READLINK, -1,
		   "readlink(\"/sys/x/iommu_group\", 64) -> \"" LINK "\"", strlen(LINK));

	assert_int_equal(o->pread(f->trace, 7, bytes, 4, 0x70000000010), 4);
	check_last(f->trace, VFIO_OP_PREAD, 7,
		   "pread(fd=7, count=4, offset=0x70000000010) -> [78 56 34 12]", 4);
	f->answer[VFIO_OP_PWRITE] = 2;
	assert_int_equal(o->pwrite(f->trace, 7, "\xaa\xbb", 2, 0x10), 2);
	check_last(f->trace, VFIO_OP_PWRITE, 7, "pwrite(fd=7, count=2, offset=0x10, data=[aa bb])",
		   2);
	assert_int_equal(o->pwrite(f->trace, 7, "0123456789", 10, 0), 2);
	check_last(f->trace, VFIO_OP_PWRITE, 7,
		   "pwrite(fd=7, count=10, offset=0x0, data=[30 31 32 33 34 35 36 37 ...])", 2);

	assert_int_equal(o->mmap(f->trace, 7, NULL, 0x1000, PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_FIXED, 0x20000000000, &out), 0);
	assert_ptr_equal(out, &map_target);
	snprintf(expect, sizeof(expect), "mmap(fd=7, addr=0x0, length=0x1000, "
		 "prot=PROT_READ|PROT_WRITE, flags=MAP_SHARED|MAP_FIXED, offset=0x20000000000) "
		 "-> %p", (void *)&map_target);
	check_last(f->trace, VFIO_OP_MMAP, 7, expect, 0);
	f->answer[VFIO_OP_MMAP] = -ENOMEM;
	assert_int_equal(o->mmap(f->trace, 7, NULL, 0x1000, 0, MAP_PRIVATE | 0x8000000, 0, &out),
			 -ENOMEM);
	check_last(f->trace, VFIO_OP_MMAP, 7, "mmap(fd=7, addr=0x0, length=0x1000, "
		   "prot=PROT_NONE, flags=MAP_PRIVATE|0x8000000, offset=0x0)", -ENOMEM);
	assert_int_equal(o->munmap(f->trace, &map_target, 0x1000), 0);
	snprintf(expect, sizeof(expect), "munmap(addr=%p, length=0x1000)", (void *)&map_target);
	check_last(f->trace, VFIO_OP_MUNMAP, -1, expect, 0);
}

static void test_container_and_group_ops(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->trace->ops;
	struct vfio_iommu_type1_info info = { .argsz = sizeof(info) };
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map), .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = 0x7f0000000000, .iova = 0x100000, .size = 0x4000
	};
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap), .iova = 0x100000, .size = 0x4000
	};
	struct vfio_group_status status = { .argsz = sizeof(status) };

	assert_int_equal(o->get_api_version(f->trace, 3), 0);
	check_last(f->trace, VFIO_OP_GET_API_VERSION, 3, "VFIO_GET_API_VERSION fd=3", 0);
	f->answer[VFIO_OP_CHECK_EXTENSION] = 1;
	assert_int_equal(o->check_extension(f->trace, 3, VFIO_TYPE1v2_IOMMU), 1);
	check_last(f->trace, VFIO_OP_CHECK_EXTENSION, 3,
		   "VFIO_CHECK_EXTENSION fd=3 ext=VFIO_TYPE1v2_IOMMU", 1);
	assert_int_equal(o->check_extension(f->trace, 3, 99), 1);
	check_last(f->trace, VFIO_OP_CHECK_EXTENSION, 3, "VFIO_CHECK_EXTENSION fd=3 ext=99", 1);
	assert_int_equal(o->set_iommu(f->trace, 3, VFIO_TYPE1_IOMMU), 0);
	check_last(f->trace, VFIO_OP_SET_IOMMU, 3, "VFIO_SET_IOMMU fd=3 type=VFIO_TYPE1_IOMMU", 0);
	assert_int_equal(o->iommu_get_info(f->trace, 3, &info), 0);
	check_last(f->trace, VFIO_OP_IOMMU_GET_INFO, 3, "VFIO_IOMMU_GET_INFO fd=3 argsz=24 -> "
		   "argsz=24 flags=PGSIZES|CAPS iova_pgsizes=0x1000 cap_offset=24", 0);
	assert_int_equal(o->iommu_map_dma(f->trace, 3, &map), 0);
	check_last(f->trace, VFIO_OP_IOMMU_MAP_DMA, 3, "VFIO_IOMMU_MAP_DMA fd=3 iova=0x100000 "
		   "size=0x4000 vaddr=0x7f0000000000 flags=READ|WRITE", 0);
	/* The input is read before the op writes back the size it unmapped. */
	assert_int_equal(o->iommu_unmap_dma(f->trace, 3, &unmap), 0);
	check_last(f->trace, VFIO_OP_IOMMU_UNMAP_DMA, 3, "VFIO_IOMMU_UNMAP_DMA fd=3 iova=0x100000 "
		   "size=0x4000 flags=0 -> size=0x2000", 0);
	unmap.flags = VFIO_DMA_UNMAP_FLAG_ALL | 0x100;
	f->answer[VFIO_OP_IOMMU_UNMAP_DMA] = -EINVAL;
	assert_int_equal(o->iommu_unmap_dma(f->trace, 3, &unmap), -EINVAL);
	check_last(f->trace, VFIO_OP_IOMMU_UNMAP_DMA, 3, "VFIO_IOMMU_UNMAP_DMA fd=3 iova=0x100000 "
		   "size=0x2000 flags=ALL|0x100", -EINVAL);

	assert_int_equal(o->group_get_status(f->trace, 4, &status), 0);
	check_last(f->trace, VFIO_OP_GROUP_GET_STATUS, 4,
		   "VFIO_GROUP_GET_STATUS fd=4 -> flags=VIABLE|CONTAINER_SET", 0);
	assert_int_equal(o->group_set_container(f->trace, 4, 3), 0);
	check_last(f->trace, VFIO_OP_GROUP_SET_CONTAINER, 4,
		   "VFIO_GROUP_SET_CONTAINER fd=4 container=3", 0);
	assert_int_equal(o->group_unset_container(f->trace, 4), 0);
	check_last(f->trace, VFIO_OP_GROUP_UNSET_CONTAINER, 4, "VFIO_GROUP_UNSET_CONTAINER fd=4",
		   0);
	f->answer[VFIO_OP_GROUP_GET_DEVICE_FD] = 7;
	assert_int_equal(o->group_get_device_fd(f->trace, 4, "0000:00:04.0"), 7);
	check_last(f->trace, VFIO_OP_GROUP_GET_DEVICE_FD, 4,
		   "VFIO_GROUP_GET_DEVICE_FD fd=4 name=\"0000:00:04.0\"", 7);
}

static void test_device_ops(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->trace->ops;
	struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
	struct vfio_region_info rinfo = { .argsz = sizeof(rinfo), .index = 2 };
	struct vfio_irq_info iinfo = { .argsz = sizeof(iinfo), .index = 2 };
	static const int32_t fds[4] = { 10, 11, 12, 13 }, group_fds[2] = { 4, 6 };
	_Alignas(8) uint8_t set_buf[sizeof(struct vfio_irq_set) + sizeof(fds)];
	_Alignas(8) uint8_t reset_buf[sizeof(struct vfio_pci_hot_reset) + sizeof(group_fds)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)set_buf;
	struct vfio_pci_hot_reset *reset = (struct vfio_pci_hot_reset *)reset_buf;
	struct vfio_pci_hot_reset_info hinfo = { .argsz = sizeof(hinfo) };
	struct vfio_device_ioeventfd ioe = {
		.argsz = sizeof(ioe), .flags = VFIO_DEVICE_IOEVENTFD_32, .offset = 0x10, .data = 1,
		.fd = 9
	};
	struct vfio_device_feature feat = {
		.argsz = sizeof(feat),
		.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_PROBE | 6
	};

	*set = (struct vfio_irq_set){ .argsz = sizeof(set_buf), .index = 2, .count = 4,
				      .flags = VFIO_IRQ_SET_DATA_EVENTFD |
					       VFIO_IRQ_SET_ACTION_TRIGGER };
	memcpy(set->data, fds, sizeof(fds));
	*reset = (struct vfio_pci_hot_reset){ .argsz = sizeof(reset_buf), .count = 2 };
	memcpy(reset->group_fds, group_fds, sizeof(group_fds));

	assert_int_equal(o->device_get_info(f->trace, 7, &dinfo), 0);
	check_last(f->trace, VFIO_OP_DEVICE_GET_INFO, 7, "VFIO_DEVICE_GET_INFO fd=7 argsz=20 -> "
		   "argsz=20 flags=RESET|PCI num_regions=9 num_irqs=5", 0);
	assert_int_equal(o->device_get_region_info(f->trace, 7, &rinfo), 0);
	check_last(f->trace, VFIO_OP_DEVICE_GET_REGION_INFO, 7, "VFIO_DEVICE_GET_REGION_INFO fd=7 "
		   "index=2 argsz=32 -> argsz=32 flags=READ|MMAP size=0x100000 "
		   "offset=0x20000000000", 0);
	assert_int_equal(o->device_get_irq_info(f->trace, 7, &iinfo), 0);
	check_last(f->trace, VFIO_OP_DEVICE_GET_IRQ_INFO, 7,
		   "VFIO_DEVICE_GET_IRQ_INFO fd=7 index=2 -> flags=EVENTFD|NORESIZE count=8", 0);
	assert_int_equal(o->device_set_irqs(f->trace, 7, set), 0);
	check_last(f->trace, VFIO_OP_DEVICE_SET_IRQS, 7,
		   "VFIO_DEVICE_SET_IRQS fd=7 index=2 start=0 count=4 "
		   "flags=DATA_EVENTFD|ACTION_TRIGGER fds=[10,11,12,13]", 0);
	/* The data are read only as far as argsz reaches. */
	set->argsz = sizeof(*set) + 2 * sizeof(int32_t);
	assert_int_equal(o->device_set_irqs(f->trace, 7, set), 0);
	check_last(f->trace, VFIO_OP_DEVICE_SET_IRQS, 7,
		   "VFIO_DEVICE_SET_IRQS fd=7 index=2 start=0 count=4 "
		   "flags=DATA_EVENTFD|ACTION_TRIGGER fds=[10,11,...]", 0);
	set->flags = VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK;
	set->count = 2;
	assert_int_equal(o->device_set_irqs(f->trace, 7, set), 0);
	check_last(f->trace, VFIO_OP_DEVICE_SET_IRQS, 7,
		   "VFIO_DEVICE_SET_IRQS fd=7 index=2 start=0 count=2 "
		   "flags=DATA_BOOL|ACTION_MASK bools=[0a 00]", 0);
	assert_int_equal(o->device_reset(f->trace, 7), 0);
	check_last(f->trace, VFIO_OP_DEVICE_RESET, 7, "VFIO_DEVICE_RESET fd=7", 0);

	/* ENOSPC still tells the count. */
	f->answer[VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO] = -ENOSPC;
	assert_int_equal(o->device_get_pci_hot_reset_info(f->trace, 7, &hinfo), -ENOSPC);
	check_last(f->trace, VFIO_OP_DEVICE_GET_PCI_HOT_RESET_INFO, 7,
		   "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO fd=7 argsz=12 -> argsz=12 count=2", -ENOSPC);
	assert_int_equal(o->device_pci_hot_reset(f->trace, 7, reset), 0);
	check_last(f->trace, VFIO_OP_DEVICE_PCI_HOT_RESET, 7,
		   "VFIO_DEVICE_PCI_HOT_RESET fd=7 count=2 group_fds=[4,6]", 0);
	assert_int_equal(o->device_ioeventfd(f->trace, 7, &ioe), 0);
	check_last(f->trace, VFIO_OP_DEVICE_IOEVENTFD, 7,
		   "VFIO_DEVICE_IOEVENTFD fd=7 offset=0x10 data=0x1 flags=32 eventfd=9", 0);
	assert_int_equal(o->device_feature(f->trace, 7, &feat), 0);
	check_last(f->trace, VFIO_OP_DEVICE_FEATURE, 7,
		   "VFIO_DEVICE_FEATURE fd=7 argsz=8 feature=6 flags=GET|PROBE", 0);

	/* A NULL struct is shown, not read; errors are recorded as they come. */
	f->answer[VFIO_OP_DEVICE_GET_INFO] = -EFAULT;
	assert_int_equal(o->device_get_info(f->trace, 7, NULL), -EFAULT);
	check_last(f->trace, VFIO_OP_DEVICE_GET_INFO, 7, "VFIO_DEVICE_GET_INFO fd=7 arg=NULL",
		   -EFAULT);
}

static void test_kvm_and_iommufd_ops(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->trace->ops;
	int32_t group_fd = 4;
	struct kvm_device_attr attr = { .group = 1, .attr = 2, .addr = (uintptr_t)&group_fd };
	char expect[160];
	uint32_t opaque[4] = { sizeof(opaque) };

	assert_int_equal(o->kvm_device_set_attr(f->trace, 20, &attr), 0);
	snprintf(expect, sizeof(expect),
		 "KVM_SET_DEVICE_ATTR fd=20 group=KVM_DEV_VFIO_FILE attr=DEL addr=%p",
		 (void *)&group_fd);
	check_last(f->trace, VFIO_OP_KVM_DEVICE_SET_ATTR, 20, expect, 0);
	attr = (struct kvm_device_attr){ .flags = 1, .group = 7, .attr = 9 };
	assert_int_equal(o->kvm_device_set_attr(f->trace, 20, &attr), 0);
	check_last(f->trace, VFIO_OP_KVM_DEVICE_SET_ATTR, 20,
		   "KVM_SET_DEVICE_ATTR fd=20 group=7 attr=9 addr=0x0 flags=0x1", 0);

	/* A struct smaller than the ABI's is not read past its size (the kernel's EINVAL). */
	f->answer[VFIO_OP_IOAS_MAP] = -EINVAL;
	assert_int_equal(o->ioas_map(f->trace, 30, (void *)opaque), -EINVAL);
	check_last(f->trace, VFIO_OP_IOAS_MAP, 30, "IOMMU_IOAS_MAP fd=30 size=16", -EINVAL);
	f->answer[VFIO_OP_IOAS_MAP] = 0;
	assert_int_equal(o->ioas_map(f->trace, 30, (void *)opaque), 0);
	check_last(f->trace, VFIO_OP_IOAS_MAP, 30, "IOMMU_IOAS_MAP fd=30 size=16", 0);
	assert_int_equal(f->calls, 2 + 2);
}

static void test_iommufd_ops(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->trace->ops;
	struct vfio_abi_iommu_destroy destroy = { .size = sizeof(destroy), .id = 2 };
	struct vfio_abi_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_abi_ioas_iova_ranges ranges = { .size = sizeof(ranges), .ioas_id = 2,
						    .allowed_iovas = 0x7000 };
	struct vfio_abi_ioas_map map = { .size = sizeof(map), .ioas_id = 2,
					 .flags = VFIO_ABI_IOAS_MAP_READABLE |
						  VFIO_ABI_IOAS_MAP_WRITEABLE | 0x100,
					 .user_va = 0x7f0000, .length = 0x2000 };
	struct vfio_abi_ioas_map_file mapf = { .size = sizeof(mapf), .ioas_id = 2, .fd = 9,
					       .flags = VFIO_ABI_IOAS_MAP_FIXED_IOVA |
							VFIO_ABI_IOAS_MAP_READABLE,
					       .start = 0x1000, .length = 0x4000,
					       .iova = 0x800000 };
	struct vfio_abi_ioas_unmap unmap = { .size = sizeof(unmap), .ioas_id = 2,
					     .iova = 0x400000, .length = 0x3000 };
	struct vfio_abi_device_bind_iommufd bind = { .argsz = sizeof(bind), .iommufd = 30 };
	struct vfio_abi_device_attach_iommufd_pt attach = { .argsz = sizeof(attach), .pt_id = 2,
							    .flags = 4 };
	struct vfio_abi_device_detach_iommufd_pt detach = { .argsz = sizeof(detach) };

	assert_int_equal(o->iommufd_destroy(f->trace, 30, &destroy), 0);
	check_last(f->trace, VFIO_OP_IOMMUFD_DESTROY, 30, "IOMMU_DESTROY fd=30 id=2", 0);
	assert_int_equal(o->ioas_alloc(f->trace, 30, &alloc), 0);
	check_last(f->trace, VFIO_OP_IOAS_ALLOC, 30, "IOMMU_IOAS_ALLOC fd=30 -> ioas_id=2", 0);
	assert_int_equal(o->ioas_iova_ranges(f->trace, 30, &ranges), 0);
	check_last(f->trace, VFIO_OP_IOAS_IOVA_RANGES, 30,
		   "IOMMU_IOAS_IOVA_RANGES fd=30 ioas_id=2 num_iovas=0 allowed_iovas=0x7000"
		   " -> num_iovas=3 iova_alignment=0x1000", 0);
	/* Too small an array still answers the count. */
	f->answer[VFIO_OP_IOAS_IOVA_RANGES] = -EMSGSIZE;
	assert_int_equal(o->ioas_iova_ranges(f->trace, 30, &ranges), -EMSGSIZE);
	check_last(f->trace, VFIO_OP_IOAS_IOVA_RANGES, 30,
		   "IOMMU_IOAS_IOVA_RANGES fd=30 ioas_id=2 num_iovas=3 allowed_iovas=0x7000"
		   " -> num_iovas=3 iova_alignment=0x1000", -EMSGSIZE);
	assert_int_equal(o->ioas_map(f->trace, 30, &map), 0);
	check_last(f->trace, VFIO_OP_IOAS_MAP, 30,
		   "IOMMU_IOAS_MAP fd=30 ioas_id=2 user_va=0x7f0000 length=0x2000 iova=0x0"
		   " flags=WRITEABLE|READABLE|0x100 -> iova=0x400000", 0);
	assert_int_equal(o->ioas_map_file(f->trace, 30, &mapf), 0);
	check_last(f->trace, VFIO_OP_IOAS_MAP_FILE, 30,
		   "IOMMU_IOAS_MAP_FILE fd=30 ioas_id=2 file_fd=9 start=0x1000 length=0x4000"
		   " iova=0x800000 flags=FIXED_IOVA|READABLE -> iova=0x800000", 0);
	/* 6.12 has no MAP_FILE: the inputs, and no answer. */
	f->answer[VFIO_OP_IOAS_MAP_FILE] = -ENOTTY;
	assert_int_equal(o->ioas_map_file(f->trace, 30, &mapf), -ENOTTY);
	check_last(f->trace, VFIO_OP_IOAS_MAP_FILE, 30,
		   "IOMMU_IOAS_MAP_FILE fd=30 ioas_id=2 file_fd=9 start=0x1000 length=0x4000"
		   " iova=0x800000 flags=FIXED_IOVA|READABLE", -ENOTTY);
	assert_int_equal(o->ioas_unmap(f->trace, 30, &unmap), 0);
	check_last(f->trace, VFIO_OP_IOAS_UNMAP, 30,
		   "IOMMU_IOAS_UNMAP fd=30 ioas_id=2 iova=0x400000 length=0x3000 -> length=0x3000",
		   0);
	assert_int_equal(o->device_bind_iommufd(f->trace, 31, &bind), 0);
	check_last(f->trace, VFIO_OP_DEVICE_BIND_IOMMUFD, 31,
		   "VFIO_DEVICE_BIND_IOMMUFD fd=31 iommufd=30 -> devid=1", 0);
	assert_int_equal(o->device_attach_iommufd_pt(f->trace, 31, &attach), 0);
	check_last(f->trace, VFIO_OP_DEVICE_ATTACH_IOMMUFD_PT, 31,
		   "VFIO_DEVICE_ATTACH_IOMMUFD_PT fd=31 pt_id=2 flags=0x4 -> pt_id=3", 0);
	assert_int_equal(o->device_detach_iommufd_pt(f->trace, 31, &detach), 0);
	check_last(f->trace, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT, 31,
		   "VFIO_DEVICE_DETACH_IOMMUFD_PT fd=31", 0);
	f->answer[VFIO_OP_DEVICE_DETACH_IOMMUFD_PT] = -EFAULT;
	assert_int_equal(o->device_detach_iommufd_pt(f->trace, 31, NULL), -EFAULT);
	check_last(f->trace, VFIO_OP_DEVICE_DETACH_IOMMUFD_PT, 31,
		   "VFIO_DEVICE_DETACH_IOMMUFD_PT fd=31 arg=NULL", -EFAULT);
	assert_int_equal(f->calls, 12);
}

static void test_list_dir(void **state)
{
	struct fixture *f = *state;
	const struct vfio_backend_ops *o = f->trace->ops;
	char buf[32];

	f->answer[VFIO_OP_LIST_DIR] = sizeof(NAMES);
	assert_int_equal(o->list_dir(f->trace, "/sys/x/vfio-dev", buf, sizeof(buf)),
			 sizeof(NAMES));
	check_last(f->trace, VFIO_OP_LIST_DIR, -1,
		   "list_dir(\"/sys/x/vfio-dev\", 32) -> [\"vfio0\",\"vfio12\",\"x\"]",
		   sizeof(NAMES));
	/* Only the names that were stored. */
	assert_int_equal(o->list_dir(f->trace, "/sys/x/vfio-dev", buf, 8), sizeof(NAMES));
	check_last(f->trace, VFIO_OP_LIST_DIR, -1,
		   "list_dir(\"/sys/x/vfio-dev\", 8) -> [\"vfio0\"]", sizeof(NAMES));
	f->answer[VFIO_OP_LIST_DIR] = -ENOENT;
	assert_int_equal(o->list_dir(f->trace, "/sys/y", buf, sizeof(buf)), -ENOENT);
	check_last(f->trace, VFIO_OP_LIST_DIR, -1, "list_dir(\"/sys/y\", 32)", -ENOENT);
}

static void test_long_text_is_cut(void **state)
{
	struct fixture *f = *state;
	struct vfio_trace_entry e;
	char path[400];
	void *out;

	memset(path, 'p', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	f->trace->ops->open(f->trace, path, O_RDONLY);
	assert_int_equal(vfio_trace_get(f->trace, 0, &e), 0);
	/* The path is shown in part, and the text says so. */
	assert_non_null(strstr(e.text, "ppp\"..., O_RDONLY)"));
	assert_int_equal(strncmp(e.text, "open(\"ppp", 9), 0);

	/* A call whose text does not fit ends in "..." and fills the buffer. */
	f->trace->ops->mmap(f->trace, -2147483647, (void *)~(uintptr_t)0, ~(size_t)0, ~0, ~0,
			    ~(uint64_t)0, &out);
	assert_int_equal(vfio_trace_get(f->trace, 1, &e), 0);
	assert_int_equal(strlen(e.text), sizeof(e.text) - 1);
	assert_string_equal(e.text + sizeof(e.text) - 4, "...");
	assert_int_equal(strncmp(e.text, "mmap(fd=-2147483647, addr=0xffffffffffffffff", 44), 0);
}

#define FIXTURE_TEST(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		FIXTURE_TEST(test_file_ops),
		FIXTURE_TEST(test_container_and_group_ops),
		FIXTURE_TEST(test_device_ops),
		FIXTURE_TEST(test_kvm_and_iommufd_ops),
		FIXTURE_TEST(test_iommufd_ops),
		FIXTURE_TEST(test_list_dir),
		FIXTURE_TEST(test_long_text_is_cut),
	};

	return cmocka_run_group_tests_name("trace_decode", tests, NULL, NULL);
}
