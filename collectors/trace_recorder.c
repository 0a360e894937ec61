// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs collector, the recorder: a process of its own with one reader
 * thread per CPU moving whole ring-buffer sub-buffers from the instance's
 * per_cpu/cpuN/trace_pipe_raw into a file while the workload runs. Apart
 * from tracefs_record.c because it is a program of its own (it runs in
 * another process, with its own descriptors and signal rules), and the
 * part of the collector that runs next to the workload.
 *
 * Why our own readers rather than `cat`-like loops:
 *  - read() of trace_pipe_raw returns 0 now and then while the buffer
 *    still holds data (the kernel could not hand over the reader page at
 *    that instant). That is not end-of-file: a reader that stops there
 *    lets the buffer overrun. We only stop after stop() turned tracing
 *    off and the per-CPU "entries" counter says the buffer is empty.
 *  - Reading too eagerly returns mostly empty pages (the writer is still
 *    on them). The readers poll() with the instance's buffer_percent, so
 *    they wake when the buffer is a quarter full, and then splice() the
 *    full sub-buffers through a pipe into the file: the kernel hands over
 *    the ring-buffer pages themselves (splice never takes the page the
 *    writer is on), nothing is copied to user space, and a 1 MiB pipe
 *    moves 256 pages per pair of syscalls, as trace-cmd does. Only the
 *    last, partial pages are read() after tracing is off. Where splice()
 *    is refused (e.g. a file system without splice_write), the readers
 *    fall back to read() in 1 MiB batches.
 *  - Between those wakeups a reader sleeps: no periodic timer next to
 *    the workload (stop() wakes it through an eventfd).
 *  - The readers live in a recorder process of their own ("scxb-trace"),
 *    forked by start() before the workload, and only it opens the
 *    trace_pipe_raw, pipe and output files. The workload's processes are
 *    forked from the runner: with the reader threads and their files in
 *    the runner, every worker inherited them, and pipe hackbench ran
 *    +8.5 % to +14.5 % slower than untraced; the same readers in another
 *    process (or trace-cmd record) cost 0-4 % (25-40 interleaved reps
 *    each). The counters the runner reads afterwards are in a shared
 *    mapping.
 * The recorder ignores SIGINT/SIGTERM (a terminal ^C reaches the whole
 * process group): the runner handles them and stops it in order, so the
 * last pages are still drained. PR_SET_PDEATHSIG takes it down with a
 * SIGKILLed runner; the next run removes the instance it leaves
 * (tracefs_record.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collectors/trace_record_impl.h"
#include "harness/lib/log.h"

#define WRITE_BATCH (1u << 20)
/* pages are also moved this often when the buffer fills slowly; not a
 * stop check (the eventfd does that) */
#define POLL_MS 1000
#define SPLICE_PIPE_SIZE (1 << 20)

static int flush_buf(struct cpu_reader *rd)
{
	size_t off = 0;

	while (off < rd->len) {
		ssize_t n = write(rd->out_fd, rd->buf + off, rd->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	rd->len = 0;
	return 0;
}

/* Move n bytes from the splice pipe to the file. */
static int pipe_to_file(struct cpu_reader *rd, size_t n)
{
	while (n) {
		ssize_t m = splice(rd->pipefd[0], NULL, rd->out_fd, NULL, n, SPLICE_F_MOVE);

		if (m < 0 && errno == EINTR)
			continue;
		if (m < 0 && errno == EINVAL) {
			/* the file refuses splice: copy what the pipe holds */
			rd->no_splice = true;
			while (n) {
				ssize_t k = read(rd->pipefd[0], rd->buf,
						 n < WRITE_BATCH ? n : WRITE_BATCH);
				int err;

				if (k < 0 && errno == EINTR)
					continue;
				if (k <= 0)
					return k < 0 ? -errno : -EIO;
				rd->len = (size_t)k;
				err = flush_buf(rd);
				if (err)
					return err;
				n -= (size_t)k;
			}
			return 0;
		}
		if (m <= 0)
			return m < 0 ? -errno : -EIO;
		n -= (size_t)m;
	}
	return 0;
}

/*
 * Splice every full page the buffer holds now. Returns 0 when nothing is
 * left (EAGAIN, or 0: neither is end-of-file here), -errno on failure;
 * sets no_splice when trace_pipe_raw refuses splice.
 */
static int splice_full_pages(struct cpu_reader *rd)
{
	unsigned int ps = rd->rec->page_size;

	while (!rd->no_splice) {
		ssize_t n = splice(rd->in_fd, NULL, rd->pipefd[1], NULL, rd->pipe_size,
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		int err;

		if (n > 0) {
			rd->pages += ((size_t)n + ps - 1) / ps;
			err = pipe_to_file(rd, (size_t)n);
			if (err)
				return err;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EINVAL || errno == ENOSYS)) {
			rd->no_splice = true;
			break;
		}
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n == 0)
			rd->zero_reads++;
		return 0;
	}
	return 0;
}

/*
 * Move every page that is readable now. With final set (tracing is off),
 * keep going until the buffer's own entry count says it is empty: a 0 or
 * EAGAIN from read() alone does not prove that. The partial page the
 * writer stopped on only comes out through read(), so the final pass
 * always ends with read()s.
 */
static int drain(struct cpu_reader *rd, bool final)
{
	struct tracefs_rec *r = rd->rec;
	unsigned int ps = r->page_size;
	int tries = 0, err;

	err = splice_full_pages(rd);
	if (err)
		return err;
	if (!final && !rd->no_splice)
		return 0;
	for (;;) {
		ssize_t n;

		if (rd->len + ps > WRITE_BATCH) {
			err = flush_buf(rd);
			if (err)
				return err;
		}
		n = read(rd->in_fd, rd->buf + rd->len, ps);
		if (n > 0) {
			if ((size_t)n < ps)
				memset(rd->buf + rd->len + n, 0, ps - (size_t)n);
			rd->len += ps;
			rd->pages++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n == 0)
			rd->zero_reads++;
		if (!final)
			return 0;
		{
			struct trace_cpu_stats s;
			struct timespec ts = { 0, 1000000 };

			if (tracefs_record__read_stats(r, rd->cpu, &s) || !s.entries_left || ++tries > 200)
				return 0;
			nanosleep(&ts, NULL);
		}
	}
}

static void *reader_main(void *arg)
{
	struct cpu_reader *rd = arg;
	struct tracefs_rec *r = rd->rec;
	int err = 0;

	bool last = false;

	/* stop() turns tracing off before it writes the eventfd, so the pass
	 * after that write is the final one. Nobody reads the eventfd: once
	 * written it stays readable for every reader. */
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = rd->in_fd, .events = POLLIN },
			{ .fd = r->stop_fd, .events = POLLIN },
		};

		err = drain(rd, last);
		if (err || last)
			break;
		if (poll(p, 2, POLL_MS) > 0 && (p[1].revents & POLLIN))
			last = true;
	}
	if (!err)
		err = flush_buf(rd);
	rd->err = err;
	return NULL;
}

