// SPDX-License-Identifier: GPL-2.0
/*
 * Clustered bars with CI error bars, one colour per scheduler (its own:
 * report__color), drawn as boxes at computed positions so that every
 * value is placed where the reader expects it, zero included.
 *
 * The y axis: linear from 0 unless a log axis is asked for. A log axis
 * starts at the decade below the smallest value, so that its bottom tick
 * is labelled. A log axis cannot show 0 (a counter that never fired): then
 * the axis is linear when the values span less than ZERO_LINEAR_SPAN
 * (the smallest non-zero bar still has height), else log10(1 + y), which
 * is 0 at 0 and a log axis above ~10 (gnuplot's "set nonlinear"). Bars
 * at 0 are labelled "0" in their scheduler's colour either way; the
 * caption says which axis was used.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/metric_info.h"
#include "harness/lib/util.h"
#include "reports/report.h"

#define ZERO_LINEAR_SPAN 30.0

void report__stem(char *buf, size_t len, const char *prefix, const char *name)
{
	size_t k = snprintf(buf, len, "%s", prefix);

	for (; *name && k + 1 < len; name++, k++) {
		char ch = *name;

		buf[k] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' ? ch : '_';
	}
	buf[k < len ? k : len - 1] = 0;
}

void report__title_case(char *buf, size_t len, const char *label)
{
	snprintf(buf, len, "%s", label);
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] += 'A' - 'a';
}

static void dat_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("\tNaN", f);
	else
		fprintf(f, "\t%.6g", v);
}

/* a tick of the log10(1 + y) axis: 1, 10, 100, 1k, 10k... */
static void tick_label(char *buf, size_t len, double v)
{
	static const char *const sfx[] = { "", "k", "M", "G", "T" };
	int k = 0;

	while (v >= 1000 && k < 4) {
		v /= 1000;
		k++;
	}
	snprintf(buf, len, "%g%s", v, sfx[k]);
}

/* "dispatch local dsq offline" -> "dispatch local" + "dsq offline": at
 * the space nearest the middle (none: l2 stays empty) */
static void split_words(char *l1, char *l2)
{
	int n = (int)strlen(l1), best = -1;

	for (int i = 0; i < n; i++)
		if (l1[i] == ' ' && (best < 0 || abs(i - n / 2) < abs(best - n / 2)))
			best = i;
	if (best < 0)
		return;
	snprintf(l2, 64, "%s", l1 + best + 1);
	l1[best] = 0;
}

enum axis { AX_LINEAR, AX_LOG, AX_LOG1P };

