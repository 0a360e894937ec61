// SPDX-License-Identifier: GPL-2.0
/* Change points over CI cells' histories (harness/ci/changes.h): the
 * history's order comes from its times, the first label of the new level
 * names it, only gated metrics with a direction are searched. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ci/changes.h"
#include "tests/unit/unit.h"

/* 10 nights, a 10 % step up from n6 (lower is better: worse), stored
 * newest first as night.c may leave them, tonight (t = 1e300) in the middle */
static void fill(struct ci_hist_point *h, int nights, int step_at)
{
	for (int k = 0; k < nights; k++) {
		/* (nights must be prime to 7: a permutation) */
		struct ci_hist_point *p = &h[(k * 7) % nights];

		snprintf(p->label, sizeof(p->label), "n%d", k + 1);
		p->t = k == nights - 1 ? 1e300 : 1000 + k;
		/* a little deterministic wobble, +-1 % */
		p->median = (k + 1 >= step_at ? 110 : 100) * (1 + 0.01 * ((k * 37 % 5) - 2) / 2);
		p->n = 5;
		p->current = k == nights - 1;
	}
}

UNIT_TEST(ci_changes_step)
{
	struct ci_hist_point h[10];
	struct ci_cell cells[4];
	struct ci_change *ch;
	int n;

	memset(cells, 0, sizeof(cells));
	fill(h, 10, 6);
	for (int i = 0; i < 4; i++) {
		snprintf(cells[i].scheduler, sizeof(cells[i].scheduler), "vtime");
		snprintf(cells[i].workload, sizeof(cells[i].workload), "hackbench");
		snprintf(cells[i].metric, sizeof(cells[i].metric), "m%d", i);
		cells[i].better = -1;
		cells[i].gated = true;
		cells[i].min_effect_pct = 5;
		cells[i].hist = h;
		cells[i].nhist = 10;
	}
	cells[1].gated = false;    /* gate = no */
	cells[2].better = 0;       /* informational */
	cells[3].survival = true;
	CHECK(!ci_changes__find(cells, 4, 1, &ch, &n), "find failed");
	DEFER(free, ch);
	CHECK(n == 1, "%d change points, want 1 (only the gated cell)", n);
	CHECK(ch[0].cell == 0 && !strcmp(ch[0].first_label, "n6"), "cell %d from %s", ch[0].cell,
	      ch[0].first_label);
	CHECK(ch[0].worse && ch[0].beyond && !ch[0].new_tonight, "worse %d beyond %d new %d",
	      ch[0].worse, ch[0].beyond, ch[0].new_tonight);
	CHECK(ch[0].cp.rel_pct > 8 && ch[0].cp.rel_pct < 12, "size %.1f %%", ch[0].cp.rel_pct);
}

UNIT_TEST(ci_changes_new_tonight)
{
	struct ci_hist_point h[9];
	struct ci_cell c;
	struct ci_change *ch;
	int n;

	memset(&c, 0, sizeof(c));
	/* 6 nights before, 3 after: the permutation test's smallest p is
	 * 2 / C(9, 3) = 0.024 (with 2 after, 2 / C(8, 2) = 0.071: never) */
	fill(h, 9, 7);
	c.better = 1;              /* higher is better: the step is an improvement */
	c.gated = true;
	c.min_effect_pct = 20;
	c.hist = h;
	c.nhist = 9;
	CHECK(!ci_changes__find(&c, 1, 1, &ch, &n), "find failed");
	DEFER(free, ch);
	CHECK(n == 1 && !strcmp(ch[0].first_label, "n7"), "%d change points", n);
	CHECK(!ch[0].worse && !ch[0].beyond && ch[0].new_tonight, "worse %d beyond %d new %d",
	      ch[0].worse, ch[0].beyond, ch[0].new_tonight);
}
