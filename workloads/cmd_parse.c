// SPDX-License-Identifier: GPL-2.0
/*
 * A command's output into metrics (cmd_parse.h). Rules are POSIX extended
 * regular expressions matched line by line; the last matching line wins,
 * because tools print running figures before their summary.
 */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/json_read.h"
#include "workloads/cmd_parse.h"

enum cmd_parser cmd_parse__auto(char *const *argv)
{
	const char *b;

	if (!argv || !argv[0])
		return CMD_PARSE_NONE;
	b = strrchr(argv[0], '/');
	b = b ? b + 1 : argv[0];
	if (!strcmp(b, "stress-ng"))
		return CMD_PARSE_STRESSNG;
	if (!strncmp(b, "perf", 4) && (!b[4] || b[4] == '-'))
		return CMD_PARSE_PERF;
	if (!strcmp(b, "schbench"))
		return CMD_PARSE_SCHBENCH;
	return CMD_PARSE_NONE;
}

struct rule {
	char name[48], unit[16];
	enum better better;
	regex_t re;
};

/* "NAME[:UNIT[:higher|lower]]=REGEX" */
static int parse_rule(const char *s, struct rule *r, char *err, size_t len)
{
	const char *eq = strchr(s, '='), *c1, *c2;
	char head[128];
	int rc;

	memset(r, 0, sizeof(*r));
	if (!eq || eq == s || (size_t)(eq - s) >= sizeof(head)) {
		snprintf(err, len, "--metric %s: expected NAME[:UNIT[:higher|lower]]=REGEX", s);
		return -EINVAL;
	}
	memcpy(head, s, eq - s);
	head[eq - s] = 0;
	c1 = strchr(head, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	snprintf(r->name, sizeof(r->name), "%.*s", (int)(c1 ? c1 - head : (long)strlen(head)), head);
	for (const char *p = r->name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.') {
			snprintf(err, len, "--metric %s: the name may hold letters, digits, _ and . only", s);
			return -EINVAL;
		}
	if (!r->name[0] || strlen(r->name) > 40) {
		snprintf(err, len, "--metric %s: a name of 1 to 40 characters", s);
		return -EINVAL;
	}
	if (c1)
		snprintf(r->unit, sizeof(r->unit), "%.*s",
			 (int)(c2 ? c2 - c1 - 1 : (long)strlen(c1 + 1)), c1 + 1);
	r->better = BETTER_NONE;
	if (c2) {
		if (!strcmp(c2 + 1, "higher"))
			r->better = BETTER_HIGHER;
		else if (!strcmp(c2 + 1, "lower"))
			r->better = BETTER_LOWER;
		else if (strcmp(c2 + 1, "none")) {
			snprintf(err, len, "--metric %s: direction '%s' is not higher, lower or none", s,
				 c2 + 1);
			return -EINVAL;
		}
	}
	rc = regcomp(&r->re, eq + 1, REG_EXTENDED | REG_NEWLINE);
	if (rc) {
		char m[128];

		regerror(rc, &r->re, m, sizeof(m));
		snprintf(err, len, "--metric %s: bad regular expression: %s", s, m);
		return -EINVAL;
	}
	return 0;
}

int cmd_parse__check_rule(const char *rule, char *err, size_t len)
{
	struct rule r;
	int rc = parse_rule(rule, &r, err, len);

	if (!rc)
		regfree(&r.re);
	return rc;
}

/* The value of the last match of re in text: 0 found, -ENOENT none. */
static int last_match(regex_t *re, const char *text, double *v)
{
	const char *p = text;
	regmatch_t m[2];
	bool found = false;

	while (*p && !regexec(re, p, 2, m, p == text ? 0 : REG_NOTBOL)) {
		int k = m[1].rm_so >= 0 ? 1 : 0;
		char num[64], *end;
		size_t n = (size_t)(m[k].rm_eo - m[k].rm_so);

		if (n && n < sizeof(num)) {
			double d;

			memcpy(num, p + m[k].rm_so, n);
			num[n] = 0;
			d = strtod(num, &end);
			if (end != num) {
				*v = d;
				found = true;
			}
		}
		p += m[0].rm_eo > 0 ? m[0].rm_eo : 1;
	}
	return found ? 0 : -ENOENT;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s))
			*s = '_';
		else
			*s = (char)tolower((unsigned char)*s);
}

