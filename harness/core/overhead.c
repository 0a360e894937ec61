// SPDX-License-Identifier: GPL-2.0
/* The tracing-overhead table (overhead.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/overhead.h"
#include "harness/stats/stats.h"
#include "workloads/workload.h"

void overhead__free(struct ovh_table *o)
{
	free(o->rows);
	memset(o, 0, sizeof(*o));
}

static uint64_t hash_str(uint64_t h, const char *s)
{
	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL; /* FNV-1a */
	return h;
}

static int main_slot(const struct cmp_table *main, const char *name)
{
	for (int s = 0; s < main->nsched; s++)
		if (!strcmp(main->sched[s].name, name))
			return s;
	return -1;
}

/* The slot in main of runs->v[i] and whether it is traced; -1: none. */
static int slot_of(const struct q_runs *runs, int i, const struct cmp_table *main,
		   const struct cmp_table *un, bool *traced)
{
	if (runs->v[i].status != RUN_OK)
		return -1;
	if (main->run_slot[i] >= 0) {
		*traced = true;
		return main->run_slot[i];
	}
	if (un->run_slot[i] >= 0) {
		*traced = false;
		return main_slot(main, un->sched[un->run_slot[i]].name);
	}
	return -1;
}

static void fill(struct ovh_row *r, double *t, int nt, double *u, int nu, uint64_t rs)
{
	r->nt = nt;
	r->nu = nu;
	r->med_t = stats__median(t, nt);
	r->med_u = stats__median(u, nu);
	r->lo_t = r->hi_t = r->lo_u = r->hi_u = NAN;
	r->pct = r->pct_lo = r->pct_hi = NAN;
	if (nt >= 2)
		stats__bootstrap_ci(t, nt, STATS_MEDIAN, 0.5, CMP_LEVEL, CMP_BOOT, rs, &r->lo_t,
				    &r->hi_t);
	if (nu >= 2)
		stats__bootstrap_ci(u, nu, STATS_MEDIAN, 0.5, CMP_LEVEL, CMP_BOOT, rs ^ 1, &r->lo_u,
				    &r->hi_u);
	if (nt && nu && stats__delta_pct(u, nu, t, nt, CMP_LEVEL, CMP_BOOT, rs ^ 2, &r->pct,
					 &r->pct_lo, &r->pct_hi))
		r->pct = r->pct_lo = r->pct_hi = NAN;
}

int overhead__eval(struct store *st, const char *schedulers, const struct q_runs *runs,
		   uint64_t seed, const struct cmp_table *main, struct ovh_table *o)
{
	struct cmp_table un = { 0 };
	struct q_metrics m = { 0 };
	int64_t *ids = NULL;
	double *t = NULL, *u = NULL;
	int *prim = NULL, np = 0, nids = 0, err;
	bool have_un = false;

	memset(o, 0, sizeof(*o));
	if (!compare__mixed_trace(runs) || !main->run_slot || main->nruns != runs->n)
		return -ENODATA;
	err = compare__eval_sel(st, schedulers, runs, seed, CMP_UNTRACED, &un);
	if (err)
		return err;
	have_un = true;
	prim = malloc(sizeof(*prim) * (main->nmetrics ? main->nmetrics : 1));
	ids = malloc(sizeof(*ids) * (runs->n ? runs->n : 1));
	t = malloc(sizeof(*t) * (runs->n ? runs->n : 1));
	u = malloc(sizeof(*u) * (runs->n ? runs->n : 1));
	if (!prim || !ids || !t || !u) {
		err = -ENOMEM;
		goto out;
	}
	for (int k = 0; k < main->nmetrics; k++)
		if (workload__is_primary(main->workload, compare__row(main, k, 0)->metric))
			prim[np++] = k;
	if (!np) {
		err = -ENODATA;
		goto out;
	}
	for (int i = 0; i < runs->n; i++) {
		bool tr;

		if (slot_of(runs, i, main, &un, &tr) >= 0)
			ids[nids++] = runs->v[i].id;
	}
	err = store__q_metrics(st, ids, nids, &m);
	if (err)
		goto out;
	o->nmetrics = np;
	o->nsched = main->nsched;
	o->rows = calloc((size_t)np * main->nsched, sizeof(*o->rows));
	if (!o->rows) {
		err = -ENOMEM;
		goto out;
	}
	for (int pk = 0; pk < np; pk++) {
		const struct q_result *mr = compare__row(main, prim[pk], 0);

		for (int s = 0; s < main->nsched; s++) {
			struct ovh_row *r = &o->rows[pk * main->nsched + s];
			int nt = 0, nu = 0;

			snprintf(r->metric, sizeof(r->metric), "%s", mr->metric);
			snprintf(r->unit, sizeof(r->unit), "%s", mr->unit);
			snprintf(r->sched, sizeof(r->sched), "%s", main->sched[s].name);
			r->better = mr->better;
			/* metrics come ordered by name, then run id */
			for (int j = 0; j < m.n; j++) {
				int slot = -1;
				bool tr = false;

				if (strcmp(m.v[j].name, mr->metric) || isnan(m.v[j].value))
					continue;
				for (int i = 0; i < runs->n && slot < 0; i++)
					if (runs->v[i].id == m.v[j].run_id)
						slot = slot_of(runs, i, main, &un, &tr);
				if (slot != s)
					continue;
				if (tr)
					t[nt++] = m.v[j].value;
				else
					u[nu++] = m.v[j].value;
			}
			fill(r, t, nt, u, nu, hash_str(hash_str(seed ^ 0x6f76686421ULL, r->metric),
						       r->sched));
		}
	}
out:
	if (err)
		overhead__free(o);
	if (have_un)
		compare__free(&un);
	q_metrics__free(&m);
	free(prim);
	free(ids);
	free(t);
	free(u);
	return err;
}

