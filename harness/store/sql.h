/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the store runs a statement: private to the .c files of
 * harness/store (nothing else includes this header). Every SQLite result
 * becomes 1 (a row), 0 (done) or a negative errno here, so no loop can
 * take an error for the end of its rows:
 *
 *   -EBADMSG  SQLITE_CORRUPT, SQLITE_NOTADB: the file is damaged
 *   -EBUSY    SQLITE_BUSY, SQLITE_LOCKED: the lock was held past the
 *             busy timeout
 *   -ENOMEM   SQLITE_NOMEM
 *   -ENOSPC   SQLITE_FULL
 *   -EIO      anything else (I/O error, constraint, read-only file...)
 *
 * The first corruption met is remembered on the store (store__corrupt());
 * from then on sql__prep() and sql__exec() refuse with -EBADMSG, so no
 * public function of the store reads or writes a file known to be
 * damaged. Corruption is not logged here: the command prints one line
 * naming the file. Every other failure is logged once, here.
 */
#ifndef SCXB_STORE_SQL_H
#define SCXB_STORE_SQL_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <sqlite3.h>

struct store;

enum sql_prep_flags {
	SQL_PERSISTENT = 1,   /* stepped many times (the trace batches) */
	SQL_EVEN_CORRUPT = 2, /* the integrity checks: they must run on a damaged file */
};

/* Prepare one statement; on error *s is NULL and the error logged. */
int sql__prep(struct store *st, sqlite3_stmt **s, const char *sql);
int sql__prep_flags(struct store *st, sqlite3_stmt **s, const char *sql, unsigned int flags);

/* The out-of-line half of sql__step(): rc is not ROW or DONE. */
int sql__fail(struct store *st, int rc);

/* 1 a row, 0 done, -errno (see above). Inline: the trace batches step
 * once per 256 events and the task rows once per task. */
static inline int sql__step(struct store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return sql__fail(st, rc);
}

/* Step a statement that returns no rows (or whose rows are not wanted:
 * PRAGMA journal_mode) to its end, then reset it for the next bindings
 * (the bindings stay). 0 or -errno. */
int sql__run(struct store *st, sqlite3_stmt *s);

/* SQL text without parameters (PRAGMA, BEGIN/COMMIT, DDL), run to its
 * end. 0 or -errno. */
int sql__exec(struct store *st, const char *sql);

/* The errno of an SQLite result code (pure; SQLITE_OK/ROW/DONE are 0). */
int sql__errno(int rc);

/* v as text (copied), NULL as SQL NULL. */
void sql__bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column i as text, "" for NULL. */
const char *sql__col_text(sqlite3_stmt *s, int i);
/*
 * The same text made safe for a terminal (harness/lib/escape.h
 * esc_term: control characters as \xNN, so a task named "\x1b]0;..." or
 * holding a newline cannot retitle a terminal or forge a table row). From
 * a ring of buffers: several may appear in one printf, and each is valid
 * until 8 more calls. Long values are cut.
 */
const char *sql__col_term(sqlite3_stmt *s, int i);

/* store.c: the first corruption met on st (later ones keep the first
 * reason). why is SQLite's message; it is copied. */
void store__set_corrupt(struct store *st, const char *why);

#endif
