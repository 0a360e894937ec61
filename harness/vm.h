/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM place: for hosts whose kernel has no sched_ext. Boots a cached
 * (or user-given) sched_ext kernel under QEMU (KVM where /dev/kvm really
 * works, TCG otherwise) with an initramfs holding this very binary, runs
 * one scxbench command inside (all its runs in one boot), and hands back
 * the guest's database file. Only harness/vm*.c knows it is in a VM.
 */
#ifndef SCXB_VM_H
#define SCXB_VM_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>

struct vm_opts {
	const char *kernel;   /* bzImage path; NULL = newest cached kernel */
	int cpus;             /* 0 = host CPUs */
	int mem_mb;           /* 0 = default (2048) */
	double timeout_s;     /* hard limit for the whole boot; 0 = derived */
	bool quiet;
};

struct vm_info {
	char accel[8];            /* "kvm" or "tcg" */
	char guest_kernel[128];   /* uname -r inside the guest */
	int guest_exit;           /* exit code of scxbench inside the guest */
};

/* Path of the newest cached kernel image into buf; -ENOENT when none. */
int vm__cached_kernel(char *buf, size_t len);
/* Cache folder: $XDG_CACHE_HOME/scxbench or ~/.cache/scxbench. */
int vm__cache_dir(char *buf, size_t len);
/*
 * A private dir $TMPDIR (or /tmp)/scxbench-vm.XXXXXX holding our pid, so
 * that a later call removes it if this process is SIGKILLed (it sweeps
 * such dirs of dead owners first). -errno on failure.
 */
int vm__make_tmp_dir(char *buf, size_t len);
/* Remove such a dir and the files a VM run puts in it. */
void vm__remove_tmp_dir(const char *dir);

/*
 * Boot, run `scxbench ARGV... --host --db <guest db>` in the guest (the
 * two options are inserted BEFORE a "--" in ARGV if there is one: what
 * follows "--" is passed to exec: schedulers), copy
 * the guest database to out_db on the host. QEMU is killed on every path.
 * 0 when the guest command ran (its exit code in info->guest_exit), -errno
 * with a one-line reason in err otherwise.
 */
int vm__run(const struct vm_opts *o, int argc, char **argv, const char *out_db,
	    struct vm_info *info, char *err, size_t errlen);

#endif
