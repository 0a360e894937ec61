// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench capture -o FILE [--pid N | --comm NAME | -- COMMAND ARGS]: a
 * real application's scheduling behaviour, per thread, into a capture
 * file (harness/lib/capture.h) and the database; `--workload replay:FILE`
 * replays it. With --sched SPEC the capture is taken under that
 * scheduler, loaded for its length; with --vm (the default for a sched_ext
 * scheduler on a kernel without sched_ext) in the guest, the way run goes
 * there (place.h): the guest's scxbench captures into its database, which
 * comes home and is imported; FILE is written here from the imported body.
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
#include "harness/core/place.h"
#include "harness/core/runner.h"
#include "harness/lib/bench_lock.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/sched/sched.h"
#include "harness/store/capture.h"
#include "harness/store/store.h"
#include "workloads/cmd_proc.h"

const char cmd_capture_usage[] =
	"usage: scxbench capture -o FILE [options] -- COMMAND [ARGS...]\n"
	"       scxbench capture -o FILE [options] --pid PID | --comm NAME\n"
	"\n"
	"Trace a real application under the scheduler running now (or --sched's)\n"
	"and derive, per thread: its run bursts, sleeps, who wakes whom and through\n"
	"what (futex, pipe, timer, ... as far as the trace tells), its period when\n"
	"it has one, its policy and nice. Written to FILE (JSON, documented in\n"
	"README.md) and stored in the database; replay it with --workload\n"
	"replay:FILE.\n"
	"\n"
	"  -o, --output FILE   the capture file (required)\n"
	"      --pid PID       a running process, all its threads\n"
	"      --comm NAME     every task named NAME (its first 15 characters)\n"
	"      --sched SPEC    capture under this scheduler (simple, vtime, exec:BINARY\n"
	"                      [ARGS]), loaded for the capture's length and recorded\n"
	"                      as the capture's scheduler (default: whatever runs now)\n"
	"  -d, --duration S    how long to trace (default 10s; a COMMAND is killed\n"
	"                      with everything it started when it runs longer)\n"
	"      --buffer-kb N   per-CPU trace buffer in KiB (default 1408)\n"
	"      --db FILE       database (default " STORE_DEFAULT_PATH ", created if missing)\n"
	"  -q, --quiet         errors only;  -v, --verbose\n"
	"Where (a COMMAND only, in the guest; FILE and the database are this host's):\n"
	PLACE_USAGE
	"\n"
	"Exit status: 0 captured (a COMMAND that failed is reported, not fatal),\n"
	"2 bad usage or nothing could be captured, 130/143 interrupted.\n"
	"Example: scxbench capture -o switch.capture -- stress-ng --switch 1 -t 3s\n"
	"         scxbench capture --vm --sched simple -o pp.capture -- ./pingpong\n";

enum { OPT_PID = 0x100, OPT_COMM, OPT_BUFFER, OPT_SCHED };

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

/* body to out, through tmp and a rename: a reader never sees half a file */
static int write_file(const char *out, const char *tmp, const char *body, size_t blen)
{
	FILE *f = fopen(tmp, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fwrite(body, 1, blen, f) != blen)
		err = -errno;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, out))
		err = -errno;
	if (err)
		unlink(tmp);
	return err ? err : 0;
}

/*
 * The guest's capture, imported into the host database by
 * place__run_in_vm(): FILE written here from its stored body, the summary
 * printed with the host's id. 0, or an exit code.
 */
