/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM place: for hosts whose kernel has no sched_ext. One vm__run() is
 * one QEMU boot (KVM where /dev/kvm really works, TCG otherwise) of a
 * cached (or user-given) sched_ext kernel. The guest sees the host's files
 * as the host does: the host's / read-only over 9p under a writable
 * in-memory overlay, the guest kernel's modules and config laid over it,
 * the host's environment and current directory. So any host program
 * (scxbench itself, an exec: scheduler, static or dynamic, a script in the
 * current directory) runs in the guest exactly as it would here.
 *
 * Only harness/vm*.c knows it is in a VM. See scripts/guest-init for the
 * guest's side.
 */
#ifndef SCXB_VM_H
#define SCXB_VM_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "harness/lib/topology.h"

/* Where a guest command writes a database that vm__run() brings home. */
#define VM_GUEST_DB "/run/scxb/guest.db"

struct vm_opts {
	const char *kernel;   /* bzImage path; NULL = the current cached kernel */
	int cpus;             /* 0 = host CPUs (ignored with topo) */
	/* sockets, LLCs, cores, threads and NUMA nodes of the guest (NULL:
	 * cpus flat, QEMU's default shape) */
	const struct topo_spec *topo;
	int mem_mb;           /* 0 = default (2048) */
	double timeout_s;     /* hard limit for the whole boot; 0 = 1800 s */
	bool quiet;           /* no notices (errors still) */
	/*
	 * The command's stdout goes to ours as it comes when true; else it
	 * is dropped (the caller prints its own results from the database).
	 * Its stderr always goes to our stderr as it comes.
	 */
	bool forward_stdout;
	/*
	 * Raised (to any non-zero value) by our signal handler: the guest
	 * command gets SIGINT and vm__run() waits for it to finish (what it
	 * stored comes home). A value above 1 (a second signal) kills the
	 * guest at once.
	 */
	volatile sig_atomic_t *stop;
	/* the signal behind *stop, passed on to the guest's command
	 * (SIGINT when NULL or 0) */
	volatile sig_atomic_t *stop_signal;
};

/* The command to run in the guest. */
struct vm_cmd {
	int argc;
	char **argv;          /* argv[0]: a path, or a name looked up in PATH */
	/* "NAME=VALUE" entries set on top of our own environment */
	const char *const *env;
	int nenv;
	/* no stdout/stderr capture: the console is our terminal (needs a tty) */
	bool interactive;
};

struct vm_info {
	char accel[8];            /* "kvm" or "tcg" */
	char guest_kernel[128];   /* uname -r inside the guest */
	int guest_exit;           /* exit code of the command, -1 when none */
	bool stopped;             /* the command was asked to stop */
	/* the command wrote a "scxbench: error: " line to its stderr (ours):
	 * a stopped command that did not was killed before it could say so */
	bool said_error;
	double boot_s;            /* QEMU start to guest init */
	double total_s;           /* QEMU start to power-off */
};

/* Path of the newest cached kernel image into buf; -ENOENT when none. */
int vm__cached_kernel(char *buf, size_t len);
/*
 * The kernel image --kernel names: NULL for the current cached kernel; a
 * path (it holds a '/', or names a file here); else a cached release,
 * exactly or by a unique prefix ("7.3" for 7.3.1+bpo-amd64). The image
 * path into buf; -ENOENT / -EINVAL with a one-line reason in err that
 * names what is cached.
 */
int vm__resolve_kernel(const char *spec, char *buf, size_t len, char *err, size_t errlen);
/* The cached releases (complete or not), newest first; *names malloc'ed
 * (free each and the array). */
int vm__cached_releases(char ***names, int *n);
/*
 * Can a guest have this shape? QEMU's TCG CPU (-cpu max, AMD-like) makes
 * its guest kernel see one last-level cache per socket, or one per NUMA
 * node when nodes split a socket: a spec that asks for another LLC count
 * would be refused by the guest anyway, so it is refused here, before a
 * boot, saying which spec to ask for. 0 or -EINVAL with err.
 */
int vm__check_topology(const struct topo_spec *t, char *err, size_t errlen);
/* Cache folder: $XDG_CACHE_HOME/scxbench or ~/.cache/scxbench. */
int vm__cache_dir(char *buf, size_t len);

/*
 * A private dir $TMPDIR (or /tmp)/scxbench-vm.XXXXXX with our owner record
 * (harness/owner.h), so that a later call removes it if this process is
 * SIGKILLed (it sweeps the dirs of dead owners first). -errno on failure.
 */
int vm__make_tmp_dir(char *buf, size_t len);
/* Remove such a dir and everything in it. */
void vm__remove_tmp_dir(const char *dir);

/*
 * Boot, run cmd in the guest (NULL: only check that the guest comes up
 * with sched_ext and the host's root), and if the command left a database
 * at VM_GUEST_DB, copy it to out_db (when not NULL). QEMU is killed and the
 * run directory removed on every path. 0 when the command ran (its exit
 * code in info->guest_exit), -errno with a one-line reason in err
 * otherwise; -EAGAIN when the guest died before the command ended
 * (nothing came home: booting again is safe).
 */
int vm__run(const struct vm_opts *o, const struct vm_cmd *cmd, const char *out_db,
	    struct vm_info *info, char *err, size_t errlen);

#endif
