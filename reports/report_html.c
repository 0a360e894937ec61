// SPDX-License-Identifier: GPL-2.0
/*
 * report.html: one self-contained file (figures embedded as base64 PNG or
 * inline SVG, no external CSS/JS) that survives being mailed around.
 * Everything from the system goes through esc_html().
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "harness/core/probe_samples.h"
#include "harness/lib/escape.h"
#include "reports/report.h"

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs("&ndash;", f);
	else if (v != 0 && (fabs(v) >= 1e7 || fabs(v) < 1e-3))
		fprintf(f, "%.3g", v);
	else
		fprintf(f, "%.4g", v);
}

static void pct(FILE *f, double v)
{
	if (isnan(v))
		fputs("&ndash;", f);
	else
		fprintf(f, "%+.1f%%", v);
}

static int slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	*buf = malloc(n + 1);
	if (!*buf) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(*buf, 1, n, f);
	(*buf)[*len] = 0;
	fclose(f);
	return 0;
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		fputc(tbl[p[i] >> 2], f);
		fputc(tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)], f);
		fputc(tbl[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], f);
		fputc(tbl[p[i + 2] & 63], f);
	}
	if (i < n) {
		fputc(tbl[p[i] >> 2], f);
		if (i + 1 < n) {
			fputc(tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)], f);
			fputc(tbl[(p[i + 1] & 15) << 2], f);
		} else {
			fputc(tbl[(p[i] & 3) << 4], f);
			fputc('=', f);
		}
		fputc('=', f);
	}
}

static bool has_format(const struct report_ctx *c, const char *fmt)
{
	for (int i = 0; i < c->nformats; i++)
		if (!strcmp(c->formats[i], fmt))
			return true;
	return false;
}

static void html_fig(struct report_ctx *c, FILE *f, const struct report_fig *g)
{
	char path[4096], *buf = NULL;
	size_t len;

	fprintf(f, "<figure id=\"fig-%s\"><h3>", g->name);
	esc_html(f, g->title);
	fprintf(f, "</h3>\n");
	if (g->missing[0]) {
		fprintf(f, "<p class=\"missing\">Not drawn: ");
		esc_html(f, g->missing);
		fprintf(f, "</p>\n");
	}
	if (g->rendered) {
		if (has_format(c, "png")) {
			snprintf(path, sizeof(path), "%s/%s.png", c->outdir, g->name);
			if (!slurp(path, &buf, &len)) {
				fprintf(f, "<img alt=\"");
				esc_html(f, g->title);
				fprintf(f, "\" src=\"data:image/png;base64,");
				base64(f, (unsigned char *)buf, len);
				fprintf(f, "\">\n");
			}
		} else if (has_format(c, "svg")) {
			snprintf(path, sizeof(path), "%s/%s.svg", c->outdir, g->name);
			if (!slurp(path, &buf, &len)) {
				/* inline: drop the XML prolog and DOCTYPE */
				char *svg = strstr(buf, "<svg");

				fputs(svg ? svg : "", f);
			}
		} else {
			fprintf(f, "<p><a href=\"%s.%s\">%s.%s</a></p>\n", g->name, c->formats[0],
				g->name, c->formats[0]);
		}
		free(buf);
	}
	fprintf(f, "<figcaption>");
	esc_html(f, g->caption);
	fprintf(f, " Data: <a href=\"%s.dat\">%s.dat</a>, script: <a href=\"%s.gp\">%s.gp</a>",
		g->name, g->name, g->name, g->name);
	for (int i = 0; g->rendered && i < c->nformats; i++)
		fprintf(f, ", <a href=\"%s.%s\">%s</a>", g->name, c->formats[i], c->formats[i]);
	fprintf(f, "</figcaption></figure>\n");
}

/* A metric name like scx_event.SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE has no
 * space: offer line breaks after its '.' and '_' so the column can stay
 * narrow without breaking inside a word. */
static void esc_html_wbr(FILE *f, const char *s)
{
	char part[256];

	while (*s) {
		size_t n = strcspn(s, "._");

		n += s[n] != 0;
		if (n >= sizeof(part))
			n = sizeof(part) - 1;
		memcpy(part, s, n);
		part[n] = 0;
		esc_html(f, part);
		s += n;
		if (*s && (part[n - 1] == '.' || part[n - 1] == '_'))
			fputs("<wbr>", f);
	}
}

