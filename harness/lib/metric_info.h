/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a stored metric is, for people: its family (the section of the
 * terminal table and of the report it belongs to), a label in words for
 * tables and figure axes, and its value with a unit scaled to be read
 * (13.6 k msg/s, 1.36 ms). One table, so that the terminal, the reports
 * and the figures name a metric the same way.
 */
#ifndef SCXB_METRIC_INFO_H
#define SCXB_METRIC_INFO_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stddef.h>

enum metric_family {
	MF_LATENCY = 0,  /* the latency probe: timer, wakeup and request latency */
	MF_THROUGHPUT,   /* work done per second: messages, hog work, requests */
	MF_FAIRNESS,     /* how evenly the hogs shared the CPUs */
	MF_SCHED,        /* the scheduler's own counters (sched_*) */
	MF_SCX_EVENTS,   /* the kernel's sched_ext event counters (scx_event.*) */
	MF_TRACE,        /* per-role metrics from the trace (trace_*_ROLE) */
	MF_SYSTEM,       /* /proc: CPU use, context switches, PSI (sys_*); a cmd's rusage */
	MF_OUTPUT,       /* numbers a cmd: workload's output gave (parsers, --metric rules) */
	MF_REPLAY,       /* a replay against its capture: KS distances, ratios of medians */
	MF_HARNESS,      /* what the harness itself did: samples, policy, tracing cost */
	MF_NR_FAMILIES,
};

struct metric_info {
	enum metric_family family;
	char label[112];     /* "probe wakeup latency p99", "hackbench messages/s" */
	char short_label[48];/* for narrow columns: "wakeup p99", "hackbench msg/s" */
};

/* Family and labels of a metric name (unknown names get MF_HARNESS and
 * their own name as label). */
void metric__info(const char *name, struct metric_info *out);
/* "probe latency", "throughput", ... */
const char *metric_family__name(enum metric_family f);

/*
 * value in unit, scaled for reading with 3 significant digits: us values
 * become us, ms or s; s values ms or s; other units get k / M / G
 * prefixes ("13.6 k msg/s"); counts and unitless values likewise.
 * Returns snprintf's length.
 */
int metric__format(double value, const char *unit, char *buf, size_t len);
/* The CI [lo, hi] in the scale of its larger end: "[1.30, 1.42] ms",
 * "[13.2, 14.0] k msg/s"; "-" when an end is NaN. */
int metric__format_ci(double lo, double hi, const char *unit, char *buf, size_t len);
/*
 * The unit metric__format shows v in (for an axis: pass the largest value
 * it shows): *mul converts a value in unit into it, out names it ("ms",
 * "k msg/s", "M"). A "count" unit is shown as none.
 */
void metric__scale(double v, const char *unit, double *mul, char *out, size_t len);
/* a p-value for reading: "0.024", "0.31", "< 0.001", "-" for NaN */
int metric__format_p(double p, char *buf, size_t len);
/* a delta/percentage: "+12.3 %", "-0.8 %" (3 significant digits, at most
 * one decimal below 10) */
int metric__format_pct(double pct, char *buf, size_t len);

#endif
