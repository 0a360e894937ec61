// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison on a terminal (compare.h): answers first, detail after.
 *
 *   vtime vs simple (baseline), 5 rounds, survival 5/5 vs 5/5
 *     probe wakeup latency p99   141 us vs 21.4 ms   -99 % [-99, -98]   better
 *     ...
 *
 * One such headline per non-baseline scheduler: the workload's primary
 * metrics (the ones the verdict is about, one Holm family) in words, with
 * both medians scaled for reading, the delta and its 95 % CI, then the
 * warnings that change how to read them. After it, the other metrics
 * that differ, grouped by family; --all prints every metric instead.
 *
 * Everything fits CMP_PRINT_COLS columns, counted in characters: names
 * from the database (exec: schedulers with their arguments, metric
 * names) are escaped for the terminal and cut with an ellipsis, never
 * wrapped; sentences (warnings, notes) are wrapped at spaces.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/core/compare.h"
#include "harness/core/probe_samples.h"
#include "harness/lib/escape.h"
#include "harness/lib/metric_info.h"
#include "workloads/workload.h"

#define COLS CMP_PRINT_COLS
#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

/* characters of UTF-8 text (esc_term leaves nothing else) */
static int width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* s escaped for the terminal into out, cut to at most w columns with an
 * ellipsis */
static void fit(char *out, size_t len, const char *s, int w)
{
	size_t i = 0;
	int c = 0;

	esc_term_buf(out, len, s);
	if (width(out) <= w)
		return;
	if (w < 1) {
		out[0] = 0;
		return;
	}
	/* keep w - 1 characters, then the ellipsis */
	for (; out[i]; i++) {
		if (((unsigned char)out[i] & 0xc0) != 0x80 && c++ == w - 1)
			break;
	}
	if (i + sizeof(ELLIPSIS) > len)
		i = len - sizeof(ELLIPSIS);
	while (i && ((unsigned char)out[i] & 0xc0) == 0x80)
		i--;
	memcpy(out + i, ELLIPSIS, sizeof(ELLIPSIS));
}

/* s padded to w columns (right-aligned if right) */
static void put(FILE *f, const char *s, int w, bool right)
{
	int pad = w - width(s);

	if (right)
		fprintf(f, "%*s%s", pad > 0 ? pad : 0, "", s);
	else
		fprintf(f, "%s%*s", s, pad > 0 ? pad : 0, "");
}

/*
 * A sentence (already escaped or trusted) wrapped at spaces: the first
 * line indented by ind, the others by cont; a word too long for a line
 * is cut with an ellipsis.
 */
static void wrap(FILE *f, const char *text, int ind, int cont)
{
	int col = 0, lead = ind;
	const char *p = text;

	while (*p) {
		size_t l = strcspn(p, " ");
		char word[512];
		int ww;

		snprintf(word, sizeof(word), "%.*s", (int)(l < sizeof(word) ? l : sizeof(word) - 1), p);
		ww = width(word);
		if (col && col + 1 + ww > COLS) {
			fputc('\n', f);
			col = 0;
			lead = cont;
		}
		if (!col) {
			fprintf(f, "%*s", lead, "");
			col = lead;
			if (ww > COLS - col) {
				char cut[512];

				/* fit() escapes again: cut by columns by hand */
				snprintf(cut, sizeof(cut), "%s", word);
				for (size_t i = 0, c = 0; cut[i]; i++)
					if (((unsigned char)cut[i] & 0xc0) != 0x80 &&
					    (int)c++ == COLS - col - 1) {
						snprintf(cut + i, sizeof(cut) - i, ELLIPSIS);
						break;
					}
				snprintf(word, sizeof(word), "%s", cut);
				ww = width(word);
			}
		} else {
			fputc(' ', f);
			col++;
		}
		fputs(word, f);
		col += ww;
		p += l;
		while (*p == ' ')
			p++;
	}
	if (col)
		fputc('\n', f);
}

