// SPDX-License-Identifier: GPL-2.0
/*
 * Workload parameter tables and parsing (harness/params.c) for every
 * registered workload, then each workload run for real, briefly: the
 * results must be consistent and no child may be left behind.
 */
#include <sched.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/lib/results.h"
#include "tests/unit/unit.h"
#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

/* a reason goes into why, not onto the test's output */
static char quiet_why[256];
static const struct wl_run_ctx quiet_ctx = { .why = quiet_why, .whylen = sizeof(quiet_why) };

static bool valid_flag_name(const char *s)
{
	if (!*s || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static bool in_choices(const char *choices, const char *v)
{
	size_t n = strlen(v);

	for (const char *p = choices; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, v, n) && (p[n] == ',' || !p[n]))
			return true;
	return false;
}

UNIT_TEST(workload_registry)
{
	const char *names[] = { "hackbench", "latency", "cpu", "mixed", "cmd", "replay" };
	const char *arg;

	CHECK(workload__count() == 6, "count %d", workload__count());
	for (int i = 0; i < 6; i++) {
		CHECK(workload__find(names[i]) && workload__find(names[i]) == workload__at(i),
		      "%s not found at %d", names[i], i);
		CHECK(workload__at(i)->run && workload__at(i)->summary && workload__at(i)->params,
		      "%s incomplete", names[i]);
	}
	CHECK(!workload__find("nope") && !workload__find(NULL), "unknown workload found");
	CHECK(!workload__at(-1) && !workload__at(6), "out-of-range index");
	CHECK(workload__parse("cmd:stress-ng --cpu 2", &arg) == workload__find("cmd") &&
	      !strcmp(arg, "stress-ng --cpu 2"), "cmd:ARG");
	CHECK(workload__parse("replay:a:b.capture", &arg) == workload__find("replay") &&
	      !strcmp(arg, "a:b.capture"), "replay:ARG (the first colon splits)");
	CHECK(!workload__parse("hackbench:x", &arg) && workload__parse("hackbench", &arg) && !arg,
	      "only arg workloads take :ARG");
}

UNIT_TEST(workload_param_tables)
{
	for (int w = 0; w < workload__count(); w++) {
		const struct workload *wl = workload__at(w);
		struct wl_params p = { 0 };

		for (int i = 0; i < wl->nr_params; i++) {
			const struct wl_param_def *d = &wl->params[i];

			CHECK(valid_flag_name(d->name), "%s: bad name '%s'", wl->name, d->name);
			CHECK(d->help && *d->help && d->def, "%s --%s: no help/default", wl->name, d->name);
			for (int j = 0; j < i; j++)
				CHECK(strcmp(d->name, wl->params[j].name), "%s: --%s twice", wl->name, d->name);
			if (d->type == WL_ENUM)
				CHECK(d->choices && in_choices(d->choices, d->def),
				      "%s --%s: default %s not a choice", wl->name, d->name, d->def);
			else
				CHECK(d->min <= d->max, "%s --%s: min > max", wl->name, d->name);
		}
		CHECK(!wl_params__init(&p, wl), "%s: defaults do not parse", wl->name);
		wl_params__free(&p);
	}
}

/* Every bound, type and unknown name is refused with -EINVAL / -ERANGE. */
UNIT_TEST(workload_param_bad_values)
{
	for (int w = 0; w < workload__count(); w++) {
		const struct workload *wl = workload__at(w);
		struct wl_params p;
		char err[256], v[64];

		CHECK(!wl_params__init(&p, wl), "init %s", wl->name);
		err[0] = 0;
		CHECK(wl_params__set(&p, "no-such-param", "1", err, sizeof(err)) == -EINVAL &&
		      strstr(err, "no-such-param"), "%s: unknown parameter: '%s'", wl->name, err);
		for (int i = 0; i < wl->nr_params; i++) {
			const struct wl_param_def *d = &wl->params[i];
			int rc;

			switch (d->type) {
			case WL_INT:
			case WL_DOUBLE:
				rc = wl_params__set(&p, d->name, "12abc", err, sizeof(err));
				CHECK(rc == -EINVAL, "%s --%s 12abc: %d", wl->name, d->name, rc);
				/* decimal only: strtod and strtoll(.., 0) would take these */
				rc = wl_params__set(&p, d->name, "0x1", err, sizeof(err));
				CHECK(rc == -EINVAL, "%s --%s 0x1: %d", wl->name, d->name, rc);
				rc = wl_params__set(&p, d->name, "0x1p0", err, sizeof(err));
				CHECK(rc == -EINVAL, "%s --%s 0x1p0: %d", wl->name, d->name, rc);
				snprintf(v, sizeof(v), "%.17g", d->max * 2 + 1);
				rc = wl_params__set(&p, d->name, v, err, sizeof(err));
				CHECK(rc == -ERANGE, "%s --%s %s: %d", wl->name, d->name, v, rc);
				snprintf(v, sizeof(v), "%.17g", d->min - 1);
				rc = wl_params__set(&p, d->name, v, err, sizeof(err));
				CHECK(rc == -ERANGE, "%s --%s %s: %d", wl->name, d->name, v, rc);
				break;
			case WL_BOOL:
				rc = wl_params__set(&p, d->name, "maybe", err, sizeof(err));
				CHECK(rc == -EINVAL, "%s --%s maybe: %d", wl->name, d->name, rc);
				break;
			case WL_ENUM:
				rc = wl_params__set(&p, d->name, "nope", err, sizeof(err));
				CHECK(rc == -EINVAL, "%s --%s nope: %d", wl->name, d->name, rc);
				break;
			case WL_STR:
			case WL_LIST:
				rc = wl_params__set(&p, d->name, "a\x01b", err, sizeof(err));
				CHECK(rc == -EINVAL, "%s --%s control char: %d", wl->name, d->name, rc);
				break;
			case WL_FLAG:
				rc = wl_params__set(&p, d->name, "yes please", err, sizeof(err));
				CHECK(rc == -EINVAL, "%s --%s value: %d", wl->name, d->name, rc);
				break;
			}
			/* a refused value leaves the default in place */
			CHECK(!strcmp(p.v[i].text, d->def), "%s --%s: now %s, default %s", wl->name,
			      d->name, p.v[i].text, d->def);
		}
		wl_params__free(&p);
	}
}

/* the option parsers under every flag: decimal only, as the help says */
UNIT_TEST(parse_numbers_decimal_only)
{
	static const char *const bad[] = { "0x10", "0X10", "0x1p-2", "inf", "nan", "infinity",
					   " 1", "1 ", "", "1,5", "0b1", "1e", "--1" };
	int64_t i;
	double d;

	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		CHECK(parse_i64(bad[k], -1000, 1000, &i) == -EINVAL, "parse_i64 '%s'", bad[k]);
		CHECK(parse_double(bad[k], -1000, 1000, &d) == -EINVAL, "parse_double '%s'", bad[k]);
		CHECK(parse_duration(bad[k], 0, 1000, &d) == -EINVAL, "parse_duration '%s'", bad[k]);
	}
	CHECK(!parse_i64("010", 0, 100, &i) && i == 10, "010 is ten: %lld", (long long)i);
	CHECK(!parse_double("1.5e1", 0, 100, &d) && d == 15, "1.5e1: %g", d);
	CHECK(!parse_duration("250ms", 0, 100, &d) && d == 0.25, "250ms: %g", d);
	CHECK(!parse_duration("0.5s", 0, 100, &d) && d == 0.5, "0.5s: %g", d);
	CHECK(parse_duration("0x10s", 0, 100, &d) == -EINVAL, "0x10s");
	CHECK(parse_i64("1001", -1000, 1000, &i) == -ERANGE, "1001 out of range");
}

