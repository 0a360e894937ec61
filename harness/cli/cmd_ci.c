// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench ci CONFIG --label L: one night of performance CI.
 *
 *   config -> matrix (one comparison per [workload], every scheduler
 *   interleaved in shuffled rounds, on the host or in one VM boot that
 *   runs `scxbench ci --run-only` on the config's text) -> history
 *   database -> gate (ci_gate.c) -> summary.md, junit.xml, ci.json,
 *   history/, report-WORKLOAD/.
 *
 * The history database is never created or replaced behind the user's
 * back: a missing file needs --init, an unreadable one is an error and
 * stays untouched; a damaged one is refused before anything runs. A
 * harness failure keeps what finished, reports it and exits 2.
 *
 * long file: the whole night (matrix, history query, gate cells, reports,
 * outputs) shares one context (struct ci_ctx) and its harness-failure
 * bookkeeping; split it along those steps when one of them grows.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/ci/config.h"
#include "harness/ci/gate.h"
#include "harness/ci/output.h"
#include "harness/cli/commands.h"
#include "harness/core/compare.h"
#include "harness/lib/json.h"
#include "harness/lib/log.h"
#include "harness/core/place.h"
#include "harness/core/plan.h"
#include "reports/report.h"
#include "harness/cli/run_opts.h"
#include "harness/core/runner.h"
#include "harness/sched/sched.h"
#include "harness/stats/stats.h"
#include "harness/store/store.h"
#include "harness/store/ci.h"
#include "harness/store/query.h"
#include "harness/lib/util.h"

int cmd_ci(int argc, char **argv);

static const char usage[] =
	"usage: scxbench ci CONFIG [--label L] [options]\n"
	"\n"
	"One night of performance CI: run the CONFIG's schedulers x workloads matrix,\n"
	"store it in the history database, compare every scheduler x workload x metric\n"
	"with its baseline (earlier labels on the same host, kernel and place) and write\n"
	"summary.md, junit.xml, ci.json, history/ and report-WORKLOAD/ to the output folder.\n"
	"The CONFIG format is in docs/ci.md (example: examples/nightly.conf).\n"
	"\n"
	"  -l, --label L       this night's label, e.g. a git sha (required unless the\n"
	"                      config says label = time)\n"
	"      --db FILE       history database (default: the config's db, else scxbench.db)\n"
	"      --out DIR       output folder (default: the config's out, else ci-out)\n"
	"      --init          create the history database if it does not exist (never\n"
	"                      without: a lost history must not pass silently)\n"
	"      --gate-only     run nothing: gate the runs already stored under --label\n"
	PLACE_USAGE
	"  -q, --quiet         errors only;  -v, --verbose  more\n"
	"\n"
	"Exit status: 0 no regression (also: no baseline yet), 1 a regression or a\n"
	"scheduler that crashed, stalled or did not start, 2 bad config/usage or a\n"
	"harness failure (what finished is stored and reported).\n"
	"Example: scxbench ci examples/nightly.conf --label \"$(git rev-parse --short HEAD)\"\n";

enum {
	OPT_DB = 0x100, OPT_OUT, OPT_INIT, OPT_GATE_ONLY, OPT_RUN_ONLY, OPT_CONFIG_TEXT,
	OPT_CONFIG_NAME, OPT_HELP,
};

static const struct option options[] = {
	{ "label", required_argument, NULL, 'l' },
	{ "db", required_argument, NULL, OPT_DB },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "gate-only", no_argument, NULL, OPT_GATE_ONLY },
	/* internal: the guest side of a VM night */
	{ "run-only", no_argument, NULL, OPT_RUN_ONLY },
	{ "config-text", required_argument, NULL, OPT_CONFIG_TEXT },
	{ "config-name", required_argument, NULL, OPT_CONFIG_NAME },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	PLACE_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

struct ci_ctx {
	struct ci_config cfg;
	char stored_name[CI_MAX_SCHED][SCHED_NAME_MAX]; /* what the runs table calls each scheduler */
	const char *label, *db, *out;
	uint64_t seed;
	bool harness_failed;
	char harness_msg[512];
	int64_t compare_id[CI_MAX_WL];
};

static void harness_fail(struct ci_ctx *x, const char *fmt, const char *a, const char *b)
{
	if (!x->harness_failed)
		snprintf(x->harness_msg, sizeof(x->harness_msg), fmt, a, b);
	x->harness_failed = true;
	pr_err("ci: ");
	pr_err(fmt, a, b);
	pr_err("\n");
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

static char *settings_json(const struct ci_ctx *x, const struct ci_workload *w)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("{\"ci_sig\": ", f);
	json_str(f, w->sig);
	fputs(", \"ci_workload\": ", f);
	json_str(f, w->name);
	fputs(", \"ci_config\": ", f);
	json_str(f, x->cfg.name);
	fputs(", \"duration_s\": ", f);
	json_num(f, w->duration_s ? w->duration_s : x->cfg.duration_s);
	fprintf(f, ", \"trace\": %s, \"params\": {", x->cfg.trace ? "true" : "false");
	for (int i = 0; i < w->wl->nr_params; i++) {
		fputs(i ? ", " : "", f);
		json_str(f, w->wl->params[i].name);
		fputs(": ", f);
		json_str(f, w->params.v[i].text);
	}
	fputs("}}", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* One [workload]: a comparison of every scheduler, rounds interleaved. */
static int run_workload(struct ci_ctx *x, struct store *st, int wi, const char *cmdline)
{
	struct ci_config *c = &x->cfg;
	struct ci_workload *w = &c->wl[wi];
	struct plan_item *items = NULL;
	bool dead[CI_MAX_SCHED] = { false };
	char scheds[CI_MAX_SCHED * SCHED_NAME_MAX] = "", err[512];
	int rounds = c->until_ci ? c->max_reps : c->reps, r, rc = 0;
	char *settings = settings_json(x, w);
	struct compare_meta m = {
		.schedulers = scheds, .workload = w->wl->name, .settings = settings,
		.seed = x->seed ^ hash_str(w->name), .reps = rounds, .place = "host",
		.label = x->label,
	};

	for (int s = 0; s < c->nsched; s++) {
		strcat(scheds, s ? SCHED_LIST_SEP : "");
		strcat(scheds, x->stored_name[s]);
	}
	items = calloc(c->nsched, sizeof(*items));
	if (!settings || !items) {
		rc = -ENOMEM;
		goto cleanup;
	}
	rc = store__add_comparison(st, &m, &x->compare_id[wi]);
	if (rc)
		goto cleanup;
	for (r = 0; r < rounds && !runner_stop; r++) {
		rc = plan__rounds(c->nsched, r, r + 1, m.seed, items);
		if (rc)
			goto cleanup;
		for (int k = 0; k < c->nsched && !runner_stop; k++) {
			const struct ci_sched *cs = &c->sched[items[k].sched];
			struct run_request rq = {
				.sched_spec = cs->spec,
				.sched_opts = { .timeout_ms = cs->timeout_ms,
						.start_timeout_s = cs->enable_timeout_s,
						.exec_argv = cs->argc ? (char **)cs->argv : NULL },
				.wl = w->wl, .params = &w->params,
				.duration_s = w->duration_s ? w->duration_s : c->duration_s,
				.trace = c->trace, .compare_id = x->compare_id[wi],
				.rep = items[k].rep, .round = items[k].round, .label = x->label,
				.cmdline = cmdline,
				.progress = stderr_is_tty() && log__level() >= LOG_INFO,
			};
			struct run_outcome out;

			if (dead[items[k].sched])
				continue;
			err[0] = 0;
			rc = runner__run(st, &rq, &out, err, sizeof(err));
			if (rc) {
				harness_fail(x, "run of %s could not be stored: %s", cs->spec, err);
				goto cleanup;
			}
			pr_info("ci: %s / %s round %d: %s%s%s\n", w->name, x->stored_name[items[k].sched],
				r + 1, run_status__name(out.status), out.detail[0] ? ": " : "", out.detail);
			/* a scheduler that does not start (verifier, bad flag)
			 * would fail every round the same way */
			if (out.stage == FAIL_EXEC || out.stage == FAIL_LOAD || out.stage == FAIL_ENABLE)
				dead[items[k].sched] = true;
		}
		if (c->until_ci && r + 1 >= c->min_reps) {
			struct q_runs runs = { 0 };
			struct cmp_table t = { 0 };
			double hw;

			if (!store__q_runs_of_compare(st, x->compare_id[wi], &runs) &&
			    !compare__eval(st, scheds, &runs, m.seed, &t)) {
				int k = compare__primary(&t, &hw);

				if (k >= 0 && hw <= c->ci_target_pct) {
					pr_info("ci: %s: %s CI half-width %.1f %% <= %.1f %% after %d rounds\n",
						w->name, compare__row(&t, k, 0)->metric, hw,
						c->ci_target_pct, r + 1);
					r++;
					compare__free(&t);
					q_runs__free(&runs);
					break;
				}
				compare__free(&t);
			}
			q_runs__free(&runs);
		}
	}
	if (runner_stop)
		harness_fail(x, "interrupted (signal) during workload %s%s", w->name, "");
	store__set_comparison_status(st, x->compare_id[wi], runner_stop ? "aborted" : "done", r);
cleanup:
	if (rc && !x->harness_failed)
		harness_fail(x, "workload %s: %s", w->name, strerror(-rc));
	free(items);
	free(settings);
	return rc;
}

static int run_matrix(struct ci_ctx *x, struct store *st, int argc, char **argv)
{
	char *cmdline = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&cmdline, &len);

	if (!f)
		return -ENOMEM;
	fputs("scxbench", f);
	for (int i = 0; i < argc; i++)
		fprintf(f, " %s", strcmp(argv[i], "--config-text") ? argv[i] : "--config-text");
	fclose(f);
	runner__install_signals();
	for (int wi = 0; wi < x->cfg.nwl && !runner_stop; wi++)
		if (run_workload(x, st, wi, cmdline) && x->harness_failed &&
		    strstr(x->harness_msg, "could not be stored"))
			break;
	free(cmdline);
	return x->harness_failed ? -EIO : 0;
}

/* ---- the gate over the stored history ---- */

struct cell_buf {
	struct ci_cell *v;
	int n, cap;
};

static struct ci_cell *new_cell(struct cell_buf *b)
{
	if (b->n == b->cap) {
		struct ci_cell *nv = realloc(b->v, sizeof(*nv) * (b->cap = b->cap * 2 + 32));

		if (!nv)
			return NULL;
		b->v = nv;
	}
	memset(&b->v[b->n], 0, sizeof(b->v[0]));
	return &b->v[b->n++];
}

static bool same_machine(const struct q_run *a, const struct q_run *b)
{
	return !strcmp(a->hostname, b->hostname) && !strcmp(a->place, b->place) &&
	       !strcmp(a->kernel_release, b->kernel_release) &&
	       !strcmp(a->guest_kernel, b->guest_kernel) && !strcmp(a->accel, b->accel) &&
	       a->ncpus == b->ncpus;
}

struct label_t {
	char label[128];
	double t;
};

static int by_time_desc(const void *a, const void *b)
{
	const struct label_t *x = a, *y = b;

	return x->t < y->t ? 1 : x->t > y->t ? -1 : 0;
}

static double *values(const struct q_metrics *m, const char *name, const struct q_runs *runs,
		      const bool *pick, int *n)
{
	double *v = malloc(sizeof(*v) * (runs->n + 1));

	*n = 0;
	if (!v)
		return NULL;
	for (int i = 0; i < m->n; i++) {
		if (strcmp(m->v[i].name, name))
			continue;
		for (int r = 0; r < runs->n; r++)
			if (runs->v[r].id == m->v[i].run_id && pick[r]) {
				v[(*n)++] = m->v[i].value;
				break;
			}
	}
	return v;
}

/* The cells of one scheduler x workload. */
static int gate_sched(struct ci_ctx *x, struct store *st, const struct ci_workload *w,
		      const char *sched, const struct q_runs *runs, const struct ci_run_ref *refs,
		      const bool *tonight, const struct q_run *ident, struct cell_buf *cells,
		      struct ci_night *night)
{
	struct ci_config *c = &x->cfg;
	struct label_t *labels = NULL;
	bool *is_cur = NULL, *is_base = NULL, *is_ok = NULL;
	int64_t *ids = NULL;
	struct q_metrics m = { 0 };
	struct ci_cell *sc;
	int nl = 0, nbase_l = 0, nids = 0, err = 0, dns = 0;
	const struct q_run *failed_run = NULL;

	labels = calloc(runs->n + 1, sizeof(*labels));
	is_cur = calloc(runs->n + 1, sizeof(bool));
	is_base = calloc(runs->n + 1, sizeof(bool));
	is_ok = calloc(runs->n + 1, sizeof(bool));
	ids = calloc(runs->n + 1, sizeof(*ids));
	sc = new_cell(cells);
	if (!labels || !is_cur || !is_base || !is_ok || !ids || !sc) {
		err = -ENOMEM;
		goto cleanup;
	}
	snprintf(sc->scheduler, sizeof(sc->scheduler), "%s", sched);
	snprintf(sc->workload, sizeof(sc->workload), "%s", w->name);
	snprintf(sc->metric, sizeof(sc->metric), "survival");
	sc->survival = true;
	sc->gated = true;
	/* tonight's runs and the labels of comparable earlier nights */
	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];
		int k;

		if (strcmp(r->scheduler, sched) || !same_machine(r, ident))
			continue;
		is_ok[i] = !strcmp(r->status, "ok");
		is_cur[i] = tonight[i];
		if (is_cur[i]) {
			if (!strcmp(r->status, "aborted") || !strcmp(r->status, "running"))
				continue;
			sc->total++;
			if (!strcmp(r->status, "sched_failed") ||
			    (!strcmp(r->status, "failed") &&
			     !strncmp(r->status_detail, "scheduler did not start", 23))) {
				dns++;
				failed_run = failed_run ? failed_run : r;
			} else if (!strcmp(r->status, "failed")) {
				sc->harness_failed++;
			}
			continue;
		}
		if (!is_ok[i])
			continue;
		for (k = 0; k < nl && strcmp(labels[k].label, refs[i].label); k++)
			;
		if (k == nl)
			snprintf(labels[nl++].label, sizeof(labels[0].label), "%s", refs[i].label);
		if (r->started_at > labels[k].t)
			labels[k].t = r->started_at;
	}
	sc->survived = sc->total - dns;
	if (dns) {
		sc->state = CI_SCHED_FAILED;
		snprintf(sc->note, sizeof(sc->note), "%s%s%s%s",
			 failed_run->exit_reason[0] ? failed_run->exit_reason : "",
			 failed_run->exit_reason[0] ? "; " : "", failed_run->status_detail,
			 failed_run->exit_kind >= 0 ? "" : "");
		if (failed_run->exit_kind >= 0) {
			size_t l = strlen(sc->note);

			snprintf(sc->note + l, sizeof(sc->note) - l, " (exit kind %lld)",
				 (long long)failed_run->exit_kind);
		}
	} else if (sc->harness_failed || !sc->total) {
		sc->state = CI_HARNESS_FAILED;
		snprintf(sc->note, sizeof(sc->note), "%s",
			 sc->total ? "a run failed for a harness/workload reason" :
				     "no run finished tonight");
	}
	/* the baseline nights */
	qsort(labels, nl, sizeof(*labels), by_time_desc);
	for (int k = 0; k < nl; k++) {
		bool take = c->baseline == CI_BASE_LAST ? nbase_l < c->last_k :
							  !strcmp(labels[k].label, c->baseline_label);

		if (!take)
			continue;
		nbase_l++;
		for (int i = 0; i < runs->n; i++)
			if (is_ok[i] && !is_cur[i] && !strcmp(refs[i].label, labels[k].label))
				is_base[i] = true;
	}
	if (!night->baseline[0] || strstr(night->baseline, "no earlier")) {
		size_t l;

		if (c->baseline == CI_BASE_LAST)
			snprintf(night->baseline, sizeof(night->baseline), "last %d labelled night(s)",
				 c->last_k);
		else
			snprintf(night->baseline, sizeof(night->baseline), "pinned label %s",
				 c->baseline_label);
		l = strlen(night->baseline);
		if (!nbase_l)
			snprintf(night->baseline + l, sizeof(night->baseline) - l,
				 ": no earlier night on this machine");
		for (int k = 0, j = 0; k < nl && l < sizeof(night->baseline); k++) {
			bool take = c->baseline == CI_BASE_LAST ?
					    k < c->last_k :
					    !strcmp(labels[k].label, c->baseline_label);

			if (!take)
				continue;
			l += snprintf(night->baseline + l, sizeof(night->baseline) - l, "%s%s",
				      j++ ? ", " : " (", labels[k].label);
			if (k + 1 == nl || (c->baseline == CI_BASE_LAST && k + 1 == c->last_k) ||
			    c->baseline == CI_BASE_LABEL)
				if (l < sizeof(night->baseline))
					l += snprintf(night->baseline + l, sizeof(night->baseline) - l,
						      ")");
		}
	}
	/* metrics of every ok run of this scheduler on this machine */
	for (int i = 0; i < runs->n; i++)
		if (is_ok[i])
			ids[nids++] = runs->v[i].id;
	err = store__q_metrics(st, ids, nids, &m);
	if (err)
		goto cleanup;
	for (int i = 0; i < m.n; i++) {
		struct ci_cell *cell;
		double *cur, *base;
		int ncur, nbase;
		bool seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = !strcmp(m.v[j].name, m.v[i].name);
		if (seen)
			continue;
		cur = values(&m, m.v[i].name, runs, is_cur, &ncur);
		base = values(&m, m.v[i].name, runs, is_base, &nbase);
		if (!cur || !base) {
			free(cur);
			free(base);
			err = -ENOMEM;
			goto cleanup;
		}
		if (!ncur) { /* a metric only older nights had */
			free(cur);
			free(base);
			continue;
		}
		cell = new_cell(cells);
		if (!cell) {
			free(cur);
			free(base);
			err = -ENOMEM;
			goto cleanup;
		}
		snprintf(cell->scheduler, sizeof(cell->scheduler), "%s", sched);
		snprintf(cell->workload, sizeof(cell->workload), "%s", w->name);
		snprintf(cell->metric, sizeof(cell->metric), "%s", m.v[i].name);
		snprintf(cell->unit, sizeof(cell->unit), "%s", m.v[i].unit);
		cell->better = m.v[i].better;
		cell->min_effect_pct = ci_config__min_effect(c, m.v[i].name, &cell->gated);
		cell->cur = cur;
		cell->ncur = ncur;
		cell->base = base;
		cell->nbase = nbase;
		cell->base_nights = nbase_l;
		/* history: every label on this machine, oldest first */
		cell->hist = calloc(nl + 1, sizeof(*cell->hist));
		if (!cell->hist) {
			err = -ENOMEM;
			goto cleanup;
		}
		for (int k = nl; k >= 0; k--) {
			bool *pick = calloc(runs->n + 1, sizeof(bool));
			struct ci_hist_point *h = &cell->hist[cell->nhist];
			double *v;
			int nv;

			if (!pick) {
				err = -ENOMEM;
				goto cleanup;
			}
			for (int r = 0; r < runs->n; r++)
				pick[r] = is_ok[r] && (k == nl ? is_cur[r] :
					  !is_cur[r] && !strcmp(refs[r].label, labels[k].label));
			v = values(&m, m.v[i].name, runs, pick, &nv);
			free(pick);
			if (!v) {
				err = -ENOMEM;
				goto cleanup;
			}
			if (nv) {
				snprintf(h->label, sizeof(h->label), "%s", k == nl ? x->label :
									     labels[k].label);
				h->t = k == nl ? 1e300 : labels[k].t;
				h->median = stats__median(v, nv);
				h->lo = stats__quantile(v, nv, 0);
				h->hi = stats__quantile(v, nv, 1);
				h->n = nv;
				h->current = k == nl;
				for (int r = 0; r < runs->n && !h->current; r++)
					if (is_base[r] && !strcmp(refs[r].label, labels[k].label))
						h->baseline = true;
				cell->nhist++;
			}
			free(v);
		}
		/* oldest first: labels[] was newest first, current last */
		for (int a = 0, b = cell->nhist - 2; a < b; a++, b--) {
			struct ci_hist_point t = cell->hist[a];

			cell->hist[a] = cell->hist[b];
			cell->hist[b] = t;
		}
	}
cleanup:
	q_metrics__free(&m);
	free(labels);
	free(is_cur);
	free(is_base);
	free(is_ok);
	free(ids);
	return err;
}

