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
	[MF_OUTPUT] = "the command's output",
	[MF_REPLAY] = "replay fidelity",
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

	if (!strcmp(name, prefix)) { /* the histogram itself */
		out->family = MF_LATENCY;
		snprintf(out->label, sizeof(out->label), "%s", what);
		snprintf(out->short_label, sizeof(out->short_label), "%s", shortwhat);
		return 1;
	}
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
	{ "requests_skipped", "probe ticks that found their worker busy", "req. skipped", MF_LATENCY },
	{ "msg_ticks_missed", "probe message ticks run past", "ticks missed", MF_LATENCY },
	{ "timer_lat_missed", "probe timer periods missed", "timer missed", MF_LATENCY },
	{ "timer_lat_due", "probe timer periods due", "timer due", MF_HARNESS },
	{ "wakeup_lat_missed", "probe worker wakeups missed", "wakeup missed", MF_LATENCY },
	{ "wakeup_lat_due", "probe worker wakeups due", "wakeup due", MF_HARNESS },
	{ "cpu_fairness_jain", "hog fairness (Jain's index)", "Jain fairness", MF_FAIRNESS },
	{ "cpu_minmax_ratio", "slowest / fastest hog", "hog min/max", MF_FAIRNESS },
	{ "cpu_hog_min_units", "slowest hog's work", "min hog work", MF_FAIRNESS },
	{ "cpu_hogs", "CPU hogs", "hogs", MF_HARNESS },
	{ "probe_policy", "probe scheduling policy", "probe policy", MF_HARNESS },
	{ "probe_priority", "probe priority", "probe prio", MF_HARNESS },
	{ "trace_migr_same_core", "migrations to an SMT sibling", "migr. SMT", MF_TRACE },
	{ "trace_migr_same_llc", "migrations within an LLC", "migr. in LLC", MF_TRACE },
	{ "trace_migr_cross_llc", "migrations across LLCs (one node)", "migr. x-LLC", MF_TRACE },
	{ "trace_migr_cross_node", "migrations across NUMA nodes", "migr. x-node", MF_TRACE },
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
	{ "cmd_elapsed", "command run time", "cmd time", MF_THROUGHPUT },
	{ "cmd_cpu_user_s", "command's user CPU time", "cmd user CPU", MF_SYSTEM },
	{ "cmd_cpu_sys_s", "command's system CPU time", "cmd sys CPU", MF_SYSTEM },
	{ "cmd_switches_vol", "command's voluntary switches", "cmd vol. sw.", MF_SYSTEM },
	{ "cmd_switches_invol", "command's involuntary switches", "cmd invol. sw.", MF_SYSTEM },
	{ "cmd_max_rss_kb", "command's peak RSS", "cmd max RSS", MF_SYSTEM },
	{ "cmd_exit_status", "command's exit status", "cmd exit", MF_HARNESS },
	{ "cmd_timed_out", "command stopped at --duration", "cmd timed out", MF_HARNESS },
	{ "replay_elapsed", "replay run time", "replay time", MF_THROUGHPUT },
	{ "replay_ks_burst", "run bursts: KS distance, replayed vs captured", "burst KS", MF_REPLAY },
	{ "replay_ks_sleep", "sleep lengths: KS distance, replayed vs captured", "sleep KS", MF_REPLAY },
	{ "replay_ks_wakeup", "wakeup latency: KS distance, replayed vs captured", "wakeup KS",
	  MF_REPLAY },
	{ "replay_median_ratio_burst", "run bursts: median replayed / captured", "burst ratio",
	  MF_REPLAY },
	{ "replay_median_ratio_sleep", "sleep lengths: median replayed / captured", "sleep ratio",
	  MF_REPLAY },
	{ "replay_median_ratio_wakeup", "wakeup latency: median replayed / captured", "wakeup ratio",
	  MF_REPLAY },
	{ "replay_missed_wakeups", "replay waits given up", "waits given up", MF_REPLAY },
	{ "replay_steps_fraction", "share of the captured steps replayed", "steps replayed",
	  MF_REPLAY },
	{ "replay_captured_burst", "captured run bursts", "captured bursts", MF_REPLAY },
	{ "replay_captured_sleep", "captured sleep lengths", "captured sleeps", MF_REPLAY },
	{ "replay_captured_wakeup", "captured wakeup latency", "captured wakeup", MF_REPLAY },
	{ "replay_threads", "replayed threads", "replay threads", MF_HARNESS },
	{ "replay_steps", "replayed steps", "replay steps", MF_HARNESS },
	{ "replay_timed_out", "replay stopped at --duration", "replay timed out", MF_HARNESS },
	{ "replay_calib_iters_per_us", "replay work loop rate", "work loop rate", MF_HARNESS },
	{ "replay_capture_duration", "the capture's length", "capture length", MF_HARNESS },
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
	{ "burst", "run bursts", "bursts" },
	{ "sleep", "sleep lengths", "sleeps" },
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

