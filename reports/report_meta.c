// SPDX-License-Identifier: GPL-2.0
/*
 * The report's metadata sections (report_doc.h): the tasks that waited
 * longest, the comparison, its settings and the machine as tables, the
 * runs, their lost events and collector notes, the scheduler failures
 * with their dumps. Text only: the renderers escape it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness/lib/metric_info.h"
#include "reports/report_doc.h"

static const char *ns_text(struct report_doc *d, int64_t ns)
{
	char b[48];

	metric__format((double)ns, "ns", b, sizeof(b));
	return doc__printf(d, "%s", b);
}

static const char *when(struct report_doc *d, double t)
{
	char b[32];
	time_t s = (time_t)t;
	struct tm tm;

	if (t <= 0 || !gmtime_r(&s, &tm))
		return NULL;
	strftime(b, sizeof(b), "%Y-%m-%d %H:%M:%S", &tm);
	return doc__printf(d, "%s UTC", b);
}

/* The first successful traced run of each scheduler: its tasks that
 * waited longest. */
int doc__tasks(struct report_ctx *c, struct report_doc *d)
{
	static const char *const head[] = { "task", "pid", "role", "wakeups", "wait total",
					    "longest wait", "on CPU", "main antagonist" };
	struct doc_section *sec = NULL;

	for (int s = 0; s < c->nsched; s++) {
		for (int i = 0; i < c->runs->n; i++) {
			const struct q_run *r = &c->runs->v[i];
			struct q_task *t = NULL;
			struct doc_table *tb;
			struct doc_block *b;
			int n = 0;

			if (report__run_sched(c, i) != s || r->status != RUN_OK ||
			    store__q_tasks(c->st, r->id, 8, &t, &n) || !n) {
				free(t);
				continue;
			}
			if (!sec) {
				sec = doc__section(d, "tasks", "Tasks that waited longest", true);
				if (!sec) {
					free(t);
					return -ENOMEM;
				}
				sec->summary = "from the trace: one run per scheduler";
			}
			tb = doc__table(d, 8, n);
			b = doc__block(d, sec, DB_TABLE,
				       doc__printf(d, "%s, run %lld", c->sched[s], (long long)r->id));
			if (!tb || !b) {
				free(t);
				return -ENOMEM;
			}
			b->table = tb;
			for (int k = 0; k < 8; k++) {
				tb->head[k] = head[k];
				tb->num[k] = k == 1 || (k >= 3 && k <= 6);
			}
			for (int k = 0; k < n; k++) {
				doc__cell(tb, k, 0)->text = doc__printf(d, "%s", t[k].comm);
				doc__cell(tb, k, 1)->text = doc__printf(d, "%d", t[k].pid);
				doc__cell(tb, k, 2)->text = doc__printf(d, "%s", t[k].role);
				doc__cell(tb, k, 3)->text = doc__printf(d, "%lld", (long long)t[k].wakeups);
				doc__cell(tb, k, 4)->text = ns_text(d, t[k].wait_ns);
				doc__cell(tb, k, 5)->text = ns_text(d, t[k].wait_max_ns);
				doc__cell(tb, k, 6)->text = ns_text(d, t[k].run_ns);
				doc__cell(tb, k, 7)->text = doc__printf(d, "%s", t[k].top_antagonist);
			}
			free(t);
			break;
		}
	}
	return 0;
}

/* --- the comparison's settings: a JSON object, flattened --- */

struct jp {
	const char *p;
	struct report_doc *d;
	const char *keys[128], *vals[128];
	int n;
};

static void ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

/* a JSON string at j->p into a document string (\uXXXX kept as written) */
static const char *jstring(struct jp *j)
{
	char *buf, *o;
	const char *s;

	if (*j->p != '"')
		return NULL;
	s = ++j->p;
	while (*j->p && *j->p != '"')
		j->p += *j->p == '\\' && j->p[1] ? 2 : 1;
	if (*j->p != '"')
		return NULL;
	buf = malloc(j->p - s + 1);
	if (!buf)
		return NULL;
	for (o = buf; s < j->p; s++) {
		if (*s == '\\') {
			s++;
			*o++ = *s == 'n' ? '\n' : *s == 't' ? '\t' : *s == 'u' ? '\\' : *s;
			if (*s == 'u')
				*o++ = 'u';
		} else {
			*o++ = *s;
		}
	}
	*o = 0;
	j->p++;
	s = doc__printf(j->d, "%s", buf);
	free(buf);
	return s;
}

static int jvalue(struct jp *j, const char *key, int depth);

static int jobject(struct jp *j, const char *prefix, int depth)
{
	j->p++;
	ws(j);
	if (*j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		const char *k;
		int err;

		ws(j);
		k = jstring(j);
		ws(j);
		if (!k || *j->p != ':')
			return -EINVAL;
		j->p++;
		err = jvalue(j, prefix ? doc__printf(j->d, "%s.%s", prefix, k) : k, depth + 1);
		if (err)
			return err;
		ws(j);
		if (*j->p == ',') {
			j->p++;
			continue;
		}
		if (*j->p != '}')
			return -EINVAL;
		j->p++;
		return 0;
	}
}

