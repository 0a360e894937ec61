/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Change points across nights in the CI history (docs/ci.md "Change
 * points across nights"): for every gated metric cell with a direction,
 * E-divisive means (harness/stats/changepoint.h) over the medians of its
 * labels on tonight's machine, oldest first, tonight last. Each change
 * point is named by the first label of its new level, with its size and
 * CI, and whether tonight's night is what makes it appear (the same
 * search over the history without tonight does not find it: the night
 * that confirms the shift). Reported in summary.md and on stdout, marked
 * on the history figures; one in the bad direction beyond the minimum
 * effect fails the night that confirms it (night.c): a slow drift the
 * night-vs-last-K gate never sees, or a step the baseline has absorbed.
 *
 * Pure except ci_changes__md, which writes the Markdown section.
 */
#ifndef SCXB_CI_CHANGES_H
#define SCXB_CI_CHANGES_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/ci/gate.h"
#include "harness/stats/changepoint.h"

struct ci_change {
	int cell;              /* index into the cells given */
	struct cp_point cp;
	char first_label[128]; /* the first night of the new level */
	bool worse;            /* in the metric's bad direction */
	bool beyond;           /* and at least its minimum effect */
	bool new_tonight;      /* not found in the history without tonight */
};

/*
 * Find the change points of cells[0..n) (their hist[], as night.c fills
 * it). *out is malloc'ed (free it), *nout its length. 0 or -ENOMEM.
 */
int ci_changes__find(const struct ci_cell *cells, int n, uint64_t seed,
		     struct ci_change **out, int *nout);

/* The "## Change points across nights" section of summary.md. */
void ci_changes__md(FILE *f, const struct ci_cell *cells, const struct ci_change *ch, int n);

#endif
