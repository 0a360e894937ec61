// SPDX-License-Identifier: GPL-2.0
/* report.md: the same content as report.html, for a repository or a
 * paper's supplementary material. System strings go through esc_md(). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "version.h"
#include "harness/core/probe_samples.h"
#include "harness/lib/escape.h"
#include "reports/report.h"

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs("-", f);
	else if (v != 0 && (fabs(v) >= 1e7 || fabs(v) < 1e-3))
		fprintf(f, "%.3g", v);
	else
		fprintf(f, "%.4g", v);
}

static void pct(FILE *f, double v)
{
	if (isnan(v))
		fputs("-", f);
	else
		fprintf(f, "%+.1f%%", v);
}

static void md_table(struct report_ctx *c, FILE *f)
{
	const struct cmp_table *t = c->table;

	if (!t) {
		fprintf(f, "No comparison table: ");
		esc_md(f, c->table_missing);
		fprintf(f, "\n\n");
		return;
	}
	fprintf(f, "Baseline: **");
	esc_md(f, t->sched[0].name);
	fprintf(f, "**. Median over successful runs with its 95 %% bootstrap CI; delta = change"
		   " of the median vs the baseline with its bootstrap CI; p = two-sided"
		   " Mann-Whitney U, Holm-corrected over the %d tests of this comparison; effect ="
		   " Cliff's delta. Survival = runs whose scheduler stayed loaded / runs.\n\n",
		t->family);
	fprintf(f, "| metric | unit | scheduler | n | survived | median | 95%% CI | CoV | delta |"
		   " delta 95%% CI | p (Holm) | effect | verdict |\n");
	fprintf(f, "|---|---|---|--:|--:|--:|---|--:|--:|---|--:|--:|---|\n");
	for (int k = 0; k < t->nmetrics; k++)
		for (int s = 0; s < t->nsched; s++) {
			const struct q_result *r = compare__row(t, k, s);

			fputs("| ", f);
			if (!s)
				esc_md(f, r->metric);
			fputs(" | ", f);
			esc_md(f, r->unit);
			fputs(" | ", f);
			esc_md(f, r->scheduler);
			fprintf(f, " | %d | %d/%d | ", r->n, r->survived, r->total);
			num(f, r->median);
			fputs(" | ", f);
			if (isnan(r->ci_lo)) {
				fputs("-", f);
			} else {
				fputs("[", f);
				num(f, r->ci_lo);
				fputs(", ", f);
				num(f, r->ci_hi);
				fputs("]", f);
			}
			fputs(" | ", f);
			if (isnan(r->cov))
				fputs("-", f);
			else
				fprintf(f, "%.1f%%", 100 * r->cov);
			fputs(" | ", f);
			pct(f, s ? r->delta_pct : NAN);
			fputs(" | ", f);
			if (!s || isnan(r->delta_lo)) {
				fputs("-", f);
			} else {
				fputs("[", f);
				pct(f, r->delta_lo);
				fputs(", ", f);
				pct(f, r->delta_hi);
				fputs("]", f);
			}
			fputs(" | ", f);
			num(f, r->better ? r->p_holm : r->p_value);
			fputs(" | ", f);
			num(f, r->effect);
			fputs(" | ", f);
			if (!strcmp(r->verdict, "better") || !strcmp(r->verdict, "worse"))
				fprintf(f, "**%s**", r->verdict);
			else
				esc_md(f, r->verdict);
			fputs(" |\n", f);
		}
	fputc('\n', f);
	for (int s = 0; s < t->nsched; s++) {
		fputs("- ", f);
		esc_md(f, t->sched[s].name);
		fprintf(f, ": %d/%d runs survived (%d scheduler failures, %d harness errors, %d"
			   " aborted)\n", t->sched[s].total - t->sched[s].sched_failed,
			t->sched[s].total, t->sched[s].sched_failed, t->sched[s].failed,
			t->sched[s].aborted);
	}
	if (t->family && t->min_p * t->family >= CMP_ALPHA)
		fprintf(f, "\n> With this few runs the smallest reachable p is %.4f; after Holm over"
			   " %d tests nothing can be significant. Use more repetitions.\n",
			t->min_p, t->family);
	fputc('\n', f);
}

/* The probe's sample counts not comparable across schedulers: said at the top. */
static void md_sample_warnings(struct report_ctx *c, FILE *f)
{
	struct probe_sample_gap g[PROBE_SAMPLES_MAX_GAPS];
	int ng = c->table ? probe_samples__gaps(c->table, g, PROBE_SAMPLES_MAX_GAPS) : 0;
	char line[512];

	for (int i = 0; i < ng && i < PROBE_SAMPLES_MAX_GAPS; i++) {
		probe_samples__warning(c->table, &g[i], line, sizeof(line));
		fputs("> **", f);
		esc_md(f, line);
		fputs("**\n\n", f);
	}
}

