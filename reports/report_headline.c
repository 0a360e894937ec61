// SPDX-License-Identifier: GPL-2.0
/*
 * The report's headline (report_doc.h): what a person came for. For each
 * of the workload's primary metrics (and the coordinated-omission-
 * corrected twin of a primary latency, so that a starved probe cannot
 * hide), every scheduler's median and its change against the baseline
 * with the CI of that change, p and the verdict as the table states it;
 * a sentence per scheduler saying the same; before them the warnings that
 * change how they read (too few runs to conclude, sample counts that
 * differ, failed schedulers, lost events); after them the key figures.
 * Verdict words are shown as stored (compare.c decides them): a new word
 * reads as text, and is styled by its first word (doc__style).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/probe_samples.h"
#include "harness/lib/metric_info.h"
#include "reports/report_doc.h"
#include "workloads/workload.h"

#define MAX_HEADLINE 8

static int find_metric(const struct cmp_table *t, const char *name)
{
	for (int k = 0; k < t->nmetrics; k++)
		if (!strcmp(compare__row(t, k, 0)->metric, name))
			return k;
	return -1;
}

/* "wakeup_lat_p99" -> "wakeup_lat_co_p99" when the table has it */
static int co_twin(const struct cmp_table *t, const char *name)
{
	const char *us = strrchr(name, '_');
	char co[96];

	if (!us || strstr(name, "_co_"))
		return -1;
	snprintf(co, sizeof(co), "%.*s_co%s", (int)(us - name), name, us);
	return find_metric(t, co);
}

static int add_unique(int *v, int n, int k)
{
	for (int i = 0; i < n; i++)
		if (v[i] == k)
			return n;
	if (k >= 0 && n < MAX_HEADLINE)
		v[n++] = k;
	return n;
}

/* The headline's metrics: the workload's primary ones in its order, each
 * primary latency followed by its corrected twin; without a primary set
 * (runs of several workloads) the metric compare__primary() watches and
 * the throughput metrics. */
static int headline_metrics(const struct cmp_table *t, int *v)
{
	const struct workload *w = workload__find(t->workload);
	int n = 0;

	for (int i = 0; w && w->primary && w->primary[i]; i++) {
		int k = find_metric(t, w->primary[i]);

		if (k < 0)
			continue;
		n = add_unique(v, n, k);
		n = add_unique(v, n, co_twin(t, w->primary[i]));
	}
	if (!n) {
		double hw;
		int k = compare__primary(t, &hw);

		if (k >= 0) {
			n = add_unique(v, n, k);
			n = add_unique(v, n, co_twin(t, compare__row(t, k, 0)->metric));
		}
		for (int j = 0; j < t->nmetrics; j++) {
			struct metric_info mi;

			metric__info(compare__row(t, j, 0)->metric, &mi);
			if (mi.family == MF_THROUGHPUT && compare__row(t, j, 0)->better > 0)
				n = add_unique(v, n, j);
		}
	}
	return n;
}

static int fig_index(const struct report_ctx *c, const char *name)
{
	for (int i = 0; i < c->nfigs; i++)
		if (!strcmp(c->figs[i].name, name))
			return i;
	return -1;
}

/* The key figures: CDF and percentiles of the first primary latency,
 * the throughput change (or the first throughput figure). */
