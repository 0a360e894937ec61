// SPDX-License-Identifier: GPL-2.0
/* Sample counts of the latency probe across schedulers (probe_samples.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/core/probe_samples.h"

static const struct {
	const char *kind, *metric, *co;
} kinds[PROBE_SAMPLES_MAX_GAPS] = {
	{ "timer", "timer_lat_samples", "timer_lat_co" },
	{ "wakeup", "wakeup_lat_samples", "wakeup_lat_co" },
};

int probe_samples__gaps(const struct cmp_table *t, struct probe_sample_gap *gaps, int n)
{
	int found = 0;

	for (int i = 0; i < PROBE_SAMPLES_MAX_GAPS; i++)
		for (int k = 0; k < t->nmetrics; k++) {
			struct probe_sample_gap g = { kinds[i].kind, kinds[i].metric, kinds[i].co,
						      -1, -1, NAN, NAN };

			if (strcmp(compare__row(t, k, 0)->metric, kinds[i].metric))
				continue;
			for (int s = 0; s < t->nsched; s++) {
				const struct q_result *r = compare__row(t, k, s);

				if (!r->n || isnan(r->median))
					continue;
				if (g.lo < 0 || r->median < g.lo_samples) {
					g.lo = s;
					g.lo_samples = r->median;
				}
				if (g.hi < 0 || r->median > g.hi_samples) {
					g.hi = s;
					g.hi_samples = r->median;
				}
			}
			if (g.lo >= 0 && g.hi_samples > 0 &&
			    g.hi_samples > PROBE_SAMPLES_RATIO * g.lo_samples) {
				if (found < n)
					gaps[found] = g;
				found++;
			}
			break;
		}
	return found;
}

/* 3001 -> "3,001" */
static void fmt_count(char *buf, size_t len, double v)
{
	char digits[32];
	size_t nd, o = 0;

	snprintf(digits, sizeof(digits), "%.0f", v < 0 || isnan(v) ? 0 : v);
	nd = strlen(digits);
	for (size_t i = 0; i < nd && o + 2 < len; i++) {
		if (i && (nd - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = 0;
}

int probe_samples__warning(const struct cmp_table *t, const struct probe_sample_gap *g,
			   char *buf, size_t len)
{
	char lo[32], hi[32];

	fmt_count(lo, sizeof(lo), g->lo_samples);
	fmt_count(hi, sizeof(hi), g->hi_samples);
	/* not "flattering" one way: a probe starved now and then misses its
	 * worst periods (raw percentiles too good), one starved all the time
	 * samples only stalls (raw percentiles worse than what a period saw) */
	return snprintf(buf, len,
			"warning: the probe got %s %s samples per run under %s but %s under %s"
			" (more than %gx): a starved probe samples less often, so the raw %.*s"
			" percentiles are not comparable (coordinated omission); compare the"
			" corrected %s_* figures", lo, g->kind, t->sched[g->lo].name, hi,
			t->sched[g->hi].name, PROBE_SAMPLES_RATIO, (int)(strlen(g->co) - 3), g->co,
			g->co);
}
