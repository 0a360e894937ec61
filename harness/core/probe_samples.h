/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Are the latency probe's percentiles comparable across the schedulers of
 * a comparison? A scheduler that starves the probe makes it take fewer
 * samples (coordinated omission): its raw percentiles then describe the
 * wakes that happened, not the periods that fell due. Starved now and
 * then, the probe misses its worst periods and the raw figures flatter
 * the scheduler; starved all the time, it samples nothing but stalls.
 * When the median samples per run of a probe kind (timer_lat_samples,
 * wakeup_lat_samples) differ by more than PROBE_SAMPLES_RATIO between two
 * schedulers, the terminal and the reports say so and point at the
 * corrected (NAME_co_*) figures. Pure functions of the comparison table.
 */
#ifndef SCXB_PROBE_SAMPLES_H
#define SCXB_PROBE_SAMPLES_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stddef.h>

#include "harness/core/compare.h"

#define PROBE_SAMPLES_RATIO 2.0

struct probe_sample_gap {
	const char *kind;   /* "timer", "wakeup" */
	const char *metric; /* "timer_lat_samples" */
	const char *co;     /* "timer_lat_co": the corrected figures' prefix */
	int lo, hi;         /* scheduler slots with the fewest / most samples per run */
	double lo_samples, hi_samples; /* their medians over ok runs */
};

/*
 * The probe kinds whose samples per run differ by more than
 * PROBE_SAMPLES_RATIO between two schedulers of t (a scheduler with none
 * against one with some counts; schedulers without the metric do not).
 * Fills at most n gaps; returns how many there are (0: comparable).
 */
int probe_samples__gaps(const struct cmp_table *t, struct probe_sample_gap *gaps, int n);
#define PROBE_SAMPLES_MAX_GAPS 2

/*
 * One line for people, without a newline: "warning: the probe got 412
 * timer samples per run under simple but 3,001 under vtime (more than
 * 2x): ... compare the corrected timer_lat_co_* figures". Scheduler names
 * unescaped: the caller escapes for its format. Returns snprintf's
 * length.
 */
int probe_samples__warning(const struct cmp_table *t, const struct probe_sample_gap *g,
			   char *buf, size_t len);

#endif
