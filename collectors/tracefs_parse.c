// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs collector, analysing half. After the run, the per-CPU files of
 * raw ring-buffer sub-buffers are merged by timestamp and walked once;
 * what each event means is counted per task, then stored per task and
 * summed per role. The parse is five files, one concern each (their
 * shared state is in trace_parse_impl.h):
 *
 *   trace_pages.c    the per-CPU cursors and the timestamp merge: untrusted
 *                    pages and events are rejected there
 *   trace_events.c   tracepoint layouts; wakeup latency, runqueue wait,
 *                    on-CPU time and switches from sched_* events
 *   trace_tasks.c    the task table, sparse per-task histograms, antagonists
 *   trace_outliers.c each outlier's trace window and dump (--dump-on-outlier)
 *   tracefs_parse.c  (this file) set-up and teardown, per-CPU loss
 *                    accounting, and the metrics and rows a run stores
 *
 * Memory: one 1 MiB window per CPU file, the task table and its sparse
 * histograms (trace_tasks.c says why they are sparse); full histograms
 * exist only per role and as one scratch for storing (emit()).
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>
#include <tracefs.h>

#include "collectors/trace_collector.h"
#include "collectors/trace_parse_impl.h"
#include "harness/lib/log.h"
#include "harness/lib/outlier_ring.h"
#include "harness/lib/results.h"
#include "harness/lib/util.h"
#include "harness/store/store.h"
#include "harness/store/trace.h"

#define TOP_ANTAGONISTS 10

static const char *const role_names[NR_ROLES] = { "probe", "hackbench", "hog", "other", "cmd",
						 "replay" };

/* What the walk counted, into the run: a task_stats row per task, per role
 * the summed wakeup histogram and metrics, the top antagonists of each
 * probe task, the sched_ext event sums, and the trace's own counters. */