/*
 * Scheduler s's name in at most w columns, escaped, cut with an
 * ellipsis; when the cut makes it look like another scheduler's
 * (two settings of one exec: binary), prefixed with its position:
 * "#2 exec:./my_sch…".
 */
static void sched_label(const struct cmp_table *t, int s, int w, char *out, size_t len)
{
	char other[COLS * 4], cut[COLS * 4];
	bool clash = false;

	fit(out, len, t->sched[s].name, w);
	for (int j = 0; j < t->nsched && !clash; j++) {
		if (j == s)
			continue;
		fit(other, sizeof(other), t->sched[j].name, w);
		clash = !strcmp(other, out);
	}
	if (!clash)
		return;
	snprintf(cut, sizeof(cut), "#%d ", s + 1);
	fit(out, len, t->sched[s].name, w - width(cut));
	snprintf(cut + strlen(cut), sizeof(cut) - strlen(cut), "%s", out);
	snprintf(out, len, "%s", cut);
}


/* a percentage without its sign doubled: "-7.3", "+117" */
static void pct_num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "?");
	else if (fabs(v) < 10)
		snprintf(buf, len, "%+.1f", v);
	else
		snprintf(buf, len, "%+.0f", v);
}

/* "-99 % [-99, -98]" */
static void fmt_delta(char *buf, size_t len, const struct q_result *r)
{
	char d[32], lo[32], hi[32];

	metric__format_pct(r->delta_pct, d, sizeof(d));
	if (isnan(r->delta_pct) || isnan(r->delta_lo) || isnan(r->delta_hi)) {
		snprintf(buf, len, "%s", d);
		return;
	}
	pct_num(lo, sizeof(lo), r->delta_lo);
	pct_num(hi, sizeof(hi), r->delta_hi);
	snprintf(buf, len, "%s [%s, %s]", d, lo, hi);
}

/* a metric's value for reading; a count is a number without a unit */
static void value(char *buf, size_t len, double v, const char *unit)
{
	char u[64];

	/* a unit comes from the database: text for a terminal (esc_term) */
	esc_term_buf(u, sizeof(u), strcmp(unit, "count") ? unit : "");
	metric__format(v, u, buf, len);
}

/* "141 us vs 21.4 ms", or with the unit once when both end in the same:
 * "911 k vs 1.00 M units/s" */
static void pair(char *buf, size_t len, const char *a, const char *b)
{
	const char *ua = strrchr(a, ' '), *ub = strrchr(b, ' ');

	if (ua && ub && !strcmp(ua, ub))
		snprintf(buf, len, "%.*s vs %s", (int)(ua - a), a, b);
	else
		snprintf(buf, len, "%s vs %s", a, b);
}

static void fmt_me(char *buf, size_t len, double me)
{
	snprintf(buf, len, "%g %%", me);
}

/* The verdict of a headline row in words; the short form when the long
 * one would not fit avail columns. */
