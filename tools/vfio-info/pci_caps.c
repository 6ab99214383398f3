// SPDX-License-Identifier: MIT
/*
 * A PCI device's config space as VFIO shows it (the config region): the
 * header, the standard capability list (from 0x34) and the extended list (from
 * 0x100, when the region has more than 256 bytes).  Both lists come from the
 * device, so the walk is bounded: pointers inside the space and past the
 * header, no capability visited twice, at most as many as fit.  A list that
 * breaks a rule stops there, with the reason in vi_pci.error.
 *
 * The capabilities a reset or an interrupt set-up depends on are decoded: PM
 * (NoSoftRst), MSI, MSI-X (table and PBA), PCI Express (port type, FLR),
 * Advanced Features (FLR); the others are named.
 */

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/pci_regs.h>

#include "vfio_info.h"

#define STD_FIRST 0x40u /* capabilities live past the standard header */
#define STD_END 0x100u
#define EXT_FIRST 0x100u
#define EXT_END 0x1000u

static int rd8(vi_cfg_read_fn read, void *ctx, uint32_t off, uint8_t *v)
{
	return read(ctx, off, v, 1);
}

/* Config space is little-endian. */
static int rd16(vi_cfg_read_fn read, void *ctx, uint32_t off, uint16_t *v)
{
	int ret = read(ctx, off, v, 2);

	*v = le16toh(*v);
	return ret;
}

static int rd32(vi_cfg_read_fn read, void *ctx, uint32_t off, uint32_t *v)
{
	int ret = read(ctx, off, v, 4);

	*v = le32toh(*v);
	return ret;
}

