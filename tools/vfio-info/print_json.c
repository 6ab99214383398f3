// SPDX-License-Identifier: MIT
/*
 * --json: one document on stdout,
 *
 *   { "vfio_info": 1, "backend": "kernel" | "sim", "devices": [ ... ],
 *     "error": null | { "errno", "code", "message", "hint" } }
 *
 * Counts and indexes are numbers; 64-bit quantities (sizes, offsets,
 * addresses, page-size bitmaps) are strings of hex ("0x1000"), which no JSON
 * reader rounds; flags are arrays of names.  A device that could not be
 * opened has "error" set and only what was learnt before.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/vfio.h>
#include <vfio/vfio.h>

#include "vfio_info.h"

/* A small writer: keys, nesting and commas; two spaces per level. */
struct json {
	FILE *f;
	int depth;
	bool first[16]; /* nothing written yet at this depth */
};

static struct json J;

static void sep(const char *key)
{
	if (!J.first[J.depth])
		fputc(',', J.f);
	J.first[J.depth] = false;
	fprintf(J.f, "\n%*s", 2 * J.depth, "");
	if (key)
		fprintf(J.f, "\"%s\": ", key);
}

static void open_(const char *key, char c)
{
	sep(key);
	fputc(c, J.f);
	J.depth++;
	J.first[J.depth] = true;
}

static void close_(char c)
{
	bool empty = J.first[J.depth];

	J.depth--;
	if (!empty)
		fprintf(J.f, "\n%*s", 2 * J.depth, "");
	fputc(c, J.f);
}

static void obj(const char *key)
{
	open_(key, '{');
}

static void arr(const char *key)
{
	open_(key, '[');
}

static void end_obj(void)
{
	close_('}');
}

static void end_arr(void)
{
	close_(']');
}

static void str(const char *key, const char *v)
{
	sep(key);
	if (!v) {
		fputs("null", J.f);
		return;
	}
	fputc('"', J.f);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(J.f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", J.f);
		else if (*p < 0x20)
			fprintf(J.f, "\\u%04x", *p);
		else
			fputc(*p, J.f);
	}
	fputc('"', J.f);
}