static int key_figures(const struct report_ctx *c, const int *hm, int nhm, int *figs)
{
	const struct cmp_table *t = c->table;
	int n = 0, k;
	char stem[128];

	for (int i = 0; t && i < nhm; i++) {
		const char *m = compare__row(t, hm[i], 0)->metric, *us = strrchr(m, '_');
		struct metric_info mi;

		metric__info(m, &mi);
		/* MF_TRACE: a replay's primary latency is the trace's */
		if ((mi.family != MF_LATENCY && mi.family != MF_TRACE) || !us || strstr(m, "_co_"))
			continue;
		snprintf(stem, sizeof(stem), "cdf_%.*s", (int)(us - m), m);
		if ((k = fig_index(c, stem)) >= 0 && !c->figs[k].missing[0])
			figs[n++] = k;
		snprintf(stem, sizeof(stem), "pctl_%.*s", (int)(us - m), m);
		if ((k = fig_index(c, stem)) >= 0 && !c->figs[k].missing[0])
			figs[n++] = k;
		break;
	}
	/* no primary latency: the first latency figures there are */
	for (int i = 0; !n && i < c->nfigs; i++)
		if (c->figs[i].family == MF_LATENCY && !c->figs[i].missing[0] &&
		    !strncmp(c->figs[i].name, "cdf_", 4)) {
			figs[n++] = i;
			snprintf(stem, sizeof(stem), "pctl_%s", c->figs[i].name + 4);
			if ((k = fig_index(c, stem)) >= 0 && !c->figs[k].missing[0])
				figs[n++] = k;
		}
	if ((k = fig_index(c, "tput_change")) >= 0 && !c->figs[k].missing[0]) {
		figs[n++] = k;
	} else {
		for (int i = 0; i < c->nfigs; i++)
			if (!strncmp(c->figs[i].name, "tput_", 5) && !c->figs[i].missing[0] &&
			    c->figs[i].family == MF_THROUGHPUT) {
				figs[n++] = i;
				break;
			}
	}
	return n;
}

/*
 * An undecided kind of verdict ("same", "inconclusive") in one clause:
 * with its metric and change when there is one, else counted ("the
 * other 3 metrics above"). A starred (exploratory) and a plain word say
 * the same here.
 */
static size_t undecided_clause(char *buf, size_t len, const struct cmp_table *t, int s,
			       const int *hm, int nhm, enum doc_style st, const char *plain,
			       bool other, bool last)
{
	char word[32] = "";
	int n = 0, one = -1;

	for (int i = 0; i < nhm; i++) {
		const struct q_result *r = compare__row(t, hm[i], s);
		int wl = (int)strcspn(r->verdict, "*");

		if (doc__style(r->verdict) != st)
			continue;
		if (!n++)
			snprintf(word, sizeof(word), "%.*s", wl, r->verdict);
		else if (strncmp(word, r->verdict, wl) || (int)strlen(word) != wl)
			snprintf(word, sizeof(word), "%s", plain);
		one = i;
	}
	if (!n)
		return 0;
	if (n == 1) {
		const struct q_result *r = compare__row(t, hm[one], s);
		struct metric_info mi;
		char pct[32];

		metric__info(r->metric, &mi);
		metric__format_pct(r->delta_pct, pct, sizeof(pct));
		return snprintf(buf, len, "%s %s on %s (%s)", other ? ";" : "", r->verdict, mi.label,
				pct);
	}
	/* "all 4", the remainder after other clauses "the other 3", else "2" */
	return snprintf(buf, len, "%s %s on %s%d metrics above", other ? ";" : "", word,
			n == nhm ? "all " : last ? "the other " : "", n);
}

/* "vtime vs eevdf: worse on probe wakeup latency p99 (+25 %) and
 * hackbench messages/s (-16 %); same on the other 2": every decided
 * verdict with its metrics, in the order they first appear; the
 * undecided ones (same, inconclusive: the table says by how much and how
 * many rounds would decide) counted, so that a sentence stays short */
static const char *verdict_sentence(struct report_doc *d, const struct cmp_table *t, int s,
				    const int *hm, int nhm)
{
	char buf[2048];
	bool done[MAX_HEADLINE] = { false };
	int nclause = 0, ninc = 0;
	size_t l;

	l = snprintf(buf, sizeof(buf), "%s vs %s:", t->sched[s].name, t->sched[0].name);
	for (int i = 0; i < nhm; i++) {
		enum doc_style st = doc__style(compare__row(t, hm[i], s)->verdict);

		done[i] = st == DS_SAME || st == DS_INCONCLUSIVE;
		ninc += st == DS_INCONCLUSIVE;
	}
	for (int i = 0; i < nhm && l < sizeof(buf); i++) {
		const struct q_result *r = compare__row(t, hm[i], s);
		const char *sep = " ";
		char word[32];

		if (done[i])
			continue;
		snprintf(word, sizeof(word), "%s", r->verdict);
		l += snprintf(buf + l, sizeof(buf) - l, "%s %s on", nclause++ ? ";" : "", word);
		for (int j = i; j < nhm && l < sizeof(buf); j++) {
			const struct q_result *q = compare__row(t, hm[j], s);
			struct metric_info mi;
			char pct[32];

			if (done[j] || strcmp(q->verdict, word))
				continue;
			done[j] = true;
			metric__info(q->metric, &mi);
			metric__format_pct(q->delta_pct, pct, sizeof(pct));
			l += snprintf(buf + l, sizeof(buf) - l, "%s%s (%s)", sep, mi.label, pct);
			sep = ", ";
		}
	}
	if (l < sizeof(buf)) {
		size_t n = undecided_clause(buf + l, sizeof(buf) - l, t, s, hm, nhm, DS_SAME,
					    "the same", nclause, !ninc);

		nclause += n > 0;
		l += n;
	}
	if (l < sizeof(buf))
		undecided_clause(buf + l, sizeof(buf) - l, t, s, hm, nhm, DS_INCONCLUSIVE,
				 "inconclusive", nclause, true);
	return doc__printf(d, "%s", buf);
}

