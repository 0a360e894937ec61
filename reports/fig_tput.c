// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput bars: every higher-is-better metric (hackbench messages/s,
 * hog work/s...), median over runs with its 95 % CI, one bar per
 * scheduler. One figure per metric: their units differ.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

#define MAX_TPUT_FIGS 8

int fig_throughput(struct report_ctx *c)
{
	const struct cmp_table *t = c->table;
	int done = 0, err = 0;

	for (int k = 0; t && k < t->nmetrics && !err && done < MAX_TPUT_FIGS; k++) {
		const struct q_result *r0 = compare__row(t, k, 0);
		char stem[96], title[160], ylabel[96];
		struct bar_val *vals;
		struct report_fig *fig;
		const char *groups[1] = { r0->metric };

		if (r0->better <= 0)
			continue;
		vals = calloc(c->nsched, sizeof(*vals));
		if (!vals)
			return -ENOMEM;
		for (int s = 0; s < c->nsched; s++) {
			vals[s] = (struct bar_val){ NAN, NAN, NAN };
			for (int i = 0; i < t->nsched; i++)
				if (!strcmp(t->sched[i].name, c->sched[s])) {
					const struct q_result *r = compare__row(t, k, i);

					vals[s] = (struct bar_val){ r->median, r->ci_lo, r->ci_hi };
				}
		}
		report__stem(stem, sizeof(stem), "tput_", r0->metric);
		snprintf(title, sizeof(title), "%s per scheduler", r0->metric);
		fig = report__add_fig(c, stem, title);
		if (!fig) {
			free(vals);
			return -ENOMEM;
		}
		snprintf(fig->caption, sizeof(fig->caption),
			 "%s (higher is better): median over runs, error bars the 95 %% bootstrap CI.",
			 r0->metric);
		snprintf(ylabel, sizeof(ylabel), "%s (%s)", r0->metric, r0->unit[0] ? r0->unit : "-");
		err = fig_bars(c, fig, groups, 1, vals, "", ylabel, false);
		free(vals);
		done++;
	}
	if (!err && !done) {
		struct report_fig *fig = report__add_fig(c, "tput", "Throughput");

		if (!fig)
			return -ENOMEM;
		snprintf(fig->missing, sizeof(fig->missing), "%s",
			 t ? "no throughput (higher-is-better) metric in these runs" :
			     "no comparison table (no successful run with metrics)");
	}
	return err;
}
