// SPDX-License-Identifier: GPL-2.0
/*
 * A capture end to end (capture.h): the targets' tids, a tracefs
 * recording restricted to them, the command (held before exec until its
 * pid is in the filter, so its first instruction is traced), policy and
 * nice sampled while it runs, then the trace turned into the capture.
 * Every path removes the tracefs instance, the work dir and the command's
 * processes.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "collectors/trace_capture.h"
#include "collectors/trace_collector.h"
#include "harness/core/capture.h"
#include "harness/lib/log.h"
#include "harness/lib/owner.h"
#include "harness/lib/sched_spec.h"
#include "harness/lib/util.h"
#include "harness/sched/sched.h"
#include "workloads/cmd_proc.h"

#define MAX_ROOTS 4096
#define MAX_ATTRS 4096

struct tids {
	int *v;
	int n;
};

static int tids_add(struct tids *t, int tid)
{
	for (int i = 0; i < t->n; i++)
		if (t->v[i] == tid)
			return 0;
	if (t->n >= MAX_ROOTS)
		return -ENOSPC;
	t->v[t->n++] = tid;
	return 0;
}

/* every thread of process pid */
static int threads_of(int pid, struct tids *t)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while (!err && (de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			err = tids_add(t, atoi(de->d_name));
	closedir(d);
	return err;
}

static int comm_of(int pid, int tid, char *buf, size_t len)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	if (read_text_file(path, buf, len) < 0)
		return -ENOENT;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/* every thread, of any process, named comm (truncated as the kernel does) */
static int threads_named(const char *comm, struct tids *t)
{
	struct dirent *de;
	DIR *d = opendir("/proc");
	int err = 0, self = getpid();

	if (!d)
		return -errno;
	while (!err && (de = readdir(d))) {
		int pid = atoi(de->d_name);
		struct tids th = { .v = NULL };

		if (pid <= 0 || pid == self)
			continue;
		th.v = malloc(MAX_ROOTS * sizeof(int));
		if (!th.v) {
			err = -ENOMEM;
			break;
		}
		if (!threads_of(pid, &th))
			for (int i = 0; !err && i < th.n; i++) {
				char c[32];

				if (!comm_of(pid, th.v[i], c, sizeof(c)) && !strncmp(c, comm, 15))
					err = tids_add(t, th.v[i]);
			}
		free(th.v);
	}
	closedir(d);
	return err;
}

static const char *policy_name(int p)
{
	switch (p) {
	case SCHED_FIFO: return "fifo";
	case SCHED_RR: return "rr";
	case SCHED_BATCH: return "batch";
	case SCHED_IDLE: return "idle";
	case 7: return "ext"; /* SCHED_EXT */
	default: return "other";
	}
}

struct attrs {
	struct cap_attr *v;
	int n;
};

/* policy, nice and RT priority of every thread of the processes in pids */
static void sample_attrs(const struct tids *procs, struct attrs *a)
{
	for (int i = 0; i < procs->n; i++) {
		char path[64];
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "/proc/%d/task", procs->v[i]);
		d = opendir(path);
		if (!d)
			continue;
		while ((de = readdir(d))) {
			char sp[128], buf[1024], *rp;
			int tid = atoi(de->d_name), k;
			long nice, rtprio, policy;

			if (tid <= 0)
				continue;
			snprintf(sp, sizeof(sp), "/proc/%d/task/%d/stat", procs->v[i], tid);
			if (read_text_file(sp, buf, sizeof(buf)) < 0 || !(rp = strrchr(buf, ')')))
				continue;
			/* after "comm)": state is field 3; nice 19, rt_priority 40, policy 41 */
			{
				char *tok, *save = NULL;
				int field = 2;

				nice = rtprio = policy = 0;
				for (tok = strtok_r(rp + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
					field++;
					if (field == 19)
						nice = atol(tok);
					else if (field == 40)
						rtprio = atol(tok);
					else if (field == 41) {
						policy = atol(tok);
						break;
					}
				}
			}
			for (k = 0; k < a->n && a->v[k].tid != tid; k++)
				;
			if (k == a->n) {
				if (a->n >= MAX_ATTRS)
					continue;
				a->n++;
			}
			a->v[k].tid = tid;
			snprintf(a->v[k].policy, sizeof(a->v[k].policy), "%s", policy_name((int)policy));
			a->v[k].nice = (int)nice;
			a->v[k].rt_priority = (int)rtprio;
		}
		closedir(d);
	}
}

/* processes of the command's group, for sampling: the root and children */
static void group_procs(int pgid, struct tids *procs)
{
	struct dirent *de;
	DIR *d = opendir("/proc");

	procs->n = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		int pid = atoi(de->d_name);

		if (pid > 0 && getpgid(pid) == pgid)
			tids_add(procs, pid);
	}
	closedir(d);
}

