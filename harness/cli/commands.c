// SPDX-License-Identifier: GPL-2.0
/* What every subcommand shares (kept out of main.c so tests can link it). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/store/store.h"

void command__verbosity(int verbose, bool quiet)
{
	log__set_level(quiet ? LOG_QUIET : LOG_INFO + verbose);
}

void command__bad_option_text(char *buf, size_t len, const char *cmd, int opt, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";
	bool shrt = optopt > 0 && optopt < 128 && !(arg[0] == '-' && arg[1] == '-');

	if (opt == ':' && shrt)
		snprintf(buf, len, "-%c needs a value (see: scxbench help %s)", optopt, cmd);
	else if (opt == ':')
		snprintf(buf, len, "%s needs a value (see: scxbench help %s)", arg, cmd);
	else if (shrt)
		snprintf(buf, len, "unknown option '-%c' (see: scxbench help %s)", optopt, cmd);
	else
		snprintf(buf, len, "unknown option '%s' (see: scxbench help %s)", arg, cmd);
}

int command__bad_option(const char *cmd, int opt, char **argv)
{
	char buf[512];

	command__bad_option_text(buf, sizeof(buf), cmd, opt, argv);
	pr_err("%s: %s\n", cmd, buf);
	return EXIT_USAGE;
}

int command__corrupt(const char *cmd, const char *path, const char *why, const char *done)
{
	bool other = strcmp(path, STORE_DEFAULT_PATH) != 0;

	pr_err("%s: %s is corrupt (%s): %s; run scxbench show --check%s%s\n", cmd, path,
	       why && *why ? why : "database disk image is malformed", done, other ? " --db " : "",
	       other ? path : "");
	return EXIT_USAGE;
}

int command__store_corrupt(const char *cmd, const struct store *st, const char *done)
{
	if (!st || !store__corrupt(st))
		return 0;
	return command__corrupt(cmd, store__path(st), store__corrupt(st), done);
}
