/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One verbosity knob for the whole program. Diagnostics go to stderr,
 * results to stdout. The level is also handed to libbpf, libtracefs and
 * libtraceevent by whoever initialises them (see log__level()).
 */
#ifndef SCXB_LOG_H
#define SCXB_LOG_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

enum log_level {
	LOG_QUIET = 0,  /* errors only */
	LOG_INFO = 1,   /* default: one-line notices */
	LOG_DEBUG = 2,  /* -v */
	LOG_TRACE = 3,  /* -vv: also library chatter */
};

void log__set_level(int level);
int log__level(void);
void log__msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Errors are always printed, prefixed "scxbench: ". */
#define pr_err(...)   log__msg(-1, __VA_ARGS__)
#define pr_warn(...)  log__msg(LOG_QUIET, __VA_ARGS__)
#define pr_info(...)  log__msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log__msg(LOG_DEBUG, __VA_ARGS__)

#endif
