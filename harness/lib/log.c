// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "harness/lib/log.h"

static int log_level = LOG_INFO;

void log__set_level(int level)
{
	log_level = level;
}

int log__level(void)
{
	return log_level;
}

void log__msg(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	fputs(level < 0 ? "scxbench: error: " : level == LOG_QUIET ? "scxbench: warning: " : "scxbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
