// SPDX-License-Identifier: GPL-2.0
/* Captures in the store (capture.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/store/capture.h"

static int prep(sqlite3 *db, sqlite3_stmt **s, const char *sql)
{
	if (sqlite3_prepare_v2(db, sql, -1, s, NULL) != SQLITE_OK) {
		pr_err("sqlite prepare: %s\n", sqlite3_errmsg(db));
		return -EIO;
	}
	return 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static int step(sqlite3 *db, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		pr_err("sqlite: %s\n", sqlite3_errmsg(db));
		return -EIO;
	}
	return 0;
}

int store__add_capture(struct store *st, const struct capture *c, const char *body,
		       const char *file, int64_t *id)
{
	sqlite3 *db = store__db(st);
	sqlite3_stmt *s = NULL;
	char uuid[64];
	int err;

	if (read_text_file("/proc/sys/kernel/random/uuid", uuid, sizeof(uuid)))
		snprintf(uuid, sizeof(uuid), "cap-%lx-%d-%llx", (long)time(NULL), getpid(),
			 (unsigned long long)now_mono_ns());
	uuid[strcspn(uuid, "\n")] = 0;
	err = store__txn_begin(st);
	if (err)
		return err;
	/* the id is chosen inside the INSERT (under the write lock), after
	 * SCXB_ID_BASE's when a guest numbers after its host */
	err = prep(db, &s, "INSERT INTO captures (uuid, created_at, target, scheduler, kernel_release,"
		   " hostname, ncpus, duration_s, file, body, id) VALUES (?,?,?,?,?,?,?,?,?,?,"
		   " (SELECT max(coalesce(max(id), 0) + 1, ?) FROM captures))");
	if (err)
		goto fail;
	bind_text(s, 1, uuid);
	sqlite3_bind_double(s, 2, c->created_at);
	bind_text(s, 3, c->target ? c->target : "");
	bind_text(s, 4, c->scheduler);
	bind_text(s, 5, c->kernel);
	bind_text(s, 6, c->host);
	sqlite3_bind_int(s, 7, c->ncpus);
	sqlite3_bind_double(s, 8, c->duration_s);
	bind_text(s, 9, file);
	bind_text(s, 10, body);
	sqlite3_bind_int64(s, 11, store__capture_id_base(st));
	err = step(db, s);
	sqlite3_finalize(s);
	s = NULL;
	if (err)
		goto fail;
	*id = sqlite3_last_insert_rowid(db);
	err = prep(db, &s, "INSERT INTO capture_threads (capture_id, idx, tid, comm, policy, nice,"
		   " rt_priority, start_us, end_us, creator, period_us, bursts, burst_p50_us, sleeps,"
		   " sleep_p50_us, wakeup_p50_us, cpu_us, wakes)"
		   " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	for (int i = 0; !err && i < c->nth; i++) {
		const struct cap_thread *t = &c->th[i];
		struct cap_summary sm;

		capture__summary(t, &sm);
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_int(s, 2, i);
		sqlite3_bind_int(s, 3, t->tid);
		bind_text(s, 4, t->comm);
		bind_text(s, 5, t->policy);
		sqlite3_bind_int(s, 6, t->nice);
		sqlite3_bind_int(s, 7, t->rt_priority);
		sqlite3_bind_double(s, 8, t->start_us);
		sqlite3_bind_double(s, 9, t->end_us);
		sqlite3_bind_int(s, 10, t->creator);
		sqlite3_bind_double(s, 11, t->period_us);
		sqlite3_bind_int64(s, 12, (int64_t)sm.bursts);
		sqlite3_bind_double(s, 13, sm.burst_p50_us);
		sqlite3_bind_int64(s, 14, (int64_t)sm.sleeps);
		sqlite3_bind_double(s, 15, sm.sleep_p50_us);
		sqlite3_bind_double(s, 16, sm.wakeup_p50_us);
		sqlite3_bind_double(s, 17, sm.cpu_us);
		sqlite3_bind_int64(s, 18, (int64_t)sm.wakes);
		err = step(db, s);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (err)
		goto fail;
	err = prep(db, &s, "INSERT INTO capture_edges (capture_id, waker, wakee, via, count)"
		   " VALUES (?,?,?,?,?)");
	for (int i = 0; !err && i < c->nedges; i++) {
		sqlite3_bind_int64(s, 1, *id);
		sqlite3_bind_int(s, 2, c->edges[i].waker);
		sqlite3_bind_int(s, 3, c->edges[i].wakee);
		bind_text(s, 4, cap_via__name(c->edges[i].via));
		sqlite3_bind_int64(s, 5, (int64_t)c->edges[i].count);
		err = step(db, s);
	}
	sqlite3_finalize(s);
	if (err)
		goto fail;
	return store__txn_commit(st);
fail:
	store__txn_rollback(st);
	return err;
}

int store__capture_body(struct store *st, int64_t id, char **body)
{
	sqlite3 *db = store__db(st);
	sqlite3_stmt *s;
	int err = prep(db, &s, "SELECT body FROM captures WHERE id = ?"), rc;

	*body = NULL;
	if (err)
		return err;
	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*body = strdup((const char *)sqlite3_column_text(s, 0));
		err = *body ? 0 : -ENOMEM;
	} else {
		err = rc == SQLITE_DONE ? -ENOENT : -EIO;
	}
	sqlite3_finalize(s);
	return err;
}
