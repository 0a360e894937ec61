// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluate a comparison from its stored runs (see compare_eval.h).
 *
 * Only 'ok' runs give samples. A run whose scheduler died
 * (sched_failed) is reported as survival (4/5) and never averaged in:
 * its partial numbers describe a different system. Runs stopped by the
 * user (aborted) are left out entirely.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/compare.h"
#include "harness/core/probe_samples.h"
#include "harness/lib/sched_spec.h"
#include "workloads/workload.h"
#include "harness/core/plan.h"
#include "harness/stats/stats.h"

void compare__free(struct cmp_table *t)
{
	free(t->sched);
	free(t->rows);
	free(t->run_slot);
	memset(t, 0, sizeof(*t));
}

static int sched_index(const struct cmp_table *t, const char *name)
{
	for (int i = 0; i < t->nsched; i++)
		if (!strcmp(t->sched[i].name, name))
			return i;
	return -1;
}

static int add_sched(struct cmp_table *t, const char *name, size_t len)
{
	struct cmp_sched *ns = realloc(t->sched, sizeof(*ns) * (t->nsched + 1));

	if (!ns)
		return -ENOMEM;
	t->sched = ns;
	memset(&ns[t->nsched], 0, sizeof(ns[0]));
	snprintf(ns[t->nsched].name, sizeof(ns[0].name), "%.*s", (int)len, name);
	t->nsched++;
	return 0;
}

/*
 * Slot of each run when the comparison names a scheduler twice: the k-th
 * run of round r (runs come in (round, id) order) ran plan item k of that
 * round. The run's scheduler must match the slot's, else the plan does
 * not describe these runs and the first slot of that name is used.
 */
static int slots_from_plan(struct cmp_table *t, char (*raw)[SCHED_NAME_MAX], const struct q_runs *runs,
			   uint64_t seed)
{
	struct plan_item *items = malloc(sizeof(*items) * t->nsched);
	int round = -1, pos = 0;

	if (!items)
		return -ENOMEM;
	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];

		if (r->round != round) {
			round = r->round;
			pos = 0;
			if (plan__rounds(t->nsched, round, round + 1, seed, items)) {
				free(items);
				return -EINVAL;
			}
		}
		t->run_slot[i] = -1;
		if (pos < t->nsched && !strcmp(raw[items[pos].sched], r->scheduler))
			t->run_slot[i] = items[pos].sched;
		for (int s = 0; t->run_slot[i] < 0 && s < t->nsched; s++)
			if (!strcmp(raw[s], r->scheduler))
				t->run_slot[i] = s;
		pos++;
	}
	free(items);
	return 0;
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

