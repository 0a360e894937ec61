/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The CI history's one query: which runs belong to a CI cell. A night of
 * `scxbench ci` stores one comparison per [workload] section, labelled
 * with the night's label, whose settings JSON holds "ci_sig" (workload
 * name, type, every parameter, duration, tracing: what must be equal for
 * two nights to be comparable). Details of the runs come from
 * store__q_runs_by_id() (store_query.h).
 */
#ifndef SCXB_STORE_CI_H
#define SCXB_STORE_CI_H

#ifdef __bpf__
#error "userspace header included from BPF code"
/* How many labelled comparisons of scxbench ci carry label (0 or more),
 * or -errno. */
int store__ci_label_count(struct store *st, const char *label);

#endif

#include <stdint.h>

#include "harness/store/store.h"

struct ci_run_ref {
	int64_t id;
	char label[128];
};

/* Every labelled run of comparisons whose settings.ci_sig is sig, in
 * (started_at, id) order. *out is malloc'ed (NULL when n is 0). */
int store__ci_runs(struct store *st, const char *sig, struct ci_run_ref **out, int *n);

/* How many labelled comparisons of scxbench ci carry label (0 or more),
 * or -errno. */
int store__ci_label_count(struct store *st, const char *label);

#endif
