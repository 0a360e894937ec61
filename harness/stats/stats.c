// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics for comparisons. Why these choices:
 * - Runs of a benchmark are few (5 by default) and rarely normal (a noisy
 *   neighbour gives one outlier), so location is the median, the test is
 *   rank-based (Mann-Whitney) and CIs come from the bootstrap, which
 *   assumes no distribution.
 * - With few runs the exact distribution of the rank sum is cheap to
 *   compute (a subset-sum count over doubled midranks, which also makes
 *   ties exact), and the normal approximation is poor, so small samples
 *   always get the exact p.
 * - Everything is seeded: regenerating a report gives the same numbers.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats/stats.h"

void stats_rng__seed(struct stats_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t stats_rng__next(struct stats_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t stats_rng__below(struct stats_rng *r, uint32_t n)
{
	/* Lemire's multiply-shift with rejection: no modulo bias */
	uint64_t m = (uint64_t)(uint32_t)stats_rng__next(r) * n;
	uint32_t l = (uint32_t)m;

	if (l < n) {
		uint32_t t = -n % n;

		while (l < t) {
			m = (uint64_t)(uint32_t)stats_rng__next(r) * n;
			l = (uint32_t)m;
		}
	}
	return m >> 32;
}

double stats_rng__unit(struct stats_rng *r)
{
	return (stats_rng__next(r) >> 11) * 0x1.0p-53;
}

double stats__mean(const double *x, int n)
{
	double s = 0;
	int i;

	if (n <= 0)
		return NAN;
	for (i = 0; i < n; i++)
		s += x[i];
	return s / n;
}

double stats__stddev(const double *x, int n)
{
	double m, s = 0;
	int i;

	if (n < 2)
		return NAN;
	m = stats__mean(x, n);
	for (i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return sqrt(s / (n - 1));
}

double stats__cov(const double *x, int n)
{
	double m = stats__mean(x, n), sd = stats__stddev(x, n);

	if (isnan(m) || isnan(sd) || m == 0)
		return NAN;
	return sd / fabs(m);
}

static int cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

/* Type 7 quantile of an already sorted array. */
static double quantile_sorted(const double *s, int n, double p)
{
	double h, lo;
	int i;

	if (n <= 0)
		return NAN;
	if (p <= 0)
		return s[0];
	if (p >= 1)
		return s[n - 1];
	h = (n - 1) * p;
	lo = floor(h);
	i = (int)lo;
	if (i + 1 >= n)
		return s[n - 1];
	return s[i] + (h - lo) * (s[i + 1] - s[i]);
}

double stats__quantile(const double *x, int n, double p)
{
	double *s, q;

	if (n <= 0 || isnan(p))
		return NAN;
	s = malloc(sizeof(*s) * n);
	if (!s)
		return NAN;
	memcpy(s, x, sizeof(*s) * n);
	qsort(s, n, sizeof(*s), cmp_double);
	q = quantile_sorted(s, n, p);
	free(s);
	return q;
}

double stats__median(const double *x, int n)
{
	return stats__quantile(x, n, 0.5);
}

/* Estimator on scratch (which it may reorder). */
static double estimate(double *scratch, int n, enum stats_estimator est, double p)
{
	switch (est) {
	case STATS_MEAN:
		return stats__mean(scratch, n);
	case STATS_MEDIAN:
		p = 0.5;
		/* fallthrough */
	case STATS_QUANTILE:
		qsort(scratch, n, sizeof(*scratch), cmp_double);
		return quantile_sorted(scratch, n, p);
	}
	return NAN;
}

static void resample(struct stats_rng *r, const double *x, int n, double *out)
{
	int i;

	for (i = 0; i < n; i++)
		out[i] = x[stats_rng__below(r, n)];
}

int stats__bootstrap_ci(const double *x, int n, enum stats_estimator est, double p,
			double level, int B, uint64_t seed, double *lo, double *hi)
{
	struct stats_rng r;
	double *scratch, *boot;
	double alpha = 1 - level;
	int b;

	*lo = *hi = NAN;
	if (n < 2 || !(level > 0 && level < 1) || B < 0)
		return -EINVAL;
	if (!B)
		B = 2000;
	scratch = malloc(sizeof(*scratch) * n);
	boot = malloc(sizeof(*boot) * B);
	if (!scratch || !boot) {
		free(scratch);
		free(boot);
		return -ENOMEM;
	}
	stats_rng__seed(&r, seed);
	for (b = 0; b < B; b++) {
		resample(&r, x, n, scratch);
		boot[b] = estimate(scratch, n, est, p);
	}
	qsort(boot, B, sizeof(*boot), cmp_double);
	*lo = quantile_sorted(boot, B, alpha / 2);
	*hi = quantile_sorted(boot, B, 1 - alpha / 2);
	free(scratch);
	free(boot);
	return 0;
}

int stats__delta_pct(const double *a, int na, const double *b, int nb, double level,
		     int B, uint64_t seed, double *delta, double *lo, double *hi)
{
	double ma = stats__median(a, na), mb = stats__median(b, nb);
	double *sa = NULL, *sb = NULL, *boot = NULL;
	double alpha = 1 - level;
	struct stats_rng r;
	int i, k = 0, err = 0;

	*delta = *lo = *hi = NAN;
	if (na < 1 || nb < 1 || !(level > 0 && level < 1) || B < 0)
		return -EINVAL;
	if (ma == 0)
		return -EDOM;
	*delta = 100 * (mb / ma - 1);
	if (na < 2 || nb < 2)
		return 0; /* a point estimate, no CI */
	if (!B)
		B = 2000;
	sa = malloc(sizeof(*sa) * na);
	sb = malloc(sizeof(*sb) * nb);
	boot = malloc(sizeof(*boot) * B);
	if (!sa || !sb || !boot) {
		err = -ENOMEM;
		goto cleanup;
	}
	stats_rng__seed(&r, seed);
	for (i = 0; i < B; i++) {
		double ra, rb;

		resample(&r, a, na, sa);
		resample(&r, b, nb, sb);
		ra = estimate(sa, na, STATS_MEDIAN, 0.5);
		rb = estimate(sb, nb, STATS_MEDIAN, 0.5);
		/* a resample whose baseline median is 0 has no ratio: skip it */
		if (ra != 0)
			boot[k++] = 100 * (rb / ra - 1);
	}
	if (k < 2)
		goto cleanup;
	qsort(boot, k, sizeof(*boot), cmp_double);
	*lo = quantile_sorted(boot, k, alpha / 2);
	*hi = quantile_sorted(boot, k, 1 - alpha / 2);
cleanup:
	free(sa);
	free(sb);
	free(boot);
	return err;
}

struct ranked {
	double v;
	int grp; /* 0 = a, 1 = b */
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;

	return (a->v > b->v) - (a->v < b->v);
}

double stats__mwu_min_p(int na, int nb)
{
	double c = 1;
	int i;

	if (na < 1 || nb < 1)
		return NAN;
	for (i = 1; i <= na; i++)
		c = c * (nb + i) / i; /* C(na+nb, na) */
	return fmin(1, 2 / c);
}

/* Normal CDF upper tail. */
static double norm_sf(double z)
{
	return 0.5 * erfc(z / M_SQRT2);
}

/* z with norm_sf(z) = p, 0 < p < 1: bisection on the tail (60 halvings
 * of [-40, 40] are far below double precision); called a few times per
 * cell, so speed does not matter */
static double norm_isf(double p)
{
	double lo = -40, hi = 40;

	for (int i = 0; i < 80; i++) {
		double mid = (lo + hi) / 2;

		if (norm_sf(mid) > p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

double stats__mde_pct_of(double s_rel_pct, int na, int nb, double alpha, double power)
{
	if (na < 2 || nb < 2 || isnan(s_rel_pct) || !(alpha > 0 && alpha < 1) ||
	    !(power > 0 && power < 1))
		return NAN;
	if (stats__mwu_min_p(na, nb) >= alpha)
		return INFINITY;
	return (norm_isf(alpha / 2) + norm_isf(1 - power)) * s_rel_pct * sqrt(1.0 / na + 1.0 / nb);
}

double stats__rel_spread_pct(const double *a, int na, const double *b, int nb)
{
	double ma = stats__mean(a, na), mb = stats__mean(b, nb), ss = 0;
	double m = stats__median(a, na);

	if (na < 2 || nb < 2 || !(fabs(m) > 0))
		return NAN;
	for (int i = 0; i < na; i++)
		ss += (a[i] - ma) * (a[i] - ma);
	for (int i = 0; i < nb; i++)
		ss += (b[i] - mb) * (b[i] - mb);
	return sqrt(ss / (na + nb - 2)) / fabs(m) * 100;
}

int stats__mann_whitney(const double *a, int na, const double *b, int nb, double *u,
			double *p, int *exact)
{
	int N = na + nb, i, j, k, err = 0;
	struct ranked *all = NULL;
	int *r2 = NULL;        /* doubled midranks: integers even with ties */
	double *cnt = NULL;    /* cnt[k][s]: subsets of size k with r2 sum s */
	double tie_term = 0;
	long s2_b = 0, e2, dev;
	int maxsum;

	*u = *p = NAN;
	if (exact)
		*exact = 0;
	if (na < 1 || nb < 1)
		return -EINVAL;
	all = malloc(sizeof(*all) * N);
	r2 = malloc(sizeof(*r2) * N);
	if (!all || !r2) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < na; i++)
		all[i] = (struct ranked){ a[i], 0 };
	for (i = 0; i < nb; i++)
		all[na + i] = (struct ranked){ b[i], 1 };
	qsort(all, N, sizeof(*all), cmp_ranked);
	for (i = 0; i < N; i = j) {
		double t;

		for (j = i; j < N && all[j].v == all[i].v; j++)
			;
		/* ranks i+1 .. j, midrank (i+1+j)/2, doubled: i+1+j */
		for (k = i; k < j; k++)
			r2[k] = i + 1 + j;
		t = j - i;
		tie_term += t * t * t - t;
	}
	for (i = 0; i < N; i++)
		if (all[i].grp == 1)
			s2_b += r2[i];
	/* U_b = R_b - nb(nb+1)/2 */
	*u = s2_b / 2.0 - nb * (nb + 1) / 2.0;
	e2 = (long)nb * (N + 1); /* doubled expected rank sum of b */
	dev = labs(s2_b - e2);

	if (tie_term == (double)N * N * N - N) {
		*p = 1; /* every value equal: no information */
		goto cleanup;
	}
	if (N <= STATS_MWU_EXACT_MAX) {
		double total = 0, hit = 0;
		int m = nb < na ? nb : na; /* choose the smaller group: same test */
		long s2_m = m == nb ? s2_b : (long)N * (N + 1) - s2_b;
		long e2_m = (long)m * (N + 1);

		dev = labs(s2_m - e2_m);
		maxsum = 2 * N * (N + 1) / 2 + 1; /* sum of all doubled ranks + 1 */
		cnt = calloc((size_t)(m + 1) * maxsum, sizeof(*cnt));
		if (!cnt) {
			err = -ENOMEM;
			goto cleanup;
		}
		cnt[0] = 1;
		for (i = 0; i < N; i++)
			for (k = (i + 1 < m ? i + 1 : m); k >= 1; k--) {
				double *row = cnt + (size_t)k * maxsum;
				double *prev = cnt + (size_t)(k - 1) * maxsum;
				int s;

				for (s = maxsum - 1; s >= r2[i]; s--)
					row[s] += prev[s - r2[i]];
			}
		for (i = 0; i < maxsum; i++) {
			double c = cnt[(size_t)m * maxsum + i];

			if (!c)
				continue;
			total += c;
			if (labs(i - e2_m) >= dev)
				hit += c;
		}
		*p = fmin(1, hit / total);
		if (exact)
			*exact = 1;
	} else {
		double mu = (double)na * nb / 2;
		double var = (double)na * nb / 12 * ((N + 1) - tie_term / ((double)N * (N - 1)));
		double z = (fabs(*u - mu) - 0.5) / sqrt(var);

		*p = z <= 0 ? 1 : fmin(1, 2 * norm_sf(z));
	}
cleanup:
	free(all);
	free(r2);
	free(cnt);
	return err;
}

struct idx_p {
	double p;
	int i;
};

static int cmp_idx_p(const void *pa, const void *pb)
{
	const struct idx_p *a = pa, *b = pb;

	if (a->p != b->p)
		return (a->p > b->p) - (a->p < b->p);
	return a->i - b->i;
}

int stats__holm(const double *p, int n, double *adj)
{
	struct idx_p *v;
	double run = 0;
	int m = 0, i;

	if (n < 0)
		return -EINVAL;
	v = malloc(sizeof(*v) * (n ? n : 1));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		adj[i] = NAN;
		if (!isnan(p[i]))
			v[m++] = (struct idx_p){ p[i], i };
	}
	qsort(v, m, sizeof(*v), cmp_idx_p);
	for (i = 0; i < m; i++) {
		double a = fmin(1, (m - i) * v[i].p);

		/* step-down: adjusted values never decrease */
		run = fmax(run, a);
		adj[v[i].i] = run;
	}
	free(v);
	return 0;
}

double stats__cliffs_delta(const double *a, int na, const double *b, int nb)
{
	long gt = 0, lt = 0;
	int i, j;

	if (na < 1 || nb < 1)
		return NAN;
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++) {
			gt += b[j] > a[i];
			lt += b[j] < a[i];
		}
	return (double)(gt - lt) / ((double)na * nb);
}

double stats__hodges_lehmann(const double *a, int na, const double *b, int nb)
{
	double *d, m;
	int i, j, k = 0;

	if (na < 1 || nb < 1)
		return NAN;
	d = malloc(sizeof(*d) * na * nb);
	if (!d)
		return NAN;
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			d[k++] = b[j] - a[i];
	m = stats__median(d, k);
	free(d);
	return m;
}

enum stats_decision stats__decide(int better, double delta, double delta_lo, double delta_hi,
				  double p_adj, double alpha, double min_effect_pct)
{
	bool have_ci = !isnan(delta_lo) && !isnan(delta_hi);

	if (isnan(delta))
		return DECIDE_NA;
	/* equivalence first: a difference below the effect worth seeing is
	 * not a win or a loss, however well it is measured */
	if (have_ci && delta_lo >= -min_effect_pct && delta_hi <= min_effect_pct)
		return DECIDE_SAME;
	if (!isnan(p_adj) && p_adj < alpha && delta != 0 &&
	    (!have_ci || delta_lo > 0 || delta_hi < 0)) {
		if (!better)
			return DECIDE_DIFFERENT;
		return (delta > 0) == (better > 0) ? DECIDE_BETTER : DECIDE_WORSE;
	}
	return DECIDE_INCONCLUSIVE;
}

const char *stats__decision_str(enum stats_decision d)
{
	switch (d) {
	case DECIDE_SAME:
		return "same";
	case DECIDE_BETTER:
		return "better";
	case DECIDE_WORSE:
		return "worse";
	case DECIDE_DIFFERENT:
		return "different";
	case DECIDE_INCONCLUSIVE:
		return "inconclusive";
	case DECIDE_NA:
		break;
	}
	return "n/a";
}

/* smallest n (runs per side) at which the exact test can reach p below */
static int mwu_n_for_p(double p_needed)
{
	for (int n = 2; n <= 60; n++)
		if (stats__mwu_min_p(n, n) < p_needed)
			return n;
	return 61;
}

int stats__rounds_to_decide(double delta, double delta_lo, double delta_hi, int n,
			    double min_effect_pct, double alpha, int family)
{
	double h = (delta_hi - delta_lo) / 2, ad = fabs(delta);
	double h_diff = ad, h_same = min_effect_pct - ad, target;
	double need;
	int n_star;

	if (isnan(delta) || isnan(h) || n < 2 || h <= 0)
		return -1;
	if (delta_lo >= -min_effect_pct && delta_hi <= min_effect_pct)
		return 0;
	if (delta_lo > 0 || delta_hi < 0) {
		/* the CI has decided; the exact test may not reach alpha yet */
		int np = mwu_n_for_p(alpha / (family > 0 ? family : 1));

		return np > n ? np - n : 0;
	}
	target = h_diff > h_same ? h_diff : h_same;
	/* on the boundary: neither side gets decided in any useful time */
	if (target < h * 0.03)
		return -1;
	need = n * (h / target) * (h / target);
	n_star = (int)ceil(need);
	if (h_diff >= h_same) {
		int np = mwu_n_for_p(alpha / (family > 0 ? family : 1));

		if (n_star < np)
			n_star = np;
	}
	if (n_star <= n)
		n_star = n + 1;
	return n_star - n > STATS_MAX_MORE_ROUNDS ? STATS_MAX_MORE_ROUNDS : n_star - n;
}

int stats__rounds_for_p(double p, int n, double alpha)
{
	double z, zt, lo = 0, hi = 40;
	int n_star;

	if (isnan(p) || n < 2 || !(alpha > 0 && alpha < 1))
		return -1;
	if (p < alpha)
		return 0;
	if (p >= 1)
		return -1;
	/* two-sided z of p (bisection on the normal tail) and of alpha */
	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;

		if (2 * norm_sf(mid) > p)
			lo = mid;
		else
			hi = mid;
	}
	z = lo;
	lo = 0;
	hi = 40;
	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;

		if (2 * norm_sf(mid) > alpha)
			lo = mid;
		else
			hi = mid;
	}
	zt = hi;
	if (z < 1e-3)
		return -1;
	/* z grows as sqrt(n) at a steady effect */
	n_star = (int)ceil(n * (zt / z) * (zt / z));
	if (n_star <= n)
		n_star = n + 1;
	return n_star - n > STATS_MAX_MORE_ROUNDS ? STATS_MAX_MORE_ROUNDS : n_star - n;
}
