/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The read side of the store, for compare, report and export: runs with
 * their metadata, metrics, histograms, trace tables and comparisons.
 * Reads only; every statement has bound parameters. Arrays returned are
 * malloc'ed and freed by the caller with the matching *_free().
 */
#ifndef SCXB_STORE_QUERY_H
#define SCXB_STORE_QUERY_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdint.h>

#include "harness/lib/hist.h"
#include "harness/lib/sched_spec.h"
#include "harness/store/store.h"

struct q_run {
	int64_t id;
	char scheduler[SCHED_NAME_MAX], sched_kind[16], workload[32];
	enum run_status status;
	enum fail_stage stage;  /* FAIL_NONE when none is stored */
	char place[8], accel[8], guest_kernel[128], kernel_release[128];
	char hostname[128], cpu_model[128], version[32], git_sha[40];
	int ncpus, rep, round, trace;
	int64_t compare_id, lost_events, exit_kind; /* exit_kind -1: none */
	double started_at, ended_at;
	char status_detail[256], exit_reason[128];
	char *exit_msg; /* may be NULL */
};

struct q_runs {
	struct q_run *v;
	int n;
};
void q_runs__free(struct q_runs *r);

/* Runs of a comparison in (round, id) order. */
int store__q_runs_of_compare(struct store *st, int64_t compare_id, struct q_runs *out);
/* The runs with these ids, in the given order; -ENOENT naming the first
 * missing id in *missing. */
int store__q_runs_by_id(struct store *st, const int64_t *ids, int n, struct q_runs *out,
			int64_t *missing);
/* Every run (export), id order. */
int store__q_runs_all(struct store *st, struct q_runs *out);

struct q_metric {
	int64_t run_id;
	char name[64], unit[16];
	double value;
	int better;
};
struct q_metrics {
	struct q_metric *v;
	int n;
};
void q_metrics__free(struct q_metrics *m);
/* Metrics of the given runs, ordered by name then run id. */
int store__q_metrics(struct store *st, const int64_t *run_ids, int n, struct q_metrics *out);

/* Distinct histogram names (and their unit) of these runs, sorted. */
int store__q_hist_names(struct store *st, const int64_t *run_ids, int n, char (**names)[64],
			char (**units)[16], int *nnames);
/* Decoded histogram; -ENOENT when the run has none of that name,
 * -EINVAL when its scheme is unknown or its blob malformed. */
int store__q_hist(struct store *st, int64_t run_id, const char *name, struct hist *h);

/* Per-task trace rows summed over a run's tasks of one role
 * (probe, hackbench, hog...); -ENOENT when the run has no task rows. */
struct q_task_sum {
	int64_t tasks, wakeups, wait_ns, rq_wait_ns, run_ns, antagonist_wait_ns;
};
int store__q_task_sum(struct store *st, int64_t run_id, const char *role, struct q_task_sum *s);

/* The tasks of a run with the longest total wakeup wait first (at most
 * max), for the report's task table. */
struct q_task {
	int pid;
	char comm[64], role[16], top_antagonist[64];
	int64_t wakeups, wait_ns, wait_max_ns, run_ns;
};
int store__q_tasks(struct store *st, int64_t run_id, int max, struct q_task **out, int *n);

/* Kept raw events of a run in a time window from its first event. */
struct q_event {
	int64_t ts;
	int cpu, type, pid;
	int64_t arg1, arg2;
};
int store__q_events(struct store *st, int64_t run_id, int64_t window_ns, int max,
		    struct q_event **out, int *n);
/* comm of pid in a run's task table; "" when unknown */
int store__q_task_comm(struct store *st, int64_t run_id, int pid, char *buf, size_t len);

/* Lost events and collector notes of a run as one text per line. */
int store__q_notes(struct store *st, int64_t run_id, char **text);
/* The scheduler's dump (scx_dump lines and sched_output), NULL if none. */
int store__q_dump(struct store *st, int64_t run_id, char **text);

struct q_compare {
	int64_t id;
	char uuid[64], workload[32], place[8], status[16];
	char *schedulers; /* comma-separated, baseline first */
	char *settings;   /* JSON */
	double created_at;
	uint64_t seed;
	int reps;
};
void q_compare__free(struct q_compare *c);
int store__q_compare(struct store *st, int64_t id, struct q_compare *out);
/* All comparison ids, ascending. */
int store__q_compare_ids(struct store *st, int64_t **ids, int *n);
/* Newest comparison id, -ENOENT when there is none. */
int store__q_last_compare(struct store *st, int64_t *id);

/* Comparison results rows (export, report from a stored table). */
struct q_result {
	char metric[64], scheduler[SCHED_NAME_MAX], unit[16], verdict[32];
	int better, n, survived, total;
	double median, mean, stddev, cov, ci_lo, ci_hi;
	double delta_pct, delta_lo, delta_hi, p_value, p_holm, effect;
};
int store__q_results(struct store *st, int64_t compare_id, struct q_result **out, int *n);

/* --- writes of comparisons (harness/store_compare.c) --- */
struct compare_meta {
	const char *schedulers; /* comma-separated, baseline first */
	const char *workload;
	const char *settings;   /* JSON object */
	uint64_t seed;
	int reps;
	const char *place;
	const char *label;
};
int store__add_comparison(struct store *st, const struct compare_meta *m, int64_t *id);
int store__set_comparison_status(struct store *st, int64_t id, const char *status, int reps);
/* Replaces the comparison's results (its own transaction). */
int store__set_comparison_results(struct store *st, int64_t id, const struct q_result *r, int n);

#endif
