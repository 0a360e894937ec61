// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <string.h>

#include "harness/lib/hist.h"

void hist__init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned int hist__bucket(uint64_t v)
{
	unsigned int e, shift;

	if (v < HIST_SUB)
		return (unsigned int)v;
	e = 63 - __builtin_clzll(v);
	shift = e - HIST_SUB_BITS;
	return HIST_SUB + shift * HIST_SUB + (unsigned int)((v >> shift) - HIST_SUB);
}

uint64_t hist__bucket_lo(unsigned int idx)
{
	unsigned int group, mant;

	if (idx < HIST_SUB)
		return idx;
	group = (idx - HIST_SUB) / HIST_SUB;
	mant = (idx - HIST_SUB) % HIST_SUB + HIST_SUB;
	return (uint64_t)mant << group;
}

uint64_t hist__bucket_hi(unsigned int idx)
{
	if (idx < HIST_SUB)
		return idx;
	return hist__bucket_lo(idx) + (1ull << ((idx - HIST_SUB) / HIST_SUB)) - 1;
}

void hist__add(struct hist *h, uint64_t v)
{
	h->buckets[hist__bucket(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

uint64_t hist__add_missing(struct hist *h, uint64_t v, uint64_t interval)
{
	uint64_t n = 0;

	/* v < 2 * interval, written so that it cannot overflow */
	if (!interval || v < interval || v - interval < interval)
		return 0;
	for (uint64_t m = v - interval; m >= interval; m -= interval, n++)
		hist__add(h, m);
	return n;
}

void hist__add_expected(struct hist *h, uint64_t v, uint64_t interval)
{
	hist__add(h, v);
	hist__add_missing(h, v, interval);
}

void hist__merge(struct hist *dst, const struct hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	for (i = 0; i < HIST_NBUCKETS; i++)
		dst->buckets[i] += src->buckets[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t hist__percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	unsigned int i;

	if (!h->count)
		return 0;
	if (p <= 0)
		return h->min;
	if (p >= 100)
		return h->max;
	/* nearest-rank definition: the smallest value with >= p% at or below */
	rank = (uint64_t)(p / 100.0 * h->count);
	if ((double)rank < p / 100.0 * h->count)
		rank++;
	if (!rank)
		rank = 1;
	for (i = 0; i < HIST_NBUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank)
			break;
	}
	if (i == HIST_NBUCKETS)
		return h->max;
	v = hist__bucket_lo(i) + (hist__bucket_hi(i) - hist__bucket_lo(i)) / 2;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

double hist__mean(const struct hist *h)
{
	return h->count ? (double)h->sum / h->count : 0;
}

size_t hist__encoded_max(void)
{
	return HIST_NBUCKETS * 12;
}

static void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

size_t hist__encode(const struct hist *h, uint8_t *buf)
{
	size_t off = 0;

	for (unsigned int i = 0; i < HIST_NBUCKETS; i++) {
		if (!h->buckets[i])
			continue;
		put_le(buf + off, i, 4);
		put_le(buf + off + 4, h->buckets[i], 8);
		off += 12;
	}
	return off;
}

int hist__decode(struct hist *h, const uint8_t *buf, size_t len)
{
	size_t off;

	if (len % 12)
		return -EINVAL;
	memset(h->buckets, 0, sizeof(h->buckets));
	h->count = 0;
	for (off = 0; off < len; off += 12) {
		uint64_t idx = get_le(buf + off, 4);

		if (idx >= HIST_NBUCKETS)
			return -EINVAL;
		h->buckets[idx] += get_le(buf + off + 4, 8);
		h->count += get_le(buf + off + 4, 8);
	}
	return 0;
}

double hist__ks(const struct hist *a, const struct hist *b)
{
	uint64_t ca = 0, cb = 0;
	double d = 0;

	if (!a->count || !b->count)
		return NAN;
	/* the CDFs can only differ most at a bucket's upper edge */
	for (unsigned int i = 0; i < HIST_NBUCKETS; i++) {
		double x;

		if (!a->buckets[i] && !b->buckets[i])
			continue;
		ca += a->buckets[i];
		cb += b->buckets[i];
		x = fabs((double)ca / a->count - (double)cb / b->count);
		if (x > d)
			d = x;
	}
	return d;
}