UNIT_TEST(workload_param_text_types)
{
	const struct workload *cmd = workload__find("cmd");
	struct wl_params p;
	char err[256];

	CHECK(!wl_params__init(&p, cmd), "init");
	DEFER(wl_params__free, &p);
	CHECK(!wl_params__set(&p, "command", "stress-ng --cpu 2 -t 5s", err, sizeof(err)), "%s", err);
	CHECK(!strcmp(wl_param_str(&p, "command"), "stress-ng --cpu 2 -t 5s"), "text kept whole");
	CHECK(!wl_params__set(&p, "metric", "a=x", err, sizeof(err)) &&
	      !wl_params__set(&p, "metric", "b=y", err, sizeof(err)), "%s", err);
	CHECK(!strcmp(wl_param_str(&p, "metric"), "a=x\nb=y"), "list appends: %s", wl_param_str(&p, "metric"));
	CHECK(!wl_params__set(&p, "shell", "1", err, sizeof(err)) && wl_param_bool(&p, "shell"), "flag");
	CHECK(!cmd->check(&p, err, sizeof(err)) || strstr(err, "not found"), "check runs: %s", err);
	CHECK(!wl_params__set(&p, "command", "no-such-cmd-xyz", err, sizeof(err)), "%s", err);
	CHECK(!wl_params__set(&p, "shell", "0", err, sizeof(err)), "%s", err);
	CHECK(cmd->check(&p, err, sizeof(err)) == -EINVAL && strstr(err, "not found"), "missing command: %s", err);
}

