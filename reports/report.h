/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report writer: figures (one builder per kind, fig_*.c), then one
 * document (report_doc.h: what the report says, decided once) rendered as
 * report.md and a self-contained report.html, from the store alone.
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
#include <stdio.h>

#include "harness/core/compare.h"
#include "reports/gnuplot.h"
#include "harness/store/query.h"

struct report_fig {
	char name[96];     /* file stem */
	char title[160];
	char caption[600];
	char missing[300]; /* non-empty: not drawn, and why */
	bool rendered;
	/* what it draws (a metric, a histogram, a metric prefix): puts the
	 * figure into that metric family's section of the report; "" (and
	 * family -1): the report's "more figures" section */
	char subject[64];
	int family;
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
	const char **color; /* per scheduler: gp__sched_color() of its name */
	int *variant;       /* per scheduler: gp__sched_variants() */
	int nfailed_render;
};

struct report_fig *report__add_fig(struct report_ctx *c, const char *name, const char *title);
/* The figure draws subject (a metric or histogram name): its family's
 * section shows it. */
void report__fig_about(struct report_fig *f, const char *subject);
/* Render a figure whose .gp/.dat were written; notes failures in fig. */
void report__render(struct report_ctx *c, struct report_fig *f);
/* Index of a scheduler in the report's fixed order, -1. */
int report__sched_index(const struct report_ctx *c, const char *name);
/* Colour of scheduler s (a function of its name: gp__sched_color) and
 * its variant when it shares that colour with another of the report
 * (hatched bars, dashed lines: gp__fill, gp__dash). */
const char *report__color(const struct report_ctx *c, int s);
int report__variant(const struct report_ctx *c, int s);
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
int fig_locality(struct report_ctx *c);
int fig_fidelity(struct report_ctx *c);

struct report_doc;
/* The two renderings of one document (report_doc.h) into c->outdir */
int report_md(struct report_ctx *c, const struct report_doc *d);
int report_html(struct report_ctx *c, const struct report_doc *d);

/* Everything: figures, report.md, report.html, into c->outdir as it is.
 * 0 when the reports were written (possibly partial: see nfailed_render /
 * fig->missing). */
int report__write(struct report_ctx *c);
/*
 * report__write() into a hidden folder beside target, renamed to target
 * once complete (replacing an older report there in one step): target
 * never holds half a report. Refused with a reason in err, before
 * anything is written, when target exists and holds anything a report
 * does not write. -EBADMSG when the store met damage on the way. On
 * error the temporary folder is removed and target is as it was.
 */
int report__write_folder(struct report_ctx *c, const char *target, char *err, size_t len);
/* 0 when target may become a report folder: missing, empty, or holding
 * only what a report writes (an older report); else -errno and why. */
int report__check_folder(const char *target, char *err, size_t len);
void report__free(struct report_ctx *c);


/* Shared by the bar figures (fig_bars.c): groups on x, one bar per
 * scheduler in its colour, value med with an error bar [lo, hi] (NAN: no
 * bar / no error bar). vals is ngroups x nsched, group-major. */
struct bar_val {
	double med, lo, hi;
};
struct bar_spec {
	const char *const *groups;
	int ngroups;
	const struct bar_val *vals;
	const char *xlabel;   /* "" for none */
	const char *label;    /* the quantity in words: "probe wakeup latency" */
	const char *unit;     /* of vals as stored; the axis scales it (k msg/s, ms) */
	bool logy;            /* a log axis wanted: kept zero-safe (fig_bars.c) */
};
int fig_bars_spec(struct report_ctx *c, struct report_fig *f, const struct bar_spec *b);
/* The bars of table rows idx[0..ng): per group and scheduler of c its
 * median and 95 % CI (NAN where the table has no such scheduler); the
 * caller frees, NULL on ENOMEM. */
struct bar_val *fig_bars__of_rows(const struct report_ctx *c, const struct cmp_table *t,
				  const int *idx, int ng);
/* fig_bars_spec with the unit already in ylabel (no scaling) */
int fig_bars(struct report_ctx *c, struct report_fig *f, const char *const *groups,
	     int ngroups, const struct bar_val *vals, const char *xlabel, const char *ylabel,
	     bool logy);
/* "Probe wakeup latency": label with its first letter upper case */
void report__title_case(char *buf, size_t len, const char *label);
/* "name" safe as a file stem: [A-Za-z0-9_.-], others become '_'. */
void report__stem(char *buf, size_t len, const char *prefix, const char *name);

/*
 * The whole of `scxbench report` (also called by compare at its end):
 * load the comparison (compare_id > 0) or the runs (ids), evaluate the
 * table, print it to table_out (may be NULL), write the folder.
 * Returns 0 complete, 1 written but partial (figures or table missing:
 * the report says what), -errno with a one-line reason in err when
 * nothing useful could be written (unknown id, no runs, a target folder
 * that is not a report's; -EBADMSG: the database is corrupt, see
 * store__corrupt()). The folder is written as report__write_folder()
 * does, and the table reaches table_out only with a written report.
 */
int report__run(struct store *st, int64_t compare_id, const int64_t *ids, int nids,
		const char *outdir, const char *const *formats, int nformats, FILE *table_out,
		char *err, size_t errlen);

#endif
