// SPDX-License-Identifier: GPL-2.0
/* scxbench run SCHED --workload W [...]: the repeated single-scheduler run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/core/place.h"
#include "harness/cli/run_opts.h"
#include "harness/core/runner.h"
#include "harness/store/store.h"
#include "harness/store/show.h"
#include "harness/lib/util.h"

const char cmd_run_usage[] =
	"usage: scxbench run SCHED --workload W [options] [--WORKLOAD-PARAM VALUE...] [-- EXEC-ARGS]\n"
	"\n"
	"Run workload W under scheduler SCHED and store every run in the database.\n"
	"SCHED: eevdf (the kernel's default, nothing loaded), simple, vtime, llc (built\n"
	"       in: bpf/schedulers.def),\n"
	"       or exec:BINARY for an external scheduler (arguments after --).\n"
	"\n"
	"  -n, --reps N        repetitions (default 1)\n"
	"      --db FILE       database (default " STORE_DEFAULT_PATH ", created if missing)\n"
	"      --json          one JSON object per run on stdout\n"
	"      --label L       label stored with the runs (e.g. a git sha)\n"
	RUN_OPTS_USAGE
	"  -q, --quiet         errors only;  -v, --verbose  more (twice: library output)\n"
	"\n"
	"Exit status: 0 every run ok, 1 a run failed/aborted or its scheduler failed,\n"
	"2 bad usage or the harness failed.\n"
	"Example: scxbench run eevdf --workload mixed --duration 5s --reps 3\n";

enum { OPT_DB = 0x100, OPT_JSON, OPT_LABEL, OPT_HELP };

static const struct option base_options[] = {
	{ "reps", required_argument, NULL, 'n' },
	CLI_COMMON_LONG_OPTIONS,
	{ "json", no_argument, NULL, OPT_JSON },
	{ "label", required_argument, NULL, OPT_LABEL },
	RUN_LONG_OPTIONS,
};

int cmd_run(int argc, char **argv)
{
	struct run_request rq = { .trace = true, .duration_s = 10 };
	struct place_opts po = { 0 };
	struct wl_params params = { 0 };
	struct option *opts = NULL;
	const struct workload *wl;
	struct cli_common co = { .db = STORE_DEFAULT_PATH };
	const char *db_path, *sched;
	struct store *st = NULL;
	char err[512] = "", *cmdline = NULL;
	int64_t reps = 1;
	int opt, rc = EXIT_USAGE, place;
	bool quiet, json = false;
	char **orig_argv = NULL;
	int n_exec = 0;
	int nok = 0, nbad = 0;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(cmd_run_usage, stdout);
			return 0;
		}
	wl = run_opts__workload(argc, argv, err, sizeof(err));
	if (!wl) {
		pr_err("run: %s\n", err);
		return EXIT_USAGE;
	}
	if (wl_params__init(&params, wl))
		return EXIT_USAGE;

	opts = run_opts__table(base_options, ARRAY_SIZE(base_options), wl);
	if (!opts)
		goto out;

	/* keep the command as typed: it is stored, and re-run in a VM */
	orig_argv = calloc(argc + 1, sizeof(char *));
	if (!orig_argv)
		goto out;
	memcpy(orig_argv, argv, argc * sizeof(char *));
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			n_exec = argc - i - 1;
			break;
		}
	optind = 1;
	opterr = 0; /* our messages name the workload's parameters */
	while ((opt = getopt_long(argc, argv, ":w:n:d:qv", opts, NULL)) != -1) {
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
		case OPT_JSON:
			json = true;
			break;
		case OPT_LABEL:
			rq.label = optarg;
			break;
		default:
			run_opts__bad_option(opt, argc, argv, wl, "run", err, sizeof(err));
			goto bad;
		}
	}
	if (co.help) {
		fputs(cmd_run_usage, stdout);
		rc = 0;
		goto out;
	}
	if (run_opts__done(&rq, wl, &params, &co, err, sizeof(err)))
		goto bad; /* before anything is stored */
	db_path = co.db;
	quiet = co.quiet;
	/* getopt moved the non-options to the end: SCHED, then what followed
	 * "--" (the exec: arguments) */
	if (argc - optind - n_exec != 1) {
		snprintf(err, sizeof(err), argc - optind - n_exec < 1 ?
			 "which scheduler? (eevdf, simple, vtime or exec:BINARY)" :
			 "one scheduler per run (exec: arguments go after --); to compare, use scxbench compare");
		goto bad;
	}
	sched = argv[optind];
	if (n_exec)
		rq.sched_opts.exec_argv = &argv[optind + 1];

	{
		/* reject an unknown scheduler before anything is opened or booted */
		struct sched *probe = sched__new(sched, &rq.sched_opts, err, sizeof(err));
		bool bpf;

		if (!probe)
			goto bad;
		bpf = !strcmp(sched__kind(probe), "bpf");
		sched__free(probe);
		if (!bpf && (rq.sched_opts.fail_after_enqueues || rq.sched_opts.stall_one ||
			     rq.sched_opts.timeout_ms)) {
			snprintf(err, sizeof(err), "--fail-after, --stall and --timeout-ms are for the"
				 " built-in BPF schedulers (simple, vtime), not %s", sched);
			goto bad;
		}
	}
	{
		const char *scheds[] = { sched };

		place = place__decide(&po, scheds, 1, err, sizeof(err));
	}
	if (place < 0) {
		pr_err("run: %s\n", err);
		rc = EXIT_USAGE;
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
			pr_err("run: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
		if (store__corrupt(st)) {
			rc = command__store_corrupt("run", st, "nothing was run");
			goto out;
		}
	}
	if (place__take_bench_lock(&po, cmdline, err, sizeof(err))) {
		pr_err("run: %s\n", err);
		rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
		goto out;
	}
	if (place == PLACE_VM) {
		struct place_result pr;

		rc = place__run_in_vm(&po, argc, orig_argv, db_path, reps * (rq.duration_s + 15),
				      cmdline, &pr, err, sizeof(err));
		if (rc == -EBADMSG) { /* the host's database (before the boot, or at the import) */
			rc = command__corrupt("run", db_path, err, "nothing was stored in it");
			goto out;
		}
		if (rc < 0) {
			pr_err("run: %s\n", err);
			rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
			goto out;
		}
		/* the results as the host database now holds them: its ids,
		 * place vm, the guest's kernel */
		st = store__open(db_path, STORE_READONLY, err, sizeof(err));
		if (!st) {
			pr_err("run: %s\n", err);
			rc = EXIT_USAGE;
			place_result__free(&pr);
			goto out;
		}
		for (int i = 0; i < pr.nruns && !store__corrupt(st); i++) {
			if (json)
				store__print_run_json(st, pr.run_ids[i], stdout);
			else
				store__print_run_summary(st, pr.run_ids[i], stdout);
		}
		fflush(stdout);
		if (store__corrupt(st)) {
			rc = command__store_corrupt("run", st, "the runs were stored, not shown");
			place_result__free(&pr);
			goto out;
		}
		/* a signal the guest's command got says so itself (its stderr
		 * is ours); one that came after it, here, is said here */
		if (runner_stop && !pr.stopped)
			pr_err("run: interrupted by %s once the guest was done: %d run(s) stored\n",
			       strsignal(runner_stop_signal), pr.nruns);
		else if (pr.stopped && !pr.guest_said)
			pr_err("run: interrupted by %s as the guest's scxbench started: %d run(s) stored\n",
			       strsignal(runner_stop_signal), pr.nruns);
		if (pr.stopped || runner_stop)
			rc = runner__signal_exit_code();
		place_result__free(&pr);
		goto out;
	}

	rq.sched_spec = sched;
	rq.wl = wl;
	rq.params = &params;
	rq.cmdline = cmdline;
	rq.progress = !quiet && stderr_is_tty();
	rc = 0;
	for (int rep = 0; rep < reps && !runner_stop; rep++) {
		struct run_outcome out;

		rq.rep = rep;
		rq.round = rep;
		err[0] = 0;
		if (runner__run(st, &rq, &out, err, sizeof(err))) {
			rc = command__store_corrupt("run", st, "stopped, the run in progress was not stored");
			if (!rc) {
				pr_err("run: %s\n", err);
				rc = EXIT_USAGE;
			}
			break;
		}
		if (out.status == RUN_OK)
			nok++;
		else
			nbad++;
		if (json)
			store__print_run_json(st, out.run_id, stdout);
		else
			store__print_run_summary(st, out.run_id, stdout);
		fflush(stdout);
		if (store__corrupt(st)) {
			rc = command__store_corrupt("run", st, "stopped after storing this run");
			break;
		}
		if (out.status == RUN_SCHED_FAILED && out.stage != FAIL_RUN) {
			/* it could not start: the next repetition would not either */
			pr_err("run: %s\n", out.detail);
			if (rep + 1 < reps)
				pr_info("run: not repeating a scheduler that cannot start\n");
			break;
		}
		if (out.status == RUN_FAILED && out.stage == FAIL_ENABLE) {
			/* this system cannot run it (e.g. another scheduler is active) */
			pr_err("run: %s\n", out.detail);
			rc = EXIT_USAGE;
			break;
		}
	}
	if (runner_stop) {
		pr_err("run: interrupted by %s: %d of %lld run(s) done\n",
		       strsignal(runner_stop_signal), nok + nbad, (long long)reps);
		rc = runner__signal_exit_code();
	} else if (!rc && nbad) {
		rc = 1;
	}
	if (!quiet && reps > 1 && !store__corrupt(st))
		pr_info("%d of %lld run(s) ok, stored in %s\n", nok, (long long)reps, store__path(st));
	goto out;
bad:
	pr_err("run: %s\n", err);
	rc = EXIT_USAGE;
out:
	store__close(st);
	free(cmdline);
	free(opts);
	free(orig_argv);
	wl_params__free(&params);
	return rc;
}
