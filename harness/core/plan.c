// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

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
