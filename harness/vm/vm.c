// SPDX-License-Identifier: GPL-2.0
/*
 * The VM place. One call of vm__run() is one QEMU boot:
 *
 *   checks (the kernel is a complete bzImage with sched_ext, QEMU found)
 *   -> KVM or TCG (KVM only where a probe boot of this kernel worked)
 *   -> run dir in $TMPDIR with our owner record, cmd.sh (environment, cwd,
 *   argv) and an initramfs (vm_guest.c) -> QEMU with the host's / and the
 *   run dir shared (vm_qemu.c) -> while it runs: the command's stdout and
 *   stderr forwarded as they grow, a stop request on our first signal, a
 *   kill on the second or at the deadline -> the status record -> the
 *   guest database to out_db -> QEMU killed and the run dir removed on
 *   every path.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/vm/impl.h"

#define VM_DEFAULT_MEM   2048
#define VM_DEFAULT_TMO   1800.0
#define VM_KVM_PROBE_TMO 60.0
/* after a stop request: long enough for the guest's scxbench to store
 * the interrupted run and exit */
#define VM_STOP_GRACE_S  60.0

static bool stopping(const struct vm_opts *o)
{
	return o->stop && *o->stop;
}

/* the signal behind a stop request */
static int stop_sig(const struct vm_opts *o)
{
	return o->stop_signal && *o->stop_signal ? *o->stop_signal : SIGINT;
}

