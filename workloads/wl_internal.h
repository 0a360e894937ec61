/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to workloads/: the generator definitions, the helpers that
 * start, supervise and reap child processes, shared memory, and the three
 * load components (latency probe, hackbench, CPU hogs) that the standalone
 * workloads and `mixed` are built from.
 *
 * Every component runs in forked children, each in its own process group
 * with PR_SET_PDEATHSIG(SIGKILL): killing the group (kill(-pid, SIGKILL))
 * takes grandchildren with it, and a dying harness takes them all.
 */
#ifndef SCXB_WL_INTERNAL_H
#define SCXB_WL_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness/lib/hist.h"
#include "harness/lib/results.h"
#include "workloads/workload.h"

extern const struct workload wl_hackbench;
extern const struct workload wl_latency;
extern const struct workload wl_cpu;
extern const struct workload wl_mixed;
extern const struct workload wl_cmd;
extern const struct workload wl_replay;

#define WL_CACHELINE 64

/* ---- shared memory, children (spawn.c) ---- */

/* Zeroed MAP_SHARED anonymous memory, visible to children forked after.
 * NULL on failure (errno set). */
void *wl_shm_alloc(size_t size);
void wl_shm_free(void *p, size_t size);

/* In a freshly forked child: die with the parent, default signals, comm;
 * under --partial switch to SCHED_EXT (_exit(1) when that fails). */
void wl_child_setup(const char *comm);
/* Whether children switch to SCHED_EXT (workload__run sets it per run). */
void wl_spawn__set_ext(bool on);
bool wl_spawn__ext(void);
/* Name the calling thread (truncated to 15 characters). */
void wl_set_comm(const char *comm);

struct wl_proc {
	pid_t pid;
	int pidfd;   /* -1 when pidfd_open is unavailable: polled instead */
	int status;  /* wait status once done */
	bool done;
};

/*
 * Fork a child in its own process group that runs fn(arg) and _exit()s
 * with its return value. Returns 0 or -errno.
 */
int wl_proc__spawn(struct wl_proc *proc, const char *comm, int (*fn)(void *), void *arg);

enum wl_wait_until {
	WL_WAIT_ALL, /* every proc has exited */
	WL_WAIT_ANY, /* at least one proc has exited */
};

typedef void (*wl_progress_fn)(void *arg, double elapsed_s);

/*
 * Wait for procs (reaping those that exit) until `until` holds, the
 * monotonic deadline passes, or *stop becomes non-zero (stop may be NULL).
 * progress, when set, is called about once per second from this (the
 * supervising) process only. Returns 0, -ETIMEDOUT or -EINTR.
 */
int wl_proc__wait(struct wl_proc *procs, int n, enum wl_wait_until until, uint64_t deadline_ns,
		  volatile sig_atomic_t *stop, wl_progress_fn progress, void *arg);
/* SIGKILL the process group of every proc still running, reap them all and
 * close their pidfds. Safe to call twice and on never-spawned (pid 0) slots. */
void wl_proc__kill(struct wl_proc *procs, int n);
/* SIGKILL what is left of process group pgid (orphans come back to a
 * subreaper) and reap it, bounded (2 s). */
void wl_group_reap(pid_t pgid);
/* true when the proc exited normally with status 0 */
bool wl_proc__ok(const struct wl_proc *proc);

