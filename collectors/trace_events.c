// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs parser, events: the layouts of the tracepoints we read (from the
 * kernel's format files via tep, never hard-coded offsets) and what each
 * event does to the task and CPU state. Apart from the page walk because
 * this is the part that knows the kernel's event semantics:
 *
 *   sched_waking/sched_wakeup -> sched_switch(next)   wakeup latency
 *   sched_switch(prev, state R) -> sched_switch(next) runqueue wait
 *   sched_switch(next) -> sched_switch(prev)          on-CPU time
 *   prev_state: R (or the preempt flag) involuntary, anything else voluntary
 *
 * A wakeup seen while the task is still on a CPU (it was woken before it
 * got to sleep) cancels the pending latency: the task never waited.
 *
 * Each event comes from trace_pages.c already checked against its page's
 * end; trace_events__on_event checks it against the size its type needs,
 * and rd_str checks strings against the event's size, before any field is
 * read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <event-parse.h>

#include "collectors/trace_capture.h"
#include "collectors/trace_collector.h"
#include "collectors/trace_parse_impl.h"
#include "harness/lib/log.h"
#include "harness/store/trace.h"

/* ---- tracepoint layouts ---- */

static bool get_fld(struct tep_event *ev, const char *name, struct fld *f, int *min_size)
{
	struct tep_format_field *tf = ev ? tep_find_field(ev, name) : NULL;

	if (!tf)
		return false;
	f->off = tf->offset;
	f->size = tf->size;
	f->sign = tf->flags & TEP_FIELD_IS_SIGNED;
	f->dyn = tf->flags & TEP_FIELD_IS_DYNAMIC;
	f->rel = tf->flags & TEP_FIELD_IS_RELATIVE;
	if (f->off + f->size > *min_size)
		*min_size = f->off + f->size;
	return true;
}

static inline int64_t rd(const uint8_t *d, const struct fld *f)
{
	switch (f->size) {
	case 1: return f->sign ? (int64_t)*(const int8_t *)(d + f->off) : d[f->off];
	case 2: {
		uint16_t v;

		memcpy(&v, d + f->off, 2);
		return f->sign ? (int64_t)(int16_t)v : (int64_t)v;
	}
	case 4: {
		uint32_t v;

		memcpy(&v, d + f->off, 4);
		return f->sign ? (int64_t)(int32_t)v : (int64_t)v;
	}
	default: {
		uint64_t v;

		memcpy(&v, d + f->off, 8);
		return (int64_t)v;
	}
	}
}

/* __data_loc / __rel_loc string, bounds-checked; NULL when out of range */
static const char *rd_str(const uint8_t *d, int size, const struct fld *f, int *len)
{
	uint32_t v;
	int off;

	if (!f->dyn) {
		*len = (int)strnlen((const char *)d + f->off, f->size);
		return (const char *)d + f->off;
	}
	memcpy(&v, d + f->off, 4);
	off = v & 0xffff;
	*len = v >> 16;
	if (f->rel)
		off += f->off + f->size;
	if (off < 0 || off + *len > size)
		return NULL;
	*len = (int)strnlen((const char *)d + off, *len);
	return (const char *)d + off;
}

static int setup_event(struct parser *p, struct tep_handle *tep, const char *sys,
		       const char *name, enum kind k, struct tep_event **evp)
{
	struct tep_event *ev = tep_find_event_by_name(tep, sys, name);

	*evp = ev;
	if (!ev)
		return 0;
	if (ev->id < 0 || ev->id > 65535)
		return 0;
	p->kind_of[ev->id] = k;
	return 1;
}

