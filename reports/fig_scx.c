// SPDX-License-Identifier: GPL-2.0
/*
 * SCX event counters per scheduler: the kernel's sched_ext event counts
 * as per-run deltas: "scx_event.NAME" from sysfs (collectors/scx.c), else
 * "scx_trace_event.NAME" counted in the trace (tracefs_parse.c); median
 * over runs with 95 % CI. eevdf has none: its bars are absent. Most
 * counters stay at 0 in a healthy run: the axis keeps them (fig_bars.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/metric_info.h"
#include "reports/report.h"

static const char *const prefixes[] = { "scx_event.", "scx_trace_event." };
/* the kernel has ~13 today; more than this many are cut, and said */
#define MAX_COUNTERS 40

int fig_scx_events(struct report_ctx *c)
{
	const struct cmp_table *t = c->table;
	const char *groups[MAX_COUNTERS];
	char labels[MAX_COUNTERS][48];
	int idx[MAX_COUNTERS], ng = 0, more = 0, err;
	struct report_fig *fig;
	struct bar_val *vals;
	struct bar_spec spec;

	fig = report__add_fig(c, "scx_events", "sched_ext event counters per scheduler");
	if (!fig)
		return -ENOMEM;
	fig->family = MF_SCX_EVENTS;
	for (int p = 0; p < 2 && !ng; p++)
		for (int k = 0; t && k < t->nmetrics; k++) {
			const struct q_result *r = compare__row(t, k, 0);
			struct metric_info mi;

			if (strncmp(r->metric, prefixes[p], strlen(prefixes[p])))
				continue;
			if (ng == MAX_COUNTERS) {
				more++;
				continue;
			}
			metric__info(r->metric, &mi);
			snprintf(labels[ng], sizeof(labels[ng]), "%s", mi.short_label);
			groups[ng] = labels[ng];
			idx[ng++] = k;
		}
	if (!ng) {
		snprintf(fig->missing, sizeof(fig->missing),
			 "no SCX event counters (scx_event.* or scx_trace_event.* metrics) in these runs: no sched_ext"
			 " scheduler ran, or the kernel has no sched_ext events");
		return 0;
	}
	vals = fig_bars__of_rows(c, t, idx, ng);
	if (!vals)
		return -ENOMEM;
	snprintf(fig->caption, sizeof(fig->caption),
		 "The kernel's sched_ext event counters (SCX_EV_*, %s) per run: median over runs,"
		 " error bars the 95 %% CI; a scheduler without sched_ext (eevdf) has none.",
		 strncmp(compare__row(t, idx[0], 0)->metric, prefixes[0], strlen(prefixes[0])) ?
		 "counted in the trace" : "from sysfs");
	if (more) {
		size_t l = strlen(fig->caption);

		snprintf(fig->caption + l, sizeof(fig->caption) - l,
			 " %d more counters are in the table only.", more);
	}
	spec = (struct bar_spec){ .groups = groups, .ngroups = ng, .vals = vals, .xlabel = "",
				  .label = "events per run", .unit = "count", .logy = true };
	err = fig_bars_spec(c, fig, &spec);
	free(vals);
	return err;
}
