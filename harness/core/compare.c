// SPDX-License-Identifier: GPL-2.0
/*
 * Evaluate a comparison from its stored runs (see compare.h).
 *
 * Only 'ok' runs give samples. A run whose scheduler died
 * (sched_failed) is reported as survival (4/5) and never averaged in:
 * its partial numbers describe a different system. Runs stopped by the
 * user (aborted) are left out entirely.
 *
 * Verdicts: the workload's primary metrics are one Holm family (a
 * correction over all ~100 stored metrics would leave no power at 5 runs
 * per side); every other metric is decided on its own uncorrected p and
 * marked '*' (exploratory). stats__decide() makes each verdict four-way,
 * so "not significant" is never shown as "same": same needs the delta's
 * CI inside the metric's +-min-effect.
 * Traced and untraced runs measure two systems (the tracer's cost is in
 * one of them), so a table never mixes them: among runs of both kinds
 * (a comparison with --overhead-check) the table is the traced runs', and
 * the untraced ones count in nothing but the overhead table's
 * (overhead.c, through CMP_UNTRACED).
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
	free(t->min_effects);
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
			   const bool *incl, uint64_t seed)
{
	struct plan_item *items = malloc(sizeof(*items) * t->nsched);
	int round = -1, pos = 0;

	if (!items)
		return -ENOMEM;
	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];

		t->run_slot[i] = -1;
		if (!incl[i])
			continue;
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

/*
 * alpha and min-effects of the comparison every run belongs to, if one
 * does; a comparison stored before they were (or runs picked by id) gets
 * the defaults.
 */
static int verdict_settings(struct store *st, const struct q_runs *runs, struct cmp_table *t)
{
	struct q_compare c;
	int64_t cid = runs->n ? runs->v[0].compare_id : 0;
	int err;

	t->alpha = CMP_ALPHA;
	t->min_effect_pct = CMP_MIN_EFFECT;
	for (int i = 1; i < runs->n; i++)
		if (runs->v[i].compare_id != cid)
			cid = 0;
	if (cid <= 0)
		return 0;
	err = store__q_compare(st, cid, &c);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;
	if (c.alpha > 0 && c.alpha < 1)
		t->alpha = c.alpha;
	if (c.min_effect_pct >= 0)
		t->min_effect_pct = c.min_effect_pct;
	q_compare__free(&c);
	return store__q_compare_min_effects(st, cid, &t->min_effects, &t->nmin_effects);
}

/* distinct rounds of the counted runs of one comparison */
static int count_rounds(const struct q_runs *runs)
{
	int n = 0;

	for (int i = 0; i < runs->n; i++) {
		bool seen = false;

		if (!runs->v[i].compare_id || runs->v[i].compare_id != runs->v[0].compare_id)
			return 0;
		for (int j = 0; j < i && !seen; j++)
			seen = runs->v[j].round == runs->v[i].round;
		n += !seen;
	}
	return n;
}

bool compare__mixed_trace(const struct q_runs *runs)
{
	bool traced = false, untraced = false;

	for (int i = 0; i < runs->n; i++) {
		traced |= runs->v[i].trace != 0;
		untraced |= runs->v[i].trace == 0;
	}
	return traced && untraced;
}

bool compare__run_counts(const struct q_runs *runs, int i, enum cmp_select sel, bool mixed)
{
	bool traced = runs->v[i].trace != 0;

	return sel == CMP_UNTRACED ? mixed && !traced : !mixed || traced;
}

int compare__eval(struct store *st, const char *schedulers, const struct q_runs *runs,
		  uint64_t seed, struct cmp_table *t)
{
	return compare__eval_sel(st, schedulers, runs, seed, CMP_MAIN, t);
}