static void verdict_words(char *buf, size_t len, const struct q_result *r, int avail)
{
	enum stats_decision d = compare__decision(r, NULL);
	char me[32], forms[3][96];
	int nf = 0, m = r->more_rounds;
	const char *pl = m > 1 ? "s" : "";

	fmt_me(me, sizeof(me), r->min_effect_pct);
	/* the longest form that fits avail columns, else the shortest */
	switch (d) {
	case DECIDE_SAME:
		snprintf(forms[nf++], sizeof(forms[0]), "same (within %s)", me);
		snprintf(forms[nf++], sizeof(forms[0]), "same");
		break;
	case DECIDE_INCONCLUSIVE:
		if (m >= STATS_MAX_MORE_ROUNDS) {
			snprintf(forms[nf++], sizeof(forms[0]), "inconclusive: over %d more rounds", m);
			snprintf(forms[nf++], sizeof(forms[0]), "inconclusive (>%d rounds)", m);
		} else if (m > 0) {
			snprintf(forms[nf++], sizeof(forms[0]),
				 "inconclusive: ~%d more round%s would likely decide", m, pl);
			snprintf(forms[nf++], sizeof(forms[0]), "inconclusive: ~%d more round%s", m, pl);
			snprintf(forms[nf++], sizeof(forms[0]), "inconclusive (~%d round%s)", m, pl);
		} else {
			/* the delta sits on the min-effect edge, or the
			 * spread dwarfs it */
			snprintf(forms[nf++], sizeof(forms[0]),
				 "inconclusive: no practical number of rounds would decide");
			snprintf(forms[nf++], sizeof(forms[0]), "inconclusive (no practical rounds)");
			snprintf(forms[nf++], sizeof(forms[0]), "inconclusive");
		}
		break;
	case DECIDE_NA:
		snprintf(forms[nf++], sizeof(forms[0]), "n/a (fewer than 2 ok runs on a side)");
		snprintf(forms[nf++], sizeof(forms[0]), "n/a");
		break;
	default:
		snprintf(forms[nf++], sizeof(forms[0]), "%s", stats__decision_str(d));
	}
	for (int i = 0; i < nf; i++)
		if (width(forms[i]) <= avail || i == nf - 1) {
			snprintf(buf, len, "%s", forms[i]);
			return;
		}
}

static void fmt_runs(char *buf, size_t len, const struct cmp_table *t, int s)
{
	if (t->rounds)
		snprintf(buf, len, "%d round%s", t->rounds, t->rounds > 1 ? "s" : "");
	else if (t->sched[s].total == t->sched[0].total)
		snprintf(buf, len, "%d runs each", t->sched[0].total);
	else
		snprintf(buf, len, "%d vs %d runs", t->sched[s].total, t->sched[0].total);
}

/* the warnings about one scheduler's runs */
static void sched_warnings(FILE *f, const struct cmp_table *t, int s)
{
	const struct cmp_sched *c = &t->sched[s];
	char line[1024], stages[256], name[COLS * 4];

	/* a name in a sentence is cut like one in a table */
	sched_label(t, s, 40, name, sizeof(name));

	for (int kind = 0; kind < 2; kind++) {
		int n = kind ? c->failed : c->sched_failed;
		size_t o = 0;

		if (!n)
			continue;
		stages[0] = 0;
		for (int st = 1; st < FAIL_NR_STAGES; st++) {
			const char *name = fail_stage__name(st);
			bool sched_stage = st == FAIL_EXEC || st == FAIL_LOAD || st == FAIL_ENABLE ||
					   st == FAIL_RUN;

			/* the stage counts mix both kinds: a scheduler fails
			 * in its own stages, the harness in the others */
			if (!c->stage[st] || !name || sched_stage == (bool)kind)
				continue;
			o += snprintf(stages + o, sizeof(stages) - o, "%s%s: %d", o ? ", " : "", name,
				      c->stage[st]);
			if (o >= sizeof(stages))
				break;
		}
		if (kind)
			snprintf(line, sizeof(line), "warning: %d of %d %s runs failed for harness reasons"
				 "%s%s%s: they are not in the numbers", n, c->total, name,
				 stages[0] ? " (at stage " : "", stages, stages[0] ? ")" : "");
		else
			snprintf(line, sizeof(line), "warning: %s's scheduler failed in %d of %d runs%s%s%s:"
				 " those runs are not in the numbers (scxbench show RUN --dump)", name,
				 n, c->total, stages[0] ? " (at stage " : "", stages, stages[0] ? ")" : "");
		wrap(f, line, 2, 4);
	}
	if (c->lost_runs) {
		snprintf(line, sizeof(line), "warning: %d of %d %s runs lost trace events (%lld in all):"
			 " their trace metrics undercount", c->lost_runs, c->total, name,
			 (long long)c->lost_events);
		wrap(f, line, 2, 4);
	}
}

