// SPDX-License-Identifier: GPL-2.0
/*
 * The CI config parser (format in ci_config.h, docs/ci.md). Our own: the
 * format is small, and a library would not give every error its line.
 * Every error is collected, so a user fixes a config in one pass; a
 * config with any error runs nothing.
 *
 * Workload parameters are applied after the whole section is read: the
 * `type =` key that selects the parameter table may come last.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ci/config.h"
#include "harness/lib/sched_spec.h"
#include "harness/lib/topology.h"
#include "harness/lib/util.h"

#define MAX_PENDING 64

struct pending {
	char key[64], value[1024];
	int line;
};

struct parser {
	struct ci_config *c;
	char *err;
	size_t errlen, used;
	int nerr;
	/* current section */
	enum { SEC_NONE, SEC_CI, SEC_SCHED, SEC_WL, SEC_METRIC, SEC_BAD } sec;
	bool seen_ci;
	/* [workload] keys waiting for the section's end */
	struct pending pend[MAX_PENDING];
	int npend;
	char wl_type[64];
	int wl_type_line;
	/* duplicate key detection within a section */
	char keys[MAX_PENDING][64];
	int nkeys;
};

static void __attribute__((format(printf, 3, 4))) perr(struct parser *p, int line,
							  const char *fmt, ...)
{
	va_list ap;
	int n;

	p->nerr++;
	if (p->used + 1 >= p->errlen)
		return;
	n = snprintf(p->err + p->used, p->errlen - p->used, "%s%s:%d: ", p->used ? "\n" : "",
		     p->c->name, line);
	if (n < 0 || (size_t)n >= p->errlen - p->used) {
		p->used = p->errlen;
		return;
	}
	p->used += n;
	va_start(ap, fmt);
	n = vsnprintf(p->err + p->used, p->errlen - p->used, fmt, ap);
	va_end(ap);
	p->used = n < 0 || (size_t)n >= p->errlen - p->used ? p->errlen : p->used + n;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* "5%", "5 %" or "5": percent in [0, 1000] */
static int parse_pct(const char *v, double *out)
{
	char buf[64];
	size_t l;

	snprintf(buf, sizeof(buf), "%s", v);
	l = strlen(buf);
	if (l && buf[l - 1] == '%') {
		buf[--l] = 0;
		while (l && buf[l - 1] == ' ')
			buf[--l] = 0;
	}
	return parse_double(buf, 0, 1000, out);
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on")) {
		*out = true;
		return 0;
	}
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off")) {
		*out = false;
		return 0;
	}
	return -EINVAL;
}

static int copy_str(char *dst, size_t len, const char *v)
{
	if (!*v || strlen(v) >= len)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

/* kernels = A, B / topologies = S, S: comma lists, blanks around items
 * dropped, topologies checked and written canonically */
static void list_key(struct parser *p, int line, const char *k, const char *v)
{
	bool topo = k[0] == 't';
	char *dst = topo ? p->c->topologies : p->c->kernels;
	size_t cap = topo ? sizeof(p->c->topologies) : sizeof(p->c->kernels), used = 0;
	int n = 0;

	dst[0] = 0;
	for (const char *q = v;; q++) {
		size_t l = strcspn(q, ",");
		char item[256], why[256];
		const char *b = q, *e = q + l;

		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == b || e - b >= (long)sizeof(item)) {
			perr(p, line, "%s = %s: expected a comma-separated list%s", k, v,
			     topo ? " of topologies (e.g. 2s2c2t, 1s4c1t)" : " of kernels (cached"
			     " releases or image paths)");
			return;
		}
		snprintf(item, sizeof(item), "%.*s", (int)(e - b), b);
		if (topo) {
			struct topo_spec t;

			if (topo_spec__parse(item, &t, why, sizeof(why))) {
				perr(p, line, "topologies: %s", why);
				return;
			}
			topo_spec__format(&t, item, sizeof(item));
		} else if (strchr(item, ' ') || strchr(item, '\t')) {
			perr(p, line, "kernels: '%s': a name without blanks", item);
			return;
		}
		if (used + strlen(item) + 2 > cap || ++n > CI_MAX_CELLS) {
			perr(p, line, "%s: too long a list (at most %d)", k, CI_MAX_CELLS);
			return;
		}
		used += snprintf(dst + used, cap - used, "%s%s", used ? "," : "", item);
		q += l;
		if (!*q)
			break;
	}
}

