// SPDX-License-Identifier: GPL-2.0
/*
 * `scxbench vm fetch|list|boot-test|run`: the kernel cache and the guest
 * itself, by hand. The run-like subcommands go through the VM on their own
 * (harness/vm.h); these are for setting it up and checking it.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/core/place.h"
#include "harness/lib/bench_lock.h"
#include "harness/core/runner.h"
#include "harness/lib/util.h"
#include "harness/vm/vm.h"


static void vm_usage(FILE *f)
{
	fprintf(f,
		"usage: scxbench vm fetch [--dist sid|trixie-backports|...] [--update]\n"
		"       scxbench vm list\n"
		"       scxbench vm boot-test [VM OPTIONS]\n"
		"       scxbench vm run [VM OPTIONS] [--db FILE] -- SCXBENCH-ARGS...\n"
		"       scxbench vm exec [VM OPTIONS] -- PROGRAM [ARGS...]\n"
		"       scxbench vm shell [VM OPTIONS]\n"
		"\n"
		"  fetch      get a Debian kernel with sched_ext into the cache, resolved\n"
		"             now in --dist (default sid); several live side by side\n"
		"             (runs scripts/fetch-kernel.sh; apt with a private config)\n"
		"  list       cached kernels: release, source, sched_ext, BTF, SCX event\n"
		"             counters, size, which is current (the default --kernel)\n"
		"  boot-test  boot the guest, print its kernel release and sched_ext state\n"
		"  run        run `scxbench SCXBENCH-ARGS... --host --db F` in the guest and\n"
		"             copy its database to --db FILE (default: not kept)\n"
		"  exec       run any host program in the guest (it sees this host's files,\n"
		"             read-only, this directory and environment); its exit code\n"
		"  shell      an interactive shell ($SHELL, else /bin/sh) in the guest\n"
		"             (needs a terminal; `exit` powers the guest off)\n"
		"\n"
		"VM OPTIONS:\n"
		"  --kernel PATH    bzImage to boot (default: the cached current kernel)\n"
		"  --vm-cpus N      guest CPUs (default: host CPUs)\n"
		"  --vm-mem MB      guest memory in MiB (default: 2048)\n"
		"  --topology SPEC  guest CPU topology, e.g. 2s2c2t (scxbench help run)\n"
		"  --timeout DUR    hard limit for the whole boot (default: 120s for\n"
		"                   boot-test, 1800s for run)\n"
		"  --no-wait        fail at once when another benchmark runs on this machine\n"
		"  -v, --verbose    boot timings, kernel and init messages; -q: errors only\n"
		"Cache: $XDG_CACHE_HOME/scxbench (default ~/.cache/scxbench).\n"
		"SCXB_VM_ACCEL=kvm|tcg skips the once-per-kernel KVM check.\n");
}

/* scripts/NAME next to the binary (build/../scripts), else ./scripts. */
static int find_script(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX];
	char *slash;
	struct stat st;

	if (realpath("/proc/self/exe", self) && (slash = strrchr(self, '/'))) {
		*slash = 0;
		if (!xsnprintf(buf, len, "%s/../scripts/%s", self, name) && !stat(buf, &st))
			return 0;
	}
	if (!xsnprintf(buf, len, "scripts/%s", name) && !stat(buf, &st))
		return 0;
	return -ENOENT;
}

static int vm_fetch(int argc, char **argv)
{
	char script[PATH_MAX];
	char **av;
	pid_t pid;
	int i, st;

	if (find_script("fetch-kernel.sh", script, sizeof(script))) {
		pr_err("scripts/fetch-kernel.sh not found next to the binary nor in ./scripts\n");
		return EXIT_USAGE;
	}
	av = calloc(argc + 1, sizeof(*av));
	if (!av) {
		pr_err("out of memory\n");
		return EXIT_USAGE;
	}
	av[0] = script;
	for (i = 1; i < argc; i++)
		av[i] = argv[i];
	pid = fork();
	if (pid < 0) {
		pr_err("fork: %s\n", strerror(errno));
		free(av);
		return EXIT_USAGE;
	}
	if (!pid) {
		execv(script, av);
		fprintf(stderr, "scxbench: exec %s: %s\n", script, strerror(errno));
		_exit(127);
	}
	free(av);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR) {
			pr_err("waitpid: %s\n", strerror(errno));
			return EXIT_USAGE;
		}
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static long long du_total;

