// SPDX-License-Identifier: GPL-2.0
/* --dump-on-outlier and --overhead-check: the outlier ring's rate limit,
 * the outlier tables' round trip (and import), the window text, the
 * interleaved overhead plan, and that neither kind of run leaks into the
 * other's table, on real SQLite files. */
#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/core/compare.h"
#include "harness/core/overhead.h"
#include "harness/core/plan.h"
#include "harness/lib/outlier_ring.h"
#include "harness/store/outliers.h"
#include "harness/store/query.h"
#include "harness/store/store.h"
#include "tests/unit/unit.h"

static char *tmp_path(const char *name)
{
	static char buf[4][300];
	static int i;

	snprintf(buf[i & 3], sizeof(buf[0]), "%s/%s", unit__tmpdir(), name);
	return buf[i++ & 3];
}

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

UNIT_TEST(outlier_ring_rate_limit)
{
	struct outlier_ring *r = outlier_ring__new(1000, 3);
	uint64_t pokes = 0;

	CHECK(r, "new");
	DEFER(outlier_ring__free, r);
	CHECK(!outlier_ring__new(1000, 0) && !outlier_ring__new(1000, OUTLIER_MAX_DUMPS + 1),
	      "a K outside 1..%d accepted", OUTLIER_MAX_DUMPS);
	CHECK(outlier_ring__nr(r) == 0 && !outlier_ring__get(r, 0), "empty ring has a slot");
	for (int i = 0; i < 5; i++)
		outlier_ring__post(r, 1000000 + i, 2000 + i, 40 + i, "a-very-long-thread-name",
				   i & 1 ? OUTLIER_WAKEUP : OUTLIER_TIMER);
	CHECK(outlier_ring__seen(r) == 5, "seen %u, want 5", outlier_ring__seen(r));
	CHECK(outlier_ring__nr(r) == 3, "nr %d, want the first 3", outlier_ring__nr(r));
	for (int i = 0; i < 3; i++) {
		const struct outlier_rec *x = outlier_ring__get(r, i);

		CHECK(x && x->ts_ns == 1000000u + i && x->lat_ns == 2000u + i && x->tid == 40 + i,
		      "slot %d holds another outlier", i);
		CHECK(!memcmp(x->comm, "a-very-long-thr", 15) && !x->comm[15],
		      "comm not cut to 15 characters");
		CHECK(x->kind == (i & 1 ? OUTLIER_WAKEUP : OUTLIER_TIMER), "kind");
	}
	CHECK(!outlier_ring__get(r, 3), "a slot beyond K");
	CHECK(read(r->efd, &pokes, sizeof(pokes)) == sizeof(pokes) && pokes == 3,
	      "%llu pokes, want one per slotted outlier (3)", (unsigned long long)pokes);
	CHECK(!strcmp(outlier_dump__name(OUTLIER_DUMP_NO_SCX), "no_sched_ext") &&
	      !strcmp(outlier_kind__name(OUTLIER_WAKEUP), "wakeup"), "names");
}

UNIT_TEST(outlier_ring_no_slot_for_a_dump_s_own)
{
	struct outlier_ring *r = outlier_ring__new(1000, 2);
	const struct outlier_rec *x;

	CHECK(r, "new");
	DEFER(outlier_ring__free, r);
	outlier_ring__quiet_until(r, UINT64_MAX); /* a dump under way */
	outlier_ring__post(r, 9000, 2000, 1, "t", OUTLIER_TIMER);
	outlier_ring__quiet_until(r, 5000);       /* it ended at 5000 */
	outlier_ring__post(r, 9000, 5000, 2, "t", OUTLIER_TIMER); /* due at 4000 */
	outlier_ring__post(r, 9000, 3000, 3, "t", OUTLIER_TIMER); /* due at 6000 */
	CHECK(outlier_ring__seen(r) == 3 && outlier_ring__skipped(r) == 2 && outlier_ring__nr(r) == 1,
	      "seen %u, skipped %u, slotted %d: want 3, 2, 1", outlier_ring__seen(r),
	      outlier_ring__skipped(r), outlier_ring__nr(r));
	x = outlier_ring__get(r, 0);
	CHECK(x && x->tid == 3, "slot 0 is not the outlier due after the dump ended");
}

