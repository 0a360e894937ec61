/* SPDX-License-Identifier: GPL-2.0 */
/*
 * extfifo: a test fixture standing in for an "external" sched_ext scheduler,
 * one that scxbench did not write. Deliberately independent of bpf/ (no
 * scx_compat.bpf.h, no scx headers): its own kfunc declarations, its own exit
 * info, its own loader (extfifo_loader.c).
 *
 * Policy: one global FIFO. ops.select_cpu only picks a CPU (the kernel's
 * default idle-CPU selection); every runnable task goes through ops.enqueue
 * to the tail of one user DSQ, and a CPU that runs out of work takes the
 * head. Every task gets the same slice, slice_us (rodata, set by the loader
 * from -s).
 *
 * Globals the loader reads (found by name through the object's BTF):
 *   slice_us     .rodata  slice in microseconds (0: the kernel's default)
 *   enqueues     .bss     ops.enqueue calls
 *   dispatches   .bss     tasks moved from the FIFO to a local DSQ
 *   uei          .data    exit info recorded by ops.exit (same layout as the
 *                         kernel tools' struct user_exit_info)
 *
 * Kernel API drift. Only plain kernel function names are declared (no
 * "___flavour" suffixes): libbpf 1.1 (Debian 12's shared one) looks a
 * suffixed ksym up verbatim, libbpf >= 1.2 strips the suffix, so a suffixed
 * name would resolve differently under the two loaders. 6.13+ kernels have
 * scx_bpf_dsq_insert / scx_bpf_dsq_move_to_local (7.x keeps them next to
 * their ___v2 successors); 6.12 had scx_bpf_dispatch / scx_bpf_consume.
 * All are __weak and bpf_ksym_exists() picks at load time. The slice is
 * passed to the insert kfunc: p->scx.slice is never written (7.x deprecates
 * direct writes).
 *
 * extkconfig.bpf.c includes this file with EXT_KCONFIG defined.
 */
#define BPF_NO_KFUNC_PROTOTYPES	/* vmlinux.h from bpftool >= 7.4 has its own */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#ifndef EXT_OPS_FLAGS
#define EXT_OPS_FLAGS 0
#endif
#ifndef EXT_OPS_NAME
#define EXT_OPS_NAME "extfifo"
#endif

/* libbpf < 1.2's bpf_helpers.h has no bpf_ksym_exists() */
#ifndef bpf_ksym_exists
#define bpf_ksym_exists(sym) ({						\
	_Static_assert(!__builtin_constant_p(!!sym),			\
		       #sym " should be marked as __weak");		\
	!!sym;								\
})
#endif

char _license[] SEC("license") = "GPL";

/* kfuncs present on every kernel with sched_ext */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   bool *is_idle) __ksym;

/* renamed in 6.13; the old names are gone from 7.x */
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice,
			u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch(struct task_struct *p, u64 dsq_id, u64 slice,
		      u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym __weak;
bool scx_bpf_consume(u64 dsq_id) __ksym __weak;

/* user DSQ ids must not have SCX_DSQ_FLAG_BUILTIN (bit 63) set */
#define EXT_FIFO_DSQ 0x4658ULL

const volatile u64 slice_us = 20000;

u64 enqueues;
u64 dispatches;

/* Same layout as the kernel tools' struct user_exit_info. */
struct ext_exit_info {
	int kind;
	s64 exit_code;
	char reason[128];
	char msg[1024];
};
struct ext_exit_info uei SEC(".data");

#ifdef EXT_KCONFIG
/*
 * libbpf fills these from /boot/config-$(uname -r) or /proc/config.gz at
 * load time; with neither present bpf_object__load() fails ("failed to open
 * system Kconfig"), weak or not. ops.init copies them where the loader
 * reads them.
 */
extern int CONFIG_HZ __kconfig;
extern bool CONFIG_SCHED_CLASS_EXT __kconfig __weak;

u64 kconfig_hz;
u64 kconfig_sched_class_ext;
#endif

static __always_inline void ext_insert(struct task_struct *p, u64 dsq_id, u64 enq_flags)
{
	u64 slice = slice_us ? slice_us * 1000 : SCX_SLICE_DFL;

	if (bpf_ksym_exists(scx_bpf_dsq_insert))
		scx_bpf_dsq_insert(p, dsq_id, slice, enq_flags);
	else
		scx_bpf_dispatch(p, dsq_id, slice, enq_flags);
}

static __always_inline bool ext_move_to_local(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local))
		return scx_bpf_dsq_move_to_local(dsq_id);
	return scx_bpf_consume(dsq_id);
}

SEC("struct_ops/extfifo_select_cpu")
s32 BPF_PROG(extfifo_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;

	return scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
}

SEC("struct_ops/extfifo_enqueue")
void BPF_PROG(extfifo_enqueue, struct task_struct *p, u64 enq_flags)
{
	__sync_fetch_and_add(&enqueues, 1);
	ext_insert(p, EXT_FIFO_DSQ, enq_flags);
}

SEC("struct_ops/extfifo_dispatch")
void BPF_PROG(extfifo_dispatch, s32 cpu, struct task_struct *prev)
{
	if (ext_move_to_local(EXT_FIFO_DSQ))
		__sync_fetch_and_add(&dispatches, 1);
}

/*
 * Sleepable (scx_bpf_create_dsq may allocate): libbpf 1.1 has no
 * "struct_ops.s/" section, so the loader sets BPF_F_SLEEPABLE on every
 * program whose name ends in "_init" before loading.
 */
SEC("struct_ops/extfifo_init")
s32 BPF_PROG(extfifo_init)
{
#ifdef EXT_KCONFIG
	kconfig_hz = CONFIG_HZ;
	kconfig_sched_class_ext = CONFIG_SCHED_CLASS_EXT;
#endif
	return scx_bpf_create_dsq(EXT_FIFO_DSQ, -1);
}

SEC("struct_ops/extfifo_exit")
void BPF_PROG(extfifo_exit, struct scx_exit_info *ei)
{
	bpf_probe_read_kernel_str(uei.reason, sizeof(uei.reason), ei->reason);
	bpf_probe_read_kernel_str(uei.msg, sizeof(uei.msg), ei->msg);
	if (bpf_core_field_exists(ei->exit_code))
		uei.exit_code = ei->exit_code;
	/* kind last, with a full barrier: kind != 0 means the strings are there */
	__sync_val_compare_and_swap(&uei.kind, uei.kind, ei->kind);
}

/* libbpf 1.1: no ".struct_ops.link"; the loader attaches with
 * bpf_map__attach_struct_ops() and unregisters by destroying that link. */
SEC(".struct_ops")
struct sched_ext_ops extfifo_ops = {
	.select_cpu	= (void *)extfifo_select_cpu,
	.enqueue	= (void *)extfifo_enqueue,
	.dispatch	= (void *)extfifo_dispatch,
	.init		= (void *)extfifo_init,
	.exit		= (void *)extfifo_exit,
	.flags		= EXT_OPS_FLAGS,
	.name		= EXT_OPS_NAME,
};
