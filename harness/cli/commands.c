// SPDX-License-Identifier: GPL-2.0
/* What every subcommand shares (kept out of main.c so tests can link it). */
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/store/store.h"

void command__verbosity(int verbose, bool quiet)
{
	log__set_level(quiet ? LOG_QUIET : LOG_INFO + verbose);
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
