// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
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
	char *msg;
	bool nl;
	va_list ap;
	int n;

	if (level > log_level)
		return;
	fputs(level < 0 ? "scxbench: error: " : level == LOG_QUIET ? "scxbench: warning: " : "scxbench: ", stderr);
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0) {
		fputs("(out of memory)\n", stderr);
		return;
	}
	/*
	 * Messages quote names from the system and the user (a scheduler, a
	 * file, a task): shown as text, so that none can retitle the
	 * terminal or, with a newline, forge a line of its own. Errors,
	 * warnings and notices are one line; debug output (library logs)
	 * keeps its lines.
	 */
	nl = n > 0 && msg[n - 1] == '\n';
	if (nl)
		msg[n - 1] = 0;
	if (level >= LOG_DEBUG)
		esc_term_text(stderr, msg);
	else
		esc_term(stderr, msg);
	if (nl)
		fputc('\n', stderr);
	free(msg);
}
