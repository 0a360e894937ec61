// SPDX-License-Identifier: GPL-2.0
/* The CI history query (store_ci.h). */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness/lib/log.h"
#include "harness/store/ci.h"

int store__ci_runs(struct store *st, const char *sig, struct ci_run_ref **out, int *n)
{
	sqlite3 *db = store__db(st);
	struct ci_run_ref *v = NULL;
	sqlite3_stmt *s;
	int cap = 0, k = 0, rc, err = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT r.id, c.label FROM runs r JOIN comparisons c ON c.id = r.compare_id"
			       " WHERE c.label IS NOT NULL AND json_valid(c.settings)"
			       " AND json_extract(c.settings, '$.ci_sig') = ?1"
			       " ORDER BY r.started_at, r.id",
			       -1, &s, NULL) != SQLITE_OK) {
		pr_err("sqlite prepare: %s\n", sqlite3_errmsg(db));
		return -EIO;
	}
	sqlite3_bind_text(s, 1, sig, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *l = sqlite3_column_text(s, 1);

		if (k == cap) {
			struct ci_run_ref *nv = realloc(v, sizeof(*v) * (cap = cap * 2 + 64));

			if (!nv) {
				err = -ENOMEM;
				goto cleanup;
			}
			v = nv;
		}
		v[k].id = sqlite3_column_int64(s, 0);
		snprintf(v[k].label, sizeof(v[k].label), "%s", l ? (const char *)l : "");
		k++;
	}
	if (rc != SQLITE_DONE) {
		pr_err("sqlite: %s\n", sqlite3_errmsg(db));
		err = -EIO;
	}
cleanup:
	sqlite3_finalize(s);
	if (err) {
		free(v);
		return err;
	}
	*out = v;
	*n = k;
	return 0;
}