UNIT_TEST(plan_overhead_round)
{
	struct plan_item it[8], t[4], u[4];

	for (int r = 0; r < 6; r++) {
		int k = 0, j = 0, traced = 0, untraced = 0;

		CHECK(!plan__overhead_round(4, r, 77, it), "err");
		CHECK(!plan__rounds(4, r, r + 1, 77, t), "err");
		CHECK(!plan__rounds(4, r, r + 1, 77 ^ PLAN_UNTRACED_SALT, u), "err");
		for (int i = 0; i < 8; i++) {
			CHECK(it[i].round == r && it[i].rep == r, "round %d", it[i].round);
			if (it[i].untraced) {
				untraced |= 1 << it[i].sched;
				CHECK(it[i].sched == u[j++].sched, "untraced order is not its plan's");
			} else {
				traced |= 1 << it[i].sched;
				CHECK(it[i].sched == t[k++].sched, "traced order is not plan__rounds'");
			}
		}
		CHECK(traced == 15 && untraced == 15 && k == 4 && j == 4,
		      "round %d: every scheduler once traced and once untraced", r);
	}
	{
		/* interleaved, not all traced first */
		int mixed = 0;

		for (int r = 0; r < 6; r++) {
			plan__overhead_round(4, r, 77, it);
			mixed += it[0].untraced || it[3].untraced;
		}
		CHECK(mixed > 0, "the untraced runs always come last");
	}
	CHECK(plan__overhead_round(0, 0, 1, it) == -EINVAL, "0 schedulers accepted");
}

static int add_run(struct store *st, const char *sched, int64_t cid, int round, bool trace,
		   double p99, int64_t *id)
{
	const char *names[] = { "mode" }, *values[] = { "both" };
	struct run_meta m = {
		.scheduler = sched, .sched_kind = "eevdf", .workload = "latency",
		.compare_id = cid, .rep = round, .round = round, .trace = trace,
		.nr_params = 1, .param_names = names, .param_values = values,
	};
	struct results *res = results__new();
	int err = res ? store__begin_run(st, &m, id) : -ENOMEM;

	if (!err)
		err = results__add_metric(res, "wakeup_lat_p99", p99, "us", BETTER_LOWER);
	if (!err)
		err = results__add_metric(res, "timer_lat_p99", p99 / 2, "us", BETTER_LOWER);
	if (!err)
		err = store__txn_begin(st);
	if (!err)
		err = store__add_results(st, *id, res);
	if (!err)
		err = store__finish_run(st, *id, RUN_OK, FAIL_NONE, NULL);
	if (!err)
		err = store__txn_commit(st);
	results__free(res);
	return err;
}

static const struct q_result *row_of(const struct cmp_table *t, const char *metric, int s)
{
	for (int k = 0; k < t->nmetrics; k++)
		if (!strcmp(compare__row(t, k, s)->metric, metric))
			return compare__row(t, k, s);
	return NULL;
}

UNIT_TEST(overhead_runs_never_mixed)
{
	/* traced: a 100..104, b 50..54; untraced: a 80..84, b 10..14 */
	char err[256], *db = tmp_path("o.db");
	struct compare_meta cm = { .schedulers = "a\nb", .workload = "latency", .settings = "{}",
				   .seed = 5, .reps = 5, .place = "host" };
	struct store *st = store__open(db, STORE_CREATE, err, sizeof(err));
	struct cmp_table t = { 0 };
	struct ovh_table o = { 0 };
	struct q_runs runs = { 0 };
	const struct q_result *ra, *rb;
	const struct ovh_row *oa, *ob = NULL;
	int64_t cid, id;

	CHECK(st, "open: %s", err);
	DEFER(store__close, st);
	CHECK(!store__add_comparison(st, &cm, &cid), "comparison");
	for (int r = 0; r < 5; r++) {
		CHECK(!add_run(st, "a", cid, r, true, 100 + r, &id), "run");
		CHECK(!add_run(st, "a", cid, r, false, 80 + r, &id), "run");
		CHECK(!add_run(st, "b", cid, r, false, 10 + r, &id), "run");
		CHECK(!add_run(st, "b", cid, r, true, 50 + r, &id), "run");
	}
	CHECK(!store__q_runs_of_compare(st, cid, &runs) && runs.n == 20, "20 runs");
	DEFER(q_runs__free, &runs);
	CHECK(compare__mixed_trace(&runs), "traced and untraced runs not told apart");
	CHECK(!compare__eval(st, cm.schedulers, &runs, cm.seed, &t), "eval");
	DEFER(compare__free, &t);
	ra = row_of(&t, "wakeup_lat_p99", 0);
	rb = row_of(&t, "wakeup_lat_p99", 1);
	CHECK(ra && rb && ra->n == 5 && rb->n == 5 && t.sched[0].total == 5,
	      "the main table holds %d + %d runs, want the 5 traced of each", ra ? ra->n : -1,
	      rb ? rb->n : -1);
	CHECK(ra->median == 102 && rb->median == 52, "medians %g, %g: untraced runs mixed in",
	      ra->median, rb->median);
	CHECK(fabs(rb->delta_pct - (52.0 / 102 - 1) * 100) < 1e-9, "delta %g", rb->delta_pct);
	for (int i = 0; i < runs.n; i++)
		CHECK((t.run_slot[i] >= 0) == (runs.v[i].trace != 0), "run %lld in the wrong table",
		      (long long)runs.v[i].id);

	CHECK(!overhead__eval(st, cm.schedulers, &runs, cm.seed, &t, &o), "overhead");
	DEFER(overhead__free, &o);
	CHECK(o.nmetrics == 2 && o.nsched == 2, "%d metrics x %d schedulers, want the 2 primary x 2",
	      o.nmetrics, o.nsched);
	oa = NULL;
	for (int k = 0; k < o.nmetrics; k++)
		if (!strcmp(overhead__row(&o, k, 0)->metric, "wakeup_lat_p99"))
			oa = overhead__row(&o, k, 0), ob = overhead__row(&o, k, 1);
	CHECK(oa, "no wakeup_lat_p99 row");
	CHECK(oa->nt == 5 && oa->nu == 5 && oa->med_t == 102 && oa->med_u == 82 &&
	      !strcmp(oa->sched, "a"), "a: %d/%d runs, medians %g / %g", oa->nt, oa->nu, oa->med_t,
	      oa->med_u);
	CHECK(fabs(oa->pct - (102.0 / 82 - 1) * 100) < 1e-9 && oa->pct_lo <= oa->pct &&
	      oa->pct <= oa->pct_hi, "a's overhead %g [%g, %g]", oa->pct, oa->pct_lo, oa->pct_hi);
	CHECK(ob->med_t == 52 && ob->med_u == 12 && fabs(ob->pct - (52.0 / 12 - 1) * 100) < 1e-9,
	      "b: medians %g / %g, overhead %g", ob->med_t, ob->med_u, ob->pct);
}

