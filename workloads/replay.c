// SPDX-License-Identifier: GPL-2.0
/*
 * replay: a capture (harness/lib/capture.h, `scxbench capture`) played
 * back under the scheduler. One thread per captured thread ("scxb-rp-N",
 * the trace role replay), each running its captured steps in order:
 *   r  calibrated CPU work: wl_work() iterations at the rate measured at
 *      the start of the run (the best of several 2 ms samples of thread
 *      CPU time), corrected per thread as it goes (next to the other
 *      threads the rate was 8 % below the one measured alone here); a
 *      burst's budget is its captured CPU time, our own wakeups and
 *      clock reads inside it included
 *   w  wake thread N: a counting token and FUTEX_WAKE (a wakeup that
 *      comes before its sleeper blocks is not lost)
 *   b  block until a token arrives; given up (counted as missed) when its
 *      waker has finished, or when every live thread waits (the capture
 *      lost a wakeup at its edges: nothing could ever proceed)
 *   s  sleep the captured time (timer slack 1 ns: the captured length
 *      already holds the application's slack); p sleep to the next period
 *      boundary (absolute timer, catching up when late, as a timer loop
 *      does)
 * with the captured policy and nice. Threads start at their captured
 * offsets. The replay ends when every program ends or at --duration.
 *
 * Fidelity is measured, not assumed: the captured run bursts, sleeps and
 * wakeup latencies are stored with the run (replay_captured_*), the trace
 * measures the replay's own (trace_burst_replay, trace_sleep_replay,
 * trace_wakeup_replay), and after_trace() stores their Kolmogorov-Smirnov
 * distance and ratio of medians (replay_ks_*, replay_median_ratio_*).
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "harness/lib/capture.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

/* run steps shorter than this are not timed (thread CPU time is a system
 * call here, ~1 us) */
#define TIMED_US 20

struct rp_slot {
	int tok;        /* futex word: wakeups not yet consumed */
	int done;
	int waiting;
	int policy_failed;
	uint64_t steps, missed, sink;
} __attribute__((aligned(WL_CACHELINE)));

struct rp_shared {
	volatile int stop;
	int start;       /* futex: the start barrier */
	int nalive, nwaiting;
	uint64_t t0_ns, t1_ns;
	struct rp_slot slot[];
};

struct rp {
	const struct capture *cap;
	struct rp_shared *sh;
	size_t shsize;
	double iters_per_us;
};

