// SPDX-License-Identifier: GPL-2.0
/*
 * Two self-contained report sections, each a function per format that
 * writes one whole section wherever the report's layout calls it:
 *
 *   report_outliers_md/html   the runs' outliers (--dump-on-outlier): per
 *                             outlier its latency and task, the scheduler's
 *                             dump in a <details>, and the trace window as
 *                             a short per-CPU text table
 *   report_overhead_md/html   the tracing-overhead table (--overhead-check)
 *                             with its warnings first
 *
 * A section with nothing to show (no run asked for outliers, no untraced
 * rounds) writes nothing. Everything from the database is escaped: the
 * window text is made safe for a terminal first (esc_term: control
 * characters as \xNN), then for the format.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/overhead.h"
#include "harness/lib/escape.h"
#include "harness/store/outliers.h"
#include "reports/report.h"

/* outliers shown in full in one report; the rest are counted */
#define REPORT_MAX_OUTLIERS 12
/* slices listed per CPU in a window (the ones closest to the outlier) */
#define REPORT_WINDOW_SLICES 8

enum fmt { FMT_MD, FMT_HTML };

/* text into a fenced block (md) or <pre> (html) */
static void block(FILE *f, enum fmt fmt, const char *text)
{
	if (fmt == FMT_HTML) {
		fputs("<pre>", f);
		esc_html(f, text);
		fputs("</pre>\n", f);
		return;
	}
	char *safe = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&safe, &len);

	/* control characters as \\xNN (a dump holds what a scheduler wrote) */
	if (!m)
		return;
	esc_term_text(m, text);
	if (fclose(m)) {
		free(safe);
		return;
	}
	fputs("```\n", f);
	/* inside a fence only ``` can break out: neutralise it */
	for (const char *p = safe; *p; p++)
		fputc(*p == '`' ? '\'' : *p, f);
	if (*safe && safe[strlen(safe) - 1] != '\n')
		fputc('\n', f);
	fputs("```\n\n", f);
	free(safe);
}

static void text(FILE *f, enum fmt fmt, const char *s)
{
	if (fmt == FMT_HTML)
		esc_html(f, s);
	else
		esc_md(f, s);
}

/* the window of o as esc_term'd text, or NULL */
static char *window_text(struct store *st, int64_t run_id, const struct q_outlier *o)
{
	struct q_slice *sl = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int n = 0;

	if (store__q_outlier_slices(st, run_id, o->seq, &sl, &n))
		return NULL;
	m = open_memstream(&buf, &len);
	if (m) {
		outliers__print_window(o, sl, n, m, REPORT_WINDOW_SLICES);
		if (fclose(m)) {
			free(buf);
			buf = NULL;
		}
	}
	free(sl);
	return buf;
}

static const char *dump_words(const struct q_outlier *o)
{
	if (!strcmp(o->dump, "taken"))
		return o->dump_text ? "" : "SysRq-D written, but no sched_ext_dump line reached the trace";
	if (!strcmp(o->dump, "no_sched_ext"))
		return "no dump: no sched_ext scheduler (nothing to dump)";
	if (!strcmp(o->dump, "no_trace"))
		return "no dump and no window: the run was not traced";
	if (!strcmp(o->dump, "failed"))
		return "no dump: the trigger failed";
	return "no dump: the run ended before it was triggered";
}

static void one_outlier(struct report_ctx *c, FILE *f, enum fmt fmt, const struct q_run *r,
			const struct q_outlier *o)
{
	char line[256], *win;

	snprintf(line, sizeof(line), "%.3f ms %s latency of %s[%d]", o->latency_ns / 1e6, o->kind,
		 o->comm, o->pid);
	if (fmt == FMT_HTML) {
		fputs("<h4>", f);
		esc_html(f, line);
		fprintf(f, " (run %lld, outlier %d)</h4>\n", (long long)r->id, o->seq);
	} else {
		fputs("#### ", f);
		esc_md(f, line);
		fprintf(f, " (run %lld, outlier %d)\n\n", (long long)r->id, o->seq);
	}
	if (!strcmp(o->dump, "taken") && o->dump_text) {
		snprintf(line, sizeof(line), "scheduler dump (SysRq-D written %.3f ms after the late"
			 " task ran)", (o->dump_start - o->ts) / 1e6);
		if (fmt == FMT_HTML) {
			fputs("<details><summary>", f);
			esc_html(f, line);
			fputs("</summary>", f);
			block(f, fmt, o->dump_text);
			fputs("</details>\n", f);
		} else {
			fputs("<details><summary>", f);
			esc_md(f, line);
			fputs("</summary>\n\n", f);
			block(f, fmt, o->dump_text);
			fputs("</details>\n\n", f);
		}
	} else {
		fputs(fmt == FMT_HTML ? "<p>" : "", f);
		text(f, fmt, dump_words(o));
		if (!strcmp(o->dump, "failed") && o->dump_error[0]) {
			fputs(": ", f);
			text(f, fmt, o->dump_error);
		}
		fputs(fmt == FMT_HTML ? "</p>\n" : "\n\n", f);
	}
	if (o->window_end && (win = window_text(c->st, r->id, o))) {
		block(f, fmt, win);
		free(win);
	}
}