/* Sorted unique metric names (with unit/better of their first sighting). */
static int metric_names(const struct q_metrics *m, struct q_metric **out, int *n)
{
	struct q_metric *v = NULL;
	int k = 0;

	for (int i = 0; i < m->n; i++) {
		int j;

		for (j = 0; j < k; j++)
			if (!strcmp(v[j].name, m->v[i].name))
				break;
		if (j < k)
			continue;
		if (!(k & 15)) {
			struct q_metric *nv = realloc(v, sizeof(*v) * (k + 16));

			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		v[k++] = m->v[i];
	}
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && strcmp(v[j - 1].name, v[j].name) > 0; j--) {
			struct q_metric tmp = v[j];

			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	*out = v;
	*n = k;
	return 0;
}

int compare__eval(struct store *st, const char *schedulers, const struct q_runs *runs,
		  uint64_t seed, struct cmp_table *t)
{
	struct q_metrics m = { 0 };
	struct q_metric *names = NULL;
	int64_t *ids = NULL;
	double **samples = NULL, *p = NULL, *padj = NULL;
	int *ns = NULL, nnames = 0, nids = 0, err = 0;
	char (*raw)[SCHED_NAME_MAX] = NULL;
	bool dup = false;
	/* a comparison is of one workload; runs picked by id could mix them,
	 * then nothing is primary and every verdict is exploratory */
	const char *wl = runs->n ? runs->v[0].workload : "";

	for (int i = 1; i < runs->n; i++)
		if (strcmp(runs->v[i].workload, wl))
			wl = "";
	memset(t, 0, sizeof(*t));
	snprintf(t->workload, sizeof(t->workload), "%s", wl);
	if (schedulers) {
		const char *cur = NULL, *name;
		size_t l;

		while (sched_list__next(schedulers, &cur, &name, &l))
			if ((err = add_sched(t, name, l)))
				goto cleanup;
		raw = calloc(t->nsched ? t->nsched : 1, sizeof(*raw));
		if (!raw) {
			err = -ENOMEM;
			goto cleanup;
		}
		for (int i = 0; i < t->nsched; i++) {
			memcpy(raw[i], t->sched[i].name, sizeof(raw[i]));
			for (int j = 0; j < i; j++)
				if (!strcmp(raw[i], raw[j])) {
					snprintf(t->sched[i].name, sizeof(t->sched[i].name), "%.*s#%d",
						 (int)sizeof(t->sched[i].name) - 6, raw[i], i + 1);
					dup = true;
				}
		}
	}
	ids = malloc(sizeof(*ids) * (runs->n ? runs->n : 1));
	t->run_slot = malloc(sizeof(*t->run_slot) * (runs->n ? runs->n : 1));
	if (!ids || !t->run_slot) {
		err = -ENOMEM;
		goto cleanup;
	}
	if (dup && (err = slots_from_plan(t, raw, runs, seed)))
		goto cleanup;
	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];
		int si = dup ? t->run_slot[i] : sched_index(t, r->scheduler);

		if (si < 0) {
			err = add_sched(t, r->scheduler, strlen(r->scheduler));
			if (err)
				goto cleanup;
			si = t->nsched - 1;
		}
		t->run_slot[i] = si;
		if (r->status == RUN_OK) {
			t->sched[si].ok++;
			ids[nids++] = r->id;
		} else if (r->status == RUN_SCHED_FAILED) {
			t->sched[si].sched_failed++;
		} else if (r->status == RUN_FAILED) {
			t->sched[si].failed++;
		} else {
			t->sched[si].aborted++; /* aborted or still running */
			continue;
		}
		t->sched[si].total++;
	}
	t->nruns = runs->n;
	if (!t->nsched) {
		err = -ENODATA;
		goto cleanup;
	}
	err = store__q_metrics(st, ids, nids, &m);
	if (!err)
		err = metric_names(&m, &names, &nnames);
	if (err)
		goto cleanup;
	if (!nnames) {
		err = -ENODATA;
		goto cleanup;
	}
	t->nmetrics = nnames;
	t->rows = calloc((size_t)nnames * t->nsched, sizeof(*t->rows));
	samples = calloc(t->nsched, sizeof(*samples));
	ns = calloc(t->nsched, sizeof(*ns));
	p = malloc(sizeof(*p) * nnames * t->nsched);
	padj = malloc(sizeof(*padj) * nnames * t->nsched);
	if (!t->rows || !samples || !ns || !p || !padj) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int s = 0; s < t->nsched; s++) {
		samples[s] = malloc(sizeof(double) * (runs->n ? runs->n : 1));
		if (!samples[s]) {
			err = -ENOMEM;
			goto cleanup;
		}
	}

	for (int k = 0; k < nnames; k++) {
		const struct q_metric *mk = &names[k];

		/* gather each scheduler's samples of metric k */
		for (int s = 0; s < t->nsched; s++)
			ns[s] = 0;
		for (int i = 0; i < m.n; i++) {
			int si = -1;

			if (strcmp(m.v[i].name, mk->name))
				continue;
			for (int r = 0; r < runs->n; r++)
				if (runs->v[r].id == m.v[i].run_id) {
					si = t->run_slot[r];
					break;
				}
			if (si >= 0 && !isnan(m.v[i].value))
				samples[si][ns[si]++] = m.v[i].value;
		}
		for (int s = 0; s < t->nsched; s++) {
			struct q_result *row = compare__row(t, k, s);
			uint64_t rs = hash_str(hash_str(seed ^ 0xcbf29ce484222325ULL, mk->name),
					       t->sched[s].name);
			double *x = samples[s], *b0 = samples[0];

			snprintf(row->metric, sizeof(row->metric), "%s", mk->name);
			snprintf(row->scheduler, sizeof(row->scheduler), "%s", t->sched[s].name);
			snprintf(row->unit, sizeof(row->unit), "%s", mk->unit);
			row->better = mk->better;
			row->n = ns[s];
			row->total = t->sched[s].total;
			row->survived = t->sched[s].total - t->sched[s].sched_failed;
			row->median = stats__median(x, ns[s]);
			row->mean = stats__mean(x, ns[s]);
			row->stddev = stats__stddev(x, ns[s]);
			row->cov = stats__cov(x, ns[s]);
			row->ci_lo = row->ci_hi = NAN;
			row->delta_pct = row->delta_lo = row->delta_hi = NAN;
			row->effect = NAN;
			row->p_value = row->p_holm = NAN;
			p[k * t->nsched + s] = NAN;
			if (ns[s] >= 2)
				stats__bootstrap_ci(x, ns[s], STATS_MEDIAN, 0.5, CMP_LEVEL, CMP_BOOT, rs,
						    &row->ci_lo, &row->ci_hi);
			if (s == 0 || !ns[0] || !ns[s])
				continue;
			stats__delta_pct(b0, ns[0], x, ns[s], CMP_LEVEL, CMP_BOOT, rs ^ 1,
					 &row->delta_pct, &row->delta_lo, &row->delta_hi);
			row->effect = stats__cliffs_delta(b0, ns[0], x, ns[s]);
			if (ns[0] >= 2 && ns[s] >= 2) {
				double u, pv;

				if (!stats__mann_whitney(b0, ns[0], x, ns[s], &u, &pv, NULL)) {
					row->p_value = pv;
					/* informational metrics are described, not tested:
					 * they would only dilute the Holm family */
					if (mk->better && workload__is_primary(wl, mk->name))
						p[k * t->nsched + s] = pv;
				}
			}
		}
	}
	t->family = 0;
	for (int i = 0; i < nnames * t->nsched; i++)
		t->family += !isnan(p[i]);
	err = stats__holm(p, nnames * t->nsched, padj);
	if (err)
		goto cleanup;
	t->min_p = t->nsched > 1 ? stats__mwu_min_p(t->sched[0].ok, t->sched[1].ok) : NAN;
	for (int k = 0; k < nnames; k++)
		for (int s = 0; s < t->nsched; s++) {
			struct q_result *row = compare__row(t, k, s);
			enum stats_verdict v;

			row->p_holm = padj[k * t->nsched + s];
			if (s == 0) {
				snprintf(row->verdict, sizeof(row->verdict), "baseline");
				continue;
			}
			if (!row->better) {
				snprintf(row->verdict, sizeof(row->verdict), "info");
				continue;
			}
			if (isnan(row->p_value))
				row->p_holm = NAN;
			if (!workload__is_primary(wl, row->metric)) {
				/* exploratory: uncorrected p, and marked as such */
				v = stats__verdict(row->better, row->delta_pct, row->delta_lo,
						   row->delta_hi, row->p_value, CMP_ALPHA);
				snprintf(row->verdict, sizeof(row->verdict), "%s*", stats__verdict_str(v));
				continue;
			}
			v = stats__verdict(row->better, row->delta_pct, row->delta_lo,
					   row->delta_hi, row->p_holm, CMP_ALPHA);
			snprintf(row->verdict, sizeof(row->verdict), "%s", stats__verdict_str(v));
		}
