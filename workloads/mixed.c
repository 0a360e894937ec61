// SPDX-License-Identifier: GPL-2.0
/*
 * mixed: the latency probe, hackbench and CPU hogs at the same time, each
 * component as in its standalone workload (parameters under "probe-",
 * "hb-" and "hog" names). hackbench repeats rounds until the run ends, so
 * its throughput and the hogs' work are measured over the same window in
 * which the probe samples.
 *
 * This is the workload that tells a FIFO scheduler from a fair one: with
 * hogs that never sleep, a FIFO queue makes every probe wakeup wait for
 * whole slices of the tasks queued ahead of it, while a fair class runs a
 * task that slept briefly almost at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

/* procs[] layout */
#define P_PROBE 0
#define P_HB 1
#define P_HOGS 2

struct mixed_progress {
	const struct wl_run_ctx *ctx;
	const struct hb *hb;
	const struct hogs *hogs;
};

static void mixed_progress(void *arg, double elapsed)
{
	struct mixed_progress *pg = arg;

	wl_progress(pg->ctx, "mixed: %.0f/%.0f s, %llu messages, %llu hog units", elapsed,
		    pg->ctx->duration_s, (unsigned long long)hb__delivered(pg->hb),
		    (unsigned long long)hogs__total(pg->hogs));
}

static int mixed_check(const struct wl_params *p, char *err, size_t errlen)
{
	return hb__check(p, "hb-", err, errlen);
}

static int mixed_run(const struct wl_params *p, const struct wl_run_ctx *ctx,
		     struct results *res)
{
	uint64_t deadline = now_mono_ns() + (uint64_t)(ctx->duration_s * 1e9);
	struct mixed_progress pg = { .ctx = ctx };
	int nhogs = wl_cpu_hogs_count(p, "hogs", ctx), nprocs = P_HOGS + nhogs, err, werr;
	uint64_t d0, d1, t0, t1;
	struct wl_proc *procs = NULL;
	struct probe_cfg pcfg;
	struct probe *pr = NULL;
	struct hogs *hogs = NULL;
	struct hb_cfg hcfg;
	struct hb *hb = NULL;

	err = probe__cfg(p, "probe-", &pcfg);
	if (!err)
		err = hb__cfg(p, "hb-", &hcfg, ctx);
	if (err)
		return err;
	hcfg.repeat = true;
	procs = calloc(nprocs, sizeof(*procs));
	if (!procs)
		return -ENOMEM;
	for (int i = 0; i < nprocs; i++)
		procs[i].pidfd = -1;
	err = probe__new(&pcfg, &pr);
	if (!err)
		err = hb__new(&hcfg, &hb);
	if (!err)
		err = hogs__new(nhogs, wl_param_int(p, "hog-unit"), &hogs);
	if (err)
		goto cleanup;
	probe__set_outliers(pr, ctx->outliers);
	pg.hb = hb;
	pg.hogs = hogs;

	err = probe__start(pr, ctx->duration_s, &procs[P_PROBE]);
	if (!err)
		err = hb__start(hb, &procs[P_HB]);
	if (!err)
		err = hogs__start(hogs, &procs[P_HOGS]);
	if (!err)
		err = hogs__wait_started(hogs, &procs[P_HOGS], deadline, ctx->stop);
	if (err == -ECHILD || err == -ETIMEDOUT)
		wl_fail(ctx, "%s", err == -ECHILD ? "a hog exited before the run started"
						  : "the hogs did not start within --duration");
	if (err)
		goto cleanup;

	t0 = now_mono_ns();
	d0 = hb__delivered(hb);
	hogs__mark_start(hogs);
	werr = wl_proc__wait(procs, nprocs, WL_WAIT_ANY, deadline, ctx->stop, mixed_progress, &pg);
	t1 = now_mono_ns();
	d1 = hb__delivered(hb);
	hogs__mark_end(hogs);
	probe__stop(pr);
	hb__stop(hb);
	hogs__stop(hogs);
	/* the batch parts go at once, so the probe can wind down on its own */
	wl_proc__kill(&procs[P_HB], nprocs - P_HB);
	wl_proc__wait(procs, 1, WL_WAIT_ALL, now_mono_ns() + 2 * pcfg.interval_ns + 1000000000ull,
		      NULL, NULL, NULL);
	wl_proc__kill(procs, 1);
	wl_progress_end(ctx);
	if (werr == 0) {
		/* nothing ends before the deadline unless it failed */
		err = probe__error(pr, ctx);
		if (!err && hb__error(hb)) {
			err = hb__error(hb);
			wl_fail(ctx, "hackbench failed: %s", strerror(-err));
		}
		if (!err) {
			wl_fail(ctx, "a child exited during the run");
			err = -ECHILD;
		}
		goto cleanup;
	}
	err = probe__report(pr, res);
	if (!err)
		err = hogs__report(hogs, res);
	if (!err)
		err = results__add_metric(res, "hackbench_msgs_per_s",
					  t1 > t0 ? (d1 - d0) / ((t1 - t0) / 1e9) : 0, "msg/s",
					  BETTER_HIGHER);
	if (!err)
		err = results__add_metric(res, "hackbench_messages", (double)(d1 - d0), "count",
					  BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "hackbench_rounds", (double)hb__rounds(hb), "count",
					  BETTER_NONE);
	if (!err && werr == -EINTR)
		err = -EINTR;
cleanup:
	wl_proc__kill(procs, nprocs);
	wl_progress_end(ctx);
	free(procs);
	hogs__free(hogs);
	hb__free(hb);
	probe__free(pr);
	return err;
}

static const struct wl_param_def mixed_params[] = {
	PROBE_PARAMS("probe-", "probe: "),
	HB_PARAMS("hb-", "hackbench: ", "1", "4", "50"),
	{ "hogs", WL_INT, "0", 0, 1024, NULL, "", "CPU hogs (0: one per CPU)" },
	{ "hog-unit", WL_INT, "100000", 1, 1000000000, NULL, "iterations",
	  "hog work per counted unit, in xorshift steps of a few ns" },
};

static const char *const mixed_primary[] = { "wakeup_lat_p99", "hackbench_msgs_per_s", "cpu_work_per_s", NULL };

const struct workload wl_mixed = {
	.name = "mixed",
	.summary = "latency probe + hackbench + CPU hogs at once: latency under load",
	.params = mixed_params,
	.nr_params = ARRAY_SIZE(mixed_params),
	.run = mixed_run,
	.primary = mixed_primary,
	.check = mixed_check,
	.probe = true,
};
