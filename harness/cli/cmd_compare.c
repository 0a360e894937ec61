// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench compare: several schedulers, interleaved shuffled rounds, one
 * comparison object in the store, the verdict table and a report.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/core/compare.h"
#include "harness/core/overhead.h"
#include "harness/lib/json.h"
#include "harness/lib/log.h"
#include "harness/core/place.h"
#include "harness/core/plan.h"
#include "reports/report.h"
#include "harness/cli/run_opts.h"
#include "harness/cli/vm_matrix.h"
#include "harness/core/runner.h"
#include "harness/store/query.h"
#include "harness/lib/util.h"

const char cmd_compare_usage[] =
	"usage: scxbench compare SCHED SCHED... --workload W [options] [--WORKLOAD-PARAM VALUE...]\n"
	"\n"
	"Run every scheduler N times in interleaved rounds (each round runs every\n"
	"scheduler once, in an order shuffled with a recorded seed), then print for\n"
	"each scheduler against the first (the baseline) the workload's primary\n"
	"metrics with a verdict in words: better, worse, same (within --min-effect),\n"
	"or inconclusive (with the rounds that would likely decide), then the other\n"
	"metrics that differ; and write a report folder.\n"
	"\n"
	"  -n, --reps N        rounds = runs per scheduler (default 5)\n"
	"      --seed N        shuffle/bootstrap seed (default: random, recorded)\n"
	"      --min-effect PCT  the smallest difference worth seeing, in % (default 2):\n"
	"                      a metric whose delta's 95 % CI lies inside +-PCT is\n"
	"                      \"same\"; stored with the comparison\n"
	"      --until-ci PCT  keep adding rounds until every primary metric is\n"
	"                      decided (better, worse or same) or the 95 % CI\n"
	"                      half-width of the workload's first primary metric is\n"
	"                      under PCT % of its median, for every scheduler ...\n"
	"      --max-reps N    ... but at most N rounds (default 20)\n"
	"      --all           print every metric with its full statistics (default:\n"
	"                      the primary metrics' verdicts, then the other metrics\n"
	"                      that differ)\n"
	"      --db FILE       database (default " STORE_DEFAULT_PATH ", created if missing)\n"
	"  -o, --out DIR       report folder (default scxbench-report-<ID>)\n"
	"  -f, --format LIST   report figure formats png,svg,pdf (default png)\n"
	"      --no-report     table only, no report folder\n"
	"      --label L       label stored with the comparison and its runs\n"
	"      --overhead-check  also run every scheduler untraced in each round\n"
	"                      (interleaved; left out of the verdicts) and report per\n"
	"                      primary metric what tracing costs: traced vs untraced\n"
	RUN_OPTS_USAGE
	"  -q, --quiet         no progress, errors only;  -v, --verbose\n"
	"\n"
	"Exit status: 0 every run ok and the report complete, 1 some run failed (or\n"
	"its scheduler did) or the report is partial, 2 bad usage or harness failure.\n"
	"Example: scxbench compare eevdf simple vtime --workload mixed --reps 5\n";

int report_parse_formats(const char *s, const char **formats, int *n, char *err, size_t len);

enum {
	OPT_DB = 0x100, OPT_SEED, OPT_UNTIL_CI, OPT_MAX_REPS, OPT_NO_REPORT, OPT_LABEL, OPT_HELP,
	OPT_MIN_EFFECT, OPT_ALL, OPT_OVERHEAD,
};

static const struct option base_options[] = {
	{ "reps", required_argument, NULL, 'n' },
	{ "out", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, 'f' },
	CLI_COMMON_LONG_OPTIONS,
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "until-ci", required_argument, NULL, OPT_UNTIL_CI },
	{ "max-reps", required_argument, NULL, OPT_MAX_REPS },
	{ "min-effect", required_argument, NULL, OPT_MIN_EFFECT },
	{ "all", no_argument, NULL, OPT_ALL },
	{ "no-report", no_argument, NULL, OPT_NO_REPORT },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "overhead-check", no_argument, NULL, OPT_OVERHEAD },
	RUN_LONG_OPTIONS,
};

