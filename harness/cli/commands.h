/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommand entry points. Each parses its own options (getopt_long),
 * prints its own usage, and returns the process exit code:
 * 0 success, 1 the command ran but something it measured failed,
 * 2 bad usage or the harness itself failed.
 */
#ifndef SCXB_COMMANDS_H
#define SCXB_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;
struct q_runs;
struct cmp_table;

#define EXIT_USAGE 2

struct command {
	const char *name;
	const char *summary;
	const char *usage; /* full help text, every default stated */
	int (*fn)(int argc, char **argv);
};

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_load(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_ci(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_capture(int argc, char **argv);

extern const char cmd_run_usage[];
extern const char cmd_list_usage[];
extern const char cmd_show_usage[];
extern const char cmd_compare_usage[];
extern const char cmd_report_usage[];
extern const char cmd_export_usage[];
extern const char cmd_capture_usage[];

/* Look up a command (for `scxbench help CMD`). */
const struct command *command__find(const char *name);

/* Parse -v/-q style global verbosity flags shared by every subcommand. */
void command__verbosity(int verbose, bool quiet);

struct store;

/*
 * The one line a command prints for a damaged database, and its exit
 * status (EXIT_USAGE): the file, SQLite's finding, what the command did
 * about it, the way out. E.g.
 *   scxbench: error: show: scxbench.db is corrupt (database disk image is
 *   malformed): nothing was shown; run scxbench show --check
 * (all on one line; "--db PATH" follows for another file than the
 * default). Whatever the command computed from the file is dropped.
 */
int command__corrupt(const char *cmd, const char *path, const char *why, const char *done);
/* command__corrupt() when store__corrupt(st) says why; 0 when st is
 * sound (or NULL). */
int command__store_corrupt(const char *cmd, const struct store *st, const char *done);

/*
 * The comparison table of stored comparison cid (cid > 0), or of the runs
 * ids[nids], evaluated again from the store (seeded: the same numbers)
 * and printed with compare__print_opts(flags). -errno with err set.
 */
/*
 * --overhead-check: the tracing-overhead table, printed after the main
 * table (nothing when the runs hold no untraced rounds).
 */
void command__print_overhead(struct store *st, const char *schedulers, const struct q_runs *runs,
			     uint64_t seed, const struct cmp_table *t, FILE *f);
int command__print_table(struct store *st, int64_t cid, const int64_t *ids, int nids,
			 unsigned flags, FILE *f, char *err, size_t len);

#endif