/* Why run() fails, into ctx->why (the first reason stays), else printed. */
void wl_fail(const struct wl_run_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Progress line on stderr ("\r...", erased by wl_progress_end()). */
void wl_progress(const struct wl_run_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void wl_progress_end(const struct wl_run_ctx *ctx);

/* A fixed unit of integer work the compiler cannot fold away. */
uint64_t wl_work(uint64_t iters, uint64_t seed);

/* prefix + name, e.g. ("hb-", "groups") -> "hb-groups" */
int64_t wl_pint(const struct wl_params *p, const char *prefix, const char *name);
bool wl_pbool(const struct wl_params *p, const char *prefix, const char *name);
const char *wl_pstr(const struct wl_params *p, const char *prefix, const char *name);

/* ---- hackbench component (hackbench.c) ---- */

struct hb_cfg {
	int groups, fds, loops, datasize;
	bool pipe, threads;
	bool repeat; /* rounds until stopped (mixed) instead of one round */
};

/* hackbench's parameter table under a prefix, with its sizing defaults */
#define HB_PARAMS(P, H, GROUPS, FDS, LOOPS)                                                 \
	{ P "groups", WL_INT, GROUPS, 1, 256, NULL, "", H "groups of senders and receivers" }, \
	{ P "fds", WL_INT, FDS, 1, 128, NULL, "", H "senders and receivers per group" },       \
	{ P "loops", WL_INT, LOOPS, 1, 10000000, NULL, "",                                     \
	  H "messages each sender sends to each receiver" },                                   \
	{ P "datasize", WL_INT, "100", 1, 65536, NULL, "bytes", H "message size" },            \
	{ P "pipe", WL_BOOL, "0", 0, 1, NULL, "", H "pipes instead of UNIX stream sockets" },  \
	{ P "threads", WL_BOOL, "0", 0, 1, NULL, "", H "threads instead of processes" }

struct hb;
int hb__cfg(const struct wl_params *p, const char *prefix, struct hb_cfg *cfg,
	    const struct wl_run_ctx *ctx);
/* hb__cfg()'s size check alone, for struct workload's check(). */
int hb__check(const struct wl_params *p, const char *prefix, char *err, size_t errlen);
int hb__new(const struct hb_cfg *cfg, struct hb **out);
int hb__start(struct hb *hb, struct wl_proc *proc);
uint64_t hb__delivered(const struct hb *hb); /* messages so far, any time */
/* After the master exited: elapsed of its last complete round (ns), 0 if none */
uint64_t hb__elapsed_ns(const struct hb *hb);
uint64_t hb__rounds(const struct hb *hb);
int hb__error(const struct hb *hb); /* -errno the master reported, or 0 */
void hb__stop(struct hb *hb);
void hb__free(struct hb *hb);

/* ---- latency probe component (latency.c) ---- */

enum probe_mode { PROBE_MESSAGE = 1, PROBE_TIMER = 2, PROBE_BOTH = 3 };

struct probe_cfg {
	enum probe_mode mode;
	int timer_threads, msg_threads, workers;
	int64_t interval_ns, slack_ns, req_work;
	int64_t pm_qos_us; /* /dev/cpu_dma_latency held during the run, -1: untouched */
	int policy, priority; /* SCHED_* */
	double warmup_s;
};

/* The probe's parameter table, under a prefix: latency uses "", mixed
 * "probe-". H prefixes the help texts. */
#define POLICY_CHOICES "other,fifo,rr,batch,idle"
#define PROBE_PARAMS(P, H)                                                                  \
	{ P "mode", WL_ENUM, "both", 0, 0, "both,message,timer", "",                        \
	  H "wakeups to measure: timer (cyclictest), message (schbench) or both" },         \
	{ P "timer-threads", WL_INT, "1", 1, 64, NULL, "", H "periodic timer threads" },     \
	{ P "msg-threads", WL_INT, "1", 1, 8, NULL, "", H "message threads" },               \
	{ P "workers", WL_INT, "2", 1, 16, NULL, "", H "workers per message thread" },       \
	{ P "interval-us", WL_INT, "1000", 50, 1000000, NULL, "us",                          \
	  H "timer period and message tick" },                                               \
	{ P "req-work", WL_INT, "20000", 0, 100000000, NULL, "iterations",                   \
	  H "work per request, in xorshift steps of a few ns" },                          \
	{ P "policy", WL_ENUM, "other", 0, 0, POLICY_CHOICES, "",                            \
	  H "scheduling policy of the probe threads" },                                      \
	{ P "priority", WL_INT, "50", 1, 99, NULL, "", H "priority for fifo and rr" },       \
	{ P "slack-ns", WL_INT, "1", 1, 100000000, NULL, "ns",                               \
	  H "timer slack (the kernel default is 50000)" },                                   \
	{ P "pm-qos-us", WL_INT, "-1", -1, 1000000, NULL, "us",                              \
	  H "hold /dev/cpu_dma_latency at this value during the run (-1: leave it)" },       \
	{ P "warmup-s", WL_DOUBLE, "0.5", 0, 3600, NULL, "s",                                \
	  H "samples discarded at the start (at most a quarter of the run)" }

struct probe;
struct outlier_ring;
int probe__cfg(const struct wl_params *p, const char *prefix, struct probe_cfg *cfg);
int probe__new(const struct probe_cfg *cfg, struct probe **out);
/* Post latencies above ring->threshold_ns to ring (NULL: none); before start. */
void probe__set_outliers(struct probe *pr, struct outlier_ring *ring);
int probe__start(struct probe *pr, double duration_s, struct wl_proc *proc);
void probe__stop(struct probe *pr);
int probe__error(const struct probe *pr, const struct wl_run_ctx *ctx);
/*
 * Adds timer_lat / wakeup_lat / request_lat and their coordinated-omission
 * corrected twins (NAME_co), what was due and missed (timer_lat_due,
 * timer_lat_missed, wakeup_lat_due, wakeup_lat_missed, msg_ticks_missed,
 * requests_skipped), requests_per_s, the policy echo.
 */
int probe__report(const struct probe *pr, struct results *res);
void probe__free(struct probe *pr);

/*
 * Missed-period counting, pure so that it can be tested on made-up
 * sequences. probe__periods_in(): how many of the periods first + j *
 * interval (j >= 0) fall due in [lo, hi). probe__next_due(): a periodic
 * thread due at `due` ran at `now`; returns the first period after now
 * (the one it waits for next) and adds to *missed the periods it ran past
 * (due + interval ... <= now) that fell due at or after `from` (the end
 * of the warm-up): a thread L late past k whole intervals missed k.
 */
uint64_t probe__periods_in(uint64_t first, uint64_t interval, uint64_t lo, uint64_t hi);
uint64_t probe__next_due(uint64_t due, uint64_t now, uint64_t interval, uint64_t from,
			 uint64_t *missed);

/* ---- CPU hogs component (cpu.c) ---- */

struct hogs;
int hogs__new(int n, int64_t unit, struct hogs **out);
/* Spawns n procs into procs[0..n-1]. */
int hogs__start(struct hogs *h, struct wl_proc *procs);
int hogs__nr(const struct hogs *h);
/* Snapshot the counters: the window of work is between two marks. */
void hogs__mark_start(struct hogs *h);
void hogs__mark_end(struct hogs *h);
uint64_t hogs__total(const struct hogs *h);
bool hogs__all_started(const struct hogs *h);
/* Until every hog counts: 0, -EINTR, -ETIMEDOUT, -ECHILD (a hog died). */
int hogs__wait_started(const struct hogs *h, struct wl_proc *procs, uint64_t deadline,
		       volatile sig_atomic_t *stop);
/* The hog count parameter `name`, 0 meaning one per CPU. */
int wl_cpu_hogs_count(const struct wl_params *p, const char *name, const struct wl_run_ctx *ctx);
void hogs__stop(struct hogs *h);
int hogs__report(const struct hogs *h, struct results *res);
void hogs__free(struct hogs *h);

#endif
