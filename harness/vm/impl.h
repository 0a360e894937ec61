/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to harness/vm*.c:
 *   vm_kernel.c  the kernel cache, image and config checks
 *   vm_qemu.c    finding QEMU, its command line, the process, the console
 *   vm_guest.c   the run directory the guest shares: its initramfs, the
 *                command, output forwarding, the status record
 *   vm.c         one boot end to end, the KVM/TCG choice
 */
#ifndef SCXB_VM_IMPL_H
#define SCXB_VM_IMPL_H

#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "harness/lib/topology.h"
#include "harness/vm/vm.h"

void vm__set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- vm_kernel.c ---- */
/* 0 for an x86 bzImage that is complete; -errno with err otherwise. */
int vm_kernel__check_image(const char *path, char *err, size_t errlen);
/* 'y', 'm', 'n' (absent from a readable .config), 0 no readable file. */
char vm_kernel__config(const char *cfg, const char *sym);
/* The folder holding the image (and, for cached kernels, config, modules/). */
int vm_kernel__dir(const char *image, char *buf, size_t len);

/* ---- vm_qemu.c ---- */
/* $SCXB_QEMU, else build/tools' QEMU next to us, else PATH. datadir: its
 * firmware folder ("" for a system QEMU). */
int vm_qemu__find(char *buf, size_t len, char *datadir, size_t dlen);
/* find() failed: say what the user can change. */
void vm_qemu__missing(char *err, size_t errlen);

#define VM_TAIL_LINES 64

struct vm_qemu {
	pid_t pid;
	int outfd;              /* console (+ QEMU's own messages); -1 interactive */
	char last[256];         /* last console line, for error messages */
	/* the last console lines, saved to a file when the guest dies: an
	 * Oops is only useful in full */
	char tail[VM_TAIL_LINES][200];
	unsigned int ntail;
	char pending[1024];     /* console bytes not yet ending in a newline */
	size_t npending;
	double t_start, t_up;
	bool dead;              /* QEMU said the vCPU cannot go on (KVM failure) */
	char dead_line[128];
};

struct vm_qemu_cfg {
	const char *qemu, *datadir;
	const char *accel;       /* "kvm", "tcg" */
	const char *kernel, *initrd, *append;
	int cpus, mem_mb;
	const struct topo_spec *topo; /* NULL: cpus flat */
	const char *run_dir;     /* shared writable as tag scxb-out */
	const char *ctl_path;    /* the "scxb-ctl" port's pipe (PATH.in/.out) */
	bool interactive;        /* the serial console on our own terminal */
};

int vm_qemu__start(struct vm_qemu *q, const struct vm_qemu_cfg *c, char *err, size_t errlen);
/* Read what the console holds now; flush: also a final partial line. */
void vm_qemu__drain(struct vm_qemu *q, bool flush);
/* Poll the console for up to ms; true once QEMU has exited (status set). */
bool vm_qemu__wait(struct vm_qemu *q, int ms, int *status);
void vm_qemu__kill(struct vm_qemu *q);
/* The console tail into <cache>/last-guest-console.log; path in out. */
void vm_qemu__save_tail(const struct vm_qemu *q, char *out, size_t len);

/* ---- vm_guest.c ---- */
struct vm_fwd {
	const char *name;       /* "stdout", "stderr" */
	int dst;                /* our fd, -1: drop */
	int src;                /* the file in the run dir, once it exists */
	/* chars of "scxbench: error: " the current line began with so far
	 * (VM_FWD_NOMATCH: it does not); said_error once a line did */
	size_t match;
	bool said_error;
};
#define VM_FWD_NOMATCH ((size_t)-1)

struct vm_guest {
	char dir[PATH_MAX];     /* the run dir, shared with the guest */
	struct vm_fwd out, errs;
};

/* Write cmd.sh (environment, cwd, argv) into the run dir. */
int vm_guest__write_cmd(struct vm_guest *g, const struct vm_cmd *c, char *err, size_t errlen);
/* Build the initramfs for this kernel into the run dir; path in out. */
int vm_guest__initramfs(struct vm_guest *g, const char *kernel, const char *mode,
			char *out, size_t outlen, char *err, size_t errlen);
/* Copy what the guest's stdout/stderr files grew by to our fds. */
void vm_guest__forward(struct vm_guest *g);
/* Ask the command to stop: sig (SIGINT or SIGTERM) in the guest. */
int vm_guest__request_stop(struct vm_guest *g, int sig);
/* The guest's command has started (its output files exist in the run dir):
 * before that, nothing it does can be lost by killing the guest. */
bool vm_guest__cmd_started(const struct vm_guest *g);

struct vm_status {
	bool present;
	bool error;             /* the guest could not be set up: msg says why */
	int exit;
	char scx[64];
	char kernel[128];
	char msg[256];
};

int vm_guest__read_status(struct vm_guest *g, struct vm_status *s);
/* The guest's database (+ WAL) to out_db, replaced atomically. */
int vm_guest__take_db(struct vm_guest *g, const char *out_db, bool *found, char *err,
		      size_t errlen);
void vm_guest__close(struct vm_guest *g);

#endif