static void ci_key(struct parser *p, int line, const char *k, const char *v)
{
	struct ci_config *c = p->c;
	int64_t n;

	if (!strcmp(k, "db")) {
		if (copy_str(c->db, sizeof(c->db), v))
			perr(p, line, "db: empty or too long path");
	} else if (!strcmp(k, "out")) {
		if (copy_str(c->out, sizeof(c->out), v))
			perr(p, line, "out: empty or too long path");
	} else if (!strcmp(k, "label")) {
		if (!strcmp(v, "required"))
			c->label_policy = CI_LABEL_REQUIRED;
		else if (!strcmp(v, "time"))
			c->label_policy = CI_LABEL_TIME;
		else
			perr(p, line, "label = %s: expected 'required' or 'time'", v);
	} else if (!strcmp(k, "place")) {
		if (!strcmp(v, "auto"))
			c->place = CI_PLACE_AUTO;
		else if (!strcmp(v, "host"))
			c->place = CI_PLACE_HOST;
		else if (!strcmp(v, "vm"))
			c->place = CI_PLACE_VM;
		else
			perr(p, line, "place = %s: expected auto, host or vm", v);
	} else if (!strcmp(k, "kernel")) {
		if (copy_str(c->kernel, sizeof(c->kernel), v))
			perr(p, line, "kernel: empty or too long path");
	} else if (!strcmp(k, "kernels") || !strcmp(k, "topologies")) {
		list_key(p, line, k, v);
	} else if (!strcmp(k, "vm-cpus")) {
		if (parse_i64(v, 1, 64, &n))
			perr(p, line, "vm-cpus = %s: not a CPU count from 1 to 64", v);
		else
			c->vm_cpus = (int)n;
	} else if (!strcmp(k, "vm-mem")) {
		if (parse_i64(v, 256, 65536, &n))
			perr(p, line, "vm-mem = %s: not a size in MB from 256 to 65536", v);
		else
			c->vm_mem_mb = (int)n;
	} else if (!strcmp(k, "reps")) {
		if (!strcmp(v, "until-ci")) {
			c->until_ci = true;
		} else if (parse_i64(v, 1, 1000, &n)) {
			perr(p, line, "reps = %s: not a count from 1 to 1000 or 'until-ci'", v);
		} else {
			c->until_ci = false;
			c->reps = (int)n;
		}
	} else if (!strcmp(k, "min-reps") || !strcmp(k, "max-reps")) {
		if (parse_i64(v, 2, 1000, &n))
			perr(p, line, "%s = %s: not a count from 2 to 1000", k, v);
		else if (k[1] == 'i')
			c->min_reps = (int)n;
		else
			c->max_reps = (int)n;
	} else if (!strcmp(k, "ci-target")) {
		if (parse_pct(v, &c->ci_target_pct) || c->ci_target_pct <= 0)
			perr(p, line, "ci-target = %s: not a percentage above 0 (e.g. 5%%)", v);
	} else if (!strcmp(k, "duration")) {
		if (parse_duration(v, 0.1, 86400, &c->duration_s))
			perr(p, line, "duration = %s: not a duration from 100ms to 24h (e.g. 10s)", v);
	} else if (!strcmp(k, "trace")) {
		if (parse_bool(v, &c->trace))
			perr(p, line, "trace = %s: expected yes or no", v);
	} else if (!strcmp(k, "alpha")) {
		if (parse_double(v, 1e-9, 0.5, &c->alpha))
			perr(p, line, "alpha = %s: not a probability in (0, 0.5]", v);
	} else if (!strcmp(k, "min-effect")) {
		if (parse_pct(v, &c->min_effect_pct))
			perr(p, line, "min-effect = %s: not a percentage from 0 to 1000 (e.g. 5%%)", v);
	} else if (!strcmp(k, "baseline")) {
		if (!strncmp(v, "last:", 5)) {
			if (parse_i64(v + 5, 1, 1000, &n))
				perr(p, line, "baseline = %s: last:K needs K from 1 to 1000", v);
			else {
				c->baseline = CI_BASE_LAST;
				c->last_k = (int)n;
			}
		} else if (!strncmp(v, "label:", 6)) {
			if (copy_str(c->baseline_label, sizeof(c->baseline_label), v + 6))
				perr(p, line, "baseline = %s: label:NAME needs a name (< 128 chars)", v);
			else
				c->baseline = CI_BASE_LABEL;
		} else {
			perr(p, line, "baseline = %s: expected last:K or label:NAME", v);
		}
	} else if (!strcmp(k, "seed")) {
		if (parse_i64(v, 0, INT64_MAX, &n)) {
			perr(p, line, "seed = %s: not a non-negative integer", v);
		} else {
			c->seed = (uint64_t)n;
			c->have_seed = true;
		}
	} else {
		perr(p, line, "unknown key '%s' in [ci] (db, out, label, place, kernel, kernels,"
			      " topologies, vm-cpus, vm-mem, reps, min-reps, max-reps, ci-target, duration, trace, alpha,"
			      " min-effect, baseline, seed)", k);
	}
}

