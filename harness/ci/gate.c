// SPDX-License-Identifier: GPL-2.0
/*
 * The regression gate (gate.h). The Holm family is the night's gated
 * cells (primary metrics and gate = yes), not one cell: with many
 * schedulers x workloads a per-cell alpha would fail some nightly job by
 * chance every week; nor every metric: with 258 tests Holm's first step
 * is alpha / 258 and a 28 % regression at 5 vs 5 runs is lost. Each cell is
 * decided four ways (stats__decide, as compare decides): only a decided
 * "worse" beyond the minimum effect fails; "same" (the CI inside
 * +-min-effect) and "inconclusive" (neither) pass, the latter with a
 * note saying how many more rounds would likely decide it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ci/gate.h"
#include "harness/core/compare.h"
#include "harness/stats/stats.h"

const char *ci_state__str(enum ci_state s)
{
	switch (s) {
	case CI_OK: return "ok";
	case CI_NO_BASELINE: return "no baseline";
	case CI_NO_DATA: return "no data";
	case CI_REGRESSION: return "REGRESSION";
	case CI_IMPROVEMENT: return "improvement";
	case CI_CHANGED: return "changed (exploratory)";
	case CI_SCHED_FAILED: return "SCHEDULER FAILED";
	case CI_HARNESS_FAILED: return "harness failure";
	}
	return "?";
}

static uint64_t mix(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

int ci_gate__eval(struct ci_cell *cells, int n, double alpha, uint64_t seed)
{
	double *p, *adj;
	int family = 0, err;

	p = malloc(sizeof(*p) * (n ? n : 1));
	adj = malloc(sizeof(*adj) * (n ? n : 1));
	if (!p || !adj) {
		free(p);
		free(adj);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		struct ci_cell *c = &cells[i];
		uint64_t rs = mix(mix(mix(seed ^ 0xcbf29ce484222325ULL, c->scheduler), c->workload),
				  c->metric);
		double u;

		p[i] = NAN;
		if (c->survival)
			continue;
		c->base_median = stats__median(c->base, c->nbase);
		c->cur_median = stats__median(c->cur, c->ncur);
		c->base_lo = c->base_hi = c->cur_lo = c->cur_hi = NAN;
		c->delta_pct = c->delta_lo = c->delta_hi = c->p = c->p_holm = c->cliff = NAN;
		c->spread_pct = c->mde_pct = NAN;
		if (c->nbase >= 2)
			stats__bootstrap_ci(c->base, c->nbase, STATS_MEDIAN, 0.5, CMP_LEVEL, CMP_BOOT,
					    rs, &c->base_lo, &c->base_hi);
		if (c->ncur >= 2)
			stats__bootstrap_ci(c->cur, c->ncur, STATS_MEDIAN, 0.5, CMP_LEVEL, CMP_BOOT,
					    rs ^ 1, &c->cur_lo, &c->cur_hi);
		if (!c->nbase) {
			c->state = CI_NO_BASELINE;
			continue;
		}
		if (c->nbase < 2 || c->ncur < 2) {
			c->state = CI_NO_DATA;
			snprintf(c->note, sizeof(c->note), "%d baseline and %d new ok runs: 2 each needed",
				 c->nbase, c->ncur);
			continue;
		}
		stats__delta_pct(c->base, c->nbase, c->cur, c->ncur, CMP_LEVEL, CMP_BOOT, rs ^ 2,
				 &c->delta_pct, &c->delta_lo, &c->delta_hi);
		c->cliff = stats__cliffs_delta(c->base, c->nbase, c->cur, c->ncur);
		c->spread_pct = stats__rel_spread_pct(c->base, c->nbase, c->cur, c->ncur);
		if (stats__mann_whitney(c->base, c->nbase, c->cur, c->ncur, &u, &c->p, NULL))
			c->p = NAN;
		/* informational and ungated metrics would only dilute the family */
		if (c->better && c->gated && !isnan(c->p)) {
			p[i] = c->p;
			family++;
		}
	}
	err = stats__holm(p, n, adj);
	if (err) {
		free(p);
		free(adj);
		return err;
	}
	for (int i = 0; i < n; i++) {
		struct ci_cell *c = &cells[i];
		enum stats_decision d;
		double bad;

		if (c->survival || c->state == CI_NO_BASELINE || c->state == CI_NO_DATA)
			continue;
		c->p_holm = adj[i];
		c->state = CI_OK;
		/* a lone regression must clear Holm's first step, alpha/family */
		c->mde_pct = stats__mde_pct_of(c->spread_pct, c->nbase, c->ncur,
					       c->better && c->gated && family > 0 ? alpha / family :
										     alpha, CI_POWER);
		/* the same four-way decision as compare's, with the cell's
		 * min-effect as the "same" band; ungated and informational
		 * metrics on their own uncorrected p */
		d = stats__decide(c->better, c->delta_pct, c->delta_lo, c->delta_hi,
				  c->better && c->gated ? c->p_holm : c->p, alpha, c->min_effect_pct);
		if (!c->better) {
			/* described only: tested on its own, never failed on */
			if (d == DECIDE_DIFFERENT) {
				c->state = CI_CHANGED;
				snprintf(c->note, sizeof(c->note),
					 "informational metric (no better direction); unadjusted p %.3g",
					 c->p);
			}
			continue;
		}
		if (!c->gated) {
			if (d == DECIDE_WORSE || d == DECIDE_BETTER) {
				c->state = CI_CHANGED;
				snprintf(c->note, sizeof(c->note),
					 "%s (exploratory: not a primary metric nor gate = yes;"
					 " unadjusted p %.3g)",
					 d == DECIDE_WORSE ? "worse" : "better", c->p);
			}
			continue;
		}
		/* the change in the bad direction, in % (positive = worse) */
		bad = c->better < 0 ? c->delta_pct : -c->delta_pct;
		if (d == DECIDE_WORSE && bad >= c->min_effect_pct) {
			c->state = CI_REGRESSION;
		} else if (d == DECIDE_BETTER && -bad >= c->min_effect_pct) {
			c->state = CI_IMPROVEMENT;
		} else if (d == DECIDE_WORSE || d == DECIDE_BETTER) {
			snprintf(c->note, sizeof(c->note),
				 "significantly %s by %.1f %%, below the minimum effect %.1f %%",
				 d == DECIDE_WORSE ? "worse" : "better", fabs(c->delta_pct),
				 c->min_effect_pct);
		} else if (d == DECIDE_INCONCLUSIVE) {
			/* not a pass either: say what would decide it */
			int nmin = c->nbase < c->ncur ? c->nbase : c->ncur;
			int more = stats__rounds_to_decide(c->delta_pct, c->delta_lo, c->delta_hi, nmin,
							   c->min_effect_pct, alpha,
							   family > 0 ? family : 1);

			if (!more)
				more = stats__rounds_for_p(c->p_holm, nmin, alpha);
			if (more > 0)
				snprintf(c->note, sizeof(c->note),
					 "inconclusive: neither a significant change nor within"
					 " +-%.1f %%; ~%d more round%s would likely decide",
					 c->min_effect_pct, more, more > 1 ? "s" : "");
			else
				snprintf(c->note, sizeof(c->note),
					 "inconclusive: neither a significant change nor within"
					 " +-%.1f %%", c->min_effect_pct);
		}
	}
	free(p);
	free(adj);
	return family;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* does a cell of this spread detect its min-effect with nb, nc runs? */
