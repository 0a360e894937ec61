// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench ci CONFIG --label L: one night of performance CI. This file is
 * the command (options, the config, the label, the history database,
 * where the night runs); the night itself is in harness/ci/:
 *
 *   config (config.h) -> matrix (matrix.h: one comparison per [workload],
 *   every scheduler interleaved in shuffled rounds, on the host or in one
 *   VM boot that runs `scxbench ci --run-only` on the config's text) ->
 *   history database -> gate (night.h: baselines from baseline.h, verdicts
 *   from gate.h) -> summary.md, junit.xml, ci.json, history/ (output.h),
 *   report-WORKLOAD/.
 *
 * The history database is never created or replaced behind the user's
 * back: a missing file needs --init, an unreadable one is an error and
 * stays untouched. A harness failure keeps what finished, reports it and
 * exits 2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness/ci/config.h"
#include "harness/ci/ctx.h"
#include "harness/ci/matrix.h"
#include "harness/ci/night.h"
#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/cli/run_opts.h"
#include "harness/cli/vm_matrix.h"
#include "harness/core/place.h"
#include "harness/core/runner.h"
#include "harness/lib/escape.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/sched/sched.h"
#include "harness/store/ci.h"
#include "harness/store/store.h"

/*
 * The config's errors (one per line from the parser) as one line: the
 * first three, then how many more; -v lists every one.
 */
static void config_errors(const char *errs)
{
	char line[1024] = "";
	size_t used = 0;
	int n = 0;

	for (const char *p = errs; *p; n++) {
		size_t l = strcspn(p, "\n");

		if (n < 3 && used + l + 3 < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used, "%s%.*s", n ? "; " : "",
					 (int)l, p);
		pr_debug("%.*s\n", (int)l, p);
		p += l + (p[l] == '\n');
	}
	if (n > 3)
		pr_err("ci: %s; and %d more (-v lists them): nothing was run\n", line, n - 3);
	else
		pr_err("ci: %s: nothing was run\n", line);
}

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
	"      --shard I/N     run and gate only shard I of N: the [workload] sections\n"
	"                      dealt round-robin in the config's order (whole comparisons);\n"
	"                      give each shard its own --db, then `scxbench merge` them\n"
	"                      and gate the merged history with --gate-only (no --shard)\n"
	RUN_OUTLIER_USAGE
	PLACE_USAGE
	"  -q, --quiet         errors only;  -v, --verbose  more\n"
	"\n"
	"Exit status: 0 no regression (also: no baseline yet), 1 a regression or a\n"
	"scheduler that crashed, stalled or did not start, 2 bad config/usage or a\n"
	"harness failure (what finished is stored and reported).\n"
	"Example: scxbench ci examples/nightly.conf --label \"$(git rev-parse --short HEAD)\"\n";

enum {
	OPT_OUT = 0x100, OPT_INIT, OPT_GATE_ONLY, OPT_RUN_ONLY, OPT_CONFIG_TEXT,
	OPT_CONFIG_NAME, OPT_SHARD,
};

static const struct option options[] = {
	CLI_COMMON_LONG_OPTIONS,
	{ "label", required_argument, NULL, 'l' },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "gate-only", no_argument, NULL, OPT_GATE_ONLY },
	{ "shard", required_argument, NULL, OPT_SHARD },
	/* internal: the guest side of a VM night */
	{ "run-only", no_argument, NULL, OPT_RUN_ONLY },
	{ "config-text", required_argument, NULL, OPT_CONFIG_TEXT },
	{ "config-name", required_argument, NULL, OPT_CONFIG_NAME },
	RUN_OUTLIER_OPTIONS,
	PLACE_LONG_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

/*
 * The command line stored with the runs of a host night: "scxbench" and
 * argv as getopt left it (permuted: options first). As written, the
 * ternary keeps every word, a --config-text value too; a guest's runs
 * get the host's command line when they are imported (place__run_in_vm).
 */
static char *matrix_cmdline(int argc, char **argv)
{
	char *cmdline = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&cmdline, &len);

	if (!f)
		return NULL;
	fputs("scxbench", f);
	for (int i = 0; i < argc; i++)
		fprintf(f, " %s", strcmp(argv[i], "--config-text") ? argv[i] : "--config-text");
	fclose(f);
	return cmdline;
}

