/* SPDX-License-Identifier: GPL-2.0 */
/*
 * classes: which scheduling class picked each task, counted in the kernel
 * at every sched_switch (a tracing program, not a scheduler: it is loaded
 * by collectors/classes.c for --partial runs only).
 *
 * The tracepoint's record says who ran, not under which class, and
 * nothing in the trace does. What does is next->sched_class at the
 * switch: the class whose pick_next_task returned the task. It is
 * compared with the addresses of ext_sched_class and fair_sched_class,
 * which libbpf resolves from kallsyms (untyped ksyms: the kernel's BTF
 * carries no variables but per-CPU ones). Both are weak: a kernel without
 * sched_ext has no ext_sched_class, and every switch-in then counts as
 * fair or other.
 *
 * Per pid: switch-ins by ext, fair and any other class (rt, deadline,
 * stop, idle), the policy and tgid at the last switch-in, and the comm
 * (copied every time: a forked child renames itself after its first run).
 * A pid that finds the map full is counted in `dropped`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "trace/classes.h"

char _license[] SEC("license") = "GPL";

extern const void ext_sched_class __ksym __weak;
extern const void fair_sched_class __ksym __weak;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCXB_CLASSES_MAX_TASKS);
	__type(key, __u32);
	__type(value, struct scxb_task_class);
} classes SEC(".maps");

__u64 dropped;

SEC("tp_btf/sched_switch")
int BPF_PROG(scxb_classes_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct scxb_task_class *v, zero = {};
	const void *cls = next->sched_class;
	__u32 pid = next->pid;

	if (!pid) /* the idle task */
		return 0;
	v = bpf_map_lookup_elem(&classes, &pid);
	if (!v) {
		bpf_map_update_elem(&classes, &pid, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&classes, &pid);
		if (!v) {
			__sync_fetch_and_add(&dropped, 1);
			return 0;
		}
	}
	if (&ext_sched_class && cls == &ext_sched_class)
		v->ext++;
	else if (&fair_sched_class && cls == &fair_sched_class)
		v->fair++;
	else
		v->other++;
	v->policy = next->policy;
	v->tgid = next->tgid;
	bpf_probe_read_kernel_str(v->comm, sizeof(v->comm), next->comm);
	return 0;
}
