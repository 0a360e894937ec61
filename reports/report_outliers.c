// SPDX-License-Identifier: GPL-2.0
/*
 * Two sections of the report document (report_doc.h), each present only
 * when the runs have what it shows:
 *
 *   doc__overhead   the tracing-overhead table (--overhead-check) with its
 *                   warnings first; doc__overhead_warnings puts the same
 *                   warnings on the first screen
 *   doc__outliers   the runs' outliers (--dump-on-outlier): per outlier
 *                   its latency and task, the scheduler's dump (folded),
 *                   and the trace window as a short per-CPU text table
 *
 * A dump and a window are text a scheduler and the traced tasks wrote:
 * made safe for a terminal first (esc_term: control characters as
 * \xNN); the renderers then escape it for their format.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/overhead.h"
#include "harness/lib/escape.h"
#include "harness/store/outliers.h"
#include "reports/report_doc.h"

/* outliers shown in full in one report; the rest are counted */
#define REPORT_MAX_OUTLIERS 12
/* slices listed per CPU in a window (the ones closest to the outlier) */
#define REPORT_WINDOW_SLICES 8
#define OVH_MAX_WARNINGS 16

/* ---- tracing overhead ---- */

static int overhead_eval(struct report_ctx *c, struct ovh_table *o)
{
	if (!c->table)
		return -ENODATA;
	return overhead__eval(c->st, c->cmp ? c->cmp->schedulers : NULL, c->runs,
			      c->cmp ? c->cmp->seed : 1, c->table, o);
}

int doc__overhead_warnings(struct report_ctx *c, struct report_doc *d, struct doc_section *sec)
{
	char lines[OVH_MAX_WARNINGS][512];
	struct ovh_table o;
	int nw;

	if (overhead_eval(c, &o))
		return 0;
	nw = overhead__warnings(&o, c->table, lines, OVH_MAX_WARNINGS);
	overhead__free(&o);
	for (int i = 0; i < nw && i < OVH_MAX_WARNINGS; i++)
		if (!doc__block(d, sec, DB_WARN,
				doc__printf(d, "%s (see Tracing overhead).", lines[i])))
			return -ENOMEM;
	return 0;
}

static const char *num(struct report_doc *d, double v)
{
	if (isnan(v))
		return NULL;
	if (v != 0 && (fabs(v) >= 1e7 || fabs(v) < 1e-3))
		return doc__printf(d, "%.3g", v);
	return doc__printf(d, "%.4g", v);
}

static const char *med_ci(struct report_doc *d, double med, double lo, double hi)
{
	if (isnan(med))
		return NULL;
	if (isnan(lo))
		return num(d, med);
	return doc__printf(d, "%s [%s, %s]", num(d, med), num(d, lo), num(d, hi));
}

