// SPDX-License-Identifier: GPL-2.0
/* The state one CI night shares (ctx.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

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

bool ci_ctx__in_shard(const struct ci_ctx *x, int wi)
{
	return x->shard_n <= 0 || wi % x->shard_n == x->shard_i - 1;
}

int ci__parse_shard(const char *s, int *i, int *n)
{
	char *end;
	long a, b;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	a = strtol(s, &end, 10);
	if (*end != '/' || end[1] < '0' || end[1] > '9')
		return -EINVAL;
	b = strtol(end + 1, &end, 10);
	if (*end || b < 1 || b > CI_MAX_WL || a < 1 || a > b)
		return -EINVAL;
	*i = (int)a;
	*n = (int)b;
	return 0;
}
