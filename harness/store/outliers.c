// SPDX-License-Identifier: GPL-2.0
/* SQL of the outlier tables (outliers.h), and their text for show. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "harness/lib/escape.h"
#include "harness/store/outliers.h"
#include "harness/store/sql.h"
#include "harness/store/store.h"

static int run_once(struct store *st, sqlite3_stmt *s)
{
	int err = sql__run(st, s);

	sqlite3_finalize(s);
	return err;
}

static void bind_u64_or_null(sqlite3_stmt *s, int i, uint64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, (int64_t)v);
	else
		sqlite3_bind_null(s, i);
}

int store__add_outliers(struct store *st, int64_t run_id, const struct outlier_ring *ring,
			double window_ms)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "UPDATE runs SET outlier_us = ?, outlier_dumps = ?,"
			  " outlier_window_ms = ?, outliers_seen = ?, outliers_during_dump = ?"
			  " WHERE id = ?");
	if (err)
		return err;
	sqlite3_bind_double(s, 1, ring->threshold_ns / 1e3);
	sqlite3_bind_int(s, 2, ring->cap);
	sqlite3_bind_double(s, 3, window_ms);
	sqlite3_bind_int64(s, 4, outlier_ring__seen(ring));
	sqlite3_bind_int64(s, 5, outlier_ring__skipped(ring));
	sqlite3_bind_int64(s, 6, run_id);
	err = run_once(st, s);
	if (err)
		return err;
	err = sql__prep(st, &s, "INSERT INTO outliers(run_id, seq, ts, latency_ns, pid, comm, kind,"
			  " dump, dump_error, dump_start, dump_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	for (int i = 0; !err && i < ring->cap; i++) {
		const struct outlier_rec *r = outlier_ring__get(ring, i);
		char comm[sizeof(r->comm) + 1];

		if (!r)
			continue;
		memcpy(comm, r->comm, sizeof(r->comm));
		comm[sizeof(r->comm)] = 0;
		sqlite3_bind_int(s, 2, i);
		sqlite3_bind_int64(s, 3, (int64_t)r->ts_ns);
		sqlite3_bind_int64(s, 4, (int64_t)r->lat_ns);
		sqlite3_bind_int(s, 5, r->tid);
		sqlite3_bind_text(s, 6, comm, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 7, outlier_kind__name(r->kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 8, outlier_dump__name(r->dump), -1, SQLITE_STATIC);
		if (r->dump_err)
			sqlite3_bind_text(s, 9, strerror(-r->dump_err), -1, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(s, 9);
		bind_u64_or_null(s, 10, r->dump_start_ns);
		bind_u64_or_null(s, 11, r->dump_end_ns);
		err = sql__run(st, s);
	}
	sqlite3_finalize(s);
	return err;
}

int store__set_outlier_trace(struct store *st, int64_t run_id, int seq, const char *dump_text,
			     uint64_t window_start, uint64_t window_end, uint64_t cut)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "UPDATE outliers SET dump_text = ?, window_start = ?,"
			  " window_end = ?, window_cut = ? WHERE run_id = ? AND seq = ?");
	if (err)
		return err;
	sql__bind_text(s, 1, dump_text);
	sqlite3_bind_int64(s, 2, (int64_t)window_start);
	sqlite3_bind_int64(s, 3, (int64_t)window_end);
	sqlite3_bind_int64(s, 4, (int64_t)cut);
	sqlite3_bind_int64(s, 5, run_id);
	sqlite3_bind_int(s, 6, seq);
	return run_once(st, s);
}

struct store_slices {
	struct store *st;
	sqlite3_stmt *s;
};

struct store_slices *store__slices_begin(struct store *st, int64_t run_id)
{
	struct store_slices *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->st = st;
	if (sql__prep(st, &w->s, "INSERT INTO outlier_slices(run_id, seq, cpu, start_ts, end_ts,"
		      " pid, comm) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
		free(w);
		return NULL;
	}
	sqlite3_bind_int64(w->s, 1, run_id);
	return w;
}

int store__slices_add(struct store_slices *w, int seq, int cpu, uint64_t start, uint64_t end,
		      int pid, const char *comm)
{
	sqlite3_bind_int(w->s, 2, seq);
	sqlite3_bind_int(w->s, 3, cpu);
	sqlite3_bind_int64(w->s, 4, (int64_t)start);
	sqlite3_bind_int64(w->s, 5, (int64_t)end);
	sqlite3_bind_int(w->s, 6, pid);
	sqlite3_bind_text(w->s, 7, comm, -1, SQLITE_STATIC);
	return sql__run(w->st, w->s);
}

void store__slices_end(struct store_slices *w)
{
	if (!w)
		return;
	sqlite3_finalize(w->s);
	free(w);
}

/* ---- read side ---- */

