// SPDX-License-Identifier: GPL-2.0
/*
 * The report's document (report_doc.h): the headline and one section per
 * metric family, from the comparison table and the figures; the metadata
 * sections are report_meta.c's.
 *
 * The headline is report_headline.c's. A family section holds the
 * family's figures (two across in HTML), then its table: a row per
 * metric and scheduler, a histogram's statistics in reading order with
 * the corrected twin beside each raw one.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"
#include "harness/lib/metric_info.h"
#include "reports/report_doc.h"

static int own(struct report_doc *d, void *p)
{
	void **n;

	if (!p) {
		d->oom = true;
		return -ENOMEM;
	}
	n = realloc(d->owned, sizeof(*n) * (d->nowned + 1));
	if (!n) {
		free(p);
		d->oom = true;
		return -ENOMEM;
	}
	d->owned = n;
	d->owned[d->nowned++] = p;
	return 0;
}

static void *doc_calloc(struct report_doc *d, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	return own(d, p) ? NULL : p;
}

const char *doc__printf(struct report_doc *d, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		d->oom = true;
		return NULL;
	}
	return own(d, s) ? NULL : s;
}

/* pointer arrays grown by one: a section or block, once made, stays put */
static int grow(struct report_doc *d, void ***arr, int *n, void *item)
{
	void **na;

	if (!item)
		return -ENOMEM;
	na = realloc(*arr, sizeof(*na) * (*n + 1));
	if (!na)
		return -ENOMEM;
	/* the array itself is freed with its owner in report_doc__free */
	*arr = na;
	(*arr)[(*n)++] = item;
	(void)d;
	return 0;
}

struct doc_section *doc__section(struct report_doc *d, const char *id, const char *title,
				 bool collapsible)
{
	struct doc_section *s = doc_calloc(d, 1, sizeof(*s));

	if (!s || grow(d, (void ***)&d->sec, &d->nsec, s))
		return NULL;
	s->id = id;
	s->title = title;
	s->collapsible = collapsible;
	return s;
}

struct doc_block *doc__block(struct report_doc *d, struct doc_section *s,
			     enum doc_block_kind kind, const char *text)
{
	struct doc_block *b = doc_calloc(d, 1, sizeof(*b));

	if (!b || grow(d, (void ***)&s->blocks, &s->nblocks, b))
		return NULL;
	b->kind = kind;
	b->text = text;
	return b;
}

