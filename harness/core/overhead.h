/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracing-overhead table of a comparison run with --overhead-check:
 * per primary metric and scheduler, the traced runs (those of the main
 * table) against the untraced rounds of the same scheduler, interleaved
 * with them in the same plan: both medians with their bootstrap CIs and
 * the overhead, traced vs untraced in %, with its bootstrap CI
 * (stats__delta_pct). From stored runs only, like the main table.
 *
 * The warning: a verdict that claims a difference (better/worse) on a
 * primary metric is suspect when tracing alone moves that metric about as
 * much, on either scheduler of the pair: when the far end of the
 * overhead's CI, in absolute value, reaches the size of the claimed
 * delta. The tracer is then as large as the effect; the untraced medians
 * say whether the difference survives without it.
 */
#ifndef SCXB_OVERHEAD_H
#define SCXB_OVERHEAD_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdint.h>
#include <stdio.h>

#include "harness/core/compare.h"

struct ovh_row {
	char metric[64], unit[16], sched[SCHED_NAME_MAX];
	int better;
	int nt, nu;                  /* ok traced / untraced runs with the metric */
	double med_t, lo_t, hi_t;    /* traced median, 95 % CI */
	double med_u, lo_u, hi_u;    /* untraced */
	double pct, pct_lo, pct_hi;  /* overhead: traced vs untraced, % */
};

struct ovh_table {
	int nmetrics, nsched;        /* nsched: the main table's, same order */
	struct ovh_row *rows;        /* metric-major */
};

static inline const struct ovh_row *overhead__row(const struct ovh_table *o, int k, int s)
{
	return &o->rows[k * o->nsched + s];
}

/*
 * The overhead table of runs, whose main table (compare__eval of the same
 * schedulers, runs and seed) is main. -ENODATA when the runs hold no
 * untraced round next to traced ones (no --overhead-check) or no primary
 * metric; -errno.
 */
int overhead__eval(struct store *st, const char *schedulers, const struct q_runs *runs,
		   uint64_t seed, const struct cmp_table *main, struct ovh_table *o);
void overhead__free(struct ovh_table *o);
/* The warnings (see above) into lines[max]; returns how many there are. */
int overhead__warnings(const struct ovh_table *o, const struct cmp_table *main,
		       char (*lines)[512], int max);
/* The table and its warnings, for the terminal: printed after the main
 * table. */
void overhead__print(const struct ovh_table *o, const struct cmp_table *main, FILE *f);

#endif
