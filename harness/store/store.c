// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store: open/migrate/recover, the run lifecycle and import.
 * See harness/store.h for the life of a run in the store.
 */
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "version.h"
#include "harness/lib/log.h"
#include "harness/store/store.h"
#include "harness/store/schema.h"
#include "harness/lib/json.h"
#include "harness/lib/topology.h"
#include "harness/lib/util.h"

struct store {
	sqlite3 *db;
	char *path;
	int nr_recovered;
	bool in_txn;
	int64_t run_base, cmp_base; /* SCXB_ID_BASE, 0 = none */
};

sqlite3 *store__db(struct store *st)
{
	return st->db;
}

const char *store__path(const struct store *st)
{
	return st->path;
}

int store__nr_recovered(const struct store *st)
{
	return st->nr_recovered;
}

static int exec_sql(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		pr_err("sqlite: %s\n", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -EIO;
	}
	return 0;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	int rc;

	rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

static void boot_id(char *buf, size_t len)
{
	if (read_text_file("/proc/sys/kernel/random/boot_id", buf, len))
		snprintf(buf, len, "unknown");
}

static void new_uuid(char *buf, size_t len)
{
	if (read_text_file("/proc/sys/kernel/random/uuid", buf, len))
		snprintf(buf, len, "%lx-%d-%lx", (long)time(NULL), getpid(), (long)now_mono_ns());
}

/*
 * A run left 'running' by a process that no longer exists (SIGKILL, power
 * loss) can never finish: mark it aborted. A run of a live scxbench on the
 * same boot is left alone.
 */
static int recover_dangling(struct store *st)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	char boot[64];
	int err = 0, n = 0;

	boot_id(boot, sizeof(boot));
	if (sqlite3_prepare_v2(st->db, "SELECT id, pid, boot_id FROM runs WHERE status = 'running'",
			       -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db,
			       "UPDATE runs SET status = 'aborted', ended_at = COALESCE(ended_at, ?),"
			       " status_detail = 'harness died during the run (found at next start)'"
			       " WHERE id = ? AND status = 'running'", -1, &upd, NULL) != SQLITE_OK) {
		err = -EIO;
		goto cleanup;
	}
	while (sqlite3_step(sel) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0);
		pid_t pid = (pid_t)sqlite3_column_int64(sel, 1);
		const char *b = (const char *)sqlite3_column_text(sel, 2);

		if (b && !strcmp(b, boot) && pid > 0 && (kill(pid, 0) == 0 || errno == EPERM))
			continue;
		sqlite3_bind_double(upd, 1, now_wall());
		sqlite3_bind_int64(upd, 2, id);
		if (sqlite3_step(upd) != SQLITE_DONE) {
			err = -EIO;
			goto cleanup;
		}
		sqlite3_reset(upd);
		n++;
	}
	st->nr_recovered = n;
	if (n)
		pr_warn("%d run(s) left 'running' by a harness that died were marked aborted\n", n);
cleanup:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return err;
}

