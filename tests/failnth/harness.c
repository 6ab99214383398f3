// SPDX-License-Identifier: MIT
/*
 * One run of a scenario, with or without an injected failure, and every check
 * made of it.
 *
 * A clean run records each public call (its result, its message) and each op
 * call and libvfio allocation inside it, in order.  A run with an injection is
 * the same run up to the injected failure, so the clean record says what the
 * call that meets it must do:
 *  - when the call succeeded on the clean run, or failed there but the
 *    injected failure comes before the call had recorded that error, the call
 *    returns the injected errno (-EREMOTEIO for an op, -ENOMEM for an
 *    allocation) and leaves a message that names the op and carries the
 *    errno's text;
 *  - when the call failed on the clean run and the injected failure comes
 *    after it had recorded that error (a rollback, or the rest of a clean-up
 *    that goes on past failures), the first error stands: the call returns the
 *    clean run's errno with the clean run's message, word for word.
 * Then the scenario stops; the harness checks that what it still holds works
 * (a read from each device, a byte of each mapping, each group's status, the
 * container's mapping list against the sim's IOMMU and a map/unmap), closes it
 * all (each close returns 0), and checks that no sim handle is left open, that
 * the process has as many fds as before the run and that every allocation of
 * libvfio's was freed.  LeakSanitizer, in the ASan build, checks the rest at
 * the end of the run's process.
 */

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"

/* The probe mapping made in the container after a failure: clear of every scenario's. */
#define PROBE_IOVA 0x7f000000ull

static struct {
	struct fn_target t;
	bool armed;              /* the injection may still fire */
	struct fn_trace *trace;  /* written by a clean run, read by the others */
	struct fn_result *res;
	uint32_t call;           /* public calls made so far */
	unsigned long ops[VFIO_OP_COUNT];
	unsigned long allocs;
	long live;
	bool fired;
	uint32_t fired_call;
	uint32_t target_event;   /* the injected call's event in the clean trace */
} H;

