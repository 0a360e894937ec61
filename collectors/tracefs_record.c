// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs collector, recording half: a private instance per run (never
 * the top-level buffer, named after its owner: trace_collector.h), the
 * scheduling events enabled in it, and one reader thread per CPU moving
 * whole ring-buffer sub-buffers from per_cpu/cpuN/trace_pipe_raw into a
 * file.
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
 * SIGKILLed runner; the next run removes the instance it leaves, once
 * owner__alive says the process its name records is gone (a pid alone
 * could have been reused since).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tracefs.h>

#include "harness/lib/log.h"
#include "harness/lib/owner.h"
#include "harness/store/store.h"
#include "collectors/trace_collector.h"
#include "harness/lib/util.h"

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

/* One per CPU, in memory shared with the recorder process: the runner
 * reads pages, zero_reads, no_splice and err after the recorder exited.
 * buf and the fds are the recorder's alone. */
struct cpu_reader {
	struct tracefs_rec *rec;
	int cpu;
	int in_fd, out_fd;
	int pipefd[2];     /* splice: trace_pipe_raw -> pipe -> file */
	size_t pipe_size;
	bool no_splice;    /* splice refused: read() + write() */
	pthread_t thr;
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
	struct cpu_reader *rd; /* shared mapping, ncpus entries */
	char **paths;
	struct trace_cpu_stats *stats;
	pid_t recorder;        /* the recorder process, 0 when none runs */
	int stop_fd;           /* eventfd: wakes the readers out of poll() */
	bool recorder_failed;  /* it died or exited non-zero: data incomplete */
	char failure[160];     /* what made stop() fail */
	double recorder_cpu_s; /* the recorder's user + system time */
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

int tracefs_collector__instance_name(char *buf, size_t len, int64_t run_id)
{
	struct owner o;

	/* start 0 when /proc cannot tell: then the pid alone decides */
	owner__self(&o);
	return xsnprintf(buf, len, TRACEFS_INSTANCE_PREFIX "%d-%" PRIu64 "-%" PRId64, (int)o.pid,
			 o.start, run_id);
}

int tracefs_collector__instance_owner(const char *name, struct owner *o)
{
	unsigned long long start;
	const char *s;
	char *end;
	long pid;

	memset(o, 0, sizeof(*o));
	if (strncmp(name, TRACEFS_INSTANCE_PREFIX, strlen(TRACEFS_INSTANCE_PREFIX)))
		return -EINVAL;
	s = name + strlen(TRACEFS_INSTANCE_PREFIX);
	pid = strtol(s, &end, 10);
	if (end == s || *end != '-' || pid <= 0 || pid > INT_MAX)
		return -EINVAL;
	s = end + 1;
	start = strtoull(s, &end, 10);
	/* "scxbench-<pid>-<run id>" (no start time, an earlier version) */
	if (!isdigit((unsigned char)*s) || *end != '-')
		start = 0;
	o->pid = (pid_t)pid;
	o->start = start;
	/* tracefs instances do not outlive a boot */
	owner__boot_id(o->boot, sizeof(o->boot));
	return 0;
}

/* an instance of ours whose owner is gone: remove it */
static int stale_cb(const char *name, void *ctx)
{
	int *removed = ctx;
	struct tracefs_instance *inst;
	struct owner o;

	if (tracefs_collector__instance_owner(name, &o) || owner__alive(&o))
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

static void free_rec(struct tracefs_rec *r)
{
	for (int i = 0; r->paths && i < r->ncpus; i++)
		free(r->paths[i]);
	for (int i = 0; i < r->nr_notes; i++)
		free(r->notes[i]);
	if (r->stop_fd >= 0)
		close(r->stop_fd);
	free(r->paths);
	if (r->rd)
		munmap(r->rd, (size_t)r->ncpus * sizeof(*r->rd));
	free(r->stats);
	free(r);
}

static void stop_readers(struct tracefs_rec *r)
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
		add_note(r, "%s: the trace is incomplete", r->failure);
	}
	r->recorder = 0;
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

	err = tracefs_collector__instance_name(r->name, sizeof(r->name), cfg->run_id);
	if (err)
		goto fail;
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
	r->rd = mmap(NULL, (size_t)r->ncpus * sizeof(*r->rd), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r->rd == MAP_FAILED)
		r->rd = NULL;
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

static int tracefs_start(void *state)
{
	struct tracefs_rec *r = state;
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
			if (!err)
				snprintf(r->failure, sizeof(r->failure), "cpu%d trace reader: %s", i,
					 strerror(-rd->err));
			err = err ? err : rd->err;
		}
		if (r->recorder_failed && !err)
			err = -ECHILD;
		if (read_stats(r, i, &r->stats[i]))
			add_note(r, "cpu%d: stats unreadable", i);
		pr_debug("trace cpu%d: %" PRIu64 " pages (%s), %" PRIu64 " zero reads, overrun %"
			 PRIu64 " dropped %" PRIu64 "\n", i, rd->pages,
			 rd->no_splice ? "read" : "splice", rd->zero_reads, r->stats[i].overrun,
			 r->stats[i].dropped);
	}
	return err;
}

static const char *tracefs_failure(void *state)
{
	struct tracefs_rec *r = state;

	return r->failure[0] ? r->failure : NULL;
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
	/* what recording cost in CPU time, next to what parsing cost */
	err = results__add_metric(res, "trace_recorder_cpu_s", r->recorder_cpu_s, "s", BETTER_NONE);
	if (err)
		return err;
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
	.failure = tracefs_failure,
	.store = tracefs_store,
	.destroy = tracefs_destroy,
};
