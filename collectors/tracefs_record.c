// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs collector, recording half: a private instance per run (never
 * the top-level buffer, named after its owner: trace_collector.h) and the
 * scheduling events enabled in it. This file sets the instance up, reads
 * its counters after the run, stores the notes and hands the raw files to
 * the parser (tracefs_parse.c); how the pages get into those files while
 * the workload runs, and why by a process of its own, is
 * trace_recorder.c's.
 *
 * The default buffer is small (1408 KiB per CPU, trace-cmd's default) on
 * purpose: the writer streams through the whole ring, and a ring bigger
 * than the L2 cache (2 MiB per core here) evicts the workload's cache
 * lines. On hackbench -p -g 4 -l 2000, 9 interleaved reps each: 8 MiB cost
 * +10.2 % vs 0.0 % for 1408 KiB (perf bench messaging); 2 MiB +11.1 % vs
 * +0.6 % for 1408 KiB (ours). Wakeups at 25 % leave ~1 MiB (~0.1 s of
 * hackbench's trace) for a reader to get a CPU; no event was lost at that
 * size. --buffer-kb raises it for bigger loads.
 *
 * A SIGKILLed runner leaves its instance behind; the next run removes it,
 * once owner__alive says the process its name records is gone (a pid
 * alone could have been reused since).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <tracefs.h>

#include "collectors/trace_capture.h"
#include "collectors/trace_collector.h"
#include "collectors/trace_record_impl.h"
#include "harness/lib/log.h"
#include "harness/lib/owner.h"
#include "harness/lib/util.h"
#include "harness/store/store.h"

#define DEFAULT_BUFFER_KB 1408
/* wake when the per-CPU buffer is this full: the rest is left for the
 * time the reader needs to get a CPU next to the load */
#define BUFFER_PERCENT "25"

static const char *const sched_events[] = {
	"sched_switch", "sched_waking", "sched_wakeup", "sched_wakeup_new",
	"sched_migrate_task", "sched_process_fork", "sched_process_exit",
};

void tracefs_record__add_note(struct tracefs_rec *r, const char *fmt, ...)
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

int tracefs_record__read_stats(struct tracefs_rec *r, int cpu, struct trace_cpu_stats *s)
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
	trace_recorder__stop(r);
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
	r->outliers = cfg->outliers;
	r->outlier_window_ns = cfg->outlier_window_ns;
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
	r->clock_mono = !inst_write(r, "trace_clock", "mono");
	if (!r->clock_mono)
		tracefs_record__add_note(r, "trace_clock mono unavailable: cross-CPU latencies use the local clock");
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

	for (size_t i = 0; !cfg->nr_event_pids && i < ARRAY_SIZE(sched_events); i++) {
		if (tracefs_event_enable(r->inst, "sched", sched_events[i]) < 0)
			tracefs_record__add_note(r, "event sched:%s absent in this kernel", sched_events[i]);
	}
	if (!cfg->nr_event_pids && tracefs_event_enable(r->inst, "sched_ext", NULL) < 0)
		tracefs_record__add_note(r, "no sched_ext:* events in this kernel");
	if (cfg->nr_event_pids > 0) {
		/* capture: the target's tasks only, followed across fork */
		char pid[24];

		r->capture = true;
		if (tracefs_option_enable(r->inst, TRACEFS_OPTION_EVENT_FORK) < 0) {
			err = errno ? -errno : -EIO;
			pr_err("%s: cannot set the event-fork option: %s\n", r->name, strerror(-err));
			goto fail;
		}
		for (int i = 0; i < cfg->nr_event_pids; i++) {
			snprintf(pid, sizeof(pid), "%d", cfg->event_pids[i]);
			if (tracefs_instance_file_append(r->inst, "set_event_pid", pid) < 0) {
				err = errno ? -errno : -EIO;
				pr_err("%s: set_event_pid %s: %s\n", r->name, pid, strerror(-err));
				goto fail;
			}
		}
		if (tracefs_event_enable(r->inst, "raw_syscalls", "sys_enter") < 0)
			tracefs_record__add_note(r, "no raw_syscalls:sys_enter: wakeups are not told apart by mechanism");
	}

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

static int tracefs_start(void *state)
{
	struct tracefs_rec *r = state;
	int err = trace_recorder__start(r);

	return err ? err : inst_write(r, "tracing_on", "1");
}

static int tracefs_stop(void *state)
{
	struct tracefs_rec *r = state;
	int err = 0;

	if (r->stopped)
		return 0;
	err = inst_write(r, "tracing_on", "0");
	trace_recorder__stop(r);
	r->stopped = true;
	for (int i = 0; i < r->ncpus; i++) {
		struct cpu_reader *rd = &r->rd[i];

		if (rd->err) {
			tracefs_record__add_note(r, "cpu%d reader failed: %s", i, strerror(-rd->err));
			if (!err)
				snprintf(r->failure, sizeof(r->failure), "cpu%d trace reader: %s", i,
					 strerror(-rd->err));
			err = err ? err : rd->err;
		}
		if (r->recorder_failed && !err)
			err = -ECHILD;
		if (tracefs_record__read_stats(r, i, &r->stats[i]))
			tracefs_record__add_note(r, "cpu%d: stats unreadable", i);
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
		.outliers = r->outliers,
		.outlier_window_ns = r->outlier_window_ns,
		.clock_mono = r->clock_mono,
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

int tracefs_collector__capture(void *sched_state, void *sys_state, const int *roots, int nroots,
			       const struct cap_attr *attrs, int nattrs, struct capture *cap)
{
	struct tracefs_rec *r = sched_state, *y = sys_state;
	struct trace_parse_input in = {
		.ncpus = r->ncpus,
		.paths = NULL,
		.page_size = r->page_size,
		.tracing_dir = tracefs_tracing_dir(),
		.stats = r->stats,
	};
	uint64_t lost = 0;
	int err;

	if ((!r->stopped && (err = tracefs_stop(r))) || (!y->stopped && (err = tracefs_stop(y))))
		return err;
	if (y->ncpus != r->ncpus || y->page_size != r->page_size)
		return -EINVAL;
	/* both instances' files, merged by timestamp as one recording */
	in.paths = calloc(2 * r->ncpus, sizeof(char *));
	if (!in.paths)
		return -ENOMEM;
	for (int i = 0; i < r->ncpus; i++) {
		in.paths[i] = r->paths[i];
		in.paths[r->ncpus + i] = y->paths[i];
		lost += r->stats[i].overrun + r->stats[i].commit_overrun + r->stats[i].dropped;
		lost += y->stats[i].overrun + y->stats[i].commit_overrun + y->stats[i].dropped;
	}
	if (lost)
		pr_warn("capture: %" PRIu64 " trace events lost: the capture misses some steps"
			" (--buffer-kb raises the buffer)\n", lost);
	err = trace_capture__parse(&in, 2, roots, nroots, attrs, nattrs, cap);
	free(in.paths);
	return err;
}

const struct collector_ops tracefs_collector_ops = {
	.name = "tracefs",
	.records_trace = true,
	.available = tracefs_available,
	.create = tracefs_create,
	.start = tracefs_start,
	.stop = tracefs_stop,
	.failure = tracefs_failure,
	.store = tracefs_store,
	.destroy = tracefs_destroy,
};
