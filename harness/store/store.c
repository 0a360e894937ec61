// SPDX-License-Identifier: GPL-2.0
/*
 * The SQLite store: open/migrate/recover, the run lifecycle and import.
 * See harness/store.h for the life of a run in the store.
 */
#include <errno.h>
#include <limits.h>
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
#include "harness/store/sql.h"
#include "harness/lib/json.h"
#include "harness/lib/owner.h"
#include "harness/lib/topology.h"
#include "harness/lib/util.h"

struct store {
	sqlite3 *db;
	char *path;
	int nr_recovered;
	bool in_txn;
	int64_t run_base, cmp_base, cap_base; /* SCXB_ID_BASE, 0 = none */
	bool corrupt;
	char corrupt_why[256];      /* SQLite's words, one line */
	char error[256];            /* the last failed statement's, one line */
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

const char *store__corrupt(const struct store *st)
{
	return st->corrupt ? st->corrupt_why : NULL;
}

const char *store__error(const struct store *st)
{
	return st->error[0] ? st->error : "an SQLite error";
}

void store__set_error(struct store *st, const char *why)
{
	size_t n = 0;

	for (const char *c = why && *why ? why : "an SQLite error";
	     *c && n + 1 < sizeof(st->error); c++)
		st->error[n++] = *c == '\n' || *c == '\t' ? ' ' : *c;
	st->error[n] = 0;
}

void store__set_corrupt(struct store *st, const char *why)
{
	size_t n = 0;

	if (st->corrupt)
		return;
	st->corrupt = true;
	/* one line: integrity_check findings hold newlines */
	for (const char *c = why && *why ? why : "database disk image is malformed";
	     *c && n + 1 < sizeof(st->corrupt_why); c++)
		st->corrupt_why[n++] = *c == '\n' || *c == '\t' ? ' ' : *c;
	st->corrupt_why[n] = 0;
}

/* The first column of a one-row query as an int64. */
static int query_int(struct store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *s;
	int err;

	err = sql__prep(st, &s, sql);
	if (err)
		return err;
	err = sql__step(st, s);
	if (err > 0)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return err > 0 ? 0 : err ? err : -ENOENT;
}


static void new_uuid(char *buf, size_t len)
{
	if (read_text_file("/proc/sys/kernel/random/uuid", buf, len))
		snprintf(buf, len, "%lx-%d-%lx", (long)time(NULL), getpid(), (long)now_mono_ns());
}

/*
 * A run or comparison left 'running' by a process that no longer exists
 * (SIGKILL, power loss) can never finish: mark it aborted. Its owner is
 * alive only when pid, boot id and process start time all match a live
 * process (harness/lib/owner.h): a reused pid is not its owner. Rows from
 * before start times were kept (pid_start NULL) go by pid and boot id.
 * The candidates are read first and the updates made after, in one
 * write transaction that waits for another writer's lock (busy timeout).
 */
struct dangling {
	int64_t id;
	bool comparison;
};

static int find_dangling(struct store *st, const char *sql, bool comparison,
			 struct dangling **v, int *n, int *cap)
{
	sqlite3_stmt *sel = NULL;
	int err;