static bool detects(const struct ci_cell *c, int nb, int nc, double alpha)
{
	return stats__mde_pct_of(c->spread_pct, nb, nc, alpha, CI_POWER) <= c->min_effect_pct;
}

void ci_gate__power(const struct ci_cell *cells, int n, double alpha, int family, int reps,
		    int last_k, struct ci_power *pw)
{
	double *v = malloc(sizeof(*v) * (n ? n : 1));
	double a = family > 0 ? alpha / family : alpha;

	memset(pw, 0, sizeof(*pw));
	pw->worst = -1;
	pw->mde_median = NAN;
	if (reps < 2)
		reps = 2;
	if (last_k < 1)
		last_k = 1;
	for (int i = 0; i < n; i++) {
		const struct ci_cell *c = &cells[i];
		int r, k;

		if (c->survival || !c->gated || !c->better || isnan(c->mde_pct))
			continue;
		if (v)
			v[pw->cells] = c->mde_pct;
		pw->cells++;
		if (pw->worst < 0 || c->mde_pct > cells[pw->worst].mde_pct)
			pw->worst = i;
		if (c->mde_pct <= c->min_effect_pct)
			continue;
		pw->blind++;
		/* runs per night, baseline last_k nights of them */
		for (r = 2; r <= 200 && !detects(c, last_k * r, r, a); r++)
			;
		if (pw->reps_needed >= 0)
			pw->reps_needed = r > 200 ? -1 : r > pw->reps_needed ? r : pw->reps_needed;
		/* nights of baseline at the config's runs per night */
		for (k = 1; k <= 100 && !detects(c, k * reps, reps, a); k++)
			;
		if (pw->k_needed >= 0)
			pw->k_needed = k > 100 ? -1 : k > pw->k_needed ? k : pw->k_needed;
	}
	if (v && pw->cells) {
		qsort(v, pw->cells, sizeof(*v), cmp_dbl);
		pw->mde_median = pw->cells % 2 ? v[pw->cells / 2] :
						 (v[pw->cells / 2 - 1] + v[pw->cells / 2]) / 2;
	}
	free(v);
}

int ci_gate__failing(const struct ci_cell *cells, int n)
{
	for (int i = 0; i < n; i++)
		if (cells[i].state == CI_REGRESSION || cells[i].state == CI_SCHED_FAILED)
			return 1;
	return 0;
}

static int rank(enum ci_state s)
{
	switch (s) {
	case CI_SCHED_FAILED: return 0;
	case CI_REGRESSION: return 1;
	case CI_HARNESS_FAILED: return 2;
	case CI_IMPROVEMENT: return 3;
	case CI_CHANGED: return 4;
	case CI_NO_DATA: return 5;
	case CI_NO_BASELINE: return 6;
	case CI_OK: return 7;
	}
	return 8;
}

void ci_gate__order(const struct ci_cell *cells, int n, int *idx)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	/* insertion sort: stable, n is small */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && rank(cells[idx[j - 1]].state) > rank(cells[idx[j]].state);
		     j--) {
			int t = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
}
