// SPDX-License-Identifier: GPL-2.0
/*
 * CI outputs (ci_output.h). One escaping helper per format: esc_md for
 * Markdown, esc_xml for JUnit, json_str for JSON, esc_gp for gnuplot;
 * scheduler, workload, metric and label names are user input.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "harness/ci/output.h"
#include "harness/lib/escape.h"
#include "harness/lib/metric_info.h"
#include "reports/gnuplot.h"
#include "harness/lib/json.h"
#include "harness/lib/log.h"

static const char *num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.4g", v);
	return buf;
}

/* "could detect >= 5.8 %", "could detect no change (too few runs)" */
static const char *mde_str(char *buf, size_t len, double mde)
{
	if (isnan(mde))
		snprintf(buf, len, "detectable effect unknown");
	else if (isinf(mde))
		snprintf(buf, len, "could detect no change (too few runs for the test)");
	else
		snprintf(buf, len, "could detect >= %.1f %%", mde);
	return buf;
}

/* "12.3 ms [12.1, 12.6] -> 13.7 ms [13.5, 13.9]: +11.4 % [+9.8 %, +13.0 %], p(Holm) 0.0012" */
static void cell_numbers(char *buf, size_t len, const struct ci_cell *c)
{
	char a[32], b[32], d[32], e[32], f[32], g[32], h[32], k[32], m[48];

	snprintf(buf, len,
		 "baseline %s %s [%s, %s] (%d runs, %d nights) -> tonight %s %s [%s, %s] (%d runs):"
		 " delta %+.1f %% [%+.1f %%, %+.1f %%], p(Holm) %s, Cliff's delta %s,"
		 " minimum effect %.1f %%, %s%s",
		 num(a, sizeof(a), c->base_median), c->unit, num(b, sizeof(b), c->base_lo),
		 num(d, sizeof(d), c->base_hi), c->nbase, c->base_nights,
		 num(e, sizeof(e), c->cur_median), c->unit, num(f, sizeof(f), c->cur_lo),
		 num(g, sizeof(g), c->cur_hi), c->ncur, c->delta_pct, c->delta_lo, c->delta_hi,
		 num(h, sizeof(h), c->p_holm), num(k, sizeof(k), c->cliff), c->min_effect_pct,
		 mde_str(m, sizeof(m), c->mde_pct), c->gated ? "" : " (exploratory)");
}

static const char *verdict_word(const struct ci_night *n)
{
	if (n->exit_code == 2)
		return "HARNESS FAILURE";
	return n->exit_code ? "FAIL" : "PASS";
}

static void md_table(FILE *f, const struct ci_night *n, const int *idx, enum ci_state st)
{
	char a[32], b[32], c_[32], d[32], e[32], g[32], h[32];
	bool head = false;

	for (int k = 0; k < n->ncells; k++) {
		const struct ci_cell *c = &n->cells[idx[k]];

		if (c->state != st || c->survival)
			continue;
		if (!head) {
			fprintf(f, "| scheduler | workload | metric | baseline median [95%% CI] |"
				   " tonight median [95%% CI] | delta [95%% CI] | p (Holm) |"
				   " could detect | found by |\n"
				   "|---|---|---|---|---|---|---|---|---|\n");
			head = true;
		}
		fputs("| ", f);
		esc_md(f, c->scheduler);
		fputs(" | ", f);
		esc_md(f, c->workload);
		fputs(" | ", f);
		esc_md(f, c->metric);
		if (c->unit[0]) {
			fputs(" (", f);
			esc_md(f, c->unit);
			fputs(")", f);
		}
		fprintf(f, " | %s [%s, %s] | %s [%s, %s] | **%+.1f %%** [%+.1f, %+.1f] | %s | ",
			num(a, sizeof(a), c->base_median), num(b, sizeof(b), c->base_lo),
			num(c_, sizeof(c_), c->base_hi), num(d, sizeof(d), c->cur_median),
			num(e, sizeof(e), c->cur_lo), num(g, sizeof(g), c->cur_hi), c->delta_pct,
			c->delta_lo, c->delta_hi, num(h, sizeof(h), c->p_holm));
		if (isnan(c->mde_pct) || isinf(c->mde_pct))
			fputs(isnan(c->mde_pct) ? "-" : "nothing", f);
		else
			fprintf(f, ">= %.1f %%", c->mde_pct);
		fputs(" | ", f);
		if (!c->by_change)
			fputs(c->note[0] ? "tonight vs the baseline; " : "tonight vs the baseline", f);
		esc_md(f, c->note);
		fputs(" |\n", f);
	}
	if (!head)
		fprintf(f, "none\n");
}

