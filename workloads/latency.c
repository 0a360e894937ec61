// SPDX-License-Identifier: GPL-2.0
/*
 * The latency probe: how long a task that becomes runnable waits for a CPU.
 *
 * Two kinds of wakeups, alone or together (mode):
 *  - timer (cyclictest): each timer thread sleeps with clock_nanosleep
 *    (TIMER_ABSTIME) until the next period; latency = when it ran - when
 *    the timer was due. Missed periods are skipped, not replayed in a burst.
 *  - message (schbench): each message thread ticks every interval and
 *    wakes its idle workers through a futex; a worker records
 *    (now - time of the wake call) as wakeup latency, does a fixed amount
 *    of work (one "request") and records (done - wake call) as request
 *    latency. A worker still busy at a tick is skipped and counted, so
 *    requests/s falls when the scheduler cannot keep up.
 *
 * Coordinated omission: a thread that runs late takes fewer samples, and
 * the periods it skips are the ones that waited, so under a scheduler
 * that starves the probe the percentiles describe the wakes that
 * happened, not the periods that fell due. The probe therefore counts
 * what was due and not measured: timer periods and message ticks a late
 * thread ran past (or that fell due while it waited at the end of the
 * run) and ticks that found their worker busy. It also keeps, per
 * thread, the values HdrHistogram's recordValueWithExpectedInterval()
 * would add for each sample (hist__add_missing(), expected interval =
 * the period): merged with the raw histogram they give the corrected one
 * (NAME_co), stored beside the raw cyclictest/schbench-like figures,
 * which stay as they were.
 *
 * All probe threads live in one child process that sets the timer slack
 * (PR_SET_TIMERSLACK) and the scheduling policy before creating them, so
 * every thread inherits both; the policy actually in effect is read back
 * and reported. Each thread records into its own histogram in shared
 * memory, prefaulted before the threads start: the measurement path is
 * clock reads, hist__add() and futex calls only. Samples whose wake was
 * due before the warm-up ended are dropped.
 */
#include <sched.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

struct probe_worker {
	uint32_t gen;      /* futex word: bumped by the message thread per request */
	uint32_t done_gen; /* last request the worker finished */
	uint64_t wake_ns;  /* when the message thread called wake for `gen` */
	uint64_t due_ns;   /* when the tick of `gen` was due */
	uint64_t requests; /* finished after the warm-up */
	uint64_t skipped;  /* ticks that found the worker still busy */
	uint64_t sink;
} __attribute__((aligned(WL_CACHELINE)));

/* One periodic thread's (timer or message) bookkeeping, written by it alone. */
struct probe_ticker {
	uint64_t next;   /* the period it waits for: set before it starts */
	uint64_t ticks;  /* periods it ran for, due after the warm-up */
	uint64_t missed; /* periods due after the warm-up that it ran past */
} __attribute__((aligned(WL_CACHELINE)));

struct probe_shared {
	volatile int stop;
	int err;
	const char *err_what;
	int policy, priority; /* in effect, read back */
	uint64_t start_ns, warm_end_ns, end_ns;
};

struct probe {
	struct probe_cfg cfg;
	void *shm;
	size_t shsize;
	struct probe_shared *sh;
	struct probe_worker *workers; /* msg_threads * workers */
	struct probe_ticker *timer_t; /* timer_threads */
	struct probe_ticker *msg_t;   /* msg_threads */
	struct hist *timer_h;         /* timer_threads */
	struct hist *wake_h, *req_h;  /* one per worker */
	/* what coordinated omission hid, per thread as above: the raw
	 * histogram merged with its fill-ins is the corrected one */
	struct hist *timer_fill, *wake_fill, *req_fill;
	int nworkers, ntimers;
};

struct probe_thread {
	struct probe *pr;
	int idx;
};

static const int policies[] = { SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_IDLE };

static const char *policy_name(int policy)
{
	switch (policy) {
	case SCHED_OTHER: return "other";
	case SCHED_FIFO: return "fifo";
	case SCHED_RR: return "rr";
	case SCHED_BATCH: return "batch";
	case SCHED_IDLE: return "idle";
	default: return "unknown";
	}
}

