/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear histogram (HdrHistogram / fio style) for latencies in ns.
 *
 * Values below 2^HIST_SUB_BITS are counted exactly. Above, every power of
 * two is split into 2^HIST_SUB_BITS equal buckets, so a bucket is at most
 * 1/128 of its lower bound wide: reporting the bucket midpoint bounds the
 * relative error by 1/256 (< 0.4 %), well inside the 1 % we promise.
 *
 * The struct is fixed-size and has no pointers on purpose: workloads
 * allocate it before measuring (in shared memory when children record
 * into it) and hist__add() never allocates.
 */
#ifndef SCXB_HIST_H
#define SCXB_HIST_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)
/* exact buckets [0, 128) then 57 groups (exponents 7..63) of 128 buckets */
#define HIST_NBUCKETS (HIST_SUB + (64 - HIST_SUB_BITS) * HIST_SUB)
/* Stored with every histogram so that a future scheme can be told apart. */
#define HIST_SCHEME "loglin-v1-sub7"

struct hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t buckets[HIST_NBUCKETS];
};

void hist__init(struct hist *h);
void hist__add(struct hist *h, uint64_t v);
void hist__merge(struct hist *dst, const struct hist *src);

/*
 * Coordinated omission, corrected at recording time exactly as
 * HdrHistogram's recordValueWithExpectedInterval() does (Java
 * AbstractHistogram.recordSingleValueWithExpectedInterval(), C
 * hdr_record_corrected_values() in HdrHistogram_c's hdr_histogram.c):
 *
 *	record(v);
 *	if (interval <= 0) return;
 *	for (m = v - interval; m >= interval; m -= interval)
 *		record(m);
 *
 * A sample that took v while samples were due every `interval` stood in
 * the way of the floor(v / interval) - 1 samples that would have waited
 * v - interval, v - 2 * interval, ... (down to `interval` itself); a
 * measurement loop that waits for the slow sample instead of taking
 * those never records them: its percentiles describe the samples it
 * took, not the ones that were due. interval 0 records v only.
 *
 * hist__add_expected() records v and the fill-ins into h;
 * hist__add_missing() only the fill-ins, so that a histogram of fill-ins
 * merged with the raw one (hist__merge) is the corrected histogram:
 * the measurement path then pays one comparison for a sample under
 * 2 * interval. It returns how many values it recorded. Neither
 * allocates; each fill-in costs one hist__add().
 */
void hist__add_expected(struct hist *h, uint64_t v, uint64_t interval);
uint64_t hist__add_missing(struct hist *h, uint64_t v, uint64_t interval);
unsigned int hist__bucket(uint64_t v);
uint64_t hist__bucket_lo(unsigned int idx);
uint64_t hist__bucket_hi(unsigned int idx); /* inclusive */
/* p in [0, 100]; 0 on an empty histogram. Clamped to [min, max]. */
uint64_t hist__percentile(const struct hist *h, double p);
double hist__mean(const struct hist *h);
/* Kolmogorov-Smirnov distance of two histograms of the same scheme: the
 * largest gap between their CDFs at bucket edges, 0..1 (NaN when one is
 * empty). Within a bucket it cannot tell values apart (< 0.8 % wide). */
double hist__ks(const struct hist *a, const struct hist *b);

/*
 * Sparse encoding for the store: little-endian (u32 bucket, u64 count)
 * pairs for non-empty buckets. hist__encode() returns the byte length
 * written into buf (needs at most hist__encoded_max() bytes).
 */
size_t hist__encoded_max(void);
size_t hist__encode(const struct hist *h, uint8_t *buf);
/* Rebuilds buckets and count; min/max/sum come from the caller (stored
 * beside the blob). -EINVAL on a malformed blob. */
int hist__decode(struct hist *h, const uint8_t *buf, size_t len);

#endif
