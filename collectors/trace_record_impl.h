/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the tracefs recording half: the collector's state, shared by
 * tracefs_record.c (the instance: create, stop, store, destroy) and
 * trace_recorder.c (the recorder process and its per-CPU readers). Open
 * rather than opaque because the recorder process works on the very
 * struct the runner set up (it is forked with it), and the per-CPU
 * counters it leaves in the shared mapping are read back by stop().
 */
#ifndef SCXB_TRACE_RECORD_IMPL_H
#define SCXB_TRACE_RECORD_IMPL_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "collectors/trace_collector.h"

#define MAX_NOTES 32

struct tracefs_instance;

struct tracefs_rec;

/* One per CPU, in memory shared with the recorder process: the runner
 * reads pages, zero_reads, no_splice and err after the recorder exited.
 * buf and the fds are the recorder's alone. */
struct cpu_reader {
	struct tracefs_rec *rec;
	int cpu;
	int in_fd, out_fd;
	int pipefd[2];     /* splice: trace_pipe_raw -> pipe -> file */
	size_t pipe_size;
	bool no_splice;    /* splice refused: read() + write() */
	pthread_t thr;
	char *buf;
	size_t len;
	uint64_t pages, zero_reads;
	int err;
};

struct tracefs_rec {
	int64_t run_id;
	bool keep_raw, keep_events;
	bool clock_mono;       /* trace_clock is mono: CLOCK_MONOTONIC */
	const struct outlier_ring *outliers;
	uint64_t outlier_window_ns;
	unsigned int buffer_kb;
	char name[64];
	struct tracefs_instance *inst;
	char *inst_dir;
	int ncpus;
	unsigned int page_size;
	struct cpu_reader *rd; /* shared mapping, ncpus entries */
	char **paths;
	struct trace_cpu_stats *stats;
	pid_t recorder;        /* the recorder process, 0 when none runs */
	int stop_fd;           /* eventfd: wakes the readers out of poll() */
	bool recorder_failed;  /* it died or exited non-zero: data incomplete */
	char failure[160];     /* what made stop() fail */
	double recorder_cpu_s; /* the recorder's user + system time */
	bool stopped;
	bool capture;          /* capture mode: set_event_pid + raw_syscalls */
	char *notes[MAX_NOTES];
	int nr_notes;
};

/* ---- tracefs_record.c ---- */

/* Keep a note for the run's collector notes (at most MAX_NOTES; dropped
 * when memory is short). */
void tracefs_record__add_note(struct tracefs_rec *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* cpu's per_cpu/cpuN/stats of the instance into s. -errno. */
int tracefs_record__read_stats(struct tracefs_rec *r, int cpu, struct trace_cpu_stats *s);

/* ---- trace_recorder.c ---- */

/*
 * Fork the recorder process and wait until every reader runs; sets
 * r->recorder. -errno (the process reaped, a message printed) when it
 * did not start. Tracing is still off: the caller turns it on.
 */
int trace_recorder__start(struct tracefs_rec *r);
/*
 * Wake the readers for their final pass and reap the recorder (bounded:
 * the final drain gives up). Sets recorder_cpu_s, and recorder_failed,
 * failure and a note when it died or failed. No-op when none runs.
 * Turn tracing off first, or the final pass never ends.
 */
void trace_recorder__stop(struct tracefs_rec *r);

#endif
