// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "place.h"
#include "runner.h"
#include "sched.h"
#include "store.h"
#include "util.h"
#include "vm.h"

int place__parse_opt(struct place_opts *o, int opt, const char *arg, char *err, size_t len)
{
	int64_t v;

	switch (opt) {
	case OPT_PLACE_HOST:
		o->force_host = true;
		return 1;
	case OPT_PLACE_VM:
		o->force_vm = true;
		return 1;
	case OPT_PLACE_KERNEL:
		o->kernel = arg;
		o->force_vm = true;
		return 1;
	case OPT_PLACE_VM_CPUS:
		if (parse_i64(arg, 1, 64, &v)) {
			snprintf(err, len, "--vm-cpus %s: not a CPU count from 1 to 64", arg);
			return -EINVAL;
		}
		o->vm_cpus = (int)v;
		return 1;
	case OPT_PLACE_VM_MEM:
		if (parse_i64(arg, 256, 65536, &v)) {
			snprintf(err, len, "--vm-mem %s: not a size in MB from 256 to 65536", arg);
			return -EINVAL;
		}
		o->vm_mem_mb = (int)v;
		return 1;
	}
	return 0;
}

int place__decide(const struct place_opts *o, const char *const *scheds, int nscheds,
		  char *err, size_t len)
{
	char kernel[512];
	bool need_scx = false;

	if (o->force_host && o->force_vm) {
		snprintf(err, len, "--host and --vm (or --kernel) exclude each other");
		return -EINVAL;
	}
	if (o->force_host)
		return PLACE_HOST;
	if (o->force_vm)
		return PLACE_VM;
	for (int i = 0; i < nscheds; i++)
		if (strcmp(scheds[i], "eevdf"))
			need_scx = true;
	if (!need_scx || scx_kernel_supported())
		return PLACE_HOST;
	if (vm__cached_kernel(kernel, sizeof(kernel)) == 0) {
		pr_info("this kernel has no sched_ext: running in a QEMU guest (%s)\n", kernel);
		return PLACE_VM;
	}
	snprintf(err, len, "this kernel has no sched_ext and no guest kernel is cached: "
		 "run 'scxbench vm fetch' (or scripts/fetch-kernel.sh), then run this again");
	return -ENOENT;
}

/* options that only make sense on the host side of the VM boundary */
static int host_only_opt(const char *a)
{
	static const char *const with_arg[] = { "--db", "--kernel", "--vm-cpus", "--vm-mem", "--out" };
	static const char *const flags[] = { "--vm", "--host" };

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++)
		if (!strcmp(a, flags[i]))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(with_arg); i++) {
		size_t n = strlen(with_arg[i]);

		if (!strcmp(a, with_arg[i]))
			return 2;
		if (!strncmp(a, with_arg[i], n) && a[n] == '=')
			return 1;
	}
	return 0;
}

int place__run_in_vm(const struct place_opts *o, int argc, char **argv, const char *db_path,
		     double expected_s, char *err, size_t len)
{
	struct vm_opts vo = {
		.kernel = o->kernel,
		.cpus = o->vm_cpus,
		.mem_mb = o->vm_mem_mb,
		/* boot + per-run set-up dominate short runs under TCG */
		.timeout_s = 120 + expected_s * 1.5,
	};
	struct import_opts io = { .place = "vm" };
	char tmpdir[PATH_MAX], guest_db[PATH_MAX + 16], why[256], host[256];
	struct store *st = NULL;
	struct vm_info info = { 0 };
	char **gargv;
	int gargc = 0, rc;
	bool passthrough = false;

	gargv = calloc(argc + 1, sizeof(char *));
	rc = gargv ? vm__make_tmp_dir(tmpdir, sizeof(tmpdir)) : -ENOMEM;
	if (rc) {
		free(gargv);
		snprintf(err, len, "cannot set up the VM run: %s", strerror(-rc));
		return rc;
	}
	for (int i = 0; i < argc; i++) {
		int skip = passthrough ? 0 : host_only_opt(argv[i]);

		if (!strcmp(argv[i], "--"))
			passthrough = true;
		if (skip) {
			i += skip - 1;
			continue;
		}
		gargv[gargc++] = argv[i];
	}
	snprintf(guest_db, sizeof(guest_db), "%s/guest.db", tmpdir);
	/* open the host database first: a bad --db fails before a boot */
	st = store__open(db_path, STORE_CREATE, err, len);
	if (!st) {
		rc = -EINVAL;
		goto out;
	}
	rc = vm__run(&vo, gargc, gargv, guest_db, &info, why, sizeof(why));
	/* Multi-threaded TCG now and then runs stale code after the guest
	 * kernel patches itself (seen ~1 boot in 35: an Oops, no results).
	 * Nothing was imported from such a boot, so one retry is safe. */
	if (rc && !runner_stop && (strstr(why, "sent no results") || strstr(why, "truncated transfer"))) {
		pr_warn("the guest failed (%s); booting it once more\n", why);
		memset(&info, 0, sizeof(info));
		rc = vm__run(&vo, gargc, gargv, guest_db, &info, why, sizeof(why));
	}
	if (rc) {
		snprintf(err, len, "%s", why);
		goto out;
	}
	if (access(guest_db, R_OK) == 0) {
		int n;

		io.accel = info.accel;
		io.guest_kernel = info.guest_kernel;
		if (gethostname(host, sizeof(host)) == 0)
			io.hostname = host;
		n = store__import(st, guest_db, &io, why, sizeof(why));
		if (n < 0) {
			snprintf(err, len, "%s", why);
			rc = n;
			goto out;
		}
		pr_info("%d run(s) from the guest (%s, %s) stored in %s\n", n, info.guest_kernel,
			info.accel, db_path);
	} else if (!info.guest_exit) {
		snprintf(err, len, "the guest produced no database");
		rc = -EIO;
		goto out;
	}
	rc = info.guest_exit;
out:
	store__close(st);
	vm__remove_tmp_dir(tmpdir);
	free(gargv);
	return rc;
}