struct rp_arg {
	struct rp *rp;
	int idx;
};

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void add_ns(struct timespec *t, uint64_t ns)
{
	t->tv_sec += (time_t)(ns / 1000000000ull);
	t->tv_nsec += (long)(ns % 1000000000ull);
	if (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

static void rp_wake(struct rp_shared *sh, int peer)
{
	__atomic_add_fetch(&sh->slot[peer].tok, 1, __ATOMIC_RELEASE);
	futex(&sh->slot[peer].tok, FUTEX_WAKE_PRIVATE, 1, NULL);
}

/* Take a token; false when it was given up. */
static bool rp_wait(struct rp_shared *sh, int self, int peer)
{
	struct rp_slot *s = &sh->slot[self];
	const struct timespec slice = { 0, 20000000 };
	uint64_t stuck_since = 0;

	for (;;) {
		int t = __atomic_load_n(&s->tok, __ATOMIC_ACQUIRE);

		if (t > 0) {
			if (__atomic_compare_exchange_n(&s->tok, &t, t - 1, false, __ATOMIC_ACQ_REL,
							__ATOMIC_ACQUIRE))
				return true;
			continue;
		}
		if (sh->stop)
			return false;
		if (peer >= 0 && __atomic_load_n(&sh->slot[peer].done, __ATOMIC_ACQUIRE))
			return false;
		__atomic_add_fetch(&sh->nwaiting, 1, __ATOMIC_ACQ_REL);
		futex(&s->tok, FUTEX_WAIT_PRIVATE, 0, &slice);
		__atomic_sub_fetch(&sh->nwaiting, 1, __ATOMIC_ACQ_REL);
		/* everyone alive waits: a wakeup the capture lost at its edges */
		if (__atomic_load_n(&sh->nwaiting, __ATOMIC_ACQUIRE) + 1 >=
		    __atomic_load_n(&sh->nalive, __ATOMIC_ACQUIRE)) {
			uint64_t now = now_mono_ns();

			if (!stuck_since)
				stuck_since = now;
			else if (now - stuck_since > 100000000ull)
				return false;
		} else {
			stuck_since = 0;
		}
	}
}

static double cpu_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int policy_of(const char *name, int *policy)
{
	static const struct {
		const char *n;
		int p;
	} map[] = { { "other", SCHED_OTHER }, { "batch", SCHED_BATCH }, { "idle", SCHED_IDLE },
		    { "fifo", SCHED_FIFO }, { "rr", SCHED_RR }, { "ext", SCHED_OTHER } };

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (!strcmp(name, map[i].n)) {
			*policy = map[i].p;
			return 0;
		}
	return -EINVAL;
}

static void *rp_thread(void *arg)
{
	struct rp_arg *a = arg;
	const struct cap_thread *t = &a->rp->cap->th[a->idx];
	struct rp_shared *sh = a->rp->sh;
	struct rp_slot *me = &sh->slot[a->idx];
	struct timespec next = { 0 };
	struct sched_param sp = { .sched_priority = t->rt_priority };
	double ipu = a->rp->iters_per_us;
	uint64_t x = (uint64_t)a->idx * 0x9e3779b97f4a7c15ull + 1;
	bool have_tick = false;
	double burst_cpu0 = -1, burst_target = 0, tail_us = 0;
	char comm[16];
	int policy;

	snprintf(comm, sizeof(comm), ROLE_COMM_REPLAY "-%d", a->idx);
	wl_set_comm(comm);
	/* a captured sleep already holds the application's timer slack */
	prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
	if (!policy_of(t->policy, &policy) &&
	    (policy != SCHED_OTHER || t->rt_priority) &&
	    sched_setscheduler(0, policy, &sp))
		me->policy_failed = 1;
	if (t->nice && setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), t->nice))
		me->policy_failed = 1;
	while (!__atomic_load_n(&sh->start, __ATOMIC_ACQUIRE))
		futex(&sh->start, FUTEX_WAIT_PRIVATE, 0, NULL);
	if (t->start_us > 0) {
		struct timespec at = { 0 };

		at.tv_sec = (time_t)(sh->t0_ns / 1000000000ull);
		at.tv_nsec = (long)(sh->t0_ns % 1000000000ull);
		add_ns(&at, (uint64_t)(t->start_us * 1000));
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);
	}
	for (int k = 0; k < t->nsteps && !sh->stop; k++) {
		const struct cap_step *s = &t->steps[k];
		struct timespec d;

		if (s->kind != CAP_RUN && s->kind != CAP_WAKE && burst_target > 0 && burst_cpu0 >= 0) {
			/* what the burst cost beyond its budget after its last
			 * run (our wakeups): taken off the next bursts */
			double excess = cpu_us() - burst_cpu0 - burst_target + tail_us;

			tail_us = 0.8 * tail_us + 0.2 * (excess > 0 ? excess : 0);
			if (tail_us > 50)
				tail_us = 50;
		}
		switch (s->kind) {
		case CAP_RUN: {
			double before, got, want;

			if (s->us < TIMED_US) {
				/* too short to time: a clock read costs more than
				 * the error it would correct */
				x = wl_work((uint64_t)llround(s->us * ipu), x);
				break;
			}
			before = cpu_us();
			if (burst_cpu0 < 0)
				burst_cpu0 = before;
			/* the burst's captured CPU time so far, less what this
			 * burst already spent (our wakeups and clock reads are
			 * part of the budget, as the application's write() was) */
			burst_target += s->us;
			want = burst_target - tail_us - (before - burst_cpu0);
			if (want <= 0)
				break;
			x = wl_work((uint64_t)llround(want * ipu), x);
			got = cpu_us() - before;
			/* the rate next to the other threads is not the rate
			 * measured alone: follow it (a quarter of the error per
			 * burst) */
			if (want >= TIMED_US && got > 0) {
				double r = want / got;

				r = r < 0.5 ? 0.5 : r > 2 ? 2 : r;
				ipu *= 1 + 0.25 * (r - 1);
			}
			break;
		}
		case CAP_WAKE:
			rp_wake(sh, s->peer);
			break;
		case CAP_BLOCK:
			if (!rp_wait(sh, a->idx, s->peer))
				me->missed++;
			break;
		case CAP_TICK:
			if (t->period_us > 0) {
				if (!have_tick) {
					/* the grid starts where this sleep would end */
					clock_gettime(CLOCK_MONOTONIC, &next);
					add_ns(&next, (uint64_t)(s->us * 1000));
					have_tick = true;
				} else {
					add_ns(&next, (uint64_t)(t->period_us * 1000));
				}
				clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
				break;
			}
			/* no period: a plain sleep */
			/* fall through */
		default: /* CAP_SLEEP */
			d.tv_sec = (time_t)(s->us / 1e6);
			d.tv_nsec = (long)((s->us - d.tv_sec * 1e6) * 1000);
			clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL);
		}
		me->steps++;
		if (s->kind != CAP_RUN && s->kind != CAP_WAKE) {
			/* a new burst starts after every sleep (its clock is
			 * read at its first timed run step) */
			burst_cpu0 = -1;
			burst_target = 0;
		}
	}
	me->sink = x;
	__atomic_store_n(&me->done, 1, __ATOMIC_RELEASE);
	__atomic_sub_fetch(&sh->nalive, 1, __ATOMIC_ACQ_REL);
	/* whoever waits for us gives up now rather than at its next slice */
	for (int i = 0; i < a->rp->cap->nth; i++)
		futex(&sh->slot[i].tok, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	return NULL;
}

