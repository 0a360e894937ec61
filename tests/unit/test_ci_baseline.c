// SPDX-License-Identifier: GPL-2.0
/* CI baseline selection on a made-up history (no database: the selection
 * is pure): which runs are tonight's, on which machine, and which earlier
 * labels form each scheduler's baseline under last:K and label:NAME. */
#include <stdio.h>
#include <string.h>

#include "harness/ci/baseline.h"
#include "tests/unit/unit.h"

#define NRUNS 12

static struct q_run run_v[NRUNS];
static struct ci_run_ref refs[NRUNS];
static struct q_runs runs = { run_v, NRUNS };
static bool tonight[NRUNS];

static void mk(int i, const char *sched, const char *label, const char *status,
	       const char *kernel, double t)
{
	struct q_run *r = &run_v[i];

	memset(r, 0, sizeof(*r));
	r->id = 100 + i;
	r->exit_kind = -1;
	snprintf(r->scheduler, sizeof(r->scheduler), "%s", sched);
	r->status = run_status__parse(status);
	snprintf(r->hostname, sizeof(r->hostname), "ci-box");
	snprintf(r->place, sizeof(r->place), "host");
	snprintf(r->kernel_release, sizeof(r->kernel_release), "%s", kernel);
	r->ncpus = 4;
	r->started_at = t;
	refs[i].id = r->id;
	snprintf(refs[i].label, sizeof(refs[i].label), "%s", label);
}

/*
 * Kernel "A" is tonight's machine, "B" another kernel on the same host.
 * n1 was run again later (t 250): it is the newest earlier label. n3 has
 * no ok run and n4 ran on B: neither is a label of machine A.
 */
static void history(void)
{
	mk(0, "simple", "n1", "ok", "A", 100);
	mk(1, "simple", "n1", "ok", "A", 110);
	mk(2, "vtime", "n1", "ok", "A", 105);
	mk(3, "simple", "n2", "ok", "A", 200);
	mk(4, "simple", "n2", "sched_failed", "A", 260); /* does not date n2 */
	mk(5, "simple", "n3", "failed", "A", 300);
	mk(6, "simple", "n4", "ok", "B", 400);
	mk(7, "simple", "n1", "ok", "A", 250);
	mk(8, "simple", "tonight", "ok", "A", 500);
	mk(9, "simple", "tonight", "sched_failed", "A", 510);
	mk(10, "simple", "tonight", "ok", "B", 490);
	mk(11, "vtime", "tonight", "ok", "A", 505);
}

/* "0,1,7" from a flag array */
static const char *set(const bool *v)
{
	static char buf[4][128];
	static int k;
	char *s = buf[k++ & 3];
	size_t l = 0;

	s[0] = 0;
	for (int i = 0; i < NRUNS; i++)
		if (v[i])
			l += snprintf(s + l, 128 - l, "%s%d", l ? "," : "", i);
	return s;
}

static void policy(struct ci_config *c, enum ci_baseline kind, int k, const char *label)
{
	memset(c, 0, sizeof(*c));
	c->baseline = kind;
	c->last_k = k;
	snprintf(c->baseline_label, sizeof(c->baseline_label), "%s", label);
}

static struct ci_config cfg; /* large: not on the stack */

UNIT_TEST(ci_baseline_tonight_is_the_newest_machine)
{
	const struct q_run *ident;

	history();
	ident = ci_baseline__tonight(&runs, refs, "tonight", tonight);
	CHECK(!strcmp(set(tonight), "8,9,10,11"), "tonight: %s", set(tonight));
	CHECK(ident == &run_v[9], "ident: run %d, want 9", ident ? (int)(ident - run_v) : -1);
	/* a tie on started_at: the later run in the history's order */
	run_v[11].started_at = 510;
	ident = ci_baseline__tonight(&runs, refs, "tonight", tonight);
	CHECK(ident == &run_v[11], "tie: run %d, want 11", ident ? (int)(ident - run_v) : -1);
	CHECK(!ci_baseline__tonight(&runs, refs, "never", tonight), "no run of a label");
	CHECK(!strcmp(set(tonight), ""), "no run is tonight's: %s", set(tonight));
}

UNIT_TEST(ci_baseline_same_machine)
{
	struct q_run a, b;

	history();
	a = run_v[0];
	b = run_v[3];
	CHECK(ci_baseline__same_machine(&a, &b), "same host, place, kernel, cpus");
	b.ncpus = 8;
	CHECK(!ci_baseline__same_machine(&a, &b), "CPU count");
	b = run_v[3];
	snprintf(b.place, sizeof(b.place), "vm");
	CHECK(!ci_baseline__same_machine(&a, &b), "place");
	b = run_v[3];
	snprintf(b.guest_kernel, sizeof(b.guest_kernel), "6.12");
	CHECK(!ci_baseline__same_machine(&a, &b), "guest kernel");
	b = run_v[3];
	snprintf(b.accel, sizeof(b.accel), "tcg");
	CHECK(!ci_baseline__same_machine(&a, &b), "accelerator");
	CHECK(!ci_baseline__same_machine(&run_v[0], &run_v[6]), "kernel");
}

