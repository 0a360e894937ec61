// SPDX-License-Identifier: GPL-2.0
/* The protobuf wire-format encoder (pb.h); little-endian host assumed for
 * fixed64/double, as everywhere else in scxbench (x86-64). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/pb.h"

void pb__init(struct pb *b)
{
	memset(b, 0, sizeof(*b));
}

void pb__free(struct pb *b)
{
	free(b->buf);
	pb__init(b);
}

void pb__reset(struct pb *b)
{
	b->len = 0;
	b->depth = 0;
	b->err = 0;
}

int pb__error(const struct pb *b)
{
	return b->err;
}

size_t pb__varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

size_t pb__put_varint(uint8_t out[10], uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

/* room for `more` bytes; false (and the sticky error) when there is none */
static int room(struct pb *b, size_t more)
{
	size_t cap;
	uint8_t *n;

	if (b->err)
		return 0;
	if (b->len + more <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more)
		cap *= 2;
	n = realloc(b->buf, cap);
	if (!n) {
		b->err = -ENOMEM;
		return 0;
	}
	b->buf = n;
	b->cap = cap;
	return 1;
}

static void put_varint(struct pb *b, uint64_t v)
{
	if (room(b, 10))
		b->len += pb__put_varint(b->buf + b->len, v);
}

static void tag(struct pb *b, uint32_t field, enum pb_wire wire)
{
	put_varint(b, (uint64_t)field << 3 | wire);
}

void pb__uint(struct pb *b, uint32_t field, uint64_t v)
{
	tag(b, field, PB_VARINT);
	put_varint(b, v);
}

void pb__int(struct pb *b, uint32_t field, int64_t v)
{
	pb__uint(b, field, (uint64_t)v);
}

void pb__bool(struct pb *b, uint32_t field, int v)
{
	pb__uint(b, field, v ? 1 : 0);
}

void pb__fixed64(struct pb *b, uint32_t field, uint64_t v)
{
	tag(b, field, PB_I64);
	if (room(b, 8)) {
		memcpy(b->buf + b->len, &v, 8);
		b->len += 8;
	}
}

void pb__double(struct pb *b, uint32_t field, double v)
{
	uint64_t u;

	memcpy(&u, &v, 8);
	pb__fixed64(b, field, u);
}

void pb__raw(struct pb *b, const void *p, size_t n)
{
	if (n && room(b, n)) {
		memcpy(b->buf + b->len, p, n);
		b->len += n;
	}
}

void pb__bytes(struct pb *b, uint32_t field, const void *p, size_t n)
{
	tag(b, field, PB_LEN);
	put_varint(b, n);
	pb__raw(b, p, n);
}

void pb__string(struct pb *b, uint32_t field, const char *s)
{
	pb__bytes(b, field, s ? s : "", s ? strlen(s) : 0);
}

void pb__begin(struct pb *b, uint32_t field)
{
	tag(b, field, PB_LEN);
	if (b->err)
		return;
	if (b->depth == PB_MAX_DEPTH) {
		b->err = -E2BIG;
		return;
	}
	b->open[b->depth++] = b->len;
}

void pb__end(struct pb *b)
{
	size_t start, n, k;

	if (b->err)
		return;
	if (!b->depth) {
		b->err = -EINVAL;
		return;
	}
	start = b->open[--b->depth];
	n = b->len - start;
	k = pb__varint_len(n);
	if (!room(b, k))
		return;
	memmove(b->buf + start + k, b->buf + start, n);
	pb__put_varint(b->buf + start, n);
	b->len += k;
}
