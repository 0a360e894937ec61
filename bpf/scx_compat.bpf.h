/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the scxbench BPF schedulers share: kfunc declarations, the helpers
 * that pick whichever variant of a kfunc the running kernel has, exit-info
 * recording and counters.
 *
 * The sched_ext kfunc API moves between kernels (7.x added a bool-returning
 * scx_bpf_dsq_insert___v2, an args-struct __scx_bpf_dsq_insert_vtime, an
 * enq_flags argument to scx_bpf_dsq_move_to_local, setters instead of direct
 * writes to p->scx). Every variant is declared __weak here, libbpf leaves the
 * missing ones NULL, and bpf_ksym_exists() picks at load time: one object
 * runs on every kernel we test (Debian sid 7.2, trixie-backports 7.3) and on
 * 6.12-era kernels. libbpf strips the last ___suffix when resolving a ksym,
 * which is how two declarations can name kernel functions whose own names
 * differ only by ___v2.
 *
 * vmlinux.h from bpftool >= 7.4 carries kfunc prototypes of its own; they
 * are switched off so the declarations below are the only ones, whichever
 * bpftool generated the header.
 */
#ifndef SCXB_COMPAT_BPF_H
#define SCXB_COMPAT_BPF_H

#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "scxb_shared.h"

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

/* ---- variants, resolved at load time ---- */
bool scx_bpf_dsq_insert___v2___scxb(struct task_struct *p, u64 dsq_id, u64 slice,
				    u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert___v1(struct task_struct *p, u64 dsq_id, u64 slice,
			     u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch___v0(struct task_struct *p, u64 dsq_id, u64 slice,
			   u64 enq_flags) __ksym __weak;

/* Own copy of the kernel's struct scx_bpf_dsq_insert_vtime_args: the
 * verifier checks the size against the kernel's type, and an older
 * vmlinux.h may not have it. */
struct scxb_insert_vtime_args {
	u64 dsq_id;
	u64 slice;
	u64 vtime;
	u64 enq_flags;
};
bool __scx_bpf_dsq_insert_vtime___scxb(struct task_struct *p,
				       struct scxb_insert_vtime_args *args) __ksym __weak;
void scx_bpf_dsq_insert_vtime___v1(struct task_struct *p, u64 dsq_id, u64 slice,
				   u64 vtime, u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime___v0(struct task_struct *p, u64 dsq_id, u64 slice,
				 u64 vtime, u64 enq_flags) __ksym __weak;

bool scx_bpf_dsq_move_to_local___v2___scxb(u64 dsq_id, u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local___v1(u64 dsq_id) __ksym __weak;
bool scx_bpf_consume___v0(u64 dsq_id) __ksym __weak;


bool scx_bpf_task_set_dsq_vtime___scxb(struct task_struct *p, u64 vtime) __ksym __weak;

static __always_inline void scxb_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
					    u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert___v2___scxb))
		scx_bpf_dsq_insert___v2___scxb(p, dsq_id, slice, enq_flags);
	else if (bpf_ksym_exists(scx_bpf_dsq_insert___v1))
		scx_bpf_dsq_insert___v1(p, dsq_id, slice, enq_flags);
	else
		scx_bpf_dispatch___v0(p, dsq_id, slice, enq_flags);
}

static __always_inline void scxb_dsq_insert_vtime(struct task_struct *p, u64 dsq_id,
						  u64 slice, u64 vtime, u64 enq_flags)
{
	if (bpf_ksym_exists(__scx_bpf_dsq_insert_vtime___scxb)) {
		struct scxb_insert_vtime_args args = {
			.dsq_id = dsq_id,
			.slice = slice,
			.vtime = vtime,
			.enq_flags = enq_flags,
		};

		__scx_bpf_dsq_insert_vtime___scxb(p, &args);
	} else if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime___v1)) {
		scx_bpf_dsq_insert_vtime___v1(p, dsq_id, slice, vtime, enq_flags);
	} else {
		scx_bpf_dispatch_vtime___v0(p, dsq_id, slice, vtime, enq_flags);
	}
}

static __always_inline bool scxb_dsq_move_to_local(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___v2___scxb))
		return scx_bpf_dsq_move_to_local___v2___scxb(dsq_id, 0);
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local___v1))
		return scx_bpf_dsq_move_to_local___v1(dsq_id);
	return scx_bpf_consume___v0(dsq_id);
}

/* The setters where the kernel has them: 7.x deprecates direct writes. */
static __always_inline void scxb_task_set_dsq_vtime(struct task_struct *p, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_task_set_dsq_vtime___scxb))
		scx_bpf_task_set_dsq_vtime___scxb(p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}

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
 * scheduler went away. kind is stored last, with a full barrier, so a
 * loader that sees it non-zero also sees the strings.
 */
#define SCXB_RECORD_EXIT(__dst, __ei)						\
({										\
	bpf_probe_read_kernel_str((__dst).reason, sizeof((__dst).reason),	\
				  (__ei)->reason);				\
	bpf_probe_read_kernel_str((__dst).msg, sizeof((__dst).msg), (__ei)->msg); \
	if (bpf_core_field_exists((__ei)->exit_code))				\
		(__dst).exit_code = (__ei)->exit_code;				\
	(__dst).exit_mono_ns = bpf_ktime_get_ns();				\
	__sync_val_compare_and_swap(&(__dst).kind, (__dst).kind, (__ei)->kind);	\
})

#define SCXB_COUNT(__counters, __idx) __sync_fetch_and_add(&(__counters)[__idx], 1)

/* Both schedulers' queues: the shared one every task goes through, and
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