/* Cells of one [workload]: tonight = the newest machine that stored the
 * label; the baseline only from that same machine. */
static int gate_workload(struct ci_ctx *x, struct store *st, const struct ci_workload *w,
			 struct cell_buf *cells, struct ci_night *night)
{
	struct ci_run_ref *refs = NULL;
	struct q_runs runs = { 0 };
	int64_t *ids = NULL, missing;
	const struct q_run *ident = NULL;
	bool *tonight = NULL;
	char names[CI_MAX_SCHED * 2][SCHED_NAME_MAX];
	int nref = 0, nnames = 0, err;

	err = store__ci_runs(st, w->sig, &refs, &nref);
	if (err)
		return err;
	ids = malloc(sizeof(*ids) * (nref + 1));
	if (!ids) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < nref; i++)
		ids[i] = refs[i].id;
	err = store__q_runs_by_id(st, ids, nref, &runs, &missing);
	if (err)
		goto cleanup;
	/* store__q_runs_by_id keeps the order of ids: refs[i] is runs.v[i] */
	tonight = calloc(runs.n + 1, sizeof(*tonight));
	if (!tonight) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < runs.n; i++) {
		tonight[i] = !strcmp(refs[i].label, x->label);
		if (tonight[i] && (!ident || runs.v[i].started_at >= ident->started_at))
			ident = &runs.v[i];
	}
	if (!ident) {
		for (int s = 0; s < x->cfg.nsched; s++) {
			struct ci_cell *sc = new_cell(cells);

			if (!sc) {
				err = -ENOMEM;
				goto cleanup;
			}
			snprintf(sc->scheduler, sizeof(sc->scheduler), "%s", x->stored_name[s]);
			snprintf(sc->workload, sizeof(sc->workload), "%s", w->name);
			snprintf(sc->metric, sizeof(sc->metric), "survival");
			sc->survival = true;
			sc->state = CI_HARNESS_FAILED;
			snprintf(sc->note, sizeof(sc->note), "no run of label %s stored", x->label);
		}
		if (!x->harness_failed)
			harness_fail(x, "no run of label %s for workload %s in the database", x->label,
				     w->name);
		goto cleanup;
	}
	if (!night->hostname[0]) {
		snprintf(night->hostname, sizeof(night->hostname), "%s", ident->hostname);
		snprintf(night->place, sizeof(night->place), "%s", ident->place);
		snprintf(night->accel, sizeof(night->accel), "%s", ident->accel);
		snprintf(night->kernel, sizeof(night->kernel), "%s",
			 !strcmp(ident->place, "vm") && ident->guest_kernel[0] ? ident->guest_kernel :
										 ident->kernel_release);
	}
	for (int i = 0; i < runs.n; i++) {
		const struct q_run *r = &runs.v[i];
		int k;

		if (!tonight[i] || !same_machine(r, ident))
			continue;
		night->runs++;
		night->runs_ok += !strcmp(r->status, "ok");
		night->runs_sched_failed += !strcmp(r->status, "sched_failed");
		night->runs_failed += !strcmp(r->status, "failed");
		night->runs_aborted += !strcmp(r->status, "aborted") || !strcmp(r->status, "running");
		if (!x->compare_id[w - x->cfg.wl])
			x->compare_id[w - x->cfg.wl] = r->compare_id;
		for (k = 0; k < nnames && strcmp(names[k], r->scheduler); k++)
			;
		if (k == nnames && nnames < CI_MAX_SCHED * 2)
			snprintf(names[nnames++], sizeof(names[0]), "%s", r->scheduler);
	}
	/* configured schedulers first (even those with no run), then others */
	for (int s = 0; s < x->cfg.nsched && !err; s++)
		err = gate_sched(x, st, w, x->stored_name[s], &runs, refs, tonight, ident, cells,
				 night);
	for (int k = 0; k < nnames && !err; k++) {
		bool known = false;

		for (int s = 0; s < x->cfg.nsched; s++)
			known |= !strcmp(x->stored_name[s], names[k]);
		if (!known)
			err = gate_sched(x, st, w, names[k], &runs, refs, tonight, ident, cells, night);
	}
