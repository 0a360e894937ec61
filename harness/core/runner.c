// SPDX-License-Identifier: GPL-2.0
/*
 * One run, end to end. The order of the steps is the point of this file:
 * the scheduler is up before anything is recorded, collectors start
 * before the workload and stop after it, the scheduler's exit info is read
 * after the collectors stopped (so its dump is in the trace), and
 * everything the run produced goes into the store in one transaction.
 * Every step that was started is undone on every path.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "collectors/collector.h"
#include "harness/lib/fault.h"
#include "harness/core/outlier_watch.h"
#include "harness/lib/log.h"
#include "harness/lib/outlier_ring.h"
#include "harness/lib/owner.h"
#include "harness/core/runner.h"
#include "harness/lib/util.h"
#include "harness/store/outliers.h"

/* the kernel's enum scx_exit_kind, from its BTF: below SCX_EXIT_ERROR a
 * clean unregistration */
#include "scx_exit_kinds.h"
#define SCX_EXIT_ERROR_FIRST SCXB_SCX_EXIT_ERROR

volatile sig_atomic_t runner_stop;
volatile sig_atomic_t runner_stop_signal;

/* Counts: a second signal is a harder request (the VM place kills its
 * guest at once instead of waiting for it to store what it did). */
static void on_stop_signal(int sig)
{
	if (!runner_stop_signal)
		runner_stop_signal = sig;
	if (runner_stop < 100)
		runner_stop = runner_stop + 1;
}

int runner__signal_exit_code(void)
{
	return runner_stop_signal ? 128 + runner_stop_signal : 1;
}

int runner__install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop_signal };

	/* no SA_RESTART: blocking waits must return EINTR and look at the flag */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/*
 * The outlier watcher of a run whose collectors are up: it dumps when the
 * trace records the dump and a sched_ext scheduler has state to dump;
 * otherwise each outlier keeps its trace window or nothing, said once per
 * process (a comparison's twenty eevdf runs say it once).
 */
static int start_outlier_watch(struct outlier_ring *ring, const struct sched *sched,
			       bool traced, struct outlier_watch **w)
{
	static bool said_eevdf, said_untraced;
	enum outlier_dump none = OUTLIER_DUMP_NO_TRACE;
	int fd = -1;

	if (traced) {
		fd = sched__dump_open(sched);
		none = fd == -ENOTSUP ? OUTLIER_DUMP_NO_SCX : OUTLIER_DUMP_FAILED;
	}
	if (fd == -ENOTSUP && !said_eevdf) {
		pr_info("--dump-on-outlier: %s has no sched_ext state to dump; its outliers keep"
			" their trace windows only\n", sched__name(sched));
		said_eevdf = true;
	} else if (!traced && !said_untraced) {
		pr_info("--dump-on-outlier without a trace (--no-trace, or tracefs off): outliers"
			" keep their time, task and latency, with no dump and no window\n");
		said_untraced = true;
	} else if (fd < 0 && fd != -ENOTSUP) {
		pr_warn("--dump-on-outlier: cannot open /proc/sysrq-trigger: %s\n", strerror(-fd));
	}
	return outlier_watch__start(ring, fd, none, w);
}

struct active_collector {
	const struct collector_ops *ops;
	void *state;
	bool started;
	bool stop_failed;     /* its recording is incomplete: not stored */
	char off_reason[160]; /* why it did not run, stored as a note */
};

/*
 * The run's work dir (raw trace files, possibly large) in $TMPDIR, with
 * our owner record: a SIGKILLed scxbench cannot remove it, so the next run
 * removes those whose owner is gone (harness/owner.h).
 */
static int make_workdir(char *buf, size_t len)
{
	int swept, err = owner__mkdtemp("scxbench-run-", buf, len, &swept);

	if (swept)
		pr_info("removed the work dirs of a scxbench that died\n");
	return err;
}

/* why the store refused the run's rows, in the caller's one line */
static void store_failed_msg(char *err, size_t len, struct store *st, int rc, const char *what)
{
	if (rc == -EBUSY)
		snprintf(err, len, "%s: %s: another process held its write lock for over %d s",
			 store__path(st), what, STORE_BUSY_TIMEOUT_MS / 1000);
	else
		snprintf(err, len, "%s: %s: %s", store__path(st), what, store__error(st));
}

