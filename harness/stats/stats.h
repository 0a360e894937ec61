/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics over the samples of a comparison: one value per run.
 * Pure functions: no I/O, no global state; every random choice comes from
 * a caller-given seed so that a report regenerated from the store prints
 * the very same CIs.
 *
 * Conventions: "a" is the baseline sample, "b" the candidate. Functions
 * that can fail return -EINVAL (too few samples, bad arguments) or
 * -ENOMEM; functions returning a double return NAN when the value is not
 * defined (empty sample, mean 0 for a CoV...).
 */
#ifndef SCXB_STATS_H
#define SCXB_STATS_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdint.h>

/* splitmix64: tiny, fast and good enough for resampling indices. */
struct stats_rng {
	uint64_t s;
};
void stats_rng__seed(struct stats_rng *r, uint64_t seed);
uint64_t stats_rng__next(struct stats_rng *r);
/* Uniform in [0, n), without modulo bias. */
uint32_t stats_rng__below(struct stats_rng *r, uint32_t n);
/* Uniform in [0, 1). */
double stats_rng__unit(struct stats_rng *r);

double stats__mean(const double *x, int n);
/* Sample standard deviation (n - 1); NAN for n < 2. */
double stats__stddev(const double *x, int n);
/* Coefficient of variation stddev / |mean|; NAN when the mean is 0. */
double stats__cov(const double *x, int n);
/* Quantile, p in [0, 1], linear interpolation between order statistics
 * (Hyndman & Fan type 7, R's default). x is not modified. */
double stats__quantile(const double *x, int n, double p);
double stats__median(const double *x, int n);

enum stats_estimator {
	STATS_MEDIAN,
	STATS_MEAN,
	STATS_QUANTILE, /* uses the p argument */
};

/* Percentile-method bootstrap CI (level e.g. 0.95) of an estimator,
 * B resamples (0 = 2000). */
int stats__bootstrap_ci(const double *x, int n, enum stats_estimator est, double p,
			double level, int B, uint64_t seed, double *lo, double *hi);

/* Delta of b against baseline a in percent: 100 * (median(b)/median(a) - 1),
 * with a percentile bootstrap CI of that ratio (both groups resampled
 * independently). -EDOM when a median of a is 0. */
int stats__delta_pct(const double *a, int na, const double *b, int nb, double level,
		     int B, uint64_t seed, double *delta, double *lo, double *hi);

/*
 * Two-sided Mann-Whitney U test. *u is U of sample b: the number of pairs
 * (a_i, b_j) with b_j > a_i, ties counting one half. The p-value is exact
 * (the permutation distribution of the rank sum, ties included, by
 * dynamic programming) for na + nb <= STATS_MWU_EXACT_MAX, otherwise the
 * normal approximation with tie and continuity correction. *exact says
 * which one was used (may be NULL). All-tied samples give p = 1.
 */
#define STATS_MWU_EXACT_MAX 60
int stats__mann_whitney(const double *a, int na, const double *b, int nb, double *u,
			double *p, int *exact);
/* Smallest two-sided p the exact test can reach with these sizes
 * (2 / C(na+nb, na)): with 5 runs each no test can go below 0.0079. */
double stats__mwu_min_p(int na, int nb);

/*
 * The minimum detectable effect, in %: the smallest true shift that a
 * two-sided test at level alpha finds with the given power, for a
 * relative spread of s_rel_pct per run and na, nb runs (normal
 * approximation: (z(1 - alpha/2) + z(power)) * s * sqrt(1/na + 1/nb);
 * cf. Cohen, Statistical Power Analysis, 1988). INFINITY when the exact
 * Mann-Whitney test cannot go below alpha at these counts (5 runs a side
 * and alpha 0.005: nothing is detectable), NAN when undefined.
 */
double stats__mde_pct_of(double s_rel_pct, int na, int nb, double alpha, double power);
/* The pooled standard deviation of two samples (each about its own mean)
 * in % of a's median; NAN with fewer than 2 values a side. */
double stats__rel_spread_pct(const double *a, int na, const double *b, int nb);

/* Holm step-down adjusted p-values for a family of n tests, in place
 * order (adj[i] belongs to p[i]). NAN entries are left out of the family
 * and stay NAN. */
int stats__holm(const double *p, int n, double *adj);

/* Cliff's delta of b vs a: (#(b > a) - #(b < a)) / (na * nb), in [-1, 1]. */
double stats__cliffs_delta(const double *a, int na, const double *b, int nb);
/* Hodges-Lehmann shift of b vs a: median of all b_j - a_i. */
double stats__hodges_lehmann(const double *a, int na, const double *b, int nb);

/*
 * The four-way decision (better / worse / same / inconclusive), as
 * Chromium's Pinpoint decides three ways: "no significant difference"
 * at 5 runs is not "the same", it is "not decided yet". compare's table
 * and the CI gate both decide with it.
 *   DECIDE_SAME          the delta's CI lies inside +-min_effect_pct: any
 *                        difference is smaller than the effect worth
 *                        seeing (an equivalence test; the 95 % CI makes
 *                        it a conservative TOST); this wins over a
 *                        significant but smaller-than-min-effect delta
 *   DECIDE_BETTER/WORSE  significant (p_adj < alpha and the CI excludes
 *                        0), in the metric's good / bad direction
 *   DECIDE_DIFFERENT     significant, the metric has no direction
 *   DECIDE_INCONCLUSIVE  neither: more rounds are needed
 *   DECIDE_NA            no data (fewer than 2 ok runs on a side)
 */
enum stats_decision {
	DECIDE_NA = 0,
	DECIDE_SAME,
	DECIDE_BETTER,
	DECIDE_WORSE,
	DECIDE_DIFFERENT,
	DECIDE_INCONCLUSIVE,
};
enum stats_decision stats__decide(int better, double delta, double delta_lo, double delta_hi,
				  double p_adj, double alpha, double min_effect_pct);
/* "better", "worse", "same", "different", "inconclusive", "n/a" */
const char *stats__decision_str(enum stats_decision d);

/*
 * How many more rounds (runs per side) would likely decide an
 * inconclusive comparison, from what was seen: the CI half-width h of the
 * delta at n runs per side is assumed to shrink as 1/sqrt(n) with the
 * spread unchanged, until either the CI excludes 0 (h < |delta|) or it
 * fits inside +-min_effect (h < min_effect - |delta|), whichever comes
 * first; for "different" the exact Mann-Whitney test must also be able to
 * reach p < alpha / family at that n (with 5 runs per side its smallest p
 * is 0.0079), and a CI that excludes 0 already waits for that reach alone.
 * Returns 0 when the CI has decided (inside +-min_effect, or excluding 0
 * at an n where the test can follow), -1 when no practical number would
 * (|delta| sits on the min-effect boundary or the CI is undefined), else
 * the rounds to add, at most STATS_MAX_MORE_ROUNDS.
 */
#define STATS_MAX_MORE_ROUNDS 999
int stats__rounds_to_decide(double delta, double delta_lo, double delta_hi, int n,
			    double min_effect_pct, double alpha, int family);
/*
 * When the CI excludes 0 but the test's p (n runs per side) is still at
 * or above alpha: the rounds to add for p to fall below alpha at a steady
 * effect (z grows as sqrt(n)). 0 when p < alpha already, -1 when p is
 * undefined or 1, at most STATS_MAX_MORE_ROUNDS.
 */
int stats__rounds_for_p(double p, int n, double alpha);

#endif
