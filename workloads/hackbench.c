// SPDX-License-Identifier: GPL-2.0
/*
 * hackbench: the semantics of rt-tests hackbench / perf bench sched
 * messaging, so our figures can be checked against theirs.
 *
 * G groups; in each, F receivers each own one pipe or UNIX stream socket
 * pair, and F senders each write L messages of S bytes to every receiver
 * of the group. All workers first report ready on one pipe and block in
 * poll() on a second one; the clock starts when the master makes that
 * pipe readable and stops when every worker has been reaped (processes)
 * or joined (threads), exactly like rt-tests.
 *
 * The master runs in its own child process (process group), so the
 * supervisor can kill a round that overruns --duration whatever the mode.
 * Each receiver counts delivered messages in its own cache line of shared
 * memory: the supervisor reads the exact count at any time (mixed reports
 * throughput over a window; a full run must deliver G*F*F*L).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

#define HB_MAX_TASKS 8192

struct hb_slot {
	uint64_t msgs;
} __attribute__((aligned(WL_CACHELINE)));

struct hb_shared {
	volatile int stop;
	int err;
	uint64_t rounds;
	uint64_t last_elapsed_ns;
	struct hb_slot slot[]; /* groups * fds receivers */
};

struct hb {
	struct hb_cfg cfg;
	struct hb_shared *sh;
	size_t shsize;
};

struct hb_worker {
	const struct hb_cfg *cfg;
	int in_fd;          /* receiver */
	const int *out_fds; /* sender: the group's F write ends */
	int nclose;         /* receiver, process mode: write ends to drop */
	struct hb_slot *slot;
	int ready_fd, wake_fd;
	/* threads: set by the master when set-up failed half-way, before it
	 * wakes the workers that started (they then return at once, and the
	 * master joins them before it closes their fds) */
	const int *abort;
};

static int ready(const struct hb_worker *w)
{
	struct pollfd pfd = { .fd = w->wake_fd, .events = POLLIN };
	char c = 'r';

	if (write(w->ready_fd, &c, 1) != 1)
		return -1;
	while (poll(&pfd, 1, -1) != 1)
		if (errno != EINTR)
			return -1;
	if (w->abort && __atomic_load_n(w->abort, __ATOMIC_ACQUIRE))
		return -1;
	return 0;
}

static int sender(const struct hb_worker *w)
{
	const struct hb_cfg *cfg = w->cfg;
	char data[cfg->datasize];

	memset(data, '-', sizeof(data));
	if (ready(w))
		return 1;
	for (int i = 0; i < cfg->loops; i++) {
		for (int j = 0; j < cfg->fds; j++) {
			size_t done = 0;

			while (done < sizeof(data)) {
				ssize_t r = write(w->out_fds[j], data + done, sizeof(data) - done);

				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0)
					return 1;
				done += r;
			}
		}
	}
	return 0;
}

