// SPDX-License-Identifier: GPL-2.0
/*
 * cmd: any command as a workload. `--workload cmd:'stress-ng --cpu 2 -t 5s'`
 * splits the text into words without a shell (blanks split, '...' and
 * "..." group, as for exec: schedulers); --shell runs it with /bin/sh -c.
 * It runs under the scheduler for its own length or until --duration
 * (then it is killed: cmd_timed_out = 1, still an ok run), in its own
 * process group, and everything it leaves there is killed and reaped
 * (cmd_proc.h). Its tasks are the trace's role `cmd`: the parser follows
 * the fork events from the command's pid (results__add_task_root).
 *
 * Metrics: cmd_elapsed, cmd_exit_status, cmd_timed_out, rusage (CPU time,
 * voluntary/involuntary switches, max RSS), the numbers --metric rules and
 * the built-in parsers lift from its output (cmd_parse.h). A non-zero exit
 * (or a signal we did not send) fails the run with its status and the tail
 * of its stderr in the run's detail; so does a --metric rule that matched
 * nothing, since the number asked for would silently be missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/sched_spec.h"
#include "harness/lib/util.h"
#include "workloads/cmd_parse.h"
#include "workloads/cmd_proc.h"
#include "workloads/wl_internal.h"

#define OUTPUT_TAIL (1u << 20)
#define DETAIL_TAIL 300

static int cmd_argv(const struct wl_params *p, char ***argv, char *err, size_t len)
{
	const char *text = wl_param_str(p, "command");
	int argc;

	if (!text || !*text) {
		snprintf(err, len, "cmd: no command (--workload cmd:'COMMAND ARGS')");
		return -EINVAL;
	}
	if (wl_param_bool(p, "shell")) {
		/* one block, like sched_spec__split's, so that one free() works */
		static const char *const sh[] = { "/bin/sh", "-c" };
		size_t n = strlen(text) + 1;
		char **a = malloc(4 * sizeof(char *) + sizeof("/bin/sh") + sizeof("-c") + n), *s;

		if (!a)
			return -ENOMEM;
		s = (char *)(a + 4);
		for (int i = 0; i < 2; i++) {
			a[i] = strcpy(s, sh[i]);
			s += strlen(sh[i]) + 1;
		}
		a[2] = memcpy(s, text, n);
		a[3] = NULL;
		*argv = a;
		return 0;
	}
	return sched_spec__split(text, argv, &argc, err, len);
}

static int cmd_check(const struct wl_params *p, char *err, size_t len)
{
	const char *rules = wl_param_str(p, "metric");
	char **argv = NULL;
	int rc = cmd_argv(p, &argv, err, len);

	if (rc)
		return -EINVAL;
	if (!argv[0]) {
		snprintf(err, len, "cmd: empty command");
		rc = -EINVAL;
	} else if (!strchr(argv[0], '/')) {
		/* found as execvp() will look, so "not found" is bad input */
		const char *path = getenv("PATH");
		char buf[4096];
		bool found = false;

		for (const char *d = path ? path : "/usr/bin:/bin"; *d && !found;) {
			size_t n = strcspn(d, ":");

			snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? d : ".", argv[0]);
			found = !access(buf, X_OK);
			d += n + (d[n] == ':');
		}
		if (!found) {
			snprintf(err, len, "cmd: %s: command not found in PATH", argv[0]);
			rc = -EINVAL;
		}
	} else if (access(argv[0], X_OK)) {
		snprintf(err, len, "cmd: %s: %s", argv[0], strerror(errno));
		rc = -EINVAL;
	}
	for (const char *l = rules; !rc && l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		char *one = strndup(l, strcspn(l, "\n"));

		rc = one ? cmd_parse__check_rule(one, err, len) : -ENOMEM;
		free(one);
	}
	sched_spec__free(argv);
	return rc;
}

/* the file after -j/--json (schbench writes its JSON there) */
static char *json_file_of(char *const *argv)
{
	for (int i = 0; argv[i]; i++) {
		const char *f = NULL;

		if ((!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) && argv[i + 1])
			f = argv[i + 1];
		else if (!strncmp(argv[i], "--json=", 7))
			f = argv[i] + 7;
		if (f) {
			char *buf = malloc(OUTPUT_TAIL);

			if (buf && read_text_file(f, buf, OUTPUT_TAIL) >= 0)
				return buf;
			free(buf);
			return NULL;
		}
	}
	return NULL;
}

/* the last line(s) of text, at most n bytes, newlines as " | " */
static void tail_of(const char *text, size_t n, char *out, size_t len)
{
	size_t l = strlen(text);
	const char *s;
	size_t o = 0;

	while (l && (text[l - 1] == '\n' || text[l - 1] == ' '))
		l--;
	s = l > n ? text + l - n : text;
	for (; s < text + l && o + 4 < len; s++) {
		if (*s == '\n') {
			memcpy(out + o, " | ", 3);
			o += 3;
		} else {
			out[o++] = (unsigned char)*s < 0x20 ? ' ' : *s;
		}
	}
	out[o] = 0;
}