static void md_fig(struct report_ctx *c, FILE *f, const struct report_fig *g)
{
	fprintf(f, "### ");
	esc_md(f, g->title);
	fprintf(f, "\n\n");
	if (g->missing[0]) {
		fprintf(f, "*Not drawn:* ");
		esc_md(f, g->missing);
		fprintf(f, "\n\n");
		if (!g->rendered && strncmp(g->missing, "gnuplot", 7))
			return;
	}
	if (g->rendered)
		fprintf(f, "![%s](%s.%s)\n\n", g->name, g->name, c->formats[0]);
	esc_md(f, g->caption);
	fprintf(f, "\n\nData: [%s.dat](%s.dat), script: [%s.gp](%s.gp)", g->name, g->name, g->name,
		g->name);
	for (int i = 0; g->rendered && i < c->nformats; i++)
		fprintf(f, ", [%s](%s.%s)", c->formats[i], g->name, c->formats[i]);
	fprintf(f, "\n\n");
}

/* The first successful traced run of each scheduler: its tasks that
 * waited longest. */
static void md_tasks(struct report_ctx *c, FILE *f)
{
	fprintf(f, "## Tasks that waited longest\n\n");
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
			fprintf(f, "**");
			esc_md(f, c->sched[s]);
			fprintf(f, "**, run %lld:\n\n| task | pid | role | wakeups | wait total (ms) |"
				   " wait max (us) | run (ms) | main antagonist |\n"
				   "|---|--:|---|--:|--:|--:|--:|---|\n", (long long)r->id);
			for (int k = 0; k < n; k++) {
				fputs("| ", f);
				esc_md(f, t[k].comm);
				fprintf(f, " | %d | ", t[k].pid);
				esc_md(f, t[k].role);
				fprintf(f, " | %lld | %.2f | %.1f | %.2f | ", (long long)t[k].wakeups,
					t[k].wait_ns / 1e6, t[k].wait_max_ns / 1e3, t[k].run_ns / 1e6);
				esc_md(f, t[k].top_antagonist);
				fputs(" |\n", f);
			}
			fputc('\n', f);
			free(t);
			break;
		}
	}
}

