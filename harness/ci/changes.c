// SPDX-License-Identifier: GPL-2.0
/*
 * Change points per gated metric over the labelled history (changes.h).
 * A cell's history holds one median per label, so the series has one
 * value per night and the size's CI resamples nights only.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ci/changes.h"
#include "harness/ci/ctx.h"
#include "harness/lib/escape.h"

#define CI_CP_MAX 8

int ci_changes__find(const struct ci_cell *cells, int n, uint64_t seed,
		     struct ci_change **out, int *nout)
{
	struct ci_change *v = NULL;
	int nv = 0, cap = 0;

	*out = NULL;
	*nout = 0;
	for (int i = 0; i < n; i++) {
		const struct ci_cell *c = &cells[i];
		struct cp_point cp[CI_CP_MAX], prev[CI_CP_MAX];
		double x[512];
		int night[512], m = c->nhist < 512 ? c->nhist : 512, k;
		struct cp_opts o = { 0 };
		int *ord, kp;

		if (c->survival || !c->better || !c->gated || m < 4)
			continue;
		ord = malloc(sizeof(*ord) * c->nhist);
		if (!ord) {
			free(v);
			return -ENOMEM;
		}
		/* hist[] is in no particular order: oldest first by time,
		 * tonight (t = 1e300) last; the newest 512 nights */
		for (int j = 0; j < c->nhist; j++)
			ord[j] = j;
		for (int j = 1; j < c->nhist; j++)
			for (int q = j; q > 0 && c->hist[ord[q - 1]].t > c->hist[ord[q]].t; q--) {
				int t = ord[q];

				ord[q] = ord[q - 1];
				ord[q - 1] = t;
			}
		for (int j = 0; j < m; j++) {
			x[j] = c->hist[ord[c->nhist - m + j]].median;
			night[j] = j;
		}
		o.seed = ci__hash_str(c->scheduler) ^ ci__hash_str(c->workload) * 31 ^
			 ci__hash_str(c->metric) * 131 ^ seed;
		k = changepoint__detect(x, night, m, &o, cp, CI_CP_MAX);
		/* the same search without tonight (the last night) */
		kp = k > 0 ? changepoint__detect(x, night, m - 1, &o, prev, CI_CP_MAX) : 0;
		if (k == -ENOMEM || kp == -ENOMEM) {
			free(ord);
			free(v);
			return -ENOMEM;
		}
		for (int j = 0; j < k; j++) {
			struct ci_change *ch;
			double bad = c->better < 0 ? cp[j].rel_pct : -cp[j].rel_pct;

			if (nv == cap) {
				struct ci_change *nvp = realloc(v, sizeof(*v) * (cap = cap * 2 + 8));

				if (!nvp) {
					free(ord);
					free(v);
					return -ENOMEM;
				}
				v = nvp;
			}
			ch = &v[nv++];
			memset(ch, 0, sizeof(*ch));
			ch->cell = i;
			ch->cp = cp[j];
			snprintf(ch->first_label, sizeof(ch->first_label), "%s",
				 c->hist[ord[c->nhist - m + cp[j].night]].label);
			ch->worse = bad > 0;
			ch->beyond = bad >= c->min_effect_pct;
			ch->new_tonight = true;
			for (int q = 0; q < kp; q++)
				if (prev[q].night == cp[j].night)
					ch->new_tonight = false;
		}
		free(ord);
	}
	*out = v;
	*nout = nv;
	return 0;
}

void ci_changes__md(FILE *f, const struct ci_cell *cells, const struct ci_change *ch, int n)
{
	fprintf(f, "\n## Change points across nights\n\n"
		"E-divisive means over each gated metric's nightly medians on this machine"
		" (docs/ci.md); a shift in the bad direction beyond the minimum effect fails"
		" the night that confirms it (seen: new tonight).\n\n");
	if (!n) {
		fprintf(f, "None found.\n");
		return;
	}
	fprintf(f, "| scheduler | workload | metric | from label | before | after | change | p | seen |\n"
		   "|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < n; i++) {
		const struct ci_cell *c = &cells[ch[i].cell];
		const struct cp_point *p = &ch[i].cp;
		const char *em = ch[i].beyond ? "**" : "";

		fputs("| ", f);
		esc_md(f, c->scheduler);
		fputs(" | ", f);
		esc_md(f, c->workload);
		fputs(" | ", f);
		esc_md(f, c->metric);
		fputs(" | ", f);
		esc_md(f, ch[i].first_label);
		fprintf(f, " | %.4g (%d nights) | %.4g (%d nights) | %s%+.1f %%%s [%+.1f, %+.1f] %s | %.3g | %s |\n",
			p->mean_before, p->nights_before, p->mean_after, p->nights_after, em,
			p->rel_pct, em, p->rel_lo, p->rel_hi, ch[i].worse ? "worse" : "better", p->p,
			ch[i].new_tonight ? "new tonight" : "before");
	}
}
