/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How a scheduler is written on the command line and in ci configs, and
 * its identity: the name every run, comparison, report, export and CI
 * history keeps. An exec: scheduler's arguments are part of it, so that
 * two settings of one binary are two schedulers:
 *
 *   simple                        a built-in (no arguments)
 *   exec:scx_foo                  an external binary (PATH, ./rel, /abs)
 *   "exec:scx_foo -s 5000"        ... with its arguments, one shell word
 *   exec:scx_foo -- -s 5000       the same, for run and load
 *
 * Arguments are split on blanks; '...' or "..." group blanks (no escapes
 * inside, so one argument cannot hold both quote kinds). The identity is
 * "exec:BINARY" and each argument joined by one blank, an argument quoted
 * when it is empty or holds a blank or a quote: splitting it again gives
 * the same binary and arguments.
 */
#ifndef SCXB_SCHED_SPEC_H
#define SCXB_SCHED_SPEC_H

#ifdef __bpf__
#error "userspace header included from BPF code"
/*
 * A comparison's scheduler list as stored: the names joined by '\n'
 * (names may hold commas; rows written before arguments were part of a
 * name used ','). Iterate with *cursor = NULL first; false at the end.
 */
#define SCHED_LIST_SEP "\n"
bool sched_list__next(const char *list, const char **cursor, const char **name, size_t *len);
/* The list for people: names joined by ", ". NULL on ENOMEM; caller frees. */
char *sched_list__display(const char *list);

#endif

#include <stdbool.h>
#include <stddef.h>

#define SCHED_NAME_MAX 256
#define SCHED_SPEC_MAX_WORDS 64

/*
 * Split text into words (*argv NULL-terminated, strings in one block the
 * caller frees with sched_spec__free). -EINVAL with err on an unmatched
 * quote.
 */
int sched_spec__split(const char *text, char ***argv, int *argc, char *err, size_t errlen);
void sched_spec__free(char **argv);
/* argv[0..argc) joined as described above; -ENAMETOOLONG, -EINVAL (an
 * argument with both quote kinds). */
int sched_spec__join(char *const *argv, int argc, char *buf, size_t len);

/*
 * A comparison's scheduler list as stored: the names joined by '\n'
 * (names may hold commas; rows written before arguments were part of a
 * name used ','). Iterate with *cursor = NULL first; false at the end.
 */
#define SCHED_LIST_SEP "\n"
bool sched_list__next(const char *list, const char **cursor, const char **name, size_t *len);
/* The list for people: names joined by ", ". NULL on ENOMEM; caller frees. */
char *sched_list__display(const char *list);

#endif