/* "SELECT_CPU_FALLBACK" -> "select cpu fallback": a name made of words
 * shown as words (an axis tick, a table row) */
static void words(char *buf, size_t len, const char *s)
{
	size_t k = 0;

	for (; *s && k + 1 < len; s++)
		buf[k++] = *s == '_' || *s == '.' ? ' ' : *s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s;
	buf[k] = 0;
}

/* The kernel's sched_ext event counters: PREFIX + "SCX_EV_" + NAME */
static int scx_event(const char *name, const char *prefix, const char *how,
		     struct metric_info *out)
{
	size_t n = strlen(prefix);
	const char *ev = name + n;

	if (strncmp(name, prefix, n))
		return 0;
	if (!strncmp(ev, "SCX_EV_", 7))
		ev += 7;
	out->family = MF_SCX_EVENTS;
	words(out->short_label, sizeof(out->short_label), ev);
	snprintf(out->label, sizeof(out->label), "sched_ext event: %s%s", out->short_label, how);
	return 1;
}

/* One of a numbered set: cpu_hogN_units (each hog's work), sys_cpuN_util */
static int numbered(const char *name, struct metric_info *out)
{
	int k, end = 0;

	if (sscanf(name, "cpu_hog%d_units%n", &k, &end) == 1 && end && !name[end]) {
		out->family = MF_FAIRNESS;
		snprintf(out->label, sizeof(out->label), "hog %d's work", k);
		snprintf(out->short_label, sizeof(out->short_label), "hog %d work", k);
		return 1;
	}
	if (sscanf(name, "sys_cpu%d_util%n", &k, &end) == 1 && end && !name[end]) {
		out->family = MF_SYSTEM;
		snprintf(out->label, sizeof(out->label), "CPU %d utilisation", k);
		snprintf(out->short_label, sizeof(out->short_label), "CPU %d util", k);
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
	/* the _co twins first: "timer_lat" is a prefix of "timer_lat_co" */
	if (probe_hist(name, "wakeup_lat_co", "probe wakeup latency (CO-corrected)", "wakeup co", out) ||
	    probe_hist(name, "timer_lat_co", "probe timer latency (CO-corrected)", "timer co", out) ||
	    probe_hist(name, "request_lat_co", "probe request latency (CO-corrected)", "request co",
		       out) ||
	    probe_hist(name, "wakeup_lat", "probe wakeup latency", "wakeup", out) ||
	    probe_hist(name, "timer_lat", "probe timer latency", "timer", out) ||
	    probe_hist(name, "request_lat", "probe request latency", "request", out) ||
	    trace_metric(name, out))
		return;
	if (scx_event(name, "scx_event.", "", out) ||
	    scx_event(name, "scx_trace_event.", " (trace)", out) || numbered(name, out))
		return;
	if (!strncmp(name, "sched_", 6)) {
		out->family = MF_SCHED;
		words(out->short_label, sizeof(out->short_label), name + 6);
		snprintf(out->label, sizeof(out->label), "scheduler: %s", out->short_label);
		return;
	}
	if (!strncmp(name, "sys_", 4)) {
		out->family = MF_SYSTEM;
		words(out->short_label, sizeof(out->short_label), name + 4);
		snprintf(out->label, sizeof(out->label), "%s", out->short_label);
		return;
	}
	if (!strncmp(name, "cpu_hog", 7))
		out->family = MF_FAIRNESS;
	/* a cmd:'s output (workloads/cmd_parse.c): the parsers' and the
	 * --metric rules' (cmd_NAME; the cmd's own are in the table above) */
	if (!strncmp(name, "stressng_", 9) || !strncmp(name, "perf_", 5) ||
	    !strncmp(name, "schbench_", 9) || !strncmp(name, "cmd_", 4))
		out->family = MF_OUTPUT;
}

static int fmt3(double v, char *buf, size_t len, const char *unit)
{
	double a = fabs(v);
	int dec = a >= 100 ? 0 : a >= 10 ? 1 : 2;

	if (a == 0)
		dec = 0;
	return snprintf(buf, len, "%.*f%s%s", dec, v, unit[0] ? " " : "", unit);
}

/* "count" says nothing a number does not: shown without a unit */
static const char *shown_unit(const char *unit)
{
	return !unit || !strcmp(unit, "count") ? "" : unit;
}

static double time_us(const char *unit)
{
	return !strcmp(unit, "ns") ? 1e-3 : !strcmp(unit, "us") ? 1 : !strcmp(unit, "ms") ? 1e3 :
	       !strcmp(unit, "s") ? 1e6 : 0;
}

void metric__scale(double v, const char *unit, double *mul, char *out, size_t len)
{
	static const char *const prefix[] = { "", "k", "M", "G", "T" };
	double a = fabs(v), tu;
	int k = 0;

	unit = shown_unit(unit);
	*mul = 1;
	if ((tu = time_us(unit)) > 0) {
		double aus = a * tu;

		/* a range that is all zero keeps its unit */
		const char *to = aus == 0 ? unit : aus < 1 ? "ns" : aus < 1e3 ? "us" :
				 aus < 1e6 ? "ms" : "s";

		*mul = tu / time_us(to);
		snprintf(out, len, "%s", to);
		return;
	}
	if (!strcmp(unit, "%") || isnan(a)) {
		snprintf(out, len, "%s", unit);
		return;
	}
	while (a >= 1000 && k < 4) {
		a /= 1000;
		*mul /= 1000;
		k++;
	}
	if (!unit[0] || unit[0] == '/')
		snprintf(out, len, "%s%s", prefix[k], unit);
	else
		snprintf(out, len, "%s%s%s", prefix[k], k ? " " : "", unit);
}

int metric__format(double v, const char *unit, char *buf, size_t len)
{
	char u[48];
	double mul;

	if (isnan(v))
		return snprintf(buf, len, "-");
	metric__scale(v, unit, &mul, u, sizeof(u));
	return fmt3(v * mul, buf, len, u);
}

int metric__format_ci(double lo, double hi, const char *unit, char *buf, size_t len)
{
	char u[48], a[32], b[32];
	double mul;

	if (isnan(lo) || isnan(hi))
		return snprintf(buf, len, "-");
	metric__scale(fabs(lo) > fabs(hi) ? lo : hi, unit, &mul, u, sizeof(u));
	fmt3(lo * mul, a, sizeof(a), "");
	fmt3(hi * mul, b, sizeof(b), "");
	return snprintf(buf, len, "[%s, %s]%s%s", a, b, u[0] ? " " : "", u);
}

int metric__format_p(double p, char *buf, size_t len)
{
	if (isnan(p))
		return snprintf(buf, len, "-");
	if (p < 0.001)
		return snprintf(buf, len, "< 0.001");
	return snprintf(buf, len, "%.*f", p < 0.1 ? 3 : 2, p);
}

int metric__format_pct(double pct, char *buf, size_t len)
{
	if (isnan(pct))
		return snprintf(buf, len, "-");
	if (fabs(pct) < 10)
		return snprintf(buf, len, "%+.1f %%", pct);
	return snprintf(buf, len, "%+.0f %%", pct);
}