cleanup:
	for (int s = 0; samples && s < t->nsched; s++)
		free(samples[s]);
	free(samples);
	free(ns);
	free(p);
	free(padj);
	free(names);
	free(ids);
	free(raw);
	q_metrics__free(&m);
	if (err)
		compare__free(t);
	return err;
}

int compare__primary(const struct cmp_table *t, double *halfwidth_pct)
{
	const struct workload *w = workload__find(t->workload);
	int best = -1;

	/* the workload's first primary metric present; else a p99; else the
	 * first metric with a direction */
	for (int i = 0; w && w->primary && w->primary[i] && best < 0; i++)
		for (int k = 0; k < t->nmetrics; k++)
			if (!strcmp(compare__row(t, k, 0)->metric, w->primary[i])) {
				best = k;
				break;
			}
	for (int k = 0; best < 0 && k < t->nmetrics; k++) {
		const struct q_result *r = compare__row(t, k, 0);
		size_t l = strlen(r->metric);

		if (!r->better)
			continue;
		if (l > 4 && !strcmp(r->metric + l - 4, "_p99"))
			best = k;
	}
	for (int k = 0; best < 0 && k < t->nmetrics; k++)
		if (compare__row(t, k, 0)->better)
			best = k;
	if (best < 0)
		return -1;
	*halfwidth_pct = 0;
	for (int s = 0; s < t->nsched; s++) {
		const struct q_result *r = compare__row(t, best, s);
		double hw = (r->ci_hi - r->ci_lo) / 2 / fabs(r->median) * 100;

		if (isnan(hw) || isinf(hw)) {
			*halfwidth_pct = INFINITY; /* too few samples yet */
			break;
		}
		if (hw > *halfwidth_pct)
			*halfwidth_pct = hw;
	}
	return best;
}

static void fmt_num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (a != 0 && (a >= 1e7 || a < 1e-3))
		snprintf(buf, len, "%.3g", v);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.3f", v);
}