static int capture_in_vm(const struct place_opts *po, int argc, char **argv, const char *db_path,
			 double duration_s, const char *cmdline, const char *out, const char *tmp,
			 bool quiet)
{
	struct place_result pr = { 0 };
	struct capture *cap = NULL;
	struct store *st = NULL;
	char err[800] = "", *body = NULL;
	int rc;

	/* the command's own length is bounded by duration_s; the boot, the
	 * scheduler's load and the trace's parse under TCG come on top */
	rc = place__run_in_vm(po, argc, argv, db_path, duration_s * 3 + 60, cmdline, &pr, err,
			      sizeof(err));
	if (rc == -EBADMSG)
		return command__corrupt("capture", db_path, err, "nothing was stored in it");
	if (rc < 0) {
		pr_err("capture: %s\n", err);
		return runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
	}
	if (pr.stopped) {
		place_result__free(&pr);
		return runner__signal_exit_code();
	}
	if (rc) {
		/* the guest's scxbench said why on its stderr, which is ours */
		place_result__free(&pr);
		return rc;
	}
	if (pr.ncap != 1) {
		pr_err("capture: the guest brought %d captures home, not one\n", pr.ncap);
		place_result__free(&pr);
		return EXIT_USAGE;
	}
	st = store__open(db_path, STORE_READONLY, err, sizeof(err));
	if (!st) {
		pr_err("capture: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	rc = store__capture_body(st, pr.cap_ids[0], &body);
	if (rc) {
		pr_err("capture: %s: cannot read capture %lld back: %s\n", db_path,
		       (long long)pr.cap_ids[0], strerror(-rc));
		rc = EXIT_USAGE;
		goto out;
	}
	cap = capture__parse(body, err, sizeof(err));
	if (!cap) {
		pr_err("capture: the guest's capture %lld: %s\n", (long long)pr.cap_ids[0], err);
		rc = EXIT_USAGE;
		goto out;
	}
	rc = write_file(out, tmp, body, strlen(body));
	if (rc) {
		pr_err("capture: writing %s: %s (capture %lld is in %s)\n", out, strerror(-rc),
		       (long long)pr.cap_ids[0], db_path);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!quiet)
		print_summary(cap, out, pr.cap_ids[0], stdout);
	rc = 0;
out:
	capture__free(cap);
	free(body);
	store__close(st);
	place_result__free(&pr);
	return rc;
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "comm", required_argument, NULL, OPT_COMM },
		{ "buffer-kb", required_argument, NULL, OPT_BUFFER },
		{ "sched", required_argument, NULL, OPT_SCHED },
		PLACE_LONG_OPTIONS,
		CLI_COMMON_LONG_OPTIONS,
		{ 0 },
	};
	struct capture_req rq = { .duration_s = 10, .stop = &runner_stop };
	struct capture_outcome oc;
	struct capture *cap = NULL;
	struct store *st = NULL;
	struct sched *sched = NULL;
	struct sched_opts so = { 0 };
	struct place_opts po = { 0 };
	struct cli_common co = { .db = STORE_DEFAULT_PATH };
	const char *out = NULL, *db_path, *spec = NULL, *sname = "eevdf";
	char err[800] = "", *body = NULL, *cmdline = NULL, tmp[4096];
	size_t blen = 0;
	int64_t v, id = 0;
	int opt, rc = EXIT_USAGE, place;
	bool quiet;
	FILE *f;

	optind = 1;
	opterr = 0;
	/* "+": stop at the first non-option, the command's name */
	while ((opt = getopt_long(argc, argv, "+:o:d:hqv", opts, NULL)) != -1) {
		int prc = place__parse_opt(&po, opt, optarg, err, sizeof(err));

		if (prc < 0)
			goto bad;
		if (prc > 0 || cli_opts__common(opt, optarg, &co))
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
		case OPT_SCHED:
			spec = optarg;
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
	if (spec) {
		/* a bad spec (unknown name, no such binary) is refused here,
		 * before a boot */
		sched = sched__new(spec, &so, err, sizeof(err));
		if (!sched)
			goto bad;
		sname = sched__name(sched);
	}
	place = place__decide(&po, &sname, 1, err, sizeof(err));
	if (place < 0)
		goto bad;
	if (place == PLACE_VM && !rq.argv) {
		snprintf(err, sizeof(err), "--%s names a task of this host: in the guest, give -- COMMAND",
			 rq.pid ? "pid" : "comm");
		goto bad;
	}
	/* a command that cannot run is bad input: said before waiting for
	 * the benchmark lock or booting a guest (which sees our files) */
	if (rq.argv && cmd_proc__check(rq.argv, err, sizeof(err)))
		goto bad;
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
	if (place != PLACE_VM) {
		st = store__open(db_path, STORE_CREATE, err, sizeof(err));
		if (!st)
			goto bad;
	}
	cmdline = run_opts__join(argc, argv, "scxbench", " ");
	runner__install_signals();
	if (!cmdline || place__take_bench_lock(&po, cmdline, err, sizeof(err))) {
		if (!err[0])
			snprintf(err, sizeof(err), "out of memory");
		rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
		pr_err("capture: %s\n", err);
		goto out;
	}
	if (place == PLACE_VM) {
		/* the guest's scxbench loads the scheduler: nothing of it here */
		sched__free(sched);
		sched = NULL;
		rc = capture_in_vm(&po, argc, argv, db_path, rq.duration_s, cmdline, out, tmp, quiet);
		goto out;
	}
	rq.sched = sched;
	if (capture__run(&rq, &cap, &oc, err, sizeof(err))) {
		pr_err("capture: %s\n", err);
		rc = runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
		goto out;
	}
	if (rq.argv && oc.cmd_killed)
		pr_info("capture: %s still ran after %g s: killed (the capture covers its first %g s)\n",
			rq.argv[0], rq.duration_s, rq.duration_s);
	else if (rq.argv && !(WIFEXITED(oc.cmd_status) && !WEXITSTATUS(oc.cmd_status)))
		pr_warn("capture: %s ended with %s%d: captured anyway\n", rq.argv[0],
			WIFEXITED(oc.cmd_status) ? "exit status " : "signal ",
			WIFEXITED(oc.cmd_status) ? WEXITSTATUS(oc.cmd_status) : WTERMSIG(oc.cmd_status));
	f = open_memstream(&body, &blen);
	if (!f || capture__write(cap, f) || fclose(f)) {
		pr_err("capture: out of memory\n");
		goto out;
	}
	rc = write_file(out, tmp, body, blen);
	if (rc) {
		pr_err("capture: writing %s: %s\n", out, strerror(-rc));
		rc = EXIT_USAGE;
		goto out;
	}
	rc = EXIT_USAGE;
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
	sched__free(sched);
	store__close(st);
	free(body);
	free(cmdline);
	return rc;
}
