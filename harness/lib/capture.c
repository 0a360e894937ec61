// SPDX-License-Identifier: GPL-2.0
/*
 * The capture model (capture.h): building, the period finder, JSON out
 * and in. Times are microseconds as doubles: a capture is read by people
 * and scripts as much as by the replay.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/capture.h"
#include "harness/lib/json.h"
#include "harness/lib/json_read.h"
#include "harness/lib/util.h"

static const char *const via_names[NR_VIA] = { "unknown", "futex", "pipe", "timer", "child", "other" };

const char *cap_via__name(int via)
{
	return via >= 0 && via < NR_VIA ? via_names[via] : "unknown";
}

int cap_via__parse(const char *s)
{
	for (int i = 0; s && i < NR_VIA; i++)
		if (!strcmp(s, via_names[i]))
			return i;
	return -1;
}

struct capture *capture__new(void)
{
	return calloc(1, sizeof(struct capture));
}

void capture__free(struct capture *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->nth; i++)
		free(c->th[i].steps);
	free(c->th);
	free(c->edges);
	free(c->command);
	free(c->target);
	free(c->scheduler);
	free(c->kernel);
	free(c->host);
	free(c);
}

int capture__add_thread(struct capture *c, int tid, const char *comm, double start_us)
{
	struct cap_thread *t;

	if (c->nth >= CAPTURE_MAX_THREADS)
		return -ENOSPC;
	if (c->nth == c->cap_th) {
		int n = c->cap_th ? c->cap_th * 2 : 16;
		struct cap_thread *nt = realloc(c->th, n * sizeof(*nt));

		if (!nt)
			return -ENOMEM;
		c->th = nt;
		c->cap_th = n;
	}
	t = &c->th[c->nth];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm ? comm : "");
	snprintf(t->policy, sizeof(t->policy), "other");
	t->start_us = t->end_us = start_us;
	t->creator = -1;
	return c->nth++;
}

int capture__add_step(struct capture *c, int idx, const struct cap_step *s)
{
	struct cap_thread *t = &c->th[idx];

	if (t->nsteps == t->cap) {
		int n = t->cap ? t->cap * 2 : 64;
		struct cap_step *ns = realloc(t->steps, n * sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		t->steps = ns;
		t->cap = n;
	}
	t->steps[t->nsteps++] = *s;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The thread's period from its timer wakeups, 0 when it has none. */
static double find_period(const struct cap_thread *t)
{
	double *iv = malloc((t->nsteps + 1) * sizeof(*iv)), last = -1, med, *dev;
	size_t n = 0, within = 0;

	if (!iv)
		return 0;
	for (int i = 0; i < t->nsteps; i++) {
		const struct cap_step *s = &t->steps[i];

		if (s->kind != CAP_SLEEP || s->via != VIA_TIMER)
			continue;
		if (last >= 0)
			iv[n++] = s->at_us - last;
		last = s->at_us;
	}
	if (n < 4) {
		free(iv);
		return 0;
	}
	dev = malloc(n * sizeof(*dev));
	if (!dev) {
		free(iv);
		return 0;
	}
	memcpy(dev, iv, n * sizeof(*dev));
	med = median(dev, n);
	for (size_t i = 0; i < n; i++)
		within += med > 0 && fabs(iv[i] - med) <= 0.1 * med;
	free(iv);
	free(dev);
	/* nine in ten intervals on the grid: a late wakeup now and then
	 * (the machine was busy) does not make a timer loop aperiodic */
	return within * 10 >= n * 9 ? med : 0;
}

