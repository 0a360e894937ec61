/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collectors' tables: trace_cpus, task_stats, antagonists, events,
 * scx_dump (DDL in harness/store/schema.c). Writers are called inside the
 * run's transaction; the print functions serve `scxbench show`.
 */
#ifndef SCXB_STORE_TRACE_H
#define SCXB_STORE_TRACE_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdint.h>
#include <stdio.h>

#include "harness/lib/hist.h"

struct store;

struct trace_cpu_row {
	int cpu;
	uint64_t events, overrun, dropped, lost;
};

struct task_stat_row {
	int pid;
	const char *comm;
	const char *role;         /* probe, hackbench, hog, other */
	uint64_t wakeups;
	uint64_t wait_ns, wait_max_ns; /* wakeup -> on CPU */
	uint64_t rq_wait_ns;      /* preempted -> on CPU again */
	uint64_t run_ns;
	uint64_t switches_vol, switches_invol, migrations;
	const struct hist *hist;  /* wakeup latency (ns), NULL = none */
};

int store__add_trace_cpu(struct store *st, int64_t run_id, const struct trace_cpu_row *r);
/* runs.lost_events: the run says it lost events everywhere it is shown. */
int store__set_lost_events(struct store *st, int64_t run_id, int64_t lost);
int store__add_task_stat(struct store *st, int64_t run_id, const struct task_stat_row *r);
/* The same for many rows: one prepared statement and one encode buffer
 * for all of them (a run can have tens of thousands of tasks). */
struct store_tasks;
struct store_tasks *store__tasks_begin(struct store *st, int64_t run_id);
int store__tasks_add(struct store_tasks *tw, const struct task_stat_row *r);
void store__tasks_end(struct store_tasks *tw);
int store__add_antagonist(struct store *st, int64_t run_id, int victim_pid, int pid,
			  const char *comm, uint64_t wait_ns, uint64_t count);
int store__add_scx_dump(struct store *st, int64_t run_id, int64_t seq, const char *line);

/*
 * Bulk load of raw events (--keep-events): begin, add per event, end.
 * One prepared statement for the whole load; the (run_id, ts) index is
 * kept up to date as rows arrive (cheap: they arrive in (run_id, ts)
 * order). abort() frees; the caller rolls the transaction back.
 */
struct store_events;
struct store_events *store__events_begin(struct store *st, int64_t run_id);
int store__events_add(struct store_events *se, uint64_t ts, int cpu, int type, int pid,
		      int64_t arg1, int64_t arg2);
int store__events_end(struct store_events *se);
void store__events_abort(struct store_events *se);

/* For `scxbench show`: plain-text tables on f. 0 or -errno; on an error
 * the rows printed so far stay on f (store__print_run() in show.h prints
 * all or nothing). */
int store__print_trace_cpus(struct store *st, int64_t run_id, FILE *f);
int store__print_tasks(struct store *st, int64_t run_id, FILE *f);
int store__print_antagonists(struct store *st, int64_t run_id, FILE *f);
int store__print_dump(struct store *st, int64_t run_id, FILE *f);

#endif
