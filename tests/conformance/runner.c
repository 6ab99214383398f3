// SPDX-License-Identifier: MIT
/*
 * The conformance runner: runs every case on one backend and prints one line a
 * case (PASS / FAIL / SKIP) and "N passed, N failed" last.
 *
 *   vfio-conformance --backend sim          a fresh sim topology per case
 *   vfio-conformance --backend kernel       the devices named by VFIO_EDU_BDF,
 *                                           VFIO_EDU_GROUP, ... (tests/vm/run sets them)
 *   --mode legacy|iommufd|noiommu   how every container is opened (default legacy);
 *                     on the kernel it must be the mode tests/vm/run --mode booted
 *   --filter TEXT     only the cases whose name contains TEXT
 *   --list            print the case names and exit
 *   --results FILE    also write "name RESULT" lines, for the side-by-side table
 */

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <vfio/sim.h>

#include "conformance.h"
#include "topology.h"

#define MAX_CASES 256
#define MAX_DEFERRED 64

static const struct conf_case *cases[MAX_CASES];
static size_t nr_cases;

void conf_register(const struct conf_case *c)
{
	if (nr_cases < MAX_CASES)
		cases[nr_cases++] = c;
}

static int by_place(const void *a, const void *b)
{
	const struct conf_case *x = *(const struct conf_case *const *)a;
	const struct conf_case *y = *(const struct conf_case *const *)b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->line - y->line;
}

/* ---- failing and skipping ---- */

static jmp_buf case_jmp;
static char case_msg[1024];
enum outcome { PASSED, FAILED, SKIPPED };
static enum outcome case_outcome;

void conf_fail(const char *file, int line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	va_list ap;
	int n = snprintf(case_msg, sizeof(case_msg), "%s:%d: ", base ? base + 1 : file, line);

	va_start(ap, fmt);
	vsnprintf(case_msg + n, sizeof(case_msg) - (size_t)n, fmt, ap);
	va_end(ap);
	case_outcome = FAILED;
	longjmp(case_jmp, 1);
}

void conf_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(case_msg, sizeof(case_msg), fmt, ap);
	va_end(ap);
	case_outcome = SKIPPED;
	longjmp(case_jmp, 1);
}

/* ---- clean-ups, run after each case in reverse order ---- */

enum kind { K_CONTAINER, K_GROUP, K_DEVICE, K_FD, K_MEM, K_MAPPING };

static struct deferred {
	enum kind kind;
	void *p;
	size_t size;
	int fd;
} deferred[MAX_DEFERRED];
static size_t nr_deferred;
static struct conf_env *current_env;

static void defer(enum kind kind, void *p, int fd, size_t size)
{
	if (nr_deferred == MAX_DEFERRED)
		conf_fail(__FILE__, __LINE__, "more than %d resources in one case", MAX_DEFERRED);
	deferred[nr_deferred++] = (struct deferred){ .kind = kind, .p = p, .fd = fd, .size = size };
}

/* Forget @p: the case released it itself. */
static void undefer(void *p)
{
	for (size_t i = nr_deferred; i-- > 0;)
		if (deferred[i].p == p) {
			deferred[i].p = NULL;
			return;
		}
}

static const char *const mode_names[] = {
	[VFIO_CONTAINER_LEGACY] = "legacy",
	[VFIO_CONTAINER_IOMMUFD] = "iommufd",
	[VFIO_CONTAINER_NOIOMMU] = "noiommu",
};

const char *conf_mode_name(enum vfio_container_mode mode)
{
	return (unsigned int)mode < sizeof(mode_names) / sizeof(mode_names[0]) ? mode_names[mode]
									      : "?";
}

unsigned long conf_iommu_type(const struct conf_env *env)
{
	switch (env->mode) {
	case VFIO_CONTAINER_LEGACY:
		return VFIO_TYPE1v2_IOMMU;
	case VFIO_CONTAINER_NOIOMMU:
		return VFIO_NOIOMMU_IOMMU;
	default:
		return 0;
	}
}

void conf_need_mode(const struct conf_env *env, const enum vfio_container_mode *modes, size_t n)
{
	char want[64] = "";

	for (size_t i = 0; i < n; i++) {
		if (modes[i] == env->mode)
			return;
		snprintf(want + strlen(want), sizeof(want) - strlen(want), "%s%s", i ? "/" : "",
			 conf_mode_name(modes[i]));
	}
	conf_skip("%s mode only (this run: %s)", want, conf_mode_name(env->mode));
}

static void release(struct deferred *r)
{
	switch (r->kind) {
	case K_CONTAINER:
		vfio_container_close(r->p);
		break;
	case K_GROUP:
		vfio_group_close(r->p);
		break;
	case K_DEVICE:
		vfio_device_close(r->p);
		break;
	case K_FD:
		close(r->fd);
		break;
	case K_MEM:
		munmap(r->p, r->size);
		break;
	case K_MAPPING:
		vfio_region_munmap(r->p);
		break;
	}
}

static void run_deferred(void)
{
	while (nr_deferred) {
		struct deferred *r = &deferred[--nr_deferred];

		if (r->p || r->kind == K_FD)
			release(r);
	}
}

struct vfio_container *conf_container(struct conf_env *env)
{
	struct vfio_container *c;

	OK(vfio_container_open_mode(env->be, env->mode, &c));
	defer(K_CONTAINER, c, -1, 0);
	return c;
}

struct vfio_device *conf_device(struct vfio_container *c, const struct conf_dev *dev)
{
	struct vfio_device *d;

