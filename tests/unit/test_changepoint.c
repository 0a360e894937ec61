// SPDX-License-Identifier: GPL-2.0
/* E-divisive change points on seeded synthetic nightly series: a step, a
 * slow drift, pure noise (the false-alarm rate), and the statistic against
 * its definition. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/stats/changepoint.h"
#include "harness/stats/stats.h"
#include "tests/unit/unit.h"

#define RUNS 5
#define MAXN 64
/* run-to-run noise of a throughput such as hackbench's msgs/s */
#define COV 0.03

static double gauss(struct stats_rng *r)
{
	double u = stats_rng__unit(r), v = stats_rng__unit(r);

	return sqrt(-2 * log(1 - u)) * cos(2 * M_PI * v);
}

/* nights x RUNS runs around level[k] with COV noise */
static int series(const double *level, int nights, uint64_t seed, double *x, int *night)
{
	struct stats_rng r;
	int n = 0;

	stats_rng__seed(&r, seed);
	for (int k = 0; k < nights; k++)
		for (int i = 0; i < RUNS; i++) {
			x[n] = level[k] * (1 + COV * gauss(&r));
			night[n++] = k;
		}
	return n;
}

UNIT_TEST(changepoint_q_definition)
{
	double v[] = { 1, 2, 1.5, 7, 8, 7.5, 9 };
	/* by hand for t = 3: between = sum |x_i - y_j| over 3 x 4 pairs */
	double bt = 0, wl = 0, wr = 0, q;

	for (int i = 0; i < 7; i++)
		for (int j = i + 1; j < 7; j++) {
			double d = fabs(v[i] - v[j]);

			if (j < 3)
				wl += d;
			else if (i >= 3)
				wr += d;
			else
				bt += d;
		}
	q = 3.0 * 4 / 7 * (2 * bt / 12 - wl / 3 - wr / 6);
	CHECK(fabs(changepoint__q(v, 7, 3, 1) - q) < 1e-12, "Q %g, by hand %g",
	      changepoint__q(v, 7, 3, 1), q);
	/* the split between the two levels has the largest Q */
	for (int t = 1; t < 7; t++)
		CHECK(t == 3 || changepoint__q(v, 7, t, 1) < q, "Q(%d) %g >= Q(3) %g", t,
		      changepoint__q(v, 7, t, 1), q);
}

UNIT_TEST(changepoint_bad_input)
{
	double x[] = { 1, 2, NAN, 4 };
	int night[] = { 0, 1, 2, 3 }, gap[] = { 0, 2, 3, 4 };
	struct cp_point cp[4];

	CHECK(changepoint__detect(x, night, 4, NULL, cp, 4) == -EINVAL, "NAN accepted");
	x[2] = 3;
	CHECK(changepoint__detect(x, gap, 4, NULL, cp, 4) == -EINVAL, "a gap in nights accepted");
	CHECK(changepoint__detect(x, night, 0, NULL, cp, 4) == -EINVAL, "no runs accepted");
	/* 4 nights with min_seg 2: one split is possible, none significant */
	CHECK(changepoint__detect(x, night, 3, NULL, cp, 4) == 0, "3 nights < 2 * min_seg");
}

/* 10 % step down at night 6 of 10, 5 runs a night: found at night index 5
 * with its size, over 20 seeds. */
UNIT_TEST(changepoint_step)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		double level[10], x[10 * RUNS];
		int night[10 * RUNS], n, k;
		struct cp_point cp[8];
		struct cp_opts o = { .seed = 42 };

		for (int i = 0; i < 10; i++)
			level[i] = i < 5 ? 100000 : 90000;
		n = series(level, 10, seed, x, night);
		k = changepoint__detect(x, night, n, &o, cp, 8);
		CHECK(k >= 1, "seed %llu: no change point (%d)", (unsigned long long)seed, k);
		CHECK(k == 1, "seed %llu: %d change points, the 2nd at night %d",
		      (unsigned long long)seed, k, cp[1].night);
		CHECK(cp[0].night == 5, "seed %llu: at night %d, not 5", (unsigned long long)seed,
		      cp[0].night);
		CHECK(cp[0].rel_pct < -7 && cp[0].rel_pct > -13, "seed %llu: size %.1f %%",
		      (unsigned long long)seed, cp[0].rel_pct);
		CHECK(cp[0].rel_lo <= -10 + 1.5 && cp[0].rel_hi >= -10 - 1.5 && cp[0].rel_hi < 0,
		      "seed %llu: CI [%.1f, %.1f]", (unsigned long long)seed, cp[0].rel_lo,
		      cp[0].rel_hi);
		CHECK(cp[0].nights_before == 5 && cp[0].nights_after == 5 && cp[0].p < 0.05,
		      "seed %llu: %d/%d nights, p %g", (unsigned long long)seed, cp[0].nights_before,
		      cp[0].nights_after, cp[0].p);
		CHECK(fabs(cp[0].mean_before - 100000) < 3000 && fabs(cp[0].mean_after - 90000) < 3000,
		      "seed %llu: means %.0f -> %.0f", (unsigned long long)seed, cp[0].mean_before,
		      cp[0].mean_after);
	}
}

