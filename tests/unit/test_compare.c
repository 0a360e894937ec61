// SPDX-License-Identifier: GPL-2.0
/*
 * The verdicts as compare__eval builds them (compare__metric_stats, then
 * compare__verdicts: Holm over the workload's primary metrics, the
 * four-way decision, the rounds to go) on synthetic samples: a clear win,
 * a clear equivalence, too few samples, exploratory marking, per-metric
 * min-effects; over 200 seeded A/A comparisons of the mixed workload the
 * rate of better/worse on its primary metrics stays at or below alpha,
 * for fixed rounds and for --until-ci's stop-when-decided; and the
 * terminal output: the headline in words, the compact table, --all, every
 * line within 100 columns with scheduler names of any length.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/compare.h"
#include "tests/unit/unit.h"
#include "workloads/workload.h"

#define MAXN 40

/* lognormal noise around m with relative spread cv */
static void sample(struct stats_rng *r, double m, double cv, int n, double *out)
{
	for (int i = 0; i < n; i++) {
		double u1 = stats_rng__unit(r) + 1e-12, u2 = stats_rng__unit(r);
		double z = sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);

		out[i] = m * exp(cv * z);
	}
}

struct metric_def {
	const char *name, *unit;
	int better;
};

/* the mixed workload's three primary metrics (cpu_work_per_s,
 * hackbench_msgs_per_s, wakeup_lat_p99) and two exploratory ones */
static const struct metric_def mixed[] = {
	{ "cpu_work_per_s", "units/s", 1 },
	{ "hackbench_msgs_per_s", "msg/s", 1 },
	{ "sys_ctxt", "count", 0 },
	{ "timer_lat_p99", "us", -1 },
	{ "wakeup_lat_p99", "us", -1 },
};
#define NMIXED 5

static void table_init(struct cmp_table *t, const char *const *names, int nsched, int nmetrics)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->workload, sizeof(t->workload), "mixed");
	t->nsched = nsched;
	t->sched = calloc(nsched, sizeof(*t->sched));
	t->nmetrics = nmetrics;
	t->rows = calloc((size_t)nsched * nmetrics, sizeof(*t->rows));
	t->alpha = CMP_ALPHA;
	t->min_effect_pct = CMP_MIN_EFFECT;
	for (int s = 0; s < nsched; s++)
		snprintf(t->sched[s].name, sizeof(t->sched[s].name), "%s", names[s]);
}

/* one metric from per-scheduler samples x[s][0..n[s]) */
static void put_metric(struct cmp_table *t, int k, const struct metric_def *m,
		       double x[][MAXN], const int *n)
{
	double *px[8];

	for (int s = 0; s < t->nsched; s++) {
		px[s] = x[s];
		t->sched[s].ok = t->sched[s].total = n[s] > t->sched[s].total ? n[s] :
						    t->sched[s].total;
	}
	compare__metric_stats(t, k, m->name, m->unit, m->better, px, n, 42 + k);
}

static const struct q_result *row_of(const struct cmp_table *t, const char *metric, int s)
{
	for (int k = 0; k < t->nmetrics; k++)
		if (!strcmp(compare__row(t, k, s)->metric, metric))
			return compare__row(t, k, s);
	return NULL;
}

/* A table of the five metrics: scheduler 1 against 0 with factor[k] on
 * metric k's median, relative noise cv, n runs each. */
static int make_mixed(struct cmp_table *t, struct stats_rng *r, const double *factor, double cv,
		      int n)
{
	static const char *const names[] = { "simple", "vtime" };
	static const double base[NMIXED] = { 1.2e6, 9000, 40000, 800, 600 };
	double x[2][MAXN];
	int ns[2] = { n, n };

	table_init(t, names, 2, NMIXED);
	for (int k = 0; k < NMIXED; k++) {
		sample(r, base[k], cv, n, x[0]);
		sample(r, base[k] * factor[k], cv, n, x[1]);
		put_metric(t, k, &mixed[k], x, ns);
	}
	return compare__verdicts(t);
}

