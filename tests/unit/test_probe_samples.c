// SPDX-License-Identifier: GPL-2.0
/*
 * The probe's sample counts across schedulers (harness/core/probe_samples.c)
 * on comparison tables made by hand: more than 2x apart warns, naming the
 * scheduler with the fewest and the one with the most; 2x exactly, a
 * scheduler without the metric, or a table without the probe does not.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/probe_samples.h"
#include "tests/unit/unit.h"

static const char *const metrics[] = { "timer_lat_p99", "timer_lat_samples", "wakeup_lat_samples" };
#define NM 3
#define NS 3

/* medians[metric][sched]; NAN: no sample of that metric */
static void make(struct cmp_table *t, struct cmp_sched *sch, struct q_result *rows,
		 const double med[NM][NS])
{
	static const char *const names[NS] = { "eevdf", "simple", "vtime" };

	memset(t, 0, sizeof(*t));
	memset(rows, 0, sizeof(*rows) * NM * NS);
	t->nsched = NS;
	t->sched = sch;
	t->nmetrics = NM;
	t->rows = rows;
	for (int s = 0; s < NS; s++)
		snprintf(sch[s].name, sizeof(sch[s].name), "%s", names[s]);
	for (int k = 0; k < NM; k++)
		for (int s = 0; s < NS; s++) {
			struct q_result *r = compare__row(t, k, s);

			snprintf(r->metric, sizeof(r->metric), "%s", metrics[k]);
			r->median = med[k][s];
			r->n = isnan(med[k][s]) ? 0 : 5;
		}
}

UNIT_TEST(probe_samples_gaps)
{
	struct cmp_sched sch[NS];
	struct q_result rows[NM * NS];
	struct probe_sample_gap g[PROBE_SAMPLES_MAX_GAPS];
	struct cmp_table t;
	char line[512];
	int n;

	/* the brief's case: 412 timer samples under simple, 3001 under vtime */
	make(&t, sch, rows, (const double[NM][NS]){ { 10, 90000, 300 }, { 2000, 412, 3001 },
						    { 9000, 8000, 5000 } });
	n = probe_samples__gaps(&t, g, PROBE_SAMPLES_MAX_GAPS);
	CHECK(n == 1 && !strcmp(g[0].kind, "timer") && g[0].lo == 1 && g[0].hi == 2 &&
	      g[0].lo_samples == 412 && g[0].hi_samples == 3001, "n %d lo %d hi %d", n, g[0].lo,
	      g[0].hi);
	probe_samples__warning(&t, &g[0], line, sizeof(line));
	CHECK(!strcmp(line, "warning: the probe got 412 timer samples per run under simple but 3,001"
			    " under vtime (more than 2x): a starved probe samples less often, so the"
			    " raw timer_lat percentiles are not comparable (coordinated omission);"
			    " compare the corrected timer_lat_co_* figures"), "%s", line);

	/* both kinds apart; 1,234,567 grouped */
	make(&t, sch, rows, (const double[NM][NS]){ { 1, 1, 1 }, { 1234567, 100, 500000 },
						    { 0, 10, 10 } });
	n = probe_samples__gaps(&t, g, PROBE_SAMPLES_MAX_GAPS);
	CHECK(n == 2 && g[0].lo == 1 && g[0].hi == 0 && !strcmp(g[1].kind, "wakeup") &&
	      g[1].lo == 0 && g[1].lo_samples == 0, "n %d", n);
	probe_samples__warning(&t, &g[0], line, sizeof(line));
	CHECK(strstr(line, "got 100 timer samples per run under simple but 1,234,567 under eevdf"),
	      "%s", line);
	/* a table with room for one gap still counts both */
	CHECK(probe_samples__gaps(&t, g, 1) == 2, "count beyond n");

	/* exactly 2x is not "more than 2x"; none at all for anyone is no gap */
	make(&t, sch, rows, (const double[NM][NS]){ { 1, 1, 1 }, { 1000, 2000, 1500 },
						    { 0, 0, 0 } });
	CHECK(probe_samples__gaps(&t, g, PROBE_SAMPLES_MAX_GAPS) == 0, "2x or all-zero warned");

	/* a scheduler without the metric (every run failed) is left out */
	make(&t, sch, rows, (const double[NM][NS]){ { 1, 1, 1 }, { 1000, NAN, 1100 },
						    { 5, NAN, 6 } });
	CHECK(probe_samples__gaps(&t, g, PROBE_SAMPLES_MAX_GAPS) == 0, "missing metric warned");

	/* no probe metric at all (hackbench) */
	t.nmetrics = 1;
	CHECK(probe_samples__gaps(&t, g, PROBE_SAMPLES_MAX_GAPS) == 0, "no probe, yet a gap");
}
