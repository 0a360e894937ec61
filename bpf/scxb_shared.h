/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types shared by the BPF schedulers and their userspace loader
 * (harness/sched/bpf.c). Fixed-width __u64-style types only: the skeleton
 * exposes these globals to userspace byte for byte, and vmlinux.h (BPF)
 * and <linux/types.h> (userspace) both define them.
 */
#ifndef SCXB_SHARED_H
#define SCXB_SHARED_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* CPUs the loader describes to a scheduler (cpu_llc[] below), and the
 * LLC groups a scheduler may keep queues for */
#define SCXB_MAX_CPUS 512
#define SCXB_MAX_LLCS 64

#define SCXB_EXIT_REASON_LEN 128
#define SCXB_EXIT_MSG_LEN    1024
/* ops.exit_dump_len: the kernel's debug dump at an error exit (a few KiB
 * on small machines; truncated beyond this) */
#define SCXB_EXIT_DUMP_LEN   16384

/*
 * What ops.exit() copied out of the kernel's struct scx_exit_info. kind is
 * written last (with a barrier) so a non-zero kind means the strings are
 * complete.
 */
struct scxb_exit_info {
	__s32 kind;
	__u32 pad;
	__s64 exit_code;
	__u64 exit_mono_ns;  /* bpf_ktime_get_ns() in ops.exit: CLOCK_MONOTONIC */
	char reason[SCXB_EXIT_REASON_LEN];
	char msg[SCXB_EXIT_MSG_LEN];
	char dump[SCXB_EXIT_DUMP_LEN];
};

/*
 * Per-scheduler counters, bumped from the ops and read once at the end of
 * a run. The order matters: harness/sched/bpf.c names them by index.
 */
enum scxb_counter {
	SCXB_CNT_ENQUEUE,         /* ops.enqueue calls */
	SCXB_CNT_LOCAL_DISPATCH,  /* inserted straight into an idle CPU's local DSQ */
	SCXB_CNT_SHARED_DISPATCH, /* moved from the shared DSQ to a local DSQ */
	SCXB_CNT_DISPATCH_IDLE,   /* ops.dispatch found the shared DSQ empty */
	SCXB_CNT_VTIME_CLAMPED,   /* vtime: a sleeper's credit was capped */
	SCXB_NR_COUNTERS,
};

#endif
