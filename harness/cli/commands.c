// SPDX-License-Identifier: GPL-2.0
/* What every subcommand shares (kept out of main.c so tests can link it). */
#include <errno.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/core/overhead.h"
#include "harness/core/compare.h"
#include "harness/lib/log.h"
#include "harness/store/query.h"
#include "harness/store/store.h"

void command__verbosity(int verbose, bool quiet)
{
	log__set_level(quiet ? LOG_QUIET : LOG_INFO + verbose);
}

int command__corrupt(const char *cmd, const char *path, const char *why, const char *done)
{
	bool other = strcmp(path, STORE_DEFAULT_PATH) != 0;

	pr_err("%s: %s is corrupt (%s): %s; run scxbench show --check%s%s\n", cmd, path,
	       why && *why ? why : "database disk image is malformed", done, other ? " --db " : "",
	       other ? path : "");
	return EXIT_USAGE;
}

int command__store_corrupt(const char *cmd, const struct store *st, const char *done)
{
	if (!st || !store__corrupt(st))
		return 0;
	return command__corrupt(cmd, store__path(st), store__corrupt(st), done);
}

void command__print_overhead(struct store *st, const char *schedulers, const struct q_runs *runs,
			     uint64_t seed, const struct cmp_table *t, FILE *f)
{
	struct ovh_table o;
	int e = overhead__eval(st, schedulers, runs, seed, t, &o);

	if (e == -ENODATA)
		return;
	if (e) {
		pr_warn("the tracing-overhead table could not be made: %s\n", strerror(-e));
		return;
	}
	overhead__print(&o, t, f);
	overhead__free(&o);
}

int command__print_table(struct store *st, int64_t cid, const int64_t *ids, int nids,
			 unsigned flags, FILE *f, char *err, size_t len)
{
	struct q_compare c = { 0 };
	struct q_runs runs = { 0 };
	struct cmp_table t;
	int64_t missing = 0;
	int e;

	if (cid > 0) {
		e = store__q_compare(st, cid, &c);
		if (!e)
			e = store__q_runs_of_compare(st, cid, &runs);
	} else {
		e = store__q_runs_by_id(st, ids, nids, &runs, &missing);
	}
	/* the same order and seed report__run evaluates with */
	if (!e)
		e = compare__eval(st, cid > 0 ? c.schedulers : NULL, &runs, cid > 0 ? c.seed : 1, &t);
	if (!e) {
		compare__print_opts(&t, f, flags);
		command__print_overhead(st, cid > 0 ? c.schedulers : NULL, &runs, cid > 0 ? c.seed : 1,
					&t, f);
		fflush(f);
		compare__free(&t);
	}
	q_runs__free(&runs);
	q_compare__free(&c);
	if (e && cid > 0)
		snprintf(err, len, "comparison %lld: %s", (long long)cid,
			 e == -ENODATA ? "no successful run with metrics" : strerror(-e));
	else if (e)
		snprintf(err, len, "%s", e == -ENOENT ? "no such run" :
			 e == -ENODATA ? "no successful run with metrics" : strerror(-e));
	return e;
}