/* |x| at the CI end farthest from 0 */
static double reach(const struct ovh_row *r)
{
	return isnan(r->pct_lo) ? NAN : fmax(fabs(r->pct_lo), fabs(r->pct_hi));
}

int overhead__warnings(const struct ovh_table *o, const struct cmp_table *main,
		       char (*lines)[512], int max)
{
	int n = 0;

	for (int k = 0; k < o->nmetrics; k++) {
		int mk = -1;

		for (int j = 0; j < main->nmetrics && mk < 0; j++)
			if (!strcmp(compare__row(main, j, 0)->metric, overhead__row(o, k, 0)->metric))
				mk = j;
		for (int s = 1; mk >= 0 && s < main->nsched; s++) {
			const struct q_result *c = compare__row(main, mk, s);
			const struct ovh_row *b = overhead__row(o, k, 0), *x = overhead__row(o, k, s);
			const struct ovh_row *w = !(reach(b) > reach(x)) ? x : b;
			double claim = fabs(c->delta_pct);

			if (strcmp(c->verdict, "better") && strcmp(c->verdict, "worse"))
				continue;
			if (isnan(claim) || !(reach(w) >= claim))
				continue;
			if (n < max) {
				int l = snprintf(lines[n], sizeof(lines[0]),
					 "warning: tracing moves %s of %s by %+.1f %% [%+.1f, %+.1f] (traced vs"
					 " untraced), as much as the %+.1f %% that makes %s %s than %s: the"
					 " verdict may be the tracer's", w->metric, w->sched, w->pct,
					 w->pct_lo, w->pct_hi, c->delta_pct, c->scheduler,
					 !strcmp(c->verdict, "better") ? "better" : "worse",
					 main->sched[0].name);

				/* what the untraced rounds say of the same pair */
				if (l > 0 && l < (int)sizeof(lines[0]) && b->med_u && !isnan(x->med_u))
					snprintf(lines[n] + l, sizeof(lines[0]) - l, "; untraced, the medians"
						 " differ by %+.1f %%", (x->med_u / b->med_u - 1) * 100);
			}
			n++;
		}
	}
	return n;
}

static void num(char *buf, size_t len, double v)
{
	double a = fabs(v);

	if (isnan(v))
		snprintf(buf, len, "-");
	else if (a != 0 && (a >= 1e7 || a < 1e-3))
		snprintf(buf, len, "%.3g", v);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", v);
	else if (a >= 10)
		snprintf(buf, len, "%.1f", v);
	else
		snprintf(buf, len, "%.3f", v);
}

static void med_ci(char *buf, size_t len, double med, double lo, double hi)
{
	char a[32], b[32], c[32];

	num(a, sizeof(a), med);
	num(b, sizeof(b), lo);
	num(c, sizeof(c), hi);
	if (isnan(lo))
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s [%s, %s]", a, b, c);
}

void overhead__print(const struct ovh_table *o, const struct cmp_table *main, FILE *f)
{
	char lines[16][512], tb[96], ub[96], ob[64];
	int w = 9, mw = 16, nw;

	for (int s = 0; s < o->nsched; s++)
		if ((int)strlen(overhead__row(o, 0, s)->sched) > w)
			w = (int)strlen(overhead__row(o, 0, s)->sched);
	for (int k = 0; k < o->nmetrics; k++) {
		const struct ovh_row *r = overhead__row(o, k, 0);
		int l = (int)(strlen(r->metric) + (r->unit[0] ? strlen(r->unit) + 3 : 0));

		if (l > mw)
			mw = l < 60 ? l : 60;
	}
	fprintf(f, "\ntracing overhead (--overhead-check): each scheduler's traced runs vs its"
		   " untraced rounds, primary metrics; medians with 95 %% bootstrap CIs; overhead ="
		   " traced vs untraced\n");
	fprintf(f, "%-*s %-*s %7s %-28s %-28s %s\n", mw, "metric", w, "scheduler", "n t/u",
		"traced", "untraced", "overhead [95% CI]");
	for (int k = 0; k < o->nmetrics; k++)
		for (int s = 0; s < o->nsched; s++) {
			const struct ovh_row *r = overhead__row(o, k, s);
			char name[96], n[16];

			if (!s)
				snprintf(name, sizeof(name), "%s%s%s%s", r->metric, r->unit[0] ? " (" : "",
					 r->unit, r->unit[0] ? ")" : "");
			else
				name[0] = 0;
			snprintf(n, sizeof(n), "%d/%d", r->nt, r->nu);
			med_ci(tb, sizeof(tb), r->med_t, r->lo_t, r->hi_t);
			med_ci(ub, sizeof(ub), r->med_u, r->lo_u, r->hi_u);
			if (isnan(r->pct))
				snprintf(ob, sizeof(ob), "-");
			else if (isnan(r->pct_lo))
				snprintf(ob, sizeof(ob), "%+.1f%%", r->pct);
			else
				snprintf(ob, sizeof(ob), "%+.1f%% [%+.1f%%, %+.1f%%]", r->pct, r->pct_lo,
					 r->pct_hi);
			fprintf(f, "%-*.*s %-*s %7s %-28s %-28s %s\n", mw, mw, name, w, r->sched, n, tb,
				ub, ob);
		}
	nw = overhead__warnings(o, main, lines, 16);
	for (int i = 0; i < nw && i < 16; i++)
		fprintf(f, "%s\n", lines[i]);
	if (!nw)
		fprintf(f, "no better/worse verdict claims a difference within the tracing overhead's reach\n");
}
