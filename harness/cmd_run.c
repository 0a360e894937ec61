// SPDX-License-Identifier: GPL-2.0
/* scxbench run SCHED --workload W [...]: the repeated single-scheduler run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "log.h"
#include "place.h"
#include "runner.h"
#include "store.h"
#include "store_show.h"
#include "util.h"

const char cmd_run_usage[] =
	"usage: scxbench run SCHED --workload W [options] [--WORKLOAD-PARAM VALUE...] [-- EXEC-ARGS]\n"
	"\n"
	"Run workload W under scheduler SCHED and store every run in the database.\n"
	"SCHED: eevdf (the kernel's default, nothing loaded), simple, vtime (built in),\n"
	"       or exec:BINARY for an external scheduler (arguments after --).\n"
	"\n"
	"  -w, --workload W    hackbench, latency, cpu or mixed (scxbench list workloads)\n"
	"  -n, --reps N        repetitions (default 1)\n"
	"  -d, --duration S    upper bound per run: 10, 10s, 500ms, 2m (default 10s)\n"
	"      --db FILE       database (default " STORE_DEFAULT_PATH ", created if missing)\n"
	"      --json          one JSON object per run on stdout\n"
	"      --no-trace      no collectors (no tracefs recording)\n"
	"      --buffer-kb N   per-CPU trace buffer in KiB (default 8192)\n"
	"      --keep-events   also store raw trace events\n"
	"      --keep-raw      keep the recorded trace files (path printed)\n"
	"      --label L       label stored with the runs (e.g. a git sha)\n"
	"      --fail-after N  (simple/vtime, for tests) scx_bpf_error() after N enqueues\n"
	"      --stall         (simple/vtime, for tests) strand one task: watchdog fires\n"
	"      --timeout-ms N  (simple/vtime) sched_ext watchdog timeout (default: kernel's)\n"
	PLACE_USAGE
	"  -q, --quiet         errors only;  -v, --verbose  more (twice: library output)\n"
	"\n"
	"Exit status: 0 every run ok, 1 a run failed/aborted or its scheduler failed,\n"
	"2 bad usage or the harness failed.\n"
	"Example: scxbench run eevdf --workload mixed --duration 5s --reps 3\n";

enum {
	OPT_DB = 0x100, OPT_JSON, OPT_NO_TRACE, OPT_BUFFER_KB, OPT_KEEP_EVENTS, OPT_KEEP_RAW,
	OPT_LABEL, OPT_FAIL_AFTER, OPT_STALL, OPT_TIMEOUT_MS, OPT_HELP,
	OPT_WL_PARAM = 0x2000, /* + index into the workload's table */
};

static const struct option base_options[] = {
	{ "workload", required_argument, NULL, 'w' },
	{ "reps", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'd' },
	{ "db", required_argument, NULL, OPT_DB },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-trace", no_argument, NULL, OPT_NO_TRACE },
	{ "buffer-kb", required_argument, NULL, OPT_BUFFER_KB },
	{ "keep-events", no_argument, NULL, OPT_KEEP_EVENTS },
	{ "keep-raw", no_argument, NULL, OPT_KEEP_RAW },
	{ "label", required_argument, NULL, OPT_LABEL },
	{ "fail-after", required_argument, NULL, OPT_FAIL_AFTER },
	{ "stall", no_argument, NULL, OPT_STALL },
	{ "timeout-ms", required_argument, NULL, OPT_TIMEOUT_MS },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, OPT_HELP },
	PLACE_LONG_OPTIONS,
};

/* The workload must be known before parsing: its table adds options. */
static const char *find_workload_arg(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if ((!strcmp(argv[i], "--workload") || !strcmp(argv[i], "-w")) && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(argv[i], "--workload=", 11))
			return argv[i] + 11;
	}
	return NULL;
}

