// SPDX-License-Identifier: GPL-2.0
/*
 * Child processes of the workloads: fork, supervise, reap; shared memory;
 * progress lines. The supervising side waits on pidfds so it sleeps until
 * a child exits, the deadline passes or a signal arrives (poll() returns
 * EINTR on SIGINT/SIGTERM whatever SA_RESTART says), instead of waking the
 * CPU every few milliseconds next to the load it measures.
 */
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/lib/fault.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

/* checked by poll() at least this often so a signal that lands just before
 * poll() (and so does not interrupt it) is still seen promptly */
#define WAIT_SLICE_NS 100000000ull

void *wl_shm_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void wl_shm_free(void *p, size_t size)
{
	if (p)
		munmap(p, size);
}

void wl_set_comm(const char *comm)
{
	prctl(PR_SET_NAME, (unsigned long)comm, 0, 0, 0);
}

/* set by workload__run for one run: the children inherit it with fork() */
static bool children_ext;

void wl_spawn__set_ext(bool on)
{
	children_ext = on;
}

bool wl_spawn__ext(void)
{
	return children_ext;
}

void wl_child_setup(const char *comm)
{
	pid_t ppid = getppid();

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* the parent may have died between fork() and prctl() */
	if (getppid() != ppid)
		_exit(1);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	wl_set_comm(comm);
	/* before anything is measured; threads created from here on
	 * inherit it. The first time this child was picked it was still on
	 * fair (the harness's policy): one fair switch-in per forked child */
	if (children_ext) {
		struct sched_param sp = { 0 };

		if (sched_setscheduler(0, WL_SCHED_EXT, &sp)) {
			dprintf(2, "scxbench: %s: cannot switch to SCHED_EXT: %s\n", comm,
				strerror(errno));
			_exit(1);
		}
	}
}

int wl_proc__spawn(struct wl_proc *proc, const char *comm, int (*fn)(void *), void *arg)
{
	pid_t pid;

	memset(proc, 0, sizeof(*proc));
	proc->pidfd = -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		wl_child_setup(comm);
		_exit(fn(arg) ? 1 : 0);
	}
	/* also from the parent: kill(-pid) must work before the child ran */
	setpgid(pid, pid);
	proc->pid = pid;
	proc->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	return 0;
}

static void reap_nohang(struct wl_proc *p)
{
	int status;
	pid_t r;

	if (p->done || p->pid <= 0)
		return;
	do
		r = waitpid(p->pid, &status, WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == p->pid || (r < 0 && errno == ECHILD)) {
		p->status = r == p->pid ? status : 0;
		p->done = true;
	}
}

int wl_proc__wait(struct wl_proc *procs, int n, enum wl_wait_until until, uint64_t deadline_ns,
		  volatile sig_atomic_t *stop, wl_progress_fn progress, void *arg)
{
	uint64_t start = now_mono_ns(), next_progress = start + 1000000000ull;
	struct pollfd pfd[64];

	for (;;) {
		int running = 0, exited = 0, npfd = 0, timeout_ms;
		bool polled = true;
		uint64_t now, wake;

		for (int i = 0; i < n; i++) {
			reap_nohang(&procs[i]);
			if (procs[i].done || procs[i].pid <= 0) {
				exited += procs[i].pid > 0;
				continue;
			}
			running++;
			if (procs[i].pidfd >= 0 && npfd < (int)ARRAY_SIZE(pfd))
				pfd[npfd++] = (struct pollfd){ .fd = procs[i].pidfd, .events = POLLIN };
			else
				polled = false;
		}
		if (!running || (until == WL_WAIT_ANY && exited))
			return 0;
		if (stop && *stop)
			return -EINTR;
		now = now_mono_ns();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		fault__at("workload");
		if (progress && now >= next_progress) {
			progress(arg, (now - start) / 1e9);
			next_progress += 1000000000ull;
		}
		wake = deadline_ns;
		if (progress && next_progress < wake)
			wake = next_progress;
		if (wake - now > WAIT_SLICE_NS)
			wake = now + WAIT_SLICE_NS;
		/* children without a pidfd are polled every 10 ms */
		if (!polled && wake - now > 10000000ull)
			wake = now + 10000000ull;
		timeout_ms = (int)((wake - now + 999999) / 1000000);
		if (poll(pfd, npfd, timeout_ms) < 0 && errno != EINTR)
			return -errno;
	}
}

