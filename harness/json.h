/* SPDX-License-Identifier: GPL-2.0 */
/* JSON output: the one escaping helper for JSON strings. */
#ifndef SCXB_JSON_H
#define SCXB_JSON_H

#include <stdio.h>

/* Writes s as a quoted JSON string (NULL -> null). */
void json_str(FILE *f, const char *s);
/* Writes a number, or null for NaN/inf (JSON has neither). */
void json_num(FILE *f, double v);

#endif