static void html_table(struct report_ctx *c, FILE *f)
{
	const struct cmp_table *t = c->table;

	if (!t) {
		fprintf(f, "<p class=\"missing\">No comparison table: ");
		esc_html(f, c->table_missing);
		fprintf(f, "</p>\n");
		return;
	}
	fprintf(f, "<p>Baseline: <b>");
	esc_html(f, t->sched[0].name);
	fprintf(f, "</b>. Median over successful runs with its 95&nbsp;%% bootstrap CI; delta ="
		   " change of the median vs the baseline with its bootstrap CI; p = two-sided"
		   " Mann-Whitney U, Holm-corrected over the %d tests of this comparison; effect ="
		   " Cliff's delta. Survival = runs whose scheduler stayed loaded / runs.</p>\n",
		t->family);
	fprintf(f, "<table><tr><th>metric</th><th>unit</th><th>scheduler</th><th>n</th>"
		   "<th>survived</th><th>median</th><th>95%% CI</th><th>CoV</th><th>delta</th>"
		   "<th>delta 95%% CI</th><th>p (Holm)</th><th>effect</th><th>verdict</th></tr>\n");
	for (int k = 0; k < t->nmetrics; k++)
		for (int s = 0; s < t->nsched; s++) {
			const struct q_result *r = compare__row(t, k, s);

			fprintf(f, "<tr%s><td>", s ? "" : " class=\"first\"");
			if (!s)
				esc_html_wbr(f, r->metric);
			fputs("</td><td>", f);
			esc_html(f, r->unit);
			fputs("</td><td>", f);
			esc_html(f, r->scheduler);
			fprintf(f, "</td><td>%d</td><td%s>%d/%d</td><td>", r->n,
				r->survived < r->total ? " class=\"worse\"" : "", r->survived, r->total);
			num(f, r->median);
			fputs("</td><td>", f);
			if (!isnan(r->ci_lo)) {
				fputs("[", f);
				num(f, r->ci_lo);
				fputs(", ", f);
				num(f, r->ci_hi);
				fputs("]", f);
			}
			fputs("</td><td>", f);
			if (!isnan(r->cov))
				fprintf(f, "%.1f%%", 100 * r->cov);
			fputs("</td><td>", f);
			pct(f, s ? r->delta_pct : NAN);
			fputs("</td><td>", f);
			if (s && !isnan(r->delta_lo)) {
				fputs("[", f);
				pct(f, r->delta_lo);
				fputs(", ", f);
				pct(f, r->delta_hi);
				fputs("]", f);
			}
			fputs("</td><td>", f);
			num(f, r->better ? r->p_holm : r->p_value);
			fputs("</td><td>", f);
			num(f, r->effect);
			fprintf(f, "</td><td class=\"%s\">",
				!strcmp(r->verdict, "better") ? "better" :
				!strcmp(r->verdict, "worse") ? "worse" : "");
			esc_html(f, r->verdict);
			fputs("</td></tr>\n", f);
		}
	fputs("</table>\n<ul>\n", f);
	for (int s = 0; s < t->nsched; s++) {
		fputs("<li>", f);
		esc_html(f, t->sched[s].name);
		fprintf(f, ": %d/%d runs survived (%d scheduler failures, %d harness errors, %d"
			   " aborted)</li>\n", t->sched[s].total - t->sched[s].sched_failed,
			t->sched[s].total, t->sched[s].sched_failed, t->sched[s].failed,
			t->sched[s].aborted);
	}
	fputs("</ul>\n", f);
	if (t->family && t->min_p * t->family >= CMP_ALPHA)
		fprintf(f, "<p class=\"missing\">With this few runs the smallest reachable p is %.4f;"
			   " after Holm over %d tests nothing can be significant. Use more"
			   " repetitions.</p>\n", t->min_p, t->family);
}