static void headline(FILE *f, const struct cmp_table *t, int s)
{
	const struct workload *w = workload__find(t->workload);
	char cand[COLS * 4], base[COLS * 4], runs[48], surv[64];
	struct {
		char label[2][COLS * 4], vals[80], delta[80];
	} hl[16];
	int idx[16], n = 0, wl[2] = { 0, 0 }, wv = 0, wd = 0, need = 0, lab, avail, fixed, namew;

	/* the title, names cut so that it fits */
	fmt_runs(runs, sizeof(runs), t, s);
	snprintf(surv, sizeof(surv), "survival %d/%d vs %d/%d",
		 t->sched[s].total - t->sched[s].sched_failed, t->sched[s].total,
		 t->sched[0].total - t->sched[0].sched_failed, t->sched[0].total);
	fixed = (int)strlen(" vs  (baseline), , ") + width(runs) + width(surv);
	namew = (COLS - fixed) / 2;
	sched_label(t, s, namew, cand, sizeof(cand));
	sched_label(t, 0, COLS - fixed - width(cand), base, sizeof(base));
	fprintf(f, "%s vs %s (baseline), %s, %s\n", cand, base, runs, surv);

	for (int i = 0; w && w->primary && w->primary[i] && n < 16; i++)
		for (int k = 0; k < t->nmetrics; k++)
			if (!strcmp(compare__row(t, k, 0)->metric, w->primary[i])) {
				idx[n++] = k;
				break;
			}
	if (!n)
		wrap(f, t->workload[0] ? "(none of the workload's primary metrics was measured:"
			 " every verdict below is exploratory)" : "(the runs mix workloads: no primary"
			 " metrics, every verdict below is exploratory)", 2, 4);
	for (int i = 0; i < n; i++) {
		const struct q_result *r = compare__row(t, idx[i], s);
		struct metric_info mi;
		char a[32], b[32], words[160];

		metric__info(r->metric, &mi);
		fit(hl[i].label[0], sizeof(hl[i].label[0]), mi.label, 30);
		fit(hl[i].label[1], sizeof(hl[i].label[1]), mi.short_label, 30);
		value(a, sizeof(a), r->median, r->unit);
		value(b, sizeof(b), compare__row(t, idx[i], 0)->median, r->unit);
		pair(hl[i].vals, sizeof(hl[i].vals), a, b);
		fmt_delta(hl[i].delta, sizeof(hl[i].delta), r);
		wl[0] = width(hl[i].label[0]) > wl[0] ? width(hl[i].label[0]) : wl[0];
		wl[1] = width(hl[i].label[1]) > wl[1] ? width(hl[i].label[1]) : wl[1];
		wv = width(hl[i].vals) > wv ? width(hl[i].vals) : wv;
		wd = width(hl[i].delta) > wd ? width(hl[i].delta) : wd;
		/* the shortest form of the verdict */
		verdict_words(words, sizeof(words), r, 0);
		need = width(words) > need ? width(words) : need;
	}
	/* the labels in words, or short ones when the verdicts would not fit */
	lab = 2 + wl[0] + 2 + wv + 2 + wd + 2 + need > COLS;
	avail = COLS - (2 + wl[lab] + 2 + wv + 2 + wd + 2);
	for (int i = 0; i < n; i++) {
		char words[160], line[COLS * 4];

		fputs("  ", f);
		put(f, hl[i].label[lab], wl[lab], false);
		fputs("  ", f);
		put(f, hl[i].vals, wv, true);
		fputs("  ", f);
		put(f, hl[i].delta, wd, false);
		fputs("  ", f);
		verdict_words(words, sizeof(words), compare__row(t, idx[i], s), avail);
		fit(line, sizeof(line), words, avail);
		fprintf(f, "%s\n", line);
	}
	if (s == 1)
		sched_warnings(f, t, 0);
	sched_warnings(f, t, s);
}

