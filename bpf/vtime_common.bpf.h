/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the weighted-vtime schedulers (vtime, llc) share: the global
 * vtime, the clamp of a sleeper's credit, and the bodies of their
 * select_cpu, running, stopping and enable callbacks. Include it after
 * SCXB_SCHEDULER_GLOBALS(): it uses the counters and the stall knob.
 */
#ifndef SCXB_VTIME_COMMON_BPF_H
#define SCXB_VTIME_COMMON_BPF_H

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

/* ops.select_cpu: the kernel's choice (prev_cpu if idle, an idle core,
 * an idle CPU of prev_cpu's LLC, then its node); an idle one gets the task
 * on its local queue at once. */
static __always_inline s32 vtime_select_cpu_body(struct task_struct *p, s32 prev_cpu,
						 u64 wake_flags)
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

/* ops.running */
static __always_inline void vtime_running_body(struct task_struct *p)
{
	/* Racy across CPUs, and that is fine: vtime_now only needs to
	 * follow the running tasks roughly, never to be exact. */
	if (time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

/* ops.stopping: charge the slice used, scaled by the inverse weight */
static __always_inline void vtime_stopping_body(struct task_struct *p)
{
	u64 used = SCX_SLICE_DFL - p->scx.slice;
	u32 weight = p->scx.weight ?: 100;

	/* p->scx.slice counts down from what the task was given; a slice
	 * refilled or extended by the kernel can exceed it. */
	if (p->scx.slice > SCX_SLICE_DFL)
		used = 0;
	scxb_task_set_dsq_vtime(p, p->scx.dsq_vtime + used * 100 / weight);
}

/* ops.enable: a new task starts at the present */
static __always_inline void vtime_enable_body(struct task_struct *p)
{
	scxb_task_set_dsq_vtime(p, vtime_now);
}

#endif