void q_outlier_run__free(struct q_outlier_run *o)
{
	for (int i = 0; o->v && i < o->n; i++)
		free(o->v[i].dump_text);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static int64_t col_i64_or(sqlite3_stmt *s, int i, int64_t def)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? def : sqlite3_column_int64(s, i);
}

int store__q_outliers(struct store *st, int64_t run_id, struct q_outlier_run *out)
{
	sqlite3_stmt *s;
	int err, cap = 0;

	memset(out, 0, sizeof(*out));
	out->threshold_us = NAN;
	err = sql__prep(st, &s, "SELECT outlier_us, outlier_dumps, outlier_window_ms, outliers_seen,"
			  " outliers_during_dump FROM runs WHERE id = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	err = sql__step(st, s);
	if (err > 0 && sqlite3_column_type(s, 0) != SQLITE_NULL) {
		out->threshold_us = sqlite3_column_double(s, 0);
		out->dumps = sqlite3_column_int(s, 1);
		out->window_ms = sqlite3_column_double(s, 2);
		out->seen = sqlite3_column_int64(s, 3);
		out->during_dump = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (err <= 0)
		return err ? err : -ENOENT;
	err = sql__prep(st, &s, "SELECT seq, ts, latency_ns, pid, comm, kind, dump, dump_error,"
			  " dump_start, dump_end, dump_text, window_start, window_end, window_cut"
			  " FROM outliers WHERE run_id = ? ORDER BY seq");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	while ((err = sql__step(st, s)) > 0) {
		struct q_outlier *o;

		if (out->n == cap) {
			struct q_outlier *nv = realloc(out->v, sizeof(*nv) * (cap = cap ? 2 * cap : 8));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			out->v = nv;
		}
		o = &out->v[out->n];
		memset(o, 0, sizeof(*o));
		o->seq = sqlite3_column_int(s, 0);
		o->ts = sqlite3_column_int64(s, 1);
		o->latency_ns = sqlite3_column_int64(s, 2);
		o->pid = sqlite3_column_int(s, 3);
		snprintf(o->comm, sizeof(o->comm), "%s", sql__col_text(s, 4));
		snprintf(o->kind, sizeof(o->kind), "%s", sql__col_text(s, 5));
		snprintf(o->dump, sizeof(o->dump), "%s", sql__col_text(s, 6));
		snprintf(o->dump_error, sizeof(o->dump_error), "%s", sql__col_text(s, 7));
		o->dump_start = col_i64_or(s, 8, 0);
		o->dump_end = col_i64_or(s, 9, 0);
		if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
			o->dump_text = strdup(sql__col_text(s, 10));
			if (!o->dump_text) {
				err = -ENOMEM;
				break;
			}
		}
		o->window_start = col_i64_or(s, 11, 0);
		o->window_end = col_i64_or(s, 12, 0);
		o->window_cut = col_i64_or(s, 13, 0);
		out->n++;
	}
	sqlite3_finalize(s);
	if (err)
		q_outlier_run__free(out);
	return err;
}

int store__q_outlier_slices(struct store *st, int64_t run_id, int seq, struct q_slice **out,
			    int *n)
{
	sqlite3_stmt *s;
	int err, cap = 0;

	*out = NULL;
	*n = 0;
	err = sql__prep(st, &s, "SELECT cpu, start_ts, end_ts, pid, comm FROM outlier_slices"
			  " WHERE run_id = ? AND seq = ? ORDER BY cpu, start_ts");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sqlite3_bind_int(s, 2, seq);
	while ((err = sql__step(st, s)) > 0) {
		struct q_slice *v;

		if (*n == cap) {
			v = realloc(*out, sizeof(*v) * (cap = cap ? 2 * cap : 64));
			if (!v) {
				err = -ENOMEM;
				break;
			}
			*out = v;
		}
		v = &(*out)[(*n)++];
		v->cpu = sqlite3_column_int(s, 0);
		v->start = sqlite3_column_int64(s, 1);
		v->end = sqlite3_column_int64(s, 2);
		v->pid = sqlite3_column_int(s, 3);
		snprintf(v->comm, sizeof(v->comm), "%s", sql__col_text(s, 4));
	}
	sqlite3_finalize(s);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

/* ---- text ---- */

struct task_time {
	int pid;
	const char *comm;
	int64_t ns;
};

static double rel_ms(int64_t t, int64_t origin)
{
	return (t - origin) / 1e6;
}

void outliers__print_window(const struct q_outlier *o, const struct q_slice *s, int n, FILE *f,
			    int max_per_cpu)
{
	int64_t due = o->ts - o->latency_ns, ws = o->window_start, we = o->window_end;
	struct task_time *tt = calloc(n ? n : 1, sizeof(*tt));

	fprintf(f, "window: %+.3f .. %+.3f ms from when the wakeup was due (it ran at %+.3f ms)",
		rel_ms(ws, due), rel_ms(we, due), rel_ms(o->ts, due));
	if (o->window_cut)
		fprintf(f, "; %lld earlier slices not kept", (long long)o->window_cut);
	fputc('\n', f);
	if (!n)
		fprintf(f, "  (no task ran on any CPU in the window, or it was not traced)\n");
	for (int i = 0; i < n;) {
		int cpu = s[i].cpu, j = i, nt = 0, first;
		int64_t busy = 0;

		while (j < n && s[j].cpu == cpu)
			j++;
		/* each task's time in the window on this CPU, longest first */
		for (int k = i; tt && k < j; k++) {
			int64_t a = s[k].start > ws ? s[k].start : ws, b = s[k].end < we ? s[k].end : we;
			int t;

			if (b <= a)
				continue;
			for (t = 0; t < nt && tt[t].pid != s[k].pid; t++)
				;
			if (t == nt)
				tt[nt++] = (struct task_time){ s[k].pid, s[k].comm, 0 };
			tt[t].ns += b - a;
			busy += b - a;
		}
		for (int a = 1; a < nt; a++)
			for (int b = a; b > 0 && tt[b].ns > tt[b - 1].ns; b--) {
				struct task_time x = tt[b];

				tt[b] = tt[b - 1];
				tt[b - 1] = x;
			}
		fprintf(f, "  cpu %d:", cpu);
		for (int t = 0; t < nt && t < 6; t++) {
			fputs(t ? ", " : " ", f);
			esc_term(f, tt[t].comm);
			fprintf(f, "[%d] %.2f ms", tt[t].pid, tt[t].ns / 1e6);
		}
		if (nt > 6)
			fprintf(f, ", %d more", nt - 6);
		fprintf(f, "%s idle %.2f ms\n", nt ? ";" : "", (we - ws - busy) / 1e6);
		first = max_per_cpu > 0 && j - i > max_per_cpu ? j - max_per_cpu : i;
		if (first > i)
			fprintf(f, "    ... %d earlier slices\n", first - i);
		for (int k = first; k < j; k++) {
			fprintf(f, "    %+9.3f .. %+9.3f  ", rel_ms(s[k].start, due),
				rel_ms(s[k].end, due));
			esc_term(f, s[k].comm);
			fprintf(f, "[%d]%s\n", s[k].pid, s[k].pid == o->pid ? "  <- the late task" : "");
		}
		i = j;
	}
	free(tt);
}

static int print_outliers(struct store *st, int64_t run_id, FILE *f)
{
	struct q_outlier_run r;
	int err = store__q_outliers(st, run_id, &r);

	if (err)
		return err;
	if (isnan(r.threshold_us)) {
		fprintf(f, "run %lld was not asked for outliers (--dump-on-outlier US)\n",
			(long long)run_id);
		return 0;
	}
	fprintf(f, "outliers of run %lld: wakeup latency above %g us: %lld seen, the first %d kept"
		   " with a dump (--outlier-dumps), windows from %g ms before the wakeup was due\n",
		(long long)run_id, r.threshold_us, (long long)r.seen, r.dumps, r.window_ms);
	if (r.during_dump)
		fprintf(f, "(%lld of them were due before a dump ended: not kept, their lateness may"
			" be the dump's)\n", (long long)r.during_dump);
	for (int i = 0; !err && i < r.n; i++) {
		const struct q_outlier *o = &r.v[i];
		struct q_slice *sl = NULL;
		int ns = 0;

		fprintf(f, "\noutlier %d: %.3f ms %s latency of ", o->seq, o->latency_ns / 1e6,
			o->kind);
		esc_term(f, o->comm);
		fprintf(f, "[%d] (ran at %.6f s, trace clock)\n", o->pid, o->ts / 1e9);
		if (!strcmp(o->dump, "taken"))
			fprintf(f, "dump: SysRq-D written %.3f ms after it ran (took %.3f ms)%s\n",
				(o->dump_start - o->ts) / 1e6, (o->dump_end - o->dump_start) / 1e6,
				o->dump_text ? ":" : "; no sched_ext_dump line in the trace");
		else if (!strcmp(o->dump, "no_sched_ext"))
			fprintf(f, "dump: none (no sched_ext scheduler: nothing to dump)\n");
		else if (!strcmp(o->dump, "no_trace"))
			fprintf(f, "dump: none (not traced: a dump arrives only through the trace)\n");
		else if (!strcmp(o->dump, "failed")) {
			fprintf(f, "dump: the trigger failed: ");
			esc_term(f, o->dump_error);
			fputc('\n', f);
		}
		else
			fprintf(f, "dump: none (the run ended before it was triggered)\n");
		if (o->dump_text) {
			/* line by line: each through the terminal escape */
			for (char *p = o->dump_text, *nl; *p; p = nl ? nl + 1 : p + strlen(p)) {
				nl = strchr(p, '\n');
				if (nl)
					*nl = 0;
				fputs("  | ", f);
				esc_term(f, p);
				fputc('\n', f);
				if (!nl)
					break;
			}
		}
		if (!o->window_end) {
			fprintf(f, "window: none (%s)\n", !strcmp(o->dump, "no_trace") ?
				"not traced" : "the trace did not cover it");
			continue;
		}
		err = store__q_outlier_slices(st, run_id, o->seq, &sl, &ns);
		if (!err)
			outliers__print_window(o, sl, ns, f, 0);
		free(sl);
	}
	q_outlier_run__free(&r);
	return err;
}

int store__print_outliers(struct store *st, int64_t run_id, FILE *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int err;

	if (!m)
		return -ENOMEM;
	err = print_outliers(st, run_id, m);
	if (fclose(m) && !err)
		err = -ENOMEM;
	if (!err && fwrite(buf, 1, len, f) != len)
		err = -EIO;
	free(buf);
	return err;
}