static void strf(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void strf(const char *key, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	str(key, buf);
}

static void num(const char *key, long long v)
{
	sep(key);
	fprintf(J.f, "%lld", v);
}

static void hex(const char *key, uint64_t v)
{
	strf(key, "0x%llx", (unsigned long long)v);
}

static void boolean(const char *key, bool v)
{
	sep(key);
	fputs(v ? "true" : "false", J.f);
}

static void null(const char *key)
{
	sep(key);
	fputs("null", J.f);
}

static void flags(const char *key, uint32_t v, const struct vi_flag *table)
{
	arr(key);
	for (unsigned int b = 0; b < 32; b++) {
		const char *name = vi_flag_name(table, 1u << b);

		if (!(v & (1u << b)))
			continue;
		if (name)
			str(NULL, name);
		else
			strf(NULL, "0x%x", 1u << b);
	}
	end_arr();
}

static void error(const char *key, const struct vi_failure *fail)
{
	static const char *const stages[] = {
		[VI_STAGE_RESOLVE] = "resolve", [VI_STAGE_NO_GROUP] = "no-iommu-group",
		[VI_STAGE_DRIVER] = "driver",	[VI_STAGE_CONTAINER] = "container",
		[VI_STAGE_GROUP] = "group",	[VI_STAGE_VIABLE] = "group-not-viable",
		[VI_STAGE_IOMMU] = "iommu",	[VI_STAGE_DEVICE] = "device",
		[VI_STAGE_NONE] = "no-devices",
	};

	obj(key);
	str("stage", stages[fail->stage]);
	num("errno", -fail->err);
	str("code", vi_errno_name(fail->err));
	str("message", fail->message);
	str("hint", fail->hint[0] ? fail->hint : NULL);
	end_obj();
}

static void json_begin(FILE *f, const char *backend)
{
	J = (struct json){ .f = f };
	J.first[0] = true;
	fputc('{', f);
	J.depth = 1;
	J.first[1] = true;
	num("vfio_info", 1);
	str("backend", backend);
	arr("devices");
}

static void pgsizes(const char *key, uint64_t bitmap)
{
	arr(key);
	for (unsigned int b = 0; b < 64; b++)
		if (bitmap & (1ull << b))
			hex(NULL, 1ull << b);
	end_arr();
}

static void iommu(const struct vi_report *r)
{
	const struct vi_iommu *m = r->iommu;

	if (!m) {
		null("iommu");
		return;
	}
	obj("iommu");
	str("type", vi_iommu_type_name(m->type));
	flags("flags", m->flags, vi_iommu_flags);
	hex("pgsize_bitmap", m->pgsizes);
	pgsizes("page_sizes", m->pgsizes);
	if (m->caps & VI_IOMMU_HAS_IOVA_RANGES) {
		arr("iova_ranges");
		for (uint32_t i = 0; i < m->nr_ranges; i++) {
			obj(NULL);
			hex("start", m->ranges[i].start);
			hex("end", m->ranges[i].end);
			end_obj();
		}
		end_arr();
	} else {
		null("iova_ranges");
	}
	if (m->caps & VI_IOMMU_HAS_DMA_AVAIL)
		num("dma_avail", m->dma_avail);
	else
		null("dma_avail");
	end_obj();
}

static void region(struct vfio_device *d, unsigned int i)
{
	const struct vfio_region_desc *r;
	char name[16], type[64];
	bool present = !vfio_region_get(d, i, &r) && r->present;

	obj(NULL);
	num("index", i);
	str("name", vi_region_name(vfio_device_flags(d), i, name, sizeof(name)));
	boolean("present", present);
	if (present) {
		flags("flags", r->flags, vi_region_flags);
		hex("size", r->size);
		hex("offset", r->offset);
		obj("caps");
		if (r->caps & VFIO_REGION_HAS_SPARSE_MMAP) {
			arr("sparse_mmap");
			for (uint32_t k = 0; k < r->nr_sparse; k++) {
				obj(NULL);
				hex("offset", r->sparse[k].offset);
				hex("size", r->sparse[k].size);
				end_obj();
			}
			end_arr();
		}
		if (r->caps & VFIO_REGION_HAS_TYPE) {
			obj("type");
			num("type", r->type);
			num("subtype", r->subtype);
			str("name", vi_region_type_name(r->type, r->subtype, type, sizeof(type)));
			end_obj();
		}
		if (r->caps & VFIO_REGION_HAS_MSIX_MAPPABLE)
			boolean("msix_mappable", true);
		if (r->caps & VFIO_REGION_HAS_NVLINK2_SSATGT)
			hex("nvlink2_tgt", r->nvlink2_tgt);
		if (r->caps & VFIO_REGION_HAS_NVLINK2_LNKSPD)
			num("nvlink2_link_speed", r->nvlink2_link_speed);
		end_obj();
	}
	end_obj();
}

static void irq(struct vfio_device *d, unsigned int i)
{
	const struct vfio_irq_desc *q;
	char name[16];
	bool ok = !vfio_irq_get(d, i, &q);

	obj(NULL);
	num("index", i);
	str("name", vi_irq_name(vfio_device_flags(d), i, name, sizeof(name)));
	flags("flags", ok ? q->flags : 0, vi_irq_flags);
	num("count", ok ? q->count : 0);
	end_obj();
}

static void pci(const struct vi_report *r)
{
	const struct vi_pci *p = r->pci;

	if (!p) {
		null("pci");
		return;
	}
	obj("pci");
	strf("vendor", "0x%04x", p->vendor);
	strf("device", "0x%04x", p->device);
	strf("subsystem_vendor", "0x%04x", p->subsys_vendor);
	strf("subsystem_device", "0x%04x", p->subsys_device);
	strf("class", "0x%06x", p->class_code);
	str("class_name", vi_pci_class_name(p->class_code));
	num("revision", p->revision);
	strf("command", "0x%04x", p->command);
	strf("status", "0x%04x", p->status);
	arr("capabilities");
	for (unsigned int i = 0; i < p->nr_caps; i++) {
		const struct vi_pci_cap *c = &p->caps[i];

		obj(NULL);
		strf("offset", "0x%03x", c->offset);
		strf("id", c->extended ? "0x%04x" : "0x%02x", c->id);
		boolean("extended", c->extended);
		if (c->extended)
			num("version", c->version);
		str("name", vi_pci_cap_name(c->id, c->extended));
		str("detail", c->detail[0] ? c->detail : NULL);
		end_obj();
	}
	end_arr();
	str("walk_error", p->error[0] ? p->error : NULL);
	end_obj();
}

static void reset(const struct vi_report *r)
{
	const struct vi_reset *rs = r->reset;

	obj("reset");
	boolean("device_reset", rs->device_reset);
	if (r->pci) {
		boolean("flr_pcie", r->pci->flr_pcie);
		boolean("flr_af", r->pci->flr_af);
		boolean("pm_reset", r->pci->has_pm && !r->pci->pm_no_soft_reset);
	}
	if (rs->hot_reset_err) {
		null("hot_reset");
		str("hot_reset_error", vi_errno_name(rs->hot_reset_err));
	} else {
		arr("hot_reset");
		for (uint32_t i = 0; i < rs->hot_count && i < 32; i++) {
			obj(NULL);
			strf("device", "%04x:%02x:%02x.%u", rs->hot[i].segment, rs->hot[i].bus,
			     rs->hot[i].devfn >> 3, rs->hot[i].devfn & 7u);
			num("group", rs->hot[i].group);
			end_obj();
		}
		end_arr();
	}
	end_obj();
}

static void json_device(FILE *f, const struct vi_report *r)
{
	const struct vi_target *t = r->target;

	(void)f;
	obj(NULL);
	str("name", t->name);
	str("sysfs", t->path);
	if (t->group_known)
		num("group", t->group);
	else
		null("group");
	str("driver", t->driver_known ? t->driver : NULL);
	if (!r->dev) {
		error("error", r->fail);
		end_obj();
		return;
	}
	null("error");
	iommu(r);
	flags("flags", vfio_device_flags(r->dev), vi_device_flags);
	num("num_regions", vfio_device_num_regions(r->dev));
	num("num_irqs", vfio_device_num_irqs(r->dev));
	arr("regions");
	for (unsigned int i = 0; i < vfio_device_num_regions(r->dev); i++)
		region(r->dev, i);
	end_arr();
	arr("irqs");
	for (unsigned int i = 0; i < vfio_device_num_irqs(r->dev); i++)
		irq(r->dev, i);
	end_arr();
	pci(r);
	str("pci_error", r->pci_error);
	reset(r);
	end_obj();
}

static struct vi_failure none_fail;
static bool have_none;

static void json_none(FILE *f, const struct vi_failure *fail)
{
	(void)f;
	none_fail = *fail;
	have_none = true;
}

static void json_end(FILE *f, unsigned int reported, unsigned int failed)
{
	(void)reported;
	(void)failed;
	end_arr();
	if (have_none)
		error("error", &none_fail);
	else
		null("error");
	end_obj();
	fputc('\n', f);
}

const struct vi_printer vi_json_printer = {
	.begin = json_begin,
	.device = json_device,
	.none = json_none,
	.end = json_end,
};
