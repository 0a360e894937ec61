/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of one CI night share: the config, the night's label,
 * where the history and the outputs are, the seed, and the first harness
 * failure. harness/cli/cmd_ci.c fills it and hands it to the matrix
 * (matrix.h) and to the gate and outputs (night.h).
 *
 * A harness failure (a run that could not be stored, a VM that died, an
 * output that could not be written) does not stop the night: what
 * finished is still gated and reported, and the night's verdict is 2.
 */
#ifndef SCXB_CI_CTX_H
#define SCXB_CI_CTX_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "harness/ci/config.h"
#include "harness/lib/sched_spec.h"

struct ci_ctx {
	/* the ctx's own: whoever filled it calls ci_config__free(&x->cfg) */
	struct ci_config cfg;
	/* what the runs table calls each cfg.sched[] (sched__name()) */
	char stored_name[CI_MAX_SCHED][SCHED_NAME_MAX];
	/* borrowed: must outlive every call that is given the ctx */
	const char *label, *db, *out;
	uint64_t seed;
	bool harness_failed;
	char harness_msg[512];     /* the first failure, for the outputs */
	/* the comparison of each cfg.wl[]: stored by the matrix, or found in
	 * the history by the gate (--gate-only, a VM night); 0: none */
	int64_t compare_id[CI_MAX_WL];
	/* --shard I/N: this night runs and gates only the workloads w with
	 * w % shard_n == shard_i - 1 (0/0: all of them) */
	int shard_i, shard_n;
	/*
	 * Tonight's comparisons as the gate found them: one per workload x
	 * (kernel, topology) cell of the night (one per workload without a
	 * kernels =/topologies = matrix), named as its cells are: the
	 * workload, and "WORKLOAD [KERNEL TOPOLOGY]" in a matrix.
	 */
	struct {
		int64_t cid;
		char name[CI_CELL_NAME];
	} cell_cmp[CI_MAX_WL * CI_MAX_CELLS];
	int ncell_cmp;
	/* --dump-on-outlier US (0: off), --outlier-dumps, --outlier-window-ms:
	 * for the workloads that run the latency probe */
	double outlier_us, outlier_window_ms;
	int outlier_dumps;
};

/*
 * Whether [workload] number wi (the config's order) belongs to this
 * night's shard. A shard is a set of whole comparisons (every scheduler
 * of a workload, interleaved), dealt round-robin in the config's order:
 * deterministic, so every shard job of a CI matrix picks its own part
 * and together they cover the night exactly once.
 */
bool ci_ctx__in_shard(const struct ci_ctx *x, int wi);
/* Parse "I/N" (1 <= I <= N <= CI_MAX_WL) into *i, *n; -EINVAL otherwise. */
int ci__parse_shard(const char *s, int *i, int *n);

/*
 * Record a harness failure: fmt (two %s, filled from a and b) becomes
 * x->harness_msg unless an earlier failure is there already, and is
 * printed as an error either way.
 */
void ci_ctx__fail(struct ci_ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* FNV-1a of s: a night's default seed (from its label) and each
 * workload's part of it (from its name). */
uint64_t ci__hash_str(const char *s);

#endif
