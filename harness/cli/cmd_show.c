// SPDX-License-Identifier: GPL-2.0
/* scxbench show [RUN] [--dump]: what the database holds. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/store/store.h"
#include "harness/store/show.h"
#include "harness/lib/util.h"

const char cmd_show_usage[] =
	"usage: scxbench show [RUN] [--db FILE] [--dump] [--tasks] [--json] [--last N]\n"
	"       scxbench show --check [--db FILE]\n"
	"\n"
	"Without RUN: a table of the stored runs (the last 50 unless --last).\n"
	"With RUN: its metadata, parameters, metrics and collector notes.\n"
	"  --db FILE   database (default " STORE_DEFAULT_PATH ")\n"
	"  --dump      also the scheduler's exit output and sched_ext_dump lines\n"
	"  --tasks     also per-CPU trace counts (lost events), per-task wakeup latency,\n"
	"              waits, switches, migrations, and the probe tasks' antagonists\n"
	"  --json      RUN as one JSON object; without RUN, the listed runs as a JSON array\n"
	"  --last N    how many runs the table shows (default 50, 0 = all)\n"
	"  --check     run SQLite's integrity check on the database (exit 1 if unsound)\n"
	"\n"
	"Exit status: 0 shown (--check: sound), 1 no such run or no runs yet (--check:\n"
	"damaged), 2 bad usage or a database that cannot be read; a damaged one is\n"
	"named in one line and nothing is shown.\n";

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONG_OPTIONS,
		{ "dump", no_argument, NULL, 'd' },
		{ "tasks", no_argument, NULL, 't' },
		{ "check", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "last", required_argument, NULL, 'l' },
		{ 0 },
	};
	struct cli_common co = { .db = STORE_DEFAULT_PATH };
	const char *db_path;
	bool dump = false, json = false, tasks = false, check = false;
	int64_t run_id = 0, last = 50;
	struct store *st;
	char err[512];
	int opt, rc;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hqv", opts, NULL)) != -1) {
		if (cli_opts__common(opt, optarg, &co))
			continue;
		switch (opt) {
		case 'd': dump = true; break;
		case 't': tasks = true; break;
		case 'c': check = true; break;
		case 'j': json = true; break;
		case 'l':
			if (parse_i64(optarg, 0, INT32_MAX, &last)) {
				pr_err("show: --last %s: not a count\n", optarg);
				return EXIT_USAGE;
			}
			break;
		default:
			cli_opts__bad_usage("show", opt, argc, argv);
			return EXIT_USAGE;
		}
	}
	if (co.help) {
		fputs(cmd_show_usage, stdout);
		return 0;
	}
	command__verbosity(co.verbose, co.quiet);
	db_path = co.db;
	if (optind < argc && parse_i64(argv[optind], 1, INT64_MAX, &run_id)) {
		pr_err("show: '%s' is not a run id\n", argv[optind]);
		return EXIT_USAGE;
	}
	st = store__open(db_path, STORE_READONLY, err, sizeof(err));
	if (!st) {
		pr_err("show: %s\n", err);
		return EXIT_USAGE;
	}
	if (check) {
		/* after a crash or a copy between machines: is the file sound? */
		rc = store__check(st, false, err, sizeof(err));
		printf("%s: integrity %s\n", db_path, err);
		store__close(st);
		return rc ? 1 : 0;
	}
	/* each print is all or nothing: a damaged file shows no rows at all */
	if (run_id)
		rc = json ? store__print_run_json(st, run_id, stdout)
			  : store__print_run(st, run_id, dump, tasks, stdout);
	else if (json)
		rc = store__print_runs_json(st, (int)last, stdout);
	else
		rc = store__print_runs(st, (int)last, stdout);
	if (store__corrupt(st)) {
		rc = command__store_corrupt("show", st, "nothing was shown");
		store__close(st);
		return rc;
	}
	store__close(st);
	if (rc == -ENOENT) {
		if (run_id)
			pr_err("show: no run %lld in %s\n", (long long)run_id, db_path);
		else
			pr_err("show: %s holds no runs yet\n", db_path);
		return 1;
	}
	return rc ? EXIT_USAGE : 0;
}
