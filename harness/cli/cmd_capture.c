// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench capture -o FILE [--pid N | --comm NAME | -- COMMAND ARGS]: a
 * real application's scheduling behaviour, per thread, into a capture
 * file (harness/lib/capture.h) and the database; `--workload replay:FILE`
 * replays it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/cli/run_opts.h"
#include "harness/core/capture.h"
#include "harness/core/runner.h"
#include "harness/lib/bench_lock.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/store/capture.h"
#include "harness/store/store.h"

const char cmd_capture_usage[] =
	"usage: scxbench capture -o FILE [options] -- COMMAND [ARGS...]\n"
	"       scxbench capture -o FILE [options] --pid PID | --comm NAME\n"
	"\n"
	"Trace a real application under the scheduler running now and derive, per\n"
	"thread: its run bursts, sleeps, who wakes whom and through what (futex,\n"
	"pipe, timer, ... as far as the trace tells), its period when it has one,\n"
	"its policy and nice. Written to FILE (JSON, documented in README.md) and\n"
	"stored in the database; replay it with --workload replay:FILE.\n"
	"\n"
	"  -o, --output FILE   the capture file (required)\n"
	"      --pid PID       a running process, all its threads\n"
	"      --comm NAME     every task named NAME (its first 15 characters)\n"
	"  -d, --duration S    how long to trace (default 10s; a COMMAND is killed\n"
	"                      with everything it started when it runs longer)\n"
	"      --buffer-kb N   per-CPU trace buffer in KiB (default 1408)\n"
	"      --db FILE       database (default " STORE_DEFAULT_PATH ", created if missing)\n"
	"      --no-wait       fail at once when another benchmark runs\n"
	"  -q, --quiet         errors only;  -v, --verbose\n"
	"\n"
	"Exit status: 0 captured (a COMMAND that failed is reported, not fatal),\n"
	"2 bad usage or nothing could be captured, 130/143 interrupted.\n"
	"Example: scxbench capture -o switch.capture -- stress-ng --switch 1 -t 3s\n";

enum { OPT_PID = 0x100, OPT_COMM, OPT_BUFFER, OPT_NO_WAIT };