UNIT_TEST(ci_baseline_last_k)
{
	struct ci_base_runs b;
	const struct q_run *ident;
	char desc[512];

	history();
	ident = ci_baseline__tonight(&runs, refs, "tonight", tonight);
	policy(&cfg, CI_BASE_LAST, 1, "");
	CHECK(ci_baseline__select(&cfg, "simple", &runs, refs, tonight, ident, &b) == 0, "select");
	CHECK(b.nlabels == 2 && !strcmp(b.labels[0].label, "n1") &&
	      !strcmp(b.labels[1].label, "n2"), "labels newest first: n1, n2 (%d)", b.nlabels);
	CHECK(b.labels[0].t == 250 && b.labels[1].t == 200, "a label's newest ok run dates it");
	CHECK(b.labels[0].baseline && !b.labels[1].baseline && b.nbase == 1, "last:1 is n1");
	CHECK(!strcmp(set(b.base), "0,1,7"), "baseline runs %s, want n1's ok ones", set(b.base));
	CHECK(!strcmp(set(b.cur), "8,9"), "tonight's runs of simple on A: %s", set(b.cur));
	CHECK(!strcmp(set(b.ok), "0,1,3,7,8"), "ok runs of simple on A: %s", set(b.ok));
	ci_baseline__describe(&cfg, &b, desc, sizeof(desc));
	CHECK(!strcmp(desc, "last 1 labelled night(s) (n1)"), "describe: %s", desc);
	ci_base_runs__free(&b);

	policy(&cfg, CI_BASE_LAST, 5, "");
	CHECK(ci_baseline__select(&cfg, "simple", &runs, refs, tonight, ident, &b) == 0, "select");
	CHECK(b.nbase == 2 && !strcmp(set(b.base), "0,1,3,7"), "last:5: %s", set(b.base));
	ci_baseline__describe(&cfg, &b, desc, sizeof(desc));
	CHECK(!strcmp(desc, "last 5 labelled night(s) (n1, n2)"), "describe: %s", desc);
	ci_base_runs__free(&b);

	/* another scheduler has its own labels and runs */
	CHECK(ci_baseline__select(&cfg, "vtime", &runs, refs, tonight, ident, &b) == 0, "select");
	CHECK(b.nlabels == 1 && b.labels[0].t == 105 && !strcmp(set(b.base), "2") &&
	      !strcmp(set(b.cur), "11"), "vtime: base %s, cur %s", set(b.base), set(b.cur));
	ci_base_runs__free(&b);
}

UNIT_TEST(ci_baseline_pinned_label)
{
	struct ci_base_runs b;
	const struct q_run *ident;
	char desc[512];

	history();
	ident = ci_baseline__tonight(&runs, refs, "tonight", tonight);
	policy(&cfg, CI_BASE_LABEL, 0, "n2");
	CHECK(ci_baseline__select(&cfg, "simple", &runs, refs, tonight, ident, &b) == 0, "select");
	CHECK(b.nbase == 1 && !b.labels[0].baseline && b.labels[1].baseline, "only n2");
	CHECK(!strcmp(set(b.base), "3"), "n2's ok run only: %s", set(b.base));
	ci_baseline__describe(&cfg, &b, desc, sizeof(desc));
	CHECK(!strcmp(desc, "pinned label n2 (n2)"), "describe: %s", desc);
	ci_base_runs__free(&b);

	/* n3 had no ok run, n4 ran on another kernel: neither is a baseline */
	for (int i = 0; i < 2; i++) {
		policy(&cfg, CI_BASE_LABEL, 0, i ? "n4" : "n3");
		CHECK(ci_baseline__select(&cfg, "simple", &runs, refs, tonight, ident, &b) == 0,
		      "select");
		CHECK(b.nbase == 0 && !strcmp(set(b.base), ""), "%s: %s", cfg.baseline_label,
		      set(b.base));
		ci_baseline__describe(&cfg, &b, desc, sizeof(desc));
		CHECK(!strcmp(desc, i ? "pinned label n4: no earlier night on this machine" :
					"pinned label n3: no earlier night on this machine"),
		      "describe: %s", desc);
		ci_base_runs__free(&b);
	}
}

UNIT_TEST(ci_baseline_other_machine)
{
	struct ci_base_runs b;
	char desc[512];

	/* tonight judged from kernel B's run: only B's earlier nights count */
	history();
	ci_baseline__tonight(&runs, refs, "tonight", tonight);
	policy(&cfg, CI_BASE_LAST, 5, "");
	CHECK(ci_baseline__select(&cfg, "simple", &runs, refs, tonight, &run_v[10], &b) == 0,
	      "select");
	CHECK(b.nlabels == 1 && !strcmp(b.labels[0].label, "n4"), "B's label: n4");
	CHECK(!strcmp(set(b.base), "6") && !strcmp(set(b.cur), "10"), "base %s, cur %s",
	      set(b.base), set(b.cur));
	ci_base_runs__free(&b);

	/* the first night: nothing earlier */
	mk(6, "simple", "n4", "ok", "C", 400);
	CHECK(ci_baseline__select(&cfg, "simple", &runs, refs, tonight, &run_v[10], &b) == 0,
	      "select");
	CHECK(b.nlabels == 0 && b.nbase == 0, "no label");
	ci_baseline__describe(&cfg, &b, desc, sizeof(desc));
	CHECK(!strcmp(desc, "last 5 labelled night(s): no earlier night on this machine"),
	      "describe: %s", desc);
	ci_base_runs__free(&b);
}
