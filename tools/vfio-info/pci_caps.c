// SPDX-License-Identifier: MIT
/*
 * A PCI device's config space as VFIO shows it (the config region): the
 * header, read here, and both capability lists, from libvfio's vfio_pci_caps()
 * (which validates them: a list that breaks a rule leaves no capability and
 * the reason in vi_pci.error).
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
#include <vfio/vfio.h>

#include "vfio_info.h"

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

static int cfg_read(void *ctx, uint32_t off, void *buf, size_t len)
{
	return vfio_region_read(ctx, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len, NULL);
}

/*
 * Read the header of @d's config space and its capabilities.  Return: 0, or
 * the errno of reading the header (a list libvfio refuses only sets
 * out->error).
 */
int vi_pci_walk(struct vfio_device *d, struct vi_pci *out)
{
	const vi_cfg_read_fn read = cfg_read;
	struct vfio_pci_cap caps[VI_PCI_MAX_CAPS];
	uint32_t class_rev = 0;
	void *ctx = d;
	size_t n = 0;
	int ret;

	*out = (struct vi_pci){ 0 };
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
	if (vfio_pci_caps(d, caps, VI_PCI_MAX_CAPS, &n)) {
		snprintf(out->error, sizeof(out->error), "%s", vfio_last_error());
		return 0;
	}
	if (n > VI_PCI_MAX_CAPS) {
		snprintf(out->error, sizeof(out->error), "more than %u capabilities",
			 VI_PCI_MAX_CAPS);
		n = VI_PCI_MAX_CAPS;
	}
	for (size_t i = 0; i < n; i++) {
		struct vi_pci_cap *c = &out->caps[out->nr_caps++];

		*c = (struct vi_pci_cap){ .offset = caps[i].offset, .id = caps[i].id,
					  .version = caps[i].version,
					  .extended = caps[i].extended };
		if (!c->extended)
			decode_std(read, ctx, out, c);
	}
	return 0;
}
