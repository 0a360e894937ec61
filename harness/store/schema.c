// SPDX-License-Identifier: GPL-2.0
/*
 * The store's schema as an ordered list of migrations. PRAGMA user_version
 * holds how many have been applied; store__open() applies the missing ones
 * in one transaction and refuses a file whose version is newer than this
 * binary knows (it would misread it).
 *
 * Never edit a migration that has shipped: append a new one.
 */
#include <stddef.h>

#include "harness/store/schema.h"

static const char *const migrations[] = {
	/* 1: the whole initial schema */
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL UNIQUE,"          /* survives merges across machines */
	"  scheduler TEXT NOT NULL,"
	"  sched_kind TEXT NOT NULL,"
	"  workload TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('running','ok','failed','aborted','sched_failed')),"
	"  status_detail TEXT,"
	"  place TEXT NOT NULL DEFAULT 'host',"  /* host | vm */
	"  accel TEXT,"                         /* vm: kvm | tcg */
	"  guest_kernel TEXT,"
	"  kernel_release TEXT,"
	"  hostname TEXT,"
	"  cpu_model TEXT,"
	"  ncpus INTEGER,"
	"  version TEXT,"
	"  git_sha TEXT,"
	"  cmdline TEXT,"
	"  started_at REAL NOT NULL,"           /* unix seconds */
	"  ended_at REAL,"
	"  pid INTEGER,"                        /* of the harness, finds dangling runs */
	"  boot_id TEXT,"                       /* ditto: a pid is only unique per boot */
	"  compare_id INTEGER REFERENCES comparisons(id),"
	"  rep INTEGER,"
	"  round INTEGER,"
	"  label TEXT,"
	"  sched_ops TEXT,"
	"  sched_path TEXT,"
	"  sched_version TEXT,"
	"  exit_kind INTEGER,"
	"  exit_reason TEXT,"
	"  exit_msg TEXT,"
	"  time_to_exit_s REAL,"
	"  trace INTEGER NOT NULL DEFAULT 0,"
	"  lost_events INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX runs_compare ON runs(compare_id);"
	"CREATE INDEX runs_sched_wl ON runs(scheduler, workload);"
	"CREATE TABLE params ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE metrics ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  value REAL NOT NULL,"
	"  unit TEXT NOT NULL DEFAULT '',"
	"  better INTEGER NOT NULL DEFAULT 0,"  /* -1 lower, 1 higher, 0 neither */
	"  PRIMARY KEY (run_id, name)"
	") WITHOUT ROWID;"
	"CREATE TABLE histograms ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  unit TEXT NOT NULL,"
	"  scheme TEXT NOT NULL,"               /* e.g. loglin-v1-sub7 */
	"  count INTEGER NOT NULL,"
	"  sum INTEGER NOT NULL,"
	"  min INTEGER NOT NULL,"
	"  max INTEGER NOT NULL,"
	"  buckets BLOB NOT NULL,"              /* (u32 idx, u64 count) LE pairs */
	"  PRIMARY KEY (run_id, name)"
	");"
	"CREATE TABLE sched_output ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"                 /* exec_tail, ... */
	"  text TEXT NOT NULL"
	");"
	"CREATE INDEX sched_output_run ON sched_output(run_id);"
	"CREATE TABLE scx_dump ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"
	"  line TEXT NOT NULL,"
	"  PRIMARY KEY (run_id, seq)"
	");"
	"CREATE TABLE trace_cpus ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  cpu INTEGER NOT NULL,"
	"  events INTEGER NOT NULL DEFAULT 0,"
	"  overrun INTEGER NOT NULL DEFAULT 0,"
	"  dropped INTEGER NOT NULL DEFAULT 0,"
	"  lost INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (run_id, cpu)"
	");"
	"CREATE TABLE task_stats ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  pid INTEGER NOT NULL,"
	"  comm TEXT NOT NULL,"
	"  role TEXT NOT NULL,"                 /* probe | hackbench | hog | other */
	"  wakeups INTEGER NOT NULL DEFAULT 0,"
	"  wait_ns INTEGER NOT NULL DEFAULT 0,"     /* wakeup -> on CPU, summed */
	"  wait_max_ns INTEGER NOT NULL DEFAULT 0,"
	"  rq_wait_ns INTEGER NOT NULL DEFAULT 0,"  /* preempted -> on CPU again */
	"  run_ns INTEGER NOT NULL DEFAULT 0,"
	"  switches_vol INTEGER NOT NULL DEFAULT 0,"
	"  switches_invol INTEGER NOT NULL DEFAULT 0,"
	"  migrations INTEGER NOT NULL DEFAULT 0,"
	"  hist_count INTEGER, hist_sum INTEGER, hist_min INTEGER, hist_max INTEGER,"
	"  hist_buckets BLOB,"                  /* wakeup latency, as histograms */
	"  PRIMARY KEY (run_id, pid)"
	");"
	"CREATE TABLE antagonists ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  victim_pid INTEGER NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  comm TEXT NOT NULL,"
	"  wait_ns INTEGER NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (run_id, victim_pid, pid)"
	");"
	/* raw events with --keep-events; its index is built after the load */
	"CREATE TABLE events ("
	"  run_id INTEGER NOT NULL,"
	"  ts INTEGER NOT NULL,"
	"  cpu INTEGER NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  arg1 INTEGER,"
	"  arg2 INTEGER"
	");"
	"CREATE TABLE collector_notes ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  collector TEXT NOT NULL,"
	"  note TEXT NOT NULL"
	");"
	"CREATE INDEX collector_notes_run ON collector_notes(run_id);"
	"CREATE TABLE comparisons ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL UNIQUE,"
	"  created_at REAL NOT NULL,"
	"  schedulers TEXT NOT NULL,"           /* comma-separated, baseline first */
	"  workload TEXT NOT NULL,"
	"  settings TEXT NOT NULL DEFAULT '{}',"/* JSON */
	"  seed INTEGER NOT NULL,"
	"  reps INTEGER NOT NULL,"
	"  place TEXT NOT NULL DEFAULT 'host',"
	"  status TEXT NOT NULL DEFAULT 'running',"
	"  label TEXT"
	");"
	"CREATE TABLE comparison_results ("
	"  compare_id INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,"
	"  metric TEXT NOT NULL,"
	"  scheduler TEXT NOT NULL,"
	"  unit TEXT, better INTEGER,"
	"  n INTEGER, survived INTEGER, total INTEGER,"
	"  median REAL, mean REAL, stddev REAL, cov REAL, ci_lo REAL, ci_hi REAL,"
	"  delta_pct REAL, delta_lo REAL, delta_hi REAL,"
	"  p_value REAL, p_holm REAL, effect REAL,"
	"  verdict TEXT,"
	"  PRIMARY KEY (compare_id, metric, scheduler)"
	");",
	/* 2: what an exec: scheduler is (never --version: its path, digest,
	 * build id, arguments), how a run failed as data (the stage, the
	 * scheduler process's exit), and owner start times for recovery */
	"ALTER TABLE runs ADD COLUMN sched_args TEXT;"          /* JSON array */
	"ALTER TABLE runs ADD COLUMN sched_sha256 TEXT;"
	"ALTER TABLE runs ADD COLUMN sched_build_id TEXT;"
	"ALTER TABLE runs ADD COLUMN fail_stage TEXT CHECK (fail_stage IN"
	"  ('exec','load','enable','run','collector','workload','store'));"
	"ALTER TABLE runs ADD COLUMN sched_exit_status INTEGER;" /* exit code, process */
	"ALTER TABLE runs ADD COLUMN sched_exit_signal INTEGER;"
	"ALTER TABLE runs ADD COLUMN pid_start INTEGER;",       /* owner start time */
	/* 3: a comparison's owner, so that one left 'running' by a harness
	 * that died is found like a dangling run */
	"ALTER TABLE comparisons ADD COLUMN pid INTEGER;"
	"ALTER TABLE comparisons ADD COLUMN boot_id TEXT;"
	"ALTER TABLE comparisons ADD COLUMN pid_start INTEGER;",
	/* 4: four-way verdicts (better / worse / same / inconclusive): the
	 * minimum effect a metric's "same" was decided with, and for an
	 * inconclusive one the rounds that would likely decide it (-1: no
	 * practical number) */
	"ALTER TABLE comparison_results ADD COLUMN min_effect_pct REAL;"
	"ALTER TABLE comparison_results ADD COLUMN more_rounds INTEGER;",
	/* 5: the CPU topology the run saw (its canonical spec, or
	 * 'irregular', and the whole view as JSON: packages, cores, SMT
	 * groups, LLC groups, nodes, memory, distances), and for a VM run
	 * the host's CPU count (guest vCPUs / host CPUs is the
	 * oversubscription). */
	"ALTER TABLE runs ADD COLUMN topology TEXT;"
	"ALTER TABLE runs ADD COLUMN topology_detail TEXT;"     /* JSON */
	"ALTER TABLE runs ADD COLUMN vm_host_cpus INTEGER;",
	/* 6: --dump-on-outlier. The run keeps what was asked (threshold, K,
	 * window) and how many samples crossed the threshold; each of the
	 * first K outliers keeps its time, task and latency, what became of
	 * its dump (the sched_ext_dump lines its SysRq-D trigger produced)
	 * and the trace window around it: what ran on each CPU from window_ms
	 * before the late wakeup was due until it ran. Times are the trace
	 * clock (CLOCK_MONOTONIC ns), the clock of events.ts. */
	"ALTER TABLE runs ADD COLUMN outlier_us REAL;"            /* NULL: not asked */
	"ALTER TABLE runs ADD COLUMN outlier_dumps INTEGER;"      /* K */
	"ALTER TABLE runs ADD COLUMN outlier_window_ms REAL;"
	"ALTER TABLE runs ADD COLUMN outliers_seen INTEGER;"      /* all, not only the first K */
	/* of those, due before a dump ended: no dump of their own (their
	 * lateness may be that dump's) */
	"ALTER TABLE runs ADD COLUMN outliers_during_dump INTEGER;"
	"CREATE TABLE outliers ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"                /* 0-based, in the order they were seen */
	"  ts INTEGER NOT NULL,"                 /* when the late task ran */
	"  latency_ns INTEGER NOT NULL,"         /* it was due at ts - latency_ns */
	"  pid INTEGER NOT NULL,"                /* the thread */
	"  comm TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"                  /* timer | wakeup */
	"  dump TEXT NOT NULL CHECK (dump IN"
	"    ('taken','no_sched_ext','no_trace','failed','pending')),"
	"  dump_error TEXT,"
	"  dump_start INTEGER, dump_end INTEGER," /* around the trigger's write */
	"  dump_text TEXT,"                      /* that dump's sched_ext_dump lines */
	"  window_start INTEGER, window_end INTEGER,"
	"  window_cut INTEGER NOT NULL DEFAULT 0," /* earlier slices in it not kept */
	"  PRIMARY KEY (run_id, seq)"
	");"
	"CREATE TABLE outlier_slices ("          /* the window: who ran where */
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  seq INTEGER NOT NULL,"                /* the outlier's */
	"  cpu INTEGER NOT NULL,"
	"  start_ts INTEGER NOT NULL,"
	"  end_ts INTEGER NOT NULL,"
	"  pid INTEGER NOT NULL,"
	"  comm TEXT NOT NULL"
	");"
	"CREATE INDEX outlier_slices_run ON outlier_slices(run_id, seq);",
	/* 7: --partial runs, which class every task ran under: switch-ins
	 * picked by sched_ext, by fair, by any other class (rt, deadline,
	 * stop, idle), counted in the kernel (collectors/classes.c) */
	"CREATE TABLE task_classes ("
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  pid INTEGER NOT NULL,"
	"  tgid INTEGER,"
	"  comm TEXT NOT NULL,"
	"  role TEXT NOT NULL,"                 /* probe | hackbench | hog | other */
	"  policy INTEGER,"                     /* at its last switch-in; 7 SCHED_EXT */
	"  ext_switches INTEGER NOT NULL DEFAULT 0,"
	"  fair_switches INTEGER NOT NULL DEFAULT 0,"
	"  other_switches INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (run_id, pid)"
	");",
	/* 8: captures of real applications (scxbench capture): the capture
	 * file itself, and per thread and per wakeup edge what it found */
	"CREATE TABLE captures ("
	"  id INTEGER PRIMARY KEY,"
	"  uuid TEXT NOT NULL UNIQUE,"
	"  created_at REAL NOT NULL,"
	"  target TEXT NOT NULL,"               /* the command, "pid N", "comm NAME" */
	"  scheduler TEXT, kernel_release TEXT, hostname TEXT, ncpus INTEGER,"
	"  duration_s REAL,"
	"  file TEXT,"                          /* where -o wrote it */
	"  body TEXT NOT NULL"                  /* the capture file's JSON */
	");"
	"CREATE TABLE capture_threads ("
	"  capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,"
	"  idx INTEGER NOT NULL,"
	"  tid INTEGER NOT NULL, comm TEXT NOT NULL, policy TEXT, nice INTEGER,"
	"  rt_priority INTEGER, start_us REAL, end_us REAL, creator INTEGER,"
	"  period_us REAL,"                     /* 0: not periodic */
	"  bursts INTEGER, burst_p50_us REAL, sleeps INTEGER, sleep_p50_us REAL,"
	"  wakeup_p50_us REAL, cpu_us REAL, wakes INTEGER,"
	"  PRIMARY KEY (capture_id, idx)"
	");"
	"CREATE TABLE capture_edges ("
	"  capture_id INTEGER NOT NULL REFERENCES captures(id) ON DELETE CASCADE,"
	"  waker INTEGER NOT NULL, wakee INTEGER NOT NULL,"
	"  via TEXT NOT NULL,"                  /* futex, pipe, ... (capture.h) */
	"  count INTEGER NOT NULL,"
	"  PRIMARY KEY (capture_id, waker, wakee, via)"
	");",
};

int store_schema__version(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *store_schema__migration(int i)
{
	return i >= 0 && i < store_schema__version() ? migrations[i] : NULL;
}