static int boot(const struct vm_opts *o, const struct vm_cmd *cmd, const char *kernel,
		const char *accel, double timeout_s, const char *out_db, struct vm_info *info,
		char *err, size_t errlen)
{
	char qemu[PATH_MAX], qdata[PATH_MAX], initrd[PATH_MAX], ctl[PATH_MAX + 8];
	char ctl_in[PATH_MAX + 16], ctl_out[PATH_MAX + 16], append[256], tspec[TOPO_SPEC_MAX];
	const char *mode = !cmd ? "probe" : cmd->interactive ? "shell" : "run";
	struct vm_guest g = { .out = { "stdout", -1, -1 }, .errs = { "stderr", -1, -1 } };
	struct vm_qemu q = { .outfd = -1 };
	struct vm_qemu_cfg qc = { 0 };
	struct vm_status vs;
	double deadline, stop_at = 0;
	int cpus = o->topo ? topo_spec__cpus(o->topo) : o->cpus > 0 ? o->cpus : host_ncpus();
	int ret, st = 0;
	sig_atomic_t stop_seen = 0;
	bool exited = false, found = false;

	if (vm_qemu__find(qemu, sizeof(qemu), qdata, sizeof(qdata))) {
		vm_qemu__missing(err, errlen);
		return -ENOENT;
	}
	ret = vm__make_tmp_dir(g.dir, sizeof(g.dir));
	if (ret) {
		vm__set_err(err, errlen, "cannot create a run dir in %s: %s",
			    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", strerror(-ret));
		return ret;
	}
	g.out.dst = o->forward_stdout ? STDOUT_FILENO : -1;
	g.errs.dst = o->quiet && !cmd ? -1 : STDERR_FILENO;
	if (cmd) {
		ret = vm_guest__write_cmd(&g, cmd, err, errlen);
		if (ret)
			goto out;
	}
	ret = vm_guest__initramfs(&g, kernel, mode, initrd, sizeof(initrd), err, errlen);
	if (ret)
		goto out;
	snprintf(ctl, sizeof(ctl), "%s/ctl", g.dir);
	snprintf(ctl_in, sizeof(ctl_in), "%s.in", ctl);
	snprintf(ctl_out, sizeof(ctl_out), "%s.out", ctl);
	if (mkfifo(ctl_in, 0600) || mkfifo(ctl_out, 0600)) {
		ret = -errno;
		vm__set_err(err, errlen, "mkfifo in %s: %s", g.dir, strerror(errno));
		goto out;
	}
	/* interactive: keep the console for the user's shell */
	snprintf(append, sizeof(append), "console=ttyS0 quiet loglevel=%d panic=-1 rdinit=/init "
		 "random.trust_cpu=on", cmd && cmd->interactive ? 1 : 5);
	qc.qemu = qemu;
	qc.datadir = qdata;
	qc.accel = accel;
	qc.kernel = kernel;
	qc.initrd = initrd;
	qc.append = append;
	qc.cpus = cpus < 1 ? 1 : cpus;
	qc.topo = o->topo;
	qc.mem_mb = o->mem_mb > 0 ? o->mem_mb : VM_DEFAULT_MEM;
	qc.run_dir = g.dir;
	qc.ctl_path = ctl;
	qc.interactive = cmd && cmd->interactive;
	if (o->topo)
		topo_spec__format(o->topo, tspec, sizeof(tspec));
	pr_debug("vm: booting %s (%s, %d CPUs%s%s, %d MiB)\n", kernel, accel, qc.cpus,
		 o->topo ? " as " : "", o->topo ? tspec : "", qc.mem_mb);
	/* TCG runs every vCPU as a host thread: more vCPUs than host CPUs
	 * take turns on them (timings stretch; results of one shape only
	 * compare with the same shape, which the store keeps apart) */
	if (mode[0] != 'p' && !o->quiet && !strcmp(accel, "tcg") && qc.cpus > host_ncpus())
		pr_info("vm: %d vCPUs on %d host CPUs (%.1f per CPU) under TCG: they take turns\n",
			qc.cpus, host_ncpus(), (double)qc.cpus / host_ncpus());
	ret = vm_qemu__start(&q, &qc, err, errlen);
	if (ret)
		goto out;

	deadline = q.t_start + timeout_s;
	while (!exited) {
		exited = vm_qemu__wait(&q, 100, &st);
		vm_guest__forward(&g);
		if (exited)
			break;
		if (stopping(o) && !stop_seen) {
			stop_seen = *o->stop;
			stop_at = now_wall();
			info->stopped = true;
			/* before the guest's command started there is nothing to
			 * wait for: the guest goes at once */
			if (cmd && !cmd->interactive && !vm_guest__cmd_started(&g)) {
				vm__set_err(err, errlen, "interrupted by %s while the guest booted: "
					    "nothing ran", strsignal(stop_sig(o)));
				ret = -EINTR;
				goto out;
			}
			if (!cmd || vm_guest__request_stop(&g, stop_sig(o))) {
				vm__set_err(err, errlen, "interrupted by %s: guest killed",
					    strsignal(stop_sig(o)));
				ret = -EINTR;
				goto out;
			}
			pr_info("vm: stopping the guest's command (again to kill the guest)\n");
		}
		if (stop_seen && (*o->stop != stop_seen || now_wall() > stop_at + VM_STOP_GRACE_S)) {
			vm__set_err(err, errlen, "interrupted: guest killed");
			ret = -EINTR;
			goto out;
		}
		if (now_wall() > deadline) {
			vm_qemu__drain(&q, true);
			vm__set_err(err, errlen,
				    "guest did not finish within %.0f s: killed (last console line: '%s')",
				    timeout_s, q.last);
			ret = -ETIMEDOUT;
			goto out;
		}
		if (q.dead) {
			vm_qemu__drain(&q, true);
			vm__set_err(err, errlen, "QEMU could not run the guest: %s", q.dead_line);
			ret = -EIO;
			goto out;
		}
	}
	info->total_s = now_wall() - q.t_start;
	info->boot_s = q.t_up ? q.t_up - q.t_start : 0;
	ret = vm_guest__read_status(&g, &vs);
	if (!ret && !vs.present) {
		char saved[PATH_MAX] = "";

		/* Say how the guest ended: the console's last line is the best
		 * clue; the lines before it go to a file for the full story */
		vm_qemu__save_tail(&q, saved, sizeof(saved));
		vm__set_err(err, errlen, "the guest died before its command ended (QEMU exit %d; "
			    "last console line: '%s'%s%s)",
			    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), q.last,
			    saved[0] ? "; console tail in " : "", saved);
		ret = -EAGAIN;
		goto out;
	}
	if (ret) {
		vm__set_err(err, errlen, "reading the guest's status: %s", strerror(-ret));
		goto out;
	}
	if (vs.error) {
		vm__set_err(err, errlen, "guest: %s", vs.msg);
		ret = -EIO;
		goto out;
	}
	snprintf(info->accel, sizeof(info->accel), "%s", accel);
	snprintf(info->guest_kernel, sizeof(info->guest_kernel), "%s", vs.kernel);
	info->guest_exit = vs.exit;
	if (!strcmp(vs.scx, "none")) {
		vm__set_err(err, errlen, "kernel %s (%s) has no sched_ext: /sys/kernel/sched_ext is missing in the guest",
			    kernel, vs.kernel);
		ret = -ENOTSUP;
		goto out;
	}
	ret = vm_guest__take_db(&g, out_db, &found, err, errlen);
	pr_debug("vm: guest finished %.2f s after QEMU start (init after %.2f s), command exit %d%s\n",
		 info->total_s, info->boot_s, vs.exit, found ? ", database sent" : "");
out:
	vm_qemu__kill(&q);
	vm_guest__forward(&g);
	info->said_error = g.errs.said_error;
	vm_guest__close(&g);
	return ret;
}