void compare__print(const struct cmp_table *t, FILE *f)
{
	int w = 9, mw = 16;
	char a[32], b[32], c[32], ci[80], d[80];

	for (int s = 0; s < t->nsched; s++)
		if ((int)strlen(t->sched[s].name) > w)
			w = (int)strlen(t->sched[s].name);
	for (int k = 0; k < t->nmetrics; k++) {
		const struct q_result *r = compare__row(t, k, 0);
		int l = (int)(strlen(r->metric) + (r->unit[0] ? strlen(r->unit) + 3 : 0));

		if (l > mw)
			mw = l < 60 ? l : 60;
	}
	fprintf(f, "baseline: %s; survival = runs whose scheduler stayed loaded / runs;"
		   " CI 95 %% bootstrap; p: Mann-Whitney, Holm over %d tests\n",
		t->sched[0].name, t->family);
	fprintf(f, "%-*s %-*s %4s %6s %10s %-23s %6s %8s %-21s %7s %6s  %s\n", mw, "metric", w,
		"scheduler", "n", "surv", "median", "  median 95% CI", "CoV", "delta",
		"  delta 95% CI", "p(Holm)", "cliff", "verdict");
	for (int k = 0; k < t->nmetrics; k++) {
		for (int s = 0; s < t->nsched; s++) {
			const struct q_result *r = compare__row(t, k, s);
			char name[96], surv[16];

			if (s == 0)
				snprintf(name, sizeof(name), "%s%s%s%s", r->metric, r->unit[0] ? " (" : "",
					 r->unit, r->unit[0] ? ")" : "");
			else
				name[0] = 0;
			snprintf(surv, sizeof(surv), "%d/%d", r->survived, r->total);
			fmt_num(a, sizeof(a), r->median);
			fmt_num(b, sizeof(b), r->ci_lo);
			fmt_num(c, sizeof(c), r->ci_hi);
			if (isnan(r->ci_lo))
				snprintf(ci, sizeof(ci), "-");
			else
				snprintf(ci, sizeof(ci), "[%s, %s]", b, c);
			fprintf(f, "%-*.*s %-*s %4d %6s %10s %-23s ", mw, mw, name, w, r->scheduler, r->n,
				surv, a, ci);
			if (isnan(r->cov))
				fprintf(f, "%6s ", "-");
			else
				fprintf(f, "%5.1f%% ", 100 * r->cov);
			if (s == 0) {
				fprintf(f, "%8s\n", "(base)");
				continue;
			}
			if (isnan(r->delta_pct))
				snprintf(d, sizeof(d), "%8s", "-");
			else
				snprintf(d, sizeof(d), "%+7.1f%%", r->delta_pct);
			if (isnan(r->delta_lo))
				snprintf(ci, sizeof(ci), "-");
			else
				snprintf(ci, sizeof(ci), "[%+.1f%%, %+.1f%%]", r->delta_lo, r->delta_hi);
			fmt_num(a, sizeof(a), !isnan(r->p_holm) ? r->p_holm : r->p_value);
			fmt_num(b, sizeof(b), r->effect);
			fprintf(f, "%s %-21s %7s %6s  %s\n", d, ci, a, b, r->verdict);
		}
	}
	for (int s = 0; s < t->nsched; s++)
		if (t->sched[s].sched_failed || t->sched[s].failed)
			fprintf(f, "%s: %d/%d runs survived (scheduler failed in %d, harness error in %d):"
				   " failed runs are not in the numbers above\n",
				t->sched[s].name, t->sched[s].total - t->sched[s].sched_failed,
				t->sched[s].total, t->sched[s].sched_failed, t->sched[s].failed);
	fprintf(f, "verdicts marked * are exploratory: metrics outside the workload's primary set,"
		   " uncorrected p (look, do not conclude)\n");
	{
		struct probe_sample_gap g[PROBE_SAMPLES_MAX_GAPS];
		int ng = probe_samples__gaps(t, g, PROBE_SAMPLES_MAX_GAPS);
		char line[512];

		for (int i = 0; i < ng && i < PROBE_SAMPLES_MAX_GAPS; i++) {
			probe_samples__warning(t, &g[i], line, sizeof(line));
			fprintf(f, "%s\n", line);
		}
	}
	if (t->family && t->min_p * t->family >= CMP_ALPHA)
		fprintf(f, "note: with %d/%d ok runs the smallest possible p is %.4f; after Holm over"
			   " %d tests nothing can reach %.2f: add --reps\n",
			t->sched[0].ok, t->nsched > 1 ? t->sched[1].ok : 0, t->min_p, t->family,
			CMP_ALPHA);
}
