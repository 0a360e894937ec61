// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench: benchmark Linux sched_ext schedulers.
 * Subcommands are a table (git/perf style); each parses its own options.
 * Only main() and the subcommand entry points choose exit codes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "version.h"
#include "harness/cli/commands.h"
#include "harness/lib/log.h"

static const struct command commands[] = {
	{ "run", "run a workload under one scheduler and store the runs", cmd_run_usage, cmd_run },
	{ "compare", "run several schedulers interleaved; table of verdicts + report", cmd_compare_usage, cmd_compare },
	{ "capture", "trace a real application into a replayable capture file", cmd_capture_usage, cmd_capture },
	{ "report", "write figures and report.md/html from the database", cmd_report_usage, cmd_report },
	{ "export", "export runs, metrics and comparison results as CSV or JSON", cmd_export_usage, cmd_export },
	{ "show", "show stored runs (list, one run, its dump)", cmd_show_usage, cmd_show },
	{ "list", "list workloads (with parameters) or schedulers", cmd_list_usage, cmd_list },
	{ "load", "load one scheduler and wait (standalone loader)", NULL, cmd_load },
	{ "vm", "manage the QEMU guest kernel cache: fetch, list, boot-test", NULL, cmd_vm },
	{ "ci", "nightly matrix from a config: history, baselines, regression gate", NULL, cmd_ci },
	{ "merge", "merge databases from several machines into one", NULL, cmd_merge },
};

const struct command *command__find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: scxbench [--version] [help] COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'scxbench help COMMAND' (or COMMAND --help) shows a command's options.\n");
}

/*
 * Results that did not reach stdout (a full disk, a closed file) are not
 * results: say so once, and do not exit 0. A reader that went away (a
 * closed pipe: `show | head`) is not an error.
 */
static int finish_output(const char *cmd, int rc)
{
	int e;

	errno = 0;
	if (!fflush(stdout) && !ferror(stdout))
		return rc;
	e = errno ? errno : EIO;
	if (e == EPIPE)
		return rc;
	pr_err("%s: writing the output: %s\n", cmd, strerror(e));
	return rc ? rc : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const struct command *cmd;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("scxbench %s (git %s)\n", SCXB_VERSION, SCXB_GIT_SHA);
		return 0;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		cmd = command__find(argv[2]);
		if (!cmd) {
			pr_err("unknown command '%s' (see: scxbench help)\n", argv[2]);
			return EXIT_USAGE;
		}
		if (cmd->usage) {
			fputs(cmd->usage, stdout);
			return 0;
		}
		/* commands without a static text print their own help */
		char *hargv[] = { argv[2], "--help", NULL };
		return cmd->fn(2, hargv);
	}
	cmd = command__find(argv[1]);
	if (!cmd) {
		pr_err("unknown command '%s' (see: scxbench help)\n", argv[1]);
		return EXIT_USAGE;
	}
	return finish_output(argv[1], cmd->fn(argc - 1, argv + 1));
}
