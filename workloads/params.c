// SPDX-License-Identifier: GPL-2.0
/*
 * Workload parameters: parsing and validation driven by each workload's
 * parameter table (workloads/workload.h). Values are normalised to text
 * (what is stored) and a number (what the workload reads).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "workloads/workload.h"

static int find_param(const struct workload *wl, const char *name)
{
	for (int i = 0; i < wl->nr_params; i++)
		if (!strcmp(wl->params[i].name, name))
			return i;
	return -1;
}

/* index of `value` in the comma-separated list, -1 when absent */
static int choice_index(const char *choices, const char *value)
{
	size_t vlen = strlen(value);
	int idx = 0;

	for (const char *p = choices; p && *p; idx++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == vlen && !strncmp(p, value, len))
			return idx;
		p = comma ? comma + 1 : NULL;
	}
	return -1;
}

/* WL_STR, WL_LIST (appends a line), WL_FLAG: text that is stored whole */
static int parse_text(const struct wl_param_def *d, const char *value, struct wl_value *out,
		      char *err, size_t errlen)
{
	size_t max = d->max > 0 ? (size_t)d->max : 4096, old;
	char *s;

	if (d->type == WL_FLAG) {
		if (strcmp(value, "0") && strcmp(value, "1")) {
			snprintf(err, errlen, "--%s takes no value", d->name);
			return -EINVAL;
		}
		out->num = value[0] == '1';
		free((void *)out->text);
		out->text = strdup(value);
		return out->text ? 0 : -ENOMEM;
	}
	for (const char *c = value; *c; c++)
		if ((unsigned char)*c < 0x20 && *c != '\t') {
			snprintf(err, errlen, "--%s: control characters are not allowed", d->name);
			return -EINVAL;
		}
	old = d->type == WL_LIST && out->text ? strlen(out->text) : 0;
	if (old + strlen(value) + 1 > max) {
		snprintf(err, errlen, "--%s: longer than %zu bytes", d->name, max);
		return -ERANGE;
	}
	if (!old) {
		s = strdup(value);
	} else if (!*value) {
		return 0;
	} else if ((s = malloc(old + strlen(value) + 2))) {
		memcpy(s, out->text, old);
		s[old] = '\n';
		strcpy(s + old + 1, value);
	}
	if (!s)
		return -ENOMEM;
	free((void *)out->text);
	out->text = s;
	out->num = 0;
	return 0;
}

static int parse_value(const struct wl_param_def *d, const char *value, struct wl_value *out,
		       char *err, size_t errlen)
{
	char text[64];
	int64_t i;
	double v;
	int rc;

	switch (d->type) {
	case WL_STR:
	case WL_LIST:
	case WL_FLAG:
		return parse_text(d, value, out, err, errlen);
	case WL_INT:
		rc = parse_i64(value, (int64_t)d->min, (int64_t)d->max, &i);
		if (rc) {
			snprintf(err, errlen, "--%s %s: %s (an integer from %.0f to %.0f)", d->name, value,
				 rc == -ERANGE ? "out of range" : "not an integer", d->min, d->max);
			return rc;
		}
		out->num = (double)i;
		snprintf(text, sizeof(text), "%lld", (long long)i);
		break;
	case WL_DOUBLE:
		rc = parse_double(value, d->min, d->max, &v);
		if (rc) {
			snprintf(err, errlen, "--%s %s: %s (a number from %g to %g)", d->name, value,
				 rc == -ERANGE ? "out of range" : "not a number", d->min, d->max);
			return rc;
		}
		out->num = v;
		/* shortest text that reads back as the very value that runs */
		snprintf(text, sizeof(text), "%.15g", v);
		if (strtod(text, NULL) != v)
			snprintf(text, sizeof(text), "%.17g", v);
		break;
	case WL_BOOL:
		if (!strcmp(value, "1") || !strcasecmp(value, "yes") || !strcasecmp(value, "true") ||
		    !strcasecmp(value, "on"))
			out->num = 1;
		else if (!strcmp(value, "0") || !strcasecmp(value, "no") || !strcasecmp(value, "false") ||
			 !strcasecmp(value, "off"))
			out->num = 0;
		else {
			snprintf(err, errlen, "--%s %s: not a boolean (0/1, yes/no, true/false)", d->name, value);
			return -EINVAL;
		}
		snprintf(text, sizeof(text), "%d", (int)out->num);
		break;
	case WL_ENUM:
		rc = choice_index(d->choices, value);
		if (rc < 0) {
			snprintf(err, errlen, "--%s %s: not one of %s", d->name, value, d->choices);
			return -EINVAL;
		}
		out->num = rc;
		snprintf(text, sizeof(text), "%s", value);
		break;
	default:
		snprintf(err, errlen, "--%s: bad parameter type", d->name);
		return -EINVAL;
	}
	free((void *)out->text);
	out->text = strdup(text);
	return out->text ? 0 : -ENOMEM;
}

int wl_params__check(const struct wl_params *p, char *err, size_t errlen)
{
	return p->wl->check ? p->wl->check(p, err, errlen) : 0;
}

int wl_params__init(struct wl_params *p, const struct workload *wl)
{
	char err[256];

	p->wl = wl;
	p->v = calloc(wl->nr_params ? wl->nr_params : 1, sizeof(*p->v));
	if (!p->v)
		return -ENOMEM;
	for (int i = 0; i < wl->nr_params; i++) {
		int rc = parse_value(&wl->params[i], wl->params[i].def, &p->v[i], err, sizeof(err));

		if (rc) {
			pr_err("workload %s: bad default: %s\n", wl->name, err);
			wl_params__free(p);
			return rc;
		}
	}
	return 0;
}

int wl_params__set(struct wl_params *p, const char *name, const char *value,
		   char *err, size_t errlen)
{
	int i = find_param(p->wl, name);

	if (i < 0) {
		snprintf(err, errlen, "workload %s has no parameter --%s (see: scxbench list workloads)",
			 p->wl->name, name);
		return -EINVAL;
	}
	if (!value) {
		snprintf(err, errlen, "--%s needs a value", name);
		return -EINVAL;
	}
	return parse_value(&p->wl->params[i], value, &p->v[i], err, errlen);
}

void wl_params__free(struct wl_params *p)
{
	if (!p->v)
		return;
	for (int i = 0; i < p->wl->nr_params; i++)
		free((void *)p->v[i].text);
	free(p->v);
	p->v = NULL;
}

static const struct wl_value *value_of(const struct wl_params *p, const char *name)
{
	int i = find_param(p->wl, name);

	if (i < 0) {
		/* a workload asking for a parameter missing from its own table
		 * is a bug; the unit tests exercise every workload's table */
		fprintf(stderr, "scxbench: BUG: workload %s has no parameter %s\n", p->wl->name, name);
		abort();
	}
	return &p->v[i];
}

int64_t wl_param_int(const struct wl_params *p, const char *name)
{
	return (int64_t)llround(value_of(p, name)->num);
}

double wl_param_double(const struct wl_params *p, const char *name)
{
	return value_of(p, name)->num;
}

bool wl_param_bool(const struct wl_params *p, const char *name)
{
	return value_of(p, name)->num != 0;
}

const char *wl_param_str(const struct wl_params *p, const char *name)
{
	return value_of(p, name)->text;
}