static void flunk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void flunk(const char *fmt, ...)
{
	struct fn_result *res = H.res;
	size_t used = strlen(res->text);
	va_list ap;

	if (res->nfail++ && used + 3 < sizeof(res->text)) {
		strcpy(res->text + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	if (used < sizeof(res->text))
		vsnprintf(res->text + used, sizeof(res->text) - used, fmt, ap);
	va_end(ap);
}

static uint32_t msg_hash(const char *s)
{
	uint32_t h = 2166136261u;

	if (!*s)
		return 0;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h ? h : 1;
}

static void record(enum fn_kind kind, enum vfio_backend_op op, unsigned long k)
{
	struct fn_trace *tr = H.trace;

	if (tr->nr_events == FN_MAX_EVENTS) {
		tr->overflow = true;
		return;
	}
	tr->ev[tr->nr_events++] = (struct fn_event){
		.kind = (uint8_t)kind,
		.op = (uint8_t)op,
		.k = (uint32_t)k,
		.call = H.call,
		.hash = msg_hash(vfio_last_error()),
	};
}

/* Whether the k-th event of this kind is the injected one. */
static bool hit(enum fn_kind kind, enum vfio_backend_op op, unsigned long k)
{
	if (!H.armed || H.t.kind != kind || H.t.k != k || (kind == FN_OP && H.t.op != op))
		return false;
	H.armed = false;
	H.fired = true;
	H.fired_call = H.call;
	return true;
}

bool fn_op_enter(enum vfio_backend_op op)
{
	unsigned long k = ++H.ops[op];

	if (H.t.kind == FN_CLEAN) {
		if (fn_in_lib)
			record(FN_OP, op, k);
		return false;
	}
	return hit(FN_OP, op, k);
}

bool fn_alloc_enter(void)
{
	unsigned long k = ++H.allocs;

	if (H.t.kind == FN_CLEAN) {
		record(FN_ALLOC, VFIO_OP_COUNT, k);
		return false;
	}
	return hit(FN_ALLOC, VFIO_OP_COUNT, k);
}

void fn_live_add(long n)
{
	H.live += n;
}

const char *fn_target_name(const struct fn_target *t, char *buf, size_t len)
{
	switch (t->kind) {
	case FN_CLEAN:
		snprintf(buf, len, "clean run");
		break;
	case FN_OP:
		snprintf(buf, len, "op %s #%lu", vfio_backend_op_name(t->op), t->k);
		break;
	case FN_ALLOC:
		snprintf(buf, len, "allocation #%lu", t->k);
		break;
	}
	return buf;
}

void fn_begin(struct fn_run *r)
{
	(void)r;
	vfio_clear_error();
	fn_in_lib = 1;
}

/* The word a message uses for an op: its ioctl name, or the file operation's verb. */
static const char *op_word(enum vfio_backend_op op)
{
	switch (op) {
	case VFIO_OP_PREAD:
		return "read";
	case VFIO_OP_PWRITE:
		return "write";
	default:
		return vfio_backend_op_name(op); /* open, close, readlink, mmap, munmap, VFIO_... */
	}
}

/* The call that met the injected failure returned @rc: was it what the clean run says? */
static void check_injected(int rc, const char *what, int line)
{
	const struct fn_event *e = &H.trace->ev[H.target_event];
	const struct fn_call_rec *cr = &H.trace->call[H.fired_call];
	const char *msg = vfio_last_error();
	int err = H.t.kind == FN_OP ? FN_ERR : ENOMEM;
	char errtext[128];
	const char *etext = strerror_r(err, errtext, sizeof(errtext));

	if (e->call != H.fired_call) {
		flunk("line %d: %s met the injected failure, which the clean run made in public "
		      "call %u, not %u", line, what, e->call, H.fired_call);
		return;
	}
	snprintf(H.res->note, sizeof(H.res->note), "line %d: %s = %d%s: %s", line, what, rc,
		 cr->rc && H.target_event >= cr->decided ? " (its first error kept)" : "", msg);
	if (cr->rc && H.target_event >= cr->decided) {
		/* after the call had its error: that first error stands */
		if (rc != cr->rc)
			flunk("line %d: %s = %d after a failure in its clean-up; expected its "
			      "first error %d (%s)", line, what, rc, cr->rc, cr->msg);
		else if (strcmp(msg, cr->msg))
			flunk("line %d: %s: a failure in its clean-up changed its message "
			      "from \"%s\" to \"%s\"", line, what, cr->msg, msg);
		return;
	}
	if (rc != -err) {
		flunk("line %d: %s = %d (%s), expected %d", line, what, rc, msg, -err);
		return;
	}
	if (!strstr(msg, etext))
		flunk("line %d: %s: the message \"%s\" lacks \"%s\"", line, what, msg, etext);
	else if (H.t.kind == FN_OP && !strstr(msg, op_word(H.t.op)))
		flunk("line %d: %s: the message \"%s\" does not name %s", line, what, msg,
		      op_word(H.t.op));
	else if (strlen(msg) < strlen(etext) + 4)
		flunk("line %d: %s: the message \"%s\" names no operation", line, what, msg);
}

bool fn_end(struct fn_run *r, int rc, int expect, const char *what, int line)
{
	uint32_t idx = H.call++;

	fn_in_lib = 0;
	if (H.t.kind == FN_CLEAN) {
		struct fn_trace *tr = H.trace;
		struct fn_call_rec *cr;
		uint32_t final;

		if (tr->nr_calls == FN_MAX_CALLS) {
			tr->overflow = true;
			r->stop = true;
			return false;
		}
		cr = &tr->call[tr->nr_calls++];
		cr->rc = rc;
		cr->line = line;
		cr->end = tr->nr_events;
		cr->first = idx ? tr->call[idx - 1].end : 0;
		snprintf(cr->msg, sizeof(cr->msg), "%s", vfio_last_error());
		final = msg_hash(cr->msg);
		cr->decided = cr->end;
		if (rc)
			for (uint32_t e = cr->first; e < cr->end; e++)
				if (final && tr->ev[e].hash == final) {
					cr->decided = e;
					break;
				}
		if (rc != expect) {
			flunk("line %d: %s = %d (%s), expected %d", line, what, rc,
			      vfio_last_error(), expect);
			r->stop = true;
		} else if (rc && !vfio_last_error()[0]) {
			flunk("line %d: %s = %d left no message", line, what, rc);
			r->stop = true;
		}
		return !r->stop;
	}
	if (H.fired && H.fired_call == idx) {
		check_injected(rc, what, line);
		r->stop = true;
		return false;
	}
	if (idx >= H.trace->nr_calls || rc != H.trace->call[idx].rc) {
		flunk("line %d: %s = %d (%s) before the injection, not as on the clean run", line,
		      what, rc, vfio_last_error());
		r->stop = true;
		return false;
	}
	return true;
}

bool fn_check(struct fn_run *r, bool ok, const char *what, int line)
{
	if (!ok) {
		flunk("line %d: %s does not hold", line, what);
		r->stop = true;
	}
	return ok;
}

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!dir)
		return -1;
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* A libvfio call made by the harness after the scenario: it must succeed. */
#define AFTER(expr)                                                                        \
	do {                                                                               \
		vfio_clear_error();                                                        \
		fn_in_lib = 1;                                                             \
		int rc_ = (expr);                                                          \
		fn_in_lib = 0;                                                             \
		if (rc_)                                                                   \
			flunk("after the run, %s = %d (%s)", #expr, rc_,                   \
			      vfio_last_error());                                          \
	} while (0)

/* After the injected failure: does what the scenario still holds work? */
static void probe(struct fn_run *r)
{
	bool joined = false;

	for (int i = 0; i < FN_SLOTS; i++) {
		const struct vfio_mmap_area *a;
		size_t n = r->m[i] ? vfio_region_mapping_areas(r->m[i], &a) : 0;

		for (size_t j = 0; j < n; j++)
			(void)*(volatile uint8_t *)a[j].addr; /* faults if it was unmapped */
	}
	for (int i = 0; i < FN_SLOTS; i++) {
		struct vfio_device *d = r->d[i];
		unsigned int idx;
		uint32_t v;

		if (!d)
			continue;
		joined = true;
		for (idx = 0; idx < vfio_device_num_regions(d); idx++) {
			const struct vfio_region_desc *rd;

			fn_in_lib = 1;
			int rc = vfio_region_get(d, idx, &rd);
			fn_in_lib = 0;
			if (!rc && (rd->flags & VFIO_REGION_INFO_FLAG_READ) && rd->size >= 4)
				break;
		}
		if (idx == vfio_device_num_regions(d))
			flunk("after the run, device %s has no readable region",
			      vfio_device_name(d));
		else
			AFTER(vfio_region_read(d, idx, 0, &v, sizeof(v), NULL));
	}
	for (int i = 0; i < FN_SLOTS; i++) {
		bool viable = false;

		if (!r->g[i])
			continue;
		joined = true;
		AFTER(vfio_group_viable(r->g[i], &viable));
		if (!viable)
			flunk("after the run, group %u is not viable", vfio_group_id(r->g[i]));
	}
	if (r->c) {
		enum vfio_container_mode mode = vfio_container_mode(r->c);
		bool fd_mode = mode == VFIO_CONTAINER_IOMMUFD;
		unsigned long type = vfio_container_iommu_type(r->c);
		int cfd = vfio_container_fd(r->c);
		uint32_t ioas = vfio_container_ioas_id(r->c);
		long in_sim = fd_mode ? vfio_sim_ioas_mappings(r->f->sim, cfd, ioas, NULL, 0)
				      : vfio_sim_dma_count(r->f->sim, cfd);
		uint64_t unmapped = 0;
		bool present;
		size_t n = 0;

		if (!fd_mode)
			AFTER(vfio_container_check_extension(r->c, VFIO_TYPE1_IOMMU, &present));
		AFTER(vfio_dma_list(r->c, NULL, 0, &n));
		if (!fd_mode && !type != !joined)
			flunk("after the run, the container's IOMMU type is %lu with%s a group "
			      "joined", type, joined ? "" : "out");
		if (in_sim != (type || fd_mode ? (long)n : 0))
			flunk("after the run, the container lists %zu mappings, the sim's IOMMU "
			      "holds %ld (IOMMU type %lu)", n, in_sim, type);
		if (mode == VFIO_CONTAINER_NOIOMMU)
			return; /* nothing to map */
		AFTER(vfio_dma_map(r->c, PROBE_IOVA, 4096, r->mem, VFIO_DMA_PROT_READ));
		AFTER(vfio_dma_unmap(r->c, PROBE_IOVA, 4096, &unmapped));
		if (unmapped != 4096)
			flunk("after the run, the probe mapping unmapped 0x%llx bytes",
			      (unsigned long long)unmapped);
	}
}

/* Close what the scenario still holds; every close must succeed. */
static void teardown(struct fn_run *r)
{
	struct vfio_backend *sim = vfio_sim_backend(r->f->sim);

	for (int i = 0; i < FN_SLOTS; i++)
		if (r->m[i])
			AFTER(vfio_region_munmap(r->m[i]));
	for (int i = 0; i < FN_SLOTS; i++)
		if (r->d[i])
			AFTER(vfio_device_close(r->d[i]));
	for (int i = 0; i < FN_SLOTS; i++)
		if (r->g[i])
			AFTER(vfio_group_close(r->g[i]));
	if (r->c)
		AFTER(vfio_container_close(r->c));
	if (r->kbe) {
		fn_in_lib = 1;
		vfio_backend_destroy(r->kbe);
		fn_in_lib = 0;
	}
	if (r->kvm_fd >= 0)
		sim->ops->close(sim, r->kvm_fd);
	for (int i = 0; i < FN_EFDS; i++)
		if (r->efd[i] >= 0)
			close(r->efd[i]);
}

int fn_run_one(const struct fn_scenario *s, const struct fn_target *t, struct fn_trace *trace,
	       struct fn_result *res)
{
	struct fn_run r = { .kvm_fd = -1 };
	int fds = count_fds();

	H.t = *t;
	H.armed = t->kind != FN_CLEAN;
	H.trace = trace;
	H.res = res;
	if (t->kind != FN_CLEAN) {
		for (H.target_event = 0; H.target_event < trace->nr_events; H.target_event++) {
			const struct fn_event *e = &trace->ev[H.target_event];

			if (e->kind == t->kind && e->k == t->k &&
			    (t->kind == FN_ALLOC || e->op == t->op))
				break;
		}
		if (H.target_event == trace->nr_events) {
			flunk("the clean run made no such call");
			return 1;
		}
	}
	for (int i = 0; i < FN_EFDS; i++)
		r.efd[i] = -1;
	r.f = t_fixture_new(0);
	/* the sim's eventfd thread would make the runs race with it: it stays off */
	vfio_sim_set_async_eventfds(r.f->sim, false);
	r.be = fn_shim_new(&r, r.f->be, vfio_sim_backend(r.f->sim));
	r.mem = t_pages(FN_MEM_PAGES);
	if (t->kind == FN_OP)
		vfio_fault_inject(r.f->be, t->op, t->k, FN_ERR);

	s->run(&r);

	H.armed = false;
	if (t->kind == FN_CLEAN) {
		/* the injection points: the fault wrapper's counts, which the shim's must match */
		for (int op = 0; op < VFIO_OP_COUNT; op++) {
			trace->ops[op] = vfio_fault_calls(r.f->be, op);
			if (trace->ops[op] != H.ops[op])
				flunk("the fault wrapper counted %lu calls of %s, the shim %lu",
				      trace->ops[op], vfio_backend_op_name(op), H.ops[op]);
		}
		trace->allocs = H.allocs;
		if (trace->overflow)
			flunk("the clean run made more calls than the trace holds");
		snprintf(res->note, sizeof(res->note), "%u public calls", trace->nr_calls);
	}
	vfio_fault_clear(r.f->be);
	if (t->kind != FN_CLEAN && !H.fired)
		flunk("the run never reached the injection point");
	if (H.fired)
		probe(&r);
	teardown(&r);
	if (vfio_sim_open_handles(r.f->sim))
		flunk("%u sim handles left open", vfio_sim_open_handles(r.f->sim));
	vfio_backend_destroy(r.be);
	vfio_backend_destroy(r.f->be);
	vfio_backend_destroy(vfio_sim_backend(r.f->sim));
	free(r.f);
	t_pages_free(r.mem, FN_MEM_PAGES);
	if (count_fds() != fds)
		flunk("%d fds open after the run, %d before", count_fds(), fds);
	if (H.live)
		flunk("%ld of libvfio's allocations not freed", H.live);
	return res->nfail ? 1 : 0;
}
