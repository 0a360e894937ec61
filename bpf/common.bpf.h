/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every scxbench BPF scheduler uses: the ops macros, the test knobs
 * and counters the loader (harness/sched/bpf.c) expects, scx_bpf_error(),
 * exit-info recording with the kernel's debug dump, and the DSQs. The
 * kfunc shims are in compat.bpf.h.
 *
 * A scheduler is one file bpf/NAME.bpf.c plus one line in
 * bpf/schedulers.def. Its file declares SCXB_SCHEDULER_GLOBALS(), writes
 * its ops, and ends with SCXB_OPS(NAME, ...): the ops map NAME_ops named
 * "scxb_NAME", which is what the loader expects the kernel to report.
 */
#ifndef SCXB_COMMON_BPF_H
#define SCXB_COMMON_BPF_H

#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "scxb_shared.h"
#include "compat.bpf.h"

#define PF_KTHREAD 0x00200000

#define BPF_STRUCT_OPS(name, args...) \
	SEC("struct_ops/" #name) BPF_PROG(name, ##args)
/* ops.init calls the sleepable scx_bpf_create_dsq() */
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) \
	SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)

/* ---- kfuncs present on every kernel with sched_ext ---- */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   bool *is_idle) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym;

/*
 * scx_bpf_error("fmt", args...): the kernel formats the message with the
 * bstr_printf rules (up to 12 u64 arguments) and ejects the scheduler with
 * SCX_EXIT_ERROR. The one spare array slot keeps the zero-argument case
 * from declaring a zero-length array.
 */
#define scx_bpf_error(fmt, args...)						\
({										\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[___bpf_narg(args) + 1] = {};		\
										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	___bpf_fill(___param, args);						\
	_Pragma("GCC diagnostic pop")						\
	scx_bpf_error_bstr(___fmt, ___param, sizeof(___param) - sizeof(___param[0])); \
})

/*
 * Copy the kernel's exit info into a global the loader reads after the
 * scheduler went away, the debug dump included (ops.exit_dump_len asks
 * the kernel for it): a run without tracing still stores it. kind is
 * stored last, with a full barrier, so a loader that sees it non-zero
 * also sees the strings.
 */
#define SCXB_RECORD_EXIT(__dst, __ei)						\
({										\
	bpf_probe_read_kernel_str((__dst).reason, sizeof((__dst).reason),	\
				  (__ei)->reason);				\
	bpf_probe_read_kernel_str((__dst).msg, sizeof((__dst).msg), (__ei)->msg); \
	if ((__ei)->dump)							\
		bpf_probe_read_kernel_str((__dst).dump, sizeof((__dst).dump),	\
					  (__ei)->dump);			\
	if (bpf_core_field_exists((__ei)->exit_code))				\
		(__dst).exit_code = (__ei)->exit_code;				\
	(__dst).exit_mono_ns = bpf_ktime_get_ns();				\
	__sync_val_compare_and_swap(&(__dst).kind, (__dst).kind, (__ei)->kind);	\
})

#define SCXB_COUNT(__counters, __idx) __sync_fetch_and_add(&(__counters)[__idx], 1)

/*
 * What the loader sets and reads in every built-in scheduler (by these
 * names, through the skeleton): the fail-on-purpose knobs, the counters,
 * the exit info. stall_one strands one task that is neither a kernel
 * thread (stranding a per-CPU kworker could wedge the loader's own
 * progress in ways the watchdog does not cover) nor the loader, which must
 * stay able to observe the ejection.
 *
 * The machine's last-level caches, from the loader (it reads the topology
 * the kernel shows in sysfs, harness/lib/topology.h): nr_llcs groups,
 * cpu_llc[cpu] the group of each CPU (0 beyond SCXB_MAX_CPUS). The kernel
 * gives BPF no LLC id of its own, so scx schedulers get it this way too.
 */
#define SCXB_SCHEDULER_GLOBALS()						\
	char _license[] SEC("license") = "GPL";				\
	const volatile __u32 nr_llcs = 1;					\
	const volatile __u32 cpu_llc[SCXB_MAX_CPUS];				\
	const volatile __u64 fail_after_enqueues;				\
	const volatile bool stall_one;						\
	const volatile __u32 loader_tgid;					\
	__u64 counters[SCXB_NR_COUNTERS];					\
	struct scxb_exit_info uei SEC(".data");					\
	static u32 stranded;							\
	static __always_inline bool strand_candidate(struct task_struct *p)	\
	{									\
		return stall_one && !stranded && !(p->flags & PF_KTHREAD) &&	\
		       (u32)p->tgid != loader_tgid;				\
	}									\
	/* ops.enqueue's start in every scheduler: count it, fail on	\
	 * purpose at the Nth, strand the one task the stall knob asks	\
	 * for. true: the task is queued already. */			\
	static __always_inline bool scxb_enqueue_begin(struct task_struct *p,	\
						       u64 enq_flags)		\
	{									\
		u64 n = __sync_fetch_and_add(&counters[SCXB_CNT_ENQUEUE], 1) + 1; \
										\
		if (fail_after_enqueues && n == fail_after_enqueues)		\
			scx_bpf_error("fail_after_enqueues: failing on purpose"	\
				      " after %llu enqueues", n);		\
		if (strand_candidate(p) &&					\
		    !__sync_val_compare_and_swap(&stranded, 0, 1)) {		\
			scxb_dsq_insert(p, STRAND_DSQ, SCX_SLICE_DFL, enq_flags); \
			return true;						\
		}								\
		return false;							\
	}

/* The end of a scheduler's file: its ops, named as the loader expects. */
#define SCXB_OPS(__name, ...)							\
	SEC(".struct_ops.link")							\
	struct sched_ext_ops __name##_ops = {					\
		__VA_ARGS__,							\
		.exit_dump_len = SCXB_EXIT_DUMP_LEN,				\
		.name = "scxb_" #__name,					\
	}

/* Every scheduler's queues: the shared one every task goes through, and
 * the one the stall test knob strands a task in (never dispatched). */
#define SHARED_DSQ 0
#define STRAND_DSQ 1

/* ops.init (sleepable: scx_bpf_create_dsq may allocate) */
static __always_inline s32 scxb_create_dsqs(void)
{
	s32 err = scx_bpf_create_dsq(SHARED_DSQ, -1);

	return err ? err : scx_bpf_create_dsq(STRAND_DSQ, -1);
}

static __always_inline bool time_before(u64 a, u64 b)
{
	return (s64)(a - b) < 0;
}

#endif
