// SPDX-License-Identifier: GPL-2.0
/*
 * The log-linear histogram against exact answers: bucket arithmetic over
 * the whole u64 range, percentiles of known data (random and adversarial)
 * within 1 % of the exact nearest-rank percentile, merge, and the store
 * encoding.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/hist.h"
#include "tests/unit/unit.h"

#define N_DATA 200000

static const double pcts[] = { 0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99 };

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
	/* splitmix64: deterministic, so a failure reproduces */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double urand(void)
{
	return (rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* nearest rank, computed exactly as hist__percentile() defines it */
static uint64_t exact_pct(const uint64_t *sorted, size_t n, double p)
{
	uint64_t rank;

	if (p <= 0)
		return sorted[0];
	if (p >= 100)
		return sorted[n - 1];
	rank = (uint64_t)(p / 100.0 * n);
	if ((double)rank < p / 100.0 * n)
		rank++;
	if (!rank)
		rank = 1;
	return sorted[rank - 1];
}

/*
 * Fills h from data and checks every percentile within 1 % of the exact
 * one; writes a description of the first failure into why.
 */
static int check_dataset(uint64_t *data, size_t n, char *why, size_t whylen)
{
	struct hist *h = malloc(sizeof(*h));
	uint64_t sum = 0;
	int bad = 0;

	if (!h) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	hist__init(h);
	for (size_t i = 0; i < n; i++) {
		hist__add(h, data[i]);
		sum += data[i];
	}
	qsort(data, n, sizeof(*data), cmp_u64);
	if (h->count != n || h->min != data[0] || h->max != data[n - 1] || h->sum != sum) {
		snprintf(why, whylen, "count/min/max/sum %llu/%llu/%llu/%llu", (unsigned long long)h->count,
			 (unsigned long long)h->min, (unsigned long long)h->max,
			 (unsigned long long)h->sum);
		bad = 1;
	}
	for (size_t i = 0; !bad && i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		uint64_t want = exact_pct(data, n, pcts[i]), got = hist__percentile(h, pcts[i]);
		double rel = want ? fabs((double)got - (double)want) / (double)want : (double)got;

		if (rel > 0.01) {
			snprintf(why, whylen, "p%g: got %llu, exact %llu (%.3f %%)", pcts[i],
				 (unsigned long long)got, (unsigned long long)want, rel * 100);
			bad = 1;
		}
	}
	if (!bad && (hist__percentile(h, 0) != data[0] || hist__percentile(h, 100) != data[n - 1])) {
		snprintf(why, whylen, "p0/p100 are not min/max");
		bad = 1;
	}
	free(h);
	return bad;
}

UNIT_TEST(hist_bucket_bounds)
{
	uint64_t prev_hi = 0;

	for (unsigned int i = 0; i < HIST_NBUCKETS; i++) {
		uint64_t lo = hist__bucket_lo(i), hi = hist__bucket_hi(i);

		CHECK(lo <= hi, "bucket %u: lo %llu > hi %llu", i, (unsigned long long)lo,
		      (unsigned long long)hi);
		CHECK(hist__bucket(lo) == i && hist__bucket(hi) == i,
		      "bucket %u: [%llu, %llu] map to %u, %u", i, (unsigned long long)lo,
		      (unsigned long long)hi, hist__bucket(lo), hist__bucket(hi));
		/* contiguous: no value falls between two buckets */
		CHECK(i == 0 ? lo == 0 : lo == prev_hi + 1, "gap before bucket %u", i);
		/* the promise in hist.h: width at most 1/128 of the lower bound */
		if (i >= HIST_SUB)
			CHECK((double)(hi - lo + 1) / (double)lo <= 1.0 / HIST_SUB,
			      "bucket %u too wide", i);
		prev_hi = hi;
	}
	CHECK(prev_hi == UINT64_MAX, "last bucket ends at %llu", (unsigned long long)prev_hi);
	CHECK(hist__bucket(UINT64_MAX) == HIST_NBUCKETS - 1, "UINT64_MAX bucket");
	for (int i = 0; i < 100000; i++) {
		uint64_t v = rnd() >> (rnd() % 64);
		unsigned int b = hist__bucket(v);

		CHECK(b < HIST_NBUCKETS && hist__bucket_lo(b) <= v && v <= hist__bucket_hi(b),
		      "value %llu outside its bucket %u", (unsigned long long)v, b);
	}
}

UNIT_TEST(hist_percentiles_random)
{
	uint64_t *d = malloc(N_DATA * sizeof(*d));
	char why[160];

	CHECK(d, "malloc");
	/* uniform over 1 ns .. 10 ms */
	for (int i = 0; i < N_DATA; i++)
		d[i] = 1 + rnd() % 10000000;
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "uniform: %s", why);
	/* log-uniform over 10 ns .. 100 s: every bucket group gets data */
	for (int i = 0; i < N_DATA; i++)
		d[i] = (uint64_t)exp(log(10) + urand() * (log(1e11) - log(10)));
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "log-uniform: %s", why);
	/* exponential with 50 us mean: a latency-like long tail */
	for (int i = 0; i < N_DATA; i++)
		d[i] = (uint64_t)(-50000.0 * log(1.0 - urand()));
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "exponential: %s", why);
	/* bimodal: 99 % near 20 us, 1 % near 5 ms (starved wakeups) */
	for (int i = 0; i < N_DATA; i++)
		d[i] = rnd() % 100 ? 15000 + rnd() % 10000 : 4000000 + rnd() % 2000000;
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "bimodal: %s", why);
	free(d);
}