cleanup:
	q_runs__free(&runs);
	free(tonight);
	free(refs);
	free(ids);
	return err;
}

/* -errno with why set when the folder could not be written */
static int write_report(struct ci_ctx *x, struct store *st, int wi, struct ci_night *night,
			char *why, size_t len)
{
	struct q_compare cmp = { 0 };
	struct q_runs runs = { 0 };
	struct cmp_table t = { 0 };
	struct report_ctx rc = { 0 };
	char dir[4200], stem[96];
	int err, terr;

	if (!x->compare_id[wi])
		return 0;
	err = store__q_compare(st, x->compare_id[wi], &cmp);
	if (!err)
		err = store__q_runs_of_compare(st, x->compare_id[wi], &runs);
	if (err) {
		snprintf(why, len, "reading comparison %lld: %s", (long long)x->compare_id[wi],
			 store__corrupt(st) ? store__corrupt(st) : strerror(-err));
		goto cleanup;
	}
	report__stem(stem, sizeof(stem), "report-", x->cfg.wl[wi].name);
	snprintf(dir, sizeof(dir), "%s/%s", x->out, stem);
	terr = compare__eval(st, cmp.schedulers, &runs, cmp.seed, &t);
	rc.st = st;
	rc.formats[0] = "svg";
	rc.nformats = 1;
	rc.cmp = &cmp;
	rc.runs = &runs;
	rc.table = terr ? NULL : &t;
	if (terr)
		snprintf(rc.table_missing, sizeof(rc.table_missing), "no comparison table: %s",
			 strerror(-terr));
	/* written aside and renamed: never half a report under its name */
	err = report__write_folder(&rc, dir, why, len);
	report__free(&rc);
	if (!err && night->nreports < 16)
		snprintf(night->reports[night->nreports++], sizeof(night->reports[0]),
			 "%s/report.html", stem);
	if (!terr)
		compare__free(&t);
cleanup:
	q_runs__free(&runs);
	q_compare__free(&cmp);
	return err;
}

