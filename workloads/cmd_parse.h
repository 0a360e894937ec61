/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers lifted from a command's output into stored metrics: the `cmd`
 * workload's --metric NAME[:UNIT[:higher|lower]]=REGEX rules and the
 * built-in parsers for the tools people paste numbers from. Pure text in,
 * metrics out (unit tested on real outputs of those tools).
 *
 * Built-in parsers (--parse, default auto: chosen by the command's name):
 *   stress-ng  --metrics-brief lines: stressng_<stressor>_bogo_ops,
 *              _bogo_ops_per_s (real time), _bogo_ops_per_cpu_s (usr+sys)
 *   perf       perf bench sched messaging/pipe: perf_total_s,
 *              perf_usecs_per_op, perf_ops_per_s
 *   schbench   its JSON (-j FILE, read after the run): every number of
 *              its "int" object as schbench_<name> (latencies in us:
 *              schbench_wakeup_latency_p99 ...; rps higher is better)
 */
#ifndef SCXB_CMD_PARSE_H
#define SCXB_CMD_PARSE_H

#include <stddef.h>

#include "harness/lib/results.h"

enum cmd_parser { CMD_PARSE_AUTO, CMD_PARSE_NONE, CMD_PARSE_STRESSNG, CMD_PARSE_PERF,
		  CMD_PARSE_SCHBENCH };
#define CMD_PARSE_CHOICES "auto,none,stress-ng,perf,schbench"

/* The parser auto picks for argv (by basename of argv[0]). */
enum cmd_parser cmd_parse__auto(char *const *argv);
/* Check one --metric rule (syntax and regex). 0 or -EINVAL with err. */
int cmd_parse__check_rule(const char *rule, char *err, size_t len);
/*
 * Apply rules (lines of NAME[:UNIT[:higher|lower]]=REGEX: the first
 * capture group, else the whole match, of the last line that matches) and
 * parser to text; json is schbench's file contents or NULL. Adds cmd_<NAME>
 * for rules. Returns the number of metrics added or -errno; *missing gets
 * the first rule that matched nothing (NULL when all did).
 */
int cmd_parse__apply(const char *rules, enum cmd_parser parser, const char *text,
		     const char *json, struct results *res, char *missing, size_t mlen);

#endif
