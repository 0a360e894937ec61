/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Gate one CI night from the history alone and write its outputs: every
 * scheduler x workload x metric cell against its baseline (baseline.h,
 * gate.h), then into x->out: report-WORKLOAD/ (the HTML report of each
 * workload's comparison), history/, junit.xml, ci.json and summary.md
 * (output.h). One line per regression, scheduler failure and improvement,
 * and a verdict line, go to stdout.
 */
#ifndef SCXB_CI_NIGHT_H
#define SCXB_CI_NIGHT_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include "harness/ci/ctx.h"
#include "harness/store/store.h"

/*
 * Gate the runs labelled x->label in st (the caller's, only read) and
 * write the outputs. started (unix s) is when the night began, for the
 * outputs. Failures to read the history or write an output are recorded
 * in x (ci_ctx__fail). x->compare_id[] of workloads the matrix did not
 * run here are filled from the history. Everything the gate allocates is
 * freed before it returns.
 *
 * Returns the night's verdict, the exit status of `scxbench ci`: 0 no
 * regression (also: no baseline yet), 1 a regression or a scheduler that
 * failed, 2 a harness failure (tonight's or an earlier one recorded in x).
 */
int ci_night__gate(struct ci_ctx *x, struct store *st, double started);

#endif
