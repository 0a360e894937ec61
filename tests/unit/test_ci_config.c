// SPDX-License-Identifier: GPL-2.0
/* The CI config parser: a good file, and every kind of error with its
 * file:line (all of them reported in one pass). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/ci/config.h"
#include "tests/unit/unit.h"

static const char good[] =
	"# nightly\n"
	"[ci]\n"
	"db = /var/lib/h.db\n"
	"out = ci-out\n"
	"label = time\n"
	"place = vm\n"
	"reps = until-ci\n"
	"min-reps = 4\n"
	"max-reps = 12\n"
	"ci-target = 3 %\n"
	"duration = 2s\n"
	"trace = no\n"
	"alpha = 0.01\n"
	"min-effect = 4%\n"
	"baseline = label:v1.0\n"
	"seed = 42\n"
	"\n"
	"[scheduler simple]\n"
	"timeout-ms = 5000\n"
	"[scheduler exec:scx_lavd]\n"
	"args = --performance \"--slice-us 20\" # kept\n"
	"[workload hb-pipe]\n"
	"groups = 2\n"
	"type = hackbench\n"
	"duration = 3s\n"
	"[metric elapsed_s]\n"
	"min-effect = 10%\n"
	"[metric ctx_switches]\n"
	"gate = no\n"
	"[metric sys_ctxt]\n"
	"gate = yes\n"
	"[metric hackbench_msgs_per_s]\n"
	"gate = no\n";

UNIT_TEST(ci_config_good)
{
	struct ci_config c;
	char err[1024];
	bool gate;
	int rc = ci_config__parse(&c, "good.conf", good, err, sizeof(err));

	CHECK(!rc, "rc %d: %s", rc, err);
	CHECK(!strcmp(c.db, "/var/lib/h.db") && c.label_policy == CI_LABEL_TIME, "db/label");
	CHECK(c.place == CI_PLACE_VM && c.until_ci && c.min_reps == 4 && c.max_reps == 12, "reps");
	CHECK(fabs(c.ci_target_pct - 3) < 1e-12 && fabs(c.duration_s - 2) < 1e-12 && !c.trace, "ci");
	CHECK(fabs(c.alpha - 0.01) < 1e-12 && fabs(c.min_effect_pct - 4) < 1e-12, "alpha/effect");
	CHECK(c.baseline == CI_BASE_LABEL && !strcmp(c.baseline_label, "v1.0"), "baseline");
	CHECK(c.have_seed && c.seed == 42, "seed");
	CHECK(c.nsched == 2 && c.sched[0].timeout_ms == 5000, "scheds");
	CHECK(c.sched[1].argc == 4 && !strcmp(c.sched[1].argv[1], "--slice-us 20") &&
	      !strcmp(c.sched[1].argv[2], "#") && !c.sched[1].argv[4], "exec args: %d", c.sched[1].argc);
	CHECK(c.nwl == 1 && !strcmp(c.wl[0].wl->name, "hackbench") &&
	      !strcmp(wl_param_str(&c.wl[0].params, "groups"), "2"), "workload");
	CHECK(strstr(c.wl[0].sig, "hb-pipe|hackbench|d=3|trace=0|") && strstr(c.wl[0].sig, "groups=2"),
	      "sig %s", c.wl[0].sig);
	/* gated: a workload's primary metrics, and what says gate = yes */
	CHECK(fabs(ci_config__min_effect(&c, "hackbench", "elapsed_s", &gate) - 10) < 1e-12 && !gate,
	      "a [metric] without gate: exploratory when not primary");
	CHECK(fabs(ci_config__min_effect(&c, "hackbench", "ctx_switches", &gate) - 4) < 1e-12 && !gate,
	      "gate=no");
	CHECK(ci_config__min_effect(&c, "hackbench", "sys_ctxt", &gate) == 4 && gate, "gate=yes");
	CHECK(ci_config__min_effect(&c, "hackbench", "hackbench_msgs_per_s", &gate) == 4 && !gate,
	      "gate=no on a primary metric");
	CHECK(ci_config__min_effect(&c, "cpu", "cpu_work_per_s", &gate) == 4 && gate,
	      "a primary metric without a [metric] section");
	CHECK(ci_config__min_effect(&c, "cpu", "other", &gate) == 4 && !gate, "default: exploratory");
	CHECK(ci_config__min_effect(&c, "mixed", "wakeup_lat_p99", &gate) == 4 && gate,
	      "mixed's primary latency");
	ci_config__free(&c);

	rc = ci_config__parse(&c, "m.conf", "[ci]\nkernels = 7.2 , /boot/vmlinuz\ntopologies = 1n2s2c2t,"
			      " 2n2s1c1t\n[scheduler vtime]\n[workload cpu]\n", err, sizeof(err));
	CHECK(!rc && !strcmp(c.kernels, "7.2,/boot/vmlinuz") &&
	      !strcmp(c.topologies, "2s2c2t,2n2s1c1t") && c.place == CI_PLACE_VM,
	      "kernels/topologies: %s | %s | %s", err, c.kernels, c.topologies);
	ci_config__free(&c);

	rc = ci_config__parse(&c, "min.conf", "[ci]\n[scheduler vtime]\n[workload cpu]\n", err,
			      sizeof(err));
	CHECK(!rc && c.reps == 5 && c.baseline == CI_BASE_LAST && c.last_k == 5 &&
	      fabs(c.alpha - 0.05) < 1e-12 && c.place == CI_PLACE_AUTO, "defaults: %s", err);
	ci_config__free(&c);
}

