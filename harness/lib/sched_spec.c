// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/sched_spec.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * One pass counts (out == NULL), the second copies: the words go into one
 * allocation after the pointer array.
 */
static int scan(const char *text, char **argv, char *out, int *nwords, size_t *nbytes)
{
	const char *q = text;
	int n = 0;
	size_t b = 0;

	while (*q) {
		while (blank(*q))
			q++;
		if (!*q)
			break;
		if (argv)
			argv[n] = out + b;
		while (*q && !blank(*q)) {
			if (*q == '"' || *q == '\'') {
				const char *e = strchr(q + 1, *q);

				if (!e)
					return -EINVAL;
				for (q++; q < e; q++, b++)
					if (out)
						out[b] = *q;
				q = e + 1;
				continue;
			}
			if (out)
				out[b] = *q;
			b++;
			q++;
		}
		if (out)
			out[b] = 0;
		b++;
		n++;
	}
	*nwords = n;
	*nbytes = b;
	return 0;
}

int sched_spec__split(const char *text, char ***argv, int *argc, char *err, size_t errlen)
{
	size_t bytes;
	char **v;
	int n;

	*argv = NULL;
	*argc = 0;
	if (scan(text, NULL, NULL, &n, &bytes)) {
		snprintf(err, errlen, "'%s': unmatched quote", text);
		return -EINVAL;
	}
	v = malloc((n + 1) * sizeof(char *) + bytes + 1);
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	scan(text, v, (char *)(v + n + 1), &n, &bytes);
	v[n] = NULL;
	*argv = v;
	*argc = n;
	return 0;
}

void sched_spec__free(char **argv)
{
	free(argv);
}

int sched_spec__join(char *const *argv, int argc, char *buf, size_t len)
{
	size_t off = 0;

	if (!len)
		return -ENAMETOOLONG;
	buf[0] = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool sq = strchr(a, '\''), dq = strchr(a, '"');
		bool quote = !*a || sq || dq || strpbrk(a, " \t\n");
		char qc = sq ? '"' : '\'';
		int w;

		if (sq && dq)
			return -EINVAL;
		w = snprintf(buf + off, len - off, "%s%s%s%s", i ? " " : "",
			     quote ? (char[]){ qc, 0 } : "", a, quote ? (char[]){ qc, 0 } : "");
		if (w < 0 || (size_t)w >= len - off)
			return -ENAMETOOLONG;
		off += w;
	}
	return 0;
}

bool sched_list__next(const char *list, const char **cursor, const char **name, size_t *len)
{
	char sep = strchr(list, '\n') ? '\n' : ',';
	const char *p = *cursor ? *cursor : list;

	while (*p == sep)
		p++;
	if (!*p)
		return false;
	*name = p;
	*len = strcspn(p, sep == '\n' ? "\n" : ",");
	*cursor = p + *len;
	return true;
}

char *sched_list__display(const char *list)
{
	const char *cur = NULL, *name;
	size_t len, n = 0;
	char *out = malloc(strlen(list) * 2 + 1);

	if (!out)
		return NULL;
	out[0] = 0;
	while (sched_list__next(list, &cur, &name, &len)) {
		if (n) {
			memcpy(out + n, ", ", 2);
			n += 2;
		}
		memcpy(out + n, name, len);
		n += len;
		out[n] = 0;
	}
	return out;
}
