// SPDX-License-Identifier: GPL-2.0
/*
 * Latency CDF per scheduler, log x, from the histograms of every ok run
 * of the scheduler merged (not an average of per-run CDFs: the merged
 * histogram is the distribution of all wakeups observed).
 *
 * A probe histogram NAME and its coordinated-omission-corrected twin
 * NAME_co (harness/lib/hist.h) share one figure: the raw curve solid,
 * the corrected one dashed in the same colour, so that a reader sees
 * both and how far apart they are. A _co histogram without its raw twin
 * gets a figure of its own.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/log.h"
#include "harness/lib/metric_info.h"
#include "harness/lib/util.h"
#include "reports/report.h"

struct cdf_curve {
	int sched, co; /* co: the corrected twin */
};

/* One block per drawn curve into f; the curves appended to cv. */
static int write_curves(struct report_ctx *c, FILE *f, const char *hname, int co,
			struct hist *h, struct hist *tmp, int64_t *ids, struct cdf_curve *cv,
			int *ncv, double *median_us, double scale)
{
	for (int s = 0; s < c->nsched && *ncv < 128; s++) {
		int n = report__ok_runs(c, s, ids);
		uint64_t cum = 0;

		hist__init(h);
		for (int i = 0; i < n; i++)
			if (!store__q_hist(c->st, ids[i], hname, tmp))
				hist__merge(h, tmp);
		if (!h->count)
			continue;
		fputs("# ", f);
		esc_gp(f, c->sched[s]); /* a comment: one line, UTF-8 */
		fprintf(f, "%s: %llu samples from %d runs\n", co ? " (CO-corrected)" : "",
			(unsigned long long)h->count, n);
		if (!co && isnan(*median_us))
			*median_us = hist__percentile(h, 50) * scale;
		for (unsigned int b = 0; b < HIST_NBUCKETS; b++) {
			double x;

			if (!h->buckets[b])
				continue;
			if (!cum) /* start the curve at 0 on the first bucket */
				fprintf(f, "%.6g\t0\n",
					(double)(hist__bucket_lo(b) ? hist__bucket_lo(b) : 1) * scale);
			cum += h->buckets[b];
			x = (double)(hist__bucket_hi(b) ? hist__bucket_hi(b) : 1) * scale;
			fprintf(f, "%.6g\t%.6f\n", x, (double)cum / h->count);
		}
		fprintf(f, "\n\n");
		cv[(*ncv)++] = (struct cdf_curve){ s, co };
	}
	return 0;
}

static int one_cdf(struct report_ctx *c, const char *hname, const char *unit, bool with_co,
		   struct hist *h, struct hist *tmp, int64_t *ids)
{
	char stem[96], path[4096], title[200], co[80], xunit[16];
	struct report_fig *fig;
	struct metric_info mi;
	/* histograms hold ns; the axis shows us, or ms when the median is
	 * past 10 ms (a starved probe) */
	double scale = !strcmp(unit, "ns") ? 1e-3 : 1, median = NAN, mul;
	struct cdf_curve cv[128];
	int ncv = 0, nraw, err;
	FILE *f;