static void sleep_until(uint64_t t_ns)
{
	struct timespec ts = { .tv_sec = t_ns / 1000000000ull, .tv_nsec = t_ns % 1000000000ull };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

uint64_t probe__periods_in(uint64_t first, uint64_t interval, uint64_t lo, uint64_t hi)
{
	uint64_t j_lo, j_hi;

	if (lo < first)
		lo = first;
	if (hi <= lo)
		return 0;
	/* j in [ceil((lo - first) / interval), ceil((hi - first) / interval)) */
	j_lo = (lo - first + interval - 1) / interval;
	j_hi = (hi - first - 1) / interval + 1;
	return j_hi - j_lo;
}

uint64_t probe__next_due(uint64_t due, uint64_t now, uint64_t interval, uint64_t from,
			 uint64_t *missed)
{
	uint64_t next = due + interval, k;

	if (next > now)
		return next; /* on time: nothing skipped */
	k = (now - next) / interval + 1; /* next ... next + (k-1) * interval <= now */
	*missed += probe__periods_in(next, interval, from, now + 1);
	return next + k * interval;
}

static void *timer_thread(void *arg)
{
	struct probe_thread *t = arg;
	struct probe *pr = t->pr;
	struct probe_shared *sh = pr->sh;
	struct probe_ticker *tk = &pr->timer_t[t->idx];
	struct hist *h = &pr->timer_h[t->idx], *fill = &pr->timer_fill[t->idx];
	uint64_t interval = pr->cfg.interval_ns, warm_end = sh->warm_end_ns;
	uint64_t next = tk->next;

	wl_set_comm(ROLE_COMM_PROBE "-t");
	for (;;) {
		uint64_t now;

		sleep_until(next);
		now = now_mono_ns();
		if (sh->stop)
			break;
		if (next >= warm_end) {
			hist__add(h, now - next);
			hist__add_missing(fill, now - next, interval);
			tk->ticks++;
		}
		next = probe__next_due(next, now, interval, warm_end, &tk->missed);
		tk->next = next;
	}
	return NULL;
}

static long futex(uint32_t *uaddr, int op, uint32_t val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void *msg_thread(void *arg)
{
	struct probe_thread *t = arg;
	struct probe *pr = t->pr;
	struct probe_shared *sh = pr->sh;
	struct probe_worker *ws = &pr->workers[t->idx * pr->cfg.workers];
	struct probe_ticker *tk = &pr->msg_t[t->idx];
	uint64_t interval = pr->cfg.interval_ns, warm_end = sh->warm_end_ns;
	uint64_t next = tk->next;

	wl_set_comm(ROLE_COMM_PROBE "-m");
	for (;;) {
		uint64_t now;

		sleep_until(next);
		now = now_mono_ns();
		if (sh->stop)
			break;
		tk->ticks += next >= warm_end;
		for (int i = 0; i < pr->cfg.workers; i++) {
			struct probe_worker *w = &ws[i];
			uint32_t gen = w->gen;

			if (__atomic_load_n(&w->done_gen, __ATOMIC_ACQUIRE) != gen) {
				if (next >= warm_end)
					w->skipped++;
				continue;
			}
			w->due_ns = next;
			w->wake_ns = now_mono_ns();
			__atomic_store_n(&w->gen, gen + 1, __ATOMIC_RELEASE);
			futex(&w->gen, FUTEX_WAKE_PRIVATE, 1);
		}
		next = probe__next_due(next, now, interval, warm_end, &tk->missed);
		tk->next = next;
	}
	for (int i = 0; i < pr->cfg.workers; i++) {
		__atomic_add_fetch(&ws[i].gen, 1, __ATOMIC_RELEASE);
		futex(&ws[i].gen, FUTEX_WAKE_PRIVATE, 1);
	}
	return NULL;
}

static void *worker_thread(void *arg)
{
	struct probe_thread *t = arg;
	struct probe *pr = t->pr;
	struct probe_shared *sh = pr->sh;
	struct probe_worker *w = &pr->workers[t->idx];
	struct hist *wh = &pr->wake_h[t->idx], *rh = &pr->req_h[t->idx];
	struct hist *wf = &pr->wake_fill[t->idx], *rf = &pr->req_fill[t->idx];
	uint64_t warm_end = sh->warm_end_ns, interval = pr->cfg.interval_ns, sink = 0;
	uint32_t seen = 0;

	wl_set_comm(ROLE_COMM_PROBE "-w");
	for (;;) {
		uint64_t woke, done, wake, due;
		uint32_t gen;

		while ((gen = __atomic_load_n(&w->gen, __ATOMIC_ACQUIRE)) == seen && !sh->stop)
			futex(&w->gen, FUTEX_WAIT_PRIVATE, seen);
		woke = now_mono_ns();
		if (sh->stop)
			break;
		seen = gen;
		wake = w->wake_ns;
		due = w->due_ns;
		sink ^= wl_work(pr->cfg.req_work, woke);
		done = now_mono_ns();
		if (due >= warm_end) {
			/* the next tick comes an interval after this one: a
			 * worker still busy then skips it (requests_skipped) */
			hist__add(wh, woke - wake);
			hist__add_missing(wf, woke - wake, interval);
			hist__add(rh, done - wake);
			hist__add_missing(rf, done - wake, interval);
			w->requests++;
		}
		__atomic_store_n(&w->done_gen, seen, __ATOMIC_RELEASE);
	}
	w->sink = sink;
	return NULL;
}

static int probe_master(void *arg)
{
	struct probe *pr = arg;
	struct probe_shared *sh = pr->sh;
	const struct probe_cfg *cfg = &pr->cfg;
	int nthreads = pr->ntimers + cfg->msg_threads * (cfg->workers > 0) + pr->nworkers;
	struct probe_thread *targs = calloc(nthreads, sizeof(*targs));
	pthread_t *tids = calloc(nthreads, sizeof(*tids));
	struct sched_param sp = { 0 };
	volatile char *page;
	int n = 0, err = 0;
	uint64_t warmup_ns = sh->warm_end_ns; /* relative until start is known */

	if (!targs || !tids) {
		sh->err_what = "allocating threads";
		err = -ENOMEM;
		goto out;
	}
	/* shared pages are mapped lazily in the child: fault them in now,
	 * not on the first sample of each bucket page */
	for (page = pr->shm; page < (volatile char *)pr->shm + pr->shsize; page += 4096)
		*page = *page;
	/* held until this process exits, however it exits (cyclictest holds
	 * 0 by default: on a haltpoll or deep C-state machine that alone
	 * changes wakeup latency by tens of us) */
	if (cfg->pm_qos_us >= 0) {
		int32_t v = (int32_t)cfg->pm_qos_us;
		int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, &v, sizeof(v)) != sizeof(v)) {
			sh->err_what = "writing /dev/cpu_dma_latency";
			err = -errno;
			goto out;
		}
	}
	if (prctl(PR_SET_TIMERSLACK, (unsigned long)cfg->slack_ns, 0, 0, 0)) {
		sh->err_what = "setting the timer slack";
		err = -errno;
		goto out;
	}
	if (cfg->policy == SCHED_FIFO || cfg->policy == SCHED_RR)
		sp.sched_priority = cfg->priority;
	if (sched_setscheduler(0, cfg->policy, &sp)) {
		sh->err_what = "setting the scheduling policy";
		err = -errno;
		goto out;
	}
	sh->policy = sched_getscheduler(0);
	if (!sched_getparam(0, &sp))
		sh->priority = sp.sched_priority;

	/* a little ahead: thread creation must not eat into the first period */
	sh->start_ns = now_mono_ns() + 5000000ull;
	sh->warm_end_ns = sh->start_ns + warmup_ns;
	/* stagger the timer threads over one period, like cyclictest's
	 * distance; message ticks halfway between timer periods, so that the
	 * two modes do not collide */
	for (int i = 0; i < pr->ntimers; i++)
		pr->timer_t[i].next = sh->start_ns + cfg->interval_ns * i / pr->ntimers;
	for (int i = 0; pr->nworkers && i < cfg->msg_threads; i++)
		pr->msg_t[i].next = sh->start_ns + cfg->interval_ns / 2 +
				    cfg->interval_ns * i / cfg->msg_threads;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (int i = 0; i < pr->ntimers; i++, n++) {
		targs[n] = (struct probe_thread){ pr, i };
		err = -pthread_create(&tids[n], NULL, timer_thread, &targs[n]);
		if (err)
			goto created;
	}
	for (int i = 0; i < pr->nworkers; i++, n++) {
		targs[n] = (struct probe_thread){ pr, i };
		err = -pthread_create(&tids[n], NULL, worker_thread, &targs[n]);
		if (err)
			goto created;
	}
	for (int i = 0; pr->nworkers && i < cfg->msg_threads; i++, n++) {
		targs[n] = (struct probe_thread){ pr, i };
		err = -pthread_create(&tids[n], NULL, msg_thread, &targs[n]);
		if (err)
			goto created;
	}
created:
	if (err) {
		sh->err_what = "creating threads";
		/* returning kills the threads already started with the process */
		goto out;
	}
	for (int i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
out:
	if (err)
		sh->err = err;
	free(tids);
	free(targs);
	return err ? 1 : 0;
}

int probe__cfg(const struct wl_params *p, const char *prefix, struct probe_cfg *cfg)
{
	static const enum probe_mode modes[] = { PROBE_BOTH, PROBE_MESSAGE, PROBE_TIMER };
	const char *mode = wl_pstr(p, prefix, "mode"), *policy = wl_pstr(p, prefix, "policy");
	char name[64];

	memset(cfg, 0, sizeof(*cfg));
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (!strcmp(mode, (const char *[]){ "both", "message", "timer" }[i]))
			cfg->mode = modes[i];
	cfg->policy = -1;
	for (size_t i = 0; i < ARRAY_SIZE(policies); i++)
		if (!strcmp(policy, policy_name(policies[i])))
			cfg->policy = policies[i];
	if (!cfg->mode || cfg->policy < 0)
		return -EINVAL;
	cfg->timer_threads = cfg->mode & PROBE_TIMER ? (int)wl_pint(p, prefix, "timer-threads") : 0;
	cfg->msg_threads = cfg->mode & PROBE_MESSAGE ? (int)wl_pint(p, prefix, "msg-threads") : 0;
	cfg->workers = (int)wl_pint(p, prefix, "workers");
	cfg->interval_ns = wl_pint(p, prefix, "interval-us") * 1000;
	cfg->req_work = wl_pint(p, prefix, "req-work");
	cfg->priority = (int)wl_pint(p, prefix, "priority");
	cfg->slack_ns = wl_pint(p, prefix, "slack-ns");
	cfg->pm_qos_us = wl_pint(p, prefix, "pm-qos-us");
	snprintf(name, sizeof(name), "%swarmup-s", prefix);
	cfg->warmup_s = wl_param_double(p, name);
	return 0;
}

int probe__new(const struct probe_cfg *cfg, struct probe **out)
{
	struct probe *pr = calloc(1, sizeof(*pr));
	size_t off_w, off_t, off_h;
	int nh;

	if (!pr)
		return -ENOMEM;
	pr->cfg = *cfg;
	pr->ntimers = cfg->timer_threads;
	pr->nworkers = cfg->msg_threads * cfg->workers;
	/* raw and fill-in histograms: timers, then wakeup and request per worker */
	nh = 2 * (pr->ntimers + 2 * pr->nworkers);
	off_w = (sizeof(struct probe_shared) + WL_CACHELINE - 1) / WL_CACHELINE * WL_CACHELINE;
	off_t = off_w + pr->nworkers * sizeof(struct probe_worker);
	off_h = off_t + (pr->ntimers + cfg->msg_threads) * sizeof(struct probe_ticker);
	pr->shsize = off_h + nh * sizeof(struct hist);
	pr->shm = wl_shm_alloc(pr->shsize);
	if (!pr->shm) {
		free(pr);
		return -ENOMEM;
	}
	pr->sh = pr->shm;
	pr->workers = (struct probe_worker *)((char *)pr->shm + off_w);
	pr->timer_t = (struct probe_ticker *)((char *)pr->shm + off_t);
	pr->msg_t = pr->timer_t + pr->ntimers;
	pr->timer_h = (struct hist *)((char *)pr->shm + off_h);
	pr->wake_h = pr->timer_h + pr->ntimers;
	pr->req_h = pr->wake_h + pr->nworkers;
	pr->timer_fill = pr->req_h + pr->nworkers;
	pr->wake_fill = pr->timer_fill + pr->ntimers;
	pr->req_fill = pr->wake_fill + pr->nworkers;
	for (int i = 0; i < nh; i++)
		hist__init(&pr->timer_h[i]);
	*out = pr;
	return 0;
}

int probe__start(struct probe *pr, double duration_s, struct wl_proc *proc)
{
	double warmup = pr->cfg.warmup_s;

	/* a short run keeps at least three quarters of its samples */
	if (warmup > duration_s / 4)
		warmup = duration_s / 4;
	pr->sh->warm_end_ns = (uint64_t)(warmup * 1e9);
	return wl_proc__spawn(proc, ROLE_COMM_PROBE, probe_master, pr);
}

void probe__stop(struct probe *pr)
{
	if (!pr->sh->end_ns)
		pr->sh->end_ns = now_mono_ns();
	pr->sh->stop = 1;
}

int probe__error(const struct probe *pr)
{
	if (pr->sh->err)
		pr_err("latency probe: %s (policy %s, priority %d): %s\n",
		       pr->sh->err_what ? pr->sh->err_what : "error", policy_name(pr->cfg.policy),
		       pr->cfg.priority, strerror(-pr->sh->err));
	return pr->sh->err;
}

static uint64_t samples(const struct hist *h, int n)
{
	uint64_t s = 0;

	for (int i = 0; i < n; i++)
		s += __atomic_load_n(&h[i].count, __ATOMIC_RELAXED);
	return s;
}

static void merge(struct hist *dst, const struct hist *hs, int n)
{
	for (int i = 0; i < n; i++)
		hist__merge(dst, &hs[i]);
}

/*
 * NAME (raw) and NAME_co (raw + fill-ins: corrected for coordinated
 * omission) from n per-thread histograms of each; tmp holds one hist.
 */
static int add_pair(struct results *res, const char *name, const struct hist *raw,
		    const struct hist *fill, int n, struct hist *tmp)
{
	char co[64];
	int err;

	hist__init(tmp);
	merge(tmp, raw, n);
	err = results__add_latency(res, name, tmp);
	merge(tmp, fill, n);
	snprintf(co, sizeof(co), "%s_co", name);
	return err ? err : results__add_latency(res, co, tmp);
}

/*
 * Periods of ticker tk missed: those it ran past, and those that fell due
 * while it waited at the end (before the probe stopped, after the warm-
 * up): a thread still stuck when the run ends is counted here, not lost.
 */
static uint64_t missed_of(const struct probe *pr, const struct probe_ticker *tk)
{
	return tk->missed + probe__periods_in(tk->next, pr->cfg.interval_ns, pr->sh->warm_end_ns,
					      pr->sh->end_ns);
}

int probe__report(const struct probe *pr, struct results *res)
{
	const struct probe_shared *sh = pr->sh;
	struct hist *tmp = malloc(sizeof(*tmp));
	uint64_t requests = 0, skipped = 0, ticks = 0, tmissed = 0, missed = 0;
	double window;
	int err = 0;

	if (!tmp)
		return -ENOMEM;
	if (pr->ntimers) {
		err = add_pair(res, "timer_lat", pr->timer_h, pr->timer_fill, pr->ntimers, tmp);
		for (int i = 0; i < pr->ntimers; i++) {
			ticks += pr->timer_t[i].ticks;
			missed += missed_of(pr, &pr->timer_t[i]);
		}
		/* due = sampled + missed: every period after the warm-up */
		if (!err)
			err = results__add_metric(res, "timer_lat_due", (double)(ticks + missed),
						  "count", BETTER_NONE);
		if (!err)
			err = results__add_metric(res, "timer_lat_missed", (double)missed, "count",
						  BETTER_LOWER);
	}
	if (!err && pr->nworkers) {
		err = add_pair(res, "wakeup_lat", pr->wake_h, pr->wake_fill, pr->nworkers, tmp);
		if (!err)
			err = add_pair(res, "request_lat", pr->req_h, pr->req_fill, pr->nworkers, tmp);
		for (int i = 0; i < pr->nworkers; i++) {
			requests += pr->workers[i].requests;
			skipped += pr->workers[i].skipped;
		}
		ticks = 0;
		for (int i = 0; i < pr->cfg.msg_threads; i++) {
			ticks += pr->msg_t[i].ticks;
			tmissed += missed_of(pr, &pr->msg_t[i]);
		}
		window = sh->end_ns > sh->warm_end_ns ? (sh->end_ns - sh->warm_end_ns) / 1e9 : 0;
		if (!err)
			err = results__add_metric(res, "requests_per_s", window ? requests / window : 0,
						  "req/s", BETTER_HIGHER);
		/* a tick that found its worker still busy with the last one */
		if (!err)
			err = results__add_metric(res, "requests_skipped", (double)skipped, "count",
						  BETTER_LOWER);
		/* ticks the message threads themselves ran past: no worker woken */
		if (!err)
			err = results__add_metric(res, "msg_ticks_missed", (double)tmissed, "count",
						  BETTER_LOWER);
		/* in worker-ticks (one tick wakes each of its workers): due =
		 * woken + missed; missed = skipped + ticks missed x workers */
		if (!err)
			err = results__add_metric(res, "wakeup_lat_due",
						  (double)((ticks + tmissed) * pr->cfg.workers), "count",
						  BETTER_NONE);
		if (!err)
			err = results__add_metric(res, "wakeup_lat_missed",
						  (double)(skipped + tmissed * pr->cfg.workers), "count",
						  BETTER_LOWER);
	}
	/* the policy the probe really ran under (SCHED_* number) */
	if (!err)
		err = results__add_metric(res, "probe_policy", sh->policy, "", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "probe_priority", sh->priority, "", BETTER_NONE);
	free(tmp);
	return err;
}

void probe__free(struct probe *pr)
{
	if (!pr)
		return;
	wl_shm_free(pr->shm, pr->shsize);
	free(pr);
}

/* ---- the standalone workload ---- */

struct probe_progress {
	const struct wl_run_ctx *ctx;
	const struct probe *pr;
};

static void probe_progress(void *arg, double elapsed)
{
	struct probe_progress *pg = arg;
	const struct probe *pr = pg->pr;

	wl_progress(pg->ctx, "latency: %.0f/%.0f s, %llu samples", elapsed, pg->ctx->duration_s,
		    (unsigned long long)(samples(pr->timer_h, pr->ntimers) +
					 samples(pr->wake_h, pr->nworkers)));
}

static int latency_run(const struct wl_params *p, const struct wl_run_ctx *ctx,
		       struct results *res)
{
	struct wl_proc proc = { .pid = 0, .pidfd = -1 };
	struct probe_progress pg = { .ctx = ctx };
	struct probe *pr = NULL;
	struct probe_cfg cfg;
	int err, werr;

	err = probe__cfg(p, "", &cfg);
	if (err)
		return err;
	err = probe__new(&cfg, &pr);
	if (err)
		return err;
	pg.pr = pr;
	err = probe__start(pr, ctx->duration_s, &proc);
	if (err)
		goto cleanup;
	werr = wl_proc__wait(&proc, 1, WL_WAIT_ANY,
			     now_mono_ns() + (uint64_t)(ctx->duration_s * 1e9), ctx->stop,
			     probe_progress, &pg);
	probe__stop(pr);
	if (werr != -ETIMEDOUT && werr != -EINTR) {
		/* the probe only ends on its own when it failed */
		err = probe__error(pr) ? pr->sh->err : -EIO;
		wl_proc__kill(&proc, 1);
		goto cleanup;
	}
	/* let the threads see `stop` (one period), then make sure */
	wl_proc__wait(&proc, 1, WL_WAIT_ALL, now_mono_ns() + 2 * cfg.interval_ns + 1000000000ull,
		      NULL, NULL, NULL);
	wl_proc__kill(&proc, 1);
	wl_progress_end(ctx);
	err = probe__report(pr, res);
	if (!err && werr == -EINTR)
		err = -EINTR;
cleanup:
	wl_progress_end(ctx);
	probe__free(pr);
	return err;
}

static const struct wl_param_def latency_params[] = { PROBE_PARAMS("", "") };

static const char *const latency_primary[] = { "wakeup_lat_p99", "timer_lat_p99", NULL };

const struct workload wl_latency = {
	.name = "latency",
	.summary = "wakeup latency probe: periodic timers (cyclictest) and/or messages (schbench)",
	.params = latency_params,
	.nr_params = ARRAY_SIZE(latency_params),
	.run = latency_run,
	.primary = latency_primary,
};
