// SPDX-License-Identifier: GPL-2.0
/*
 * Perfetto export (perfetto.h). A trace is a stream of TracePackets, each
 * framed as field 1 of the Trace message, written one by one so that
 * nothing grows with the run but the per-CPU bundle being filled.
 *
 * What a run becomes (field numbers from Perfetto's protos/perfetto/trace,
 * the comments name the messages):
 *   - its kept events, per CPU, as FtraceEventBundles of at most
 *     BUNDLE_EVENTS FtraceEvents: sched_switch, sched_waking, sched_wakeup,
 *     sched_wakeup_new, sched_migrate_task, sched_process_fork,
 *     sched_process_exit. The events table has no comms and no priorities:
 *     comms come from the run's task table (a task's last name), prio is
 *     left out; FtraceEvent.pid (the event's common_pid) is the task the
 *     CPU ran at that moment, tracked from the switches. sched_ext:*
 *     events are not written (the table keeps only their kernel ids). A
 *     CPU that lost events says so in its first bundle (lost_events).
 *   - every task of its task table as a process track (ProcessDescriptor)
 *     with a thread track under it (ThreadDescriptor), both named by its
 *     comm. The trace does not record thread groups: a task is its own
 *     process unless task_classes knows its tgid (--partial runs).
 *   - a track "run N: SCHED / WORKLOAD" holding one slice over the run's
 *     events; counter tracks under it: the probe's latency percentiles
 *     (*_lat_p50 ... _max: the probe keeps histograms, not samples, so a
 *     run has one value per percentile, drawn across the run) and the SCX
 *     event counters (scx_event.*, scx_trace_event.*: per-run totals,
 *     drawn the same way); instant events on it: the run's failure,
 *     lost events, and the --dump-on-outlier outliers: emit_outliers().
 *
 * Clock: events.ts is tracefs's "mono" clock, CLOCK_MONOTONIC in ns.
 * Perfetto has no ftrace clock of that name; every packet here is written
 * on its default, BOOTTIME (ftrace bundles without ftrace_clock, track
 * events without timestamp_clock_id), so all of them line up with each
 * other; BOOTTIME only differs from MONOTONIC by time spent suspended.
 *
 * Track events share one packet sequence (SEQ_ID), the first packet
 * marking its incremental state cleared. Track uuids: run id in the high
 * 32 bits, in the low ones 1 (run track), 0x100 + i (counter i), 1 << 30
 * | pid (process), 1 << 31 | pid (thread).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/trace_collector.h"
#include "harness/lib/pb.h"
#include "harness/lib/run_status.h"
#include "harness/store/outliers.h"
#include "reports/perfetto.h"

#define SEQ_ID 1
#define BUNDLE_EVENTS 2048
/* trace_processor refuses a bundle of CPU 1024 or more as corrupt */
#define MAX_CPUS 1024
/* runs from different boots are laid out this far apart */
#define RUN_GAP_NS 1000000000ll

/* TracePacket */
#define TP_FTRACE_EVENTS 1
#define TP_TIMESTAMP 8
#define TP_SEQ_ID 10
#define TP_TRACK_EVENT 11
#define TP_SEQ_FLAGS 13
#define TP_SYSTEM_INFO 45
#define TP_TRACK_DESCRIPTOR 60
#define SEQ_INCREMENTAL_STATE_CLEARED 1
/* FtraceEventBundle */
#define FB_CPU 1
#define FB_EVENT 2
#define FB_LOST 3
/* FtraceEvent */
#define FE_TIMESTAMP 1
#define FE_PID 2
#define FE_SCHED_SWITCH 4
#define FE_SCHED_WAKEUP 17
#define FE_SCHED_WAKING 20
#define FE_SCHED_WAKEUP_NEW 114
#define FE_SCHED_PROCESS_EXIT 238
#define FE_SCHED_PROCESS_FORK 239
#define FE_SCHED_MIGRATE_TASK 491
/* TrackDescriptor, ProcessDescriptor, ThreadDescriptor, CounterDescriptor */
#define TD_UUID 1
#define TD_NAME 2
#define TD_PROCESS 3
#define TD_THREAD 4
#define TD_PARENT 5
#define TD_COUNTER 8
#define PD_PID 1
#define PD_NAME 6
#define THD_PID 1
#define THD_TID 2
#define THD_NAME 5
#define CD_UNIT 3
#define CD_UNIT_NAME 6
#define UNIT_TIME_NS 1
#define UNIT_COUNT 2
/* TrackEvent */
#define TE_TYPE 9
#define TE_TRACK_UUID 11
#define TE_NAME 23
#define TE_DOUBLE_COUNTER 44
enum { TE_SLICE_BEGIN = 1, TE_SLICE_END = 2, TE_INSTANT = 3, TE_COUNTER = 4 };

