/* SPDX-License-Identifier: MIT */
#ifndef LIBVFIO_VFIO_SIM_MODELS_H
#define LIBVFIO_VFIO_SIM_MODELS_H

/*
 * Ready device models for the sim, each behaving as QEMU's device does behind
 * the kernel's vfio-pci (the conformance suite holds them to it): the same
 * regions, irq indexes, config space and registers.  Linked from libvfio-sim.
 *
 * Thread safety: as the sim (sim.h).
 */

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vfio_sim_group;
struct vfio_sim_device;

/**
 * vfio_sim_edu_add() - add QEMU's "edu" teaching device (1234:11e8) to a group
 * @g: the group
 * @bdf: its PCI address, e.g. "0000:00:03.0"
 * @resettable: true as behind a PCIe root port (VFIO_DEVICE_FLAGS_RESET, reset
 *	works); false as on the root complex (no reset: DEVICE_RESET is EINVAL)
 * @out: the device; may be NULL
 *
 * BAR0 is 1 MiB of registers (id, liveness, factorial, status, irq raise/ack,
 * a DMA engine that moves up to 4 KiB between its buffer at 0x40000 and IOVAs
 * through the sim's IOMMU, completing on a later access, gated by bus master);
 * config space 256 bytes with an MSI capability; INTx (level, cleared by ack)
 * and one MSI vector.
 *
 * Return: 0, or the errno of the sim call that failed.
 */
int vfio_sim_edu_add(struct vfio_sim_group *g, const char *bdf, bool resettable,
		     struct vfio_sim_device **out);

/**
 * vfio_sim_e1000e_add() - add what the conformance suite uses of QEMU's e1000e (8086:10d3)
 * @g: the group
 * @bdf: its PCI address
 * @out: the device; may be NULL
 *
 * Its regions and config space (4 KiB, with PCIe and MSI-X capabilities), BAR3
 * holding the MSI-X table (offset 0) and PBA (0x2000) with the MSIX_MAPPABLE
 * capability, five MSI-X vectors, and the interrupt registers (IVAR, EIAC, IMS,
 * IMC, ICS, ICR) that raise vector i; a vector masked in the table is kept
 * pending in the PBA and sent when unmasked.
 *
 * Return: 0, or the errno of the sim call that failed.
 */
int vfio_sim_e1000e_add(struct vfio_sim_group *g, const char *bdf, struct vfio_sim_device **out);

/**
 * vfio_sim_qdev_add() - add the queue device, a made-up DMA engine (1234:7e57)
 * @g: the group
 * @bdf: its PCI address
 * @nr_queues: descriptor queues, 1..16; the device has as many MSI-X vectors
 * @out: the device; may be NULL
 *
 * A miniature of a NIC or NVMe controller, for examples and tests of
 * userspace drivers; no real device has these ids.  PCI Express config space
 * (4 KiB) with an MSI-X capability; BAR0 (64-bit, 4 KiB, trapped) holds the
 * controller registers (id, version, queue count, enable, ready) and per
 * queue a ring base IOVA, a size, an MSI-X vector, a doorbell (tail), the
 * device's head and an error status; BAR2 (4 KiB, mmap-able, MSIX_MAPPABLE)
 * holds the MSI-X table (0) and PBA (0x800).  On a doorbell the device runs
 * the 32-byte descriptors between head and tail (copy, fill, nop) through the
 * sim's IOMMU, writes each one's completion status back, advances head and
 * raises the queue's vector, all before the doorbell write returns; an IOMMU
 * fault becomes a status, never a crash.  docs/testing-with-the-sim.md has
 * the register map.  Resettable (VFIO_DEVICE_FLAGS_RESET).
 *
 * Return: 0; -EINVAL for @nr_queues out of range; or the errno of the sim
 * call that failed.
 */
int vfio_sim_qdev_add(struct vfio_sim_group *g, const char *bdf, unsigned int nr_queues,
		      struct vfio_sim_device **out);

#ifdef __cplusplus
}
#endif

#endif /* LIBVFIO_VFIO_SIM_MODELS_H */