static double tv_s(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static int cmd_run(const struct wl_params *p, const struct wl_run_ctx *ctx, struct results *res)
{
	struct cmd_proc *c = NULL;
	char **argv = NULL, err[512] = "", *out = NULL, *errout = NULL, *text = NULL, *json = NULL;
	char missing[256], detail[600], how[96];
	enum cmd_parser parser = (enum cmd_parser)wl_param_int(p, "parse");
	const struct rusage *ru;
	bool timed_out = false;
	int rc, status;

	rc = cmd_argv(p, &argv, err, sizeof(err));
	if (rc) {
		pr_err("%s\n", err);
		return rc;
	}
	rc = cmd_proc__start(argv, &c, err, sizeof(err));
	if (!rc)
		rc = results__add_task_root(res, ROLE_NAME_CMD, cmd_proc__pid(c));
	if (!rc)
		rc = cmd_proc__release(c, err, sizeof(err));
	if (rc) {
		results__set_detail(res, err[0] ? err : strerror(-rc));
		goto out;
	}
	wl_progress(ctx, "cmd: %s", argv[0]);
	rc = cmd_proc__wait(c, now_mono_ns() + (uint64_t)(ctx->duration_s * 1e9), ctx->stop);
	if (rc == -EINTR)
		goto out;
	timed_out = rc == -ETIMEDOUT;
	/* what it left in its group goes too, whether it ended or not */
	cmd_proc__kill(c);
	wl_progress_end(ctx);
	status = cmd_proc__status(c);
	ru = cmd_proc__rusage(c);
	rc = results__add_metric(res, "cmd_elapsed", timed_out ? ctx->duration_s :
				 cmd_proc__elapsed_ns(c) / 1e9, "s", BETTER_LOWER);
	if (!rc)
		rc = results__add_metric(res, "cmd_timed_out", timed_out, "", BETTER_NONE);
	if (!rc)
		rc = results__add_metric(res, "cmd_exit_status", timed_out ? 0 :
					 WIFEXITED(status) ? WEXITSTATUS(status) :
					 128 + WTERMSIG(status), "", BETTER_NONE);
	if (!rc)
		rc = results__add_metric(res, "cmd_cpu_user_s", tv_s(ru->ru_utime), "s", BETTER_NONE);
	if (!rc)
		rc = results__add_metric(res, "cmd_cpu_sys_s", tv_s(ru->ru_stime), "s", BETTER_NONE);
	if (!rc)
		rc = results__add_metric(res, "cmd_switches_vol", (double)ru->ru_nvcsw, "", BETTER_NONE);
	if (!rc)
		rc = results__add_metric(res, "cmd_switches_invol", (double)ru->ru_nivcsw, "",
					 BETTER_LOWER);
	if (!rc)
		rc = results__add_metric(res, "cmd_max_rss_kb", (double)ru->ru_maxrss, "KiB",
					 BETTER_NONE);
	if (rc)
		goto out;
	out = cmd_proc__output(c, 1, OUTPUT_TAIL);
	errout = cmd_proc__output(c, 2, OUTPUT_TAIL);
	if (!out || !errout || asprintf(&text, "%s\n%s", out, errout) < 0) {
		text = NULL;
		rc = -ENOMEM;
		goto out;
	}
	if (!timed_out && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		char t[DETAIL_TAIL + 64];

		cmd_proc__describe(status, how, sizeof(how));
		tail_of(*errout ? errout : out, DETAIL_TAIL, t, sizeof(t));
		snprintf(detail, sizeof(detail), "%s %s%s%s", argv[0], how, *t ? ": " : "", t);
		results__set_detail(res, detail);
		pr_err("cmd: %s\n", detail);
		rc = -EIO;
		goto out;
	}
	if (parser == CMD_PARSE_AUTO)
		parser = cmd_parse__auto(argv);
	if (parser == CMD_PARSE_SCHBENCH)
		json = json_file_of(argv);
	rc = cmd_parse__apply(wl_param_str(p, "metric"), parser, text, json, res, missing,
			      sizeof(missing));
	if (rc >= 0 && missing[0]) {
		snprintf(detail, sizeof(detail), "--metric %s matched nothing in the output%s",
			 missing, timed_out ? " (the command was killed at --duration)" : "");
		results__set_detail(res, detail);
		pr_err("cmd: %s\n", detail);
		rc = -ENODATA;
	}
	if (rc > 0)
		rc = 0;
	pr_debug("cmd: %s %s\n", argv[0], timed_out ? "killed at --duration" : "exited 0");
out:
	cmd_proc__free(c);
	wl_progress_end(ctx);
	sched_spec__free(argv);
	free(out);
	free(errout);
	free(text);
	free(json);
	return rc;
}

static const struct wl_param_def cmd_params[] = {
	{ "command", WL_STR, "", 0, 8192, NULL, "",
	  "the command (the ARG of cmd:ARG; split without a shell unless --shell)" },
	{ "shell", WL_FLAG, "0", 0, 1, NULL, "", "run the command with /bin/sh -c" },
	{ "metric", WL_LIST, "", 0, 16384, NULL, "",
	  "NAME[:UNIT[:higher|lower]]=REGEX: the number (first group, last match) stored as "
	  "cmd_NAME; repeatable" },
	{ "parse", WL_ENUM, "auto", 0, 0, CMD_PARSE_CHOICES, "",
	  "built-in output parser (auto: by the command's name)" },
};

/* the command's own result, then how its tasks were woken (the trace's:
 * the cmd role), whose CDF is then a key figure of the headline */
static const char *const cmd_primary[] = { "cmd_elapsed", "trace_wakeup_cmd_p99", NULL };

const struct workload wl_cmd = {
	.name = "cmd",
	.summary = "any command, for its own length or --duration (elapsed, rusage, its output's numbers)",
	.params = cmd_params,
	.nr_params = ARRAY_SIZE(cmd_params),
	.run = cmd_run,
	.primary = cmd_primary,
	.arg_param = "command",
	.check = cmd_check,
};