	metric__info(hname, &mi);
	report__stem(stem, sizeof(stem), "cdf_", hname);
	report__title_case(title, sizeof(title), mi.label);
	snprintf(title + strlen(title), sizeof(title) - strlen(title), " CDF per scheduler");
	fig = report__add_fig(c, stem, title);
	if (!fig)
		return -ENOMEM;
	report__fig_about(fig, hname);
	snprintf(path, sizeof(path), "%s/%s.dat", c->outdir, stem);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "# one block per curve (gnuplot index); x = ");
	esc_gp(f, scale != 1 ? "us" : unit);
	fprintf(f, ", y = fraction <= x\n");
	write_curves(c, f, hname, 0, h, tmp, ids, cv, &ncv, &median, scale);
	nraw = ncv;
	snprintf(co, sizeof(co), "%s_co", hname);
	if (with_co)
		write_curves(c, f, co, 1, h, tmp, ids, cv, &ncv, &median, scale);
	if ((err = close_stream(f)))
		return err;
	if (!ncv) {
		snprintf(fig->missing, sizeof(fig->missing),
			 "no %s histogram in any successful run", hname);
		return 0;
	}
	/* x in us from here; a starved probe's milliseconds read as ms */
	metric__scale(isnan(median) ? 1 : median / 10, "us", &mul, xunit, sizeof(xunit));
	if (strcmp(xunit, "ms") && strcmp(xunit, "s"))
		mul = 1, snprintf(xunit, sizeof(xunit), "us");
	snprintf(fig->caption, sizeof(fig->caption),
		 "Cumulative distribution of %s over all successful runs of each scheduler"
		 " (histograms merged; log-linear buckets, < 0.4 %% relative error). Curves to the"
		 " left are better; the top of a curve is the tail.%s", mi.label,
		 with_co && ncv > nraw ? " Dashed: corrected for coordinated omission (a stalled"
					 " probe's missed periods counted as the waits they were)." : "");
	f = gp__begin(c->outdir, stem, title);
	if (!f)
		return -errno;
	fprintf(f, "set logscale x 10\n"
		   "set format x \"%%g\"\n"
		   "set grid xtics ytics lc rgb \"#dddddd\"\n"
		   "set yrange [0:1.02]\n"
		   "set ytics 0.2\n"
		   "set xlabel \"");
	esc_gp(f, mi.label);
	fprintf(f, " (%s, log scale)\"\n", xunit);
	{
		const char *keys[129];
		int nk = 0;

		for (int i = 0; i < nraw; i++)
			keys[nk++] = c->sched[cv[i].sched];
		if (ncv > nraw)
			keys[nk++] = "CO-corrected";
		gp__key_above(f, gp__key_rows(keys, nk));
	}
	fprintf(f, "set ylabel \"fraction of samples\"\nplot ");
	for (int i = 0; i < ncv; i++) {
		int s = cv[i].sched;

		fprintf(f, "%s'%s.dat' index %d using ($1 * %g):2 with steps lw 1.5 dt %d lc rgb \"%s\" ",
			i ? ", \\\n     " : "", stem, i, mul, cv[i].co ? 2 : gp__dash(report__variant(c, s)),
			report__color(c, s));
		if (cv[i].co) {
			fprintf(f, "notitle");
			continue;
		}
		fprintf(f, "title \"");
		esc_gp(f, c->sched[s]);
		fprintf(f, "\"");
	}
	if (ncv > nraw) /* one key entry says what dashed means */
		fprintf(f, ", \\\n     NaN with lines lw 1.5 dt 2 lc rgb \"#555555\" title \"CO-corrected\"");
	fprintf(f, "\n");
	if ((err = close_stream(f)))
		return err;
	report__render(c, fig);
	return 0;
}

static bool has_name(char (*names)[64], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

int fig_cdf(struct report_ctx *c)
{
	int64_t *ids = malloc(sizeof(*ids) * (c->runs->n + 1));
	struct hist *h = malloc(sizeof(*h)), *tmp = malloc(sizeof(*tmp));
	char(*names)[64] = NULL, (*units)[16] = NULL;
	int nnames = 0, err;

	if (!ids || !h || !tmp) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < c->runs->n; i++)
		ids[i] = c->runs->v[i].id;
	err = store__q_hist_names(c->st, ids, c->runs->n, &names, &units, &nnames);
	if (err)
		goto cleanup;
	if (!nnames) {
		struct report_fig *fig = report__add_fig(c, "cdf", "Latency CDF");

		if (!fig) {
			err = -ENOMEM;
			goto cleanup;
		}
		snprintf(fig->missing, sizeof(fig->missing),
			 "no latency histograms stored for these runs (workload without a"
			 " latency probe?)");
	}
	for (int i = 0; i < nnames && !err; i++) {
		size_t l = strlen(names[i]);
		char raw[64];

		/* a replay's bursts and sleeps are no latencies: fig_fidelity.c */
		if (!strncmp(names[i], "replay_captured_", 16) || !strncmp(names[i], "trace_burst_", 12) ||
		    !strncmp(names[i], "trace_sleep_", 12))
			continue;
		/* NAME_co is drawn in NAME's figure */
		if (l > 3 && !strcmp(names[i] + l - 3, "_co")) {
			snprintf(raw, sizeof(raw), "%.*s", (int)(l - 3), names[i]);
			if (has_name(names, nnames, raw))
				continue;
		}
		snprintf(raw, sizeof(raw), "%s_co", names[i]);
		err = one_cdf(c, names[i], units[i], has_name(names, nnames, raw), h, tmp, ids);
	}
cleanup:
	free(names);
	free(units);
	free(ids);
	free(h);
	free(tmp);
	return err;
}
