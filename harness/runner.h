/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs one benchmark run end to end and stores it:
 *   store.begin_run -> sched.start -> collectors.create/start -> workload.run
 *   -> collectors.stop -> sched.stop (exit info) -> one transaction with
 *   results, collector rows and the final status.
 * Status: ok; failed (harness/workload error); aborted (SIGINT/SIGTERM);
 * sched_failed (the scheduler exited during the run: exit info kept).
 */
#ifndef SCXB_RUNNER_H
#define SCXB_RUNNER_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "sched.h"
#include "store.h"
#include "workload.h"

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
	bool progress;
	int64_t compare_id;
	int rep, round;
	const char *label;
	const char *cmdline;
};

struct run_outcome {
	int64_t run_id;
	char status[16];    /* ok, failed, aborted, sched_failed */
	char detail[256];
	struct sched_exit exit;
};

/* Set by the SIGINT/SIGTERM handler that runner__install_signals() sets. */
extern volatile sig_atomic_t runner_stop;
int runner__install_signals(void);

/*
 * Returns 0 when the run was carried out and stored (whatever its status:
 * look at out->status), -errno when it could not even be stored; err then
 * says why in one line. A stopped run (signal) returns 0 with status
 * "aborted"; callers check runner_stop to end their loops.
 */
int runner__run(struct store *st, const struct run_request *rq, struct run_outcome *out,
		char *err, size_t errlen);

#endif