UNIT_TEST(overhead_warning_when_tracer_as_large_as_claim)
{
	struct cmp_sched sch[2] = { { .name = "a" }, { .name = "b" } };
	struct q_result rows[2] = {
		{ .metric = "wakeup_lat_p99", .verdict = "baseline", .better = -1 },
		{ .metric = "wakeup_lat_p99", .verdict = "better", .better = -1, .delta_pct = -10 },
	};
	struct cmp_table t = { .workload = "latency", .nsched = 2, .sched = sch, .nmetrics = 1,
			       .rows = rows };
	struct ovh_row orows[2] = {
		{ .metric = "wakeup_lat_p99", .sched = "a", .pct = 2, .pct_lo = -1, .pct_hi = 4,
		  .med_u = 100 },
		{ .metric = "wakeup_lat_p99", .sched = "b", .pct = 5, .pct_lo = 1, .pct_hi = 12,
		  .med_u = 80 },
	};
	struct ovh_table o = { .nmetrics = 1, .nsched = 2, .rows = orows };
	char lines[4][512];

	CHECK(overhead__warnings(&o, &t, lines, 4) == 1, "no warning for a CI reaching +12 %% vs a"
	      " claimed -10 %%");
	CHECK(strstr(lines[0], "wakeup_lat_p99") && strstr(lines[0], " b ") &&
	      strstr(lines[0], "+5.0 % [+1.0, +12.0]") && strstr(lines[0], "-10.0 %") &&
	      strstr(lines[0], "untraced, the medians differ by -20.0 %"),
	      "warning: %s", lines[0]);
	orows[1].pct_hi = 8;
	CHECK(overhead__warnings(&o, &t, lines, 4) == 0, "a warning with the tracer (<= 8 %%) below"
	      " the claim (10 %%): %s", lines[0]);
	/* the baseline's overhead counts as much */
	orows[0].pct_lo = -11;
	CHECK(overhead__warnings(&o, &t, lines, 4) == 1 && strstr(lines[0], " a "),
	      "the baseline's -11 %% reach was not warned about");
	snprintf(rows[1].verdict, sizeof(rows[1].verdict), "no significant difference");
	CHECK(overhead__warnings(&o, &t, lines, 4) == 0, "a warning where nothing was claimed");
}

