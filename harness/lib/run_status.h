/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a run ended, as data: its status and, for a run that did not end
 * ok, the stage that failed. Both are stored as columns (runs.status,
 * runs.fail_stage) under the names below; nothing classifies a run by the
 * text of its message.
 */
#ifndef SCXB_RUN_STATUS_H
#define SCXB_RUN_STATUS_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>

enum run_status {
	RUN_RUNNING = 0,
	RUN_OK,
	RUN_FAILED,        /* the harness, a collector or the workload failed */
	RUN_ABORTED,       /* SIGINT/SIGTERM, or the harness died (found later) */
	RUN_SCHED_FAILED,  /* the scheduler could not start or left during the run */
	RUN_NR_STATUS,
};

enum fail_stage {
	FAIL_NONE = 0,
	FAIL_EXEC,      /* the scheduler's binary could not be executed */
	FAIL_LOAD,      /* it ended before sched_ext was enabled (bad flag, verifier) */
	FAIL_ENABLE,    /* sched_ext was not enabled in time, or by someone else */
	FAIL_RUN,       /* the scheduler left (error, stall, crash) during the run */
	FAIL_COLLECTOR, /* a collector failed to start or during the run */
	FAIL_WORKLOAD,  /* the workload failed */
	FAIL_STORE,     /* the results could not be stored */
	FAIL_NR_STAGES,
};

/* What the kernel said when the scheduler went away (scx_exit_info). */
struct sched_exit {
	bool valid;          /* false for eevdf or when it could not be read */
	int64_t kind;        /* SCX_EXIT_*: 64 unregistered, 1025 error, 1026 stall */
	char reason[128];
	char msg[1024];
	double time_to_exit_s; /* from start to exit, when it exited by itself */
	/* an exec: scheduler's process, once reaped */
	bool proc_valid;
	int proc_exit;       /* its exit status; -1 when a signal ended it */
	int proc_signal;     /* the signal that ended it, 0 when none */
};

/* "running", "ok", "failed", "aborted", "sched_failed" */
const char *run_status__name(enum run_status s);
/* -1 for an unknown name */
int run_status__parse(const char *name);
/* "exec", "load", ...; NULL for FAIL_NONE */
const char *fail_stage__name(enum fail_stage s);
int fail_stage__parse(const char *name);

#endif