static void fmt_eta(char *buf, size_t len, double s)
{
	if (isnan(s) || s < 0)
		snprintf(buf, len, "?");
	else if (s >= 3600)
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
	else if (s >= 60)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		snprintf(buf, len, "%ds", (int)s);
}

static uint64_t random_seed(void)
{
	uint64_t s = 0;
	FILE *f = fopen("/dev/urandom", "rb");

	if (!f || fread(&s, sizeof(s), 1, f) != 1)
		s = now_mono_ns() ^ ((uint64_t)getpid() << 32);
	if (f)
		fclose(f);
	return s & INT64_MAX; /* printable and re-enterable as --seed */
}

static char *settings_json(const struct wl_params *p, double duration_s, int reps,
			   double until_ci, int max_reps, double min_effect, bool trace,
			   bool keep_events, bool overhead, bool partial)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fprintf(f, "{\"duration_s\":");
	json_num(f, duration_s);
	fprintf(f, ",\"reps\":%d,\"until_ci_pct\":", reps);
	json_num(f, until_ci > 0 ? until_ci : NAN);
	fprintf(f, ",\"max_reps\":%d,\"trace\":%s,\"keep_events\":%s,\"overhead_check\":%s,"
		"\"partial\":%s,", max_reps, trace ? "true" : "false", keep_events ? "true" : "false",
		overhead ? "true" : "false", partial ? "true" : "false");
	/* what the verdicts are decided with: a report made later from the
	 * database decides the same */
	fputs("\"alpha\":", f);
	json_num(f, until_ci > 0 ? compare__looks_alpha(CMP_ALPHA, reps, max_reps) : CMP_ALPHA);
	fputs(",\"min_effect_pct\":", f);
	json_num(f, min_effect);
	fputs(",\"params\":{", f);
	for (int i = 0; i < p->wl->nr_params; i++) {
		fputs(i ? "," : "", f);
		json_str(f, p->wl->params[i].name);
		fputc(':', f);
		json_str(f, p->v[i].text);
	}
	fputs("}}", f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int cmd_compare(int argc, char **argv)
{
	struct run_request rq = { .trace = true, .duration_s = 10 };
	struct place_opts po = { 0 };
	struct wl_params params = { 0 };
	struct option *opts = NULL;
	const struct workload *wl;
	struct cli_common co = { .db = STORE_DEFAULT_PATH };
	const char *db_path, *out_dir = NULL, *label = NULL;
	const char *formats[GP_MAX_FORMATS] = { "png" };
	struct store *st = NULL;
	struct plan_item *plan = NULL;
	struct cmp_table table = { 0 };
	char err[600] = "", outbuf[64], *cmdline = NULL, *sched_list = NULL, *settings = NULL;
	char **orig_argv = NULL, **scheds, **names = NULL;
	int n_exec = 0, exec_at = -1;
	int64_t v, reps = 5, max_reps = 20, cid = 0;
	double until_ci = 0, min_effect = CMP_MIN_EFFECT, t_start, run_time_sum = 0;
	unsigned print_flags = 0;
	uint64_t seed = 0;
	bool have_seed = false, quiet, do_report = true, have_table = false;
	bool overhead = false, traced;
	int opt, rc = EXIT_USAGE, nformats = 1;
	int nsched, nruns_done = 0, nbad = 0, rounds_done = 0, place, knob_free = 0, per_round;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(cmd_compare_usage, stdout);
			return 0;
		}
	wl = run_opts__workload(argc, argv, err, sizeof(err));
	if (!wl) {
		pr_err("compare: %s\n", err);
		return EXIT_USAGE;
	}
	if (wl_params__init(&params, wl))
		return EXIT_USAGE;
	opts = run_opts__table(base_options, ARRAY_SIZE(base_options), wl);
	orig_argv = calloc(argc + 1, sizeof(char *));
	if (!opts || !orig_argv)
		goto out;
	memcpy(orig_argv, argv, argc * sizeof(char *));
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			n_exec = argc - i - 1;
			break;
		}

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":w:n:d:o:f:qv", opts, NULL)) != -1) {
		int prc = run_opts__parse(opt, optarg, &rq, &params, &po, err, sizeof(err));

		if (prc < 0)
			goto bad;
		if (prc > 0 || cli_opts__common(opt, optarg, &co))
			continue;
		switch (opt) {
		case 'n':
			if (parse_i64(optarg, 1, 10000, &reps)) {
				snprintf(err, sizeof(err), "--reps %s: not a count from 1 to 10000", optarg);
				goto bad;
			}
			break;
		case 'o':
			out_dir = optarg;
			break;
		case 'f':
			if (report_parse_formats(optarg, formats, &nformats, err, sizeof(err)))
				goto bad;
			break;
		case OPT_SEED:
			if (parse_i64(optarg, 0, INT64_MAX, &v)) {
				snprintf(err, sizeof(err), "--seed %s: not a number from 0 to 2^63-1", optarg);
				goto bad;
			}
			seed = (uint64_t)v;
			have_seed = true;
			break;
		case OPT_UNTIL_CI:
			if (parse_double(optarg, 0.01, 1000, &until_ci)) {
				snprintf(err, sizeof(err), "--until-ci %s: not a percentage from 0.01 to 1000", optarg);
				goto bad;
			}
			break;
		case OPT_MAX_REPS:
			if (parse_i64(optarg, 1, 10000, &max_reps)) {
				snprintf(err, sizeof(err), "--max-reps %s: not a count from 1 to 10000", optarg);
				goto bad;
			}
			break;
		case OPT_MIN_EFFECT:
			if (parse_double(optarg, 0, 1000, &min_effect)) {
				snprintf(err, sizeof(err), "--min-effect %s: not a percentage from 0 to 1000",
					 optarg);
				goto bad;
			}
			break;
		case OPT_ALL:
			print_flags |= CMP_PRINT_ALL;
			break;
		case OPT_NO_REPORT:
			do_report = false;
			break;
		case OPT_LABEL:
			label = optarg;
			break;
		case OPT_OVERHEAD:
			overhead = true;
			break;
		default:
			run_opts__bad_option(opt, argc, argv, wl, "compare", err, sizeof(err));
			goto bad;
		}
	}
	if (co.help) {
		fputs(cmd_compare_usage, stdout);
		rc = 0;
		goto out;
	}
	if (run_opts__done(&rq, wl, &params, &co, err, sizeof(err)))
		goto bad; /* before anything is stored */
	db_path = co.db;
	quiet = co.quiet;
	/* getopt moved the non-options to the end: the schedulers, then what
	 * followed "--" (arguments for the one exec: scheduler) */
	scheds = &argv[optind];
	nsched = argc - optind - n_exec;
	if (nsched < 2) {
		snprintf(err, sizeof(err), nsched ? "a comparison needs at least two schedulers (the"
			 " first is the baseline); for one, use scxbench run" :
			 "which schedulers? e.g. scxbench compare eevdf simple --workload mixed");
		goto bad;
	}
	if (overhead && !rq.trace) {
		snprintf(err, sizeof(err), "--overhead-check compares traced runs with untraced ones:"
			 " not with --no-trace");
		goto bad;
	}
	if (until_ci > 0 && max_reps < reps) {
		snprintf(err, sizeof(err), "--max-reps %lld is below --reps %lld", (long long)max_reps,
			 (long long)reps);
		goto bad;
	}
	for (int i = 0; n_exec && i < nsched; i++)
		if (!strncmp(scheds[i], "exec:", 5)) {
			if (exec_at >= 0) {
				snprintf(err, sizeof(err), "arguments after -- go to one exec: scheduler, and"
					 " there are several: write each with its own, e.g. \"%s ARGS\"",
					 scheds[i]);
				goto bad;
			}
			exec_at = i;
		}
	if (n_exec && exec_at < 0) {
		snprintf(err, sizeof(err), "arguments after -- are for an exec: scheduler, and there is none");
		goto bad;
	}
	/* every scheduler by its identity (exec: arguments included), which
	 * the runs and the comparison store */
	names = calloc(nsched, sizeof(*names));
	if (!names)
		goto out;
	for (int i = 0; i < nsched; i++) {
		struct sched_opts so = rq.sched_opts;
		struct sched *probe;

		so.exec_argv = i == exec_at ? &scheds[nsched] : NULL;
		probe = sched__new(scheds[i], &so, err, sizeof(err));
		if (!probe)
			goto bad;
		if (strcmp(sched__kind(probe), "bpf"))
			knob_free++;
		names[i] = strdup(sched__name(probe));
		sched__free(probe);
		if (!names[i])
			goto out;
	}
	if (knob_free == nsched && (rq.sched_opts.fail_after_enqueues || rq.sched_opts.stall_one ||
				    rq.sched_opts.timeout_ms)) {
		snprintf(err, sizeof(err), "--fail-after, --stall and --timeout-ms are for the built-in"
			 " BPF schedulers (simple, vtime), and none is compared");
		goto bad;
	}

	/* a report folder that cannot be written is said before the runs */
	if (do_report && out_dir && report__check_folder(out_dir, err, sizeof(err)))
		goto bad;

	/*
	 * A host without sched_ext runs the whole comparison in the guest
	 * (same argv, --host added by place.c), then imports the guest's
	 * database. The table and the report are made here, from the
	 * imported comparison: the guest has no gnuplot to rely on, and its
	 * folder would be lost anyway.
	 */
	po.matrix_ok = true; /* --kernels, --topology A,B: a comparison per cell */
	place = place__decide(&po, (const char *const *)names, nsched, err, sizeof(err));
	if (place < 0) {
		pr_err("compare: %s\n", err);
		goto out;
	}
	cmdline = run_opts__join(argc, orig_argv, "scxbench", " ");
	if (!cmdline)
		goto out;
	/* before anything that can be interrupted, the VM boot included */
	runner__install_signals();
	/* a database that cannot be used is said at once, not after waiting
	 * for another benchmark (a VM run opens it in place__run_in_vm()) */
	if (place != PLACE_VM) {
		st = store__open(db_path, STORE_CREATE, err, sizeof(err));
		if (!st) {
			pr_err("compare: %s\n", err);
			goto out;
		}
		if (store__corrupt(st)) {
			rc = command__store_corrupt("compare", st, "nothing was run");
			goto out;
		}
	}
	if (place__take_bench_lock(&po, cmdline, err, sizeof(err))) {
		pr_err("compare: %s\n", err);
		rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
		goto out;
	}
	if (place == PLACE_VM) {
		/* one guest per (kernel, topology) cell; the tables and
		 * reports are made here, from the imported comparisons */
		struct vm_matrix_report rep = {
			.do_report = do_report, .out_dir = out_dir, .formats = formats,
			.nformats = nformats, .print_flags = print_flags,
		};
		char **vargv = calloc(argc + 4, sizeof(char *)), seedbuf[32];
		int vargc = 0;
		bool added = false;

		if (!vargv)
			goto out;
		/* every cell shuffles its rounds with the same seed */
		snprintf(seedbuf, sizeof(seedbuf), "%llu", (unsigned long long)random_seed());
		for (int i = 0; i <= argc; i++) {
			if (!added && (i == argc || !strcmp(orig_argv[i], "--"))) {
				vargv[vargc++] = "--no-report";
				if (!have_seed) {
					vargv[vargc++] = "--seed";
					vargv[vargc++] = seedbuf;
				}
				added = true;
			}
			if (i < argc)
				vargv[vargc++] = orig_argv[i];
		}
		rc = vm_matrix__compare(&po, vargc, vargv, db_path,
					(int)(until_ci > 0 ? max_reps : reps) * nsched * (overhead ? 2 : 1),
					rq.duration_s,
					cmdline, &rep, quiet);
		free(vargv);
		goto out;
	}

	if (!have_seed)
		seed = random_seed();
	sched_list = run_opts__join(nsched, names, "", SCHED_LIST_SEP);
	settings = settings_json(&params, rq.duration_s, (int)reps, until_ci, (int)max_reps,
				 min_effect, rq.trace, rq.keep_events, overhead, rq.sched_opts.partial);
	if (!sched_list || !cmdline || !settings)
		goto out;
	{
		struct compare_meta m = {
			.schedulers = sched_list, .workload = wl->name, .settings = settings,
			.seed = seed, .reps = (int)reps, .place = "host", .label = label,
		};

		if (store__add_comparison(st, &m, &cid)) {
			if (!command__store_corrupt("compare", st, "nothing was run"))
				pr_err("compare: cannot store the comparison in %s\n", db_path);
			goto out;
		}
	}
	if (!quiet)
	{
		char *shown = sched_list__display(sched_list);

		pr_info("comparison %lld: %s on %s, %lld round(s), seed %llu\n", (long long)cid,
			shown ? shown : sched_list, wl->name, (long long)reps,
			(unsigned long long)seed);
		free(shown);
	}
	per_round = nsched * (overhead ? 2 : 1);
	traced = rq.trace;
	plan = calloc((size_t)per_round * (until_ci > 0 ? max_reps : reps), sizeof(*plan));
	if (!plan)
		goto out;
	rq.wl = wl;
	rq.params = &params;
	rq.cmdline = cmdline;
	rq.label = label;
	rq.compare_id = cid;
	rq.progress = false; /* our own progress line replaces the runner's */
	t_start = now_wall();
	rc = 0;
	for (int target = (int)reps; rounds_done < target && !runner_stop;) {
		int r = rounds_done;

		if (overhead ? plan__overhead_round(nsched, r, seed, plan + (size_t)r * per_round) :
			       plan__rounds(nsched, r, r + 1, seed, plan + (size_t)r * per_round)) {
			rc = EXIT_USAGE;
			break;
		}
		for (int i = 0; i < per_round && !runner_stop; i++) {
			struct plan_item *it = &plan[(size_t)r * per_round + i];
			struct run_outcome res;
			int total = target * per_round;
			double t0 = now_wall();

			if (!quiet) {
				char eta[32];

				fmt_eta(eta, sizeof(eta), nruns_done ?
					run_time_sum / nruns_done * (total - nruns_done) : NAN);
				fprintf(stderr, "[round %d/%d] %s%s (run %d/%d), ETA %s\n", r + 1, target,
					names[it->sched], it->untraced ? " untraced" : "", nruns_done + 1,
					total, eta);
			}
			rq.sched_spec = names[it->sched];
			/* an untraced round has no trace to dump into either */
			rq.trace = traced && !it->untraced;
			rq.rep = it->rep;
			rq.round = it->round;
			err[0] = 0;
			if (runner__run(st, &rq, &res, err, sizeof(err))) {
				rc = command__store_corrupt("compare", st,
							    "stopped, the run in progress was not stored");
				if (!rc) {
					pr_err("compare: %s\n", err);
					rc = EXIT_USAGE;
				}
				goto stopped;
			}
			run_time_sum += now_wall() - t0;
			nruns_done++;
			if (res.status != RUN_OK) {
				nbad++;
				if (!quiet)
					pr_warn("run %lld (%s): %s%s%s\n", (long long)res.run_id,
						names[it->sched], run_status__name(res.status),
						res.detail[0] ? ": " : "", res.detail);
			}
		}
		if (runner_stop)
			break;
		rounds_done++;
		if (until_ci > 0 && rounds_done == target) {
			struct q_runs runs;
			struct cmp_table t;
			double hw = INFINITY;
			int k = -1, undecided = 0, more = 0;

			if (!store__q_runs_of_compare(st, cid, &runs)) {
				if (!compare__eval(st, sched_list, &runs, seed, &t)) {
					k = compare__primary(&t, &hw);
					undecided = compare__undecided(&t, &more);
					if (!quiet && k >= 0) {
						char togo[64] = "";

						if (undecided && more > 0)
							snprintf(togo, sizeof(togo), ", ~%d more round(s)"
								 " would likely decide", more);
						pr_info("after %d round(s): %d primary verdict(s) undecided%s;"
							" CI half-width of %s %.1f %% (target %.1f %%)\n",
							rounds_done, undecided, togo,
							compare__row(&t, k, 0)->metric, hw, until_ci);
					}
					compare__free(&t);
				}
				q_runs__free(&runs);
			}
			/* decided, or as precise as asked: enough */
			if (k >= 0 && undecided && hw > until_ci && target < max_reps)
				target++;
			else if (k >= 0 && undecided && hw > until_ci && !quiet)
				pr_warn("--max-reps %lld reached with %d primary verdict(s) undecided and"
					" the CI half-width at %.1f %%\n", (long long)max_reps, undecided,
					hw);
		}
	}
