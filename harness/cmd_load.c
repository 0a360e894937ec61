// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench load: load one scheduler, keep it until SIGINT/SIGTERM or until
 * it exits by itself, unload it and print its exit info. The standalone
 * loader behind the exec: tests (exec:scxbench load simple) and a handy
 * way to try a scheduler by hand.
 *
 * stdout gets one "scx_exit: kind=N reason=\"...\" msg=\"...\"" line (the
 * format sched_exec.c parses) and one "counter NAME=VALUE" line per
 * scheduler counter. Exit code: 0 unloaded on request, 1 the scheduler
 * exited by itself, 2 usage or load failure.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "commands.h"
#include "log.h"
#include "results.h"
#include "sched.h"
#include "util.h"

static const char load_usage[] =
	"usage: scxbench load SCHED [options] [-- ARGS...]\n"
	"       scxbench load exec:BINARY [options] -- BINARY-ARGS...\n"
	"Load one scheduler (simple, vtime, exec:BINARY) and keep it until SIGINT or\n"
	"SIGTERM, or until it exits by itself; then unload it and print its exit info.\n"
	"  --fail-after N      call scx_bpf_error() after N enqueues (built-ins; default never)\n"
	"  --stall             strand one task so the watchdog ejects the scheduler (built-ins)\n"
	"  --timeout-ms N      ops.timeout_ms, the watchdog timeout (built-ins; default: kernel's 30000)\n"
	"  --start-timeout S   seconds to wait for sched_ext to be enabled (default 10)\n"
	"  -v, -q              more / less diagnostics\n"
	"  ARGS                extra arguments for an exec: scheduler, passed without a shell\n"
	"Prints 'scx_exit: kind=N reason=\"...\" msg=\"...\"' and 'counter NAME=VALUE' lines.\n"
	"Exit code: 0 unloaded on request, 1 the scheduler exited by itself, 2 usage or load error.\n";

/* One line, quotes kept parseable: newlines and quotes become spaces/'. */
static void print_flat(const char *s)
{
	for (; *s; s++)
		putchar(*s == '\n' || *s == '\r' ? ' ' : *s == '"' ? '\'' : *s);
}

int cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fail-after", required_argument, NULL, 'f' },
		{ "stall", no_argument, NULL, 's' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "start-timeout", required_argument, NULL, 'T' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sched_opts opts = { 0 };
	struct sched_exit ex;
	struct results *res = NULL;
	struct sched *s = NULL;
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	sigset_t sigs, old;
	char err[512];
	int64_t v;
	int c, verbose = 0, ret = EXIT_USAGE, i, sig = 0;
	bool quiet = false, by_itself = false;
	const char *spec;

	while ((c = getopt_long(argc, argv, "vqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (parse_i64(optarg, 1, INT64_MAX, &v)) {
				pr_err("load: --fail-after wants a count >= 1, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			opts.fail_after_enqueues = v;
			break;
		case 's':
			opts.stall_one = true;
			break;
		case 't':
			if (parse_i64(optarg, 1, 3600 * 1000, &v)) {
				pr_err("load: --timeout-ms wants 1..3600000, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			opts.timeout_ms = v;
			break;
		case 'T':
			if (parse_duration(optarg, 0.1, 3600, &opts.start_timeout_s)) {
				pr_err("load: --start-timeout wants a duration, not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			fputs(load_usage, stdout);
			return 0;
		default:
			fputs(load_usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (verbose || quiet)
		command__verbosity(verbose, quiet);
	if (optind >= argc) {
		pr_err("load: which scheduler? (simple, vtime, exec:BINARY)\n");
		fputs(load_usage, stderr);
		return EXIT_USAGE;
	}
	spec = argv[optind++];
	if (!strncmp(spec, "exec:", 5) &&
	    (opts.fail_after_enqueues || opts.stall_one || opts.timeout_ms)) {
		/* getopt permutes: without "--" the binary's own options
		 * land here, and the test would silently not fail */
		pr_err("load: --fail-after, --stall and --timeout-ms are for built-in schedulers; pass an exec: scheduler's options after '--'\n");
		return EXIT_USAGE;
	}
	if (optind < argc) {
		if (strncmp(spec, "exec:", 5)) {
			pr_err("load: extra arguments are only for exec: schedulers: '%s'\n", argv[optind]);
			return EXIT_USAGE;
		}
		opts.exec_argv = &argv[optind]; /* argv is NULL-terminated */
	}

	/* Signals wait in the mask until the scheduler is up: a ^C during
	 * the load still unloads it cleanly. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &old);

	s = sched__new(spec, &opts, err, sizeof(err));
	if (!s) {
		pr_err("load: %s\n", err);
		goto out;
	}
	if (sched__start(s, err, sizeof(err))) {
		pr_err("load: %s\n", err);
		goto out;
	}
	if (sched__ops_name(s)[0])
		pr_info("load: %s enabled (ops %s); SIGINT or SIGTERM unloads it\n",
			sched__name(s), sched__ops_name(s));
	else
		pr_info("load: %s: nothing to load; waiting for SIGINT or SIGTERM\n",
			sched__name(s));

	for (;;) {
		sig = sigtimedwait(&sigs, NULL, &tick);
		if (sig > 0)
			break;
		if (sched__has_exited(s)) {
			by_itself = true;
			break;
		}
	}
	if (sched__stop(s, &ex))
		pr_warn("load: stopping %s did not finish cleanly\n", sched__name(s));
	if (by_itself)
		pr_info("load: %s exited by itself after %.3f s\n", sched__name(s), ex.time_to_exit_s);
	else
		pr_info("load: unloading %s on %s\n", sched__name(s), strsignal(sig));

	if (ex.valid) {
		printf("scx_exit: kind=%lld reason=\"", (long long)ex.kind);
		print_flat(ex.reason);
		printf("\" msg=\"");
		print_flat(ex.msg);
		printf("\"\n");
	} else {
		printf("scx_exit: none\n");
	}
	res = results__new();
	if (res && !sched__add_counters(s, res)) {
		for (i = 0; i < results__nr_metrics(res); i++) {
			const struct metric *m = results__metric(res, i);

			printf("counter %s=%.0f\n", m->name, m->value);
		}
	}
	fflush(stdout);
	ret = by_itself ? 1 : 0;
out:
	results__free(res);
	sched__free(s);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
