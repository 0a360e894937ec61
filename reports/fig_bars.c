// SPDX-License-Identifier: GPL-2.0
/* Clustered bars with CI error bars, one color per scheduler. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/util.h"
#include "reports/report.h"

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

static void dat_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("\tNaN", f);
	else
		fprintf(f, "\t%.6g", v);
}

int fig_bars(struct report_ctx *c, struct report_fig *fig, const char *const *groups,
	     int ngroups, const struct bar_val *vals, const char *xlabel, const char *ylabel,
	     bool logy)
{
	char path[4096];
	double ymin = INFINITY;
	int ns = c->nsched, maxlen = 0, err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dat", c->outdir, fig->name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "# group");
	for (int s = 0; s < ns; s++) {
		/* a comment line: a newline in a name would start a data line */
		for (int k = 0; k < 3; k++) {
			fputc('\t', f);
			esc_gp(f, c->sched[s]);
			fputs(k == 0 ? "_median" : k == 1 ? "_ci_lo" : "_ci_hi", f);
		}
	}
	fputc('\n', f);
	for (int g = 0; g < ngroups; g++) {
		esc_gp_data(f, groups[g]);
		for (int s = 0; s < ns; s++) {
			const struct bar_val *v = &vals[g * ns + s];
			/* an error bar needs both ends: draw the bar without one */
			bool ci = !isnan(v->lo) && !isnan(v->hi);

			dat_num(f, v->med);
			dat_num(f, ci ? v->lo : v->med);
			dat_num(f, ci ? v->hi : v->med);
			if (v->med > 0 && v->med < ymin)
				ymin = v->med;
			if (ci && v->lo > 0 && v->lo < ymin)
				ymin = v->lo;
		}
		fputc('\n', f);
	}
	if ((err = close_stream(f)))
		return err;

	f = gp__begin(c->outdir, fig->name, fig->title);
	if (!f)
		return -errno;
	fprintf(f, "set style data histogram\n"
		   "set style histogram errorbars gap 1 lw 1.5\n"
		   "set style fill solid 0.85 border -1\n"
		   "set boxwidth 0.9\n"
		   /* above the plot: a key can never hide a bar there */
		   "set key outside top center horizontal\n"
		   "set xlabel \"");
	esc_gp(f, xlabel);
	fprintf(f, "\"\nset ylabel \"");
	esc_gp(f, ylabel);
	fprintf(f, "\"\n");
	/* group names that would not fit side by side are rotated */
	for (int g = 0; g < ngroups; g++)
		if ((int)strlen(groups[g]) > maxlen)
			maxlen = (int)strlen(groups[g]);
	if (ngroups * (maxlen + 2) > 44)
		/* ending under their tic, rising to the left: never past the
		 * right edge; the bottom margin grows with the longest one */
		fprintf(f, "set xtics rotate by 30 right\nset bmargin %d\n",
			3 + (maxlen + 3) / 4);
	if (logy && ymin < INFINITY)
		fprintf(f, "set logscale y\nset yrange [%g:*]\n", ymin / 2);
	else
		fprintf(f, "set yrange [0:*]\n");
	fprintf(f, "plot ");
	for (int s = 0; s < ns; s++) {
		fprintf(f, "%s'%s.dat' using %d:%d:%d%s lc rgb \"%s\" title \"", s ? ", \\\n     " : "",
			fig->name, 2 + 3 * s, 3 + 3 * s, 4 + 3 * s, s ? "" : ":xtic(1)", gp__color(s));
		esc_gp(f, c->sched[s]);
		fprintf(f, "\"");
	}
	fprintf(f, "\n");
	if ((err = close_stream(f)))
		return err;
	report__render(c, fig);
	return 0;
}
