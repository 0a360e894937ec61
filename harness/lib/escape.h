/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One escaping helper per output format. Everything that comes from the
 * system (task names, dumps, hostnames, scheduler names, metric names)
 * goes through these; JSON strings go through harness/json.h.
 */
#ifndef SCXB_ESCAPE_H
#define SCXB_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Text from the system can hold anything a process may name itself:
 * control characters (ESC sequences that retitle a terminal or clear it,
 * CR/LF that forge a table row), invalid UTF-8. Every helper below shows
 * a control character as \xNN text instead of passing it through, except
 * where the format says otherwise.
 */

/* A terminal: control characters and DEL as \xNN, a backslash as \\;
 * bytes that are not UTF-8 as \xNN too. */
void esc_term(FILE *f, const char *s);
/* Same into a buffer (always NUL-terminated, cut when it does not fit). */
void esc_term_buf(char *buf, size_t len, const char *s);
/* A multi-line text (a dump) for a terminal: newlines and tabs kept. */
void esc_term_text(FILE *f, const char *s);
/* Text content and attribute values: & < > " ', control characters as
 * \xNN. */
void esc_html(FILE *f, const char *s);
/* XML text and attribute values (JUnit): also drops the control
 * characters XML 1.0 forbids and replaces bytes that are not UTF-8. */
void esc_xml(FILE *f, const char *s);
/* Inline Markdown (never at the start of a line): backslash-escapes what
 * acts inside a line (\ ` * _ [ ] | ~) and HTML's < > &, so a task named
 * <b>x</b> stays text; newlines become spaces (a table cell must stay on
 * one line). */
void esc_md(FILE *f, const char *s);
/* A gnuplot double-quoted string with enhanced text off: \ and " escaped,
 * control characters dropped, and "]]>" broken up: gnuplot's SVG terminal
 * writes some text inside CDATA sections, which that sequence would end. */
void esc_gp(FILE *f, const char *s);
/* A CSV field (RFC 4180): quoted when it holds , " CR or LF; other
 * control characters as \xNN. */
void esc_csv(FILE *f, const char *s);
/* Same as esc_gp into a buffer; -1 when it does not fit. */
int esc_gp_buf(char *buf, size_t len, const char *s);

#endif