static int emit(struct parser *p, struct results *res, uint64_t events, uint64_t lost,
		uint64_t bad_pages)
{
	struct hist *rh[NR_ROLES] = { 0 }, *scratch;
	struct store_tasks *tw;
	uint64_t run_ns[NR_ROLES] = { 0 }, rq_ns[NR_ROLES] = { 0 }, invol[NR_ROLES] = { 0 },
		 vol[NR_ROLES] = { 0 }, migr[NR_ROLES] = { 0 }, ntasks[NR_ROLES] = { 0 };
	char name[64];
	int err = 0;

	scratch = malloc(sizeof(*scratch));
	tw = store__tasks_begin(p->st, p->run_id);
	if (!scratch || !tw) {
		err = scratch ? -EIO : -ENOMEM;
		goto out;
	}
	hist__init(scratch);
	for (int r = 0; r < NR_ROLES; r++) {
		rh[r] = malloc(sizeof(struct hist));
		if (!rh[r]) {
			err = -ENOMEM;
			goto out;
		}
		hist__init(rh[r]);
	}
	for (size_t i = 0; i < p->cap; i++) {
		struct task *t = &p->tasks[i];
		struct task_stat_row row;
		enum role r;

		if (!t->pid)
			continue;
		r = trace_tasks__role_of(t);
		if (t->lat.count) {
			/* the scratch holds only this task's buckets: cleared
			 * again below, bucket by bucket */
			sparse_hist__spill(&t->lat, scratch, rh[r]);
			scratch->count = t->lat.count;
			scratch->sum = t->wait_ns;
			scratch->min = t->lat.min;
			scratch->max = t->wait_max_ns;
			rh[r]->count += t->lat.count;
			rh[r]->sum += t->wait_ns;
			if (t->lat.min < rh[r]->min)
				rh[r]->min = t->lat.min;
			if (t->wait_max_ns > rh[r]->max)
				rh[r]->max = t->wait_max_ns;
		}
		row = (struct task_stat_row){
			.pid = t->pid, .comm = t->comm, .role = role_names[r],
			.wakeups = t->wakeups, .wait_ns = t->wait_ns, .wait_max_ns = t->wait_max_ns,
			.rq_wait_ns = t->rq_wait_ns, .run_ns = t->run_ns, .switches_vol = t->vol,
			.switches_invol = t->invol, .migrations = t->migr,
			.hist = t->lat.count ? scratch : NULL,
		};
		err = store__tasks_add(tw, &row);
		if (t->lat.count)
			sparse_hist__unspill(&t->lat, scratch);
		if (err)
			goto out;
		run_ns[r] += t->run_ns;
		rq_ns[r] += t->rq_wait_ns;
		invol[r] += t->invol;
		vol[r] += t->vol;
		migr[r] += t->migr;
		ntasks[r]++;
	}
	for (int r = 0; r < NR_ROLES; r++) {
		if (!ntasks[r])
			continue;
		if (rh[r]->count) {
			snprintf(name, sizeof(name), "trace_wakeup_%s", role_names[r]);
			err = results__add_latency(res, name, rh[r]);
			if (err)
				goto out;
		}
#define ADD(fmt, v, unit, better) do { \
		snprintf(name, sizeof(name), fmt, role_names[r]); \
		err = results__add_metric(res, name, v, unit, better); \
		if (err) \
			goto out; \
	} while (0)
		ADD("trace_tasks_%s", ntasks[r], "", BETTER_NONE);
		ADD("trace_oncpu_%s", run_ns[r] / 1e9, "s", BETTER_NONE);
		ADD("trace_rqwait_%s", rq_ns[r] / 1e6, "ms", BETTER_LOWER);
		ADD("trace_switches_vol_%s", vol[r], "", BETTER_NONE);
		ADD("trace_switches_invol_%s", invol[r], "", BETTER_LOWER);
		ADD("trace_migrations_%s", migr[r], "", BETTER_LOWER);
#undef ADD
		/* what a replay is compared with its capture on */
		if (p->burst[r] && p->burst[r]->count) {
			snprintf(name, sizeof(name), "trace_burst_%s", role_names[r]);
			err = results__add_hist(res, name, "ns", p->burst[r]);
		}
		if (!err && p->sleep[r] && p->sleep[r]->count) {
			snprintf(name, sizeof(name), "trace_sleep_%s", role_names[r]);
			err = results__add_hist(res, name, "ns", p->sleep[r]);
		}
		if (err)
			goto out;
	}

	/* top antagonists per probe task */
	if (p->ant_nr) {
		size_t n = trace_tasks__sort_antagonists(p);

		for (size_t i = 0, rank = 0; i < n; i++) {
			int victim = (int)(p->ant[i].key >> 32), pid = (int)(uint32_t)p->ant[i].key;
			struct task *t;

			rank = (i && (p->ant[i - 1].key >> 32) == (uint64_t)(uint32_t)victim) ? rank + 1 : 0;
			if (rank >= TOP_ANTAGONISTS)
				continue;
			t = trace_tasks__find(p, pid);
			err = store__add_antagonist(p->st, p->run_id, victim, pid, t ? t->comm : "",
						    p->ant[i].wait_ns, p->ant[i].count);
			if (err)
				goto out;
		}
		p->ant_nr = 0;
		memset(p->ant, 0, p->ant_cap * sizeof(*p->ant));
	}
	for (int i = 0; i < p->nr_scx_ev; i++) {
		snprintf(name, sizeof(name), "scx_trace_event.%s", p->scx_ev[i].name);
		err = results__add_metric(res, name, (double)p->scx_ev[i].sum, "", BETTER_NONE);
		if (err)
			goto out;
	}
	/* where tasks moved: within an SMT core, an LLC, across LLCs of a
	 * node, across nodes (a topology-aware scheduler keeps the far ones
	 * down; runs of one topology only are ever compared) */
	if (p->topo) {
		static const struct {
			int rel;
			const char *name;
			enum better better;
		} mk[] = {
			{ TOPO_SAME_CORE, "trace_migr_same_core", BETTER_NONE },
			{ TOPO_SAME_LLC, "trace_migr_same_llc", BETTER_NONE },
			{ TOPO_SAME_NODE, "trace_migr_cross_llc", BETTER_LOWER },
			{ TOPO_CROSS_NODE, "trace_migr_cross_node", BETTER_LOWER },
		};

		for (size_t i = 0; i < sizeof(mk) / sizeof(mk[0]) && !err; i++)
			err = results__add_metric(res, mk[i].name, (double)p->migr_rel[mk[i].rel], "",
						  mk[i].better);
		if (err)
			goto out;
	}
	err = results__add_metric(res, "trace_events", (double)events, "", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "trace_lost", (double)lost, "", BETTER_LOWER);
	if (!err && bad_pages)
		err = results__add_metric(res, "trace_bad_pages", (double)bad_pages, "", BETTER_LOWER);