UNIT_TEST(compare_verdict_clear_win)
{
	const double f[NMIXED] = { 1, 1.3, 1, 1, 0.5 }; /* hackbench +30 %, wakeup -50 % */
	struct stats_rng r;
	static struct cmp_table t;
	const struct q_result *hb, *wk, *cpu;

	stats_rng__seed(&r, 11);
	CHECK(!make_mixed(&t, &r, f, 0.02, 10), "verdicts");
	DEFER(compare__free, &t);
	hb = row_of(&t, "hackbench_msgs_per_s", 1);
	wk = row_of(&t, "wakeup_lat_p99", 1);
	cpu = row_of(&t, "cpu_work_per_s", 1);
	CHECK(t.family == 3, "Holm family: the 3 primary metrics, got %d", t.family);
	CHECK(!strcmp(hb->verdict, "better"), "hackbench +30 %%: %s", hb->verdict);
	CHECK(!strcmp(wk->verdict, "better"), "wakeup p99 -50 %% (lower is better): %s", wk->verdict);
	CHECK(hb->more_rounds == 0 && hb->min_effect_pct == CMP_MIN_EFFECT, "decided: no rounds to go");
	CHECK(!strcmp(compare__row(&t, 0, 0)->verdict, "baseline"), "baseline row");
	/* 2 % noise, 10 runs, no change: the CI of the delta may or may not
	 * fit inside +-2 %, but it is never a difference */
	CHECK(!strcmp(cpu->verdict, "same") || !strcmp(cpu->verdict, "inconclusive"), "cpu: %s",
	      cpu->verdict);
	CHECK(compare__undecided(&t, NULL) == !strcmp(cpu->verdict, "inconclusive"),
	      "undecided count");
	CHECK(strchr(row_of(&t, "timer_lat_p99", 1)->verdict, '*'),
	      "timer_lat_p99 is not primary for mixed: exploratory");
}

UNIT_TEST(compare_verdict_clear_equivalence)
{
	const double f[NMIXED] = { 1, 1, 1, 1, 1 };
	struct stats_rng r;
	static struct cmp_table t;
	int more = -2;

	stats_rng__seed(&r, 12);
	CHECK(!make_mixed(&t, &r, f, 0.005, 30), "verdicts");
	DEFER(compare__free, &t);
	for (int k = 0; k < NMIXED; k++) {
		const struct q_result *x = compare__row(&t, k, 1);

		/* the primary ones "same", the exploratory ones "same*" */
		CHECK(!strncmp(x->verdict, "same", 4) &&
		      !strchr(x->verdict, '*') == workload__is_primary("mixed", x->metric),
		      "%s at 0.5 %% noise, 30 runs: %s [%+.2f, %+.2f]", x->metric, x->verdict,
		      x->delta_lo, x->delta_hi);
	}
	CHECK(compare__undecided(&t, &more) == 0 && more == 0, "all decided: %d", more);
}

UNIT_TEST(compare_verdict_too_few_samples)
{
	static const char *const names[] = { "simple", "vtime" };
	const double f[NMIXED] = { 1, 1.7, 1, 1, 1 };
	struct stats_rng r;
	static struct cmp_table t, t1;
	const struct q_result *hb;
	double x[2][MAXN];
	int more = 0, n1[2] = { 1, 1 };

	/* 30 % noise, 3 runs: nothing can be told */
	stats_rng__seed(&r, 13);
	CHECK(!make_mixed(&t, &r, f, 0.3, 3), "verdicts");
	DEFER(compare__free, &t);
	hb = row_of(&t, "hackbench_msgs_per_s", 1);
	CHECK(!strcmp(hb->verdict, "inconclusive"), "+70 %% at 30 %% noise, n=3: %s [%+.0f, %+.0f]",
	      hb->verdict, hb->delta_lo, hb->delta_hi);
	CHECK(hb->more_rounds > 0, "rounds to go %d", hb->more_rounds);
	CHECK(compare__undecided(&t, &more) >= 1 && (more >= hb->more_rounds || more < 0),
	      "undecided, ~%d more rounds", more);

	/* one run each: a delta but no spread, no verdict */
	table_init(&t1, names, 2, 1);
	DEFER(compare__free, &t1);
	x[0][0] = 100;
	x[1][0] = 101;
	put_metric(&t1, 0, &mixed[1], x, n1);
	CHECK(!compare__verdicts(&t1), "verdicts");
	CHECK(!strcmp(compare__row(&t1, 0, 1)->verdict, "n/a"), "n = 1: %s",
	      compare__row(&t1, 0, 1)->verdict);
	CHECK(compare__decision(compare__row(&t1, 0, 1), NULL) == DECIDE_NA, "decision n/a");
}