int cmd_ci(int argc, char **argv)
{
	struct ci_ctx x = { 0 };
	struct place_opts po = { 0 };
	struct store *st = NULL;
	struct cli_common co = { 0 };
	const char *label = NULL, *db, *out = NULL, *text = NULL, *name = NULL, *shard = NULL;
	char err[4096] = "", tlabel[64];
	bool init = false, gate_only = false, run_only = false;
	/* the outlier options, parsed as run and compare parse them */
	struct run_request orq = { 0 };
	const char *outlier_arg[3] = { NULL, NULL, NULL };
	int opt, rc = EXIT_USAGE, place = PLACE_HOST;
	double started = now_wall();
	struct stat sb;
	/* as typed (getopt permutes argv): stored on runs made in a VM */
	char *cmdline = run_opts__join(argc, argv, "scxbench", " ");

	if (!cmdline) {
		pr_err("ci: out of memory\n");
		return EXIT_USAGE;
	}
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":l:qvh", options, NULL)) != -1) {
		int prc = place__parse_opt(&po, opt, optarg, err, sizeof(err));

		if (prc < 0)
			goto bad;
		if (prc > 0 || cli_opts__common(opt, optarg, &co))
			continue;
		if (opt == RUN_OPT_DUMP_ON_OUTLIER || opt == RUN_OPT_OUTLIER_DUMPS ||
		    opt == RUN_OPT_OUTLIER_WINDOW) {
			if (run_opts__parse(opt, optarg, &orq, NULL, &po, err, sizeof(err)) < 0)
				goto bad;
			outlier_arg[opt - RUN_OPT_DUMP_ON_OUTLIER] = optarg;
			continue;
		}
		switch (opt) {
		case 'l':
			label = optarg;
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
		case OPT_SHARD:
			shard = optarg;
			if (ci__parse_shard(optarg, &x.shard_i, &x.shard_n)) {
				snprintf(err, sizeof(err),
					 "--shard %s: want I/N with 1 <= I <= N <= %d (e.g. 2/4)",
					 optarg, CI_MAX_WL);
				goto bad;
			}
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
		default:
			cli_opts__bad_usage("ci", opt, argc, argv);
			free(cmdline);
			return EXIT_USAGE;
		}
	}
	if (co.help) {
		fputs(usage, stdout);
		free(cmdline);
		return 0;
	}
	command__verbosity(co.verbose, co.quiet);
	db = co.db;
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
		config_errors(err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (orq.outlier_us > 0 || orq.outlier_dumps || orq.outlier_window_set) {
		const struct workload *pw = NULL;

		for (int w = 0; w < x.cfg.nwl && !pw; w++)
			if (x.cfg.wl[w].wl->probe)
				pw = x.cfg.wl[w].wl;
		/* the rules of run and compare, against a workload with the probe */
		if (x.cfg.nwl && run_opts__finish(&orq, pw ? pw : x.cfg.wl[0].wl, err, sizeof(err)))
			goto bad;
		x.outlier_us = orq.outlier_us;
		x.outlier_dumps = orq.outlier_dumps;
		x.outlier_window_ms = orq.outlier_window_ms;
	}
	for (int s = 0; s < x.cfg.nsched; s++) {
		struct sched_opts so = { .exec_argv = x.cfg.sched[s].argc ? x.cfg.sched[s].argv : NULL };
		struct sched *probe = sched__new(x.cfg.sched[s].spec, &so, err, sizeof(err));

		if (!probe) {
			pr_err("ci: %s:%d: scheduler %s: %s (nothing was run)\n", x.cfg.name,
			       x.cfg.sched[s].line, x.cfg.sched[s].spec, err);
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
	if (x.shard_n) {
		int mine = 0;

		for (int wi = 0; wi < x.cfg.nwl; wi++)
			mine += ci_ctx__in_shard(&x, wi);
		if (!run_only)
			pr_info("ci: shard %d/%d: %d of the config's %d workload(s)%s\n", x.shard_i,
				x.shard_n, mine, x.cfg.nwl, mine ? "" : ": nothing to run");
	}
	x.db = db ? db : x.cfg.db;
	x.out = out ? out : x.cfg.out;
	x.seed = x.cfg.have_seed ? x.cfg.seed : ci__hash_str(label);
	if (x.cfg.place == CI_PLACE_HOST)
		po.force_host = po.force_host || !po.force_vm;
	if (x.cfg.place == CI_PLACE_VM && !po.force_host)
		po.force_vm = true;
	if (x.cfg.kernel[0] && !po.kernel && !po.force_host)
		po.kernel = x.cfg.kernel;
	if (!po.force_host && x.cfg.kernels[0] && !po.kernels && !po.kernel)
		po.kernels = x.cfg.kernels;
	/* (a guest gets its cell's --topology with --host: not the config's list) */
	if (!po.force_host && x.cfg.topologies[0] && !po.topologies &&
	    place__parse_opt(&po, OPT_PLACE_TOPOLOGY, x.cfg.topologies, err, sizeof(err)) < 0)
		goto bad;
	po.matrix_ok = true;
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
		/* (a VM guest's --run-only database is not a history) */
		if (!run_only)
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
		/* a guest's night (--run-only --host) checks its --topology */
		place = run_only && !po.ntopo ? PLACE_HOST :
			place__decide(&po, scheds, x.cfg.nsched, err, sizeof(err));
		if (place < 0) {
			pr_err("ci: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
		/* one benchmark per machine (not for --gate-only: it reads) */
		runner__install_signals();
		if (place__take_bench_lock(&po, cmdline, err, sizeof(err))) {
			pr_err("ci: %s\n", err);
			rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
			goto out;
		}
	}
	if (!gate_only && place == PLACE_VM) {
		struct place_cell *cells = NULL;
		static const char *const oname[] = { "--dump-on-outlier", "--outlier-dumps",
						     "--outlier-window-ms" };
		char *gargv[24];
		int gargc = 0, ncells = 0, runs = 0;
		double run_s = x.cfg.duration_s;

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
		if (shard) {
			gargv[gargc++] = "--shard";
			gargv[gargc++] = (char *)shard;
		}
		for (int i = 0; i < 3; i++)
			if (outlier_arg[i]) {
				gargv[gargc++] = (char *)oname[i];
				gargv[gargc++] = (char *)outlier_arg[i];
			}
		if (co.quiet)
			gargv[gargc++] = "-q";
		for (int v = 0; v < co.verbose && v < 2; v++)
			gargv[gargc++] = "-v";
		gargv[gargc] = NULL;
		/* one guest per (kernel, topology) of kernels =/topologies = */
		if (place__cells(&po, &cells, &ncells, err, sizeof(err))) {
			pr_err("ci: %s\n", err);
			rc = EXIT_USAGE;
			goto out;
		}
		for (int w = 0; w < x.cfg.nwl; w++) {
			runs += x.cfg.nsched * (x.cfg.until_ci ? x.cfg.max_reps : x.cfg.reps);
			if (x.cfg.wl[w].duration_s > run_s)
				run_s = x.cfg.wl[w].duration_s;
		}
		if (ncells > 1 && !co.quiet)
			vm_matrix__announce("ci", cells, ncells, po.vm_cpus, runs, run_s);
		runner__install_signals();
		for (int i = 0; i < ncells && !runner_stop; i++) {
			struct place_result pr;
			struct place_opts cpo;
			char name[300];
			int grc;

			vm_matrix__cell_name(&cells[i], name, sizeof(name));
			if (ncells > 1 && !co.quiet)
				vm_matrix__progress("ci", cells, i, ncells, po.vm_cpus, runs, run_s);
			place__for_cell(&po, &cells[i], &cpo);
			grc = place__run_in_vm(&cpo, gargc, gargv, x.db, ci_matrix__expected_s(&x.cfg),
					       cmdline, &pr, err, sizeof(err));
			place_result__free(&pr);
			if (grc < 0)
				ci_ctx__fail(&x, "VM run failed%s%s: %s", ncells > 1 ? " for " : "",
					     ncells > 1 ? name : "", err);
			else if (grc)
				ci_ctx__fail(&x, "the run inside the VM%s%s exited %s",
					     ncells > 1 ? " for " : "", ncells > 1 ? name : "",
					     grc == 2 ? "2 (harness failure)" : "non-zero");
		}
		free(cells);
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
		char *mcmdline = matrix_cmdline(argc, argv);

		/* its failures are in x: gated and reported below */
		if (mcmdline)
			ci_matrix__run(&x, st, mcmdline);
		free(mcmdline);
	}
	if (run_only) {
		rc = x.harness_failed ? 2 : 0;
		goto out;
	}
	if (gate_only) {
		/* nothing to gate is a usage error, not a night that failed */
		int nlab = store__ci_label_count(st, x.label);

		if (nlab <= 0) {
			char lb[300];

			esc_term_buf(lb, sizeof(lb), x.label);
			if (nlab < 0)
				pr_err("ci: reading %s failed: %s\n", x.db, strerror(-nlab));
			else
				pr_err("ci: --gate-only: no night labelled '%s' in %s (run it first, or"
				       " check --label); nothing was gated\n", lb, x.db);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	rc = ci_night__gate(&x, st, started);
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