static int gate_and_report(struct ci_ctx *x, struct store *st, double started)
{
	struct cell_buf cells = { 0 };
	struct ci_night night = {
		.label = x->label, .config = x->cfg.name, .db = x->db, .alpha = x->cfg.alpha,
		.started_at = started,
	};
	char path[4200], err[600];
	int rc = 0, nplots = 0, fam;

	for (int wi = 0; wi < x->cfg.nwl && !rc; wi++)
		rc = gate_workload(x, st, &x->cfg.wl[wi], &cells, &night);
	if (rc) {
		harness_fail(x, "reading the history failed: %s%s",
			     store__corrupt(st) ? "the database is corrupt: " : strerror(-rc),
			     store__corrupt(st) ? store__corrupt(st) : "");
		goto cleanup;
	}
	fam = ci_gate__eval(cells.v, cells.n, x->cfg.alpha, x->seed);
	if (fam < 0) {
		rc = fam;
		harness_fail(x, "gate: %s%s", strerror(-rc), "");
		goto cleanup;
	}
	night.family = fam;
	for (int i = 0; i < x->cfg.nmetric; i++) {
		bool seen = false;

		for (int k = 0; k < cells.n; k++)
			seen |= !strcmp(cells.v[k].metric, x->cfg.metric[i].name);
		if (!seen)
			pr_warn("ci: %s:%d: [metric %s] matches no metric of tonight's runs\n",
				x->cfg.name, x->cfg.metric[i].line, x->cfg.metric[i].name);
	}
	if (mkdir(x->out, 0755) && errno != EEXIST) {
		rc = -errno;
		harness_fail(x, "cannot create %s: %s", x->out, strerror(errno));
		goto cleanup;
	}
	for (int wi = 0; wi < x->cfg.nwl; wi++) {
		int e = write_report(x, st, wi, &night, err, sizeof(err));

		if (e)
			harness_fail(x, "HTML report of %s: %s", x->cfg.wl[wi].name, err);
	}
	night.cells = cells.v;
	night.ncells = cells.n;
	snprintf(path, sizeof(path), "%s/history", x->out);
	if (ci_output__history(&night, path, &nplots, err, sizeof(err)))
		harness_fail(x, "history figures: %s%s", err, "");
	night.ended_at = now_wall();
	night.harness_failed = x->harness_failed;
	snprintf(night.harness_msg, sizeof(night.harness_msg), "%s", x->harness_msg);
	night.exit_code = x->harness_failed ? 2 : ci_gate__failing(cells.v, cells.n);
	/* summary.md last among the human outputs: it names the others */
	snprintf(path, sizeof(path), "%s/junit.xml", x->out);
	rc = ci_output__junit(&night, path);
	if (!rc) {
		snprintf(path, sizeof(path), "%s/ci.json", x->out);
		rc = ci_output__json(&night, path);
	}
	if (!rc) {
		snprintf(path, sizeof(path), "%s/summary.md", x->out);
		rc = ci_output__summary_md(&night, path);
	}
	if (rc) {
		harness_fail(x, "cannot write %s: %s", path, strerror(-rc));
		goto cleanup;
	}
	{
		int nreg = 0, nfail = 0, nimp = 0, nnb = 0;

		for (int i = 0; i < cells.n; i++) {
			const struct ci_cell *c = &cells.v[i];
			char buf[1024];

			nreg += c->state == CI_REGRESSION;
			nfail += c->state == CI_SCHED_FAILED;
			nimp += c->state == CI_IMPROVEMENT;
			nnb += c->state == CI_NO_BASELINE;
			if (c->state == CI_REGRESSION) {
				snprintf(buf, sizeof(buf), "%+.1f %% [%+.1f, %+.1f], p(Holm) %.3g",
					 c->delta_pct, c->delta_lo, c->delta_hi, c->p_holm);
				printf("REGRESSION %s / %s / %s: %s\n", c->scheduler, c->workload,
				       c->metric, buf);
			} else if (c->state == CI_SCHED_FAILED) {
				printf("SCHEDULER FAILED %s / %s: %d/%d runs survived: %s\n",
				       c->scheduler, c->workload, c->survived, c->total, c->note);
			} else if (c->state == CI_IMPROVEMENT) {
				printf("improvement %s / %s / %s: %+.1f %% [%+.1f, %+.1f]\n",
				       c->scheduler, c->workload, c->metric, c->delta_pct, c->delta_lo,
				       c->delta_hi);
			}
		}
		printf("ci %s: %s: %d regression(s), %d scheduler failure(s), %d improvement(s),"
		       " %d cell(s) without a baseline; %d run(s) tonight; %d history figure(s);"
		       " outputs in %s\n",
		       x->label, night.exit_code == 2 ? "HARNESS FAILURE" :
				 night.exit_code ? "FAIL" : "PASS",
		       nreg, nfail, nimp, nnb, night.runs, nplots, x->out);
	}
	rc = night.exit_code;
cleanup:
	for (int i = 0; i < cells.n; i++) {
		free((void *)cells.v[i].cur);
		free((void *)cells.v[i].base);
		free(cells.v[i].hist);
	}
	free(cells.v);
	return rc < 0 ? 2 : rc;
}

