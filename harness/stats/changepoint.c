// SPDX-License-Identifier: GPL-2.0
/*
 * E-divisive means over nights (changepoint.h). Each segment's distance
 * matrix is computed once; a permutation of the segment is a permutation
 * of the matrix's indices, and the best split of one ordering is found in
 * O(L^2) by moving one night at a time from the right part to the left
 * while keeping the three sums (within left, within right, between).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/stats/changepoint.h"
#include "harness/stats/stats.h"

#define CP_MAX 64

static double dist(double a, double b, double e)
{
	double d = fabs(a - b);

	return e == 1 ? d : pow(d, e);
}

/* Q of a split with m nights left, k right and the three sums */
static double q_of(int m, int k, double wl, double wr, double bt)
{
	double e = 2 * bt / ((double)m * k);

	if (m > 1)
		e -= wl / (m * (m - 1) / 2.0);
	if (k > 1)
		e -= wr / (k * (k - 1) / 2.0);
	return (double)m * k / (m + k) * e;
}

/*
 * The best split of the ordering idx[0..L) of a segment whose distances
 * are D (L x L, by the segment's own positions): *t the first position of
 * the right part, returns its Q (-INFINITY when no split is allowed).
 */
static double best_split(const double *D, const int *idx, int L, int min_seg, int *t)
{
	double wl = 0, wr = 0, bt = 0, best = -INFINITY;

	for (int i = 0; i < L; i++)
		for (int j = i + 1; j < L; j++)
			wr += D[idx[i] * L + idx[j]];
	*t = -1;
	for (int s = 0; s + 1 < L; s++) {
		/* night s moves from the right part to the left */
		double rl = 0, rr = 0;
		const double *row = &D[idx[s] * L];

		for (int i = 0; i < s; i++)
			rl += row[idx[i]];
		for (int j = s + 1; j < L; j++)
			rr += row[idx[j]];
		wl += rl;
		bt += rr - rl;
		wr -= rr;
		if (s + 1 >= min_seg && L - (s + 1) >= min_seg) {
			double q = q_of(s + 1, L - s - 1, wl, wr, bt);

			if (q > best) {
				best = q;
				*t = s + 1;
			}
		}
	}
	return best;
}

double changepoint__q(const double *v, int m, int t, double exponent)
{
	double wl = 0, wr = 0, bt = 0;

	if (t < 1 || t >= m)
		return NAN;
	for (int i = 0; i < m; i++)
		for (int j = i + 1; j < m; j++) {
			double d = dist(v[i], v[j], exponent);

			if (j < t)
				wl += d;
			else if (i >= t)
				wr += d;
			else
				bt += d;
		}
	return q_of(t, m - t, wl, wr, bt);
}

struct seg_test {
	int s, e, t;   /* segment [s, e), split at t (absolute nights) */
	double q, p;
};

/* The best split of nights [s, e) of v and its permutation p. */
static int test_segment(const double *v, int s, int e, const struct cp_opts *o,
			struct seg_test *r)
{
	int L = e - s, t;
	double *D = malloc(sizeof(*D) * L * L);
	int *idx = malloc(sizeof(*idx) * L);
	struct stats_rng rng;
	int ge = 0;

