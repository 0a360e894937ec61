/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SQLite store. All SQL lives in harness/store*.c; everything else
 * calls these functions. Every statement uses bound parameters.
 *
 * Life of a run in the store:
 *   store__begin_run()   inserts the run with status 'running' and commits
 *                        (so a SIGKILL leaves a visible dangling run, which
 *                        the next store__open() marks 'aborted');
 *   store__txn_begin()   the run's results: params, metrics, histograms,
 *   store__add_*()       collectors' rows, scheduler exit info...
 *   store__finish_run()  sets status/end time,
 *   store__txn_commit()  all of it in one transaction: never half a run.
 *
 * Schema (see harness/store_schema.c for the authoritative DDL):
 *   runs(id, uuid, scheduler, sched_kind, workload, status, status_detail,
 *        place, accel, guest_kernel, kernel_release, hostname, cpu_model,
 *        ncpus, version, git_sha, cmdline, started_at, ended_at, pid,
 *        compare_id, rep, round, label, sched_ops, sched_path,
 *        sched_version, exit_kind, exit_reason, exit_msg, time_to_exit_s,
 *        trace, lost_events)
 *   params(run_id, name, value)
 *   metrics(run_id, name, value, unit, better)
 *   histograms(run_id, name, unit, scheme, count, sum, min, max, buckets)
 *   sched_output(run_id, kind, text)            exec tail, dumps
 *   scx_dump(run_id, seq, line)                 sched_ext_dump lines
 *   trace_cpus(run_id, cpu, events, overrun, dropped, lost)
 *   task_stats(run_id, pid, comm, role, wakeups, wait_ns, wait_max_ns,
 *        run_ns, switches_vol, switches_invol, migrations, hist_*)
 *   antagonists(run_id, victim_pid, pid, comm, wait_ns, count)
 *   events(run_id, ts, cpu, type, pid, arg1, arg2)   with --keep-events
 *   collector_notes(run_id, collector, note)    absent events, skipped collectors
 *   comparisons(id, created_at, schedulers, workload, settings, seed,
 *        reps, place, status)
 *   comparison_results(compare_id, metric, scheduler, ... , verdict)
 */
#ifndef SCXB_STORE_H
#define SCXB_STORE_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "results.h"
#include "sched.h"

#define STORE_DEFAULT_PATH "scxbench.db"

struct store;

enum store_open_flags {
	STORE_CREATE = 1,   /* create the file if missing */
	STORE_READONLY = 2, /* reports, export: never write */
};

/* Everything about a run that is known before it starts. */
struct run_meta {
	const char *scheduler;
	const char *sched_kind;
	const char *workload;
	const char *place;        /* "host" or "vm" */
	const char *accel;        /* "kvm", "tcg" or NULL */
	const char *guest_kernel; /* vm only */
	const char *cmdline;
	const char *label;        /* CI label or NULL */
	int64_t compare_id;       /* 0 = not part of a comparison */
	int rep, round;
	bool trace;               /* collectors on */
	/* name/value pairs of every workload parameter (and run options) */
	int nr_params;
	const char *const *param_names;
	const char *const *param_values;
};

/* NULL with a one-line reason in err: not an SQLite database, newer
 * schema than this binary knows, unwritable path... The file is left
 * untouched on every error. */
struct store *store__open(const char *path, int flags, char *err, size_t errlen);
void store__close(struct store *st);
const char *store__path(const struct store *st);
/* Number of dangling 'running' runs marked 'aborted' by the last open. */
int store__nr_recovered(const struct store *st);

int store__txn_begin(struct store *st);
int store__txn_commit(struct store *st);
int store__txn_rollback(struct store *st);

/* Inserts the run as 'running' in its own committed transaction. */
int store__begin_run(struct store *st, const struct run_meta *m, int64_t *run_id);
/* Inside a transaction: */
int store__add_results(struct store *st, int64_t run_id, const struct results *r);
int store__set_sched_info(struct store *st, int64_t run_id, const char *ops,
			  const char *path, const char *version);
int store__set_sched_exit(struct store *st, int64_t run_id, const struct sched_exit *ex);
int store__add_sched_output(struct store *st, int64_t run_id, const char *kind, const char *text);
int store__add_note(struct store *st, int64_t run_id, const char *collector, const char *note);
/* status: "ok", "failed", "aborted", "sched_failed" */
int store__finish_run(struct store *st, int64_t run_id, const char *status, const char *detail);
/* Outside any transaction: last-resort marking from a signal path's
 * cleanup (not from the handler itself). */
int store__abort_run(struct store *st, int64_t run_id, const char *detail);

/* Copy every run (and its rows) of another database into this one,
 * skipping runs whose uuid is already present. Used to bring a VM
 * guest's results home and by `scxbench merge`. Optionally overrides
 * place/accel/guest_kernel on the imported runs. Returns the number of
 * runs imported or -errno. One transaction. */
struct import_opts {
	/* hostname: the machine that ran the VM (the guest's own name says
	 * nothing about where a run happened, and baselines match on it) */
	const char *place, *accel, *guest_kernel, *hostname;
	int64_t compare_id; /* 0 = keep none */
};
int store__import(struct store *st, const char *src_path, const struct import_opts *o,
		  char *err, size_t errlen);

/* PRAGMA integrity_check: 0 when "ok", -EIO with SQLite's first finding in
 * msg otherwise. */
int store__check(struct store *st, char *msg, size_t len);

/* Raw handle for the other store_*.c files (trace, query). Not for use
 * outside harness/store*.c. */
struct sqlite3 *store__db(struct store *st);

#endif
