// SPDX-License-Identifier: GPL-2.0
/*
 * Scheduler dispatch by spec and the lifecycle every kind shares: refuse
 * when another sched_ext scheduler is active, start, wait for "enabled"
 * with the expected ops, notice an exit during the run, stop. The kinds
 * themselves live in sched_bpf.c (our BPF schedulers) and sched_exec.c
 * (external binaries); eevdf, which loads nothing, is here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "harness/lib/fault.h"
#include "harness/lib/log.h"
#include "harness/sched/impl.h"
#include "harness/lib/util.h"

/* a real scheduler under a busy TCG guest took over 10 s (2 of 3 runs) */
#define START_TIMEOUT_DEFAULT_S 30.0
#define DISABLE_TIMEOUT_S       10.0

/* ---- eevdf: the kernel's fair class, nothing to load ---- */

static int eevdf_start(struct sched *s, char *err, size_t errlen)
{
	return 0;
}

static bool eevdf_has_exited(struct sched *s)
{
	return false;
}

static int eevdf_stop(struct sched *s, struct sched_exit *ex)
{
	return 0;
}

static int eevdf_add_counters(struct sched *s, struct results *res)
{
	return 0;
}

static void eevdf_free(struct sched *s)
{
}

const struct sched_impl sched_eevdf_impl = {
	.kind = "eevdf",
	.uses_scx = false,
	.start = eevdf_start,
	.has_exited = eevdf_has_exited,
	.stop = eevdf_stop,
	.add_counters = eevdf_add_counters,
	.free = eevdf_free,
};

/* ---- spec -> implementation ---- */

static bool is_builtin(const char *name, int *idx)
{
	for (int i = 0; i < sched_nr_builtins; i++)
		if (!strcmp(name, sched_builtins[i].name)) {
			*idx = i;
			return true;
		}
	return false;
}

