// SPDX-License-Identifier: GPL-2.0
/*
 * Report orchestration: the scheduler order (and with it the colors),
 * the figure list, then report.md and report.html.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/lib/log.h"
#include "reports/report.h"

struct report_fig *report__add_fig(struct report_ctx *c, const char *name, const char *title)
{
	struct report_fig *nf = realloc(c->figs, sizeof(*nf) * (c->nfigs + 1));

	if (!nf)
		return NULL;
	c->figs = nf;
	nf = &c->figs[c->nfigs++];
	memset(nf, 0, sizeof(*nf));
	snprintf(nf->name, sizeof(nf->name), "%s", name);
	snprintf(nf->title, sizeof(nf->title), "%s", title);
	return nf;
}

void report__render(struct report_ctx *c, struct report_fig *f)
{
	char err[600];

	if (!c->have_gnuplot) {
		snprintf(f->missing, sizeof(f->missing),
			 "gnuplot not found: data and script written (%s.dat, %s.gp), image not"
			 " rendered; install gnuplot-nox and rerun scxbench report",
			 f->name, f->name);
		return;
	}
	if (gp__render(c->gnuplot, c->outdir, f->name, c->formats, c->nformats, err,
		       sizeof(err))) {
		pr_warn("%s\n", err);
		snprintf(f->missing, sizeof(f->missing), "%s", err);
		c->nfailed_render++;
		return;
	}
	f->rendered = true;
}

int report__sched_index(const struct report_ctx *c, const char *name)
{
	for (int i = 0; i < c->nsched; i++)
		if (!strcmp(c->sched[i], name))
			return i;
	return -1;
}

int report__nsched(const struct report_ctx *c)
{
	return c->nsched;
}

const char *report__sched_name(const struct report_ctx *c, int s)
{
	return c->sched[s];
}

int report__run_sched(const struct report_ctx *c, int i)
{
	/* the table knows slots (two slots may run the same scheduler) */
	if (c->table && c->table->run_slot && c->runs->n == c->table->nruns) {
		int s = c->table->run_slot[i];

		return s < 0 ? -1 : report__sched_index(c, c->table->sched[s].name);
	}
	return report__sched_index(c, c->runs->v[i].scheduler);
}

int report__ok_runs(const struct report_ctx *c, int s, int64_t *ids)
{
	int n = 0;

	for (int i = 0; i < c->runs->n; i++)
		if (report__run_sched(c, i) == s && !strcmp(c->runs->v[i].status, "ok"))
			ids[n++] = c->runs->v[i].id;
	return n;
}

static int add_sched(struct report_ctx *c, const char *name)
{
	char (*ns)[64];

	if (report__sched_index(c, name) >= 0)
		return 0;
	ns = realloc(c->sched, sizeof(*ns) * (c->nsched + 1));
	if (!ns)
		return -ENOMEM;
	c->sched = ns;
	snprintf(ns[c->nsched++], 64, "%s", name);
	return 0;
}

int report__write(struct report_ctx *c)
{
	int (*const builders[])(struct report_ctx *) = {
		fig_cdf, fig_percentiles, fig_throughput, fig_tasks, fig_timeline, fig_scx_events,
		fig_fidelity,
	};
	int err;

	if (mkdir(c->outdir, 0755) && errno != EEXIST)
		return -errno;
	/* colors follow the comparison's order, so a scheduler keeps its
	 * color in every figure (and across reports of one comparison) */
	for (int i = 0; c->table && i < c->table->nsched; i++)
		if ((err = add_sched(c, c->table->sched[i].name)))
			return err;
	for (int i = 0; !c->table && i < c->runs->n; i++)
		if ((err = add_sched(c, c->runs->v[i].scheduler)))
			return err;
	c->have_gnuplot = gp__available(c->gnuplot, sizeof(c->gnuplot));
	if (!c->have_gnuplot)
		pr_warn("gnuplot not found: writing figure data and scripts only (install"
			" gnuplot-nox)\n");
	for (size_t i = 0; i < sizeof(builders) / sizeof(builders[0]); i++) {
		err = builders[i](c);
		if (err)
			return err;
	}
	err = report_md(c);
	if (!err)
		err = report_html(c);
	return err;
}

