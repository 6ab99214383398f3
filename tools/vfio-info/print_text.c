// SPDX-License-Identifier: MIT
/* The human output: one block per device. */

#include <stdio.h>
#include <string.h>

#include <linux/vfio.h>
#include <vfio/vfio.h>

#include "vfio_info.h"

static void text_begin(FILE *f, const char *backend)
{
	if (!strcmp(backend, "sim"))
		fprintf(f, "(the sim: a simulated machine, not this one's devices)\n\n");
}

/* A multi-line hint, each line indented. */
static void indented(FILE *f, const char *indent, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);

		fprintf(f, "%s%.*s\n", indent, len, text);
		text += len + (nl ? 1 : 0);
	}
}

static void print_iommu(FILE *f, const struct vi_report *r)
{
	const struct vi_iommu *m = r->iommu;
	char buf[32];

	if (!m) {
		fprintf(f, "  IOMMU:    unknown (%s)\n",
			r->iommu_error ? r->iommu_error : "not asked");
		return;
	}
	fprintf(f, "  IOMMU:    %s", vi_iommu_type_name(m->type));
	if (m->flags & VFIO_IOMMU_INFO_PGSIZES) {
		fprintf(f, ", page sizes");
		for (unsigned int b = 0; b < 64; b++)
			if (m->pgsizes & (1ull << b))
				fprintf(f, " %s", vi_size_str(1ull << b, buf, sizeof(buf)));
	}
	if (m->caps & VI_IOMMU_HAS_DMA_AVAIL)
		fprintf(f, ", %u DMA mappings left", m->dma_avail);
	fprintf(f, "\n");
	if (m->caps & VI_IOMMU_HAS_IOVA_RANGES) {
		fprintf(f, "            IOVA ranges:");
		for (uint32_t i = 0; i < m->nr_ranges; i++)
			fprintf(f, "%s 0x%llx-0x%llx", i ? "," : "",
				(unsigned long long)m->ranges[i].start,
				(unsigned long long)m->ranges[i].end);
		fprintf(f, "%s\n", m->nr_ranges ? "" : " none");
	} else {
		fprintf(f, "            IOVA ranges: not reported (any IOVA)\n");
	}
}

static void print_region(FILE *f, struct vfio_device *d, unsigned int i)
{
	const struct vfio_region_desc *r;
	char name[16], flags[64], size[32], type[64];
	uint32_t devflags = vfio_device_flags(d);

	vi_region_name(devflags, i, name, sizeof(name));
	if (vfio_region_get(d, i, &r) || !r->present) {
		fprintf(f, "    %-2u %-7s not offered\n", i, name);
		return;
	}
	if (!r->size && !r->flags) {
		fprintf(f, "    %-2u %-7s empty\n", i, name);
		return;
	}
	/* "size 0x100000 (1M)": the unit only for a whole number of KiB */
	size[0] = '\0';
	if (r->size && !(r->size % 1024))
		snprintf(size, sizeof(size), " (%s)", vi_size_str(r->size, type, sizeof(type)));
	fprintf(f, "    %-2u %-7s size 0x%llx%s  offset 0x%llx  %s\n", i, name,
		(unsigned long long)r->size, size, (unsigned long long)r->offset,
		vi_flags_str(r->flags, vi_region_flags, " ", flags, sizeof(flags)));
	if (r->caps & VFIO_REGION_HAS_TYPE)
		fprintf(f, "              type: %s\n",
			vi_region_type_name(r->type, r->subtype, type, sizeof(type)));
	if (r->caps & VFIO_REGION_HAS_SPARSE_MMAP) {
		fprintf(f, "              sparse mmap:");
		for (uint32_t k = 0; k < r->nr_sparse; k++)
			fprintf(f, "%s 0x%llx+0x%llx", k ? "," : "",
				(unsigned long long)r->sparse[k].offset,
				(unsigned long long)r->sparse[k].size);
		fprintf(f, "%s\n", r->nr_sparse ? "" : " no area (nothing may be mapped)");
	}
	if (r->caps & VFIO_REGION_HAS_MSIX_MAPPABLE)
		fprintf(f, "              MSI-X mappable: the MSI-X table may be mmap'ed\n");
	if (r->caps & VFIO_REGION_HAS_NVLINK2_SSATGT)
		fprintf(f, "              NVLink2 target 0x%llx\n",
			(unsigned long long)r->nvlink2_tgt);
	if (r->caps & VFIO_REGION_HAS_NVLINK2_LNKSPD)
		fprintf(f, "              NVLink2 link speed %u\n", r->nvlink2_link_speed);
}

static void print_irqs(FILE *f, struct vfio_device *d)
{
	uint32_t devflags = vfio_device_flags(d);

	fprintf(f, "  irqs:\n");
	for (unsigned int i = 0; i < vfio_device_num_irqs(d); i++) {
		const struct vfio_irq_desc *irq;
		char name[16], flags[64];

		vi_irq_name(devflags, i, name, sizeof(name));
		if (vfio_irq_get(d, i, &irq) || (!irq->count && !irq->flags)) {
			fprintf(f, "    %-2u %-7s not offered\n", i, name);
			continue;
		}
		fprintf(f, "    %-2u %-7s %u vector%s  %s\n", i, name, irq->count,
			irq->count == 1 ? " " : "s",
			vi_flags_str(irq->flags, vi_irq_flags, " ", flags, sizeof(flags)));
	}
}