struct pf_cpu {
	struct pb ev;   /* FtraceEvent fields (field 2 each) waiting for a bundle */
	int n;          /* how many */
	int cur;        /* pid on this CPU now: the events' common_pid */
	bool lost;      /* the next bundle says the kernel lost events here */
};

struct pf {
	FILE *f;
	struct pb pkt;
	bool seq_started;
	int err;
	/* the run being written */
	const struct q_run *run;
	int64_t offset;
	uint64_t base;  /* uuid base: run id << 32 */
	struct q_task_name *tasks;
	int ntasks;
	struct pf_cpu *cpu;
	int ncpu;
	int64_t skipped; /* events of CPUs past MAX_CPUS or not exported (sched_ext:*) */
};

/* ---- framing ---- */

static int write_framed(struct pf *p, const uint8_t *prefix, size_t np, const void *body,
			size_t nb)
{
	if (p->err)
		return p->err;
	if ((np && fwrite(prefix, 1, np, p->f) != np) || (nb && fwrite(body, 1, nb, p->f) != nb))
		p->err = errno ? -errno : -EIO;
	return p->err;
}

/* The built packet (TracePacket fields in p->pkt) as Trace field 1. */
static int flush_packet(struct pf *p)
{
	uint8_t hdr[11];
	size_t n = 0;

	if (pb__error(&p->pkt))
		return p->err = pb__error(&p->pkt);
	hdr[n++] = 1 << 3 | PB_LEN;
	n += pb__put_varint(hdr + n, p->pkt.len);
	return write_framed(p, hdr, n, p->pkt.buf, p->pkt.len);
}

/* A packet on the track-event sequence at ts. */
static void seq_packet(struct pf *p, int64_t ts)
{
	pb__reset(&p->pkt);
	pb__uint(&p->pkt, TP_TIMESTAMP, (uint64_t)ts);
	pb__uint(&p->pkt, TP_SEQ_ID, SEQ_ID);
	if (!p->seq_started) {
		pb__uint(&p->pkt, TP_SEQ_FLAGS, SEQ_INCREMENTAL_STATE_CLEARED);
		p->seq_started = true;
	}
}

/* ---- tracks and track events ---- */

static int track(struct pf *p, int64_t ts, uint64_t uuid, uint64_t parent, const char *name,
		 int unit, const char *unit_name)
{
	seq_packet(p, ts);
	pb__begin(&p->pkt, TP_TRACK_DESCRIPTOR);
	pb__uint(&p->pkt, TD_UUID, uuid);
	if (parent)
		pb__uint(&p->pkt, TD_PARENT, parent);
	pb__string(&p->pkt, TD_NAME, name);
	if (unit >= 0) {
		pb__begin(&p->pkt, TD_COUNTER);
		if (unit)
			pb__uint(&p->pkt, CD_UNIT, unit);
		if (unit_name)
			pb__string(&p->pkt, CD_UNIT_NAME, unit_name);
		pb__end(&p->pkt);
	}
	pb__end(&p->pkt);
	return flush_packet(p);
}