static int receiver(const struct hb_worker *w)
{
	const struct hb_cfg *cfg = w->cfg;
	uint64_t packets = (uint64_t)cfg->fds * cfg->loops;
	char data[cfg->datasize];

	if (ready(w))
		return 1;
	for (uint64_t i = 0; i < packets; i++) {
		size_t done = 0;

		while (done < sizeof(data)) {
			ssize_t r = read(w->in_fd, data + done, sizeof(data) - done);

			if (r < 0 && errno == EINTR)
				continue;
			/* 0: every sender is gone, the count can never complete */
			if (r <= 0)
				return 1;
			done += r;
		}
		__atomic_store_n(&w->slot->msgs, w->slot->msgs + 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static void *sender_thread(void *arg)
{
	wl_set_comm(ROLE_COMM_HACKBENCH "-s");
	return (void *)(long)sender(arg);
}

static void *receiver_thread(void *arg)
{
	wl_set_comm(ROLE_COMM_HACKBENCH "-r");
	return (void *)(long)receiver(arg);
}

struct round {
	int n;             /* workers started */
	pid_t *pids;
	pthread_t *tids;
	struct hb_worker *w;
	int *fds;          /* 2 * groups * fds, -1 when closed */
	int readyfd[2], wakefd[2];
	int abort;         /* threads: see struct hb_worker */
};

static int start_worker(const struct hb_cfg *cfg, struct round *r, struct hb_worker *w,
			bool is_sender, const pthread_attr_t *attr)
{
	int idx = r->n;

	if (cfg->threads) {
		int err = pthread_create(&r->tids[idx], attr,
					 is_sender ? sender_thread : receiver_thread, w);
		if (err)
			return -err;
	} else {
		pid_t pid = fork();

		if (pid < 0)
			return -errno;
		if (pid == 0) {
			wl_child_setup(is_sender ? ROLE_COMM_HACKBENCH "-s" : ROLE_COMM_HACKBENCH "-r");
			/* a receiver holding write ends never sees EOF if senders die */
			for (int i = 0; !is_sender && i < w->nclose; i++)
				close(w->out_fds[i]);
			_exit(is_sender ? sender(w) : receiver(w));
		}
		r->pids[idx] = pid;
	}
	r->n++;
	return 0;
}

/* Reap or join every started worker. Returns 0 when all succeeded. */
static int finish_workers(const struct hb_cfg *cfg, struct round *r)
{
	int err = 0;

	for (int i = 0; i < r->n; i++) {
		if (cfg->threads) {
			void *ret;

			pthread_join(r->tids[i], &ret);
			if (ret)
				err = -EIO;
		} else {
			int status;
			pid_t p;

			do
				p = waitpid(r->pids[i], &status, 0);
			while (p < 0 && errno == EINTR);
			if (p < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
				err = -EIO;
		}
	}
	r->n = 0;
	return err;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int hb_round(struct hb *hb)
{
	const struct hb_cfg *cfg = &hb->cfg;
	int nrecv = cfg->groups * cfg->fds, ntasks = 2 * nrecv, err = 0;
	struct round r = { .readyfd = { -1, -1 }, .wakefd = { -1, -1 } };
	pthread_attr_t attr;
	uint64_t t0, t1;
	char c = 'w';

	pthread_attr_init(&attr);
	/* thousands of threads: keep stacks small (they hold one message) */
	pthread_attr_setstacksize(&attr, PTHREAD_STACK_MIN + 65536 + 2 * (size_t)cfg->datasize);
	r.pids = calloc(ntasks, sizeof(*r.pids));
	r.tids = calloc(ntasks, sizeof(*r.tids));
	r.w = calloc(ntasks, sizeof(*r.w));
	r.fds = malloc(2 * nrecv * sizeof(*r.fds));
	if (!r.pids || !r.tids || !r.w || !r.fds) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (int i = 0; i < 2 * nrecv; i++)
		r.fds[i] = -1;
	if (pipe(r.readyfd) || pipe(r.wakefd)) {
		err = -errno;
		goto cleanup;
	}

	for (int g = 0; g < cfg->groups; g++) {
		/* r.fds: every read end, then every write end, so that a
		 * group's write ends form the array its senders walk */
		int *rd = &r.fds[g * cfg->fds];
		int *wr = &r.fds[nrecv + g * cfg->fds];

		for (int i = 0; i < cfg->fds; i++) {
			struct hb_worker *w = &r.w[r.n];
			int pair[2];

			if (cfg->pipe ? pipe(pair) : socketpair(AF_UNIX, SOCK_STREAM, 0, pair)) {
				err = -errno;
				goto cleanup;
			}
			rd[i] = pair[0];
			wr[i] = pair[1];
			*w = (struct hb_worker){
				.cfg = cfg, .in_fd = pair[0], .out_fds = wr, .nclose = i + 1,
				.slot = &hb->sh->slot[g * cfg->fds + i],
				.ready_fd = r.readyfd[1], .wake_fd = r.wakefd[0], .abort = &r.abort,
			};
			err = start_worker(cfg, &r, w, false, &attr);
			if (err)
				goto cleanup;
			/* later workers must not inherit this read end (as rt-tests) */
			if (!cfg->threads)
				close_fd(&rd[i]);
		}
		for (int i = 0; i < cfg->fds; i++) {
			struct hb_worker *w = &r.w[r.n];

			*w = (struct hb_worker){
				.cfg = cfg, .in_fd = -1, .out_fds = wr,
				.ready_fd = r.readyfd[1], .wake_fd = r.wakefd[0], .abort = &r.abort,
			};
			err = start_worker(cfg, &r, w, true, &attr);
			if (err)
				goto cleanup;
		}
		if (!cfg->threads)
			for (int i = 0; i < cfg->fds; i++)
				close_fd(&wr[i]);
	}

	for (int got = 0; got < ntasks;) {
		char buf[256];
		ssize_t n = read(r.readyfd[0], buf,
				 ntasks - got < (int)sizeof(buf) ? (size_t)(ntasks - got) : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = -EIO;
			goto cleanup;
		}
		got += n;
	}
	t0 = now_mono_ns();
	if (write(r.wakefd[1], &c, 1) != 1) {
		err = -errno;
		goto cleanup;
	}
	err = finish_workers(cfg, &r);
	t1 = now_mono_ns();
	if (!err)
		hb->sh->last_elapsed_ns = t1 - t0;

cleanup:
	if (r.n) {
		/* set-up failed half-way: the workers that started wait for the
		 * start signal. Processes are killed; threads share our memory
		 * and fds, so they are told to give up, woken and joined before
		 * anything they use is closed or freed. */
		if (!cfg->threads) {
			for (int i = 0; i < r.n; i++)
				kill(r.pids[i], SIGKILL);
		} else {
			__atomic_store_n(&r.abort, 1, __ATOMIC_RELEASE);
			if (r.wakefd[1] < 0 || write(r.wakefd[1], &c, 1) != 1)
				close_fd(&r.wakefd[1]); /* poll sees the hang-up */
		}
		finish_workers(cfg, &r);
	}
	if (r.fds)
		for (int i = 0; i < 2 * nrecv; i++)
			close_fd(&r.fds[i]);
	close_fd(&r.readyfd[0]);
	close_fd(&r.readyfd[1]);
	close_fd(&r.wakefd[0]);
	close_fd(&r.wakefd[1]);
	pthread_attr_destroy(&attr);
	free(r.fds);
	free(r.w);
	free(r.tids);
	free(r.pids);
	return err;
}

static int hb_master(void *arg)
{
	struct hb *hb = arg;
	int err;

	do {
		err = hb_round(hb);
		if (err) {
			hb->sh->err = err;
			return 1;
		}
		__atomic_add_fetch(&hb->sh->rounds, 1, __ATOMIC_RELAXED);
	} while (hb->cfg.repeat && !hb->sh->stop);
	return 0;
}

int hb__check(const struct wl_params *p, const char *prefix, char *err, size_t errlen)
{
	int groups = (int)wl_pint(p, prefix, "groups"), fds = (int)wl_pint(p, prefix, "fds");

	if (2 * groups * fds <= HB_MAX_TASKS)
		return 0;
	snprintf(err, errlen, "--%sgroups %d x --%sfds %d is %d tasks, more than %d", prefix, groups,
		 prefix, fds, 2 * groups * fds, HB_MAX_TASKS);
	return -EINVAL;
}

static int hackbench_check(const struct wl_params *p, char *err, size_t errlen)
{
	return hb__check(p, "", err, errlen);
}

int hb__cfg(const struct wl_params *p, const char *prefix, struct hb_cfg *cfg,
	    const struct wl_run_ctx *ctx)
{
	struct rlimit rl;
	int ntasks, nfds;

	*cfg = (struct hb_cfg){
		.groups = (int)wl_pint(p, prefix, "groups"),
		.fds = (int)wl_pint(p, prefix, "fds"),
		.loops = (int)wl_pint(p, prefix, "loops"),
		.datasize = (int)wl_pint(p, prefix, "datasize"),
		.pipe = wl_pbool(p, prefix, "pipe"),
		.threads = wl_pbool(p, prefix, "threads"),
	};
	ntasks = 2 * cfg->groups * cfg->fds;
	if (ntasks > HB_MAX_TASKS) /* refused before by hb__check() */
		return -E2BIG;
	/* threads: one process holds every pair for the whole round;
	 * processes: the master holds one group's pairs at a time */
	nfds = (cfg->threads ? ntasks : 2 * cfg->fds) + 64;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)nfds > rl.rlim_cur) {
		wl_fail(ctx, "hackbench: %d groups x %d fds need %d file descriptors, the limit is %llu",
			cfg->groups, cfg->fds, nfds, (unsigned long long)rl.rlim_cur);
		return -EMFILE;
	}
	return 0;
}

int hb__new(const struct hb_cfg *cfg, struct hb **out)
{
	struct hb *hb = calloc(1, sizeof(*hb));

	if (!hb)
		return -ENOMEM;
	hb->cfg = *cfg;
	hb->shsize = sizeof(struct hb_shared) +
		     (size_t)cfg->groups * cfg->fds * sizeof(struct hb_slot);
	hb->sh = wl_shm_alloc(hb->shsize);
	if (!hb->sh) {
		free(hb);
		return -ENOMEM;
	}
	*out = hb;
	return 0;
}

int hb__start(struct hb *hb, struct wl_proc *proc)
{
	return wl_proc__spawn(proc, ROLE_COMM_HACKBENCH "-m", hb_master, hb);
}

uint64_t hb__delivered(const struct hb *hb)
{
	uint64_t sum = 0;

	for (int i = 0; i < hb->cfg.groups * hb->cfg.fds; i++)
		sum += __atomic_load_n(&hb->sh->slot[i].msgs, __ATOMIC_RELAXED);
	return sum;
}

uint64_t hb__elapsed_ns(const struct hb *hb)
{
	return hb->sh->last_elapsed_ns;
}

uint64_t hb__rounds(const struct hb *hb)
{
	return __atomic_load_n(&hb->sh->rounds, __ATOMIC_RELAXED);
}

int hb__error(const struct hb *hb)
{
	return hb->sh->err;
}

void hb__stop(struct hb *hb)
{
	hb->sh->stop = 1;
}

void hb__free(struct hb *hb)
{
	if (!hb)
		return;
	wl_shm_free(hb->sh, hb->shsize);
	free(hb);
}

/* ---- the standalone workload ---- */

struct hb_progress {
	const struct wl_run_ctx *ctx;
	const struct hb *hb;
	uint64_t expected;
};

static void hb_progress(void *arg, double elapsed)
{
	struct hb_progress *pg = arg;

	wl_progress(pg->ctx, "hackbench: %.0f s, %llu/%llu messages", elapsed,
		    (unsigned long long)hb__delivered(pg->hb), (unsigned long long)pg->expected);
}

static int hackbench_run(const struct wl_params *p, const struct wl_run_ctx *ctx,
			 struct results *res)
{
	struct wl_proc proc = { .pid = 0, .pidfd = -1 };
	struct hb_progress pg = { .ctx = ctx };
	struct hb *hb = NULL;
	struct hb_cfg cfg;
	uint64_t delivered, elapsed;
	int err;

	err = hb__cfg(p, "", &cfg, ctx);
	if (err)
		return err;
	err = hb__new(&cfg, &hb);
	if (err)
		return err;
	pg.hb = hb;
	pg.expected = (uint64_t)cfg.groups * cfg.fds * cfg.fds * cfg.loops;
	err = hb__start(hb, &proc);
	if (err)
		goto cleanup;
	err = wl_proc__wait(&proc, 1, WL_WAIT_ALL,
			    now_mono_ns() + (uint64_t)(ctx->duration_s * 1e9), ctx->stop,
			    hb_progress, &pg);
	wl_proc__kill(&proc, 1);
	wl_progress_end(ctx);
	delivered = hb__delivered(hb);
	results__add_metric(res, "hackbench_messages", (double)delivered, "count", BETTER_NONE);
	if (err == -ETIMEDOUT) {
		wl_fail(ctx, "--duration %g s ended the run after %llu of %llu messages",
			ctx->duration_s, (unsigned long long)delivered,
			(unsigned long long)pg.expected);
		err = -ETIME;
		goto cleanup;
	}
	if (err)
		goto cleanup;
	if (hb__error(hb) || !wl_proc__ok(&proc)) {
		err = hb__error(hb) ? hb__error(hb) : -EIO;
		wl_fail(ctx, "a worker failed (%s)", strerror(-err));
		goto cleanup;
	}
	elapsed = hb__elapsed_ns(hb);
	err = results__add_metric(res, "hackbench_elapsed", elapsed / 1e9, "s", BETTER_LOWER);
	if (!err)
		err = results__add_metric(res, "hackbench_msgs_per_s",
					  elapsed ? delivered / (elapsed / 1e9) : 0, "msg/s",
					  BETTER_HIGHER);
cleanup:
	hb__free(hb);
	return err;
}

static const struct wl_param_def hackbench_params[] = { HB_PARAMS("", "", "4", "10", "200") };

static const char *const hackbench_primary[] = { "hackbench_msgs_per_s", NULL };

const struct workload wl_hackbench = {
	.name = "hackbench",
	.summary = "groups of senders spraying messages to receivers (rt-tests hackbench)",
	.params = hackbench_params,
	.nr_params = ARRAY_SIZE(hackbench_params),
	.run = hackbench_run,
	.primary = hackbench_primary,
	.check = hackbench_check,
};