static int headline_table(struct report_doc *d, struct doc_section *sec,
			  const struct cmp_table *t, const int *hm, int nhm)
{
	struct doc_table *tb;
	struct doc_block *b;
	int nrows = nhm;

	tb = doc__table(d, 1 + t->nsched, nrows);
	b = doc__block(d, sec, DB_TABLE, NULL);
	if (!tb || !b)
		return -ENOMEM;
	b->table = tb;
	b->id = "verdicts";
	tb->head[0] = "metric";
	for (int s = 0; s < t->nsched; s++) {
		tb->head[1 + s] = s ? t->sched[s].name :
				      doc__printf(d, "%s (baseline)", t->sched[0].name);
		tb->num[1 + s] = true;
	}
	for (int i = 0; i < nhm; i++) {
		struct metric_info mi;

		metric__info(compare__row(t, hm[i], 0)->metric, &mi);
		doc__cell(tb, i, 0)->text = doc__printf(d, "%s", mi.label);
		for (int s = 0; s < t->nsched; s++) {
			const struct q_result *r = compare__row(t, hm[i], s);
			struct doc_cell *cl = doc__cell(tb, i, 1 + s);
			char ci[80];

			cl->text = doc__value(d, r->median, r->unit);
			if (!s) {
				metric__format_ci(r->ci_lo, r->ci_hi, r->unit, ci, sizeof(ci));
				cl->note = isnan(r->ci_lo) ? NULL : doc__printf(d, "CI %s", ci);
				continue;
			}
			if (!isnan(r->delta_pct))
				cl->note = doc__printf(d, "%s, p %s", doc__delta(d, r, true),
						       doc__p(d, doc__verdict_p(r)));
			cl->verdict = r->verdict;
			cl->more = doc__verdict_more(d, r);
			cl->style = doc__style(r->verdict);
		}
	}
	return 0;
}

