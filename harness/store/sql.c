// SPDX-License-Identifier: GPL-2.0
/* The store's statement helpers (harness/store/sql.h). */
#include <errno.h>
#include <sqlite3.h>

#include "harness/lib/log.h"
#include "harness/lib/escape.h"
#include "harness/store/sql.h"
#include "harness/store/store.h"

int sql__errno(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return -EBADMSG;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return -EBUSY;
	case SQLITE_NOMEM:
		return -ENOMEM;
	case SQLITE_FULL:
		return -ENOSPC;
	default:
		return -EIO;
	}
}

int sql__fail(struct store *st, int rc)
{
	sqlite3 *db = store__db(st);
	int err = sql__errno(rc);

	if (err == -EBADMSG)
		store__set_corrupt(st, sqlite3_errmsg(db));
	else if (err)
		pr_err("store: %s: %s\n", store__path(st), sqlite3_errmsg(db));
	return err ? err : -EIO;
}

int sql__prep_flags(struct store *st, sqlite3_stmt **s, const char *sql, unsigned int flags)
{
	int rc;

	*s = NULL;
	if (store__corrupt(st) && !(flags & SQL_EVEN_CORRUPT))
		return -EBADMSG;
	rc = sqlite3_prepare_v3(store__db(st), sql, -1,
				(flags & SQL_PERSISTENT) ? SQLITE_PREPARE_PERSISTENT : 0, s, NULL);
	if (rc == SQLITE_OK)
		return 0;
	sqlite3_finalize(*s);
	*s = NULL;
	return sql__fail(st, rc);
}

int sql__prep(struct store *st, sqlite3_stmt **s, const char *sql)
{
	return sql__prep_flags(st, s, sql, 0);
}

int sql__run(struct store *st, sqlite3_stmt *s)
{
	int rc;

	while ((rc = sql__step(st, s)) > 0)
		;
	sqlite3_reset(s);
	return rc;
}

int sql__exec(struct store *st, const char *sql)
{
	sqlite3_stmt *s;
	const char *tail = sql;
	int err = 0;

	/* one statement at a time, each stepped by sql__run(): the same
	 * errno mapping, corruption flag and log line as every statement */
	while (!err && tail && *tail) {
		if (store__corrupt(st))
			return -EBADMSG;
		if (sqlite3_prepare_v2(store__db(st), tail, -1, &s, &tail) != SQLITE_OK)
			return sql__fail(st, sqlite3_errcode(store__db(st)));
		if (!s) /* whitespace or a comment */
			break;
		err = sql__run(st, s);
		sqlite3_finalize(s);
	}
	return err;
}

void sql__bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

const char *sql__col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

const char *sql__col_term(sqlite3_stmt *s, int i)
{
	static char ring[8][1024];
	static unsigned int next;
	char *b = ring[next++ % 8];

	esc_term_buf(b, sizeof(ring[0]), sql__col_text(s, i));
	return b;
}