int cmd_ci(int argc, char **argv)
{
	struct ci_ctx x = { 0 };
	struct place_opts po = { 0 };
	struct store *st = NULL;
	const char *label = NULL, *db = NULL, *out = NULL, *text = NULL, *name = NULL;
	char err[4096] = "", tlabel[64];
	bool init = false, gate_only = false, run_only = false, quiet = false;
	int verbose = 0, opt, rc = EXIT_USAGE, place = PLACE_HOST;
	double started = now_wall();
	struct stat sb;
	/* as typed (getopt permutes argv): stored on runs made in a VM */
	char *cmdline = run_opts__join(argc, argv, "scxbench", " ");

	if (!cmdline) {
		pr_err("ci: out of memory\n");
		return EXIT_USAGE;
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "l:qv", options, NULL)) != -1) {
		int prc = place__parse_opt(&po, opt, optarg, err, sizeof(err));

		if (prc < 0)
			goto bad;
		if (prc > 0)
			continue;
		switch (opt) {
		case 'l':
			label = optarg;
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_OUT:
			out = optarg;
			break;
		case OPT_INIT:
			init = true;
			break;
		case OPT_GATE_ONLY:
			gate_only = true;
			break;
		case OPT_RUN_ONLY:
			run_only = true;
			break;
		case OPT_CONFIG_TEXT:
			text = optarg;
			break;
		case OPT_CONFIG_NAME:
			name = optarg;
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose++;
			break;
		case OPT_HELP:
			fputs(usage, stdout);
			free(cmdline);
			return 0;
		default:
			snprintf(err, sizeof(err), "bad option (see: scxbench help ci)");
			goto bad;
		}
	}
	command__verbosity(verbose, quiet);
	if (text) {
		if (optind != argc) {
			snprintf(err, sizeof(err), "--config-text and a CONFIG file exclude each other");
			goto bad;
		}
		rc = ci_config__parse(&x.cfg, name ? name : "(config text)", text, err, sizeof(err));
	} else {
		if (argc - optind != 1) {
			snprintf(err, sizeof(err), "%s", argc - optind < 1 ? "which CONFIG file?" :
				 "one CONFIG file");
			goto bad;
		}
		rc = ci_config__load(&x.cfg, argv[optind], err, sizeof(err));
	}
	if (rc) {
		pr_err("%s\n", err);
		pr_err("ci: the config has errors: nothing was run\n");
		rc = EXIT_USAGE;
		goto out;
	}
	for (int s = 0; s < x.cfg.nsched; s++) {
		struct sched_opts so = { .exec_argv = x.cfg.sched[s].argc ? x.cfg.sched[s].argv : NULL };
		struct sched *probe = sched__new(x.cfg.sched[s].spec, &so, err, sizeof(err));

		if (!probe) {
			pr_err("%s:%d: scheduler %s: %s\n", x.cfg.name, x.cfg.sched[s].line,
			       x.cfg.sched[s].spec, err);
			pr_err("ci: the config has errors: nothing was run\n");
			rc = EXIT_USAGE;
			goto out;
		}
		snprintf(x.stored_name[s], sizeof(x.stored_name[s]), "%s", sched__name(probe));
		sched__free(probe);
	}
	if (!label && x.cfg.label_policy == CI_LABEL_TIME) {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(tlabel, sizeof(tlabel), "%Y%m%dT%H%M%SZ", &tm);
		label = tlabel;
	}
	if (!label || !*label || strlen(label) >= 128) {
		snprintf(err, sizeof(err), "%s", label ? "--label: 1 to 127 characters" :
			 "--label L is required (or set label = time in [ci])");
		goto bad;
	}
	x.label = label;
	x.db = db ? db : x.cfg.db;
	x.out = out ? out : x.cfg.out;
	x.seed = x.cfg.have_seed ? x.cfg.seed : hash_str(label);
	if (x.cfg.place == CI_PLACE_HOST)
		po.force_host = po.force_host || !po.force_vm;
	if (x.cfg.place == CI_PLACE_VM && !po.force_host)
		po.force_vm = true;
	if (x.cfg.kernel[0] && !po.kernel && !po.force_host)
		po.kernel = x.cfg.kernel;
	if (!po.vm_cpus)
		po.vm_cpus = x.cfg.vm_cpus;
	if (!po.vm_mem_mb)
		po.vm_mem_mb = x.cfg.vm_mem_mb;

	/* the history: never created or replaced without being asked */
	if (stat(x.db, &sb)) {
		if (errno != ENOENT || (!init && !run_only)) {
			pr_err("ci: history database %s: %s%s\n", x.db, strerror(errno),
			       errno == ENOENT ? " (first night? pass --init to start a new history)" : "");
			rc = EXIT_USAGE;
			goto out;
		}
		pr_info("ci: starting a new history in %s\n", x.db);
	} else if (init) {
		pr_info("ci: %s exists: --init has nothing to do, using its history\n", x.db);
	}
	st = store__open(x.db, STORE_CREATE, err, sizeof(err));
	if (!st) {
		pr_err("ci: history database %s: %s (left untouched)\n", x.db, err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (store__corrupt(st)) {
		rc = command__store_corrupt("ci", st, "nothing was run or gated");
		goto out;
	}
	if (!gate_only) {
		const char *scheds[CI_MAX_SCHED];

		for (int s = 0; s < x.cfg.nsched; s++)
			scheds[s] = x.cfg.sched[s].spec;
		place = run_only ? PLACE_HOST : place__decide(&po, scheds, x.cfg.nsched, err,
							      sizeof(err));
		if (place < 0) {
			pr_err("ci: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (!gate_only && place == PLACE_VM) {
		struct place_result pr;
		char *gargv[16];
		int gargc = 0, grc;
		double expected = 0;

		for (int w = 0; w < x.cfg.nwl; w++)
			expected += (x.cfg.wl[w].duration_s ? x.cfg.wl[w].duration_s :
							      x.cfg.duration_s) + 5;
		expected *= x.cfg.nsched * (x.cfg.until_ci ? x.cfg.max_reps : x.cfg.reps);
		store__close(st); /* the import opens it again */
		st = NULL;
		gargv[gargc++] = "ci";
		gargv[gargc++] = "--run-only";
		gargv[gargc++] = "--config-text";
		gargv[gargc++] = x.cfg.text;
		gargv[gargc++] = "--config-name";
		gargv[gargc++] = x.cfg.name;
		gargv[gargc++] = "--label";
		gargv[gargc++] = (char *)x.label;
		if (quiet)
			gargv[gargc++] = "-q";
		for (int v = 0; v < verbose && v < 2; v++)
			gargv[gargc++] = "-v";
		gargv[gargc] = NULL;
		runner__install_signals();
		grc = place__run_in_vm(&po, gargc, gargv, x.db, expected, cmdline, &pr, err,
				       sizeof(err));
		place_result__free(&pr);
		if (grc < 0)
			harness_fail(&x, "VM run failed: %s%s", err, "");
		else if (grc)
			harness_fail(&x, "the run inside the VM exited %s%s",
				     grc == 2 ? "2 (harness failure)" : "non-zero", "");
		st = store__open(x.db, 0, err, sizeof(err));
		if (!st) {
			pr_err("ci: history database %s: %s\n", x.db, err);
			rc = EXIT_USAGE;
			goto out;
		}
		if (store__corrupt(st)) {
			rc = command__store_corrupt("ci", st, "nothing was gated");
			goto out;
		}
	} else if (!gate_only) {
		run_matrix(&x, st, argc, argv);
	}
	if (run_only) {
		rc = x.harness_failed ? 2 : 0;
		goto out;
	}
	rc = gate_and_report(&x, st, started);
	goto out;
bad:
	pr_err("ci: %s\n", err);
	rc = EXIT_USAGE;
out:
	store__close(st);
	ci_config__free(&x.cfg);
	free(cmdline);
	return rc;
}
