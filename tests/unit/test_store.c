// SPDX-License-Identifier: GPL-2.0
/* Store round trip, schema versioning, dangling-run recovery and import,
 * on real SQLite files. */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/lib/capture.h"
#include "harness/store/capture.h"
#include "harness/store/store.h"
#include "harness/store/schema.h"
#include "harness/store/sql.h"
#include "tests/unit/unit.h"

static int64_t q_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			v = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
	return v;
}

static void q_exec(const char *path, const char *sql)
{
	sqlite3 *db;

	if (sqlite3_open(path, &db) == SQLITE_OK)
		sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
}

static int64_t add_run(struct store *st, const char *sched, int64_t *id)
{
	const char *names[] = { "groups" }, *values[] = { "4" };
	struct run_meta m = {
		.scheduler = sched, .sched_kind = "eevdf", .workload = "hackbench",
		.nr_params = 1, .param_names = names, .param_values = values,
	};

	return store__begin_run(st, &m, id);
}

static char *path_in_tmp(const char *name)
{
	static char buf[4][300];
	static int i;

	snprintf(buf[i & 3], sizeof(buf[0]), "%s/%s", unit__tmpdir(), name);
	return buf[i++ & 3];
}

UNIT_TEST(store_round_trip)
{
	char err[256], *path = path_in_tmp("rt.db");
	struct results *r = results__new();
	struct hist h;
	struct store *st;
	int64_t id;

	hist__init(&h);
	for (uint64_t v = 1000; v < 100000; v += 7)
		hist__add(&h, v);
	results__add_metric(r, "hackbench_elapsed", 1.5, "s", BETTER_LOWER);
	results__add_latency(r, "wakeup_lat", &h);

	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st, "open: %s", err);
	CHECK(add_run(st, "eevdf", &id) == 0, "begin_run");
	CHECK(q_int(path, "SELECT count(*) FROM runs WHERE status = 'running'") == 1,
	      "a begun run is visible as running before its results");
	CHECK(store__txn_begin(st) == 0, "txn");
	CHECK(store__add_results(st, id, r) == 0, "add_results");
	CHECK(store__finish_run(st, id, RUN_OK, FAIL_NONE, NULL) == 0, "finish");
	CHECK(store__txn_commit(st) == 0, "commit");
	store__close(st);
	results__free(r);

	CHECK(q_int(path, "PRAGMA user_version") == store_schema__version(), "schema version set");
	CHECK(q_int(path, "SELECT count(*) FROM runs WHERE status = 'ok'") == 1, "run ok");
	CHECK(q_int(path, "SELECT value FROM params WHERE name = 'groups'") == 4, "param stored");
	/* the machine's CPU topology, as this one's kernel shows it (its migration, 5) */
	CHECK(q_int(path, "SELECT count(*) FROM runs WHERE topology IS NOT NULL AND"
			  " json_valid(topology_detail) AND json_extract(topology_detail, '$.cpus') = ncpus"
			  " AND json_extract(topology_detail, '$.spec') = topology") == 1,
	      "topology and its view stored with the run");
	CHECK(q_int(path, "SELECT better FROM metrics WHERE name = 'hackbench_elapsed'") == -1,
	      "direction stored");
	CHECK(q_int(path, "SELECT count FROM histograms WHERE name = 'wakeup_lat'") == (int64_t)h.count,
	      "histogram count stored");
	CHECK(q_int(path, "SELECT length(buckets) % 12 FROM histograms") == 0, "bucket blob well-formed");
	CHECK(q_int(path, "SELECT count(*) FROM metrics WHERE name LIKE 'wakeup_lat_p%'") == 4,
	      "percentile metrics stored");
}

UNIT_TEST(store_rollback_leaves_no_half_run)
{
	char err[256], *path = path_in_tmp("rb.db");
	struct results *r = results__new();
	struct store *st;
	int64_t id;

	results__add_metric(r, "x", 1, "", BETTER_NONE);
	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st, "open: %s", err);
	CHECK(add_run(st, "eevdf", &id) == 0, "begin_run");
	store__txn_begin(st);
	store__add_results(st, id, r);
	store__txn_rollback(st);
	store__abort_run(st, id, "test");
	store__close(st);
	results__free(r);
	CHECK(q_int(path, "SELECT count(*) FROM metrics") == 0, "no metrics of a rolled-back run");
	CHECK(q_int(path, "SELECT count(*) FROM runs WHERE status = 'aborted'") == 1, "run aborted");
}