static int headline_warnings(struct report_ctx *c, struct report_doc *d, struct doc_section *sec)
{
	const struct cmp_table *t = c->table;
	char line[512], runs[256] = "";
	int nlost = 0, l = 0;

	if (!t && !doc__block(d, sec, DB_WARN, doc__printf(d, "No comparison table: %s.",
							     c->table_missing)))
		return -ENOMEM;
	if (t && c->table_missing[0] &&
	    !doc__block(d, sec, DB_WARN, doc__printf(d, "%s.", c->table_missing)))
		return -ENOMEM;
	if (t) {
		struct probe_sample_gap g[PROBE_SAMPLES_MAX_GAPS];
		int ng = probe_samples__gaps(t, g, PROBE_SAMPLES_MAX_GAPS);

		for (int i = 0; i < ng && i < PROBE_SAMPLES_MAX_GAPS; i++) {
			probe_samples__warning(t, &g[i], line, sizeof(line));
			if (!doc__block(d, sec, DB_WARN, doc__printf(d, "%s", line)))
				return -ENOMEM;
		}
		if (t->family && t->min_p * t->family >= t->alpha &&
		    !doc__block(d, sec, DB_WARN,
				doc__printf(d, "With %d/%d successful runs the smallest reachable p is"
					    " %.3f: after Holm over %d tests nothing can be"
					    " significant. Run more rounds (--reps).",
					    t->sched[0].ok, t->nsched > 1 ? t->sched[1].ok : 0,
					    t->min_p, t->family)))
			return -ENOMEM;
		for (int s = 0; s < t->nsched; s++) {
			const struct cmp_sched *cs = &t->sched[s];

			if ((cs->sched_failed || cs->failed) &&
			    !doc__block(d, sec, DB_WARN,
					doc__printf(d, "%s: %d/%d runs survived (the scheduler failed in"
						    " %d, harness errors in %d); failed runs are not in"
						    " the numbers (see Scheduler failures).", cs->name,
						    cs->total - cs->sched_failed, cs->total,
						    cs->sched_failed, cs->failed)))
				return -ENOMEM;
		}
	}
	for (int i = 0; i < c->runs->n; i++)
		if (c->runs->v[i].lost_events) {
			if (nlost++ < 8)
				l += snprintf(runs + l, sizeof(runs) - l, "%s%lld", nlost > 1 ? ", " : "",
					      (long long)c->runs->v[i].id);
		}
	if (t && doc__overhead_warnings(c, d, sec))
		return -ENOMEM;
	if (nlost && !doc__block(d, sec, DB_WARN,
				 doc__printf(d, "%d run%s lost trace events (run%s %s%s): their trace"
					     " metrics count less than happened (see Runs).", nlost,
					     nlost > 1 ? "s" : "", nlost > 1 ? "s" : "", runs,
					     nlost > 8 ? ", ..." : "")))
		return -ENOMEM;
	if (!c->have_gnuplot &&
	    !doc__block(d, sec, DB_WARN, "gnuplot not found: figure data and scripts written, no"
				       " images (install gnuplot-nox and rerun scxbench report)."))
		return -ENOMEM;
	if (c->nfailed_render &&
	    !doc__block(d, sec, DB_WARN, doc__printf(d, "%d figures could not be rendered: their"
						     " sections say why.", c->nfailed_render)))
		return -ENOMEM;
	return 0;
}

int doc__headline(struct report_ctx *c, struct report_doc *d, int *key, int *nkey)
{
	const struct cmp_table *t = c->table;
	struct doc_section *sec = doc__section(d, "headline", NULL, false);
	struct doc_block *b;
	int hm[MAX_HEADLINE], nhm = t ? headline_metrics(t, hm) : 0, figs[4], nf, err;

	if (!sec)
		return -ENOMEM;
	if (c->cmp) {
		const struct q_run *r0 = c->runs->v;

		b = doc__block(d, sec, DB_PARA,
			       doc__printf(d, "%d shuffled rounds of %s on %s%s%s. %s%s",
					   c->cmp->reps, c->cmp->workload, c->cmp->place,
					   r0->accel[0] ? " " : "", r0->accel, doc__machine_line(d, r0),
					   t && t->nsched > 1 ?
					   doc__printf(d, " Baseline %s; primary metrics' p Holm-corrected"
						       " over %d tests, alpha %.2g; * = exploratory;"
						       " same = the change's 95 %% CI within +-%g %%;"
						       " inconclusive = not decided yet.",
						       t->sched[0].name, t->family, t->alpha,
						       t->min_effect_pct) : ""));
		if (!b)
			return -ENOMEM;
	}
	if ((err = headline_warnings(c, d, sec)))
		return err;
	if (t && t->nsched > 1 && nhm) {
		b = doc__block(d, sec, DB_LIST, NULL);
		if (!b)
			return -ENOMEM;
		for (int s = 1; s < t->nsched; s++)
			if ((err = doc__item(d, b, verdict_sentence(d, t, s, hm, nhm))))
				return err;
	}
	if (t && nhm && (err = headline_table(d, sec, t, hm, nhm)))
		return err;
	nf = key_figures(c, hm, nhm, figs);
	memcpy(key, figs, sizeof(int) * nf);
	*nkey = nf;
	if (nf) {
		b = doc__block(d, sec, DB_FIGS, NULL);
		if (!b || !(b->figs = malloc(sizeof(int) * nf)))
			return -ENOMEM;
		memcpy(b->figs, figs, sizeof(int) * nf);
		b->nfigs = nf;
		b->key = true;
		b->id = "key-figures";
	}
	return 0;
}