static int jvalue(struct jp *j, const char *key, int depth)
{
	const char *v, *s;

	ws(j);
	if (!key || depth > 8)
		return -EINVAL;
	if (*j->p == '{')
		return jobject(j, key, depth);
	if (*j->p == '"') {
		v = jstring(j);
	} else {
		/* a number, true/false/null, or an array: as written */
		int nest = 0;

		for (s = j->p; *j->p; j->p++) {
			if (*j->p == '[' || *j->p == '{')
				nest++;
			else if (*j->p == ']' || *j->p == '}') {
				if (!nest)
					break;
				nest--;
			} else if (*j->p == ',' && !nest) {
				break;
			}
		}
		v = doc__printf(j->d, "%.*s", (int)(j->p - s), s);
		if (v && !strcmp(v, "null"))
			v = "(not set)";
	}
	if (!v)
		return -EINVAL;
	if (j->n < 128) {
		j->keys[j->n] = key;
		j->vals[j->n++] = v;
	}
	return 0;
}

/* the settings' names as a reader knows them: a workload parameter is
 * the flag that set it */
static const char *setting_name(struct report_doc *d, const char *key)
{
	static const struct {
		const char *key, *name;
	} names[] = {
		{ "duration_s", "duration per run (s)" },
		{ "reps", "rounds (runs per scheduler)" },
		{ "until_ci_pct", "--until-ci (CI half-width, %)" },
		{ "max_reps", "--max-reps" },
		{ "trace", "trace recorded" },
		{ "keep_events", "raw events kept" },
	};

	if (!strncmp(key, "params.", 7))
		return doc__printf(d, "--%s", key + 7);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(key, names[i].key))
			return names[i].name;
	return key;
}

int doc__settings_table(struct report_doc *d, const char *json, struct doc_table **out)
{
	struct jp *j = calloc(1, sizeof(*j));
	struct doc_table *t;
	int err;

	if (!j)
		return -ENOMEM;
	j->d = d;
	j->p = json ? json : "";
	ws(j);
	err = *j->p == '{' ? jobject(j, NULL, 0) : -EINVAL;
	if (err) {
		free(j);
		return err;
	}
	/* two settings per row: the table stays short */
	t = doc__table(d, 4, (j->n + 1) / 2);
	if (!t) {
		free(j);
		return -ENOMEM;
	}
	t->head[0] = t->head[2] = "setting";
	t->head[1] = t->head[3] = "value";
	for (int i = 0; i < j->n; i++) {
		doc__cell(t, i / 2, (i % 2) * 2)->text = setting_name(d, j->keys[i]);
		doc__cell(t, i / 2, (i % 2) * 2 + 1)->text = j->vals[i];
	}
	free(j);
	*out = t;
	return 0;
}

/* key/value rows as a two-column table */
static struct doc_table *kv_table(struct report_doc *d, const char *const *kv, int n)
{
	struct doc_table *t = doc__table(d, 2, n);

	if (!t)
		return NULL;
	t->head[0] = "";
	t->head[1] = "";
	for (int i = 0; i < n; i++) {
		doc__cell(t, i, 0)->text = kv[2 * i];
		doc__cell(t, i, 1)->text = kv[2 * i + 1];
	}
	return t;
}

