// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput bars: every higher-is-better metric (hackbench messages/s,
 * hog work/s, fairness...), median over runs with its 95 % CI, one bar
 * per scheduler. One figure per metric: their units differ.
 *
 * And, for the report's first screen, the cost of each scheduler in one
 * figure (tput_change): the change of every throughput metric's median
 * against the baseline, in %, with the bootstrap CI of that change (the
 * table's delta columns drawn).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/metric_info.h"
#include "reports/report.h"

#define MAX_TPUT_FIGS 8
#define MAX_CHANGE_GROUPS 6

/* slot of the report's scheduler s in the table, -1 */
static int table_slot(const struct report_ctx *c, int s)
{
	for (int i = 0; i < c->table->nsched; i++)
		if (!strcmp(c->table->sched[i].name, c->sched[s]))
			return i;
	return -1;
}

static int fig_change(struct report_ctx *c)
{
	const struct cmp_table *t = c->table;
	const char *groups[MAX_CHANGE_GROUPS];
	char labels[MAX_CHANGE_GROUPS][48], title[200], base[80];
	struct bar_val *vals;
	struct report_fig *fig;
	struct bar_spec spec;
	int idx[MAX_CHANGE_GROUPS], ng = 0, err;

	for (int k = 0; k < t->nmetrics && ng < MAX_CHANGE_GROUPS; k++) {
		const struct q_result *r = compare__row(t, k, 0);
		struct metric_info mi;

		metric__info(r->metric, &mi);
		/* a cmd:'s output counts: stress-ng's bogo ops/s are its throughput */
		if (r->better <= 0 || (mi.family != MF_THROUGHPUT && mi.family != MF_OUTPUT))
			continue;
		snprintf(labels[ng], sizeof(labels[ng]), "%s", mi.short_label);
		groups[ng] = labels[ng];
		idx[ng++] = k;
	}
	if (!ng || t->nsched < 2)
		return 0;
	snprintf(base, sizeof(base), "%s", t->sched[0].name);
	snprintf(title, sizeof(title), "Throughput change vs %s (higher is better)", base);
	fig = report__add_fig(c, "tput_change", title);
	vals = calloc((size_t)ng * c->nsched, sizeof(*vals));
	if (!fig || !vals) {
		free(vals);
		return -ENOMEM;
	}
	report__fig_about(fig, compare__row(t, idx[0], 0)->metric);
	for (int g = 0; g < ng; g++)
		for (int s = 0; s < c->nsched; s++) {
			int ts = table_slot(c, s);
			const struct q_result *r = ts > 0 ? compare__row(t, idx[g], ts) : NULL;

			/* the baseline is the 0 line, not a bar */
			vals[g * c->nsched + s] = r ? (struct bar_val){ r->delta_pct, r->delta_lo,
									r->delta_hi } :
						      (struct bar_val){ NAN, NAN, NAN };
		}
	snprintf(fig->caption, sizeof(fig->caption),
		 "Change of each throughput metric's median against %s's (the 0 line), in %%, with"
		 " the 95 %% bootstrap CI of the change: a bar below 0 is throughput lost.", base);
	snprintf(base + strlen(base), sizeof(base) - strlen(base), "'s median");
	{
		char label[120];

		snprintf(label, sizeof(label), "change vs %s", base);
		spec = (struct bar_spec){ .groups = groups, .ngroups = ng, .vals = vals,
					  .xlabel = "", .label = label, .unit = "%", .logy = false };
		err = fig_bars_spec(c, fig, &spec);
	}
	free(vals);
	return err;
}

int fig_throughput(struct report_ctx *c)
{
	const struct cmp_table *t = c->table;
	int done = 0, err = 0;

	for (int k = 0; t && k < t->nmetrics && !err && done < MAX_TPUT_FIGS; k++) {
		const struct q_result *r0 = compare__row(t, k, 0);
		char stem[96], title[200];
		struct metric_info mi;
		struct bar_val *vals;
		struct report_fig *fig;
		struct bar_spec spec;
		const char *groups[1];

		if (r0->better <= 0)
			continue;
		metric__info(r0->metric, &mi);
		groups[0] = mi.label;
		vals = calloc(c->nsched, sizeof(*vals));
		if (!vals)
			return -ENOMEM;
		for (int s = 0; s < c->nsched; s++) {
			int ts = table_slot(c, s);
			const struct q_result *r = ts >= 0 ? compare__row(t, k, ts) : NULL;

			vals[s] = r ? (struct bar_val){ r->median, r->ci_lo, r->ci_hi } :
				      (struct bar_val){ NAN, NAN, NAN };
		}
		report__stem(stem, sizeof(stem), "tput_", r0->metric);
		report__title_case(title, sizeof(title), mi.label);
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
			 " per scheduler (higher is better)");
		fig = report__add_fig(c, stem, title);
		if (!fig) {
			free(vals);
			return -ENOMEM;
		}
		report__fig_about(fig, r0->metric);
		snprintf(fig->caption, sizeof(fig->caption),
			 "%s: median over runs, error bars the 95 %% bootstrap CI.", mi.label);
		spec = (struct bar_spec){ .groups = groups, .ngroups = 1, .vals = vals, .xlabel = "",
					  .label = mi.label, .unit = r0->unit, .logy = false };
		err = fig_bars_spec(c, fig, &spec);
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
		fig->family = MF_THROUGHPUT;
	}
	if (!err && t)
		err = fig_change(c);
	return err;
}
