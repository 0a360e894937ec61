// SPDX-License-Identifier: GPL-2.0
/*
 * Issue 15's pure parts: the JSON reader, the command-output parsers on
 * real outputs of stress-ng 0.15, perf 6.1 and schbench's -j file, the
 * capture file round trip and period finder, the KS distance of two
 * histograms, and the rt-app export's shape.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/capture.h"
#include "harness/lib/hist.h"
#include "harness/lib/json_read.h"
#include "harness/lib/results.h"
#include "reports/rtapp.h"
#include "tests/unit/unit.h"
#include "workloads/cmd_parse.h"

static double metric(const struct results *r, const char *name)
{
	const struct metric *m = results__find_metric(r, name);

	return m ? m->value : NAN;
}

UNIT_TEST(json_read_values)
{
	char err[128];
	struct jv *v = json_parse(" {\"a\": [1, -2.5e3, true, null, \"x\\u00e9\\ud83d\\ude00\\n\"],"
				  " \"b\": {\"c\": \"d\"}} ", err, sizeof(err));

	CHECK(v, "parse: %s", err);
	DEFER(json_free, v);
	CHECK(v->t == J_OBJ && v->n == 2, "an object of two");
	CHECK(json_get(v, "a")->n == 5 && json_get(v, "a")->items[1].num == -2500, "numbers");
	CHECK(json_get(v, "a")->items[2].b && json_get(v, "a")->items[3].t == J_NULL, "true, null");
	CHECK(!strcmp(json_get(v, "a")->items[4].str, "x\xc3\xa9\xf0\x9f\x98\x80\n"), "escapes, UTF-8");
	CHECK(!strcmp(json_str_or(json_get(v, "b"), "c", ""), "d"), "nested");
	CHECK(!json_get(v, "zz") && json_num_or(v, "zz", 7) == 7, "absent keys");
}

UNIT_TEST(json_read_rejects)
{
	static const char *const bad[] = { "", "{", "[1,]", "{\"a\" 1}", "\"open", "tru", "[1] 2",
					   "{\"a\":\"\x01\"}" };
	char err[128], deep[300];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct jv *v = json_parse(bad[i], err, sizeof(err));

		json_free(v);
		CHECK(!v && !strncmp(err, "line 1:", 7), "'%s' refused with a line number (%s)", bad[i], err);
	}
	memset(deep, '[', sizeof(deep) - 1);
	deep[sizeof(deep) - 1] = 0;
	CHECK(!json_parse(deep, err, sizeof(err)) && strstr(err, "deeply"), "depth bounded: %s", err);
}

static const char stressng_out[] =
	"stress-ng: info:  [13423] setting to a 2 second run per stressor\n"
	"stress-ng: info:  [13423] dispatching hogs: 1 switch\n"
	"stress-ng: metrc: [13423] stressor       bogo ops real time  usr time  sys time   bogo ops/s     bogo ops/s\n"
	"stress-ng: metrc: [13423]                           (secs)    (secs)    (secs)   (real time) (usr+sys time)\n"
	"stress-ng: metrc: [13423] switch           256036      2.00      0.11      1.83    127990.46      132467.38\n"
	"stress-ng: metrc: [13423] miscellaneous metrics:\n"
	"stress-ng: metrc: [13423] switch              7809.37 nanosecs per context switch (pipe method)\n"
	"stress-ng: info:  [13423] successful run completed in 2.00s\n";

UNIT_TEST(parse_stressng)
{
	struct results *r = results__new();

	CHECK(r, "results");
	DEFER(results__free, r);
	CHECK(cmd_parse__apply("", CMD_PARSE_STRESSNG, stressng_out, NULL, r, NULL, 0) == 3, "three metrics");
	CHECK(metric(r, "stressng_switch_bogo_ops") == 256036, "bogo ops");
	CHECK(metric(r, "stressng_switch_bogo_ops_per_s") == 127990.46, "ops/s real time");
	CHECK(metric(r, "stressng_switch_bogo_ops_per_cpu_s") == 132467.38, "ops/s usr+sys");
	CHECK(results__find_metric(r, "stressng_switch_bogo_ops_per_s")->better == BETTER_HIGHER, "higher");
}

UNIT_TEST(parse_perf_and_rules)
{
	static const char perf_pipe[] = "# Running 'sched/pipe' benchmark:\n"
		"# Executed 20000 pipe operations between two processes\n\n"
		"     Total time: 0.260 [sec]\n\n       13.002400 usecs/op\n          76908 ops/sec\n";
	static const char perf_msg[] = "# 20 sender and receiver processes per group\n"
		"# 2 groups == 80 processes run\n\n     Total time: 0.062 [sec]\n";
	struct results *r = results__new(), *r2 = results__new();
	char missing[64];

	CHECK(r && r2, "results");
	DEFER(results__free, r);
	DEFER(results__free, r2);
	CHECK(cmd_parse__apply("", CMD_PARSE_PERF, perf_pipe, NULL, r, NULL, 0) == 3, "pipe: 3 metrics");
	CHECK(metric(r, "perf_total_s") == 0.26 && metric(r, "perf_usecs_per_op") == 13.0024 &&
	      metric(r, "perf_ops_per_s") == 76908, "pipe values");
	CHECK(cmd_parse__apply("", CMD_PARSE_PERF, perf_msg, NULL, r2, NULL, 0) == 1 &&
	      metric(r2, "perf_total_s") == 0.062, "messaging: total time");
	/* the last match wins; a unit and a direction; a missing rule named */
	CHECK(cmd_parse__apply("lat:us:lower=lat ([0-9.]+)\nnone=zzz ([0-9]+)", CMD_PARSE_NONE,
			       "lat 5\nlat 7.5\n", NULL, r2, missing, sizeof(missing)) == 1,
	      "one rule matched");
	CHECK(metric(r2, "cmd_lat") == 7.5 && results__find_metric(r2, "cmd_lat")->better == BETTER_LOWER &&
	      !strcmp(results__find_metric(r2, "cmd_lat")->unit, "us"), "last match, unit, direction");
	CHECK(!strcmp(missing, "none=zzz ([0-9]+)"), "the rule that matched nothing: %s", missing);
	CHECK(cmd_parse__check_rule("x=(", missing, sizeof(missing)) && cmd_parse__check_rule("=a", missing, 64) &&
	      cmd_parse__check_rule("a:u:sideways=x", missing, 64) && !cmd_parse__check_rule("a.b:s=x", missing, 64),
	      "rule syntax checked");
}

