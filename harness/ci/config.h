/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nightly CI configuration (`scxbench ci CONFIG`): an INI-style file
 * read by our own small parser. docs/ci.md documents every key; in short:
 *
 *   # comment (whole lines only: exec arguments may hold '#')
 *   [ci]
 *   db = history.db          history database (default scxbench.db)
 *   out = ci-out             output folder (default ci-out)
 *   label = required | time  --label required, or default to UTC time
 *   place = auto | host | vm
 *   kernel = K               guest kernel: cached release or image path (implies place = vm)
 *   kernels = K, K           the whole matrix on each kernel, one guest boot
 *                            per kernel x topology (implies place = vm)
 *   topologies = 2s2c2t, 1s4c1t   ... and on each CPU topology
 *                            (harness/lib/topology.h; implies place = vm)
 *   vm-cpus = N, vm-mem = MB
 *   reps = N | until-ci      rounds per workload (default 5)
 *   min-reps = N, max-reps = N, ci-target = 5%     (until-ci)
 *   duration = 10s           upper bound per run
 *   trace = yes | no         collectors on (default yes)
 *   alpha = 0.05
 *   min-effect = 5%          smallest change worth failing on
 *   baseline = last:K | label:NAME    (default last:5)
 *   seed = N                 run order seed (default: from the label)
 *   [scheduler NAME]         eevdf, simple, vtime or exec:BINARY
 *   args = --flag value      exec: arguments (blanks split, '' and "" group):
 *                            part of the scheduler's name in the history
 *   timeout-ms = N           built-ins: the sched_ext watchdog timeout
 *   enable-timeout = 60s     how long it may take to enable sched_ext
 *   [workload NAME]          NAME is the workload unless type = is given
 *   type = hackbench
 *   duration = 5s
 *   PARAM = VALUE            the workload's own parameters
 *   [metric NAME]
 *   min-effect = 10%
 *   gate = yes | no          yes: gated like the workloads' primary metrics
 *                            (the default gates those only; the others are
 *                            exploratory); no: reported, never fails the job
 *
 * Errors (unknown sections or keys, bad values, duplicates) are reported
 * all at once, one "FILE:LINE: reason" per line.
 */
#ifndef SCXB_CI_CONFIG_H
#define SCXB_CI_CONFIG_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/workload.h"

#define CI_MAX_SCHED 16
#define CI_MAX_WL 16
#define CI_MAX_METRIC 64
#define CI_MAX_ARGS 32
#define CI_MAX_CELLS 16  /* kernels x topologies of one night */
#define CI_CELL_NAME 128 /* "WORKLOAD [KERNEL TOPOLOGY]", as cells are named */

enum ci_place { CI_PLACE_AUTO = 0, CI_PLACE_HOST, CI_PLACE_VM };
enum ci_label_policy { CI_LABEL_REQUIRED = 0, CI_LABEL_TIME };
enum ci_baseline { CI_BASE_LAST = 0, CI_BASE_LABEL };
/* a [metric]'s gate key: unset gates a workload's primary metrics only */
enum ci_gate_opt { CI_GATE_DEFAULT = 0, CI_GATE_YES, CI_GATE_NO };

struct ci_sched {
	char spec[256];
	char *argv[CI_MAX_ARGS + 1]; /* exec: arguments, NULL-terminated */
	int argc;
	uint32_t timeout_ms;
	double enable_timeout_s;     /* 0 = the default */
	int line;
};

struct ci_workload {
	char name[64];               /* section name: the cell's workload */
	const struct workload *wl;
	struct wl_params params;
	double duration_s;           /* 0: the [ci] duration */
	/* what must be equal for two nights to be compared: name, type,
	 * every parameter, duration, tracing */
	char sig[1024];
	int line;
};

struct ci_metric {
	char name[64];
	double min_effect_pct;       /* NAN: the [ci] default */
	enum ci_gate_opt gate;
	int line;
};

struct ci_config {
	char name[PATH_MAX];         /* file name, for messages */
	char *text;                  /* the whole file, handed to a VM guest */
	char db[PATH_MAX], out[PATH_MAX], kernel[PATH_MAX];
	char kernels[1024];          /* "K,K" (blanks removed), "" none */
	char topologies[512];        /* "S,S" canonical specs, "" none */
	enum ci_label_policy label_policy;
	enum ci_place place;
	int vm_cpus, vm_mem_mb;
	int reps;                    /* fixed rounds, or the until-ci start */
	bool until_ci;
	int min_reps, max_reps;
	double ci_target_pct;
	double duration_s;
	bool trace;
	double alpha, min_effect_pct;
	enum ci_baseline baseline;
	int last_k;
	char baseline_label[128];
	bool have_seed;
	uint64_t seed;
	struct ci_sched sched[CI_MAX_SCHED];
	int nsched;
	struct ci_workload wl[CI_MAX_WL];
	int nwl;
	struct ci_metric metric[CI_MAX_METRIC];
	int nmetric;
};

/*
 * Parse text (name is only used in messages). 0, or -EINVAL with every
 * error as "name:line: reason" lines in err (truncated to errlen).
 * Always call ci_config__free() afterwards.
 */
int ci_config__parse(struct ci_config *c, const char *name, const char *text, char *err,
		     size_t errlen);
/* Read and parse a file; -errno when it cannot be read. */
int ci_config__load(struct ci_config *c, const char *path, char *err, size_t errlen);
void ci_config__free(struct ci_config *c);
/*
 * The minimum effect (in %) that applies to a metric, and whether it is
 * gated (in the Holm family, may fail a night) in a workload of type
 * wl_type (workload->name): a primary metric of that workload unless its
 * [metric] says gate = no, any other metric only with gate = yes.
 */
double ci_config__min_effect(const struct ci_config *c, const char *wl_type, const char *metric,
			     bool *gate);

#endif
