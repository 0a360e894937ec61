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

#include "commands.h"
#include "log.h"
#include "runner.h"
#include "util.h"
#include "vm.h"


static void vm_usage(FILE *f)
{
	fprintf(f,
		"usage: scxbench vm fetch [--suite sid|trixie-backports] [--update]\n"
		"       scxbench vm list\n"
		"       scxbench vm boot-test [VM OPTIONS]\n"
		"       scxbench vm run [VM OPTIONS] [--db FILE] -- SCXBENCH-ARGS...\n"
		"\n"
		"  fetch      get a Debian kernel with sched_ext into the cache\n"
		"             (runs scripts/fetch-kernel.sh; apt with a private config)\n"
		"  list       cached kernels: version, size, sched_ext, which is current\n"
		"  boot-test  boot the guest, print its kernel release and sched_ext state\n"
		"  run        run `scxbench SCXBENCH-ARGS... --host --db F` in the guest and\n"
		"             copy its database to --db FILE (default: not kept)\n"
		"\n"
		"VM OPTIONS:\n"
		"  --kernel PATH    bzImage to boot (default: the cached current kernel)\n"
		"  --vm-cpus N      guest CPUs (default: host CPUs)\n"
		"  --vm-mem MB      guest memory in MiB (default: 2048)\n"
		"  --timeout DUR    hard limit for the whole boot (default: 120s for\n"
		"                   boot-test, 1800s for run)\n"
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

static const char *scx_config(const char *dir)
{
	char cfg[PATH_MAX], line[256];
	const char *v = "no";
	FILE *f;

	if (xsnprintf(cfg, sizeof(cfg), "%s/config", dir))
		return "?";
	f = fopen(cfg, "re");
	if (!f)
		return "unknown";
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "CONFIG_SCHED_CLASS_EXT=y", 24)) {
			v = "yes";
			break;
		}
	}
	fclose(f);
	return v;
}

static int name_cmp(const void *a, const void *b)
{
	return -strverscmp(*(char *const *)a, *(char *const *)b);
}

static int vm_list(void)
{
	char cache[PATH_MAX], kdir[PATH_MAX], cur[PATH_MAX] = "", p[PATH_MAX];
	char *names[256];
	struct dirent *de;
	int n = 0, i;
	DIR *d;

	if (vm__cache_dir(cache, sizeof(cache)) ||
	    xsnprintf(kdir, sizeof(kdir), "%s/kernels", cache)) {
		pr_err("no cache folder: set HOME or XDG_CACHE_HOME\n");
		return EXIT_USAGE;
	}
	if (!xsnprintf(p, sizeof(p), "%s/current", kdir) && !realpath(p, cur))
		cur[0] = 0;
	d = opendir(kdir);
	while (d && (de = readdir(d)) && n < (int)ARRAY_SIZE(names)) {
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "current"))
			continue;
		if (xsnprintf(p, sizeof(p), "%s/%s", kdir, de->d_name) || stat(p, &st) ||
		    !S_ISDIR(st.st_mode))
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	if (d)
		closedir(d);
	if (!n) {
		fprintf(stderr, "no kernels cached in %s: run `scxbench vm fetch`\n", kdir);
		return 0;
	}
	qsort(names, n, sizeof(*names), name_cmp);
	printf("%-28s %10s %10s  %-9s %-7s %s\n", "KERNEL", "IMAGE", "ON DISK", "SCHED_EXT",
	       "CURRENT", "PATH");
	for (i = 0; i < n; i++) {
		char dir[PATH_MAX], img[PATH_MAX], real[PATH_MAX], isz[32] = "missing";
		struct stat st;

		if (xsnprintf(dir, sizeof(dir), "%s/%s", kdir, names[i]) ||
		    xsnprintf(img, sizeof(img), "%s/vmlinuz", dir))
			continue;
		if (!stat(img, &st))
			snprintf(isz, sizeof(isz), "%.1f MiB", st.st_size / 1048576.0);
		du_total = 0;
		nftw(dir, du_add, 16, FTW_PHYS);
		printf("%-28s %10s %6.0f MiB  %-9s %-7s %s\n", names[i], isz, du_total / 1048576.0,
		       scx_config(dir), cur[0] && realpath(dir, real) && !strcmp(real, cur) ? "*" : "",
		       dir);
		free(names[i]);
	}
	return 0;
}

static int vm_boot_or_run(int argc, char **argv, bool run)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "vm-cpus", required_argument, NULL, 'c' },
		{ "vm-mem", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	int verbose = 0;
	bool quiet = false;
	struct vm_opts o = { .timeout_s = run ? 1800 : 120 };
	struct vm_info info;
	const char *db = NULL;
	char err[512];
	double t0;
	int64_t v;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+hvq", opts, NULL)) != -1) {
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
		case 't':
			if (parse_duration(optarg, 1, 86400 * 7, &o.timeout_s)) {
				pr_err("--timeout: '%s' is not a duration (e.g. 90s, 10m)\n", optarg);
				return 2;
			}
			break;
		case 'd':
			if (!run) {
				vm_usage(stderr);
				return 2;
			}
			db = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'q':
			quiet = true;
			break;
		case 'h':
			vm_usage(stdout);
			return 0;
		default:
			vm_usage(stderr);
			return 2;
		}
	}
	if (run && optind >= argc) {
		pr_err("vm run: nothing to run (scxbench vm run [OPTIONS] -- ARGS...)\n");
		return 2;
	}
	if (!run && optind < argc) {
		pr_err("vm boot-test: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	command__verbosity(verbose, quiet);
	/* -q: the guest's own output is not forwarded either (errors are). */
	o.quiet = quiet;
	runner__install_signals();
	t0 = now_wall();
	ret = vm__run(&o, run ? argc - optind : 0, run ? argv + optind : NULL, db, &info, err,
		      sizeof(err));
	if (ret) {
		pr_err("%s\n", err);
		return EXIT_USAGE;
	}
	if (!run) {
		printf("guest kernel %s, accel %s, sched_ext present, booted and powered off in %.1f s\n",
		       info.guest_kernel, info.accel, now_wall() - t0);
		return 0;
	}
	pr_info("vm: guest %s (%s) exited %d after %.1f s\n", info.guest_kernel, info.accel,
		info.guest_exit, now_wall() - t0);
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
		return vm_boot_or_run(argc - 1, argv + 1, false);
	if (!strcmp(sub, "run"))
		return vm_boot_or_run(argc - 1, argv + 1, true);
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help") || !strcmp(sub, "help")) {
		vm_usage(stdout);
		return 0;
	}
	pr_err("vm: unknown subcommand '%s' (fetch, list, boot-test, run)\n", sub);
	return 2;
}