UNIT_TEST(outliers_round_trip)
{
	char err[256], *db = tmp_path("r.db"), *db2 = tmp_path("r2.db"), *text = NULL;
	struct run_meta m = { .scheduler = "eevdf", .sched_kind = "eevdf", .workload = "latency" };
	struct outlier_ring *ring = outlier_ring__new(50000, 2);
	struct store *st = store__open(db, STORE_CREATE, err, sizeof(err)), *st2;
	struct q_outlier_run q = { 0 };
	struct q_slice *sl = NULL;
	struct store_slices *sw;
	size_t len = 0;
	int64_t id, due = 10000000 - 70000;
	int n = 0;
	FILE *f;

	CHECK(st && ring, "open: %s", err);
	DEFER(outlier_ring__free, ring);
	outlier_ring__post(ring, 10000000, 70000, 321, "scxb-probe-t", OUTLIER_TIMER);
	outlier_ring__post(ring, 20000000, 60000, 322, "scxb-probe-w", OUTLIER_WAKEUP);
	outlier_ring__post(ring, 30000000, 90000, 321, "scxb-probe-t", OUTLIER_TIMER);
	outlier_ring__slot(ring, 0)->dump = OUTLIER_DUMP_TAKEN;
	outlier_ring__slot(ring, 0)->dump_start_ns = 10500000;
	outlier_ring__slot(ring, 0)->dump_end_ns = 10800000;
	outlier_ring__slot(ring, 1)->dump = OUTLIER_DUMP_NO_SCX;
	CHECK(!store__begin_run(st, &m, &id) && !store__txn_begin(st), "run");
	CHECK(!store__add_outliers(st, id, ring, 1.5), "add");
	sw = store__slices_begin(st, id);
	CHECK(sw, "slices");
	CHECK(!store__slices_add(sw, 0, 1, due - 3000000, due + 20000, 99, "scxb-hog-0") &&
	      !store__slices_add(sw, 0, 1, due + 20000, due + 200000, 321, "scxb-probe-t") &&
	      !store__slices_add(sw, 0, 0, due - 100000, due + 50000, 77, "scxb-hb-s"), "slice");
	store__slices_end(sw);
	CHECK(!store__set_outlier_trace(st, id, 0, "line one\nline two", due - 1500000, 10000000,
					4), "trace");
	CHECK(!store__finish_run(st, id, RUN_OK, FAIL_NONE, NULL) && !store__txn_commit(st), "commit");

	CHECK(!store__q_outliers(st, id, &q), "read");
	DEFER(q_outlier_run__free, &q);
	CHECK(q.threshold_us == 50 && q.dumps == 2 && q.seen == 3 && q.window_ms == 1.5 && q.n == 2,
	      "run: %g us, K %d, seen %lld, %d rows", q.threshold_us, q.dumps, (long long)q.seen, q.n);
	CHECK(q.v[0].ts == 10000000 && q.v[0].latency_ns == 70000 && q.v[0].pid == 321 &&
	      !strcmp(q.v[0].comm, "scxb-probe-t") && !strcmp(q.v[0].kind, "timer") &&
	      !strcmp(q.v[0].dump, "taken") && q.v[0].dump_start == 10500000 &&
	      q.v[0].dump_text && !strcmp(q.v[0].dump_text, "line one\nline two") &&
	      q.v[0].window_cut == 4, "outlier 0 read back wrong");
	CHECK(!strcmp(q.v[1].dump, "no_sched_ext") && !q.v[1].dump_text && !q.v[1].window_end &&
	      !strcmp(q.v[1].kind, "wakeup"), "outlier 1 read back wrong");
	CHECK(!store__q_outlier_slices(st, id, 0, &sl, &n) && n == 3 && sl[0].cpu == 0 &&
	      sl[1].pid == 99 && sl[2].pid == 321, "slices by cpu, then start");
	DEFER(free, sl);

	f = open_memstream(&text, &len);
	CHECK(f, "memstream");
	outliers__print_window(&q.v[0], sl, n, f, 0);
	fclose(f);
	DEFER(free, text);
	/* cpu 1 from -1.5 ms to +0.07 ms: the hog 1.52 ms, the probe 0.05 */
	CHECK(strstr(text, "-1.500 .. +0.070 ms") && strstr(text, "4 earlier slices not kept") &&
	      strstr(text, "cpu 1: scxb-hog-0[99] 1.52 ms, scxb-probe-t[321] 0.05 ms; idle 0.00 ms") &&
	      strstr(text, "cpu 0: scxb-hb-s[77] 0.15 ms; idle 1.42 ms") &&
	      strstr(text, "+0.020 ..    +0.200  scxb-probe-t[321]  <- the late task"),
	      "window text:\n%s", text);

	store__close(st);
	st = NULL;
	st2 = store__open(db2, STORE_CREATE, err, sizeof(err));
	CHECK(st2, "open 2");
	DEFER(store__close, st2);
	CHECK(store__import(st2, db, NULL, NULL, err, sizeof(err)) == 1, "import: %s", err);
	CHECK(q_int(db2, "SELECT count(*) FROM outliers") == 2 &&
	      q_int(db2, "SELECT count(*) FROM outlier_slices") == 3 &&
	      q_int(db2, "SELECT outliers_seen FROM runs") == 3, "outliers not imported with the run");
}
