// SPDX-License-Identifier: GPL-2.0
/*
 * Capture mode of the tracefs parser (trace_capture.h): per captured
 * thread, its CPU time is cut into run steps at every wakeup it issues
 * (so the replay wakes its peer at the same point of its burst) and at
 * every voluntary sleep; a sleep becomes a "b" step when a captured
 * thread woke it and an "s" step otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <event-parse.h>
#include <tracefs.h>

#include "collectors/trace_capture.h"
#include "collectors/trace_collector.h"
#include "collectors/trace_parse_impl.h"
#include "harness/lib/log.h"

struct capture_rec {
	struct capture *cap;
	uint64_t t0;
	bool have_t0;
};

#define CAPTURED (ROLE_CMD + 1)

/* x86-64 system call numbers of the calls a task blocks in */
static int via_of(int sys)
{
	switch (sys) {
	case 202: /* futex */
	case 449: /* futex_waitv */
		return VIA_FUTEX;
	case 0: case 1: case 17: case 18: case 19: case 20: /* read write pread pwrite readv writev */
	case 7: case 23: case 232: case 270: case 271: case 281: case 441: /* poll select epoll... */
	case 44: case 45: case 46: case 47: case 299: case 307: /* send/recv (mmsg) */
		return VIA_PIPE;
	case 35: case 230: /* nanosleep clock_nanosleep */
		return VIA_TIMER;
	case 61: case 247: /* wait4 waitid */
		return VIA_CHILD;
	case -1:
		return VIA_UNKNOWN;
	default:
		return VIA_OTHER;
	}
}

static double rel_us(struct capture_rec *r, uint64_t ts)
{
	if (!r->have_t0) {
		r->t0 = ts;
		r->have_t0 = true;
	}
	return ts >= r->t0 ? (ts - r->t0) / 1e3 : 0;
}

/* t's thread idx, entered on first sight; -1 when t is not captured */
static int thread_of(struct parser *p, struct task *t, uint64_t ts)
{
	struct capture_rec *r = p->capr;
	double now = rel_us(r, ts);
	int idx;

	if (!t || t->set_role != CAPTURED)
		return -1;
	if (t->cap_idx1) {
		r->cap->th[t->cap_idx1 - 1].end_us = now;
		return t->cap_idx1 - 1;
	}
	idx = capture__add_thread(r->cap, t->pid, t->comm, now);
	if (idx < 0)
		return idx == -ENOSPC ? -1 : idx;
	t->cap_idx1 = idx + 1;
	t->last_sys = -1;
	return idx;
}

static int flush_run(struct parser *p, struct task *t, int idx)
{
	struct cap_step s = { .kind = CAP_RUN };

	if (!t->cap_run_ns)
		return 0;
	s.us = t->cap_run_ns / 1e3;
	t->cap_run_ns = 0;
	return capture__add_step(p->capr->cap, idx, &s);
}

int trace_capture__on_switch_in(struct parser *p, struct task *t, uint64_t ts, uint64_t lat)
{
	int idx = thread_of(p, t, ts);
	struct cap_thread *th;

	if (idx < 0)
		return idx < -1 ? idx : 0;
	t->cap_mark = ts;
	th = &p->capr->cap->th[idx];
	if (t->cap_lat_pending && th->nsteps) {
		/* UINT64_MAX: the switch-in was not seen, the latency is unknown */
		th->steps[th->nsteps - 1].lat_us = lat == UINT64_MAX ? -1 : lat / 1e3;
		t->cap_lat_pending = false;
	}
	return 0;
}

int trace_capture__on_switch_out(struct parser *p, struct task *t, uint64_t ts, uint64_t ran,
				 bool voluntary)
{
	int idx = thread_of(p, t, ts);

	if (idx < 0)
		return idx < -1 ? idx : 0;
	if (t->cap_mark && ts >= t->cap_mark)
		t->cap_run_ns += ts - t->cap_mark;
	t->cap_mark = 0;
	return voluntary ? flush_run(p, t, idx) : 0;
}

