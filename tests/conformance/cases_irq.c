// SPDX-License-Identifier: MIT
/*
 * Interrupts, raised by the device itself: INTx (level, masked by the kernel as
 * it fires), MSI on edu, MSI-X on the e1000e, with the eventfds really firing.
 */

#include <linux/pci_regs.h>
#include <sys/mman.h>
#include <unistd.h>

#include "conformance.h"

#define INTX VFIO_PCI_INTX_IRQ_INDEX
#define MSI VFIO_PCI_MSI_IRQ_INDEX
#define MSIX VFIO_PCI_MSIX_IRQ_INDEX
#define WAIT 2000   /* ms to wait for an interrupt that must come */
#define QUIET 100   /* ms to wait for one that must not */

/* edu raises its interrupt line (or MSI) with status bit @bit; ack lowers it. */
static void edu_raise(struct vfio_device *d, uint32_t bit)
{
	conf_write32(d, 0, EDU_IRQ_RAISE, bit);
}

static void edu_ack(struct vfio_device *d)
{
	conf_write32(d, 0, EDU_IRQ_ACK, conf_read32(d, 0, EDU_IRQ_STATUS));
}

CONF_CASE(intx_fires)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd();

	OK(vfio_irq_enable_intx(d, fd));
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, WAIT), 1);
	EQ(conf_read32(d, 0, EDU_IRQ_STATUS), 1);
	edu_ack(d);
	OK(vfio_irq_unmask(d, INTX, 0));
	EQ(conf_wait_event(fd, QUIET), 0);
	OK(vfio_irq_disable(d, INTX));
}

CONF_CASE(intx_masked_until_unmask)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd();

	OK(vfio_irq_enable_intx(d, fd));
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, WAIT), 1);
	/* acked and raised again: the kernel keeps INTx masked, nothing comes */
	edu_ack(d);
	edu_raise(d, 2);
	EQ(conf_wait_event(fd, QUIET), 0);
	/* the line is still high: unmasking delivers it */
	OK(vfio_irq_unmask(d, INTX, 0));
	EQ(conf_wait_event(fd, WAIT), 1);
	edu_ack(d);
	OK(vfio_irq_unmask(d, INTX, 0));
	OK(vfio_irq_disable(d, INTX));
}

CONF_CASE(intx_user_mask)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd();

	OK(vfio_irq_enable_intx(d, fd));
	OK(vfio_irq_mask(d, INTX, 0));
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, QUIET), 0);
	OK(vfio_irq_unmask(d, INTX, 0));
	EQ(conf_wait_event(fd, WAIT), 1);
	edu_ack(d);
	OK(vfio_irq_unmask(d, INTX, 0));
	OK(vfio_irq_disable(d, INTX));
}

CONF_CASE(intx_resample_eventfd_unmasks)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd(), rs = conf_eventfd();
	uint64_t one = 1;

	OK(vfio_irq_enable_intx(d, fd));
	OK(vfio_irq_set_resample(d, rs));
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, WAIT), 1);
	edu_ack(d);
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, QUIET), 0);
	/* what a guest's EOI does through KVM's resampler: signal the unmask eventfd */
	EQ(write(rs, &one, sizeof(one)), sizeof(one));
	EQ(conf_wait_event(fd, WAIT), 1);
	edu_ack(d);
	OK(vfio_irq_set_resample(d, -1));
	OK(vfio_irq_disable(d, INTX));
}

CONF_CASE(intx_trigger_from_userspace)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd();

	OK(vfio_irq_enable_intx(d, fd));
	OK(vfio_irq_trigger(d, INTX, 0));
	EQ(conf_wait_event(fd, WAIT), 1);
	OK(vfio_irq_disable(d, INTX));
}

CONF_CASE(intx_disabled_does_not_fire)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int fd = conf_eventfd();

	OK(vfio_irq_enable_intx(d, fd));
	OK(vfio_irq_disable(d, INTX));
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, QUIET), 0);
	edu_ack(d);
	/* disabling what is off */
	ERR(vfio_irq_disable(d, INTX), EINVAL);
}

