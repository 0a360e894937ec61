// SPDX-License-Identifier: GPL-2.0
/*
 * The four-way decision on synthetic samples: a clear win, a clear
 * equivalence, too few samples; the rounds-needed estimate; and over 200
 * seeded A/A comparisons (both sides from one distribution) the rate of
 * better/worse on three primary metrics stays at or below alpha.
 */
#include <math.h>
#include <stdlib.h>

#include "harness/stats/stats.h"
#include "tests/unit/unit.h"

/* lognormal-ish noise around m with relative spread cv */
static void sample(struct stats_rng *r, double m, double cv, int n, double *out)
{
	for (int i = 0; i < n; i++) {
		/* Box-Muller */
		double u1 = stats_rng__unit(r) + 1e-12, u2 = stats_rng__unit(r);
		double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);

		out[i] = m * exp(cv * z);
	}
}

/* delta CI, p (one test: the family is given by the caller) and decision */
static enum stats_decision compare_once(const double *a, const double *b, int n, int better,
					 double p_adj_factor, double min_effect, uint64_t seed,
					 int *more)
{
	double d, lo, hi, u, p;
	int exact;

	if (stats__delta_pct(a, n, b, n, 0.95, 2000, seed, &d, &lo, &hi) ||
	    stats__mann_whitney(a, n, b, n, &u, &p, &exact))
		return DECIDE_NA;
	p = fmin(1, p * p_adj_factor);
	if (more)
		*more = stats__rounds_to_decide(d, lo, hi, n, min_effect, 0.05, 3);
	return stats__decide(better, d, lo, hi, p, 0.05, min_effect);
}

UNIT_TEST(decide_clear_win)
{
	struct stats_rng r;
	double a[10], b[10];

	stats_rng__seed(&r, 1);
	sample(&r, 1000, 0.02, 10, a);
	sample(&r, 1200, 0.02, 10, b);
	CHECK(compare_once(a, b, 10, 1, 1, 2, 7, NULL) == DECIDE_BETTER, "+20 %% higher-is-better");
	CHECK(compare_once(a, b, 10, -1, 1, 2, 7, NULL) == DECIDE_WORSE, "+20 %% lower-is-better");
	CHECK(compare_once(a, b, 10, 0, 1, 2, 7, NULL) == DECIDE_DIFFERENT, "+20 %% no direction");
}

UNIT_TEST(decide_clear_equivalence)
{
	struct stats_rng r;
	double a[30], b[30];

	stats_rng__seed(&r, 2);
	sample(&r, 1000, 0.01, 30, a);
	sample(&r, 1000, 0.01, 30, b);
	CHECK(compare_once(a, b, 30, 1, 1, 2, 7, NULL) == DECIDE_SAME, "1 %% noise, 30 runs: same");
	/* inside the CI but significant and smaller than min-effect: same */
	CHECK(stats__decide(1, 1.0, 0.5, 1.5, 0.001, 0.05, 2) == DECIDE_SAME, "small real shift");
	CHECK(stats__decide(1, 1.0, 0.5, 1.5, 0.001, 0.05, 0.2) == DECIDE_BETTER,
	      "the same shift with a smaller min-effect");
}

UNIT_TEST(decide_too_few_samples)
{
	struct stats_rng r;
	double a[3], b[3];
	int more = 0;
	enum stats_decision d;

	CHECK(stats__decide(1, NAN, NAN, NAN, NAN, 0.05, 2) == DECIDE_NA, "no data");
	stats_rng__seed(&r, 3);
	sample(&r, 1000, 0.3, 3, a);
	sample(&r, 1000, 0.3, 3, b);
	d = compare_once(a, b, 3, 1, 1, 2, 7, &more);
	CHECK(d == DECIDE_INCONCLUSIVE, "30 %% noise, 3 runs: %s", stats__decision_str(d));
	CHECK(more > 0, "rounds to decide %d", more);
	/* the +70 % [-7, +117] at n=5 of the issue: inconclusive, more rounds */
	CHECK(stats__decide(1, 70, -7, 117, 0.15, 0.05, 2) == DECIDE_INCONCLUSIVE, "+70 [-7,+117]");
}

UNIT_TEST(decide_rounds_estimate)
{
	/* h = 10 at n = 5, delta 5: excluding 0 needs h < 5, (10/5)^2 * 5 = 20 */
	CHECK(stats__rounds_to_decide(5, -5, 15, 5, 2, 0.05, 1) == 15, "%d",
	      stats__rounds_to_decide(5, -5, 15, 5, 2, 0.05, 1));
	/* delta 0, h = 4: equivalence needs h < 2: (4/2)^2 * 5 = 20 */
	CHECK(stats__rounds_to_decide(0, -4, 4, 5, 2, 0.05, 1) == 15, "%d",
	      stats__rounds_to_decide(0, -4, 4, 5, 2, 0.05, 1));
	CHECK(stats__rounds_to_decide(5, 1, 9, 5, 2, 0.05, 1) == 0, "decided: 0");
	/* delta and min-effect both tiny against the spread: no useful number */
	CHECK(stats__rounds_to_decide(0.05, -9.95, 10.05, 5, 0.1, 0.05, 1) == -1, "on the boundary: -1");
	CHECK(stats__rounds_to_decide(2, -8, 12, 5, 2, 0.05, 1) == 120, "delta at min-effect: %d",
	      stats__rounds_to_decide(2, -8, 12, 5, 2, 0.05, 1));
	/* a huge delta at n = 3 still waits for the exact test's reach (n=5
	 * for alpha/3) */
	CHECK(stats__rounds_to_decide(100, -1, 201, 3, 2, 0.05, 3) == 2, "%d",
	      stats__rounds_to_decide(100, -1, 201, 3, 2, 0.05, 3));
}

UNIT_TEST(decide_aa_false_positive_rate)
{
	const int N = 200, metrics = 3;
	struct stats_rng r;
	int decided_bw = 0;

	stats_rng__seed(&r, 4);
	for (int c = 0; c < N; c++) {
		int n = c % 2 ? 5 : 10;
		double a[3][10], b[3][10], p[3], padj[3], d[3], lo[3], hi[3];

		for (int m = 0; m < metrics; m++) {
			double u;
			int exact;

			sample(&r, 1000, 0.1, n, a[m]);
			sample(&r, 1000, 0.1, n, b[m]);
			CHECK(!stats__delta_pct(a[m], n, b[m], n, 0.95, 1000, c * 7 + m, &d[m], &lo[m],
						&hi[m]), "delta");
			CHECK(!stats__mann_whitney(a[m], n, b[m], n, &u, &p[m], &exact), "mwu");
		}
		CHECK(!stats__holm(p, metrics, padj), "holm");
		for (int m = 0; m < metrics; m++) {
			enum stats_decision v = stats__decide(1, d[m], lo[m], hi[m], padj[m], 0.05, 2);

			decided_bw += v == DECIDE_BETTER || v == DECIDE_WORSE;
		}
	}
	printf("# A/A: %d better/worse verdicts of %d comparisons x %d primary metrics\n",
	       decided_bw, N, metrics);
	/* at most alpha of the comparisons may get any: family-wise */
	CHECK(decided_bw <= 0.05 * N, "%d false better/worse of %d comparisons", decided_bw, N);
}
