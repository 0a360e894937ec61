// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <sqlite3.h>
#include <string.h>

#include "harness/lib/json.h"
#include "harness/store/show.h"
#include "harness/store/trace.h"

/* metrics worth a place on a one-line summary, in this order */
static const char *const headline[] = {
	"wakeup_lat_p99", "timer_lat_p99", "hackbench_elapsed", "hackbench_msgs_per_s",
	"cpu_work_per_s", "cpu_fairness_jain",
};

static const char *col_text(sqlite3_stmt *s, int i)
{
	const char *t = (const char *)sqlite3_column_text(s, i);

	return t ? t : "";
}

int store__print_run_summary(struct store *st, int64_t run_id, FILE *f)
{
	sqlite3 *db = store__db(st);
	sqlite3_stmt *s = NULL, *m = NULL;
	int rc = -ENOENT;

	if (sqlite3_prepare_v2(db, "SELECT scheduler, workload, status, COALESCE(status_detail,''),"
				   " lost_events, place, EXISTS (SELECT 1 FROM params p WHERE"
				   " p.run_id = runs.id AND p.name = 'partial' AND p.value = '1')"
				   " FROM runs WHERE id = ?", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT value, unit FROM metrics WHERE run_id = ? AND name = ?",
			       -1, &m, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	fprintf(f, "run %lld  %s/%s  %s%s  %s", (long long)run_id, col_text(s, 0), col_text(s, 1),
		col_text(s, 5), sqlite3_column_int(s, 6) ? " partial" : "", col_text(s, 2));
	for (size_t i = 0; i < sizeof(headline) / sizeof(headline[0]); i++) {
		sqlite3_bind_int64(m, 1, run_id);
		sqlite3_bind_text(m, 2, headline[i], -1, SQLITE_STATIC);
		if (sqlite3_step(m) == SQLITE_ROW)
			fprintf(f, "  %s=%.4g%s", headline[i], sqlite3_column_double(m, 0), col_text(m, 1));
		sqlite3_reset(m);
	}
	if (sqlite3_column_int64(s, 4))
		fprintf(f, "  LOST-EVENTS=%lld", (long long)sqlite3_column_int64(s, 4));
	if (*col_text(s, 3))
		fprintf(f, "\n    %s", col_text(s, 3));
	fputc('\n', f);
	rc = 0;
out:
	sqlite3_finalize(s);
	sqlite3_finalize(m);
	return rc;
}

int store__print_run_json(struct store *st, int64_t run_id, FILE *f)
{
	static const char *const cols[] = {
		"id", "uuid", "scheduler", "sched_kind", "workload", "status", "status_detail",
		"place", "accel", "guest_kernel", "kernel_release", "hostname", "cpu_model",
		"ncpus", "version", "git_sha", "started_at", "ended_at", "compare_id", "rep",
		"label", "sched_ops", "sched_path", "sched_sha256", "sched_build_id", "exit_kind",
		"exit_reason", "exit_msg", "sched_exit_status", "sched_exit_signal", "fail_stage",
		"cmdline", "trace", "lost_events",
	};
	sqlite3 *db = store__db(st);
	sqlite3_stmt *s = NULL;
	char sql[1024];
	size_t off;
	int rc = -ENOENT, first;

	off = (size_t)snprintf(sql, sizeof(sql), "SELECT ");
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, "%s%s", i ? "," : "", cols[i]);
	snprintf(sql + off, sizeof(sql) - off, " FROM runs WHERE id = ?");
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(s, 1, run_id);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
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
	if (sqlite3_prepare_v2(db, "SELECT name, value FROM params WHERE run_id = ? ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	for (first = 1; sqlite3_step(s) == SQLITE_ROW; first = 0) {
		fputs(first ? "" : ",", f);
		json_str(f, col_text(s, 0));
		fputc(':', f);
		json_str(f, col_text(s, 1));
	}
	sqlite3_finalize(s);
	s = NULL;

	fputs("},\"metrics\":{", f);
	if (sqlite3_prepare_v2(db, "SELECT name, value FROM metrics WHERE run_id = ? ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	for (first = 1; sqlite3_step(s) == SQLITE_ROW; first = 0) {
		fputs(first ? "" : ",", f);
		json_str(f, col_text(s, 0));
		fputc(':', f);
		json_num(f, sqlite3_column_double(s, 1));
	}
	sqlite3_finalize(s);
	s = NULL;

	fputs("},\"units\":{", f);
	if (sqlite3_prepare_v2(db, "SELECT name, unit, better FROM metrics WHERE run_id = ? ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	for (first = 1; sqlite3_step(s) == SQLITE_ROW; first = 0) {
		int better = sqlite3_column_int(s, 2);

		fputs(first ? "" : ",", f);
		json_str(f, col_text(s, 0));
		fputs(":{\"unit\":", f);
		json_str(f, col_text(s, 1));
		fprintf(f, ",\"better\":\"%s\"}", better < 0 ? "lower" : better > 0 ? "higher" : "none");
	}
	fputs("}}\n", f);
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}

int store__print_runs(struct store *st, int limit, FILE *f)
{
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(store__db(st),
			       "SELECT * FROM (SELECT id, datetime(started_at, 'unixepoch'), scheduler, workload,"
			       " place, status, COALESCE(compare_id, ''), COALESCE(label, ''), lost_events"
			       " FROM runs ORDER BY id DESC LIMIT ?) ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int(s, 1, limit > 0 ? limit : -1);
	while (sqlite3_step(s) == SQLITE_ROW) {
		if (!n++)
			fprintf(f, "%6s  %-19s  %-16s  %-10s  %-5s  %-12s  %-7s  %s\n", "run", "started (UTC)",
				"scheduler", "workload", "place", "status", "compare", "label");
		fprintf(f, "%6lld  %-19s  %-16s  %-10s  %-5s  %-12s  %-7s  %s%s\n",
			(long long)sqlite3_column_int64(s, 0), col_text(s, 1), col_text(s, 2),
			col_text(s, 3), col_text(s, 4), col_text(s, 5), col_text(s, 6), col_text(s, 7),
			sqlite3_column_int64(s, 8) ? "  [lost events]" : "");
	}
	sqlite3_finalize(s);
	return n ? 0 : -ENOENT;
}

int store__print_run(struct store *st, int64_t run_id, bool dump, bool tasks, FILE *f)
{
	static const char *const labels[] = {
		"scheduler", "kind", "workload", "status", "detail", "place", "accel",
		"guest kernel", "kernel", "host", "cpu", "cpus", "scxbench", "git", "command",
		"started", "ended", "compare", "rep", "label", "ops", "sched path",
		"sched sha256", "sched build id", "sched args", "sched version", "exit kind",
		"exit reason", "exit message", "time to exit (s)", "sched exit status",
		"sched killed by", "failed at", "traced", "lost events",
	};
	sqlite3 *db = store__db(st);
	sqlite3_stmt *s = NULL;
	int rc = -ENOENT;

	if (sqlite3_prepare_v2(db,
			       "SELECT scheduler, sched_kind, workload, status, status_detail, place, accel,"
			       " guest_kernel, kernel_release, hostname, cpu_model, ncpus, version, git_sha,"
			       " cmdline, datetime(started_at, 'unixepoch'), datetime(ended_at, 'unixepoch'),"
			       " compare_id, rep, label, sched_ops, sched_path, sched_sha256, sched_build_id,"
			       " sched_args, sched_version, exit_kind, exit_reason, exit_msg, time_to_exit_s,"
			       " sched_exit_status, sched_exit_signal, fail_stage, trace, lost_events"
			       " FROM runs WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return -EIO;
	sqlite3_bind_int64(s, 1, run_id);
	if (sqlite3_step(s) != SQLITE_ROW)
		goto out;
	fprintf(f, "run %lld\n", (long long)run_id);
	for (int i = 0; i < (int)(sizeof(labels) / sizeof(labels[0])); i++)
		if (sqlite3_column_type(s, i) != SQLITE_NULL)
			fprintf(f, "  %-16s %s\n", labels[i], col_text(s, i));
	sqlite3_finalize(s);
	s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT name, value FROM params WHERE run_id = ? ORDER BY name",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	fprintf(f, "parameters\n");
	while (sqlite3_step(s) == SQLITE_ROW)
		fprintf(f, "  %-24s %s\n", col_text(s, 0), col_text(s, 1));
	sqlite3_finalize(s);
	s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT name, value, unit, better FROM metrics WHERE run_id = ?"
				   " ORDER BY name", -1, &s, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	fprintf(f, "metrics\n");
	while (sqlite3_step(s) == SQLITE_ROW) {
		int b = sqlite3_column_int(s, 3);

		fprintf(f, "  %-32s %14.6g %-6s %s\n", col_text(s, 0), sqlite3_column_double(s, 1),
			col_text(s, 2), b < 0 ? "(lower is better)" : b > 0 ? "(higher is better)" : "");
	}
	sqlite3_finalize(s);
	s = NULL;

	if (sqlite3_prepare_v2(db, "SELECT collector, note FROM collector_notes WHERE run_id = ?",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = -EIO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, run_id);
	while (sqlite3_step(s) == SQLITE_ROW)
		fprintf(f, "note (%s): %s\n", col_text(s, 0), col_text(s, 1));
	sqlite3_finalize(s);
	s = NULL;

	if (dump) {
		if (sqlite3_prepare_v2(db, "SELECT kind, text FROM sched_output WHERE run_id = ?",
				       -1, &s, NULL) != SQLITE_OK) {
			rc = -EIO;
			goto out;
		}
		sqlite3_bind_int64(s, 1, run_id);
		while (sqlite3_step(s) == SQLITE_ROW)
			fprintf(f, "--- scheduler output (%s) ---\n%s\n", col_text(s, 0), col_text(s, 1));
		sqlite3_finalize(s);
		s = NULL;
		fprintf(f, "--- scheduler exit and sched_ext_dump ---\n");
		if (store__print_dump(st, run_id, f)) {
			rc = -EIO;
			goto out;
		}
	}
	if (tasks) {
		if (store__print_trace_cpus(st, run_id, f) || store__print_tasks(st, run_id, f) ||
		    store__print_antagonists(st, run_id, f) ||
		    store__print_task_classes(st, run_id, f)) {
			rc = -EIO;
			goto out;
		}
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return rc;
}