UNIT_TEST(parse_schbench_json)
{
	static const char js[] = "{\"normal\": {\"version\": \"6.18\",\"hostname\": \"h\",\"sched_ext\": "
		"\"disabled\",\"cmdline\": \"schbench -j x\"},\"int\": {\"time\": 1700000000, "
		"\"wakeup_latency_pct20.0\": 3, \"wakeup_latency_pct50.0\": 7, \"wakeup_latency_pct99.0\": 47, "
		"\"wakeup_latency_pct99.9\": 140, \"wakeup_latency_min\": 1,\"wakeup_latency_max\": 900, "
		"\"rps_pct50.0\": 12000}}";
	struct results *r = results__new();
	char *argv[] = { "/usr/local/bin/schbench", NULL };

	CHECK(r, "results");
	DEFER(results__free, r);
	CHECK(cmd_parse__auto(argv) == CMD_PARSE_SCHBENCH, "auto by name");
	CHECK(cmd_parse__apply("", CMD_PARSE_SCHBENCH, "", js, r, NULL, 0) == 7, "seven numbers");
	CHECK(metric(r, "schbench_wakeup_latency_p99") == 47 && metric(r, "schbench_wakeup_latency_p99.9") == 140,
	      "p99, p99.9");
	CHECK(results__find_metric(r, "schbench_rps_p50")->better == BETTER_HIGHER &&
	      results__find_metric(r, "schbench_wakeup_latency_p50")->better == BETTER_LOWER, "directions");
	CHECK(!results__find_metric(r, "schbench_time"), "the timestamp is no metric");
}

/* a two-thread ping-pong every 1000 us, 200 us bursts */
static struct capture *pingpong(int rounds)
{
	struct capture *c = capture__new();

	capture__add_thread(c, 100, "a", 0);
	capture__add_thread(c, 101, "b", 0);
	for (int i = 0; i < rounds; i++) {
		struct cap_step s[] = {
			{ .kind = CAP_SLEEP, .via = VIA_TIMER, .us = 600, .lat_us = 5, .at_us = 1000.0 * i + (i % 3) },
			{ .kind = CAP_RUN, .us = 150 }, { .kind = CAP_RUN, .us = 50 },
			{ .kind = CAP_WAKE, .peer = 1 },
			{ .kind = CAP_BLOCK, .peer = 1, .via = VIA_PIPE, .us = 200, .lat_us = 4 },
			{ .kind = CAP_RUN, .us = 10 },
		};
		struct cap_step t[] = {
			{ .kind = CAP_BLOCK, .peer = 0, .via = VIA_PIPE, .us = 800, .lat_us = 6 },
			{ .kind = CAP_RUN, .us = 200 }, { .kind = CAP_WAKE, .peer = 0 },
		};

		for (size_t k = 0; k < sizeof(s) / sizeof(s[0]); k++)
			capture__add_step(c, 0, &s[k]);
		for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++)
			capture__add_step(c, 1, &t[k]);
	}
	c->target = strdup("test");
	capture__finish(c);
	return c;
}

