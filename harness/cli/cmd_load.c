// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench load: load one scheduler and keep it while a command runs
 * under it (or, without one, until SIGINT/SIGTERM or until it exits by
 * itself); then unload it and print its exit info. With --vm (the default
 * on a kernel without sched_ext) all of it happens in the QEMU guest,
 * which sees this host's files: the command is any host program. Also the
 * standalone loader behind the exec: tests (exec:scxbench load simple).
 *
 * stdout gets the command's own output, then one "scx_exit: kind=N
 * reason=\"...\" msg=\"...\"" line (the format sched_exec.c parses) and one
 * "counter NAME=VALUE" line per scheduler counter. Exit code: without a
 * command 0 unloaded on request, 1 the scheduler exited by itself; with a
 * command, the command's (1 when the scheduler left while it ran and the
 * command itself succeeded); 2 usage or load failure; 128+N after signal N.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/core/place.h"
#include "harness/lib/results.h"
#include "harness/core/runner.h"
#include "harness/sched/sched.h"
#include "harness/lib/util.h"
#include "harness/vm/vm.h"
#include "workloads/workload.h"

static const char load_usage[] =
	"usage: scxbench load SCHED [options] [-- COMMAND [ARGS...]]\n"
	"       scxbench load exec:BINARY [options] [-- BINARY-ARGS... [-- COMMAND [ARGS...]]]\n"
	"       scxbench load \"exec:BINARY ARGS...\" [options] [-- COMMAND [ARGS...]]\n"
	"Load one scheduler (simple, vtime, exec:BINARY) and run COMMAND under it, or\n"
	"without one keep it until SIGINT or SIGTERM, or until it exits by itself; then\n"
	"unload it and print its exit info. On a kernel without sched_ext this happens\n"
	"in the QEMU guest, which sees this host's files, directory and environment;\n"
	"there, without a COMMAND and on a terminal, COMMAND is an interactive shell.\n"
	"  --fail-after N      call scx_bpf_error() after N enqueues (built-ins; default never)\n"
	"  --stall             strand one task so the watchdog ejects the scheduler (built-ins)\n"
	"  --partial           only COMMAND (SCHED_EXT, inherited by its children) on the\n"
	"                      scheduler, everything else on fair (built-ins get\n"
	"                      SCX_OPS_SWITCH_PARTIAL; give exec: its own partial flag)\n"
	"  --timeout-ms N      ops.timeout_ms, the watchdog timeout (built-ins; default: kernel's 30000)\n"
	"  --enable-timeout S  seconds to wait for sched_ext to be enabled (default 30)\n"
	PLACE_USAGE
	"  -v, -q              more / less diagnostics\n"
	"Prints 'scx_exit: kind=N reason=\"...\" msg=\"...\"' and 'counter NAME=VALUE' lines.\n"
	"Exit code: no COMMAND: 0 unloaded on request, 1 the scheduler exited by itself;\n"
	"with a COMMAND: its exit code (1 if the scheduler left while it ran); 2 usage\n"
	"or load error; 130/143 after SIGINT/SIGTERM.\n";

/* One line, quotes kept parseable: newlines and quotes become spaces/'. */
static void print_flat(const char *s)
{
	for (; *s; s++)
		putchar(*s == '\n' || *s == '\r' ? ' ' : *s == '"' ? '\'' : *s);
}

/* Start COMMAND with default signals and mask (under --partial as
 * SCHED_EXT, which its children inherit); -errno when it cannot. */