stopped:
	store__set_comparison_status(st, cid, runner_stop ? "aborted" : rc ? "failed" : "done",
				     rounds_done);
	if (!quiet && !store__corrupt(st))
		pr_info("%d run(s) in %.0f s, %d not ok\n", nruns_done, now_wall() - t_start, nbad);
	if (rc)
		goto out;
	{
		struct q_runs runs;
		int e = store__q_runs_of_compare(st, cid, &runs);

		if (!e) {
			e = compare__eval(st, sched_list, &runs, seed, &table);
			if (!e) {
				compare__print_opts(&table, stdout, print_flags);
				command__print_overhead(st, sched_list, &runs, seed, &table, stdout);
				fflush(stdout);
			}
			q_runs__free(&runs);
		}
		if (e && store__corrupt(st)) {
			rc = command__store_corrupt("compare", st, "no table or report was made");
			goto out;
		} else if (e == -ENODATA) {
			if (!runner_stop) /* else: interrupted, said below */
				pr_err("compare: no successful run with metrics: nothing to compare\n");
			rc = 1;
		} else if (e) {
			pr_err("compare: evaluating comparison %lld failed\n", (long long)cid);
			rc = EXIT_USAGE;
			goto out;
		} else {
			have_table = true;
			if (store__set_comparison_results(st, cid, table.rows,
							  table.nmetrics * table.nsched))
				pr_warn("compare: could not store the results table\n");
		}
	}
	if (runner_stop) {
		pr_err("compare: interrupted by %s: %d run(s) done, comparison %lld stored as aborted\n",
		       strsignal(runner_stop_signal), nruns_done, (long long)cid);
		rc = runner__signal_exit_code();
	} else if (nbad)
		rc = 1;
	if (do_report) {
		int rrc;

		if (!out_dir) {
			snprintf(outbuf, sizeof(outbuf), "scxbench-report-%lld", (long long)cid);
			out_dir = outbuf;
		}
		rrc = report__run(st, cid, NULL, 0, out_dir, formats, nformats, NULL, err, sizeof(err));
		if (rrc < 0 && store__corrupt(st)) {
			rc = command__store_corrupt("compare", st, "no report was written");
		} else if (rrc < 0) {
			pr_err("compare: report: %s\n", err);
			rc = rc ? rc : 1;
		} else {
			printf("comparison %lld stored in %s; report: %s/report.html%s\n", (long long)cid,
			       db_path, out_dir, rrc ? " (partial)" : "");
			if (rrc && !rc)
				rc = 1;
		}
	}
	goto out;
bad:
	pr_err("compare: %s\n", err);
	rc = EXIT_USAGE;
out:
	if (have_table)
		compare__free(&table);
	store__close(st);
	free(plan);
	free(cmdline);
	free(sched_list);
	free(settings);
	free(opts);
	free(orig_argv);
	for (int i = 0; names && i < nsched; i++)
		free(names[i]);
	free(names);
	wl_params__free(&params);
	return rc;
}