int trace_capture__on_wake(struct parser *p, struct task *t, uint64_t ts, uint64_t slept,
			   int waker)
{
	int idx = thread_of(p, t, ts), widx = -1, via, err;
	struct task *w = NULL;
	struct cap_step s = { .us = slept / 1e3 };

	if (idx < 0)
		return idx < -1 ? idx : 0;
	via = via_of(t->last_sys);
	if (via != VIA_TIMER && waker > 0 && waker != t->pid) {
		w = trace_tasks__find(p, waker);
		widx = w && w->on_cpu ? thread_of(p, w, ts) : -1;
		if (widx < -1)
			return widx;
	}
	if (widx >= 0) {
		struct cap_step ws = { .kind = CAP_WAKE, .peer = idx };

		/* the waker's burst so far, then the wakeup, where it was */
		if (w->cap_mark && ts >= w->cap_mark)
			w->cap_run_ns += ts - w->cap_mark;
		w->cap_mark = ts;
		err = flush_run(p, w, widx);
		if (!err)
			err = capture__add_step(p->capr->cap, widx, &ws);
		if (err)
			return err;
		s.kind = CAP_BLOCK;
		s.peer = widx;
	} else {
		s.kind = CAP_SLEEP;
		s.at_us = rel_us(p->capr, ts);
	}
	s.via = (uint8_t)via;
	t->cap_lat_pending = true;
	return capture__add_step(p->capr->cap, idx, &s);
}

int trace_capture__on_fork(struct parser *p, struct task *parent, struct task *child, uint64_t ts)
{
	int idx = thread_of(p, child, ts), pidx;

	if (idx < 0)
		return idx < -1 ? idx : 0;
	pidx = parent ? thread_of(p, parent, ts) : -1;
	if (pidx < -1)
		return pidx;
	p->capr->cap->th[idx].creator = pidx;
	return 0;
}

int trace_capture__on_syscall(struct parser *p, int pid, long id)
{
	struct task *t;

	if (pid <= 0)
		return 0;
	if (trace_tasks__reserve(p, 1))
		return -ENOMEM;
	t = trace_tasks__get(p, pid);
	t->last_sys = (int16_t)(id >= 0 && id < 32767 ? id : 32767);
	return 0;
}

int trace_capture__parse(const struct trace_parse_input *in, int nsets, const int *roots, int nroots,
			 const struct cap_attr *attrs, int nattrs, struct capture *cap)
{
	static const char *const systems[] = { "sched", "sched_ext", "raw_syscalls", NULL };
	struct capture_rec rec = { .cap = cap };
	struct tep_handle *tep = NULL;
	struct cursor *cur = NULL;
	struct parser *p = NULL;
	int err = 0;

	p = calloc(1, sizeof(*p));
	int nfiles = nsets * in->ncpus;

	cur = calloc(nfiles, sizeof(*cur));
	if (p)
		p->cpus = calloc(in->ncpus, sizeof(*p->cpus));
	for (int i = 0; cur && i < nfiles; i++)
		cur[i].fd = -1;
	if (!p || !cur || !p->cpus) {
		err = -ENOMEM;
		goto out;
	}
	p->ps = in->page_size;
	p->ncpus = in->ncpus;
	p->capr = &rec;
	tep = tracefs_local_events_system(in->tracing_dir, systems);
	if (!tep) {
		err = -ENOENT;
		goto out;
	}
	err = trace_events__setup(p, tep);
	if (!err)
		err = trace_tasks__init(p);
	for (int i = 0; !err && i < nroots; i++) {
		struct task *t;

		err = trace_tasks__reserve(p, 1);
		if (err)
			break;
		t = trace_tasks__get(p, roots[i]);
		t->set_role = CAPTURED;
		t->last_sys = -1;
	}
	for (int i = 0; !err && i < nfiles; i++)
		err = trace_pages__open(&cur[i], i % in->ncpus, in->paths[i], p->ps);
	if (!err)
		err = trace_pages__merge(p, cur, nfiles);
	if (err)
		goto out;
	/* what ran until the end is the last run step; names as last seen */
	for (size_t i = 0; i < p->cap; i++) {
		struct task *t = &p->tasks[i];

		if (!t->pid || !t->cap_idx1)
			continue;
		if (t->cap_run_ns) {
			err = flush_run(p, t, t->cap_idx1 - 1);
			if (err)
				goto out;
		}
		snprintf(cap->th[t->cap_idx1 - 1].comm, sizeof(cap->th[0].comm), "%s", t->comm);
	}
	for (int i = 0; i < cap->nth; i++)
		for (int k = 0; k < nattrs; k++)
			if (attrs[k].tid == cap->th[i].tid) {
				snprintf(cap->th[i].policy, sizeof(cap->th[i].policy), "%s", attrs[k].policy);
				cap->th[i].nice = attrs[k].nice;
				cap->th[i].rt_priority = attrs[k].rt_priority;
			}
	err = capture__finish(cap);
out:
	for (int i = 0; cur && i < nfiles; i++)
		trace_pages__close(&cur[i]);
	free(cur);
	if (p) {
		trace_tasks__free(p);
		free(p->cpus);
		free(p);
	}
	if (tep)
		tep_free(tep);
	return err;
}