static void print_summary(const struct capture *c, const char *file, int64_t id, FILE *f)
{
	fprintf(f, "capture %lld: %s, %.2f s, %d thread(s), scheduler %s -> %s\n", (long long)id,
		c->target, c->duration_s, c->nth, c->scheduler ? c->scheduler : "?", file);
	fprintf(f, "  %-4s %-8s %-15s %-6s %4s %8s %11s %11s %11s %10s\n", "idx", "tid", "comm",
		"policy", "nice", "bursts", "burst p50", "sleep p50", "wakeup p50", "period");
	for (int i = 0; i < c->nth; i++) {
		const struct cap_thread *t = &c->th[i];
		struct cap_summary s;
		char per[32] = "-";

		capture__summary(t, &s);
		if (t->period_us > 0)
			snprintf(per, sizeof(per), "%.1f us", t->period_us);
		fprintf(f, "  %-4d %-8d %-15s %-6s %4d %8llu %8.1f us %8.1f us %8.1f us %10s\n", i,
			t->tid, t->comm, t->policy, t->nice, (unsigned long long)s.bursts,
			s.burst_p50_us, s.sleep_p50_us, s.wakeup_p50_us, per);
	}
	for (int i = 0; i < c->nedges; i++)
		fprintf(f, "  edge %d -> %d via %s: %llu wakeups\n", c->edges[i].waker,
			c->edges[i].wakee, cap_via__name(c->edges[i].via),
			(unsigned long long)c->edges[i].count);
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "buffer-kb", required_argument, NULL, OPT_BUFFER },
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		CLI_COMMON_LONG_OPTIONS,
		{ 0 },
	};
	struct capture_req rq = { .duration_s = 10, .stop = &runner_stop };
	struct capture_outcome oc;
	struct capture *cap = NULL;
	struct store *st = NULL;
	struct cli_common co = { .db = STORE_DEFAULT_PATH };
	const char *out = NULL, *db_path;
	char err[600] = "", *body = NULL, *cmdline = NULL, tmp[4096];
	size_t blen = 0;
	int64_t v, id = 0;
	int opt, rc = EXIT_USAGE;
	bool quiet, no_wait = false;
	FILE *f;

	optind = 1;
	opterr = 0;
	/* "+": stop at the first non-option, the command's name */
	while ((opt = getopt_long(argc, argv, "+:o:d:hqv", opts, NULL)) != -1) {
		if (cli_opts__common(opt, optarg, &co))
			continue;
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		case 'd':
			if (parse_duration(optarg, 0.1, 86400, &rq.duration_s)) {
				snprintf(err, sizeof(err), "--duration %s: not a duration from 100ms to 24h", optarg);
				goto bad;
			}
			break;
		case OPT_PID:
			if (parse_i64(optarg, 1, 1 << 30, &v)) {
				snprintf(err, sizeof(err), "--pid %s: not a process id", optarg);
				goto bad;
			}
			rq.pid = (int)v;
			break;
		case OPT_COMM:
			if (!*optarg) {
				snprintf(err, sizeof(err), "--comm: an empty name");
				goto bad;
			}
			rq.comm = optarg;
			break;
		case OPT_BUFFER:
			if (parse_i64(optarg, 4, 4 * 1024 * 1024, &v)) {
				snprintf(err, sizeof(err), "--buffer-kb %s: not a size from 4 to 4194304 KiB", optarg);
				goto bad;
			}
			rq.buffer_kb = (unsigned int)v;
			break;
		case OPT_NO_WAIT:
			no_wait = true;
			break;
		default:
			cli_opts__bad_usage("capture", opt, argc, argv);
			return EXIT_USAGE;
		}
	}
	if (co.help) {
		fputs(cmd_capture_usage, stdout);
		return 0;
	}
	command__verbosity(co.verbose, co.quiet);
	db_path = co.db;
	quiet = co.quiet;
	if (optind < argc)
		rq.argv = &argv[optind];
	if (!out) {
		snprintf(err, sizeof(err), "-o FILE is required (where the capture goes)");
		goto bad;
	}
	if (!!rq.argv + !!rq.pid + !!rq.comm != 1) {
		snprintf(err, sizeof(err), "what to capture: one of -- COMMAND, --pid PID or --comm NAME");
		goto bad;
	}
	if (rq.pid && kill(rq.pid, 0) && errno == ESRCH) {
		snprintf(err, sizeof(err), "--pid %d: no such process", rq.pid);
		goto bad;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", out, getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, sizeof(err), "-o %s: name too long", out);
		goto bad;
	}
	/* the file must be writable before anything runs */
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, sizeof(err), "-o %s: %s", out, strerror(errno));
		goto bad;
	}
	fclose(f);
	unlink(tmp);
	st = store__open(db_path, STORE_CREATE, err, sizeof(err));
	if (!st)
		goto bad;
	cmdline = run_opts__join(argc, argv, "scxbench", " ");
	runner__install_signals();
	if (!cmdline || bench_lock__take(!no_wait, cmdline, err, sizeof(err))) {
		if (!err[0])
			snprintf(err, sizeof(err), "out of memory");
		rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
		pr_err("capture: %s\n", err);
		goto out;
	}
	if (capture__run(&rq, &cap, &oc, err, sizeof(err))) {
		pr_err("capture: %s\n", err);
		rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
		goto out;
	}
	if (rq.argv && oc.cmd_killed)
		pr_info("capture: %s still ran after %g s: killed (the capture covers its first %g s)\n",
			rq.argv[0], rq.duration_s, rq.duration_s);
	else if (rq.argv && !(WIFEXITED(oc.cmd_status) && !WEXITSTATUS(oc.cmd_status))) {
		char how[96];

		snprintf(how, sizeof(how), "%s", WIFEXITED(oc.cmd_status) ? "" : "a signal");
		pr_warn("capture: %s ended with %s%d: captured anyway\n", rq.argv[0],
			WIFEXITED(oc.cmd_status) ? "exit status " : "signal ",
			WIFEXITED(oc.cmd_status) ? WEXITSTATUS(oc.cmd_status) : WTERMSIG(oc.cmd_status));
	}
	f = open_memstream(&body, &blen);
	if (!f || capture__write(cap, f) || fclose(f)) {
		pr_err("capture: out of memory\n");
		goto out;
	}
	f = fopen(tmp, "w");
	if (!f || fwrite(body, 1, blen, f) != blen || fclose(f) || rename(tmp, out)) {
		pr_err("capture: writing %s: %s\n", out, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if (store__add_capture(st, cap, body, out, &id)) {
		pr_err("capture: %s: cannot store the capture (the file %s is written)\n",
		       store__path(st), out);
		goto out;
	}
	if (!quiet)
		print_summary(cap, out, id, stdout);
	rc = 0;
	goto out;
bad:
	pr_err("capture: %s\n", err);
	rc = EXIT_USAGE;
out:
	capture__free(cap);
	store__close(st);
	free(body);
	free(cmdline);
	return rc;
}
