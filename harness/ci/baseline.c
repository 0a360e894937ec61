// SPDX-License-Identifier: GPL-2.0
/*
 * Baseline selection (baseline.h). Only ok runs count for a baseline: a
 * night whose scheduler crashed says nothing about its speed. A label is
 * dated by its newest run so that a night re-run later (the same label
 * again) moves to the front.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ci/baseline.h"

bool ci_baseline__same_machine(const struct q_run *a, const struct q_run *b)
{
	return !strcmp(a->hostname, b->hostname) && !strcmp(a->place, b->place) &&
	       !strcmp(a->kernel_release, b->kernel_release) &&
	       !strcmp(a->guest_kernel, b->guest_kernel) && !strcmp(a->accel, b->accel) &&
	       a->ncpus == b->ncpus;
}

const struct q_run *ci_baseline__tonight(const struct q_runs *runs,
					 const struct ci_run_ref *refs, const char *label,
					 bool *tonight)
{
	const struct q_run *ident = NULL;

	for (int i = 0; i < runs->n; i++) {
		tonight[i] = !strcmp(refs[i].label, label);
		if (tonight[i] && (!ident || runs->v[i].started_at >= ident->started_at))
			ident = &runs->v[i];
	}
	return ident;
}

static int by_time_desc(const void *a, const void *b)
{
	const struct ci_base_label *x = a, *y = b;

	return x->t < y->t ? 1 : x->t > y->t ? -1 : 0;
}

void ci_base_runs__free(struct ci_base_runs *b)
{
	free(b->cur);
	free(b->ok);
	free(b->base);
	free(b->labels);
	memset(b, 0, sizeof(*b));
}

int ci_baseline__select(const struct ci_config *c, const char *sched, const struct q_runs *runs,
			const struct ci_run_ref *refs, const bool *tonight,
			const struct q_run *ident, struct ci_base_runs *b)
{
	int nl = 0;

	memset(b, 0, sizeof(*b));
	b->labels = calloc(runs->n + 1, sizeof(*b->labels));
	b->cur = calloc(runs->n + 1, sizeof(bool));
	b->ok = calloc(runs->n + 1, sizeof(bool));
	b->base = calloc(runs->n + 1, sizeof(bool));
	if (!b->labels || !b->cur || !b->ok || !b->base)
		return -ENOMEM;
	/* tonight's runs and the labels of comparable earlier nights */
	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];
		int k;

		if (strcmp(r->scheduler, sched) || !ci_baseline__same_machine(r, ident))
			continue;
		b->ok[i] = r->status == RUN_OK;
		b->cur[i] = tonight[i];
		if (b->cur[i] || !b->ok[i])
			continue;
		for (k = 0; k < nl && strcmp(b->labels[k].label, refs[i].label); k++)
			;
		if (k == nl)
			snprintf(b->labels[nl++].label, sizeof(b->labels[0].label), "%s",
				 refs[i].label);
		if (r->started_at > b->labels[k].t)
			b->labels[k].t = r->started_at;
	}
	b->nlabels = nl;
	/* the baseline nights */
	qsort(b->labels, nl, sizeof(*b->labels), by_time_desc);
	for (int k = 0; k < nl; k++) {
		struct ci_base_label *l = &b->labels[k];

		l->baseline = c->baseline == CI_BASE_LAST ? b->nbase < c->last_k :
							    !strcmp(l->label, c->baseline_label);
		if (!l->baseline)
			continue;
		b->nbase++;
		for (int i = 0; i < runs->n; i++)
			if (b->ok[i] && !b->cur[i] && !strcmp(refs[i].label, l->label))
				b->base[i] = true;
	}
	return 0;
}

void ci_baseline__describe(const struct ci_config *c, const struct ci_base_runs *b, char *buf,
			   size_t len)
{
	size_t l;

	if (c->baseline == CI_BASE_LAST)
		snprintf(buf, len, "last %d labelled night(s)", c->last_k);
	else
		snprintf(buf, len, "pinned label %s", c->baseline_label);
	l = strlen(buf);
	if (!b->nbase)
		snprintf(buf + l, len - l, ": no earlier night on this machine");
	for (int k = 0, j = 0; k < b->nlabels && l < len; k++) {
		if (!b->labels[k].baseline)
			continue;
		l += snprintf(buf + l, len - l, "%s%s", j++ ? ", " : " (", b->labels[k].label);
		if (k + 1 == b->nlabels || (c->baseline == CI_BASE_LAST && k + 1 == c->last_k) ||
		    c->baseline == CI_BASE_LABEL)
			if (l < len)
				l += snprintf(buf + l, len - l, ")");
	}
}
