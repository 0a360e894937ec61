// SPDX-License-Identifier: GPL-2.0
/*
 * classes collector: under --partial, which scheduling class every task
 * ran under. A --partial run claims that exactly the workload's tasks are
 * on sched_ext and everything else stays on fair; this is the evidence.
 *
 * The trace's sched_switch records say who ran, not under which class, so
 * a tracing program (bpf/trace/classes.bpf.c) counts per pid, at every
 * switch-in, the class that picked the task: sched_ext, fair or another
 * (rt, deadline, stop, idle). After the run the map becomes one
 * task_classes row per task and, per role (workload__role: by comm),
 *   trace_ext_switches_ROLE, trace_fair_switches_ROLE, trace_other_switches_ROLE
 * plus trace_ext_tasks_outside: how many tasks that are not the workload
 * were ever picked by sched_ext (0 in a sound partial run; otherwise a
 * warning and a note name them).
 *
 * A workload process forked by the harness is picked once by fair before
 * it switches itself to SCHED_EXT (workloads/spawn.c): one fair switch-in
 * per forked process is expected, not a leak.
 *
 * Off in full runs (nothing is loaded): there every fair task is on the
 * scheduler by definition, and the program would only cost ~100 ns per
 * switch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf/trace/classes.h"
#include "collectors/collector.h"
#include "harness/lib/log.h"
#include "harness/lib/results.h"
#include "harness/store/store.h"
#include "harness/store/trace.h"
#include "workloads/workload.h"

#include "trace/classes.skel.h"

/* tasks named in the note when outsiders ran on sched_ext */
#define NOTE_MAX_TASKS 8

static const char *const roles[] = { "probe", "hackbench", "hog", "other" };
#define NR_ROLES (sizeof(roles) / sizeof(roles[0]))

struct classes_col {
	bool active;  /* a --partial run: the program is loaded */
	struct classes_bpf *skel;
	struct bpf_link *link;
	char why[160];
};

/* Always: whether it counts is the run's mode (create), and a --partial
 * run needs sched_ext, which sched.c has checked by then. */
static bool classes_available(char *reason, size_t len)
{
	return true;
}

static int classes_create(void **state, const struct collector_cfg *cfg)
{
	struct classes_col *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return -ENOMEM;
	*state = c;
	if (!cfg->partial)
		return 0;
	c->active = true;
	c->skel = classes_bpf__open_and_load();
	if (!c->skel) {
		err = -errno ?: -EINVAL;
		snprintf(c->why, sizeof(c->why), "cannot load the class counter: %s", strerror(-err));
		pr_err("classes: %s\n", c->why);
		return err;
	}
	return 0;
}

static int classes_start(void *state)
{
	struct classes_col *c = state;
	int err;

	if (!c->active)
		return 0;
	c->link = bpf_program__attach(c->skel->progs.scxb_classes_switch);
	if (!c->link) {
		err = -errno ?: -EINVAL;
		snprintf(c->why, sizeof(c->why), "cannot attach to sched_switch: %s", strerror(-err));
		pr_err("classes: %s\n", c->why);
		return err;
	}
	return 0;
}

static int classes_stop(void *state)
{
	struct classes_col *c = state;

	bpf_link__destroy(c->link);
	c->link = NULL;
	return 0;
}

static const char *classes_failure(void *state)
{
	struct classes_col *c = state;

	return c->why[0] ? c->why : NULL;
}

static int role_index(const char *role)
{
	for (size_t i = 0; i < NR_ROLES; i++)
		if (!strcmp(roles[i], role))
			return (int)i;
	return NR_ROLES - 1;
}

static int classes_store(void *state, struct store *st, int64_t run_id, struct results *res)
{
	struct classes_col *c = state;
	uint64_t ext[NR_ROLES] = { 0 }, fair[NR_ROLES] = { 0 }, other[NR_ROLES] = { 0 };
	bool seen[NR_ROLES] = { 0 };
	char note[512] = "", name[64];
	int fd, err = 0, outside = 0;
	__u32 key, next;
	bool first = true;

	if (!c->active)
		return 0;
	fd = bpf_map__fd(c->skel->maps.classes);
	while (!bpf_map_get_next_key(fd, first ? NULL : &key, &next)) {
		struct scxb_task_class v;
		struct task_class_row row;
		char comm[sizeof(v.comm) + 1];
		int r;

		first = false;
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &v))
			continue; /* gone between the two calls: the map is no longer written */
		memcpy(comm, v.comm, sizeof(v.comm));
		comm[sizeof(v.comm)] = 0;
		row = (struct task_class_row){
			.pid = (int)key, .tgid = (int)v.tgid, .comm = comm,
			.role = workload__role(comm), .policy = (int)v.policy,
			.ext = v.ext, .fair = v.fair, .other = v.other,
		};
		err = store__add_task_class(st, run_id, &row);
		if (err)
			return err;
		r = role_index(row.role);
		seen[r] = true;
		ext[r] += v.ext;
		fair[r] += v.fair;
		other[r] += v.other;
		if (!strcmp(row.role, "other") && v.ext) {
			size_t len = strlen(note);

			if (outside < NOTE_MAX_TASKS)
				snprintf(note + len, sizeof(note) - len, "%s%s[%u] (%llu)", outside ? ", " : "",
					 comm, key, (unsigned long long)v.ext);
			outside++;
		}
	}
	for (size_t r = 0; r < NR_ROLES; r++) {
		if (!seen[r])
			continue;
#define ADD(fmt, v) do { \
		snprintf(name, sizeof(name), fmt, roles[r]); \
		err = results__add_metric(res, name, (double)(v), "", BETTER_NONE); \
		if (err) \
			return err; \
	} while (0)
		ADD("trace_ext_switches_%s", ext[r]);
		ADD("trace_fair_switches_%s", fair[r]);
		ADD("trace_other_switches_%s", other[r]);
#undef ADD
	}
	err = results__add_metric(res, "trace_ext_tasks_outside", outside, "", BETTER_LOWER);
	if (!err && c->skel->bss->dropped)
		err = results__add_metric(res, "trace_classes_dropped", (double)c->skel->bss->dropped,
					  "", BETTER_LOWER);
	if (err)
		return err;
	if (outside) {
		char full[640];

		pr_warn("classes: %d task(s) outside the workload ran on sched_ext in a --partial run: %s%s\n",
			outside, note, outside > NOTE_MAX_TASKS ? ", ..." : "");
		snprintf(full, sizeof(full), "%d task(s) outside the workload ran on sched_ext: %s%s",
			 outside, note, outside > NOTE_MAX_TASKS ? ", ..." : "");
		err = store__add_note(st, run_id, "classes", full);
	}
	return err;
}

static void classes_destroy(void *state)
{
	struct classes_col *c = state;

	if (!c)
		return;
	bpf_link__destroy(c->link);
	classes_bpf__destroy(c->skel);
	free(c);
}

const struct collector_ops classes_collector_ops = {
	.name = "classes",
	.available = classes_available,
	.create = classes_create,
	.start = classes_start,
	.stop = classes_stop,
	.failure = classes_failure,
	.store = classes_store,
	.destroy = classes_destroy,
};