/* metric k is shown in the compact table for scheduler s */
static bool differs(const struct cmp_table *t, int k, int s)
{
	const struct q_result *r = compare__row(t, k, s);
	enum stats_decision d = compare__decision(r, NULL);

	struct metric_info mi;

	if (workload__is_primary(t->workload, r->metric))
		return false;
	/* what the harness did (samples taken, messages sent) describes
	 * the measurement, not the scheduler; the probe's sample gap has
	 * its own warning. A name metric_info does not know (its label is
	 * the name) is in that family too, and shown. */
	metric__info(r->metric, &mi);
	if (mi.family == MF_HARNESS && strcmp(mi.label, r->metric))
		return false;
	return d == DECIDE_BETTER || d == DECIDE_WORSE || d == DECIDE_DIFFERENT;
}

/* Metrics in reading order: by family, then by what they measure, the
 * statistics of one histogram in their natural order (p50 ... p99.9,
 * max, mean) rather than the alphabet's. */
struct mkey {
	int k, family, rank;
	char base[64];
};

static int cmp_mkey(const void *pa, const void *pb)
{
	const struct mkey *a = pa, *b = pb;
	int c;

	if (a->family != b->family)
		return a->family - b->family;
	c = strcmp(a->base, b->base);
	if (c)
		return c;
	return a->rank != b->rank ? a->rank - b->rank : a->k - b->k;
}

static struct mkey *metric_order(const struct cmp_table *t)
{
	static const char *const stats[] = {
		"_p50", "_p90", "_p99", "_p99.9", "_max", "_mean", "_samples",
	};
	struct mkey *v = calloc(t->nmetrics ? t->nmetrics : 1, sizeof(*v));

	if (!v)
		return NULL;
	for (int k = 0; k < t->nmetrics; k++) {
		const char *name = compare__row(t, k, 0)->metric;
		size_t l = strlen(name), bl = l;
		struct metric_info mi;

		metric__info(name, &mi);
		v[k].k = k;
		v[k].family = mi.family;
		v[k].rank = -1;
		for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++) {
			size_t sl = strlen(stats[i]);

			if (l > sl && !strcmp(name + l - sl, stats[i])) {
				v[k].rank = (int)i;
				bl = l - sl;
				break;
			}
		}
		snprintf(v[k].base, sizeof(v[k].base), "%.*s", (int)bl, name);
	}
	qsort(v, t->nmetrics, sizeof(*v), cmp_mkey);
	return v;
}

static void family_heading(FILE *f, enum metric_family fam, enum metric_family *last)
{
	if (*last == fam)
		return;
	fprintf(f, "%s\n", metric_family__name(fam));
	*last = fam;
}

/* The other metrics that differ, in families: one line per metric and
 * non-baseline scheduler, columns as wide as their widest cell. */
