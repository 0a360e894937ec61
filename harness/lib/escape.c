// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/json.h"

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/*
 * At a byte >= 0x80: write a byte that starts no UTF-8 sequence as \xNN
 * and a C1 control (U+0080..U+009F) as \u00NN (with pre, e.g. a second
 * backslash for Markdown), else the sequence itself. The bytes used.
 */
static int put_high(FILE *f, const unsigned char *p, const char *pre)
{
	int n = utf8_seq_len(p);

	if (!n) {
		fprintf(f, "%s\\x%02x", pre, *p);
		return 1;
	}
	if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
		fprintf(f, "%s\\u%04x", pre, p[1]);
		return 2;
	}
	fwrite(p, 1, n, f);
	return n;
}

void esc_term(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		int n;

		if (is_ctl(*p)) {
			fprintf(f, "\\x%02x", *p);
		} else if (*p == '\\') {
			fputs("\\\\", f);
		} else if (*p >= 0x80) {
			/* C1 controls too: 0x9b is a CSI */
			n = put_high(f, p, "");
			p += n - 1;
		} else {
			fputc(*p, f);
		}
	}
}

/*
 * s through esc in pieces that end at a character of stops, each stop
 * written as itself (or as stop_as when not 0): the pieces are cut on
 * whole UTF-8 sequences.
 */
static void esc_pieces(FILE *f, const char *s, const char *stops, char stop_as,
		       void (*esc)(FILE *, const char *))
{
	while (s && *s) {
		size_t n = strcspn(s, stops);
		char piece[512];

		while (n) {
			size_t k = n < sizeof(piece) - 1 ? n : sizeof(piece) - 1;

			/* keep a UTF-8 sequence whole across pieces */
			while (k < n && k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
				k--;
			memcpy(piece, s, k);
			piece[k] = 0;
			esc(f, piece);
			s += k;
			n -= k;
		}
		if (*s) {
			fputc(stop_as ? stop_as : *s, f);
			s++;
		}
	}
}

void esc_term_text(FILE *f, const char *s)
{
	esc_pieces(f, s, "\n\t", 0, esc_term);
}

void esc_md_code(FILE *f, const char *s)
{
	/* only ``` can end the fence: no backquote at all */
	esc_pieces(f, s, "`", '\'', esc_term_text);
}

void esc_term_buf(char *buf, size_t len, const char *s)
{
	FILE *f;

	if (!len)
		return;
	buf[0] = 0;
	f = fmemopen(buf, len, "w");
	if (!f)
		return;
	esc_term(f, s);
	fclose(f); /* fmemopen keeps the buffer NUL-terminated, cut if needed */
	buf[len - 1] = 0;
}

void esc_html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if ((unsigned char)*s >= 0x80) {
			s += put_high(f, (const unsigned char *)s, "") - 1;
			continue;
		}
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		case '\n': fputc('\n', f); break; /* dumps keep their lines in <pre> */
		default:
			if (is_ctl((unsigned char)*s) && *s != '\t')
				fprintf(f, "\\x%02x", (unsigned char)*s);
			else
				fputc(*s, f);
		}
	}
}

void esc_xml(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		int n;

		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\n': fputs("&#10;", f); break; /* kept inside attributes */
		case '\t': fputs("&#9;", f); break;
		default:
			if (*p >= 0x80) {
				n = utf8_seq_len(p);
				if (!n) {
					fputs("&#xFFFD;", f);
				} else {
					fwrite(p, 1, n, f);
					p += n - 1;
				}
			} else if (*p >= 0x20 || *p == '\r') {
				fputc(*p, f);
			}
		}
	}
}

void esc_md(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if ((unsigned char)*s >= 0x80) {
			s += put_high(f, (const unsigned char *)s, "\\") - 1;
			continue;
		}
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			fputc(' ', f);
		} else if (is_ctl((unsigned char)*s)) {
			fprintf(f, "\\\\x%02x", (unsigned char)*s);
		} else if (*s == '<') {
			fputs("&lt;", f);
		} else if (*s == '>') {
			fputs("&gt;", f);
		} else if (*s == '&') {
			fputs("&amp;", f);
		} else if (strchr("\\`*_[]|~", *s)) {
			/* what acts inside a line (emphasis, code, links, table
			 * cells); "7.2.13+deb14" stays readable in the raw file */
			fputc('\\', f);
			fputc(*s, f);
		} else {
			fputc(*s, f);
		}
	}
}

/*
 * The characters of a gnuplot string, one at a time, into out (at most 5
 * bytes) for esc_gp (script: quoted) or esc_gp_data (a data file). In a
 * script gnuplot runs `command` inside double quotes before it parses
 * the line: a backquote is written as the octal escape \140, which only
 * the string parser turns back into a backquote. Control characters and
 * DEL are dropped (data: a blank), bytes that are not UTF-8 become '?'
 * (gnuplot copies text into SVG), and "]]>" is broken up: gnuplot's SVG
 * terminal writes some text inside CDATA sections, which it would end.
 * Returns the input bytes used.
 */
static int gp_char(const unsigned char *p, const unsigned char *start, bool data, char *out,
		   size_t *nout)
{
	int n;

	*nout = 0;
	if (is_ctl(*p)) {
		if (data)
			out[(*nout)++] = ' ';
		return 1;
	}
	if (*p >= 0x80) {
		n = utf8_seq_len(p);
		if (!n || (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)) {
			out[(*nout)++] = '?';
			return n ? 2 : 1;
		}
		memcpy(out, p, n);
		*nout = n;
		return n;
	}
	if (*p == '>' && p - start >= 2 && p[-1] == ']' && p[-2] == ']')
		out[(*nout)++] = ' ';
	if (data) {
		/* a data file's quoted field cannot escape a quote */
		out[(*nout)++] = *p == '"' ? '\'' : *p;
		return 1;
	}
	if (*p == '`') {
		memcpy(out + *nout, "\\140", 4);
		*nout += 4;
		return 1;
	}
	if (*p == '\\' || *p == '"')
		out[(*nout)++] = '\\';
	out[(*nout)++] = *p;
	return 1;
}

int esc_gp_buf(char *buf, size_t len, const char *s)
{
	const unsigned char *start = (const unsigned char *)s, *p = start;
	size_t k = 0, n;
	char c[8];

	while (p && *p) {
		p += gp_char(p, start, false, c, &n);
		if (k + n + 1 > len)
			return -1;
		memcpy(buf + k, c, n);
		k += n;
	}
	if (!len)
		return -1;
	buf[k] = 0;
	return 0;
}

static void gp_write(FILE *f, const char *s, bool data)
{
	const unsigned char *start = (const unsigned char *)s, *p = start;
	size_t n;
	char c[8];

	while (p && *p) {
		p += gp_char(p, start, data, c, &n);
		fwrite(c, 1, n, f);
	}
}

void esc_gp(FILE *f, const char *s)
{
	gp_write(f, s, false);
}

void esc_gp_data(FILE *f, const char *s)
{
	fputc('"', f);
	gp_write(f, s, true);
	fputc('"', f);
}

void esc_csv(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		for (; *s; s++)
			if ((unsigned char)*s >= 0x80)
				s += put_high(f, (const unsigned char *)s, "") - 1;
			else if (is_ctl((unsigned char)*s))
				fprintf(f, "\\x%02x", (unsigned char)*s);
			else
				fputc(*s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80) {
			s += put_high(f, (const unsigned char *)s, "") - 1;
			continue;
		}
		if (*s == '"')
			fputc('"', f);
		if (is_ctl((unsigned char)*s) && *s != '\n' && *s != '\r')
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}
