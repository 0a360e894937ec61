/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs as one Perfetto trace (protobuf, hand-encoded with harness/lib/pb.h)
 * that ui.perfetto.dev and trace_processor open: the kept raw events as
 * per-CPU FtraceEventBundles, every task as a process/thread descriptor
 * with its name, the run's stored figures as counter tracks, and marks
 * (a failed run, lost events; outliers later) as instant events. What
 * exactly is written, and what is not, is in reports/perfetto.c.
 */
#ifndef SCXB_PERFETTO_H
#define SCXB_PERFETTO_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdio.h>

#include "harness/store/query.h"

/* Perfetto's clock for every packet: BUILTIN_CLOCK_BOOTTIME, the default
 * of both ftrace bundles and track events (see perfetto.c for why the
 * trace's own clock, CLOCK_MONOTONIC, is written as it). */
#define PERFETTO_CLOCK_ID 6

/*
 * Write runs (n of them, each kept with --keep-events) to f as one trace.
 * Runs whose times overlap (from different boots) are moved later, each
 * after the one before it, so that every run stays whole; runs already
 * apart keep their own timestamps. -ENOENT when a run has no kept events,
 * -EIO (store), -ENOSPC/-errno (writing f), -ENOMEM; err says which in
 * one line.
 */
int perfetto__export(struct store *st, const struct q_run *runs, int n, FILE *f, char *err,
		     size_t errlen);

#endif