/* The probe's sample counts not comparable across schedulers: said at the top. */
static void html_sample_warnings(struct report_ctx *c, FILE *f)
{
	struct probe_sample_gap g[PROBE_SAMPLES_MAX_GAPS];
	int ng = c->table ? probe_samples__gaps(c->table, g, PROBE_SAMPLES_MAX_GAPS) : 0;
	char line[512];

	for (int i = 0; i < ng && i < PROBE_SAMPLES_MAX_GAPS; i++) {
		probe_samples__warning(c->table, &g[i], line, sizeof(line));
		fputs("<p class=\"worse\">", f);
		esc_html(f, line);
		fputs("</p>\n", f);
	}
}

static void html_tasks(struct report_ctx *c, FILE *f)
{
	fprintf(f, "<h2>Tasks that waited longest</h2>\n");
	for (int s = 0; s < c->nsched; s++) {
		for (int i = 0; i < c->runs->n; i++) {
			const struct q_run *r = &c->runs->v[i];
			struct q_task *t = NULL;
			int n = 0;

			if (report__run_sched(c, i) != s || r->status != RUN_OK ||
			    store__q_tasks(c->st, r->id, 8, &t, &n) || !n) {
				free(t);
				continue;
			}
			fprintf(f, "<p><b>");
			esc_html(f, c->sched[s]);
			fprintf(f, "</b>, run %lld:</p>\n<table><tr><th>task</th><th>pid</th><th>role</th>"
				   "<th>wakeups</th><th>wait total (ms)</th><th>wait max (&micro;s)</th>"
				   "<th>run (ms)</th><th>main antagonist</th></tr>\n", (long long)r->id);
			for (int k = 0; k < n; k++) {
				fputs("<tr><td>", f);
				esc_html(f, t[k].comm);
				fprintf(f, "</td><td>%d</td><td>", t[k].pid);
				esc_html(f, t[k].role);
				fprintf(f, "</td><td>%lld</td><td>%.2f</td><td>%.1f</td><td>%.2f</td><td>",
					(long long)t[k].wakeups, t[k].wait_ns / 1e6, t[k].wait_max_ns / 1e3,
					t[k].run_ns / 1e6);
				esc_html(f, t[k].top_antagonist);
				fputs("</td></tr>\n", f);
			}
			fputs("</table>\n", f);
			free(t);
			break;
		}
	}
}

static void html_runs(struct report_ctx *c, FILE *f)
{
	int failed = 0;

	fprintf(f, "<h2>Runs</h2>\n<table><tr><th>id</th><th>scheduler</th><th>status</th>"
		   "<th>round</th><th>kernel</th><th>place</th><th>CPU</th><th>host</th>"
		   "<th>scxbench</th><th>lost events</th></tr>\n");
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];

		fprintf(f, "<tr><td>%lld</td><td>", (long long)r->id);
		esc_html(f, r->scheduler);
		fprintf(f, "</td><td%s>", r->status != RUN_OK ? " class=\"worse\"" : "");
		esc_html(f, run_status__name(r->status));
		fprintf(f, "</td><td>%d</td><td>", r->round);
		esc_html(f, r->guest_kernel[0] ? r->guest_kernel : r->kernel_release);
		fputs("</td><td>", f);
		esc_html(f, r->place);
		if (r->accel[0]) {
			fputs(" (", f);
			esc_html(f, r->accel);
			fputs(")", f);
		}
		fputs("</td><td>", f);
		esc_html(f, r->cpu_model);
		fprintf(f, " &times;%d</td><td>", r->ncpus);
		esc_html(f, r->hostname);
		fputs("</td><td>", f);
		esc_html(f, r->version);
		fputs(" ", f);
		esc_html(f, r->git_sha);
		fprintf(f, "</td><td%s>%lld</td></tr>\n", r->lost_events ? " class=\"worse\"" : "",
			(long long)r->lost_events);
		failed += r->status == RUN_SCHED_FAILED;
	}
	fprintf(f, "</table>\n<h2>Lost events and collector notes</h2>\n");
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		char *notes = NULL;

		if (!store__q_notes(c->st, r->id, &notes) && notes && notes[0]) {
			fprintf(f, "<p>run %lld%s:</p><pre>", (long long)r->id,
				r->lost_events ? " <b class=\"worse\">lost events</b>" : "");
			esc_html(f, notes);
			fprintf(f, "</pre>\n");
		} else if (r->lost_events) {
			fprintf(f, "<p class=\"worse\">run %lld: %lld events lost</p>\n",
				(long long)r->id, (long long)r->lost_events);
		}
		free(notes);
	}
	fprintf(f, "<h2>Scheduler failures</h2>\n");
	if (!failed)
		fprintf(f, "<p>No scheduler failed.</p>\n");
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		char *dump = NULL;

		if (r->status != RUN_SCHED_FAILED)
			continue;
		fprintf(f, "<h3>run %lld: ", (long long)r->id);
		esc_html(f, r->scheduler);
		fprintf(f, "</h3>\n<p>exit kind %lld, reason: ", (long long)r->exit_kind);
		esc_html(f, r->exit_reason);
		fprintf(f, "; message: ");
		esc_html(f, r->exit_msg ? r->exit_msg : r->status_detail);
		fprintf(f, "</p>\n");
		if (!store__q_dump(c->st, r->id, &dump) && dump && dump[0]) {
			fprintf(f, "<details><summary>scheduler dump</summary><pre>");
			esc_html(f, dump);
			fprintf(f, "</pre></details>\n");
		} else {
			fprintf(f, "<p>(no dump stored)</p>\n");
		}
		free(dump);
	}
}