UNIT_TEST(compare_verdict_min_effect_per_metric)
{
	static const char *const names[] = { "simple", "vtime" };
	struct q_min_effect me = { "hackbench_msgs_per_s", 10 };
	struct stats_rng r;
	static struct cmp_table t;
	double x[2][MAXN];
	int ns[2] = { 20, 20 };
	bool star = true;

	/* +4 % at 1 % noise: better at the default 2 %, same within 10 % */
	stats_rng__seed(&r, 14);
	table_init(&t, names, 2, 2);
	DEFER(compare__free, &t);
	t.min_effects = malloc(sizeof(me));
	CHECK(t.min_effects, "alloc");
	t.min_effects[0] = me;
	t.nmin_effects = 1;
	sample(&r, 1000, 0.01, 20, x[0]);
	sample(&r, 1040, 0.01, 20, x[1]);
	put_metric(&t, 0, &mixed[0], x, ns); /* cpu_work_per_s */
	put_metric(&t, 1, &mixed[1], x, ns); /* hackbench_msgs_per_s, same samples */
	CHECK(!compare__verdicts(&t), "verdicts");
	CHECK(!strcmp(compare__row(&t, 0, 1)->verdict, "better"), "cpu +4 %%: %s",
	      compare__row(&t, 0, 1)->verdict);
	CHECK(!strcmp(compare__row(&t, 1, 1)->verdict, "same") &&
	      compare__row(&t, 1, 1)->min_effect_pct == 10, "hackbench +4 %% within its 10 %%: %s",
	      compare__row(&t, 1, 1)->verdict);
	CHECK(compare__decision(compare__row(&t, 1, 1), &star) == DECIDE_SAME && !star, "decision");
}

/* A/A: does a comparison end with a better/worse primary verdict? */
static int aa_false(struct cmp_table *t)
{
	int bad = 0;

	for (int k = 0; k < t->nmetrics; k++) {
		const struct q_result *x = compare__row(t, k, 1);

		bad |= !strcmp(x->verdict, "better") || !strcmp(x->verdict, "worse");
	}
	return bad;
}

UNIT_TEST(compare_aa_false_positive_rate)
{
	const double f[NMIXED] = { 1, 1, 1, 1, 1 };
	const int N = 200;
	struct stats_rng r;
	int bad = 0, starred = 0;

	stats_rng__seed(&r, 15);
	for (int c = 0; c < N; c++) {
		struct cmp_table t;

		CHECK(!make_mixed(&t, &r, f, 0.1, c % 2 ? 5 : 10), "verdicts");
		bad += aa_false(&t);
		starred += !strcmp(row_of(&t, "sys_ctxt", 1)->verdict, "different*");
		compare__free(&t);
	}
	printf("# A/A at the compare__eval level: %d of %d comparisons with a better/worse primary"
	       " verdict, %d with an exploratory 'different*'\n", bad, N, starred);
	/* family-wise: at most alpha of the comparisons get any */
	CHECK(bad <= CMP_ALPHA * N, "%d of %d comparisons with a false better/worse", bad, N);
}

/*
 * --until-ci stops adding rounds once every primary verdict is decided.
 * Looking after every round is optional stopping: at alpha 0.05 per look
 * an A/A comparison of 1 %-noise metrics ended better/worse in 16 of 200
 * (8 %), against 8 of 200 for 20 fixed rounds. So an adaptive comparison
 * decides at alpha / looks (Bonferroni over its looks, stored in its
 * settings): the whole procedure stays at or below alpha. Simulated from
 * 5 rounds up to 20 (16 looks) at a noise where "same" comes early (1 %)
 * and one where nothing stops before 20 (10 %); and with a real effect
 * the procedure still decides.
 */
