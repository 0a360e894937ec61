// SPDX-License-Identifier: GPL-2.0
/*
 * SQL for the collectors' tables. The events table is the only one with
 * volume (millions of rows with --keep-events): it gets one prepared
 * 256-row INSERT reused for the whole load, and its (run_id, ts) index is maintained during the load rather
 * than built after it. That is the opposite of the usual bulk-load advice,
 * on purpose: the usual advice is about random keys (0.16 M rows/s here),
 * but the parser merges the CPUs by timestamp and run ids only grow, so
 * every index entry lands on the right edge of the B-tree. Measured on
 * 9.5 M events of hackbench: load 5.5-6.1 s with the index vs 3.3-4.5 s
 * load + 3.1 s CREATE INDEX after it (a full sort); on non-monotonic input
 * (concatenated recordings) it costs ~15 % more than sorting afterwards.
 * A larger page cache for the load made no measurable difference.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness/lib/log.h"
#include "harness/store/sql.h"
#include "harness/store/store.h"
#include "harness/store/trace.h"
#include "harness/lib/util.h"

/* Run a statement without rows once and finalize it. */
static int run_once(struct store *st, sqlite3_stmt *s)
{
	int err = sql__run(st, s);

	sqlite3_finalize(s);
	return err;
}

int store__add_trace_cpu(struct store *st, int64_t run_id, const struct trace_cpu_row *r)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "INSERT OR REPLACE INTO trace_cpus(run_id, cpu, events, overrun, dropped, lost)"
			  " VALUES (?, ?, ?, ?, ?, ?)");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int(s, 2, r->cpu);
	sqlite3_bind_int64(s, 3, (int64_t)r->events);
	sqlite3_bind_int64(s, 4, (int64_t)r->overrun);
	sqlite3_bind_int64(s, 5, (int64_t)r->dropped);
	sqlite3_bind_int64(s, 6, (int64_t)r->lost);
	return run_once(st, s);
}

int store__set_lost_events(struct store *st, int64_t run_id, int64_t lost)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "UPDATE runs SET lost_events = ? WHERE id = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, lost);
	sqlite3_bind_int64(s, 2, run_id);
	return run_once(st, s);
}

#define TASK_SQL "INSERT OR REPLACE INTO task_stats(run_id, pid, comm, role, wakeups, wait_ns," \
	" wait_max_ns, rq_wait_ns, run_ns, switches_vol, switches_invol, migrations," \
	" hist_count, hist_sum, hist_min, hist_max, hist_buckets)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

struct store_tasks {
	struct store *st;
	sqlite3_stmt *s;
	int64_t run_id;
	uint8_t *blob; /* hist__encoded_max() bytes */
};

struct store_tasks *store__tasks_begin(struct store *st, int64_t run_id)
{
	struct store_tasks *tw = calloc(1, sizeof(*tw));

	if (!tw)
		return NULL;
	tw->st = st;
	tw->run_id = run_id;
	tw->blob = malloc(hist__encoded_max());
	if (!tw->blob || sql__prep_flags(st, &tw->s, TASK_SQL, SQL_PERSISTENT)) {
		free(tw->blob);
		free(tw);
		return NULL;
	}
	return tw;
}

int store__tasks_add(struct store_tasks *tw, const struct task_stat_row *r)
{
	sqlite3_stmt *s = tw->s;

	sqlite3_bind_int64(s, 1, tw->run_id);
	sqlite3_bind_int(s, 2, r->pid);
	sqlite3_bind_text(s, 3, r->comm, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)r->wakeups);
	sqlite3_bind_int64(s, 6, (int64_t)r->wait_ns);
	sqlite3_bind_int64(s, 7, (int64_t)r->wait_max_ns);
	sqlite3_bind_int64(s, 8, (int64_t)r->rq_wait_ns);
	sqlite3_bind_int64(s, 9, (int64_t)r->run_ns);
	sqlite3_bind_int64(s, 10, (int64_t)r->switches_vol);
	sqlite3_bind_int64(s, 11, (int64_t)r->switches_invol);
	sqlite3_bind_int64(s, 12, (int64_t)r->migrations);
	if (r->hist && r->hist->count) {
		size_t len = hist__encode(r->hist, tw->blob);

		sqlite3_bind_int64(s, 13, (int64_t)r->hist->count);
		sqlite3_bind_int64(s, 14, (int64_t)r->hist->sum);
		sqlite3_bind_int64(s, 15, (int64_t)r->hist->min);
		sqlite3_bind_int64(s, 16, (int64_t)r->hist->max);
		sqlite3_bind_blob(s, 17, tw->blob, (int)len, SQLITE_STATIC);
	} else {
		for (int i = 13; i <= 17; i++)
			sqlite3_bind_null(s, i);
	}
	return sql__run(tw->st, s);
}