CONF_CASE(intx_range_checks)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int32_t fds[2] = { conf_eventfd(), conf_eventfd() };

	ERR(vfio_irq_enable(d, INTX, fds, 2), EINVAL);
	ERR(vfio_irq_set_eventfds(d, INTX, 1, fds, 1), EINVAL);
	ERR(vfio_irq_enable(d, VFIO_PCI_NUM_IRQS, fds, 1), EINVAL);
	/* mask before anything is enabled: the kernel's EINVAL */
	ERR(vfio_irq_mask(d, INTX, 0), EINVAL);
}

CONF_CASE(msi_fires)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int32_t fd = conf_eventfd();

	conf_bus_master(d, true);
	OK(vfio_irq_enable_msi(d, &fd, 1));
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, WAIT), 1);
	edu_ack(d);
	edu_raise(d, 4);
	EQ(conf_wait_event(fd, WAIT), 1);
	edu_ack(d);
	OK(vfio_irq_disable(d, MSI));
	edu_raise(d, 1);
	EQ(conf_wait_event(fd, QUIET), 0);
	edu_ack(d);
}

CONF_CASE(msi_count_checks)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int32_t fds[2] = { conf_eventfd(), conf_eventfd() };

	ERR(vfio_irq_enable_msi(d, fds, 2), EINVAL);
	ERR(vfio_irq_enable_msix(d, fds, 1), EINVAL);
	ERR(vfio_irq_disable(d, MSI), EINVAL);
}

CONF_CASE(msi_not_maskable)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int32_t fd = conf_eventfd();

	OK(vfio_irq_enable_msi(d, &fd, 1));
	/* no MASKABLE flag: refused before the kernel (which would say ENOTTY) */
	ERR(vfio_irq_mask(d, MSI, 0), EINVAL);
	ERR(vfio_irq_unmask(d, MSI, 0), EINVAL);
	OK(vfio_irq_disable(d, MSI));
}

CONF_CASE(msi_trigger_from_userspace)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int32_t fd = conf_eventfd();

	OK(vfio_irq_enable_msi(d, &fd, 1));
	OK(vfio_irq_trigger(d, MSI, 0));
	EQ(conf_wait_event(fd, WAIT), 1);
	OK(vfio_irq_disable(d, MSI));
}

CONF_CASE(intx_and_msi_exclusive)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int32_t fd = conf_eventfd();

	OK(vfio_irq_enable_intx(d, fd));
	ERR(vfio_irq_enable_msi(d, &fd, 1), EINVAL);
	OK(vfio_irq_disable(d, INTX));
	OK(vfio_irq_enable_msi(d, &fd, 1));
	ERR(vfio_irq_enable_intx(d, fd), EINVAL);
	OK(vfio_irq_disable(d, MSI));
}

CONF_CASE(req_index_enable_disable)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->edu);
	int32_t fd = conf_eventfd();

	OK(vfio_irq_enable(d, VFIO_PCI_REQ_IRQ_INDEX, &fd, 1));
	OK(vfio_irq_disable(d, VFIO_PCI_REQ_IRQ_INDEX));
	/* ERR on a conventional PCI device: count 0 */
	ERR(vfio_irq_enable(d, VFIO_PCI_ERR_IRQ_INDEX, &fd, 1), EINVAL);
}

/* ---- MSI-X on the e1000e ---- */

#define E1000_ICS 0x00c8
#define E1000_IMS 0x00d0
#define E1000_IMC 0x00d8
#define E1000_EIAC 0x00dc
#define E1000_IVAR 0x00e4
#define E1000_STATUS 0x0008

/* Route cause 20 + i to vector i, auto-clear them, then raise vector @v. */
static void nic_setup(struct vfio_device *d)
{
	conf_bus_master(d, true);
	conf_write32(d, 0, E1000_IVAR, 0x000cba98);
	conf_write32(d, 0, E1000_EIAC, 0x01f00000);
	conf_write32(d, 0, E1000_IMS, 0x01f00000);
}

