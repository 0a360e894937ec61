// SPDX-License-Identifier: GPL-2.0
/*
 * Replay fidelity: per distribution (run bursts, sleep lengths, wakeup
 * latency), the captured CDF (what `scxbench capture` saw, stored with
 * every replay run) beside the replayed CDF of each scheduler (what the
 * trace saw of the replay's threads), log x. On the scheduler the capture
 * was taken on, the curves should lie on each other; on others, the gap
 * is the scheduler's doing. The KS distance and the ratio of medians are
 * in the comparison table (replay_ks_*, replay_median_ratio_*).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "reports/report.h"

static void write_cdf(FILE *f, const struct hist *h)
{
	uint64_t cum = 0;

	for (unsigned int b = 0; b < HIST_NBUCKETS; b++) {
		if (!h->buckets[b])
			continue;
		if (!cum)
			fprintf(f, "%.6g\t0\n", (hist__bucket_lo(b) ? hist__bucket_lo(b) : 1) / 1e3);
		cum += h->buckets[b];
		fprintf(f, "%.6g\t%.6f\n", (hist__bucket_hi(b) ? hist__bucket_hi(b) : 1) / 1e3,
			(double)cum / h->count);
	}
	fprintf(f, "\n\n");
}

static int one(struct report_ctx *c, const char *what, struct hist *h, struct hist *tmp,
	       int64_t *ids)
{
	char stem[64], path[4096], title[128], cap[64], rep[64];
	int drawn[64], ndrawn = 0, blocks = 0;
	struct report_fig *fig;
	bool have_cap = false;
	FILE *f;

	snprintf(stem, sizeof(stem), "fidelity_%s", what);
	snprintf(cap, sizeof(cap), "replay_captured_%s", what);
	snprintf(rep, sizeof(rep), "trace_%s_replay", what);
	snprintf(title, sizeof(title), "Replay fidelity: %s, captured vs replayed", what);
	fig = report__add_fig(c, stem, title);
	if (!fig)
		return -ENOMEM;
	snprintf(path, sizeof(path), "replay_ks_%s", what);
	report__fig_about(fig, path); /* the replay fidelity section */
	snprintf(path, sizeof(path), "%s/%s.dat", c->outdir, stem);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "# block 0: the capture; then one block per scheduler; x = us, y = fraction <= x\n");
	/* the capture: the same in every run of one comparison, from the first */
	for (int s = 0; s < report__nsched(c) && !have_cap; s++) {
		int n = report__ok_runs(c, s, ids);

		for (int i = 0; i < n && !have_cap; i++)
			if (!store__q_hist(c->st, ids[i], cap, tmp) && tmp->count) {
				write_cdf(f, tmp);
				have_cap = true;
			}
	}
	for (int s = 0; have_cap && s < report__nsched(c) && ndrawn < 64; s++) {
		int n = report__ok_runs(c, s, ids);

		hist__init(h);
		for (int i = 0; i < n; i++)
			if (!store__q_hist(c->st, ids[i], rep, tmp))
				hist__merge(h, tmp);
		if (!h->count)
			continue;
		write_cdf(f, h);
		drawn[ndrawn++] = s;
		blocks++;
	}
	if (fclose(f))
		return -EIO;
	if (!have_cap || !ndrawn) {
		snprintf(fig->missing, sizeof(fig->missing), "%s", have_cap ?
			 "no traced replay (run without --no-trace)" : "no replay runs");
		return 0;
	}
	snprintf(fig->caption, sizeof(fig->caption),
		 "Replay fidelity (%s): the captured distribution (grey, dashed) and what the trace"
		 " saw of the replay under each scheduler (all its successful runs merged).", what);
	f = gp__begin(c->outdir, stem, title);
	if (!f)
		return -errno;
	{
		/* the key's titles as drawn, so that their rows are counted right */
		char titles[64][80];
		const char *keys[65];
		int nk = 0;

		keys[nk++] = "captured";
		for (int i = 0; i < ndrawn; i++) {
			snprintf(titles[i], sizeof(titles[i]), "%s (replayed)",
				 report__sched_name(c, drawn[i]));
			keys[nk++] = titles[i];
		}
		gp__key_above(f, gp__key_rows(keys, nk));
	}
	fprintf(f, "set logscale x 10\nset format x \"%%g\"\n"
		   "set grid xtics ytics lc rgb \"#dddddd\"\n"
		   "set yrange [0:1.02]\nset ytics 0.2\n"
		   "set xlabel \"%s (µs, log scale)\"\nset ylabel \"fraction\"\n"
		   "plot '%s.dat' index 0 using 1:2 with steps lw 3 dt 2 lc rgb \"#888888\" title \"captured\"",
		   !strcmp(what, "burst") ? "run burst" : !strcmp(what, "sleep") ? "sleep length" :
		   "wakeup latency", stem);
	for (int i = 0; i < ndrawn; i++) {
		fprintf(f, ", \\\n     '%s.dat' index %d using 1:2 with steps lw 2 dt %d lc rgb \"%s\""
			" title \"", stem, i + 1, gp__dash(report__variant(c, drawn[i])),
			report__color(c, drawn[i]));
		esc_gp(f, report__sched_name(c, drawn[i]));
		fputs(" (replayed)\"", f);
	}
	fputc('\n', f);
	if (fclose(f))
		return -EIO;
	report__render(c, fig);
	return 0;
}

int fig_fidelity(struct report_ctx *c)
{
	static const char *const what[] = { "burst", "sleep", "wakeup" };
	int64_t *ids = malloc(sizeof(*ids) * (c->runs->n + 1));
	struct hist *h = malloc(sizeof(*h)), *tmp = malloc(sizeof(*tmp));
	int err = 0;
	bool replay = false;

	for (int i = 0; i < c->runs->n; i++)
		replay |= !strcmp(c->runs->v[i].workload, "replay");
	if (!ids || !h || !tmp)
		err = -ENOMEM;
	for (size_t i = 0; replay && !err && i < sizeof(what) / sizeof(what[0]); i++)
		err = one(c, what[i], h, tmp, ids);
	free(ids);
	free(h);
	free(tmp);
	return err;
}