int compare__eval_sel(struct store *st, const char *schedulers, const struct q_runs *runs,
		      uint64_t seed, enum cmp_select sel, struct cmp_table *t)
{
	bool mixed = compare__mixed_trace(runs), *incl = NULL;
	struct q_metrics m = { 0 };
	struct q_metric *names = NULL;
	int64_t *ids = NULL;
	double **samples = NULL;
	int *ns = NULL, nnames = 0, nids = 0, err = 0;
	char (*raw)[SCHED_NAME_MAX] = NULL;
	bool dup = false;
	/* a comparison is of one workload; runs picked by id could mix them,
	 * then nothing is primary and every verdict is exploratory */
	const char *wl = runs->n ? runs->v[0].workload : "";

	memset(t, 0, sizeof(*t));
	/* nor different machines (place, kernel, topology): their numbers
	 * are not samples of one thing (reports say which runs differ) */
	for (int i = 1; i < runs->n; i++)
		if (!q_run__same_place(&runs->v[0], &runs->v[i], NULL, 0))
			return -EXDEV;
	/* --partial runs measure another experiment: never one table with
	 * full runs (callers say which runs; report.c names them) */
	for (int i = 1; i < runs->n; i++)
		if (runs->v[i].partial != runs->v[0].partial)
			return -EXDEV;
	for (int i = 1; i < runs->n; i++)
		if (strcmp(runs->v[i].workload, wl))
			wl = "";
	snprintf(t->workload, sizeof(t->workload), "%s", wl);
	err = verdict_settings(st, runs, t);
	if (err)
		goto cleanup;
	t->rounds = count_rounds(runs);
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
	incl = malloc(sizeof(*incl) * (runs->n ? runs->n : 1));
	if (!ids || !t->run_slot || !incl) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < runs->n; i++)
		incl[i] = compare__run_counts(runs, i, sel, mixed);
	if (dup && (err = slots_from_plan(t, raw, runs, incl,
					  sel == CMP_UNTRACED ? seed ^ PLAN_UNTRACED_SALT : seed)))
		goto cleanup;
	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];
		int si;
		struct cmp_sched *cs;

		/* an --overhead-check run is in no table but its own */
		if (!incl[i]) {
			t->run_slot[i] = -1;
			continue;
		}
		si = dup ? t->run_slot[i] : sched_index(t, r->scheduler);

		if (si < 0) {
			err = add_sched(t, r->scheduler, strlen(r->scheduler));
			if (err)
				goto cleanup;
			si = t->nsched - 1;
		}
		t->run_slot[i] = si;
		cs = &t->sched[si];
		if (r->status == RUN_OK) {
			cs->ok++;
			ids[nids++] = r->id;
		} else if (r->status == RUN_SCHED_FAILED || r->status == RUN_FAILED) {
			if (r->status == RUN_SCHED_FAILED)
				cs->sched_failed++;
			else
				cs->failed++;
			if (r->stage >= 0 && r->stage < FAIL_NR_STAGES)
				cs->stage[r->stage]++;
		} else {
			cs->aborted++; /* aborted or still running */
			continue;
		}
		cs->total++;
		if (r->lost_events > 0) {
			cs->lost_runs++;
			cs->lost_events += r->lost_events;
		}
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
	if (!t->rows || !samples || !ns) {
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

		/* each scheduler's samples of metric k */
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
		compare__metric_stats(t, k, mk->name, mk->unit, mk->better, samples, ns, seed);
	}
	err = compare__verdicts(t);
cleanup:
	for (int s = 0; samples && s < t->nsched; s++)
		free(samples[s]);
	free(samples);
	free(ns);
	free(names);
	free(ids);
	free(incl);
	free(raw);
	q_metrics__free(&m);
	if (err)
		compare__free(t);
	return err;
}

void compare__metric_stats(struct cmp_table *t, int k, const char *name, const char *unit,
			   int better, double *const *x, const int *n, uint64_t seed)
{
	for (int s = 0; s < t->nsched; s++) {
		struct q_result *row = compare__row(t, k, s);
		uint64_t rs = hash_str(hash_str(seed ^ 0xcbf29ce484222325ULL, name), t->sched[s].name);

		memset(row, 0, sizeof(*row));
		snprintf(row->metric, sizeof(row->metric), "%s", name);
		snprintf(row->scheduler, sizeof(row->scheduler), "%s", t->sched[s].name);
		snprintf(row->unit, sizeof(row->unit), "%s", unit);
		row->better = better;
		row->n = n[s];
		row->total = t->sched[s].total;
		row->survived = t->sched[s].total - t->sched[s].sched_failed;
		row->median = stats__median(x[s], n[s]);
		row->mean = stats__mean(x[s], n[s]);
		row->stddev = stats__stddev(x[s], n[s]);
		row->cov = stats__cov(x[s], n[s]);
		row->ci_lo = row->ci_hi = NAN;
		row->delta_pct = row->delta_lo = row->delta_hi = NAN;
		row->effect = NAN;
		row->p_value = row->p_holm = NAN;
		row->min_effect_pct = NAN;
		if (n[s] >= 2)
			stats__bootstrap_ci(x[s], n[s], STATS_MEDIAN, 0.5, CMP_LEVEL, CMP_BOOT, rs,
					    &row->ci_lo, &row->ci_hi);
		if (s == 0 || !n[0] || !n[s])
			continue;
		stats__delta_pct(x[0], n[0], x[s], n[s], CMP_LEVEL, CMP_BOOT, rs ^ 1, &row->delta_pct,
				 &row->delta_lo, &row->delta_hi);
		row->effect = stats__cliffs_delta(x[0], n[0], x[s], n[s]);
		if (n[0] >= 2 && n[s] >= 2) {
			double u, pv;

			if (!stats__mann_whitney(x[0], n[0], x[s], n[s], &u, &pv, NULL))
				row->p_value = pv;
		}
	}
}

double compare__looks_alpha(double alpha, int first, int last)
{
	return last > first ? alpha / (last - first + 1) : alpha;
}

double compare__min_effect(const struct cmp_table *t, const char *metric)
{
	for (int i = 0; i < t->nmin_effects; i++)
		if (!strcmp(t->min_effects[i].metric, metric))
			return t->min_effects[i].pct;
	return t->min_effect_pct >= 0 ? t->min_effect_pct : CMP_MIN_EFFECT;
}

