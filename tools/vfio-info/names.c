// SPDX-License-Identifier: MIT
/*
 * Names for what the kernel answers in numbers.  The values are the uAPI's
 * (linux/vfio.h, linux/pci_regs.h), written out so that the tool names them
 * whatever the age of the headers it is built with.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/vfio.h>

#include "vfio_info.h"

const struct vi_flag vi_device_flags[] = {
	{ 1u << 0, "RESET" }, { 1u << 1, "PCI" }, { 1u << 2, "PLATFORM" }, { 1u << 3, "AMBA" },
	{ 1u << 4, "CCW" },   { 1u << 5, "AP" },  { 1u << 6, "FSL_MC" },   { 1u << 7, "CAPS" },
	{ 1u << 8, "CDX" },   { 0, NULL },
};

const struct vi_flag vi_region_flags[] = {
	{ 1u << 0, "READ" }, { 1u << 1, "WRITE" }, { 1u << 2, "MMAP" },
	{ 1u << 3, "CAPS" }, { 0, NULL },
};

const struct vi_flag vi_irq_flags[] = {
	{ 1u << 0, "EVENTFD" },
	{ 1u << 1, "MASKABLE" },
	{ 1u << 2, "AUTOMASKED" },
	{ 1u << 3, "NORESIZE" },
	{ 0, NULL },
};

const struct vi_flag vi_iommu_flags[] = {
	{ 1u << 0, "PGSIZES" },
	{ 1u << 1, "CAPS" },
	{ 0, NULL },
};

const char *vi_flag_name(const struct vi_flag *table, uint32_t bit)
{
	for (; table->name; table++)
		if (table->bit == bit)
			return table->name;
	return NULL;
}

const char *vi_flags_str(uint32_t flags, const struct vi_flag *table, const char *sep, char *buf,
			 size_t size)
{
	size_t len = 0;

	snprintf(buf, size, "%s", flags ? "" : "none");
	for (unsigned int b = 0; b < 32 && len < size; b++) {
		uint32_t bit = 1u << b;
		const char *name = vi_flag_name(table, bit);
		int n;

		if (!(flags & bit))
			continue;
		if (name)
			n = snprintf(buf + len, size - len, "%s%s", len ? sep : "", name);
		else
			n = snprintf(buf + len, size - len, "%s0x%x", len ? sep : "", bit);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return buf;
}

const char *vi_region_name(uint32_t dev_flags, unsigned int index, char *buf, size_t size)
{
	static const char *const pci[] = { "BAR0", "BAR1", "BAR2",   "BAR3", "BAR4",
					   "BAR5", "ROM",  "CONFIG", "VGA" };

	if ((dev_flags & VFIO_DEVICE_FLAGS_PCI) && index < sizeof(pci) / sizeof(pci[0]))
		snprintf(buf, size, "%s", pci[index]);
	else if (dev_flags & VFIO_DEVICE_FLAGS_PCI)
		snprintf(buf, size, "DEV%u", index); /* device-specific, named by its type */
	else
		snprintf(buf, size, "region%u", index);
	return buf;
}

/* VFIO_REGION_INFO_CAP_TYPE: type and subtype. */
const char *vi_region_type_name(uint32_t type, uint32_t subtype, char *buf, size_t size)
{
	const uint32_t vendor_type = 1u << 31;
	const char *name = NULL;

	if (type & vendor_type) {
		uint32_t vendor = type & 0xffff;

		if (vendor == 0x8086 && subtype >= 1 && subtype <= 3)
			name = (const char *[]){ "IGD OpRegion", "IGD host config",
						 "IGD LPC config" }[subtype - 1];
		else if (vendor == 0x10de && subtype == 1)
			name = "NVLink2 RAM";
		else if (vendor == 0x1014 && subtype == 1)
			name = "NVLink2 ATSD";
		if (name)
			snprintf(buf, size, "%s (vendor %04x)", name, vendor);
		else
			snprintf(buf, size, "vendor %04x subtype %u", vendor, subtype);
		return buf;
	}
	if (type == 1 && subtype == 1)
		name = "graphics: EDID";
	else if (type == 2 && subtype >= 1 && subtype <= 3)
		name = (const char *[]){ "CCW: async command", "CCW: SCHIB",
					 "CCW: CRW" }[subtype - 1];
	else if (type == 3 && subtype == 1)
		name = "migration (deprecated v1)";
	if (name)
		snprintf(buf, size, "%s", name);
	else
		snprintf(buf, size, "type %u subtype %u", type, subtype);
	return buf;
}

const char *vi_irq_name(uint32_t dev_flags, unsigned int index, char *buf, size_t size)
{
	static const char *const pci[] = { "INTX", "MSI", "MSIX", "ERR", "REQ" };

	if ((dev_flags & VFIO_DEVICE_FLAGS_PCI) && index < sizeof(pci) / sizeof(pci[0]))
		snprintf(buf, size, "%s", pci[index]);
	else
		snprintf(buf, size, "irq%u", index);
	return buf;
}

const char *vi_iommu_type_name(unsigned long type)
{
	switch (type) {
	case VFIO_TYPE1_IOMMU:
		return "Type1";
	case VFIO_TYPE1v2_IOMMU:
		return "Type1v2";
	case 0:
		return "none";
	default:
		return "other";
	}
}