struct doc_table *doc__table(struct report_doc *d, int ncols, int nrows)
{
	struct doc_table *t = doc_calloc(d, 1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->nrows = nrows;
	t->head = doc_calloc(d, ncols, sizeof(*t->head));
	t->num = doc_calloc(d, ncols, sizeof(*t->num));
	t->cells = doc_calloc(d, (size_t)ncols * nrows, sizeof(*t->cells));
	t->group = doc_calloc(d, nrows, sizeof(*t->group));
	return t->head && t->num && t->cells && t->group ? t : NULL;
}

int doc__item(struct report_doc *d, struct doc_block *b, const char *text)
{
	if (!text)
		return -ENOMEM;
	return grow(d, (void ***)&b->items, &b->nitems, (void *)text);
}

void report_doc__free(struct report_doc *d)
{
	for (int i = 0; i < d->nsec; i++) {
		for (int k = 0; k < d->sec[i]->nblocks; k++) {
			free(d->sec[i]->blocks[k]->items);
			free(d->sec[i]->blocks[k]->figs);
		}
		free(d->sec[i]->blocks);
	}
	free(d->sec);
	for (int i = 0; i < d->nowned; i++)
		free(d->owned[i]);
	free(d->owned);
	memset(d, 0, sizeof(*d));
}

enum doc_style doc__style(const char *v)
{
	if (!v || !*v)
		return DS_NONE;
	if (!strncmp(v, "better", 6))
		return DS_BETTER;
	if (!strncmp(v, "worse", 5))
		return DS_WORSE;
	if (!strncmp(v, "same", 4) || !strncmp(v, "no significant", 14))
		return DS_SAME;
	if (!strncmp(v, "inconclusive", 12))
		return DS_INCONCLUSIVE;
	return DS_INFO;
}

/* --- numbers for reading --- */

const char *doc__value(struct report_doc *d, double v, const char *unit)
{
	char b[64];

	metric__format(v, unit, b, sizeof(b));
	return doc__printf(d, "%s", b);
}

/* "+11 % [+4.2, +18]" */
const char *doc__delta(struct report_doc *d, const struct q_result *r, bool with_ci)
{
	char a[32], lo[32], hi[32];

	if (isnan(r->delta_pct))
		return NULL;
	metric__format_pct(r->delta_pct, a, sizeof(a));
	if (!with_ci || isnan(r->delta_lo))
		return doc__printf(d, "%s", a);
	metric__format_pct(r->delta_lo, lo, sizeof(lo));
	metric__format_pct(r->delta_hi, hi, sizeof(hi));
	/* the unit once: "+4.2 %" -> "+4.2" inside the brackets */
	lo[strcspn(lo, " ")] = 0;
	hi[strcspn(hi, " ")] = 0;
	return doc__printf(d, "%s [%s, %s]", a, lo, hi);
}

/* the p the verdict was decided on: Holm-corrected for a primary metric,
 * the raw one for an exploratory one */
double doc__verdict_p(const struct q_result *r)
{
	return !isnan(r->p_holm) ? r->p_holm : r->p_value;
}

const char *doc__verdict_more(struct report_doc *d, const struct q_result *r)
{
	enum stats_decision dec = compare__decision(r, NULL);
	int m = r->more_rounds;

	if (dec == DECIDE_SAME && !isnan(r->min_effect_pct) && r->min_effect_pct > 0)
		return doc__printf(d, " (within +-%g %%)", r->min_effect_pct);
	if (dec != DECIDE_INCONCLUSIVE || !m)
		return NULL;
	if (m < 0)
		return doc__printf(d, ": no practical number of rounds");
	if (m >= STATS_MAX_MORE_ROUNDS)
		return doc__printf(d, ": over %d more rounds", m);
	return doc__printf(d, ": ~%d more round%s", m, m > 1 ? "s" : "");
}

const char *doc__verdict(struct report_doc *d, const struct q_result *r)
{
	const char *more = doc__verdict_more(d, r);

	return more ? doc__printf(d, "%s%s", r->verdict, more) : r->verdict;
}

const char *doc__p(struct report_doc *d, double p)
{
	char b[32];

	metric__format_p(p, b, sizeof(b));
	return doc__printf(d, "%s", b);
}

/* --- the families --- */

static const char *const family_id[MF_NR_FAMILIES] = {
	[MF_LATENCY] = "latency", [MF_THROUGHPUT] = "throughput", [MF_FAIRNESS] = "fairness",
	[MF_SCHED] = "scheduler", [MF_SCX_EVENTS] = "scx-events", [MF_TRACE] = "trace",
	[MF_SYSTEM] = "system", [MF_OUTPUT] = "output", [MF_REPLAY] = "replay",
	[MF_HARNESS] = "harness",
};

/* order inside a family: a histogram's statistics in reading order, the
 * corrected twin beside the raw figure, the rest by name */
static int stat_rank(const char *m, char *base, size_t len)
{
	static const char *const st[] = { "_p50", "_p90", "_p99", "_p99.9", "_max", "_mean",
					  "_samples" };
	const char *co = strstr(m, "_co_");
	size_t l = strlen(m);

	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		size_t n = strlen(st[i]);

		if (l > n && !strcmp(m + l - n, st[i])) {
			if (co && co + 3 == m + l - n)
				snprintf(base, len, "%.*s", (int)(co - m), m);
			else
				snprintf(base, len, "%.*s", (int)(l - n), m);
			return (int)i * 2 + (co && co + 3 == m + l - n);
		}
	}
	snprintf(base, len, "%s", m);
	return 100;
}

static int by_reading_order(const void *a, const void *b, void *arg)
{
	const struct cmp_table *t = arg;
	const char *ma = compare__row(t, *(const int *)a, 0)->metric;
	const char *mb = compare__row(t, *(const int *)b, 0)->metric;
	char ba[96], bb[96];
	int ra = stat_rank(ma, ba, sizeof(ba)), rb = stat_rank(mb, bb, sizeof(bb));
	int c = strcmp(ba, bb);

	return c ? c : ra != rb ? ra - rb : strcmp(ma, mb);
}