static void compact_table(FILE *f, const struct cmp_table *t)
{
	bool many = t->nsched > 2;
	int shown = 0, hidden = 0, ws = 0, wa = 0, wb = 0, wd = 0, wv = 0, wl = 0;
	int ninc = 0, nsame = 0, nna = 0, nharness = 0;
	char h0[COLS * 4], h1[COLS * 4], rest[256], line[320];
	enum metric_family fam, last = MF_NR_FAMILIES;
	struct mkey *order;

	for (int k = 0; k < t->nmetrics; k++)
		for (int s = 1; s < t->nsched; s++) {
			const struct q_result *r = compare__row(t, k, s);
			char a[32], b[32], delta[80], label[COLS * 4];
			struct metric_info mi;

			if (workload__is_primary(t->workload, r->metric))
				continue;
			if (!differs(t, k, s)) {
				enum stats_decision d = compare__decision(r, NULL);

				hidden++;
				metric__info(r->metric, &mi);
				if (mi.family == MF_HARNESS && strcmp(mi.label, r->metric))
					nharness++;
				else if (d == DECIDE_INCONCLUSIVE)
					ninc++;
				else if (d == DECIDE_SAME)
					nsame++;
				else
					nna++;
				continue;
			}
			shown++;
			metric__info(r->metric, &mi);
			fit(label, sizeof(label), mi.short_label, 30);
			wl = width(label) > wl ? width(label) : wl;
			value(a, sizeof(a), compare__row(t, k, 0)->median, r->unit);
			value(b, sizeof(b), r->median, r->unit);
			fmt_delta(delta, sizeof(delta), r);
			wa = width(a) > wa ? width(a) : wa;
			wb = width(b) > wb ? width(b) : wb;
			wd = width(delta) > wd ? width(delta) : wd;
			wv = width(r->verdict) > wv ? width(r->verdict) : wv;
			if (many)
				ws = width(t->sched[s].name) > ws ? width(t->sched[s].name) : ws;
		}
	/* what is not shown, so that a reader knows what --all would add */
	snprintf(rest, sizeof(rest), "%d inconclusive, %d the same, %d n/a, %d of the harness's own:"
		 " --all prints every metric", ninc, nsame, nna, nharness);
	if (!shown) {
		snprintf(line, sizeof(line), "no other metric differs (%s)", rest);
		fputc('\n', f);
		wrap(f, line, 0, 2);
		return;
	}
	ws = ws > 14 ? 14 : ws;
	wd = wd < 15 ? 15 : wd; /* its heading */
	/* the header names the two medians' schedulers */
	wa = wa < 8 ? 8 : wa;
	wb = wb < 8 ? 8 : wb;
	if (wl > COLS - (2 + (many ? ws + 1 : 0) + 2 + wa + 2 + wb + 3 + wd + 1 + wv))
		wl = COLS - (2 + (many ? ws + 1 : 0) + 2 + wa + 2 + wb + 3 + wd + 1 + wv);
	order = metric_order(t);
	fprintf(f, "\nother metrics that differ (* exploratory: uncorrected p; look, do not"
		" conclude):\n");
	/* the medians' schedulers by name when the names fit */
	sched_label(t, 0, wa, h0, sizeof(h0));
	if (many)
		snprintf(h1, sizeof(h1), "median");
	else
		sched_label(t, 1, wb, h1, sizeof(h1));
	if (many ? width(h0) < width(t->sched[0].name) :
	    width(h0) < width(t->sched[0].name) || width(h1) < width(t->sched[1].name)) {
		/* cut names would not say which is which */
		snprintf(h0, sizeof(h0), "baseline");
		if (!many)
			snprintf(h1, sizeof(h1), "other");
	}
	fprintf(f, "%*s", 2 + wl + (many ? 1 + ws : 0), "");
	fputs("  ", f);
	put(f, h0, wa, true);
	fputs("  ", f);
	put(f, h1, wb, true);
	fputs("   ", f);
	put(f, "delta [95 % CI]", wd, false);
	fputs(" verdict\n", f);
	for (int j = 0; j < t->nmetrics; j++)
		for (int s = 1; s < t->nsched; s++) {
				int k = order ? order[j].k : j;
				const struct q_result *r = compare__row(t, k, s);
				const struct q_result *r0 = compare__row(t, k, 0);
				struct metric_info mi;
				char label[COLS * 4], name[COLS * 4], a[32], b[32], delta[80];

				metric__info(r->metric, &mi);
				if (!differs(t, k, s))
					continue;
				fam = mi.family;
				/* the compact table's harness rows are the unknown names */
				if (fam != last)
					fprintf(f, "%s\n", fam == MF_HARNESS ? "other" :
						metric_family__name(fam));
				last = fam;
				fit(label, sizeof(label), mi.short_label, wl);
				fputs("  ", f);
				put(f, label, wl, false);
				if (many) {
					sched_label(t, s, ws, name, sizeof(name));
					fputc(' ', f);
					put(f, name, ws, false);
				}
				value(a, sizeof(a), r0->median, r0->unit);
				value(b, sizeof(b), r->median, r->unit);
				fmt_delta(delta, sizeof(delta), r);
				fputs("  ", f);
				put(f, a, wa, true);
				fputs("  ", f);
				put(f, b, wb, true);
				fputs("   ", f);
				put(f, delta, wd, false);
				fprintf(f, " %s\n", r->verdict);
			}
	if (hidden) {
		snprintf(line, sizeof(line), "(not shown: %s)", rest);
		wrap(f, line, 0, 2);
	}
	free(order);
}