UNIT_TEST(store_refuses_foreign_and_newer_files)
{
	char err[256], *junk = path_in_tmp("junk.db"), *newer = path_in_tmp("newer.db");
	char *other = path_in_tmp("other.db");
	struct stat before, after;
	FILE *f = fopen(junk, "w");

	CHECK(f, "create junk");
	fputs("this is not a database, just text that must survive\n", f);
	fclose(f);
	stat(junk, &before);
	CHECK(!store__open(junk, STORE_CREATE, err, sizeof(err)), "junk refused");
	CHECK(strstr(err, "not an SQLite database"), "error names the problem: %s", err);
	stat(junk, &after);
	CHECK(before.st_size == after.st_size && before.st_mtime == after.st_mtime, "junk untouched");

	q_exec(newer, "CREATE TABLE t(x); PRAGMA user_version = 999;");
	CHECK(!store__open(newer, STORE_CREATE, err, sizeof(err)), "newer schema refused");
	CHECK(strstr(err, "newer"), "error says newer: %s", err);
	CHECK(q_int(newer, "PRAGMA user_version") == 999, "newer file untouched");

	q_exec(other, "CREATE TABLE someone_elses(x);");
	CHECK(!store__open(other, STORE_CREATE, err, sizeof(err)), "foreign sqlite refused");
	CHECK(q_int(other, "SELECT count(*) FROM sqlite_master WHERE name = 'runs'") == 0,
	      "foreign file not migrated");

	CHECK(!store__open("/nonexistent-dir/x.db", STORE_CREATE, err, sizeof(err)),
	      "unwritable path refused");
	CHECK(!store__open(path_in_tmp("missing.db"), 0, err, sizeof(err)), "missing without CREATE");
}

UNIT_TEST(store_migrates_empty_v0_file)
{
	char err[256], *path = path_in_tmp("v0.db");
	struct store *st;

	q_exec(path, "PRAGMA user_version = 0;");
	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st, "open v0: %s", err);
	store__close(st);
	CHECK(q_int(path, "PRAGMA user_version") == store_schema__version(), "migrated to latest");
	CHECK(q_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'runs'") == 1, "tables made");
}

/* A history written by an older scxbench (here: the first three
 * migrations) is brought up to date by a read-only open when the file can
 * be written (a report of last month's history needs no run first). */
UNIT_TEST(store_readonly_open_upgrades_an_older_file)
{
	char err[256], *path = path_in_tmp("v3.db");
	struct store *st;

	for (int i = 0; i < 3; i++)
		q_exec(path, store_schema__migration(i));
	q_exec(path, "PRAGMA user_version = 3;");
	st = store__open(path, STORE_READONLY, err, sizeof(err));
	CHECK(st, "read-only open of a v3 file: %s", err);
	store__close(st);
	CHECK(q_int(path, "PRAGMA user_version") == store_schema__version(), "brought to v%d",
	      store_schema__version());
}

UNIT_TEST(store_marks_dangling_runs_aborted)
{
	char err[256], *path = path_in_tmp("dangle.db");
	struct store *st;
	int64_t id;

	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st, "open: %s", err);
	CHECK(add_run(st, "eevdf", &id) == 0, "begin_run");
	store__close(st);
	/* as if the harness that began it had been SIGKILLed: a pid that
	 * cannot exist */
	q_exec(path, "UPDATE runs SET pid = 2147483000");
	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st, "reopen: %s", err);
	CHECK(store__nr_recovered(st) == 1, "one run recovered");
	store__close(st);
	CHECK(q_int(path, "SELECT count(*) FROM runs WHERE status = 'aborted'") == 1, "marked aborted");

	/* a run of a live process (ours) is left alone */
	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st && add_run(st, "eevdf", &id) == 0, "begin second run");
	store__close(st);
	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st && store__nr_recovered(st) == 0, "live run not touched");
	store__close(st);
}