static int track_event(struct pf *p, int64_t ts, uint64_t uuid, int type, const char *name,
		       const double *value)
{
	seq_packet(p, ts);
	pb__begin(&p->pkt, TP_TRACK_EVENT);
	pb__uint(&p->pkt, TE_TYPE, type);
	pb__uint(&p->pkt, TE_TRACK_UUID, uuid);
	if (name)
		pb__string(&p->pkt, TE_NAME, name);
	if (value)
		pb__double(&p->pkt, TE_DOUBLE_COUNTER, *value);
	pb__end(&p->pkt);
	return flush_packet(p);
}

/*
 * A mark at ts (trace clock, this run's offset not yet added) on the
 * run's track: what outliers and failures become.
 */
static int pf_instant(struct pf *p, int64_t ts, const char *name)
{
	return track_event(p, ts + p->offset, p->base | 1, TE_INSTANT, name, NULL);
}

/*
 * The outliers of a run (--dump-on-outlier), one pf_instant() each at the
 * moment the late task ran (outliers.ts, the trace clock of the events),
 * named by what was slow and what became of its dump.
 */
static int emit_outliers(struct pf *p, struct store *st, int64_t run_id)
{
	struct q_outlier_run o;
	char name[192];
	int err;

	if (p->err)
		return p->err;
	err = store__q_outliers(st, run_id, &o);
	if (err)
		return p->err = err;
	for (int k = 0; k < o.n && !p->err; k++) {
		const struct q_outlier *q = &o.v[k];

		snprintf(name, sizeof(name), "outlier %d: %.3f ms %s latency of %s[%d], dump %s",
			 q->seq, q->latency_ns / 1e6, q->kind, q->comm, q->pid, q->dump);
		pf_instant(p, q->ts, name);
	}
	q_outlier_run__free(&o);
	return p->err;
}

/* ---- descriptors ---- */

