/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A protobuf wire-format encoder, just enough for writing Perfetto traces
 * (reports/perfetto.c): varints, 64-bit fixed and double, length-delimited
 * bytes/strings, and nested messages.
 *
 * Nested messages are written in place: pb__begin() writes the field's
 * tag and remembers where the content starts; pb__end() measures the
 * content, then moves it right by the size of its length varint and
 * writes the length in front. Lengths are therefore minimal varints (no
 * padded redundant encoding), so the bytes are exactly what any protobuf
 * library would produce for the same fields in the same order. The cost
 * is one memmove of a message's content per nesting level: build large
 * sequences (a trace's packets) as siblings flushed one by one, not as
 * one deep message.
 *
 * Errors are sticky: after an allocation failure or too deep a nesting
 * every call does nothing and pb__error() says why, so callers check once
 * at the end of a message.
 */
#ifndef SCXB_PB_H
#define SCXB_PB_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stddef.h>
#include <stdint.h>

#define PB_MAX_DEPTH 16

enum pb_wire { PB_VARINT = 0, PB_I64 = 1, PB_LEN = 2, PB_I32 = 5 };

struct pb {
	uint8_t *buf;
	size_t len, cap;
	size_t open[PB_MAX_DEPTH]; /* content offsets of the open messages */
	int depth;
	int err;                   /* 0, -ENOMEM, -E2BIG (nesting), -EINVAL (an end
	                            * without its begin): sticky */
};

/* An empty buffer (no allocation until the first write). */
void pb__init(struct pb *b);
/* Free the buffer; b is empty and usable again. */
void pb__free(struct pb *b);
/* Forget the content, keep the allocation (the error too is cleared).
 * Open messages are dropped. */
void pb__reset(struct pb *b);
/* 0, or the first error since init/reset. */
int pb__error(const struct pb *b);

/* Raw varint of v into out (at most 10 bytes); returns its length. */
size_t pb__put_varint(uint8_t out[10], uint64_t v);
/* Bytes the varint of v takes. */
size_t pb__varint_len(uint64_t v);

/* Fields. int32/int64 negatives go as 10-byte two's complement varints
 * (protobuf's int32/int64, not sint): cast them to uint64_t through
 * int64_t, which pb__int does. */
void pb__uint(struct pb *b, uint32_t field, uint64_t v);
void pb__int(struct pb *b, uint32_t field, int64_t v);
void pb__bool(struct pb *b, uint32_t field, int v);
void pb__fixed64(struct pb *b, uint32_t field, uint64_t v);
void pb__double(struct pb *b, uint32_t field, double v);
void pb__bytes(struct pb *b, uint32_t field, const void *p, size_t n);
void pb__string(struct pb *b, uint32_t field, const char *s);
/* Already encoded fields (e.g. another pb's content), appended as is. */
void pb__raw(struct pb *b, const void *p, size_t n);

/* A nested message as field `field`; every begin needs its end. */
void pb__begin(struct pb *b, uint32_t field);
void pb__end(struct pb *b);

#endif