static int count(const struct ci_night *n, enum ci_state st, bool survival)
{
	int k = 0;

	for (int i = 0; i < n->ncells; i++)
		k += n->cells[i].state == st && n->cells[i].survival == survival;
	return k;
}

void ci_output__power_line(const struct ci_night *n, char *buf, size_t len)
{
	const struct ci_power *p = &n->power;
	const struct ci_cell *w = p->worst >= 0 ? &n->cells[p->worst] : NULL;
	char med[48], worst[48];
	int o;

	if (!p->cells || !w) {
		snprintf(buf, len, "power: no gated cell with a baseline tonight");
		return;
	}
	mde_str(med, sizeof(med), p->mde_median);
	mde_str(worst, sizeof(worst), w->mde_pct);
	o = snprintf(buf, len, "power: %d gated cell(s) %s (median, 80 %% power, Holm over %d);"
		     " least sensitive %s / %s / %s: %s",
		     p->cells, med, n->family, w->scheduler, w->workload, w->metric, worst + 6);
	if (o < 0 || (size_t)o >= len)
		return;
	if (!p->blind) {
		snprintf(buf + o, len - o, "; every one detects its minimum effect");
		return;
	}
	o += snprintf(buf + o, len - o, "; %d cannot detect their minimum effect:", p->blind);
	if (o < 0 || (size_t)o >= len)
		return;
	if (p->reps_needed > 0)
		o += snprintf(buf + o, len - o, " reps = %d (baseline last:%d)", p->reps_needed,
			      n->last_k);
	else
		o += snprintf(buf + o, len - o, " no reps up to 200 (baseline last:%d)", n->last_k);
	if (o < 0 || (size_t)o >= len)
		return;
	if (p->k_needed > 0)
		snprintf(buf + o, len - o, " or baseline = last:%d (reps = %d) would", p->k_needed,
			 n->reps);
	else
		snprintf(buf + o, len - o, " would (at reps = %d no baseline length would: tonight's"
			 " runs alone are too few)", n->reps);
}