static int du_add(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_F)
		du_total += st->st_blocks * 512LL;
	return 0;
}

static char config_of(const char *dir, const char *sym)
{
	char cfg[PATH_MAX], line[256];
	size_t sl = strlen(sym);
	char v = '?';
	FILE *f;

	if (xsnprintf(cfg, sizeof(cfg), "%s/config", dir))
		return '?';
	f = fopen(cfg, "re");
	if (!f)
		return '?';
	v = 'n';
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, sym, sl) && line[sl] == '=') {
			v = line[sl + 1];
			break;
		}
	fclose(f);
	return v;
}

/* dist and package version from the fetch's source record; "-" for a kernel
 * that has none (a user's image, or fetched before the record existed) */
static void source_of(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX], line[256], dist[64] = "", ver[96] = "";
	FILE *f;

	snprintf(buf, len, "-");
	if (xsnprintf(path, sizeof(path), "%s/source", dir) || !(f = fopen(path, "re")))
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "dist=", 5))
			snprintf(dist, sizeof(dist), "%s", line + 5);
		else if (!strncmp(line, "version=", 8))
			snprintf(ver, sizeof(ver), "%s", line + 8);
	}
	fclose(f);
	if (dist[0])
		snprintf(buf, len, "%s%s%s", dist, ver[0] ? " " : "", ver);
}

/*
 * What the kernel's BTF says (btf.vmlinux, the ELF fetch-kernel.sh took
 * out of vmlinuz): "no BTF" without it; else whether struct
 * scx_event_stats exists (the SCX event counters of root/events).
 */
static void btf_of(const char *dir, char *btf_col, size_t blen, char *ev_col, size_t elen)
{
	char path[PATH_MAX];
	struct btf *b;

	snprintf(btf_col, blen, "no");
	snprintf(ev_col, elen, "?");
	if (xsnprintf(path, sizeof(path), "%s/btf.vmlinux", dir) || access(path, R_OK))
		return;
	b = btf__parse_elf(path, NULL);
	if (!b) {
		snprintf(btf_col, blen, "bad");
		return;
	}
	snprintf(btf_col, blen, "yes");
	snprintf(ev_col, elen, "%s",
		 btf__find_by_name_kind(b, "scx_event_stats", BTF_KIND_STRUCT) > 0 ? "yes" : "no");
	btf__free(b);
}

static int vm_list(void)
{
	char cache[PATH_MAX], kdir[PATH_MAX], cur[PATH_MAX] = "", p[PATH_MAX];
	char **names = NULL;
	int n = 0, i;

	if (vm__cache_dir(cache, sizeof(cache)) ||
	    xsnprintf(kdir, sizeof(kdir), "%s/kernels", cache)) {
		pr_err("no cache folder: set HOME or XDG_CACHE_HOME\n");
		return EXIT_USAGE;
	}
	if (!xsnprintf(p, sizeof(p), "%s/current", kdir) && !realpath(p, cur))
		cur[0] = 0;
	if (vm__cached_releases(&names, &n)) {
		pr_err("cannot list %s\n", kdir);
		return EXIT_USAGE;
	}
	if (!n) {
		fprintf(stderr, "no kernels cached in %s: run `scxbench vm fetch`\n", kdir);
		return 0;
	}
	printf("%-24s %-32s %-9s %-4s %-10s %9s %8s  %-7s %s\n", "RELEASE", "SOURCE", "SCHED_EXT",
	       "BTF", "SCX_EVENTS", "IMAGE", "ON DISK", "CURRENT", "PATH");
	for (i = 0; i < n; i++) {
		char dir[PATH_MAX], img[PATH_MAX], real[PATH_MAX], isz[32] = "missing";
		char src[128], btf[8], ev[8], scx;
		struct stat st;

		if (xsnprintf(dir, sizeof(dir), "%s/%s", kdir, names[i]) ||
		    xsnprintf(img, sizeof(img), "%s/vmlinuz", dir)) {
			free(names[i]);
			continue;
		}
		if (!stat(img, &st))
			snprintf(isz, sizeof(isz), "%.1f MiB", st.st_size / 1048576.0);
		du_total = 0;
		nftw(dir, du_add, 16, FTW_PHYS);
		source_of(dir, src, sizeof(src));
		btf_of(dir, btf, sizeof(btf), ev, sizeof(ev));
		scx = config_of(dir, "CONFIG_SCHED_CLASS_EXT");
		printf("%-24s %-32s %-9s %-4s %-10s %9s %4.0f MiB  %-7s %s\n", names[i], src,
		       scx == 'y' ? "yes" : scx == '?' ? "unknown" : "no", btf, ev, isz,
		       du_total / 1048576.0,
		       cur[0] && realpath(dir, real) && !strcmp(real, cur) ? "*" : "", dir);
		free(names[i]);
	}
	free(names);
	return 0;
}