/* In the recorder: open this CPU's files. */
static int open_cpu(struct tracefs_rec *r, struct cpu_reader *rd)
{
	char path[PATH_MAX];

	rd->buf = aligned_alloc(4096, WRITE_BATCH);
	if (!rd->buf)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", r->inst_dir, rd->cpu);
	rd->in_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (rd->in_fd < 0) {
		pr_err("%s: %s\n", path, strerror(errno));
		return -errno;
	}
	rd->out_fd = open(r->paths[rd->cpu], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (rd->out_fd < 0) {
		pr_err("%s: %s\n", r->paths[rd->cpu], strerror(errno));
		return -errno;
	}
	if (pipe2(rd->pipefd, O_CLOEXEC)) {
		rd->pipefd[0] = rd->pipefd[1] = -1;
		rd->no_splice = true;
		return 0;
	}
	/* bigger pipe, fewer syscalls; the default 64 KiB works too */
	if (fcntl(rd->pipefd[1], F_SETPIPE_SZ, SPLICE_PIPE_SIZE) < 0)
		pr_debug("trace: F_SETPIPE_SZ: %s\n", strerror(errno));
	rd->pipe_size = (size_t)fcntl(rd->pipefd[1], F_GETPIPE_SZ);
	if ((ssize_t)rd->pipe_size < (ssize_t)r->page_size) {
		rd->no_splice = true;
		return 0;
	}
	rd->pipe_size -= rd->pipe_size % r->page_size;
	return 0;
}

/* Close every descriptor but stdio and keep[]: the recorder must not hold
 * the runner's database or anything else the runner may close. */
static void close_all_but(const int *keep, int n)
{
	unsigned int from = 3;

	/* keep[] ascending */
	for (int i = 0; i < n; i++) {
		if ((unsigned int)keep[i] > from)
			close_range(from, (unsigned int)keep[i] - 1, 0);
		if ((unsigned int)keep[i] + 1 > from)
			from = (unsigned int)keep[i] + 1;
	}
	close_range(from, ~0U, 0);
}

/* The recorder process: open, report readiness (0 or -errno) on ready_fd,
 * move pages until stop(), exit 0 when every reader finished cleanly. */
static void __attribute__((noreturn)) recorder_main(struct tracefs_rec *r, pid_t runner, int ready_fd)
{
	int keep[2] = { ready_fd < r->stop_fd ? ready_fd : r->stop_fd,
			ready_fd < r->stop_fd ? r->stop_fd : ready_fd };
	int err = 0, started = 0;
	sigset_t all;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != runner)
		_exit(1);
	prctl(PR_SET_NAME, "scxb-trace");
	/* forked with every signal blocked, and they stay blocked (SIGKILL
	 * cannot be): ignoring these too keeps a stray one harmless */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	close_all_but(keep, 2);
	for (int i = 0; i < r->ncpus && !err; i++)
		err = open_cpu(r, &r->rd[i]);
	/* the threads inherit this mask: signals are none of theirs */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (; !err && started < r->ncpus; started++)
		err = -pthread_create(&r->rd[started].thr, NULL, reader_main, &r->rd[started]);
	if (write(ready_fd, &err, sizeof(err)) != sizeof(err) || err)
		_exit(1); /* the threads go with the process: nothing was recorded */
	close(ready_fd);
	for (int i = 0; i < started; i++) {
		pthread_join(r->rd[i].thr, NULL);
		if (r->rd[i].err)
			err = r->rd[i].err;
	}
	_exit(err ? 1 : 0);
}