static void md_runs(struct report_ctx *c, FILE *f)
{
	int lost = 0, failed = 0;

	fprintf(f, "## Runs\n\n| id | scheduler | status | round | kernel | place | CPU | host |"
		   " scxbench | lost events |\n|--:|---|---|--:|---|---|---|---|---|--:|\n");
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];

		fprintf(f, "| %lld | ", (long long)r->id);
		esc_md(f, r->scheduler);
		fputs(" | ", f);
		esc_md(f, run_status__name(r->status));
		fprintf(f, " | %d | ", r->round);
		esc_md(f, r->guest_kernel[0] ? r->guest_kernel : r->kernel_release);
		fputs(" | ", f);
		esc_md(f, r->place);
		if (r->accel[0]) {
			fputs(" (", f);
			esc_md(f, r->accel);
			fputs(")", f);
		}
		fputs(" | ", f);
		esc_md(f, r->cpu_model);
		fprintf(f, " x%d | ", r->ncpus);
		esc_md(f, r->hostname);
		fputs(" | ", f);
		esc_md(f, r->version);
		fputs(" ", f);
		esc_md(f, r->git_sha);
		fprintf(f, " | %s%lld%s |\n", r->lost_events ? "**" : "", (long long)r->lost_events,
			r->lost_events ? "** (lost)" : "");
		lost += r->lost_events > 0;
		failed += r->status == RUN_SCHED_FAILED;
	}
	fprintf(f, "\n## Lost events and collector notes\n\n");
	if (!lost)
		fprintf(f, "No run lost trace events.\n\n");
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		char *notes = NULL;

		if (store__q_notes(c->st, r->id, &notes) || !notes || !notes[0]) {
			free(notes);
			if (r->lost_events)
				fprintf(f, "- run %lld: %lld events lost\n", (long long)r->id,
					(long long)r->lost_events);
			continue;
		}
		fprintf(f, "- run %lld%s:\n\n```\n", (long long)r->id,
			r->lost_events ? " (LOST EVENTS)" : "");
		/* inside a fence only ``` can break out: neutralise it */
		for (char *p = notes; *p; p++)
			fputc(p[0] == '`' ? '\'' : p[0], f);
		fprintf(f, "```\n\n");
		free(notes);
	}
	fprintf(f, "\n## Scheduler failures\n\n");
	if (!failed)
		fprintf(f, "No scheduler failed.\n\n");
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		char *dump = NULL;

		if (r->status != RUN_SCHED_FAILED)
			continue;
		fprintf(f, "### run %lld: ", (long long)r->id);
		esc_md(f, r->scheduler);
		fprintf(f, "\n\nexit kind %lld, reason: ", (long long)r->exit_kind);
		esc_md(f, r->exit_reason);
		fprintf(f, "; message: ");
		esc_md(f, r->exit_msg ? r->exit_msg : r->status_detail);
		fprintf(f, "\n\n");
		if (!store__q_dump(c->st, r->id, &dump) && dump && dump[0]) {
			fprintf(f, "```\n");
			for (char *p = dump; *p; p++)
				fputc(p[0] == '`' ? '\'' : p[0], f);
			fprintf(f, "```\n\n");
		} else {
			fprintf(f, "(no dump stored)\n\n");
		}
		free(dump);
	}
}

int report_md(struct report_ctx *c)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.md", c->outdir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	if (c->cmp) {
		fprintf(f, "# scxbench comparison %lld: ", (long long)c->cmp->id);
		esc_md(f, c->cmp->schedulers);
		fprintf(f, " on ");
		esc_md(f, c->cmp->workload);
		fprintf(f, "\n\nSeed %llu, %d repetitions per scheduler in shuffled rounds, place ",
			(unsigned long long)c->cmp->seed, c->cmp->reps);
		esc_md(f, c->cmp->place);
		fprintf(f, ", status ");
		esc_md(f, c->cmp->status);
		fprintf(f, ". Settings: `");
		for (const char *p = c->cmp->settings ? c->cmp->settings : ""; *p; p++)
			fputc(*p == '`' ? '\'' : *p == '\n' ? ' ' : *p, f);
		fprintf(f, "`\n\n");
	} else {
		fprintf(f, "# scxbench report of %d runs\n\n", c->runs->n);
	}
	md_sample_warnings(c, f);
	fprintf(f, "## Comparison\n\n");
	md_table(c, f);
	report_overhead_md(c, f);
	fprintf(f, "## Figures\n\n");
	for (int i = 0; i < c->nfigs; i++)
		md_fig(c, f, &c->figs[i]);
	md_tasks(c, f);
	report_outliers_md(c, f);
	md_runs(c, f);
	fprintf(f, "\n---\nGenerated by scxbench %s from the database alone (`scxbench report`).\n",
		SCXB_VERSION);
	return fclose(f) ? -EIO : 0;
}
