/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The collector interface: something that records what the kernel did
 * during a run (tracefs events, sched_ext state and counters, /proc).
 * Collectors record during the run and analyse after it ("record, then
 * analyse"); their store() is called inside the run's one transaction.
 *
 * The contract with the runner (harness/core/runner.c):
 *   - available() false: the collector is skipped, its reason stored as a
 *     note; nothing else is called.
 *   - create() then start(), in registry order. When one of them fails,
 *     the run fails at stage "collector": the collectors already started
 *     are stop()ped, none of them is store()d (a run that never ran has
 *     nothing to analyse), and every created one is destroy()ed.
 *   - stop() after the workload, for every started collector. A stop()
 *     that fails means the recording is incomplete: that collector is not
 *     stored and the run fails at stage "collector", with failure()'s words.
 *   - store() only for collectors that started and stopped cleanly, and
 *     not for an aborted run.
 *   - destroy() must undo everything (tracefs instance, files, processes)
 *     on every path, including after a failed create()/start(), and is
 *     also what the runner calls from its SIGINT/SIGTERM cleanup.
 */
#ifndef SCXB_COLLECTOR_H
#define SCXB_COLLECTOR_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "harness/lib/results.h"

struct store;
struct outlier_ring;

struct collector_cfg {
	int64_t run_id;
	const char *workdir;      /* private temp dir for this run's raw files */
	unsigned int buffer_kb;   /* per-CPU trace buffer size, 0 = default */
	bool keep_events;         /* store raw events (--keep-events) */
	bool keep_raw;            /* keep recorded files after parsing */
	bool sched_ext_active;    /* a sched_ext scheduler is under test */
	/* --dump-on-outlier: the run's outliers, filled in during the run
	 * and read at store() (NULL: none); the window kept before each */
	const struct outlier_ring *outliers;
	uint64_t outlier_window_ns;
	bool partial;             /* --partial: only the workload is on sched_ext */
	/* capture mode (scxbench capture): only these tasks and what they
	 * fork are traced (set_event_pid, event-fork), with the system
	 * calls they enter; 0 pids: the whole system, no system calls */
	const int *event_pids;
	int nr_event_pids;
};

struct collector_ops {
	const char *name;
	/* It records the trace, sched_ext_dump lines included: an on-demand
	 * dump (--dump-on-outlier) goes nowhere without one that started. */
	bool records_trace;
	/* false when the prerequisite is absent (the runner notes it and
	 * goes on without this collector); reason says why */
	bool (*available)(char *reason, size_t len);
	int (*create)(void **state, const struct collector_cfg *cfg);
	int (*start)(void *state);
	int (*stop)(void *state);
	/* Optional: after stop() failed, what failed, in a few words (the
	 * runner puts it in the run's status detail). */
	const char *(*failure)(void *state);
	/* Analyse what was recorded; add metrics to res and rows to the
	 * store (inside the run's transaction). */
	int (*store)(void *state, struct store *st, int64_t run_id, struct results *res);
	void (*destroy)(void *state);
};

/* All collectors, in start order (registry in collectors/registry.c). */
int collector__count(void);
const struct collector_ops *collector__at(int i);

#endif