int ci_output__summary_md(const struct ci_night *n, const char *path)
{
	FILE *f = fopen(path, "w");
	int *idx, nreg, nfail, nimp, nok = 0, nnb = 0, nnd = 0;

	if (!f)
		return -errno;
	idx = malloc(sizeof(*idx) * (n->ncells ? n->ncells : 1));
	if (!idx) {
		fclose(f);
		return -ENOMEM;
	}
	ci_gate__order(n->cells, n->ncells, idx);
	nreg = count(n, CI_REGRESSION, false);
	nfail = count(n, CI_SCHED_FAILED, true);
	nimp = count(n, CI_IMPROVEMENT, false);
	fprintf(f, "# scxbench ci ");
	esc_md(f, n->label);
	fprintf(f, ": %s\n\n", verdict_word(n));
	fprintf(f, "%d regression(s), %d scheduler failure(s), %d improvement(s); %d runs"
		   " (%d ok, %d scheduler failed, %d harness failed, %d aborted).\n\n",
		nreg, nfail, nimp, n->runs, n->runs_ok, n->runs_sched_failed, n->runs_failed,
		n->runs_aborted);
	if (n->harness_failed) {
		fputs("**Harness failure:** ", f);
		esc_md(f, n->harness_msg);
		fputs(" (what finished is stored and reported below)\n\n", f);
	}
	fputs("Machine: ", f);
	esc_md(f, n->hostname);
	fputs(", place ", f);
	esc_md(f, n->place);
	if (n->accel[0]) {
		fputs(" (", f);
		esc_md(f, n->accel);
		fputs(")", f);
	}
	fputs(", kernel ", f);
	esc_md(f, n->kernel);
	fputs(". Baseline: ", f);
	esc_md(f, n->baseline);
	fprintf(f, ". A regression is significant (Mann-Whitney, Holm over %d tests, alpha %g,"
		   " delta CI excluding 0) and beyond the metric's minimum effect.\n\n",
		n->family, n->alpha);

	{
		char pw[800];

		ci_output__power_line(n, pw, sizeof(pw));
		fputs("**Power:** ", f);
		esc_md(f, pw + 7);
		fprintf(f, ". Gated: each workload's primary metrics and those a [metric] section"
			   " marks gate = yes; the others are exploratory (tested on their own p,"
			   " never failed on).\n\n");
	}
	fprintf(f, "## Scheduler failures\n\n");
	if (!nfail)
		fprintf(f, "none\n");
	for (int k = 0; k < n->ncells; k++) {
		const struct ci_cell *c = &n->cells[idx[k]];

		if (!c->survival || c->state != CI_SCHED_FAILED)
			continue;
		fputs("- **", f);
		esc_md(f, c->scheduler);
		fputs("** / ", f);
		esc_md(f, c->workload);
		fprintf(f, ": %d/%d runs survived: ", c->survived, c->total);
		esc_md(f, c->note);
		fputs("\n", f);
	}
	fprintf(f, "\n## Regressions\n\n");
	md_table(f, n, idx, CI_REGRESSION);
	fprintf(f, "\n## Improvements\n\n");
	md_table(f, n, idx, CI_IMPROVEMENT);
	for (int i = 0; i < n->ncells; i++) {
		const struct ci_cell *c = &n->cells[i];

		if (c->survival && c->state == CI_HARNESS_FAILED) {
			if (nnd++ == 0)
				fprintf(f, "\n## Harness failures\n\n");
			fputs("- ", f);
			esc_md(f, c->scheduler);
			fputs(" / ", f);
			esc_md(f, c->workload);
			fputs(": ", f);
			esc_md(f, c->note);
			fputs("\n", f);
		}
	}
	nnd = 0;
	fprintf(f, "\n## Other changes and undecided cells (reported, not failed on)\n\n");
	for (int k = 0; k < n->ncells; k++) {
		const struct ci_cell *c = &n->cells[idx[k]];

		if (c->survival)
			continue;
		if (c->state == CI_OK && !c->note[0])
			nok++;
		if (c->state == CI_NO_BASELINE)
			nnb++;
		if (c->state == CI_NO_DATA)
			nnd++;
		if (c->state == CI_CHANGED || (c->state == CI_OK && c->note[0])) {
			fputs("- ", f);
			esc_md(f, c->scheduler);
			fputs(" / ", f);
			esc_md(f, c->workload);
			fputs(" / ", f);
			esc_md(f, c->metric);
			fprintf(f, ": %+.1f %% [%+.1f, %+.1f]: ", c->delta_pct, c->delta_lo,
				c->delta_hi);
			esc_md(f, c->note);
			if (c->gated) {
				char m[48];

				fputs(" (", f);
				fputs(mde_str(m, sizeof(m), c->mde_pct), f);
				fputs(")", f);
			}
			fputs("\n", f);
		}
	}
	fprintf(f, "\n%d cell(s) unchanged, %d without a baseline%s, %d with too few runs.\n", nok,
		nnb, nnb ? " (first night on this machine: stored as history)" : "", nnd);
	fprintf(f, "\nFiles: junit\\.xml, ci\\.json, history/ (metric history across labels)");
	for (int i = 0; i < n->nreports; i++) {
		fputs(", ", f);
		esc_md(f, n->reports[i]);
	}
	fputs(".\n", f);
	ci_changes__md(f, n->cells, n->changes, n->nchanges);
	free(idx);
	return fclose(f) ? -EIO : 0;
}

