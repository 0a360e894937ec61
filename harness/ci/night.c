// SPDX-License-Identifier: GPL-2.0
/*
 * Gate one CI night and write its outputs (night.h).
 *
 * For every [workload]: its runs in the history (one workload signature),
 * tonight's machine and the baseline of each scheduler (baseline.h), then
 * one survival cell per scheduler x workload and one cell per metric
 * tonight's ok runs have, each with the history of its labels for the
 * figures. Configured schedulers come first, then any other scheduler
 * tonight's runs name. ci_gate__eval() decides every cell over the whole
 * night (one Holm family); the outputs follow, summary.md last.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/ci/baseline.h"
#include "harness/ci/changes.h"
#include "harness/ci/gate.h"
#include "harness/ci/night.h"
#include "harness/ci/output.h"
#include "harness/core/compare.h"
#include "harness/lib/escape.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/stats/stats.h"
#include "harness/store/ci.h"
#include "harness/store/query.h"
#include "reports/report.h"

struct cell_buf {
	struct ci_cell *v;
	int n, cap;
};

static struct ci_cell *new_cell(struct cell_buf *b)
{
	if (b->n == b->cap) {
		struct ci_cell *nv = realloc(b->v, sizeof(*nv) * (b->cap = b->cap * 2 + 32));

		if (!nv)
			return NULL;
		b->v = nv;
	}
	memset(&b->v[b->n], 0, sizeof(b->v[0]));
	return &b->v[b->n++];
}

static double *values(const struct q_metrics *m, const char *name, const struct q_runs *runs,
		      const bool *pick, int *n)
{
	double *v = malloc(sizeof(*v) * (runs->n + 1));

	*n = 0;
	if (!v)
		return NULL;
	for (int i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].name, name))
			continue;
		for (int r = 0; r < runs->n; r++)
			if (runs->v[r].id == m->v[i].run_id && pick[r]) {
				v[(*n)++] = m->v[i].value;
				break;
			}
	}
	return v;
}

/*
 * The survival cell of a scheduler x workload: how many of tonight's runs
 * (cur) finished, and whether the scheduler failed to start or survive
 * (the first such run's reason is the note) or the harness failed a run.
 */
static void survival(struct ci_cell *sc, const struct q_runs *runs, const bool *cur)
{
	const struct q_run *failed_run = NULL;
	int dns = 0;

	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];

		if (!cur[i] || r->status == RUN_ABORTED || r->status == RUN_RUNNING)
			continue;
		sc->total++;
		if (r->status == RUN_SCHED_FAILED) {
			dns++;
			failed_run = failed_run ? failed_run : r;
		} else if (r->status == RUN_FAILED) {
			sc->harness_failed++;
		}
	}
	sc->survived = sc->total - dns;
	if (dns) {
		sc->state = CI_SCHED_FAILED;
		snprintf(sc->note, sizeof(sc->note), "%s%s%s%s",
			 failed_run->exit_reason[0] ? failed_run->exit_reason : "",
			 failed_run->exit_reason[0] ? "; " : "", failed_run->status_detail,
			 failed_run->exit_kind >= 0 ? "" : "");
		if (failed_run->exit_kind >= 0) {
			size_t l = strlen(sc->note);

			snprintf(sc->note + l, sizeof(sc->note) - l, " (exit kind %lld)",
				 (long long)failed_run->exit_kind);
		}
	} else if (sc->harness_failed || !sc->total) {
		sc->state = CI_HARNESS_FAILED;
		snprintf(sc->note, sizeof(sc->note), "%s",
			 sc->total ? "a run failed for a harness/workload reason" :
				     "no run finished tonight");
	}
}

/*
 * A metric cell's history: one point per label with ok runs of this
 * scheduler on tonight's machine, tonight's included (current).
 */