/* the same history, the same answer (permutations and CI are seeded) */
UNIT_TEST(changepoint_deterministic)
{
	double level[10], x[10 * RUNS];
	int night[10 * RUNS], n, k1, k2;
	struct cp_point a[8], b[8];
	struct cp_opts o = { .seed = 7 };

	for (int i = 0; i < 10; i++)
		level[i] = i < 5 ? 100 : 96;
	n = series(level, 10, 3, x, night);
	k1 = changepoint__detect(x, night, n, &o, a, 8);
	k2 = changepoint__detect(x, night, n, &o, b, 8);
	CHECK(k1 == k2 && k1 >= 1, "%d vs %d change points", k1, k2);
	for (int i = 0; i < k1; i++)
		CHECK(a[i].night == b[i].night && a[i].p == b[i].p && a[i].rel_lo == b[i].rel_lo &&
		      a[i].rel_hi == b[i].rel_hi, "change point %d differs for the same seed", i);
}

/* 1 % worse every night for 20 nights: at least one change point, down */
UNIT_TEST(changepoint_drift)
{
	for (uint64_t seed = 1; seed <= 20; seed++) {
		double level[20], x[20 * RUNS];
		int night[20 * RUNS], n, k;
		struct cp_point cp[8];
		struct cp_opts o = { .seed = 42 };

		for (int i = 0; i < 20; i++)
			level[i] = 100000 * pow(0.99, i);
		n = series(level, 20, seed, x, night);
		k = changepoint__detect(x, night, n, &o, cp, 8);
		CHECK(k >= 1, "seed %llu: the drift was not found", (unsigned long long)seed);
		for (int i = 0; i < k; i++)
			CHECK(cp[i].rel_pct < 0 && cp[i].rel_hi < 0,
			      "seed %llu: change point %d at night %d goes up: %.1f %% [%.1f, %.1f]",
			      (unsigned long long)seed, i, cp[i].night, cp[i].rel_pct, cp[i].rel_lo,
			      cp[i].rel_hi);
	}
}

/*
 * 30 nights of pure noise over 500 seeds. A change point found by chance
 * is a false alarm of the detector (its permutation test is at 5 %, so
 * about 5 % of series); what a night could fail on is one beyond the
 * 5 % minimum effect: none.
 */
UNIT_TEST(changepoint_noise)
{
	int any = 0, beyond = 0, total = 0;

	for (uint64_t seed = 1; seed <= 500; seed++) {
		double level[30], x[30 * RUNS];
		int night[30 * RUNS], n, k;
		struct cp_point cp[8];
		struct cp_opts o = { .seed = seed * 31 };

		for (int i = 0; i < 30; i++)
			level[i] = 100000;
		n = series(level, 30, seed + 1000, x, night);
		k = changepoint__detect(x, night, n, &o, cp, 8);
		CHECK(k >= 0, "seed %llu: %d", (unsigned long long)seed, k);
		any += k > 0;
		total += k;
		for (int i = 0; i < k; i++)
			beyond += fabs(cp[i].rel_pct) >= 5;
	}
	printf("# pure noise, 30 nights x %d runs, CoV %.0f %%, 500 seeds: %d series (%.1f %%) with"
	       " a change point (%d in all), %d beyond 5 %%\n",
	       RUNS, COV * 100, any, any / 5.0, total, beyond);
	CHECK(any <= 45, "%d of 500 noise series have a change point (test level 5 %%)", any);
	CHECK(!beyond, "%d change points of pure noise beyond the 5 %% minimum effect", beyond);
}
