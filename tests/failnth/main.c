// SPDX-License-Identifier: MIT
/*
 * The fail-Nth sweep's driver.  For each scenario: a clean run counts the op
 * calls and libvfio's allocations; then one run per op call and per allocation
 * fails exactly that one.  Every run is a process of its own, forked from here:
 * a crash or a hang is that injection point's failure, LeakSanitizer checks
 * each run at its exit, and each starts from the same fds.
 *
 *   failnth [-j JOBS] [-v] [SCENARIO...]
 *
 * The last line is "fail-nth: N injection points, N failures"; the exit status
 * is 1 when there were failures.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* A run that takes longer has hung. */
#define RUN_TIMEOUT_S 60

static const struct fn_scenario scenarios[] = {
	{ "lifecycle", fn_scenario_lifecycle },
	{ "device", fn_scenario_device },
	{ "mmap", fn_scenario_mmap },
	{ "irq", fn_scenario_irq },
	{ "dma", fn_scenario_dma },
	{ "replay", fn_scenario_replay },
	{ "iommufd", fn_scenario_iommufd },
	{ "noiommu", fn_scenario_noiommu },
	{ "info", fn_scenario_info },
};

static bool verbose;

static void *shared(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("failnth: mmap");
		exit(2);
	}
	return p;
}

static pid_t start(const struct fn_scenario *s, const struct fn_target *t,
		   struct fn_trace *trace, struct fn_result *res)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("failnth: fork");
		exit(2);
	}
	if (pid == 0) {
		alarm(RUN_TIMEOUT_S);
		/* exit(), not _exit(): LeakSanitizer and gcov act at exit */
		exit(fn_run_one(s, t, trace, res));
	}
	return pid;
}

/* One run's verdict: 0 passed, 1 failed (and said why). */
static int verdict(const struct fn_scenario *s, const struct fn_target *t,
		   const struct fn_result *res, int status)
{
	char name[96];
	const char *why = NULL;
	char buf[64];

	fn_target_name(t, name, sizeof(name));
	if (WIFSIGNALED(status)) {
		snprintf(buf, sizeof(buf), "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
		why = buf;
	} else if (WEXITSTATUS(status) == 1 && res->nfail) {
		why = res->text;
	} else if (WEXITSTATUS(status) != 0 || res->nfail) {
		snprintf(buf, sizeof(buf), "exit status %d (a sanitizer's report above)",
			 WEXITSTATUS(status));
		why = buf;
	}
	if (why) {
		printf("FAIL %s, %s: %s\n", s->name, name, why);
		return 1;
	}
	if (verbose)
		printf("ok   %s, %s: %s\n", s->name, name, res->note);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run every injection point of @s, @jobs at a time; returns the failures. */
static unsigned long sweep(const struct fn_scenario *s, struct fn_trace *trace, long jobs,
			   unsigned long *points)
{
	struct fn_target *t;
	struct fn_result *res;
	pid_t *pids;
	size_t n = 0, next = 0, running = 0;
	unsigned long failures = 0;

	for (int op = 0; op < VFIO_OP_COUNT; op++)
		n += trace->ops[op];
	n += trace->allocs;
	*points = n;
	if (!n)
		return 0;
	t = calloc(n, sizeof(*t));
	pids = calloc(n, sizeof(*pids));
	res = shared(n * sizeof(*res));
	if (!t || !pids) {
		perror("failnth");
		exit(2);
	}
	n = 0;
	for (int op = 0; op < VFIO_OP_COUNT; op++)
		for (unsigned long k = 1; k <= trace->ops[op]; k++)
			t[n++] = (struct fn_target){ .kind = FN_OP, .op = op, .k = k };
	for (unsigned long k = 1; k <= trace->allocs; k++)
		t[n++] = (struct fn_target){ .kind = FN_ALLOC, .k = k };

	while (next < n || running) {
		int status;
		pid_t pid;
		size_t i;

		if (next < n && running < (size_t)jobs) {
			pids[next] = start(s, &t[next], trace, &res[next]);
			next++;
			running++;
			continue;
		}
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			perror("failnth: waitpid");
			exit(2);
		}
		for (i = 0; i < next && pids[i] != pid; i++)
			;
		if (i == next)
			continue;
		running--;
		failures += verdict(s, &t[i], &res[i], status);
	}
	munmap(res, n * sizeof(*res));
	free(pids);
	free(t);
	return failures;
}

static bool wanted(const char *name, int argc, char **argv)
{
	if (optind >= argc)
		return true;
	for (int i = optind; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	unsigned long total_points = 0, total_failures = 0;
	long jobs = sysconf(_SC_NPROCESSORS_ONLN);
	const char *env = getenv("FAILNTH_JOBS");
	struct fn_trace *trace;
	int opt;

	if (env)
		jobs = strtol(env, NULL, 10);
	while ((opt = getopt(argc, argv, "j:v")) != -1) {
		switch (opt) {
		case 'j':
			jobs = strtol(optarg, NULL, 10);
			break;
		case 'v':
			verbose = true;
			break;
		default:
			fprintf(stderr, "usage: %s [-j JOBS] [-v] [SCENARIO...]\n", argv[0]);
			return 2;
		}
	}
	if (jobs < 1)
		jobs = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	trace = shared(sizeof(*trace));

	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct fn_scenario *s = &scenarios[i];
		const struct fn_target clean = { .kind = FN_CLEAN };
		struct fn_result *res;
		unsigned long points, failures, ops = 0;
		double t0 = now();
		int status;

		if (!wanted(s->name, argc, argv))
			continue;
		memset(trace, 0, sizeof(*trace));
		res = shared(sizeof(*res));
		waitpid(start(s, &clean, trace, res), &status, 0);
		if (verdict(s, &clean, res, status)) {
			total_failures++;
			munmap(res, sizeof(*res));
			continue;
		}
		munmap(res, sizeof(*res));
		for (int op = 0; op < VFIO_OP_COUNT; op++)
			ops += trace->ops[op];
		failures = sweep(s, trace, jobs, &points);
		printf("%-10s %4u calls, %5lu op calls, %4lu allocations: %5lu points, "
		       "%lu failures (%.1f s)\n", s->name, trace->nr_calls, ops, trace->allocs,
		       points, failures, now() - t0);
		total_points += points;
		total_failures += failures;
	}
	munmap(trace, sizeof(*trace));
	printf("fail-nth: %lu injection points, %lu failures\n", total_points, total_failures);
	return total_failures ? 1 : 0;
}
