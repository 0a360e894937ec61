/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Expand a comparison into runs: reps rounds, every round runs each
 * scheduler once, the order inside a round shuffled with a seed that the
 * comparison records. Interleaving spreads slow drifts of the machine
 * (thermal, background jobs) over all schedulers instead of biasing the
 * one that happened to run last.
 */
#ifndef SCXB_PLAN_H
#define SCXB_PLAN_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>

struct plan_item {
	int sched; /* index into the comparison's scheduler list */
	int round; /* 0-based */
	int rep;   /* 0-based repetition of this scheduler (== round) */
	bool untraced; /* an --overhead-check run: the same, without tracing */
};

/*
 * Fills items[nsched * (round_to - round_from)] with rounds
 * [round_from, round_to). Round r's order depends only on (seed, r), so
 * adding rounds later (--until-ci) continues the same plan.
 * -EINVAL on bad sizes.
 */
int plan__rounds(int nsched, int round_from, int round_to, uint64_t seed,
		 struct plan_item *items);

/* Mixed into the seed of the untraced runs' own order. */
#define PLAN_UNTRACED_SALT 0x6f7665726865ad5bULL

/*
 * Round r of a comparison with --overhead-check: 2 * nsched items, every
 * scheduler once traced and once untraced, interleaved at random (from
 * seed and r). The traced items keep the order plan__rounds() gives round
 * r, the untraced ones the order it gives with seed ^ PLAN_UNTRACED_SALT:
 * either kind of run alone is a plain plan, which is how a table tells
 * two slots of one scheduler apart (compare.c). -EINVAL on bad sizes.
 */
int plan__overhead_round(int nsched, int r, uint64_t seed, struct plan_item *items);

#endif