int ci_output__junit(const struct ci_night *n, const char *path)
{
	FILE *f = fopen(path, "w");
	int tests = 0, failures = 0, errors = 0, skipped = 0;
	char ts[64], msg[1024];
	time_t t = (time_t)n->started_at;
	struct tm tm;

	if (!f)
		return -errno;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	for (int i = 0; i < n->ncells; i++) {
		tests++;
		failures += n->cells[i].state == CI_REGRESSION || n->cells[i].state == CI_SCHED_FAILED;
		errors += n->cells[i].state == CI_HARNESS_FAILED;
		skipped += n->cells[i].state == CI_NO_BASELINE || n->cells[i].state == CI_NO_DATA;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<testsuites name=\"scxbench ci ");
	esc_xml(f, n->label);
	fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\">\n",
		tests, failures, errors, skipped, n->ended_at - n->started_at);
	/* one suite per scheduler x workload, in first-appearance order */
	for (int i = 0; i < n->ncells; i++) {
		const struct ci_cell *c0 = &n->cells[i];
		int st = 0, sf = 0, se = 0, ss = 0;
		bool first = true;

		for (int j = 0; j < i; j++)
			if (!strcmp(n->cells[j].scheduler, c0->scheduler) &&
			    !strcmp(n->cells[j].workload, c0->workload))
				first = false;
		if (!first)
			continue;
		for (int j = i; j < n->ncells; j++) {
			const struct ci_cell *c = &n->cells[j];

			if (strcmp(c->scheduler, c0->scheduler) || strcmp(c->workload, c0->workload))
				continue;
			st++;
			sf += c->state == CI_REGRESSION || c->state == CI_SCHED_FAILED;
			se += c->state == CI_HARNESS_FAILED;
			ss += c->state == CI_NO_BASELINE || c->state == CI_NO_DATA;
		}
		fputs("  <testsuite name=\"", f);
		esc_xml(f, c0->workload);
		fputs("/", f);
		esc_xml(f, c0->scheduler);
		fprintf(f, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"0\""
			   " timestamp=\"%s\" hostname=\"", st, sf, se, ss, ts);
		esc_xml(f, n->hostname);
		fputs("\">\n    <properties>\n      <property name=\"label\" value=\"", f);
		esc_xml(f, n->label);
		fputs("\"/>\n      <property name=\"kernel\" value=\"", f);
		esc_xml(f, n->kernel);
		fputs("\"/>\n      <property name=\"place\" value=\"", f);
		esc_xml(f, n->place);
		fputs("\"/>\n      <property name=\"baseline\" value=\"", f);
		esc_xml(f, n->baseline);
		fputs("\"/>\n    </properties>\n", f);
		for (int j = i; j < n->ncells; j++) {
			const struct ci_cell *c = &n->cells[j];

			if (strcmp(c->scheduler, c0->scheduler) || strcmp(c->workload, c0->workload))
				continue;
			fputs("    <testcase classname=\"scxbench.", f);
			esc_xml(f, c->workload);
			fputs(".", f);
			esc_xml(f, c->scheduler);
			fputs("\" name=\"", f);
			esc_xml(f, c->metric);
			fputs("\" time=\"0\"", f);
			if (c->survival)
				snprintf(msg, sizeof(msg), "%d/%d runs survived%s%s", c->survived,
					 c->total, c->note[0] ? ": " : "", c->note);
			else if (c->state == CI_NO_BASELINE || c->state == CI_NO_DATA)
				snprintf(msg, sizeof(msg), "%s%s%s", ci_state__str(c->state),
					 c->note[0] ? ": " : "", c->note);
			else
				cell_numbers(msg, sizeof(msg), c);
			switch (c->state) {
			case CI_REGRESSION:
			case CI_SCHED_FAILED:
				fprintf(f, ">\n      <failure type=\"%s\" message=\"",
					c->state == CI_REGRESSION ? "regression" : "scheduler-failure");
				esc_xml(f, msg);
				fputs("\">", f);
				esc_xml(f, msg);
				fputs("</failure>\n    </testcase>\n", f);
				break;
			case CI_HARNESS_FAILED:
				fputs(">\n      <error type=\"harness\" message=\"", f);
				esc_xml(f, msg);
				fputs("\"/>\n    </testcase>\n", f);
				break;
			case CI_NO_BASELINE:
			case CI_NO_DATA:
				fputs(">\n      <skipped message=\"", f);
				esc_xml(f, msg);
				fputs("\"/>\n    </testcase>\n", f);
				break;
			default:
				fputs(">\n      <system-out>", f);
				esc_xml(f, ci_state__str(c->state));
				fputs(": ", f);
				esc_xml(f, msg);
				if (c->note[0] && !c->survival) {
					fputs("; ", f);
					esc_xml(f, c->note);
				}
				fputs("</system-out>\n    </testcase>\n", f);
			}
		}
		fputs("  </testsuite>\n", f);
	}
	fputs("</testsuites>\n", f);
	return fclose(f) ? -EIO : 0;
}

