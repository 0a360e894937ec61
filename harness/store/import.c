// SPDX-License-Identifier: GPL-2.0
/*
 * Copying runs from one scxbench database into another: how a VM guest's
 * results come home, and what `scxbench merge` does. Runs (and captures)
 * are identified by uuid, so importing the same file twice adds nothing the second time.
 * Row ids are remapped; every table that hangs off a run or a comparison
 * is copied with the new ids. Column lists come from the schema itself
 * (PRAGMA table_info) so that a new column is carried without a change
 * here; values are never interpolated into SQL.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/store/sql.h"
#include "harness/store/store.h"

/* tables whose rows belong to a run (column run_id) */
static const char *const run_tables[] = {
	"params", "metrics", "histograms", "sched_output", "scx_dump", "trace_cpus",
	"task_stats", "antagonists", "events", "collector_notes", "outliers", "outlier_slices",
	"task_classes",
};

/* "a, b, c" of a table's columns, skipping `skip` (NULL = none), with an
 * optional prefix on each ("s." -> "s.a, s.b"). */
static int column_list(struct store *st, const char *table, const char *skip, const char *prefix,
		       char *buf, size_t len)
{
	char sql[128];
	sqlite3_stmt *s;
	size_t off = 0;
	int err;

	snprintf(sql, sizeof(sql), "PRAGMA main.table_info(%s)", table);
	err = sql__prep(st, &s, sql);
	if (err)
		return err;
	buf[0] = 0;
	while ((err = sql__step(st, s)) > 0) {
		const char *col = sql__col_text(s, 1);
		int n;

		if (skip && !strcmp(col, skip))
			continue;
		n = snprintf(buf + off, len - off, "%s%s%s", off ? ", " : "", prefix, col);
		if (n < 0 || (size_t)n >= len - off) {
			err = -ENAMETOOLONG;
			break;
		}
		off += n;
	}
	sqlite3_finalize(s);
	return err ? err : off ? 0 : -ENOENT;
}

static int copy_children(struct store *st, const char *table, const char *key, const char *map)
{
	char cols[2048], scols[2048], sql[5000];
	int err;

	err = column_list(st, table, key, "", cols, sizeof(cols));
	if (!err)
		err = column_list(st, table, key, "s.", scols, sizeof(scols));
	if (err)
		return err;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.%s (%s, %s) SELECT m.new, %s FROM src.%s s"
		 " JOIN temp.%s m ON m.old = s.%s",
		 table, key, cols, scols, table, map, key);
	return sql__exec(st, sql);
}

