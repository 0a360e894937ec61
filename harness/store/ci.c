// SPDX-License-Identifier: GPL-2.0
/* The CI history query (harness/store/ci.h). */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/store/ci.h"
#include "harness/store/sql.h"

int store__ci_runs(struct store *st, const char *sig, struct ci_run_ref **out, int *n)
{
	struct ci_run_ref *v = NULL;
	sqlite3_stmt *s;
	int cap = 0, k = 0, err;

	*out = NULL;
	*n = 0;
	err = sql__prep(st, &s,
			"SELECT r.id, c.label FROM runs r JOIN comparisons c ON c.id = r.compare_id"
			" WHERE c.label IS NOT NULL AND json_valid(c.settings)"
			" AND json_extract(c.settings, '$.ci_sig') = ?1"
			" ORDER BY r.started_at, r.id");
	if (err)
		return err;
	sqlite3_bind_text(s, 1, sig, -1, SQLITE_TRANSIENT);
	while ((err = sql__step(st, s)) > 0) {
		if (k == cap) {
			struct ci_run_ref *nv = realloc(v, sizeof(*v) * (cap = cap * 2 + 64));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[k].id = sqlite3_column_int64(s, 0);
		snprintf(v[k].label, sizeof(v[k].label), "%s", sql__col_text(s, 1));
		k++;
	}
	sqlite3_finalize(s);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = k;
	return 0;
}

int store__ci_label_count(struct store *st, const char *label)
{
	sqlite3_stmt *s;
	int err, n = 0;

	err = sql__prep(st, &s,
			"SELECT count(*) FROM comparisons WHERE label = ?1 AND json_valid(settings)"
			" AND json_extract(settings, '$.ci_sig') IS NOT NULL");
	if (err)
		return err;
	sqlite3_bind_text(s, 1, label, -1, SQLITE_TRANSIENT);
	err = sql__step(st, s);
	if (err > 0)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return err < 0 ? err : n;
}
