// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "harness/cli/cli_opts.h"
#include "harness/lib/log.h"

int cli_opts__common(int opt, const char *arg, struct cli_common *c)
{
	switch (opt) {
	case CLI_OPT_DB:
		c->db = arg;
		return 1;
	case 'q':
		c->quiet = true;
		return 1;
	case 'v':
		c->verbose++;
		return 1;
	case 'h':
		c->help = true;
		return 1;
	default:
		return 0;
	}
}

void cli_opts__bad(int opt, int argc, char **argv, char *err, size_t len)
{
	/* a long option is the word getopt just stepped over (optopt holds
	 * its value, not its name); a short one names itself in optopt */
	const char *prev = optind > 0 && optind <= argc ? argv[optind - 1] : NULL;
	char shortopt[3] = { '-', (char)optopt, 0 };
	char word[120];
	const char *a = prev ? prev : "?";

	if (prev && prev[0] == '-' && prev[1] == '-') {
		snprintf(word, sizeof(word), "%.*s", (int)strcspn(prev, "="), prev);
		a = word;
	} else if (optopt > 0 && optopt < 0x80) {
		a = shortopt;
	}

	if (opt == ':')
		snprintf(err, len, "%s needs a value", a);
	else
		snprintf(err, len, "unknown option '%s'", a);
}

void cli_opts__bad_usage(const char *cmd, int opt, int argc, char **argv)
{
	char err[300];

	cli_opts__bad(opt, argc, argv, err, sizeof(err));
	pr_err("%s: %s (see: scxbench help %s)\n", cmd, err, cmd);
}
