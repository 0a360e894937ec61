/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outliers of a run (--dump-on-outlier; DDL in harness/store/schema.c,
 * migration 6):
 *   runs.outlier_us, outlier_dumps (K), outlier_window_ms, outliers_seen,
 *        outliers_during_dump
 *   outliers(run_id, seq, ts, latency_ns, pid, comm, kind, dump, dump_error,
 *            dump_start, dump_end, dump_text, window_start, window_end,
 *            window_cut)
 *   outlier_slices(run_id, seq, cpu, start_ts, end_ts, pid, comm)
 * The runner adds the rows from the run's outlier ring; the trace parser
 * fills in each outlier's dump text and window. Writers are called inside
 * the run's transaction. Times are the trace clock (CLOCK_MONOTONIC ns),
 * as events.ts: an exporter can place an outlier on the same time line.
 */
#ifndef SCXB_STORE_OUTLIERS_H
#define SCXB_STORE_OUTLIERS_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdint.h>
#include <stdio.h>

#include "harness/lib/outlier_ring.h"

struct store;

/* The run's settings and count, and one row per slotted outlier. */
int store__add_outliers(struct store *st, int64_t run_id, const struct outlier_ring *ring,
			double window_ms);
/* What the trace holds for outlier seq: its dump's lines (NULL: none),
 * its window and how many slices in it were not kept. */
int store__set_outlier_trace(struct store *st, int64_t run_id, int seq, const char *dump_text,
			     uint64_t window_start, uint64_t window_end, uint64_t cut);
/* One slice of outlier seq's window; many per outlier: begin/add/end. */
struct store_slices;
struct store_slices *store__slices_begin(struct store *st, int64_t run_id);
int store__slices_add(struct store_slices *w, int seq, int cpu, uint64_t start, uint64_t end,
		      int pid, const char *comm);
void store__slices_end(struct store_slices *w);

/* ---- read side: show and the report ---- */

struct q_outlier {
	int seq, pid;
	int64_t ts, latency_ns, dump_start, dump_end, window_start, window_end, window_cut;
	char comm[64], kind[16], dump[16], dump_error[64];
	char *dump_text; /* NULL when none */
};
struct q_outlier_run {
	double threshold_us;  /* NAN: the run was not asked for outliers */
	int dumps;            /* K */
	double window_ms;
	int64_t seen;
	int64_t during_dump;  /* of seen: due before a dump ended, no slot */
	struct q_outlier *v;
	int n;
};
/* -ENOENT for an unknown run. */
int store__q_outliers(struct store *st, int64_t run_id, struct q_outlier_run *out);
void q_outlier_run__free(struct q_outlier_run *o);

struct q_slice {
	int cpu, pid;
	int64_t start, end;
	char comm[64];
};
/* Slices of outlier seq, by cpu then start. */
int store__q_outlier_slices(struct store *st, int64_t run_id, int seq, struct q_slice **out,
			    int *n);

/*
 * `show RUN --outliers`: the settings, then per outlier its latency,
 * task and time, the dump and a table of the window (times from when the
 * late wakeup was due). All or nothing on f; -ENOENT unknown run.
 */
int store__print_outliers(struct store *st, int64_t run_id, FILE *f);

/*
 * The window as text lines (for show and the report): per CPU, what ran
 * from `from` to `to` (ns), each task's time in it and the slices closest
 * to the outlier. Pure, on rows already read.
 */
void outliers__print_window(const struct q_outlier *o, const struct q_slice *s, int n, FILE *f,
			    int max_per_cpu);

#endif