static int history(struct ci_cell *cell, const struct q_metrics *m, const char *name,
		   const struct q_runs *runs, const struct ci_run_ref *refs,
		   const struct ci_base_runs *b, const char *label)
{
	const struct ci_base_label *labels = b->labels;
	int nl = b->nlabels;

	cell->hist = calloc(nl + 1, sizeof(*cell->hist));
	if (!cell->hist)
		return -ENOMEM;
	for (int k = nl; k >= 0; k--) {
		bool *pick = calloc(runs->n + 1, sizeof(bool));
		struct ci_hist_point *h = &cell->hist[cell->nhist];
		double *v;
		int nv;

		if (!pick)
			return -ENOMEM;
		for (int r = 0; r < runs->n; r++)
			pick[r] = b->ok[r] && (k == nl ? b->cur[r] :
				  !b->cur[r] && !strcmp(refs[r].label, labels[k].label));
		v = values(m, name, runs, pick, &nv);
		free(pick);
		if (!v)
			return -ENOMEM;
		if (nv) {
			snprintf(h->label, sizeof(h->label), "%s", k == nl ? label : labels[k].label);
			h->t = k == nl ? 1e300 : labels[k].t;
			h->median = stats__median(v, nv);
			h->lo = stats__quantile(v, nv, 0);
			h->hi = stats__quantile(v, nv, 1);
			h->n = nv;
			h->current = k == nl;
			for (int r = 0; r < runs->n && !h->current; r++)
				if (b->base[r] && !strcmp(refs[r].label, labels[k].label))
					h->baseline = true;
			cell->nhist++;
		}
		free(v);
	}
	/* oldest first: labels[] was newest first, current last */
	for (int a = 0, z = cell->nhist - 2; a < z; a++, z--) {
		struct ci_hist_point t = cell->hist[a];

		cell->hist[a] = cell->hist[z];
		cell->hist[z] = t;
	}
	return 0;
}

/* The cells of one scheduler x workload. */
static int gate_sched(struct ci_ctx *x, struct store *st, const struct ci_workload *w,
		      const char *wname, const char *sched, const struct q_runs *runs, const struct ci_run_ref *refs,
		      const bool *tonight, const struct q_run *ident, struct cell_buf *cells,
		      struct ci_night *night)
{
	struct ci_config *c = &x->cfg;
	struct ci_base_runs b;
	int64_t *ids = NULL;
	struct q_metrics m = { 0 };
	struct ci_cell *sc;
	int nids = 0, err;

	err = ci_baseline__select(c, sched, runs, refs, tonight, ident, &b);
	ids = calloc(runs->n + 1, sizeof(*ids));
	sc = new_cell(cells);
	if (err || !ids || !sc) {
		err = -ENOMEM;
		goto cleanup;
	}
	snprintf(sc->scheduler, sizeof(sc->scheduler), "%s", sched);
	snprintf(sc->workload, sizeof(sc->workload), "%s", wname);
	snprintf(sc->metric, sizeof(sc->metric), "survival");
	sc->survival = true;
	sc->gated = true;
	survival(sc, runs, b.cur);
	/* the night's baseline: named by the first scheduler that has one */
	if (!night->baseline[0] || strstr(night->baseline, "no earlier"))
		ci_baseline__describe(c, &b, night->baseline, sizeof(night->baseline));
	/* metrics of every ok run of this scheduler on this machine */
	for (int i = 0; i < runs->n; i++)
		if (b.ok[i])
			ids[nids++] = runs->v[i].id;
	err = store__q_metrics(st, ids, nids, &m);
	if (err)
		goto cleanup;
	for (int i = 0; i < m.n; i++) {
		struct ci_cell *cell;
		double *cur, *base;
		int ncur, nbase;
		bool seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = !strcmp(m.v[j].name, m.v[i].name);
		if (seen)
			continue;
		cur = values(&m, m.v[i].name, runs, b.cur, &ncur);
		base = values(&m, m.v[i].name, runs, b.base, &nbase);
		if (!cur || !base) {
			free(cur);
			free(base);
			err = -ENOMEM;
			goto cleanup;
		}
		if (!ncur) { /* a metric only older nights had */
			free(cur);
			free(base);
			continue;
		}
		cell = new_cell(cells);
		if (!cell) {
			free(cur);
			free(base);
			err = -ENOMEM;
			goto cleanup;
		}
		snprintf(cell->scheduler, sizeof(cell->scheduler), "%s", sched);
		snprintf(cell->workload, sizeof(cell->workload), "%s", wname);
		snprintf(cell->metric, sizeof(cell->metric), "%s", m.v[i].name);
		snprintf(cell->unit, sizeof(cell->unit), "%s", m.v[i].unit);
		cell->better = m.v[i].better;
		cell->min_effect_pct = ci_config__min_effect(c, w->wl->name, m.v[i].name,
							    &cell->gated);
		cell->cur = cur;
		cell->ncur = ncur;
		cell->base = base;
		cell->nbase = nbase;
		cell->base_nights = b.nbase;
		err = history(cell, &m, m.v[i].name, runs, refs, &b, x->label);
		if (err)
			goto cleanup;
	}
cleanup:
	q_metrics__free(&m);
	ci_base_runs__free(&b);
	free(ids);
	return err;
}

