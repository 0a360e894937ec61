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

#include "log.h"
#include "sched_impl.h"
#include "util.h"

#define START_TIMEOUT_DEFAULT_S 10.0
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

struct sched *sched__new(const char *spec, const struct sched_opts *opts,
			 char *err, size_t errlen)
{
	struct sched *s;
	int ret = -EINVAL, i;

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
	if (xsnprintf(s->name, sizeof(s->name), "%s", spec)) {
		xsnprintf(err, errlen, "scheduler name too long: '%.40s...'", spec);
		goto fail;
	}

	if (!strcmp(spec, "eevdf")) {
		s->impl = &sched_eevdf_impl;
		return s;
	}
	if (!strncmp(spec, "exec:", 5)) {
		/* s->name, not spec: the exec argv[0] must outlive the caller's string */
		ret = sched_exec__init(s, s->name + 5, err, errlen);
		if (ret)
			goto fail;
		return s;
	}
	for (i = 0; i < sched_nr_builtins; i++) {
		if (strcmp(spec, sched_builtins[i].name))
			continue;
		ret = sched_bpf__init(s, i, err, errlen);
		if (ret)
			goto fail;
		return s;
	}
	xsnprintf(err, errlen, "unknown scheduler '%s' (known: eevdf, simple, vtime, exec:BINARY)",
		  spec);
fail:
	free(s);
	return NULL;
}

/* The last non-empty line of an exec: scheduler's output, for messages. */
static const char *last_line(const char *tail, char *buf, size_t len)
{
	const char *end = tail + strlen(tail), *p;

	while (end > tail && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	for (p = end; p > tail && p[-1] != '\n'; p--)
		;
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	return buf;
}

static void undo_start(struct sched *s)
{
	struct sched_exit ex;

	s->impl->stop(s, &ex);
	s->started = false;
	s->stopped = true;
}

int sched__start(struct sched *s, char *err, size_t errlen)
{
	char state[32] = "", ops[64] = "", line[256];
	uint64_t deadline;
	int ret;

	if (s->started || s->stopped) {
		xsnprintf(err, errlen, "scheduler %s was already started", s->name);
		return -EALREADY;
	}
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

	s->start_ns = now_mono_ns();
	ret = s->impl->start(s, err, errlen);
	if (ret)
		return ret;
	s->started = true;
	if (!s->impl->uses_scx)
		return 0;

	deadline = s->start_ns + (uint64_t)(s->opts.start_timeout_s * 1e9);
	for (;;) {
		struct timespec nap = { 0, 5 * 1000 * 1000 };

		if (s->impl->has_exited(s)) {
			undo_start(s);
			xsnprintf(err, errlen, "scheduler %s exited before sched_ext was enabled%s%s",
				  s->name, s->output_tail[0] ? ": " : "",
				  last_line(s->output_tail, line, sizeof(line)));
			return -ECHILD;
		}
		ret = scx_state(state, sizeof(state));
		if (!ret && !strcmp(state, "enabled")) {
			ret = scx_ops_name(ops, sizeof(ops));
			if (!ret && ops[0]) {
				if (s->expect_ops[0] && strcmp(ops, s->expect_ops)) {
					undo_start(s);
					xsnprintf(err, errlen,
						  "sched_ext was enabled by '%s', not by %s ('%s')",
						  ops, s->name, s->expect_ops);
					return -EBUSY;
				}
				snprintf(s->ops_name, sizeof(s->ops_name), "%s", ops);
				pr_debug("sched: %s enabled (ops %s) after %.3f s\n", s->name, ops,
					 (now_mono_ns() - s->start_ns) / 1e9);
				return 0;
			}
		}
		if (now_mono_ns() >= deadline) {
			undo_start(s);
			xsnprintf(err, errlen,
				  "scheduler %s did not enable sched_ext within %.1f s (state '%s')%s%s",
				  s->name, s->opts.start_timeout_s, state,
				  s->output_tail[0] ? ": " : "",
				  last_line(s->output_tail, line, sizeof(line)));
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

const char *sched__exec_path(const struct sched *s)
{
	return s->exec_path;
}

const char *sched__exec_version(const struct sched *s)
{
	return s->exec_version;
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
