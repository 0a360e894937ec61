/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Options shared by the commands that run workloads (run, compare): the
 * workload and its parameter table, duration, tracing, fail-on-purpose
 * knobs, and the place (host/VM). One parser so that a flag means the same
 * in every command and a new workload parameter needs no change here.
 */
#ifndef SCXB_RUN_OPTS_H
#define SCXB_RUN_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness/core/place.h"
#include "harness/core/runner.h"
#include "workloads/workload.h"

enum {
	RUN_OPT_NO_TRACE = 0x800,
	RUN_OPT_BUFFER_KB,
	RUN_OPT_KEEP_EVENTS,
	RUN_OPT_KEEP_RAW,
	RUN_OPT_FAIL_AFTER,
	RUN_OPT_STALL,
	RUN_OPT_TIMEOUT_MS,
	RUN_OPT_ENABLE_TIMEOUT,
	RUN_OPT_DUMP_ON_OUTLIER,
	RUN_OPT_OUTLIER_DUMPS,
	RUN_OPT_OUTLIER_WINDOW,
	RUN_OPT_PARTIAL,
	RUN_OPT_WL_PARAM = 0x2000, /* + index into the workload's table */
};

/* getopt_long entries of the shared options ('w' and 'd' short forms) */
#define RUN_LONG_OPTIONS                                                       \
	{ "workload", required_argument, NULL, 'w' },                          \
	{ "duration", required_argument, NULL, 'd' },                          \
	{ "no-trace", no_argument, NULL, RUN_OPT_NO_TRACE },                   \
	{ "buffer-kb", required_argument, NULL, RUN_OPT_BUFFER_KB },           \
	{ "keep-events", no_argument, NULL, RUN_OPT_KEEP_EVENTS },             \
	{ "keep-raw", no_argument, NULL, RUN_OPT_KEEP_RAW },                   \
	{ "fail-after", required_argument, NULL, RUN_OPT_FAIL_AFTER },         \
	{ "stall", no_argument, NULL, RUN_OPT_STALL },                         \
	{ "timeout-ms", required_argument, NULL, RUN_OPT_TIMEOUT_MS },         \
	{ "enable-timeout", required_argument, NULL, RUN_OPT_ENABLE_TIMEOUT }, \
	RUN_OUTLIER_OPTIONS,                                                   \
	{ "partial", no_argument, NULL, RUN_OPT_PARTIAL },                     \
	PLACE_LONG_OPTIONS

/* --dump-on-outlier and its companions (also taken by ci) */
#define RUN_OUTLIER_OPTIONS                                                       \
	{ "dump-on-outlier", required_argument, NULL, RUN_OPT_DUMP_ON_OUTLIER }, \
	{ "outlier-dumps", required_argument, NULL, RUN_OPT_OUTLIER_DUMPS },     \
	{ "outlier-window-ms", required_argument, NULL, RUN_OPT_OUTLIER_WINDOW }

#define RUN_OPTS_USAGE                                                                    \
	"  -w, --workload W    hackbench, latency, cpu, mixed, cmd:'COMMAND ARGS' or\n"     \
	"                      replay:FILE.capture (scxbench list workloads)\n"             \
	"  -d, --duration S    upper bound per run: 10, 10s, 500ms, 2m (default 10s)\n"      \
	"      --no-trace      no collectors (no tracefs recording)\n"                        \
	"      --buffer-kb N   per-CPU trace buffer in KiB (default 1408)\n"                  \
	"      --keep-events   also store raw trace events (timeline figure)\n"               \
	"      --keep-raw      keep the recorded trace files (path printed)\n"                \
	"      --fail-after N  (simple/vtime, for tests) scx_bpf_error() after N enqueues\n" \
	"      --stall         (simple/vtime, for tests) strand one task: watchdog fires\n"   \
	"      --timeout-ms N  (simple/vtime) sched_ext watchdog timeout (default: kernel's)\n" \
	RUN_OUTLIER_USAGE \
	"      --partial       only the workload's tasks on the scheduler (SCHED_EXT, policy 7;\n" \
	"                      simple/vtime get SCX_OPS_SWITCH_PARTIAL, give an exec: scheduler\n" \
	"                      its own partial flag); the rest stays on fair. A partial run is\n" \
	"                      never compared with a full one\n"                                  \
	PLACE_USAGE

#define RUN_OUTLIER_USAGE                                                                  \
	"      --dump-on-outlier US  (latency, mixed) a probe wakeup latency above US\n"       \
	"                      (500, 500us, 2ms) triggers the scheduler's dump (SysRq-D)\n"   \
	"                      and keeps it with the outlier and a trace window\n"            \
	"      --outlier-dumps K  dump the first K outliers of each run (default 3, 1-100)\n" \
	"      --outlier-window-ms N  window kept: from N ms before the late wakeup was\n"   \
	"                      due until it ran (default 5)\n"

/*
 * The workload named by --workload/-w (it must be known before parsing:
 * its table adds options). NULL with a one-line reason in err.
 */
const struct workload *run_opts__workload(int argc, char **argv, char *err, size_t len);
/* base (nbase entries) + one entry per workload parameter + terminator;
 * the caller frees. */
struct option *run_opts__table(const struct option *base, int nbase, const struct workload *wl);
/*
 * Handle one getopt_long result if it is a shared option: 1 consumed,
 * 0 not ours, -EINVAL with a one-line reason in err.
 */
int run_opts__parse(int opt, const char *arg, struct run_request *rq, struct wl_params *params,
		    struct place_opts *po, char *err, size_t len);
/*
 * After parsing: the outlier options' defaults, and their rules (they
 * need --dump-on-outlier, and a workload with the latency probe).
 * -EINVAL with a one-line reason in err.
 */
int run_opts__finish(struct run_request *rq, const struct workload *wl, char *err, size_t len);
struct cli_common;
/*
 * The end of run's and compare's option loops: run_opts__finish, the
 * verbosity of co, and the workload's parameters checked (before
 * anything is stored). -EINVAL with a one-line reason in err.
 */
int run_opts__done(struct run_request *rq, const struct workload *wl,
		   const struct wl_params *params, const struct cli_common *co, char *err, size_t len);
/* --dump-on-outlier VALUE: microseconds, with an optional us/ms/s unit. */
int run_opts__parse_us(const char *arg, double *us);

/* The message for getopt's '?' and ':' results (opterr must be 0). */
void run_opts__bad_option(int opt, int argc, char **argv, const struct workload *wl,
			  const char *cmd, char *err, size_t len);
/* "first a b c" (first may be ""), NULL on ENOMEM; the caller frees. */
char *run_opts__join(int argc, char **argv, const char *first, const char *sep);

#endif