out:
	for (int r = 0; r < NR_ROLES; r++)
		free(rh[r]);
	free(scratch);
	store__tasks_end(tw);
	return err;
}

/* A whole (small) file, NUL-terminated; NULL when it cannot be read. */
static char *slurp_file(const char *path, size_t *len)
{
	size_t cap = 8192, n;
	char *buf = malloc(cap), *nb;
	FILE *f = buf ? fopen(path, "re") : NULL;

	*len = 0;
	if (!f) {
		free(buf);
		return NULL;
	}
	while ((n = fread(buf + *len, 1, cap - *len - 1, f)) > 0) {
		*len += n;
		if (*len + 1 < cap)
			continue;
		nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			fclose(f);
			return NULL;
		}
		buf = nb;
		cap *= 2;
	}
	fclose(f);
	buf[*len] = 0;
	return buf;
}

/*
 * The layouts of the events of these systems only: what
 * tracefs_local_events_system() does without what it adds after
 * (/proc/kallsyms, printk_formats, saved_cmdlines, none of which the
 * parse uses): reading kallsyms took 2.3 s of a 2.4 s parse in a TCG
 * guest, 0.3 s here.
 */
static struct tep_handle *load_formats(const char *tracing_dir, const char *const *systems)
{
	struct tep_handle *tep = tep_alloc();
	char *dir = tracing_dir ? strdup(tracing_dir) : tracefs_tracing_dir() ?
		    strdup(tracefs_tracing_dir()) : NULL;
	char path[PATH_MAX], *buf;
	size_t len;
	bool any = false;

	if (!tep || !dir)
		goto fail;
	snprintf(path, sizeof(path), "%s/events/header_page", dir);
	buf = slurp_file(path, &len);
	if (!buf || tep_parse_header_page(tep, buf, len, sizeof(long))) {
		free(buf);
		goto fail;
	}
	free(buf);
	for (int i = 0; systems[i]; i++) {
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "%s/events/%s", dir, systems[i]);
		d = opendir(path);
		while (d && (de = readdir(d))) {
			if (de->d_name[0] == '.' ||
			    snprintf(path, sizeof(path), "%s/events/%s/%s/format", dir, systems[i],
				     de->d_name) >= (int)sizeof(path))
				continue;
			buf = slurp_file(path, &len);
			/* a format that does not parse is not one we use */
			if (buf && !tep_parse_event(tep, buf, len, systems[i]))
				any = true;
			free(buf);
		}
		if (d)
			closedir(d);
	}
	free(dir);
	if (any)
		return tep;
	tep_free(tep);
	return NULL;
fail:
	free(dir);
	tep_free(tep);
	return NULL;
}

int trace_parse__run(const struct trace_parse_input *in, struct store *st, int64_t run_id,
		     struct results *res)
{
	static const char *const systems[] = { "sched", "sched_ext", NULL };
	struct tep_handle *tep = NULL;
	struct cursor *cur = NULL;
	struct parser *p = NULL;
	uint64_t events = 0, lost = 0, bad = 0, t0 = now_mono_ns();
	int err = 0;