struct sched *sched__new(const char *spec, const struct sched_opts *opts,
			 char *err, size_t errlen)
{
	char **w = NULL;
	int ret = -EINVAL, nw = 0, nextra = 0, builtin = -1;
	struct sched *s;

	if (!spec || !*spec) {
		xsnprintf(err, errlen, "empty scheduler name");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		xsnprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (opts)
		s->opts = *opts;
	if (s->opts.start_timeout_s <= 0)
		s->opts.start_timeout_s = START_TIMEOUT_DEFAULT_S;
	while (s->opts.exec_argv && s->opts.exec_argv[nextra]) {
		for (const char *c = s->opts.exec_argv[nextra]; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f) {
				xsnprintf(err, errlen, "argument '%.40s': control characters are not"
					  " allowed in a scheduler's arguments", s->opts.exec_argv[nextra]);
				free(s);
				return NULL;
			}
		nextra++;
	}
	for (const char *c = spec; *c; c++)
		if (((unsigned char)*c < 0x20 && *c != '\t') || *c == 0x7f) {
			/* names go into one-line lists, tables, gnuplot data */
			xsnprintf(err, errlen, "scheduler '%.40s...': control characters are not allowed"
				  " in a scheduler or its arguments", spec);
			free(s);
			return NULL;
		}
	if (sched_spec__split(spec, &w, &nw, err, errlen))
		goto fail;
	s->words = w;
	if (!nw) {
		xsnprintf(err, errlen, "empty scheduler name");
		goto fail;
	}
	if (strncmp(w[0], "exec:", 5)) {
		if (nw > 1 || nextra) {
			xsnprintf(err, errlen, "scheduler '%s' takes no arguments (only exec: schedulers do)",
				  w[0]);
			goto fail;
		}
		if (xsnprintf(s->name, sizeof(s->name), "%s", w[0])) {
			xsnprintf(err, errlen, "scheduler name too long: '%.40s...'", w[0]);
			goto fail;
		}
		if (!strcmp(w[0], "eevdf")) {
			if (s->opts.partial) {
				xsnprintf(err, errlen, "--partial needs a sched_ext scheduler"
					  " (eevdf loads nothing: every task is on the fair class)");
				goto fail;
			}
			s->impl = &sched_eevdf_impl;
			return s;
		}
		if (is_builtin(w[0], &builtin)) {
			ret = sched_bpf__init(s, builtin, err, errlen);
			if (ret)
				goto fail;
			return s;
		}
		{
			/* the built-ins of bpf/schedulers.def, by name */
			char known[256] = "eevdf";

			for (int i = 0; i < sched_nr_builtins; i++)
				snprintf(known + strlen(known), sizeof(known) - strlen(known), ", %s",
					 sched_builtins[i].name);
			xsnprintf(err, errlen, "unknown scheduler '%s' (known: %s, exec:BINARY)", w[0],
				  known);
		}
		goto fail;
	}
	/* exec: the spec's own arguments first, then those after "--" */
	s->args = calloc(nw - 1 + nextra + 1, sizeof(char *));
	if (!s->args) {
		xsnprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (int i = 1; i < nw; i++)
		s->args[i - 1] = w[i];
	for (int i = 0; i < nextra; i++)
		s->args[nw - 1 + i] = s->opts.exec_argv[i];
	{
		char *words[SCHED_SPEC_MAX_WORDS];
		int n = 0;

		if (nw + nextra > SCHED_SPEC_MAX_WORDS) {
			xsnprintf(err, errlen, "%s: more than %d arguments", w[0], SCHED_SPEC_MAX_WORDS - 1);
			goto fail;
		}
		words[n++] = w[0];
		for (int i = 0; s->args[i]; i++)
			words[n++] = s->args[i];
		ret = sched_spec__join(words, n, s->name, sizeof(s->name));
		if (ret) {
			xsnprintf(err, errlen, ret == -EINVAL ?
				  "%s: an argument holds both quote kinds (' and \"), which a name cannot keep" :
				  "%s: the scheduler with its arguments is longer than %d characters",
				  w[0], SCHED_NAME_MAX - 1);
			goto fail;
		}
	}
	ret = sched_exec__init(s, w[0] + 5, err, errlen);
	if (ret)
		goto fail;
	return s;
fail:
	free(s->args);
	sched_spec__free(s->words);
	free(s);
	return NULL;
}

/*
 * The lines of a scheduler's output that say why it failed: the scx
 * tools' "EXIT:" line, libbpf's errors, the verifier's last word, a
 * getopt complaint; else lines naming an error; else its last line.
 * At most three, joined by " | ".
 */
void sched__telling_lines(const char *tail, char *buf, size_t len)
{
	static const char *const strong[] = {
		"EXIT:", "invalid option", "unrecognized option", "unknown option",
		"option requires an argument", "failed to open system Kconfig",
	};
	char lines[64][256];
	int n = 0, picked = 0, used[64] = { 0 }, verifier = -1;
	const char *p = tail;
	size_t off = 0;

	buf[0] = 0;
	while (*p && n < 64) {
		size_t l = strcspn(p, "\n");

		if (l) {
			snprintf(lines[n], sizeof(lines[n]), "%.*s", (int)l, p);
			n++;
		}
		p += l + (p[l] == '\n');
	}
	/* the verifier's reason is its log's last line before the statistics */
	for (int i = 0; i < n; i++)
		if (strstr(lines[i], "-- END PROG LOAD LOG --"))
			for (int j = i - 1; j >= 0; j--)
				if (strncmp(lines[j], "processed ", 10) &&
				    strncmp(lines[j], "verification time", 17) &&
				    strncmp(lines[j], "stack depth", 11) &&
				    !strstr(lines[j], "PROG LOAD LOG")) {
					verifier = j;
					break;
				}
	for (int pass = 0; pass < 4 && picked < 3; pass++) {
		for (int i = 0; i < n && picked < 3; i++) {
			bool take = false;

			if (used[i])
				continue;
			if (pass == 0) {
				for (size_t k = 0; k < ARRAY_SIZE(strong) && !take; k++)
					take = strstr(lines[i], strong[k]) != NULL;
				take = take || i == verifier;
			} else if (pass == 1) {
				take = !strncmp(lines[i], "libbpf: ", 8) &&
				       (strcasestr(lines[i], "fail") || strcasestr(lines[i], "error"));
			} else if (pass == 2) {
				take = strcasestr(lines[i], "error") || strcasestr(lines[i], "failed");
			} else {
				/* nothing telling: the last line that is not usage text */
				take = !picked && i == n - 1;
			}
			if (!take)
				continue;
			used[i] = 1;
			off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", picked ? " | " : "",
					lines[i]);
			picked++;
		}
	}
	if (off >= len && len > 4)
		strcpy(buf + len - 4, "...");
}

/* What the scheduler's process did, for a message: "exit status 2". */
static void describe_exit(const struct sched_exit *ex, char *buf, size_t len)
{
	if (ex->proc_valid && ex->proc_signal)
		snprintf(buf, len, " (killed by signal %d, %s)", ex->proc_signal,
			 strsignal(ex->proc_signal));
	else if (ex->proc_valid)
		snprintf(buf, len, " (exit status %d)", ex->proc_exit);
	else
		buf[0] = 0;
}

/* Undo a start that failed; the scheduler's exit is kept for the run. */
static void undo_start(struct sched *s, enum fail_stage stage)
{
	memset(&s->start_exit, 0, sizeof(s->start_exit));
	s->impl->stop(s, &s->start_exit);
	s->start_stage = stage;
	s->started = false;
	s->stopped = true;
}

/*
 * The mode the kernel runs the scheduler in must be the run's: a full run
 * of a scheduler that asked for SCX_OPS_SWITCH_PARTIAL (or a partial run
 * of an exec: scheduler not given its partial flag) would be stored as
 * the other comparison. Not the scheduler's failure: the run's set-up.
 */
static int check_mode(struct sched *s, char *err, size_t errlen)
{
	int all = scx_switch_all();

	if (all < 0) {
		undo_start(s, FAIL_NONE);
		xsnprintf(err, errlen, "cannot read /sys/kernel/sched_ext/switch_all: %s",
			  strerror(-all));
		return all;
	}
	if (all == !s->opts.partial)
		return 0;
	undo_start(s, FAIL_NONE);
	if (s->opts.partial)
		xsnprintf(err, errlen, "%s switched every task to sched_ext (switch_all 1) in a"
			  " --partial run: give it its own partial flag (scx_* schedulers: see"
			  " their -h; SCX_OPS_SWITCH_PARTIAL)", s->name);
	else
		xsnprintf(err, errlen, "%s runs in partial mode (switch_all 0: only SCHED_EXT"
			  " tasks) but the run is not --partial: add --partial", s->name);
	return -EINVAL;
}

enum fail_stage sched__start_stage(const struct sched *s)
{
	return s->start_stage;
}

const struct sched_exit *sched__start_exit(const struct sched *s)
{
	return &s->start_exit;
}

int sched__can_start(const struct sched *s, char *err, size_t errlen)
{
	char state[32] = "", ops[64] = "";
	int ret;

	if (s->impl->uses_scx && !scx_kernel_supported()) {
		struct utsname u;

		uname(&u);
		xsnprintf(err, errlen,
			  "scheduler %s needs sched_ext, which this kernel (%s) lacks (/sys/kernel/sched_ext is missing): run it in the VM (--vm) or on a kernel with CONFIG_SCHED_CLASS_EXT=y",
			  s->name, u.release);
		return -EOPNOTSUPP;
	}
	if (scx_kernel_supported()) {
		ret = scx_state(state, sizeof(state));
		if (ret) {
			xsnprintf(err, errlen, "cannot read /sys/kernel/sched_ext/state: %s",
				  strerror(-ret));
			return ret;
		}
		if (strcmp(state, "disabled")) {
			scx_ops_name(ops, sizeof(ops));
			xsnprintf(err, errlen,
				  "another sched_ext scheduler is active: '%s' (state %s); stop it before running %s",
				  ops[0] ? ops : "?", state, s->name);
			return -EBUSY;
		}
	}
	return 0;
}

int sched__start(struct sched *s, char *err, size_t errlen)
{
	char state[32] = "", ops[64] = "", line[800], how[96];
	uint64_t deadline;
	int ret;

	if (s->started || s->stopped) {
		xsnprintf(err, errlen, "scheduler %s was already started", s->name);
		return -EALREADY;
	}
	ret = sched__can_start(s, err, errlen);
	if (ret)
		return ret;

	s->start_ns = now_mono_ns();
	s->start_stage = FAIL_NONE;
	ret = s->impl->start(s, err, errlen);
	if (ret)
		return ret; /* the kind set start_stage */
	s->started = true;
	fault__at("sched-start");
	if (!s->impl->uses_scx)
		return 0;

	deadline = s->start_ns + (uint64_t)(s->opts.start_timeout_s * 1e9);
	for (;;) {
		struct timespec nap = { 0, 5 * 1000 * 1000 };

		if (s->impl->has_exited(s)) {
			undo_start(s, FAIL_LOAD);
			describe_exit(&s->start_exit, how, sizeof(how));
			sched__telling_lines(s->output_tail, line, sizeof(line));
			xsnprintf(err, errlen, "scheduler %s exited before sched_ext was enabled%s%s%s",
				  s->name, how, line[0] ? ": " : "", line);
			return -ECHILD;
		}
		ret = scx_state(state, sizeof(state));
		if (!ret && !strcmp(state, "enabled")) {
			ret = scx_ops_name(ops, sizeof(ops));
			if (!ret && ops[0]) {
				if (s->expect_ops[0] && strcmp(ops, s->expect_ops)) {
					undo_start(s, FAIL_ENABLE);
					xsnprintf(err, errlen,
						  "sched_ext was enabled by '%s', not by %s ('%s')",
						  ops, s->name, s->expect_ops);
					return -EBUSY;
				}
				ret = check_mode(s, err, errlen);
				if (ret)
					return ret;
				snprintf(s->ops_name, sizeof(s->ops_name), "%s", ops);
				pr_debug("sched: %s enabled (ops %s) after %.3f s\n", s->name, ops,
					 (now_mono_ns() - s->start_ns) / 1e9);
				return 0;
			}
		}
		if (now_mono_ns() >= deadline) {
			undo_start(s, FAIL_ENABLE);
			sched__telling_lines(s->output_tail, line, sizeof(line));
			xsnprintf(err, errlen,
				  "scheduler %s did not enable sched_ext within %.1f s (state '%s'; "
				  "--enable-timeout gives it longer)%s%s",
				  s->name, s->opts.start_timeout_s, state, line[0] ? ": " : "", line);
			return -ETIMEDOUT;
		}
		nanosleep(&nap, NULL);
	}
}

bool sched__has_exited(struct sched *s)
{
	if (!s->started || s->stopped)
		return s->exited;
	if (!s->exited && s->impl->has_exited(s)) {
		s->exited = true;
		s->exit_ns = now_mono_ns();
	}
	return s->exited;
}

int sched__stop(struct sched *s, struct sched_exit *ex)
{
	struct sched_exit tmp;
	int ret;

	if (!ex)
		ex = &tmp;
	memset(ex, 0, sizeof(*ex));
	if (!s->started || s->stopped)
		return 0;
	sched__has_exited(s);
	ret = s->impl->stop(s, ex);
	s->stopped = true;
	if (s->exited && ex->valid)
		ex->time_to_exit_s = (s->exit_ns - s->start_ns) / 1e9;
	if (s->impl->uses_scx && scx_kernel_supported()) {
		int w = scx_wait_state("disabled", DISABLE_TIMEOUT_S);

		if (w) {
			pr_err("sched_ext is not 'disabled' %.0f s after stopping %s\n",
			       DISABLE_TIMEOUT_S, s->name);
			if (!ret)
				ret = w;
		}
	}
	return ret;
}

int sched__add_counters(struct sched *s, struct results *res)
{
	return s->impl->add_counters(s, res);
}

void sched__free(struct sched *s)
{
	if (!s)
		return;
	if (s->started && !s->stopped)
		sched__stop(s, NULL);
	s->impl->free(s);
	free(s->args);
	sched_spec__free(s->words);
	free(s);
}

const char *sched__name(const struct sched *s)
{
	return s->name;
}

const char *sched__kind(const struct sched *s)
{
	return s->impl->kind;
}

const char *sched__ops_name(const struct sched *s)
{
	return s->ops_name;
}

const char *sched__exit_dump(struct sched *s)
{
	return s->impl->exit_dump ? s->impl->exit_dump(s) : NULL;
}

const struct sched_ident *sched__ident(const struct sched *s)
{
	return s->have_ident ? &s->ident : NULL;
}

char *const *sched__args(const struct sched *s)
{
	static char *const none[] = { NULL };

	return s->args ? s->args : none;
}

const char *sched__output_tail(const struct sched *s)
{
	return s->output_tail;
}

/* eevdf first, then the BPF built-ins; exec: is not a name to list. */
int sched__nr_builtin(void)
{
	return 1 + sched_nr_builtins;
}

const char *sched__builtin_name(int i)
{
	if (i == 0)
		return "eevdf";
	if (i < 0 || i > sched_nr_builtins)
		return NULL;
	return sched_builtins[i - 1].name;
}

const char *sched__builtin_desc(int i)
{
	if (i == 0)
		return "the kernel's default fair class (EEVDF), nothing loaded";
	if (i < 0 || i > sched_nr_builtins)
		return NULL;
	return sched_builtins[i - 1].desc;
}