/* exec arguments: the grammar of scheduler names (sched_spec.h) */
static int split_args(struct ci_sched *s, const char *v)
{
	char **words, err[128];
	int n, rc;

	rc = sched_spec__split(v, &words, &n, err, sizeof(err));
	if (rc)
		return rc;
	for (int i = 0; i < n && !rc; i++) {
		if (s->argc >= CI_MAX_ARGS) {
			rc = -E2BIG;
			break;
		}
		s->argv[s->argc] = strdup(words[i]);
		if (!s->argv[s->argc])
			rc = -ENOMEM;
		else
			s->argc++;
	}
	sched_spec__free(words);
	return rc;
}

static void sched_key(struct parser *p, int line, const char *k, const char *v)
{
	struct ci_sched *s = &p->c->sched[p->c->nsched - 1];
	int64_t n;

	if (!strcmp(k, "args")) {
		int rc;

		if (strncmp(s->spec, "exec:", 5)) {
			perr(p, line, "args: only exec: schedulers take arguments");
			return;
		}
		rc = split_args(s, v);
		if (rc == -EINVAL)
			perr(p, line, "args: unmatched quote");
		else if (rc == -E2BIG)
			perr(p, line, "args: more than %d arguments", CI_MAX_ARGS);
		else if (rc)
			perr(p, line, "args: out of memory");
	} else if (!strcmp(k, "timeout-ms")) {
		if (parse_i64(v, 1, 3600000, &n))
			perr(p, line, "timeout-ms = %s: not a time from 1 to 3600000 ms", v);
		else
			s->timeout_ms = (uint32_t)n;
	} else if (!strcmp(k, "enable-timeout")) {
		if (parse_duration(v, 0.1, 3600, &s->enable_timeout_s))
			perr(p, line, "enable-timeout = %s: not a duration from 100ms to 1h (e.g. 60s)", v);
	} else {
		perr(p, line, "unknown key '%s' in [scheduler] (args, timeout-ms, enable-timeout)", k);
	}
}

static void wl_key(struct parser *p, int line, const char *k, const char *v)
{
	struct ci_workload *w = &p->c->wl[p->c->nwl - 1];

	if (!strcmp(k, "type") || !strcmp(k, "cmd") || !strcmp(k, "replay")) {
		/* cmd = COMMAND and replay = FILE: the workload and its argument */
		const struct workload *aw = strcmp(k, "type") ? workload__find(k) : NULL;

		snprintf(p->wl_type, sizeof(p->wl_type), "%s", k[0] == 't' ? v : k);
		p->wl_type_line = line;
		if (aw && p->npend < MAX_PENDING) {
			struct pending *pd = &p->pend[p->npend++];

			snprintf(pd->key, sizeof(pd->key), "%s", aw->arg_param);
			snprintf(pd->value, sizeof(pd->value), "%s", v);
			pd->line = line;
		}
	} else if (!strcmp(k, "duration")) {
		if (parse_duration(v, 0.1, 86400, &w->duration_s))
			perr(p, line, "duration = %s: not a duration from 100ms to 24h (e.g. 10s)", v);
	} else if (p->npend >= MAX_PENDING) {
		perr(p, line, "more than %d parameters in one workload", MAX_PENDING);
	} else {
		struct pending *pd = &p->pend[p->npend++];

		snprintf(pd->key, sizeof(pd->key), "%s", k);
		snprintf(pd->value, sizeof(pd->value), "%s", v);
		pd->line = line;
	}
}

