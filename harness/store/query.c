// SPDX-License-Identifier: GPL-2.0
/*
 * Read-side SQL of the store (see store_query.h). Nothing here writes.
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/store/query.h"
#include "harness/store/sql.h"

static void col_text(sqlite3_stmt *s, int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", sql__col_text(s, i));
}

static char *col_strdup(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return t ? strdup(t) : NULL;
}

static double col_real(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NAN : sqlite3_column_double(s, i);
}

/* Grow *v (element size sz) to hold n + 1 elements. */
static int grow(void **v, int n, int *cap, size_t sz)
{
	void *nv;

	if (n < *cap)
		return 0;
	*cap = *cap ? *cap * 2 : 16;
	nv = realloc(*v, *cap * sz);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	return 0;
}

void q_runs__free(struct q_runs *r)
{
	for (int i = 0; r->v && i < r->n; i++)
		free(r->v[i].exit_msg);
	free(r->v);
	r->v = NULL;
	r->n = 0;
}

#define RUN_COLS                                                                      \
	"SELECT id, scheduler, sched_kind, workload, status, place, accel, guest_kernel," \
	" kernel_release, hostname, cpu_model, version, git_sha, ncpus, rep, round, trace," \
	" compare_id, lost_events, exit_kind, started_at, ended_at, status_detail,"       \
	" exit_reason, exit_msg, fail_stage FROM runs"

static void fill_run(sqlite3_stmt *s, struct q_run *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	col_text(s, 1, r->scheduler, sizeof(r->scheduler));
	col_text(s, 2, r->sched_kind, sizeof(r->sched_kind));
	col_text(s, 3, r->workload, sizeof(r->workload));
	{
		char st[16];
		int v;

		col_text(s, 4, st, sizeof(st));
		/* the schema's CHECK keeps it one of the names */
		v = run_status__parse(st);
		r->status = v < 0 ? RUN_FAILED : v;
		col_text(s, 25, st, sizeof(st));
		v = fail_stage__parse(st);
		r->stage = v < 0 ? FAIL_NONE : v;
	}
	col_text(s, 5, r->place, sizeof(r->place));
	col_text(s, 6, r->accel, sizeof(r->accel));
	col_text(s, 7, r->guest_kernel, sizeof(r->guest_kernel));
	col_text(s, 8, r->kernel_release, sizeof(r->kernel_release));
	col_text(s, 9, r->hostname, sizeof(r->hostname));
	col_text(s, 10, r->cpu_model, sizeof(r->cpu_model));
	col_text(s, 11, r->version, sizeof(r->version));
	col_text(s, 12, r->git_sha, sizeof(r->git_sha));
	r->ncpus = sqlite3_column_int(s, 13);
	r->rep = sqlite3_column_int(s, 14);
	r->round = sqlite3_column_int(s, 15);
	r->trace = sqlite3_column_int(s, 16);
	r->compare_id = sqlite3_column_int64(s, 17);
	r->lost_events = sqlite3_column_int64(s, 18);
	r->exit_kind = sqlite3_column_type(s, 19) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 19);
	r->started_at = col_real(s, 20);
	r->ended_at = col_real(s, 21);
	col_text(s, 22, r->status_detail, sizeof(r->status_detail));
	col_text(s, 23, r->exit_reason, sizeof(r->exit_reason));
	r->exit_msg = col_strdup(s, 24);
}

static int collect_runs(struct store *st, sqlite3_stmt *s, struct q_runs *out, int *cap)
{
	int err;

	while ((err = sql__step(st, s)) > 0) {
		err = grow((void **)&out->v, out->n, cap, sizeof(*out->v));
		if (err)
			return err;
		fill_run(s, &out->v[out->n++]);
	}
	return err;
}

int store__q_runs_of_compare(struct store *st, int64_t compare_id, struct q_runs *out)
{
	sqlite3_stmt *s;
	int err, cap = 0;

	memset(out, 0, sizeof(*out));
	err = sql__prep(st, &s, RUN_COLS " WHERE compare_id = ? ORDER BY round, id");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, compare_id);
	err = collect_runs(st, s, out, &cap);
	sqlite3_finalize(s);
	if (err)
		q_runs__free(out);
	return err;
}