static char *join_cmdline(int argc, char **argv)
{
	size_t len = sizeof("scxbench");
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "scxbench");
	for (int i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int cmd_run(int argc, char **argv)
{
	struct run_request rq = { .trace = true, .duration_s = 10 };
	struct place_opts po = { 0 };
	struct wl_params params = { 0 };
	struct option *opts = NULL;
	const struct workload *wl;
	const char *wl_name, *db_path = STORE_DEFAULT_PATH, *sched;
	struct store *st = NULL;
	char err[512] = "", *cmdline = NULL;
	int64_t v, reps = 1;
	int verbose = 0, nbase = ARRAY_SIZE(base_options), opt, rc = EXIT_USAGE, place;
	bool quiet = false, json = false;
	char **orig_argv = NULL;
	int n_exec = 0;
	int nok = 0, nbad = 0;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(cmd_run_usage, stdout);
			return 0;
		}
	wl_name = find_workload_arg(argc, argv);
	if (!wl_name) {
		pr_err("run: --workload is required (one of: hackbench, latency, cpu, mixed)\n");
		return EXIT_USAGE;
	}
	wl = workload__find(wl_name);
	if (!wl) {
		pr_err("run: unknown workload '%s' (see: scxbench list workloads)\n", wl_name);
		return EXIT_USAGE;
	}
	if (wl_params__init(&params, wl))
		return EXIT_USAGE;

	opts = calloc(nbase + wl->nr_params + 1, sizeof(*opts));
	if (!opts)
		goto out;
	memcpy(opts, base_options, sizeof(base_options));
	for (int i = 0; i < wl->nr_params; i++)
		opts[nbase + i] = (struct option){ wl->params[i].name, required_argument, NULL,
						   OPT_WL_PARAM + i };

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
		int prc = place__parse_opt(&po, opt, optarg, err, sizeof(err));

		if (prc < 0)
			goto bad;
		if (prc > 0)
			continue;
		if (opt >= OPT_WL_PARAM) {
			if (wl_params__set(&params, wl->params[opt - OPT_WL_PARAM].name, optarg, err,
					   sizeof(err)))
				goto bad;
			continue;
		}
		switch (opt) {
		case 'w':
			break;
		case 'n':
			if (parse_i64(optarg, 1, 10000, &reps)) {
				snprintf(err, sizeof(err), "--reps %s: not a count from 1 to 10000", optarg);
				goto bad;
			}
			break;
		case 'd':
			if (parse_duration(optarg, 0.1, 86400, &rq.duration_s)) {
				snprintf(err, sizeof(err), "--duration %s: not a duration from 100ms to 24h (e.g. 10s)", optarg);
				goto bad;
			}
			break;
		case OPT_DB:
			db_path = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_NO_TRACE:
			rq.trace = false;
			break;
		case OPT_BUFFER_KB:
			if (parse_i64(optarg, 4, 4 * 1024 * 1024, &v)) {
				snprintf(err, sizeof(err), "--buffer-kb %s: not a size from 4 to 4194304 KiB", optarg);
				goto bad;
			}
			rq.buffer_kb = (unsigned int)v;
			break;
		case OPT_KEEP_EVENTS:
			rq.keep_events = true;
			break;
		case OPT_KEEP_RAW:
			rq.keep_raw = true;
			break;
		case OPT_LABEL:
			rq.label = optarg;
			break;
		case OPT_FAIL_AFTER:
			if (parse_i64(optarg, 1, INT64_MAX, &v)) {
				snprintf(err, sizeof(err), "--fail-after %s: not a positive count", optarg);
				goto bad;
			}
			rq.sched_opts.fail_after_enqueues = (uint64_t)v;
			break;
		case OPT_STALL:
			rq.sched_opts.stall_one = true;
			break;
		case OPT_TIMEOUT_MS:
			if (parse_i64(optarg, 1, 3600000, &v)) {
				snprintf(err, sizeof(err), "--timeout-ms %s: not a time from 1 to 3600000 ms", optarg);
				goto bad;
			}
			rq.sched_opts.timeout_ms = (uint32_t)v;
			break;
		case 'q':
			quiet = true;
			break;
		case 'v':
			verbose++;
			break;
		case ':':
			snprintf(err, sizeof(err), "%s needs a value", argv[optind - 1]);
			goto bad;
		default:
			snprintf(err, sizeof(err),
				 "unknown option '%s' (workload %s has no parameter %s; see: scxbench help run,"
				 " scxbench list workloads)", argv[optind - 1], wl->name, argv[optind - 1]);
			goto bad;
		}
	}
	command__verbosity(verbose, quiet);
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

		if (!probe)
			goto bad;
		sched__free(probe);
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
	if (place == PLACE_VM) {
		rc = place__run_in_vm(&po, argc, orig_argv, db_path, reps * (rq.duration_s + 15), err,
				      sizeof(err));
		if (rc < 0) {
			pr_err("run: %s\n", err);
			rc = EXIT_USAGE;
		}
		goto out;
	}

	st = store__open(db_path, STORE_CREATE, err, sizeof(err));
	if (!st) {
		pr_err("run: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	cmdline = join_cmdline(argc, orig_argv);
	rq.sched_spec = sched;
	rq.wl = wl;
	rq.params = &params;
	rq.cmdline = cmdline;
	rq.progress = !quiet && isatty(STDERR_FILENO);
	runner__install_signals();
	rc = 0;
	for (int rep = 0; rep < reps && !runner_stop; rep++) {
		struct run_outcome out;

		rq.rep = rep;
		rq.round = rep;
		err[0] = 0;
		if (runner__run(st, &rq, &out, err, sizeof(err))) {
			pr_err("run: %s\n", err);
			rc = EXIT_USAGE;
			break;
		}
		if (!strcmp(out.status, "ok"))
			nok++;
		else
			nbad++;
		if (json)
			store__print_run_json(st, out.run_id, stdout);
		else
			store__print_run_summary(st, out.run_id, stdout);
		fflush(stdout);
		if (!strcmp(out.status, "failed") && out.detail[0] && !out.exit.valid &&
		    !strncmp(out.detail, "scheduler did not start", 23)) {
			/* the next repetition would fail the same way */
			pr_err("run: %s\n", out.detail);
			rc = EXIT_USAGE;
			break;
		}
	}
	if (!rc && (nbad || runner_stop))
		rc = 1;
	if (!quiet && reps > 1)
		pr_info("%d of %lld run(s) ok, stored in %s\n", nok, (long long)reps, db_path);
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