static void metric_key(struct parser *p, int line, const char *k, const char *v)
{
	struct ci_metric *m = &p->c->metric[p->c->nmetric - 1];

	if (!strcmp(k, "min-effect")) {
		if (parse_pct(v, &m->min_effect_pct))
			perr(p, line, "min-effect = %s: not a percentage from 0 to 1000 (e.g. 5%%)", v);
	} else if (!strcmp(k, "gate")) {
		bool g;

		if (parse_bool(v, &g))
			perr(p, line, "gate = %s: expected yes or no", v);
		else
			m->gate = g ? CI_GATE_YES : CI_GATE_NO;
	} else {
		perr(p, line, "unknown key '%s' in [metric] (min-effect, gate)", k);
	}
}

/* The end of a [workload] section: now its table is known. */
static void finish_wl(struct parser *p)
{
	struct ci_workload *w;
	const char *type;
	char e[256];

	if (p->sec != SEC_WL)
		return;
	w = &p->c->wl[p->c->nwl - 1];
	type = p->wl_type[0] ? p->wl_type : w->name;
	w->wl = workload__find(type);
	if (!w->wl) {
		perr(p, p->wl_type[0] ? p->wl_type_line : w->line,
		     "unknown workload '%s' (hackbench, latency, cpu, mixed, cmd, replay;"
		     " or set type =, cmd = or replay =)", type);
		return;
	}
	if (wl_params__init(&w->params, w->wl)) {
		perr(p, w->line, "workload %s: out of memory", type);
		return;
	}
	for (int i = 0; i < p->npend; i++)
		if (wl_params__set(&w->params, p->pend[i].key, p->pend[i].value, e, sizeof(e)))
			perr(p, p->pend[i].line, "%s", e);
	if (wl_params__check(&w->params, e, sizeof(e)))
		perr(p, w->line, "workload %s: %s", w->name, e);
}

static void section(struct parser *p, int line, char *s)
{
	struct ci_config *c = p->c;
	char *name = s + strcspn(s, " \t");

	if (*name)
		*name++ = 0;
	name = trim(name);
	finish_wl(p);
	p->npend = 0;
	p->nkeys = 0;
	p->wl_type[0] = 0;
	p->sec = SEC_BAD;
	if (!strcmp(s, "ci")) {
		if (*name)
			perr(p, line, "[ci] takes no name");
		else if (p->seen_ci)
			perr(p, line, "second [ci] section");
		else
			p->sec = SEC_CI;
		p->seen_ci = true;
		return;
	}
	if (strcmp(s, "scheduler") && strcmp(s, "workload") && strcmp(s, "metric")) {
		perr(p, line, "unknown section [%s] (ci, scheduler NAME, workload NAME, metric NAME)",
		     s);
		return;
	}
	if (!*name || strlen(name) >= 64 || strpbrk(name, " \t,")) {
		perr(p, line, "[%s NAME]: NAME must be one word of 1 to 63 characters", s);
		return;
	}
	if (!strcmp(s, "scheduler")) {
		for (int i = 0; i < c->nsched; i++)
			if (!strcmp(c->sched[i].spec, name)) {
				perr(p, line, "scheduler %s already defined at line %d", name,
				     c->sched[i].line);
				return;
			}
		if (c->nsched >= CI_MAX_SCHED) {
			perr(p, line, "more than %d schedulers", CI_MAX_SCHED);
			return;
		}
		snprintf(c->sched[c->nsched].spec, sizeof(c->sched[0].spec), "%s", name);
		c->sched[c->nsched++].line = line;
		p->sec = SEC_SCHED;
	} else if (!strcmp(s, "workload")) {
		for (int i = 0; i < c->nwl; i++)
			if (!strcmp(c->wl[i].name, name)) {
				perr(p, line, "workload %s already defined at line %d", name,
				     c->wl[i].line);
				return;
			}
		if (c->nwl >= CI_MAX_WL) {
			perr(p, line, "more than %d workloads", CI_MAX_WL);
			return;
		}
		snprintf(c->wl[c->nwl].name, sizeof(c->wl[0].name), "%s", name);
		c->wl[c->nwl++].line = line;
		p->sec = SEC_WL;
	} else {
		for (int i = 0; i < c->nmetric; i++)
			if (!strcmp(c->metric[i].name, name)) {
				perr(p, line, "metric %s already defined at line %d", name,
				     c->metric[i].line);
				return;
			}
		if (c->nmetric >= CI_MAX_METRIC) {
			perr(p, line, "more than %d metrics", CI_MAX_METRIC);
			return;
		}
		snprintf(c->metric[c->nmetric].name, sizeof(c->metric[0].name), "%s", name);
		c->metric[c->nmetric].min_effect_pct = NAN;
		c->metric[c->nmetric].gate = CI_GATE_DEFAULT;
		c->metric[c->nmetric++].line = line;
		p->sec = SEC_METRIC;
	}
}