	err = sql__prep(st, &sel, sql);
	while (!err && (err = sql__step(st, sel)) > 0) {
		struct owner o = { 0 };
		const char *b = sql__col_text(sel, 2);

		o.pid = (pid_t)sqlite3_column_int64(sel, 1);
		snprintf(o.boot, sizeof(o.boot), "%s", b[0] ? b : "unknown");
		o.start = (uint64_t)sqlite3_column_int64(sel, 3);
		/* a comparison from before owners were kept: dangling when
		 * none of its runs is still running */
		if (comparison && sqlite3_column_type(sel, 1) == SQLITE_NULL) {
			if (sqlite3_column_int64(sel, 4))
				continue;
		} else if (o.pid > 0 && owner__alive(&o)) {
			continue;
		}
		if (*n == *cap) {
			struct dangling *p = realloc(*v, (*cap = *cap ? *cap * 2 : 8) * sizeof(**v));

			if (!p) {
				err = -ENOMEM;
				break;
			}
			*v = p;
		}
		(*v)[*n].id = sqlite3_column_int64(sel, 0);
		(*v)[*n].comparison = comparison;
		(*n)++;
	}
	sqlite3_finalize(sel);
	return err < 0 ? err : 0;
}

static int recover_dangling(struct store *st)
{
	struct dangling *v = NULL;
	sqlite3_stmt *upd_run = NULL, *upd_cmp = NULL;
	int err, n = 0, cap = 0, nruns = 0, ncmps = 0;

	err = find_dangling(st, "SELECT id, pid, boot_id, pid_start FROM runs WHERE status = 'running'",
			    false, &v, &n, &cap);
	if (!err)
		err = find_dangling(st, "SELECT c.id, c.pid, c.boot_id, c.pid_start,"
				    " (SELECT count(*) FROM runs r WHERE r.compare_id = c.id"
				    "  AND r.status = 'running') FROM comparisons c WHERE c.status = 'running'",
				    true, &v, &n, &cap);
	if (err || !n)
		goto cleanup;
	err = store__txn_begin(st);
	if (err)
		goto cleanup;
	err = sql__prep(st, &upd_run,
			"UPDATE runs SET status = 'aborted', ended_at = COALESCE(ended_at, ?),"
			" status_detail = 'harness died during the run (found at next start)'"
			" WHERE id = ? AND status = 'running'");
	if (!err)
		err = sql__prep(st, &upd_cmp,
				"UPDATE comparisons SET status = 'aborted' WHERE id = ? AND status = 'running'");
	for (int i = 0; !err && i < n; i++) {
		sqlite3_stmt *u = v[i].comparison ? upd_cmp : upd_run;

		sqlite3_reset(u);
		if (v[i].comparison) {
			sqlite3_bind_int64(u, 1, v[i].id);
			ncmps++;
		} else {
			sqlite3_bind_double(u, 1, now_wall());
			sqlite3_bind_int64(u, 2, v[i].id);
			nruns++;
		}
		err = sql__run(st, u);
	}
	if (!err)
		err = store__txn_commit(st);
	else
		store__txn_rollback(st);
	if (err)
		goto cleanup;
	st->nr_recovered = nruns;
	if (nruns)
		pr_warn("%d run(s) left 'running' by a harness that died were marked aborted\n", nruns);
	if (ncmps)
		pr_warn("%d comparison(s) left 'running' by a harness that died were marked aborted\n",
			ncmps);
cleanup:
	sqlite3_finalize(upd_run);
	sqlite3_finalize(upd_cmp);
	free(v);
	return err;
}

/* ROLLBACK even on a corrupt store (sql__exec would refuse it): undoing
 * writes nothing to the database file. */
static int rollback(struct store *st)
{
	if (sqlite3_get_autocommit(st->db))
		return 0;
	if (sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK)
		return sql__errno(sqlite3_errcode(st->db));
	return 0;
}

/* quick_check's first finding, one line, without its "*** in database
 * main ***" heading. 0 when "ok". */
static int quick_check(struct store *st, bool quick, char *msg, size_t len)
{
	sqlite3_stmt *s;
	const char *r;
	int err;

	snprintf(msg, len, "%s did not run", quick ? "quick_check" : "integrity_check");
	err = sql__prep_flags(st, &s, quick ? "PRAGMA quick_check(1)" : "PRAGMA integrity_check(1)",
			      SQL_EVEN_CORRUPT);
	if (err)
		return err;
	err = sql__step(st, s);
	if (err > 0) {
		r = sql__col_text(s, 0);
		if (!strncmp(r, "*** in database main ***", 24))
			r += 24;
		while (*r == '\n' || *r == ' ')
			r++;
		snprintf(msg, len, "%s", *r ? r : "?");
		for (char *c = msg; *c; c++)
			if (*c == '\n')
				*c = ' ';
		err = strcmp(msg, "ok") ? -EBADMSG : 0;
	} else if (!err) {
		err = -EIO; /* no row at all */
	}
	sqlite3_finalize(s);
	if (err == -EBADMSG && !store__corrupt(st)) {
		char why[300];

		snprintf(why, sizeof(why), "%s: %s", quick ? "quick_check" : "integrity_check", msg);
		store__set_corrupt(st, why);
	}
	return err;
}

static int migrate(struct store *st, int64_t from, char *err, size_t errlen)
{
	char sql[64];

	if (sql__exec(st, "BEGIN IMMEDIATE"))
		goto fail;
	for (int v = (int)from; v < store_schema__version(); v++) {
		if (sql__exec(st, store_schema__migration(v))) {
			rollback(st);
			goto fail;
		}
	}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", store_schema__version());
	if (sql__exec(st, sql) || sql__exec(st, "COMMIT")) {
		rollback(st);
		goto fail;
	}
	if (from)
		pr_info("%s: schema migrated from v%lld to v%d\n", st->path, (long long)from,
			store_schema__version());
	return 0;
fail:
	snprintf(err, errlen, "%s: could not set up the schema: %s", st->path, store__error(st));
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
	sqlite3_busy_timeout(st->db, STORE_BUSY_TIMEOUT_MS);
	/* Reading the schema is what tells an SQLite file from anything else;
	 * do it before any write so a foreign file is left untouched. */
	rc = query_int(st, "SELECT count(*) FROM sqlite_master", &tmp);
	if (rc && exists) {
		int ro = store__reopen_readonly_media(&st->db, path, flags & STORE_READONLY, err,
						      errlen);

		if (ro < 0)
			goto fail;
		if (ro > 0)
			rc = query_int(st, "SELECT count(*) FROM sqlite_master", &tmp);
	}
	if (rc == -EBADMSG && (sqlite3_errcode(st->db) & 0xff) == SQLITE_CORRUPT)
		return st; /* an SQLite file, damaged: store__corrupt() says so */
	if (rc && (sqlite3_errcode(st->db) & 0xff) == SQLITE_NOTADB) {
		snprintf(err, errlen, "%s: not an SQLite database", path);
		goto fail;
	}
	if (rc) { /* e.g. no room for its -shm file */
		int sys = sqlite3_system_errno(st->db);

		snprintf(err, errlen, "%s: cannot read it: %s%s%s%s", path, sqlite3_errmsg(st->db),
			 sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
		goto fail;
	}
	if (query_int(st, "PRAGMA user_version", &version)) {
		snprintf(err, errlen, "%s: cannot read the schema version", path);
		goto fail;
	}
	if (version < 0) {
		snprintf(err, errlen, "%s: schema version %lld is not one scxbench writes (a damaged"
			 " or foreign file)", path, (long long)version);
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
			/* An older scxbench's file: a report or show of last
			 * month's history must not need a run first. The
			 * migrations only add (columns, tables), in one
			 * transaction, after the same checks as any write. */
			if (!access(path, W_OK)) {
				store__close(st);
				return store__open(path, flags & ~STORE_READONLY, err, errlen);
			}
			snprintf(err, errlen, "%s: schema v%lld is older than v%d and the file cannot be"
				 " written here to bring it up to date (copy it somewhere writable)",
				 path, (long long)version, store_schema__version());
			goto fail;
		}
		return st;
	}
	if (!exists && access(path, W_OK)) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		goto fail;
	}
	/* Nothing is added to a damaged file: every page is walked once
	 * before the first write (50 MB: 32 ms cached, 0.5 s from disk) */
	if (exists) {
		char msg[256];

		rc = quick_check(st, true, msg, sizeof(msg));
		if (rc == -EBADMSG)
			return st;
		if (rc) {
			snprintf(err, errlen, "%s: cannot check the database: %s", path, strerror(-rc));
			goto fail;
		}
	}
	if (sql__exec(st, "PRAGMA journal_mode = WAL") || sql__exec(st, "PRAGMA foreign_keys = ON") ||
	    sql__exec(st, "PRAGMA synchronous = NORMAL")) {
		snprintf(err, errlen, "%s: cannot configure the database: %s", path, store__error(st));
		goto fail;
	}
	if (version < store_schema__version() && migrate(st, version, err, errlen))
		goto fail;
	rc = recover_dangling(st);
	if (rc) {
		if (rc == -EBUSY)
			snprintf(err, errlen, "%s: another process holds its write lock (waited %d s to"
				 " mark dangling runs aborted): try again when it is done", path,
				 STORE_BUSY_TIMEOUT_MS / 1000);
		else
			snprintf(err, errlen, "%s: cannot check for dangling runs: %s", path,
				 store__error(st));
		goto fail;
	}
	{
		const char *b = getenv("SCXB_ID_BASE");
		long long r, c, k = 0;
		int nb = b ? sscanf(b, "run:%lld,cmp:%lld,cap:%lld", &r, &c, &k) : 0;

		if (nb >= 2 && r > 0 && c > 0) {
			st->run_base = r;
			st->cmp_base = c;
			/* captures (scxbench capture --vm) since the third field */
			st->cap_base = nb == 3 && k > 0 ? k : 0;
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

int store__next_ids(struct store *st, int64_t *run, int64_t *cmp)
{
	int64_t r, c;
	int err;

	err = query_int(st, "SELECT coalesce(max(id), 0) + 1 FROM runs", &r);
	if (!err)
		err = query_int(st, "SELECT coalesce(max(id), 0) + 1 FROM comparisons", &c);
	if (err)
		return err;
	*run = r;
	*cmp = c;
	return 0;
}

int64_t store__id_base(struct store *st, bool comparison)
{
	return comparison ? st->cmp_base : st->run_base;
}

int store__next_capture_id(struct store *st, int64_t *cap)
{
	return query_int(st, "SELECT coalesce(max(id), 0) + 1 FROM captures", cap);
}

int64_t store__capture_id_base(struct store *st)
{
	return st->cap_base;
}

int store__txn_begin(struct store *st)
{
	int err;

	if (st->in_txn)
		return -EBUSY;
	err = sql__exec(st, "BEGIN IMMEDIATE");
	if (!err)
		st->in_txn = true;
	return err;
}

int store__txn_commit(struct store *st)
{
	int err;

	if (!st->in_txn)
		return -EINVAL;
	err = sql__exec(st, "COMMIT");
	if (err)
		rollback(st);
	st->in_txn = false;
	return err;
}

int store__txn_rollback(struct store *st)
{
	st->in_txn = false;
	return rollback(st);
}

int store__begin_run(struct store *st, const struct run_meta *m, int64_t *run_id)
{
	sqlite3_stmt *s = NULL;
	struct utsname u;
	struct owner self;
	char uuid[64], host[256], cpu[256];
	int err;

	uname(&u);
	new_uuid(uuid, sizeof(uuid));
	owner__self(&self);
	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "unknown");
	host_cpu_model(cpu, sizeof(cpu));

	err = sql__prep(st, &s,
		   "INSERT INTO runs (uuid, scheduler, sched_kind, workload, status, place, accel,"
		   " guest_kernel, kernel_release, hostname, cpu_model, ncpus, version, git_sha,"
		   " cmdline, started_at, pid, boot_id, compare_id, rep, round, label, trace,"
		   " pid_start, id)"
		   " VALUES (?,?,?,?,'running',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		   "  (SELECT max(coalesce(max(id), 0) + 1, ?) FROM runs))");
	if (err)
		return err;
	sql__bind_text(s, 1, uuid);
	sql__bind_text(s, 2, m->scheduler);
	sql__bind_text(s, 3, m->sched_kind ? m->sched_kind : "eevdf");
	sql__bind_text(s, 4, m->workload);
	sql__bind_text(s, 5, m->place ? m->place : "host");
	sql__bind_text(s, 6, m->accel);
	sql__bind_text(s, 7, m->guest_kernel);
	sql__bind_text(s, 8, u.release);
	sql__bind_text(s, 9, host);
	sql__bind_text(s, 10, cpu);
	sqlite3_bind_int(s, 11, host_ncpus());
	sql__bind_text(s, 12, SCXB_VERSION);
	sql__bind_text(s, 13, SCXB_GIT_SHA);
	sql__bind_text(s, 14, m->cmdline);
	sqlite3_bind_double(s, 15, now_wall());
	sqlite3_bind_int64(s, 16, self.pid);
	sql__bind_text(s, 17, self.boot);
	if (m->compare_id > 0)
		sqlite3_bind_int64(s, 18, m->compare_id);
	else
		sqlite3_bind_null(s, 18);
	sqlite3_bind_int(s, 19, m->rep);
	sqlite3_bind_int(s, 20, m->round);
	sql__bind_text(s, 21, m->label);
	sqlite3_bind_int(s, 22, m->trace);
	sqlite3_bind_int64(s, 23, (int64_t)self.start);
	/* the id is chosen inside the INSERT: under the write lock */
	sqlite3_bind_int64(s, 24, st->run_base);
	err = sql__run(st, s);
	sqlite3_finalize(s);
	if (err)
		return err;
	*run_id = sqlite3_last_insert_rowid(st->db);

	/* the CPUs as this machine's kernel shows them, like its CPU model */
	{
		const struct topo_view *v = topo_view__current();
		char *json = v ? topo_view__json_str(v) : NULL;

		err = sql__prep(st, &s, "UPDATE runs SET topology = ?, topology_detail = ? WHERE id = ?");
		if (err) {
			free(json);
			return err;
		}
		sql__bind_text(s, 1, v ? v->spec_str : NULL);
		sql__bind_text(s, 2, json);
		sqlite3_bind_int64(s, 3, *run_id);
		err = sql__run(st, s);
		sqlite3_finalize(s);
		free(json);
		if (err)
			return err;
	}

	/* parameters belong to the run from its start: what was asked for
	 * is known even when the run never finishes */
	err = sql__prep(st, &s, "INSERT OR REPLACE INTO params (run_id, name, value) VALUES (?,?,?)");
	for (int i = 0; !err && i < m->nr_params; i++) {
		sqlite3_bind_int64(s, 1, *run_id);
		sql__bind_text(s, 2, m->param_names[i]);
		sql__bind_text(s, 3, m->param_values[i]);
		err = sql__run(st, s);
	}
	sqlite3_finalize(s);
	return err;
}

int store__add_results(struct store *st, int64_t run_id, const struct results *r)
{
	sqlite3_stmt *s = NULL;
	uint8_t *buf = NULL;
	int err;

	err = sql__prep(st, &s, "INSERT OR REPLACE INTO metrics (run_id, name, value, unit, better)"
			   " VALUES (?,?,?,?,?)");
	for (int i = 0; !err && i < results__nr_metrics(r); i++) {
		const struct metric *m = results__metric(r, i);

		sqlite3_bind_int64(s, 1, run_id);
		sql__bind_text(s, 2, m->name);
		sqlite3_bind_double(s, 3, m->value);
		sql__bind_text(s, 4, m->unit);
		sqlite3_bind_int(s, 5, m->better);
		err = sql__run(st, s);
	}
	sqlite3_finalize(s);
	s = NULL;
	if (err || !results__nr_hists(r))
		return err;

	buf = malloc(hist__encoded_max());
	if (!buf)
		return -ENOMEM;
	err = sql__prep(st, &s, "INSERT OR REPLACE INTO histograms (run_id, name, unit, scheme, count,"
			   " sum, min, max, buckets) VALUES (?,?,?,?,?,?,?,?,?)");
	for (int i = 0; !err && i < results__nr_hists(r); i++) {
		const struct hist_entry *e = results__hist(r, i);
		size_t len = hist__encode(e->hist, buf);

		sqlite3_bind_int64(s, 1, run_id);
		sql__bind_text(s, 2, e->name);
		sql__bind_text(s, 3, e->unit);
		sql__bind_text(s, 4, HIST_SCHEME);
		sqlite3_bind_int64(s, 5, (int64_t)e->hist->count);
		sqlite3_bind_int64(s, 6, (int64_t)e->hist->sum);
		sqlite3_bind_int64(s, 7, e->hist->count ? (int64_t)e->hist->min : 0);
		sqlite3_bind_int64(s, 8, (int64_t)e->hist->max);
		sqlite3_bind_blob(s, 9, buf, (int)len, SQLITE_TRANSIENT);
		err = sql__run(st, s);
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
	err = sql__prep(st, &s, "UPDATE runs SET sched_ops = ?, sched_path = ?, sched_sha256 = ?,"
			   " sched_build_id = ?, sched_args = ? WHERE id = ?");
	if (err) {
		free(args);
		return err;
	}
	sql__bind_text(s, 1, si->ops && *si->ops ? si->ops : NULL);
	sql__bind_text(s, 2, si->path && *si->path ? si->path : NULL);
	sql__bind_text(s, 3, si->sha256 && *si->sha256 ? si->sha256 : NULL);
	sql__bind_text(s, 4, si->build_id && *si->build_id ? si->build_id : NULL);
	sql__bind_text(s, 5, args);
	sqlite3_bind_int64(s, 6, run_id);
	err = sql__run(st, s);
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
	err = sql__prep(st, &s, "UPDATE runs SET exit_kind = ?, exit_reason = ?, exit_msg = ?,"
			   " time_to_exit_s = ?, sched_exit_status = ?, sched_exit_signal = ?"
			   " WHERE id = ?");
	if (err)
		return err;
	/* kind 0: an exec: scheduler that printed no exit info */
	if (ex->valid && ex->kind)
		sqlite3_bind_int64(s, 1, ex->kind);
	else
		sqlite3_bind_null(s, 1);
	sql__bind_text(s, 2, ex->valid && ex->reason[0] ? ex->reason : NULL);
	sql__bind_text(s, 3, ex->valid && ex->msg[0] ? ex->msg : NULL);
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
	err = sql__run(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__add_sched_output(struct store *st, int64_t run_id, const char *kind, const char *text)
{
	sqlite3_stmt *s;
	int err = sql__prep(st, &s, "INSERT INTO sched_output (run_id, kind, text) VALUES (?,?,?)");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sql__bind_text(s, 2, kind);
	sql__bind_text(s, 3, text ? text : "");
	err = sql__run(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__add_note(struct store *st, int64_t run_id, const char *collector, const char *note)
{
	sqlite3_stmt *s;
	int err = sql__prep(st, &s, "INSERT INTO collector_notes (run_id, collector, note) VALUES (?,?,?)");

	if (err)
		return err;
	sqlite3_bind_int64(s, 1, run_id);
	sql__bind_text(s, 2, collector);
	sql__bind_text(s, 3, note);
	err = sql__run(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__finish_run(struct store *st, int64_t run_id, enum run_status status,
		      enum fail_stage stage, const char *detail)
{
	sqlite3_stmt *s;
	int err = sql__prep(st, &s, "UPDATE runs SET status = ?, status_detail = ?, ended_at = ?,"
			       " lost_events = COALESCE((SELECT sum(lost) FROM trace_cpus"
			       "   WHERE run_id = runs.id), 0), fail_stage = ?"
			       " WHERE id = ?");

	if (err)
		return err;
	sql__bind_text(s, 1, run_status__name(status));
	sql__bind_text(s, 2, detail && *detail ? detail : NULL);
	sqlite3_bind_double(s, 3, now_wall());
	sql__bind_text(s, 4, fail_stage__name(stage));
	sqlite3_bind_int64(s, 5, run_id);
	err = sql__run(st, s);
	sqlite3_finalize(s);
	return err;
}

int store__abort_run(struct store *st, int64_t run_id, const char *detail)
{
	if (st->in_txn)
		store__txn_rollback(st);
	return store__finish_run(st, run_id, RUN_ABORTED, FAIL_NONE, detail);
}

int store__check(struct store *st, bool quick, char *msg, size_t len)
{
	return quick_check(st, quick, msg, len);
}
