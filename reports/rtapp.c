// SPDX-License-Identifier: GPL-2.0
/* A capture as rt-app JSON (rtapp.h says how it is approximated). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/json.h"
#include "reports/rtapp.h"

#define MAX_CYCLE 8

/* one burst and the sleep that ends it */
struct seg {
	int first, last; /* steps [first, last], last is the sleep (or the end) */
	unsigned long sig;
};

static unsigned long sig_of(const struct cap_thread *t, int a, int b)
{
	unsigned long h = 1469598103934665603ul;

	for (int i = a; i <= b; i++) {
		const struct cap_step *s = &t->steps[i];

		/* runs merge: "r w1 r" and "r w1 r r" are one shape */
		if (s->kind == CAP_RUN && i > a && t->steps[i - 1].kind == CAP_RUN)
			continue;
		h = (h ^ s->kind) * 1099511628211ul;
		if (s->kind == CAP_WAKE || s->kind == CAP_BLOCK)
			h = (h ^ (unsigned long)(s->peer + 1)) * 1099511628211ul;
	}
	return h;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median of the value at step offset off of every segment of shape sig */
static double median_at(const struct cap_thread *t, const struct seg *sg, int n, unsigned long sig,
			int off, double *buf)
{
	int m = 0;

	for (int i = 0; i < n; i++)
		if (sg[i].sig == sig && sg[i].first + off <= sg[i].last)
			buf[m++] = t->steps[sg[i].first + off].us;
	if (!m)
		return 0;
	qsort(buf, m, sizeof(*buf), cmp_d);
	return m % 2 ? buf[m / 2] : (buf[m / 2 - 1] + buf[m / 2]) / 2;
}

static const char *policy(const char *p)
{
	return !strcmp(p, "fifo") ? "SCHED_FIFO" : !strcmp(p, "rr") ? "SCHED_RR" :
	       !strcmp(p, "batch") ? "SCHED_BATCH" : !strcmp(p, "idle") ? "SCHED_IDLE" : "SCHED_OTHER";
}

static int thread(const struct capture *c, int idx, FILE *f)
{
	const struct cap_thread *t = &c->th[idx];
	struct seg *sg = calloc(t->nsteps + 1, sizeof(*sg));
	double *buf = malloc((t->nsteps + 1) * sizeof(*buf));
	int n = 0, k = 1, start = 0, ev = 0;

	if (!sg || !buf) {
		free(sg);
		free(buf);
		return -ENOMEM;
	}
	/* merge adjacent runs first, so offsets line up between segments */
	for (int i = 0; i < t->nsteps;) {
		int j = i;

		while (j < t->nsteps && (t->steps[j].kind == CAP_RUN || t->steps[j].kind == CAP_WAKE))
			j++;
		sg[n].first = i;
		sg[n].last = j < t->nsteps ? j : t->nsteps - 1;
		sg[n].sig = sig_of(t, sg[n].first, sg[n].last);
		n++;
		i = j + 1;
	}
	/* the shortest period that repeats in 70 % of places */
	for (int p = 1; p <= MAX_CYCLE && n > 2 * p; p++) {
		int same = 0;

		for (int i = p; i < n; i++)
			same += sg[i].sig == sg[i - p].sig;
		if (same * 10 >= (n - p) * 7) {
			k = p;
			break;
		}
		if (p == MAX_CYCLE)
			k = 1;
	}
	/* the cycle: from the middle of the capture (past any start-up) */
	start = n > 2 * k ? n / 2 : 0;
	if (k == 1 && n) {
		/* no cycle: the most common shape */
		int best = 0, bestn = 0;

		for (int i = 0; i < n; i++) {
			int m = 0;

			for (int j = 0; j < n; j++)
				m += sg[j].sig == sg[i].sig;
			if (m > bestn) {
				bestn = m;
				best = i;
			}
			if (i > 256)
				break;
		}
		start = best;
	}
	fprintf(f, "%s\n    \"thread%d\": {\"instance\": 1, \"loop\": -1, \"policy\": \"%s\", \"priority\": %d",
		idx ? "," : "", idx, policy(t->policy),
		strcmp(t->policy, "fifo") && strcmp(t->policy, "rr") ? t->nice : t->rt_priority);
	if (t->start_us >= 1)
		fprintf(f, ", \"delay\": %.0f", t->start_us);
	fprintf(f, ",\n      \"phases\": {\"p0\": {\"loop\": 1");
	for (int q = 0; n && q < k; q++) {
		const struct seg *s = &sg[(start + q) % n];

		for (int i = s->first; i <= s->last; i++) {
			const struct cap_step *st = &t->steps[i];
			double v = median_at(t, sg, n, s->sig, i - s->first, buf);

			switch (st->kind) {
			case CAP_RUN:
				/* merged runs: add the following ones of this burst */
				while (i + 1 <= s->last && t->steps[i + 1].kind == CAP_RUN) {
					i++;
					v += median_at(t, sg, n, s->sig, i - s->first, buf);
				}
				fprintf(f, ", \"run%d\": %.0f", ev++, v < 1 ? 1 : v);
				break;
			case CAP_WAKE:
				fprintf(f, ", \"resume%d\": \"thread%d\"", ev++, st->peer);
				break;
			case CAP_BLOCK:
				fprintf(f, ", \"suspend%d\": \"thread%d\"", ev++, idx);
				break;
			case CAP_TICK:
				fprintf(f, ", \"timer%d\": {\"ref\": \"tick%d\", \"period\": %.0f, \"mode\": \"absolute\"}",
					ev++, idx, t->period_us);
				break;
			default:
				fprintf(f, ", \"sleep%d\": %.0f", ev++, v < 1 ? 1 : v);
			}
		}
	}
	if (!ev)
		fprintf(f, ", \"sleep0\": 1000");
	fprintf(f, "}}}");
	free(sg);
	free(buf);
	return 0;
}

int rtapp__write(const struct capture *c, FILE *f)
{
	int err = 0;

	fprintf(f, "{\n  \"global\": {\"duration\": %d, \"calibration\": \"CPU0\", \"default_policy\": "
		   "\"SCHED_OTHER\", \"pi_enabled\": false, \"lock_pages\": false, \"logdir\": \"./\", "
		   "\"log_basename\": \"scxbench\"},\n  \"_scxbench\": {\"from\": ",
		(int)ceil(c->duration_s > 1 ? c->duration_s : 1));
	json_str(f, c->target);
	fprintf(f, ", \"note\": \"an approximation: each thread's typical cycle, medians\"},\n  \"tasks\": {");
	for (int i = 0; !err && i < c->nth; i++)
		err = thread(c, i, f);
	fprintf(f, "\n  }\n}\n");
	return err ? err : ferror(f) ? -EIO : 0;
}
