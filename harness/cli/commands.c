// SPDX-License-Identifier: GPL-2.0
/* What every subcommand shares (kept out of main.c so tests can link it). */
#include "harness/cli/commands.h"
#include "harness/lib/log.h"

void command__verbosity(int verbose, bool quiet)
{
	log__set_level(quiet ? LOG_QUIET : LOG_INFO + verbose);
}
