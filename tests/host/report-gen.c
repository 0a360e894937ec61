// SPDX-License-Identifier: GPL-2.0
/*
 * Test-data generator for the report tests and benchmark: a real store
 * file filled through the store API with a comparison of NSCHED
 * schedulers x REPS rounds of synthetic runs under the names real runs
 * store (wakeup_lat and its corrected twin wakeup_lat_co, throughput,
 * fairness, sched_ext counters, one of them always 0), probe task rows
 * named "<b>x</b>", antagonists, kept events, one run with lost events,
 * one scheduler failure with a hostile dump).
 *
 * usage: report-gen DB NRUNS [SCHED,SCHED...] [SHIFT]
 *   SHIFT: relative latency/throughput change of each non-baseline
 *   scheduler (default 0.3 = 30 % worse latency); 0 = identical
 *   distributions.
 * Environment: GEN_ALL_FAILED=1 every run's scheduler fails;
 * GEN_DROP=1 the hog metric is missing from the runs of odd rounds;
 * GEN_STARVE=1 the second scheduler's probe takes a third of the samples.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/hist.h"
#include "harness/lib/results.h"
#include "harness/stats/stats.h"
#include "harness/store/store.h"
#include "harness/store/query.h"
#include "harness/store/trace.h"
#include "collectors/trace_collector.h"

static double normal(struct stats_rng *r)
{
	double u1 = stats_rng__unit(r), u2 = stats_rng__unit(r);

	return sqrt(-2 * log(u1 + 1e-300)) * cos(2 * M_PI * u2);
}

int main(int argc, char **argv)
{
	const char *names = argc > 3 ? argv[3] : "eevdf,simple,vtime";
	double shift = argc > 4 ? atof(argv[4]) : 0.3;
	char scheds[8][32], err[256];
	int nsched = 0, nruns, reps;
	struct store *st;
	struct stats_rng rng;
	struct hist *h = malloc(sizeof(*h)), *hco = malloc(sizeof(*hco));
	int64_t cid, run_id;

	if (argc < 3) {
		fprintf(stderr, "usage: %s DB NRUNS [SCHED,...] [SHIFT]\n", argv[0]);
		return 2;
	}
	nruns = atoi(argv[2]);
	for (const char *p = names; *p && nsched < 8;) {
		size_t l = strcspn(p, ",");

		snprintf(scheds[nsched++], 32, "%.*s", (int)l, p);
		p += l + (p[l] == ',');
	}
	reps = (nruns + nsched - 1) / nsched;
	st = store__open(argv[1], STORE_CREATE, err, sizeof(err));
	if (!st || !h || !hco) {
		fprintf(stderr, "open: %s\n", err);
		return 2;
	}
	{
		struct compare_meta m = { .schedulers = names, .workload = "mixed",
					  .settings = "{\"duration_s\":1}", .seed = 42, .reps = reps,
					  .place = "host" };

		if (store__add_comparison(st, &m, &cid))
			return 2;
	}
	stats_rng__seed(&rng, 7);
	for (int i = 0; i < nruns; i++) {
		int s = i % nsched, round = i / nsched;
		double f = s ? 1 + shift * s / (nsched > 1 ? nsched - 1 : 1) : 1;
		struct run_meta rm = { .scheduler = scheds[s], .sched_kind = s ? "bpf" : "eevdf",
				       .workload = "mixed", .place = "host", .cmdline = "report-gen",
				       .compare_id = cid, .rep = round, .round = round, .trace = true };
		struct results *res = results__new();
		bool failed = (s == nsched - 1 && round == 1 && nsched > 1) || getenv("GEN_ALL_FAILED");

		if (!res || store__begin_run(st, &rm, &run_id) || store__txn_begin(st))
			return 2;
		hist__init(h);
		hist__init(hco);
		/* GEN_STARVE: the second scheduler's probe gets a third of the
		 * samples (the report warns that the raw figures are not
		 * comparable) */
		for (int k = 0; k < (getenv("GEN_STARVE") && s == 1 ? 6000 : 20000); k++) {
			double v = exp(log(8000.0) + 0.8 * normal(&rng)) * f; /* ns, lognormal */

			hist__add(h, (uint64_t)v);
			/* the corrected twin: a 1 ms period's missed wakes filled in */
			hist__add_expected(hco, (uint64_t)(k % 500 ? v : v * 300), 1000000);
		}
		if (results__add_latency(res, "wakeup_lat", h) ||
		    results__add_latency(res, "wakeup_lat_co", hco))
			return 2;
		if (failed && getenv("GEN_ALL_FAILED")) {
			results__free(res);
			res = results__new(); /* a failed run stores no numbers */
			if (!res)
				return 2;
		}
		results__add_metric(res, "hackbench_msgs_per_s",
				    200000 / f * (1 + 0.03 * normal(&rng)), "msg/s", BETTER_HIGHER);
		if (!(getenv("GEN_DROP") && round % 2))
			results__add_metric(res, "cpu_work_per_s", 1e6 / f * (1 + 0.02 * normal(&rng)),
				    "units/s", BETTER_HIGHER);
		results__add_metric(res, "cpu_fairness_jain", 0.99 - 0.01 * s + 0.003 * normal(&rng), "",
				    BETTER_HIGHER);
		results__add_metric(res, "sys_ctxt_rate", 25000 * f * (1 + 0.02 * normal(&rng)), "/s",
				    BETTER_NONE);
		if (s) {
			/* a counter that never fires: the figure must still show it */
			results__add_metric(res, "scx_event.SCX_EV_DISPATCH_KEEP_LAST", 0, "events",
					    BETTER_NONE);
			results__add_metric(res, "scx_event.SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE", 5000 + 300 * normal(&rng),
					    "events", BETTER_NONE);
			results__add_metric(res, "scx_event.SCX_EV_SELECT_CPU_FALLBACK", 120 + 20 * normal(&rng),
					    "events", BETTER_NONE);
			results__add_metric(res, "scx_event.SCX_EV_BYPASS_DURATION", 2 + 0.2 * normal(&rng),
					    "events", BETTER_NONE);
		}
		if (store__add_results(st, run_id, res))
			return 2;
		for (int t = 0; t < 3; t++) {
			struct task_stat_row tr = {
				.pid = 1000 + t, .comm = t ? "scxb-probe1" : "<b>x</b>", .role = "probe",
				.wakeups = 1000, .wait_ns = (uint64_t)(8e6 * f * (1 + 0.05 * normal(&rng))),
				.wait_max_ns = 200000, .rq_wait_ns = (uint64_t)(3e6 * f),
				.run_ns = 50000000, .hist = h,
			};

			store__add_task_stat(st, run_id, &tr);
			store__add_antagonist(st, run_id, tr.pid, 2000 + t, "scxb-hog0",
					      (uint64_t)(5e6 * f), 40);
		}
		{
			struct task_stat_row hog = { .pid = 2000, .comm = "scxb-hog0", .role = "hog",
						     .run_ns = 900000000 };

			store__add_task_stat(st, run_id, &hog);
		}
		if (round == 0) { /* kept events: the timeline */
			struct store_events *se = store__events_begin(st, run_id);
			uint64_t ts = 1000000000;

			for (int k = 0; k < 4000 && se; k++) {
				int cpu = k % 2, pid = (k / 2) % 3 == 0 ? 1000 : (k / 2) % 3 == 1 ? 2000 : 3000;

				ts += 4000 + (uint64_t)(stats_rng__unit(&rng) * 20000 * f);
				store__events_add(se, ts, cpu, TEV_SWITCH, pid, 0, 0);
			}
			if (se)
				store__events_end(se);
		}
		if (i == 2) { /* lost events on one run */
			struct trace_cpu_row c = { .cpu = 1, .events = 100000, .overrun = 17, .lost = 17 };

			store__add_trace_cpu(st, run_id, &c);
			store__set_lost_events(st, run_id, 17);
			store__add_note(st, run_id, "tracefs", "ring buffer overrun on cpu 1 <i>17</i>");
		}
		if (failed) {
			struct sched_exit ex = { .valid = true, .kind = 1025 };

			snprintf(ex.reason, sizeof(ex.reason), "scx_bpf_error");
			snprintf(ex.msg, sizeof(ex.msg), "runnable task stall <script>alert(1)</script>");
			store__set_sched_exit(st, run_id, &ex);
			store__add_scx_dump(st, run_id, 0, "CPU 0: nr_run=3 <script>x</script> & \"q\"");
			store__add_scx_dump(st, run_id, 1, "  R scxb-hog0[2000] -12ms");
			store__finish_run(st, run_id, RUN_SCHED_FAILED, FAIL_RUN, "scheduler exited: stall");
		} else {
			store__finish_run(st, run_id, RUN_OK, FAIL_NONE, NULL);
		}
		if (store__txn_commit(st))
			return 2;
		results__free(res);
	}
	store__set_comparison_status(st, cid, "done", reps);
	store__close(st);
	free(h);
	free(hco);
	printf("%lld\n", (long long)cid);
	return 0;
}
