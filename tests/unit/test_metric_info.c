// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <string.h>

#include "harness/lib/metric_info.h"
#include "tests/unit/unit.h"

UNIT_TEST(metric_info_families_and_labels)
{
	struct metric_info mi;

	metric__info("wakeup_lat_p99", &mi);
	CHECK(mi.family == MF_LATENCY && !strcmp(mi.label, "probe wakeup latency p99"), "%s", mi.label);
	metric__info("wakeup_lat_samples", &mi);
	CHECK(mi.family == MF_HARNESS, "samples are the harness's");
	metric__info("hackbench_msgs_per_s", &mi);
	CHECK(mi.family == MF_THROUGHPUT, "throughput");
	metric__info("timer_lat_co_p99", &mi);
	CHECK(mi.family == MF_LATENCY && !strcmp(mi.label, "probe timer latency (CO-corrected) p99"),
	      "%s", mi.label);
	metric__info("timer_lat_missed", &mi);
	CHECK(mi.family == MF_LATENCY && !strcmp(mi.short_label, "timer missed"), "%s", mi.label);
	metric__info("trace_wakeup_probe_p99.9", &mi);
	CHECK(mi.family == MF_TRACE && !strcmp(mi.label, "probe wakeup latency (trace) p99.9"), "%s",
	      mi.label);
	metric__info("trace_rqwait_hog", &mi);
	CHECK(mi.family == MF_TRACE && !strcmp(mi.label, "hog runqueue wait"), "%s", mi.label);
	metric__info("scx_event.SCX_EV_SELECT_CPU_FALLBACK", &mi);
	CHECK(mi.family == MF_SCX_EVENTS, "scx events");
	metric__info("sched_enqueue", &mi);
	CHECK(mi.family == MF_SCHED, "sched counters");
	metric__info("sys_psi_cpu_some", &mi);
	CHECK(mi.family == MF_SYSTEM, "system");
	metric__info("no_such_metric", &mi);
	CHECK(mi.family == MF_HARNESS && !strcmp(mi.label, "no_such_metric"), "unknown");
}

UNIT_TEST(metric_info_units_scale)
{
	char b[64];

	metric__format(13550, "msg/s", b, sizeof(b));
	CHECK(!strcmp(b, "13.6 k msg/s"), "'%s'", b);
	metric__format(1355, "us", b, sizeof(b));
	CHECK(!strcmp(b, "1.35 ms") || !strcmp(b, "1.36 ms"), "'%s'", b);
	metric__format(21000000, "us", b, sizeof(b));
	CHECK(!strcmp(b, "21.0 s"), "'%s'", b);
	metric__format(0.5, "us", b, sizeof(b));
	CHECK(!strcmp(b, "500 ns"), "'%s'", b);
	metric__format(0.998, "", b, sizeof(b));
	CHECK(!strcmp(b, "1.00"), "'%s'", b);
	metric__format(2.5e6, "", b, sizeof(b));
	CHECK(!strcmp(b, "2.50 M"), "'%s'", b);
	metric__format_pct(-0.84, b, sizeof(b));
	CHECK(!strcmp(b, "-0.8 %"), "'%s'", b);
	metric__format_pct(70.2, b, sizeof(b));
	CHECK(!strcmp(b, "+70 %"), "'%s'", b);
}

