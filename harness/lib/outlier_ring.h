/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outliers of one run (--dump-on-outlier US): the latency probe, in its
 * own child processes, reports a wakeup latency above the threshold here;
 * the runner's watcher (harness/core/outlier_watch.c) sees it and triggers
 * the scheduler's dump; the trace parser takes each outlier's dump and
 * trace window from the recording; the store keeps them (table outliers).
 *
 * The ring is one MAP_SHARED mapping made before the workload forks, so
 * every child writes into the same slots. Posting is the only part on a
 * measurement path, and it is async-signal-safe: an atomic increment, a
 * few stores into a preallocated slot and one write(2) to an eventfd; no
 * lock, no allocation, no printing. Only the first `cap` outliers of a run
 * get a slot (the rate limit, K); later ones are only counted. So are
 * those due before the last dump ended (or while one is under way): a
 * dump holds the runqueue locks for milliseconds, so their lateness may
 * be the dump's own, and they must not take the slots of the outliers
 * the scheduler made.
 *
 * Times are CLOCK_MONOTONIC nanoseconds: the clock of the tracefs
 * instance (trace_clock mono), so an outlier, its dump's trigger and the
 * trace events share one time line.
 */
#ifndef SCXB_OUTLIER_RING_H
#define SCXB_OUTLIER_RING_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>

#define OUTLIER_MAX_DUMPS 100

enum outlier_kind {
	OUTLIER_TIMER = 1,  /* a timer thread woke late (timer_lat) */
	OUTLIER_WAKEUP = 2, /* a worker ran late after its wake call (wakeup_lat) */
};

/* What became of an outlier's dump (set by the watcher). */
enum outlier_dump {
	OUTLIER_DUMP_PENDING = 0, /* not handled: the run ended first */
	OUTLIER_DUMP_TAKEN,       /* SysRq-D written; its lines are in the trace */
	OUTLIER_DUMP_NO_SCX,      /* no sched_ext scheduler (eevdf): nothing to dump */
	OUTLIER_DUMP_NO_TRACE,    /* --no-trace: the dump would go nowhere */
	OUTLIER_DUMP_FAILED,      /* the trigger failed: dump_err says why */
};

struct outlier_rec {
	/* written by the probe, ready last (release) */
	uint64_t ts_ns;  /* when the late task ran (its sample was taken) */
	uint64_t lat_ns; /* its wakeup latency: it was due at ts_ns - lat_ns */
	int32_t tid;
	char comm[16];   /* the thread's name, as the probe set it */
	uint8_t kind;    /* enum outlier_kind */
	uint8_t ready;
	/* written by the watcher */
	uint8_t dump;    /* enum outlier_dump */
	int32_t dump_err; /* -errno of a failed trigger */
	uint64_t dump_start_ns, dump_end_ns; /* around the trigger's write(2) */
};

struct outlier_ring {
	uint64_t threshold_ns;
	int cap;       /* K: slots, the first K outliers of the run */
	int efd;       /* eventfd: poked per slotted outlier */
	uint32_t seen; /* outliers seen (atomic), slotted or not */
	uint32_t nslot;   /* slots claimed (atomic; may pass cap) */
	uint32_t skipped; /* seen, but due before a dump ended: no slot */
	/* set by the watcher: UINT64_MAX while it dumps, then when the
	 * dump ended; an outlier due before it gets no slot */
	uint64_t quiet_until;
	struct outlier_rec rec[];
};

/*
 * A ring for cap (1..OUTLIER_MAX_DUMPS) outliers above threshold_ns, in
 * shared memory. NULL with errno set.
 */
struct outlier_ring *outlier_ring__new(uint64_t threshold_ns, int cap);
void outlier_ring__free(struct outlier_ring *r);

/* write(2) of 1 to the eventfd (async-signal-safe). */
void outlier_ring__poke(struct outlier_ring *r);

/*
 * From the measurement path (any process forked after new()): count the
 * outlier, and when it is among the first cap, fill its slot and poke the
 * watcher. Call it after the sample's own clock reads and histogram adds:
 * the watcher may preempt the caller.
 */
static inline void outlier_ring__post(struct outlier_ring *r, uint64_t ts_ns, uint64_t lat_ns,
				      int32_t tid, const char *comm, enum outlier_kind kind)
{
	struct outlier_rec *rec;
	uint32_t i;

	__atomic_fetch_add(&r->seen, 1, __ATOMIC_RELAXED);
	if (ts_ns - lat_ns < __atomic_load_n(&r->quiet_until, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&r->skipped, 1, __ATOMIC_RELAXED);
		return;
	}
	i = __atomic_fetch_add(&r->nslot, 1, __ATOMIC_RELAXED);
	if (i >= (uint32_t)r->cap)
		return;
	rec = &r->rec[i];
	rec->ts_ns = ts_ns;
	rec->lat_ns = lat_ns;
	rec->tid = tid;
	for (int k = 0; k < 15 && comm[k]; k++)
		rec->comm[k] = comm[k];
	rec->kind = (uint8_t)kind;
	__atomic_store_n(&rec->ready, 1, __ATOMIC_RELEASE);
	outlier_ring__poke(r);
}

/* Outliers seen; how many were due before a dump ended (no slot); how
 * many have a slot (at most cap). */
uint32_t outlier_ring__seen(const struct outlier_ring *r);
uint32_t outlier_ring__skipped(const struct outlier_ring *r);
int outlier_ring__nr(const struct outlier_ring *r);
/* The watcher: a dump begins (UINT64_MAX) / ended at t. */
void outlier_ring__quiet_until(struct outlier_ring *r, uint64_t t);
/* Slot i when the poster finished it, else NULL. */
const struct outlier_rec *outlier_ring__get(const struct outlier_ring *r, int i);
/* Writable slot for the watcher (NULL as above). */
struct outlier_rec *outlier_ring__slot(struct outlier_ring *r, int i);

/* "timer" / "wakeup" (as stored) */
const char *outlier_kind__name(int kind);
/* "taken", "no_sched_ext", "no_trace", "failed", "pending" (as stored). */
const char *outlier_dump__name(int dump);

#endif
