// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/lib/bench_lock.h"
#include "harness/lib/fault.h"
#include "harness/lib/log.h"
#include "harness/core/place.h"
#include "harness/core/runner.h"
#include "harness/sched/sched.h"
#include "harness/store/store.h"
#include "harness/lib/util.h"
#include "harness/vm/vm.h"

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
	case OPT_PLACE_NO_WAIT:
		o->no_wait = true;
		return 1;
	case OPT_PLACE_KERNELS:
		if (!*arg || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,") || *arg == ',') {
			snprintf(err, len, "--kernels '%s': expected K,K... (cached releases or image"
				 " paths) or all", arg);
			return -EINVAL;
		}
		o->kernels = arg;
		return 1;
	case OPT_PLACE_TOPOLOGY: {
		/* every spec now: a bad one is refused before anything runs */
		const char *p = arg;

		o->ntopo = 0;
		do {
			char one[64], why[256];
			size_t l = strcspn(p, ",");

			snprintf(one, sizeof(one), "%.*s", (int)(l < 63 ? l : 63), p);
			if (topo_spec__parse(one, &o->topo, why, sizeof(why))) {
				snprintf(err, len, "--%s", why);
				return -EINVAL;
			}
			o->ntopo++;
			p += l;
		} while (*p++ == ',');
		o->topologies = arg;
		o->has_topo = o->ntopo == 1;
		return 1;
	}
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

int place__take_bench_lock(const struct place_opts *o, const char *cmdline, char *err,
			   size_t len)
{
	return bench_lock__take(!o->no_wait, cmdline, err, len);
}

