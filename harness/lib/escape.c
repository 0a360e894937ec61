// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "harness/lib/escape.h"
#include "harness/lib/json.h"

void esc_html(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
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
		} else if (*s == '<') {
			fputs("&lt;", f);
		} else if (*s == '>') {
			fputs("&gt;", f);
		} else if (*s == '&') {
			fputs("&amp;", f);
		} else if (strchr("\\`*_{}[]()#+-.!|~", *s)) {
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

	for (; s && *s; s++) {
		if ((unsigned char)*s < 0x20)
			continue;
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
	for (; s && *s; s++) {
		if ((unsigned char)*s < 0x20)
			continue;
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
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
