/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CI regression gate. A cell is scheduler x workload x metric; its
 * baseline is the pooled ok runs of earlier nights (same host, kernel,
 * place and workload signature; see baseline.h), its candidate tonight's
 * ok runs.
 *
 * Gated cells are the workloads' primary metrics plus the metrics a
 * config marks gate = yes (minus those it marks gate = no): they alone
 * make the Holm family, so a large regression of a primary metric is
 * not lost among hundreds of exploratory tests. A gated cell regresses
 * when BOTH
 *   - it is decided worse (stats__decide with the metric's minimum
 *     effect): Mann-Whitney p, Holm-corrected over the night's gated
 *     cells, below alpha, the bootstrap CI of the delta excludes 0,
 *     and the CI is not inside +-min-effect ("same"), and
 *   - the delta's point estimate is beyond the metric's minimum effect
 *     in the bad direction;
 * or when a change point across nights (changes.h) in the bad direction
 * beyond the minimum effect is confirmed by tonight's night (night.c).
 * An inconclusive cell (neither decided nor the same) passes, with a
 * note of the rounds that would likely decide it.
 * Improvements use the same rule in the good direction. Exploratory
 * (ungated) and informational metrics are tested on their own p and
 * reported, never failed on. A scheduler that crashed, stalled or did
 * not start is a regression of its "survival" cell whatever the history
 * says.
 *
 * Every tested cell states its minimum detectable effect: the shift the
 * night's test would find with 80 % power at tonight's and the
 * baseline's run counts and the spread seen (gated cells at alpha over
 * the family, Holm's first step); ci_gate__power says when the config
 * cannot detect the minimum effect it asks for and what would.
 *
 * Pure: no I/O; the caller owns every sample array.
 */
#ifndef SCXB_CI_GATE_H
#define SCXB_CI_GATE_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "harness/ci/config.h"
#include "harness/lib/sched_spec.h"

enum ci_state {
	CI_OK = 0,         /* no significant change beyond the minimum effect */
	CI_NO_BASELINE,    /* nothing comparable in the history (first night) */
	CI_NO_DATA,        /* fewer than 2 ok runs tonight or in the baseline */
	CI_REGRESSION,
	CI_IMPROVEMENT,
	CI_CHANGED,        /* significant, but informational or gate = no */
	CI_SCHED_FAILED,   /* survival cell: the scheduler crashed/stalled */
	CI_HARNESS_FAILED, /* survival cell: runs failed for harness reasons */
};

struct ci_hist_point {
	char label[128];
	double t;                  /* newest run of that label, unix s */
	double median, lo, hi;     /* lo/hi: min and max of the night's runs */
	int n;
	bool baseline, current;
};

struct ci_cell {
	char scheduler[SCHED_NAME_MAX], workload[CI_CELL_NAME], metric[64], unit[16];
	int better;                /* +1 higher is better, -1 lower, 0 info */
	bool gated;
	bool survival;             /* the per scheduler x workload status cell */
	double min_effect_pct;
	const double *base, *cur;  /* caller-owned ok samples */
	int nbase, ncur;
	int base_nights;
	/* survival cells: runs tonight, survived, failed */
	int total, survived, harness_failed;
	/* computed by ci_gate__eval */
	double base_median, base_lo, base_hi, cur_median, cur_lo, cur_hi;
	double delta_pct, delta_lo, delta_hi, p, p_holm, cliff;
	double spread_pct;         /* pooled run-to-run stddev, % of the baseline */
	double mde_pct;            /* minimum detectable effect, %; INFINITY: none */
	enum ci_state state;
	bool by_change;            /* a regression found by a change point only */
	char note[512];
	struct ci_hist_point *hist; /* caller-owned, for the plots */
	int nhist;
};

/* Statistics and a state for every non-survival cell (survival cells
 * keep the state the caller set). Returns the Holm family size, or
 * -errno. seed makes the bootstrap CIs reproducible. */
int ci_gate__eval(struct ci_cell *cells, int n, double alpha, uint64_t seed);
#define CI_POWER 0.8

/* Can the night detect what it asks for? Over the gated cells with a
 * baseline (ci_gate__eval run). */
struct ci_power {
	int cells;                 /* gated cells with a minimum detectable effect */
	int blind;                 /* of them: could not detect their min-effect */
	double mde_median;         /* over the cells, % (INFINITY possible) */
	int worst;                 /* cell index of the largest one, -1 none */
	/* for the blind cells, the least that would detect the min-effect of
	 * every one (at the spread seen): runs per night with baseline last:K
	 * (K = last_k), or K with reps runs per night; -1: none up to 200 runs
	 * or 100 nights */
	int reps_needed, k_needed;
};

void ci_gate__power(const struct ci_cell *cells, int n, double alpha, int family, int reps,
		    int last_k, struct ci_power *pw);

/* 1 when a cell is a regression or a scheduler failure, else 0. */
int ci_gate__failing(const struct ci_cell *cells, int n);
const char *ci_state__str(enum ci_state s);
/* Sort key: regressions and failures first, then improvements, changes,
 * the rest; stable by the cells' order. Fills idx[n]. */
void ci_gate__order(const struct ci_cell *cells, int n, int *idx);

#endif