static const char *comm_of(const struct pf *p, int pid, int cpu, char *buf, size_t len)
{
	int lo = 0, hi = p->ntasks - 1;

	if (pid == 0) {
		snprintf(buf, len, "swapper/%d", cpu);
		return buf;
	}
	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (p->tasks[mid].pid == pid)
			return p->tasks[mid].comm;
		if (p->tasks[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return "";
}

static int task_tracks(struct pf *p, int64_t ts)
{
	for (int i = 0; i < p->ntasks && !p->err; i++) {
		const struct q_task_name *t = &p->tasks[i];
		int tgid = t->tgid > 0 ? t->tgid : t->pid;
		char buf[16];
		uint64_t proc = p->base | 1u << 30 | (uint32_t)tgid;

		if (t->pid <= 0)
			continue;
		/* one process track per thread group, named by its leader */
		if (tgid == t->pid || !comm_of(p, tgid, 0, buf, sizeof(buf))[0]) {
			seq_packet(p, ts);
			pb__begin(&p->pkt, TP_TRACK_DESCRIPTOR);
			pb__uint(&p->pkt, TD_UUID, proc);
			pb__begin(&p->pkt, TD_PROCESS);
			pb__int(&p->pkt, PD_PID, tgid);
			pb__string(&p->pkt, PD_NAME, tgid == t->pid ? t->comm : "");
			pb__end(&p->pkt);
			pb__end(&p->pkt);
			flush_packet(p);
		}
		seq_packet(p, ts);
		pb__begin(&p->pkt, TP_TRACK_DESCRIPTOR);
		pb__uint(&p->pkt, TD_UUID, p->base | 1u << 31 | (uint32_t)t->pid);
		pb__uint(&p->pkt, TD_PARENT, proc);
		pb__begin(&p->pkt, TD_THREAD);
		pb__int(&p->pkt, THD_PID, tgid);
		pb__int(&p->pkt, THD_TID, t->pid);
		pb__string(&p->pkt, THD_NAME, t->comm);
		pb__end(&p->pkt);
		pb__end(&p->pkt);
		flush_packet(p);
	}
	return p->err;
}

/* ---- ftrace bundles ---- */

static int flush_bundle(struct pf *p, int cpu)
{
	struct pf_cpu *c = &p->cpu[cpu];
	uint8_t hdr[40];
	size_t n = 0, inner;

	if (!c->n)
		return p->err;
	if (pb__error(&c->ev))
		return p->err = pb__error(&c->ev);
	/* FtraceEventBundle { cpu, [lost_events], event... } in TracePacket
	 * field 1, in Trace field 1: the headers are written in front of the
	 * events, which are not copied again */
	inner = 1 + pb__varint_len((uint64_t)cpu) + (c->lost ? 2 : 0) + c->ev.len;
	hdr[n++] = 1 << 3 | PB_LEN;
	n += pb__put_varint(hdr + n, 1 + pb__varint_len(inner) + inner);
	hdr[n++] = TP_FTRACE_EVENTS << 3 | PB_LEN;
	n += pb__put_varint(hdr + n, inner);
	hdr[n++] = FB_CPU << 3 | PB_VARINT;
	n += pb__put_varint(hdr + n, (uint64_t)cpu);
	if (c->lost) {
		hdr[n++] = FB_LOST << 3 | PB_VARINT;
		hdr[n++] = 1;
		c->lost = false;
	}
	write_framed(p, hdr, n, c->ev.buf, c->ev.len);
	pb__reset(&c->ev);
	c->n = 0;
	return p->err;
}

/* Room for CPU cpu; false for a CPU number out of range. */
static bool cpu_slot(struct pf *p, int cpu)
{
	if (cpu < 0 || cpu >= MAX_CPUS)
		return false;
	if (cpu >= p->ncpu) {
		struct pf_cpu *n = realloc(p->cpu, (cpu + 1) * sizeof(*n));

		if (!n) {
			p->err = -ENOMEM;
			return false;
		}
		for (int i = p->ncpu; i <= cpu; i++) {
			memset(&n[i], 0, sizeof(n[i]));
			pb__init(&n[i].ev);
		}
		p->cpu = n;
		p->ncpu = cpu + 1;
	}
	return true;
}

/* comm, pid, [prio], [success,] target_cpu: the wakeup family's layout */
static void wake_fields(struct pf *p, struct pb *b, const struct q_event *e, bool success)
{
	char buf[16];

	pb__string(b, 1, comm_of(p, e->pid, e->cpu, buf, sizeof(buf)));
	pb__int(b, 2, e->pid);
	if (success)
		pb__int(b, 4, 1);
	pb__int(b, 5, e->arg1);
}

static int on_event(void *arg, const struct q_event *e)
{
	struct pf *p = arg;
	struct pf_cpu *c;
	struct pb *b;
	char b1[16], b2[16];
	int field;

	switch (e->type) {
	case TEV_SWITCH: field = FE_SCHED_SWITCH; break;
	case TEV_WAKING: field = FE_SCHED_WAKING; break;
	case TEV_WAKEUP: field = FE_SCHED_WAKEUP; break;
	case TEV_WAKEUP_NEW: field = FE_SCHED_WAKEUP_NEW; break;
	case TEV_MIGRATE: field = FE_SCHED_MIGRATE_TASK; break;
	case TEV_FORK: field = FE_SCHED_PROCESS_FORK; break;
	case TEV_EXIT: field = FE_SCHED_PROCESS_EXIT; break;
	default: /* sched_ext:* (kernel ids only) */
		p->skipped++;
		return 0;
	}
	if (!cpu_slot(p, e->cpu)) {
		p->skipped++;
		return p->err;
	}
	c = &p->cpu[e->cpu];
	b = &c->ev;
	pb__begin(b, FB_EVENT);
	pb__uint(b, FE_TIMESTAMP, (uint64_t)(e->ts + p->offset));
	pb__uint(b, FE_PID, (uint32_t)(e->type == TEV_SWITCH ? (int)e->arg1 : c->cur));
	pb__begin(b, field);
	switch (e->type) {
	case TEV_SWITCH: /* pid = next, arg1 = prev, arg2 = prev_state */
		pb__string(b, 1, comm_of(p, (int)e->arg1, e->cpu, b1, sizeof(b1)));
		pb__int(b, 2, e->arg1);
		pb__int(b, 4, e->arg2);
		pb__string(b, 5, comm_of(p, e->pid, e->cpu, b2, sizeof(b2)));
		pb__int(b, 6, e->pid);
		c->cur = e->pid;
		break;
	case TEV_WAKING:
	case TEV_WAKEUP:
	case TEV_WAKEUP_NEW:
		wake_fields(p, b, e, true);
		break;
	case TEV_MIGRATE: /* pid, arg1 = orig_cpu, arg2 = dest_cpu */
		pb__string(b, 1, comm_of(p, e->pid, e->cpu, b1, sizeof(b1)));
		pb__int(b, 2, e->pid);
		pb__int(b, 4, e->arg1);
		pb__int(b, 5, e->arg2);
		break;
	case TEV_FORK: /* pid = parent, arg1 = child */
		pb__string(b, 1, comm_of(p, e->pid, e->cpu, b1, sizeof(b1)));
		pb__int(b, 2, e->pid);
		pb__string(b, 3, comm_of(p, (int)e->arg1, e->cpu, b2, sizeof(b2)));
		pb__int(b, 4, e->arg1);
		break;
	case TEV_EXIT:
		pb__string(b, 1, comm_of(p, e->pid, e->cpu, b1, sizeof(b1)));
		pb__int(b, 2, e->pid);
		break;
	}
	pb__end(b);
	pb__end(b);
	if (++c->n >= BUNDLE_EVENTS)
		return flush_bundle(p, e->cpu);
	return pb__error(b) ? (p->err = pb__error(b)) : 0;
}

/* ---- runs ---- */

static bool is_latency_metric(const struct q_metric *m)
{
	static const char *const sfx[] = { "_p50", "_p90", "_p99", "_p99.9", "_max" };
	size_t n = strlen(m->name);

	if (strcmp(m->unit, "us") || !strstr(m->name, "_lat_"))
		return false;
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		size_t k = strlen(sfx[i]);

		if (n > k && !strcmp(m->name + n - k, sfx[i]))
			return true;
	}
	return false;
}

static bool is_scx_metric(const struct q_metric *m)
{
	return !strncmp(m->name, "scx_event.", 10) || !strncmp(m->name, "scx_trace_event.", 16);
}

/* The run's stored figures as counters, each drawn over [first, last]. */
static int counters(struct pf *p, struct store *st, int64_t first, int64_t last)
{
	struct q_metrics m;
	char name[128];
	int err, k = 0;

	err = store__q_metrics(st, &p->run->id, 1, &m);
	if (err)
		return p->err = err;
	for (int i = 0; i < m.n && !p->err; i++) {
		const struct q_metric *q = &m.v[i];
		bool lat = is_latency_metric(q);
		uint64_t uuid = p->base | (0x100 + k);
		double v;

		if (!lat && !is_scx_metric(q))
			continue;
		k++;
		v = lat ? q->value * 1000.0 : q->value; /* us -> ns */
		snprintf(name, sizeof(name), "run %lld %s", (long long)p->run->id, q->name);
		track(p, first, uuid, p->base | 1, name, lat ? UNIT_TIME_NS : UNIT_COUNT, NULL);
		track_event(p, first, uuid, TE_COUNTER, NULL, &v);
		track_event(p, last, uuid, TE_COUNTER, NULL, &v);
	}
	q_metrics__free(&m);
	return p->err;
}

static int export_run(struct pf *p, struct store *st, int64_t first, int64_t last,
		      char *err, size_t errlen)
{
	const struct q_run *r = p->run;
	struct q_trace_cpu *tc = NULL;
	char name[512];
	int ntc = 0, rc;

	p->base = (uint64_t)r->id << 32;
	rc = store__q_task_names(st, r->id, &p->tasks, &p->ntasks);
	if (!rc)
		rc = store__q_trace_cpus(st, r->id, &tc, &ntc);
	if (rc) {
		snprintf(err, errlen, "cannot read run %lld's tasks", (long long)r->id);
		return rc;
	}
	for (int i = 0; i < p->ncpu; i++) {
		p->cpu[i].cur = 0;
		p->cpu[i].lost = false;
	}
	snprintf(name, sizeof(name), "run %lld: %s / %s%s", (long long)r->id, r->scheduler,
		 r->workload, r->partial ? " (partial)" : "");
	track(p, first + p->offset, p->base | 1, 0, name, -1, NULL);
	task_tracks(p, first + p->offset);
	track_event(p, first + p->offset, p->base | 1, TE_SLICE_BEGIN, name, NULL);
	counters(p, st, first + p->offset, last + p->offset);
	for (int i = 0; i < ntc && !p->err; i++) {
		if (!tc[i].lost || !cpu_slot(p, tc[i].cpu))
			continue;
		p->cpu[tc[i].cpu].lost = true;
		snprintf(name, sizeof(name), "cpu %d: %" PRId64 " events lost", tc[i].cpu, tc[i].lost);
		pf_instant(p, first, name);
	}
	free(tc);
	emit_outliers(p, st, r->id);
	if (!p->err) {
		rc = store__q_events_each(st, r->id, on_event, p);
		if (rc && !p->err)
			p->err = rc;
	}
	for (int i = 0; i < p->ncpu && !p->err; i++)
		flush_bundle(p, i);
	if (r->status != RUN_OK) {
		snprintf(name, sizeof(name), "run %lld %s%s%s", (long long)r->id,
			 run_status__name(r->status),
			 r->status_detail[0] ? ": " : "", r->status_detail);
		pf_instant(p, last, name);
	}
	track_event(p, last + p->offset, p->base | 1, TE_SLICE_END, NULL, NULL);
	free(p->tasks);
	p->tasks = NULL;
	p->ntasks = 0;
	if (p->err)
		snprintf(err, errlen, "writing run %lld: %s", (long long)r->id, strerror(-p->err));
	return p->err;
}

static int system_info(struct pf *p, const struct q_run *r)
{
	pb__reset(&p->pkt);
	pb__begin(&p->pkt, TP_SYSTEM_INFO);
	pb__begin(&p->pkt, 1); /* Utsname */
	pb__string(&p->pkt, 1, "Linux");
	/* prev_state's bits depend on the kernel: trace_processor reads the
	 * release to decode them */
	pb__string(&p->pkt, 3, r->guest_kernel[0] ? r->guest_kernel : r->kernel_release);
	pb__end(&p->pkt);
	if (r->ncpus > 0)
		pb__uint(&p->pkt, 8, (uint64_t)r->ncpus);
	pb__end(&p->pkt);
	return flush_packet(p);
}

int perfetto__export(struct store *st, const struct q_run *runs, int n, FILE *f, char *err,
		     size_t errlen)
{
	struct pf p = { .f = f };
	int64_t prev_end = 0;
	int rc = 0;

	pb__init(&p.pkt);
	if (n > 0)
		rc = system_info(&p, &runs[0]);
	for (int i = 0; !rc && i < n; i++) {
		int64_t first, last, nev;

		rc = store__q_events_span(st, runs[i].id, &first, &last, &nev);
		if (rc == -ENOENT) {
			snprintf(err, errlen, "run %lld has no kept events (run it with --keep-events)",
				 (long long)runs[i].id);
			break;
		}
		if (rc) {
			snprintf(err, errlen, "cannot read run %lld's events", (long long)runs[i].id);
			break;
		}
		/* a run that starts before the previous one ended (another boot,
		 * another machine) goes after it */
		p.run = &runs[i];
		p.offset = i && first <= prev_end ? prev_end + RUN_GAP_NS - first : 0;
		rc = export_run(&p, st, first, last, err, errlen);
		prev_end = last + p.offset;
	}
	if (!rc && fflush(f))
		rc = -errno ?: -EIO;
	if (rc && !err[0])
		snprintf(err, errlen, "writing the trace: %s", strerror(-rc));
	for (int i = 0; i < p.ncpu; i++)
		pb__free(&p.cpu[i].ev);
	free(p.cpu);
	free(p.tasks);
	pb__free(&p.pkt);
	return rc;
}