UNIT_TEST(workload_param_values)
{
	const struct workload *hb = workload__find("hackbench"), *lat = workload__find("latency");
	struct wl_params p;
	struct hb_cfg hc;
	struct probe_cfg pc;
	char err[256];

	CHECK(!wl_params__init(&p, hb), "init");
	CHECK(!wl_params__set(&p, "groups", "7", err, sizeof(err)), "%s", err);
	CHECK(!wl_params__set(&p, "pipe", "yes", err, sizeof(err)), "%s", err);
	CHECK(wl_params__set(&p, "groups", "0", err, sizeof(err)) == -ERANGE, "groups 0 accepted");
	CHECK(wl_param_int(&p, "groups") == 7 && !strcmp(wl_param_str(&p, "groups"), "7"),
	      "groups %lld", (long long)wl_param_int(&p, "groups"));
	CHECK(!hb__cfg(&p, "", &hc, &quiet_ctx) && hc.groups == 7 && hc.pipe && !hc.threads &&
	      hc.fds == 10 && hc.loops == 200 && hc.datasize == 100, "hb cfg");
	/* too many tasks for one run is refused before anything starts */
	CHECK(!wl_params__set(&p, "groups", "256", err, sizeof(err)) &&
	      !wl_params__set(&p, "fds", "128", err, sizeof(err)), "%s", err);
	CHECK(wl_params__check(&p, err, sizeof(err)) == -EINVAL && strstr(err, "65536 tasks"),
	      "256 x 128 passed the check: %s", err);
	CHECK(hb__cfg(&p, "", &hc, &quiet_ctx) == -E2BIG, "256 x 128 accepted");
	wl_params__free(&p);

	CHECK(!wl_params__init(&p, lat), "init");
	CHECK(!probe__cfg(&p, "", &pc) && pc.mode == PROBE_BOTH && pc.policy == SCHED_OTHER &&
	      pc.interval_ns == 1000000 && pc.slack_ns == 1 && pc.timer_threads == 1,
	      "latency defaults");
	CHECK(!wl_params__set(&p, "policy", "fifo", err, sizeof(err)) &&
	      !wl_params__set(&p, "mode", "timer", err, sizeof(err)) &&
	      !wl_params__set(&p, "warmup-s", "0.25", err, sizeof(err)), "%s", err);
	CHECK(!probe__cfg(&p, "", &pc) && pc.policy == SCHED_FIFO && pc.mode == PROBE_TIMER &&
	      pc.msg_threads == 0 && pc.warmup_s == 0.25, "latency fifo/timer");
	wl_params__free(&p);
}

/* mixed carries every probe and hackbench parameter under its prefix,
 * and its own config readers find them all (a miss would abort()). */
