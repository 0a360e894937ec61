/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One benchmark per machine. Two benchmarks at once disturb each other's
 * numbers and nothing in either result would say so: every command that
 * runs workloads or schedulers (run, compare, ci, load, vm run/exec/shell)
 * holds an flock on /run/scxbench.lock (root; else $XDG_RUNTIME_DIR, else
 * $TMPDIR) while it runs. A second one waits, saying for whom, or fails at
 * once with --no-wait. Read-only commands (show, report, export, list,
 * merge, ci --gate-only) never take it. The kernel drops the lock when its
 * holder dies, SIGKILL included: nothing to clean up.
 *
 * The holder writes its owner record and command line into the file, so
 * that the waiter can name it; a record whose owner is gone is just stale
 * text (the flock is what counts). A benchmark script that times peer
 * tools beside scxbench takes the lock itself (scripts/bench-lock.sh) and
 * sets SCXB_BENCH_LOCK_HELD to its path for the scxbench it starts.
 */
#ifndef SCXB_BENCH_LOCK_H
#define SCXB_BENCH_LOCK_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>

/*
 * Take the lock (once per process; later calls return 0). wait: block
 * until it is free, saying so once on stderr; else fail with -EWOULDBLOCK.
 * A signal while waiting returns -EINTR. Other errors: -errno, with a
 * one-line reason in err.
 */
int bench_lock__take(bool wait, const char *cmdline, char *err, size_t errlen);
/* The lock file's path. */
const char *bench_lock__path(void);

#endif