int ci_output__json(const struct ci_night *n, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs("{\n  \"label\": ", f);
	json_str(f, n->label);
	fputs(",\n  \"verdict\": ", f);
	json_str(f, verdict_word(n));
	fprintf(f, ",\n  \"exit_code\": %d,\n  \"config\": ", n->exit_code);
	json_str(f, n->config);
	fputs(",\n  \"db\": ", f);
	json_str(f, n->db);
	fputs(",\n  \"hostname\": ", f);
	json_str(f, n->hostname);
	fputs(",\n  \"place\": ", f);
	json_str(f, n->place);
	fputs(",\n  \"accel\": ", f);
	json_str(f, n->accel[0] ? n->accel : NULL);
	fputs(",\n  \"kernel\": ", f);
	json_str(f, n->kernel);
	fputs(",\n  \"baseline\": ", f);
	json_str(f, n->baseline);
	fputs(",\n  \"alpha\": ", f);
	json_num(f, n->alpha);
	fprintf(f, ",\n  \"holm_family\": %d,\n  \"runs\": {\"total\": %d, \"ok\": %d,"
		   " \"sched_failed\": %d, \"failed\": %d, \"aborted\": %d},\n"
		   "  \"harness_failed\": %s,\n  \"harness_message\": ",
		n->family, n->runs, n->runs_ok, n->runs_sched_failed, n->runs_failed,
		n->runs_aborted, n->harness_failed ? "true" : "false");
	json_str(f, n->harness_failed ? n->harness_msg : NULL);
	fputs(",\n  \"started_at\": ", f);
	json_num(f, n->started_at);
	fputs(",\n  \"ended_at\": ", f);
	json_num(f, n->ended_at);
	fputs(",\n  \"cells\": [", f);
	for (int i = 0; i < n->ncells; i++) {
		const struct ci_cell *c = &n->cells[i];
		const struct { const char *k; double v; } nums[] = {
			{ "min_effect_pct", c->min_effect_pct }, { "base_median", c->base_median },
			{ "base_ci_lo", c->base_lo }, { "base_ci_hi", c->base_hi },
			{ "median", c->cur_median }, { "ci_lo", c->cur_lo }, { "ci_hi", c->cur_hi },
			{ "delta_pct", c->delta_pct }, { "delta_lo", c->delta_lo },
			{ "delta_hi", c->delta_hi }, { "p", c->p }, { "p_holm", c->p_holm },
			{ "cliffs_delta", c->cliff }, { "spread_pct", c->spread_pct },
			{ "mde_pct", isinf(c->mde_pct) ? NAN : c->mde_pct },
		};

		fputs(i ? ",\n    {" : "\n    {", f);
		fputs("\"scheduler\": ", f);
		json_str(f, c->scheduler);
		fputs(", \"workload\": ", f);
		json_str(f, c->workload);
		fputs(", \"metric\": ", f);
		json_str(f, c->metric);
		fputs(", \"unit\": ", f);
		json_str(f, c->unit);
		fputs(", \"state\": ", f);
		json_str(f, ci_state__str(c->state));
		fprintf(f, ", \"survival\": %s, \"better\": %d, \"gated\": %s, \"n_base\": %d,"
			   " \"n\": %d, \"base_nights\": %d",
			c->survival ? "true" : "false", c->better, c->gated ? "true" : "false",
			c->nbase, c->ncur, c->base_nights);
		if (c->survival)
			fprintf(f, ", \"total\": %d, \"survived\": %d, \"harness_failed\": %d",
				c->total, c->survived, c->harness_failed);
		else
			for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
				fprintf(f, ", \"%s\": ", nums[k].k);
				json_num(f, nums[k].v);
			}
		fprintf(f, ", \"detectable\": %s, \"by_change_point\": %s",
			isinf(c->mde_pct) ? "false" : "true", c->by_change ? "true" : "false");
		fputs(", \"note\": ", f);
		json_str(f, c->note);
		fputs("}", f);
	}
	fputs("\n  ]\n}\n", f);
	return fclose(f) ? -EIO : 0;
}

