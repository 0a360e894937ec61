/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a night's matrix into the history: for every [workload] of x->cfg
 * one comparison labelled x->label (its settings carry the workload's
 * ci_sig, what makes two nights comparable; its id goes to
 * x->compare_id[]), and every scheduler of the config run in shuffled,
 * interleaved rounds on this machine, each run committed as it ends.
 * Rounds are the config's reps, or with reps = until-ci as many as it
 * takes (min-reps .. max-reps) for the primary metric's CI to be narrow
 * enough. A scheduler that fails to exec, load or enable is not tried
 * again that night. SIGINT/SIGTERM (runner_stop) end it at the next run;
 * what finished stays stored and the comparison is marked aborted.
 */
#ifndef SCXB_CI_MATRIX_H
#define SCXB_CI_MATRIX_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include "harness/ci/config.h"
#include "harness/ci/ctx.h"
#include "harness/store/store.h"

/*
 * Run the matrix into st (the caller's, left open); cmdline (borrowed) is
 * stored as every run's command line. Installs the runner's signal
 * handlers. Returns 0, or -EIO after a harness failure, recorded in x
 * (ci_ctx__fail): a run that could not be stored ends the matrix, any
 * other failure ends only its workload.
 */
int ci_matrix__run(struct ci_ctx *x, struct store *st, const char *cmdline);

/* Upper bound of the matrix's wall time in seconds: every run at its full
 * duration plus 5 s, every round (max-reps with until-ci). */
double ci_matrix__expected_s(const struct ci_config *c);

#endif
