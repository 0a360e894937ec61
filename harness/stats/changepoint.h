/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Change points in a series of nights: E-divisive means (Matteson & James,
 * "A Nonparametric Approach for Multiple Change Point Analysis of
 * Multivariate Data", JASA 109(505), 2014), as MongoDB's performance CI
 * runs it over nightly results (Daly et al., ICPE 2020) and Apache Otava
 * (formerly Hunter, Fleming et al., ICPE 2023) builds on it.
 *
 * The series is one value per night: the median of that night's runs, so
 * that a night of five runs counts once and the permutation test permutes
 * whole nights (runs of one night share the machine's state that night
 * and are not exchangeable with another night's). Divisive: the split
 * that maximises the energy statistic
 *
 *   Q(X, Y) = m n / (m + n) * [ 2/(mn) sum |x_i - y_j|^a
 *             - 1/C(m,2) sum_{i<k} |x_i - x_k|^a - 1/C(n,2) sum_{j<k} |y_j - y_k|^a ]
 *
 * over every segment found so far (X = the nights before the split, Y
 * those from it to the segment's end: a simplification, Matteson & James
 * also search where Y ends), is kept when a permutation test
 * says it is significant: the nights of its segment are shuffled R times
 * (a seeded generator: the same history gives the same answer) and the
 * split's p is (1 + #{permuted max Q >= observed}) / (R + 1). A split and
 * its mirror image have the same Q: with m nights before and k after, p
 * cannot go below 2 / C(m + k, k) (5 + 2 nights: 0.095; 5 + 3: 0.036). The first
 * split that is not significant stops the search.
 *
 * Each change point is reported with the mean of the night values before
 * and after it (up to the neighbouring change points), the relative size
 * 100 * (after / before - 1) and a percentile bootstrap CI of that ratio
 * (the runs of each side resampled: stats__bootstrap_ci's convention).
 *
 * Pure: no I/O, no global state.
 */
#ifndef SCXB_STATS_CHANGEPOINT_H
#define SCXB_STATS_CHANGEPOINT_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdint.h>

struct cp_opts {
	double alpha;      /* permutation test level (0: 0.05) */
	int permutations;  /* R (0: 999) */
	int min_seg;       /* fewest nights on either side of a split (0: 2) */
	double exponent;   /* a in (0, 2) (0: 1, the usual choice) */
	double level;      /* CI level of each size (0: 0.95) */
	int boot;          /* bootstrap resamples (0: 2000) */
	uint64_t seed;
};

struct cp_point {
	int night;         /* first night of the new segment (0-based) */
	double p;          /* permutation p of the split */
	double q;          /* its energy statistic */
	double mean_before, mean_after; /* means of the night values */
	double rel_pct, rel_lo, rel_hi; /* 100 * (after / before - 1), CI */
	int nights_before, nights_after;
};

/*
 * Find the change points of a series of n runs: x[i] the value of run i,
 * night[i] its night, 0-based and non-decreasing (nights without runs are
 * not allowed: renumber). Fills out[] (at most max_out, ordered by night)
 * and returns how many were found, or -EINVAL (bad arguments, NAN values,
 * nights not in order) or -ENOMEM. Fewer than 2 * min_seg nights: 0.
 */
int changepoint__detect(const double *x, const int *night, int n, const struct cp_opts *o,
			struct cp_point *out, int max_out);

/* Q of splitting v[0..m) at t (the energy statistic above); for tests. */
double changepoint__q(const double *v, int m, int t, double exponent);

#endif
