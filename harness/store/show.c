// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/json.h"
#include "harness/store/show.h"
#include "harness/store/sql.h"
#include "harness/store/trace.h"

/* metrics worth a place on a one-line summary, in this order */
static const char *const headline[] = {
	"wakeup_lat_p99", "timer_lat_p99", "hackbench_elapsed", "hackbench_msgs_per_s",
	"cpu_work_per_s", "cpu_fairness_jain",
};

#define col_text sql__col_text
#define col_term sql__col_term

/*
 * What a print function writes goes to memory first and reaches f only
 * when every statement succeeded: a damaged database shows nothing, never
 * the rows read before the damage as if they were all there is.
 */
struct out {
	FILE *dst, *f;
	char *buf;
	size_t len;
};

static FILE *out_begin(struct out *o, FILE *dst)
{
	o->dst = dst;
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	return o->f;
}

static int out_end(struct out *o, int err)
{
	if (fclose(o->f) && !err)
		err = -ENOMEM;
	if (!err && o->len && fwrite(o->buf, 1, o->len, o->dst) != o->len)
		err = -EIO;
	free(o->buf);
	return err;
}

static int print_run_summary(struct store *st, int64_t run_id, FILE *f)
{
	sqlite3_stmt *s = NULL, *m = NULL;
	int err;

	err = sql__prep(st, &s, "SELECT scheduler, workload, status, COALESCE(status_detail,''),"
			  " lost_events, place FROM runs WHERE id = ?");
	if (!err)
		err = sql__prep(st, &m, "SELECT value, unit FROM metrics WHERE run_id = ? AND name = ?");
	if (err)
		goto out;
	sqlite3_bind_int64(s, 1, run_id);
	err = sql__step(st, s);
	if (err <= 0) {
		err = err ? err : -ENOENT;
		goto out;
	}
	fprintf(f, "run %lld  %s/%s  %s  %s", (long long)run_id, col_term(s, 0), col_term(s, 1),
		col_term(s, 5), col_term(s, 2));
	for (size_t i = 0; i < sizeof(headline) / sizeof(headline[0]); i++) {
		sqlite3_bind_int64(m, 1, run_id);
		sqlite3_bind_text(m, 2, headline[i], -1, SQLITE_STATIC);
		err = sql__step(st, m);
		if (err < 0)
			goto out;
		if (err)
			fprintf(f, "  %s=%.4g%s", headline[i], sqlite3_column_double(m, 0), col_term(m, 1));
		sqlite3_reset(m);
	}
	if (sqlite3_column_int64(s, 4))
		fprintf(f, "  LOST-EVENTS=%lld", (long long)sqlite3_column_int64(s, 4));
	if (*col_text(s, 3))
		fprintf(f, "\n    %s", col_term(s, 3));
	fputc('\n', f);
	err = 0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(m);
	return err;
}

int store__print_run_summary(struct store *st, int64_t run_id, FILE *f)
{
	struct out o;

	if (!out_begin(&o, f))
		return -ENOMEM;
	return out_end(&o, print_run_summary(st, run_id, o.f));
}

