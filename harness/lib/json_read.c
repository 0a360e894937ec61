// SPDX-License-Identifier: GPL-2.0
/* JSON reader: recursive descent over the text, one pass, into struct jv. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/json_read.h"

#define MAX_DEPTH 64

struct rd {
	const char *s, *p;
	char *err;
	size_t len;
	bool failed;
};

static void fail(struct rd *r, const char *what)
{
	int line = 1;

	if (r->failed)
		return;
	for (const char *c = r->s; c < r->p; c++)
		line += *c == '\n';
	snprintf(r->err, r->len, "line %d: %s", line, what);
	r->failed = true;
}

static void ws(struct rd *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

static int hex4(const char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static char *string(struct rd *r)
{
	const char *q = ++r->p;
	size_t n = 0;
	char *out, *o;

	/* the decoded string is never longer than its source */
	while (*q && *q != '"') {
		if (*q == '\\' && q[1])
			q++;
		q++;
	}
	if (*q != '"') {
		fail(r, "unterminated string");
		return NULL;
	}
	out = o = malloc((size_t)(q - r->p) + 1);
	if (!out) {
		fail(r, "out of memory");
		return NULL;
	}
	while (*r->p != '"') {
		unsigned char c = (unsigned char)*r->p++;

		if (c < 0x20) {
			fail(r, "control character in a string");
			break;
		}
		if (c != '\\') {
			*o++ = (char)c;
			continue;
		}
		c = (unsigned char)*r->p++;
		switch (c) {
		case '"': case '\\': case '/': *o++ = (char)c; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			int cp = hex4(r->p), lo;

			if (cp < 0) {
				fail(r, "bad \\u escape");
				break;
			}
			r->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && r->p[0] == '\\' && r->p[1] == 'u' &&
			    (lo = hex4(r->p + 2)) >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				r->p += 6;
			}
			o += put_utf8(o, (uint32_t)cp);
			break;
		}
		default:
			fail(r, "bad escape in a string");
		}
		if (r->failed)
			break;
	}
	n = (size_t)(o - out);
	out[n] = 0;
	if (r->failed) {
		free(out);
		return NULL;
	}
	r->p++;
	return out;
}

static bool value(struct rd *r, struct jv *v, int depth);

/* Append to a growing array of values (and keys). */
static bool push(struct rd *r, struct jv *v, int *cap, char *key)
{
	if (v->n == *cap) {
		int nc = *cap ? *cap * 2 : 4;
		struct jv *ni = realloc(v->items, nc * sizeof(*ni));

		if (!ni) {
			fail(r, "out of memory");
			return false;
		}
		v->items = ni;
		if (v->t == J_OBJ) {
			char **nk = realloc(v->keys, nc * sizeof(*nk));

			if (!nk) {
				fail(r, "out of memory");
				return false;
			}
			v->keys = nk;
		}
		*cap = nc;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	if (v->t == J_OBJ)
		v->keys[v->n] = key;
	v->n++;
	return true;
}

static bool container(struct rd *r, struct jv *v, int depth)
{
	char close = v->t == J_ARR ? ']' : '}';
	int cap = 0;

	r->p++;
	ws(r);
	if (*r->p == close) {
		r->p++;
		return true;
	}
	for (;;) {
		char *key = NULL;

		ws(r);
		if (v->t == J_OBJ) {
			if (*r->p != '"') {
				fail(r, "expected a member name");
				return false;
			}
			key = string(r);
			if (!key)
				return false;
			ws(r);
			if (*r->p != ':') {
				free(key);
				fail(r, "expected ':'");
				return false;
			}
			r->p++;
		}
		if (!push(r, v, &cap, key)) {
			free(key);
			return false;
		}
		if (!value(r, &v->items[v->n - 1], depth + 1))
			return false;
		ws(r);
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p == close) {
			r->p++;
			return true;
		}
		fail(r, v->t == J_ARR ? "expected ',' or ']'" : "expected ',' or '}'");
		return false;
	}
}

static bool value(struct rd *r, struct jv *v, int depth)
{
	char *end;

	if (depth > MAX_DEPTH) {
		fail(r, "nested too deeply");
		return false;
	}
	ws(r);
	switch (*r->p) {
	case '{':
		v->t = J_OBJ;
		return container(r, v, depth);
	case '[':
		v->t = J_ARR;
		return container(r, v, depth);
	case '"':
		v->t = J_STR;
		v->str = string(r);
		return v->str != NULL;
	case 't':
	case 'f':
	case 'n': {
		static const char *const words[] = { "true", "false", "null" };

		for (int i = 0; i < 3; i++)
			if (!strncmp(r->p, words[i], strlen(words[i]))) {
				r->p += strlen(words[i]);
				v->t = i == 2 ? J_NULL : J_BOOL;
				v->b = i == 0;
				return true;
			}
		break;
	}
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
			v->t = J_NUM;
			v->num = strtod(r->p, &end);
			if (end == r->p)
				break;
			r->p = end;
			return true;
		}
	}
	fail(r, *r->p ? "unexpected character" : "unexpected end of text");
	return false;
}

static void free_inner(struct jv *v)
{
	for (int i = 0; i < v->n; i++) {
		free_inner(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

void json_free(struct jv *v)
{
	if (!v)
		return;
	free_inner(v);
	free(v);
}

struct jv *json_parse(const char *text, char *err, size_t len)
{
	struct rd r = { .s = text, .p = text, .err = err, .len = len };
	struct jv *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, len, "out of memory");
		return NULL;
	}
	if (value(&r, v, 0)) {
		ws(&r);
		if (*r.p)
			fail(&r, "text after the value");
	}
	if (r.failed) {
		json_free(v);
		return NULL;
	}
	return v;
}

const struct jv *json_get(const struct jv *obj, const char *key)
{
	if (!obj || obj->t != J_OBJ)
		return NULL;
	for (int i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

double json_num_or(const struct jv *obj, const char *key, double def)
{
	const struct jv *v = json_get(obj, key);

	return v && v->t == J_NUM ? v->num : def;
}

const char *json_str_or(const struct jv *obj, const char *key, const char *def)
{
	const struct jv *v = json_get(obj, key);

	return v && v->t == J_STR ? v->str : def;
}
