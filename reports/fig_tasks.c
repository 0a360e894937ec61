// SPDX-License-Identifier: GPL-2.0
/*
 * Where the probe tasks' time went, from the trace tables: waiting after
 * a wakeup, waiting after a preemption, running, and the time the tasks
 * that ran instead of them ("antagonists") held the CPU. Per scheduler,
 * mean over its successful traced runs, in ms per run.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/metric_info.h"
#include "reports/report.h"
#include "harness/stats/stats.h"

#define ROLE "probe"

int fig_tasks(struct report_ctx *c)
{
	static const char *const groups[] = { "wakeup wait", "preempted wait", "run",
					      "antagonists" };
	int64_t *ids = malloc(sizeof(*ids) * (c->runs->n + 1));
	double *x[4];
	struct bar_val *vals = calloc(4 * (size_t)(c->nsched ? c->nsched : 1), sizeof(*vals));
	struct report_fig *fig;
	int any = 0, err = 0;
	double ntasks = 0, nruns = 0;
	struct bar_spec spec;

	for (int g = 0; g < 4; g++)
		x[g] = malloc(sizeof(double) * (c->runs->n + 1));
	fig = report__add_fig(c, "tasks_probe",
			      "Probe tasks' time per run, summed over the tasks");
	if (!ids || !vals || !x[0] || !x[1] || !x[2] || !x[3] || !fig) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int s = 0; s < c->nsched; s++) {
		int n = report__ok_runs(c, s, ids), k = 0;

		for (int i = 0; i < n; i++) {
			struct q_task_sum ts;

			if (store__q_task_sum(c->st, ids[i], ROLE, &ts))
				continue;
			x[0][k] = ts.wait_ns / 1e6;
			x[1][k] = ts.rq_wait_ns / 1e6;
			x[2][k] = ts.run_ns / 1e6;
			x[3][k] = ts.antagonist_wait_ns / 1e6;
			ntasks += ts.tasks;
			nruns++;
			k++;
		}
		any += k > 0;
		for (int g = 0; g < 4; g++) {
			struct bar_val *v = &vals[g * c->nsched + s];

			v->med = stats__mean(x[g], k);
			v->lo = v->hi = NAN;
			if (k >= 2)
				stats__bootstrap_ci(x[g], k, STATS_MEAN, 0, 0.95, 1000, 1, &v->lo, &v->hi);
		}
	}
	if (!any) {
		snprintf(fig->missing, sizeof(fig->missing),
			 "no per-task trace data for probe tasks: runs without tracing (--no-trace),"
			 " without a latency probe, or the trace collector was unavailable");
		goto cleanup;
	}
	fig->family = MF_TRACE;
	snprintf(fig->subject, sizeof(fig->subject), "trace_oncpu_" ROLE);
	snprintf(fig->caption, sizeof(fig->caption),
		 "The latency probe's tasks (comm scxb-probe*, %.0f per run on average): each bar is"
		 " the sum over those tasks of one run, averaged over the traced successful runs, with"
		 " its 95 %% bootstrap CI. Wakeup wait = wakeup to on-CPU, preempted wait ="
		 " preemption to on-CPU, run = on-CPU time, antagonists = CPU time of the tasks that"
		 " ran while a probe task waited.", nruns ? ntasks / nruns : 0);
	spec = (struct bar_spec){ .groups = groups, .ngroups = 4, .vals = vals, .xlabel = "",
				  .label = "time per run", .unit = "ms",
				  .logy = false };
	err = fig_bars_spec(c, fig, &spec);
cleanup:
	for (int g = 0; g < 4; g++)
		free(x[g]);
	free(ids);
	free(vals);
	return err;
}