static int until_decided(struct stats_rng *r, double cv, const double *factor, int *rounds)
{
	static const char *const names[] = { "simple", "vtime" };
	const int start = 5, max = 20;
	double x[NMIXED][2][MAXN];
	struct cmp_table t;
	int n, bad;

	for (int k = 0; k < NMIXED; k++) {
		sample(r, 1000, cv, max, x[k][0]);
		sample(r, 1000 * factor[k], cv, max, x[k][1]);
	}
	for (n = start;; n++) {
		int ns[2] = { n, n };

		table_init(&t, names, 2, NMIXED);
		t.alpha = compare__looks_alpha(CMP_ALPHA, start, max);
		for (int k = 0; k < NMIXED; k++)
			put_metric(&t, k, &mixed[k], x[k], ns);
		if (compare__verdicts(&t)) {
			compare__free(&t);
			return -1;
		}
		if (!compare__undecided(&t, NULL) || n == max)
			break;
		compare__free(&t);
	}
	bad = aa_false(&t);
	/* with a real effect: did it find the hackbench gain? */
	if (factor[1] != 1)
		bad = !strcmp(row_of(&t, "hackbench_msgs_per_s", 1)->verdict, "better");
	*rounds += n;
	compare__free(&t);
	return bad;
}

UNIT_TEST(compare_aa_until_decided)
{
	const double aa[NMIXED] = { 1, 1, 1, 1, 1 }, win[NMIXED] = { 1, 1.1, 1, 1, 0.7 };
	/* at 10 % noise nothing stops before 20 rounds: fewer (slow) runs */
	const double cvs[] = { 0.01, 0.1 };
	const int Ns[] = { 200, 40 };
	struct stats_rng r;
	int found = 0, rw = 0;

	stats_rng__seed(&r, 16);
	for (int i = 0; i < 2; i++) {
		int bad = 0, rounds = 0, N = Ns[i];

		for (int c = 0; c < N; c++) {
			int b = until_decided(&r, cvs[i], aa, &rounds);

			CHECK(b >= 0, "verdicts");
			bad += b;
		}
		printf("# --until-ci A/A at %g %% noise: %d of %d end better/worse (mean %.1f"
		       " rounds)\n", 100 * cvs[i], bad, N, (double)rounds / N);
		CHECK(bad <= CMP_ALPHA * N, "%d of %d with a false better/worse", bad, N);
	}
	/* and it still finds a real difference, early */
	for (int c = 0; c < 20; c++) {
		int b = until_decided(&r, 0.01, win, &rw);

		CHECK(b >= 0, "verdicts");
		found += b;
	}
	printf("# --until-ci: +10 %% at 1 %% noise found better in %d of 20 (mean %.1f rounds)\n",
	       found, rw / 20.0);
	CHECK(found >= 18, "a real +10 %% found in %d of 20", found);
}