static void key_value(struct parser *p, int line, char *s)
{
	char *eq = strchr(s, '='), *k, *v;

	if (!eq) {
		perr(p, line, "expected 'key = value' or '[section]'");
		return;
	}
	*eq = 0;
	k = trim(s);
	v = trim(eq + 1);
	if (!*k || strspn(k, "abcdefghijklmnopqrstuvwxyz0123456789-_") != strlen(k) ||
	    strlen(k) >= 64) {
		perr(p, line, "bad key '%s' (lower-case letters, digits, - and _)", k);
		return;
	}
	if (!*v) {
		perr(p, line, "%s: empty value", k);
		return;
	}
	if (p->sec == SEC_BAD)
		return; /* the section header was already reported */
	if (p->sec == SEC_NONE) {
		perr(p, line, "'%s' outside any section (start with [ci])", k);
		return;
	}
	/* a cmd workload's metric = rules are lines: one key per rule */
	for (int i = 0; i < p->nkeys && !(p->sec == SEC_WL && !strcmp(k, "metric")); i++)
		if (!strcmp(p->keys[i], k)) {
			perr(p, line, "%s: set twice in this section", k);
			return;
		}
	if (p->nkeys < MAX_PENDING)
		snprintf(p->keys[p->nkeys++], sizeof(p->keys[0]), "%s", k);
	switch (p->sec) {
	case SEC_CI:
		ci_key(p, line, k, v);
		break;
	case SEC_SCHED:
		sched_key(p, line, k, v);
		break;
	case SEC_WL:
		wl_key(p, line, k, v);
		break;
	case SEC_METRIC:
		metric_key(p, line, k, v);
		break;
	default:
		break;
	}
}

static void make_sig(struct ci_config *c, struct ci_workload *w)
{
	size_t used;

	used = snprintf(w->sig, sizeof(w->sig), "%s|%s|d=%g|trace=%d", w->name, w->wl->name,
			w->duration_s ? w->duration_s : c->duration_s, c->trace);
	for (int i = 0; i < w->wl->nr_params && used < sizeof(w->sig); i++)
		used += snprintf(w->sig + used, sizeof(w->sig) - used, "|%s=%s",
				 w->wl->params[i].name, w->params.v[i].text);
}