void store__tasks_end(struct store_tasks *tw)
{
	if (!tw)
		return;
	sqlite3_finalize(tw->s);
	free(tw->blob);
	free(tw);
}

int store__add_task_stat(struct store *st, int64_t run_id, const struct task_stat_row *r)
{
	struct store_tasks *tw = store__tasks_begin(st, run_id);
	int err;

	if (!tw)
		return store__corrupt(st) ? -EBADMSG : -EIO;
	err = store__tasks_add(tw, r);
	store__tasks_end(tw);
	return err;
}

int store__add_antagonist(struct store *st, int64_t run_id, int victim_pid, int pid,
			  const char *comm, uint64_t wait_ns, uint64_t count)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "INSERT OR REPLACE INTO antagonists(run_id, victim_pid, pid, comm, wait_ns, count)"
			  " VALUES (?, ?, ?, ?, ?, ?)");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int(s, 2, victim_pid);
	sqlite3_bind_int(s, 3, pid);
	sqlite3_bind_text(s, 4, comm, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)wait_ns);
	sqlite3_bind_int64(s, 6, (int64_t)count);
	return run_once(st, s);
}

int store__add_scx_dump(struct store *st, int64_t run_id, int64_t seq, const char *line)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "INSERT OR REPLACE INTO scx_dump(run_id, seq, line) VALUES (?, ?, ?)");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_text(s, 3, line, -1, SQLITE_STATIC);
	return run_once(st, s);
}

/* rows per INSERT: one sqlite3_step() per batch instead of per row */
#define EV_BATCH 256
#define EV_INDEX_SQL "CREATE INDEX IF NOT EXISTS events_run_ts ON events(run_id, ts)"

struct ev_row {
	int64_t ts, arg1, arg2;
	int cpu, type, pid;
};

struct store_events {
	struct store *st;
	sqlite3_stmt *one, *many;
	int64_t run_id;
	uint64_t t0, rows_total;
	int n;
	struct ev_row rows[EV_BATCH];
};

static sqlite3_stmt *prep_rows(struct store *st, int rows)
{
	char *sql = malloc(64 + (size_t)rows * 24);
	sqlite3_stmt *s = NULL;
	int len;

	if (!sql)
		return NULL;
	len = sprintf(sql, "INSERT INTO events(run_id, ts, cpu, type, pid, arg1, arg2) VALUES ");
	for (int i = 0; i < rows; i++)
		len += sprintf(sql + len, "%s(?1,?,?,?,?,?,?)", i ? "," : "");
	sql__prep_flags(st, &s, sql, SQL_PERSISTENT);
	free(sql);
	return s;
}

struct store_events *store__events_begin(struct store *st, int64_t run_id)
{
	struct store_events *se = calloc(1, sizeof(*se));

	if (!se)
		return NULL;
	se->st = st;
	se->run_id = run_id;
	se->one = prep_rows(st, 1);
	se->many = prep_rows(st, EV_BATCH);
	if (!se->one || !se->many) {
		sqlite3_finalize(se->one);
		sqlite3_finalize(se->many);
		free(se);
		return NULL;
	}
	sqlite3_bind_int64(se->one, 1, run_id);
	sqlite3_bind_int64(se->many, 1, run_id);
	if (sql__exec(st, EV_INDEX_SQL)) {
		store__events_abort(se);
		return NULL;
	}
	se->t0 = now_mono_ns();
	return se;
}

