// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/results.h"

struct results {
	struct metric *metrics;
	int nr_metrics, cap_metrics;
	struct hist_entry *hists;
	int nr_hists, cap_hists;
	struct task_root roots[RESULTS_MAX_ROOTS];
	int nr_roots;
	char *detail;
};

struct results *results__new(void)
{
	return calloc(1, sizeof(struct results));
}

void results__free(struct results *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nr_hists; i++)
		free(r->hists[i].hist);
	free(r->hists);
	free(r->metrics);
	free(r->detail);
	free(r);
}

int results__add_task_root(struct results *r, const char *role, int pid)
{
	if (r->nr_roots >= RESULTS_MAX_ROOTS || pid <= 0)
		return -ENOSPC;
	snprintf(r->roots[r->nr_roots].role, sizeof(r->roots[0].role), "%s", role);
	r->roots[r->nr_roots++].pid = pid;
	return 0;
}

int results__nr_task_roots(const struct results *r)
{
	return r->nr_roots;
}

const struct task_root *results__task_root(const struct results *r, int i)
{
	return i >= 0 && i < r->nr_roots ? &r->roots[i] : NULL;
}

int results__set_detail(struct results *r, const char *text)
{
	char *s = strdup(text);

	if (!s)
		return -ENOMEM;
	free(r->detail);
	r->detail = s;
	return 0;
}

const char *results__detail(const struct results *r)
{
	return r->detail;
}

static int grow(void **arr, int *cap, int need, size_t elem)
{
	void *n;
	int ncap;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	while (ncap < need)
		ncap *= 2;
	n = realloc(*arr, (size_t)ncap * elem);
	if (!n)
		return -ENOMEM;
	*arr = n;
	*cap = ncap;
	return 0;
}

int results__add_metric(struct results *r, const char *name, double value,
			const char *unit, enum better better)
{
	struct metric *m = NULL;

	if (!name || !*name || strlen(name) >= sizeof(m->name) ||
	    (unit && strlen(unit) >= sizeof(m->unit)))
		return -EINVAL;
	for (int i = 0; i < r->nr_metrics; i++)
		if (!strcmp(r->metrics[i].name, name))
			m = &r->metrics[i];
	if (!m) {
		if (grow((void **)&r->metrics, &r->cap_metrics, r->nr_metrics + 1, sizeof(*m)))
			return -ENOMEM;
		m = &r->metrics[r->nr_metrics++];
	}
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->unit, sizeof(m->unit), "%s", unit ? unit : "");
	m->value = value;
	m->better = better;
	return 0;
}

int results__add_hist(struct results *r, const char *name, const char *unit,
		      const struct hist *h)
{
	struct hist_entry *e = NULL;
	struct hist *copy;

	if (!name || !*name || strlen(name) >= sizeof(e->name) ||
	    (unit && strlen(unit) >= sizeof(e->unit)))
		return -EINVAL;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, h, sizeof(*copy));
	for (int i = 0; i < r->nr_hists; i++)
		if (!strcmp(r->hists[i].name, name))
			e = &r->hists[i];
	if (!e) {
		if (grow((void **)&r->hists, &r->cap_hists, r->nr_hists + 1, sizeof(*e))) {
			free(copy);
			return -ENOMEM;
		}
		e = &r->hists[r->nr_hists++];
	} else {
		free(e->hist);
	}
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->unit, sizeof(e->unit), "%s", unit ? unit : "");
	e->hist = copy;
	return 0;
}

int results__add_latency(struct results *r, const char *prefix, const struct hist *h)
{
	static const struct { const char *suffix; double pct; } pcts[] = {
		{ "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p99.9", 99.9 }, { "max", 100 },
	};
	char name[64];
	int err;

	err = results__add_hist(r, prefix, "ns", h);
	for (size_t i = 0; !err && i < sizeof(pcts) / sizeof(pcts[0]); i++) {
		snprintf(name, sizeof(name), "%s_%s", prefix, pcts[i].suffix);
		err = results__add_metric(r, name, hist__percentile(h, pcts[i].pct) / 1000.0,
					  "us", BETTER_LOWER);
	}
	if (!err) {
		snprintf(name, sizeof(name), "%s_mean", prefix);
		err = results__add_metric(r, name, hist__mean(h) / 1000.0, "us", BETTER_LOWER);
	}
	if (!err) {
		snprintf(name, sizeof(name), "%s_samples", prefix);
		err = results__add_metric(r, name, (double)h->count, "count", BETTER_NONE);
	}
	return err;
}

int results__nr_metrics(const struct results *r)
{
	return r->nr_metrics;
}

const struct metric *results__metric(const struct results *r, int i)
{
	return i >= 0 && i < r->nr_metrics ? &r->metrics[i] : NULL;
}

const struct metric *results__find_metric(const struct results *r, const char *name)
{
	for (int i = 0; i < r->nr_metrics; i++)
		if (!strcmp(r->metrics[i].name, name))
			return &r->metrics[i];
	return NULL;
}

int results__nr_hists(const struct results *r)
{
	return r->nr_hists;
}

const struct hist_entry *results__hist(const struct results *r, int i)
{
	return i >= 0 && i < r->nr_hists ? &r->hists[i] : NULL;
}
