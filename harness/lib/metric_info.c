// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/lib/metric_info.h"

static const char *const family_names[MF_NR_FAMILIES] = {
	[MF_LATENCY] = "probe latency",
	[MF_THROUGHPUT] = "throughput",
	[MF_FAIRNESS] = "fairness",
	[MF_SCHED] = "scheduler counters",
	[MF_SCX_EVENTS] = "sched_ext events",
	[MF_TRACE] = "per-role trace metrics",
	[MF_SYSTEM] = "system",
	[MF_HARNESS] = "harness",
};

const char *metric_family__name(enum metric_family f)
{
	return f >= 0 && f < MF_NR_FAMILIES ? family_names[f] : "?";
}

/* The statistic at the end of a histogram metric: "p99", "mean"... */
static const char *stat_words(const char *suffix)
{
	static const struct {
		const char *suffix, *words;
	} stats[] = {
		{ "p50", "p50" }, { "p90", "p90" }, { "p99", "p99" }, { "p99.9", "p99.9" },
		{ "max", "max" }, { "mean", "mean" }, { "samples", "samples" },
	};

	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		if (!strcmp(suffix, stats[i].suffix))
			return stats[i].words;
	return NULL;
}

/* name = PREFIX + "_" + statistic of one of the probe's histograms */
static int probe_hist(const char *name, const char *prefix, const char *what,
		      const char *shortwhat, struct metric_info *out)
{
	size_t n = strlen(prefix);
	const char *st;

	if (strncmp(name, prefix, n) || name[n] != '_' || !(st = stat_words(name + n + 1)))
		return 0;
	out->family = strcmp(st, "samples") ? MF_LATENCY : MF_HARNESS;
	snprintf(out->label, sizeof(out->label), "%s %s", what, st);
	snprintf(out->short_label, sizeof(out->short_label), "%s %s", shortwhat, st);
	return 1;
}

static const struct {
	const char *name, *label, *short_label;
	enum metric_family family;
} fixed[] = {
	{ "hackbench_msgs_per_s", "hackbench messages/s", "hackbench msg/s", MF_THROUGHPUT },
	{ "hackbench_elapsed", "hackbench run time", "hackbench time", MF_THROUGHPUT },
	{ "hackbench_messages", "hackbench messages", "hackbench msgs", MF_HARNESS },
	{ "hackbench_rounds", "hackbench rounds", "hackbench rounds", MF_HARNESS },
	{ "cpu_work_per_s", "CPU hog work/s", "hog work/s", MF_THROUGHPUT },
	{ "requests_per_s", "probe requests/s", "requests/s", MF_THROUGHPUT },
	{ "requests_skipped", "probe request ticks skipped", "req. skipped", MF_LATENCY },
	{ "cpu_fairness_jain", "hog fairness (Jain's index)", "Jain fairness", MF_FAIRNESS },
	{ "cpu_minmax_ratio", "slowest / fastest hog", "hog min/max", MF_FAIRNESS },
	{ "cpu_hog_min_units", "slowest hog's work", "min hog work", MF_FAIRNESS },
	{ "cpu_hogs", "CPU hogs", "hogs", MF_HARNESS },
	{ "probe_policy", "probe scheduling policy", "probe policy", MF_HARNESS },
	{ "probe_priority", "probe priority", "probe prio", MF_HARNESS },
	{ "trace_events", "trace events recorded", "trace events", MF_HARNESS },
	{ "trace_lost", "trace events lost", "events lost", MF_HARNESS },
	{ "trace_parse_s", "trace parse time", "parse time", MF_HARNESS },
	{ "trace_recorder_cpu_s", "trace recorder CPU time", "recorder CPU", MF_HARNESS },
	{ "trace_ext_tasks_outside", "tasks outside the workload on sched_ext", "outsiders on ext",
	  MF_HARNESS },
	{ "trace_classes_dropped", "switch-ins not counted by class (map full)", "class drops",
	  MF_HARNESS },
	{ "sys_cpu_util", "CPU utilisation", "CPU util", MF_SYSTEM },
	{ "sys_cpu_steal", "CPU steal time", "steal", MF_SYSTEM },
	{ "sys_ctxt", "context switches", "ctx switches", MF_SYSTEM },
	{ "sys_ctxt_rate", "context switches/s", "ctx switch/s", MF_SYSTEM },
	{ "sys_forks", "forks", "forks", MF_SYSTEM },
	{ "sys_psi_cpu_some", "CPU pressure (some)", "PSI some", MF_SYSTEM },
	{ "sys_psi_cpu_full", "CPU pressure (full)", "PSI full", MF_SYSTEM },
	{ "sys_psi_cpu_some_pct", "CPU pressure (some) share", "PSI some %", MF_SYSTEM },
	{ "sched_enqueue", "enqueues", "enqueues", MF_SCHED },
	{ "sched_local_dispatch", "direct dispatches to an idle CPU", "local dispatch", MF_SCHED },
	{ "sched_shared_dispatch", "dispatches from the shared queue", "shared dispatch", MF_SCHED },
	{ "sched_dispatch_empty", "dispatches finding no task", "empty dispatch", MF_SCHED },
	{ "sched_vtime_clamped", "sleeper credits clamped", "vtime clamped", MF_SCHED },
};

