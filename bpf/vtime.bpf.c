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

static u64 vtime_now;

/* The task's vtime with at most one slice of credit banked. */
static __always_inline u64 task_vtime(struct task_struct *p)
{
	u64 vtime = p->scx.dsq_vtime;
	u64 floor = vtime_now - SCX_SLICE_DFL;

	if (time_before(vtime, floor)) {
		SCXB_COUNT(counters, SCXB_CNT_VTIME_CLAMPED);
		return floor;
	}
	return vtime;
}

s32 BPF_STRUCT_OPS(vtime_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	if (is_idle && !strand_candidate(p)) {
		/* The clamp applies on this path too, or a sleeper that
		 * found an idle CPU would keep its whole credit. */
		scxb_task_set_dsq_vtime(p, task_vtime(p));
		SCXB_COUNT(counters, SCXB_CNT_LOCAL_DISPATCH);
		scxb_dsq_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	}
	return cpu;
}

void BPF_STRUCT_OPS(vtime_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 n = __sync_fetch_and_add(&counters[SCXB_CNT_ENQUEUE], 1) + 1;

	if (fail_after_enqueues && n == fail_after_enqueues)
		scx_bpf_error("fail_after_enqueues: failing on purpose after %llu enqueues", n);

	if (strand_candidate(p) && !__sync_val_compare_and_swap(&stranded, 0, 1)) {
		scxb_dsq_insert(p, STRAND_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
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
	/* Racy across CPUs, and that is fine: vtime_now only needs to
	 * follow the running tasks roughly, never to be exact. */
	if (time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(vtime_stopping, struct task_struct *p, bool runnable)
{
	u64 used = SCX_SLICE_DFL - p->scx.slice;
	u32 weight = p->scx.weight ?: 100;

	/* p->scx.slice counts down from what the task was given; a slice
	 * refilled or extended by the kernel can exceed it. */
	if (p->scx.slice > SCX_SLICE_DFL)
		used = 0;
	scxb_task_set_dsq_vtime(p, p->scx.dsq_vtime + used * 100 / weight);
}

void BPF_STRUCT_OPS(vtime_enable, struct task_struct *p)
{
	scxb_task_set_dsq_vtime(p, vtime_now);
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
