// SPDX-License-Identifier: GPL-2.0
/*
 * Where tasks moved: the trace's migrations of a run by the closest
 * level of the machine's topology the two CPUs share (tracefs_parse.c:
 * trace_migr_same_core, _same_llc, _cross_llc, _cross_node), median over
 * runs with 95 % CI, one bar per scheduler. What a topology-aware
 * scheduler changes; runs of one topology only are in one report.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

static const struct {
	const char *metric, *group;
} classes[] = {
	{ "trace_migr_same_core", "SMT sibling" },
	{ "trace_migr_same_llc", "same LLC" },
	{ "trace_migr_cross_llc", "other LLC" },
	{ "trace_migr_cross_node", "other node" },
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

int fig_locality(struct report_ctx *c)
{
	const struct cmp_table *t = c->table;
	const char *groups[NCLASSES];
	int idx[NCLASSES], ng = 0, err;
	struct report_fig *fig;
	struct bar_val *vals;

	fig = report__add_fig(c, "locality", "Migrations by distance per scheduler");
	if (!fig)
		return -ENOMEM;
	report__fig_about(fig, classes[0].metric);
	/* one node (the canonical spec then has no "n"): nothing crosses nodes */
	bool one_node = c->runs && c->runs->n && c->runs->v[0].topology[0] &&
			!strchr(c->runs->v[0].topology, 'n');

	for (size_t m = 0; m < NCLASSES - one_node; m++)
		for (int k = 0; t && k < t->nmetrics; k++)
			if (!strcmp(compare__row(t, k, 0)->metric, classes[m].metric)) {
				idx[ng] = k;
				groups[ng++] = classes[m].group;
			}
	if (!ng) {
		snprintf(fig->missing, sizeof(fig->missing),
			 "no migrations by distance (trace_migr_* metrics) in these runs: traced runs"
			 " record them on machines whose CPU topology is readable");
		return 0;
	}
	vals = fig_bars__of_rows(c, t, idx, ng);
	if (!vals)
		return -ENOMEM;
	snprintf(fig->caption, sizeof(fig->caption),
		 "Task migrations per run by where they went: to the CPU's SMT sibling, to another"
		 " core of its last-level cache, to another LLC of its NUMA node, to another node"
		 " (median over runs, 95 %% CI). Runs of %s.",
		 c->runs && c->runs->n && c->runs->v[0].topology[0] ? c->runs->v[0].topology :
								       "one topology");
	err = fig_bars(c, fig, groups, ng, vals, "", "migrations per run", false);
	free(vals);
	return err;
}
