// SPDX-License-Identifier: GPL-2.0
/*
 * sched_ext collector: the kernel's own view of the scheduler under test,
 * read from sysfs at start and stop (read-only; loading and unloading is
 * the scheduler code's business):
 *   state, root/ops          -> notes (text)
 *   enable_seq, nr_rejected  -> metrics (value at stop, delta)
 *   root/events              -> "scx_event.<NAME>" per-run deltas
 * The events file ("SCX_EV_NAME value" lines) exists on kernels that have
 * SCX event counters and only while a scheduler is loaded: if the
 * scheduler died during the run it is gone at stop and the note says so;
 * the trace side still sums the sched_ext_event tracepoint
 * ("scx_trace_event.<NAME>"). The sched_ext_dump lines come from the
 * trace too (tracefs_parse.c), since the kernel only emits them there.
 *
 * SCXB_SCX_SYSFS overrides /sys/kernel/sched_ext, for tests only.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collectors/collector.h"
#include "harness/lib/log.h"
#include "harness/lib/results.h"
#include "harness/store/store.h"
#include "harness/lib/util.h"

#define MAX_EVENTS 64
#define MAX_NOTES 8

struct scx_ev {
	char name[64];
	int64_t value;
};

struct scx_snap {
	bool ok;
	char state[32], ops[128];
	int64_t enable_seq, nr_rejected;
	bool has_seq, has_rejected, has_events;
	struct scx_ev ev[MAX_EVENTS];
	int nr_ev;
};

struct scx_col {
	bool active;
	struct scx_snap a, b;
	bool stopped;
};

static const char *scx_root(void)
{
	const char *o = getenv("SCXB_SCX_SYSFS");

	return o && *o ? o : "/sys/kernel/sched_ext";
}

static int read_file(const char *rel, char *buf, size_t len)
{
	char path[PATH_MAX];

	if (xsnprintf(path, sizeof(path), "%s/%s", scx_root(), rel) < 0)
		return -ENAMETOOLONG;
	return read_text_file(path, buf, len);
}

static bool read_i64(const char *rel, int64_t *out)
{
	char buf[64];

	return !read_file(rel, buf, sizeof(buf)) && !parse_i64(buf, INT64_MIN, INT64_MAX, out);
}

static bool scx_available(char *reason, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/state", scx_root());
	if (access(path, R_OK)) {
		snprintf(reason, len, "kernel has no sched_ext (%s absent)", path);
		return false;
	}
	return true;
}

static void parse_events(struct scx_snap *s, char *text)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		long long v;

		if (s->nr_ev >= MAX_EVENTS)
			break;
		if (sscanf(line, "%63[^ :\t] %lld", name, &v) != 2 &&
		    sscanf(line, "%63[^ :\t]: %lld", name, &v) != 2)
			continue;
		snprintf(s->ev[s->nr_ev].name, sizeof(s->ev[0].name), "%s", name);
		s->ev[s->nr_ev].value = v;
		s->nr_ev++;
	}
}

static int take(struct scx_snap *s)
{
	char buf[8192];

	memset(s, 0, sizeof(*s));
	if (read_file("state", s->state, sizeof(s->state)))
		return -ENOENT;
	s->ok = true;
	if (read_file("root/ops", s->ops, sizeof(s->ops)))
		s->ops[0] = 0;
	s->has_seq = read_i64("enable_seq", &s->enable_seq);
	s->has_rejected = read_i64("nr_rejected", &s->nr_rejected);
	if (!read_file("root/events", buf, sizeof(buf))) {
		s->has_events = true;
		parse_events(s, buf);
	}
	return 0;
}

static int scx_create(void **state, const struct collector_cfg *cfg)
{
	struct scx_col *c = calloc(1, sizeof(*c));

	*state = c;
	if (!c)
		return -ENOMEM;
	c->active = cfg->sched_ext_active;
	return 0;
}

static int scx_start(void *state)
{
	return take(&((struct scx_col *)state)->a);
}

static int scx_stop(void *state)
{
	struct scx_col *c = state;
	int err = take(&c->b);

	c->stopped = true;
	return err;
}

static int note(struct store *st, int64_t run_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int note(struct store *st, int64_t run_id, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return store__add_note(st, run_id, "scx", buf);
}

static int scx_store(void *state, struct store *st, int64_t run_id, struct results *res)
{
	struct scx_col *c = state;
	const struct scx_snap *a = &c->a, *b = &c->b;
	char name[96];
	int err;

	if (!a->ok)
		return note(st, run_id, "sched_ext state unreadable at start");
	err = note(st, run_id, "state at start: %s%s%s", a->state, a->ops[0] ? ", ops " : "", a->ops);
	if (!err && b->ok)
		err = note(st, run_id, "state at stop: %s%s%s", b->state, b->ops[0] ? ", ops " : "",
			   b->ops);
	if (err)
		return err;
	if (c->active && b->ok && strcmp(b->state, "enabled"))
		err = note(st, run_id, "the scheduler was no longer enabled when the workload ended");
	if (!err && a->has_seq && b->has_seq) {
		err = results__add_metric(res, "scx_enable_seq", (double)b->enable_seq, "",
					  BETTER_NONE);
		if (!err && b->enable_seq != a->enable_seq)
			err = note(st, run_id, "enable_seq moved during the run (%" PRId64 " -> %" PRId64
				   "): a scheduler was (re)loaded", a->enable_seq, b->enable_seq);
	}
	if (!err && a->has_rejected && b->has_rejected)
		err = results__add_metric(res, "scx_nr_rejected",
					  (double)(b->nr_rejected - a->nr_rejected), "", BETTER_LOWER);
	if (err)
		return err;
	if (a->has_events && !b->has_events)
		return note(st, run_id, "SCX event counters gone at stop (scheduler exited): no deltas");
	if (!a->has_events)
		return c->active ? note(st, run_id, "no SCX event counters in sysfs on this kernel") : 0;
	for (int i = 0; i < b->nr_ev; i++) {
		int64_t before = 0;

		for (int j = 0; j < a->nr_ev; j++)
			if (!strcmp(a->ev[j].name, b->ev[i].name))
				before = a->ev[j].value;
		snprintf(name, sizeof(name), "scx_event.%s", b->ev[i].name);
		err = results__add_metric(res, name, (double)(b->ev[i].value - before), "",
					  BETTER_NONE);
		if (err)
			return err;
	}
	return 0;
}

static void scx_destroy(void *state)
{
	free(state);
}

const struct collector_ops scx_collector_ops = {
	.name = "scx",
	.available = scx_available,
	.create = scx_create,
	.start = scx_start,
	.stop = scx_stop,
	.store = scx_store,
	.destroy = scx_destroy,
};
