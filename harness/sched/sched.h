/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler-under-test interface. One `struct sched` per run; the
 * implementations are:
 *   eevdf        - nothing loaded: the kernel's default fair class
 *                  (refuses if a sched_ext scheduler is active)
 *   simple,vtime - our BPF schedulers in bpf/, via libbpf skeletons
 *   exec:PATH    - an external scheduler binary (e.g. scx_lavd), started
 *                  with execv, arguments passed through without a shell;
 *                  its arguments are part of its name (sched_spec.h)
 *
 * Lifecycle: sched__new -> sched__start (load, attach, wait until
 * /sys/kernel/sched_ext/state is "enabled" with the expected ops) ->
 * [workload runs; sched__has_exited() may turn true] -> sched__stop
 * (detach, wait for "disabled", fill exit info) -> sched__add_counters ->
 * sched__free. sched__free() on any path leaves nothing loaded.
 *
 * Only the sched_* files touch /sys/kernel/sched_ext.
 */
#ifndef SCXB_SCHED_H
#define SCXB_SCHED_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <limits.h>

#include "harness/lib/results.h"
#include "harness/lib/run_status.h"
#include "harness/lib/sched_spec.h"

/*
 * What an exec: scheduler is, recorded without running it for anything
 * but the benchmark (no --version probing: scx's C loaders do not know
 * the flag, and one that ignores unknown flags would start scheduling).
 */
struct sched_ident {
	char path[PATH_MAX];  /* the binary as resolved (PATH, ./, /abs), symlinks followed */
	char sha256[65];      /* hex digest of the file, "" when unreadable */
	char build_id[81];    /* hex ELF NT_GNU_BUILD_ID, "" when none (a script) */
};

struct sched_opts {
	/* fail-on-purpose knobs for tests (built-in BPF schedulers only) */
	uint64_t fail_after_enqueues; /* scx_bpf_error() after N enqueues, 0 = never */
	bool stall_one;               /* never dispatch one task: watchdog fires */
	uint32_t timeout_ms;          /* ops.timeout_ms, 0 = kernel default */
	char **exec_argv;             /* exec: extra args (NULL-terminated) */
	double start_timeout_s;       /* wait for "enabled", default 30 */
	/*
	 * --partial: only SCHED_EXT tasks run on the scheduler. Built-ins get
	 * SCX_OPS_SWITCH_PARTIAL; an exec: scheduler must be given its own
	 * partial flag. Either way sched__start checks the kernel's
	 * switch_all against it and refuses a scheduler in the other mode.
	 */
	bool partial;
};

struct sched;

/*
 * spec: a built-in name, or "exec:BINARY [ARGS]" (sched_spec.h);
 * opts->exec_argv adds arguments after those of spec. NULL on error with a
 * one-line reason in err (unknown scheduler, no such binary, ...).
 */
struct sched *sched__new(const char *spec, const struct sched_opts *opts,
			 char *err, size_t errlen);
/*
 * 0 once sched_ext is enabled with the expected ops. Else -errno with err;
 * sched__start_stage() then says whether the scheduler itself failed
 * (FAIL_EXEC, FAIL_LOAD, FAIL_ENABLE: a scheduler failure, with its exit
 * in sched__start_exit()) or the system did (FAIL_NONE: no sched_ext,
 * another scheduler active).
 */
int sched__start(struct sched *s, char *err, size_t errlen);
/*
 * The system's part of sched__start()'s checks, alone: this kernel has
 * sched_ext when the scheduler needs it, and no other scheduler holds it.
 * For callers that decide before storing anything. 0, -EOPNOTSUPP or
 * -EBUSY (or -errno) with err.
 */
int sched__can_start(const struct sched *s, char *err, size_t errlen);
enum fail_stage sched__start_stage(const struct sched *s);
const struct sched_exit *sched__start_exit(const struct sched *s);
/* True once the scheduler went away on its own (error, stall, crash). */
bool sched__has_exited(struct sched *s);
int sched__stop(struct sched *s, struct sched_exit *ex);
/* Per-scheduler counters (e.g. local vs shared-queue dispatches) as metrics. */
int sched__add_counters(struct sched *s, struct results *res);
void sched__free(struct sched *s);

/* The identity: "simple", "exec:scx_lavd", "exec:scx_lavd --performance" */
const char *sched__name(const struct sched *s);
const char *sched__kind(const struct sched *s);  /* "eevdf", "bpf", "exec" */
const char *sched__ops_name(const struct sched *s); /* root/ops once enabled */
/* exec: the binary (NULL for the others), known once it was started */
const struct sched_ident *sched__ident(const struct sched *s);
/* exec: its arguments (NULL-terminated; an empty list for the others) */
char *const *sched__args(const struct sched *s);
/* exec: the tail of its output */
const char *sched__output_tail(const struct sched *s);
/* The kernel's debug dump when the scheduler exited on an error, from its
 * own exit info (built-ins: kept without tracing); NULL when none. */
const char *sched__exit_dump(struct sched *s);

/*
 * The scheduler's debug dump on demand, as SysRq-D: the lines arrive as
 * sched_ext_dump trace events (recorded only while tracing). open: an fd
 * for trigger (the caller closes it), -ENOTSUP when there is no sched_ext
 * scheduler to dump (eevdf), else -errno. trigger: 0 once the kernel has
 * written the whole dump, -errno. Async-signal-safe: no allocation.
 */
int sched__dump_open(const struct sched *s);
int sched__dump_trigger(int fd);

/* Names of the built-in schedulers, for `scxbench list schedulers`. */
int sched__nr_builtin(void);
const char *sched__builtin_name(int i);
const char *sched__builtin_desc(int i);

/* sysfs helpers (harness/sched_sysfs.c) */
bool scx_kernel_supported(void);      /* /sys/kernel/sched_ext exists */
int scx_state(char *buf, size_t len);  /* "disabled", "enabled", ... */
int scx_ops_name(char *buf, size_t len); /* "" when none */
/* /sys/kernel/sched_ext/switch_all: 1 every fair task is on the scheduler,
 * 0 partial mode (only SCHED_EXT tasks); -errno when unreadable. */
int scx_switch_all(void);
/* Wait until state == want (or timeout). 0, -ETIMEDOUT. */
int scx_wait_state(const char *want, double timeout_s);
/* Eject whatever sched_ext scheduler is loaded, as sysrq-S does. */
int scx_eject(void);

#endif
