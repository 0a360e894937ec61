// SPDX-License-Identifier: GPL-2.0
/*
 * The escaping helpers (harness/lib/escape.h), one per output, on the
 * hostile names tests/host/hostile.t feeds through every real output:
 * nothing that acts (a control character, markup, a cell separator, a
 * gnuplot backquote, "]]>", bytes that are not UTF-8) survives as such.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "tests/unit/unit.h"

static const char *const corpus[] = {
	"\x1b]0;PWNED\x07", "\x1b[2J\x1b[31mred", "a\nFORGED", "b\rFORGED", "tab\there",
	"<script>alert(1)</script>", "&amp;\"q\"'s", "x]]>y", "]]]]>>", "|md|`c`*b*_i_[l](u)~",
	"c,s\"v", "\xff\xfe bad", "trunc\xe2\x82", "del\x7fx", "\x01\x02lo", "`touch PWNED`",
	"\xc2\x9b" "31mC1", "\xe2\x80\xae rtl", "\xf0\x9f\x99\x82 \xc3\xbcn\xc3\xaf", "\\x1b",
};

/* f applied to s, as a string (the caller frees) */
static char *run(void (*f)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	f(m, s);
	fclose(m);
	return buf;
}

static bool has_ctl(const char *s, const char *allowed)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 || *p == 0x7f) && !strchr(allowed, *p))
			return true;
	return false;
}

/* every byte sequence is valid UTF-8 and no code point is a C1 control */
static bool clean_utf8(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
			(*p & 0xf8) == 0xf0 ? 4 : 0;

		if (!n)
			return false;
		for (int i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			return false;
		p += n;
	}
	return true;
}

UNIT_TEST(escape_terminal)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		char *o = run(esc_term, corpus[i]);
		char buf[16];

		CHECK(!has_ctl(o, "") && clean_utf8(o), "esc_term(%zu): '%s'", i, o);
		free(o);
		esc_term_buf(buf, sizeof(buf), corpus[i]);
		CHECK(!has_ctl(buf, "") && strlen(buf) < sizeof(buf), "esc_term_buf(%zu): '%s'", i, buf);
		o = run(esc_term_text, corpus[i]);
		CHECK(!has_ctl(o, "\n\t") && clean_utf8(o), "esc_term_text(%zu): '%s'", i, o);
		free(o);
	}
	/* readable text stays as it is; a backslash cannot fake an escape */
	{
		char *o = run(esc_term, "\xf0\x9f\x99\x82 \xc3\xbcn\xc3\xaf \\x1b");

		CHECK(!strcmp(o, "\xf0\x9f\x99\x82 \xc3\xbcn\xc3\xaf \\\\x1b"), "'%s'", o);
		free(o);
		o = run(esc_term, "\x1b[2J\xc2\x9b");
		CHECK(!strcmp(o, "\\x1b[2J\\u009b"), "'%s'", o);
		free(o);
	}
}

UNIT_TEST(escape_markup)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		char *h = run(esc_html, corpus[i]), *x = run(esc_xml, corpus[i]);
		char *m = run(esc_md, corpus[i]);

		CHECK(!strpbrk(h, "<>\"'") && !has_ctl(h, "\n\t") && clean_utf8(h), "esc_html(%zu): '%s'",
		      i, h);
		CHECK(!strpbrk(x, "<>\"'") && !has_ctl(x, "\r\x7f") && !strchr(x, (char)0xff) && !strstr(x, "]]>"),
		      "esc_xml(%zu): '%s'", i, x);
		/* a Markdown table cell: no raw |, no line break, no markup */
		for (const char *p = m; *p; p++)
			if (strchr("|`*_[]<>~", *p) && (p == m || p[-1] != '\\')) {
				CHECK(false, "esc_md(%zu): raw '%c' in '%s'", i, *p, m);
				break;
			}
		CHECK(!has_ctl(m, "") && clean_utf8(m), "esc_md(%zu): '%s'", i, m);
		free(h);
		free(x);
		free(m);
	}
}

UNIT_TEST(escape_csv)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		char *c = run(esc_csv, corpus[i]);
		bool quoted = c[0] == '"';

		/* unquoted: no separator, quote or line break; quoted: every
		 * inner quote doubled */
		if (!quoted) {
			CHECK(!strpbrk(c, ",\"\r\n") && !has_ctl(c, "") && clean_utf8(c), "esc_csv(%zu): '%s'",
			      i, c);
		} else {
			size_t n = strlen(c);
			bool ok = n >= 2 && c[n - 1] == '"';

			for (size_t k = 1; ok && k + 1 < n; k++)
				if (c[k] == '"')
					ok = c[++k] == '"';
			CHECK(ok && !has_ctl(c, "\r\n") && clean_utf8(c), "esc_csv(%zu): '%s'", i, c);
		}
		free(c);
	}
}

UNIT_TEST(escape_gnuplot)
{
	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		char *g = run(esc_gp, corpus[i]), *d = run(esc_gp_data, corpus[i]), buf[256];
		size_t n = strlen(d);

		/* inside "...": no backquote (a shell command), no bare quote,
		 * no "]]>", UTF-8 only */
		CHECK(!strchr(g, '`') && !strstr(g, "]]>") && !has_ctl(g, "") && clean_utf8(g),
		      "esc_gp(%zu): '%s'", i, g);
		for (const char *p = g; *p; p++)
			if (*p == '\\')
				p++;
			else if (*p == '"')
				CHECK(false, "esc_gp(%zu): bare quote in '%s'", i, g);
		CHECK(n >= 2 && d[0] == '"' && d[n - 1] == '"' && !memchr(d + 1, '"', n - 2) &&
		      !has_ctl(d, "") && !strstr(d, "]]>") && clean_utf8(d),
		      "esc_gp_data(%zu): '%s'", i, d);
		CHECK(!esc_gp_buf(buf, sizeof(buf), corpus[i]) && !strcmp(buf, g),
		      "esc_gp_buf(%zu): '%s' vs '%s'", i, buf, g);
		CHECK(esc_gp_buf(buf, 3, "abcdef") == -1, "esc_gp_buf: no room must be -1");
		free(g);
		free(d);
	}
	{
		char *g = run(esc_gp, "a`id`b");

		CHECK(!strcmp(g, "a\\140id\\140b"), "'%s'", g);
		free(g);
	}
}
