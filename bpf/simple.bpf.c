/* SPDX-License-Identifier: GPL-2.0 */
/*
 * simple: a global FIFO.
 *
 * Policy. Every runnable task that does not find an idle CPU goes to the
 * tail of one queue shared by all CPUs (SHARED_DSQ), and a CPU that runs
 * out of work takes the task at its head. When a task wakes up, the
 * kernel's default idle-CPU selection (scx_bpf_select_cpu_dfl: prefer the
 * previous CPU if idle, then an idle sibling/LLC neighbour) picks its CPU;
 * if that CPU is idle the task is inserted straight into its local DSQ and
 * never touches the shared queue. Every task gets the same fixed slice
 * (SCX_SLICE_DFL, 20 ms); nice values are ignored.
 *
 * Trade-offs. This is the smallest scheduler that behaves sanely: it is
 * work-conserving (an idle CPU never waits while the queue holds a task)
 * and starvation-free (FIFO order: every task reaches the head). What it
 * gives up is everything a latency-sensitive task needs. A task that wakes
 * after a short sleep queues behind every CPU hog that was preempted before
 * it, each of which then runs a full slice: with N hogs per CPU the wakeup
 * latency is about N slices, whatever the task's weight. It also ignores
 * locality beyond the wake-up path (a task taken off the shared queue runs
 * wherever a CPU happened to free up) and the single queue is one lock
 * for every CPU, which stops scaling long before a large machine's
 * core count. That is its purpose here: a baseline whose weaknesses
 * (starving an interactive task next to hogs) the benchmarks must show.
 *
 * Counters (read by the loader, stored with every run): enqueues, direct
 * local-DSQ inserts from select_cpu, tasks moved from the shared queue,
 * and dispatch calls that found the queue empty.
 *
 * Test knobs (rodata, set by the loader before load): fail_after_enqueues
 * calls scx_bpf_error() on the Nth enqueue (exit kind SCX_EXIT_ERROR);
 * stall_one strands one task on a queue nobody reads, so the watchdog
 * ejects the scheduler (SCX_EXIT_ERROR_STALL) after ops.timeout_ms.
 */
#include "common.bpf.h"

SCXB_SCHEDULER_GLOBALS()

s32 BPF_STRUCT_OPS(simple_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	if (is_idle && !strand_candidate(p)) {
		SCXB_COUNT(counters, SCXB_CNT_LOCAL_DISPATCH);
		scxb_dsq_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(simple_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (scxb_enqueue_begin(p, enq_flags))
		return;
	scxb_dsq_insert(p, SHARED_DSQ, SCX_SLICE_DFL, enq_flags);
}

void BPF_STRUCT_OPS(simple_dispatch, s32 cpu, struct task_struct *prev)
{
	if (scxb_dsq_move_to_local(SHARED_DSQ))
		SCXB_COUNT(counters, SCXB_CNT_SHARED_DISPATCH);
	else
		SCXB_COUNT(counters, SCXB_CNT_DISPATCH_IDLE);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(simple_init)
{
	return scxb_create_dsqs();
}

void BPF_STRUCT_OPS(simple_exit, struct scx_exit_info *ei)
{
	SCXB_RECORD_EXIT(uei, ei);
}

SCXB_OPS(simple,
	 .select_cpu = (void *)simple_select_cpu,
	 .enqueue    = (void *)simple_enqueue,
	 .dispatch   = (void *)simple_dispatch,
	 .init       = (void *)simple_init,
	 .exit       = (void *)simple_exit);
