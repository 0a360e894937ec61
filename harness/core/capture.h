/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `scxbench capture`: trace a real application and derive its per-thread
 * scheduling behaviour (harness/lib/capture.h). The target is a command
 * we start (traced from its exec on; it runs until it exits or the
 * duration ends, then it and its process group are killed and reaped), a
 * running process (--pid: all its threads) or every task of a name
 * (--comm), for a duration. Only the target's tasks and what they fork
 * are traced (collector_cfg.event_pids), with the system calls they
 * enter; their policy and nice are sampled from /proc every 100 ms.
 */
#ifndef SCXB_CORE_CAPTURE_H
#define SCXB_CORE_CAPTURE_H

#include <signal.h>
#include <stddef.h>

#include "harness/lib/capture.h"

struct sched;

struct capture_req {
	char *const *argv;   /* the command, or NULL */
	int pid;             /* or a running process */
	const char *comm;    /* or every task of this name */
	double duration_s;   /* bound (the command: at most this long) */
	unsigned int buffer_kb;
	volatile sig_atomic_t *stop;
	/*
	 * A scheduler to capture under (NULL: whatever runs now): loaded
	 * before anything else and unloaded on every path, so the capture
	 * covers the target under it only; its name (sched__name()) is the
	 * capture's scheduler. The caller creates and frees it. When it
	 * leaves by itself during the capture, the capture fails (-ECANCELED,
	 * its exit reason in err).
	 */
	struct sched *sched;
};

struct capture_outcome {
	int cmd_status;      /* the command's wait status */
	bool cmd_killed;     /* it was still running at the end */
	double elapsed_s;
};

/* 0 with *out (the caller frees), or -errno with one line in err. */
int capture__run(const struct capture_req *rq, struct capture **out, struct capture_outcome *oc,
		 char *err, size_t len);

#endif
