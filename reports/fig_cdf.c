// SPDX-License-Identifier: GPL-2.0
/*
 * Latency CDF per scheduler, log x, from the histograms of every ok run
 * of the scheduler merged (not an average of per-run CDFs: the merged
 * histogram is the distribution of all wakeups observed).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/log.h"
#include "reports/report.h"

static int one_cdf(struct report_ctx *c, const char *hname, const char *unit, struct hist *h,
		   struct hist *tmp, int64_t *ids)
{
	char stem[96], path[4096], title[160];
	struct report_fig *fig;
	bool ns_unit = !strcmp(unit, "ns");
	double scale = ns_unit ? 1e-3 : 1;
	int drawn[64], ndrawn = 0;
	FILE *f;

	report__stem(stem, sizeof(stem), "cdf_", hname);
	snprintf(title, sizeof(title), "CDF of %s per scheduler", hname);
	fig = report__add_fig(c, stem, title);
	if (!fig)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/%s.dat", c->outdir, stem);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "# one block per scheduler (gnuplot index); x = %s, y = fraction <= x\n",
		ns_unit ? "us" : unit);
	for (int s = 0; s < c->nsched && ndrawn < 64; s++) {
		int n = report__ok_runs(c, s, ids);
		uint64_t cum = 0;

		hist__init(h);
		for (int i = 0; i < n; i++)
			if (!store__q_hist(c->st, ids[i], hname, tmp))
				hist__merge(h, tmp);
		if (!h->count)
			continue;
		fprintf(f, "# %s: %llu samples from %d runs\n", c->sched[s],
			(unsigned long long)h->count, n);
		for (unsigned int b = 0; b < HIST_NBUCKETS; b++) {
			double x;

			if (!h->buckets[b])
				continue;
			if (!cum) /* start the curve at 0 on the first bucket */
				fprintf(f, "%.6g\t0\n", (double)(hist__bucket_lo(b) ? hist__bucket_lo(b) : 1) * scale);
			cum += h->buckets[b];
			x = (double)(hist__bucket_hi(b) ? hist__bucket_hi(b) : 1) * scale;
			fprintf(f, "%.6g\t%.6f\n", x, (double)cum / h->count);
		}
		fprintf(f, "\n\n");
		drawn[ndrawn++] = s;
	}
	if (fclose(f))
		return -EIO;
	if (!ndrawn) {
		snprintf(fig->missing, sizeof(fig->missing),
			 "no %s histogram in any successful run", hname);
		return 0;
	}
	snprintf(fig->caption, sizeof(fig->caption),
		 "Cumulative distribution of %s over all successful runs of each scheduler"
		 " (histograms merged; log-linear buckets, < 0.4 %% relative error).", hname);
	f = gp__begin(c->outdir, stem, title);
	if (!f)
		return -errno;
	fprintf(f, "set logscale x 10\n"
		   "set format x \"%%g\"\n"
		   "set grid xtics ytics lc rgb \"#dddddd\"\n"
		   "set key bottom right\n"
		   "set yrange [0:1.02]\n"
		   "set ytics 0.2\n"
		   "set xlabel \"");
	esc_gp(f, hname);
	fprintf(f, "%s (", strstr(hname, "lat") ? "" : " latency");
	esc_gp(f, ns_unit ? "µs" : unit); /* the unit comes from the database */
	fprintf(f, ", log scale)\"\n");
	fprintf(f, "set ylabel \"fraction of samples\"\nplot ");
	for (int i = 0; i < ndrawn; i++) {
		fprintf(f, "%s'%s.dat' index %d using 1:2 with steps lw 2 lc rgb \"%s\" title \"",
			i ? ", \\\n     " : "", stem, i, gp__color(drawn[i]));
		esc_gp(f, c->sched[drawn[i]]);
		fprintf(f, "\"");
	}
	fprintf(f, "\n");
	if (fclose(f))
		return -EIO;
	report__render(c, fig);
	return 0;
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
		/* a replay's bursts and sleeps are no latencies: fig_fidelity.c */
		if (!strncmp(names[i], "replay_captured_", 16) || !strncmp(names[i], "trace_burst_", 12) ||
		    !strncmp(names[i], "trace_sleep_", 12))
			continue;
		err = one_cdf(c, names[i], units[i], h, tmp, ids);
	}
cleanup:
	free(names);
	free(units);
	free(ids);
	free(h);
	free(tmp);
	return err;
}
