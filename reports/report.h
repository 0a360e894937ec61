/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report writer: figures (one builder per kind, fig_*.c), report.md and a
 * self-contained report.html, from the store alone.
 *
 * A figure builder writes NAME.dat and NAME.gp into the report folder and
 * registers the figure; when its data is absent it registers the reason
 * instead ("no kept events: run with --keep-events"), which the report
 * prints where the figure would be.
 */
#ifndef SCXB_REPORT_H
#define SCXB_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "harness/core/compare.h"
#include "reports/gnuplot.h"
#include "harness/store/query.h"

struct report_fig {
	char name[96];     /* file stem */
	char title[160];
	char caption[400];
	char missing[300]; /* non-empty: not drawn, and why */
	bool rendered;
};

struct report_ctx {
	struct store *st;
	const char *outdir;
	const char *formats[GP_MAX_FORMATS];
	int nformats;
	bool have_gnuplot;
	char gnuplot[4096];
	const struct q_compare *cmp; /* NULL for a --runs report */
	const struct q_runs *runs;
	const struct cmp_table *table; /* NULL when nothing could be computed */
	char table_missing[200];
	struct report_fig *figs;
	int nfigs;
	char (*sched)[64]; /* fixed order: baseline first */
	int nsched;
	int nfailed_render;
};

struct report_fig *report__add_fig(struct report_ctx *c, const char *name, const char *title);
/* Render a figure whose .gp/.dat were written; notes failures in fig. */
void report__render(struct report_ctx *c, struct report_fig *f);
/* Index of a scheduler in the report's fixed order (its color), -1. */
int report__sched_index(const struct report_ctx *c, const char *name);
/* Scheduler slot of c->runs->v[i] (-1: none). */
int report__run_sched(const struct report_ctx *c, int i);
/* Ids of the ok runs of scheduler s. */
int report__ok_runs(const struct report_ctx *c, int s, int64_t *ids);
int report__nsched(const struct report_ctx *c);
const char *report__sched_name(const struct report_ctx *c, int s);

/* figure builders */
int fig_cdf(struct report_ctx *c);
int fig_percentiles(struct report_ctx *c);
int fig_throughput(struct report_ctx *c);
int fig_tasks(struct report_ctx *c);
int fig_timeline(struct report_ctx *c);
int fig_scx_events(struct report_ctx *c);
int fig_fidelity(struct report_ctx *c);

int report_md(struct report_ctx *c);
int report_html(struct report_ctx *c);

/* Everything: figures, report.md, report.html. 0 when the reports were
 * written (possibly partial: see nfailed_render / fig->missing). */
int report__write(struct report_ctx *c);
void report__free(struct report_ctx *c);

#endif

/* Shared by the bar figures (fig_bars.c): groups on x, one bar per
 * scheduler in its color, value med with an error bar [lo, hi] (NAN: no
 * bar / no error bar). vals is ngroups x nsched, group-major. */
struct bar_val {
	double med, lo, hi;
};
int fig_bars(struct report_ctx *c, struct report_fig *f, const char *const *groups,
	     int ngroups, const struct bar_val *vals, const char *xlabel, const char *ylabel,
	     bool logy);
/* "name" safe as a file stem: [A-Za-z0-9_.-], others become '_'. */
void report__stem(char *buf, size_t len, const char *prefix, const char *name);

/*
 * The whole of `scxbench report` (also called by compare at its end):
 * load the comparison (compare_id > 0) or the runs (ids), evaluate the
 * table, print it to table_out (may be NULL), write the folder.
 * Returns 0 complete, 1 written but partial (figures or table missing:
 * the report says what), -errno with a one-line reason in err when
 * nothing useful could be written (unknown id, no runs).
 */
int report__run(struct store *st, int64_t compare_id, const int64_t *ids, int nids,
		const char *outdir, const char *const *formats, int nformats, FILE *table_out,
		char *err, size_t errlen);
