/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a CI night writes into its output folder: summary.md (for the job
 * page: regressions first, with numbers and CIs), junit.xml (one testcase
 * per scheduler x workload x metric, plus one "survival" testcase per
 * scheduler x workload), ci.json (everything, machine-readable) and
 * history/ (one gnuplot figure per workload x metric across labels, the
 * baseline band marked). The HTML report of each workload is written by
 * night.c through reports/report.h.
 */
#ifndef SCXB_CI_OUTPUT_H
#define SCXB_CI_OUTPUT_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "harness/ci/changes.h"
#include "harness/ci/gate.h"

struct ci_night {
	const char *label, *config, *db;
	char hostname[128], place[8], kernel[128], accel[8];
	char baseline[512];        /* the policy and the labels it found */
	double alpha;
	int family;                /* tests in the Holm family */
	int runs, runs_ok, runs_sched_failed, runs_failed, runs_aborted;
	bool harness_failed;
	char harness_msg[512];
	int exit_code;
	double started_at, ended_at;
	const struct ci_cell *cells;
	int ncells;
	const struct ci_change *changes; /* across nights, over cells */
	int nchanges;
	struct ci_power power;
	int reps, last_k;          /* runs a night, baseline nights (advice) */
	char reports[64][200];     /* relative paths of the HTML reports */
	int nreports;
};

int ci_output__summary_md(const struct ci_night *n, const char *path);
/* One line on what the night's gated cells can detect (n->power), e.g.
 * "power: gated cells could detect >= 5.8 % (median of 4; largest 7.1 %
 * ...)": stdout and summary.md say the same. */
void ci_output__power_line(const struct ci_night *n, char *buf, size_t len);
int ci_output__junit(const struct ci_night *n, const char *path);
int ci_output__json(const struct ci_night *n, const char *path);
/* dir is created; figures rendered as svg when gnuplot is there (*nplots
 * counts the rendered ones); -errno with err on a write failure. */
int ci_output__history(const struct ci_night *n, const char *dir, int *nplots, char *err,
		       size_t errlen);
/* XML text/attribute escaping; characters XML 1.0 forbids are dropped. */

#endif
