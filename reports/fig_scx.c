// SPDX-License-Identifier: GPL-2.0
/*
 * SCX event counters per scheduler: the kernel's sched_ext event counts
 * as per-run deltas: "scx_event.NAME" from sysfs (collectors/scx.c), else
 * "scx_trace_event.NAME" counted in the trace (tracefs_parse.c); median
 * over runs with 95 % CI. eevdf has none: its bars are absent.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

static const char *const prefixes[] = { "scx_event.", "scx_trace_event." };
#define MAX_COUNTERS 12

int fig_scx_events(struct report_ctx *c)
{
	const struct cmp_table *t = c->table;
	const char *groups[MAX_COUNTERS];
	int idx[MAX_COUNTERS], ng = 0, err;
	struct report_fig *fig;
	struct bar_val *vals;

	fig = report__add_fig(c, "scx_events", "SCX event counters per scheduler");
	if (!fig)
		return -ENOMEM;
	for (int p = 0; p < 2 && !ng; p++)
		for (int k = 0; t && k < t->nmetrics && ng < MAX_COUNTERS; k++) {
			const struct q_result *r = compare__row(t, k, 0);

			if (!strncmp(r->metric, prefixes[p], strlen(prefixes[p]))) {
				idx[ng] = k;
				groups[ng] = r->metric + strlen(prefixes[p]);
				/* SCX_EV_ on every bar says nothing: the title does */
				if (!strncmp(groups[ng], "SCX_EV_", 7))
					groups[ng] += 7;
				ng++;
			}
		}
	if (!ng) {
		snprintf(fig->missing, sizeof(fig->missing),
			 "no SCX event counters (scx_event.* or scx_trace_event.* metrics) in these runs: no sched_ext"
			 " scheduler ran, or the kernel has no sched_ext events");
		return 0;
	}
	vals = calloc((size_t)ng * c->nsched, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (int g = 0; g < ng; g++)
		for (int s = 0; s < c->nsched; s++) {
			vals[g * c->nsched + s] = (struct bar_val){ NAN, NAN, NAN };
			for (int i = 0; i < t->nsched; i++)
				if (!strcmp(t->sched[i].name, c->sched[s])) {
					const struct q_result *r = compare__row(t, idx[g], i);

					vals[g * c->nsched + s] = (struct bar_val){ r->median, r->ci_lo, r->ci_hi };
				}
		}
	snprintf(fig->caption, sizeof(fig->caption),
		 "sched_ext event counters per run (median over runs, 95 %% CI).");
	err = fig_bars(c, fig, groups, ng, vals, "", "events per run (log)", true);
	free(vals);
	return err;
}
