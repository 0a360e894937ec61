/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Owner records: who made a temp dir, a dangling run, a trace instance.
 * A pid alone is not enough to tell "its owner died": pids are reused,
 * and after a reboot every old pid is meaningless. A record holds the pid,
 * the boot id (/proc/sys/kernel/random/boot_id) and the process start time
 * (field 22 of /proc/PID/stat, clock ticks since boot); the owner is alive
 * only when all three match a live, non-zombie process of this boot.
 *
 * Text form, one line: "pid=N boot=UUID start=TICKS" (start=0: unknown,
 * then pid + boot decide, as for records written before start times were
 * kept).
 */
#ifndef SCXB_OWNER_H
#define SCXB_OWNER_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct owner {
	pid_t pid;
	char boot[40];
	uint64_t start; /* clock ticks since boot; 0 = unknown */
};

/* This process. -errno when /proc cannot tell. */
int owner__self(struct owner *o);
/* The record of a live process pid (0 = ourselves). */
int owner__of(pid_t pid, struct owner *o);
/* This boot's id into buf ("unknown" when unreadable). */
void owner__boot_id(char *buf, size_t len);
int owner__format(const struct owner *o, char *buf, size_t len);
/* -EINVAL when s is not a record. */
int owner__parse(const char *s, struct owner *o);
/* The owner is this boot's live process that wrote the record. */
bool owner__alive(const struct owner *o);

/* Write our record into path (created 0644, replaced). */
int owner__write_file(const char *path);
/* 1 owner alive, 0 owner gone, -errno no readable record in path. */
int owner__file_alive(const char *path);

/*
 * Remove every folder dir/PREFIX* whose owner record (the file `record`
 * inside it) names a process that is gone. Folders without a readable
 * record are left alone (not ours, or still being made). Returns how many
 * were removed.
 */
int owner__sweep(const char *dir, const char *prefix, const char *record);

/*
 * A work folder of ours: $TMPDIR (when absolute, else /tmp)/PREFIXXXXXXX
 * into buf, made 0700 with our owner record ("owner") inside, after the
 * folders PREFIX* of processes that are gone were swept (*swept: how many;
 * may be NULL). 0, or -errno with buf "".
 */
int owner__mkdtemp(const char *prefix, char *buf, size_t len, int *swept);

/* rm -rf of a tree, not following symlinks; -errno of the first failure. */
int remove_tree(const char *path);

#endif