int ci_config__parse(struct ci_config *c, const char *name, const char *text, char *err,
		     size_t errlen)
{
	struct parser p = { .c = c, .err = err, .errlen = errlen };
	const char *q = text;
	int line = 0, nlast = 0;

	memset(c, 0, sizeof(*c));
	if (errlen)
		err[0] = 0;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->text = strdup(text);
	if (!c->text)
		return -ENOMEM;
	snprintf(c->db, sizeof(c->db), "scxbench.db");
	snprintf(c->out, sizeof(c->out), "ci-out");
	c->reps = 5;
	c->min_reps = 3;
	c->max_reps = 20;
	c->ci_target_pct = 5;
	c->duration_s = 10;
	c->trace = true;
	c->alpha = 0.05;
	c->min_effect_pct = 5;
	c->baseline = CI_BASE_LAST;
	c->last_k = 5;

	while (*q) {
		size_t l = strcspn(q, "\n");
		char buf[2048], *s;

		line++;
		if (l >= sizeof(buf)) {
			perr(&p, line, "line longer than %zu characters", sizeof(buf) - 1);
			q += l + (q[l] == '\n');
			continue;
		}
		memcpy(buf, q, l);
		buf[l] = 0;
		q += l + (q[l] == '\n');
		s = trim(buf);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');

			if (!e || *trim(e + 1)) {
				perr(&p, line, "malformed section header (expected [NAME] alone on the line)");
				finish_wl(&p);
				p.sec = SEC_BAD;
				continue;
			}
			*e = 0;
			section(&p, line, trim(s + 1));
			continue;
		}
		key_value(&p, line, s);
	}
	finish_wl(&p);
	nlast = line ? line : 1;
	if (!p.seen_ci)
		perr(&p, 1, "no [ci] section");
	if (!c->nsched)
		perr(&p, nlast, "no [scheduler NAME] section: nothing to run");
	if (!c->nwl)
		perr(&p, nlast, "no [workload NAME] section: nothing to run");
	if (c->until_ci && c->min_reps > c->max_reps)
		perr(&p, nlast, "min-reps %d > max-reps %d", c->min_reps, c->max_reps);
	if ((c->kernel[0] || c->kernels[0] || c->topologies[0]) && c->place == CI_PLACE_HOST)
		perr(&p, nlast, "kernel =, kernels = and topologies = are for place = vm, but place = host");
	if (c->kernel[0] && c->kernels[0])
		perr(&p, nlast, "kernel = and kernels = exclude each other");
	{
		int nk = 1, nt = 1;

		for (const char *q = c->kernels; *q; q++)
			nk += *q == ',';
		for (const char *q = c->topologies; *q; q++)
			nt += *q == ',';
		if (nk * nt > CI_MAX_CELLS)
			perr(&p, nlast, "kernels x topologies is %d cells, at most %d", nk * nt,
			     CI_MAX_CELLS);
	}
	if (c->kernel[0] || c->kernels[0] || c->topologies[0])
		c->place = CI_PLACE_VM;
	if (p.nerr)
		return -EINVAL;
	for (int i = 0; i < c->nwl; i++)
		make_sig(c, &c->wl[i]);
	return 0;
}

int ci_config__load(struct ci_config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t cap = 0, n = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	for (;;) {
		if (n + 4096 + 1 > cap) {
			char *nt = realloc(text, cap = cap * 2 + 8192);

			if (!nt) {
				free(text);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory", path);
				return -ENOMEM;
			}
			text = nt;
		}
		size_t r = fread(text + n, 1, 4096, f);

		n += r;
		if (r < 4096)
			break;
		if (n > (1 << 20)) {
			free(text);
			fclose(f);
			snprintf(err, errlen, "%s: larger than 1 MiB: not a CI config", path);
			return -EFBIG;
		}
	}
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc) {
		free(text);
		snprintf(err, errlen, "%s: read error", path);
		return rc;
	}
	text[n] = 0;
	if (strlen(text) != n) {
		free(text);
		snprintf(err, errlen, "%s: contains NUL bytes: not a CI config", path);
		return -EINVAL;
	}
	rc = ci_config__parse(c, path, text, err, errlen);
	free(text);
	return rc;
}

void ci_config__free(struct ci_config *c)
{
	for (int i = 0; i < c->nsched; i++)
		for (int a = 0; a < c->sched[i].argc; a++)
			free(c->sched[i].argv[a]);
	for (int i = 0; i < c->nwl; i++)
		if (c->wl[i].params.v)
			wl_params__free(&c->wl[i].params);
	free(c->text);
	c->text = NULL;
	c->nsched = c->nwl = c->nmetric = 0;
}

double ci_config__min_effect(const struct ci_config *c, const char *wl_type, const char *metric,
			     bool *gate)
{
	bool primary = wl_type && workload__is_primary(wl_type, metric);

	for (int i = 0; i < c->nmetric; i++)
		if (!strcmp(c->metric[i].name, metric)) {
			if (gate)
				*gate = c->metric[i].gate == CI_GATE_YES ||
					(c->metric[i].gate == CI_GATE_DEFAULT && primary);
			return isnan(c->metric[i].min_effect_pct) ? c->min_effect_pct :
								    c->metric[i].min_effect_pct;
		}
	if (gate)
		*gate = primary;
	return c->min_effect_pct;
}