	p = calloc(1, sizeof(*p));
	cur = calloc(in->ncpus, sizeof(*cur));
	if (p)
		p->cpus = calloc(in->ncpus, sizeof(*p->cpus));
	for (int i = 0; cur && i < in->ncpus; i++)
		cur[i].fd = -1;
	if (!p || !cur || !p->cpus) {
		err = -ENOMEM;
		goto out;
	}
	p->ps = in->page_size;
	p->ncpus = in->ncpus;
	p->topo = topo_view__current();
	p->st = st;
	p->run_id = run_id;
	if (in->page_size < 64 || in->page_size > (1u << 20)) {
		err = -EINVAL;
		goto out;
	}
	tep = load_formats(in->tracing_dir, systems);
	if (!tep) {
		pr_err("trace: cannot read the event formats from %s\n",
		       in->tracing_dir ? in->tracing_dir : "tracefs");
		err = -ENOENT;
		goto out;
	}
	err = trace_events__setup(p, tep);
	if (err)
		goto out;
	err = trace_tasks__init(p);
	if (err)
		goto out;
	if (in->outliers && outlier_ring__nr(in->outliers)) {
		if (in->clock_mono)
			err = trace_outliers__init(p, in->outliers, in->outlier_window_ns);
		else
			err = store__add_note(st, run_id, "tracefs", "outliers: the trace clock is not"
					      " mono, so no dump or window could be placed");
		if (err)
			goto out;
	}
	/* tasks whose role comes from their ancestry (the cmd workload) */
	for (int i = 0; i < results__nr_task_roots(res); i++) {
		const struct task_root *tr = results__task_root(res, i);

		for (int r = 0; r < NR_ROLES; r++)
			if (!strcmp(tr->role, role_names[r])) {
				err = trace_tasks__reserve(p, 1);
				if (err)
					goto out;
				trace_tasks__get(p, tr->pid)->set_role = (uint8_t)(r + 1);
			}
	}
	for (int i = 0; i < in->ncpus; i++) {
		err = trace_pages__open(&cur[i], i, in->paths[i], p->ps);
		if (err)
			goto out;
	}
	if (in->keep_events) {
		p->se = store__events_begin(st, run_id);
		if (!p->se) {
			err = -EIO;
			goto out;
		}
	}

	err = trace_pages__merge(p, cur, in->ncpus);
	if (err)
		goto out;
	if (p->se) {
		err = store__events_end(p->se);
		p->se = NULL;
		if (err)
			goto out;
	}

	for (int i = 0; i < in->ncpus; i++) {
		const struct trace_cpu_stats *s = &in->stats[i];
		uint64_t l = s->overrun + s->commit_overrun + s->dropped;
		struct trace_cpu_row row;

		/* the pages' own missed-events marks, when stats missed some */
		if (cur[i].missed > l)
			l = cur[i].missed;
		/* a rejected page lost at least one event */
		l += cur[i].bad_pages;
		row = (struct trace_cpu_row){ .cpu = i, .events = cur[i].events,
			.overrun = s->overrun + s->commit_overrun, .dropped = s->dropped, .lost = l };
		err = store__add_trace_cpu(st, run_id, &row);
		if (err)
			goto out;
		events += cur[i].events;
		lost += l;
		bad += cur[i].bad_pages;
	}
	if (lost) {
		pr_warn("trace: %" PRIu64 " events lost (%s): figures derived from the trace are incomplete\n",
			lost, bad ? "malformed pages rejected" : "buffer too small for this load?");
		err = store__set_lost_events(st, run_id, (int64_t)lost);
		if (err)
			goto out;
		if (bad) {
			char note[128];

			snprintf(note, sizeof(note), "%" PRIu64 " malformed trace pages rejected", bad);
			err = store__add_note(st, run_id, "tracefs", note);
			if (err)
				goto out;
		}
	}
	err = emit(p, res, events, lost, bad);
	if (!err)
		err = trace_outliers__store(p);
	if (err)
		goto out;
	{
		double secs = (now_mono_ns() - t0) / 1e9;

		pr_debug("trace: %" PRIu64 " events, %zu tasks parsed in %.3f s (%.2f M events/s)\n",
			 events, p->nr, secs, secs > 0 ? events / secs / 1e6 : 0);
		results__add_metric(res, "trace_parse_s", secs, "s", BETTER_NONE);
	}
out:
	if (p && p->se)
		store__events_abort(p->se);
	for (int i = 0; cur && i < in->ncpus; i++)
		trace_pages__close(&cur[i]);
	free(cur);
	if (p) {
		trace_outliers__free(p);
		trace_tasks__free(p);
		free(p->cpus);
		free(p);
	}
	if (tep)
		tep_free(tep);
	return err;
}