UNIT_TEST(hist_percentiles_adversarial)
{
	uint64_t *d = malloc(N_DATA * sizeof(*d));
	char why[160];
	int n;

	CHECK(d, "malloc");
	/* bucket edges: both ends of buckets, where midpoint error peaks */
	for (n = 0; n < N_DATA; n++) {
		unsigned int b = HIST_SUB + rnd() % (HIST_NBUCKETS - HIST_SUB);

		d[n] = n & 1 ? hist__bucket_lo(b) : hist__bucket_hi(b);
	}
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "bucket edges: %s", why);
	/* powers of two and their neighbours */
	for (n = 0; n < N_DATA; n++) {
		uint64_t p2 = 1ull << (rnd() % 64);

		d[n] = p2 + (int)(rnd() % 3) - 1;
		if (!d[n])
			d[n] = 1;
	}
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "powers of two: %s", why);
	/* small values are exact */
	for (n = 0; n < N_DATA; n++)
		d[n] = rnd() % HIST_SUB;
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "small: %s", why);
	/* one value repeated: every percentile is that value */
	for (n = 0; n < N_DATA; n++)
		d[n] = 123457;
	CHECK(!check_dataset(d, N_DATA, why, sizeof(why)), "constant: %s", why);
	/* the top of the range */
	for (n = 0; n < N_DATA; n++)
		d[n] = UINT64_MAX - rnd() % (1ull << 60);
	/* (sum overflows: only the percentiles matter here) */
	{
		struct hist *h = malloc(sizeof(*h));

		CHECK(h, "malloc");
		hist__init(h);
		for (n = 0; n < N_DATA; n++)
			hist__add(h, d[n]);
		qsort(d, N_DATA, sizeof(*d), cmp_u64);
		for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++) {
			uint64_t want = exact_pct(d, N_DATA, pcts[i]), got = hist__percentile(h, pcts[i]);
			double rel = fabs((double)got - (double)want) / (double)want;

			if (rel > 0.01) {
				free(h);
				CHECK(0, "huge p%g: %llu vs %llu", pcts[i], (unsigned long long)got,
				      (unsigned long long)want);
			}
		}
		free(h);
	}
	/* few samples: the nearest rank must not be off by one */
	for (n = 1; n <= 7; n++) {
		for (int i = 0; i < n; i++)
			d[i] = 1000 * (uint64_t)(i + 1) * (i + 1);
		CHECK(!check_dataset(d, n, why, sizeof(why)), "%d samples: %s", n, why);
	}
	free(d);
}