int report_html(struct report_ctx *c)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.html", c->outdir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
	if (c->cmp) {
		fprintf(f, "scxbench comparison %lld: ", (long long)c->cmp->id);
		esc_html(f, c->cmp->schedulers);
	} else {
		fprintf(f, "scxbench report");
	}
	fprintf(f, "</title>\n<style>\n"
		   "body{font-family:sans-serif;max-width:1200px;margin:1em auto;padding:0 1em}\n"
		   /* a table too wide for the window scrolls on its own: the
		    * page and its figures keep their width */
		   "table{border-collapse:collapse;font-size:90%%;display:block;max-width:100%%;"
		   "overflow-x:auto}\n"
		   /* a CI "[lo, hi]" broken over two lines reads as two numbers */
		   "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;white-space:nowrap}\n"
		   "td:first-child,td:last-child{white-space:normal}\n"
		   "td:first-child{overflow-wrap:break-word}\n"
		   "td:first-child,td:nth-child(3),th:first-child,th:nth-child(3){text-align:left}\n"
		   "tr.first td{border-top:2px solid #888}\n"
		   ".better{color:#006400;font-weight:bold}.worse{color:#b00000;font-weight:bold}\n"
		   ".missing{color:#8a5a00;font-style:italic}\n"
		   "figure{margin:1.5em 0}figure img,figure svg{max-width:100%%;height:auto}\n"
		   "pre{background:#f5f5f5;padding:.5em;overflow-x:auto}\n"
		   "</style></head><body>\n");
	if (c->cmp) {
		fprintf(f, "<h1>scxbench comparison %lld: ", (long long)c->cmp->id);
		esc_html(f, c->cmp->schedulers);
		fprintf(f, " on ");
		esc_html(f, c->cmp->workload);
		fprintf(f, "</h1>\n<p>Seed %llu, %d repetitions per scheduler in shuffled rounds,"
			   " place ", (unsigned long long)c->cmp->seed, c->cmp->reps);
		esc_html(f, c->cmp->place);
		fprintf(f, ", status ");
		esc_html(f, c->cmp->status);
		fprintf(f, ". Settings: <code>");
		esc_html(f, c->cmp->settings);
		fprintf(f, "</code></p>\n");
	} else {
		fprintf(f, "<h1>scxbench report of %d runs</h1>\n", c->runs->n);
	}
	html_sample_warnings(c, f);
	fprintf(f, "<h2>Comparison</h2>\n");
	html_table(c, f);
	report_overhead_html(c, f);
	fprintf(f, "<h2>Figures</h2>\n");
	for (int i = 0; i < c->nfigs; i++)
		html_fig(c, f, &c->figs[i]);
	html_tasks(c, f);
	report_outliers_html(c, f);
	html_runs(c, f);
	fprintf(f, "<hr><p>Generated by scxbench %s from the database alone.</p>\n</body></html>\n",
		SCXB_VERSION);
	return fclose(f) ? -EIO : 0;
}