int place__decide(const struct place_opts *o, const char *const *scheds, int nscheds,
		  char *err, size_t len)
{
	char kernel[512];
	bool need_scx = false;

	if (o->force_host && (o->force_vm || o->kernels)) {
		snprintf(err, len, "--host and --vm (or --kernel, --kernels) exclude each other");
		return -EINVAL;
	}
	if (!o->matrix_ok && (o->kernels || o->ntopo > 1)) {
		snprintf(err, len, "one kernel and one topology here: --kernels and --topology A,B"
			 " are for compare and ci");
		return -EINVAL;
	}
	if (o->kernels && o->kernel) {
		snprintf(err, len, "--kernel and --kernels exclude each other");
		return -EINVAL;
	}
	for (int i = 0; i < nscheds; i++)
		if (strcmp(scheds[i], "eevdf"))
			need_scx = true;
	if (o->force_host) {
		/* decided before anything is stored: this is bad usage, not a
		 * failed run */
		if (need_scx && !scx_kernel_supported()) {
			snprintf(err, len, "--host: this kernel has no sched_ext (/sys/kernel/sched_ext is"
				 " missing): only eevdf runs here; drop --host to use the VM");
			return -ENOTSUP;
		}
		if (o->ntopo > 1) {
			snprintf(err, len, "--host --topology: this host has one topology (%s names %d)",
				 o->topologies, o->ntopo);
			return -EINVAL;
		}
		if (o->has_topo) {
			const struct topo_view *v = topo_view__current();

			if (!v) {
				snprintf(err, len, "--topology: cannot read this system's CPU topology"
					 " from /sys/devices/system/cpu");
				return -EIO;
			}
			if (topo_view__check(v, &o->topo, err, len))
				return -EMEDIUMTYPE;
		}
		return PLACE_HOST;
	}
	/* a synthetic topology or a kernel matrix is the guest's business */
	if (o->force_vm || o->kernels || o->ntopo) {
		struct place_cell *cells;
		int n, rc;

		/* every kernel and topology named, before the lock and a boot */
		rc = place__cells(o, &cells, &n, err, len);
		if (rc)
			return rc;
		free(cells);
		return PLACE_VM;
	}
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

void place_result__free(struct place_result *r)
{
	if (!r)
		return;
	free(r->run_ids);
	free(r->cmp_ids);
	free(r->cap_ids);
	r->run_ids = r->cmp_ids = r->cap_ids = NULL;
	r->nruns = r->ncmp = r->ncap = 0;
}

/* options that only make sense on the host side of the VM boundary */
static int host_only_opt(const char *a)
{
	static const char *const with_arg[] = { "--db", "--kernel", "--vm-cpus", "--vm-mem", "--out",
						"--kernels", "--topology" };
	static const char *const flags[] = { "--vm", "--host", "--no-wait" };

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

/* place__guest_argv(), with --topology topo (NULL: none) given to the guest */
static char **guest_argv(int argc, char **argv, const char *topo, int *gargc)
{
	char **g = calloc(argc + 8, sizeof(char *));
	char self[PATH_MAX];
	bool passthrough = false, added = false;
	int n = 0;

	if (!g || !realpath("/proc/self/exe", self) || !(g[n++] = strdup(self))) {
		free(g);
		return NULL;
	}
	for (int i = 0; i < argc; i++) {
		int skip = passthrough ? 0 : host_only_opt(argv[i]);

		if (!strcmp(argv[i], "--") && !passthrough) {
			passthrough = true;
			g[n++] = "--host";
			g[n++] = "--db";
			g[n++] = VM_GUEST_DB;
			if (topo) {
				g[n++] = "--topology";
				g[n++] = (char *)topo;
			}
			added = true;
		}
		if (skip) {
			i += skip - 1;
			continue;
		}
		g[n++] = argv[i];
	}
	if (!added) {
		g[n++] = "--host";
		g[n++] = "--db";
		g[n++] = VM_GUEST_DB;
		if (topo) {
			g[n++] = "--topology";
			g[n++] = (char *)topo;
		}
	}
	*gargc = n;
	return g;
}

char **place__guest_argv(int argc, char **argv, int *gargc)
{
	return guest_argv(argc, argv, NULL, gargc);
}

/* <cache>/kernels/RELEASE/vmlinuz is called RELEASE, any other image by its file name */
static void kernel_name(const char *img, char *buf, size_t len)
{
	const char *slash = strrchr(img, '/'), *prev = slash;

	if (slash && !strcmp(slash, "/vmlinuz")) {
		while (prev > img && prev[-1] != '/')
			prev--;
		if (prev > img) {
			snprintf(buf, len, "%.*s", (int)(slash - prev), prev);
			return;
		}
	}
	snprintf(buf, len, "%s", slash ? slash + 1 : img);
}

int place__cells(const struct place_opts *o, struct place_cell **cells, int *n, char *err,
		 size_t len)
{
	char **names = NULL, **kern = NULL, *klist = NULL, *save = NULL;
	int nk = 0, nt = o->ntopo ? o->ntopo : 1, nnames = 0, rc = 0;
	struct place_cell *c = NULL;

	*cells = NULL;
	*n = 0;
	if (o->kernels && !strcmp(o->kernels, "all")) {
		rc = vm__cached_releases(&names, &nnames);
		if (!rc && !nnames) {
			snprintf(err, len, "--kernels all: no kernel is cached (scxbench vm fetch)");
			rc = -ENOENT;
		}
		kern = names;
		nk = nnames;
	} else if (o->kernels) {
		klist = strdup(o->kernels);
		kern = calloc(strlen(o->kernels) / 2 + 2, sizeof(*kern));
		if (!klist || !kern)
			rc = -ENOMEM;
		for (char *t = klist ? strtok_r(klist, ",", &save) : NULL; t && !rc;
		     t = strtok_r(NULL, ",", &save))
			kern[nk++] = t;
	} else {
		nk = 1;
	}
	if (!rc && !(c = calloc((size_t)nk * nt, sizeof(*c))))
		rc = -ENOMEM;
	if (rc == -ENOMEM)
		snprintf(err, len, "out of memory");
	for (int k = 0; !rc && k < nk; k++) {
		const char *spec = kern ? kern[k] : o->kernel;
		char img[PATH_MAX], name[128] = "";

		if (kern || spec) {
			rc = vm__resolve_kernel(spec, img, sizeof(img), err, len);
			if (rc)
				break;
			kernel_name(img, name, sizeof(name));
		} else {
			img[0] = 0;
		}
		for (int t = 0; t < nt; t++) {
			struct place_cell *cell = &c[k * nt + t];
			const char *p = o->topologies;

			snprintf(cell->kernel, sizeof(cell->kernel), "%s", img);
			snprintf(cell->kernel_name, sizeof(cell->kernel_name), "%s", name);
			if (!o->ntopo)
				continue;
			/* the t-th spec of the list (parsed once already) */
			for (int i = 0; i < t; i++)
				p += strcspn(p, ",") + 1;
			{
				char one[64];
				size_t l = strcspn(p, ",");

				snprintf(one, sizeof(one), "%.*s", (int)(l < 63 ? l : 63), p);
				rc = topo_spec__parse(one, &cell->topo, err, len);
			}
			if (!rc)
				rc = vm__check_topology(&cell->topo, err, len);
			if (rc)
				break;
			cell->has_topo = true;
			topo_spec__format(&cell->topo, cell->topo_name, sizeof(cell->topo_name));
		}
	}
	for (int i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	if (kern != names)
		free(kern);
	free(klist);
	if (rc) {
		free(c);
		return rc;
	}
	*cells = c;
	*n = nk * nt;
	return 0;
}

void place__for_cell(const struct place_opts *o, const struct place_cell *c,
		     struct place_opts *out)
{
	*out = *o;
	out->kernels = NULL;
	out->kernel = c->kernel[0] ? c->kernel : o->kernel;
	out->has_topo = c->has_topo;
	out->topo = c->topo;
	out->ntopo = c->has_topo;
}

void place__free_guest_argv(char **g)
{
	if (g)
		free(g[0]);
	free(g);
}

int place__run_in_vm(const struct place_opts *o, int argc, char **argv, const char *db_path,
		     double expected_s, const char *cmdline, struct place_result *res,
		     char *err, size_t len)
{
	struct vm_opts vo = {
		.kernel = o->kernel,
		.topo = o->has_topo ? &o->topo : NULL,
		.cpus = o->vm_cpus,
		.mem_mb = o->vm_mem_mb,
		/* boot + per-run set-up dominate short runs under TCG */
		.timeout_s = 120 + expected_s * 1.5,
		.quiet = log__level() < LOG_INFO,
		.stop = &runner_stop,
		.stop_signal = &runner_stop_signal,
	};
	struct import_opts io = { .place = "vm", .cmdline = cmdline };
	struct import_result ir = { 0 };
	char tmpdir[PATH_MAX], guest_db[PATH_MAX + 16], why[512], host[256];
	char idbase[128], dbname[PATH_MAX + 16], topo[TOPO_SPEC_MAX];
	const char *env[3];
	struct store *st = NULL;
	struct vm_info info = { 0 };
	struct vm_cmd cmd = { 0 };
	int64_t next_run = 1, next_cmp = 1, next_cap = 1;
	int rc, nenv = 0;

	memset(res, 0, sizeof(*res));
	if (o->has_topo)
		topo_spec__format(&o->topo, topo, sizeof(topo));
	cmd.argv = guest_argv(argc, argv, o->has_topo ? topo : NULL, &cmd.argc);
	rc = cmd.argv ? vm__make_tmp_dir(tmpdir, sizeof(tmpdir)) : -ENOMEM;
	if (rc) {
		place__free_guest_argv(cmd.argv);
		snprintf(err, len, "cannot set up the VM run: %s", strerror(-rc));
		return rc;
	}
	snprintf(guest_db, sizeof(guest_db), "%s/guest.db", tmpdir);
	/* open the host database first: a bad --db fails before a boot */
	st = store__open(db_path, STORE_CREATE, err, len);
	if (!st) {
		rc = -EINVAL;
		goto out;
	}
	/* a damaged database is refused before the boot, and nothing is
	 * imported into it: -EBADMSG, SQLite's finding in err */
	rc = store__next_ids(st, &next_run, &next_cmp);
	if (!rc)
		rc = store__next_capture_id(st, &next_cap);
	if (rc && store__corrupt(st)) {
		snprintf(err, len, "%s", store__corrupt(st));
		rc = -EBADMSG;
		goto out;
	}
	if (rc) {
		snprintf(err, len, "%s: cannot read the next ids: %s", db_path, strerror(-rc));
		goto out;
	}
	snprintf(idbase, sizeof(idbase), "SCXB_ID_BASE=run:%lld,cmp:%lld,cap:%lld",
		 (long long)next_run, (long long)next_cmp, (long long)next_cap);
	env[nenv++] = idbase;
	/* what the guest's messages call its database: the user's */
	snprintf(dbname, sizeof(dbname), "SCXB_DB_NAME=%s", db_path);
	env[nenv++] = dbname;
	/* the guest's stderr is a file, forwarded to ours: progress lines
	 * are drawn when ours is a terminal */
	if (stderr_is_tty())
		env[nenv++] = "SCXB_STDERR_TTY=1";
	cmd.env = env;
	cmd.nenv = nenv;

	rc = vm__run(&vo, &cmd, guest_db, &info, why, sizeof(why));
	/* Multi-threaded TCG now and then runs stale code after the guest
	 * kernel patches itself (an Oops, no results). Nothing came home
	 * from such a boot, so one retry is safe. */
	if (rc == -EAGAIN && !runner_stop) {
		pr_warn("the guest failed (%s); booting it once more\n", why);
		unlink(guest_db);
		rc = vm__run(&vo, &cmd, guest_db, &info, why, sizeof(why));
	}
	res->stopped = info.stopped;
	res->guest_said = info.said_error;
	if (rc) {
		snprintf(err, len, "%s", why);
		goto out;
	}
	snprintf(res->guest_kernel, sizeof(res->guest_kernel), "%s", info.guest_kernel);
	snprintf(res->accel, sizeof(res->accel), "%s", info.accel);
	if (access(guest_db, R_OK) == 0) {
		int n;

		io.accel = info.accel;
		io.guest_kernel = info.guest_kernel;
		io.host_cpus = host_ncpus();
		if (gethostname(host, sizeof(host)) == 0)
			io.hostname = host;
		fault__at("import");
		n = store__import(st, guest_db, &io, &ir, why, sizeof(why));
		if (n < 0 && store__corrupt(st)) {
			snprintf(err, len, "%s", store__corrupt(st));
			rc = -EBADMSG;
			goto out;
		}
		if (n < 0) {
			snprintf(err, len, "%s", why);
			rc = n;
			goto out;
		}
		res->run_ids = ir.run_ids;
		res->nruns = ir.nruns;
		res->cmp_ids = ir.cmp_ids;
		res->ncmp = ir.ncmp;
		res->cap_ids = ir.cap_ids;
		res->ncap = ir.ncap;
		if (ir.renumbered)
			pr_warn("%s changed during the VM run: the guest's runs got new ids here\n",
				db_path);
		pr_debug("%d run(s) from the guest (%s, %s) stored in %s\n", n, info.guest_kernel,
			 info.accel, db_path);
	} else if (!info.guest_exit && !info.stopped) {
		snprintf(err, len, "the guest produced no database");
		rc = -EIO;
		goto out;
	}
	rc = info.guest_exit;
	if (rc > 128 && !info.stopped) {
		/* not the command's verdict: the guest's scxbench was killed
		 * (OOM, ...); what it had stored was imported */
		snprintf(err, len, "the guest's scxbench was killed by signal %d (%s)%s", rc - 128,
			 strsignal(rc - 128), res->nruns ? ": its runs so far were imported" : "");
		place_result__free(res);
		rc = -ECHILD;
	}
out:
	store__close(st);
	vm__remove_tmp_dir(tmpdir);
	place__free_guest_argv(cmd.argv);
	return rc;
}