/* SELECT one int64 column into a fresh array */
static int collect_ids(struct store *st, const char *sql, int64_t **out, int *n)
{
	sqlite3_stmt *s;
	int cap = 0, err;

	*out = NULL;
	*n = 0;
	err = sql__prep(st, &s, sql);
	if (err)
		return err;
	while ((err = sql__step(st, s)) > 0) {
		if (*n == cap) {
			int64_t *p = realloc(*out, (cap = cap ? cap * 2 : 16) * sizeof(**out));

			if (!p) {
				err = -ENOMEM;
				break;
			}
			*out = p;
		}
		(*out)[(*n)++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (err) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}

/* A count (>= 0) or -errno. */
static int64_t count_of(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t n = -EIO;
	int err;

	err = sql__prep(st, &s, sql);
	if (err)
		return err;
	err = sql__step(st, s);
	if (err > 0)
		n = sqlite3_column_int64(s, 0);
	else if (err < 0)
		n = err;
	sqlite3_finalize(s);
	return n;
}

int store__import(struct store *st, const char *src_path, const struct import_opts *o,
		  struct import_result *res, char *err, size_t errlen)
{
	sqlite3 *db = store__db(st);
	char cols[2048], sql[6000], tmp[256];
	const char *idcol;
	struct store *src;
	sqlite3_stmt *s = NULL;
	int64_t n = 0, clash;
	bool keep_ids, caps_moved;

	if (res)
		memset(res, 0, sizeof(*res));

	/* check the source through the normal path (refuses foreign, newer
	 * or older files) without writing to it: it may be a read-only
	 * artifact, and merging must not change its inputs */
	src = store__open(src_path, STORE_READONLY, tmp, sizeof(tmp));
	if (!src) {
		snprintf(err, errlen, "%s", tmp);
		return -EINVAL;
	}
	/* and sound: damage met while copying would be taken for this
	 * database's (the statements run here), and refuse it for good */
	if (store__check(src, true, tmp, sizeof(tmp))) {
		snprintf(err, errlen, "%s is corrupt (%s): nothing was imported", src_path, tmp);
		store__close(src);
		return -EINVAL;
	}
	store__close(src);

	if (sql__prep(st, &s, "ATTACH DATABASE ? AS src"))
		goto sqlfail;
	sqlite3_bind_text(s, 1, src_path, -1, SQLITE_TRANSIENT);
	if (sql__run(st, s))
		goto sqlfail;
	sqlite3_finalize(s);
	s = NULL;

	if (store__txn_begin(st))
		goto detach;
	/* runs arrive pointing at the source's comparison ids and are
	 * remapped below: check the foreign keys at commit, not per row */
	if (sql__exec(st, "PRAGMA defer_foreign_keys = ON") ||
	    sql__exec(st, "CREATE TEMP TABLE IF NOT EXISTS runmap (old INTEGER PRIMARY KEY, new INTEGER)") ||
	    sql__exec(st, "CREATE TEMP TABLE IF NOT EXISTS cmpmap (old INTEGER PRIMARY KEY, new INTEGER)") ||
	    sql__exec(st, "DELETE FROM temp.runmap") || sql__exec(st, "DELETE FROM temp.cmpmap"))
		goto rollback;

	/*
	 * Keep the source's ids when none is taken here: a guest numbers its
	 * rows after this database's (SCXB_ID_BASE), so the ids it printed
	 * stay true. Else renumber everything imported, oldest first.
	 */
	if (sql__exec(st, "CREATE TEMP TABLE IF NOT EXISTS newruns (uuid TEXT PRIMARY KEY)") ||
	    sql__exec(st, "DELETE FROM temp.newruns") ||
	    sql__exec(st, "INSERT INTO temp.newruns SELECT uuid FROM src.runs"
		     " WHERE uuid NOT IN (SELECT uuid FROM main.runs)") ||
	    sql__exec(st, "CREATE TEMP TABLE IF NOT EXISTS newcmpu (uuid TEXT PRIMARY KEY)") ||
	    sql__exec(st, "DELETE FROM temp.newcmpu") ||
	    sql__exec(st, "INSERT INTO temp.newcmpu SELECT uuid FROM src.comparisons"
		     " WHERE uuid NOT IN (SELECT uuid FROM main.comparisons)"))
		goto rollback;
	clash = count_of(st, "SELECT (SELECT count(*) FROM src.runs WHERE uuid IN temp.newruns"
			     "  AND id IN (SELECT id FROM main.runs))"
			     " + (SELECT count(*) FROM src.comparisons WHERE uuid IN temp.newcmpu"
			     "  AND id IN (SELECT id FROM main.comparisons))");
	if (clash < 0)
		goto rollback;
	keep_ids = clash == 0;
	idcol = keep_ids ? NULL : "id";

	/* comparisons first: runs point at them */
	if (column_list(st, "comparisons", idcol, "", cols, sizeof(cols)))
		goto rollback;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.comparisons (%s) SELECT %s FROM src.comparisons"
		 " WHERE uuid IN (SELECT uuid FROM temp.newcmpu) ORDER BY created_at, id",
		 cols, cols);
	if (sql__exec(st, sql) ||
	    sql__exec(st, "INSERT INTO temp.cmpmap SELECT s.id, m.id FROM src.comparisons s"
		     " JOIN main.comparisons m ON m.uuid = s.uuid"))
		goto rollback;

	/* runs not yet present (one still 'running' in the source is marked
	 * aborted below: the read-only open above changes nothing) */
	if (column_list(st, "runs", idcol, "", cols, sizeof(cols)))
		goto rollback;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.runs (%s) SELECT %s FROM src.runs"
		 " WHERE uuid IN (SELECT uuid FROM temp.newruns) ORDER BY started_at, id", cols, cols);
	if (sql__exec(st, sql) ||
	    sql__exec(st, "INSERT INTO temp.runmap SELECT s.id, m.id FROM src.runs s"
		     " JOIN main.runs m ON m.uuid = s.uuid WHERE s.uuid IN (SELECT uuid FROM temp.newruns)"))
		goto rollback;

	/* fix up what the source could not know */
	if (sql__prep(st, &s,
		      "UPDATE main.runs SET"
		      " compare_id = (SELECT new FROM temp.cmpmap WHERE old = runs.compare_id),"
		      " place = COALESCE(?1, place), accel = COALESCE(?2, accel),"
		      " guest_kernel = COALESCE(?3, guest_kernel),"
		      " hostname = COALESCE(?4, hostname), cmdline = COALESCE(?5, cmdline),"
		      " vm_host_cpus = COALESCE(?6, vm_host_cpus)"
		      " WHERE id IN (SELECT new FROM temp.runmap)"))
		goto rollback;
	if (o && o->place)
		sqlite3_bind_text(s, 1, o->place, -1, SQLITE_TRANSIENT);
	if (o && o->accel)
		sqlite3_bind_text(s, 2, o->accel, -1, SQLITE_TRANSIENT);
	if (o && o->guest_kernel)
		sqlite3_bind_text(s, 3, o->guest_kernel, -1, SQLITE_TRANSIENT);
	if (o && o->hostname)
		sqlite3_bind_text(s, 4, o->hostname, -1, SQLITE_TRANSIENT);
	if (o && o->cmdline)
		sqlite3_bind_text(s, 5, o->cmdline, -1, SQLITE_TRANSIENT);
	if (o && o->host_cpus > 0)
		sqlite3_bind_int(s, 6, o->host_cpus);
	if (sql__run(st, s))
		goto rollback;
	sqlite3_finalize(s);
	s = NULL;
	/* a run or comparison still 'running' in the source can never
	 * finish here (its harness was killed in the guest) */
	if (sql__exec(st, "UPDATE main.runs SET status = 'aborted', status_detail ="
		     " 'never finished in the imported database' WHERE status = 'running'"
		     " AND id IN (SELECT new FROM temp.runmap)") ||
	    sql__exec(st, "UPDATE main.comparisons SET status = 'aborted' WHERE status = 'running'"
		     " AND id IN (SELECT new FROM temp.cmpmap)"))
		goto rollback;
	if (o && o->place &&
	    sql__exec(st, "UPDATE main.comparisons SET place = 'vm' WHERE id IN (SELECT new FROM temp.cmpmap)"
		     " AND EXISTS (SELECT 1 FROM main.runs r WHERE r.compare_id = comparisons.id AND r.place = 'vm')"))
		goto rollback;

	for (size_t i = 0; i < sizeof(run_tables) / sizeof(run_tables[0]); i++)
		if (copy_children(st, run_tables[i], "run_id", "runmap"))
			goto rollback;
	/* results of comparisons imported now */
	if (sql__exec(st, "CREATE TEMP TABLE IF NOT EXISTS newcmp AS SELECT * FROM temp.cmpmap WHERE 0") ||
	    sql__exec(st, "DELETE FROM temp.newcmp") ||
	    sql__exec(st, "INSERT INTO temp.newcmp SELECT old, new FROM temp.cmpmap WHERE new NOT IN"
		     " (SELECT DISTINCT compare_id FROM main.comparison_results)") ||
	    copy_children(st, "comparison_results", "compare_id", "newcmp"))
		goto rollback;

	/* captures (scxbench capture in a guest), by uuid too; their ids are
	 * kept when none is taken here (the guest numbered after ours) */
	if (sql__exec(st, "CREATE TEMP TABLE IF NOT EXISTS capmap (old INTEGER PRIMARY KEY, new INTEGER)") ||
	    sql__exec(st, "DELETE FROM temp.capmap") ||
	    sql__exec(st, "CREATE TEMP TABLE IF NOT EXISTS newcaps (uuid TEXT PRIMARY KEY)") ||
	    sql__exec(st, "DELETE FROM temp.newcaps") ||
	    sql__exec(st, "INSERT INTO temp.newcaps SELECT uuid FROM src.captures"
		     " WHERE uuid NOT IN (SELECT uuid FROM main.captures)"))
		goto rollback;
	clash = count_of(st, "SELECT count(*) FROM src.captures WHERE uuid IN temp.newcaps"
			     " AND id IN (SELECT id FROM main.captures)");
	if (clash < 0 || column_list(st, "captures", clash ? "id" : NULL, "", cols, sizeof(cols)))
		goto rollback;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.captures (%s) SELECT %s FROM src.captures"
		 " WHERE uuid IN (SELECT uuid FROM temp.newcaps) ORDER BY created_at, id", cols, cols);
	if (sql__exec(st, sql) ||
	    sql__exec(st, "INSERT INTO temp.capmap SELECT s.id, m.id FROM src.captures s"
		     " JOIN main.captures m ON m.uuid = s.uuid WHERE s.uuid IN (SELECT uuid FROM temp.newcaps)") ||
	    copy_children(st, "capture_threads", "capture_id", "capmap") ||
	    copy_children(st, "capture_edges", "capture_id", "capmap"))
		goto rollback;
	caps_moved = clash > 0;

	n = count_of(st, "SELECT count(*) FROM temp.runmap");
	if (n < 0)
		goto rollback;
	if (res) {
		res->renumbered = !keep_ids || caps_moved;
		if (collect_ids(st, "SELECT m.new FROM temp.runmap m JOIN main.runs r ON r.id = m.new"
				    " ORDER BY r.started_at, r.id", &res->run_ids, &res->nruns) ||
		    collect_ids(st, "SELECT id FROM main.comparisons WHERE uuid IN temp.newcmpu"
				    " ORDER BY created_at, id", &res->cmp_ids, &res->ncmp) ||
		    collect_ids(st, "SELECT new FROM temp.capmap ORDER BY new", &res->cap_ids,
				&res->ncap))
			goto rollback;
	}
	if (store__txn_commit(st))
		goto detach;
	sql__exec(st, "DETACH DATABASE src");
	return (int)n;

rollback:
	sqlite3_finalize(s);
	s = NULL;
	store__txn_rollback(st);
	if (res) {
		free(res->run_ids);
		free(res->cmp_ids);
		free(res->cap_ids);
		memset(res, 0, sizeof(*res));
	}
detach:
	sql__exec(st, "DETACH DATABASE src");
	snprintf(err, errlen, "import of %s failed: %s", src_path,
		 store__corrupt(st) ? store__corrupt(st) : sqlite3_errmsg(db));
	return -EIO;
sqlfail:
	snprintf(err, errlen, "cannot attach %s: %s", src_path,
		 store__corrupt(st) ? store__corrupt(st) : sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return -EIO;
}
