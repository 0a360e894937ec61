// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/run_opts.h"
#include "harness/lib/util.h"

const struct workload *run_opts__workload(int argc, char **argv, char *err, size_t len)
{
	const struct workload *wl;
	const char *name = NULL, *arg;

	for (int i = 1; i < argc && !name; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if ((!strcmp(argv[i], "--workload") || !strcmp(argv[i], "-w")) && i + 1 < argc)
			name = argv[i + 1];
		else if (!strncmp(argv[i], "--workload=", 11))
			name = argv[i] + 11;
	}
	if (!name) {
		snprintf(err, len, "--workload is required (one of: hackbench, latency, cpu, mixed,"
			 " cmd:COMMAND, replay:FILE)");
		return NULL;
	}
	wl = workload__parse(name, &arg);
	if (!wl)
		snprintf(err, len, "unknown workload '%s' (see: scxbench list workloads)", name);
	else if (wl->arg_param && (!arg || !*arg))
		snprintf(err, len, "--workload %s needs its argument: %s:%s", name, wl->name,
			 wl->arg_param);
	return wl && (!wl->arg_param || (arg && *arg)) ? wl : NULL;
}

struct option *run_opts__table(const struct option *base, int nbase, const struct workload *wl)
{
	struct option *opts = calloc(nbase + wl->nr_params + 1, sizeof(*opts));

	if (!opts)
		return NULL;
	memcpy(opts, base, nbase * sizeof(*opts));
	for (int i = 0; i < wl->nr_params; i++)
		opts[nbase + i] = (struct option){ wl->params[i].name,
						   wl->params[i].type == WL_FLAG ? no_argument :
						   required_argument, NULL, RUN_OPT_WL_PARAM + i };
	return opts;
}

int run_opts__parse(int opt, const char *arg, struct run_request *rq, struct wl_params *params,
		    struct place_opts *po, char *err, size_t len)
{
	int64_t v;
	int rc;

	rc = place__parse_opt(po, opt, arg, err, len);
	if (rc)
		return rc < 0 ? -EINVAL : 1;
	if (opt >= RUN_OPT_WL_PARAM && opt < RUN_OPT_WL_PARAM + params->wl->nr_params)
		return wl_params__set(params, params->wl->params[opt - RUN_OPT_WL_PARAM].name,
				      arg ? arg : "1", err, len) ? -EINVAL : 1;
	switch (opt) {
	case 'w': { /* found before parsing; NAME:ARG sets the argument parameter */
		const char *warg;

		if (workload__parse(arg, &warg) && warg && params->wl->arg_param)
			return wl_params__set(params, params->wl->arg_param, warg, err, len) ? -EINVAL : 1;
		return 1;
	}
	case 'd':
		if (parse_duration(arg, 0.1, 86400, &rq->duration_s)) {
			snprintf(err, len, "--duration %s: not a duration from 100ms to 24h (e.g. 10s)", arg);
			return -EINVAL;
		}
		return 1;
	case RUN_OPT_NO_TRACE:
		rq->trace = false;
		return 1;
	case RUN_OPT_BUFFER_KB:
		if (parse_i64(arg, 4, 4 * 1024 * 1024, &v)) {
			snprintf(err, len, "--buffer-kb %s: not a size from 4 to 4194304 KiB", arg);
			return -EINVAL;
		}
		rq->buffer_kb = (unsigned int)v;
		return 1;
	case RUN_OPT_KEEP_EVENTS:
		rq->keep_events = true;
		return 1;
	case RUN_OPT_KEEP_RAW:
		rq->keep_raw = true;
		return 1;
	case RUN_OPT_FAIL_AFTER:
		if (parse_i64(arg, 1, INT64_MAX, &v)) {
			snprintf(err, len, "--fail-after %s: not a positive count", arg);
			return -EINVAL;
		}
		rq->sched_opts.fail_after_enqueues = (uint64_t)v;
		return 1;
	case RUN_OPT_STALL:
		rq->sched_opts.stall_one = true;
		return 1;
	case RUN_OPT_ENABLE_TIMEOUT:
		if (parse_duration(arg, 0.1, 3600, &rq->sched_opts.start_timeout_s)) {
			snprintf(err, len, "--enable-timeout %s: not a duration from 100ms to 1h (e.g. 60s)", arg);
			return -EINVAL;
		}
		return 1;
	case RUN_OPT_TIMEOUT_MS:
		if (parse_i64(arg, 1, 3600000, &v)) {
			snprintf(err, len, "--timeout-ms %s: not a time from 1 to 3600000 ms", arg);
			return -EINVAL;
		}
		rq->sched_opts.timeout_ms = (uint32_t)v;
		return 1;
	}
	return 0;
}

int run_opts__check(const struct wl_params *params, char *err, size_t len)
{
	return params->wl->check ? params->wl->check(params, err, len) : 0;
}

void run_opts__bad_option(int opt, int argc, char **argv, const struct workload *wl,
			  const char *cmd, char *err, size_t len)
{
	char why[200];
	const char *a;

	cli_opts__bad(opt, argc, argv, why, sizeof(why));
	if (opt == ':') {
		snprintf(err, len, "%s", why);
		return;
	}
	a = strchr(why, '\'') ? strchr(why, '\'') : why;
	snprintf(err, len, "%s (workload %s has no parameter %.*s; see: scxbench help %s, scxbench"
		 " list workloads)", why, wl->name, (int)strcspn(a + 1, "'"), a + 1, cmd);
}

char *run_opts__join(int argc, char **argv, const char *first, const char *sep)
{
	size_t len = strlen(first) + 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + strlen(sep);
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, first);
	for (int i = 0; i < argc; i++) {
		if (i || first[0])
			strcat(s, sep);
		strcat(s, argv[i]);
	}
	return s;
}
