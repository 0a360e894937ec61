// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU timeline excerpt: which task ran on which CPU during the first
 * milliseconds of a kept trace (--keep-events), one run per scheduler.
 * Built from sched_switch rows of the events table: a task runs on a CPU
 * from the switch that put it there to the next switch on that CPU.
 * Colors here are per role (probe, hackbench, hog, other), not per
 * scheduler: schedulers get one panel each.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/metric_info.h"
#include "reports/report.h"
#include "collectors/trace_collector.h"

#define WINDOW_NS 20000000LL /* 20 ms */
#define MAX_EVENTS 200000

static int role_of(const char *comm)
{
	if (!strncmp(comm, "scxb-probe", 10))
		return 0;
	if (!strncmp(comm, "scxb-hb", 7))
		return 1;
	if (!strncmp(comm, "scxb-hog", 8))
		return 2;
	return 3;
}

int fig_timeline(struct report_ctx *c)
{
	/* hues outside the scheduler palette (gnuplot.c), so that a role is
	 * never mistaken for a scheduler of a neighbouring figure */
	static const char *const role_color[] = { "#E41A1C", "#984EA3", "#A6761D", "#BBBBBB" };
	static const char *const role_name[] = { "probe", "hackbench", "hog", "other" };
	struct report_fig *fig = report__add_fig(c, "timeline",
						 "Which task ran on which CPU: the first 20 ms of one run"
						 " per scheduler");
	char path[4096];
	int panels[64], npanels = 0, maxcpu = 0, err = 0;
	FILE *f = NULL;

	if (!fig)
		return -ENOMEM;
	fig->family = MF_TRACE;
	snprintf(path, sizeof(path), "%s/timeline.dat", c->outdir);
	for (int s = 0; s < c->nsched && npanels < 64; s++) {
		for (int i = 0; i < c->runs->n; i++) {
			const struct q_run *r = &c->runs->v[i];
			struct q_event *ev = NULL;
			int64_t last_ts[1024], t0;
			int last_pid[1024], n = 0;

			if (report__run_sched(c, i) != s || r->status != RUN_OK)
				continue;
			err = store__q_events(c->st, r->id, WINDOW_NS, MAX_EVENTS, &ev, &n);
			if (err)
				goto cleanup;
			if (!n) {
				free(ev);
				continue;
			}
			if (!f && !(f = fopen(path, "w"))) {
				free(ev);
				err = -errno;
				goto cleanup;
			}
			fprintf(f, "# %s run %lld: ms_start\tcpu\tms_len\trole\n", c->sched[s],
				(long long)r->id);
			t0 = ev[0].ts;
			for (int k = 0; k < 1024; k++)
				last_ts[k] = -1;
			for (int k = 0; k < n; k++) {
				struct q_event *e = &ev[k];
				char comm[64];

				if (e->type != TEV_SWITCH || e->cpu < 0 || e->cpu >= 1024)
					continue;
				if (last_ts[e->cpu] >= 0 && last_pid[e->cpu] != 0) {
					store__q_task_comm(c->st, r->id, last_pid[e->cpu], comm, sizeof(comm));
					fprintf(f, "%.4f\t%d\t%.4f\t%d\n", (last_ts[e->cpu] - t0) / 1e6,
						e->cpu, (e->ts - last_ts[e->cpu]) / 1e6, role_of(comm));
				}
				last_ts[e->cpu] = e->ts;
				last_pid[e->cpu] = e->pid;
				if (e->cpu > maxcpu)
					maxcpu = e->cpu;
			}
			fprintf(f, "\n\n");
			free(ev);
			panels[npanels++] = s;
			break; /* one run per scheduler */
		}
	}
	if (!npanels) {
		snprintf(fig->missing, sizeof(fig->missing),
			 "no kept trace events: run with --keep-events to get a per-CPU timeline");
		goto cleanup;
	}
	if (fclose(f)) {
		f = NULL;
		err = -EIO;
		goto cleanup;
	}
	f = gp__begin(c->outdir, "timeline", fig->title);
	if (!f) {
		err = -errno;
		goto cleanup;
	}
	/* fixed margins: the panels' time axes line up; the key sits at a
	 * screen position above them and takes no panel's room */
	/* the title once, over the panels (gp__begin set it for every plot) */
	fprintf(f, "unset label 1000\nset tmargin 0\nset multiplot layout %d,1 margins 0.14,0.97,0.17,0.84"
		   " spacing 0.1,0.04 title \"", npanels);
	esc_gp(f, fig->title);
	fprintf(f, "\"\n"
		   "set xrange [0:%g]\nset yrange [-0.6:%d.6]\nset ytics 1\n"
		   "set style fill solid 1.0 noborder\n"
		   "set key at screen 0.55,0.93 center top horizontal maxrows 1\n",
		WINDOW_NS / 1e6, maxcpu);
	for (int p = 0; p < npanels; p++) {
		/* the scheduler names its panel on the left: a title would
		 * collide with the tics of the panel above */
		fprintf(f, "set ylabel \"");
		esc_gp(f, c->sched[panels[p]]);
		fprintf(f, "\\nCPU\"\nset xlabel \"%s\"\nset format x \"%s\"\n%s\nplot ",
			p == npanels - 1 ? "time since the first kept event (ms)" : "",
			p == npanels - 1 ? "%g" : "", p ? "unset key" : "");
		for (int r = 0; r < 4; r++)
			fprintf(f, "%s'timeline.dat' index %d using ($4==%d?$1+$3/2:1/0):2:($3/2):(0.35)"
				   " with boxxyerror lc rgb \"%s\" title \"%s\"",
				r ? ", " : "", p, r, role_color[r], p ? "" : role_name[r]);
		fprintf(f, "\n");
	}
	fprintf(f, "unset multiplot\n");
	snprintf(fig->caption, sizeof(fig->caption),
		 "First %g ms of one kept trace per scheduler: which kind of task ran on each CPU"
		 " (colors are task roles here, not schedulers).", WINDOW_NS / 1e6);
	err = fclose(f) ? -EIO : 0;
	f = NULL;
	if (!err)
		report__render(c, fig);
cleanup:
	if (f)
		fclose(f);
	return err;
}