/*
 * /dev/kvm can exist and still not boot ordinary kernels (nested setups
 * that only run special guests die in early boot). So KVM is used only
 * after one probe boot of this very kernel worked; the verdict is kept in
 * the cache, keyed by host kernel release and guest kernel path.
 * SCXB_VM_ACCEL=kvm|tcg overrides.
 */
static const char *choose_accel(const struct vm_opts *o, const char *kernel)
{
	char dir[PATH_MAX], vpath[PATH_MAX], key[PATH_MAX + 256], line[PATH_MAX + 256];
	const char *env = getenv("SCXB_VM_ACCEL");
	struct vm_opts po = *o;
	struct vm_info pi = { 0 };
	struct utsname u;
	char perr[256];
	bool ok = false;
	FILE *f;
	int fd;

	if (env && (!strcmp(env, "kvm") || !strcmp(env, "tcg")))
		return !strcmp(env, "kvm") ? "kvm" : "tcg";
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	if (uname(&u) || vm__cache_dir(dir, sizeof(dir)) ||
	    xsnprintf(vpath, sizeof(vpath), "%s/kvm-verdicts", dir) ||
	    xsnprintf(key, sizeof(key), "%s %s ", u.release, kernel))
		return "tcg";
	f = fopen(vpath, "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, key, strlen(key))) {
				ok = !strncmp(line + strlen(key), "kvm", 3);
				fclose(f);
				return ok ? "kvm" : "tcg";
			}
		}
		fclose(f);
	}
	po.quiet = true;
	if (!o->quiet)
		pr_info("vm: checking once whether KVM boots %s\n", kernel);
	ok = !boot(&po, NULL, kernel, "kvm", VM_KVM_PROBE_TMO, NULL, &pi, perr, sizeof(perr));
	if (!ok)
		pr_debug("vm: KVM probe failed: %s\n", perr);
	if (!stopping(o)) {
		mkdir(dir, 0755);
		f = fopen(vpath, "ae");
		if (f) {
			fprintf(f, "%s%s\n", key, ok ? "kvm" : "tcg");
			fclose(f);
		}
	}
	return ok ? "kvm" : "tcg";
}

int vm__run(const struct vm_opts *o, const struct vm_cmd *cmd, const char *out_db,
	    struct vm_info *info, char *err, size_t errlen)
{
	char kernel[PATH_MAX], kdir[PATH_MAX], cfg[PATH_MAX + 8];
	double timeout_s = o->timeout_s > 0 ? o->timeout_s : VM_DEFAULT_TMO;
	const char *accel;
	int ret;

	memset(info, 0, sizeof(*info));
	info->guest_exit = -1;
	if (cmd && (cmd->argc < 1 || !cmd->argv[0])) {
		vm__set_err(err, errlen, "nothing to run in the guest");
		return -EINVAL;
	}
	if (cmd && cmd->interactive && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		vm__set_err(err, errlen, "an interactive guest shell needs a terminal on stdin and stdout");
		return -ENOTTY;
	}
	if (o->topo) {
		ret = vm__check_topology(o->topo, err, errlen);
		if (ret)
			return ret;
	}
	ret = vm__resolve_kernel(o->kernel, kernel, sizeof(kernel), err, errlen);
	if (ret)
		return ret;
	ret = vm_kernel__check_image(kernel, err, errlen);
	if (ret)
		return ret;
	if (!vm_kernel__dir(kernel, kdir, sizeof(kdir)) &&
	    !xsnprintf(cfg, sizeof(cfg), "%s/config", kdir) &&
	    vm_kernel__config(cfg, "CONFIG_SCHED_CLASS_EXT") == 'n') {
		vm__set_err(err, errlen, "kernel %s has no sched_ext (%s: CONFIG_SCHED_CLASS_EXT is not set)",
			    kernel, cfg);
		return -ENOTSUP;
	}
	{
		char qemu[PATH_MAX], qdata[PATH_MAX];

		/* Before the KVM probe, so a missing QEMU is named as such. */
		if (vm_qemu__find(qemu, sizeof(qemu), qdata, sizeof(qdata))) {
			vm_qemu__missing(err, errlen);
			return -ENOENT;
		}
	}
	accel = choose_accel(o, kernel);
	if (stopping(o)) {
		vm__set_err(err, errlen, "interrupted by %s before the guest booted: nothing ran",
			    strsignal(stop_sig(o)));
		return -EINTR;
	}
	return boot(o, cmd, kernel, accel, timeout_s, out_db, info, err, errlen);
}