/* The cells of one [workload] on one of tonight's machines (ident). */
static int gate_machine(struct ci_ctx *x, struct store *st, const struct ci_workload *w,
			const char *wname, const struct q_runs *runsp, const struct ci_run_ref *refs,
			const bool *tonight, const struct q_run *ident, struct cell_buf *cells,
			struct ci_night *night)
{
	char names[CI_MAX_SCHED * 2][SCHED_NAME_MAX];
	const struct q_runs runs = *runsp;
	int64_t cid = 0;
	int nnames = 0, err = 0;

	{
		const char *k = !strcmp(ident->place, "vm") && ident->guest_kernel[0] ?
					ident->guest_kernel : ident->kernel_release;
		size_t l = strlen(night->kernel);

		if (!night->hostname[0]) {
			snprintf(night->hostname, sizeof(night->hostname), "%s", ident->hostname);
			snprintf(night->place, sizeof(night->place), "%s", ident->place);
			snprintf(night->accel, sizeof(night->accel), "%s", ident->accel);
		}
		/* a kernels = matrix: every kernel of the night */
		if (!strstr(night->kernel, k))
			snprintf(night->kernel + l, sizeof(night->kernel) - l, "%s%s", l ? ", " : "", k);
	}
	for (int i = 0; i < runs.n; i++) {
		const struct q_run *r = &runs.v[i];
		int k;

		if (!tonight[i] || !ci_baseline__same_machine(r, ident))
			continue;
		night->runs++;
		night->runs_ok += r->status == RUN_OK;
		night->runs_sched_failed += r->status == RUN_SCHED_FAILED;
		night->runs_failed += r->status == RUN_FAILED;
		night->runs_aborted += r->status == RUN_ABORTED || r->status == RUN_RUNNING;
		if (!x->compare_id[w - x->cfg.wl])
			x->compare_id[w - x->cfg.wl] = r->compare_id;
		if (!cid)
			cid = r->compare_id;
		for (k = 0; k < nnames && strcmp(names[k], r->scheduler); k++)
			;
		if (k == nnames && nnames < CI_MAX_SCHED * 2)
			snprintf(names[nnames++], sizeof(names[0]), "%s", r->scheduler);
	}
	/* configured schedulers first (even those with no run), then others */
	for (int s = 0; s < x->cfg.nsched && !err; s++)
		err = gate_sched(x, st, w, wname, x->stored_name[s], &runs, refs, tonight, ident, cells,
				 night);
	for (int k = 0; k < nnames && !err; k++) {
		bool known = false;

		for (int s = 0; s < x->cfg.nsched; s++)
			known |= !strcmp(x->stored_name[s], names[k]);
		if (!known)
			err = gate_sched(x, st, w, wname, names[k], &runs, refs, tonight, ident, cells, night);
	}
	if (cid && x->ncell_cmp < (int)(sizeof(x->cell_cmp) / sizeof(x->cell_cmp[0]))) {
		x->cell_cmp[x->ncell_cmp].cid = cid;
		snprintf(x->cell_cmp[x->ncell_cmp++].name, sizeof(x->cell_cmp[0].name), "%s", wname);
	}
	return err;
}

/* Cells of one [workload]: tonight = the newest machine that stored the
 * label; the baseline only from that same machine. */
static int gate_workload(struct ci_ctx *x, struct store *st, const struct ci_workload *w,
			 struct cell_buf *cells, struct ci_night *night)
{
	struct ci_run_ref *refs = NULL;
	struct q_runs runs = { 0 };
	int64_t *ids = NULL, missing;
	const struct q_run *ident, *mach[CI_MAX_CELLS];
	bool *tonight = NULL;
	int nref = 0, nmach = 0, err;

