/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printing stored runs for the terminal and --json (read-side SQL). Each
 * function prints all or nothing: its output is built in memory and
 * reaches f only when every statement succeeded (0); on -errno (-EBADMSG:
 * the database is corrupt, see store__corrupt()) f gets nothing.
 */
#ifndef SCXB_STORE_SHOW_H
#define SCXB_STORE_SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/store/store.h"

/* One line: id, scheduler, workload, status and the headline metrics. */
int store__print_run_summary(struct store *st, int64_t run_id, FILE *f);
/* One JSON object (one line): run metadata, params, metrics, flags. */
int store__print_run_json(struct store *st, int64_t run_id, FILE *f);
/* The last `limit` runs (0: all) as one JSON array of those objects, one
 * per line; -ENOENT when there is none. */
int store__print_runs_json(struct store *st, int limit, FILE *f);
/* Table of the last `limit` runs (0 = all). -ENOENT when there are none. */
int store__print_runs(struct store *st, int limit, FILE *f);
/* Everything about one run; with dump, the scheduler's exit info and its
 * sched_ext_dump lines; with tasks, per-CPU trace counts (lost events),
 * per-task trace metrics and antagonists. -ENOENT for an unknown id. */
int store__print_run(struct store *st, int64_t run_id, bool dump, bool tasks, FILE *f);

#endif
