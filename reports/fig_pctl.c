// SPDX-License-Identifier: GPL-2.0
/*
 * Percentile bars: for each latency metric family PREFIX_p50 / _p90 /
 * _p99 / _p99.9, the median over runs of each percentile with its 95 %
 * bootstrap CI, one bar per scheduler. Log y: p99.9 is often 100x p50.
 * The corrected twin (PREFIX_co_p99...) gets a figure of its own beside it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/metric_info.h"
#include "reports/report.h"

static const char *const pcts[] = { "p50", "p90", "p99", "p99.9" };

static int find_metric(const struct cmp_table *t, const char *name)
{
	for (int k = 0; k < t->nmetrics; k++)
		if (!strcmp(compare__row(t, k, 0)->metric, name))
			return k;
	return -1;
}

int fig_percentiles(struct report_ctx *c)
{
	const struct cmp_table *t = c->table;
	int done = 0, err = 0;

	for (int k = 0; t && k < t->nmetrics && !err; k++) {
		const char *m = compare__row(t, k, 0)->metric;
		size_t l = strlen(m);
		char prefix[64], name[96], stem[96], title[160];
		struct metric_info mi;
		struct bar_spec spec;
		const char *groups[4];
		struct bar_val *vals;
		struct report_fig *fig;
		int ng = 0, idx[4];

		if (l < 5 || strcmp(m + l - 4, "_p50"))
			continue;
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(l - 4), m);
		for (int p = 0; p < 4; p++) {
			snprintf(name, sizeof(name), "%s_%s", prefix, pcts[p]);
			idx[ng] = find_metric(t, name);
			if (idx[ng] >= 0)
				groups[ng++] = pcts[p];
		}
		vals = calloc((size_t)ng * c->nsched, sizeof(*vals));
		if (!vals)
			return -ENOMEM;
		for (int g = 0; g < ng; g++)
			for (int s = 0; s < c->nsched; s++) {
				int ts = -1;

				for (int i = 0; i < t->nsched; i++)
					if (!strcmp(t->sched[i].name, c->sched[s]))
						ts = i;
				vals[g * c->nsched + s] = ts < 0 ? (struct bar_val){ NAN, NAN, NAN } :
					(struct bar_val){ compare__row(t, idx[g], ts)->median,
							  compare__row(t, idx[g], ts)->ci_lo,
							  compare__row(t, idx[g], ts)->ci_hi };
			}
		report__stem(stem, sizeof(stem), "pctl_", prefix);
		metric__info(prefix, &mi);
		report__title_case(title, sizeof(title), mi.label);
		snprintf(title + strlen(title), sizeof(title) - strlen(title), ": percentiles per"
			 " scheduler");
		fig = report__add_fig(c, stem, title);
		if (!fig) {
			free(vals);
			return -ENOMEM;
		}
		report__fig_about(fig, prefix);
		snprintf(fig->caption, sizeof(fig->caption),
			 "Percentiles of %s in each run: the bar is their median over the runs, the"
			 " error bar the 95 %% bootstrap CI of that median.", mi.label);
		spec = (struct bar_spec){ .groups = groups, .ngroups = ng, .vals = vals,
					  .xlabel = "percentile", .label = mi.label,
					  .unit = compare__row(t, idx[0], 0)->unit, .logy = true };
		err = fig_bars_spec(c, fig, &spec);
		free(vals);
		done++;
	}
	if (!err && !done) {
		struct report_fig *fig = report__add_fig(c, "pctl", "Latency percentiles");

		if (!fig)
			return -ENOMEM;
		snprintf(fig->missing, sizeof(fig->missing), "%s",
			 t ? "no *_p50/_p90/_p99/_p99.9 latency metrics in these runs" :
			     "no comparison table (no successful run with metrics)");
	}
	return err;
}
