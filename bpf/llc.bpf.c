/* SPDX-License-Identifier: GPL-2.0 */
/*
 * llc: vtime with one queue per last-level cache.
 *
 * Policy. Everything vtime does (bpf/vtime.bpf.c: weighted virtual time,
 * a sleeper banks at most one slice of credit, an idle CPU found at
 * wake-up gets the task directly), with one topology-aware choice: where
 * a task waits. vtime has one queue for the whole machine, so a CPU that
 * frees up takes the task with the smallest vtime wherever it ran last,
 * on the other socket as readily as on its SMT sibling. llc keeps one
 * vtime-ordered queue per LLC (the loader describes the LLC groups,
 * common.bpf.h): a task that does not find an idle CPU waits on the
 * queue of the LLC of the CPU it was placed on, and a CPU takes work from
 * its own LLC's queue first. Only when its LLC has nothing waiting does
 * it take the head of another LLC's queue (work conservation: no CPU
 * idles while any task waits), starting from the next LLC so that no
 * queue is always robbed first.
 *
 * Trade-offs. Tasks stay near their caches: far fewer migrations across
 * LLCs (and sockets, and nodes), which on real hardware is where cache
 * warmth and memory locality live. Fairness becomes per LLC: a task's
 * vtime only competes with the tasks of its own queue, so one LLC full of
 * hogs and another nearly idle age differently until stealing evens them
 * out. The global vtime_now still bounds every sleeper's credit. Within
 * an LLC it is vtime exactly; on a machine with a single LLC it is vtime.
 * Under TCG a migration costs nothing more than staying, so in a QEMU
 * guest the difference shows in where tasks run (the trace's
 * trace_migr_* metrics), not in speed.
 *
 * Counters and test knobs: as in vtime.bpf.c; sched_shared_dispatch
 * counts tasks taken from any LLC queue.
 */
#include "common.bpf.h"

SCXB_SCHEDULER_GLOBALS()
#include "vtime_common.bpf.h"

/* queue of LLC i: LLC_DSQ + i (0 and 1 are common.bpf.h's) */
#define LLC_DSQ 16

s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;

static __always_inline u32 llc_of(s32 cpu)
{
	u32 l;

	if (cpu < 0 || cpu >= SCXB_MAX_CPUS)
		return 0;
	l = cpu_llc[cpu];
	return l < SCXB_MAX_LLCS && l < nr_llcs ? l : 0;
}

s32 BPF_STRUCT_OPS(llc_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return vtime_select_cpu_body(p, prev_cpu, wake_flags);
}

void BPF_STRUCT_OPS(llc_enqueue, struct task_struct *p, u64 enq_flags)
{
	if (scxb_enqueue_begin(p, enq_flags))
		return;
	/* the LLC of the CPU it was placed on (its last, or select_cpu's) */
	scxb_dsq_insert_vtime(p, LLC_DSQ + llc_of(scx_bpf_task_cpu(p)), SCX_SLICE_DFL,
			      task_vtime(p), enq_flags);
}

void BPF_STRUCT_OPS(llc_dispatch, s32 cpu, struct task_struct *prev)
{
	u32 own = llc_of(cpu);

	if (scxb_dsq_move_to_local(LLC_DSQ + own)) {
		SCXB_COUNT(counters, SCXB_CNT_SHARED_DISPATCH);
		return;
	}
	/* nothing waits here: take from the other LLCs, the next one first */
	for (u32 k = 1; k < SCXB_MAX_LLCS; k++) {
		if (k >= nr_llcs)
			break;
		if (scxb_dsq_move_to_local(LLC_DSQ + (own + k) % nr_llcs)) {
			SCXB_COUNT(counters, SCXB_CNT_SHARED_DISPATCH);
			return;
		}
	}
	SCXB_COUNT(counters, SCXB_CNT_DISPATCH_IDLE);
}

void BPF_STRUCT_OPS(llc_running, struct task_struct *p)
{
	vtime_running_body(p);
}

void BPF_STRUCT_OPS(llc_stopping, struct task_struct *p, bool runnable)
{
	vtime_stopping_body(p);
}

void BPF_STRUCT_OPS(llc_enable, struct task_struct *p)
{
	vtime_enable_body(p);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(llc_init)
{
	s32 err = scxb_create_dsqs();

	for (u32 i = 0; !err && i < SCXB_MAX_LLCS; i++) {
		if (i >= nr_llcs)
			break;
		err = scx_bpf_create_dsq(LLC_DSQ + i, -1);
	}
	return err;
}

void BPF_STRUCT_OPS(llc_exit, struct scx_exit_info *ei)
{
	SCXB_RECORD_EXIT(uei, ei);
}

SCXB_OPS(llc,
	 .select_cpu = (void *)llc_select_cpu,
	 .enqueue    = (void *)llc_enqueue,
	 .dispatch   = (void *)llc_dispatch,
	 .running    = (void *)llc_running,
	 .stopping   = (void *)llc_stopping,
	 .enable     = (void *)llc_enable,
	 .init       = (void *)llc_init,
	 .exit       = (void *)llc_exit);