/* The replay process: the threads, the start, the join. */
static int rp_main(void *arg)
{
	struct rp *rp = arg;
	int n = rp->cap->nth, started = 0, err = 0;
	pthread_t *tids = calloc(n, sizeof(*tids));
	struct rp_arg *args = calloc(n, sizeof(*args));
	pthread_attr_t attr;

	if (!tids || !args)
		return 1;
	wl_set_comm("scxb-replay");
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 65536);
	rp->sh->nalive = n;
	for (; started < n; started++) {
		args[started] = (struct rp_arg){ rp, started };
		if (pthread_create(&tids[started], &attr, rp_thread, &args[started])) {
			err = 1;
			rp->sh->stop = 1;
			break;
		}
	}
	rp->sh->t0_ns = now_mono_ns();
	__atomic_store_n(&rp->sh->start, 1, __ATOMIC_RELEASE);
	futex(&rp->sh->start, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	rp->sh->t1_ns = now_mono_ns();
	pthread_attr_destroy(&attr);
	free(tids);
	free(args);
	return err;
}

/* wl_work iterations per microsecond of thread CPU time: the best of
 * several samples (a sample a preemption landed in runs slow) */
static double calibrate(void)
{
	double best = 0;
	uint64_t x = 1, iters = 20000;

	for (int i = 0; i < 12; i++) {
		struct timespec a, b;
		double us;

		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &a);
		x = wl_work(iters, x);
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &b);
		us = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
		if (us < 500) {
			iters *= 2; /* aim at ~2 ms a sample */
			i--;
			if (iters > (1ull << 34))
				break;
			continue;
		}
		if (iters / us > best)
			best = iters / us;
	}
	return best > 0 ? best + (double)(x & 0) : 1;
}

static int replay_check(const struct wl_params *p, char *err, size_t len)
{
	const char *path = wl_param_str(p, "capture");
	struct capture *c;
	char e[512];

	if (!path || !*path) {
		snprintf(err, len, "replay: no capture file (--workload replay:FILE)");
		return -EINVAL;
	}
	c = capture__load(path, e, sizeof(e));
	if (!c) {
		snprintf(err, len, "replay: %s", e);
		return -EINVAL;
	}
	capture__free(c);
	return 0;
}

static int add_captured(const struct capture *c, struct results *res)
{
	struct hist *h = calloc(3, sizeof(*h));
	static const char *const names[] = { "replay_captured_burst", "replay_captured_sleep",
					     "replay_captured_wakeup" };
	int err = 0;

	if (!h)
		return -ENOMEM;
	for (int i = 0; i < 3; i++)
		hist__init(&h[i]);
	capture__hists(c, &h[0], &h[1], &h[2]);
	for (int i = 0; !err && i < 3; i++)
		if (h[i].count)
			err = results__add_hist(res, names[i], "ns", &h[i]);
	free(h);
	return err;
}

