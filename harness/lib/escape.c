// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/json.h"

static bool is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
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
			n = utf8_seq_len(p);
			if (!n) {
				fprintf(f, "\\x%02x", *p);
			} else {
				fwrite(p, 1, n, f);
				p += n - 1;
			}
		} else {
			fputc(*p, f);
		}
	}
}

void esc_term_text(FILE *f, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\n\t");
		char piece[512];

		while (n) {
			size_t k = n < sizeof(piece) - 1 ? n : sizeof(piece) - 1;

			/* keep a UTF-8 sequence whole across pieces */
			while (k < n && k > 0 && ((unsigned char)s[k] & 0xc0) == 0x80)
				k--;
			memcpy(piece, s, k);
			piece[k] = 0;
			esc_term(f, piece);
			s += k;
			n -= k;
		}
		if (*s)
			fputc(*s++, f);
	}
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

int esc_gp_buf(char *buf, size_t len, const char *s)
{
	size_t k = 0;

	for (const char *start = s; s && *s; s++) {
		if ((unsigned char)*s < 0x20)
			continue;
		/* "]]>" would end a CDATA section of the SVG gnuplot writes */
		if (*s == '>' && s - start >= 2 && s[-1] == ']' && s[-2] == ']') {
			if (k + 1 >= len)
				return -1;
			buf[k++] = ' ';
		}
		if (*s == '\\' || *s == '"') {
			if (k + 1 >= len)
				return -1;
			buf[k++] = '\\';
		}
		if (k + 1 >= len)
			return -1;
		buf[k++] = *s;
	}
	if (!len)
		return -1;
	buf[k] = 0;
	return 0;
}

void esc_gp(FILE *f, const char *s)
{
	for (const char *start = s; s && *s; s++) {
		if ((unsigned char)*s < 0x20)
			continue;
		/* "]]>" would end a CDATA section of the SVG gnuplot writes */
		if (*s == '>' && s - start >= 2 && s[-1] == ']' && s[-2] == ']')
			fputc(' ', f);
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		fputc(*s, f);
	}
}

void esc_csv(FILE *f, const char *s)
{
	if (!s)
		return;
	if (!strpbrk(s, ",\"\r\n")) {
		for (; *s; s++)
			if (is_ctl((unsigned char)*s))
				fprintf(f, "\\x%02x", (unsigned char)*s);
			else
				fputc(*s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		if (is_ctl((unsigned char)*s) && *s != '\n' && *s != '\r')
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}
