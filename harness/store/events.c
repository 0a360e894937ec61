// SPDX-License-Identifier: GPL-2.0
/*
 * Read side of a run's raw trace (the events table of --keep-events) and
 * of the per-task names and per-CPU counts that go with it, for exports
 * that replay a whole run (reports/perfetto.c). Events are streamed, not
 * loaded: a run keeps millions of them. Their order is (ts, rowid): the
 * parser's timestamp merge order, which is also the events_run_ts index's.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/log.h"
#include "harness/store/query.h"

static int prep(struct store *st, sqlite3_stmt **s, const char *sql)
{
	if (sqlite3_prepare_v2(store__db(st), sql, -1, s, NULL) != SQLITE_OK) {
		pr_err("store: %s\n", sqlite3_errmsg(store__db(st)));
		*s = NULL;
		return -EIO;
	}
	return 0;
}

int store__q_events_span(struct store *st, int64_t run_id, int64_t *first, int64_t *last,
			 int64_t *n)
{
	sqlite3_stmt *s;
	int err;

	err = prep(st, &s, "SELECT min(ts), max(ts), count(*) FROM events WHERE run_id = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return -EIO;
	}
	*n = sqlite3_column_int64(s, 2);
	*first = sqlite3_column_int64(s, 0);
	*last = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	return *n ? 0 : -ENOENT;
}

int store__q_events_each(struct store *st, int64_t run_id,
			 int (*fn)(void *arg, const struct q_event *e), void *arg)
{
	struct q_event e;
	sqlite3_stmt *s;
	int err, rc;

	err = prep(st, &s, "SELECT ts, cpu, type, pid, arg1, arg2 FROM events WHERE run_id = ?"
			   " ORDER BY ts, rowid");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		e.ts = sqlite3_column_int64(s, 0);
		e.cpu = sqlite3_column_int(s, 1);
		e.type = sqlite3_column_int(s, 2);
		e.pid = sqlite3_column_int(s, 3);
		e.arg1 = sqlite3_column_int64(s, 4);
		e.arg2 = sqlite3_column_int64(s, 5);
		err = fn(arg, &e);
		if (err)
			break;
	}
	if (!err && rc != SQLITE_DONE) {
		pr_err("store: events: %s\n", sqlite3_errmsg(store__db(st)));
		err = -EIO;
	}
	sqlite3_finalize(s);
	return err;
}

int store__q_task_names(struct store *st, int64_t run_id, struct q_task_name **out, int *n)
{
	sqlite3_stmt *s;
	int cap = 0, err, rc;

	*out = NULL;
	*n = 0;
	err = prep(st, &s, "SELECT t.pid, ifnull(c.tgid, 0), t.comm, t.role FROM task_stats t"
			   " LEFT JOIN task_classes c ON c.run_id = t.run_id AND c.pid = t.pid"
			   " WHERE t.run_id = ? ORDER BY t.pid");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct q_task_name *t;
		const char *comm = (const char *)sqlite3_column_text(s, 2);
		const char *role = (const char *)sqlite3_column_text(s, 3);

		if (*n == cap) {
			int ncap = cap ? cap * 2 : 256;
			struct q_task_name *nv = realloc(*out, ncap * sizeof(*nv));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			*out = nv;
			cap = ncap;
		}
		t = &(*out)[(*n)++];
		t->pid = sqlite3_column_int(s, 0);
		t->tgid = sqlite3_column_int(s, 1);
		snprintf(t->comm, sizeof(t->comm), "%s", comm ? comm : "");
		snprintf(t->role, sizeof(t->role), "%s", role ? role : "");
	}
	if (!err && rc != SQLITE_DONE)
		err = -EIO;
	sqlite3_finalize(s);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

int store__q_trace_cpus(struct store *st, int64_t run_id, struct q_trace_cpu **out, int *n)
{
	sqlite3_stmt *s;
	int cap = 0, err, rc;

	*out = NULL;
	*n = 0;
	err = prep(st, &s, "SELECT cpu, events, lost FROM trace_cpus WHERE run_id = ? ORDER BY cpu");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			int ncap = cap ? cap * 2 : 16;
			struct q_trace_cpu *nv = realloc(*out, ncap * sizeof(*nv));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			*out = nv;
			cap = ncap;
		}
		(*out)[*n] = (struct q_trace_cpu){ sqlite3_column_int(s, 0),
						   sqlite3_column_int64(s, 1),
						   sqlite3_column_int64(s, 2) };
		(*n)++;
	}
	if (!err && rc != SQLITE_DONE)
		err = -EIO;
	sqlite3_finalize(s);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}
