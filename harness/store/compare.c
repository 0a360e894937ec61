// SPDX-License-Identifier: GPL-2.0
/*
 * Writes of comparisons: the comparison object and its results table.
 * Runs point at their comparison through runs.compare_id (set by the
 * runner from run_request.compare_id).
 */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/lib/owner.h"
#include "harness/lib/util.h"
#include "harness/store/query.h"
#include "harness/store/sql.h"

static void bind_real(sqlite3_stmt *s, int i, double v)
{
	if (isnan(v) || isinf(v))
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_double(s, i, v);
}

int store__add_comparison(struct store *st, const struct compare_meta *m, int64_t *id)
{
	sqlite3_stmt *s;
	struct owner self;
	char uuid[64];
	int err;

	if (read_text_file("/proc/sys/kernel/random/uuid", uuid, sizeof(uuid)))
		snprintf(uuid, sizeof(uuid), "cmp-%lx-%d-%llx", (long)time(NULL), getpid(),
			 (unsigned long long)now_mono_ns());
	owner__self(&self);
	err = sql__prep(st, &s,
		   "INSERT INTO comparisons (uuid, created_at, schedulers, workload, settings, seed,"
		   " reps, place, status, label, pid, boot_id, pid_start, id)"
		   " VALUES (?,?,?,?,?,?,?,?,'running',?,?,?,?,"
		   " (SELECT max(coalesce(max(id), 0) + 1, ?) FROM comparisons))");
	if (err)
		return err;
	/* the owner: a comparison left running by a dead harness is found */
	sqlite3_bind_int64(s, 10, self.pid);
	sql__bind_text(s, 11, self.boot);
	sqlite3_bind_int64(s, 12, (int64_t)self.start);
	/* SCXB_ID_BASE (a guest numbering after its host's database) */
	sqlite3_bind_int64(s, 13, store__id_base(st, true));
	sqlite3_bind_text(s, 1, uuid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(s, 2, now_wall());
	sqlite3_bind_text(s, 3, m->schedulers, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, m->workload, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, m->settings ? m->settings : "{}", -1, SQLITE_TRANSIENT);
	/* stored as the two's complement int64: read back bit-exact */
	sqlite3_bind_int64(s, 6, (int64_t)m->seed);
	sqlite3_bind_int(s, 7, m->reps);
	sqlite3_bind_text(s, 8, m->place ? m->place : "host", -1, SQLITE_TRANSIENT);
	sql__bind_text(s, 9, m->label);
	err = sql__run(st, s);
	sqlite3_finalize(s);
	if (!err)
		*id = sqlite3_last_insert_rowid(store__db(st));
	return err;
}

int store__set_comparison_status(struct store *st, int64_t id, const char *status, int reps)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, "UPDATE comparisons SET status = ?, reps = ? WHERE id = ?");
	if (err)
		return err;
	sqlite3_bind_text(s, 1, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, reps);
	sqlite3_bind_int64(s, 3, id);
	err = sql__run(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__set_comparison_results(struct store *st, int64_t id, const struct q_result *r, int n)
{
	sqlite3_stmt *s = NULL;
	int err;

	err = store__txn_begin(st);
	if (err)
		return err;
	err = sql__prep(st, &s, "DELETE FROM comparison_results WHERE compare_id = ?");
	if (err)
		goto cleanup;
	sqlite3_bind_int64(s, 1, id);
	err = sql__run(st, s);
	sqlite3_finalize(s);
	s = NULL;
	if (err)
		goto cleanup;
	err = sql__prep(st, &s,
		   "INSERT INTO comparison_results (compare_id, metric, scheduler, unit, better, n,"
		   " survived, total, median, mean, stddev, cov, ci_lo, ci_hi, delta_pct, delta_lo,"
		   " delta_hi, p_value, p_holm, effect, verdict)"
		   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	if (err)
		goto cleanup;
	for (int i = 0; i < n && !err; i++) {
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, r[i].metric, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, r[i].scheduler, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 4, r[i].unit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 5, r[i].better);
		sqlite3_bind_int(s, 6, r[i].n);
		sqlite3_bind_int(s, 7, r[i].survived);
		sqlite3_bind_int(s, 8, r[i].total);
		bind_real(s, 9, r[i].median);
		bind_real(s, 10, r[i].mean);
		bind_real(s, 11, r[i].stddev);
		bind_real(s, 12, r[i].cov);
		bind_real(s, 13, r[i].ci_lo);
		bind_real(s, 14, r[i].ci_hi);
		bind_real(s, 15, r[i].delta_pct);
		bind_real(s, 16, r[i].delta_lo);
		bind_real(s, 17, r[i].delta_hi);
		bind_real(s, 18, r[i].p_value);
		bind_real(s, 19, r[i].p_holm);
		bind_real(s, 20, r[i].effect);
		sqlite3_bind_text(s, 21, r[i].verdict, -1, SQLITE_TRANSIENT);
		err = sql__run(st, s);
	}
cleanup:
	sqlite3_finalize(s);
	if (err)
		store__txn_rollback(st);
	else
		err = store__txn_commit(st);
	return err;
}
