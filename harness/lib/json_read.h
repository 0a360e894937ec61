/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON reader (RFC 8259) into a tree: enough for capture files and
 * tools' JSON output (schbench). Numbers are doubles; strings are UTF-8
 * with \u escapes decoded (surrogate pairs included); nesting is bounded
 * (64) so hostile input cannot exhaust the stack.
 */
#ifndef SCXB_JSON_READ_H
#define SCXB_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	bool b;
	double num;
	char *str;        /* J_STR */
	int n;            /* J_ARR, J_OBJ: members */
	struct jv *items; /* n values */
	char **keys;      /* J_OBJ: n keys */
};

/* The tree of text, or NULL with "line N: what" in err. Free with json_free. */
struct jv *json_parse(const char *text, char *err, size_t len);
void json_free(struct jv *v);
/* obj's member key, NULL when absent or obj is not an object. */
const struct jv *json_get(const struct jv *obj, const char *key);
/* Typed getters with a default when absent or of another type. */
double json_num_or(const struct jv *obj, const char *key, double def);
const char *json_str_or(const struct jv *obj, const char *key, const char *def);

#endif