static void print_pci(FILE *f, const struct vi_report *r)
{
	const struct vi_pci *p = r->pci;

	if (!p) {
		if (r->pci_error)
			fprintf(f, "  PCI:      %s\n", r->pci_error);
		return;
	}
	fprintf(f, "  PCI:      %04x:%04x %s (class %06x), rev %02x", p->vendor, p->device,
		vi_pci_class_name(p->class_code), p->class_code, p->revision);
	if (p->subsys_vendor || p->subsys_device)
		fprintf(f, ", subsystem %04x:%04x", p->subsys_vendor, p->subsys_device);
	fprintf(f, "\n            command 0x%04x (memory %s, bus master %s), status 0x%04x\n",
		p->command, p->command & 0x2 ? "on" : "off", p->command & 0x4 ? "on" : "off",
		p->status);
	fprintf(f, "  PCI capabilities:%s\n", p->nr_caps ? "" : " none");
	for (unsigned int i = 0; i < p->nr_caps; i++) {
		const struct vi_pci_cap *c = &p->caps[i];

		if (c->extended)
			fprintf(f, "    0x%03x %s (extended 0x%04x, v%u)%s%s\n", c->offset,
				vi_pci_cap_name(c->id, true), c->id, c->version,
				c->detail[0] ? ": " : "", c->detail);
		else
			fprintf(f, "    0x%03x %s (0x%02x)%s%s\n", c->offset,
				vi_pci_cap_name(c->id, false), c->id, c->detail[0] ? ": " : "",
				c->detail);
	}
	if (p->error[0])
		fprintf(f, "    (the walk stopped: %s)\n", p->error);
}

static void print_reset(FILE *f, const struct vi_report *r)
{
	const struct vi_reset *rs = r->reset;

	fprintf(f, "  reset:\n    VFIO_DEVICE_RESET  %s\n",
		rs->device_reset ? "offered" : "not offered");
	if (r->pci) {
		const struct vi_pci *p = r->pci;
		char how[128] = "";

		if (p->flr_pcie)
			strcat(how, "FLR (PCI Express), ");
		if (p->flr_af)
			strcat(how, "FLR (Advanced Features), ");
		if (p->has_pm && !p->pm_no_soft_reset)
			strcat(how, "PM reset (D3hot->D0), ");
		if (how[0])
			how[strlen(how) - 2] = '\0';
		fprintf(f, "    function reset     %s\n", how[0] ? how : "none in config space");
	}
	if (vfio_device_flags(r->dev) & VFIO_DEVICE_FLAGS_PCI) {
		if (rs->hot_reset_err) {
			fprintf(f, "    PCI hot reset      not available (%s)\n",
				vi_errno_name(rs->hot_reset_err));
			return;
		}
		fprintf(f, "    PCI hot reset      resets %u device%s:", rs->hot_count,
			rs->hot_count == 1 ? "" : "s");
		for (uint32_t i = 0; i < rs->hot_count && i < 32; i++)
			fprintf(f, "%s %04x:%02x:%02x.%u (group %u)", i ? "," : "",
				rs->hot[i].segment, rs->hot[i].bus, rs->hot[i].devfn >> 3,
				rs->hot[i].devfn & 7u, rs->hot[i].group);
		fprintf(f, "\n");
	}
}

static void text_device(FILE *f, const struct vi_report *r)
{
	const struct vi_target *t = r->target;
	char flags[96];

	if (!r->dev) {
		fprintf(f, "%s: FAILED (%s): %s\n", t->name, vi_errno_name(r->fail->err),
			r->fail->message);
		if (t->group_known)
			fprintf(f, "  group %u%s%s\n", t->group, t->driver_known ? ", driver " : "",
				t->driver_known ? (t->driver[0] ? t->driver : "none") : "");
		indented(f, "  ", r->fail->hint);
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "%s: group %u\n", t->name, t->group);
	fprintf(f, "  sysfs:    %s", t->path);
	if (t->driver_known)
		fprintf(f, " (driver %s)", t->driver[0] ? t->driver : "none");
	fprintf(f, "\n");
	print_iommu(f, r);
	fprintf(f, "  device:   %s, %u regions, %u irq indexes\n",
		vi_flags_str(vfio_device_flags(r->dev), vi_device_flags, " ", flags, sizeof(flags)),
		vfio_device_num_regions(r->dev), vfio_device_num_irqs(r->dev));
	fprintf(f, "  regions:\n");
	for (unsigned int i = 0; i < vfio_device_num_regions(r->dev); i++)
		print_region(f, r->dev, i);
	print_irqs(f, r->dev);
	print_pci(f, r);
	print_reset(f, r);
	fprintf(f, "\n");
}

static void text_none(FILE *f, const struct vi_failure *fail)
{
	fprintf(f, "vfio-info: %s\n", fail->message);
	indented(f, "  ", fail->hint);
}

static void text_end(FILE *f, unsigned int reported, unsigned int failed)
{
	if (failed && reported)
		fprintf(f, "%u of %u devices could not be reported.\n", failed, reported);
}

const struct vi_printer vi_text_printer = {
	.begin = text_begin,
	.device = text_device,
	.none = text_none,
	.end = text_end,
};
