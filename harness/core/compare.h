/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The comparison table: for every metric and scheduler n, survival,
 * median, mean, stddev, CoV, bootstrap CI of the median; against the
 * baseline (first scheduler) the delta in % with its CI, the Mann-Whitney
 * p (Holm-corrected across the directional metrics of the comparison),
 * Cliff's delta and a verdict. Computed from stored runs only.
 */
#ifndef SCXB_COMPARE_EVAL_H
#define SCXB_COMPARE_EVAL_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/lib/sched_spec.h"
#include "harness/store/query.h"

#define CMP_ALPHA 0.05
#define CMP_LEVEL 0.95
#define CMP_BOOT 2000

struct cmp_sched {
	char name[SCHED_NAME_MAX];
	int total;    /* runs that ran to an end: ok + failed + sched_failed */
	int ok, failed, sched_failed, aborted;
};

struct cmp_table {
	char workload[32];        /* "" when the runs mix workloads */
	int nsched;
	struct cmp_sched *sched;  /* baseline first */
	int nmetrics;
	struct q_result *rows;    /* nmetrics * nsched, metric-major */
	int family;               /* number of tests in the Holm family */
	double min_p;             /* smallest p the exact test can reach */
	int nruns;
	/* scheduler slot of runs->v[i] (-1: not counted). Two slots may
	 * hold the same scheduler (eevdf vs eevdf, an A/A test): slots are
	 * then told apart by the recorded plan, and the second is shown
	 * as NAME#2. */
	int *run_slot;
};

/*
 * schedulers: comma-separated order (baseline first) or NULL for the
 * order of first appearance in runs. seed makes every bootstrap CI
 * reproducible. -ENODATA when no run has any metric; -EXDEV when the runs
 * mix --partial and full runs (different comparisons).
 */
int compare__eval(struct store *st, const char *schedulers, const struct q_runs *runs,
		  uint64_t seed, struct cmp_table *t);

/*
 * Which runs a table is made of. Among runs of which some are traced and
 * some not (compare --overhead-check), CMP_MAIN takes the traced ones
 * only: the comparison's verdicts are never made of a mix; CMP_UNTRACED
 * the untraced ones only (their two slots of one scheduler told apart by
 * the plan of PLAN_UNTRACED_SALT). Runs of one kind: CMP_MAIN takes them
 * all, CMP_UNTRACED none (-ENODATA). A run not taken has run_slot -1.
 */
enum cmp_select { CMP_MAIN = 0, CMP_UNTRACED };
int compare__eval_sel(struct store *st, const char *schedulers, const struct q_runs *runs,
		      uint64_t seed, enum cmp_select sel, struct cmp_table *t);
/* Runs of both kinds, traced and untraced? */
bool compare__mixed_trace(const struct q_runs *runs);
/* Does runs->v[i] count in a sel table (mixed: compare__mixed_trace())? */
bool compare__run_counts(const struct q_runs *runs, int i, enum cmp_select sel, bool mixed);
void compare__free(struct cmp_table *t);
void compare__print(const struct cmp_table *t, FILE *f);
/* Index of the metric --until-ci watches (the workload's first primary
 * metric; else a p99 latency; else the first directional metric), -1 if none; its worst CI
 * half-width over schedulers in % of the median. */
int compare__primary(const struct cmp_table *t, double *halfwidth_pct);
static inline struct q_result *compare__row(const struct cmp_table *t, int metric, int sched)
{
	return &t->rows[metric * t->nsched + sched];
}

#endif