static void nic_raise(struct vfio_device *d, unsigned int v)
{
	conf_write32(d, 0, E1000_ICS, 1u << (20 + v));
}

/* Let the device's interrupt throttling settle before MSI-X changes state. */
static void nic_quiesce(struct vfio_device *d)
{
	conf_write32(d, 0, E1000_IMC, 0xffffffff);
	conf_sleep(50);
}

CONF_CASE(msix_vectors_fire)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	int32_t fds[5];

	for (int i = 0; i < 5; i++)
		fds[i] = conf_eventfd();
	OK(vfio_irq_enable_msix(d, fds, 5));
	nic_setup(d);
	for (unsigned int v = 0; v < 5; v++) {
		nic_raise(d, v);
		EQ(conf_wait_event(fds[v], WAIT), 1);
	}
	for (int i = 0; i < 5; i++)
		EQ(conf_wait_event(fds[i], 0), 0);
	nic_quiesce(d);
	OK(vfio_irq_disable(d, MSIX));
}

CONF_CASE(msix_add_vectors_to_enabled_set)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	int32_t fds[5];

	for (int i = 0; i < 5; i++)
		fds[i] = conf_eventfd();
	OK(vfio_irq_enable_msix(d, fds, 1));
	nic_setup(d);
	nic_raise(d, 0);
	EQ(conf_wait_event(fds[0], WAIT), 1);
	OK(vfio_irq_set_eventfds(d, MSIX, 1, &fds[1], 4));
	nic_raise(d, 3);
	EQ(conf_wait_event(fds[3], WAIT), 1);
	nic_quiesce(d);
	OK(vfio_irq_disable(d, MSIX));
}

CONF_CASE(msix_unrouted_vector_is_silent)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	int32_t fds[2] = { conf_eventfd(), conf_eventfd() };

	OK(vfio_irq_enable_msix(d, fds, 2));
	OK(vfio_irq_set_eventfds(d, MSIX, 1, (int32_t[]){ -1 }, 1));
	nic_setup(d);
	nic_raise(d, 1);
	EQ(conf_wait_event(fds[1], QUIET), 0);
	nic_raise(d, 0);
	EQ(conf_wait_event(fds[0], WAIT), 1);
	nic_quiesce(d);
	OK(vfio_irq_disable(d, MSIX));
}

CONF_CASE(msix_count_checks)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	int32_t fds[6];

	for (int i = 0; i < 6; i++)
		fds[i] = conf_eventfd();
	ERR(vfio_irq_enable_msix(d, fds, 6), EINVAL);
	ERR(vfio_irq_set_eventfds(d, MSIX, 4, fds, 2), EINVAL);
	ERR(vfio_irq_mask(d, MSIX, 0), EINVAL);
}

CONF_CASE(msix_masked_in_table_then_pending)
{
	struct vfio_device *d = conf_device(conf_container(env), &env->nic);
	struct vfio_region_mapping *m;
	volatile uint32_t *table;
	int32_t fds[3] = { conf_eventfd(), conf_eventfd(), conf_eventfd() };

	OK(vfio_irq_enable_msix(d, fds, 3));
	OK(vfio_region_mmap(d, VFIO_PCI_BAR3_REGION_INDEX, PROT_READ | PROT_WRITE, &m));
	conf_track_mapping(m);
	table = vfio_region_mapping_base(m);
	nic_setup(d);
	/* vector 2's control word: entry 2, dword 3, bit 0 masks */
	table[2 * 4 + 3] |= PCI_MSIX_ENTRY_CTRL_MASKBIT;
	nic_raise(d, 2);
	EQ(conf_wait_event(fds[2], QUIET), 0);
	/* pending in the PBA (offset 0x2000 of BAR3) */
	CHECK(table[0x2000 / 4] & (1u << 2));
	table[2 * 4 + 3] &= ~PCI_MSIX_ENTRY_CTRL_MASKBIT;
	(void)conf_read32(d, 0, E1000_STATUS);
	EQ(conf_wait_event(fds[2], WAIT), 1);
	nic_quiesce(d);
	OK(vfio_irq_disable(d, MSIX));
}