static int flush_rows(struct store_events *se, sqlite3_stmt *s, int from, int n)
{
	int p = 2;

	for (int i = from; i < from + n; i++) {
		const struct ev_row *r = &se->rows[i];

		sqlite3_bind_int64(s, p++, r->ts);
		sqlite3_bind_int(s, p++, r->cpu);
		sqlite3_bind_int(s, p++, r->type);
		sqlite3_bind_int(s, p++, r->pid);
		sqlite3_bind_int64(s, p++, r->arg1);
		sqlite3_bind_int64(s, p++, r->arg2);
	}
	return sql__run(se->st, s);
}

int store__events_add(struct store_events *se, uint64_t ts, int cpu, int type, int pid,
		      int64_t arg1, int64_t arg2)
{
	se->rows[se->n++] = (struct ev_row){ (int64_t)ts, arg1, arg2, cpu, type, pid };
	se->rows_total++;
	if (se->n < EV_BATCH)
		return 0;
	se->n = 0;
	return flush_rows(se, se->many, 0, EV_BATCH);
}

int store__events_end(struct store_events *se)
{
	uint64_t t1;
	int err = 0;

	if (!se)
		return 0;
	for (int i = 0; !err && i < se->n; i++)
		err = flush_rows(se, se->one, i, 1);
	sqlite3_finalize(se->one);
	sqlite3_finalize(se->many);
	t1 = now_mono_ns();
	pr_debug("store: %" PRIu64 " events loaded (index included) in %.3f s: %.2f M rows/s\n",
		 se->rows_total, (t1 - se->t0) / 1e9,
		 t1 > se->t0 ? se->rows_total / ((t1 - se->t0) / 1e9) / 1e6 : 0);
	free(se);
	return err;
}

void store__events_abort(struct store_events *se)
{
	if (!se)
		return;
	sqlite3_finalize(se->one);
	sqlite3_finalize(se->many);
	free(se);
}

#define col_text sql__col_text

int store__print_trace_cpus(struct store *st, int64_t run_id, FILE *f)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "SELECT cpu, events, overrun, dropped, lost FROM trace_cpus"
			  " WHERE run_id = ? ORDER BY cpu");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	fprintf(f, "%4s %12s %10s %10s %10s\n", "cpu", "events", "overrun", "dropped", "lost");
	while ((err = sql__step(st, s)) > 0)
		fprintf(f, "%4d %12lld %10lld %10lld %10lld%s\n", sqlite3_column_int(s, 0),
			sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
			sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4),
			sqlite3_column_int64(s, 4) ? "  LOST EVENTS" : "");
	sqlite3_finalize(s);
	return err;
}

/* p50/p99 of the stored wakeup-latency histogram, in us */
static void row_percentiles(sqlite3_stmt *s, int col, double *p50, double *p99)
{
	const void *blob = sqlite3_column_blob(s, col + 4);
	int len = sqlite3_column_bytes(s, col + 4);
	struct hist *h;

	*p50 = *p99 = 0;
	if (!blob || sqlite3_column_type(s, col) == SQLITE_NULL)
		return;
	h = malloc(sizeof(*h));
	if (!h)
		return;
	hist__init(h);
	if (!hist__decode(h, blob, (size_t)len)) {
		h->sum = (uint64_t)sqlite3_column_int64(s, col + 1);
		h->min = (uint64_t)sqlite3_column_int64(s, col + 2);
		h->max = (uint64_t)sqlite3_column_int64(s, col + 3);
		*p50 = hist__percentile(h, 50) / 1e3;
		*p99 = hist__percentile(h, 99) / 1e3;
	}
	free(h);
}