static void fmt_p(char *buf, size_t len, double p)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else if (p < 0.001)
		snprintf(buf, len, "<0.001");
	else
		snprintf(buf, len, "%.3f", p);
}

/* Every metric: its label and name, then one line per scheduler. */
static void full_table(FILE *f, const struct cmp_table *t)
{
	int ws = 8;
	char line[COLS * 4], name[COLS * 4];
	enum metric_family last = MF_NR_FAMILIES;
	struct mkey *order = metric_order(t);

	for (int s = 0; s < t->nsched; s++)
		ws = width(t->sched[s].name) > ws ? width(t->sched[s].name) : ws;
	/* 15: the longest line (an inconclusive* verdict) is then 100 */
	ws = ws > 15 ? 15 : ws;
	fputc('\n', f);
	sched_label(t, 0, 40, name, sizeof(name));
	snprintf(line, sizeof(line), "every metric: n ok runs, survival, median, CoV; against %s:"
		 " delta [95 %% CI], p (Holm over the %d primary tests; uncorrected for *), Cliff's"
		 " delta, verdict", name, t->family);
	wrap(f, line, 0, 2);
	fprintf(f, "    %-*s %3s %6s %10s %7s  %-20s%7s %6s  %s\n", ws, "scheduler", "n", "surv",
		"median", "CoV", "delta [95 % CI]", "p", "cliff", "verdict");
	for (int j = 0; j < t->nmetrics; j++) {
			int k = order ? order[j].k : j;
			const struct q_result *r0 = compare__row(t, k, 0);
			struct metric_info mi;
			char full[256];

			metric__info(r0->metric, &mi);
			family_heading(f, mi.family, &last);
			if (strcmp(mi.label, r0->metric))
				snprintf(full, sizeof(full), "%s (%s%s%s)", mi.label, r0->metric,
					 r0->unit[0] ? ", " : "", r0->unit);
			else
				snprintf(full, sizeof(full), "%s%s%s%s", r0->metric, r0->unit[0] ? " (" : "",
					 r0->unit, r0->unit[0] ? ")" : "");
			fit(line, sizeof(line), full, COLS - 2);
			fprintf(f, "  %s\n", line);
			for (int s = 0; s < t->nsched; s++) {
				const struct q_result *r = compare__row(t, k, s);
				char name[COLS * 4], v[32], cov[16], surv[16], delta[80], p[16];

				sched_label(t, s, ws, name, sizeof(name));
				fputs("    ", f);
				put(f, name, ws, false);
				snprintf(surv, sizeof(surv), "%d/%d", r->survived, r->total);
				value(v, sizeof(v), r->median, r->unit);
				/* "1.02 M units/s": the unit is on the metric's
				 * line above, the scale stays */
				if (width(v) > 10 && strrchr(v, ' '))
					*strrchr(v, ' ') = 0;
				fit(line, sizeof(line), v, 10);
				if (isnan(r->cov))
					snprintf(cov, sizeof(cov), "-");
				else
					snprintf(cov, sizeof(cov), "%.1f %%", 100 * r->cov);
				fprintf(f, " %3d %6s ", r->n, surv);
				put(f, line, 10, true);
				fputc(' ', f);
				put(f, cov, 7, true);
				if (s == 0) {
					fputs("  (baseline)\n", f);
					continue;
				}
				fmt_delta(delta, sizeof(delta), r);
				fmt_p(p, sizeof(p), !isnan(r->p_holm) ? r->p_holm : r->p_value);
				fputs("  ", f);
				put(f, delta, 20, false);
				put(f, p, 7, true);
				if (isnan(r->effect))
					fprintf(f, " %6s", "-");
				else
					fprintf(f, " %+6.2f", r->effect);
				fprintf(f, "  %s\n", r->verdict);
			}
		}
	free(order);
}