UNIT_TEST(store_import_remaps_and_dedupes)
{
	char err[256], *a = path_in_tmp("a.db"), *b = path_in_tmp("b.db");
	struct import_opts io = { .place = "vm", .accel = "tcg", .guest_kernel = "7.2.0-test" };
	struct results *r = results__new();
	struct store *st;
	int64_t id;
	int n;

	results__add_metric(r, "m", 42, "", BETTER_HIGHER);
	st = store__open(b, STORE_CREATE, err, sizeof(err));
	CHECK(st, "open b");
	for (int i = 0; i < 3; i++) {
		add_run(st, "simple", &id);
		store__txn_begin(st);
		store__add_results(st, id, r);
		store__finish_run(st, id, RUN_OK, FAIL_NONE, NULL);
		store__txn_commit(st);
	}
	store__close(st);
	results__free(r);

	st = store__open(a, STORE_CREATE, err, sizeof(err));
	CHECK(st, "open a");
	add_run(st, "eevdf", &id); /* occupies id 1 so that ids must be remapped */
	store__finish_run(st, id, RUN_OK, FAIL_NONE, NULL);
	n = store__import(st, b, &io, NULL, err, sizeof(err));
	CHECK(n == 3, "imported 3 runs (got %d: %s)", n, err);
	n = store__import(st, b, &io, NULL, err, sizeof(err));
	CHECK(n == 0, "second import adds nothing (got %d)", n);
	store__close(st);
	CHECK(q_int(a, "SELECT count(*) FROM runs") == 4, "4 runs");
	CHECK(q_int(a, "SELECT count(*) FROM runs WHERE place = 'vm' AND accel = 'tcg'") == 3,
	      "place overridden");
	CHECK(q_int(a, "SELECT count(*) FROM metrics m JOIN runs r ON r.id = m.run_id"
		       " WHERE r.scheduler = 'simple' AND m.value = 42") == 3, "metrics follow their runs");
	CHECK(q_int(a, "SELECT count(*) FROM params p JOIN runs r ON r.id = p.run_id"
		       " WHERE r.scheduler = 'simple'") == 3, "params follow their runs");
	CHECK(q_int(a, "PRAGMA foreign_key_check") == -1, "no dangling foreign keys");
}

/* a one-thread capture named `target`, stored in st */
static int add_capture(struct store *st, const char *target, int64_t *id)
{
	struct capture *c = capture__new();
	struct cap_step r = { .kind = CAP_RUN, .us = 200 };
	struct cap_step w = { .kind = CAP_WAKE, .peer = 1 };
	struct cap_step b = { .kind = CAP_BLOCK, .peer = 1, .via = VIA_PIPE, .us = 800, .lat_us = 5 };
	int err;

	if (!c)
		return -ENOMEM;
	capture__add_thread(c, 10, "a", 0);
	capture__add_thread(c, 11, "b", 0);
	for (int i = 0; i < 10; i++) {
		capture__add_step(c, 0, &r);
		capture__add_step(c, 0, &w);
		capture__add_step(c, 0, &b);
	}
	c->target = strdup(target);
	c->scheduler = strdup("simple");
	capture__finish(c);
	err = store__add_capture(st, c, "{}", "x.capture", id);
	capture__free(c);
	return err;
}

/* A guest's captures come home with its runs: numbered after the host's
 * (SCXB_ID_BASE cap:K) they keep their ids, their threads and edges
 * follow, a second import adds nothing, and a taken id is renumbered. */
