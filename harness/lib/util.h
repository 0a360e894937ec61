/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers shared by every part of the userspace: strict number
 * parsing, clocks, sysfs/proc string reads. All return -errno on failure. */
#ifndef SCXB_UTIL_H
#define SCXB_UTIL_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Whole string must be a number in [min, max]; -EINVAL / -ERANGE otherwise. */
int parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);
int parse_double(const char *s, double min, double max, double *out);
/* "10", "10s", "500ms", "2m" -> seconds. */
int parse_duration(const char *s, double min, double max, double *out);

uint64_t now_mono_ns(void);
double now_wall(void); /* seconds since the epoch, sub-second precision */

/* fclose() that says why a write failed: 0 or -errno (ENOSPC on a full
 * disk, where the bare fclose() result is only EOF); -EIO when the stream
 * had failed earlier and the reason is gone. */
int close_stream(FILE *f);

/* Read a small text file, strip the trailing newline. -errno on failure. */
int read_text_file(const char *path, char *buf, size_t len);
int write_text_file(const char *path, const char *s);

/* Host facts stored with every run. */
int host_cpu_model(char *buf, size_t len);
int host_ncpus(void);

/*
 * Is stderr a terminal? Also true with SCXB_STDERR_TTY=1: a VM guest's
 * stderr is a file that the host forwards to its own terminal.
 */
bool stderr_is_tty(void);

/* snprintf that reports truncation as -ENAMETOOLONG. */
int xsnprintf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