static int replay_run(const struct wl_params *p, const struct wl_run_ctx *ctx, struct results *res)
{
	struct wl_proc proc = { .pid = 0, .pidfd = -1 };
	struct rp rp = { 0 };
	struct capture *c;
	char e[512];
	uint64_t steps = 0, missed = 0, total = 0;
	int err, policy_failed = 0;
	bool timed_out = false;

	c = capture__load(wl_param_str(p, "capture"), e, sizeof(e));
	if (!c) {
		pr_err("replay: %s\n", e);
		results__set_detail(res, e);
		return -EINVAL;
	}
	rp.cap = c;
	rp.shsize = sizeof(struct rp_shared) + c->nth * sizeof(struct rp_slot);
	rp.sh = wl_shm_alloc(rp.shsize);
	if (!rp.sh) {
		err = -ENOMEM;
		goto out;
	}
	rp.iters_per_us = calibrate();
	err = add_captured(c, res);
	if (err)
		goto out;
	for (int i = 0; i < c->nth; i++)
		total += c->th[i].nsteps;
	wl_progress(ctx, "replay: %d threads", c->nth);
	err = wl_proc__spawn(&proc, "scxb-replay", rp_main, &rp);
	if (err)
		goto out;
	err = wl_proc__wait(&proc, 1, WL_WAIT_ALL, now_mono_ns() + (uint64_t)(ctx->duration_s * 1e9),
			    ctx->stop, NULL, NULL);
	if (err == -ETIMEDOUT) {
		/* --duration: the threads stop at their next step */
		timed_out = true;
		rp.sh->stop = 1;
		for (int i = 0; i < c->nth; i++)
			syscall(SYS_futex, &rp.sh->slot[i].tok, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
		err = wl_proc__wait(&proc, 1, WL_WAIT_ALL, now_mono_ns() + 2000000000ull, ctx->stop,
				    NULL, NULL);
	}
	wl_proc__kill(&proc, 1);
	wl_progress_end(ctx);
	if (err)
		goto out;
	if (!wl_proc__ok(&proc)) {
		pr_err("replay: the replay process failed\n");
		err = -EIO;
		goto out;
	}
	for (int i = 0; i < c->nth; i++) {
		steps += rp.sh->slot[i].steps;
		missed += rp.sh->slot[i].missed;
		policy_failed += rp.sh->slot[i].policy_failed;
	}
	if (policy_failed)
		pr_warn("replay: %d thread(s) could not take their captured policy or nice\n",
			policy_failed);
	err = results__add_metric(res, "replay_elapsed", timed_out ? ctx->duration_s :
				  (rp.sh->t1_ns - rp.sh->t0_ns) / 1e9, "s", BETTER_LOWER);
	if (!err)
		err = results__add_metric(res, "replay_threads", c->nth, "count", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "replay_steps", (double)steps, "count", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "replay_steps_fraction", total ? (double)steps / total : 0,
					  "", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "replay_missed_wakeups", (double)missed, "count",
					  BETTER_LOWER);
	if (!err)
		err = results__add_metric(res, "replay_timed_out", timed_out, "", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "replay_calib_iters_per_us", rp.iters_per_us,
					  "iters/us", BETTER_NONE);
	if (!err)
		err = results__add_metric(res, "replay_capture_duration", c->duration_s, "s",
					  BETTER_NONE);
out:
	wl_shm_free(rp.sh, rp.shsize);
	capture__free(c);
	return err;
}

static const struct hist *find_hist(const struct results *res, const char *name)
{
	for (int i = 0; i < results__nr_hists(res); i++)
		if (!strcmp(results__hist(res, i)->name, name))
			return results__hist(res, i)->hist;
	return NULL;
}

/* captured vs replayed, per distribution: KS distance, ratio of medians */
static int replay_after_trace(const struct wl_params *p, struct results *res)
{
	static const char *const what[] = { "burst", "sleep", "wakeup" };
	int err = 0;

	for (size_t i = 0; !err && i < ARRAY_SIZE(what); i++) {
		char cn[64], rn[64], m[64];
		const struct hist *ch, *rh;
		double cm, rm;

		snprintf(cn, sizeof(cn), "replay_captured_%s", what[i]);
		snprintf(rn, sizeof(rn), "trace_%s_replay", what[i]);
		ch = find_hist(res, cn);
		rh = find_hist(res, rn);
		if (!ch || !rh || !ch->count || !rh->count)
			continue;
		cm = (double)hist__percentile(ch, 50);
		rm = (double)hist__percentile(rh, 50);
		snprintf(m, sizeof(m), "replay_ks_%s", what[i]);
		err = results__add_metric(res, m, hist__ks(ch, rh), "", BETTER_LOWER);
		snprintf(m, sizeof(m), "replay_median_ratio_%s", what[i]);
		if (!err)
			err = results__add_metric(res, m, cm > 0 ? rm / cm : NAN, "", BETTER_NONE);
	}
	return err;
}

static const struct wl_param_def replay_params[] = {
	{ "capture", WL_STR, "", 0, 4096, NULL, "",
	  "the capture file (the ARG of replay:ARG; from scxbench capture)" },
};

static const char *const replay_primary[] = { "trace_wakeup_replay_p99", "replay_elapsed", NULL };

const struct workload wl_replay = {
	.name = "replay",
	.summary = "a captured application's threads replayed: bursts, sleeps, wakeups, timers",
	.params = replay_params,
	.nr_params = ARRAY_SIZE(replay_params),
	.run = replay_run,
	.primary = replay_primary,
	.arg_param = "capture",
	.check = replay_check,
	.after_trace = replay_after_trace,
};