int store__q_runs_all(struct store *st, struct q_runs *out)
{
	sqlite3_stmt *s;
	int err, cap = 0;

	memset(out, 0, sizeof(*out));
	err = sql__prep(st, &s, RUN_COLS " ORDER BY id");
	if (err)
		return err;
	err = collect_runs(st, s, out, &cap);
	sqlite3_finalize(s);
	if (err)
		q_runs__free(out);
	return err;
}

int store__q_runs_by_id(struct store *st, const int64_t *ids, int n, struct q_runs *out,
			int64_t *missing)
{
	sqlite3_stmt *s;
	int err, cap = 0;

	memset(out, 0, sizeof(*out));
	err = sql__prep(st, &s, RUN_COLS " WHERE id = ?");
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++) {
		int before = out->n;

		sqlite3_bind_int64(s, 1, ids[i]);
		err = collect_runs(st, s, out, &cap);
		sqlite3_reset(s);
		if (!err && out->n == before) {
			if (missing)
				*missing = ids[i];
			err = -ENOENT;
		}
	}
	sqlite3_finalize(s);
	if (err)
		q_runs__free(out);
	return err;
}

void q_metrics__free(struct q_metrics *m)
{
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

int store__q_metrics(struct store *st, const int64_t *run_ids, int n, struct q_metrics *out)
{
	sqlite3_stmt *s;
	int cap = 0, err = 0;

	memset(out, 0, sizeof(*out));
	err = sql__prep(st, &s,
		   "SELECT run_id, name, unit, value, better FROM metrics WHERE run_id = ?");
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++) {
		sqlite3_bind_int64(s, 1, run_ids[i]);
		while ((err = sql__step(st, s)) > 0) {
			struct q_metric *m;

			err = grow((void **)&out->v, out->n, &cap, sizeof(*out->v));
			if (err)
				break;
			m = &out->v[out->n++];
			m->run_id = sqlite3_column_int64(s, 0);
			col_text(s, 1, m->name, sizeof(m->name));
			col_text(s, 2, m->unit, sizeof(m->unit));
			m->value = sqlite3_column_double(s, 3);
			m->better = sqlite3_column_int(s, 4);
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (err)
		q_metrics__free(out);
	return err;
}

int store__q_hist_names(struct store *st, const int64_t *run_ids, int n, char (**names)[64],
			char (**units)[16], int *nnames)
{
	sqlite3_stmt *s;
	int cap = 0, ucap = 0, err, k = 0;

	*names = NULL;
	*units = NULL;
	*nnames = 0;
	err = sql__prep(st, &s, "SELECT name, unit FROM histograms WHERE run_id = ?");
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++) {
		sqlite3_bind_int64(s, 1, run_ids[i]);
		while ((err = sql__step(st, s)) > 0) {
			const char *nm = sql__col_text(s, 0);
			int j;

			for (j = 0; j < k; j++)
				if (!strcmp((*names)[j], nm))
					break;
			if (j < k)
				continue;
			err = grow((void **)names, k, &cap, sizeof(**names));
			if (!err)
				err = grow((void **)units, k, &ucap, sizeof(**units));
			if (err)
				break;
			col_text(s, 0, (*names)[k], sizeof((*names)[k]));
			col_text(s, 1, (*units)[k], sizeof((*units)[k]));
			k++;
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	if (err) {
		free(*names);
		free(*units);
		*names = NULL;
		*units = NULL;
		return err;
	}
	/* sorted, so figures come out in a stable order */
	for (int i = 1; i < k; i++)
		for (int j = i; j > 0 && strcmp((*names)[j - 1], (*names)[j]) > 0; j--) {
			char tn[64], tu[16];

			memcpy(tn, (*names)[j], 64);
			memcpy((*names)[j], (*names)[j - 1], 64);
			memcpy((*names)[j - 1], tn, 64);
			memcpy(tu, (*units)[j], 16);
			memcpy((*units)[j], (*units)[j - 1], 16);
			memcpy((*units)[j - 1], tu, 16);
		}
	*nnames = k;
	return 0;
}

int store__q_hist(struct store *st, int64_t run_id, const char *name, struct hist *h)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s,
		   "SELECT scheme, count, sum, min, max, buckets FROM histograms"
		   " WHERE run_id = ? AND name = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	err = sql__step(st, s);
	if (err > 0) {
		const char *scheme = (const char *)sqlite3_column_text(s, 0);
		const void *blob = sqlite3_column_blob(s, 5);
		int len = sqlite3_column_bytes(s, 5);

		if (!scheme || strcmp(scheme, HIST_SCHEME)) {
			err = -EINVAL;
		} else {
			hist__init(h);
			err = hist__decode(h, blob, (size_t)len);
			h->sum = (uint64_t)sqlite3_column_int64(s, 2);
			h->min = (uint64_t)sqlite3_column_int64(s, 3);
			h->max = (uint64_t)sqlite3_column_int64(s, 4);
			if (!err && h->count != (uint64_t)sqlite3_column_int64(s, 1))
				err = -EINVAL; /* blob and count disagree */
		}
	} else if (!err) {
		err = -ENOENT;
	}
	sqlite3_finalize(s);
	return err;
}

int store__q_task_sum(struct store *st, int64_t run_id, const char *role, struct q_task_sum *ts)
{
	sqlite3_stmt *s;
	int err;

	memset(ts, 0, sizeof(*ts));
	err = sql__prep(st, &s,
		   "SELECT COUNT(*), TOTAL(wakeups), TOTAL(wait_ns), TOTAL(rq_wait_ns), TOTAL(run_ns),"
		   " (SELECT TOTAL(a.wait_ns) FROM antagonists a WHERE a.run_id = ?1 AND"
		   "   a.victim_pid IN (SELECT pid FROM task_stats WHERE run_id = ?1 AND role = ?2))"
		   " FROM task_stats WHERE run_id = ?1 AND role = ?2");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_TRANSIENT);
	err = sql__step(st, s);
	if (err > 0) {
		ts->tasks = sqlite3_column_int64(s, 0);
		ts->wakeups = (int64_t)sqlite3_column_double(s, 1);
		ts->wait_ns = (int64_t)sqlite3_column_double(s, 2);
		ts->rq_wait_ns = (int64_t)sqlite3_column_double(s, 3);
		ts->run_ns = (int64_t)sqlite3_column_double(s, 4);
		ts->antagonist_wait_ns = (int64_t)sqlite3_column_double(s, 5);
		err = ts->tasks ? 0 : -ENOENT;
	} else if (!err) {
		err = -EIO; /* an aggregate without a row */
	}
	sqlite3_finalize(s);
	return err;
}

int store__q_events(struct store *st, int64_t run_id, int64_t window_ns, int max,
		    struct q_event **out, int *n)
{
	sqlite3_stmt *s;
	int cap = 0, err;

	*out = NULL;
	*n = 0;
	err = sql__prep(st, &s,
		   "SELECT ts, cpu, type, pid, arg1, arg2 FROM events WHERE run_id = ?1 AND"
		   " ts <= (SELECT MIN(ts) FROM events WHERE run_id = ?1) + ?2"
		   " ORDER BY ts LIMIT ?3");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int64(s, 2, window_ns);
	sqlite3_bind_int(s, 3, max);
	while ((err = sql__step(st, s)) > 0) {
		struct q_event *e;

		err = grow((void **)out, *n, &cap, sizeof(**out));
		if (err)
			break;
		e = &(*out)[(*n)++];
		e->ts = sqlite3_column_int64(s, 0);
		e->cpu = sqlite3_column_int(s, 1);
		e->type = sqlite3_column_int(s, 2);
		e->pid = sqlite3_column_int(s, 3);
		e->arg1 = sqlite3_column_int64(s, 4);
		e->arg2 = sqlite3_column_int64(s, 5);
	}
	sqlite3_finalize(s);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

int store__q_task_comm(struct store *st, int64_t run_id, int pid, char *buf, size_t len)
{
	sqlite3_stmt *s;
	int err;

	buf[0] = 0;
	err = sql__prep(st, &s, "SELECT comm FROM task_stats WHERE run_id = ? AND pid = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int(s, 2, pid);
	err = sql__step(st, s);
	if (err > 0)
		col_text(s, 0, buf, len);
	sqlite3_finalize(s);
	return err < 0 ? err : 0;
}

/* Concatenate column 0 of every row, one line each. */
static int concat_rows(struct store *st, sqlite3_stmt *s, char **text)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	int err;

	while ((err = sql__step(st, s)) > 0) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		size_t l = t ? strlen(t) : 0;

		if (len + l + 2 > cap) {
			char *nb;

			cap = (len + l + 2) * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		memcpy(buf + len, t ? t : "", l);
		len += l;
		buf[len++] = '\n';
		buf[len] = 0;
	}
	if (err) {
		free(buf);
		return err;
	}
	*text = buf;
	return 0;
}

int store__q_notes(struct store *st, int64_t run_id, char **text)
{
	sqlite3_stmt *s;
	int err;

	*text = NULL;
	err = sql__prep(st, &s,
		   "SELECT collector || ': ' || note FROM collector_notes WHERE run_id = ?1"
		   " UNION ALL SELECT 'cpu ' || cpu || ': ' || lost || ' events lost, ' || overrun ||"
		   " ' overrun, ' || dropped || ' dropped' FROM trace_cpus WHERE run_id = ?1 AND"
		   " (lost > 0 OR overrun > 0 OR dropped > 0)");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	err = concat_rows(st, s, text);
	sqlite3_finalize(s);
	return err;
}

int store__q_dump(struct store *st, int64_t run_id, char **text)
{
	sqlite3_stmt *s;
	int err;

	*text = NULL;
	err = sql__prep(st, &s,
		   "SELECT line FROM (SELECT 0 AS k, seq, line FROM scx_dump WHERE run_id = ?1"
		   " UNION ALL SELECT 1, rowid, '[' || kind || '] ' || text FROM sched_output"
		   " WHERE run_id = ?1) ORDER BY k, seq");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	err = concat_rows(st, s, text);
	sqlite3_finalize(s);
	return err;
}

void q_compare__free(struct q_compare *c)
{
	free(c->schedulers);
	free(c->settings);
	c->schedulers = c->settings = NULL;
}

int store__q_compare(struct store *st, int64_t id, struct q_compare *c)
{
	sqlite3_stmt *s;
	int err;

	memset(c, 0, sizeof(*c));
	err = sql__prep(st, &s,
		   "SELECT id, uuid, workload, place, status, schedulers, settings, created_at,"
		   " seed, reps FROM comparisons WHERE id = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, id);
	err = sql__step(st, s);
	if (err > 0) {
		c->id = sqlite3_column_int64(s, 0);
		col_text(s, 1, c->uuid, sizeof(c->uuid));
		col_text(s, 2, c->workload, sizeof(c->workload));
		col_text(s, 3, c->place, sizeof(c->place));
		col_text(s, 4, c->status, sizeof(c->status));
		c->schedulers = col_strdup(s, 5);
		c->settings = col_strdup(s, 6);
		c->created_at = sqlite3_column_double(s, 7);
		c->seed = (uint64_t)sqlite3_column_int64(s, 8);
		c->reps = sqlite3_column_int(s, 9);
		err = c->schedulers ? 0 : -ENOMEM;
	} else if (!err) {
		err = -ENOENT;
	}
	sqlite3_finalize(s);
	if (err)
		q_compare__free(c);
	return err;
}

int store__q_compare_ids(struct store *st, int64_t **ids, int *n)
{
	sqlite3_stmt *s;
	int cap = 0, err;

	*ids = NULL;
	*n = 0;
	err = sql__prep(st, &s, "SELECT id FROM comparisons ORDER BY id");
	if (err)
		return err;
	while ((err = sql__step(st, s)) > 0) {
		err = grow((void **)ids, *n, &cap, sizeof(**ids));
		if (err)
			break;
		(*ids)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	return err;
}

int store__q_last_compare(struct store *st, int64_t *id)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "SELECT MAX(id) FROM comparisons");
	if (err)
		return err;
	err = sql__step(st, s);
	if (err > 0 && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		*id = sqlite3_column_int64(s, 0);
		err = 0;
	} else if (err >= 0) {
		err = -ENOENT;
	}
	sqlite3_finalize(s);
	return err;
}

int store__q_results(struct store *st, int64_t compare_id, struct q_result **out, int *n)
{
	sqlite3_stmt *s;
	int cap = 0, err;

	*out = NULL;
	*n = 0;
	err = sql__prep(st, &s,
		   "SELECT metric, scheduler, unit, verdict, better, n, survived, total, median,"
		   " mean, stddev, cov, ci_lo, ci_hi, delta_pct, delta_lo, delta_hi, p_value,"
		   " p_holm, effect FROM comparison_results WHERE compare_id = ?"
		   " ORDER BY metric, rowid");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, compare_id);
	while ((err = sql__step(st, s)) > 0) {
		struct q_result *r;

		err = grow((void **)out, *n, &cap, sizeof(**out));
		if (err)
			break;
		r = &(*out)[(*n)++];
		col_text(s, 0, r->metric, sizeof(r->metric));
		col_text(s, 1, r->scheduler, sizeof(r->scheduler));
		col_text(s, 2, r->unit, sizeof(r->unit));
		col_text(s, 3, r->verdict, sizeof(r->verdict));
		r->better = sqlite3_column_int(s, 4);
		r->n = sqlite3_column_int(s, 5);
		r->survived = sqlite3_column_int(s, 6);
		r->total = sqlite3_column_int(s, 7);
		r->median = col_real(s, 8);
		r->mean = col_real(s, 9);
		r->stddev = col_real(s, 10);
		r->cov = col_real(s, 11);
		r->ci_lo = col_real(s, 12);
		r->ci_hi = col_real(s, 13);
		r->delta_pct = col_real(s, 14);
		r->delta_lo = col_real(s, 15);
		r->delta_hi = col_real(s, 16);
		r->p_value = col_real(s, 17);
		r->p_holm = col_real(s, 18);
		r->effect = col_real(s, 19);
	}
	sqlite3_finalize(s);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

int store__q_tasks(struct store *st, int64_t run_id, int max, struct q_task **out, int *n)
{
	sqlite3_stmt *s;
	int cap = 0, err;

	*out = NULL;
	*n = 0;
	err = sql__prep(st, &s,
		   "SELECT t.pid, t.comm, t.role, t.wakeups, t.wait_ns, t.wait_max_ns, t.run_ns,"
		   " (SELECT a.comm FROM antagonists a WHERE a.run_id = t.run_id AND"
		   "  a.victim_pid = t.pid ORDER BY a.wait_ns DESC LIMIT 1)"
		   " FROM task_stats t WHERE t.run_id = ? ORDER BY t.wait_ns DESC, t.pid LIMIT ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int(s, 2, max);
	while ((err = sql__step(st, s)) > 0) {
		struct q_task *t;

		err = grow((void **)out, *n, &cap, sizeof(**out));
		if (err)
			break;
		t = &(*out)[(*n)++];
		t->pid = sqlite3_column_int(s, 0);
		col_text(s, 1, t->comm, sizeof(t->comm));
		col_text(s, 2, t->role, sizeof(t->role));
		t->wakeups = sqlite3_column_int64(s, 3);
		t->wait_ns = sqlite3_column_int64(s, 4);
		t->wait_max_ns = sqlite3_column_int64(s, 5);
		t->run_ns = sqlite3_column_int64(s, 6);
		col_text(s, 7, t->top_antagonist, sizeof(t->top_antagonist));
	}
	sqlite3_finalize(s);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}
