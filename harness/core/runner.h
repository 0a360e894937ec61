/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs one benchmark run end to end and stores it:
 *   store.begin_run -> sched.start -> collectors.create/start -> workload.run
 *   -> collectors.stop -> sched.stop (exit info) -> one transaction with
 *   results, collector rows and the final status.
 * Status (run_status.h): ok; failed (the harness, a collector or the
 * workload: stage says which); aborted (SIGINT/SIGTERM); sched_failed (the
 * scheduler could not start, stage exec/load/enable, or left during the
 * run, stage run: its exit info, process exit and output are kept).
 */
#ifndef SCXB_RUNNER_H
#define SCXB_RUNNER_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "harness/sched/sched.h"
#include "harness/store/store.h"
#include "workloads/workload.h"

struct run_request {
	const char *sched_spec;       /* "eevdf", "simple", "exec:scx_lavd" */
	struct sched_opts sched_opts;
	const struct workload *wl;
	const struct wl_params *params;
	double duration_s;
	bool trace;                   /* collectors on (default) */
	unsigned int buffer_kb;       /* per-CPU trace buffer, 0 = default */
	bool keep_events;
	bool keep_raw;
	/* --dump-on-outlier US: a probe latency above it triggers the
	 * scheduler's dump, for the first outlier_dumps (K) of the run; the
	 * trace window kept reaches outlier_window_ms before the late wakeup
	 * was due. 0: off (only for a workload with the probe). */
	double outlier_us;
	int outlier_dumps;
	double outlier_window_ms;
	bool outlier_window_set;      /* given (the CLI's defaults apply otherwise) */
	bool progress;
	int64_t compare_id;
	int rep, round;
	const char *label;
	const char *cmdline;
};

struct run_outcome {
	int64_t run_id;
	enum run_status status;
	enum fail_stage stage;  /* FAIL_NONE when ok or aborted */
	char detail[512];
	struct sched_exit exit;
};

/*
 * Raised by the SIGINT/SIGTERM handler that runner__install_signals()
 * sets: the number of such signals received; runner_stop_signal is the
 * first one's number.
 */
extern volatile sig_atomic_t runner_stop;
extern volatile sig_atomic_t runner_stop_signal;
int runner__install_signals(void);
/* 128 + the first stop signal (130 SIGINT, 143 SIGTERM); 1 when none. */
int runner__signal_exit_code(void);

/*
 * Returns 0 when the run was carried out and stored (whatever its status:
 * look at out->status), -errno when it could not even be stored; err then
 * says why in one line. A stopped run (signal) returns 0 with status
 * "aborted"; callers check runner_stop to end their loops.
 */
int runner__run(struct store *st, const struct run_request *rq, struct run_outcome *out,
		char *err, size_t errlen);

#endif