/* trace_KIND_ROLE[_STAT] */
static const struct {
	const char *kind, *words, *shortw;
} trace_kinds[] = {
	{ "wakeup", "wakeup latency (trace)", "wakeup" },
	{ "rqwait", "runqueue wait", "rq wait" },
	{ "oncpu", "time on CPU", "on CPU" },
	{ "migrations", "migrations", "migrations" },
	{ "switches_vol", "voluntary switches", "vol. switches" },
	{ "switches_invol", "involuntary switches", "invol. switches" },
	{ "tasks", "tasks", "tasks" },
	/* --partial: switch-ins by class (collectors/classes.c) */
	{ "ext_switches", "switch-ins by sched_ext", "ext picks" },
	{ "fair_switches", "switch-ins by fair", "fair picks" },
	{ "other_switches", "switch-ins by other classes", "other picks" },
};

static int trace_metric(const char *name, struct metric_info *out)
{
	if (strncmp(name, "trace_", 6))
		return 0;
	for (size_t i = 0; i < sizeof(trace_kinds) / sizeof(trace_kinds[0]); i++) {
		size_t n = strlen(trace_kinds[i].kind);
		const char *role = name + 6 + n + 1, *st;
		char r[32];

		if (strncmp(name + 6, trace_kinds[i].kind, n) || name[6 + n] != '_')
			continue;
		/* a role, then maybe a histogram statistic */
		snprintf(r, sizeof(r), "%.*s", (int)strcspn(role, "_"), role);
		st = role[strlen(r)] == '_' ? stat_words(role + strlen(r) + 1) : NULL;
		if (role[strlen(r)] == '_' && !st)
			continue;
		out->family = st && !strcmp(st, "samples") ? MF_HARNESS :
			      !strcmp(trace_kinds[i].kind, "tasks") ? MF_HARNESS : MF_TRACE;
		snprintf(out->label, sizeof(out->label), "%s %s%s%s", r, trace_kinds[i].words,
			 st ? " " : "", st ? st : "");
		snprintf(out->short_label, sizeof(out->short_label), "%s %s%s%s", r,
			 trace_kinds[i].shortw, st ? " " : "", st ? st : "");
		return 1;
	}
	return 0;
}

void metric__info(const char *name, struct metric_info *out)
{
	memset(out, 0, sizeof(*out));
	out->family = MF_HARNESS;
	snprintf(out->label, sizeof(out->label), "%s", name);
	snprintf(out->short_label, sizeof(out->short_label), "%s", name);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (!strcmp(name, fixed[i].name)) {
			out->family = fixed[i].family;
			snprintf(out->label, sizeof(out->label), "%s", fixed[i].label);
			snprintf(out->short_label, sizeof(out->short_label), "%s", fixed[i].short_label);
			return;
		}
	if (probe_hist(name, "wakeup_lat", "probe wakeup latency", "wakeup", out) ||
	    probe_hist(name, "timer_lat", "probe timer latency", "timer", out) ||
	    probe_hist(name, "request_lat", "probe request latency", "request", out) ||
	    trace_metric(name, out))
		return;
	if (!strncmp(name, "scx_event.", 10)) {
		out->family = MF_SCX_EVENTS;
		snprintf(out->label, sizeof(out->label), "sched_ext event %s", name + 10);
		snprintf(out->short_label, sizeof(out->short_label), "%s", name + 10);
		return;
	}
	if (!strncmp(name, "sched_", 6)) {
		out->family = MF_SCHED;
		return;
	}
	if (!strncmp(name, "sys_", 4)) {
		out->family = MF_SYSTEM;
		return;
	}
	if (!strncmp(name, "cpu_hog", 7))
		out->family = MF_FAIRNESS;
}

static int fmt3(double v, char *buf, size_t len, const char *unit)
{
	double a = fabs(v);
	int dec = a >= 100 ? 0 : a >= 10 ? 1 : 2;

	if (a == 0)
		dec = 0;
	return snprintf(buf, len, "%.*f%s%s", dec, v, unit[0] ? " " : "", unit);
}

int metric__format(double v, const char *unit, char *buf, size_t len)
{
	static const char *const prefix[] = { "", "k", "M", "G", "T" };
	char u[40];
	double a = fabs(v);
	int k = 0;

	if (isnan(v))
		return snprintf(buf, len, "-");
	if (!unit)
		unit = "";
	if (!strcmp(unit, "us") || !strcmp(unit, "ms") || !strcmp(unit, "s") ||
	    !strcmp(unit, "ns")) {
		double us = !strcmp(unit, "ns") ? v / 1e3 : !strcmp(unit, "us") ? v :
			    !strcmp(unit, "ms") ? v * 1e3 : v * 1e6;
		double aus = fabs(us);

		if (aus == 0)
			return fmt3(0, buf, len, unit);
		if (aus < 1)
			return fmt3(us * 1e3, buf, len, "ns");
		if (aus < 1e3)
			return fmt3(us, buf, len, "us");
		if (aus < 1e6)
			return fmt3(us / 1e3, buf, len, "ms");
		return fmt3(us / 1e6, buf, len, "s");
	}
	if (!strcmp(unit, "%") || a < 1000)
		return fmt3(v, buf, len, unit);
	while (a >= 1000 && k < 4) {
		a /= 1000;
		v /= 1000;
		k++;
	}
	snprintf(u, sizeof(u), "%s%s%s", prefix[k], unit[0] && unit[0] != '/' ? " " : "", unit);
	if (!unit[0] || unit[0] == '/')
		snprintf(u, sizeof(u), "%s%s", prefix[k], unit);
	return fmt3(v, buf, len, u);
}

int metric__format_pct(double pct, char *buf, size_t len)
{
	if (isnan(pct))
		return snprintf(buf, len, "-");
	if (fabs(pct) < 10)
		return snprintf(buf, len, "%+.1f %%", pct);
	return snprintf(buf, len, "%+.0f %%", pct);
}
