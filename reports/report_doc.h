/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report as a document, decided once (report_doc.c, report_meta.c)
 * and rendered twice (report_md.c, report_html.c): what is in the report,
 * in which order, under which heading, is chosen here; the renderers only
 * mark it up and escape it for their format.
 *
 *   headline    the verdicts on the workload's primary metrics (who wins,
 *               by how much, is it real), the warnings that change how to
 *               read them, the key figures (latency CDF and percentiles,
 *               throughput change)
 *   families    one collapsible section per metric family (probe latency,
 *               throughput, ...): its figures, then its table
 *   tasks       the tasks that waited longest
 *   runs        comparison, settings and run metadata as tables; lost
 *               events and collector notes
 *   failures    scheduler failures with their dumps
 *   figures     figures no family claims
 *
 * Every string in a document is text as it came from the database or from
 * metric_info (numbers already formatted for reading): the renderer
 * escapes all of it.
 */
#ifndef SCXB_REPORT_DOC_H
#define SCXB_REPORT_DOC_H

#include <stdbool.h>

#include "reports/report.h"

/* How a verdict or a cell reads: from the verdict's word (doc__style) */
enum doc_style {
	DS_NONE = 0,
	DS_BETTER,
	DS_WORSE,
	DS_SAME,         /* "same", "no significant difference" */
	DS_INCONCLUSIVE, /* "inconclusive...": more rounds would decide */
	DS_INFO,         /* "info", "baseline": described, not tested */
	DS_WARN,         /* a survival below all, lost events */
};

struct doc_cell {
	const char *text;    /* the value ("162 us"); NULL: empty */
	const char *note;    /* under/after it: "+11 % [+4, +18] %, p 0.024" */
	const char *verdict; /* the row's verdict word as stored, or NULL */
	enum doc_style style;
};

struct doc_table {
	int ncols, nrows;
	const char **head;  /* ncols */
	bool *num;          /* ncols: right-aligned numbers */
	struct doc_cell *cells; /* nrows x ncols, row-major */
	bool *group;        /* nrows: the row starts a group (a new metric) */
};

enum doc_block_kind {
	DB_PARA,    /* text */
	DB_WARN,    /* text: changes how the numbers read */
	DB_LIST,    /* items */
	DB_TABLE,   /* table, with text as its caption (may be NULL) */
	DB_FIGS,    /* figs: indices into report_ctx.figs */
	DB_PRE,     /* text verbatim, label names it ("scheduler dump") */
};

struct doc_block {
	enum doc_block_kind kind;
	const char *id;   /* HTML id, or NULL */
	const char *text, *label;
	const char **items;
	int nitems;
	struct doc_table *table;
	int *figs, nfigs;
	bool key;   /* DB_FIGS: the headline's figures, side by side */
	bool ref;   /* DB_FIGS: figures shown elsewhere (the key ones): their
		     * titles, captions and files, no image */
};

struct doc_section {
	const char *id;      /* HTML id, Markdown anchor */
	const char *title;
	const char *summary; /* one line after the title: "48 metrics, 4 figures" */
	bool collapsible;    /* <details> */
	struct doc_block **blocks;
	int nblocks;
};

struct report_doc {
	const char *title;
	const char *footer;
	struct doc_section **sec;
	int nsec;
	/* every string and array above is owned by the document */
	void **owned;
	int nowned;
	bool oom; /* an allocation failed on the way: the build fails */
};

/* The document of the report c describes (figures already built).
 * 0, -ENOMEM; on error what was built is freed. */
int report_doc__build(struct report_ctx *c, struct report_doc *d);
void report_doc__free(struct report_doc *d);

/* A verdict word as stored ("better", "worse*", "no significant
 * difference", "inconclusive: ~4 more rounds") as a style. */
enum doc_style doc__style(const char *verdict);

/* --- building blocks, shared by report_doc.c and report_meta.c --- */
/* printf into a string the document owns; NULL on ENOMEM (noted in oom:
 * the build then fails) */
const char *doc__printf(struct report_doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
struct doc_section *doc__section(struct report_doc *d, const char *id, const char *title,
				 bool collapsible);
struct doc_block *doc__block(struct report_doc *d, struct doc_section *s,
			     enum doc_block_kind kind, const char *text);
struct doc_table *doc__table(struct report_doc *d, int ncols, int nrows);
/* doc__list item appended to a DB_LIST block */
int doc__item(struct report_doc *d, struct doc_block *b, const char *text);
static inline struct doc_cell *doc__cell(struct doc_table *t, int row, int col)
{
	return &t->cells[row * t->ncols + col];
}

/* numbers for reading: a value in its unit ("162 us"), a change with
 * its CI ("+11 % [+4.2, +18]"), the p a verdict was decided on (Holm's
 * for a primary metric), a p ("0.024") */
const char *doc__value(struct report_doc *d, double v, const char *unit);
const char *doc__delta(struct report_doc *d, const struct q_result *r, bool with_ci);
double doc__verdict_p(const struct q_result *r);
const char *doc__p(struct report_doc *d, double p);
/* the headline section (report_headline.c); the key figures it shows
 * (indices into c->figs, at most 4) in key */
int doc__headline(struct report_ctx *c, struct report_doc *d, int *key, int *nkey);
/* the metadata sections (report_meta.c): tasks, runs and settings,
 * failures */
int doc__tasks(struct report_ctx *c, struct report_doc *d);
int doc__runs(struct report_ctx *c, struct report_doc *d);
int doc__failures(struct report_ctx *c, struct report_doc *d);
/* "key.sub = value" rows of a JSON object (the comparison's settings),
 * in document order; -EINVAL when it is not one. */
int doc__settings_table(struct report_doc *d, const char *json, struct doc_table **out);

#endif
