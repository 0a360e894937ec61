// SPDX-License-Identifier: GPL-2.0
/* The state one CI night shares (ctx.h). */
#include <stdio.h>

#include "harness/ci/ctx.h"
#include "harness/lib/log.h"

void ci_ctx__fail(struct ci_ctx *x, const char *fmt, const char *a, const char *b)
{
	if (!x->harness_failed)
		snprintf(x->harness_msg, sizeof(x->harness_msg), fmt, a, b);
	x->harness_failed = true;
	pr_err("ci: ");
	pr_err(fmt, a, b);
	pr_err("\n");
}

uint64_t ci__hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}
