// SPDX-License-Identifier: GPL-2.0
/* Statistics against reference values (textbook examples, R's outputs)
 * and against their own definitions (brute-force enumeration). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/plan.h"
#include "harness/stats/stats.h"
#include "tests/unit/unit.h"

#define NEAR(a, b, tol) (fabs((a) - (b)) <= (tol))

UNIT_TEST(stats_basic)
{
	double x[] = { 4, 1, 3, 2 };
	double y[] = { 2, 4, 4, 4, 5, 5, 7, 9 };

	CHECK(NEAR(stats__median(x, 4), 2.5, 1e-12), "median %g", stats__median(x, 4));
	CHECK(NEAR(stats__quantile(x, 4, 0.9), 3.7, 1e-12), "q90 %g", stats__quantile(x, 4, 0.9));
	CHECK(x[0] == 4 && x[1] == 1, "input reordered");
	CHECK(NEAR(stats__mean(y, 8), 5, 1e-12), "mean");
	/* sample sd of the classic {2,4,4,4,5,5,7,9}: sqrt(32/7) */
	CHECK(NEAR(stats__stddev(y, 8), sqrt(32.0 / 7), 1e-12), "sd %g", stats__stddev(y, 8));
	CHECK(NEAR(stats__cov(y, 8), sqrt(32.0 / 7) / 5, 1e-12), "cov");
	CHECK(isnan(stats__stddev(y, 1)), "sd of one value must be NAN");
	CHECK(isnan(stats__median(y, 0)), "median of nothing must be NAN");
}

/*
 * R documentation of wilcox.test (Hollander & Wolfe 1973, p. 69):
 * x <- c(0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46)
 * y <- c(1.15, 0.88, 0.90, 0.74, 1.21)
 * wilcox.test(x, y, alternative = "g")  ->  W = 35, p-value = 0.1272
 * (exact, so the two-sided p is 0.2544).
 */
UNIT_TEST(stats_mwu_textbook)
{
	double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	double u, p;
	int exact, err;

	err = stats__mann_whitney(y, 5, x, 10, &u, &p, &exact);
	CHECK(!err, "err %d", err);
	CHECK(u == 35, "U %g, want 35", u);
	CHECK(exact, "small sample must be exact");
	CHECK(NEAR(p, 0.2544, 5e-5), "p %g, want 0.2544 (2 x 0.1272)", p);
	/* swapping the groups gives U' = 50 - U and the same p */
	err = stats__mann_whitney(x, 10, y, 5, &u, &p, &exact);
	CHECK(!err && u == 15 && NEAR(p, 0.2544, 5e-5), "swapped: U %g p %g", u, p);
}

UNIT_TEST(stats_mwu_separated)
{
	double a3[] = { 1, 2, 3 }, b3[] = { 4, 5, 6 };
	double a4[] = { 1, 2, 3, 4 }, b4[] = { 5, 6, 7, 8 };
	double a5[] = { 1, 2, 3, 4, 5 }, b5[] = { 6, 7, 8, 9, 10 };
	double same[] = { 3, 3, 3 };
	double u, p;

	/* complete separation: p = 2 / C(na+nb, na) */
	CHECK(!stats__mann_whitney(a3, 3, b3, 3, &u, &p, NULL), "err");
	CHECK(u == 9 && NEAR(p, 0.1, 1e-12), "3v3: U %g p %g", u, p);
	CHECK(!stats__mann_whitney(a4, 4, b4, 4, &u, &p, NULL), "err");
	CHECK(u == 16 && NEAR(p, 2.0 / 70, 1e-12), "4v4: U %g p %g", u, p);
	CHECK(!stats__mann_whitney(b5, 5, a5, 5, &u, &p, NULL), "err");
	CHECK(u == 0 && NEAR(p, 2.0 / 252, 1e-12), "5v5: U %g p %g", u, p);
	CHECK(NEAR(stats__mwu_min_p(5, 5), 2.0 / 252, 1e-12), "min p");
	CHECK(!stats__mann_whitney(same, 3, same, 3, &u, &p, NULL), "err");
	CHECK(p == 1, "all tied: p %g", p);
}

/* Exact p with ties against a brute-force enumeration of every split. */
UNIT_TEST(stats_mwu_ties_bruteforce)
{
	double a[] = { 1, 2, 2, 3, 5, 5 }, b[] = { 2, 3, 5, 6, 6, 7, 7 };
	double all[13], r[13], u, p, e, obs = 0;
	int n = 13, na = 6, i, j, mask, hit = 0, tot = 0;

	memcpy(all, a, sizeof(a));
	memcpy(all + 6, b, sizeof(b));
	for (i = 0; i < n; i++) { /* midranks */
		int lt = 0, eq = 0;

		for (j = 0; j < n; j++) {
			lt += all[j] < all[i];
			eq += all[j] == all[i];
		}
		r[i] = lt + (eq + 1) / 2.0;
	}
	for (i = 0; i < na; i++)
		obs += r[i];
	e = na * (n + 1) / 2.0;
	for (mask = 0; mask < 1 << n; mask++) {
		double s = 0;

		if (__builtin_popcount(mask) != na)
			continue;
		for (i = 0; i < n; i++)
			if (mask & 1 << i)
				s += r[i];
		tot++;
		hit += fabs(s - e) >= fabs(obs - e) - 1e-9;
	}
	CHECK(!stats__mann_whitney(a, 6, b, 7, &u, &p, NULL), "err");
	CHECK(NEAR(p, (double)hit / tot, 1e-12), "p %g, brute force %g", p, (double)hit / tot);
	/* U_b by definition: pairs with b > a, ties one half */
	e = 0;
	for (i = 0; i < 6; i++)
		for (j = 0; j < 7; j++)
			e += b[j] > a[i] ? 1 : b[j] == a[i] ? 0.5 : 0;
	CHECK(u == e, "U %g, want %g", u, e);
}