static int family_table(struct report_doc *d, struct doc_section *sec,
			const struct cmp_table *t, const int *ks, int nk)
{
	static const char *const head[] = { "metric", "scheduler", "n", "median", "95 % CI",
					    "CoV", "change", "change 95 % CI", "p", "effect",
					    "verdict" };
	static const bool num[] = { false, false, true, true, true, true, true, true, true,
				    true, false };
	struct doc_table *tb = doc__table(d, 11, nk * t->nsched);
	struct doc_block *b = doc__block(d, sec, DB_TABLE, NULL);

	if (!tb || !b)
		return -ENOMEM;
	b->table = tb;
	for (int i = 0; i < 11; i++) {
		tb->head[i] = head[i];
		tb->num[i] = num[i];
	}
	for (int i = 0; i < nk; i++)
		for (int s = 0; s < t->nsched; s++) {
			const struct q_result *r = compare__row(t, ks[i], s);
			int row = i * t->nsched + s;
			char ci[80], buf[48];

			tb->group[row] = !s;
			if (!s) {
				struct metric_info mi;

				metric__info(r->metric, &mi);
				doc__cell(tb, row, 0)->text = doc__printf(d, "%s", mi.label);
				/* the stored name: what export and the database call it */
				doc__cell(tb, row, 0)->note = r->metric;
			}
			doc__cell(tb, row, 1)->text = r->scheduler;
			doc__cell(tb, row, 2)->text = doc__printf(d, "%d", r->n);
			doc__cell(tb, row, 3)->text = doc__value(d, r->median, r->unit);
			metric__format_ci(r->ci_lo, r->ci_hi, r->unit, ci, sizeof(ci));
			doc__cell(tb, row, 4)->text = isnan(r->ci_lo) ? NULL : doc__printf(d, "%s", ci);
			if (!isnan(r->cov)) {
				snprintf(buf, sizeof(buf), "%.1f %%", 100 * r->cov);
				doc__cell(tb, row, 5)->text = doc__printf(d, "%s", buf);
			}
			doc__cell(tb, row, 8)->text = s ? doc__p(d, doc__verdict_p(r)) : NULL;
			if (s && !isnan(r->delta_pct)) {
				doc__cell(tb, row, 6)->text = doc__delta(d, r, false);
				if (!isnan(r->delta_lo)) {
					char lo[32], hi[32];

					metric__format_pct(r->delta_lo, lo, sizeof(lo));
					metric__format_pct(r->delta_hi, hi, sizeof(hi));
					doc__cell(tb, row, 7)->text = doc__printf(d, "[%s, %s]", lo, hi);
				}
			}
			if (s && !isnan(r->effect))
				doc__cell(tb, row, 9)->text = doc__printf(d, "%.2f", r->effect);
			doc__cell(tb, row, 10)->text = s ? doc__verdict(d, r) : r->verdict;
			doc__cell(tb, row, 10)->style = doc__style(r->verdict);
			if (s && r->survived < r->total)
				doc__cell(tb, row, 2)->style = DS_WARN;
		}
	return 0;
}

static int figs_block(struct report_doc *d, struct doc_section *sec, const int *figs, int n,
		      bool ref)
{
	struct doc_block *b;

	if (!n)
		return 0;
	b = doc__block(d, sec, DB_FIGS, NULL);
	if (!b || !(b->figs = malloc(sizeof(int) * n)))
		return -ENOMEM;
	memcpy(b->figs, figs, sizeof(int) * n);
	b->nfigs = n;
	b->ref = ref;
	if (ref)
		b->text = "At the top of the report:";
	return 0;
}

