// SPDX-License-Identifier: GPL-2.0
/* The minimum detectable effect (stats__mde_pct_of) and the gate's power
 * advice (ci_gate__power): textbook values, the exact test's floor, and
 * advice that, applied, detects what the config asks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/ci/gate.h"
#include "harness/stats/stats.h"
#include "tests/unit/unit.h"

UNIT_TEST(stats_mde_textbook)
{
	/* (z(0.975) + z(0.8)) * 10 % * sqrt(1/20 + 1/20) = 2.8016 * 3.1623 */
	double m = stats__mde_pct_of(10, 20, 20, 0.05, 0.8);

	CHECK(fabs(m - 8.859) < 0.005, "mde %g", m);
	/* four times the runs, half the effect */
	CHECK(fabs(stats__mde_pct_of(10, 80, 80, 0.05, 0.8) - m / 2) < 1e-9, "sqrt(n)");
	/* 5 vs 5 runs: the exact test's smallest p is 0.0079 */
	CHECK(isinf(stats__mde_pct_of(3, 5, 5, 0.005, 0.8)), "below the floor");
	CHECK(isfinite(stats__mde_pct_of(3, 5, 5, 0.01, 0.8)), "above the floor");
	CHECK(isnan(stats__mde_pct_of(3, 1, 5, 0.05, 0.8)), "one run");
	CHECK(isnan(stats__mde_pct_of(NAN, 5, 5, 0.05, 0.8)), "no spread");
}

UNIT_TEST(stats_rel_spread)
{
	const double a[] = { 9, 10, 11 }, b[] = { 19, 20, 21 };
	/* both sds are 1 about their own means; the median of a is 10 */
	double s = stats__rel_spread_pct(a, 3, b, 3);

	CHECK(fabs(s - 10) < 1e-9, "spread %g", s);
	CHECK(isnan(stats__rel_spread_pct(a, 1, b, 3)), "one value");
}

static void cell(struct ci_cell *c, const char *metric, double spread, int nb, int nc,
		 double min_effect, double alpha, int family)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->scheduler, sizeof(c->scheduler), "vtime");
	snprintf(c->workload, sizeof(c->workload), "hackbench");
	snprintf(c->metric, sizeof(c->metric), "%s", metric);
	c->better = -1;
	c->gated = true;
	c->min_effect_pct = min_effect;
	c->spread_pct = spread;
	c->nbase = nb;
	c->ncur = nc;
	c->mde_pct = stats__mde_pct_of(spread, nb, nc, alpha / family, CI_POWER);
}

UNIT_TEST(ci_power_advice)
{
	struct ci_cell c[3];
	struct ci_power pw;

	/* 3.5 % spread, 25 vs 5 runs, alpha 0.05 over 3: 5.5 %, not 5 */
	cell(&c[0], "a", 3.5, 25, 5, 5, 0.05, 3);
	cell(&c[1], "b", 1, 25, 5, 5, 0.05, 3);
	cell(&c[2], "c", 3, 25, 5, 5, 0.05, 3);
	c[2].gated = false; /* exploratory: not counted */
	ci_gate__power(c, 3, 0.05, 3, 5, 5, &pw);
	CHECK(pw.cells == 2 && pw.worst == 0, "cells %d worst %d", pw.cells, pw.worst);
	CHECK(fabs(pw.mde_median - (c[0].mde_pct + c[1].mde_pct) / 2) < 1e-9, "median");
	CHECK(c[0].mde_pct > 5 && c[1].mde_pct < 5 && pw.blind == 1, "blind %d (%g, %g)", pw.blind,
	      c[0].mde_pct, c[1].mde_pct);
	/* the advice is the least that works: r detects, r - 1 does not */
	CHECK(pw.reps_needed > 5, "reps %d", pw.reps_needed);
	CHECK(stats__mde_pct_of(3.5, 5 * pw.reps_needed, pw.reps_needed, 0.05 / 3, CI_POWER) <= 5 &&
	      stats__mde_pct_of(3.5, 5 * (pw.reps_needed - 1), pw.reps_needed - 1, 0.05 / 3,
				CI_POWER) > 5, "reps %d is the least", pw.reps_needed);
	/* with 5 runs tonight no baseline is long enough: tonight alone is
	 * sqrt(1/5) of the spread */
	CHECK(pw.k_needed == -1, "k %d", pw.k_needed);
	/* a spread that a longer baseline can fix */
	cell(&c[0], "a", 2.7, 5, 5, 5, 0.05, 3);
	ci_gate__power(c, 2, 0.05, 3, 5, 1, &pw);
	CHECK(pw.blind == 1 && pw.k_needed > 1 &&
	      stats__mde_pct_of(2.7, 5 * pw.k_needed, 5, 0.05 / 3, CI_POWER) <= 5, "k %d",
	      pw.k_needed);
}
