/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to harness/sched*.c: the struct behind the opaque struct sched
 * and the per-kind operations. sched.c does what every kind shares (spec
 * parsing, the sysfs pre-checks, waiting for "enabled" with the expected
 * ops, time-to-exit); sched_bpf.c and sched_exec.c only load/unload.
 */
#ifndef SCXB_SCHED_IMPL_H
#define SCXB_SCHED_IMPL_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "harness/sched/sched.h"

struct sched;

struct sched_impl {
	const char *kind;       /* "eevdf", "bpf", "exec" */
	bool uses_scx;          /* needs /sys/kernel/sched_ext, waits for "enabled" */
	int (*start)(struct sched *s, char *err, size_t errlen);
	bool (*has_exited)(struct sched *s);
	int (*stop)(struct sched *s, struct sched_exit *ex);
	int (*add_counters)(struct sched *s, struct results *res);
	/* the kernel's debug dump at its exit, NULL when none (optional) */
	const char *(*exit_dump)(struct sched *s);
	void (*free)(struct sched *s);
};

#define SCHED_TAIL_LEN 4096

struct sched {
	char name[SCHED_NAME_MAX];
	const struct sched_impl *impl;
	struct sched_opts opts;
	char expect_ops[64];    /* "" = accept any ops name (exec:) */
	char ops_name[64];
	bool started;           /* impl->start succeeded: stop() must undo it */
	bool stopped;
	bool exited;            /* went away on its own */
	uint64_t start_ns;
	uint64_t exit_ns;
	void *priv;             /* per-kind state */
	/* why start failed: set by the kind (exec, load) or by sched.c */
	enum fail_stage start_stage;
	struct sched_exit start_exit;
	/* exec: */
	char **words;           /* the split spec: words[0] "exec:BIN", args */
	char **args;            /* NULL-terminated: the spec's then opts.exec_argv */
	bool have_ident;
	struct sched_ident ident;
	char output_tail[SCHED_TAIL_LEN + 1];
};

int sched_bpf__init(struct sched *s, int builtin, char *err, size_t errlen);
/* cmd: the binary as written (s->args already set) */
int sched_exec__init(struct sched *s, const char *cmd, char *err, size_t errlen);

extern const struct sched_impl sched_eevdf_impl;

/* sched.c: the lines of a scheduler's output that say why it failed */
void sched__telling_lines(const char *tail, char *buf, size_t len);

/* Built-in table (sched_bpf.c). */
struct sched_builtin {
	const char *name;
	const char *desc;
	const char *ops_name;
};
extern const struct sched_builtin sched_builtins[];
extern const int sched_nr_builtins;

#endif