/* the probe's sample-count warnings, names cut as everywhere */
static void probe_warnings(FILE *f, const struct cmp_table *t, const struct probe_sample_gap *g,
			   int ng)
{
	struct cmp_table named = *t;
	char line[1024];

	named.sched = calloc(t->nsched, sizeof(*named.sched));
	if (!named.sched)
		return;
	for (int s = 0; s < t->nsched; s++)
		sched_label(t, s, 40, named.sched[s].name, sizeof(named.sched[s].name));
	for (int i = 0; i < ng && i < PROBE_SAMPLES_MAX_GAPS; i++) {
		probe_samples__warning(&named, &g[i], line, sizeof(line));
		wrap(f, line, 0, 2);
	}
	free(named.sched);
}

void compare__print_opts(const struct cmp_table *t, FILE *f, unsigned flags)
{
	struct probe_sample_gap g[PROBE_SAMPLES_MAX_GAPS];
	int ng = probe_samples__gaps(t, g, PROBE_SAMPLES_MAX_GAPS);
	char line[1024];

	bool open = false;

	for (int s = 1; s < t->nsched; s++) {
		if (s > 1)
			fputc('\n', f);
		headline(f, t, s);
	}
	/* what "inconclusive" means, once, when a headline says it */
	for (int k = 0; k < t->nmetrics && !open; k++)
		for (int s = 1; s < t->nsched && !open; s++) {
			const struct q_result *r = compare__row(t, k, s);

			open = workload__is_primary(t->workload, r->metric) &&
			       compare__decision(r, NULL) == DECIDE_INCONCLUSIVE;
		}
	if (open) {
		snprintf(line, sizeof(line), "inconclusive: neither a difference (p < %g after Holm,"
			 " the CI beyond 0) nor the same (the CI within +-%g %%) yet; the rounds that"
			 " would likely decide are estimated from the spread seen", t->alpha,
			 t->min_effect_pct);
		wrap(f, line, 0, 2);
	}
	if (t->nsched < 2) {
		char name[COLS * 4] = "no scheduler";

		if (t->nsched)
			sched_label(t, 0, 40, name, sizeof(name));
		snprintf(line, sizeof(line), "%s alone: no comparison, descriptive statistics only",
			 name);
		wrap(f, line, 0, 2);
	}
	if (ng > 0)
		probe_warnings(f, t, g, ng);
	if (t->family && t->min_p * t->family >= t->alpha) {
		snprintf(line, sizeof(line), "note: with %d/%d ok runs the smallest possible p is %.4f;"
			 " after Holm over %d tests nothing can reach %.2g: add --reps", t->sched[0].ok,
			 t->nsched > 1 ? t->sched[1].ok : 0, t->min_p, t->family, t->alpha);
		wrap(f, line, 0, 2);
	}
	if (t->nsched > 1 && t->alpha < CMP_ALPHA) {
		snprintf(line, sizeof(line), "note: verdicts at alpha %.2g, as stored with the"
			 " comparison (--until-ci looks after every round and shares %.2g among its"
			 " looks)", t->alpha, CMP_ALPHA);
		wrap(f, line, 0, 2);
	}
	if ((flags & CMP_PRINT_ALL) || t->nsched < 2)
		full_table(f, t);
	else
		compact_table(f, t);
}