int fig_bars_spec(struct report_ctx *c, struct report_fig *fig, const struct bar_spec *b)
{
	const int ns_all = c->nsched, ng = b->ngroups;
	double minpos = INFINITY, maxv = -INFINITY, mul = 1, w, top, base = 0;
	bool zero = false, neg = false;
	int drawn[64], ns = 0, maxlen = 0, err;
	bool wrapped = false, horiz;
	char va, ga; /* the value axis and the group axis: y and x, or lying down x and y */
	char path[4096], unit[48] = "", ylabel[200];
	enum axis ax = AX_LINEAR;
	FILE *f;

	/* the schedulers with a value here: one with none (eevdf has no
	 * sched_ext counters) leaves no hole in the clusters */
	for (int s = 0; s < ns_all && ns < 64; s++)
		for (int g = 0; g < ng; g++)
			if (!isnan(b->vals[g * ns_all + s].med)) {
				drawn[ns++] = s;
				break;
			}
	for (int i = 0; i < ng * ns_all; i++) {
		const struct bar_val *v = &b->vals[i];
		double x[3] = { v->med, v->lo, v->hi };

		for (int k = 0; k < 3; k++) {
			if (isnan(x[k]))
				continue;
			if (x[k] > 0 && x[k] < minpos)
				minpos = x[k];
			if (x[k] > maxv)
				maxv = x[k];
			neg |= x[k] < 0;
		}
		zero |= v->med == 0;
	}
	if (b->logy && !neg && minpos < INFINITY)
		ax = !zero ? AX_LOG : maxv <= ZERO_LINEAR_SPAN * minpos ? AX_LINEAR : AX_LOG1P;
	/* counts on log10(1 + y) are not rescaled: the +1 is one event */
	/* a log axis in the unit of the middle of its decades (478 us to
	 * 90 ms: ms, ticks 0.1 to 100), a linear one in that of its largest */
	if (b->unit && ax == AX_LOG)
		metric__scale(sqrt(minpos * maxv), b->unit, &mul, unit, sizeof(unit));
	else if (b->unit && ax != AX_LOG1P)
		metric__scale(maxv > 0 ? maxv : 0, b->unit, &mul, unit, sizeof(unit));
	else if (b->unit)
		snprintf(unit, sizeof(unit), "%s", !strcmp(b->unit, "count") ? "" : b->unit);
	snprintf(ylabel, sizeof(ylabel), "%s%s%s%s%s", b->label, unit[0] || ax != AX_LINEAR ? " (" : "",
		 unit, unit[0] && ax != AX_LINEAR ? ", " : "",
		 ax == AX_LOG ? "log scale)" : ax == AX_LOG1P ? "log, from 0)" : unit[0] ? ")" : "");

	snprintf(path, sizeof(path), "%s/%s.dat", c->outdir, fig->name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "# group");
	for (int s = 0; s < ns_all; s++) {
		/* a comment line: a newline in a name would start a data line */
		for (int k = 0; k < 3; k++) {
			fputc('\t', f);
			esc_gp(f, c->sched[s]);
			fputs(k == 0 ? "_median" : k == 1 ? "_ci_lo" : "_ci_hi", f);
		}
	}
	fputs("\n# values in ", f);
	esc_gp(f, b->unit && b->unit[0] ? b->unit : "(no unit)"); /* from the database */
	fprintf(f, " as stored; the script scales them by %g\n", mul);
	for (int g = 0; g < ng; g++) {
		esc_gp_data(f, b->groups[g]);
		for (int s = 0; s < ns_all; s++) {
			const struct bar_val *v = &b->vals[g * ns_all + s];
			/* an error bar needs both ends: draw the bar without one */
			bool ci = !isnan(v->lo) && !isnan(v->hi);

			dat_num(f, v->med);
			dat_num(f, ci ? v->lo : v->med);
			dat_num(f, ci ? v->hi : v->med);
		}
		fputc('\n', f);
	}
	if ((err = close_stream(f)))
		return err;
	if (!ns) {
		snprintf(fig->missing, sizeof(fig->missing), "no scheduler has a value here");
		return 0;
	}

	/* many long group names (the 14 sched_ext counters): bars lie
	 * down, their names horizontal on the left, read without turning
	 * the head */
	for (int g = 0; g < ng; g++)
		if ((int)strlen(b->groups[g]) > maxlen)
			maxlen = (int)strlen(b->groups[g]);
	horiz = ng > 1 && ng * (maxlen + 2) > 56 && ng * ((maxlen + 1) / 2 + 3) > 72;
	maxlen = 0;
	f = gp__begin(c->outdir, fig->name, fig->title);
	if (!f)
		return -errno;
	w = 0.8 / ns;
	va = horiz ? 'x' : 'y';
	ga = horiz ? 'y' : 'x';
	fprintf(f, "set style fill solid 0.85 border -1\nset boxwidth %g absolute\n"
		   "set %crange [-0.6:%g]\nset %clabel \"", w, ga, ng - 0.4, ga);
	esc_gp(f, b->xlabel ? b->xlabel : "");
	fprintf(f, "\"\nset %clabel \"", va);
	if (horiz)
		esc_gp(f, ylabel);
	else
		gp__label(f, ylabel);
	fprintf(f, "\"\n");
	if (horiz)
		fprintf(f, "unset grid\nset grid xtics lc rgb \"#dddddd\" lw 1 dt 1\n");
	/* ticks: a lone group is named by the title, its bars by scheduler */
	fprintf(f, "set %ctics nomirror scale 0 (", ga);
	if (ng == 1) {
		for (int i = 0; i < ns; i++) {
			fprintf(f, "%s\"", i ? ", " : "");
			esc_gp(f, c->sched[drawn[i]]);
			fprintf(f, "\" %g", (i - (ns - 1) / 2.0) * w);
			if ((int)strlen(c->sched[drawn[i]]) > maxlen)
				maxlen = (int)strlen(c->sched[drawn[i]]);
		}
	} else {
		/* long names over two lines when that lets them stand upright */
		bool wrap = false;

		for (int g = 0; g < ng; g++)
			if ((int)strlen(b->groups[g]) > maxlen)
				maxlen = (int)strlen(b->groups[g]);
		/* side by side they need ng * (maxlen + 2) characters of the
		 * ~60 a row has; two lines halve that */
		if (!horiz && maxlen > 8 && ng * (maxlen + 2) > 56 &&
		    ng * ((maxlen + 1) / 2 + 3) <= 72) {
			wrap = true;
			maxlen = 0;
		}
		for (int g = 0; g < ng; g++) {
			char l1[64], l2[64] = "";

			snprintf(l1, sizeof(l1), "%s", b->groups[g]);
			if (wrap && strlen(l1) > 10)
				split_words(l1, l2);
			if ((int)strlen(l1) > maxlen)
				maxlen = (int)strlen(l1);
			if ((int)strlen(l2) > maxlen)
				maxlen = (int)strlen(l2);
			fprintf(f, "%s\"", g ? ", " : "");
			esc_gp(f, l1);
			if (l2[0]) {
				wrapped = true;
				fputs("\\n", f);
				esc_gp(f, l2);
			}
			/* lying down, the first group on top */
			fprintf(f, "\" %d", horiz ? ng - 1 - g : g);
		}
	}
	fprintf(f, ")\n");
	if (wrapped)
		fprintf(f, "set bmargin 4\n");
	if (ng == 1) {
		fprintf(f, "unset key\nset tmargin 2.5\n");
	} else {
		const char *keys[64];

		for (int i = 0; i < ns; i++)
			keys[i] = c->sched[drawn[i]];
		gp__key_above(f, gp__key_rows(keys, ns));
	}
	/* a lone group's scheduler names that would not fit side by side
	 * are rotated, ending under their tick */
	if (!horiz && (ng == 1 ? ns : ng) * (maxlen + 2) > 66)
		fprintf(f, "set xtics rotate by 30 right\nset bmargin %d\nset lmargin %d\n",
			1 + maxlen / 4, 4 + maxlen / 2);
	top = maxv > 0 ? maxv * mul : 1;
	switch (ax) {
	case AX_LOG:
		base = pow(10, floor(log10(minpos * mul)));
		fprintf(f, "set logscale %c 10\nset format %c \"%%g\"\nset %crange [%g:*]\n", va, va,
			va, base);
		break;
	case AX_LOG1P:
		/* up to the decade above the largest value, every decade
		 * labelled (1 only when it is not crowded against 0) */
		fprintf(f, "set nonlinear %c via log10(%c + 1) inverse 10**%c - 1\nset %crange [0:%g]\n"
			   "set %ctics (\"0\" 0", va, va, va, va, pow(10, ceil(log10(top + 1))), va);
		for (double d = top >= 100 ? 10 : 1; d <= pow(10, ceil(log10(top + 1))); d *= 10) {
			char t[16];

			tick_label(t, sizeof(t), d);
			fprintf(f, ", \"%s\" %g", t, d);
		}
		fprintf(f, ")\n");
		break;
	default:
		/* the zero line runs along the group axis */
		if (neg)
			fprintf(f, "set %czeroaxis lt -1 lw 1\n", ga);
		else
			fprintf(f, "set %crange [0:*]\n", va);
	}
	fprintf(f, "plot ");
	for (int i = 0; i < ns; i++) {
		int s = drawn[i], col = 2 + 3 * s;
		double off = (i - (ns - 1) / 2.0) * w;
		char pos[64];

		/* a group's place on its axis, this scheduler's bar in it */
		if (horiz)
			snprintf(pos, sizeof(pos), "(%d - $0 - %g)", ng - 1, off);
		else
			snprintf(pos, sizeof(pos), "($0 + %g)", off);
		if (horiz)
			fprintf(f, "%s'%s.dat' using (%g):%s:(%g):(column(%d) * %g):(%s - %g):(%s + %g)"
				   " with boxxyerror lc rgb \"%s\" %s title \"", i ? ", \\\n     " : "",
				fig->name, ax == AX_LOG ? base : 0, pos, ax == AX_LOG ? base : 0, col, mul,
				pos, w / 2, pos, w / 2, report__color(c, s),
				gp__fill(report__variant(c, s)));
		else
			fprintf(f, "%s'%s.dat' using %s:(column(%d) * %g) with boxes lc rgb \"%s\" %s"
				   " title \"", i ? ", \\\n     " : "", fig->name, pos, col, mul,
				report__color(c, s), gp__fill(report__variant(c, s)));
		esc_gp(f, c->sched[s]);
		/* the CI as a capped vector: yerrorbars would add a point */
		if (horiz)
			fprintf(f, "\", \\\n     '' using (column(%d) * %g):%s:((column(%d) - column(%d))"
				   " * %g):(0) with vectors heads size screen 0.006,90 lc rgb \"#000000\""
				   " lw 1 notitle", col + 1, mul, pos, col + 2, col + 1, mul);
		else
			fprintf(f, "\", \\\n     '' using %s:(column(%d) * %g):(0):((column(%d) -"
				   " column(%d)) * %g) with vectors heads size screen 0.006,90 lc rgb"
				   " \"#000000\" lw 1 notitle", pos, col + 1, mul, col + 2, col + 1, mul);
		if (zero && horiz)
			fprintf(f, ", \\\n     '' using (0):%s:(column(%d) == 0 ? \"0\" : \"\")"
				   " with labels left tc rgb \"%s\" offset 0.4,0 notitle",
				pos, col, report__color(c, s));
		else if (zero)
			fprintf(f, ", \\\n     '' using %s:(0):(column(%d) == 0 ? \"0\" : \"\")"
				   " with labels tc rgb \"%s\" offset 0,0.6 notitle",
				pos, col, report__color(c, s));
	}
	fprintf(f, "\n");
	if ((err = close_stream(f)))
		return err;
	{
		size_t l = strlen(fig->caption);
		const char *note =
			ax == AX_LOG ? " Log value axis." :
			ax == AX_LOG1P ? " The value axis is log10(1 + value): log above ~10, and a value"
					 " of 0 (labelled 0) stays on it." :
			zero && b->logy ? " Linear value axis (the values span little enough): bars at 0"
					  " are labelled 0." :
			zero ? " Bars at 0 are labelled 0." : "";

		snprintf(fig->caption + l, sizeof(fig->caption) - l, "%s", note);
	}
	report__render(c, fig);
	return 0;
}