static int migrate(struct store *st, int64_t from, char *err, size_t errlen)
{
	char sql[64];

	if (exec_sql(st, "BEGIN IMMEDIATE"))
		goto fail;
	for (int v = (int)from; v < store_schema__version(); v++) {
		if (exec_sql(st, store_schema__migration(v))) {
			exec_sql(st, "ROLLBACK");
			goto fail;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema__version());
	if (exec_sql(st, sql) || exec_sql(st, "COMMIT")) {
		exec_sql(st, "ROLLBACK");
		goto fail;
	}
	if (from)
		pr_info("%s: schema migrated from v%lld to v%d\n", st->path, (long long)from,
			store_schema__version());
	return 0;
fail:
	snprintf(err, errlen, "%s: could not set up the schema", st->path);
	return -EIO;
}

struct store *store__open(const char *path, int flags, char *err, size_t errlen)
{
	struct store *st = NULL;
	struct stat sb;
	int64_t version = 0, tmp;
	bool exists;
	int oflags, rc;

	exists = stat(path, &sb) == 0;
	if (exists && !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return NULL;
	}
	if (!exists && !(flags & STORE_CREATE)) {
		snprintf(err, errlen, "%s: no such database", path);
		return NULL;
	}
	st = calloc(1, sizeof(*st));
	/* SCXB_DB_NAME: the name the user gave the database, when this is a
	 * copy made for them (a VM guest's, imported into theirs later) */
	if (!st || !(st->path = strdup(getenv("SCXB_DB_NAME") && *getenv("SCXB_DB_NAME") ?
				       getenv("SCXB_DB_NAME") : path))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	oflags = ((flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		 SQLITE_OPEN_NOMUTEX; /* one thread per connection */
	if (!exists)
		oflags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(path, &st->db, oflags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	/* Reading the schema is what tells an SQLite file from anything else;
	 * do it before any write so a foreign file is left untouched. */
	rc = query_int(st->db, "SELECT count(*) FROM sqlite_master", &tmp);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: not an SQLite database (%s)", path, sqlite3_errstr(rc));
		goto fail;
	}
	if (query_int(st->db, "PRAGMA user_version", &version) != SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot read the schema version", path);
		goto fail;
	}
	if (version > store_schema__version()) {
		snprintf(err, errlen, "%s: schema v%lld is newer than this scxbench knows (v%d); use a newer scxbench",
			 path, (long long)version, store_schema__version());
		goto fail;
	}
	if (version == 0 && tmp > 0) {
		snprintf(err, errlen, "%s: an SQLite database that is not scxbench's (it has tables but no scxbench schema)", path);
		goto fail;
	}
	if (flags & STORE_READONLY) {
		if (version < store_schema__version()) {
			snprintf(err, errlen, "%s: schema v%lld is older than v%d and the file is opened read-only",
				 path, (long long)version, store_schema__version());
			goto fail;
		}
		return st;
	}
	if (!exists && access(path, W_OK)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		goto fail;
	}
	if (exec_sql(st, "PRAGMA journal_mode = WAL") || exec_sql(st, "PRAGMA foreign_keys = ON") ||
	    exec_sql(st, "PRAGMA synchronous = NORMAL")) {
		snprintf(err, errlen, "%s: cannot configure the database (read-only location?)", path);
		goto fail;
	}
	if (version < store_schema__version() && migrate(st, version, err, errlen))
		goto fail;
	if (recover_dangling(st)) {
		snprintf(err, errlen, "%s: cannot check for dangling runs", path);
		goto fail;
	}
	{
		const char *b = getenv("SCXB_ID_BASE");
		long long r, c;

		if (b && sscanf(b, "run:%lld,cmp:%lld", &r, &c) == 2 && r > 0 && c > 0) {
			st->run_base = r;
			st->cmp_base = c;
		}
	}
	return st;
fail:
	store__close(st);
	if (!exists)
		unlink(path);
	return NULL;
}

void store__close(struct store *st)
{
	if (!st)
		return;
	if (st->in_txn)
		store__txn_rollback(st);
	if (st->db)
		sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

static int64_t next_id(struct store *st, const char *table)
{
	char sql[96];
	int64_t v = 1;

	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) + 1 FROM %s", table);
	if (query_int(st->db, sql, &v) != SQLITE_OK)
		return -EIO;
	return v;
}

int store__next_ids(struct store *st, int64_t *run, int64_t *cmp)
{
	int64_t r = next_id(st, "runs"), c = next_id(st, "comparisons");

	if (r < 0 || c < 0)
		return -EIO;
	*run = r;
	*cmp = c;
	return 0;
}

int64_t store__id_base(struct store *st, bool comparison)
{
	return comparison ? st->cmp_base : st->run_base;
}

int store__txn_begin(struct store *st)
{
	int err;

	if (st->in_txn)
		return -EBUSY;
	err = exec_sql(st, "BEGIN IMMEDIATE");
	if (!err)
		st->in_txn = true;
	return err;
}

int store__txn_commit(struct store *st)
{
	int err;

	if (!st->in_txn)
		return -EINVAL;
	err = exec_sql(st, "COMMIT");
	if (err)
		store__txn_rollback(st);
	st->in_txn = false;
	return err;
}

int store__txn_rollback(struct store *st)
{
	st->in_txn = false;
	return sqlite3_get_autocommit(st->db) ? 0 : exec_sql(st, "ROLLBACK");
}

/* prepare + bind helpers keep every value a bound parameter */
static int prep(struct store *st, sqlite3_stmt **s, const char *sql)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, s, NULL) != SQLITE_OK) {
		pr_err("sqlite prepare: %s\n", sqlite3_errmsg(st->db));
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

static int step_done(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE) {
		pr_err("sqlite: %s\n", sqlite3_errmsg(st->db));
		return -EIO;
	}
	return 0;
}

int store__begin_run(struct store *st, const struct run_meta *m, int64_t *run_id)
{
	sqlite3_stmt *s = NULL;
	struct utsname u;
	char uuid[64], boot[64], host[256], cpu[256];
	int err;

	uname(&u);
	new_uuid(uuid, sizeof(uuid));
	boot_id(boot, sizeof(boot));
	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "unknown");
	host_cpu_model(cpu, sizeof(cpu));

	err = prep(st, &s,
		   "INSERT INTO runs (uuid, scheduler, sched_kind, workload, status, place, accel,"
		   " guest_kernel, kernel_release, hostname, cpu_model, ncpus, version, git_sha,"
		   " cmdline, started_at, pid, boot_id, compare_id, rep, round, label, trace, id)"
		   " VALUES (?,?,?,?,'running',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		   "  (SELECT max(coalesce(max(id), 0) + 1, ?) FROM runs))");
	if (err)
		return err;
	bind_text(s, 1, uuid);
	bind_text(s, 2, m->scheduler);
	bind_text(s, 3, m->sched_kind ? m->sched_kind : "eevdf");
	bind_text(s, 4, m->workload);
	bind_text(s, 5, m->place ? m->place : "host");
	bind_text(s, 6, m->accel);
	bind_text(s, 7, m->guest_kernel);
	bind_text(s, 8, u.release);
	bind_text(s, 9, host);
	bind_text(s, 10, cpu);
	sqlite3_bind_int(s, 11, host_ncpus());
	bind_text(s, 12, SCXB_VERSION);
	bind_text(s, 13, SCXB_GIT_SHA);
	bind_text(s, 14, m->cmdline);
	sqlite3_bind_double(s, 15, now_wall());
	sqlite3_bind_int64(s, 16, getpid());
	bind_text(s, 17, boot);
	if (m->compare_id > 0)
		sqlite3_bind_int64(s, 18, m->compare_id);
	else
		sqlite3_bind_null(s, 18);
	sqlite3_bind_int(s, 19, m->rep);
	sqlite3_bind_int(s, 20, m->round);
	bind_text(s, 21, m->label);
	sqlite3_bind_int(s, 22, m->trace);
	/* the id is chosen inside the INSERT: under the write lock */
	sqlite3_bind_int64(s, 23, st->run_base);
	err = step_done(st, s);
	sqlite3_finalize(s);
	if (err)
		return err;
	*run_id = sqlite3_last_insert_rowid(st->db);

	/* the CPUs as this machine's kernel shows them, like its CPU model */
	{
		const struct topo_view *v = topo_view__current();
		char *json = v ? topo_view__json_str(v) : NULL;

		err = prep(st, &s, "UPDATE runs SET topology = ?, topology_detail = ? WHERE id = ?");
		if (err) {
			free(json);
			return err;
		}
		bind_text(s, 1, v ? v->spec_str : NULL);
		bind_text(s, 2, json);
		sqlite3_bind_int64(s, 3, *run_id);
		err = step_done(st, s);
		sqlite3_finalize(s);
		free(json);
		if (err)
			return err;
	}

	/* parameters belong to the run from its start: what was asked for
	 * is known even when the run never finishes */
	err = prep(st, &s, "INSERT OR REPLACE INTO params (run_id, name, value) VALUES (?,?,?)");
	for (int i = 0; !err && i < m->nr_params; i++) {
		sqlite3_bind_int64(s, 1, *run_id);
		bind_text(s, 2, m->param_names[i]);
		bind_text(s, 3, m->param_values[i]);
		err = step_done(st, s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return err;
}

int store__add_results(struct store *st, int64_t run_id, const struct results *r)
{
	sqlite3_stmt *s = NULL;
	uint8_t *buf = NULL;
	int err;

	err = prep(st, &s, "INSERT OR REPLACE INTO metrics (run_id, name, value, unit, better)"
			   " VALUES (?,?,?,?,?)");
	for (int i = 0; !err && i < results__nr_metrics(r); i++) {
		const struct metric *m = results__metric(r, i);

		sqlite3_bind_int64(s, 1, run_id);
		bind_text(s, 2, m->name);
		sqlite3_bind_double(s, 3, m->value);
		bind_text(s, 4, m->unit);
		sqlite3_bind_int(s, 5, m->better);
		err = step_done(st, s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (err || !results__nr_hists(r))
		return err;

	buf = malloc(hist__encoded_max());
	if (!buf)
		return -ENOMEM;
	err = prep(st, &s, "INSERT OR REPLACE INTO histograms (run_id, name, unit, scheme, count,"
			   " sum, min, max, buckets) VALUES (?,?,?,?,?,?,?,?,?)");
	for (int i = 0; !err && i < results__nr_hists(r); i++) {
		const struct hist_entry *e = results__hist(r, i);
		size_t len = hist__encode(e->hist, buf);

		sqlite3_bind_int64(s, 1, run_id);
		bind_text(s, 2, e->name);
		bind_text(s, 3, e->unit);
		bind_text(s, 4, HIST_SCHEME);
		sqlite3_bind_int64(s, 5, (int64_t)e->hist->count);
		sqlite3_bind_int64(s, 6, (int64_t)e->hist->sum);
		sqlite3_bind_int64(s, 7, e->hist->count ? (int64_t)e->hist->min : 0);
		sqlite3_bind_int64(s, 8, (int64_t)e->hist->max);
		sqlite3_bind_blob(s, 9, buf, (int)len, SQLITE_TRANSIENT);
		err = step_done(st, s);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	free(buf);
	return err;
}

int store__set_sched_info(struct store *st, int64_t run_id, const struct run_sched_info *si)
{
	char *args = NULL;
	size_t alen = 0;
	sqlite3_stmt *s;
	int err;

	if (si->args && si->args[0]) {
		FILE *f = open_memstream(&args, &alen);

		if (!f)
			return -ENOMEM;
		fputc('[', f);
		for (int i = 0; si->args[i]; i++) {
			fputs(i ? "," : "", f);
			json_str(f, si->args[i]);
		}
		fputc(']', f);
		if (fclose(f)) {
			free(args);
			return -ENOMEM;
		}
	}
	err = prep(st, &s, "UPDATE runs SET sched_ops = ?, sched_path = ?, sched_sha256 = ?,"
			   " sched_build_id = ?, sched_args = ? WHERE id = ?");
	if (err) {
		free(args);
		return err;
	}
	bind_text(s, 1, si->ops && *si->ops ? si->ops : NULL);
	bind_text(s, 2, si->path && *si->path ? si->path : NULL);
	bind_text(s, 3, si->sha256 && *si->sha256 ? si->sha256 : NULL);
	bind_text(s, 4, si->build_id && *si->build_id ? si->build_id : NULL);
	bind_text(s, 5, args);
	sqlite3_bind_int64(s, 6, run_id);
	err = step_done(st, s);
	sqlite3_finalize(s);
	free(args);
	return err;
}

int store__set_sched_exit(struct store *st, int64_t run_id, const struct sched_exit *ex)
{
	sqlite3_stmt *s;
	int err;

	if (!ex->valid && !ex->proc_valid)
		return 0;
	err = prep(st, &s, "UPDATE runs SET exit_kind = ?, exit_reason = ?, exit_msg = ?,"
			   " time_to_exit_s = ?, sched_exit_status = ?, sched_exit_signal = ?"
			   " WHERE id = ?");
	if (err)
		return err;
	/* kind 0: an exec: scheduler that printed no exit info */
	if (ex->valid && ex->kind)
		sqlite3_bind_int64(s, 1, ex->kind);
	else
		sqlite3_bind_null(s, 1);
	bind_text(s, 2, ex->valid && ex->reason[0] ? ex->reason : NULL);
	bind_text(s, 3, ex->valid && ex->msg[0] ? ex->msg : NULL);
	if (ex->time_to_exit_s > 0)
		sqlite3_bind_double(s, 4, ex->time_to_exit_s);
	else
		sqlite3_bind_null(s, 4);
	if (ex->proc_valid && !ex->proc_signal)
		sqlite3_bind_int(s, 5, ex->proc_exit);
	else
		sqlite3_bind_null(s, 5);
	if (ex->proc_valid && ex->proc_signal)
		sqlite3_bind_int(s, 6, ex->proc_signal);
	else
		sqlite3_bind_null(s, 6);
	sqlite3_bind_int64(s, 7, run_id);
	err = step_done(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__add_sched_output(struct store *st, int64_t run_id, const char *kind, const char *text)
{
	sqlite3_stmt *s;
	int err = prep(st, &s, "INSERT INTO sched_output (run_id, kind, text) VALUES (?,?,?)");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	bind_text(s, 2, kind);
	bind_text(s, 3, text ? text : "");
	err = step_done(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__add_note(struct store *st, int64_t run_id, const char *collector, const char *note)
{
	sqlite3_stmt *s;
	int err = prep(st, &s, "INSERT INTO collector_notes (run_id, collector, note) VALUES (?,?,?)");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	bind_text(s, 2, collector);
	bind_text(s, 3, note);
	err = step_done(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__finish_run(struct store *st, int64_t run_id, enum run_status status,
		      enum fail_stage stage, const char *detail)
{
	sqlite3_stmt *s;
	int err = prep(st, &s, "UPDATE runs SET status = ?, status_detail = ?, ended_at = ?,"
			       " lost_events = COALESCE((SELECT sum(lost) FROM trace_cpus"
			       "   WHERE run_id = runs.id), 0), fail_stage = ?"
			       " WHERE id = ?");

	if (err)
		return err;
	bind_text(s, 1, run_status__name(status));
	bind_text(s, 2, detail && *detail ? detail : NULL);
	sqlite3_bind_double(s, 3, now_wall());
	bind_text(s, 4, fail_stage__name(stage));
	sqlite3_bind_int64(s, 5, run_id);
	err = step_done(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__abort_run(struct store *st, int64_t run_id, const char *detail)
{
	if (st->in_txn)
		store__txn_rollback(st);
	return store__finish_run(st, run_id, RUN_ABORTED, FAIL_NONE, detail);
}

int store__check(struct store *st, char *msg, size_t len)
{
	sqlite3_stmt *s;
	int err = -EIO;

	snprintf(msg, len, "integrity_check did not run");
	if (prep(st, &s, "PRAGMA integrity_check"))
		return -EIO;
	if (sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);

		snprintf(msg, len, "%s", r ? r : "?");
		err = r && !strcmp(r, "ok") ? 0 : -EIO;
	}
	sqlite3_finalize(s);
	return err;
}