UNIT_TEST(capture_model_round_trip)
{
	struct capture *c = pingpong(50), *d;
	struct cap_summary s;
	char *buf = NULL, err[200];
	size_t len = 0;
	FILE *f;

	CHECK(c, "capture");
	DEFER(capture__free, c);
	CHECK(fabs(c->th[0].period_us - 1000) <= 2, "period found: %g", c->th[0].period_us);
	CHECK(c->th[1].period_us == 0, "the message thread has none");
	CHECK(c->th[0].steps[1].kind == CAP_RUN && c->th[0].steps[1].us == 200, "adjacent runs merged");
	CHECK(c->th[0].steps[0].kind == CAP_TICK, "timer sleeps on the grid are ticks");
	CHECK(c->nedges == 2 && c->edges[0].count == 50, "edges counted");
	capture__summary(&c->th[1], &s);
	CHECK(s.bursts == 49 && s.sleeps == 50 && s.burst_p50_us == 200 && s.sleep_p50_us == 800 && s.wakeup_p50_us == 6,
	      "summary of b");
	f = open_memstream(&buf, &len);
	CHECK(f && !capture__write(c, f) && !fclose(f), "write");
	DEFER(free, buf);
	d = capture__parse(buf, err, sizeof(err));
	CHECK(d, "parse back: %s", err);
	DEFER(capture__free, d);
	CHECK(d->nth == 2 && d->th[0].nsteps == c->th[0].nsteps && d->th[1].nsteps == c->th[1].nsteps,
	      "same steps");
	CHECK(d->th[0].period_us == c->th[0].period_us && !strcmp(d->target, "test"), "same period, target");
	for (int k = 0; k < c->th[0].nsteps; k++)
		CHECK(d->th[0].steps[k].kind == c->th[0].steps[k].kind &&
		      fabs(d->th[0].steps[k].us - c->th[0].steps[k].us) < 0.06, "step %d", k);
	CHECK(!capture__parse("{\"format\":\"other\"}", err, sizeof(err)) && strstr(err, "not a scxbench"),
	      "foreign JSON refused: %s", err);
	CHECK(!capture__parse("{\"format\":\"scxbench-capture\",\"version\":1,\"threads\":[{\"steps\":"
			      "[[\"w\",5]]}]}", err, sizeof(err)) && strstr(err, "not in the capture"),
	      "a step naming a missing thread refused: %s", err);
}

UNIT_TEST(hist_ks_distance)
{
	struct hist *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

	CHECK(a && b, "memory");
	DEFER(free, a);
	DEFER(free, b);
	hist__init(a);
	hist__init(b);
	CHECK(isnan(hist__ks(a, b)), "empty: NaN");
	for (int i = 0; i < 1000; i++) {
		hist__add(a, 1000 + i);
		hist__add(b, 1000 + i);
	}
	CHECK(hist__ks(a, b) == 0, "same: 0");
	hist__init(b);
	for (int i = 0; i < 1000; i++)
		hist__add(b, 100000 + i);
	CHECK(hist__ks(a, b) == 1, "apart: 1");
	hist__init(b);
	for (int i = 0; i < 1000; i++)
		hist__add(b, i < 500 ? 1000 + i : 100000);
	CHECK(fabs(hist__ks(a, b) - 0.5) < 0.01, "half: %g", hist__ks(a, b));
}

UNIT_TEST(rtapp_export_shape)
{
	struct capture *c = pingpong(40);
	struct jv *v, *t;
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	CHECK(c && f, "set-up");
	DEFER(capture__free, c);
	CHECK(!rtapp__write(c, f) && !fclose(f), "write");
	DEFER(free, buf);
	v = json_parse(buf, err, sizeof(err));
	CHECK(v, "valid JSON: %s", err);
	DEFER(json_free, v);
	t = (struct jv *)json_get(json_get(json_get(json_get(v, "tasks"), "thread0"), "phases"), "p0");
	CHECK(t, "thread0's phase");
	CHECK(json_get(t, "run1") || json_get(t, "run0"), "a run");
	CHECK(strstr(buf, "\"resume") && strstr(buf, "\"suspend") && strstr(buf, "\"period\": 100"),
	      "resume, suspend and the 1 ms timer: %s", buf);
}
