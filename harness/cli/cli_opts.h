/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options every command takes (--db, -q, -v, -h/--help) and the one
 * message for an option getopt did not accept. One place, so that -v means
 * the same in every command and `scxbench CMD --bogus` always reads
 * "scxbench: error: CMD: unknown option '--bogus' (see: scxbench help CMD)".
 * Commands set opterr = 0 and put ':' first in their short-option string.
 */
#ifndef SCXB_CLI_OPTS_H
#define SCXB_CLI_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

enum { CLI_OPT_DB = 0x700 };

#define CLI_COMMON_LONG_OPTIONS                                  \
	{ "db", required_argument, NULL, CLI_OPT_DB },           \
	{ "quiet", no_argument, NULL, 'q' },                     \
	{ "verbose", no_argument, NULL, 'v' },                   \
	{ "help", no_argument, NULL, 'h' }

struct cli_common {
	const char *db;  /* --db PATH, NULL: not given */
	int verbose;     /* -v count */
	bool quiet;      /* -q */
	bool help;       /* -h / --help */
};

/* 1: opt was one of the common options (recorded in c), 0: not ours. */
int cli_opts__common(int opt, const char *arg, struct cli_common *c);
/*
 * The reason for getopt's '?' or ':' result (opterr must be 0), in err:
 * "unknown option '--x'" or "--db needs a value".
 */
void cli_opts__bad(int opt, int argc, char **argv, char *err, size_t len);
/* The whole line for it: "CMD: <reason> (see: scxbench help CMD)". */
void cli_opts__bad_usage(const char *cmd, int opt, int argc, char **argv);

#endif