UNIT_TEST(metric_info_histograms_and_counters)
{
	struct metric_info mi;

	/* a histogram's own name (a CDF's axis) */
	metric__info("wakeup_lat", &mi);
	CHECK(mi.family == MF_LATENCY && !strcmp(mi.label, "probe wakeup latency"), "%s", mi.label);
	metric__info("wakeup_lat_co", &mi);
	CHECK(!strcmp(mi.label, "probe wakeup latency (CO-corrected)"), "%s", mi.label);
	metric__info("trace_wakeup_hackbench", &mi);
	CHECK(mi.family == MF_TRACE && !strcmp(mi.label, "hackbench wakeup latency (trace)"), "%s",
	      mi.label);
	metric__info("scx_event.SCX_EV_SELECT_CPU_FALLBACK", &mi);
	CHECK(!strcmp(mi.short_label, "select cpu fallback"), "'%s'", mi.short_label);
	metric__info("scx_trace_event.SCX_EV_BYPASS_DURATION", &mi);
	CHECK(mi.family == MF_SCX_EVENTS && strstr(mi.label, "bypass duration (trace)"), "%s",
	      mi.label);
	metric__info("cpu_hog12_units", &mi);
	CHECK(mi.family == MF_FAIRNESS && !strcmp(mi.label, "hog 12's work"), "%s", mi.label);
	metric__info("sys_cpu3_util", &mi);
	CHECK(mi.family == MF_SYSTEM && !strcmp(mi.label, "CPU 3 utilisation"), "%s", mi.label);
	metric__info("sched_new_counter", &mi);
	CHECK(mi.family == MF_SCHED && !strcmp(mi.label, "scheduler: new counter"), "%s", mi.label);
}

UNIT_TEST(metric_info_scale_ci_p)
{
	char b[64], u[32];
	double mul;

	metric__scale(250000, "msg/s", &mul, u, sizeof(u));
	CHECK(!strcmp(u, "k msg/s") && fabs(mul - 1e-3) < 1e-12, "'%s' %g", u, mul);
	metric__scale(25000, "ns", &mul, u, sizeof(u));
	CHECK(!strcmp(u, "us") && fabs(mul - 1e-3) < 1e-12, "'%s' %g", u, mul);
	metric__scale(0, "us", &mul, u, sizeof(u));
	CHECK(!strcmp(u, "us") && mul == 1, "'%s' %g", u, mul);
	metric__scale(12000, "count", &mul, u, sizeof(u));
	CHECK(!strcmp(u, "k"), "'%s'", u);
	metric__format(12000, "count", b, sizeof(b));
	CHECK(!strcmp(b, "12.0 k"), "'%s'", b);
	metric__format_ci(998, 1020, "us", b, sizeof(b));
	CHECK(!strcmp(b, "[1.00, 1.02] ms"), "'%s'", b);
	metric__format_ci(13200, 14049, "msg/s", b, sizeof(b));
	CHECK(!strcmp(b, "[13.2, 14.0] k msg/s"), "'%s'", b);
	metric__format_ci(NAN, 1, "us", b, sizeof(b));
	CHECK(!strcmp(b, "-"), "'%s'", b);
	metric__format_p(0.0238, b, sizeof(b));
	CHECK(!strcmp(b, "0.024"), "'%s'", b);
	metric__format_p(0.4, b, sizeof(b));
	CHECK(!strcmp(b, "0.40"), "'%s'", b);
	metric__format_p(1e-5, b, sizeof(b));
	CHECK(!strcmp(b, "< 0.001"), "'%s'", b);
}

UNIT_TEST(metric_info_cmd_and_replay)
{
	struct metric_info mi;

	metric__info("cmd_elapsed", &mi);
	CHECK(mi.family == MF_THROUGHPUT && !strcmp(mi.label, "command run time"), "%s", mi.label);
	metric__info("cmd_switches_invol", &mi);
	CHECK(mi.family == MF_SYSTEM, "rusage is the system's");
	metric__info("stressng_switch_bogo_ops_per_s", &mi);
	CHECK(mi.family == MF_OUTPUT, "stress-ng's output");
	metric__info("cmd_answer", &mi);
	CHECK(mi.family == MF_OUTPUT && !strcmp(mi.label, "cmd_answer"), "a --metric rule's");
	metric__info("replay_ks_burst", &mi);
	CHECK(mi.family == MF_REPLAY, "fidelity");
	metric__info("trace_burst_replay_p50", &mi);
	CHECK(mi.family == MF_TRACE && !strcmp(mi.label, "replay run bursts p50"), "%s", mi.label);
	CHECK(!strcmp(metric_family__name(MF_REPLAY), "replay fidelity"), "family name");
}