/* characters of a line (UTF-8) */
static int cols(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* every line of text within 100 columns; the widest in *widest */
static int fits(const char *text, int *widest)
{
	*widest = 0;
	for (const char *p = text; *p;) {
		size_t l = strcspn(p, "\n");
		int c = cols(p, l);

		if (c > *widest)
			*widest = c;
		p += l + (p[l] == '\n');
	}
	return *widest <= CMP_PRINT_COLS;
}

static char *print(const struct cmp_table *t, unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	compare__print_opts(t, f, flags);
	fclose(f);
	return buf;
}

UNIT_TEST(compare_print_headline_and_table)
{
	const double f[NMIXED] = { 1, 1.7, 0.6, 1, 0.01 };
	struct stats_rng r;
	static struct cmp_table t;
	char *out, *all;
	int w;

	stats_rng__seed(&r, 17);
	CHECK(!make_mixed(&t, &r, f, 0.02, 5), "verdicts");
	DEFER(compare__free, &t);
	t.rounds = 5;
	out = print(&t, 0);
	CHECK(out, "print");
	DEFER(free, out);
	printf("%s", out);
	CHECK(!strncmp(out, "vtime vs simple (baseline), 5 rounds, survival 5/5 vs 5/5\n", 58),
	      "title: %.80s", out);
	CHECK(strstr(out, "  probe wakeup latency p99 ") && strstr(out, "hackbench messages/s"),
	      "the primary metrics in words");
	CHECK(strstr(out, "  better\n"), "a verdict in words at the end of a headline line");
	/* the exploratory sys_ctxt -40 % is the one other metric that differs */
	CHECK(strstr(out, "other metrics that differ") && strstr(out, "\nsystem\n") &&
	      strstr(out, "ctx switches") && strstr(out, "different*"), "compact table");
	CHECK(!strstr(out, "probe latency\n"), "no family heading without a row");
	CHECK(fits(out, &w), "widest line %d columns", w);
	all = print(&t, CMP_PRINT_ALL);
	CHECK(all, "print --all");
	DEFER(free, all);
	CHECK(strstr(all, "(wakeup_lat_p99, us)") && strstr(all, "(cpu_work_per_s, units/s)") &&
	      strstr(all, "\nprobe latency\n") && strstr(all, "(baseline)"), "--all: every metric");
	CHECK(fits(all, &w), "--all: widest line %d columns", w);
}

UNIT_TEST(compare_print_long_names_fit)
{
	static const char *const names[] = {
		"exec:./build/my_scheduler_with_a_very_long_name --slice-us 5000 --mode interactive"
		" --verbose --stats 1",
		"exec:./build/my_scheduler_with_a_very_long_name --slice-us 20000 --mode batch"
		" --numa-aware \x1b]0;owned\x07",
		"vtime\x1b[31m",
	};
	const double f[NMIXED] = { 1.5, 0.8, 2, 3, 0.2 };
	struct stats_rng r;
	static struct cmp_table t;
	double x[3][MAXN];
	int ns[3] = { 6, 6, 6 }, w;
	char *out, *all;

	stats_rng__seed(&r, 18);
	table_init(&t, names, 3, NMIXED);
	DEFER(compare__free, &t);
	t.sched[2].sched_failed = 2;
	t.sched[2].stage[FAIL_RUN] = 2;
	t.sched[2].total = 8;
	t.sched[1].lost_runs = 1;
	t.sched[1].lost_events = 1234;
	for (int k = 0; k < NMIXED; k++) {
		sample(&r, 1000, 0.05, 6, x[0]);
		sample(&r, 1000 * f[k], 0.05, 6, x[1]);
		sample(&r, 1000 / f[k], 0.05, 6, x[2]);
		put_metric(&t, k, &mixed[k], x, ns);
	}
	t.sched[2].total = 8;
	CHECK(!compare__verdicts(&t), "verdicts");
	out = print(&t, 0);
	all = print(&t, CMP_PRINT_ALL);
	CHECK(out && all, "print");
	DEFER(free, out);
	DEFER(free, all);
	printf("%s", out);
	CHECK(fits(out, &w), "widest line %d columns", w);
	CHECK(fits(all, &w), "--all: widest line %d columns", w);
	/* cut, the two exec: settings look alike: told apart by position */
	CHECK(strstr(out, "#2 exec:./build/my_sched\xe2\x80\xa6 vs #1 exec:") &&
	      strstr(out, " vs #1 exec:"), "names cut with an ellipsis, numbered");
	CHECK(!strchr(out, '\x1b') && !strchr(all, '\x1b') && strstr(out, "\nvtime\\x1b[31m vs #1"),
	      "a control character in a name is escaped, never printed");
	CHECK(strstr(out, "vtime\\x1b[31m's scheduler failed in 2 of 8 runs (at stage run: 2)"),
	      "the failure with its stage");
	CHECK(strstr(out, "lost trace events (1234 in all)"), "lost events");
}
