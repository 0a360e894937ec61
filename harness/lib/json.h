/* SPDX-License-Identifier: GPL-2.0 */
/* JSON output: the one escaping helper for JSON strings. */
#ifndef SCXB_JSON_H
#define SCXB_JSON_H

#include <stdio.h>

/* Length of the valid UTF-8 sequence starting at p; 0 if invalid. */
int utf8_seq_len(const unsigned char *p);
/* Writes s as a quoted JSON string (NULL -> null); bytes that are not
 * UTF-8 become U+FFFD. */
void json_str(FILE *f, const char *s);
/* Writes a number, or null for NaN/inf (JSON has neither). */
void json_num(FILE *f, double v);

#endif
