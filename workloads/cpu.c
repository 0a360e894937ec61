// SPDX-License-Identifier: GPL-2.0
/*
 * CPU hogs: N processes that never sleep, each repeating a fixed unit of
 * integer work (wl_work) and counting finished units in its own cache line
 * of shared memory. The supervisor reads the counters at the start and
 * the end of the window, so fork and exit are outside the measurement:
 * throughput is units/s over the window, fairness is Jain's index
 * (sum x)^2 / (n * sum x^2) and min/max over the hogs' units.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

#define MAX_HOGS 1024
/* per-hog metrics only while they stay readable */
#define MAX_PER_HOG_METRICS 16

struct hog_slot {
	uint64_t units;
	uint64_t started;
	uint64_t sink;
} __attribute__((aligned(WL_CACHELINE)));

struct hogs_shared {
	volatile int stop;
	struct hog_slot slot[];
};

struct hog_arg {
	struct hogs *h;
	int idx;
};

struct hogs {
	int n;
	int64_t unit;
	struct hogs_shared *sh;
	size_t shsize;
	struct hog_arg *args;
	uint64_t *c0, *c1;
	uint64_t t0, t1;
};

static int hog_main(void *arg)
{
	struct hog_arg *a = arg;
	struct hogs_shared *sh = a->h->sh;
	struct hog_slot *s = &sh->slot[a->idx];
	uint64_t x = (uint64_t)a->idx * 0x9e3779b97f4a7c15ull, unit = a->h->unit;

	__atomic_store_n(&s->started, 1, __ATOMIC_RELEASE);
	while (!sh->stop) {
		x = wl_work(unit, x);
		__atomic_store_n(&s->units, s->units + 1, __ATOMIC_RELAXED);
	}
	s->sink = x;
	return 0;
}

int hogs__new(int n, int64_t unit, struct hogs **out)
{
	struct hogs *h;

	if (n < 1 || n > MAX_HOGS)
		return -EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->n = n;
	h->unit = unit;
	h->shsize = sizeof(struct hogs_shared) + n * sizeof(struct hog_slot);
	h->sh = wl_shm_alloc(h->shsize);
	h->args = calloc(n, sizeof(*h->args));
	h->c0 = calloc(n, sizeof(*h->c0));
	h->c1 = calloc(n, sizeof(*h->c1));
	if (!h->sh || !h->args || !h->c0 || !h->c1) {
		hogs__free(h);
		return -ENOMEM;
	}
	*out = h;
	return 0;
}

int hogs__start(struct hogs *h, struct wl_proc *procs)
{
	for (int i = 0; i < h->n; i++) {
		char comm[24]; /* the kernel truncates to 15 */
		int err;

		snprintf(comm, sizeof(comm), ROLE_COMM_HOG "-%d", i);
		h->args[i] = (struct hog_arg){ h, i };
		err = wl_proc__spawn(&procs[i], comm, hog_main, &h->args[i]);
		if (err)
			return err;
	}
	return 0;
}

int hogs__nr(const struct hogs *h)
{
	return h->n;
}

