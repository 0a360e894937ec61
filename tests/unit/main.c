// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/unit/unit.h"

static struct unit_test *tests;
static int failed_current;
static char tmpdir[256];

#define MAX_DEFERRED 64
static struct {
	void (*fn)(void *);
	void *arg;
} deferred[MAX_DEFERRED];
static int ndeferred;

int unit__defer(void (*fn)(void *), void *arg)
{
	int mark = ndeferred;

	if (!arg)
		return mark;
	if (ndeferred == MAX_DEFERRED) {
		/* better to leak in a test than to skip a cleanup silently */
		unit__fail(__FILE__, __LINE__, "more than %d deferred cleanups", MAX_DEFERRED);
		fn(arg);
		return mark;
	}
	deferred[ndeferred].fn = fn;
	deferred[ndeferred].arg = arg;
	ndeferred++;
	return mark;
}

void unit__run_deferred_from(int *mark)
{
	while (ndeferred > *mark) {
		ndeferred--;
		deferred[ndeferred].fn(deferred[ndeferred].arg);
	}
}

static void run_deferred(void)
{
	while (ndeferred > 0) {
		ndeferred--;
		deferred[ndeferred].fn(deferred[ndeferred].arg);
	}
}

void unit__register(struct unit_test *t)
{
	struct unit_test **p = &tests;

	/* keep registration order (constructors run in link order) */
	while (*p)
		p = &(*p)->next;
	*p = t;
}

void unit__fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	failed_current = 1;
	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

const char *unit__tmpdir(void)
{
	return tmpdir;
}

int main(int argc, char **argv)
{
	const char *filter = NULL;
	int n = 0, i = 0, nfail = 0, opt;
	struct unit_test *t;

	while ((opt = getopt(argc, argv, "t:l")) != -1) {
		if (opt == 't') {
			filter = optarg;
		} else if (opt == 'l') {
			for (t = tests; t; t = t->next)
				printf("%s\n", t->name);
			return 0;
		} else {
			fprintf(stderr, "usage: %s [-l] [-t FILTER]\n", argv[0]);
			return 2;
		}
	}
	for (t = tests; t; t = t->next)
		if (!filter || strstr(t->name, filter))
			n++;
	printf("1..%d\n", n);
	for (t = tests; t; t = t->next) {
		char cmd[300];

		if (filter && !strstr(t->name, filter))
			continue;
		snprintf(tmpdir, sizeof(tmpdir), "/tmp/scxb-unit-XXXXXX");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			return 2;
		}
		failed_current = 0;
		fflush(stdout);
		t->fn();
		run_deferred();
		printf("%s %d - %s\n", failed_current ? "not ok" : "ok", ++i, t->name);
		fflush(stdout);
		nfail += failed_current;
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd))
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
	return nfail ? 1 : 0;
}
