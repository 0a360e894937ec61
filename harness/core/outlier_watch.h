/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The outlier watcher of a run (--dump-on-outlier): a thread of the
 * runner, which measures nothing, that waits on the outlier ring's
 * eventfd and triggers the scheduler's dump (sched__dump_trigger) for
 * each of the first K outliers the probe posts, recording when the
 * trigger was written so that the parser can tell that dump's lines from
 * the trace. It runs as SCHED_FIFO priority 1 when it may: above every
 * fair or sched_ext task, so the dump shows the state at the outlier and
 * not the state once the scheduler under test got round to running the
 * watcher; below a probe that itself runs fifo or rr.
 */
#ifndef SCXB_OUTLIER_WATCH_H
#define SCXB_OUTLIER_WATCH_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>

#include "harness/lib/outlier_ring.h"

struct outlier_watch;

/*
 * Watch ring. dump_fd >= 0: dump through it (the watcher closes it);
 * dump_fd < 0: no thread, and every outlier gets `none` as its dump
 * state at stop (OUTLIER_DUMP_NO_SCX, OUTLIER_DUMP_NO_TRACE, or
 * OUTLIER_DUMP_FAILED with dump_fd as its error). -errno (dump_fd closed).
 */
int outlier_watch__start(struct outlier_ring *ring, int dump_fd, enum outlier_dump none,
			 struct outlier_watch **out);
/*
 * Stop and join (a dump under way completes first), then mark what was
 * not handled: `none` without a dump fd, else PENDING (posted as the run
 * ended). The ring stays valid for the store. NULL-safe.
 */
void outlier_watch__stop(struct outlier_watch *w);
/* Whether the thread got SCHED_FIFO (after start). */
bool outlier_watch__realtime(const struct outlier_watch *w);
void outlier_watch__free(struct outlier_watch *w);

#endif