int doc__runs(struct report_ctx *c, struct report_doc *d)
{
	static const char *const head[] = { "run", "scheduler", "status", "round", "started",
					    "took", "lost events", "scxbench" };
	struct doc_section *sec = doc__section(d, "runs", "Settings, machine and runs", true);
	const struct q_run *r0 = c->runs->v;
	struct doc_table *tb;
	struct doc_block *b;
	int nlost = 0;

	if (!sec)
		return -ENOMEM;
	sec->summary = doc__printf(d, "%d runs", c->runs->n);
	if (c->cmp) {
		const char *kv[] = {
			"comparison", doc__printf(d, "%lld (%s)", (long long)c->cmp->id, c->cmp->uuid),
			"schedulers", c->cmp->schedulers,
			"workload", c->cmp->workload,
			"rounds", doc__printf(d, "%d, shuffled with seed %llu", c->cmp->reps,
					      (unsigned long long)c->cmp->seed),
			"status", c->cmp->status,
			"created", when(d, c->cmp->created_at),
		};

		b = doc__block(d, sec, DB_TABLE, "Comparison");
		if (!b || !(b->table = kv_table(d, kv, 6)))
			return -ENOMEM;
		if (c->cmp->settings && c->cmp->settings[0]) {
			b = doc__block(d, sec, DB_TABLE, "Settings");
			if (!b)
				return -ENOMEM;
			if (doc__settings_table(d, c->cmp->settings, &b->table)) {
				/* not an object: shown as stored */
				b->kind = DB_PRE;
				b->label = "settings";
				b->text = c->cmp->settings;
			}
		}
	}
	{
		/* report.c refuses runs of different places: one machine */
		const char *kv[] = {
			"place", doc__printf(d, "%s%s%s", r0->place, r0->accel[0] ? " " : "", r0->accel),
			"kernel", r0->guest_kernel[0] ? r0->guest_kernel : r0->kernel_release,
			"CPU", doc__printf(d, "%s, %d CPUs", r0->cpu_model, r0->ncpus),
			"host", r0->hostname,
		};

		b = doc__block(d, sec, DB_TABLE, "Machine");
		if (!b || !(b->table = kv_table(d, kv, 4)))
			return -ENOMEM;
	}
	tb = doc__table(d, 8, c->runs->n);
	b = doc__block(d, sec, DB_TABLE, "Runs");
	if (!tb || !b)
		return -ENOMEM;
	b->table = tb;
	for (int k = 0; k < 8; k++) {
		tb->head[k] = head[k];
		tb->num[k] = k == 0 || k == 3 || k == 5 || k == 6;
	}
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];

		doc__cell(tb, i, 0)->text = doc__printf(d, "%lld", (long long)r->id);
		doc__cell(tb, i, 1)->text = r->scheduler;
		doc__cell(tb, i, 2)->text = run_status__name(r->status);
		doc__cell(tb, i, 2)->style = r->status == RUN_OK ? DS_NONE : DS_WARN;
		doc__cell(tb, i, 2)->note = r->status != RUN_OK && r->status_detail[0] ?
					    r->status_detail : NULL;
		doc__cell(tb, i, 3)->text = doc__printf(d, "%d", r->round);
		doc__cell(tb, i, 4)->text = when(d, r->started_at);
		if (r->ended_at > r->started_at && r->started_at > 0)
			doc__cell(tb, i, 5)->text = doc__printf(d, "%.1f s", r->ended_at - r->started_at);
		doc__cell(tb, i, 6)->text = doc__printf(d, "%lld", (long long)r->lost_events);
		doc__cell(tb, i, 6)->style = r->lost_events ? DS_WARN : DS_NONE;
		doc__cell(tb, i, 7)->text = doc__printf(d, "%s %s", r->version, r->git_sha);
		nlost += r->lost_events > 0;
	}
	b = doc__block(d, sec, DB_PARA, nlost ? doc__printf(d, "%d run%s lost trace events: see"
							      " the notes.", nlost, nlost > 1 ? "s" : "") :
						 "No run lost trace events.");
	if (!b)
		return -ENOMEM;
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		char *notes = NULL;

		if (store__q_notes(c->st, r->id, &notes) || !notes || !notes[0]) {
			free(notes);
			continue;
		}
		b = doc__block(d, sec, DB_PRE, doc__printf(d, "%s", notes));
		free(notes);
		if (!b)
			return -ENOMEM;
		b->label = doc__printf(d, "run %lld notes%s", (long long)r->id,
				       r->lost_events ? " (LOST EVENTS)" : "");
	}
	return 0;
}

int doc__failures(struct report_ctx *c, struct report_doc *d)
{
	struct doc_section *sec = doc__section(d, "failures", "Scheduler failures", true);
	int failed = 0, errors = 0;

	if (!sec)
		return -ENOMEM;
	for (int i = 0; i < c->runs->n; i++) {
		const struct q_run *r = &c->runs->v[i];
		struct doc_block *b;
		char *dump = NULL;

		if (r->status == RUN_FAILED) {
			errors++;
			b = doc__block(d, sec, DB_PARA,
				       doc__printf(d, "Run %lld (%s, round %d): harness error at %s: %s",
						   (long long)r->id, r->scheduler, r->round,
						   fail_stage__name(r->stage), r->status_detail));
			if (!b)
				return -ENOMEM;
			continue;
		}
		if (r->status != RUN_SCHED_FAILED)
			continue;
		failed++;
		b = doc__block(d, sec, DB_WARN,
			       doc__printf(d, "Run %lld (%s, round %d): exit kind %lld, reason %s;"
					   " message: %s", (long long)r->id, r->scheduler, r->round,
					   (long long)r->exit_kind, r->exit_reason,
					   r->exit_msg ? r->exit_msg : r->status_detail));
		if (!b)
			return -ENOMEM;
		if (!store__q_dump(c->st, r->id, &dump) && dump && dump[0]) {
			b = doc__block(d, sec, DB_PRE, doc__printf(d, "%s", dump));
			if (!b) {
				free(dump);
				return -ENOMEM;
			}
			b->label = doc__printf(d, "scheduler dump of run %lld", (long long)r->id);
		} else if (!doc__block(d, sec, DB_PARA, "(no dump stored)")) {
			free(dump);
			return -ENOMEM;
		}
		free(dump);
	}
	if (!failed && !errors && !doc__block(d, sec, DB_PARA, "No scheduler failed."))
		return -ENOMEM;
	sec->summary = failed || errors ?
		       doc__printf(d, "%d scheduler failure%s, %d harness error%s", failed,
				   failed == 1 ? "" : "s", errors, errors == 1 ? "" : "s") :
		       "none";
	return 0;
}