UNIT_TEST(workload_mixed_prefixed_params)
{
	const struct workload *mixed = workload__find("mixed");
	const char *parts[][2] = { { "latency", "probe-" }, { "hackbench", "hb-" } };
	struct wl_params p;
	struct probe_cfg pc;
	struct hb_cfg hc;
	char err[256];

	for (int k = 0; k < 2; k++) {
		const struct workload *wl = workload__find(parts[k][0]);

		for (int i = 0; i < wl->nr_params; i++) {
			char name[64];
			bool found = false;

			snprintf(name, sizeof(name), "%s%s", parts[k][1], wl->params[i].name);
			for (int j = 0; j < mixed->nr_params; j++)
				found |= !strcmp(mixed->params[j].name, name);
			CHECK(found, "mixed lacks --%s", name);
		}
	}
	CHECK(!wl_params__init(&p, mixed), "init");
	CHECK(!probe__cfg(&p, "probe-", &pc) && !hb__cfg(&p, "hb-", &hc, &quiet_ctx), "mixed cfg");
	CHECK(!wl_params__check(&p, err, sizeof(err)), "mixed defaults refused: %s", err);
	CHECK(!wl_params__set(&p, "hb-groups", "256", err, sizeof(err)) &&
	      !wl_params__set(&p, "hb-fds", "128", err, sizeof(err)) &&
	      wl_params__check(&p, err, sizeof(err)) == -EINVAL && strstr(err, "--hb-groups 256"),
	      "mixed 256 x 128 passed the check: %s", err);
	wl_params__free(&p);
}

/* ---- real runs, short ---- */

static volatile sig_atomic_t stop_flag;

static int run_wl(const char *name, double duration, const char *const *kv, struct results **out)
{
	const struct workload *wl = workload__find(name);
	struct wl_run_ctx ctx = { .duration_s = duration, .stop = &stop_flag, .ncpus = host_ncpus() };
	struct wl_params p;
	char err[256];
	int rc;

	*out = results__new();
	/* freed after the test, passed or failed */
	DEFER_TEST(results__free, *out);
	if (!*out || wl_params__init(&p, wl))
		return -ENOMEM;
	for (int i = 0; kv && kv[i]; i += 2)
		if (wl_params__set(&p, kv[i], kv[i + 1], err, sizeof(err))) {
			printf("# %s\n", err);
			wl_params__free(&p);
			return -EINVAL;
		}
	rc = wl->run(&p, &ctx, *out);
	wl_params__free(&p);
	return rc;
}

static double metric(const struct results *r, const char *name)
{
	const struct metric *m = results__find_metric(r, name);

	return m ? m->value : -1;
}

/* every child reaped: the test binary has no other children */
static bool no_children(void)
{
	return waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD;
}

static bool monotone(const struct results *r, const char *prefix)
{
	const char *sfx[] = { "p50", "p90", "p99", "p99.9", "max" };
	double prev = 0;
	char name[64];

	for (int i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "%s_%s", prefix, sfx[i]);
		if (metric(r, name) < prev)
			return false;
		prev = metric(r, name);
	}
	return metric(r, prefix) == -1 && prev > 0;
}

UNIT_TEST(workload_run_hackbench)
{
	const char *proc_sock[] = { "groups", "2", "fds", "3", "loops", "20", NULL };
	const char *thr_pipe[] = { "groups", "2", "fds", "3", "loops", "20", "threads", "1",
				   "pipe", "1", "datasize", "1000", NULL };
	struct results *r;

	CHECK(run_wl("hackbench", 20, proc_sock, &r) == 0, "process/socket run failed");
	CHECK(metric(r, "hackbench_messages") == 2 * 3 * 3 * 20 && metric(r, "hackbench_elapsed") > 0 &&
	      metric(r, "hackbench_msgs_per_s") > 0, "messages %.0f", metric(r, "hackbench_messages"));
	CHECK(run_wl("hackbench", 20, thr_pipe, &r) == 0, "thread/pipe run failed");
	CHECK(metric(r, "hackbench_messages") == 2 * 3 * 3 * 20, "messages %.0f",
	      metric(r, "hackbench_messages"));
	CHECK(no_children(), "children left");
}

