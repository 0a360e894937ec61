/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Capture mode of the tracefs parser: the scheduling behaviour of a set
 * of tasks (a command and everything it forks, or the threads of a
 * running process) turned into per-thread programs (harness/lib/capture.h)
 * as the trace walk goes. Who woke whom is the sched_waking event's
 * common_pid (the task that called try_to_wake_up); through what is the
 * system call the sleeper was blocked in (raw_syscalls:sys_enter, enabled
 * for the set only: set_event_pid with event-fork); a sleeper in
 * nanosleep/clock_nanosleep was woken by its timer whatever task the
 * timer interrupt happened to land on.
 */
#ifndef SCXB_TRACE_CAPTURE_H
#define SCXB_TRACE_CAPTURE_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "harness/lib/capture.h"

struct parser;
struct task;
struct trace_parse_input;

/* The scheduling attributes of a thread, sampled from /proc while the
 * capture ran (the trace does not carry the policy). */
struct cap_attr {
	int tid;
	char policy[8];
	int nice, rt_priority;
};

/*
 * Walk a capture recording into cap (in->paths holds nsets * ncpus files,
 * set by set, merged by timestamp): roots are the pids (threads) whose
 * tasks and descendants are captured; attrs (may be NULL) fill in policy
 * and nice. -errno.
 */
int trace_capture__parse(const struct trace_parse_input *in, int nsets, const int *roots, int nroots,
			 const struct cap_attr *attrs, int nattrs, struct capture *cap);

/* ---- hooks called by trace_events.c when p->cap is set ---- */
int trace_capture__on_switch_in(struct parser *p, struct task *t, uint64_t ts, uint64_t lat);
int trace_capture__on_switch_out(struct parser *p, struct task *t, uint64_t ts, uint64_t ran,
				 bool voluntary);
int trace_capture__on_wake(struct parser *p, struct task *t, uint64_t ts, uint64_t slept,
			   int waker);
int trace_capture__on_fork(struct parser *p, struct task *parent, struct task *child, uint64_t ts);
int trace_capture__on_syscall(struct parser *p, int pid, long id);

#endif