static int families(struct report_ctx *c, struct report_doc *d, const int *key, int nkey)
{
	const struct cmp_table *t = c->table;
	int *ks = malloc(sizeof(int) * (t ? t->nmetrics + 1 : 1));
	int *fg = malloc(sizeof(int) * (c->nfigs + 1)), err = 0;

	if (!ks || !fg) {
		err = -ENOMEM;
		goto out;
	}
	/* the families in their order, then the figures none claims */
	for (int fi = 0; fi <= MF_NR_FAMILIES && !err; fi++) {
		int f = fi < MF_NR_FAMILIES ? fi : -1, nk = 0, nfg = 0, nbetter = 0, nworse = 0, nkeyed = 0;
		struct doc_section *sec;
		char title[64];
		const char *sum;

		for (int k = 0; f >= 0 && t && k < t->nmetrics; k++) {
			struct metric_info mi;

			metric__info(compare__row(t, k, 0)->metric, &mi);
			if ((int)mi.family != f)
				continue;
			ks[nk++] = k;
			for (int s = 1; s < t->nsched; s++) {
				enum doc_style st = doc__style(compare__row(t, k, s)->verdict);

				nbetter += st == DS_BETTER;
				nworse += st == DS_WORSE;
			}
		}
		for (int i = 0; i < c->nfigs; i++) {
			bool is_key = false;

			for (int j = 0; j < nkey; j++)
				is_key |= key[j] == i;
			if (c->figs[i].family != f && !(f == -1 && c->figs[i].family >= MF_NR_FAMILIES))
				continue;
			if (is_key)
				nkeyed++;
			else
				fg[nfg++] = i;
		}
		if (!nk && !nfg)
			continue;
		if (f >= 0 && !strchr(metric_family__name(f), '_'))
			report__title_case(title, sizeof(title), metric_family__name(f));
		else if (f >= 0) /* sched_ext is a name: as it is spelled */
			snprintf(title, sizeof(title), "%s", metric_family__name(f));
		else
			snprintf(title, sizeof(title), "More figures");
		sec = doc__section(d, f >= 0 ? family_id[f] : "more-figures",
				   doc__printf(d, "%s", title), true);
		if (!sec) {
			err = -ENOMEM;
			break;
		}
		sum = doc__printf(d, "%d metric%s, %d figure%s%s", nk, nk == 1 ? "" : "s",
				  nfg + nkeyed, nfg + nkeyed == 1 ? "" : "s",
				  nbetter || nworse ?
				  doc__printf(d, "; verdicts: %d better, %d worse", nbetter, nworse) : "");
		sec->summary = sum;
		err = figs_block(d, sec, fg, nfg, false);
		if (!err && nkeyed) {
			/* the key figures are drawn at the top; here their captions
			 * and files */
			int kf[4], nkf = 0;

			for (int j = 0; j < nkey; j++)
				if (key[j] >= 0 && c->figs[key[j]].family == f)
					kf[nkf++] = key[j];
			err = figs_block(d, sec, kf, nkf, true);
		}
		if (!err && nk) {
			qsort_r(ks, nk, sizeof(*ks), by_reading_order, (void *)t);
			err = family_table(d, sec, t, ks, nk);
		}
	}
out:
	free(ks);
	free(fg);
	return err;
}

int report_doc__build(struct report_ctx *c, struct report_doc *d)
{
	int key[4] = { -1, -1, -1, -1 }, nkey = 0, err;

	memset(d, 0, sizeof(*d));
	if (c->cmp)
		d->title = doc__printf(d, "scxbench comparison %lld: %s on %s", (long long)c->cmp->id,
				       c->cmp->schedulers, c->cmp->workload);
	else
		d->title = doc__printf(d, "scxbench report of %d runs", c->runs->n);
	d->footer = doc__printf(d, "Generated by scxbench %s from the database alone (scxbench"
				" report).", SCXB_VERSION);
	if (!d->title || !d->footer) {
		err = -ENOMEM;
		goto fail;
	}
	err = doc__headline(c, d, key, &nkey);
	if (err)
		goto fail;
	err = doc__overhead(c, d);
	if (!err)
		err = families(c, d, key, nkey);
	if (!err)
		err = doc__tasks(c, d);
	if (!err)
		err = doc__outliers(c, d);
	if (!err)
		err = doc__runs(c, d);
	if (!err)
		err = doc__failures(c, d);
	if (!err && d->oom)
		err = -ENOMEM;
	if (!err)
		return 0;
fail:
	report_doc__free(d);
	return err;
}
