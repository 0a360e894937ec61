/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kfunc shims: the sched_ext kfunc API moves between kernels, and one
 * object must load on every kernel we test (Debian sid 7.2, trixie-
 * backports 7.3) and on 6.12-era kernels. Every variant is declared __weak,
 * libbpf leaves the missing ones NULL, and bpf_ksym_exists() picks at load
 * time. libbpf strips the last ___suffix when resolving a ksym, which is
 * how two declarations can name kernel functions whose own names differ
 * only by ___v2. Each shim says which kernel needs it and when it can go
 * (as scx's compat.bpf.h does).
 *
 * vmlinux.h from bpftool >= 7.4 carries kfunc prototypes of its own; they
 * are switched off (common.bpf.h) so the declarations here are the only
 * ones, whichever bpftool generated the header.
 */
#ifndef SCXB_COMPAT_BPF_H
#define SCXB_COMPAT_BPF_H

/*
 * scx_bpf_dsq_insert___v2 (returns bool, 7.x), scx_bpf_dsq_insert (6.13),
 * scx_bpf_dispatch (6.12, renamed in 6.13). Drop ___v0 when 6.12 is no
 * longer tested; ___v1 when every tested kernel has ___v2.
 */
bool scx_bpf_dsq_insert___v2___scxb(struct task_struct *p, u64 dsq_id, u64 slice,
				    u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert___v1(struct task_struct *p, u64 dsq_id, u64 slice,
			     u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch___v0(struct task_struct *p, u64 dsq_id, u64 slice,
			   u64 enq_flags) __ksym __weak;

/*
 * __scx_bpf_dsq_insert_vtime with an args struct, returning bool (7.x),
 * scx_bpf_dsq_insert_vtime (6.13), scx_bpf_dispatch_vtime (6.12). Own copy of the kernel's struct
 * scx_bpf_dsq_insert_vtime_args: the verifier checks the size against the
 * kernel's type, and an older vmlinux.h may not have it.
 */
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

/*
 * scx_bpf_dsq_move_to_local with enq_flags (7.1), without (6.13),
 * scx_bpf_consume (6.12). Same retirement rule as above.
 */
bool scx_bpf_dsq_move_to_local___v2___scxb(u64 dsq_id, u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local___v1(u64 dsq_id) __ksym __weak;
bool scx_bpf_consume___v0(u64 dsq_id) __ksym __weak;

/*
 * scx_bpf_task_set_dsq_vtime (7.x deprecates writing p->scx.dsq_vtime
 * directly); the direct write until then. Drop the fallback when every
 * tested kernel has the setter.
 */
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

#endif