int trace_events__setup(struct parser *p, struct tep_handle *tep)
{
	struct tep_event *ev;
	bool ok = true;

	p->min_size[K_SCX_OTHER] = 8;
	if (setup_event(p, tep, "sched", "sched_switch", K_SWITCH, &ev)) {
		int *m = &p->min_size[K_SWITCH];

		ok &= get_fld(ev, "prev_comm", &p->sw_prev_comm, m) &&
		      get_fld(ev, "prev_pid", &p->sw_prev_pid, m) &&
		      get_fld(ev, "prev_state", &p->sw_prev_state, m) &&
		      get_fld(ev, "next_comm", &p->sw_next_comm, m) &&
		      get_fld(ev, "next_pid", &p->sw_next_pid, m);
	}
	/* waking, wakeup and wakeup_new share one layout */
	if (setup_event(p, tep, "sched", "sched_waking", K_WAKING, &ev) |
	    setup_event(p, tep, "sched", "sched_wakeup", K_WAKEUP, &ev) |
	    setup_event(p, tep, "sched", "sched_wakeup_new", K_WAKEUP_NEW, &ev)) {
		int *m = &p->min_size[K_WAKING];

		ev = tep_find_event_by_name(tep, "sched", "sched_wakeup");
		if (!ev)
			ev = tep_find_event_by_name(tep, "sched", "sched_waking");
		if (!ev)
			ev = tep_find_event_by_name(tep, "sched", "sched_wakeup_new");
		ok &= get_fld(ev, "comm", &p->wk_comm, m) && get_fld(ev, "pid", &p->wk_pid, m) &&
		      get_fld(ev, "target_cpu", &p->wk_cpu, m);
		p->min_size[K_WAKEUP] = p->min_size[K_WAKEUP_NEW] = *m;
	}
	if (setup_event(p, tep, "sched", "sched_migrate_task", K_MIGRATE, &ev)) {
		int *m = &p->min_size[K_MIGRATE];

		ok &= get_fld(ev, "pid", &p->mg_pid, m) && get_fld(ev, "orig_cpu", &p->mg_orig, m) &&
		      get_fld(ev, "dest_cpu", &p->mg_dest, m);
	}
	if (setup_event(p, tep, "sched", "sched_process_fork", K_FORK, &ev)) {
		int *m = &p->min_size[K_FORK];

		ok &= get_fld(ev, "parent_pid", &p->fk_ppid, m) &&
		      get_fld(ev, "child_pid", &p->fk_cpid, m) &&
		      get_fld(ev, "child_comm", &p->fk_ccomm, m);
	}
	if (setup_event(p, tep, "sched", "sched_process_exit", K_EXIT, &ev))
		ok &= get_fld(ev, "pid", &p->ex_pid, &p->min_size[K_EXIT]);
	if (setup_event(p, tep, "sched_ext", "sched_ext_dump", K_SCX_DUMP, &ev))
		ok &= get_fld(ev, "line", &p->dump_line, &p->min_size[K_SCX_DUMP]);
	if (setup_event(p, tep, "sched_ext", "sched_ext_event", K_SCX_EVENT, &ev))
		ok &= get_fld(ev, "name", &p->ev_name, &p->min_size[K_SCX_EVENT]) &&
		      get_fld(ev, "delta", &p->ev_delta, &p->min_size[K_SCX_EVENT]);
	/* capture mode only: what a task blocks in */
	if (setup_event(p, tep, "raw_syscalls", "sys_enter", K_SYS_ENTER, &ev))
		ok &= get_fld(ev, "id", &p->sys_id, &p->min_size[K_SYS_ENTER]);
	/* the rest of sched_ext:* is counted and kept raw only */
	for (int i = 0; i < tep_get_events_count(tep); i++) {
		struct tep_event *e = tep_get_event(tep, i);

		if (e && e->system && !strcmp(e->system, "sched_ext") && e->id >= 0 &&
		    e->id <= 65535 && !p->kind_of[e->id])
			p->kind_of[e->id] = K_SCX_OTHER;
	}
	if (!ok) {
		pr_err("trace: a sched event lacks an expected field (unknown kernel layout)\n");
		return -EPROTO;
	}
	return 0;
}

static void set_comm(struct task *t, const uint8_t *d, const struct fld *f)
{
	size_t n = f->size < 15 ? (size_t)f->size : 15;

	memcpy(t->comm, d + f->off, n);
	t->comm[n] = 0;
}

/* ---- events ---- */