int doc__overhead(struct report_ctx *c, struct report_doc *d)
{
	static const char *const head[] = { "metric", "unit", "scheduler", "n traced",
					    "n untraced", "traced median [95 % CI]",
					    "untraced median [95 % CI]", "overhead",
					    "overhead 95 % CI" };
	static const bool isnum[] = { false, false, false, true, true, true, true, true, true };
	char lines[OVH_MAX_WARNINGS][512];
	struct doc_section *sec;
	struct doc_table *tb;
	struct doc_block *b;
	struct ovh_table o;
	int nw, err = -ENOMEM;

	if (overhead_eval(c, &o))
		return 0;
	sec = doc__section(d, "overhead", "Tracing overhead", true);
	if (!sec)
		goto out;
	nw = overhead__warnings(&o, c->table, lines, OVH_MAX_WARNINGS);
	sec->summary = nw ? doc__printf(d, "%d warning%s: tracing moves a metric as much as a"
					" verdict claims", nw, nw == 1 ? "" : "s") :
			    "within no verdict's reach";
	if (!doc__block(d, sec, DB_PARA,
			"--overhead-check: every scheduler also ran untraced in each round,"
			" interleaved with the traced runs and left out of the comparison. Per"
			" primary metric: medians with their 95 % bootstrap CIs, and the overhead,"
			" traced vs untraced, with its bootstrap CI."))
		goto out;
	for (int i = 0; i < nw && i < OVH_MAX_WARNINGS; i++)
		if (!doc__block(d, sec, DB_WARN, doc__printf(d, "%s", lines[i])))
			goto out;
	tb = doc__table(d, 9, o.nmetrics * o.nsched);
	b = doc__block(d, sec, DB_TABLE, NULL);
	if (!tb || !b)
		goto out;
	b->table = tb;
	b->id = "overhead-table";
	for (int i = 0; i < 9; i++) {
		tb->head[i] = head[i];
		tb->num[i] = isnum[i];
	}
	for (int k = 0; k < o.nmetrics; k++)
		for (int s = 0; s < o.nsched; s++) {
			const struct ovh_row *r = overhead__row(&o, k, s);
			int row = k * o.nsched + s;

			tb->group[row] = !s;
			if (!s)
				doc__cell(tb, row, 0)->text = doc__printf(d, "%s", r->metric);
			doc__cell(tb, row, 1)->text = doc__printf(d, "%s", r->unit);
			doc__cell(tb, row, 2)->text = doc__printf(d, "%s", r->sched);
			doc__cell(tb, row, 3)->text = doc__printf(d, "%d", r->nt);
			doc__cell(tb, row, 4)->text = doc__printf(d, "%d", r->nu);
			doc__cell(tb, row, 5)->text = med_ci(d, r->med_t, r->lo_t, r->hi_t);
			doc__cell(tb, row, 6)->text = med_ci(d, r->med_u, r->lo_u, r->hi_u);
			if (!isnan(r->pct))
				doc__cell(tb, row, 7)->text = doc__printf(d, "%+.1f %%", r->pct);
			if (!isnan(r->pct_lo))
				doc__cell(tb, row, 8)->text =
					doc__printf(d, "[%+.1f, %+.1f] %%", r->pct_lo, r->pct_hi);
		}
	if (!nw && !doc__block(d, sec, DB_PARA, "No verdict claims a difference within the reach"
						" of the tracing overhead."))
		goto out;
	err = 0;
out:
	overhead__free(&o);
	return err;
}

/* ---- outliers ---- */

/* s made safe for a terminal, as a string the document owns */
static const char *term_text(struct report_doc *d, const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	const char *r;

	if (!m) {
		d->oom = true;
		return NULL;
	}
	esc_term_text(m, s);
	if (fclose(m)) {
		free(buf);
		d->oom = true;
		return NULL;
	}
	r = doc__printf(d, "%s", buf);
	free(buf);
	return r;
}

/* the window of o as text the document owns; NULL with no slices */
static const char *window_text(struct report_ctx *c, struct report_doc *d, int64_t run_id,
			       const struct q_outlier *o)
{
	struct q_slice *sl = NULL;
	char *buf = NULL;
	size_t len = 0;
	const char *r = NULL;
	FILE *m;
	int n = 0;

	if (store__q_outlier_slices(c->st, run_id, o->seq, &sl, &n))
		return NULL;
	m = open_memstream(&buf, &len);
	if (m) {
		outliers__print_window(o, sl, n, m, REPORT_WINDOW_SLICES);
		if (!fclose(m))
			r = doc__printf(d, "%s", buf);
		free(buf);
	}
	free(sl);
	return r;
}

static const char *dump_words(const struct q_outlier *o)
{
	if (!strcmp(o->dump, "taken"))
		return "SysRq-D written, but no sched_ext_dump line reached the trace";
	if (!strcmp(o->dump, "no_sched_ext"))
		return "no dump: no sched_ext scheduler (nothing to dump)";
	if (!strcmp(o->dump, "no_trace"))
		return "no dump and no window: the run was not traced";
	if (!strcmp(o->dump, "failed"))
		return "no dump: the trigger failed";
	return "no dump: the run ended before it was triggered";
}