static void decode_std(vi_cfg_read_fn read, void *ctx, struct vi_pci *pci, struct vi_pci_cap *cap)
{
	uint32_t off = cap->offset, table = 0, pba = 0, devcap = 0;
	uint16_t ctrl = 0, flags = 0;
	uint8_t af = 0;
	static const char *const port[16] = {
		[PCI_EXP_TYPE_ENDPOINT] = "endpoint",
		[PCI_EXP_TYPE_LEG_END] = "legacy endpoint",
		[PCI_EXP_TYPE_ROOT_PORT] = "root port",
		[PCI_EXP_TYPE_UPSTREAM] = "upstream port",
		[PCI_EXP_TYPE_DOWNSTREAM] = "downstream port",
		[PCI_EXP_TYPE_PCI_BRIDGE] = "PCIe-to-PCI bridge",
		[PCI_EXP_TYPE_PCIE_BRIDGE] = "PCI-to-PCIe bridge",
		[PCI_EXP_TYPE_RC_END] = "root complex integrated endpoint",
		[PCI_EXP_TYPE_RC_EC] = "root complex event collector",
	};

	switch (cap->id) {
	case PCI_CAP_ID_PM:
		pci->has_pm = true;
		if (rd16(read, ctx, off + PCI_PM_CTRL, &ctrl))
			return;
		pci->pm_no_soft_reset = ctrl & PCI_PM_CTRL_NO_SOFT_RESET;
		snprintf(cap->detail, sizeof(cap->detail), "D%u%s", ctrl & PCI_PM_CTRL_STATE_MASK,
			 pci->pm_no_soft_reset ? ", no soft reset (D3hot->D0 keeps state)" : "");
		break;
	case PCI_CAP_ID_MSI:
		if (rd16(read, ctx, off + PCI_MSI_FLAGS, &ctrl))
			return;
		snprintf(cap->detail, sizeof(cap->detail), "%u vector%s%s%s%s",
			 1u << ((ctrl & PCI_MSI_FLAGS_QMASK) >> 1),
			 (ctrl & PCI_MSI_FLAGS_QMASK) ? "s" : "",
			 ctrl & PCI_MSI_FLAGS_64BIT ? ", 64-bit" : "",
			 ctrl & PCI_MSI_FLAGS_MASKBIT ? ", per-vector mask" : "",
			 ctrl & PCI_MSI_FLAGS_ENABLE ? ", enabled" : "");
		break;
	case PCI_CAP_ID_MSIX:
		if (rd16(read, ctx, off + PCI_MSIX_FLAGS, &ctrl) ||
		    rd32(read, ctx, off + PCI_MSIX_TABLE, &table) ||
		    rd32(read, ctx, off + PCI_MSIX_PBA, &pba))
			return;
		snprintf(cap->detail, sizeof(cap->detail),
			 "%u vectors, table BAR%u+0x%x, PBA BAR%u+0x%x%s",
			 (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1u, table & PCI_MSIX_TABLE_BIR,
			 table & PCI_MSIX_TABLE_OFFSET, pba & PCI_MSIX_PBA_BIR,
			 pba & PCI_MSIX_PBA_OFFSET,
			 ctrl & PCI_MSIX_FLAGS_ENABLE ? ", enabled" : "");
		break;
	case PCI_CAP_ID_EXP:
		if (rd16(read, ctx, off + PCI_EXP_FLAGS, &flags) ||
		    rd32(read, ctx, off + PCI_EXP_DEVCAP, &devcap))
			return;
		pci->flr_pcie = devcap & PCI_EXP_DEVCAP_FLR;
		snprintf(cap->detail, sizeof(cap->detail), "v%u %s%s", flags & PCI_EXP_FLAGS_VERS,
			 port[(flags & PCI_EXP_FLAGS_TYPE) >> 4]
				 ? port[(flags & PCI_EXP_FLAGS_TYPE) >> 4]
				 : "port type ?",
			 pci->flr_pcie ? ", FLR" : "");
		break;
	case PCI_CAP_ID_AF:
		if (rd8(read, ctx, off + PCI_AF_CAP, &af))
			return;
		pci->flr_af = (af & PCI_AF_CAP_TP) && (af & PCI_AF_CAP_FLR);
		snprintf(cap->detail, sizeof(cap->detail), "%s", pci->flr_af ? "FLR" : "no FLR");
		break;
	}
}

static bool add_cap(struct vi_pci *pci, uint16_t off, uint16_t id, uint8_t version, bool ext)
{
	if (pci->nr_caps == VI_PCI_MAX_CAPS) {
		snprintf(pci->error, sizeof(pci->error), "more than %u capabilities",
			 VI_PCI_MAX_CAPS);
		return false;
	}
	pci->caps[pci->nr_caps++] =
		(struct vi_pci_cap){ .offset = off, .id = id, .version = version, .extended = ext };
	return true;
}

static void walk_std(vi_cfg_read_fn read, void *ctx, struct vi_pci *pci)
{
	bool seen[STD_END / 4] = { false };
	uint8_t ptr = 0;

	if (!(pci->status & PCI_STATUS_CAP_LIST))
		return;
	if (rd8(read, ctx, PCI_CAPABILITY_LIST, &ptr))
		return;
	for (ptr &= 0xfc; ptr;) {
		uint8_t id = 0, next = 0;

		if (ptr < STD_FIRST) {
			snprintf(pci->error, sizeof(pci->error),
				 "a capability pointer (0x%02x) points into the header", ptr);
			return;
		}
		if (seen[ptr / 4]) {
			snprintf(pci->error, sizeof(pci->error),
				 "the capability list loops back to 0x%02x", ptr);
			return;
		}
		seen[ptr / 4] = true;
		if (rd8(read, ctx, ptr, &id) || rd8(read, ctx, ptr + 1u, &next)) {
			snprintf(pci->error, sizeof(pci->error), "capability at 0x%02x unreadable",
				 ptr);
			return;
		}
		if (id == 0xff) /* nothing there: a device that does not answer */
			return;
		if (!add_cap(pci, ptr, id, 0, false))
			return;
		decode_std(read, ctx, pci, &pci->caps[pci->nr_caps - 1]);
		ptr = next & 0xfc;
	}
}

static void walk_ext(vi_cfg_read_fn read, void *ctx, uint32_t cfg_size, struct vi_pci *pci)
{
	bool seen[EXT_END / 4] = { false };
	uint32_t off = EXT_FIRST, end = cfg_size < EXT_END ? cfg_size : EXT_END;

	while (off) {
		uint32_t hdr = 0;

		if (off < EXT_FIRST || off + 4 > end) {
			snprintf(pci->error, sizeof(pci->error),
				 "an extended capability pointer (0x%03x) lies outside 0x100-0x%x",
				 off, end - 1);
			return;
		}
		if (seen[off / 4]) {
			snprintf(pci->error, sizeof(pci->error),
				 "the extended capability list loops back to 0x%03x", off);
			return;
		}
		seen[off / 4] = true;
		if (rd32(read, ctx, off, &hdr)) {
			snprintf(pci->error, sizeof(pci->error),
				 "extended capability at 0x%03x unreadable", off);
			return;
		}
		if (hdr == 0 || hdr == 0xffffffffu) /* no extended capabilities */
			return;
		/* vfio-pci hides a first capability by zeroing its id and version, not its next */
		if (PCI_EXT_CAP_ID(hdr) &&
		    !add_cap(pci, (uint16_t)off, PCI_EXT_CAP_ID(hdr), PCI_EXT_CAP_VER(hdr), true))
			return;
		off = PCI_EXT_CAP_NEXT(hdr);
	}
}

/*
 * Read the header and walk both lists of a config space @cfg_size bytes long,
 * read through @read.  Return: 0, or the errno of reading the header (a list
 * that cannot be walked to its end only sets out->error).
 */
int vi_pci_walk(vi_cfg_read_fn read, void *ctx, uint32_t cfg_size, struct vi_pci *out)
{
	uint32_t class_rev = 0;
	int ret;

	*out = (struct vi_pci){ 0 };
	if (cfg_size < 64)
		return -EINVAL;
	ret = rd16(read, ctx, PCI_VENDOR_ID, &out->vendor);
	if (!ret)
		ret = rd16(read, ctx, PCI_DEVICE_ID, &out->device);
	if (!ret)
		ret = rd16(read, ctx, PCI_COMMAND, &out->command);
	if (!ret)
		ret = rd16(read, ctx, PCI_STATUS, &out->status);
	if (!ret)
		ret = rd32(read, ctx, PCI_CLASS_REVISION, &class_rev);
	if (!ret)
		ret = rd8(read, ctx, PCI_HEADER_TYPE, &out->header_type);
	if (ret)
		return ret;
	out->revision = class_rev & 0xff;
	out->class_code = class_rev >> 8;
	if ((out->header_type & 0x7f) == PCI_HEADER_TYPE_NORMAL &&
	    (rd16(read, ctx, PCI_SUBSYSTEM_VENDOR_ID, &out->subsys_vendor) ||
	     rd16(read, ctx, PCI_SUBSYSTEM_ID, &out->subsys_device)))
		out->subsys_vendor = out->subsys_device = 0;
	walk_std(read, ctx, out);
	if (!out->error[0] && cfg_size > STD_END)
		walk_ext(read, ctx, cfg_size, out);
	return 0;
}
