// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs parser, outliers (--dump-on-outlier): for each outlier the probe
 * posted (harness/lib/outlier_ring.h), what the trace holds about it.
 *
 *   window: every slice (a task's stretch on a CPU, sched_switch in to
 *           sched_switch out) that overlaps [due - window, ran], where due
 *           is when the late wakeup was due (ran - latency): who ran on
 *           each CPU before and while it waited. The latest OW_SLICES per
 *           CPU are kept, the earlier ones counted (window_cut). The
 *           parser sees every sched_switch, so the windows need no
 *           --keep-events.
 *   dump:   the sched_ext_dump lines whose timestamps fall within its
 *           trigger's write(2): the kernel writes a SysRq-D dump in the
 *           writer's context under its dump lock, so those lines are that
 *           dump's and nothing else's. They are kept with the outlier and
 *           not in scx_dump, which stays the scheduler's exit dump.
 *
 * Both rely on the instance's trace_clock being mono (CLOCK_MONOTONIC,
 * the probe's clock); tracefs_parse.c does not call us otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/trace_parse_impl.h"
#include "harness/lib/outlier_ring.h"
#include "harness/store/outliers.h"

/* the dump's lines are written within the trigger's write(2); a little
 * slack for a clock read taken just after the last line */
#define DUMP_SLACK_NS 100000ull

int trace_outliers__init(struct parser *p, const struct outlier_ring *ring, uint64_t window_ns)
{
	int n = outlier_ring__nr(ring), k = 0;

	p->ow = calloc(n ? n : 1, sizeof(*p->ow));
	if (!p->ow)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		const struct outlier_rec *r = outlier_ring__get(ring, i);
		struct outlier_win *w = &p->ow[k];
		uint64_t due;

		if (!r || r->lat_ns > r->ts_ns)
			continue;
		due = r->ts_ns - r->lat_ns;
		w->seq = i;
		w->tid = r->tid;
		w->ws = due > window_ns ? due - window_ns : 0;
		w->we = r->ts_ns;
		if (r->dump == OUTLIER_DUMP_TAKEN) {
			w->ds = r->dump_start_ns;
			w->de = r->dump_end_ns + DUMP_SLACK_NS;
		}
		w->sl = calloc((size_t)p->ncpus * OW_SLICES, sizeof(*w->sl));
		w->head = calloc(p->ncpus, sizeof(*w->head));
		if (!w->sl || !w->head) {
			p->now = k + 1;
			return -ENOMEM;
		}
		if (!k || w->ws < p->ow_lo)
			p->ow_lo = w->ws;
		if (w->we > p->ow_hi)
			p->ow_hi = w->we;
		k++;
	}
	p->now = k;
	return 0;
}

void trace_outliers__slice(struct parser *p, int cpu, int pid, const char *comm, uint64_t start,
			   uint64_t end)
{
	size_t n = p->sw_prev_comm.size < 15 ? (size_t)p->sw_prev_comm.size : 15;

	for (int i = 0; i < p->now; i++) {
		struct outlier_win *w = &p->ow[i];
		struct win_slice *ws;

		if (end <= w->ws || start >= w->we)
			continue;
		ws = &w->sl[(size_t)cpu * OW_SLICES + w->head[cpu] % OW_SLICES];
		ws->s = (struct slice){ pid, start, end };
		memset(ws->comm, 0, sizeof(ws->comm));
		memcpy(ws->comm, comm, n);
		w->head[cpu]++;
	}
}

int trace_outliers__dump_line(struct parser *p, uint64_t ts, const char *line, int len)
{
	for (int i = 0; i < p->now; i++) {
		struct outlier_win *w = &p->ow[i];

		if (!w->ds || ts < w->ds || ts > w->de)
			continue;
		if (w->dlen + len + 2 > w->dcap) {
			size_t cap = (w->dlen + len + 2) * 2;
			char *d = realloc(w->dump, cap < 4096 ? 4096 : cap);

			if (!d)
				return -ENOMEM;
			w->dump = d;
			w->dcap = cap < 4096 ? 4096 : cap;
		}
		memcpy(w->dump + w->dlen, line, len);
		w->dlen += len;
		/* the kernel ends each line with one */
		if (!len || line[len - 1] != '\n')
			w->dump[w->dlen++] = '\n';
		w->dump[w->dlen] = 0;
		return 1;
	}
	return 0;
}

int trace_outliers__store(struct parser *p)
{
	struct store_slices *sw;
	int err = 0;

	if (!p->now)
		return 0;
	/* the slices still running when the trace ended, under the comm
	 * they were switched in with (the task table's, set then) */
	for (int c = 0; c < p->ncpus; c++) {
		const struct task *t = trace_tasks__find(p, p->cpus[c].cur);
		char comm[16] = "";

		if (t)
			memcpy(comm, t->comm, sizeof(comm));
		if (p->cpus[c].cur && p->cpus[c].since && p->last_ts > p->cpus[c].since)
			trace_outliers__on_slice(p, c, p->cpus[c].cur, comm, p->cpus[c].since,
						 p->last_ts);
	}
	sw = store__slices_begin(p->st, p->run_id);
	if (!sw)
		return -EIO;
	for (int i = 0; !err && i < p->now; i++) {
		struct outlier_win *w = &p->ow[i];
		uint64_t cut = 0;

		for (int c = 0; !err && c < p->ncpus; c++) {
			uint64_t h = w->head[c], first = h > OW_SLICES ? h - OW_SLICES : 0;

			cut += first;
			for (uint64_t k = first; !err && k < h; k++) {
				const struct win_slice *s = &w->sl[(size_t)c * OW_SLICES + k % OW_SLICES];

				err = store__slices_add(sw, w->seq, c, s->s.start, s->s.end, s->s.pid,
							s->comm);
			}
		}
		if (!err) {
			/* a dump line may end in a newline of its own: none doubled */
			if (w->dlen && w->dump[w->dlen - 1] == '\n')
				w->dump[--w->dlen] = 0;
			err = store__set_outlier_trace(p->st, p->run_id, w->seq, w->dlen ? w->dump : NULL,
						       w->ws, w->we, cut);
		}
	}
	store__slices_end(sw);
	return err;
}

void trace_outliers__free(struct parser *p)
{
	for (int i = 0; p->ow && i < p->now; i++) {
		free(p->ow[i].sl);
		free(p->ow[i].head);
		free(p->ow[i].dump);
	}
	free(p->ow);
	p->ow = NULL;
	p->now = 0;
}