/* Large samples: normal approximation with ties. a = 0..39, b = 10..49:
 * 30 tied pairs, U = 1135 + 30/2 = 1150, mu = 800,
 * var = 40*40/12 * (81 - 30*(2^3-2)/(80*79)), continuity-corrected
 * z = 3.36366, two-sided p = 0.00076917
 * (R: wilcox.test(10:49, 0:39, exact=FALSE) gives W = 1150). */
UNIT_TEST(stats_mwu_normal)
{
	double a[40], b[40], u, p;
	int i, exact = 1;

	for (i = 0; i < 40; i++) {
		a[i] = i;
		b[i] = i + 10;
	}
	CHECK(!stats__mann_whitney(a, 40, b, 40, &u, &p, &exact), "err");
	CHECK(!exact, "80 values should use the normal approximation");
	CHECK(u == 1150, "U %g", u);
	CHECK(NEAR(p, 0.00076917, 1e-7), "p %g", p);
}

/* R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") -> 0.03 0.06 0.06 0.02 */
UNIT_TEST(stats_holm)
{
	double p[] = { 0.01, 0.04, 0.03, 0.005 }, adj[4];
	double want[] = { 0.03, 0.06, 0.06, 0.02 };
	double q[] = { 0.5, NAN, 0.01 }, qa[3];
	int i;

	CHECK(!stats__holm(p, 4, adj), "err");
	for (i = 0; i < 4; i++)
		CHECK(NEAR(adj[i], want[i], 1e-12), "adj[%d] = %g, want %g", i, adj[i], want[i]);
	/* NAN stays out of the family: m = 2 */
	CHECK(!stats__holm(q, 3, qa), "err");
	CHECK(NEAR(qa[0], 0.5, 1e-12) && isnan(qa[1]) && NEAR(qa[2], 0.02, 1e-12),
	      "with NAN: %g %g %g", qa[0], qa[1], qa[2]);
}

UNIT_TEST(stats_effect_sizes)
{
	double a[] = { 1, 2, 3 }, b[] = { 2, 3, 4 };

	/* 6 pairs b > a, 1 pair b < a */
	CHECK(NEAR(stats__cliffs_delta(a, 3, b, 3), 5.0 / 9, 1e-12), "cliff %g",
	      stats__cliffs_delta(a, 3, b, 3));
	CHECK(NEAR(stats__hodges_lehmann(a, 3, b, 3), 1, 1e-12), "HL %g",
	      stats__hodges_lehmann(a, 3, b, 3));
	CHECK(NEAR(stats__cliffs_delta(b, 3, a, 3), -5.0 / 9, 1e-12), "cliff reversed");
}

