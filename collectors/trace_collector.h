/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The tracefs collector, split in two: tracefs_record.c owns the private
 * instance and copies the raw per-CPU ring-buffer pages to files while the
 * workload runs; tracefs_parse.c (with trace_pages.c, trace_events.c and
 * trace_tasks.c, see trace_parse_impl.h) walks those files after the run
 * and turns them into per-task metrics and store rows. Nothing here formats
 * text on the recording path.
 */
#ifndef SCXB_TRACE_COLLECTOR_H
#define SCXB_TRACE_COLLECTOR_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collectors/collector.h"

struct store;
struct results;
struct outlier_ring;

extern const struct collector_ops tracefs_collector_ops;

/*
 * Instances are named "scxbench-<pid>-<start>-<run id>": pid and start
 * time (clock ticks since boot) of the process that made it, the owner
 * record of harness/lib/owner.h, so that a reused pid does not keep a dead
 * run's instance alive. Instances do not survive a reboot: the boot id is
 * always this boot's. Names of earlier versions, "scxbench-<pid>-<run id>",
 * still parse, with the start time unknown (the pid alone decides).
 */
#define TRACEFS_INSTANCE_PREFIX "scxbench-"

struct owner;

/* This process's instance name for run_id into buf. -ENAMETOOLONG. */
int tracefs_collector__instance_name(char *buf, size_t len, int64_t run_id);
/* The owner that instance name encodes. -EINVAL when it is not one of ours. */
int tracefs_collector__instance_owner(const char *name, struct owner *o);

/*
 * Remove instances whose owner is gone (a SIGKILLed run; owner__alive).
 * Called by the collector's create(); callable on its own. Returns the
 * number removed or -errno.
 */
int tracefs_collector__cleanup_stale(void);

/* Per-CPU counters read from per_cpu/cpuN/stats after the run. */
struct trace_cpu_stats {
	uint64_t overrun, commit_overrun, dropped, entries_left;
};

/* What the parser needs to know about a recording. */
struct trace_parse_input {
	int ncpus;
	char **paths;          /* ncpus raw files: whole ring-buffer sub-buffers */
	unsigned int page_size;  /* sub-buffer size in bytes */
	const char *tracing_dir; /* where the event formats are read from */
	const struct trace_cpu_stats *stats; /* ncpus entries */
	bool keep_events;
	/* --dump-on-outlier: the run's outliers (NULL: none), the window
	 * before each, and whether the trace clock is CLOCK_MONOTONIC (the
	 * probe's clock: without it no window or dump can be placed) */
	const struct outlier_ring *outliers;
	uint64_t outlier_window_ns;
	bool clock_mono;
};

/*
 * Parse the recording, add metrics to res and rows to the store (inside
 * the caller's transaction). A malformed page (bad header, an event that
 * runs past the page end, an event too short for its type, trailing bytes)
 * is rejected with a warning, the rest of it skipped, and counted: it adds
 * to the CPU's lost count, to runs.lost_events, to the trace_bad_pages
 * metric and to a collector note. Only I/O, memory and unknown event
 * layouts fail the parse (-errno).
 */
int trace_parse__run(const struct trace_parse_input *in, struct store *st, int64_t run_id,
		     struct results *res);

struct cap_attr;
struct capture;
/*
 * Capture: two recordings, one of the sched events of the whole system (a
 * plain collector) and one of the system calls of the target's tasks only
 * (collector_cfg.event_pids: set_event_pid with event-fork; the kernel's
 * pid filter drops some switches from the idle task to a filtered task,
 * so the sched events are not filtered). After stop(), both merged into a
 * capture of the tasks roots and their descendants, instead of store().
 */
int tracefs_collector__capture(void *sched_state, void *sys_state, const int *roots, int nroots,
			       const struct cap_attr *attrs, int nattrs, struct capture *cap);

/* Event type codes of the events table (--keep-events). */
enum trace_ev_type {
	TEV_SWITCH = 1,   /* pid = next_pid, arg1 = prev_pid, arg2 = prev_state */
	TEV_WAKING = 2,   /* pid, arg1 = target_cpu */
	TEV_WAKEUP = 3,   /* pid, arg1 = target_cpu */
	TEV_WAKEUP_NEW = 4, /* pid, arg1 = target_cpu */
	TEV_MIGRATE = 5,  /* pid, arg1 = orig_cpu, arg2 = dest_cpu */
	TEV_FORK = 6,     /* pid = parent, arg1 = child */
	TEV_EXIT = 7,     /* pid */
	TEV_SCX = 8,      /* any sched_ext:* event: pid = common_pid, arg1 = event id */
};

#endif