bool hogs__all_started(const struct hogs *h)
{
	for (int i = 0; i < h->n; i++)
		if (!__atomic_load_n(&h->sh->slot[i].started, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

static void snapshot(const struct hogs *h, uint64_t *c, uint64_t *t)
{
	*t = now_mono_ns();
	for (int i = 0; i < h->n; i++)
		c[i] = __atomic_load_n(&h->sh->slot[i].units, __ATOMIC_RELAXED);
}

void hogs__mark_start(struct hogs *h)
{
	snapshot(h, h->c0, &h->t0);
}

void hogs__mark_end(struct hogs *h)
{
	snapshot(h, h->c1, &h->t1);
}

uint64_t hogs__total(const struct hogs *h)
{
	uint64_t sum = 0;

	for (int i = 0; i < h->n; i++)
		sum += __atomic_load_n(&h->sh->slot[i].units, __ATOMIC_RELAXED);
	return sum;
}

void hogs__stop(struct hogs *h)
{
	h->sh->stop = 1;
}

int hogs__report(const struct hogs *h, struct results *res)
{
	double sum = 0, sq = 0, mn = 0, mx = 0, window = (h->t1 - h->t0) / 1e9;
	int err = 0;

	for (int i = 0; i < h->n; i++) {
		double d = (double)(h->c1[i] - h->c0[i]);

		sum += d;
		sq += d * d;
		if (!i || d < mn)
			mn = d;
		if (!i || d > mx)
			mx = d;
	}
	err = results__add_metric(res, "cpu_work_per_s", window > 0 ? sum / window : 0, "units/s",
				  BETTER_HIGHER);
	/* nobody ran at all: as unfair as it gets, not NaN */
	if (!err)
		err = results__add_metric(res, "cpu_fairness_jain", sq > 0 ? sum * sum / (h->n * sq) : 0,
					  "", BETTER_HIGHER);
	if (!err)
		err = results__add_metric(res, "cpu_minmax_ratio", mx > 0 ? mn / mx : 0, "",
					  BETTER_HIGHER);
	if (!err)
		err = results__add_metric(res, "cpu_hog_min_units", mn, "units", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "cpu_hogs", h->n, "count", BETTER_NONE);
	for (int i = 0; !err && h->n <= MAX_PER_HOG_METRICS && i < h->n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "cpu_hog%d_units", i);
		err = results__add_metric(res, name, (double)(h->c1[i] - h->c0[i]), "units",
					  BETTER_NONE);
	}
	return err;
}

void hogs__free(struct hogs *h)
{
	if (!h)
		return;
	wl_shm_free(h->sh, h->shsize);
	free(h->args);
	free(h->c0);
	free(h->c1);
	free(h);
}

/* ---- the standalone workload ---- */

struct cpu_progress {
	const struct wl_run_ctx *ctx;
	const struct hogs *h;
};

static void cpu_progress(void *arg, double elapsed)
{
	struct cpu_progress *pg = arg;

	wl_progress(pg->ctx, "cpu: %.0f/%.0f s, %llu units", elapsed, pg->ctx->duration_s,
		    (unsigned long long)hogs__total(pg->h));
}

/*
 * Wait until every hog counts (so none is measured from before it
 * existed). Returns 0, -EINTR, -ETIMEDOUT, or -ECHILD when a hog died.
 */
int hogs__wait_started(const struct hogs *h, struct wl_proc *procs, uint64_t deadline,
		       volatile sig_atomic_t *stop)
{
	const struct timespec ms = { 0, 1000000 };

	while (!hogs__all_started(h)) {
		int err = wl_proc__wait(procs, h->n, WL_WAIT_ANY, 0, stop, NULL, NULL);

		if (err == 0)
			return -ECHILD;
		if (err == -EINTR)
			return err;
		if (now_mono_ns() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&ms, NULL);
	}
	return 0;
}

int wl_cpu_hogs_count(const struct wl_params *p, const char *name, const struct wl_run_ctx *ctx)
{
	int n = (int)wl_param_int(p, name);

	return n ? n : (ctx->ncpus > 0 ? ctx->ncpus : 1);
}

static int cpu_run(const struct wl_params *p, const struct wl_run_ctx *ctx, struct results *res)
{
	struct cpu_progress pg = { .ctx = ctx };
	struct wl_proc *procs = NULL;
	struct hogs *h = NULL;
	uint64_t deadline = now_mono_ns() + (uint64_t)(ctx->duration_s * 1e9);
	int n = wl_cpu_hogs_count(p, "hogs", ctx), err;

	err = hogs__new(n, wl_param_int(p, "unit"), &h);
	if (err)
		return err;
	pg.h = h;
	procs = calloc(n, sizeof(*procs));
	if (!procs) {
		err = -ENOMEM;
		goto cleanup;
	}
	err = hogs__start(h, procs);
	if (!err)
		err = hogs__wait_started(h, procs, deadline, ctx->stop);
	if (err == -ECHILD || err == -ETIMEDOUT)
		wl_fail(ctx, "%s", err == -ECHILD ? "a hog exited before the run started"
						  : "the hogs did not start within --duration");
	if (err)
		goto cleanup;
	hogs__mark_start(h);
	err = wl_proc__wait(procs, n, WL_WAIT_ANY, deadline, ctx->stop, cpu_progress, &pg);
	hogs__mark_end(h);
	if (err == 0) {
		wl_fail(ctx, "a hog exited during the run");
		err = -ECHILD;
		goto cleanup;
	}
	err = hogs__report(h, res);
	if (!err && *ctx->stop)
		err = -EINTR;
cleanup:
	if (h)
		hogs__stop(h);
	if (procs)
		wl_proc__kill(procs, n);
	wl_progress_end(ctx);
	free(procs);
	hogs__free(h);
	return err;
}

static const struct wl_param_def cpu_params[] = {
	{ "hogs", WL_INT, "0", 0, MAX_HOGS, NULL, "", "CPU-bound processes (0: one per CPU)" },
	{ "unit", WL_INT, "100000", 1, 1000000000, NULL, "iterations",
	  "work per counted unit, in xorshift steps of a few ns" },
};

static const char *const cpu_primary[] = { "cpu_work_per_s", "cpu_fairness_jain", NULL };

const struct workload wl_cpu = {
	.name = "cpu",
	.summary = "CPU-bound hogs: throughput and fairness",
	.params = cpu_params,
	.nr_params = ARRAY_SIZE(cpu_params),
	.run = cpu_run,
	.primary = cpu_primary,
};
