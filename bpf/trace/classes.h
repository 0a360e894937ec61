/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by bpf/trace/classes.bpf.c and its loader, collectors/classes.c:
 * one map value per pid. Fixed-width types only (both sides read it).
 */
#ifndef SCXB_TRACE_CLASSES_H
#define SCXB_TRACE_CLASSES_H

#ifndef __bpf__
#include <linux/types.h>
#endif

/* pids a run can see; a fork-heavy hackbench of 10 s makes ~10 k */
#define SCXB_CLASSES_MAX_TASKS 65536

struct scxb_task_class {
	__u64 ext, fair, other; /* switch-ins picked by each class */
	__u32 policy, tgid;     /* at the last switch-in */
	char comm[16];
};

#endif