int store__print_tasks(struct store *st, int64_t run_id, FILE *f)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "SELECT pid, comm, role, wakeups, wait_ns, wait_max_ns, rq_wait_ns, run_ns,"
			  " switches_vol, switches_invol, migrations,"
			  " hist_count, hist_sum, hist_min, hist_max, hist_buckets"
			  " FROM task_stats WHERE run_id = ?"
			  " ORDER BY CASE role WHEN 'probe' THEN 0 WHEN 'hackbench' THEN 1"
			  " WHEN 'hog' THEN 2 ELSE 3 END, run_ns DESC");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	fprintf(f, "%7s %-16s %-9s %8s %9s %9s %10s %10s %10s %8s %8s %7s\n", "pid", "comm",
		"role", "wakeups", "wake_p50", "wake_p99", "wake_max", "rq_wait", "on_cpu",
		"vol", "invol", "migr");
	fprintf(f, "%7s %-16s %-9s %8s %9s %9s %10s %10s %10s %8s %8s %7s\n", "", "", "", "",
		"us", "us", "us", "ms", "ms", "", "", "");
	while ((err = sql__step(st, s)) > 0) {
		double p50, p99;

		row_percentiles(s, 11, &p50, &p99);
		fprintf(f, "%7d %-16s %-9s %8lld %9.1f %9.1f %10.1f %10.2f %10.2f %8lld %8lld %7lld\n",
			sqlite3_column_int(s, 0), sql__col_term(s, 1), sql__col_term(s, 2),
			sqlite3_column_int64(s, 3), p50, p99, sqlite3_column_int64(s, 5) / 1e3,
			sqlite3_column_int64(s, 6) / 1e6, sqlite3_column_int64(s, 7) / 1e6,
			sqlite3_column_int64(s, 8), sqlite3_column_int64(s, 9),
			sqlite3_column_int64(s, 10));
	}
	sqlite3_finalize(s);
	return err;
}

int store__print_antagonists(struct store *st, int64_t run_id, FILE *f)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "SELECT a.victim_pid, t.comm, a.pid, a.comm, a.wait_ns, a.count"
			  " FROM antagonists a LEFT JOIN task_stats t"
			  " ON t.run_id = a.run_id AND t.pid = a.victim_pid"
			  " WHERE a.run_id = ? ORDER BY a.victim_pid, a.wait_ns DESC");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	fprintf(f, "%7s %-16s %7s %-16s %12s %8s\n", "victim", "comm", "pid", "ran instead",
		"overlap_ms", "times");
	while ((err = sql__step(st, s)) > 0)
		fprintf(f, "%7d %-16s %7d %-16s %12.3f %8lld\n", sqlite3_column_int(s, 0),
			sql__col_term(s, 1), sqlite3_column_int(s, 2), sql__col_term(s, 3),
			sqlite3_column_int64(s, 4) / 1e6, sqlite3_column_int64(s, 5));
	sqlite3_finalize(s);
	return err;
}

int store__print_dump(struct store *st, int64_t run_id, FILE *f)
{
	sqlite3_stmt *s;
	int err, n = 0;

	err = sql__prep(st, &s, "SELECT exit_kind, exit_reason, exit_msg FROM runs WHERE id = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	err = sql__step(st, s);
	if (err > 0) {
		if (sqlite3_column_type(s, 0) != SQLITE_NULL)
			fprintf(f, "exit kind: %lld\n", sqlite3_column_int64(s, 0));
		if (*col_text(s, 1))
			fprintf(f, "exit reason: %s\n", sql__col_term(s, 1));
		if (*col_text(s, 2))
			fprintf(f, "exit message: %s\n", sql__col_term(s, 2));
		err = 0;
	}
	sqlite3_finalize(s);
	if (err)
		return err;

	err = sql__prep(st, &s, "SELECT line FROM scx_dump WHERE run_id = ? ORDER BY seq");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	while ((err = sql__step(st, s)) > 0) {
		fprintf(f, "%s\n", sql__col_term(s, 0));
		n++;
	}
	sqlite3_finalize(s);
	if (!err && !n)
		fprintf(f, "(no sched_ext dump recorded for run %lld)\n", (long long)run_id);
	return err;
}