int fig_bars(struct report_ctx *c, struct report_fig *fig, const char *const *groups,
	     int ngroups, const struct bar_val *vals, const char *xlabel, const char *ylabel,
	     bool logy)
{
	struct bar_spec b = { .groups = groups, .ngroups = ngroups, .vals = vals,
			      .xlabel = xlabel, .label = ylabel, .unit = NULL, .logy = logy };

	return fig_bars_spec(c, fig, &b);
}

struct bar_val *fig_bars__of_rows(const struct report_ctx *c, const struct cmp_table *t,
				  const int *idx, int ng)
{
	struct bar_val *vals = calloc((size_t)(ng ? ng : 1) * (c->nsched ? c->nsched : 1),
				      sizeof(*vals));

	if (!vals)
		return NULL;
	for (int g = 0; g < ng; g++)
		for (int s = 0; s < c->nsched; s++) {
			vals[g * c->nsched + s] = (struct bar_val){ NAN, NAN, NAN };
			for (int i = 0; i < t->nsched; i++)
				if (!strcmp(t->sched[i].name, c->sched[s])) {
					const struct q_result *r = compare__row(t, idx[g], i);

					vals[g * c->nsched + s] =
						(struct bar_val){ r->median, r->ci_lo, r->ci_hi };
				}
		}
	return vals;
}