static int print_run_json(struct store *st, int64_t run_id, FILE *f)
{
	static const char *const cols[] = {
		"id", "uuid", "scheduler", "sched_kind", "workload", "status", "status_detail",
		"place", "accel", "guest_kernel", "kernel_release", "hostname", "cpu_model",
		"ncpus", "version", "git_sha", "started_at", "ended_at", "compare_id", "rep",
		"label", "sched_ops", "sched_path", "sched_sha256", "sched_build_id", "exit_kind",
		"exit_reason", "exit_msg", "sched_exit_status", "sched_exit_signal", "fail_stage",
		"cmdline", "trace", "lost_events",
	};
	sqlite3_stmt *s = NULL;
	char sql[1024];
	size_t off;
	int err, first;

	off = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s%s", i ? "," : "", cols[i]);
	snprintf(sql + off, sizeof(sql) - off, " FROM runs WHERE id = ?");
	err = sql__prep(st, &s, sql);
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	err = sql__step(st, s);
	if (err <= 0) {
		err = err ? err : -ENOENT;
		goto out;
	}
	fputc('{', f);
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "", cols[i]);
		switch (sqlite3_column_type(s, (int)i)) {
		case SQLITE_NULL:
			fputs("null", f);
			break;
		case SQLITE_INTEGER:
			fprintf(f, "%lld", (long long)sqlite3_column_int64(s, (int)i));
			break;
		case SQLITE_FLOAT:
			json_num(f, sqlite3_column_double(s, (int)i));
			break;
		default:
			json_str(f, col_text(s, (int)i));
		}
	}
	sqlite3_finalize(s);
	s = NULL;

	fputs(",\"params\":{", f);
	err = sql__prep(st, &s, "SELECT name, value FROM params WHERE run_id = ? ORDER BY name");
	if (err)
		goto out;
	sqlite3_bind_int64(s, 1, run_id);
	for (first = 1; (err = sql__step(st, s)) > 0; first = 0) {
		fputs(first ? "" : ",", f);
		json_str(f, col_text(s, 0));
		fputc(':', f);
		json_str(f, col_text(s, 1));
	}
	if (err)
		goto out;
	sqlite3_finalize(s);
	s = NULL;

	fputs("},\"metrics\":{", f);
	err = sql__prep(st, &s, "SELECT name, value FROM metrics WHERE run_id = ? ORDER BY name");
	if (err)
		goto out;
	sqlite3_bind_int64(s, 1, run_id);
	for (first = 1; (err = sql__step(st, s)) > 0; first = 0) {
		fputs(first ? "" : ",", f);
		json_str(f, col_text(s, 0));
		fputc(':', f);
		json_num(f, sqlite3_column_double(s, 1));
	}
	if (err)
		goto out;
	sqlite3_finalize(s);
	s = NULL;

	fputs("},\"units\":{", f);
	err = sql__prep(st, &s, "SELECT name, unit, better FROM metrics WHERE run_id = ? ORDER BY name");
	if (err)
		goto out;
	sqlite3_bind_int64(s, 1, run_id);
	for (first = 1; (err = sql__step(st, s)) > 0; first = 0) {
		int better = sqlite3_column_int(s, 2);

		fputs(first ? "" : ",", f);
		json_str(f, col_text(s, 0));
		fputs(":{\"unit\":", f);
		json_str(f, col_text(s, 1));
		fprintf(f, ",\"better\":\"%s\"}", better < 0 ? "lower" : better > 0 ? "higher" : "none");
	}
	if (!err)
		fputs("}}\n", f);
out:
	sqlite3_finalize(s);
	return err;
}

int store__print_run_json(struct store *st, int64_t run_id, FILE *f)
{
	struct out o;

	if (!out_begin(&o, f))
		return -ENOMEM;
	return out_end(&o, print_run_json(st, run_id, o.f));
}

static int print_runs_json(struct store *st, int limit, FILE *f)
{
	int64_t *ids = NULL;
	sqlite3_stmt *s;
	int n = 0, cap = 0, err;

	err = sql__prep(st, &s, "SELECT id FROM (SELECT id FROM runs ORDER BY id DESC LIMIT ?)"
			  " ORDER BY id");
	if (err)
		return err;
	sqlite3_bind_int(s, 1, limit > 0 ? limit : -1);
	while ((err = sql__step(st, s)) > 0) {
		if (n == cap) {
			int64_t *p = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));

			if (!p) {
				err = -ENOMEM;
				break;
			}
			ids = p;
		}
		ids[n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (!err && !n)
		err = -ENOENT;
	if (!err)
		fputs("[\n", f);
	for (int i = 0; !err && i < n; i++) {
		if (i)
			fputs(",\n", f);
		err = print_run_json(st, ids[i], f);
	}
	if (!err)
		fputs("]\n", f);
	free(ids);
	return err;
}

int store__print_runs_json(struct store *st, int limit, FILE *f)
{
	struct out o;

	if (!out_begin(&o, f))
		return -ENOMEM;
	return out_end(&o, print_runs_json(st, limit, o.f));
}

static int print_runs(struct store *st, int limit, FILE *f)
{
	sqlite3_stmt *s;
	int n = 0, err;

	err = sql__prep(st, &s, "SELECT * FROM (SELECT id, datetime(started_at, 'unixepoch'), scheduler,"
			  " workload, place, status, COALESCE(compare_id, ''), COALESCE(label, ''),"
			  " lost_events FROM runs ORDER BY id DESC LIMIT ?) ORDER BY id");
	if (err)
		return err;
	sqlite3_bind_int(s, 1, limit > 0 ? limit : -1);
	while ((err = sql__step(st, s)) > 0) {
		if (!n++)
			fprintf(f, "%6s  %-19s  %-16s  %-10s  %-5s  %-12s  %-7s  %s\n", "run", "started (UTC)",
				"scheduler", "workload", "place", "status", "compare", "label");
		fprintf(f, "%6lld  %-19s  %-16s  %-10s  %-5s  %-12s  %-7s  %s%s\n",
			(long long)sqlite3_column_int64(s, 0), col_term(s, 1), col_term(s, 2),
			col_term(s, 3), col_term(s, 4), col_term(s, 5), col_term(s, 6), col_term(s, 7),
			sqlite3_column_int64(s, 8) ? "  [lost events]" : "");
	}
	sqlite3_finalize(s);
	return err ? err : n ? 0 : -ENOENT;
}