enum vm_sub { VM_SUB_BOOT_TEST, VM_SUB_RUN, VM_SUB_EXEC, VM_SUB_SHELL };

static int vm_boot_or_run(int argc, char **argv, enum vm_sub sub)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "vm-cpus", required_argument, NULL, 'c' },
		{ "vm-mem", required_argument, NULL, 'm' },
		{ "topology", required_argument, NULL, 'T' },
		{ "timeout", required_argument, NULL, 't' },
		CLI_COMMON_LONG_OPTIONS,
		{ "no-wait", no_argument, NULL, 'W' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_common co = { 0 };
	bool no_wait = false;
	bool quiet, has_cmd = sub == VM_SUB_RUN || sub == VM_SUB_EXEC;
	struct vm_opts o = { .timeout_s = sub == VM_SUB_BOOT_TEST ? 120 : 1800 };
	struct vm_cmd cmd = { 0 };
	struct vm_info info;
	struct topo_spec topo;
	const char *db, *shell_argv[2];
	char err[512];
	char **gargv = NULL;
	double t0;
	int64_t v;
	int c, ret;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hvq", opts, NULL)) != -1) {
		if (c != CLI_OPT_DB && cli_opts__common(c, optarg, &co))
			continue;
		switch (c) {
		case 'k':
			o.kernel = optarg;
			break;
		case 'c':
			if (parse_i64(optarg, 1, 1024, &v)) {
				pr_err("--vm-cpus: '%s' is not a CPU count in 1..1024\n", optarg);
				return 2;
			}
			o.cpus = v;
			break;
		case 'm':
			if (parse_i64(optarg, 128, 1 << 20, &v)) {
				pr_err("--vm-mem: '%s' is not a size in MiB in 128..1048576\n", optarg);
				return 2;
			}
			o.mem_mb = v;
			break;
		case 'T':
			if (topo_spec__parse(optarg, &topo, err, sizeof(err))) {
				pr_err("--%s\n", err);
				return 2;
			}
			o.topo = &topo;
			break;
		case 't':
			if (parse_duration(optarg, 1, 86400 * 7, &o.timeout_s)) {
				pr_err("--timeout: '%s' is not a duration (e.g. 90s, 10m)\n", optarg);
				return 2;
			}
			break;
		case CLI_OPT_DB:
			if (sub != VM_SUB_RUN) {
				pr_err("vm: --db is for vm run\n");
				return 2;
			}
			co.db = optarg;
			break;
		case 'W':
			no_wait = true;
			break;
		default:
			cli_opts__bad_usage("vm", c, argc, argv);
			return 2;
		}
	}
	if (co.help) {
		vm_usage(stdout);
		return 0;
	}
	db = co.db;
	quiet = co.quiet;
	if (has_cmd && optind >= argc) {
		pr_err("vm %s: nothing to run (scxbench vm %s [OPTIONS] -- %s...)\n", argv[0], argv[0],
		       sub == VM_SUB_RUN ? "SCXBENCH-ARGS" : "PROGRAM [ARGS]");
		return 2;
	}
	if (!has_cmd && optind < argc) {
		pr_err("vm %s: unexpected argument '%s'\n", argv[0], argv[optind]);
		return 2;
	}
	command__verbosity(co.verbose, quiet);
	o.quiet = quiet;
	o.stop = &runner_stop;
	o.stop_signal = &runner_stop_signal;
	o.forward_stdout = true;
	if (sub == VM_SUB_RUN) {
		gargv = place__guest_argv(argc - optind, argv + optind, &cmd.argc);
		if (!gargv) {
			pr_err("vm run: out of memory\n");
			return 2;
		}
		cmd.argv = gargv;
	} else if (sub == VM_SUB_EXEC) {
		cmd.argc = argc - optind;
		cmd.argv = argv + optind;
	} else if (sub == VM_SUB_SHELL) {
		shell_argv[0] = getenv("SHELL") && *getenv("SHELL") ? getenv("SHELL") : "/bin/sh";
		shell_argv[1] = NULL;
		cmd.argc = 1;
		cmd.argv = (char **)shell_argv;
		cmd.interactive = true;
	}
	runner__install_signals();
	if (bench_lock__take(!no_wait, "scxbench vm", err, sizeof(err))) {
		pr_err("vm: %s\n", err);
		place__free_guest_argv(gargv);
		return runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
	}
	t0 = now_wall();
	ret = vm__run(&o, sub == VM_SUB_BOOT_TEST ? NULL : &cmd, db, &info, err, sizeof(err));
	place__free_guest_argv(gargv);
	if (ret) {
		pr_err("%s\n", err);
		return runner_stop ? runner__signal_exit_code() : EXIT_USAGE;
	}
	if (sub == VM_SUB_BOOT_TEST) {
		printf("guest kernel %s, accel %s, sched_ext present, host root shared, "
		       "booted and powered off in %.1f s (init after %.1f s)\n",
		       info.guest_kernel, info.accel, now_wall() - t0, info.boot_s);
		return 0;
	}
	pr_debug("vm: guest %s (%s) exited %d after %.1f s\n", info.guest_kernel, info.accel,
		 info.guest_exit, now_wall() - t0);
	if (info.stopped) {
		/* The guest's command may have been stopped before it started
		 * (a stop during boot): this line is the one that always says so. */
		pr_err("vm: interrupted by %s: the guest's command exited %d\n",
		       strsignal(runner_stop_signal), info.guest_exit);
		return runner__signal_exit_code();
	}
	return info.guest_exit > 255 || info.guest_exit < 0 ? 1 : info.guest_exit;
}

int cmd_vm(int argc, char **argv)
{
	const char *sub;

	if (argc < 2) {
		vm_usage(stderr);
		return 2;
	}
	sub = argv[1];
	if (!strcmp(sub, "fetch"))
		return vm_fetch(argc - 1, argv + 1);
	if (!strcmp(sub, "list")) {
		if (argc > 2) {
			pr_err("vm list takes no arguments\n");
			return 2;
		}
		return vm_list();
	}
	if (!strcmp(sub, "boot-test"))
		return vm_boot_or_run(argc - 1, argv + 1, VM_SUB_BOOT_TEST);
	if (!strcmp(sub, "run"))
		return vm_boot_or_run(argc - 1, argv + 1, VM_SUB_RUN);
	if (!strcmp(sub, "exec"))
		return vm_boot_or_run(argc - 1, argv + 1, VM_SUB_EXEC);
	if (!strcmp(sub, "shell"))
		return vm_boot_or_run(argc - 1, argv + 1, VM_SUB_SHELL);
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		vm_usage(stdout);
		return 0;
	}
	pr_err("vm: unknown subcommand '%s' (fetch, list, boot-test, run, exec, shell)\n", sub);
	return 2;
}
