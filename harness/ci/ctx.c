// SPDX-License-Identifier: GPL-2.0
/* The state one CI night shares (ctx.h). */
#include <stdarg.h>
#include <stdio.h>

#include "harness/ci/ctx.h"
#include "harness/lib/log.h"

void ci_ctx__fail(struct ci_ctx *x, const char *fmt, ...)
{
	char msg[sizeof(x->harness_msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!x->harness_failed)
		snprintf(x->harness_msg, sizeof(x->harness_msg), "%s", msg);
	x->harness_failed = true;
	/* one line: log.c prefixes every call */
	pr_err("ci: %s\n", msg);
}

uint64_t ci__hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}
