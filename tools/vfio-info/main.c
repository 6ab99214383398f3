// SPDX-License-Identifier: MIT
/*
 * vfio-info: show what VFIO says of a device (or of every VFIO device): its
 * group, the IOMMU behind it, its flags, regions with their capabilities, irq
 * indexes, PCI capabilities and reset support.  Text for people, --json for
 * scripts; --sim for a simulated machine.  See vfio-info(1).
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vfio/vfio.h>

#include "vfio_info.h"

#ifndef VFIO_INFO_VERSION
#define VFIO_INFO_VERSION "?"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vfio-info [--json] [--sim] [DEVICE...]\n"
		"Show what VFIO says of devices: group, IOMMU, flags, regions, interrupts,\n"
		"PCI capabilities, reset support.\n"
		"\n"
		"  DEVICE       a PCI address (0000:03:00.0 or 03:00.0), a sysfs directory,\n"
		"               a VFIO device cdev (/dev/vfio/devices/vfio0) or a platform\n"
		"               device's name; without one, every device bound to a VFIO\n"
		"               driver\n"
		"  -j, --json   JSON on stdout, for scripts\n"
		"  -s, --sim    report a simulated machine (QEMU's edu device and a queue\n"
		"               device) instead of this one: needs no IOMMU and no root\n"
		"  -h, --help   this text\n"
		"  -V, --version\n"
		"\n"
		"Exit status: 0 when every device was reported, 1 when one could not be (or\n"
		"there was none), 2 for a usage error.\n");
}

static int by_group(const void *a, const void *b)
{
	const struct vi_target *x = a, *y = b;

	return x->group < y->group ? -1 : x->group > y->group;
}

/* Resolve each argument; failures are reported at once and left out of @out. */
static unsigned int resolve_args(struct vfio_backend *be, bool kernel, char **args, int nargs,
				 const struct vi_printer *p, struct vi_target *out, size_t *n)
{
	unsigned int failed = 0;

	*n = 0;
	for (int i = 0; i < nargs; i++) {
		struct vi_failure f;

		if (vi_target_resolve(be, kernel, args[i], &out[*n], &f) ||
		    vi_check_driver(&out[*n], &f)) {
			vi_report_failure(p, stdout, &out[*n], NULL, &f, kernel);
			failed++;
			continue;
		}
		(*n)++;
	}
	return failed;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' }, { "sim", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct vi_printer *p = &vi_text_printer;
	struct vfio_backend *be = NULL;
	struct vi_target *targets = NULL;
	struct vi_failure none;
	unsigned int failed = 0, reported = 0;
	bool sim = false;
	size_t n = 0;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "jshV", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			p = &vi_json_printer;
			break;
		case 's':
			sim = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vfio-info (libvfio) %s\n", VFIO_INFO_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	if (sim)
		ret = vi_sim_build(&be, &targets, &n);
	else
		ret = vfio_kernel_backend_new(&be);
	if (ret) {
		fprintf(stderr, "vfio-info: %s: %s\n",
			sim ? "building the sim" : "the kernel backend",
			vfio_last_error()[0] ? vfio_last_error() : strerror(-ret));
		return 1;
	}

	p->begin(stdout, sim ? "sim" : "kernel");
	if (optind < argc) {
		free(targets);
		targets = calloc((size_t)(argc - optind), sizeof(*targets));
		if (!targets) {
			fprintf(stderr, "vfio-info: %s\n", strerror(ENOMEM));
			vfio_backend_destroy(be);
			return 1;
		}
		failed = resolve_args(be, !sim, argv + optind, argc - optind, p, targets, &n);
		reported = failed;
	} else if (!sim && vi_targets_kernel(&targets, &n, &none)) {
		struct vi_facts facts;

		vi_facts_gather(&facts, NULL);
		vi_diagnose(&none, NULL, &facts);
		p->none(stdout, &none);
		failed = 1;
	}

	/* one container per group, in group order */
	qsort(targets, n, sizeof(*targets), by_group);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && targets[j].group == targets[i].group)
			j++;
		failed += vi_probe_group(be, !sim, targets + i, j - i, p, stdout);
		reported += (unsigned int)(j - i);
		i = j;
	}
	p->end(stdout, reported, failed);
	free(targets);
	vfio_backend_destroy(be);
	return failed ? 1 : 0;
}
