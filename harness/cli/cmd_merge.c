// SPDX-License-Identifier: GPL-2.0
/*
 * scxbench merge A.db B.db... -o ALL.db: combine the histories of several
 * machines. Every run keeps its host, kernel and place (the CI gate only
 * ever compares runs of one machine); runs already present (same uuid) are
 * skipped, so merging again is harmless. All sources are checked before
 * anything is written; each source is imported in one transaction.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/store/store.h"

int cmd_merge(int argc, char **argv);

static const char usage[] =
	"usage: scxbench merge A.db [B.db...] -o ALL.db\n"
	"\n"
	"Copy every run (with its metrics, histograms, trace rows, dumps) and every\n"
	"comparison of the source databases into ALL.db. Runs keep their host,\n"
	"kernel and place; a run already in ALL.db (same uuid) is skipped. ALL.db is\n"
	"created when missing, or added to when it exists (it may be one of the\n"
	"sources' predecessors, e.g. yesterday's merged history).\n"
	"\n"
	"  -o, --output FILE   the merged database (required)\n"
	"  -q, --quiet         errors only;  -v, --verbose  more\n"
	"\n"
	"Exit status: 0 merged, 2 bad usage or a source/target that is not a scxbench\n"
	"database (nothing is written then).\n";

static const struct option options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cmd_merge(int argc, char **argv)
{
	const char *outp = NULL;
	struct store *st = NULL;
	char err[512];
	struct cli_common co = { 0 };
	int opt, rc = EXIT_USAGE, total = 0;

	optind = 1;
	opterr = 0;
	/* the common table less --db: the output is -o */
	while ((opt = getopt_long(argc, argv, ":o:qvh", options, NULL)) != -1) {
		if (cli_opts__common(opt, optarg, &co))
			continue;
		switch (opt) {
		case 'o':
			outp = optarg;
			break;
		default:
			cli_opts__bad_usage("merge", opt, argc, argv);
			return EXIT_USAGE;
		}
	}
	if (co.help) {
		fputs(usage, stdout);
		return 0;
	}
	command__verbosity(co.verbose, co.quiet);
	if (!outp || optind >= argc) {
		pr_err("merge: %s\n", !outp ? "-o ALL.db is required" : "which databases to merge?");
		return EXIT_USAGE;
	}
	/* every source must be a readable scxbench database before the
	 * target is touched */
	for (int i = optind; i < argc; i++) {
		struct store *src;

		if (same_file(argv[i], outp)) {
			pr_err("merge: %s is the output itself\n", argv[i]);
			return EXIT_USAGE;
		}
		if (access(argv[i], R_OK)) {
			pr_err("merge: %s: %s\n", argv[i], strerror(errno));
			return EXIT_USAGE;
		}
		src = store__open(argv[i], STORE_READONLY, err, sizeof(err));
		if (!src) {
			pr_err("merge: %s: %s\n", argv[i], err);
			return EXIT_USAGE;
		}
		/* and sound: a damaged source is refused before anything is merged */
		if (store__check(src, true, err, sizeof(err))) {
			if (!command__store_corrupt("merge", src, "nothing was merged"))
				pr_err("merge: %s: cannot check it: %s\n", argv[i], err);
			store__close(src);
			return EXIT_USAGE;
		}
		store__close(src);
	}
	st = store__open(outp, STORE_CREATE, err, sizeof(err));
	if (!st) {
		pr_err("merge: %s: %s (left untouched)\n", outp, err);
		return EXIT_USAGE;
	}
	if (store__corrupt(st)) {
		rc = command__store_corrupt("merge", st, "nothing was merged");
		store__close(st);
		return rc;
	}
	for (int i = optind; i < argc; i++) {
		struct import_opts io = { 0 };
		int n = store__import(st, argv[i], &io, NULL, err, sizeof(err));

		if (n < 0) {
			pr_err("merge: %s: %s (the sources before it are merged)\n", argv[i], err);
			goto out;
		}
		pr_info("merge: %s: %d new run(s)\n", argv[i], n);
		total += n;
	}
	printf("merged %d new run(s) from %d database(s) into %s\n", total, argc - optind, outp);
	rc = 0;
out:
	store__close(st);
	return rc;
}