static double normal(struct stats_rng *r, double mu, double sd)
{
	double u1 = stats_rng__unit(r), u2 = stats_rng__unit(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return mu + sd * sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

/* ~95 % of 200 bootstrap CIs of the median of seeded normal samples must
 * cover the true median; binomial(200, 0.95) puts 99.9 % of its mass in
 * [180, 198], and the percentile bootstrap of a median is known to be a
 * little conservative/liberal at n = 40, so accept [176, 200]. */
UNIT_TEST(stats_bootstrap_coverage)
{
	struct stats_rng r;
	double x[40], lo, hi, lo2, hi2;
	int rep, i, cover = 0, cover_mean = 0;

	stats_rng__seed(&r, 42);
	for (rep = 0; rep < 200; rep++) {
		for (i = 0; i < 40; i++)
			x[i] = normal(&r, 10, 2);
		CHECK(!stats__bootstrap_ci(x, 40, STATS_MEDIAN, 0, 0.95, 1000, rep, &lo, &hi),
		      "err");
		CHECK(lo <= hi, "lo %g > hi %g", lo, hi);
		cover += lo <= 10 && 10 <= hi;
		CHECK(!stats__bootstrap_ci(x, 40, STATS_MEAN, 0, 0.95, 1000, rep, &lo, &hi), "err");
		cover_mean += lo <= 10 && 10 <= hi;
	}
	CHECK(cover >= 176 && cover <= 200, "median CI covered %d/200", cover);
	CHECK(cover_mean >= 176 && cover_mean <= 200, "mean CI covered %d/200", cover_mean);
	/* same seed, same CI: reports regenerate identically */
	CHECK(!stats__bootstrap_ci(x, 40, STATS_QUANTILE, 0.9, 0.95, 500, 7, &lo, &hi), "err");
	CHECK(!stats__bootstrap_ci(x, 40, STATS_QUANTILE, 0.9, 0.95, 500, 7, &lo2, &hi2), "err");
	CHECK(lo == lo2 && hi == hi2, "not deterministic");
	CHECK(stats__bootstrap_ci(x, 1, STATS_MEDIAN, 0, 0.95, 500, 7, &lo, &hi) == -EINVAL,
	      "n=1 must be refused");
}

/* Delta CI of ratio of medians: b = a * 1.10 (+ noise) -> ~ +10 %, CI
 * around it; coverage of the true +10 % over 100 seeded data sets. */
UNIT_TEST(stats_delta)
{
	struct stats_rng r;
	double a[30], b[30], d, lo, hi;
	int rep, i, cover = 0;

	stats_rng__seed(&r, 1);
	for (rep = 0; rep < 100; rep++) {
		for (i = 0; i < 30; i++) {
			a[i] = normal(&r, 100, 5);
			b[i] = normal(&r, 110, 5);
		}
		CHECK(!stats__delta_pct(a, 30, b, 30, 0.95, 1000, rep, &d, &lo, &hi), "err");
		CHECK(lo <= d && d <= hi, "delta %g outside its CI [%g, %g]", d, lo, hi);
		cover += lo <= 10 && 10 <= hi;
	}
	CHECK(cover >= 85, "delta CI covered %d/100", cover);
	a[0] = 0;
	CHECK(stats__delta_pct(a, 1, b, 3, 0.95, 100, 1, &d, &lo, &hi) == -EDOM, "0 baseline");
}

UNIT_TEST(stats_verdicts)
{
	/* the direction logic of the four-way decision (min-effect 2 %) */
	CHECK(stats__decide(-1, -20, -30, -10, 0.01, 0.05, 2) == DECIDE_BETTER, "lower better");
	CHECK(stats__decide(-1, 20, 10, 30, 0.01, 0.05, 2) == DECIDE_WORSE, "lower worse");
	CHECK(stats__decide(1, 20, 10, 30, 0.01, 0.05, 2) == DECIDE_BETTER, "higher better");
	CHECK(stats__decide(1, -20, -30, -10, 0.01, 0.05, 2) == DECIDE_WORSE, "higher worse");
	/* not significant is not "same": it is not decided */
	CHECK(stats__decide(1, 20, 10, 30, 0.2, 0.05, 2) == DECIDE_INCONCLUSIVE, "p too large");
	CHECK(stats__decide(1, 20, -5, 30, 0.01, 0.05, 2) == DECIDE_INCONCLUSIVE, "CI straddles 0");
	CHECK(stats__decide(1, 0.5, -1, 1.5, 0.9, 0.05, 2) == DECIDE_SAME, "CI inside +-2 %%");
	CHECK(stats__decide(0, 20, 10, 30, 0.01, 0.05, 2) == DECIDE_DIFFERENT, "no direction");
	CHECK(stats__decide(1, NAN, NAN, NAN, 0.01, 0.05, 2) == DECIDE_NA, "no data");
	CHECK(!strcmp(stats__decision_str(DECIDE_INCONCLUSIVE), "inconclusive"), "str");
}

UNIT_TEST(stats_rng)
{
	struct stats_rng r;
	int hist[10] = { 0 }, i;

	/* splitmix64 reference: first output for seed 0 */
	stats_rng__seed(&r, 0);
	CHECK(stats_rng__next(&r) == 0xe220a8397b1dcdafULL, "splitmix64 mismatch");
	stats_rng__seed(&r, 3);
	for (i = 0; i < 100000; i++)
		hist[stats_rng__below(&r, 10)]++;
	for (i = 0; i < 10; i++)
		CHECK(hist[i] > 9500 && hist[i] < 10500, "bucket %d: %d", i, hist[i]);
}

UNIT_TEST(plan_rounds)
{
	struct plan_item a[3 * 8], b[3 * 4];
	int r, i, seen, differ = 0;

	CHECK(!plan__rounds(3, 0, 8, 99, a), "err");
	for (r = 0; r < 8; r++) {
		seen = 0;
		for (i = 0; i < 3; i++) {
			CHECK(a[r * 3 + i].round == r, "round %d", a[r * 3 + i].round);
			seen |= 1 << a[r * 3 + i].sched;
		}
		CHECK(seen == 7, "round %d does not run every scheduler once", r);
		differ += a[r * 3].sched != a[0].sched;
	}
	CHECK(differ > 0, "every round has the same order: not shuffled");
	/* rounds added later continue the same plan */
	CHECK(!plan__rounds(3, 4, 8, 99, b), "err");
	CHECK(!memcmp(a + 12, b, sizeof(b)), "rounds 4..7 differ when planned later");
	CHECK(plan__rounds(0, 0, 1, 1, a) == -EINVAL, "0 schedulers accepted");
}
