/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A captured application's scheduling behaviour (`scxbench capture`), per
 * thread, as the program `--workload replay:FILE` replays. Pure data: the
 * trace side (collectors/trace_capture.c) builds it, the replay reads it.
 *
 * File format (JSON, "format": "scxbench-capture", "version": 1):
 *   { "format", "version", "command", "target" (command | pid N | comm
 *     NAME), "duration_s", "scheduler", "kernel", "host", "ncpus",
 *     "created_at" (unix s),
 *     "threads": [ { "idx", "tid", "comm", "policy" (other, batch, idle,
 *        fifo, rr), "nice", "rt_priority", "start_us" (since the capture's
 *        start), "end_us", "creator" (idx of the thread that forked it,
 *        -1), "period_us" (0: not periodic), "bursts", "burst_p50_us",
 *        "sleep_p50_us", "wakeup_p50_us",
 *        "steps": [ ... ] } ],
 *     "edges": [ { "waker", "wakee", "via", "count" } ] }
 * A thread's steps, in order:
 *   ["r", US]                  run US microseconds of CPU time
 *   ["w", IDX]                 wake thread IDX (where in the burst it did)
 *   ["b", IDX, VIA, US, LAT]   block until thread IDX wakes it (it slept
 *                              US; it waited LAT us for a CPU once woken;
 *                              -1: unknown, its switch-in was not traced)
 *   ["s", VIA, US, LAT, AT]    sleep US, woken by a timer or by something
 *                              outside the capture; AT: when it woke, us
 *                              since the capture's start
 *   ["p", US, LAT, AT]         the same on the thread's period grid
 *                              (period_us): replayed as an absolute timer
 * VIA is what the sleeper was blocked in, as far as the trace tells:
 * futex, pipe (read/write/poll/epoll/select on any fd), timer
 * (nanosleep, clock_nanosleep), child (wait4), other, unknown.
 */
#ifndef SCXB_CAPTURE_H
#define SCXB_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/lib/hist.h"

#define CAPTURE_FORMAT "scxbench-capture"
#define CAPTURE_VERSION 1
#define CAPTURE_MAX_THREADS 1024

enum cap_kind { CAP_RUN = 'r', CAP_WAKE = 'w', CAP_BLOCK = 'b', CAP_SLEEP = 's', CAP_TICK = 'p' };
enum cap_via { VIA_UNKNOWN, VIA_FUTEX, VIA_PIPE, VIA_TIMER, VIA_CHILD, VIA_OTHER, NR_VIA };

struct cap_step {
	uint8_t kind, via;
	int32_t peer;    /* CAP_WAKE, CAP_BLOCK: the other thread's idx */
	double us;       /* run or sleep length */
	double lat_us;   /* sleeps: wakeup -> on a CPU */
	double at_us;    /* sleeps: when it was woken (since the start) */
};

struct cap_thread {
	int tid;
	char comm[16];
	char policy[8];
	int nice, rt_priority;
	double start_us, end_us;
	int creator;
	double period_us;
	struct cap_step *steps;
	int nsteps, cap;
};

struct cap_edge {
	int waker, wakee, via;
	uint64_t count;
};

struct capture {
	char *command, *target, *scheduler, *kernel, *host;
	double duration_s, created_at;
	int ncpus;
	struct cap_thread *th;
	int nth, cap_th;
	struct cap_edge *edges;
	int nedges;
};

const char *cap_via__name(int via);
int cap_via__parse(const char *s);

/* NULL on ENOMEM. */
struct capture *capture__new(void);
void capture__free(struct capture *c);
/* A new thread's idx, or -ENOSPC / -ENOMEM. */
int capture__add_thread(struct capture *c, int tid, const char *comm, double start_us);
/* Append a step to thread idx. -ENOMEM. */
int capture__add_step(struct capture *c, int idx, const struct cap_step *s);
/*
 * After the last step: merge adjacent runs, find each thread's period (a
 * thread whose timer wakeups are at least 5 and whose intervals lie
 * within 10 % of their median is periodic: its timer sleeps become "p"
 * steps) and count the wakeup edges.
 */
int capture__finish(struct capture *c);

/* Write c as JSON. -errno of the stream. */
int capture__write(const struct capture *c, FILE *f);
/* Read a capture file. NULL with one line in err ("FILE: line N: ..."). */
struct capture *capture__load(const char *path, char *err, size_t len);
struct capture *capture__parse(const char *text, char *err, size_t len);

/* Per-thread summaries (0 when there is nothing to summarise). */
struct cap_summary {
	uint64_t bursts, sleeps, wakes;
	double burst_p50_us, sleep_p50_us, wakeup_p50_us, cpu_us;
};
void capture__summary(const struct cap_thread *t, struct cap_summary *s);
/* Every thread's run bursts (the runs between two sleeps, summed), sleep
 * lengths and wakeup latencies, in ns, added to the three histograms. */
void capture__hists(const struct capture *c, struct hist *burst, struct hist *sleep,
		    struct hist *wakeup);

#endif