static int make_workdir(char *buf, size_t len)
{
	return owner__mkdtemp("scxbench-capture-", buf, len, NULL);
}

static char *target_text(const struct capture_req *rq)
{
	char buf[8192], *s = NULL;
	int n = 0;

	if (rq->argv) {
		while (rq->argv[n])
			n++;
		if (sched_spec__join(rq->argv, n, buf, sizeof(buf)))
			snprintf(buf, sizeof(buf), "%s ...", rq->argv[0]);
		return strdup(buf);
	}
	if (rq->pid && asprintf(&s, "pid %d", rq->pid) < 0)
		return NULL;
	if (!rq->pid && asprintf(&s, "comm %s", rq->comm) < 0)
		return NULL;
	return s;
}

int capture__run(const struct capture_req *rq, struct capture **out, struct capture_outcome *oc,
		 char *err, size_t len)
{
	const struct collector_ops *ops = &tracefs_collector_ops;
	struct tids roots = { 0 }, procs = { 0 };
	struct attrs attrs = { 0 };
	struct cmd_proc *cmd = NULL;
	struct capture *cap = NULL;
	char workdir[PATH_MAX] = "", ywork[PATH_MAX + 8], why[256];
	void *state = NULL, *ystate = NULL;
	bool started = false, sched_on = false;
	uint64_t t0, deadline, next_sample;
	struct utsname u;
	int rc;

	*out = NULL;
	memset(oc, 0, sizeof(*oc));
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (ops->available && !ops->available(why, sizeof(why))) {
		snprintf(err, len, "cannot trace: %s", why);
		return -ENOTSUP;
	}
	roots.v = calloc(MAX_ROOTS, sizeof(int));
	procs.v = calloc(MAX_ROOTS, sizeof(int));
	attrs.v = calloc(MAX_ATTRS, sizeof(*attrs.v));
	cap = capture__new();
	if (!roots.v || !procs.v || !attrs.v || !cap) {
		rc = -ENOMEM;
		snprintf(err, len, "out of memory");
		goto out;
	}
	if (rq->sched) {
		/* first: the target starts (or is found) under it */
		rc = sched__start(rq->sched, err, len);
		if (rc)
			goto out;
		sched_on = true;
	}
	if (rq->argv) {
		rc = cmd_proc__start(rq->argv, &cmd, err, len);
		if (rc)
			goto out;
		rc = tids_add(&roots, cmd_proc__pid(cmd));
	} else if (rq->pid) {
		rc = threads_of(rq->pid, &roots);
		if (rc) {
			snprintf(err, len, "--pid %d: no such process", rq->pid);
			goto out;
		}
		tids_add(&procs, rq->pid);
	} else {
		rc = threads_named(rq->comm, &roots);
		if (!rc && !roots.n) {
			snprintf(err, len, "--comm %s: no task of that name runs", rq->comm);
			rc = -ESRCH;
			goto out;
		}
		for (int i = 0; i < roots.n; i++)
			tids_add(&procs, roots.v[i]); /* /proc/TID/task lists its process's */
	}
	if (rc) {
		if (!err[0])
			snprintf(err, len, "too many threads to capture");
		goto out;
	}
	rc = make_workdir(workdir, sizeof(workdir));
	if (rc) {
		snprintf(err, len, "cannot create a work dir in $TMPDIR: %s", strerror(-rc));
		workdir[0] = 0;
		goto out;
	}
	{
		/* the whole system's sched events, and the target's system calls */
		struct collector_cfg cfg = { .run_id = 0, .workdir = workdir, .buffer_kb = rq->buffer_kb };
		struct collector_cfg ycfg = {
			.run_id = 1, .workdir = ywork, .buffer_kb = rq->buffer_kb,
			.event_pids = roots.v, .nr_event_pids = roots.n,
		};

		snprintf(ywork, sizeof(ywork), "%s/sys", workdir);
		if (mkdir(ywork, 0700)) {
			rc = -errno;
			snprintf(err, len, "cannot create %s: %s", ywork, strerror(-rc));
			goto out;
		}
		rc = ops->create(&state, &cfg);
		if (!rc)
			rc = ops->create(&ystate, &ycfg);
		if (!rc)
			rc = ops->start(ystate);
		if (!rc)
			rc = ops->start(state);
		if (rc) {
			snprintf(err, len, "cannot start tracing: %s", strerror(-rc));
			goto out;
		}
		started = true;
	}
	t0 = now_mono_ns();
	deadline = t0 + (uint64_t)(rq->duration_s * 1e9);
	if (cmd) {
		rc = cmd_proc__release(cmd, err, len);
		if (rc)
			goto out;
	}
	next_sample = t0;
	for (;;) {
		uint64_t now = now_mono_ns(), until;

		if (now >= next_sample) {
			if (cmd)
				group_procs(cmd_proc__pid(cmd), &procs);
			sample_attrs(&procs, &attrs);
			next_sample = now + 100000000ull;
		}
		if (rq->stop && *rq->stop)
			break;
		if (now >= deadline) {
			oc->cmd_killed = cmd != NULL;
			break;
		}
		until = next_sample < deadline ? next_sample : deadline;
		if (cmd) {
			rc = cmd_proc__wait(cmd, until, rq->stop);
			if (!rc)
				break;
		} else {
			struct timespec ts = { 0, (long)(until - now) };

			if (ts.tv_nsec >= 1000000000L)
				ts.tv_nsec = 999999999L;
			nanosleep(&ts, NULL);
			/* every target gone: nothing more to see */
			if (rq->pid && kill(rq->pid, 0) && errno == ESRCH)
				break;
		}
	}
	oc->elapsed_s = (now_mono_ns() - t0) / 1e9;
	if (cmd) {
		cmd_proc__kill(cmd);
		oc->cmd_status = cmd_proc__status(cmd);
	}
	rc = ops->stop(state);
	if (!rc)
		rc = ops->stop(ystate);
	if (rc) {
		snprintf(err, len, "tracing failed during the capture: %s", strerror(-rc));
		goto out;
	}
	rc = tracefs_collector__capture(state, ystate, roots.v, roots.n, attrs.v, attrs.n, cap);
	if (rc) {
		snprintf(err, len, "cannot read the capture's trace: %s", strerror(-rc));
		goto out;
	}
	if (rq->stop && *rq->stop) {
		rc = -EINTR;
		snprintf(err, len, "interrupted");
		goto out;
	}
	if (rq->sched && sched__has_exited(rq->sched)) {
		struct sched_exit ex;

		sched__stop(rq->sched, &ex);
		sched_on = false;
		snprintf(err, len, "%s left during the capture (%s%s%s): the capture is not under it",
			 sched__name(rq->sched), ex.valid ? ex.reason : "no exit info",
			 ex.valid && ex.msg[0] ? ": " : "", ex.valid ? ex.msg : "");
		rc = -ECANCELED;
		goto out;
	}
	cap->target = target_text(rq);
	cap->command = rq->argv ? strdup(cap->target) : NULL;
	cap->duration_s = oc->elapsed_s;
	cap->created_at = now_wall();
	cap->ncpus = host_ncpus();
	{
		char ops_name[128] = "";

		cap->scheduler = strdup(rq->sched ? sched__name(rq->sched) :
					scx_kernel_supported() && !scx_ops_name(ops_name, sizeof(ops_name)) &&
					ops_name[0] ? ops_name : "eevdf");
	}
	if (!uname(&u)) {
		cap->kernel = strdup(u.release);
		cap->host = strdup(u.nodename);
	}
	if (!cap->nth) {
		snprintf(err, len, "the target never ran on a CPU while it was traced");
		rc = -ENODATA;
		goto out;
	}
	*out = cap;
	cap = NULL;
	rc = 0;
out:
	if (started && rc) {
		ops->stop(state);
		ops->stop(ystate);
	}
	if (state)
		ops->destroy(state);
	if (ystate)
		ops->destroy(ystate);
	cmd_proc__free(cmd);
	if (sched_on) {
		struct sched_exit ex;

		/* after the command is reaped: nothing of it runs unscheduled */
		if (sched__stop(rq->sched, &ex))
			pr_warn("capture: stopping %s did not finish cleanly\n", sched__name(rq->sched));
	}
	if (workdir[0])
		remove_tree(workdir);
	capture__free(cap);
	free(roots.v);
	free(procs.v);
	free(attrs.v);
	return rc;
}
