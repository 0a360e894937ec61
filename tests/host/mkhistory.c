// SPDX-License-Identifier: GPL-2.0
/*
 * Test helper for tests/host/ci-gate.t: writes one synthetic CI night
 * into a real history database through the store API (the same calls the
 * runner makes), so the gate can be tested on a known truth without
 * running workloads.
 *
 *   mkhistory CONFIG DB LABEL REPS SEED [SCHED:METRIC:FACTOR...] [fail:SCHED]
 *
 * Every scheduler x workload of CONFIG gets one comparison labelled LABEL
 * (settings.ci_sig from the config, as `scxbench ci` writes) and REPS runs
 * with four metrics drawn with realistic noise: run-to-run CoV 2-5 % and a
 * night-to-night drift of 1 % (a machine is not the same every night).
 * FACTOR multiplies one metric's true value tonight (1.10 = 10 % more);
 * fail:SCHED makes that scheduler's last run a watchdog stall.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/ci/config.h"
#include "harness/lib/results.h"
#include "harness/store/store.h"
#include "harness/store/query.h"

static uint64_t rng;

static double unit(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return ((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
}

static double gauss(void)
{
	double u = unit(), v = unit();

	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static const struct {
	const char *name, *unit;
	double value, cov;
	enum better better;
} metrics[] = {
	{ "elapsed_s", "s", 1.50, 0.03, BETTER_LOWER },
	{ "hackbench_msgs_per_s", "msg/s", 1.0e5, 0.03, BETTER_HIGHER },
	{ "wakeup_p99_us", "us", 250, 0.05, BETTER_LOWER },
	{ "ctx_switches", "", 1.0e6, 0.02, BETTER_NONE },
};

int main(int argc, char **argv)
{
	struct ci_config c;
	struct store *st;
	char err[2048];
	int reps;

	if (argc < 6) {
		fprintf(stderr, "usage: %s CONFIG DB LABEL REPS SEED [SCHED:METRIC:FACTOR...] [fail:SCHED]\n",
			argv[0]);
		return 2;
	}
	if (ci_config__load(&c, argv[1], err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	reps = atoi(argv[4]);
	rng = strtoull(argv[5], NULL, 0);
	st = store__open(argv[2], STORE_CREATE, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	for (int w = 0; w < c.nwl; w++) {
		char settings[1400], scheds[1024] = "";
		struct compare_meta m = { .schedulers = scheds, .workload = c.wl[w].wl->name,
					  .settings = settings, .seed = 1, .reps = reps,
					  .place = "host", .label = argv[3] };
		int64_t cid;

		for (int s = 0; s < c.nsched; s++) {
			strcat(scheds, s ? "," : "");
			strcat(scheds, c.sched[s].spec);
		}
		/* the sig has no characters JSON needs escaped */
		snprintf(settings, sizeof(settings), "{\"ci_sig\": \"%s\", \"ci_workload\": \"%s\"}",
			 c.wl[w].sig, c.wl[w].name);
		if (store__add_comparison(st, &m, &cid))
			return 2;
		for (int s = 0; s < c.nsched; s++) {
			double drift[sizeof(metrics) / sizeof(metrics[0])];
			bool fail = false;

			for (int a = 6; a < argc; a++)
				if (!strncmp(argv[a], "fail:", 5) && !strcmp(argv[a] + 5, c.sched[s].spec))
					fail = true;
			for (size_t k = 0; k < sizeof(drift) / sizeof(drift[0]); k++)
				drift[k] = 1 + 0.01 * gauss();
			for (int r = 0; r < reps; r++) {
				struct run_meta rm = { .scheduler = c.sched[s].spec, .sched_kind = "bpf",
						       .workload = c.wl[w].wl->name, .place = "host",
						       .cmdline = "mkhistory", .label = argv[3],
						       .compare_id = cid, .rep = r, .round = r };
				struct results *res = results__new();
				int64_t id;

				if (!res || store__begin_run(st, &rm, &id) || store__txn_begin(st))
					return 2;
				for (size_t k = 0; k < sizeof(metrics) / sizeof(metrics[0]); k++) {
					double v = metrics[k].value * drift[k] *
						   (1 + metrics[k].cov * gauss());

					for (int a = 6; a < argc; a++) {
						char spec[300];
						const char *col;

						snprintf(spec, sizeof(spec), "%s:%s:", c.sched[s].spec,
							 metrics[k].name);
						if (!strncmp(argv[a], spec, strlen(spec))) {
							col = argv[a] + strlen(spec);
							v *= atof(col);
						}
					}
					results__add_metric(res, metrics[k].name, v, metrics[k].unit,
							    metrics[k].better);
				}
				if (fail && r == reps - 1) {
					struct sched_exit ex = { .valid = true, .kind = 1026,
								 .time_to_exit_s = 0.8 };

					snprintf(ex.reason, sizeof(ex.reason), "runnable task stall");
					snprintf(ex.msg, sizeof(ex.msg), "watchdog failed to check in for 30s");
					store__set_sched_exit(st, id, &ex);
					store__finish_run(st, id, RUN_SCHED_FAILED, FAIL_RUN,
							  "scheduler exited during the run: runnable task stall");
				} else {
					store__add_results(st, id, res);
					store__finish_run(st, id, RUN_OK, FAIL_NONE, NULL);
				}
				if (store__txn_commit(st))
					return 2;
				results__free(res);
			}
		}
		/* ended as a night's are (a 'running' one is swept as aborted) */
		if (store__set_comparison_status(st, cid, "done", reps))
			return 2;
	}
	store__close(st);
	ci_config__free(&c);
	return 0;
}