static pid_t start_command(char **argv, const sigset_t *old, bool ext)
{
	int pfd[2], child_errno = 0;
	pid_t pid;
	ssize_t r;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		close(pfd[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigprocmask(SIG_SETMASK, old, NULL);
		if (ext) {
			struct sched_param sp = { 0 };

			if (sched_setscheduler(0, WL_SCHED_EXT, &sp)) {
				child_errno = errno;
				if (write(pfd[1], &child_errno, sizeof(child_errno)) < 0)
					_exit(126);
				_exit(127);
			}
		}
		execvp(argv[0], argv);
		child_errno = errno;
		if (write(pfd[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(126);
		_exit(127);
	}
	close(pfd[1]);
	do
		r = read(pfd[0], &child_errno, sizeof(child_errno));
	while (r < 0 && errno == EINTR);
	close(pfd[0]);
	if (r == sizeof(child_errno)) {
		waitpid(pid, NULL, 0);
		return -child_errno;
	}
	return pid;
}

/* The guest runs `scxbench load SPEC KNOBS --host -- COMMAND` (or a shell). */
static int load_in_vm(const struct place_opts *po, const char *spec, const struct sched_opts *so,
		      char **cmd, bool quiet, int verbose)
{
	char self[PATH_MAX], fa[32], tmo[32], etmo[32], err[512];
	struct vm_opts vo = {
		.kernel = po->kernel, .cpus = po->vm_cpus, .mem_mb = po->vm_mem_mb,
		.topo = po->has_topo ? &po->topo : NULL,
		.quiet = quiet, .forward_stdout = true, .stop = &runner_stop,
		.stop_signal = &runner_stop_signal,
	};
	struct vm_cmd c = { 0 };
	struct vm_info info;
	const char *shell = getenv("SHELL") && *getenv("SHELL") ? getenv("SHELL") : "/bin/sh";
	char **argv;
	int n = 0, ncmd = 0, rc;

	while (cmd && cmd[ncmd])
		ncmd++;
	if (!ncmd && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		pr_err("load: in the VM, give a COMMAND after -- (an interactive shell needs a terminal)\n");
		return EXIT_USAGE;
	}
	if (!realpath("/proc/self/exe", self)) {
		pr_err("load: cannot find our own binary: %s\n", strerror(errno));
		return EXIT_USAGE;
	}
	argv = calloc(ncmd + 20, sizeof(char *));
	if (!argv)
		return EXIT_USAGE;
	argv[n++] = self;
	argv[n++] = "load";
	argv[n++] = (char *)spec;
	if (so->fail_after_enqueues) {
		snprintf(fa, sizeof(fa), "%llu", (unsigned long long)so->fail_after_enqueues);
		argv[n++] = "--fail-after";
		argv[n++] = fa;
	}
	if (so->stall_one)
		argv[n++] = "--stall";
	if (so->partial)
		argv[n++] = "--partial";
	if (so->timeout_ms) {
		snprintf(tmo, sizeof(tmo), "%u", so->timeout_ms);
		argv[n++] = "--timeout-ms";
		argv[n++] = tmo;
	}
	if (so->start_timeout_s > 0) {
		snprintf(etmo, sizeof(etmo), "%g", so->start_timeout_s);
		argv[n++] = "--enable-timeout";
		argv[n++] = etmo;
	}
	if (quiet)
		argv[n++] = "-q";
	for (int i = 0; i < verbose && i < 2; i++)
		argv[n++] = "-v";
	argv[n++] = "--host";
	argv[n++] = "--";
	if (ncmd) {
		for (int i = 0; i < ncmd; i++)
			argv[n++] = cmd[i];
	} else {
		argv[n++] = (char *)shell;
		argv[n++] = "-i";
		c.interactive = true;
	}
	c.argc = n;
	c.argv = argv;
	rc = vm__run(&vo, &c, NULL, &info, err, sizeof(err));
	free(argv);
	if (rc) {
		pr_err("load: %s\n", err);
		return runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
	}
	if (info.stopped)
		return runner__signal_exit_code();
	return info.guest_exit < 0 || info.guest_exit > 255 ? 1 : info.guest_exit;
}

int cmd_load(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fail-after", required_argument, NULL, 'f' },
		{ "stall", no_argument, NULL, 's' },
		{ "partial", no_argument, NULL, 'p' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "enable-timeout", required_argument, NULL, 'T' },
		{ "start-timeout", required_argument, NULL, 'T' }, /* the old name */
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		PLACE_LONG_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct sched_opts opts = { 0 };
	struct place_opts po = { 0 };
	struct sched_exit ex;
	struct results *res = NULL;
	struct sched *s = NULL;
	struct timespec tick = { 0, 100 * 1000 * 1000 };
	sigset_t sigs, old;
	char err[800], **cmd = NULL;
	int64_t v;
	struct cli_common co = { 0 };
	int c, ret = EXIT_USAGE, i, sig = 0, place, cmd_status = 0;
	bool by_itself = false, cmd_done = false;
	pid_t cmd_pid = 0;
	const char *spec;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":vqh", longopts, NULL)) != -1) {
		int prc = place__parse_opt(&po, c, optarg, err, sizeof(err));

		if (prc < 0) {
			pr_err("load: %s\n", err);
			return EXIT_USAGE;
		}
		if (prc > 0 || cli_opts__common(c, optarg, &co))
			continue;
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
		case 'p':
			opts.partial = true;
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
				pr_err("load: --enable-timeout wants a duration (e.g. 30s), not '%s'\n", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			cli_opts__bad_usage("load", c, argc, argv);
			return EXIT_USAGE;
		}
	}
	if (co.help) {
		fputs(load_usage, stdout);
		return 0;
	}
	if (co.verbose || co.quiet)
		command__verbosity(co.verbose, co.quiet);
	if (optind >= argc) {
		pr_err("load: which scheduler? (simple, vtime, exec:BINARY; see: scxbench help load)\n");
		return EXIT_USAGE;
	}
	spec = argv[optind++];
	/* what follows "--": a bare exec: scheduler's own arguments (then a
	 * second "--" and the command), else the command */
	if (optind < argc) {
		bool bare_exec = !strncmp(spec, "exec:", 5) && !strpbrk(spec, " \t");

		if (!bare_exec) {
			cmd = &argv[optind];
		} else {
			opts.exec_argv = &argv[optind];
			for (i = optind; i < argc; i++)
				if (!strcmp(argv[i], "--")) {
					argv[i] = NULL; /* ends the scheduler's arguments */
					cmd = argv[i + 1] ? &argv[i + 1] : NULL;
					break;
				}
		}
	}

	s = sched__new(spec, &opts, err, sizeof(err));
	if (!s) {
		pr_err("load: %s\n", err);
		return EXIT_USAGE;
	}
	if (strcmp(sched__kind(s), "bpf") &&
	    (opts.fail_after_enqueues || opts.stall_one || opts.timeout_ms)) {
		pr_err("load: --fail-after, --stall and --timeout-ms are for the built-in BPF schedulers, not %s\n",
		       sched__name(s));
		sched__free(s);
		return EXIT_USAGE;
	}
	{
		const char *name = sched__name(s);

		place = place__decide(&po, &name, 1, err, sizeof(err));
	}
	if (place < 0 || place__take_bench_lock(&po, sched__name(s), err, sizeof(err))) {
		pr_err("load: %s\n", err);
		sched__free(s);
		return EXIT_USAGE;
	}
	if (place == PLACE_VM) {
		char name[SCHED_NAME_MAX];

		snprintf(name, sizeof(name), "%s", sched__name(s));
		sched__free(s);
		runner__install_signals();
		return load_in_vm(&po, name, &opts, cmd, co.quiet, co.verbose);
	}

	/* Signals wait in the mask until the scheduler is up: a ^C during
	 * the load still unloads it cleanly. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, &old);

	if (sched__start(s, err, sizeof(err))) {
		pr_err("load: %s\n", err);
		goto out;
	}
	if (sched__ops_name(s)[0])
		pr_info("load: %s enabled (ops %s)%s\n", sched__name(s), sched__ops_name(s),
			cmd ? "" : "; SIGINT or SIGTERM unloads it");
	else
		pr_info("load: %s: nothing to load%s\n", sched__name(s),
			cmd ? "" : "; waiting for SIGINT or SIGTERM");
	if (cmd) {
		/* the command's orphans come back to us, not to init */
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
		cmd_pid = start_command(cmd, &old, opts.partial);
		if (cmd_pid < 0) {
			pr_err("load: cannot run %s: %s\n", cmd[0], strerror((int)-cmd_pid));
			cmd_pid = 0;
			ret = 127;
			goto unload;
		}
	}

	for (;;) {
		int r = sigtimedwait(&sigs, NULL, &tick);

		if (r > 0 && !sig) {
			sig = r;
			/* a terminal's ^C reached the command too; a kill(1) did
			 * not: pass it on, then wait for the command to end */
			if (cmd_pid)
				kill(cmd_pid, r);
			else
				break;
		} else if (r > 0 && cmd_pid) {
			kill(cmd_pid, SIGKILL); /* asked twice */
		}
		if (cmd_pid && waitpid(cmd_pid, &cmd_status, WNOHANG) == cmd_pid) {
			cmd_done = true;
			break;
		}
		if (!by_itself && sched__has_exited(s)) {
			by_itself = true;
			if (!cmd_pid)
				break;
			pr_warn("load: %s exited while %s ran (the command goes on under the fair class)\n",
				sched__name(s), cmd[0]);
		}
	}
unload:
	if (sched__stop(s, &ex))
		pr_warn("load: stopping %s did not finish cleanly\n", sched__name(s));
	if (by_itself)
		pr_info("load: %s exited by itself after %.3f s\n", sched__name(s), ex.time_to_exit_s);
	else if (sig)
		pr_info("load: unloading %s on %s\n", sched__name(s), strsignal(sig));
	else
		pr_info("load: unloading %s: the command ended\n", sched__name(s));

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
	if (sig && cmd)
		ret = 128 + sig;
	else if (sig)
		ret = 0; /* unloaded on request: how exec: stops its schedulers */
	else if (cmd && ret != 127) {
		int crc = !cmd_done ? 1 : WIFEXITED(cmd_status) ? WEXITSTATUS(cmd_status) :
			  128 + WTERMSIG(cmd_status);

		ret = crc ? crc : by_itself ? 1 : 0;
	} else if (!cmd) {
		ret = by_itself ? 1 : 0;
	}
out:
	results__free(res);
	sched__free(s);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}