void report__free(struct report_ctx *c)
{
	free(c->figs);
	free(c->sched);
	c->figs = NULL;
	c->sched = NULL;
	c->nfigs = c->nsched = 0;
}

int report__run(struct store *st, int64_t compare_id, const int64_t *ids, int nids,
		const char *outdir, const char *const *formats, int nformats, FILE *table_out,
		char *err, size_t errlen)
{
	struct report_ctx c = { .st = st, .outdir = outdir, .nformats = nformats };
	struct q_compare cmp = { 0 };
	struct q_runs runs = { 0 };
	struct cmp_table table = { 0 };
	bool have_cmp = false, have_table = false;
	int64_t missing = 0;
	int rc, partial = 0;

	for (int i = 0; i < nformats && i < GP_MAX_FORMATS; i++)
		c.formats[i] = formats[i];
	if (compare_id > 0) {
		rc = store__q_compare(st, compare_id, &cmp);
		if (rc == -ENOENT) {
			snprintf(err, errlen, "no comparison with id %lld in %s", (long long)compare_id,
				 store__path(st));
			goto cleanup;
		}
		if (rc) {
			snprintf(err, errlen, "cannot read comparison %lld", (long long)compare_id);
			goto cleanup;
		}
		have_cmp = true;
		rc = store__q_runs_of_compare(st, compare_id, &runs);
	} else {
		rc = store__q_runs_by_id(st, ids, nids, &runs, &missing);
		if (rc == -ENOENT) {
			snprintf(err, errlen, "no run with id %lld in %s", (long long)missing,
				 store__path(st));
			goto cleanup;
		}
	}
	if (rc) {
		snprintf(err, errlen, "cannot read the runs from %s", store__path(st));
		goto cleanup;
	}
	if (!runs.n) {
		snprintf(err, errlen, "comparison %lld has no runs", (long long)compare_id);
		rc = -ENODATA;
		goto cleanup;
	}
	/* runs from different places (host, or a guest with another kernel or
	 * accelerator) measure different machines: never one comparison */
	for (int i = 1; i < runs.n; i++) {
		const struct q_run *a = &runs.v[0], *b = &runs.v[i];

		if (strcmp(a->place, b->place) || strcmp(a->accel, b->accel) ||
		    strcmp(a->guest_kernel, b->guest_kernel) || strcmp(a->hostname, b->hostname)) {
			snprintf(err, errlen, "runs %lld and %lld ran in different places (%s %s%s%s%s on %s"
				 " vs %s %s%s%s%s on %s): compare runs of one place only",
				 (long long)a->id, (long long)b->id, a->place, a->accel,
				 a->accel[0] ? " " : "", a->guest_kernel, "", a->hostname,
				 b->place, b->accel, b->accel[0] ? " " : "", b->guest_kernel, "",
				 b->hostname);
			rc = -EXDEV;
			goto cleanup;
		}
	}
	c.cmp = have_cmp ? &cmp : NULL;
	c.runs = &runs;
	rc = compare__eval(st, have_cmp ? cmp.schedulers : NULL, &runs, have_cmp ? cmp.seed : 1,
			   &table);
	if (rc == -ENODATA) {
		snprintf(c.table_missing, sizeof(c.table_missing),
			 "no successful run with metrics (every run failed, or was aborted)");
		partial = 1;
	} else if (rc) {
		snprintf(err, errlen, "evaluating the runs failed: %s", strerror(-rc));
		goto cleanup;
	} else {
		have_table = true;
		c.table = &table;
		if (table_out)
			compare__print(&table, table_out);
		if (table.nsched < 2) {
			snprintf(c.table_missing, sizeof(c.table_missing),
				 "only one scheduler: no comparison, descriptive statistics only");
		}
	}
	rc = report__write(&c);
	if (rc) {
		snprintf(err, errlen, "writing the report into %s: %s", outdir, strerror(-rc));
		goto cleanup;
	}
	if (!c.have_gnuplot || c.nfailed_render)
		partial = 1;
	rc = partial;
cleanup:
	report__free(&c);
	if (have_table)
		compare__free(&table);
	q_runs__free(&runs);
	q_compare__free(&cmp);
	return rc;
}
