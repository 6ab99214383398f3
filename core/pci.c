// SPDX-License-Identifier: MIT
/*
 * PCI config space through the device's config region: the capability lists,
 * walked over a copy of config space (so the walk itself needs no device and
 * can be fuzzed), and the bus-master bit.  The lists come from the device: a
 * pointer out of place, a list that loops or runs longer than config space
 * can hold, is -EPROTO.
 */

#include <linux/pci_regs.h>

#include "private.h"

#define STD_FIRST 0x40u /* standard capabilities live past the header */
#define STD_END 0x100u
#define STD_MAX 48u /* as many as fit in 0x40..0xff, 4 bytes each (the kernel's bound too) */
#define EXT_END 0x1000u
#define EXT_MAX ((EXT_END - STD_END) / 8u)
#define ALL_MAX (STD_MAX + EXT_MAX)

/* Config space is little-endian. */
static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void add(struct vfio_pci_cap *out, size_t cap, size_t *n, struct vfio_pci_cap c)
{
	if (*n < cap)
		out[*n] = c;
	(*n)++;
}

static int walk_std(const uint8_t *cfg, size_t len, struct vfio_pci_cap *out, size_t cap,
		    size_t *n)
{
	unsigned int ptr, seen = 0;

	if (!(le16(cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	for (ptr = cfg[PCI_CAPABILITY_LIST] & 0xfcu; ptr; ptr = cfg[ptr + 1] & 0xfcu) {
		if (ptr < STD_FIRST || ptr + 2 > len)
			return vfio_fail(-EPROTO, "PCI capability pointer 0x%02x lies outside "
					 "0x40-0x%zx", ptr, (len < STD_END ? len : STD_END) - 1);
		if (cfg[ptr] == 0xff)
			break; /* all ones: a device that does not answer, as the kernel reads it */
		if (++seen > STD_MAX)
			return vfio_fail(-EPROTO, "PCI capability list: more than %u entries (a loop "
					 "at 0x%02x)", STD_MAX, ptr);
		add(out, cap, n, (struct vfio_pci_cap){ .id = cfg[ptr], .offset = (uint16_t)ptr });
	}
	return 0;
}

static int walk_ext(const uint8_t *cfg, size_t len, struct vfio_pci_cap *out, size_t cap,
		    size_t *n)
{
	unsigned int seen = 0;

	for (uint32_t off = STD_END, hdr = 0; off; off = PCI_EXT_CAP_NEXT(hdr)) {
		if (off < STD_END || off + 4 > len)
			return vfio_fail(-EPROTO, "PCI extended capability pointer 0x%03x lies "
					 "outside 0x100-0x%zx", off, len - 1);
		hdr = le32(cfg + off);
		if (hdr == 0 || hdr == 0xffffffffu)
			break; /* no (more) extended capabilities */
		if (++seen > EXT_MAX)
			return vfio_fail(-EPROTO, "PCI extended capability list: more than %u "
					 "entries (a loop at 0x%03x)", EXT_MAX, off);
		/* vfio-pci hides a first capability by zeroing its id, not its next */
		if (PCI_EXT_CAP_ID(hdr))
			add(out, cap, n,
			    (struct vfio_pci_cap){ .id = (uint16_t)PCI_EXT_CAP_ID(hdr),
						   .extended = true,
						   .version = (uint8_t)PCI_EXT_CAP_VER(hdr),
						   .offset = (uint16_t)off });
	}
	return 0;
}

int vfio_pci_walk_caps(const uint8_t *cfg, size_t len, struct vfio_pci_cap *out, size_t cap,
		       size_t *count)
{
	size_t n = 0;
	int ret;

	if (len < STD_FIRST)
		return vfio_fail(-EPROTO, "PCI config space of %zu bytes: shorter than the header",
				 len);
	if (len > EXT_END)
		len = EXT_END;
	ret = walk_std(cfg, len, out, cap, &n);
	if (!ret && len > STD_END)
		ret = walk_ext(cfg, len, out, cap, &n);
	if (!ret)
		*count = n;
	return ret;
}

/* The config region's description, for a PCI device only. */
static int config_region(struct vfio_device *d, const char *what,
			 const struct vfio_region_desc **r)
{
	int ret;

	if (!d)
		return vfio_fail(-EINVAL, "%s: no device", what);
	if (!(d->flags & VFIO_DEVICE_FLAGS_PCI))
		return vfio_fail(-EINVAL, "%s on %s: not a PCI device", what, d->name);
	ret = vfio_region_get(d, VFIO_PCI_CONFIG_REGION_INDEX, r);
	if (ret)
		return vfio_fail_prefix(ret, "%s on %s", what, d->name);
	return 0;
}

static int caps_of(struct vfio_device *d, const char *what, struct vfio_pci_cap *out, size_t cap,
		   size_t *count)
{
	const struct vfio_region_desc *r;
	uint8_t cfg[EXT_END];
	size_t len;
	int ret = config_region(d, what, &r);

	if (ret)
		return ret;
	len = r->size < sizeof(cfg) ? (size_t)r->size : sizeof(cfg);
	ret = vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, 0, cfg, len, NULL);
	if (!ret)
		ret = vfio_pci_walk_caps(cfg, len, out, cap, count);
	if (ret)
		return vfio_fail_prefix(ret, "%s on %s", what, d->name);
	return 0;
}

int vfio_pci_caps(struct vfio_device *d, struct vfio_pci_cap *out, size_t cap, size_t *count)
{
	if (!count || (cap && !out))
		return vfio_fail(-EINVAL, "vfio_pci_caps: no count or no room");
	return caps_of(d, "vfio_pci_caps", out, cap, count);
}

static int find(struct vfio_device *d, const char *what, uint16_t id, bool ext,
		unsigned int *offset)
{
	struct vfio_pci_cap caps[ALL_MAX];
	size_t n = 0;
	int ret;

	if (!offset)
		return vfio_fail(-EINVAL, "%s: no place for the offset", what);
	ret = caps_of(d, what, caps, ALL_MAX, &n);
	if (ret)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (caps[i].extended == ext && caps[i].id == id) {
			*offset = caps[i].offset;
			return 0;
		}
	}
	return vfio_fail(-ENOENT, "%s on %s: no capability 0x%x", what, d->name, id);
}

int vfio_pci_find_cap(struct vfio_device *d, uint8_t id, unsigned int *offset)
{
	return find(d, "vfio_pci_find_cap", id, false, offset);
}

int vfio_pci_find_ext_cap(struct vfio_device *d, uint16_t id, unsigned int *offset)
{
	return find(d, "vfio_pci_find_ext_cap", id, true, offset);
}

int vfio_pci_set_bus_master(struct vfio_device *d, bool enable)
{
	const struct vfio_region_desc *r;
	uint8_t cmd[2];
	uint16_t v;
	int ret = config_region(d, "vfio_pci_set_bus_master", &r);

	if (ret)
		return ret;
	ret = vfio_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, cmd, 2, NULL);
	if (ret)
		return vfio_fail_prefix(ret, "vfio_pci_set_bus_master on %s", d->name);
	v = le16(cmd);
	v = enable ? (uint16_t)(v | PCI_COMMAND_MASTER) : (uint16_t)(v & ~PCI_COMMAND_MASTER);
	cmd[0] = (uint8_t)v;
	cmd[1] = (uint8_t)(v >> 8);
	ret = vfio_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND, cmd, 2, NULL);
	if (ret)
		return vfio_fail_prefix(ret, "vfio_pci_set_bus_master on %s", d->name);
	return 0;
}
