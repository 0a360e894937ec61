// SPDX-License-Identifier: GPL-2.0
/*
 * Test driver for the collectors: runs any command under every collector
 * the way the runner does (create, start, command, stop, store in one
 * transaction, destroy on every path, SIGINT/SIGTERM included) and prints
 * the run id. Built by the trace-*.t scripts against build/obj.
 *
 *   trace_driver DB [--buffer-kb N] [--keep-events] [--keep-raw] -- CMD ARGS...
 *   trace_driver DB --reparse DIR [--keep-events]
 *       parse DIR/cpuN.raw (kept with --keep-raw) again into a new run and
 *       print "events seconds": the ingest benchmark and the malformed-page
 *       test use it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collectors/collector.h"
#include "harness/lib/log.h"
#include "harness/lib/results.h"
#include "harness/store/store.h"
#include "collectors/trace_collector.h"
#include "harness/lib/util.h"

static volatile sig_atomic_t stop_flag;

static void on_sig(int sig)
{
	(void)sig;
	stop_flag = 1;
}

static int reparse(const char *db, const char *dir, bool keep_events)
{
	struct run_meta meta = { .scheduler = "eevdf", .sched_kind = "eevdf",
				 .workload = "reparse", .place = "host", .trace = true };
	struct trace_cpu_stats stats[256] = { 0 };
	struct results *res = results__new();
	char err[256], *paths[256];
	struct trace_parse_input in = { .paths = paths, .page_size = (unsigned int)getpagesize(),
					.stats = stats, .keep_events = keep_events };
	const struct metric *m;
	struct store *st;
	int64_t run_id;
	uint64_t t0;
	int rc;

	for (in.ncpus = 0; in.ncpus < 256; in.ncpus++) {
		if (asprintf(&paths[in.ncpus], "%s/cpu%d.raw", dir, in.ncpus) < 0) {
			paths[in.ncpus] = NULL;
			break;
		}
		if (access(paths[in.ncpus], R_OK)) {
			free(paths[in.ncpus]);
			paths[in.ncpus] = NULL;
			break;
		}
	}
	st = store__open(db, STORE_CREATE, err, sizeof(err));
	if (!st || !res || !in.ncpus) {
		fprintf(stderr, "trace_driver: %s\n", st ? "no cpuN.raw files" : err);
		store__close(st);
		results__free(res);
		for (int c = 0; c < in.ncpus; c++)
			free(paths[c]);
		return 1;
	}
	store__begin_run(st, &meta, &run_id);
	t0 = now_mono_ns();
	store__txn_begin(st);
	rc = trace_parse__run(&in, st, run_id, res);
	if (!rc)
		rc = store__add_results(st, run_id, res);
	store__finish_run(st, run_id, rc ? RUN_FAILED : RUN_OK, rc ? FAIL_COLLECTOR : FAIL_NONE, NULL);
	if (store__txn_commit(st))
		rc = -EIO;
	m = results__find_metric(res, "trace_events");
	printf("%lld %.0f %.6f\n", (long long)run_id, m ? m->value : 0, (now_mono_ns() - t0) / 1e9);
	store__close(st);
	results__free(res);
	for (int c = 0; c < in.ncpus; c++)
		free(paths[c]);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct collector_cfg cfg = { 0 };
	struct sigaction sa = { .sa_handler = on_sig };
	const struct collector_ops *ops[16];
	void *state[16] = { 0 };
	bool started[16] = { 0 };
	struct run_meta meta = { .scheduler = "eevdf", .sched_kind = "eevdf",
				 .workload = "exec", .place = "host", .trace = true };
	struct results *res;
	char err[256] = "", workdir[4096], why[256];
	const char *tmpdir = getenv("TMPDIR");
	int n = collector__count(), i, rc = 1, status = 0;
	const char *status_s = "ok";
	struct store *st;
	int64_t run_id;
	pid_t child;

	if (argc >= 4 && !strcmp(argv[2], "--reparse")) {
		bool keep = false;

		for (i = 4; i < argc; i++) {
			if (!strcmp(argv[i], "--keep-events"))
				keep = true;
			else if (!strcmp(argv[i], "-v"))
				log__set_level(LOG_DEBUG);
			else
				goto usage;
		}
		return reparse(argv[1], argv[3], keep);
	}
	if (argc < 4)
		goto usage;
	for (i = 2; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--buffer-kb") && i + 1 < argc)
			cfg.buffer_kb = (unsigned int)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--keep-events"))
			cfg.keep_events = true;
		else if (!strcmp(argv[i], "--keep-raw"))
			cfg.keep_raw = true;
		else if (!strcmp(argv[i], "-v"))
			log__set_level(LOG_DEBUG);
		else
			goto usage;
	}
	if (i + 1 >= argc)
		goto usage;
	res = results__new();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	st = store__open(argv[1], STORE_CREATE, err, sizeof(err));
	if (!st) {
		fprintf(stderr, "trace_driver: %s\n", err);
		results__free(res);
		return 1;
	}
	/* under TMPDIR: a SIGKILLed driver's raw files go with the test's
	 * scratch dir */
	snprintf(workdir, sizeof(workdir), "%s/scxb-drv-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	meta.cmdline = argv[i + 1];
	if (store__begin_run(st, &meta, &run_id) || !mkdtemp(workdir)) {
		fprintf(stderr, "trace_driver: cannot begin run\n");
		store__close(st);
		results__free(res);
		return 1;
	}
	cfg.run_id = run_id;
	cfg.workdir = workdir;
	for (int c = 0; c < n; c++) {
		ops[c] = collector__at(c);
		if (!ops[c]->available(why, sizeof(why))) {
			fprintf(stderr, "collector %s unavailable: %s\n", ops[c]->name, why);
			ops[c] = NULL;
			continue;
		}
		if (ops[c]->create(&state[c], &cfg) || ops[c]->start(state[c])) {
			fprintf(stderr, "collector %s failed to start\n", ops[c]->name);
			status_s = "failed";
			goto stop;
		}
		started[c] = true;
	}
	/* a signal during the collectors' start-up aborts the run too */
	child = stop_flag ? -1 : fork();
	if (child == 0) {
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	while (child > 0 && waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			break;
		if (stop_flag)
			kill(child, SIGKILL);
	}
	if (stop_flag)
		status_s = "aborted";
	else if (child < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		status_s = "failed";
stop:
	for (int c = 0; c < n; c++)
		if (started[c])
			ops[c]->stop(state[c]);
	if (!strcmp(status_s, "aborted")) {
		store__abort_run(st, run_id, "interrupted by a signal");
		goto cleanup;
	}
	store__txn_begin(st);
	for (int c = 0; c < n; c++) {
		if (started[c] && ops[c]->store(state[c], st, run_id, res)) {
			fprintf(stderr, "collector %s could not store\n", ops[c]->name);
			status_s = "failed";
		}
	}
	store__add_results(st, run_id, res);
	store__finish_run(st, run_id, run_status__parse(status_s), strcmp(status_s, "ok") ? FAIL_COLLECTOR : FAIL_NONE, NULL);
	if (store__txn_commit(st))
		fprintf(stderr, "trace_driver: commit failed\n");
	else
		rc = strcmp(status_s, "ok") != 0;
	printf("%lld\n", (long long)run_id);
cleanup:
	for (int c = 0; c < n; c++)
		if (ops[c] && state[c])
			ops[c]->destroy(state[c]);
	if (!cfg.keep_raw)
		rmdir(workdir);
	else
		fprintf(stderr, "raw files kept in %s\n", workdir);
	store__close(st);
	results__free(res);
	return stop_flag ? 130 : rc;
usage:
	fprintf(stderr, "usage: trace_driver DB [--buffer-kb N] [--keep-events] [--keep-raw] [-v] -- CMD ARGS...\n"
			"       trace_driver DB --reparse DIR [--keep-events] [-v]\n");
	return 2;
}