/*
 * The kernel here (6.18) does not always emit sched_switch when a CPU
 * goes from idle to a woken task: a task switches out (or issues a
 * wakeup, or enters a system call) without ever having been seen to
 * switch in; with text output too, e.g. 262 switch-ins and 600
 * switch-outs of a timer thread. Such a task ran since its wakeup at the
 * latest: it is put on the CPU then, and no wakeup latency is recorded
 * for that wakeup (it is unknown).
 */
static int silent_switch_in(struct parser *p, struct task *t)
{
	if (t->on_cpu || !t->wake_ts)
		return 0;
	t->on_cpu = true;
	t->run_ts = t->wake_ts;
	t->wake_ts = t->rq_ts = 0;
	return p->capr ? trace_capture__on_switch_in(p, t, t->run_ts, UINT64_MAX) : 0;
}

int trace_events__running(struct parser *p, int pid)
{
	struct task *t;

	if (pid <= 0)
		return 0;
	if (trace_tasks__reserve(p, 1))
		return -ENOMEM;
	t = trace_tasks__get(p, pid);
	return silent_switch_in(p, t);
}

/* Does t's role keep burst/sleep histograms? Allocates them on first use
 * (NULL-safe: a failed allocation only loses the histogram). */
static bool behaviour(struct parser *p, const struct task *t, bool burst)
{
	enum role r = trace_tasks__role_of(t);
	struct hist **h = burst ? &p->burst[r] : &p->sleep[r];

	if (!trace_tasks__behaviour_role(r))
		return false;
	if (!*h) {
		*h = malloc(sizeof(**h));
		if (!*h)
			return false;
		hist__init(*h);
	}
	return true;
}

static int on_switch(struct parser *p, int cpu, uint64_t ts, const uint8_t *d)
{
	int prev = (int)rd(d, &p->sw_prev_pid), next = (int)rd(d, &p->sw_next_pid);
	int64_t state = rd(d, &p->sw_prev_state);
	struct cpu_state *c = &p->cpus[cpu];
	struct task *t;

	if (trace_tasks__reserve(p, 2))
		return -ENOMEM;
	if (prev) {
		uint64_t ran = 0;

		t = trace_tasks__get(p, prev);
		if (silent_switch_in(p, t))
			return -ENOMEM;
		if (t->on_cpu && ts >= t->run_ts) {
			ran = ts - t->run_ts;
			t->run_ns += ran;
		}
		t->on_cpu = false;
		if (!t->comm[0])
			set_comm(t, d, &p->sw_prev_comm);
		t->burst_ns += ran;
		/* low byte: the task state; 0 is R (preempted, yielded), the
		 * preempt flag is a higher bit */
		if ((state & 0xff) == 0) {
			t->invol++;
			t->rq_ts = ts;
		} else {
			t->vol++;
			if (behaviour(p, t, true))
				hist__add(p->burst[trace_tasks__role_of(t)], t->burst_ns);
			t->burst_ns = 0;
			t->sleep_ts = ts;
		}
		if (p->capr) {
			int err = trace_capture__on_switch_out(p, t, ts, ran, (state & 0xff) != 0);

			if (err)
				return err;
		}
		if (c->since && c->cur == prev) {
			c->ring[c->head % RING_SLICES] = (struct slice){ prev, c->since, ts };
			c->head++;
			/* the comm this slice ran under, from the event itself */
			trace_outliers__on_slice(p, cpu, prev, (const char *)d + p->sw_prev_comm.off,
						 c->since, ts);
		} else if (ran) {
			/* its switch-in is not in the trace (it ran when the
			 * trace began, or the kernel switched from idle without
			 * an event): the stretch it is known to have run */
			trace_outliers__on_slice(p, cpu, prev, (const char *)d + p->sw_prev_comm.off,
						 ts - ran, ts);
		}
	}
	c->cur = next;
	c->since = ts;
	if (next) {
		uint64_t from = 0;

		t = trace_tasks__get(p, next);
		set_comm(t, d, &p->sw_next_comm);
		if (t->wake_ts && ts >= t->wake_ts) {
			uint64_t lat = ts - t->wake_ts;

			if (sparse_hist__add(&t->lat, lat))
				return -ENOMEM;
			t->wait_ns += lat;
			if (lat > t->wait_max_ns)
				t->wait_max_ns = lat;
			from = t->wake_ts;
		} else if (t->rq_ts && ts >= t->rq_ts) {
			t->rq_wait_ns += ts - t->rq_ts;
			from = t->rq_ts;
		}
		if (p->capr) {
			int err = trace_capture__on_switch_in(p, t, ts, t->wake_ts && ts >= t->wake_ts ?
								ts - t->wake_ts : 0);

			if (err)
				return err;
		}
		t->wake_ts = t->rq_ts = 0;
		t->on_cpu = true;
		t->run_ts = ts;
		if (from && (trace_tasks__role_of(t) == ROLE_PROBE ||
			     trace_tasks__role_of(t) == ROLE_CMD))
			return trace_tasks__charge_antagonists(p, next, cpu, from, ts);
	}
	return 0;
}