	r->s = s;
	r->e = e;
	r->t = -1;
	r->q = -INFINITY;
	r->p = 1;
	if (!D || !idx) {
		free(D);
		free(idx);
		return -ENOMEM;
	}
	for (int i = 0; i < L; i++) {
		idx[i] = i;
		for (int j = 0; j < L; j++)
			D[i * L + j] = dist(v[s + i], v[s + j], o->exponent);
	}
	r->q = best_split(D, idx, L, o->min_seg, &t);
	if (t < 0) {
		free(D);
		free(idx);
		return 0;
	}
	r->t = s + t;
	/* the same segment always gets the same permutations */
	stats_rng__seed(&rng, o->seed ^ ((uint64_t)s << 32) ^ (uint64_t)e ^ 0x9e3779b97f4a7c15ULL);
	for (int k = 0; k < o->permutations; k++) {
		int pt;

		for (int i = L - 1; i > 0; i--) {
			int j = stats_rng__below(&rng, i + 1), tmp = idx[i];

			idx[i] = idx[j];
			idx[j] = tmp;
		}
		/* a tie is a tie: the same split summed in another order may
		 * differ in its last bits (a split and its mirror image have
		 * the same Q, so the p of m + k nights is never below
		 * 2 / C(m + k, k)) */
		ge += best_split(D, idx, L, o->min_seg, &pt) >= r->q - 1e-9 * fabs(r->q);
	}
	r->p = (1.0 + ge) / (o->permutations + 1.0);
	free(D);
	free(idx);
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * Size and CI of the change at night c between nights [s, c) and [c, e):
 * a two-stage bootstrap (nights with replacement, then each picked
 * night's runs with replacement and their median), ratio of the means.
 */
static int size_ci(const double *x, const int *first, const double *v, int s, int c, int e,
		   const struct cp_opts *o, struct cp_point *cp)
{
	double *ratios = malloc(sizeof(*ratios) * o->boot);
	double *scratch;
	int maxruns = 1, nb = 0;
	struct stats_rng rng;

	for (int k = s; k < e; k++)
		if (first[k + 1] - first[k] > maxruns)
			maxruns = first[k + 1] - first[k];
	scratch = malloc(sizeof(*scratch) * maxruns);
	if (!ratios || !scratch) {
		free(ratios);
		free(scratch);
		return -ENOMEM;
	}
	cp->night = c;
	cp->nights_before = c - s;
	cp->nights_after = e - c;
	cp->mean_before = stats__mean(v + s, c - s);
	cp->mean_after = stats__mean(v + c, e - c);
	cp->rel_pct = cp->mean_before ? 100 * (cp->mean_after / cp->mean_before - 1) : NAN;
	cp->rel_lo = cp->rel_hi = NAN;
	stats_rng__seed(&rng, o->seed ^ ((uint64_t)c * 0xbf58476d1ce4e5b9ULL) ^ 0x94d049bb133111ebULL);
	for (int b = 0; b < o->boot; b++) {
		double side[2] = { 0, 0 };

		for (int h = 0; h < 2; h++) {
			int lo = h ? c : s, len = h ? e - c : c - s;

			for (int k = 0; k < len; k++) {
				int night = lo + stats_rng__below(&rng, len);
				int nr = first[night + 1] - first[night];

				for (int i = 0; i < nr; i++)
					scratch[i] = x[first[night] + stats_rng__below(&rng, nr)];
				side[h] += stats__median(scratch, nr);
			}
			side[h] /= len;
		}
		if (side[0])
			ratios[nb++] = 100 * (side[1] / side[0] - 1);
	}
	if (nb >= 2) {
		/* a percentile CI: the quantiles of the bootstrap ratios */
		cp->rel_lo = stats__quantile(ratios, nb, (1 - o->level) / 2);
		cp->rel_hi = stats__quantile(ratios, nb, 1 - (1 - o->level) / 2);
	}
	free(ratios);
	free(scratch);
	return 0;
}

int changepoint__detect(const double *x, const int *night, int n, const struct cp_opts *opts,
			struct cp_point *out, int max_out)
{
	struct cp_opts o = opts ? *opts : (struct cp_opts){ 0 };
	int m, *first = NULL, cps[CP_MAX + 2], ncp = 0, err = 0, found = 0;
	double *v = NULL, *tmp = NULL;

	if (!x || !night || n < 1 || (max_out && !out) || max_out < 0)
		return -EINVAL;
	if (!o.alpha)
		o.alpha = 0.05;
	if (!o.permutations)
		o.permutations = 999;
	if (!o.min_seg)
		o.min_seg = 2;
	if (!o.exponent)
		o.exponent = 1;
	if (!o.level)
		o.level = 0.95;
	if (!o.boot)
		o.boot = 2000;
	if (!(o.alpha > 0 && o.alpha < 1) || o.permutations < 1 || o.min_seg < 1 ||
	    !(o.exponent > 0 && o.exponent < 2) || !(o.level > 0 && o.level < 1) || o.boot < 2)
		return -EINVAL;
	if (night[0] != 0)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		if (isnan(x[i]) || isinf(x[i]))
			return -EINVAL;
		if (i && night[i] != night[i - 1] && night[i] != night[i - 1] + 1)
			return -EINVAL;
	}
	m = night[n - 1] + 1;
	if (m < 2 * o.min_seg)
		return 0;
	first = malloc(sizeof(*first) * (m + 1));
	v = malloc(sizeof(*v) * m);
	tmp = malloc(sizeof(*tmp) * n);
	if (!first || !v || !tmp) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0, k = -1; i < n; i++)
		if (night[i] != k)
			first[k = night[i]] = i;
	first[m] = n;
	for (int k = 0; k < m; k++) {
		int nr = first[k + 1] - first[k];

		memcpy(tmp, x + first[k], sizeof(*tmp) * nr);
		v[k] = stats__median(tmp, nr);
	}
	/* divisive: the strongest split of any segment, while significant */
	cps[ncp++] = 0;
	cps[ncp++] = m;
	while (ncp < CP_MAX + 2) {
		struct seg_test best = { .t = -1, .q = -INFINITY }, r;

		for (int k = 0; k + 1 < ncp; k++) {
			if (cps[k + 1] - cps[k] < 2 * o.min_seg)
				continue;
			err = test_segment(v, cps[k], cps[k + 1], &o, &r);
			if (err)
				goto cleanup;
			if (r.t >= 0 && r.q > best.q)
				best = r;
		}
		if (best.t < 0 || best.p >= o.alpha)
			break;
		cps[ncp++] = best.t;
		qsort(cps, ncp, sizeof(*cps), cmp_int);
		if (found < max_out) {
			out[found].night = best.t;
			out[found].p = best.p;
			out[found].q = best.q;
		}
		found++;
	}
	if (found > max_out)
		found = max_out;
	/* order by night, then sizes between the neighbouring change points */
	for (int i = 1; i < found; i++)
		for (int j = i; j > 0 && out[j - 1].night > out[j].night; j--) {
			struct cp_point t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	for (int i = 0; i < found; i++) {
		int k, p, q;

		for (k = 0; cps[k] != out[i].night; k++)
			;
		p = cps[k - 1];
		q = cps[k + 1];
		err = size_ci(x, first, v, p, out[i].night, q, &o, &out[i]);
		if (err)
			goto cleanup;
	}
	err = found;
cleanup:
	free(first);
	free(v);
	free(tmp);
	return err;
}