/* informational metrics are described, not tested: they would only
 * dilute the Holm family */
static bool in_family(const struct cmp_table *t, const struct q_result *r)
{
	return r->better && workload__is_primary(t->workload, r->metric);
}

int compare__verdicts(struct cmp_table *t)
{
	int nrows = t->nmetrics * t->nsched, err;
	double *p = malloc(sizeof(*p) * (nrows ? nrows : 1));
	double *adj = malloc(sizeof(*adj) * (nrows ? nrows : 1));
	double alpha = t->alpha > 0 && t->alpha < 1 ? t->alpha : CMP_ALPHA;

	if (!p || !adj) {
		free(p);
		free(adj);
		return -ENOMEM;
	}
	t->family = 0;
	for (int i = 0; i < nrows; i++) {
		const struct q_result *r = &t->rows[i];

		p[i] = i % t->nsched && in_family(t, r) ? r->p_value : NAN;
		t->family += !isnan(p[i]);
	}
	err = stats__holm(p, nrows, adj);
	if (err)
		goto out;
	t->min_p = t->nsched > 1 ? stats__mwu_min_p(t->sched[0].ok, t->sched[1].ok) : NAN;
	for (int k = 0; k < t->nmetrics; k++) {
		const struct q_result *base = compare__row(t, k, 0);

		for (int s = 0; s < t->nsched; s++) {
			struct q_result *row = compare__row(t, k, s);
			bool primary = in_family(t, row);
			enum stats_decision d;
			double me = compare__min_effect(t, row->metric);
			int n = row->n < base->n ? row->n : base->n;

			row->p_holm = adj[k * t->nsched + s];
			row->min_effect_pct = me;
			row->more_rounds = 0;
			if (s == 0) {
				snprintf(row->verdict, sizeof(row->verdict), "baseline");
				continue;
			}
			if (n < 2) {
				/* one run gives a delta but no spread to judge it by */
				snprintf(row->verdict, sizeof(row->verdict), "n/a");
				continue;
			}
			d = stats__decide(row->better, row->delta_pct, row->delta_lo, row->delta_hi,
					  primary ? row->p_holm : row->p_value, alpha, me);
			if (d == DECIDE_INCONCLUSIVE) {
				int more = stats__rounds_to_decide(row->delta_pct, row->delta_lo,
								   row->delta_hi, n, me, alpha,
								   primary ? t->family : 1);

				/* the CI already excludes 0 but the test is not
				 * there yet: the rounds its p would need */
				if (!more)
					more = stats__rounds_for_p(primary ? row->p_holm : row->p_value,
								   n, alpha);
				row->more_rounds = more ? more : -1;
			}
			snprintf(row->verdict, sizeof(row->verdict), "%s%s", stats__decision_str(d),
				 d == DECIDE_NA || primary ? "" : "*");
		}
	}
out:
	free(p);
	free(adj);
	return err;
}

enum stats_decision compare__decision(const struct q_result *r, bool *exploratory)
{
	static const struct {
		const char *word;
		enum stats_decision d;
	} words[] = {
		{ "better", DECIDE_BETTER }, { "worse", DECIDE_WORSE }, { "same", DECIDE_SAME },
		{ "different", DECIDE_DIFFERENT }, { "inconclusive", DECIDE_INCONCLUSIVE },
		/* stored by versions before the four-way verdict */
		{ "no significant difference", DECIDE_INCONCLUSIVE },
	};
	size_t l = strlen(r->verdict);
	bool star = l && r->verdict[l - 1] == '*';

	if (exploratory)
		*exploratory = star;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == l - star && !strncmp(r->verdict, words[i].word, l - star))
			return words[i].d;
	return DECIDE_NA;
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

/* one undecided row: counted, and the rounds it would need folded in */
static void undecided_row(const struct q_result *r, int *count, int *more)
{
	enum stats_decision d = compare__decision(r, NULL);

	if (d != DECIDE_INCONCLUSIVE && d != DECIDE_NA)
		return;
	(*count)++;
	if (d == DECIDE_NA || r->more_rounds < 0)
		*more = -1;
	else if (*more >= 0 && r->more_rounds > *more)
		*more = r->more_rounds;
}

int compare__undecided(const struct cmp_table *t, int *more_rounds)
{
	int count = 0, more = 0, nprimary = 0;
	double hw;

	for (int k = 0; k < t->nmetrics; k++) {
		if (!in_family(t, compare__row(t, k, 0)))
			continue;
		nprimary++;
		for (int s = 1; s < t->nsched; s++)
			undecided_row(compare__row(t, k, s), &count, &more);
	}
	/* no primary metric among them (runs mixing workloads): the one
	 * --until-ci watches */
	if (!nprimary) {
		int k = compare__primary(t, &hw);

		for (int s = 1; k >= 0 && s < t->nsched; s++)
			undecided_row(compare__row(t, k, s), &count, &more);
	}
	if (more_rounds)
		*more_rounds = more;
	return count;
}