UNIT_TEST(hist_empty_and_single)
{
	struct hist *h = malloc(sizeof(*h));

	CHECK(h, "malloc");
	hist__init(h);
	CHECK(hist__percentile(h, 50) == 0 && hist__mean(h) == 0, "empty histogram");
	hist__add(h, 777777);
	CHECK(hist__percentile(h, 0) == 777777 && hist__percentile(h, 50) == 777777 &&
	      hist__percentile(h, 100) == 777777, "single value clamped to min/max");
	CHECK(hist__mean(h) == 777777.0, "mean %f", hist__mean(h));
	free(h);
}

UNIT_TEST(hist_merge)
{
	struct hist *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b)), *all = malloc(sizeof(*all));

	CHECK(a && b && all, "malloc");
	hist__init(a);
	hist__init(b);
	hist__init(all);
	for (int i = 0; i < 50000; i++) {
		uint64_t v = rnd() % 100000000;

		hist__add(i % 3 ? a : b, v);
		hist__add(all, v);
	}
	hist__merge(a, b);
	CHECK(!memcmp(a, all, sizeof(*a)), "merged != added at once");
	/* merging an empty histogram changes nothing (min stays valid) */
	hist__init(b);
	hist__merge(a, b);
	CHECK(!memcmp(a, all, sizeof(*a)), "merging an empty histogram changed it");
	/* merging into an empty histogram copies */
	hist__merge(b, all);
	CHECK(!memcmp(b, all, sizeof(*b)), "merge into empty is not a copy");
	free(a);
	free(b);
	free(all);
}

UNIT_TEST(hist_encode_decode)
{
	struct hist *h = malloc(sizeof(*h)), *d = malloc(sizeof(*d));
	uint8_t *buf = malloc(hist__encoded_max());
	size_t len;

	CHECK(h && d && buf, "malloc");
	hist__init(h);
	CHECK(hist__encode(h, buf) == 0, "empty histogram encodes to nothing");
	for (int i = 0; i < 100000; i++)
		hist__add(h, (uint64_t)(-30000.0 * log(1.0 - urand())));
	hist__add(h, UINT64_MAX / 3);
	len = hist__encode(h, buf);
	CHECK(len > 0 && len <= hist__encoded_max() && len % 12 == 0, "length %zu", len);
	hist__init(d);
	d->min = h->min;
	d->max = h->max;
	d->sum = h->sum;
	CHECK(hist__decode(d, buf, len) == 0, "decode failed");
	CHECK(!memcmp(d, h, sizeof(*d)), "round trip differs");
	for (size_t i = 0; i < sizeof(pcts) / sizeof(pcts[0]); i++)
		CHECK(hist__percentile(d, pcts[i]) == hist__percentile(h, pcts[i]), "p%g", pcts[i]);
	/* a full histogram fits the advertised maximum */
	for (unsigned int i = 0; i < HIST_NBUCKETS; i++)
		h->buckets[i] = 1;
	CHECK(hist__encode(h, buf) == hist__encoded_max(), "full histogram length");
	/* malformed blobs */
	CHECK(hist__decode(d, buf, 11) == -EINVAL, "truncated blob accepted");
	memset(buf, 0xff, 12);
	CHECK(hist__decode(d, buf, 12) == -EINVAL, "bucket index out of range accepted");
	free(buf);
	free(d);
	free(h);
}

/*
 * Coordinated-omission correction against a case worked by hand from
 * HdrHistogram's definition (record v, then v - I, v - 2I, ... while >= I),
 * expected interval I = 100:
 *   50 -> 50            100 -> 100            199 -> 199
 *   200 -> 200, 100     250 -> 250, 150
 *   1000 -> 1000, 900, 800, 700, 600, 500, 400, 300, 200, 100
 * 17 values: 50 100 100 100 150 199 200 200 250 300 400 500 600 700 800
 * 900 1000, sum 6549. Values below 256 have buckets one wide, so those
 * percentiles are exact; 900 sits in a bucket four wide.
 */