static int on_wake(struct parser *p, enum kind k, uint64_t ts, const uint8_t *d)
{
	int pid = (int)rd(d, &p->wk_pid);
	struct task *t;

	if (!pid || trace_tasks__reserve(p, 2))
		return pid ? -ENOMEM : 0;
	if (k == K_WAKING) {
		int32_t waker;

		/* the waker runs, whether or not its switch-in was seen */
		memcpy(&waker, d + 4, 4);
		if (waker > 0 && waker != pid && trace_events__running(p, waker))
			return -ENOMEM;
	}
	t = trace_tasks__get(p, pid);
	if (!t->comm[0])
		set_comm(t, d, &p->wk_comm);
	if (k != K_WAKEUP_NEW && t->sleep_ts && ts >= t->sleep_ts && !t->on_cpu) {
		if (behaviour(p, t, false))
			hist__add(p->sleep[trace_tasks__role_of(t)], ts - t->sleep_ts);
		if (p->capr) {
			int32_t waker;
			int err;

			memcpy(&waker, d + 4, 4); /* common_pid: who woke it */
			err = trace_capture__on_wake(p, t, ts, ts - t->sleep_ts, waker);
			if (err)
				return err;
		}
		t->sleep_ts = 0;
	}
	switch (k) {
	case K_WAKING:
		if (!t->wake_ts)
			t->wake_ts = ts;
		break;
	case K_WAKEUP:
		t->wakeups++;
		/* woken before it got off the CPU: it never waited */
		if (t->on_cpu)
			t->wake_ts = 0;
		else if (!t->wake_ts)
			t->wake_ts = ts;
		break;
	default: /* wakeup_new: first run after fork */
		if (!t->wake_ts)
			t->wake_ts = ts;
		break;
	}
	return 0;
}

static void on_scx_event(struct parser *p, const uint8_t *d, int size)
{
	int len, i;
	const char *name = rd_str(d, size, &p->ev_name, &len);
	int64_t delta = rd(d, &p->ev_delta);

	if (!name || len <= 0)
		return;
	if (len >= (int)sizeof(p->scx_ev[0].name))
		len = sizeof(p->scx_ev[0].name) - 1;
	for (i = 0; i < p->nr_scx_ev; i++)
		if (!strncmp(p->scx_ev[i].name, name, len) && !p->scx_ev[i].name[len])
			break;
	if (i == p->nr_scx_ev) {
		if (i == MAX_SCX_EVENT_NAMES)
			return;
		memcpy(p->scx_ev[i].name, name, len);
		p->scx_ev[i].name[len] = 0;
		p->nr_scx_ev++;
	}
	p->scx_ev[i].sum += delta;
}