/* "name=value" pairs of the workload parameters plus the run options */
static int collect_params(const struct run_request *rq, const char ***names,
			  const char ***values, char *dur, size_t durlen, char *etmo, size_t etmolen)
{
	int n = rq->wl->nr_params;

	*names = calloc(n + 4, sizeof(char *));
	*values = calloc(n + 4, sizeof(char *));
	if (!*names || !*values)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		(*names)[i] = rq->wl->params[i].name;
		(*values)[i] = rq->params->v[i].text;
	}
	snprintf(dur, durlen, "%g", rq->duration_s);
	(*names)[n] = "duration";
	(*values)[n++] = dur;
	if (rq->sched_opts.start_timeout_s > 0) {
		snprintf(etmo, etmolen, "%g", rq->sched_opts.start_timeout_s);
		(*names)[n] = "enable_timeout";
		(*values)[n++] = etmo;
	}
	/* the mode is part of what a run measures: partial and full runs are
	 * different comparisons (store__q_runs reads it back as q_run.partial) */
	if (rq->sched_opts.partial) {
		(*names)[n] = "partial";
		(*values)[n++] = "1";
	}
	return n;
}

int runner__run(struct store *st, const struct run_request *rq, struct run_outcome *out,
		char *err, size_t errlen)
{
	struct active_collector *cols = NULL;
	int ncols = collector__count(), nr_params, rc;
	struct results *res = NULL;
	struct sched *sched = NULL;
	const char **pnames = NULL, **pvalues = NULL;
	char workdir[PATH_MAX] = "", dur[32], etmo[32], why[800], wl_why[256] = "";
	struct run_meta meta = { 0 };
	struct wl_run_ctx ctx = { 0 };
	bool txn = false, exited_early = false, cols_failed = false, traced = false;
	struct outlier_ring *ring = NULL;
	struct outlier_watch *watch = NULL;
	const char *collector_failed = NULL, *collector_why = NULL;
	int collector_err = 0;
	int64_t run_id = 0;
	int wl_err = 0, stop_err = 0;

	memset(out, 0, sizeof(*out));
	out->status = RUN_FAILED;
	/* workload grandchildren orphaned by a kill are re-parented to us, so
	 * that the workload can reap them rather than leave zombies behind */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	sched = sched__new(rq->sched_spec, &rq->sched_opts, err, errlen);
	if (!sched)
		return -EINVAL;
	/* a system that cannot run it (another scheduler active) is not a
	 * run: nothing is stored */
	rc = sched__can_start(sched, err, errlen);
	if (rc) {
		sched__free(sched);
		return rc;
	}

	nr_params = collect_params(rq, &pnames, &pvalues, dur, sizeof(dur), etmo, sizeof(etmo));
	if (nr_params < 0) {
		rc = nr_params;
		snprintf(err, errlen, "out of memory");
		goto cleanup;
	}
	meta.scheduler = sched__name(sched);
	meta.sched_kind = sched__kind(sched);
	meta.workload = rq->wl->name;
	meta.place = "host";
	meta.cmdline = rq->cmdline;
	meta.label = rq->label;
	meta.compare_id = rq->compare_id;
	meta.rep = rq->rep;
	meta.round = rq->round;
	meta.trace = rq->trace;
	meta.nr_params = nr_params;
	meta.param_names = pnames;
	meta.param_values = pvalues;
	rc = store__begin_run(st, &meta, &run_id);
	if (rc) {
		store_failed_msg(err, errlen, st, rc, "cannot record the run");
		goto cleanup;
	}
	out->run_id = run_id;
	res = results__new();
	cols = calloc(ncols ? ncols : 1, sizeof(*cols));
	if (!res || !cols) {
		rc = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto store_failed;
	}

	if (rq->outlier_us > 0 && rq->wl->probe) {
		ring = outlier_ring__new((uint64_t)(rq->outlier_us * 1e3),
					 rq->outlier_dumps > 0 ? rq->outlier_dumps : 1);
		if (!ring) {
			rc = -errno;
			snprintf(err, errlen, "cannot set up the outlier ring: %s", strerror(errno));
			goto store_failed;
		}
	}

	rc = sched__start(sched, why, sizeof(why));
	if (rc) {
		/* the scheduler's own failure is a result (survival counts it);
		 * a system that cannot run it is the harness's */
		out->stage = sched__start_stage(sched);
		if (out->stage != FAIL_NONE) {
			out->status = RUN_SCHED_FAILED;
			out->exit = *sched__start_exit(sched);
		} else {
			out->stage = FAIL_ENABLE;
		}
		snprintf(out->detail, sizeof(out->detail), "%s", why);
		goto finish;
	}
	pr_debug("run %lld: %s enabled (ops %s)\n", (long long)run_id, sched__name(sched),
		 sched__ops_name(sched));

	if (rq->trace) {
		struct collector_cfg cfg = {
			.run_id = run_id,
			.buffer_kb = rq->buffer_kb,
			.keep_events = rq->keep_events,
			.keep_raw = rq->keep_raw,
			.sched_ext_active = strcmp(sched__kind(sched), "eevdf") != 0,
			.outliers = ring,
			.outlier_window_ns = (uint64_t)(rq->outlier_window_ms * 1e6),
			.partial = rq->sched_opts.partial,
		};

		rc = make_workdir(workdir, sizeof(workdir));
		if (rc) {
			out->stage = FAIL_COLLECTOR;
			snprintf(out->detail, sizeof(out->detail), "cannot create a work dir: %s",
				 strerror(-rc));
			workdir[0] = 0;
			goto finish;
		}
		cfg.workdir = workdir;
		for (int i = 0; i < ncols; i++) {
			const struct collector_ops *ops = collector__at(i);

			cols[i].ops = ops;
			if (ops->available && !ops->available(why, sizeof(why))) {
				pr_debug("collector %s off: %s\n", ops->name, why);
				snprintf(cols[i].off_reason, sizeof(cols[i].off_reason), "not run: %s", why);
				continue;
			}
			rc = ops->create(&cols[i].state, &cfg);
			if (!rc)
				rc = ops->start(cols[i].state);
			if (rc) {
				out->stage = FAIL_COLLECTOR;
				snprintf(out->detail, sizeof(out->detail), "collector %s failed to start: %s",
					 ops->name, strerror(-rc));
				/* collector.h: those that started are stopped, and
				 * nothing of a run that never ran is stored */
				for (int j = 0; j < i; j++)
					if (cols[j].started)
						cols[j].ops->stop(cols[j].state);
				cols_failed = true;
				sched__stop(sched, &out->exit);
				goto finish;
			}
			cols[i].started = true;
			traced |= ops->records_trace;
		}
		fault__at("collector-start");
	}
	if (ring) {
		rc = start_outlier_watch(ring, sched, traced, &watch);
		if (rc) {
			out->stage = FAIL_COLLECTOR;
			snprintf(out->detail, sizeof(out->detail), "cannot start the outlier watcher: %s",
				 strerror(-rc));
			for (int i = 0; i < ncols; i++)
				if (cols[i].started)
					cols[i].ops->stop(cols[i].state);
			cols_failed = true;
			sched__stop(sched, &out->exit);
			goto finish;
		}
	}

	ctx.duration_s = rq->duration_s;
	ctx.stop = &runner_stop;
	ctx.progress = rq->progress;
	ctx.ncpus = host_ncpus();
	ctx.why = wl_why;
	ctx.whylen = sizeof(wl_why);
	ctx.outliers = ring;
	ctx.ext_policy = rq->sched_opts.partial;
	if (!runner_stop)
		wl_err = workload__run(rq->wl, rq->params, &ctx, res);
	/* a dump under way ends before the trace stops: its lines are in it */
	outlier_watch__stop(watch);

	for (int i = 0; i < ncols; i++) {
		int serr = cols[i].started ? cols[i].ops->stop(cols[i].state) : 0;

		if (serr) {
			/* e.g. the disk filled while recording: the pages that were
			 * not written are not in any overrun count, so the run's
			 * trace would look complete when it is not */
			cols[i].stop_failed = true;
			if (!collector_failed) {
				collector_failed = cols[i].ops->name, collector_err = serr;
				if (cols[i].ops->failure)
					collector_why = cols[i].ops->failure(cols[i].state);
			}
		}
	}
	fault__at("collector-stop");
	exited_early = sched__has_exited(sched);
	stop_err = sched__stop(sched, &out->exit);
	sched__add_counters(sched, res);

	if (runner_stop || wl_err == -EINTR) {
		out->status = RUN_ABORTED;
		snprintf(out->detail, sizeof(out->detail), "interrupted by %s",
			 runner_stop_signal ? strsignal(runner_stop_signal) : "a signal");
	} else if (exited_early || (out->exit.valid && out->exit.kind >= SCX_EXIT_ERROR_FIRST)) {
		char how[96] = "";

		out->status = RUN_SCHED_FAILED;
		out->stage = FAIL_RUN;
		if (out->exit.proc_valid && out->exit.proc_signal)
			snprintf(how, sizeof(how), " (killed by signal %d)", out->exit.proc_signal);
		else if (out->exit.proc_valid && out->exit.proc_exit)
			snprintf(how, sizeof(how), " (exit status %d)", out->exit.proc_exit);
		snprintf(out->detail, sizeof(out->detail), "scheduler exited during the run%s: %s%s%s",
			 how, out->exit.reason[0] ? out->exit.reason : "unknown reason",
			 out->exit.msg[0] ? ": " : "", out->exit.msg);
	} else if (stop_err) {
		/* the next run would find sched_ext still busy: not an ok run */
		out->stage = FAIL_RUN;
		snprintf(out->detail, sizeof(out->detail), "stopping %s failed: %s (sched_ext did not"
			 " return to 'disabled')", sched__name(sched), strerror(-stop_err));
	} else if (collector_failed) {
		out->stage = FAIL_COLLECTOR;
		snprintf(out->detail, sizeof(out->detail), "collector %s failed during the run (%s):"
			 " its data is incomplete", collector_failed,
			 collector_why ? collector_why : strerror(-collector_err));
	} else if (wl_err) {
		out->stage = FAIL_WORKLOAD;
		snprintf(out->detail, sizeof(out->detail), "workload %s failed: %s", rq->wl->name,
			 wl_why[0] ? wl_why : results__detail(res) ? results__detail(res) :
			 strerror(-wl_err));
	} else {
		out->status = RUN_OK;
	}

finish:
	rc = store__txn_begin(st);
	if (rc) {
		store_failed_msg(err, errlen, st, rc, "cannot store the run");
		goto store_failed;
	}
	txn = true;
	/* first: the trace parser fills in their dumps and windows */
	if (ring) {
		outlier_watch__stop(watch);
		rc = store__add_outliers(st, run_id, ring, rq->outlier_window_ms);
		if (rc)
			snprintf(err, errlen, "could not store the outliers");
	}
	/* an aborted run keeps what the scheduler and collectors saw, but no
	 * workload figures: they would look like a short, valid run */
	for (int i = 0; !rc && i < ncols; i++) {
		if (cols[i].off_reason[0])
			rc = store__add_note(st, run_id, cols[i].ops->name, cols[i].off_reason);
		if (rc || !cols[i].started || cols[i].stop_failed || cols_failed ||
		    out->status == RUN_ABORTED)
			continue;
		rc = cols[i].ops->store(cols[i].state, st, run_id, res);
		if (rc)
			snprintf(err, errlen, "collector %s could not store its data", cols[i].ops->name);
	}
	/* metrics the workload derives from the collectors' (replay fidelity) */
	if (!rc && out->status == RUN_OK && rq->wl->after_trace)
		rc = rq->wl->after_trace(rq->params, res);
	/* collectors add metrics too (trace latencies, scx events) */
	if (!rc && out->status != RUN_ABORTED && out->status != RUN_FAILED)
		rc = store__add_results(st, run_id, res);
	if (!rc) {
		const struct sched_ident *id = sched__ident(sched);
		struct run_sched_info si = {
			.ops = sched__ops_name(sched),
			.path = id ? id->path : NULL,
			.sha256 = id ? id->sha256 : NULL,
			.build_id = id ? id->build_id : NULL,
			.args = sched__args(sched),
		};

		rc = store__set_sched_info(st, run_id, &si);
	}
	if (!rc)
		rc = store__set_sched_exit(st, run_id, &out->exit);
	if (!rc && sched__exit_dump(sched))
		rc = store__add_sched_output(st, run_id, "exit_dump", sched__exit_dump(sched));
	if (!rc && sched__output_tail(sched) && *sched__output_tail(sched))
		rc = store__add_sched_output(st, run_id,
					     strcmp(sched__kind(sched), "exec") ? "libbpf_log" : "exec_tail",
					     sched__output_tail(sched));
	fault__at("store");
	if (!rc)
		rc = store__finish_run(st, run_id, out->status, out->stage, out->detail);
	if (!rc)
		rc = store__txn_commit(st);
	txn = false;
	if (rc) {
		if (!err[0]) {
			char what[48];

			snprintf(what, sizeof(what), "could not store run %lld", (long long)run_id);
			store_failed_msg(err, errlen, st, rc, what);
		}
		goto store_failed;
	}
	rc = 0;
	goto cleanup;

store_failed:
	if (txn)
		store__txn_rollback(st);
	/* best effort: the run says it could not be stored, not "running" */
	if (run_id)
		store__finish_run(st, run_id, RUN_FAILED, FAIL_STORE,
				  err[0] ? err : "could not store the results");
cleanup:
	outlier_watch__free(watch);
	outlier_ring__free(ring);
	for (int i = 0; cols && i < ncols; i++)
		if (cols[i].ops && cols[i].state && !cols[i].off_reason[0])
			cols[i].ops->destroy(cols[i].state);
	free(cols);
	if (workdir[0] && !rq->keep_raw)
		remove_tree(workdir);
	else if (workdir[0])
		pr_info("raw trace files kept in %s\n", workdir);
	sched__free(sched);
	results__free(res);
	free(pnames);
	free(pvalues);
	return rc;
}