/* one bad line each: the message must start with the file:line */
UNIT_TEST(ci_config_errors)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "[ci]\ncolour = blue\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: unknown key 'colour'" },
		{ "[ci]\nalpha = 0.7\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: alpha = 0.7" },
		{ "[ci]\nreps = many\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: reps = many" },
		{ "[ci]\nbaseline = newest\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: baseline = newest" },
		{ "[ci]\nbaseline = last:0\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: baseline = last:0" },
		{ "[ci]\nmin-effect = 5 percent\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: min-effect" },
		{ "[ci]\nduration = forever\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: duration" },
		{ "[ci]\nplace = cloud\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: place = cloud" },
		{ "[ci]\n[bogus]\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: unknown section [bogus]" },
		{ "[ci]\n[scheduler simple]\n[workload cpu]\n[workload cpu]\n", "x.conf:4: workload cpu already defined at line 3" },
		{ "[ci]\n[scheduler simple]\nargs = -x\n[workload cpu]\n", "x.conf:3: args: only exec:" },
		{ "[ci]\n[scheduler simple]\n[workload hackbench]\ngroups = many\n", "x.conf:4: " },
		{ "[ci]\n[scheduler simple]\n[workload hackbench]\nbogus = 1\n", "x.conf:4: " },
		{ "[ci]\n[scheduler simple]\n[workload nosuch]\n", "x.conf:3: unknown workload 'nosuch'" },
		{ "[ci]\n[scheduler simple]\n[workload x]\ntype = nosuch\n", "x.conf:4: unknown workload 'nosuch'" },
		{ "[ci]\nalpha = 0.1\nalpha = 0.2\n[scheduler simple]\n[workload cpu]\n", "x.conf:3: alpha: set twice" },
		{ "db = x\n[ci]\n[scheduler simple]\n[workload cpu]\n", "x.conf:1: 'db' outside any section" },
		{ "[ci]\njust words\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: expected 'key = value'" },
		{ "[ci\n[scheduler simple]\n[workload cpu]\n", "x.conf:1: malformed section header" },
		{ "[ci]\n[scheduler simple]\n", "x.conf:2: no [workload NAME] section" },
		{ "[ci]\n[workload cpu]\n", "x.conf:2: no [scheduler NAME] section" },
		{ "[scheduler simple]\n[workload cpu]\n", "x.conf:1: no [ci] section" },
		{ "[ci]\n[metric m]\nmin-effect = -3%\n[scheduler simple]\n[workload cpu]\n", "x.conf:3: min-effect" },
		{ "[ci]\n[scheduler exec:x]\nargs = \"open\n[workload cpu]\n", "x.conf:3: args: unmatched" },
		{ "[ci]\ntopologies = 2s2c2t, 2s2c\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: topologies: topology '2s2c'" },
		{ "[ci]\ntopologies = 2s2c2t,,1s2c1t\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: topologies = " },
		{ "[ci]\nkernels = a, b c\n[scheduler simple]\n[workload cpu]\n", "x.conf:2: kernels: 'b c'" },
		{ "[ci]\nplace = host\nkernels = a\n[scheduler simple]\n[workload cpu]\n", "x.conf:5: kernel =, kernels = and topologies = are for place = vm" },
		{ "[ci]\nkernel = /k\nkernels = a\n[scheduler simple]\n[workload cpu]\n", "exclude each other" },
		{ "[ci]\nkernels = a,b,c,d,e\ntopologies = 1s1c1t,1s2c1t,1s3c1t,1s4c1t\n[scheduler simple]\n[workload cpu]\n", "20 cells, at most 16" },
	};
	char err[2048];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ci_config c;
		int rc = ci_config__parse(&c, "x.conf", cases[i].text, err, sizeof(err));

		CHECK(rc == -22, "case %zu: rc %d, want -EINVAL", i, rc);
		CHECK(strstr(err, cases[i].want), "case %zu: got \"%s\", want \"%s\"", i, err,
		      cases[i].want);
		ci_config__free(&c);
	}
}

