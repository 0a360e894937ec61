/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SQLite store. All SQL lives in the .c files of harness/store;
 * everything else calls these functions. Every statement uses bound
 * parameters and goes through harness/store/sql.h, which turns every
 * SQLite result into 1/0/-errno: -EBADMSG for a damaged file (see
 * store__corrupt()), -EBUSY for a lock held too long, -EIO for most of
 * the rest.
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
 * Schema (see harness/store/schema.c for the authoritative DDL):
 *   runs(id, uuid, scheduler, sched_kind, workload, status, status_detail,
 *        place, accel, guest_kernel, kernel_release, hostname, cpu_model,
 *        ncpus, version, git_sha, cmdline, started_at, ended_at, pid,
 *        compare_id, rep, round, label, sched_ops, sched_path,
 *        sched_version, exit_kind, exit_reason, exit_msg, time_to_exit_s,
 *        trace, lost_events, sched_args, sched_sha256, sched_build_id,
 *        fail_stage, sched_exit_status, sched_exit_signal, pid_start,
 *        topology, topology_detail, vm_host_cpus)
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
 *   outliers(run_id, seq, ts, latency_ns, pid, comm, kind, dump, ...),
 *   outlier_slices(run_id, seq, cpu, start_ts, end_ts, pid, comm)
 *        --dump-on-outlier (harness/store/outliers.h); runs.outlier_us,
 *        outlier_dumps, outlier_window_ms, outliers_seen
 *   task_classes(run_id, pid, tgid, comm, role, policy, ext_switches,
 *        fair_switches, other_switches)         --partial (harness/store/trace.h)
 *   comparisons(id, created_at, schedulers, workload, settings, seed,
 *        reps, place, status)
 *   comparison_results(compare_id, metric, scheduler, ... , verdict,
 *        min_effect_pct, more_rounds)
 */
#ifndef SCXB_STORE_H
#define SCXB_STORE_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/lib/results.h"
#include "harness/lib/run_status.h"

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

/*
 * NULL with a one-line reason in err: not an SQLite database, newer
 * schema than this binary knows, unwritable path... The file is left
 * untouched on every error.
 *
 * A damaged database is not an error of the open: the store comes back
 * with store__corrupt() saying why, nothing written to the file, and
 * refusing everything but store__check() and store__close(). A writable
 * open of an existing file runs PRAGMA quick_check before its first
 * write, so that nothing is ever added to a file already damaged: a pass
 * over every page, measured on a 50 MB database at 32 ms from the page
 * cache and 0.5 s from disk (the open alone: 0.6 ms). A read-only open
 * checks nothing and learns of damage when a statement meets it.
 */
struct store *store__open(const char *path, int flags, char *err, size_t errlen);
void store__close(struct store *st);
/* The database's name for messages: the --db path, or $SCXB_DB_NAME. */
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
/* What the scheduler was (NULL or "" fields are stored as NULL). */
struct run_sched_info {
	const char *ops;       /* /sys/kernel/sched_ext/root/ops once enabled */
	const char *path;      /* exec: the binary as resolved */
	const char *sha256;
	const char *build_id;
	char *const *args;     /* exec: its arguments, NULL-terminated; stored as JSON */
};
int store__set_sched_info(struct store *st, int64_t run_id, const struct run_sched_info *si);
int store__set_sched_exit(struct store *st, int64_t run_id, const struct sched_exit *ex);
int store__add_sched_output(struct store *st, int64_t run_id, const char *kind, const char *text);
int store__add_note(struct store *st, int64_t run_id, const char *collector, const char *note);
/* stage: FAIL_NONE for an ok or aborted run */
int store__finish_run(struct store *st, int64_t run_id, enum run_status status,
		      enum fail_stage stage, const char *detail);
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
	/* the CPUs of the machine that ran the VM (vm_host_cpus); 0: keep */
	int host_cpus;
	/* the command as the user typed it, stored on the imported runs */
	const char *cmdline;
	int64_t compare_id; /* 0 = keep none */
};
/*
 * The imported rows' ids here, oldest first. The source's own ids are
 * kept when none of them is taken here (a guest numbers from
 * store__next_ids() of this database: its printed ids stay true);
 * otherwise every imported row is renumbered, in time order.
 */
struct import_result {
	int64_t *run_ids;
	int nruns;
	int64_t *cmp_ids;
	int ncmp;
	int64_t *cap_ids;   /* captures (scxbench capture), by uuid like runs */
	int ncap;
	bool renumbered;
};
/* res may be NULL; the caller frees res->run_ids, cmp_ids and cap_ids. */
int store__import(struct store *st, const char *src_path, const struct import_opts *o,
		  struct import_result *res, char *err, size_t errlen);

/*
 * The ids the next run and comparison would get. A database created
 * with SCXB_ID_BASE=run:N,cmp:M in the environment numbers its runs from
 * N and its comparisons from M (how a guest's ids match the host's).
 */
int store__next_ids(struct store *st, int64_t *run, int64_t *cmp);
/* For harness/store: the SCXB_ID_BASE of runs / comparisons, 0 = none. */
int64_t store__id_base(struct store *st, bool comparison);
/*
 * The id the next capture would get. SCXB_ID_BASE=run:N,cmp:M,cap:K
 * numbers captures from K (a capture taken in a guest keeps its id at
 * home); store__capture_id_base() is K, 0 = none.
 */
int store__next_capture_id(struct store *st, int64_t *cap);
int64_t store__capture_id_base(struct store *st);

/* PRAGMA integrity_check (quick: quick_check, which skips comparing the
 * indexes with their tables): 0 when "ok", -EBADMSG with SQLite's first
 * finding in msg otherwise (the store is then corrupt, as below), another
 * -errno when the check could not run. Runs on a corrupt store too. */
int store__check(struct store *st, bool quick, char *msg, size_t len);

/*
 * Why the store is corrupt, NULL while it is not: the first corruption
 * any statement met (SQLITE_CORRUPT, SQLITE_NOTADB: "database disk image
 * is malformed"), or the first finding of store__check() (the quick_check
 * of a writable open included). Every store function then returns
 * -EBADMSG, writing and reading nothing; the command names the file and
 * stops.
 */
const char *store__corrupt(const struct store *st);

/*
 * SQLite's words for the last statement that failed otherwise ("database
 * or disk is full", "database is locked", ...), one line, for the
 * caller's one-line message: the store prints nothing itself.
 */
const char *store__error(const struct store *st);

/* How long a writer waits for another's lock before it fails with -EBUSY. */
#define STORE_BUSY_TIMEOUT_MS 5000

/* Raw handle for the other store_*.c files (trace, query). Not for use
 * outside harness/store. */
struct sqlite3 *store__db(struct store *st);

#endif
