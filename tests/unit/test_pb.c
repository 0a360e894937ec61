// SPDX-License-Identifier: GPL-2.0
/*
 * The protobuf encoder against known bytes. The expected bytes were made
 * by protoc 3.21 (`protoc --encode=Outer t.proto`) from this schema:
 *
 *   message Inner { optional uint64 u = 2; optional string s = 3;
 *                   optional int32 i = 4; optional double d = 5;
 *                   optional fixed64 f = 6; optional bool b = 7;
 *                   repeated Inner kids = 8; }
 *   message Outer { optional Inner inner = 1; repeated Inner many = 2;
 *                   optional bytes raw = 15; optional uint64 big = 16; }
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "harness/lib/pb.h"
#include "tests/unit/unit.h"

static int same(const struct pb *b, const uint8_t *want, size_t n)
{
	if (b->err || b->len != n || memcmp(b->buf, want, n)) {
		printf("# got %zu bytes (err %d):", b->len, b->err);
		for (size_t i = 0; i < b->len && i < 24; i++)
			printf(" %02x", b->buf[i]);
		printf("\n");
		return 0;
	}
	return 1;
}

UNIT_TEST(pb_varints)
{
	static const struct {
		uint64_t v;
		uint8_t bytes[10];
		size_t n;
	} cases[] = {
		{ 0, { 0x00 }, 1 },
		{ 1, { 0x01 }, 1 },
		{ 127, { 0x7f }, 1 },
		{ 128, { 0x80, 0x01 }, 2 },
		{ 150, { 0x96, 0x01 }, 2 },
		{ 300, { 0xac, 0x02 }, 2 },
		{ 16383, { 0xff, 0x7f }, 2 },
		{ 16384, { 0x80, 0x80, 0x01 }, 3 },
		{ UINT64_MAX, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 }, 10 },
	};
	uint8_t out[10];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = pb__put_varint(out, cases[i].v);

		CHECK(n == cases[i].n && !memcmp(out, cases[i].bytes, n), "varint %llu: %zu bytes",
		      (unsigned long long)cases[i].v, n);
		CHECK(pb__varint_len(cases[i].v) == n, "varint_len %llu", (unsigned long long)cases[i].v);
	}
}

UNIT_TEST(pb_scalar_fields)
{
	static const uint8_t neg[] = { 0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	static const uint8_t fixed[] = { 0x29, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f,
					 0x31, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
					 0x38, 0x01 };
	static const uint8_t big[] = { 0x80, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0x01 };
	struct pb b;

	pb__init(&b);
	DEFER(pb__free, &b);
	pb__int(&b, 4, -1); /* Inner { i: -1 } */
	CHECK(same(&b, neg, sizeof(neg)), "int32 -1 is a 10-byte varint");
	pb__reset(&b);
	pb__double(&b, 5, 1.5);
	pb__fixed64(&b, 6, 0x0102030405060708ull);
	pb__bool(&b, 7, 42);
	CHECK(same(&b, fixed, sizeof(fixed)), "double, fixed64, bool");
	pb__reset(&b);
	pb__uint(&b, 16, UINT64_MAX); /* field 16: a two-byte tag */
	CHECK(same(&b, big, sizeof(big)), "field 16, uint64 max");
}

UNIT_TEST(pb_nested_lengths)
{
	static const uint8_t small[] = { 0x0a, 0x03, 0x10, 0x96, 0x01 };
	uint8_t want[300];
	char s[201];
	struct pb b;
	size_t n = 0;

	pb__init(&b);
	DEFER(pb__free, &b);
	pb__begin(&b, 1); /* Outer { inner { u: 150 } } */
	pb__uint(&b, 2, 150);
	pb__end(&b);
	CHECK(same(&b, small, sizeof(small)), "one nested message");

	/* Outer { inner { s: 200 x 'x' } }: 203 bytes of content, a 2-byte length */
	memset(s, 'x', 200);
	s[200] = 0;
	want[n++] = 0x0a, want[n++] = 0xcb, want[n++] = 0x01;
	want[n++] = 0x1a, want[n++] = 0xc8, want[n++] = 0x01;
	memset(want + n, 'x', 200);
	n += 200;
	pb__reset(&b);
	pb__begin(&b, 1);
	pb__string(&b, 3, s);
	pb__end(&b);
	CHECK(same(&b, want, n), "a nested length past 127 moves the content");
}

UNIT_TEST(pb_nested_three_levels)
{
	/* Outer { many { u: 1 kids { s: 130 x 'y' } } many { i: 300 } } */
	uint8_t want[200];
	char s[131];
	struct pb b;
	size_t n = 0;

	memset(s, 'y', 130);
	s[130] = 0;
	want[n++] = 0x12, want[n++] = 0x8a, want[n++] = 0x01;  /* many: 138 bytes */
	want[n++] = 0x10, want[n++] = 0x01;                     /* u: 1 */
	want[n++] = 0x42, want[n++] = 0x85, want[n++] = 0x01;  /* kids: 133 bytes */
	want[n++] = 0x1a, want[n++] = 0x82, want[n++] = 0x01;  /* s: 130 bytes */
	memset(want + n, 'y', 130);
	n += 130;
	want[n++] = 0x12, want[n++] = 0x03, want[n++] = 0x20, want[n++] = 0xac, want[n++] = 0x02;

	pb__init(&b);
	DEFER(pb__free, &b);
	pb__begin(&b, 2);
	pb__uint(&b, 2, 1);
	pb__begin(&b, 8);
	pb__string(&b, 3, s);
	pb__end(&b);
	pb__end(&b);
	pb__begin(&b, 2);
	pb__int(&b, 4, 300);
	pb__end(&b);
	CHECK(same(&b, want, n), "three levels, two of them with 2-byte lengths");
	CHECK(b.depth == 0, "every message closed");
}

UNIT_TEST(pb_raw_and_errors)
{
	static const uint8_t want[] = { 0x0a, 0x05, 0x08, 0x07, 0x12, 0x01, 0x41 };
	uint8_t inner[] = { 0x08, 0x07, 0x12, 0x01, 0x41 };
	struct pb b;

	pb__init(&b);
	DEFER(pb__free, &b);
	pb__begin(&b, 1);
	pb__raw(&b, inner, sizeof(inner)); /* another buffer's fields, as they are */
	pb__end(&b);
	CHECK(same(&b, want, sizeof(want)), "raw content inside a nested message");

	pb__reset(&b);
	pb__end(&b);
	CHECK(pb__error(&b) == -EINVAL, "end without begin is an error");
	pb__uint(&b, 1, 1);
	CHECK(b.len == 0, "errors are sticky: nothing written after one");
	pb__reset(&b);
	for (int i = 0; i <= PB_MAX_DEPTH; i++)
		pb__begin(&b, 1);
	CHECK(pb__error(&b) == -E2BIG, "nesting deeper than PB_MAX_DEPTH refused");
	pb__reset(&b);
	CHECK(!pb__error(&b) && b.len == 0, "reset clears the error");
}