int trace_events__on_event(struct parser *p, int cpu, uint64_t ts, const uint8_t *d, int size)
{
	uint16_t id;
	enum kind k;
	int err = 0;

	/* every event starts with the 8-byte common header */
	if (size < 8)
		return -EINVAL;
	p->last_ts = ts;
	memcpy(&id, d, 2);
	k = p->kind_of[id];
	if (k == K_NONE)
		return 0;
	if (size < p->min_size[k])
		return -EINVAL;
	switch (k) {
	case K_SWITCH:
		err = on_switch(p, cpu, ts, d);
		if (!err && p->se)
			err = store__events_add(p->se, ts, cpu, TEV_SWITCH, (int)rd(d, &p->sw_next_pid),
						rd(d, &p->sw_prev_pid), rd(d, &p->sw_prev_state));
		break;
	case K_WAKING:
	case K_WAKEUP:
	case K_WAKEUP_NEW:
		err = on_wake(p, k, ts, d);
		if (!err && p->se)
			err = store__events_add(p->se, ts, cpu,
						k == K_WAKING ? TEV_WAKING :
						k == K_WAKEUP ? TEV_WAKEUP : TEV_WAKEUP_NEW,
						(int)rd(d, &p->wk_pid), rd(d, &p->wk_cpu), 0);
		break;
	case K_MIGRATE: {
		int pid = (int)rd(d, &p->mg_pid);

		if (pid) {
			if (trace_tasks__reserve(p, 1))
				return -ENOMEM;
			trace_tasks__get(p, pid)->migr++;
		}
		if (p->topo) {
			int rel = topo_view__relation(p->topo, (int)rd(d, &p->mg_orig),
						      (int)rd(d, &p->mg_dest));

			if (rel > TOPO_SAME_CPU)
				p->migr_rel[rel]++;
		}
		if (p->se)
			err = store__events_add(p->se, ts, cpu, TEV_MIGRATE, pid, rd(d, &p->mg_orig),
						rd(d, &p->mg_dest));
		break;
	}
	case K_FORK: {
		int child = (int)rd(d, &p->fk_cpid), parent = (int)rd(d, &p->fk_ppid);

		if (child) {
			struct task *t, *pt;

			if (trace_tasks__reserve(p, 1))
				return -ENOMEM;
			t = trace_tasks__get(p, child);
			set_comm(t, d, &p->fk_ccomm);
			/* a role by ancestry passes to threads and children */
			pt = parent ? trace_tasks__find(p, parent) : NULL;
			if (pt && pt->set_role)
				t->set_role = pt->set_role;
			if (p->capr) {
				int err = trace_capture__on_fork(p, pt, t, ts);

				if (err)
					return err;
			}
		}
		if (p->se)
			err = store__events_add(p->se, ts, cpu, TEV_FORK, (int)rd(d, &p->fk_ppid),
						child, 0);
		break;
	}
	case K_EXIT:
		if (p->se)
			err = store__events_add(p->se, ts, cpu, TEV_EXIT, (int)rd(d, &p->ex_pid), 0, 0);
		break;
	case K_SCX_DUMP: {
		int len;
		const char *line = rd_str(d, size, &p->dump_line, &len);
		char *s;

		if (!line)
			return -EINVAL;
		/* an outlier's SysRq-D dump is kept with the outlier */
		err = p->now ? trace_outliers__dump_line(p, ts, line, len) : 0;
		if (err)
			return err < 0 ? err : 0;
		s = strndup(line, len);
		if (!s)
			return -ENOMEM;
		/* strip the newline each dump line carries */
		if (len && s[len - 1] == '\n')
			s[len - 1] = 0;
		err = store__add_scx_dump(p->st, p->run_id, p->dump_seq++, s);
		free(s);
		break;
	}
	case K_SYS_ENTER: {
		int32_t pid;

		memcpy(&pid, d + 4, 4);
		err = trace_events__running(p, pid);
		if (!err && p->capr)
			err = trace_capture__on_syscall(p, pid, (long)rd(d, &p->sys_id));
		break;
	}
	case K_SCX_EVENT:
		on_scx_event(p, d, size);
		/* fall through */
	case K_SCX_OTHER: {
		int32_t pid;

		memcpy(&pid, d + 4, 4);
		if (p->se)
			err = store__events_add(p->se, ts, cpu, TEV_SCX, pid, id, 0);
		break;
	}
	default:
		break;
	}
	return err;
}
