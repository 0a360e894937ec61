// SPDX-License-Identifier: GPL-2.0
/*
 * Several guests for one command (vm_matrix.h). The cells run one after
 * the other, each a whole guest boot: a cell whose guest failed is named
 * and the next one still runs; what every cell stored stays stored.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/cli/commands.h"
#include "harness/cli/vm_matrix.h"
#include "harness/core/compare.h"
#include "harness/core/runner.h"
#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/store/query.h"
#include "reports/report.h"

/* measured here (TCG, 2 host CPUs): a boot to the guest's command ~8 s,
 * a short run's set-up, scheduler load and trace parsing ~3 s */
#define BOOT_S 10.0
#define RUN_OVERHEAD_S 3.0

void vm_matrix__fmt_duration(char *buf, size_t len, double s)
{
	if (isnan(s) || s < 0)
		snprintf(buf, len, "?");
	else if (s >= 3600)
		snprintf(buf, len, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
	else if (s >= 60)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else
		snprintf(buf, len, "%ds", (int)s);
}

double vm_matrix__cell_s(const struct place_cell *c, int vm_cpus, int runs, double run_s)
{
	int cpus = c->has_topo ? topo_spec__cpus(&c->topo) : vm_cpus > 0 ? vm_cpus : host_ncpus();
	/* vCPUs beyond the host's take turns: the set-up (not the run's
	 * bounded duration) stretches with them */
	double stretch = cpus > host_ncpus() ? (double)cpus / host_ncpus() : 1;

	return BOOT_S * stretch + runs * (run_s + RUN_OVERHEAD_S * stretch);
}

void vm_matrix__cell_name(const struct place_cell *c, char *buf, size_t len)
{
	snprintf(buf, len, "kernel %s, topology %s", c->kernel_name[0] ? c->kernel_name : "(default)",
		 c->has_topo ? c->topo_name : "(flat)");
}

/* distinct values of a column of cells, for "2 kernels x 2 topologies" */
static int distinct(const struct place_cell *cells, int n, bool kernel)
{
	int k = 0;

	for (int i = 0; i < n; i++) {
		bool seen = false;

		for (int j = 0; j < i && !seen; j++)
			seen = kernel ? !strcmp(cells[i].kernel, cells[j].kernel) :
					!strcmp(cells[i].topo_name, cells[j].topo_name);
		k += !seen;
	}
	return k;
}

void vm_matrix__announce(const char *cmd, const struct place_cell *cells, int n, int vm_cpus,
			 int runs, double run_s)
{
	double total = 0;
	char eta[32];
	int nk = distinct(cells, n, true), nt = distinct(cells, n, false);

	for (int i = 0; i < n; i++)
		total += vm_matrix__cell_s(&cells[i], vm_cpus, runs, run_s);
	vm_matrix__fmt_duration(eta, sizeof(eta), total);
	pr_info("%s: %d kernel%s x %d topolog%s = %d cell%s (%d guest boot%s), %d run%s each, %d in"
		" all, expected about %s\n", cmd, nk, nk == 1 ? "" : "s", nt, nt == 1 ? "y" : "ies", n,
		n == 1 ? "" : "s", n, n == 1 ? "" : "s", runs, runs == 1 ? "" : "s", runs * n, eta);
}

void vm_matrix__progress(const char *cmd, const struct place_cell *cells, int i, int n,
			 int vm_cpus, int runs, double run_s)
{
	char name[300], eta[32];
	double left = 0;

	for (int k = i; k < n; k++)
		left += vm_matrix__cell_s(&cells[k], vm_cpus, runs, run_s);
	vm_matrix__cell_name(&cells[i], name, sizeof(name));
	vm_matrix__fmt_duration(eta, sizeof(eta), left);
	pr_info("%s: [cell %d/%d] %s: booting the guest (%d runs; ETA %s)\n", cmd, i + 1, n, name,
		runs, eta);
}

/* The table (and report) of one imported comparison; 1 partial, <0 failed. */
static int show_cell(struct store *st, int64_t cid, const struct place_cell *c, bool several,
		     bool first, const struct vm_matrix_report *rep, const char *db_path)
{
	char err[600], dir[4200], stem[300], name[300];
	int rc;

	if (several) {
		vm_matrix__cell_name(c, name, sizeof(name));
		printf("%s== comparison %lld: %s ==\n", first ? "" : "\n", (long long)cid, name);
	}
	if (!rep->do_report) {
		rc = command__print_table(st, cid, NULL, 0, rep->print_flags, stdout, err, sizeof(err));
		if (rc < 0 && store__corrupt(st))
			return command__store_corrupt("compare", st, "no table was printed") ? -EBADMSG : 0;
		if (rc < 0)
			pr_err("compare: %s\n", err);
		return rc;
	}
	if (rep->out_dir && several) {
		/* OUT/<kernel>_<topology>/: one folder per comparison */
		snprintf(name, sizeof(name), "%s_%s", c->kernel_name[0] ? c->kernel_name : "default",
			 c->has_topo ? c->topo_name : "flat");
		report__stem(stem, sizeof(stem), "", name);
		if (mkdir(rep->out_dir, 0755) && errno != EEXIST) {
			pr_err("compare: report: cannot create %s: %s\n", rep->out_dir, strerror(errno));
			return -errno;
		}
		snprintf(dir, sizeof(dir), "%s/%s", rep->out_dir, stem);
	} else if (rep->out_dir) {
		snprintf(dir, sizeof(dir), "%s", rep->out_dir);
	} else {
		snprintf(dir, sizeof(dir), "scxbench-report-%lld", (long long)cid);
	}
	/* report__run prints the default table; --all prints its own */
	rc = report__run(st, cid, NULL, 0, dir, rep->formats, rep->nformats,
			 rep->print_flags ? NULL : stdout, err, sizeof(err));
	if (rc >= 0 && rep->print_flags &&
	    command__print_table(st, cid, NULL, 0, rep->print_flags, stdout, err, sizeof(err)) < 0)
		pr_err("compare: %s\n", err);
	fflush(stdout);
	if (rc < 0 && store__corrupt(st))
		return command__store_corrupt("compare", st, "no report was written") ? -EBADMSG : 0;
	if (rc < 0) {
		pr_err("compare: report: %s\n", err);
		return rc;
	}
	printf("comparison %lld stored in %s; report: %s/report.html%s\n", (long long)cid, db_path,
	       dir, rc ? " (partial)" : "");
	return rc;
}

int vm_matrix__compare(const struct place_opts *po, int vargc, char **vargv,
		       const char *db_path, int runs, double run_s, const char *cmdline,
		       const struct vm_matrix_report *rep, bool quiet)
{
	struct place_cell *cells = NULL;
	struct store *st = NULL;
	int64_t *cids = NULL;
	char err[600];
	int n = 0, rc = 0, worst = 0, nstored = 0;
	bool harness = false, stopped = false, corrupt = false;

	if (place__cells(po, &cells, &n, err, sizeof(err))) {
		pr_err("compare: %s\n", err);
		return EXIT_USAGE;
	}
	cids = calloc(n, sizeof(*cids));
	if (!cids) {
		free(cells);
		return EXIT_USAGE;
	}
	if (n > 1 && !quiet)
		vm_matrix__announce("compare", cells, n, po->vm_cpus, runs, run_s);
	for (int i = 0; i < n && !runner_stop; i++) {
		struct place_result pr;
		struct place_opts cpo;
		char name[300];
		int grc;

		if (n > 1 && !quiet)
			vm_matrix__progress("compare", cells, i, n, po->vm_cpus, runs, run_s);
		vm_matrix__cell_name(&cells[i], name, sizeof(name));
		place__for_cell(po, &cells[i], &cpo);
		grc = place__run_in_vm(&cpo, vargc, vargv, db_path, runs * (run_s + 15), cmdline, &pr,
				       err, sizeof(err));
		if (grc == -EBADMSG) {
			/* the host's database (before the boot, or at the import):
			 * no later cell can store into it either */
			command__corrupt("compare", db_path, err, "nothing was stored in it");
			corrupt = true;
			break;
		}
		if (grc < 0) {
			pr_err("compare: %s%s%s\n", n > 1 ? name : "", n > 1 ? ": " : "", err);
			/* (interrupted: that line said so) */
			stopped |= runner_stop != 0;
			harness = true;
			continue;
		}
		stopped |= pr.stopped;
		if (pr.stopped && !pr.guest_said)
			pr_err("compare: %s%sinterrupted by %s as the guest's scxbench started\n",
			       n > 1 ? name : "", n > 1 ? ": " : "", strsignal(runner_stop_signal));
		if (!pr.ncmp) {
			/* exit 2: the guest said why (bad usage, a topology it
			 * does not have) on the stderr we forwarded */
			if (grc != EXIT_USAGE)
				pr_err("compare: %s%sthe guest stored no comparison\n", n > 1 ? name : "",
				       n > 1 ? ": " : "");
			harness = true;
		} else {
			cids[i] = pr.cmp_ids[pr.ncmp - 1];
			nstored++;
			if (grc == EXIT_USAGE)
				harness = true;
			else if (grc && grc < 128 && grc > worst)
				worst = grc;
		}
		place_result__free(&pr);
	}
	/* a signal the guest's command got says so itself (its stderr is
	 * ours); one that came after it, here, is said here */
	if (runner_stop && !stopped)
		pr_err("compare: interrupted by %s once the guest was done: %d comparison(s)"
		       " stored\n", strsignal(runner_stop_signal), nstored);
	stopped |= runner_stop != 0;
	if (nstored) {
		st = store__open(db_path, STORE_READONLY, err, sizeof(err));
		if (!st) {
			pr_err("compare: %s\n", err);
			harness = true;
		}
	}
	for (int i = 0, shown = 0; st && !corrupt && i < n; i++) {
		if (!cids[i])
			continue;
		rc = show_cell(st, cids[i], &cells[i], n > 1, !shown++, rep, db_path);
		if (rc == -EBADMSG)
			corrupt = true;
		else if (rc && worst < 1)
			worst = 1;
	}
	store__close(st);
	free(cids);
	free(cells);
	if (corrupt)
		return EXIT_USAGE;
	if (stopped)
		return runner__signal_exit_code();
	return harness ? EXIT_USAGE : worst;
}
