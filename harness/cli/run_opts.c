// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/cli/run_opts.h"
#include "harness/lib/outlier_ring.h"
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
	if (params && opt >= RUN_OPT_WL_PARAM && opt < RUN_OPT_WL_PARAM + params->wl->nr_params)
		return wl_params__set(params, params->wl->params[opt - RUN_OPT_WL_PARAM].name, arg ? arg : "1",
				      err, len) ? -EINVAL : 1;
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
	case RUN_OPT_DUMP_ON_OUTLIER:
		if (run_opts__parse_us(arg, &rq->outlier_us)) {
			snprintf(err, len, "--dump-on-outlier %s: not a latency from 1 us to 60 s"
				 " (e.g. 500, 500us, 2ms)", arg);
			return -EINVAL;
		}
		return 1;
	case RUN_OPT_OUTLIER_DUMPS:
		if (parse_i64(arg, 1, OUTLIER_MAX_DUMPS, &v)) {
			snprintf(err, len, "--outlier-dumps %s: not a count from 1 to %d", arg,
				 OUTLIER_MAX_DUMPS);
			return -EINVAL;
		}
		rq->outlier_dumps = (int)v;
		return 1;
	case RUN_OPT_OUTLIER_WINDOW:
		if (parse_double(arg, 0, 10000, &rq->outlier_window_ms)) {
			snprintf(err, len, "--outlier-window-ms %s: not a time from 0 to 10000 ms", arg);
			return -EINVAL;
		}
		rq->outlier_window_set = true;
		return 1;
	case RUN_OPT_PARTIAL:
		rq->sched_opts.partial = true;
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

int run_opts__parse_us(const char *arg, double *us)
{
	static const struct { const char *unit; double scale; } units[] = {
		{ "us", 1 }, { "ms", 1e3 }, { "s", 1e6 },
	};
	char num[64];
	size_t l = strlen(arg);
	double scale = 1, v;

	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		size_t u = strlen(units[i].unit);

		if (l > u && !strcmp(arg + l - u, units[i].unit)) {
			scale = units[i].scale;
			l -= u;
			break;
		}
	}
	if (l >= sizeof(num))
		return -EINVAL;
	memcpy(num, arg, l);
	num[l] = 0;
	if (parse_double(num, 1e-9, 6e7, &v) || v * scale < 1 || v * scale > 6e7)
		return -EINVAL;
	*us = v * scale;
	return 0;
}

int run_opts__finish(struct run_request *rq, const struct workload *wl, char *err, size_t len)
{
	if (!(rq->outlier_us > 0)) {
		if (rq->outlier_dumps || rq->outlier_window_set) {
			snprintf(err, len, "--outlier-dumps and --outlier-window-ms go with"
				 " --dump-on-outlier US");
			return -EINVAL;
		}
		return 0;
	}
	if (!wl->probe) {
		snprintf(err, len, "--dump-on-outlier watches the latency probe, and workload %s"
			 " has none (use latency or mixed)", wl->name);
		return -EINVAL;
	}
	if (!rq->outlier_dumps)
		rq->outlier_dumps = 3;
	if (!rq->outlier_window_set)
		rq->outlier_window_ms = 5;
	return 0;
}

int run_opts__done(struct run_request *rq, const struct workload *wl,
		   const struct wl_params *params, const struct cli_common *co, char *err, size_t len)
{
	if (run_opts__finish(rq, wl, err, len))
		return -EINVAL;
	command__verbosity(co->verbose, co->quiet);
	return wl_params__check(params, err, len) ? -EINVAL : 0;
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
