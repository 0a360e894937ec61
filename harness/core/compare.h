/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The comparison table: for every metric and scheduler n, survival,
 * median, mean, stddev, CoV, bootstrap CI of the median; against the
 * baseline (first scheduler) the delta in % with its CI, the Mann-Whitney
 * p (Holm-corrected across the workload's primary metrics), Cliff's
 * delta and a four-way verdict (stats__decide): better, worse, same (the
 * delta's CI inside +-min-effect), inconclusive (with the rounds that
 * would likely decide it), different (no direction) or n/a. Computed from
 * stored runs only; the verdicts' alpha and min-effect come from the
 * comparison's stored settings, so a report made later decides the same.
 */
#ifndef SCXB_COMPARE_EVAL_H
#define SCXB_COMPARE_EVAL_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/lib/run_status.h"
#include "harness/lib/sched_spec.h"
#include "harness/stats/stats.h"
#include "harness/store/query.h"

#define CMP_ALPHA 0.05
#define CMP_LEVEL 0.95
#define CMP_BOOT 2000
/* --min-effect's default, in %: a smaller difference counts as "same" */
#define CMP_MIN_EFFECT 2.0

struct cmp_sched {
	char name[SCHED_NAME_MAX];
	int total;    /* runs that ran to an end: ok + failed + sched_failed */
	int ok, failed, sched_failed, aborted;
	int stage[FAIL_NR_STAGES]; /* failed and sched_failed runs by stage */
	int lost_runs;             /* counted runs that lost trace events */
	int64_t lost_events;
};

struct cmp_table {
	char workload[32];        /* "" when the runs mix workloads */
	int nsched;
	struct cmp_sched *sched;  /* baseline first */
	int nmetrics;
	struct q_result *rows;    /* nmetrics * nsched, metric-major */
	int family;               /* number of tests in the Holm family */
	double min_p;             /* smallest p the exact test can reach */
	int rounds;               /* rounds of the comparison (0: runs picked by id) */
	double alpha;             /* the verdicts' level (CMP_ALPHA unless stored) */
	double min_effect_pct;    /* "same" band of every metric without its own */
	struct q_min_effect *min_effects; /* per-metric bands (a CI config's) */
	int nmin_effects;
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
 * reproducible. When every run belongs to one stored comparison its
 * settings give alpha and the min-effects (else CMP_ALPHA and
 * CMP_MIN_EFFECT). -ENODATA when no run has any metric; -EXDEV when the
 * runs come from different machines (q_run__same_place) or mix --partial
 * and full runs (different comparisons).
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

/*
 * The pure half of compare__eval, for tests: t holds nsched schedulers
 * and nmetrics zeroed rows, workload, alpha and min-effects set.
 * compare__metric_stats fills metric k's rows from each scheduler's
 * samples (x[s], n[s] values, not modified); compare__verdicts then
 * corrects over the primary metrics and decides every row.
 */
void compare__metric_stats(struct cmp_table *t, int k, const char *name, const char *unit,
			   int better, double *const *x, const int *n, uint64_t seed);
int compare__verdicts(struct cmp_table *t);
/*
 * The level an adaptive comparison decides at: looking after every round
 * from round first to round last and stopping once decided is optional
 * stopping, which a fixed-n test does not allow for; Bonferroni over the
 * looks keeps the whole procedure's false better/worse rate at alpha
 * (tests/unit/test_compare.c simulates it). alpha when last <= first.
 */
double compare__looks_alpha(double alpha, int first, int last);
/* The min-effect band of a metric (its own, else the table's). */
double compare__min_effect(const struct cmp_table *t, const char *metric);

/* The decision a row's verdict word stands for (DECIDE_NA for the
 * baseline's rows); *exploratory (may be NULL) whether it is marked '*'. */
enum stats_decision compare__decision(const struct q_result *r, bool *exploratory);

/*
 * What a person reads on a terminal (compare_print.c): per non-baseline
 * scheduler a headline (the workload's primary metrics with delta, CI
 * and verdict in words, survival, warnings), then a compact table of the
 * other metrics that differ, grouped by family; CMP_PRINT_ALL: every
 * metric with its full statistics instead of the compact table. Every
 * line fits 100 columns: names are cut with an ellipsis, sentences
 * wrapped.
 */
#define CMP_PRINT_COLS 100
enum { CMP_PRINT_ALL = 1 };
void compare__print_opts(const struct cmp_table *t, FILE *f, unsigned flags);
static inline void compare__print(const struct cmp_table *t, FILE *f)
{
	compare__print_opts(t, f, 0);
}

/* Index of the metric --until-ci watches (the workload's first primary
 * metric; else a p99 latency; else the first directional metric), -1 if none; its worst CI
 * half-width over schedulers in % of the median. */
int compare__primary(const struct cmp_table *t, double *halfwidth_pct);
/*
 * How many primary verdicts (the workload's primary metrics x every
 * non-baseline scheduler) are not decided yet: inconclusive or n/a. With
 * more_rounds non-NULL, the most rounds any inconclusive one would likely
 * need (-1: unknown). A table without primary metrics counts its
 * compare__primary metric instead.
 */
int compare__undecided(const struct cmp_table *t, int *more_rounds);
static inline struct q_result *compare__row(const struct cmp_table *t, int metric, int sched)
{
	return &t->rows[metric * t->nsched + sched];
}

#endif