int trace_recorder__start(struct tracefs_rec *r)
{
	int ready[2], status, err = 0;
	pid_t runner = getpid(), pid;
	sigset_t all, old;
	ssize_t n;

	if (pipe2(ready, O_CLOEXEC))
		return -errno;
	/* a ^C right now must not kill the recorder before it ignores it; the
	 * runner gets it when the mask is restored */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid)
		sigprocmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		err = -errno;
		close(ready[0]);
		close(ready[1]);
		return err;
	}
	if (!pid)
		recorder_main(r, runner, ready[1]);
	close(ready[1]);
	do
		n = read(ready[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(ready[0]);
	if (n != sizeof(err) || err) {
		if (n != sizeof(err))
			err = -ECHILD;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		pr_err("%s: the trace recorder did not start: %s\n", r->name, strerror(-err));
		return err;
	}
	r->recorder = pid;
	return 0;
}

void trace_recorder__stop(struct tracefs_rec *r)
{
	struct rusage ru;
	int status;
	pid_t w;

	if (!r->recorder)
		return;
	if (r->stop_fd >= 0) {
		uint64_t one = 1;

		if (write(r->stop_fd, &one, sizeof(one)) != sizeof(one))
			pr_debug("trace: waking the readers: %s\n", strerror(errno));
	}
	/* The final drain is bounded (drain() gives up after 200 tries), so
	 * this wait is too. */
	do
		w = wait4(r->recorder, &status, 0, &ru);
	while (w < 0 && errno == EINTR);
	if (w == r->recorder)
		r->recorder_cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
				    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
	if (w != r->recorder || !WIFEXITED(status) || WEXITSTATUS(status)) {
		r->recorder_failed = true;
		if (w == r->recorder && WIFSIGNALED(status))
			snprintf(r->failure, sizeof(r->failure),
				 "trace recorder process killed by signal %d", WTERMSIG(status));
		else
			snprintf(r->failure, sizeof(r->failure), "trace recorder process failed");
		tracefs_record__add_note(r, "%s: the trace is incomplete", r->failure);
	}
	r->recorder = 0;
}