UNIT_TEST(store_import_captures)
{
	char err[256], *a = path_in_tmp("ca.db"), *b = path_in_tmp("cb.db"), *c = path_in_tmp("cc.db");
	struct import_result ir;
	struct store *st;
	int64_t id = 0;
	int n;

	st = store__open(a, STORE_CREATE, err, sizeof(err));
	CHECK(st && add_capture(st, "host", &id) == 0 && id == 1, "the host's capture 1");
	store__close(st);
	setenv("SCXB_ID_BASE", "run:1,cmp:1,cap:2", 1);
	st = store__open(b, STORE_CREATE, err, sizeof(err));
	unsetenv("SCXB_ID_BASE");
	CHECK(st && add_capture(st, "guest", &id) == 0, "the guest's capture");
	CHECK(id == 2, "numbered after the host's (got %lld)", (long long)id);
	store__close(st);

	st = store__open(a, STORE_CREATE, err, sizeof(err));
	n = store__import(st, b, NULL, &ir, err, sizeof(err));
	CHECK(n == 0 && ir.ncap == 1 && ir.cap_ids[0] == 2 && !ir.renumbered,
	      "imported capture 2 as 2 (n %d, %d captures: %s)", n, ir.ncap, err);
	free(ir.run_ids);
	free(ir.cmp_ids);
	free(ir.cap_ids);
	n = store__import(st, b, NULL, &ir, err, sizeof(err));
	CHECK(n == 0 && ir.ncap == 0, "a second import adds no capture (%d)", ir.ncap);
	free(ir.run_ids);
	free(ir.cmp_ids);
	free(ir.cap_ids);
	store__close(st);
	CHECK(q_int(a, "SELECT count(*) FROM captures") == 2, "two captures");
	CHECK(q_int(a, "SELECT count(*) FROM capture_threads WHERE capture_id = 2") == 2, "its threads");
	CHECK(q_int(a, "SELECT count(*) FROM capture_edges WHERE capture_id = 2 AND via = 'pipe'") == 1,
	      "its edge");
	CHECK(q_int(a, "SELECT count(*) FROM captures WHERE id = 2 AND target = 'guest'"
		       " AND scheduler = 'simple'") == 1, "its scheduler");

	/* a database whose capture 2 is another: the guest's is renumbered */
	st = store__open(c, STORE_CREATE, err, sizeof(err));
	CHECK(st && add_capture(st, "one", &id) == 0 && add_capture(st, "two", &id) == 0 && id == 2,
	      "captures 1 and 2");
	n = store__import(st, b, NULL, &ir, err, sizeof(err));
	CHECK(n == 0 && ir.ncap == 1 && ir.cap_ids[0] == 3 && ir.renumbered,
	      "renumbered to 3 (%d captures, id %lld)", ir.ncap, ir.ncap ? (long long)ir.cap_ids[0] : 0LL);
	free(ir.run_ids);
	free(ir.cmp_ids);
	free(ir.cap_ids);
	store__close(st);
	CHECK(q_int(c, "SELECT count(*) FROM capture_threads WHERE capture_id = 3") == 2,
	      "the threads follow the new id");
	CHECK(q_int(c, "PRAGMA foreign_key_check") == -1, "no dangling foreign keys");
}

/* The whole file as bytes, to tell it was left as it was. */
static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	*len = -1;
	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (*len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
	    (buf = malloc(*len + 1)) && fread(buf, 1, *len, f) != (size_t)*len) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

/* A store with a few runs, closed (its WAL checkpointed into the file). */
static int make_runs_db(const char *path, int n)
{
	char err[256];
	struct store *st = store__open(path, STORE_CREATE, err, sizeof(err));
	int64_t id;

	if (!st)
		return -1;
	for (int i = 0; i < n; i++)
		if (add_run(st, "eevdf", &id) || store__finish_run(st, id, RUN_OK, FAIL_NONE, NULL))
			return -1;
	store__close(st);
	return 0;
}

/* Overwrite page pg of path with 0xff bytes (not a b-tree page type). */
static int garbage_page(const char *path, int64_t pg)
{
	int64_t ps = q_int(path, "PRAGMA page_size");
	FILE *f = fopen(path, "r+b");
	int rc = -1;

	if (f && ps > 0 && pg > 1 && !fseek(f, (pg - 1) * ps, SEEK_SET)) {
		rc = 0;
		for (int64_t i = 0; i < ps && !rc; i++)
			rc = fputc(0xff, f) == EOF;
	}
	if (f && fclose(f))
		rc = -1;
	return rc;
}

