/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtime: weighted virtual time on one shared queue.
 *
 * Policy. Each task carries a virtual time (p->scx.dsq_vtime) that advances
 * while it runs by the CPU time it used scaled by 100/weight: a nice-0 task
 * (weight 100) ages at wall-clock rate, a heavier one slower, a lighter one
 * faster. Runnable tasks wait on one shared queue ordered by vtime, and a
 * CPU that needs work takes the task with the smallest vtime, i.e. the one
 * that has had the least weighted CPU so far. The global vtime (vtime_now)
 * follows the tasks that run: it is raised to the vtime of each task that
 * starts running, so it tracks the front of the pack. As in simple, a
 * waking task whose chosen CPU is idle goes straight to that CPU's local
 * DSQ and skips the queue.
 *
 * Sleepers. A task that slept did not age, so on waking it would sit far
 * ahead of every hog and monopolise the CPUs until it caught up. Its vtime
 * is therefore clamped to at most one slice behind vtime_now: a sleeper
 * banks at most one slice of credit. That single slice is what makes an
 * interactive task (a pipe ping-pong, a latency probe) run ahead of CPU
 * hogs when it wakes, which a FIFO cannot do, while still bounding how
 * long a waking task can delay the others.
 *
 * Trade-offs. This is the core of CFS/EEVDF's fairness without its
 * refinements: no per-CPU queues (one queue, one lock: fine on small
 * machines, a bottleneck on large ones), no lag kept across sleeps beyond
 * the one-slice clamp, no deadlines (a task's slice length does not affect
 * its place), no load balancing or locality beyond the wake-up path, and a
 * fixed 20 ms slice, so a hog that got the CPU keeps it for a full slice
 * unless it blocks. Weights are honoured only through vtime order, so the
 * share of a very light task next to heavy ones is approximate at the
 * granularity of one slice.
 *
 * Counters and test knobs: as in simple.bpf.c, plus how often a sleeper's
 * credit was clamped.
 */
#include "common.bpf.h"

SCXB_SCHEDULER_GLOBALS()
#include "vtime_common.bpf.h"

s32 BPF_STRUCT_OPS(vtime_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return vtime_select_cpu_body(p, prev_cpu, wake_flags);
}

void BPF_STRUCT_OPS(vtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (scxb_enqueue_begin(p, enq_flags))
		return;
	scxb_dsq_insert_vtime(p, SHARED_DSQ, SCX_SLICE_DFL, task_vtime(p), enq_flags);
}

void BPF_STRUCT_OPS(vtime_dispatch, s32 cpu, struct task_struct *prev)
{
	if (scxb_dsq_move_to_local(SHARED_DSQ))
		SCXB_COUNT(counters, SCXB_CNT_SHARED_DISPATCH);
	else
		SCXB_COUNT(counters, SCXB_CNT_DISPATCH_IDLE);
}

void BPF_STRUCT_OPS(vtime_running, struct task_struct *p)
{
	vtime_running_body(p);
}

void BPF_STRUCT_OPS(vtime_stopping, struct task_struct *p, bool runnable)
{
	vtime_stopping_body(p);
}

void BPF_STRUCT_OPS(vtime_enable, struct task_struct *p)
{
	vtime_enable_body(p);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(vtime_init)
{
	return scxb_create_dsqs();
}

void BPF_STRUCT_OPS(vtime_exit, struct scx_exit_info *ei)
{
	SCXB_RECORD_EXIT(uei, ei);
}

SCXB_OPS(vtime,
	 .select_cpu = (void *)vtime_select_cpu,
	 .enqueue    = (void *)vtime_enqueue,
	 .dispatch   = (void *)vtime_dispatch,
	 .running    = (void *)vtime_running,
	 .stopping   = (void *)vtime_stopping,
	 .enable     = (void *)vtime_enable,
	 .init       = (void *)vtime_init,
	 .exit       = (void *)vtime_exit);
