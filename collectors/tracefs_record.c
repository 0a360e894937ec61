// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs collector, recording half: a private instance per run
 * ("scxbench-<pid>-<run id>", never the top-level buffer), the scheduling
 * events enabled in it, and one reader thread per CPU moving whole
 * ring-buffer sub-buffers from per_cpu/cpuN/trace_pipe_raw into a file.
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
 *  - The default buffer is small (1408 KiB per CPU, trace-cmd's default)
 *    on purpose: the writer streams through the whole ring, and a ring
 *    bigger than the L2 cache (2 MiB per core here) evicts the workload's
 *    cache lines. On hackbench -p -g 4 -l 2000, 9 interleaved reps each:
 *    8 MiB cost +10.2 % vs 0.0 % for 1408 KiB (perf bench messaging);
 *    2 MiB +11.1 % vs +0.6 % for 1408 KiB (ours). Wakeups at 25 % leave
 *    ~1 MiB (~0.1 s of hackbench's trace) for a reader to get a CPU; no
 *    event was lost at that size. --buffer-kb raises it for bigger loads.
 *  - Between those wakeups a reader sleeps: no periodic timer next to
 *    the workload (stop() wakes it through an eventfd).
 * Reader threads block every signal: SIGINT/SIGTERM go to the runner's
 * thread, which then calls stop()/destroy() from normal context.
 */
/* harness/sched.h shadows <sched.h> (pulled in by <pthread.h> and tracefs.h)
 * while the Makefile uses -Iharness: take the system header first. */
#include <sched.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "log.h"
#include "store.h"
#include "trace_collector.h"
#include "util.h"

#define DEFAULT_BUFFER_KB 1408
#define WRITE_BATCH (1u << 20)
/* wake when the per-CPU buffer is this full: the rest is left for the
 * time the reader needs to get a CPU next to the load */
#define BUFFER_PERCENT "25"
/* pages are also moved this often when the buffer fills slowly; not a
 * stop check (the eventfd does that) */
#define POLL_MS 1000
#define SPLICE_PIPE_SIZE (1 << 20)
#define MAX_NOTES 32

static const char *const sched_events[] = {
	"sched_switch", "sched_waking", "sched_wakeup", "sched_wakeup_new",
	"sched_migrate_task", "sched_process_fork", "sched_process_exit",
};

struct tracefs_rec;

struct cpu_reader {
	struct tracefs_rec *rec;
	int cpu;
	int in_fd, out_fd;
	int pipefd[2];     /* splice: trace_pipe_raw -> pipe -> file */
	size_t pipe_size;
	bool no_splice;    /* splice refused: read() + write() */
	pthread_t thr;
	bool thr_running;
	char *buf;
	size_t len;
	uint64_t pages, zero_reads;
	int err;
};

struct tracefs_rec {
	int64_t run_id;
	bool keep_raw, keep_events;
	unsigned int buffer_kb;
	char name[64];
	struct tracefs_instance *inst;
	char *inst_dir;
	int ncpus;
	unsigned int page_size;
	struct cpu_reader *rd;
	char **paths;
	struct trace_cpu_stats *stats;
	atomic_int stop;
	int stop_fd; /* eventfd: wakes the readers out of poll() */
	bool stopped;
	char *notes[MAX_NOTES];
	int nr_notes;
};

static void add_note(struct tracefs_rec *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_note(struct tracefs_rec *r, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (r->nr_notes >= MAX_NOTES)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) >= 0)
		r->notes[r->nr_notes++] = s;
	va_end(ap);
}

static bool tracefs_available(char *reason, size_t len)
{
	const char *dir = NULL;
	char path[PATH_MAX];

	if (geteuid() != 0) {
		snprintf(reason, len, "tracing needs root");
		return false;
	}
	/* mounts tracefs at /sys/kernel/tracing when it is not mounted yet */
	if (tracefs_tracing_dir_is_mounted(true, &dir) < 0 || !dir) {
		snprintf(reason, len, "tracefs is not mounted and cannot be mounted");
		return false;
	}
	snprintf(path, sizeof(path), "%s/events/sched/sched_switch", dir);
	if (access(path, F_OK)) {
		snprintf(reason, len, "%s: no sched tracepoints", dir);
		return false;
	}
	snprintf(path, sizeof(path), "%s/instances", dir);
	if (access(path, W_OK)) {
		snprintf(reason, len, "%s: cannot create tracefs instances", dir);
		return false;
	}
	return true;
}

/* "scxbench-<pid>-<run>" whose pid is gone */
static int stale_cb(const char *name, void *ctx)
{
	int *removed = ctx;
	struct tracefs_instance *inst;
	char *end;
	long pid;

	if (strncmp(name, TRACEFS_INSTANCE_PREFIX, strlen(TRACEFS_INSTANCE_PREFIX)))
		return 0;
	pid = strtol(name + strlen(TRACEFS_INSTANCE_PREFIX), &end, 10);
	if (end == name + strlen(TRACEFS_INSTANCE_PREFIX) || *end != '-' || pid <= 0)
		return 0;
	if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;
	inst = tracefs_instance_alloc(NULL, name);
	if (!inst)
		return 0;
	if (!tracefs_instance_destroy(inst)) {
		pr_info("removed stale tracefs instance %s\n", name);
		(*removed)++;
	} else {
		pr_warn("cannot remove stale tracefs instance %s: %s\n", name, strerror(errno));
	}
	tracefs_instance_free(inst);
	return 0;
}

int tracefs_collector__cleanup_stale(void)
{
	int removed = 0;

	if (!tracefs_tracing_dir())
		return -ENOENT;
	if (tracefs_instances_walk(stale_cb, &removed) < 0)
		return -errno ? -errno : -EIO;
	return removed;
}

static int inst_write(struct tracefs_rec *r, const char *file, const char *val)
{
	if (tracefs_instance_file_write(r->inst, file, val) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

static int read_stats(struct tracefs_rec *r, int cpu, struct trace_cpu_stats *s)
{
	char path[PATH_MAX], buf[1024], *p;
	int err;

	snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/stats", r->inst_dir, cpu);
	err = read_text_file(path, buf, sizeof(buf));
	if (err < 0)
		return err;
	memset(s, 0, sizeof(*s));
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		unsigned long long v;

		if (sscanf(p, "entries: %llu", &v) == 1)
			s->entries_left = v;
		else if (sscanf(p, "overrun: %llu", &v) == 1)
			s->overrun = v;
		else if (sscanf(p, "commit overrun: %llu", &v) == 1)
			s->commit_overrun = v;
		else if (sscanf(p, "dropped events: %llu", &v) == 1)
			s->dropped = v;
	}
	return 0;
}

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

			if (read_stats(r, rd->cpu, &s) || !s.entries_left || ++tries > 200)
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

	for (;;) {
		bool last = atomic_load(&r->stop);
		struct pollfd p[2] = {
			{ .fd = rd->in_fd, .events = POLLIN },
			{ .fd = r->stop_fd, .events = POLLIN },
		};

		err = drain(rd, last);
		if (err || last)
			break;
		poll(p, 2, POLL_MS);
	}
	if (!err)
		err = flush_buf(rd);
	rd->err = err;
	return NULL;
}

static void free_rec(struct tracefs_rec *r)
{
	for (int i = 0; r->rd && i < r->ncpus; i++)
		free(r->rd[i].buf);
	for (int i = 0; r->paths && i < r->ncpus; i++)
		free(r->paths[i]);
	for (int i = 0; i < r->nr_notes; i++)
		free(r->notes[i]);
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	free(r->paths);
	free(r->rd);
	free(r->stats);
	free(r);
}

static void stop_readers(struct tracefs_rec *r)
{
	atomic_store(&r->stop, 1);
	if (r->stop_fd >= 0) {
		uint64_t one = 1;

		if (write(r->stop_fd, &one, sizeof(one)) != sizeof(one))
			pr_debug("trace: waking the readers: %s\n", strerror(errno));
	}
	for (int i = 0; r->rd && i < r->ncpus; i++) {
		struct cpu_reader *rd = &r->rd[i];

		if (rd->thr_running) {
			pthread_join(rd->thr, NULL);
			rd->thr_running = false;
		}
	}
	for (int i = 0; r->rd && i < r->ncpus; i++) {
		struct cpu_reader *rd = &r->rd[i];

		if (rd->in_fd >= 0)
			close(rd->in_fd);
		if (rd->out_fd >= 0)
			close(rd->out_fd);
		for (int j = 0; j < 2; j++)
			if (rd->pipefd[j] >= 0)
				close(rd->pipefd[j]);
		rd->in_fd = rd->out_fd = rd->pipefd[0] = rd->pipefd[1] = -1;
	}
}

static void remove_files(struct tracefs_rec *r)
{
	for (int i = 0; r->paths && i < r->ncpus; i++)
		if (r->paths[i])
			unlink(r->paths[i]);
}

static void tracefs_destroy(void *state)
{
	struct tracefs_rec *r = state;

	if (!r)
		return;
	if (r->inst)
		inst_write(r, "tracing_on", "0");
	stop_readers(r);
	if (r->inst) {
		/* rmdir of the instance fails while any of its files is open */
		if (tracefs_instance_destroy(r->inst))
			pr_warn("cannot remove tracefs instance %s: %s\n", r->name, strerror(errno));
		tracefs_instance_free(r->inst);
		r->inst = NULL;
	}
	if (!r->keep_raw)
		remove_files(r);
	tracefs_put_tracing_file(r->inst_dir);
	r->inst_dir = NULL;
	free_rec(r);
}

static int count_cpus(const char *inst_dir)
{
	char path[PATH_MAX];
	int n = 0;

	for (;;) {
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d", inst_dir, n);
		if (access(path, F_OK))
			break;
		n++;
	}
	return n;
}

static int tracefs_create(void **state, const struct collector_cfg *cfg)
{
	struct tracefs_rec *r;
	char val[64], path[PATH_MAX];
	int err, rc;

	*state = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->stop_fd = -1;
	r->run_id = cfg->run_id;
	r->keep_raw = cfg->keep_raw;
	r->keep_events = cfg->keep_events;
	r->buffer_kb = cfg->buffer_kb ? cfg->buffer_kb : DEFAULT_BUFFER_KB;

	rc = tracefs_collector__cleanup_stale();
	if (rc < 0)
		pr_debug("stale tracefs instance cleanup: %s\n", strerror(-rc));

	snprintf(r->name, sizeof(r->name), TRACEFS_INSTANCE_PREFIX "%d-%" PRId64, (int)getpid(),
		 cfg->run_id);
	if (tracefs_instance_exists(r->name)) {
		err = -EEXIST;
		pr_err("tracefs instance %s already exists\n", r->name);
		goto fail;
	}
	r->inst = tracefs_instance_create(r->name);
	if (!r->inst) {
		err = errno ? -errno : -EIO;
		pr_err("cannot create tracefs instance %s: %s\n", r->name, strerror(-err));
		goto fail;
	}
	r->inst_dir = tracefs_instance_get_dir(r->inst);
	if (!r->inst_dir) {
		err = -ENOMEM;
		goto fail;
	}
	err = inst_write(r, "tracing_on", "0");
	if (err)
		goto fail;
	/* one clock for all CPUs: wakeup on one CPU, switch-in on another */
	if (inst_write(r, "trace_clock", "mono"))
		add_note(r, "trace_clock mono unavailable: cross-CPU latencies use the local clock");
	if (tracefs_instance_set_buffer_size(r->inst, r->buffer_kb, -1) < 0) {
		err = errno ? -errno : -EIO;
		pr_err("%s: cannot set buffer_size_kb to %u: %s\n", r->name, r->buffer_kb,
		       strerror(-err));
		goto fail;
	}
	if (tracefs_file_exists(r->inst, "buffer_percent"))
		inst_write(r, "buffer_percent", BUFFER_PERCENT);
	r->page_size = (unsigned int)getpagesize();
	snprintf(path, sizeof(path), "%s/buffer_subbuf_size_kb", r->inst_dir);
	if (!read_text_file(path, val, sizeof(val))) {
		int64_t kb;

		if (!parse_i64(val, 1, 1024, &kb))
			r->page_size = (unsigned int)kb * 1024;
	}

	for (size_t i = 0; i < ARRAY_SIZE(sched_events); i++) {
		if (tracefs_event_enable(r->inst, "sched", sched_events[i]) < 0)
			add_note(r, "event sched:%s absent in this kernel", sched_events[i]);
	}
	if (tracefs_event_enable(r->inst, "sched_ext", NULL) < 0)
		add_note(r, "no sched_ext:* events in this kernel");

	r->ncpus = count_cpus(r->inst_dir);
	if (r->ncpus <= 0) {
		err = -ENODEV;
		pr_err("%s: no per_cpu buffers\n", r->name);
		goto fail;
	}
	r->rd = calloc(r->ncpus, sizeof(*r->rd));
	r->paths = calloc(r->ncpus, sizeof(*r->paths));
	r->stats = calloc(r->ncpus, sizeof(*r->stats));
	if (!r->rd || !r->paths || !r->stats) {
		err = -ENOMEM;
		goto fail;
	}
	for (int i = 0; i < r->ncpus; i++) {
		struct cpu_reader *rd = &r->rd[i];

		rd->rec = r;
		rd->cpu = i;
		rd->in_fd = rd->out_fd = rd->pipefd[0] = rd->pipefd[1] = -1;
		if (asprintf(&r->paths[i], "%s/cpu%d.raw", cfg->workdir ? cfg->workdir : "/tmp",
			     i) < 0) {
			r->paths[i] = NULL;
			err = -ENOMEM;
			goto fail;
		}
		rd->buf = aligned_alloc(4096, WRITE_BATCH);
		if (!rd->buf) {
			err = -ENOMEM;
			goto fail;
		}
	}
	r->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (r->stop_fd < 0) {
		err = -errno;
		goto fail;
	}
	*state = r;
	return 0;
fail:
	tracefs_destroy(r);
	return err;
}

static int tracefs_start(void *state)
{
	struct tracefs_rec *r = state;
	sigset_t all, old;
	int err = 0;

	for (int i = 0; i < r->ncpus; i++) {
		struct cpu_reader *rd = &r->rd[i];
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/per_cpu/cpu%d/trace_pipe_raw", r->inst_dir, i);
		rd->in_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (rd->in_fd < 0) {
			err = -errno;
			pr_err("%s: %s\n", path, strerror(errno));
			return err;
		}
		rd->out_fd = open(r->paths[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (rd->out_fd < 0) {
			err = -errno;
			pr_err("%s: %s\n", r->paths[i], strerror(errno));
			return err;
		}
		if (pipe2(rd->pipefd, O_CLOEXEC)) {
			rd->pipefd[0] = rd->pipefd[1] = -1;
			rd->no_splice = true;
			continue;
		}
		/* bigger pipe, fewer syscalls; the default 64 KiB works too */
		if (fcntl(rd->pipefd[1], F_SETPIPE_SZ, SPLICE_PIPE_SIZE) < 0)
			pr_debug("trace: F_SETPIPE_SZ: %s\n", strerror(errno));
		rd->pipe_size = (size_t)fcntl(rd->pipefd[1], F_GETPIPE_SZ);
		if ((ssize_t)rd->pipe_size < (ssize_t)r->page_size) {
			rd->no_splice = true;
			continue;
		}
		rd->pipe_size -= rd->pipe_size % r->page_size;
	}
	/* the threads inherit this mask: signals stay with the runner */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (int i = 0; i < r->ncpus; i++) {
		int rc = pthread_create(&r->rd[i].thr, NULL, reader_main, &r->rd[i]);

		if (rc) {
			err = -rc;
			break;
		}
		r->rd[i].thr_running = true;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return err;
	return inst_write(r, "tracing_on", "1");
}

static int tracefs_stop(void *state)
{
	struct tracefs_rec *r = state;
	int err = 0;

	if (r->stopped)
		return 0;
	err = inst_write(r, "tracing_on", "0");
	stop_readers(r);
	r->stopped = true;
	for (int i = 0; i < r->ncpus; i++) {
		struct cpu_reader *rd = &r->rd[i];

		if (rd->err) {
			add_note(r, "cpu%d reader failed: %s", i, strerror(-rd->err));
			err = err ? err : rd->err;
		}
		if (read_stats(r, i, &r->stats[i]))
			add_note(r, "cpu%d: stats unreadable", i);
		pr_debug("trace cpu%d: %" PRIu64 " pages (%s), %" PRIu64 " zero reads, overrun %"
			 PRIu64 " dropped %" PRIu64 "\n", i, rd->pages,
			 rd->no_splice ? "read" : "splice", rd->zero_reads, r->stats[i].overrun,
			 r->stats[i].dropped);
	}
	return err;
}

static int tracefs_store(void *state, struct store *st, int64_t run_id, struct results *res)
{
	struct tracefs_rec *r = state;
	struct trace_parse_input in = {
		.ncpus = r->ncpus,
		.paths = r->paths,
		.page_size = r->page_size,
		.tracing_dir = tracefs_tracing_dir(),
		.stats = r->stats,
		.keep_events = r->keep_events,
	};
	int err;

	if (!r->stopped)
		tracefs_stop(r);
	for (int i = 0; i < r->nr_notes; i++) {
		err = store__add_note(st, run_id, "tracefs", r->notes[i]);
		if (err)
			return err;
	}
	err = trace_parse__run(&in, st, run_id, res);
	if (!err && !r->keep_raw)
		remove_files(r);
	return err;
}

const struct collector_ops tracefs_collector_ops = {
	.name = "tracefs",
	.available = tracefs_available,
	.create = tracefs_create,
	.start = tracefs_start,
	.stop = tracefs_stop,
	.store = tracefs_store,
	.destroy = tracefs_destroy,
};