	err = store__ci_runs(st, w->sig, &refs, &nref);
	if (err)
		return err;
	ids = malloc(sizeof(*ids) * (nref + 1));
	if (!ids) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < nref; i++)
		ids[i] = refs[i].id;
	err = store__q_runs_by_id(st, ids, nref, &runs, &missing);
	if (err)
		goto cleanup;
	/* store__q_runs_by_id keeps the order of ids: refs[i] is runs.v[i] */
	tonight = calloc(runs.n + 1, sizeof(*tonight));
	if (!tonight) {
		err = -ENOMEM;
		goto cleanup;
	}
	ident = ci_baseline__tonight(&runs, refs, x->label, tonight);
	if (!ident) {
		for (int s = 0; s < x->cfg.nsched; s++) {
			struct ci_cell *sc = new_cell(cells);

			if (!sc) {
				err = -ENOMEM;
				goto cleanup;
			}
			snprintf(sc->scheduler, sizeof(sc->scheduler), "%s", x->stored_name[s]);
			snprintf(sc->workload, sizeof(sc->workload), "%s", w->name);
			snprintf(sc->metric, sizeof(sc->metric), "survival");
			sc->survival = true;
			sc->state = CI_HARNESS_FAILED;
			snprintf(sc->note, sizeof(sc->note), "no run of label %s stored", x->label);
		}
		if (!x->harness_failed)
			ci_ctx__fail(x, "no run of label %s for workload %s in the database", x->label,
				     w->name);
		goto cleanup;
	}
	/*
	 * Tonight's machines: the newest run's host and place, one per
	 * (kernel, topology) cell of a kernels =/topologies = matrix. Each is
	 * gated on its own, its baseline only from itself (ident), and its
	 * cells named after it when there are several or a matrix is set.
	 */
	for (int i = 0; i < runs.n; i++) {
		const struct q_run *r = &runs.v[i];
		int k;

		if (!tonight[i] || strcmp(r->hostname, ident->hostname) || strcmp(r->place, ident->place))
			continue;
		for (k = 0; k < nmach && !ci_baseline__same_machine(r, mach[k]); k++)
			;
		if (k == nmach && nmach < CI_MAX_CELLS)
			mach[nmach++] = r;
	}
	for (int k = 0; k < nmach && !err; k++) {
		char wname[CI_CELL_NAME];

		/* named after the machine in a matrix (also a night that ran only
		 * one of its cells), so that a cell keeps its name night after night */
		if (nmach > 1 || x->cfg.kernels[0] || x->cfg.topologies[0])
			snprintf(wname, sizeof(wname), "%s [%s %s]", w->name,
				 mach[k]->guest_kernel[0] ? mach[k]->guest_kernel : mach[k]->kernel_release,
				 mach[k]->topology[0] ? mach[k]->topology : "-");
		else
			snprintf(wname, sizeof(wname), "%s", w->name);
		err = gate_machine(x, st, w, wname, &runs, refs, tonight, mach[k], cells, night);
	}
cleanup:
	q_runs__free(&runs);
	free(tonight);
	free(refs);
	free(ids);
	return err;
}

/* -errno with why set when the folder could not be written */
static int write_report(struct ci_ctx *x, struct store *st, int64_t cid, const char *name,
			struct ci_night *night, char *why, size_t len)
{
	struct q_compare cmp = { 0 };
	struct q_runs runs = { 0 };
	struct cmp_table t = { 0 };
	struct report_ctx rc = { 0 };
	char dir[4200], stem[160];
	int err, terr;

	err = store__q_compare(st, cid, &cmp);
	if (!err)
		err = store__q_runs_of_compare(st, cid, &runs);
	if (err) {
		snprintf(why, len, "reading comparison %lld: %s", (long long)cid,
			 store__corrupt(st) ? store__corrupt(st) : strerror(-err));
		goto cleanup;
	}
	report__stem(stem, sizeof(stem), "report-", name);
	snprintf(dir, sizeof(dir), "%s/%s", x->out, stem);
	terr = compare__eval(st, cmp.schedulers, &runs, cmp.seed, &t);
	rc.st = st;
	rc.formats[0] = "svg";
	rc.nformats = 1;
	rc.cmp = &cmp;
	rc.runs = &runs;
	rc.table = terr ? NULL : &t;
	if (terr)
		snprintf(rc.table_missing, sizeof(rc.table_missing), "no comparison table: %s",
			 strerror(-terr));
	/* written aside and renamed: never half a report under its name */
	err = report__write_folder(&rc, dir, why, len);
	report__free(&rc);
	if (!err && night->nreports < (int)(sizeof(night->reports) / sizeof(night->reports[0])))
		snprintf(night->reports[night->nreports++], sizeof(night->reports[0]),
			 "%s/report.html", stem);
	if (!terr)
		compare__free(&t);
cleanup:
	q_runs__free(&runs);
	q_compare__free(&cmp);
	return err;
}