static int add_edge(struct capture *c, int waker, int wakee, int via)
{
	struct cap_edge *e;

	for (int i = 0; i < c->nedges; i++)
		if (c->edges[i].waker == waker && c->edges[i].wakee == wakee && c->edges[i].via == via) {
			c->edges[i].count++;
			return 0;
		}
	e = realloc(c->edges, (c->nedges + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	c->edges = e;
	c->edges[c->nedges++] = (struct cap_edge){ waker, wakee, via, 1 };
	return 0;
}

int capture__finish(struct capture *c)
{
	free(c->edges);
	c->edges = NULL;
	c->nedges = 0;
	for (int i = 0; i < c->nth; i++) {
		struct cap_thread *t = &c->th[i];
		int o = 0;

		/* adjacent runs are one run (a preemption split it) */
		for (int k = 0; k < t->nsteps; k++) {
			if (o && t->steps[k].kind == CAP_RUN && t->steps[o - 1].kind == CAP_RUN) {
				t->steps[o - 1].us += t->steps[k].us;
				continue;
			}
			t->steps[o++] = t->steps[k];
		}
		t->nsteps = o;
		t->period_us = find_period(t);
		for (int k = 0; k < t->nsteps; k++) {
			struct cap_step *s = &t->steps[k];

			if (t->period_us > 0 && s->kind == CAP_SLEEP && s->via == VIA_TIMER)
				s->kind = CAP_TICK;
			if (s->kind == CAP_BLOCK && add_edge(c, s->peer, i, s->via))
				return -ENOMEM;
		}
	}
	return 0;
}

void capture__summary(const struct cap_thread *t, struct cap_summary *s)
{
	double *b = malloc((t->nsteps + 1) * sizeof(double)), *sl = malloc((t->nsteps + 1) * sizeof(double));
	double *lat = malloc((t->nsteps + 1) * sizeof(double)), cur = 0;
	size_t nb = 0, ns = 0, nl = 0;
	bool in_burst = false;

	memset(s, 0, sizeof(*s));
	if (!b || !sl || !lat)
		goto out;
	for (int i = 0; i < t->nsteps; i++) {
		const struct cap_step *st = &t->steps[i];

		switch (st->kind) {
		case CAP_RUN:
			cur += st->us;
			s->cpu_us += st->us;
			in_burst = true;
			break;
		case CAP_WAKE:
			s->wakes++;
			break;
		default:
			if (in_burst)
				b[nb++] = cur;
			cur = 0;
			in_burst = false;
			sl[ns++] = st->us;
			if (st->lat_us >= 0)
				lat[nl++] = st->lat_us;
		}
	}
	s->bursts = nb;
	s->sleeps = ns;
	s->burst_p50_us = median(b, nb);
	s->sleep_p50_us = median(sl, ns);
	s->wakeup_p50_us = median(lat, nl);
out:
	free(b);
	free(sl);
	free(lat);
}

void capture__hists(const struct capture *c, struct hist *burst, struct hist *sleep,
		    struct hist *wakeup)
{
	for (int i = 0; i < c->nth; i++) {
		const struct cap_thread *t = &c->th[i];
		double cur = 0;
		bool in_burst = false;

		for (int k = 0; k < t->nsteps; k++) {
			const struct cap_step *s = &t->steps[k];

			if (s->kind == CAP_RUN) {
				cur += s->us;
				in_burst = true;
			} else if (s->kind != CAP_WAKE) {
				if (in_burst && burst)
					hist__add(burst, (uint64_t)llround(cur * 1000));
				cur = 0;
				in_burst = false;
				if (sleep)
					hist__add(sleep, (uint64_t)llround(s->us * 1000));
				if (wakeup && s->lat_us >= 0)
					hist__add(wakeup, (uint64_t)llround(s->lat_us * 1000));
			}
		}
	}
}

/* ---- JSON out ---- */

static void num(FILE *f, double v)
{
	/* 0.1 us is below what the trace clock and our work loop resolve */
	if (v == floor(v))
		fprintf(f, "%.0f", v);
	else
		fprintf(f, "%.1f", v);
}

int capture__write(const struct capture *c, FILE *f)
{
	fprintf(f, "{\"format\":\"%s\",\"version\":%d,\n\"command\":", CAPTURE_FORMAT, CAPTURE_VERSION);
	json_str(f, c->command);
	fputs(",\"target\":", f);
	json_str(f, c->target);
	fputs(",\"duration_s\":", f);
	json_num(f, c->duration_s);
	fputs(",\"scheduler\":", f);
	json_str(f, c->scheduler);
	fputs(",\"kernel\":", f);
	json_str(f, c->kernel);
	fputs(",\"host\":", f);
	json_str(f, c->host);
	fprintf(f, ",\"ncpus\":%d,\"created_at\":", c->ncpus);
	json_num(f, c->created_at);
	fputs(",\n\"threads\":[", f);
	for (int i = 0; i < c->nth; i++) {
		const struct cap_thread *t = &c->th[i];
		struct cap_summary s;

		capture__summary(t, &s);
		fprintf(f, "%s\n{\"idx\":%d,\"tid\":%d,\"comm\":", i ? "," : "", i, t->tid);
		json_str(f, t->comm);
		fputs(",\"policy\":", f);
		json_str(f, t->policy);
		fprintf(f, ",\"nice\":%d,\"rt_priority\":%d,\"start_us\":", t->nice, t->rt_priority);
		num(f, t->start_us);
		fputs(",\"end_us\":", f);
		num(f, t->end_us);
		fprintf(f, ",\"creator\":%d,\"period_us\":", t->creator);
		num(f, t->period_us);
		fprintf(f, ",\"bursts\":%llu,\"burst_p50_us\":", (unsigned long long)s.bursts);
		num(f, s.burst_p50_us);
		fputs(",\"sleep_p50_us\":", f);
		num(f, s.sleep_p50_us);
		fputs(",\"wakeup_p50_us\":", f);
		num(f, s.wakeup_p50_us);
		fputs(",\n \"steps\":[", f);
		for (int k = 0; k < t->nsteps; k++) {
			const struct cap_step *st = &t->steps[k];

			fputs(k ? (k % 8 ? "," : ",\n  ") : "", f);
			switch (st->kind) {
			case CAP_RUN:
				fputs("[\"r\",", f);
				num(f, st->us);
				break;
			case CAP_WAKE:
				fprintf(f, "[\"w\",%d", st->peer);
				break;
			case CAP_BLOCK:
				fprintf(f, "[\"b\",%d,\"%s\",", st->peer, cap_via__name(st->via));
				num(f, st->us);
				fputc(',', f);
				num(f, st->lat_us);
				break;
			default:
				if (st->kind == CAP_SLEEP)
					fprintf(f, "[\"s\",\"%s\",", cap_via__name(st->via));
				else
					fputs("[\"p\",", f);
				num(f, st->us);
				fputc(',', f);
				num(f, st->lat_us);
				fputc(',', f);
				num(f, st->at_us);
			}
			fputc(']', f);
		}
		fputs("]}", f);
	}
	fputs("],\n\"edges\":[", f);
	for (int i = 0; i < c->nedges; i++)
		fprintf(f, "%s{\"waker\":%d,\"wakee\":%d,\"via\":\"%s\",\"count\":%llu}", i ? "," : "",
			c->edges[i].waker, c->edges[i].wakee, cap_via__name(c->edges[i].via),
			(unsigned long long)c->edges[i].count);
	fputs("]}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* ---- JSON in ---- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *read_step(const struct jv *a, int nth, struct cap_step *s)
{
	const char *k;

	memset(s, 0, sizeof(*s));
	if (a->t != J_ARR || a->n < 2 || a->items[0].t != J_STR || strlen(a->items[0].str) != 1)
		return "a step is not [\"r\"|\"w\"|\"b\"|\"s\"|\"p\", ...]";
	k = a->items[0].str;
	for (int i = 1; i < a->n; i++)
		if (a->items[i].t != J_NUM && !(i == 1 && a->items[i].t == J_STR) &&
		    !(i == 2 && a->items[i].t == J_STR))
			return "a step holds something other than numbers and a via";
	s->kind = (uint8_t)k[0];
	switch (k[0]) {
	case 'r':
		s->us = a->items[1].num;
		break;
	case 'w':
		s->peer = (int32_t)a->items[1].num;
		break;
	case 'b':
		if (a->n != 5 || a->items[2].t != J_STR)
			return "a \"b\" step is [\"b\", IDX, VIA, US, LAT]";
		s->peer = (int32_t)a->items[1].num;
		s->via = (uint8_t)cap_via__parse(a->items[2].str);
		s->us = a->items[3].num;
		s->lat_us = a->items[4].num;
		if (cap_via__parse(a->items[2].str) < 0)
			return "unknown via in a step";
		break;
	case 's':
		if (a->n != 5 || a->items[1].t != J_STR)
			return "an \"s\" step is [\"s\", VIA, US, LAT, AT]";
		if (cap_via__parse(a->items[1].str) < 0)
			return "unknown via in a step";
		s->via = (uint8_t)cap_via__parse(a->items[1].str);
		s->us = a->items[2].num;
		s->lat_us = a->items[3].num;
		s->at_us = a->items[4].num;
		break;
	case 'p':
		if (a->n != 4)
			return "a \"p\" step is [\"p\", US, LAT, AT]";
		s->via = VIA_TIMER;
		s->us = a->items[1].num;
		s->lat_us = a->items[2].num;
		s->at_us = a->items[3].num;
		break;
	default:
		return "unknown step kind";
	}
	if ((k[0] == 'w' || k[0] == 'b') && (s->peer < 0 || s->peer >= nth))
		return "a step names a thread that is not in the capture";
	if (!isfinite(s->us) || s->us < 0 || s->us > 3600e6 || !isfinite(s->lat_us) || s->lat_us < -1)
		return "a step's time is negative or absurd";
	return NULL;
}

struct capture *capture__parse(const char *text, char *err, size_t len)
{
	struct jv *root = json_parse(text, err, len);
	const struct jv *th, *v;
	const char *why = NULL;
	struct capture *c;

	if (!root)
		return NULL;
	c = capture__new();
	if (!c) {
		snprintf(err, len, "out of memory");
		json_free(root);
		return NULL;
	}
	v = json_get(root, "format");
	if (!v || v->t != J_STR || strcmp(v->str, CAPTURE_FORMAT)) {
		why = "not a scxbench capture (no \"format\": \"" CAPTURE_FORMAT "\")";
		goto bad;
	}
	if (json_num_or(root, "version", 0) != CAPTURE_VERSION) {
		why = "a capture format version this scxbench does not know";
		goto bad;
	}
	c->command = dup_or_null(json_str_or(root, "command", NULL));
	c->target = dup_or_null(json_str_or(root, "target", NULL));
	c->scheduler = dup_or_null(json_str_or(root, "scheduler", NULL));
	c->kernel = dup_or_null(json_str_or(root, "kernel", NULL));
	c->host = dup_or_null(json_str_or(root, "host", NULL));
	c->duration_s = json_num_or(root, "duration_s", 0);
	c->created_at = json_num_or(root, "created_at", 0);
	c->ncpus = (int)json_num_or(root, "ncpus", 0);
	th = json_get(root, "threads");
	if (!th || th->t != J_ARR || !th->n) {
		why = "no \"threads\"";
		goto bad;
	}
	if (th->n > CAPTURE_MAX_THREADS) {
		why = "more threads than a replay runs (1024)";
		goto bad;
	}
	for (int i = 0; i < th->n; i++) {
		const struct jv *t = &th->items[i], *steps = json_get(t, "steps");
		struct cap_thread *ct;
		int idx;

		if (t->t != J_OBJ || !steps || steps->t != J_ARR) {
			why = "a thread without \"steps\"";
			goto bad;
		}
		idx = capture__add_thread(c, (int)json_num_or(t, "tid", 0), json_str_or(t, "comm", ""),
					  json_num_or(t, "start_us", 0));
		if (idx < 0) {
			why = "out of memory";
			goto bad;
		}
		ct = &c->th[idx];
		snprintf(ct->policy, sizeof(ct->policy), "%s", json_str_or(t, "policy", "other"));
		ct->nice = (int)json_num_or(t, "nice", 0);
		ct->rt_priority = (int)json_num_or(t, "rt_priority", 0);
		ct->end_us = json_num_or(t, "end_us", ct->start_us);
		ct->creator = (int)json_num_or(t, "creator", -1);
		ct->period_us = json_num_or(t, "period_us", 0);
		if (ct->nice < -20 || ct->nice > 19 || ct->period_us < 0 || ct->start_us < 0 ||
		    !isfinite(ct->start_us)) {
			why = "a thread's nice, period or start is out of range";
			goto bad;
		}
		for (int k = 0; k < steps->n; k++) {
			struct cap_step s;

			why = read_step(&steps->items[k], th->n, &s);
			if (why)
				goto bad;
			if (capture__add_step(c, idx, &s)) {
				why = "out of memory";
				goto bad;
			}
		}
	}
	if (capture__finish(c)) {
		why = "out of memory";
		goto bad;
	}
	/* finish() recomputes the periods: keep the file's */
	for (int i = 0; i < th->n; i++)
		c->th[i].period_us = json_num_or(&th->items[i], "period_us", 0);
	json_free(root);
	return c;
bad:
	snprintf(err, len, "%s", why);
	json_free(root);
	capture__free(c);
	return NULL;
}

struct capture *capture__load(const char *path, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL, e[200];
	size_t n = 0, cap = 0;
	struct capture *c;

	if (!f) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;

		if (n + 65536 + 1 > cap) {
			char *nb;

			cap = cap ? cap * 2 : 1 << 20;
			if (cap > (512u << 20) || !(nb = realloc(buf, cap))) {
				snprintf(err, len, "%s: too large or out of memory", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got < 65536)
			break;
	}
	fclose(f);
	buf[n] = 0;
	c = capture__parse(buf, e, sizeof(e));
	free(buf);
	if (!c)
		snprintf(err, len, "%s: %s", path, e);
	return c;
}