/* one figure per workload x metric: every scheduler's medians across
 * labels, error bars min..max of the night, the baseline band (baseline
 * median +- the minimum effect) shaded in the scheduler's colour */
static int history_fig(const struct ci_night *n, const char *dir, int first, const char *gp,
		       bool have_gp, int *nplots, char *err, size_t errlen)
{
	const struct ci_cell *c0 = &n->cells[first];
	char stem[160], path[4200], labels[64][128], title[200];
	struct metric_info mi;
	int nl = 0, ns = 0, rc;
	FILE *d, *g;

	snprintf(stem, sizeof(stem), "%s__%s", c0->workload, c0->metric);
	for (char *p = stem; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-", *p))
			*p = '_';
	/* the x axis: every label of every scheduler, oldest first */
	for (int i = first; i < n->ncells; i++) {
		const struct ci_cell *c = &n->cells[i];

		if (c->survival || strcmp(c->workload, c0->workload) || strcmp(c->metric, c0->metric))
			continue;
		for (int h = 0; h < c->nhist; h++) {
			int k, at = nl;

			for (k = 0; k < nl && strcmp(labels[k], c->hist[h].label); k++)
				;
			if (k < nl || nl == 64)
				continue;
			/* keep time order: insert before the first later label */
			for (int j = 0; j < nl; j++) {
				bool later = false;

				for (int i2 = first; i2 < n->ncells && !later; i2++) {
					const struct ci_cell *o = &n->cells[i2];

					for (int h2 = 0; h2 < o->nhist; h2++)
						if (!strcmp(o->hist[h2].label, labels[j]) &&
						    o->hist[h2].t > c->hist[h].t)
							later = true;
				}
				if (later) {
					at = j;
					break;
				}
			}
			memmove(labels[at + 1], labels[at], sizeof(labels[0]) * (nl - at));
			snprintf(labels[at], sizeof(labels[0]), "%s", c->hist[h].label);
			nl++;
		}
	}
	if (!nl)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.dat", dir, stem);
	d = fopen(path, "w");
	if (!d) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	metric__info(c0->metric, &mi);
	snprintf(title, sizeof(title), "%s: %s", c0->workload, mi.label);
	g = gp__begin(dir, stem, title);
	if (!g) {
		fclose(d);
		snprintf(err, errlen, "%s/%s.gp: %s", dir, stem, strerror(errno));
		return -EIO;
	}
	fprintf(g, "set label 1 \"shaded: baseline median +- minimum effect (dashed: median);"
		   " circled: this night\\nbars: min..max of the night's runs; dotted: a change"
		   " point (the first label of the new level)\" at screen 0.01,0.06 font \",9\"\n");
	fprintf(g, "set ylabel \"");
	esc_gp(g, mi.label);
	if (c0->unit[0]) {
		fprintf(g, " (");
		esc_gp(g, c0->unit);
		fprintf(g, ")");
	}
	fprintf(g, "\"\nset xrange [-0.5:%g]\nset xtics rotate by -35 left\nset xtics (", nl - 0.5);
	for (int k = 0; k < nl; k++) {
		fprintf(g, "%s\"", k ? ", " : "");
		esc_gp(g, labels[k]);
		fprintf(g, "\" %d", k);
	}
	fprintf(g, ")\nset bmargin 7\n");
	fprintf(d, "# x\tlabel\tmedian\tmin\tmax\tn\tbaseline\tcurrent\n");
	for (int i = first; i < n->ncells; i++) {
		const struct ci_cell *c = &n->cells[i];
		double bm = c->base_median;

		if (c->survival || strcmp(c->workload, c0->workload) || strcmp(c->metric, c0->metric))
			continue;
		fprintf(d, "%s# scheduler ", ns ? "\n\n" : "");
		esc_gp(d, c->scheduler);
		fputs("\n", d);
		for (int k = 0; k < nl; k++)
			for (int h = 0; h < c->nhist; h++)
				if (!strcmp(c->hist[h].label, labels[k]))
					fprintf(d, "%d\t%s\t%.9g\t%.9g\t%.9g\t%d\t%d\t%d\n", k,
						"-", c->hist[h].median, c->hist[h].lo, c->hist[h].hi,
						c->hist[h].n, c->hist[h].baseline, c->hist[h].current);
		if (!isnan(bm) && c->nbase)
			fprintf(g, "set object %d rect from -0.5,%.9g to %g,%.9g behind fc rgb \"%s\""
				   " fs transparent solid 0.15 noborder\n"
				   "set arrow %d from -0.5,%.9g to %g,%.9g nohead dt 2 lc rgb \"%s\"\n",
				ns + 1, bm * (1 - c->min_effect_pct / 100), nl - 0.5,
				bm * (1 + c->min_effect_pct / 100), gp__sched_color(c->scheduler), ns + 1, bm,
				nl - 0.5, bm, gp__sched_color(c->scheduler));
		ns++;
	}
	/* change points: a dotted line in the scheduler's colour before the
	 * first label of each new level, named with the shift */
	for (int i = 0, na = 0; i < n->nchanges; i++) {
		const struct ci_cell *c = &n->cells[n->changes[i].cell];
		int k;

		if (strcmp(c->workload, c0->workload) || strcmp(c->metric, c0->metric))
			continue;
		for (k = 0; k < nl && strcmp(labels[k], n->changes[i].first_label); k++)
			;
		if (k == nl)
			continue;
		fprintf(g, "set arrow %d from %g, graph 0 to %g, graph 1 nohead dt 3 lw 2 lc rgb \"%s\"\n"
			   "set label %d \"", 100 + na, k - 0.5, k - 0.5, gp__sched_color(c->scheduler),
			100 + na);
		esc_gp(g, c->scheduler);
		fprintf(g, ": %+.1f %% from ", n->changes[i].cp.rel_pct);
		esc_gp(g, n->changes[i].first_label);
		/* on the right half the name goes left of the line: not clipped */
		fprintf(g, "\" at %g, graph %g %s font \",8\" tc rgb \"%s\"\n", k - 0.5,
			0.96 - 0.05 * (na % 8),
			k - 0.5 > nl / 2.0 ? "right offset -0.5,0" : "left offset 0.5,0",
			gp__sched_color(c->scheduler));
		na++;
	}
	fprintf(g, "plot ");
	ns = 0;
	for (int i = first; i < n->ncells; i++) {
		const struct ci_cell *c = &n->cells[i];

		if (c->survival || strcmp(c->workload, c0->workload) || strcmp(c->metric, c0->metric))
			continue;
		fprintf(g, "%s\"%s.dat\" index %d using 1:3:4:5 with yerrorlines lc rgb \"%s\" pt 7"
			   " title \"", ns ? ", \\\n     " : "", stem, ns, gp__sched_color(c->scheduler));
		esc_gp(g, c->scheduler);
		fprintf(g, "\", \"\" index %d using ($8 > 0 ? $1 : 1/0):3 with points pt 6 ps 2.5"
			   " lc rgb \"%s\" notitle", ns, gp__sched_color(c->scheduler));
		ns++;
	}
	fprintf(g, "\n");
	rc = fclose(d);
	rc |= fclose(g);
	if (rc) {
		snprintf(err, errlen, "%s: write error", stem);
		return -EIO;
	}
	if (have_gp) {
		const char *fmts[] = { "svg" };
		char why[600];

		if (gp__render(gp, dir, stem, fmts, 1, why, sizeof(why)))
			pr_warn("history figure %s: %s\n", stem, why);
		else
			(*nplots)++;
	}
	return 0;
}

int ci_output__history(const struct ci_night *n, const char *dir, int *nplots, char *err,
		       size_t errlen)
{
	char gp[4096];
	bool have_gp = gp__available(gp, sizeof(gp));

	*nplots = 0;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -errno;
	}
	if (!have_gp)
		pr_warn("gnuplot not found: history figures written as .dat/.gp only\n");
	for (int i = 0; i < n->ncells; i++) {
		const struct ci_cell *c = &n->cells[i];
		bool first = true;
		int rc;

		if (c->survival)
			continue;
		for (int j = 0; j < i && first; j++)
			if (!n->cells[j].survival && !strcmp(n->cells[j].workload, c->workload) &&
			    !strcmp(n->cells[j].metric, c->metric))
				first = false;
		if (!first)
			continue;
		rc = history_fig(n, dir, i, gp, have_gp, nplots, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}