UNIT_TEST(store_sql_step_rows_done_and_errors)
{
	char err[256], *path = path_in_tmp("step.db");
	sqlite3_stmt *s, *w;
	struct store *st;
	sqlite3 *other;

	CHECK(sql__errno(SQLITE_CORRUPT) == -EBADMSG && sql__errno(SQLITE_CORRUPT_INDEX) == -EBADMSG &&
	      sql__errno(SQLITE_NOTADB) == -EBADMSG, "corruption is -EBADMSG");
	CHECK(sql__errno(SQLITE_BUSY) == -EBUSY && sql__errno(SQLITE_LOCKED) == -EBUSY &&
	      sql__errno(SQLITE_BUSY_SNAPSHOT) == -EBUSY, "a held lock is -EBUSY");
	CHECK(sql__errno(SQLITE_IOERR_READ) == -EIO && sql__errno(SQLITE_CONSTRAINT) == -EIO &&
	      sql__errno(SQLITE_DONE) == 0, "the rest is -EIO, done is 0");

	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st, "open: %s", err);
	CHECK(sql__prep(st, &s, "SELECT 1 UNION ALL SELECT 2") == 0, "prepare");
	CHECK(sql__step(st, s) == 1 && sqlite3_column_int(s, 0) == 1, "first row: 1");
	CHECK(sql__step(st, s) == 1 && sqlite3_column_int(s, 0) == 2, "second row: 1");
	CHECK(sql__step(st, s) == 0, "then done: 0");
	sqlite3_finalize(s);
	CHECK(sql__prep(st, &s, "SELECT nosuchcolumn FROM runs") == -EIO && !s,
	      "a bad statement: -EIO, no statement");

	/* a write lock held by another connection past the busy timeout */
	CHECK(sqlite3_open(path, &other) == SQLITE_OK &&
	      sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK, "lock held");
	sqlite3_busy_timeout(store__db(st), 0);
	CHECK(sql__prep(st, &w, "UPDATE runs SET label = 'x' WHERE id = 0") == 0, "prepare a write");
	CHECK(sql__run(st, w) == -EBUSY, "a write under another's lock: -EBUSY");
	CHECK(sql__exec(st, "BEGIN IMMEDIATE") == -EBUSY, "BEGIN IMMEDIATE too");
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
	CHECK(!store__corrupt(st), "busy is not corruption");
	CHECK(sql__run(st, w) == 0, "the same write once the lock is gone: 0");
	sqlite3_finalize(w);
	store__close(st);
}

UNIT_TEST(store_sql_step_corruption_is_remembered)
{
	char err[256], msg[256], *path = path_in_tmp("bad.db");
	int64_t root, next_run, next_cmp;
	char *before, *after;
	long blen, alen;
	sqlite3_stmt *s;
	struct store *st;

	CHECK(make_runs_db(path, 3) == 0, "a database with 3 runs");
	root = q_int(path, "SELECT rootpage FROM sqlite_master WHERE name = 'runs'");
	CHECK(root > 1 && garbage_page(path, root) == 0, "runs' root page %lld overwritten",
	      (long long)root);

	/* read-only: the open reads only the schema; the first read of runs
	 * meets the damage */
	st = store__open(path, STORE_READONLY, err, sizeof(err));
	CHECK(st, "read-only open: %s", err);
	CHECK(!store__corrupt(st), "nothing met yet");
	/* a column no index covers: the table's own pages are read */
	CHECK(sql__prep(st, &s, "SELECT cmdline, uuid FROM runs") == 0, "prepare");
	CHECK(sql__step(st, s) == -EBADMSG, "the step that meets it: -EBADMSG, not done");
	sqlite3_finalize(s);
	CHECK(store__corrupt(st) && strstr(store__corrupt(st), "malformed"),
	      "remembered: %s", store__corrupt(st) ? store__corrupt(st) : "(null)");
	CHECK(sql__prep(st, &s, "SELECT 1") == -EBADMSG && !s, "every later statement refused");
	CHECK(store__next_ids(st, &next_run, &next_cmp) == -EBADMSG, "public functions say -EBADMSG");
	CHECK(store__check(st, false, msg, sizeof(msg)) == -EBADMSG && strstr(msg, "Page"),
	      "store__check still runs and names the page: %s", msg);
	store__close(st);

	/* writable: quick_check before the first write, nothing written */
	before = slurp(path, &blen);
	st = store__open(path, STORE_CREATE, err, sizeof(err));
	CHECK(st, "writable open: %s", err);
	CHECK(store__corrupt(st) && strstr(store__corrupt(st), "quick_check"),
	      "flagged at open: %s", store__corrupt(st) ? store__corrupt(st) : "(null)");
	CHECK(add_run(st, "eevdf", &next_run) == -EBADMSG, "begin_run refused");
	CHECK(store__txn_begin(st) == -EBADMSG, "a transaction refused");
	store__close(st);
	after = slurp(path, &alen);
	CHECK(before && after && blen == alen && !memcmp(before, after, blen), "file byte-identical");
	free(before);
	free(after);
}