UNIT_TEST(hist_expected_interval_by_hand)
{
	static const uint64_t in[] = { 50, 100, 199, 200, 250, 1000 };
	static const uint64_t fills[] = { 0, 0, 0, 1, 1, 9 };
	struct hist *co = malloc(sizeof(*co)), *raw = malloc(sizeof(*raw));
	struct hist *fill = malloc(sizeof(*fill));
	uint64_t p90;

	DEFER(free, co);
	DEFER(free, raw);
	DEFER(free, fill);
	CHECK(co && raw && fill, "malloc");
	hist__init(co);
	hist__init(raw);
	hist__init(fill);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		uint64_t n;

		hist__add_expected(co, in[i], 100);
		hist__add(raw, in[i]);
		n = hist__add_missing(fill, in[i], 100);
		CHECK(n == fills[i], "%llu: %llu fill-ins, want %llu", (unsigned long long)in[i],
		      (unsigned long long)n, (unsigned long long)fills[i]);
	}
	CHECK(co->count == 17 && co->sum == 6549, "count %llu sum %llu",
	      (unsigned long long)co->count, (unsigned long long)co->sum);
	CHECK(co->min == 50 && co->max == 1000, "min %llu max %llu", (unsigned long long)co->min,
	      (unsigned long long)co->max);
	CHECK(co->buckets[hist__bucket(100)] == 3 && co->buckets[hist__bucket(200)] == 2 &&
	      co->buckets[hist__bucket(150)] == 1 && co->buckets[hist__bucket(199)] == 1,
	      "bucket counts at 100/200/150/199");
	/* nearest rank: p50 is the 9th of 17 (250), p25 the 5th (150), p10
	 * the 2nd (100); p90 the 16th (900) */
	CHECK(hist__percentile(co, 50) == 250, "p50 %llu", (unsigned long long)hist__percentile(co, 50));
	CHECK(hist__percentile(co, 25) == 150, "p25 %llu", (unsigned long long)hist__percentile(co, 25));
	CHECK(hist__percentile(co, 10) == 100, "p10 %llu", (unsigned long long)hist__percentile(co, 10));
	p90 = hist__percentile(co, 90);
	CHECK(hist__bucket(p90) == hist__bucket(900), "p90 %llu", (unsigned long long)p90);
	/* the raw histogram knows nothing of it: p50 is the 3rd of 6 (199) */
	CHECK(raw->count == 6 && hist__percentile(raw, 50) == 199, "raw p50 %llu",
	      (unsigned long long)hist__percentile(raw, 50));
	/* raw merged with the fill-ins alone is the corrected histogram */
	hist__merge(raw, fill);
	CHECK(!memcmp(raw, co, sizeof(*co)), "raw + fill-ins != corrected");
}

UNIT_TEST(hist_expected_interval_edges)
{
	struct hist *h = malloc(sizeof(*h));

	DEFER(free, h);
	CHECK(h, "malloc");
	hist__init(h);
	/* no interval: the value alone */
	hist__add_expected(h, 5000, 0);
	CHECK(h->count == 1 && h->sum == 5000, "interval 0 recorded %llu values",
	      (unsigned long long)h->count);
	/* below the interval, and just under twice it: nothing added */
	CHECK(hist__add_missing(h, 99, 100) == 0 && hist__add_missing(h, 199, 100) == 0,
	      "fill-ins below 2 * interval");
	/* exactly k intervals: k - 1 fill-ins, the last one equal to I */
	hist__init(h);
	CHECK(hist__add_missing(h, 500, 100) == 4 && h->min == 100 && h->max == 400 &&
	      h->sum == 1000, "500/100: %llu values min %llu", (unsigned long long)h->count,
	      (unsigned long long)h->min);
	/* near the top of the range: no wrap-around */
	hist__init(h);
	CHECK(hist__add_missing(h, UINT64_MAX, UINT64_MAX / 2) == 1 && h->min == UINT64_MAX / 2 + 1,
	      "top of range: %llu values", (unsigned long long)h->count);
	CHECK(hist__add_missing(h, UINT64_MAX - 1, UINT64_MAX) == 0, "v < interval near the top");
}
