// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>

#include "harness/core/plan.h"
#include "harness/stats/stats.h"

int plan__rounds(int nsched, int round_from, int round_to, uint64_t seed,
		 struct plan_item *items)
{
	int r, i, k = 0;

	if (nsched < 1 || round_from < 0 || round_to < round_from)
		return -EINVAL;
	for (r = round_from; r < round_to; r++) {
		struct stats_rng rng;
		struct plan_item *row = items + k;

		/* a fresh stream per round: round r is the same whether it is
		 * planned up front or added later */
		stats_rng__seed(&rng, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(r + 1)));
		for (i = 0; i < nsched; i++)
			row[i] = (struct plan_item){ .sched = i, .round = r, .rep = r };
		for (i = nsched - 1; i > 0; i--) { /* Fisher-Yates */
			int j = (int)stats_rng__below(&rng, (uint32_t)i + 1);
			struct plan_item t = row[i];

			row[i] = row[j];
			row[j] = t;
		}
		k += nsched;
	}
	return 0;
}

int plan__overhead_round(int nsched, int r, uint64_t seed, struct plan_item *items)
{
	struct plan_item *t = NULL, *u = NULL;
	struct stats_rng rng;
	bool *untr = NULL;
	int n = 2 * nsched, it = 0, iu = 0, err;

	if (nsched < 1 || r < 0)
		return -EINVAL;
	t = malloc(sizeof(*t) * nsched);
	u = malloc(sizeof(*u) * nsched);
	untr = calloc(n, sizeof(*untr));
	err = !t || !u || !untr ? -ENOMEM : 0;
	if (!err)
		err = plan__rounds(nsched, r, r + 1, seed, t);
	if (!err)
		err = plan__rounds(nsched, r, r + 1, seed ^ PLAN_UNTRACED_SALT, u);
	if (!err) {
		/* which positions are untraced: nsched of the 2 * nsched,
		 * shuffled with a stream of their own */
		for (int i = nsched; i < n; i++)
			untr[i] = true;
		stats_rng__seed(&rng, (seed ^ PLAN_UNTRACED_SALT) * 0x9e3779b97f4a7c15ULL + (uint64_t)r);
		for (int i = n - 1; i > 0; i--) {
			int j = (int)stats_rng__below(&rng, (uint32_t)i + 1);
			bool x = untr[i];

			untr[i] = untr[j];
			untr[j] = x;
		}
		for (int i = 0; i < n; i++) {
			items[i] = untr[i] ? u[iu++] : t[it++];
			items[i].untraced = untr[i];
		}
	}
	free(t);
	free(u);
	free(untr);
	return err;
}