int store__print_runs(struct store *st, int limit, FILE *f)
{
	struct out o;

	if (!out_begin(&o, f))
		return -ENOMEM;
	return out_end(&o, print_runs(st, limit, o.f));
}

/* Rows of a two-column query on run_id, each printed with fmt. */
static int print_rows(struct store *st, int64_t run_id, const char *sql, const char *fmt,
		      bool text, FILE *f)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, sql);
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	while ((err = sql__step(st, s)) > 0) {
		if (text)
			fprintf(f, fmt, col_term(s, 0), "");
		else
			fprintf(f, fmt, col_term(s, 0), col_term(s, 1));
		/* a long text (a scheduler's output) keeps its lines */
		if (text) {
			esc_term_text(f, col_text(s, 1));
			fputc('\n', f);
		}
	}
	sqlite3_finalize(s);
	return err;
}

static int print_run(struct store *st, int64_t run_id, bool dump, bool tasks, FILE *f)
{
	static const char *const labels[] = {
		"scheduler", "kind", "workload", "status", "detail", "place", "accel",
		"guest kernel", "kernel", "host", "cpu", "cpus", "scxbench", "git", "command",
		"started", "ended", "compare", "rep", "label", "ops", "sched path",
		"sched sha256", "sched build id", "sched args", "sched version", "exit kind",
		"exit reason", "exit message", "time to exit (s)", "sched exit status",
		"sched killed by", "failed at", "traced", "lost events",
	};
	sqlite3_stmt *s = NULL;
	int err;

	err = sql__prep(st, &s,
			"SELECT scheduler, sched_kind, workload, status, status_detail, place, accel,"
			" guest_kernel, kernel_release, hostname, cpu_model, ncpus, version, git_sha,"
			" cmdline, datetime(started_at, 'unixepoch'), datetime(ended_at, 'unixepoch'),"
			" compare_id, rep, label, sched_ops, sched_path, sched_sha256, sched_build_id,"
			" sched_args, sched_version, exit_kind, exit_reason, exit_msg, time_to_exit_s,"
			" sched_exit_status, sched_exit_signal, fail_stage, trace, lost_events"
			" FROM runs WHERE id = ?");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	err = sql__step(st, s);
	if (err <= 0) {
		sqlite3_finalize(s);
		return err ? err : -ENOENT;
	}
	fprintf(f, "run %lld\n", (long long)run_id);
	for (int i = 0; i < (int)(sizeof(labels) / sizeof(labels[0])); i++)
		if (sqlite3_column_type(s, i) != SQLITE_NULL)
			fprintf(f, "  %-16s %s\n", labels[i], col_term(s, i));
	sqlite3_finalize(s);

	fprintf(f, "parameters\n");
	err = print_rows(st, run_id, "SELECT name, value FROM params WHERE run_id = ? ORDER BY name",
			 "  %-24s %s\n", false, f);
	if (err)
		return err;

	err = sql__prep(st, &s, "SELECT name, value, unit, better FROM metrics WHERE run_id = ?"
			  " ORDER BY name");
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	fprintf(f, "metrics\n");
	while ((err = sql__step(st, s)) > 0) {
		int b = sqlite3_column_int(s, 3);

		fprintf(f, "  %-32s %14.6g %-6s %s\n", col_term(s, 0), sqlite3_column_double(s, 1),
			col_term(s, 2), b < 0 ? "(lower is better)" : b > 0 ? "(higher is better)" : "");
	}
	sqlite3_finalize(s);
	if (err)
		return err;

	err = print_rows(st, run_id, "SELECT collector, note FROM collector_notes WHERE run_id = ?",
			 "note (%s): %s\n", false, f);
	if (!err && dump) {
		err = print_rows(st, run_id, "SELECT kind, text FROM sched_output WHERE run_id = ?",
				 "--- scheduler output (%s) ---\n%s", true, f);
		if (!err) {
			fprintf(f, "--- scheduler exit and sched_ext_dump ---\n");
			err = store__print_dump(st, run_id, f);
		}
	}
	if (!err && tasks) {
		err = store__print_trace_cpus(st, run_id, f);
		if (!err)
			err = store__print_tasks(st, run_id, f);
		if (!err)
			err = store__print_antagonists(st, run_id, f);
	}
	return err;
}

int store__print_run(struct store *st, int64_t run_id, bool dump, bool tasks, FILE *f)
{
	struct out o;

	if (!out_begin(&o, f))
		return -ENOMEM;
	return out_end(&o, print_run(st, run_id, dump, tasks, o.f));
}