/* all errors at once, each on its own line */
UNIT_TEST(ci_config_all_errors)
{
	struct ci_config c;
	char err[2048];
	int rc = ci_config__parse(&c, "y.conf",
				  "[ci]\nalpha = 9\nreps = 0\n[scheduler simple]\n[workload cpu]\nnope = 1\n",
				  err, sizeof(err));

	CHECK(rc == -22, "rc %d", rc);
	CHECK(strstr(err, "y.conf:2:") && strstr(err, "\ny.conf:3:") && strstr(err, "\ny.conf:6:"),
	      "err: %s", err);
	ci_config__free(&c);
	/* a missing file is an error naming the file, not a crash */
	rc = ci_config__load(&c, "/nonexistent/ci.conf", err, sizeof(err));
	CHECK(rc == -2 && strstr(err, "/nonexistent/ci.conf"), "load: %d %s", rc, err);
	ci_config__free(&c);
}

/* [workload NAME] with cmd = / replay =: the workload and its argument */
UNIT_TEST(ci_config_cmd_replay)
{
	struct ci_config c;
	char err[1024];
	int rc = ci_config__parse(&c, "cmd.conf",
				  "[ci]\n[scheduler simple]\n"
				  "[workload sw]\ncmd = sh -c 'echo ok 42'\n"
				  "metric = v:ok:higher=ok ([0-9]+)\nmetric = w=ok ([0-9]+)\n", err, sizeof(err));

	CHECK(!rc, "rc %d: %s", rc, err);
	DEFER(ci_config__free, &c);
	CHECK(c.nwl == 1 && !strcmp(c.wl[0].wl->name, "cmd"), "type cmd from cmd =");
	CHECK(!strcmp(wl_param_str(&c.wl[0].params, "command"), "sh -c 'echo ok 42'"), "the command");
	CHECK(!strcmp(wl_param_str(&c.wl[0].params, "metric"), "v:ok:higher=ok ([0-9]+)\nw=ok ([0-9]+)"),
	      "two metric rules: %s", wl_param_str(&c.wl[0].params, "metric"));
	ci_config__free(&c);
	rc = ci_config__parse(&c, "bad.conf", "[ci]\n[scheduler simple]\n[workload x]\ncmd = no-such-cmd-q\n",
			      err, sizeof(err));
	CHECK(rc && strstr(err, "bad.conf:3") && strstr(err, "not found"), "a missing command: %s", err);
	ci_config__free(&c);
	rc = ci_config__parse(&c, "r.conf", "[ci]\n[scheduler simple]\n[workload x]\nreplay = /nonexistent.capture\n",
			      err, sizeof(err));
	CHECK(rc && strstr(err, "r.conf:3") && strstr(err, "nonexistent.capture"), "a missing capture: %s", err);
}