static int one_outlier(struct report_ctx *c, struct report_doc *d, struct doc_section *sec,
		       const struct q_run *r, const struct q_outlier *o)
{
	struct doc_block *b;
	const char *win;

	if (!doc__block(d, sec, DB_PARA,
			doc__printf(d, "Outlier %d of run %lld: %.3f ms %s latency of %s[%d]", o->seq,
				    (long long)r->id, o->latency_ns / 1e6, o->kind, o->comm,
				    o->pid)))
		return -ENOMEM;
	if (!strcmp(o->dump, "taken") && o->dump_text) {
		b = doc__block(d, sec, DB_PRE, term_text(d, o->dump_text));
		if (!b)
			return -ENOMEM;
		b->label = doc__printf(d, "scheduler dump (SysRq-D written %.3f ms after the late"
				       " task ran)", (o->dump_start - o->ts) / 1e6);
	} else {
		const char *w = dump_words(o);

		if (!strcmp(o->dump, "failed") && o->dump_error[0])
			w = doc__printf(d, "%s: %s", w, o->dump_error);
		if (!doc__block(d, sec, DB_PARA, w))
			return -ENOMEM;
	}
	if (o->window_end && (win = window_text(c, d, r->id, o))) {
		b = doc__block(d, sec, DB_PRE, win);
		if (!b)
			return -ENOMEM;
		b->label = doc__printf(d, "what ran on each CPU, outlier %d of run %lld (ms from"
				       " when the wakeup was due)", o->seq, (long long)r->id);
		b->open = true;
	}
	return 0;
}

int doc__outliers(struct report_ctx *c, struct report_doc *d)
{
	struct doc_section *sec = NULL;
	int shown = 0, more = 0, nruns = 0, dumps = 0;
	int64_t seen = 0;

	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		struct q_outlier_run o;
		int err = 0;

		if (store__q_outliers(c->st, r->id, &o))
			continue;
		if (isnan(o.threshold_us)) {
			q_outlier_run__free(&o);
			continue;
		}
		if (!nruns++) {
			sec = doc__section(d, "outliers", "Outliers", true);
			if (!sec || !doc__block(d, sec, DB_PARA,
						"Wakeup latencies of the probe above the"
						" --dump-on-outlier threshold; the first of each run"
						" with the scheduler's dump taken at that moment and"
						" what ran on each CPU from before the late wakeup was"
						" due until it ran.")) {
				q_outlier_run__free(&o);
				return -ENOMEM;
			}
		}
		seen += o.seen;
		if (!doc__block(d, sec, DB_PARA,
				doc__printf(d, "Run %lld, %s%s: %lld above %g us, %d kept%s", (long long)r->id,
					    r->scheduler, r->trace ? "" : " (untraced)",
					    (long long)o.seen, o.threshold_us, o.n,
					    o.during_dump ? doc__printf(d, ", %lld more during a dump",
									(long long)o.during_dump) :
							    "")))
			err = -ENOMEM;
		for (int k = 0; !err && k < o.n; k++) {
			if (!strcmp(o.v[k].dump, "taken") && o.v[k].dump_text)
				dumps++;
			if (shown >= REPORT_MAX_OUTLIERS) {
				more++;
				continue;
			}
			err = one_outlier(c, d, sec, r, &o.v[k]);
			shown++;
		}
		q_outlier_run__free(&o);
		if (err)
			return err;
	}
	if (!sec)
		return 0;
	if (more && !doc__block(d, sec, DB_PARA,
				doc__printf(d, "%d more outliers: scxbench show RUN --outliers", more)))
		return -ENOMEM;
	sec->summary = doc__printf(d, "%lld above the threshold in %d run%s, %d kept, %d dump%s",
				   (long long)seen, nruns, nruns == 1 ? "" : "s", shown + more, dumps,
				   dumps == 1 ? "" : "s");
	return 0;
}