const char *vi_pci_cap_name(uint16_t id, bool extended)
{
	static const char *const std[] = {
		[0x01] = "Power Management",
		[0x02] = "AGP",
		[0x03] = "VPD",
		[0x04] = "Slot ID",
		[0x05] = "MSI",
		[0x06] = "CompactPCI hot swap",
		[0x07] = "PCI-X",
		[0x08] = "HyperTransport",
		[0x09] = "Vendor Specific",
		[0x0a] = "Debug port",
		[0x0b] = "CompactPCI CRC",
		[0x0c] = "PCI hot plug",
		[0x0d] = "Bridge subsystem ID",
		[0x0e] = "AGP 8x",
		[0x0f] = "Secure Device",
		[0x10] = "PCI Express",
		[0x11] = "MSI-X",
		[0x12] = "SATA",
		[0x13] = "Advanced Features",
		[0x14] = "Enhanced Allocation",
		[0x15] = "Flattening Portal Bridge",
	};
	static const char *const ext[] = {
		[0x01] = "Advanced Error Reporting",
		[0x02] = "Virtual Channel",
		[0x03] = "Device Serial Number",
		[0x04] = "Power Budgeting",
		[0x05] = "Root Complex Link Declaration",
		[0x06] = "Root Complex Internal Link Control",
		[0x07] = "Root Complex Event Collector",
		[0x08] = "Multi-Function VC",
		[0x09] = "Virtual Channel (MFVC)",
		[0x0a] = "Root Complex RCRB",
		[0x0b] = "Vendor Specific",
		[0x0c] = "Config Access Correlation",
		[0x0d] = "Access Control Services",
		[0x0e] = "Alternative Routing-ID",
		[0x0f] = "Address Translation Services",
		[0x10] = "SR-IOV",
		[0x11] = "MR-IOV",
		[0x12] = "Multicast",
		[0x13] = "Page Request",
		[0x15] = "Resizable BAR",
		[0x16] = "Dynamic Power Allocation",
		[0x17] = "TPH Requester",
		[0x18] = "Latency Tolerance Reporting",
		[0x19] = "Secondary PCI Express",
		[0x1a] = "Protocol Multiplexing",
		[0x1b] = "PASID",
		[0x1c] = "LN Requester",
		[0x1d] = "Downstream Port Containment",
		[0x1e] = "L1 PM Substates",
		[0x1f] = "Precision Time Measurement",
		[0x20] = "M-PCIe",
		[0x21] = "FRS Queueing",
		[0x22] = "Readiness Time Reporting",
		[0x23] = "Designated Vendor-Specific",
		[0x24] = "VF Resizable BAR",
		[0x25] = "Data Link Feature",
		[0x26] = "Physical Layer 16.0 GT/s",
		[0x27] = "Lane Margining at the Receiver",
		[0x28] = "Hierarchy ID",
		[0x29] = "Native PCIe Enclosure Management",
		[0x2a] = "Physical Layer 32.0 GT/s",
		[0x2b] = "Alternate Protocol",
		[0x2c] = "System Firmware Intermediary",
		[0x2d] = "Shadow Functions",
		[0x2e] = "Data Object Exchange",
		[0x2f] = "Device 3",
		[0x30] = "Integrity and Data Encryption",
		[0x31] = "Physical Layer 64.0 GT/s",
	};
	const char *const *t = extended ? ext : std;
	size_t n = extended ? sizeof(ext) / sizeof(ext[0]) : sizeof(std) / sizeof(std[0]);

	return id < n && t[id] ? t[id] : "unknown";
}

const char *vi_pci_class_name(uint32_t class_code)
{
	static const char *const base[] = {
		"unclassified device",
		"mass storage controller",
		"network controller",
		"display controller",
		"multimedia controller",
		"memory controller",
		"bridge",
		"communication controller",
		"system peripheral",
		"input device",
		"docking station",
		"processor",
		"serial bus controller",
		"wireless controller",
		"intelligent controller",
		"satellite controller",
		"encryption controller",
		"signal processing controller",
		"processing accelerator",
		"non-essential instrumentation",
	};
	uint32_t b = class_code >> 16;

	if (b < sizeof(base) / sizeof(base[0]))
		return base[b];
	return b == 0xff ? "unassigned class" : "reserved class";
}

const char *vi_errno_name(int err)
{
	static const struct {
		int err;
		const char *name;
	} names[] = {
		{ EPERM, "EPERM" },
		{ ENOENT, "ENOENT" },
		{ EIO, "EIO" },
		{ ENXIO, "ENXIO" },
		{ EBADF, "EBADF" },
		{ ENOMEM, "ENOMEM" },
		{ EACCES, "EACCES" },
		{ EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" },
		{ EINVAL, "EINVAL" },
		{ ENOSPC, "ENOSPC" },
		{ ENOTTY, "ENOTTY" },
		{ ERANGE, "ERANGE" },
		{ ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" },
		{ EPROTO, "EPROTO" },
		{ EOPNOTSUPP, "EOPNOTSUPP" },
		{ ETIMEDOUT, "ETIMEDOUT" },
		{ ELOOP, "ELOOP" },
		{ EAGAIN, "EAGAIN" },
		{ E2BIG, "E2BIG" },
	};

	if (err < 0)
		err = -err;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == err)
			return names[i].name;
	return "E?";
}

/* 4096 -> "4K", 2097152 -> "2M"; a size that is not a whole unit in hex. */
const char *vi_size_str(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "KMGTPE";
	unsigned int u = 0;
	uint64_t v = bytes;

	if (!bytes || bytes % 1024) {
		snprintf(buf, size, "0x%llx", (unsigned long long)bytes);
		return buf;
	}
	for (v = bytes / 1024; v >= 1024 && !(v % 1024) && u + 1 < sizeof(units) - 1; u++)
		v /= 1024;
	snprintf(buf, size, "%llu%c", (unsigned long long)v, units[u]);
	return buf;
}