UNIT_TEST(workload_run_hackbench_duration_bound)
{
	const char *big[] = { "groups", "1", "fds", "2", "loops", "10000000", NULL };
	struct results *r;
	uint64_t t0 = now_mono_ns();
	int rc = run_wl("hackbench", 0.3, big, &r);

	CHECK(rc == -ETIME, "rc %d", rc);
	CHECK(now_mono_ns() - t0 < 2000000000ull, "took %.2f s", (now_mono_ns() - t0) / 1e9);
	CHECK(no_children(), "children left");
}

UNIT_TEST(workload_run_cpu)
{
	const char *kv[] = { "hogs", "3", NULL };
	struct results *r;

	CHECK(run_wl("cpu", 0.4, kv, &r) == 0, "run failed");
	CHECK(metric(r, "cpu_hogs") == 3 && metric(r, "cpu_hog_min_units") > 0, "a hog made no progress");
	CHECK(metric(r, "cpu_fairness_jain") > 0 && metric(r, "cpu_fairness_jain") <= 1.000001 &&
	      metric(r, "cpu_minmax_ratio") > 0 && metric(r, "cpu_minmax_ratio") <= 1 &&
	      metric(r, "cpu_work_per_s") > 0, "fairness %f minmax %f", metric(r, "cpu_fairness_jain"),
	      metric(r, "cpu_minmax_ratio"));
	CHECK(no_children(), "children left");
}

UNIT_TEST(workload_run_latency)
{
	const char *kv[] = { "warmup-s", "0.1", NULL };
	struct results *r;

	CHECK(run_wl("latency", 0.5, kv, &r) == 0, "run failed");
	CHECK(metric(r, "timer_lat_samples") > 100 && metric(r, "wakeup_lat_samples") > 100,
	      "samples %.0f %.0f", metric(r, "timer_lat_samples"), metric(r, "wakeup_lat_samples"));
	CHECK(monotone(r, "timer_lat") && monotone(r, "wakeup_lat") && monotone(r, "request_lat"),
	      "percentiles not monotone");
	CHECK(monotone(r, "timer_lat_co") && monotone(r, "wakeup_lat_co") &&
	      monotone(r, "request_lat_co"), "corrected percentiles not monotone");
	/* raw and corrected (_co) twins */
	CHECK(results__nr_hists(r) == 6, "%d histograms", results__nr_hists(r));
	CHECK(metric(r, "probe_policy") == SCHED_OTHER && metric(r, "requests_per_s") > 0, "policy/rps");
	CHECK(no_children(), "children left");
}

UNIT_TEST(workload_run_mixed)
{
	const char *kv[] = { "probe-warmup-s", "0.1", "hogs", "2", NULL };
	struct results *r;

	CHECK(run_wl("mixed", 0.8, kv, &r) == 0, "run failed");
	CHECK(metric(r, "timer_lat_samples") > 0 && metric(r, "wakeup_lat_samples") > 0 &&
	      metric(r, "hackbench_messages") > 0 && metric(r, "hackbench_msgs_per_s") > 0 &&
	      metric(r, "cpu_hog_min_units") > 0, "a part made no progress");
	CHECK(no_children(), "children left");
}

static void *raise_stop(void *arg)
{
	const struct timespec t = { 0, 150000000 };

	nanosleep(&t, NULL);
	stop_flag = 1;
	return NULL;
}

UNIT_TEST(workload_run_stopped)
{
	const char *names[] = { "mixed", "hackbench", "latency", "cpu" };
	const char *big[] = { "loops", "10000000", NULL };

	for (int i = 0; i < 4; i++) {
		uint64_t t0 = now_mono_ns();
		struct results *r;
		pthread_t t;
		int rc;

		stop_flag = 0;
		pthread_create(&t, NULL, raise_stop, NULL);
		rc = run_wl(names[i], 30, !strcmp(names[i], "hackbench") ? big : NULL, &r);
		pthread_join(t, NULL);
		stop_flag = 0;
		CHECK(rc == -EINTR, "%s: rc %d", names[i], rc);
		CHECK(now_mono_ns() - t0 < 3000000000ull, "%s: stopping took %.2f s", names[i],
		      (now_mono_ns() - t0) / 1e9);
		CHECK(no_children(), "%s: children left", names[i]);
	}
}
