/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one run produced, gathered in memory until the runner commits it
 * in the run's single transaction: metrics (name, value, unit, which
 * direction is better) and latency histograms. Workloads, schedulers and
 * collectors all add to the same results object.
 */
#ifndef SCXB_RESULTS_H
#define SCXB_RESULTS_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include "harness/lib/hist.h"

enum better {
	BETTER_NONE = 0,    /* informational (counters, parameters echoed) */
	BETTER_LOWER = -1,  /* latencies, elapsed times */
	BETTER_HIGHER = 1,  /* throughputs, fairness */
};

struct metric {
	char name[64];
	char unit[16];
	double value;
	enum better better;
};

struct hist_entry {
	char name[64];
	char unit[16];
	struct hist *hist; /* owned copy */
};

struct results;

/* A task whose descendants (threads and processes, by the trace's fork
 * events) play a role the trace parser cannot tell from their comm. */
#define RESULTS_MAX_ROOTS 8
struct task_root {
	char role[16];
	int pid;
};

/* Caller frees with results__free(). NULL on ENOMEM. */
struct results *results__new(void);
void results__free(struct results *r);
/* Replaces an existing metric of the same name. -ENOMEM, -EINVAL. */
int results__add_metric(struct results *r, const char *name, double value,
			const char *unit, enum better better);
/* Copies h. Replaces an existing histogram of the same name. */
int results__add_hist(struct results *r, const char *name, const char *unit,
		      const struct hist *h);
/* Adds <prefix>_p50/_p90/_p99/_p99.9/_max/_mean (unit us, lower is better)
 * and <prefix>_samples, and the histogram itself under <prefix>. */
int results__add_latency(struct results *r, const char *prefix, const struct hist *h_ns);

/* Roots of task trees with a role (the cmd workload's command). -ENOSPC. */
int results__add_task_root(struct results *r, const char *role, int pid);
int results__nr_task_roots(const struct results *r);
const struct task_root *results__task_root(const struct results *r, int i);
/* Why a workload failed, in a line (a command's exit status and the tail of
 * its stderr): the runner puts it in the run's status detail. */
int results__set_detail(struct results *r, const char *text);
const char *results__detail(const struct results *r);

int results__nr_metrics(const struct results *r);
const struct metric *results__metric(const struct results *r, int i);
const struct metric *results__find_metric(const struct results *r, const char *name);
int results__nr_hists(const struct results *r);
const struct hist_entry *results__hist(const struct results *r, int i);

#endif