/* stress-ng: [info|metrc]: [pid] NAME bogo-ops real usr sys ops/s ops/s-cpu */
static int parse_stressng(const char *text, struct results *res)
{
	int added = 0;

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char name[32], metric[64];
		double ops, real, usr, sys, rate, cpurate;
		const char *b = strstr(l, "] ");
		const char *nl = strchr(l, '\n');

		if (strncmp(l, "stress-ng:", 10) || !b || (nl && b > nl))
			continue;
		if (sscanf(b + 2, "%31s %lf %lf %lf %lf %lf %lf", name, &ops, &real, &usr, &sys,
			   &rate, &cpurate) != 7)
			continue;
		sanitize(name);
		snprintf(metric, sizeof(metric), "stressng_%s_bogo_ops", name);
		if (results__add_metric(res, metric, ops, "ops", BETTER_NONE))
			return -ENOMEM;
		snprintf(metric, sizeof(metric), "stressng_%s_bogo_ops_per_s", name);
		if (results__add_metric(res, metric, rate, "ops/s", BETTER_HIGHER))
			return -ENOMEM;
		snprintf(metric, sizeof(metric), "stressng_%s_bogo_ops_per_cpu_s", name);
		if (results__add_metric(res, metric, cpurate, "ops/s", BETTER_HIGHER))
			return -ENOMEM;
		added += 3;
	}
	return added;
}

static int parse_perf(const char *text, struct results *res)
{
	static const struct {
		const char *re, *name, *unit;
		enum better better;
	} pats[] = {
		{ "Total time: *([0-9.]+) *\\[sec\\]", "perf_total_s", "s", BETTER_LOWER },
		{ "([0-9.]+) usecs/op", "perf_usecs_per_op", "us", BETTER_LOWER },
		{ "([0-9]+) ops/sec", "perf_ops_per_s", "ops/s", BETTER_HIGHER },
	};
	int added = 0;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		regex_t re;
		double v;

		if (regcomp(&re, pats[i].re, REG_EXTENDED | REG_NEWLINE))
			return -EINVAL;
		if (!last_match(&re, text, &v)) {
			if (results__add_metric(res, pats[i].name, v, pats[i].unit, pats[i].better)) {
				regfree(&re);
				return -ENOMEM;
			}
			added++;
		}
		regfree(&re);
	}
	return added;
}

/* schbench -j: {"normal": {...}, "int": {"wakeup_latency_pct99.0": 47, ...}} */
static int parse_schbench(const char *json, struct results *res)
{
	const struct jv *ints;
	struct jv *root;
	char e[128];
	int added = 0;

	if (!json)
		return 0;
	root = json_parse(json, e, sizeof(e));
	ints = json_get(root, "int");
	for (int i = 0; ints && ints->t == J_OBJ && i < ints->n; i++) {
		const char *k = ints->keys[i];
		char name[64], *pct;
		bool lat = strstr(k, "latency") != NULL, rps = !strncmp(k, "rps", 3);

		if (ints->items[i].t != J_NUM || !strcmp(k, "time"))
			continue;
		snprintf(name, sizeof(name), "schbench_%s", k);
		/* "_pct99.0" -> "_p99", "_pct99.9" -> "_p99.9" */
		pct = strstr(name, "_pct");
		if (pct) {
			char *dot;

			memmove(pct + 2, pct + 4, strlen(pct + 4) + 1);
			dot = strchr(pct, '.');
			if (dot && dot[1] == '0' && !dot[2])
				*dot = 0;
		}
		if (results__add_metric(res, name, ints->items[i].num, lat ? "us" : rps ? "req/s" : "",
					lat ? BETTER_LOWER : rps ? BETTER_HIGHER : BETTER_NONE)) {
			json_free(root);
			return -ENOMEM;
		}
		added++;
	}
	json_free(root);
	return added;
}

int cmd_parse__apply(const char *rules, enum cmd_parser parser, const char *text,
		     const char *json, struct results *res, char *missing, size_t mlen)
{
	int added = 0, rc = 0;

	if (missing && mlen)
		missing[0] = 0;
	for (const char *l = rules; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		size_t n = strcspn(l, "\n");
		char *one = strndup(l, n), e[256], name[64];
		struct rule r;
		double v;

		if (!one)
			return -ENOMEM;
		rc = parse_rule(one, &r, e, sizeof(e));
		if (rc) {
			free(one);
			return rc;
		}
		if (!last_match(&r.re, text, &v)) {
			snprintf(name, sizeof(name), "cmd_%s", r.name);
			rc = results__add_metric(res, name, v, r.unit, r.better);
			added++;
		} else if (missing && mlen && !missing[0]) {
			snprintf(missing, mlen, "%s", one);
		}
		regfree(&r.re);
		free(one);
		if (rc)
			return rc;
	}
	switch (parser) {
	case CMD_PARSE_STRESSNG:
		rc = parse_stressng(text, res);
		break;
	case CMD_PARSE_PERF:
		rc = parse_perf(text, res);
		break;
	case CMD_PARSE_SCHBENCH:
		rc = parse_schbench(json, res);
		break;
	default:
		rc = 0;
	}
	return rc < 0 ? rc : added + rc;
}
