/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which stored runs a CI cell compares: tonight's, and the baseline.
 *
 * The runs given are every labelled run of one workload signature
 * (store__ci_runs, then store__q_runs_by_id: refs[i] belongs to
 * runs->v[i]). Tonight is the runs labelled with the night's label, on
 * the machine of the newest of them (ident). A scheduler's baseline is
 * its ok runs of the earlier labels on that same machine: same host,
 * place, kernel (and guest kernel), accelerator, CPU topology and CPU
 * count. Labels are
 * ordered by their newest such run, newest first; baseline = last:K takes
 * the first K of them, baseline = label:NAME only NAME.
 *
 * Pure: no I/O, no store.
 */
#ifndef SCXB_CI_BASELINE_H
#define SCXB_CI_BASELINE_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "harness/ci/config.h"
#include "harness/store/ci.h"
#include "harness/store/query.h"

/* Same machine, kernel and place: two runs whose numbers may be compared. */
bool ci_baseline__same_machine(const struct q_run *a, const struct q_run *b);

/*
 * Mark tonight's runs: tonight[i] (runs->n entries, the caller's) is true
 * when refs[i] has label. Returns the newest of them (the last one on a
 * tie of started_at), whose machine is tonight's; NULL when there is none.
 */
const struct q_run *ci_baseline__tonight(const struct q_runs *runs,
					 const struct ci_run_ref *refs, const char *label,
					 bool *tonight);

/* An earlier label of comparable ok runs. */
struct ci_base_label {
	char label[128];
	double t;                  /* its newest run's started_at */
	bool baseline;             /* chosen by the policy */
};

/* One scheduler's runs on tonight's machine, by index into runs->v. */
struct ci_base_runs {
	bool *cur;                 /* tonight's, whatever their status */
	bool *ok;                  /* its ok runs, tonight's and earlier */
	bool *base;                /* the ok runs of the baseline labels */
	struct ci_base_label *labels; /* every earlier label, newest first */
	int nlabels;
	int nbase;                 /* labels in the baseline */
};

/*
 * Select the runs of scheduler sched (its stored name) against tonight's
 * run ident, with the policy of c (only c->baseline, c->last_k and
 * c->baseline_label are read). runs, refs and tonight are as above and
 * stay the caller's. Fills *b, whose arrays are malloc'ed: free them with
 * ci_base_runs__free(), also after an error. 0 or -ENOMEM.
 */
int ci_baseline__select(const struct ci_config *c, const char *sched, const struct q_runs *runs,
			const struct ci_run_ref *refs, const bool *tonight,
			const struct q_run *ident, struct ci_base_runs *b);
void ci_base_runs__free(struct ci_base_runs *b);

/*
 * The policy and the labels it found, for the night's outputs:
 * "last 5 labelled night(s) (n5, n4, n3, n2, n1)", "pinned label n2 (n2)",
 * or the policy followed by ": no earlier night on this machine".
 */
void ci_baseline__describe(const struct ci_config *c, const struct ci_base_runs *b, char *buf,
			   size_t len);

#endif
