// SPDX-License-Identifier: GPL-2.0
/*
 * The night's matrix (matrix.h). Each [workload] is one comparison:
 * every scheduler once per round, the order shuffled within each round
 * (plan__rounds) so that a slow drift of the machine spreads over all
 * schedulers instead of landing on the one that runs last.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ci/matrix.h"
#include "harness/core/compare.h"
#include "harness/core/plan.h"
#include "harness/core/runner.h"
#include "harness/lib/json.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/store/query.h"
#include "harness/store/store.h"

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
	fprintf(f, ", \"trace\": %s", x->cfg.trace ? "true" : "false");
	/* what the comparison's verdicts are decided with: the gate's alpha
	 * and minimum effects, [metric] sections included */
	fputs(", \"alpha\": ", f);
	json_num(f, x->cfg.until_ci ? compare__looks_alpha(x->cfg.alpha, x->cfg.min_reps,
							   x->cfg.max_reps) : x->cfg.alpha);
	fputs(", \"min_effect_pct\": ", f);
	json_num(f, x->cfg.min_effect_pct);
	fputs(", \"min_effect\": {", f);
	for (int i = 0, n = 0; i < x->cfg.nmetric; i++) {
		if (isnan(x->cfg.metric[i].min_effect_pct))
			continue;
		fputs(n++ ? ", " : "", f);
		json_str(f, x->cfg.metric[i].name);
		fputs(": ", f);
		json_num(f, x->cfg.metric[i].min_effect_pct);
	}
	fputs("}, \"params\": {", f);
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
		.seed = x->seed ^ ci__hash_str(w->name), .reps = rounds, .place = "host",
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
				.outlier_us = w->wl->probe ? x->outlier_us : 0,
				.outlier_dumps = x->outlier_dumps,
				.outlier_window_ms = x->outlier_window_ms,
			};
			struct run_outcome out;

			if (dead[items[k].sched])
				continue;
			err[0] = 0;
			rc = runner__run(st, &rq, &out, err, sizeof(err));
			if (rc) {
				ci_ctx__fail(x, "run of %s could not be stored: %s", cs->spec, err);
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
				int undecided = compare__undecided(&t, NULL);

				/* every primary verdict decided, or as precise as asked */
				if (k >= 0 && (!undecided || hw <= c->ci_target_pct)) {
					if (!undecided)
						pr_info("ci: %s: every primary verdict decided after %d rounds\n",
							w->name, r + 1);
					else
						pr_info("ci: %s: %s CI half-width %.1f %% <= %.1f %% after %d"
							" rounds\n", w->name, compare__row(&t, k, 0)->metric,
							hw, c->ci_target_pct, r + 1);
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
		ci_ctx__fail(x, "interrupted (signal) during workload %s", w->name);
	store__set_comparison_status(st, x->compare_id[wi], runner_stop ? "aborted" : "done", r);
cleanup:
	if (rc && !x->harness_failed)
		ci_ctx__fail(x, "workload %s: %s", w->name, strerror(-rc));
	free(items);
	free(settings);
	return rc;
}

int ci_matrix__run(struct ci_ctx *x, struct store *st, const char *cmdline)
{
	runner__install_signals();
	for (int wi = 0; wi < x->cfg.nwl && !runner_stop; wi++)
		if (ci_ctx__in_shard(x, wi) && run_workload(x, st, wi, cmdline) && x->harness_failed &&
		    strstr(x->harness_msg, "could not be stored"))
			break;
	return x->harness_failed ? -EIO : 0;
}

double ci_matrix__expected_s(const struct ci_config *c)
{
	double expected = 0;

	for (int w = 0; w < c->nwl; w++)
		expected += (c->wl[w].duration_s ? c->wl[w].duration_s : c->duration_s) + 5;
	return expected * (c->nsched * (c->until_ci ? c->max_reps : c->reps));
}