/* Does any process of group pgid still run (zombies aside)? */
static bool group_alive(pid_t pgid)
{
	struct dirent *de;
	bool alive = false;
	DIR *d;

	if (kill(-pgid, 0))
		return false;
	d = opendir("/proc");
	if (!d)
		return true;
	while (!alive && (de = readdir(d))) {
		char path[300], buf[512], *rp, state;
		int ppid, pgrp;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f) && (rp = strrchr(buf, ')')) &&
		    sscanf(rp + 1, " %c %d %d", &state, &ppid, &pgrp) == 3)
			alive = pgrp == pgid && state != 'Z' && state != 'X';
		fclose(f);
	}
	closedir(d);
	return alive;
}

void wl_group_reap(pid_t pgid)
{
	/* orphaned grandchildren come to us (the runner is a child
	 * subreaper): wait (bounded) until none of the group is alive,
	 * reaping them so that no zombie outlives the run either (pid 1 of a
	 * container may never reap them) */
	for (int ms = 0; ms < 2000 && group_alive(pgid); ms++) {
		const struct timespec t = { 0, 1000000 };

		kill(-pgid, SIGKILL);
		while (waitpid(-pgid, NULL, WNOHANG) > 0)
			;
		nanosleep(&t, NULL);
	}
	while (waitpid(-pgid, NULL, WNOHANG) > 0)
		;
}

void wl_proc__kill(struct wl_proc *procs, int n)
{
	for (int i = 0; i < n; i++) {
		struct wl_proc *p = &procs[i];

		if (p->pid <= 0)
			continue;
		if (!p->done) {
			int status;
			pid_t r;

			/* the whole group: process-mode hackbench workers are
			 * grandchildren (once reaped, the pgid may be reused:
			 * those have PR_SET_PDEATHSIG instead) */
			kill(-p->pid, SIGKILL);

			do
				r = waitpid(p->pid, &status, 0);
			while (r < 0 && errno == EINTR);
			p->status = r == p->pid ? status : 0;
			p->done = true;
			wl_group_reap(p->pid);
		}
		if (p->pidfd >= 0) {
			close(p->pidfd);
			p->pidfd = -1;
		}
	}
}

bool wl_proc__ok(const struct wl_proc *proc)
{
	return proc->done && WIFEXITED(proc->status) && WEXITSTATUS(proc->status) == 0;
}

void wl_progress(const struct wl_run_ctx *ctx, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	if (!ctx->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
}

void wl_fail(const struct wl_run_ctx *ctx, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!ctx->why || !ctx->whylen)
		pr_err("%s\n", line);
	else if (!ctx->why[0])
		snprintf(ctx->why, ctx->whylen, "%s", line);
}

void wl_progress_end(const struct wl_run_ctx *ctx)
{
	if (!ctx->progress)
		return;
	fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

uint64_t wl_work(uint64_t iters, uint64_t seed)
{
	uint64_t x = seed | 1;

	/* xorshift64: a serial dependency chain, one step per iteration */
	for (uint64_t i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static const char *pname(const char *prefix, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", prefix ? prefix : "", name);
	return buf;
}

int64_t wl_pint(const struct wl_params *p, const char *prefix, const char *name)
{
	char buf[64];

	return wl_param_int(p, pname(prefix, name, buf, sizeof(buf)));
}

bool wl_pbool(const struct wl_params *p, const char *prefix, const char *name)
{
	char buf[64];

	return wl_param_bool(p, pname(prefix, name, buf, sizeof(buf)));
}

const char *wl_pstr(const struct wl_params *p, const char *prefix, const char *name)
{
	char buf[64];

	return wl_param_str(p, pname(prefix, name, buf, sizeof(buf)));
}
