/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The workload interface. Each generator (hackbench, latency, cpu, mixed)
 * is one `struct workload` with a parameter table; the table alone drives
 * flag parsing (--NAME VALUE), `scxbench list workloads`, help text and
 * what is stored with the run, so a new parameter is one table entry.
 *
 * A workload runs in the caller's process but does its measuring in child
 * processes or threads it starts itself; it must reap every child on every
 * path (including when *ctx->stop becomes non-zero after SIGINT/SIGTERM)
 * and must not allocate or print on a measurement path: memory (shared
 * histograms etc.) is set up before the clock starts.
 *
 * Threads and processes name themselves (prctl(PR_SET_NAME)) with the
 * role prefixes below so that the trace collector can tell roles apart by
 * comm alone.
 */
#ifndef SCXB_WORKLOAD_H
#define SCXB_WORKLOAD_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness/lib/results.h"

/* comm prefixes (TASK_COMM_LEN is 16, keep them short) */
#define ROLE_COMM_PROBE "scxb-probe"  /* latency probe workers + their wakers */
#define ROLE_COMM_HACKBENCH "scxb-hb"  /* hackbench senders/receivers */
#define ROLE_COMM_HOG "scxb-hog"       /* CPU hogs */
#define ROLE_COMM_REPLAY "scxb-rp"     /* replay: threads of a replayed capture */
/*
 * Tasks that cannot be named by us (the `cmd` workload's command and its
 * children) get their role from their ancestry instead: the workload adds
 * the root's pid to its results (results__add_task_root, role "cmd") and
 * the trace parser gives the role to every task forked from it.
 */
#define ROLE_NAME_CMD "cmd"

enum wl_param_type {
	WL_INT,    /* integer in [min, max] */
	WL_DOUBLE, /* real in [min, max] */
	WL_ENUM,   /* one of the comma-separated `choices` */
	WL_BOOL,   /* 0/1, yes/no, true/false */
	WL_STR,    /* free text up to `max` bytes (0: 4096), no control characters */
	WL_LIST,   /* like WL_STR, each setting appends a line (repeatable flag) */
	WL_FLAG,   /* a flag without a value (--shell): "1" when given */
};

struct wl_param_def {
	const char *name;    /* flag name without dashes, e.g. "groups" */
	enum wl_param_type type;
	const char *def;     /* default, as text */
	double min, max;     /* numeric bounds (inclusive) */
	const char *choices; /* WL_ENUM: "pipe,socket" */
	const char *unit;    /* shown in help, e.g. "bytes", "us" */
	const char *help;
};

/* Parsed values for one run, one per table entry, in table order. */
struct wl_value {
	const char *text; /* normalised text (stored in the params table) */
	double num;       /* WL_INT/WL_DOUBLE/WL_BOOL value; WL_ENUM: choice index */
};

struct wl_params {
	const struct workload *wl;
	struct wl_value *v; /* wl->nr_params entries */
};

struct outlier_ring;

struct wl_run_ctx {
	double duration_s;           /* upper bound for the whole workload */
	volatile sig_atomic_t *stop; /* becomes non-zero on SIGINT/SIGTERM */
	bool progress;               /* stderr is a terminal: show progress */
	int ncpus;
	/* when run() fails: why, in one line, for the run's stored detail
	 * (NULL: printed as an error instead) */
	char *why;
	size_t whylen;
	/* --dump-on-outlier: where the probe posts latencies above the
	 * ring's threshold (harness/lib/outlier_ring.h); NULL when off */
	struct outlier_ring *outliers;
	/* --partial: every process the workload forks switches itself to
	 * SCHED_EXT (policy 7) before it does anything else; its threads
	 * inherit the policy. The harness process itself stays on fair. */
	bool ext_policy;
};

struct workload {
	const char *name;
	const char *summary;
	const struct wl_param_def *params;
	int nr_params;
	/*
	 * The few metrics a comparison tests for significance (NULL-ended):
	 * the Holm family. Correcting over every stored metric would leave
	 * no power at the default 5 runs per scheduler (the smallest exact
	 * Mann-Whitney p is 0.0079); the rest are reported as exploratory.
	 */
	const char *const *primary;
	/* It runs the latency probe (so --dump-on-outlier applies). */
	bool probe;
	/*
	 * Run to completion (or until ctx->duration_s / *ctx->stop), add the
	 * metrics and histograms to res. Returns 0, -EINTR when stopped by a
	 * signal (results so far may be partial and are not stored as ok), or
	 * another -errno.
	 */
	int (*run)(const struct wl_params *p, const struct wl_run_ctx *ctx,
		   struct results *res);
	/*
	 * Optional. A workload written NAME:ARG (cmd:'stress-ng --cpu 2',
	 * replay:app.capture) takes ARG as this parameter's value.
	 */
	const char *arg_param;
	/*
	 * Optional: whole-table validation once every parameter is set (a
	 * command that splits, a capture file that reads), so bad input is
	 * refused before anything runs or is stored. 0, or -EINVAL with one
	 * line in err.
	 */
	int (*check)(const struct wl_params *p, char *err, size_t len);
	/*
	 * Optional: metrics derived from what the collectors added to res
	 * (the replay's fidelity needs the trace's burst histograms). Called
	 * by the runner after the collectors stored, for ok runs only.
	 */
	int (*after_trace)(const struct wl_params *p, struct results *res);
};

/* registry (workloads/registry.c) */
const struct workload *workload__find(const char *name);
/* "NAME" or "NAME:ARG" (arg_param workloads); *arg points into spec (NULL
 * when there is none). NULL when NAME is unknown. */
const struct workload *workload__parse(const char *spec, const char **arg);
int workload__count(void);
const struct workload *workload__at(int i);
/* wl->run with ctx->ext_policy applied to every child it forks. */
int workload__run(const struct workload *wl, const struct wl_params *p,
		  const struct wl_run_ctx *ctx, struct results *res);
/* The role a task plays by its comm: "probe", "hackbench", "hog" (the
 * ROLE_COMM_* prefixes above) or "other" (not the workload). */
const char *workload__role(const char *comm);
/* SCHED_EXT, which glibc's headers may not name yet */
#define WL_SCHED_EXT 7

/* Is metric one of workload wl's primary metrics? */
bool workload__is_primary(const char *wl, const char *metric);

/* Value accessors by name; abort() on a name missing from the table is a
 * programming error caught by the unit tests, not a runtime condition. */
int64_t wl_param_int(const struct wl_params *p, const char *name);
double wl_param_double(const struct wl_params *p, const char *name);
bool wl_param_bool(const struct wl_params *p, const char *name);
const char *wl_param_str(const struct wl_params *p, const char *name);

/*
 * Parameter parsing (harness/params.c). wl_params__init() fills defaults;
 * wl_params__set() validates one NAME=VALUE and writes a one-line reason
 * into err on failure (-EINVAL unknown/bad, -ERANGE out of bounds).
 */
int wl_params__init(struct wl_params *p, const struct workload *wl);
int wl_params__set(struct wl_params *p, const char *name, const char *value,
		   char *err, size_t errlen);
void wl_params__free(struct wl_params *p);
/* The workload's check() of the parameters together (0 when it has none). */
int wl_params__check(const struct wl_params *p, char *err, size_t errlen);

#endif