	/* iommufd mode has no groups: the device's sysfs directory leads to its cdev */
	if (current_env->mode == VFIO_CONTAINER_IOMMUFD)
		OK(vfio_device_open_sysfs(c, dev->sysfs, &d));
	else
		OK(vfio_device_open(c, dev->group, dev->bdf, &d));
	defer(K_DEVICE, d, -1, 0);
	return d;
}

void conf_track_device(struct vfio_device *d)
{
	defer(K_DEVICE, d, -1, 0);
}

void conf_track_group(struct vfio_group *g)
{
	defer(K_GROUP, g, -1, 0);
}

void conf_track_mapping(struct vfio_region_mapping *m)
{
	defer(K_MAPPING, m, -1, 0);
}

void conf_close_device(struct vfio_device *d)
{
	undefer(d);
	OK(vfio_device_close(d));
}

void conf_close_group(struct vfio_group *g)
{
	undefer(g);
	OK(vfio_group_close(g));
}

void conf_close_container(struct vfio_container *c)
{
	undefer(c);
	OK(vfio_container_close(c));
}

int conf_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	CHECK(fd >= 0);
	defer(K_FD, NULL, fd, 0);
	return fd;
}

void *conf_mem(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(p != MAP_FAILED);
	defer(K_MEM, p, -1, size);
	return p;
}

/* ---- waiting ---- */

uint64_t conf_wait_event(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, ms) == 1 && read(fd, &v, sizeof(v)) == sizeof(v))
		return v;
	return 0;
}

void conf_sleep(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- the run ---- */

static void print_line(FILE *results, const char *name, const char *what, const char *msg)
{
	if (msg && *msg)
		printf("%s %s: %s\n", what, name, msg);
	else
		printf("%s %s\n", what, name);
	fflush(stdout);
	if (results)
		fprintf(results, "%s %s\n", name, what);
}

/* setjmp in a frame of its own: nothing here changes between it and the longjmp. */
static void run_case(const struct conf_case *c, struct conf_env *env)
{
	if (!setjmp(case_jmp))
		c->fn(env);
}

static void usage(void)
{
	fprintf(stderr, "usage: vfio-conformance --backend sim|kernel "
			"[--mode legacy|iommufd|noiommu] [--filter TEXT] [--list] "
			"[--results FILE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *backend = NULL, *filter = NULL, *results_path = NULL;
	enum vfio_container_mode mode = VFIO_CONTAINER_LEGACY;
	unsigned int passed = 0, failed = 0, skipped = 0;
	struct conf_env kernel_env = { 0 };
	FILE *results = NULL;
	bool list = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--backend") && i + 1 < argc)
			backend = argv[++i];
		else if (!strcmp(argv[i], "--mode") && i + 1 < argc) {
			const char *m = argv[++i];

			if (!strcmp(m, "legacy"))
				mode = VFIO_CONTAINER_LEGACY;
			else if (!strcmp(m, "iommufd"))
				mode = VFIO_CONTAINER_IOMMUFD;
			else if (!strcmp(m, "noiommu"))
				mode = VFIO_CONTAINER_NOIOMMU;
			else
				usage();
		} else if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			filter = argv[++i];
		else if (!strcmp(argv[i], "--results") && i + 1 < argc)
			results_path = argv[++i];
		else if (!strcmp(argv[i], "--list"))
			list = true;
		else
			usage();
	}
	qsort(cases, nr_cases, sizeof(cases[0]), by_place);
	if (list) {
		for (size_t i = 0; i < nr_cases; i++)
			printf("%s\n", cases[i]->name);
		return 0;
	}
	if (!backend || (strcmp(backend, "sim") && strcmp(backend, "kernel")))
		usage();
	if (!strcmp(backend, "kernel")) {
		if (conf_kernel_env(&kernel_env, mode)) {
			printf("0 passed, 1 failed\n");
			return 1;
		}
	}
	if (results_path && !(results = fopen(results_path, "w"))) {
		perror(results_path);
		return 2;
	}
	for (size_t i = 0; i < nr_cases; i++) {
		struct conf_env sim_env = { 0 }, *env = &kernel_env;
		unsigned int leaked = 0;

		if (filter && !strstr(cases[i]->name, filter))
			continue;
		if (!strcmp(backend, "sim")) {
			if (conf_sim_env(&sim_env, mode)) {
				print_line(results, cases[i]->name, "FAIL", "building the sim topology");
				failed++;
				continue;
			}
			env = &sim_env;
		}
		current_env = env;
		case_outcome = PASSED;
		case_msg[0] = '\0';
		vfio_clear_error();
		run_case(cases[i], env);
		run_deferred();
		if (env->sim) {
			leaked = vfio_sim_open_handles(env->sim);
			vfio_backend_destroy(env->be);
		}
		if (case_outcome == PASSED && leaked) {
			snprintf(case_msg, sizeof(case_msg), "%u handle(s) left open", leaked);
			case_outcome = FAILED;
		}
		print_line(results, cases[i]->name,
			   case_outcome == PASSED ? "PASS" : case_outcome == FAILED ? "FAIL" : "SKIP",
			   case_msg);
		passed += case_outcome == PASSED;
		failed += case_outcome == FAILED;
		skipped += case_outcome == SKIPPED;
	}
	if (results)
		fclose(results);
	if (kernel_env.be)
		vfio_backend_destroy(kernel_env.be);
	if (skipped)
		printf("%u passed, %u failed, %u skipped\n", passed, failed, skipped);
	else
		printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