static void outliers(struct report_ctx *c, FILE *f, enum fmt fmt)
{
	int shown = 0, more = 0, nruns = 0;

	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		struct q_outlier_run o;

		if (store__q_outliers(c->st, r->id, &o))
			continue;
		if (isnan(o.threshold_us)) {
			q_outlier_run__free(&o);
			continue;
		}
		if (!nruns++) {
			fputs(fmt == FMT_HTML ? "<h2>Outliers</h2>\n<p>" : "## Outliers\n\n", f);
			fprintf(f, "Wakeup latencies of the probe above the --dump-on-outlier threshold;"
				   " the first of each run with the scheduler's dump taken at that"
				   " moment and what ran on each CPU from before the late wakeup was due"
				   " until it ran (times in ms from when it was due).%s",
				fmt == FMT_HTML ? "</p>\n" : "\n\n");
		}
		fprintf(f, fmt == FMT_HTML ? "<p><b>run %lld</b>, " : "**run %lld**, ", (long long)r->id);
		text(f, fmt, r->scheduler);
		fprintf(f, "%s: %lld above %g us, %d kept%s", r->trace ? "" : " (untraced)",
			(long long)o.seen, o.threshold_us, o.n, fmt == FMT_HTML ? "</p>\n" : "\n\n");
		for (int k = 0; k < o.n; k++) {
			if (shown >= REPORT_MAX_OUTLIERS) {
				more++;
				continue;
			}
			one_outlier(c, f, fmt, r, &o.v[k]);
			shown++;
		}
		q_outlier_run__free(&o);
	}
	if (more)
		fprintf(f, fmt == FMT_HTML ? "<p>%d more outliers: <code>scxbench show RUN"
			   " --outliers</code></p>\n" : "%d more outliers: `scxbench show RUN"
			   " --outliers`\n\n", more);
}

void report_outliers_md(struct report_ctx *c, FILE *f)
{
	outliers(c, f, FMT_MD);
}

void report_outliers_html(struct report_ctx *c, FILE *f)
{
	outliers(c, f, FMT_HTML);
}

/* ---- tracing overhead ---- */

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs("-", f);
	else if (v != 0 && (fabs(v) >= 1e7 || fabs(v) < 1e-3))
		fprintf(f, "%.3g", v);
	else
		fprintf(f, "%.4g", v);
}

static void med_ci(FILE *f, double med, double lo, double hi)
{
	num(f, med);
	if (isnan(lo))
		return;
	fputs(" [", f);
	num(f, lo);
	fputs(", ", f);
	num(f, hi);
	fputs("]", f);
}

static void overhead(struct report_ctx *c, FILE *f, enum fmt fmt)
{
	const char *sep = fmt == FMT_HTML ? "</td><td>" : " | ";
	struct ovh_table o;
	char lines[16][512];
	int nw;

	if (!c->table || overhead__eval(c->st, c->cmp ? c->cmp->schedulers : NULL, c->runs,
					c->cmp ? c->cmp->seed : 1, c->table, &o))
		return;
	fputs(fmt == FMT_HTML ? "<h2>Tracing overhead</h2>\n<p>" : "## Tracing overhead\n\n", f);
	fprintf(f, "--overhead-check: every scheduler also ran untraced in each round, interleaved"
		   " with the traced runs and left out of the comparison above. Per primary metric:"
		   " medians with their 95 %% bootstrap CIs, and the overhead, traced vs untraced,"
		   " with its bootstrap CI.%s", fmt == FMT_HTML ? "</p>\n" : "\n\n");
	nw = overhead__warnings(&o, c->table, lines, 16);
	for (int i = 0; i < nw && i < 16; i++) {
		fputs(fmt == FMT_HTML ? "<p class=\"worse\">" : "> **", f);
		text(f, fmt, lines[i]);
		fputs(fmt == FMT_HTML ? "</p>\n" : "**\n\n", f);
	}
	if (fmt == FMT_HTML)
		fputs("<table><tr><th>metric</th><th>unit</th><th>scheduler</th><th>n traced</th>"
		      "<th>n untraced</th><th>traced median [95% CI]</th>"
		      "<th>untraced median [95% CI]</th><th>overhead</th><th>overhead 95% CI</th></tr>\n",
		      f);
	else
		fputs("| metric | unit | scheduler | n traced | n untraced | traced median [95% CI] |"
		      " untraced median [95% CI] | overhead | overhead 95% CI |\n"
		      "|---|---|---|--:|--:|---|---|--:|---|\n", f);
	for (int k = 0; k < o.nmetrics; k++)
		for (int s = 0; s < o.nsched; s++) {
			const struct ovh_row *r = overhead__row(&o, k, s);

			fputs(fmt == FMT_HTML ? (s ? "<tr><td>" : "<tr class=\"first\"><td>") : "| ", f);
			if (!s)
				text(f, fmt, r->metric);
			fputs(sep, f);
			text(f, fmt, r->unit);
			fputs(sep, f);
			text(f, fmt, r->sched);
			fprintf(f, "%s%d%s%d%s", sep, r->nt, sep, r->nu, sep);
			med_ci(f, r->med_t, r->lo_t, r->hi_t);
			fputs(sep, f);
			med_ci(f, r->med_u, r->lo_u, r->hi_u);
			fputs(sep, f);
			if (isnan(r->pct))
				fputs("-", f);
			else
				fprintf(f, "%+.1f%%", r->pct);
			fputs(sep, f);
			if (isnan(r->pct_lo))
				fputs("-", f);
			else
				fprintf(f, "[%+.1f%%, %+.1f%%]", r->pct_lo, r->pct_hi);
			fputs(fmt == FMT_HTML ? "</td></tr>\n" : " |\n", f);
		}
	fputs(fmt == FMT_HTML ? "</table>\n" : "\n", f);
	if (!nw)
		fprintf(f, "%sNo verdict above claims a difference within the reach of the tracing"
			   " overhead.%s", fmt == FMT_HTML ? "<p>" : "", fmt == FMT_HTML ? "</p>\n" : "\n\n");
	overhead__free(&o);
}

void report_overhead_md(struct report_ctx *c, FILE *f)
{
	overhead(c, f, FMT_MD);
}

void report_overhead_html(struct report_ctx *c, FILE *f)
{
	overhead(c, f, FMT_HTML);
}