int ci_night__gate(struct ci_ctx *x, struct store *st, double started)
{
	struct cell_buf cells = { 0 };
	struct ci_night night = {
		.label = x->label, .config = x->cfg.name, .db = x->db, .alpha = x->cfg.alpha,
		.started_at = started,
	};
	char path[4200], err[600];
	int rc = 0, nplots = 0, fam, nchanges = 0;
	struct ci_change *changes = NULL;

	for (int wi = 0; wi < x->cfg.nwl && !rc; wi++)
		if (ci_ctx__in_shard(x, wi))
			rc = gate_workload(x, st, &x->cfg.wl[wi], &cells, &night);
	if (rc) {
		ci_ctx__fail(x, "reading the history failed: %s%s",
			     store__corrupt(st) ? "the database is corrupt: " : strerror(-rc),
			     store__corrupt(st) ? store__corrupt(st) : "");
		goto cleanup;
	}
	fam = ci_gate__eval(cells.v, cells.n, x->cfg.alpha, x->seed);
	if (fam < 0) {
		rc = fam;
		ci_ctx__fail(x, "gate: %s", strerror(-rc));
		goto cleanup;
	}
	night.family = fam;
	/* change points across the labelled history: a shift in the bad
	 * direction beyond the minimum effect that tonight confirms fails
	 * the night like a regression against the baseline */
	if (ci_changes__find(cells.v, cells.n, x->seed, &changes, &nchanges)) {
		rc = -ENOMEM;
		ci_ctx__fail(x, "change points: %s", strerror(ENOMEM));
		goto cleanup;
	}
	for (int i = 0; i < nchanges; i++) {
		struct ci_cell *c = &cells.v[changes[i].cell];
		const struct cp_point *p = &changes[i].cp;

		if (!changes[i].worse || !changes[i].beyond || !changes[i].new_tonight)
			continue;
		/* a regression against the baseline too: both are said */
		c->by_change = c->state != CI_REGRESSION;
		c->state = CI_REGRESSION;
		snprintf(c->note, sizeof(c->note),
			 "change point from label %s: %+.1f %% [%+.1f, %+.1f] (%d nights before, %d"
			 " after; p %.3g), confirmed tonight",
			 changes[i].first_label, p->rel_pct, p->rel_lo, p->rel_hi, p->nights_before,
			 p->nights_after, p->p);
	}
	night.changes = changes;
	night.nchanges = nchanges;
	ci_gate__power(cells.v, cells.n, x->cfg.alpha, fam, x->cfg.reps,
		       x->cfg.baseline == CI_BASE_LAST ? x->cfg.last_k : 1, &night.power);
	night.reps = x->cfg.reps;
	night.last_k = x->cfg.baseline == CI_BASE_LAST ? x->cfg.last_k : 1;
	for (int i = 0; i < x->cfg.nmetric; i++) {
		bool seen = false;

		for (int k = 0; k < cells.n; k++)
			seen |= !strcmp(cells.v[k].metric, x->cfg.metric[i].name);
		/* (a shard holds only some workloads: the others may have it) */
		if (!seen && x->shard_n <= 1)
			pr_warn("ci: %s:%d: [metric %s] matches no metric of tonight's runs\n",
				x->cfg.name, x->cfg.metric[i].line, x->cfg.metric[i].name);
	}
	if (mkdir(x->out, 0755) && errno != EEXIST) {
		rc = -errno;
		ci_ctx__fail(x, "cannot create %s: %s", x->out, strerror(errno));
		goto cleanup;
	}
	/* one report per comparison of tonight: per workload, and per
	 * (kernel, topology) cell in a matrix */
	for (int i = 0; i < x->ncell_cmp; i++) {
		int e = write_report(x, st, x->cell_cmp[i].cid, x->cell_cmp[i].name, &night, err,
				     sizeof(err));

		if (e)
			ci_ctx__fail(x, "HTML report of %s: %s", x->cell_cmp[i].name, err);
	}
	night.cells = cells.v;
	night.ncells = cells.n;
	snprintf(path, sizeof(path), "%s/history", x->out);
	if (ci_output__history(&night, path, &nplots, err, sizeof(err)))
		ci_ctx__fail(x, "history figures: %s%s", err, "");
	night.ended_at = now_wall();
	night.harness_failed = x->harness_failed;
	snprintf(night.harness_msg, sizeof(night.harness_msg), "%s", x->harness_msg);
	night.exit_code = x->harness_failed ? 2 : ci_gate__failing(cells.v, cells.n);
	/* summary.md last among the human outputs: it names the others */
	snprintf(path, sizeof(path), "%s/junit.xml", x->out);
	rc = ci_output__junit(&night, path);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/ci.json", x->out);
		rc = ci_output__json(&night, path);
	}
	if (!rc) {
		snprintf(path, sizeof(path), "%s/summary.md", x->out);
		rc = ci_output__summary_md(&night, path);
	}
	if (rc) {
		ci_ctx__fail(x, "cannot write %s: %s", path, strerror(-rc));
		goto cleanup;
	}
	for (int i = 0; i < nchanges; i++) {
		const struct ci_cell *c = &cells.v[changes[i].cell];
		const struct cp_point *p = &changes[i].cp;
		char sc[300], wl[160], me[160], lab[300];

		esc_term_buf(sc, sizeof(sc), c->scheduler);
		esc_term_buf(wl, sizeof(wl), c->workload);
		esc_term_buf(me, sizeof(me), c->metric);
		esc_term_buf(lab, sizeof(lab), changes[i].first_label);
		printf("change point %s / %s / %s from label %s: %+.1f %% [%+.1f, %+.1f] (%s%s)\n", sc,
		       wl, me, lab, p->rel_pct, p->rel_lo, p->rel_hi,
		       changes[i].worse ? "worse" : "better",
		       changes[i].new_tonight ? ", new tonight" : "");
	}
	if (night.power.cells) {
		char pw[600];

		ci_output__power_line(&night, pw, sizeof(pw));
		printf("%s\n", pw);
	}
	{
		int nreg = 0, nfail = 0, nimp = 0, nnb = 0;
		char shard[32] = "", lb[300], od[600];

		for (int i = 0; i < cells.n; i++) {
			const struct ci_cell *c = &cells.v[i];
			char buf[1024], sc[300], wl[160], me[160], no[600];

			/* the terminal: names from the database as text */
			esc_term_buf(sc, sizeof(sc), c->scheduler);
			esc_term_buf(wl, sizeof(wl), c->workload);
			esc_term_buf(me, sizeof(me), c->metric);
			esc_term_buf(no, sizeof(no), c->note);

			nreg += c->state == CI_REGRESSION;
			nfail += c->state == CI_SCHED_FAILED;
			nimp += c->state == CI_IMPROVEMENT;
			nnb += c->state == CI_NO_BASELINE;
			if (c->state == CI_REGRESSION && c->by_change) {
				printf("REGRESSION %s / %s / %s: %s\n", sc, wl, me, no);
			} else if (c->state == CI_REGRESSION) {
				snprintf(buf, sizeof(buf), "%+.1f %% [%+.1f, %+.1f], p(Holm) %.3g",
					 c->delta_pct, c->delta_lo, c->delta_hi, c->p_holm);
				printf("REGRESSION %s / %s / %s: %s\n", sc, wl, me, buf);
			} else if (c->state == CI_SCHED_FAILED) {
				printf("SCHEDULER FAILED %s / %s: %d/%d runs survived: %s\n", sc, wl,
				       c->survived, c->total, no);
			} else if (c->state == CI_IMPROVEMENT) {
				printf("improvement %s / %s / %s: %+.1f %% [%+.1f, %+.1f]\n", sc, wl, me,
				       c->delta_pct, c->delta_lo, c->delta_hi);
			}
		}
		if (x->shard_n > 0)
			snprintf(shard, sizeof(shard), " shard %d/%d", x->shard_i, x->shard_n);
		esc_term_buf(lb, sizeof(lb), x->label);
		esc_term_buf(od, sizeof(od), x->out);
		printf("ci %s%s: %s: %d regression(s), %d scheduler failure(s), %d improvement(s),"
		       " %d cell(s) without a baseline; %d run(s) tonight; %d history figure(s);"
		       " outputs in %s\n",
		       lb, shard, night.exit_code == 2 ? "HARNESS FAILURE" :
				 night.exit_code ? "FAIL" : "PASS",
		       nreg, nfail, nimp, nnb, night.runs, nplots, od);
	}
	rc = night.exit_code;
cleanup:
	for (int i = 0; i < cells.n; i++) {
		free((void *)cells.v[i].cur);
		free((void *)cells.v[i].base);
		free(cells.v[i].hist);
	}
	free(cells.v);
	free(changes);
	return rc < 0 ? 2 : rc;
}
