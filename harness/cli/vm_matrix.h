/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One command, several guests: compare and ci with --kernels and
 * --topology lists (a ci config's kernels = and topologies =) run the
 * same comparison once per cell (kernel x topology), one guest boot per
 * cell, the rounds interleaved inside each guest as usual. Every cell is
 * its own comparison in the store (and its own CI cell): results of two
 * kernels or two topologies are never pooled.
 *
 * What it will cost is said before it starts (cells, boots, runs, an
 * expected duration); each cell's start says which one it is.
 */
#ifndef SCXB_VM_MATRIX_H
#define SCXB_VM_MATRIX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "harness/core/place.h"

/* Expected wall time of one cell: a boot plus runs runs of run_s each,
 * stretched when its vCPUs outnumber the host's CPUs (TCG). */
double vm_matrix__cell_s(const struct place_cell *c, int vm_cpus, int runs, double run_s);
/* The line before a matrix: "compare: 2 kernels x 2 topologies = 4 cells
 * (4 guest boots), 10 runs each, 40 in all, expected about 9m" */
void vm_matrix__announce(const char *cmd, const struct place_cell *cells, int n, int vm_cpus,
			 int runs, double run_s);
/* "[cell 2/4] kernel K, topology T: booting (ETA 3m10s)" */
void vm_matrix__progress(const char *cmd, const struct place_cell *cells, int i, int n,
			 int vm_cpus, int runs, double run_s);
/* "kernel K, topology T" (or "the default kernel", "flat CPUs") */
void vm_matrix__cell_name(const struct place_cell *c, char *buf, size_t len);
void vm_matrix__fmt_duration(char *buf, size_t len, double s);

/* How compare writes its tables and reports on the host. */
struct vm_matrix_report {
	bool do_report;
	const char *out_dir;         /* NULL: scxbench-report-<ID> */
	const char *const *formats;
	int nformats;
	unsigned print_flags;        /* compare__print_opts flags (--all) */
};

/*
 * compare in the guest(s): vargv (argv as typed plus --no-report) runs
 * once per cell of po; each cell's comparison is imported into db_path,
 * its table printed and its report written here. runs is the number of
 * runs per cell (rounds x schedulers), run_s an upper bound per run.
 * Returns the command's exit code (0, 1 some run or report not ok, 2 a
 * harness failure in any cell, 128+N interrupted).
 */
int vm_matrix__compare(const struct place_opts *po, int vargc, char **vargv,
		       const char *db_path, int runs, double run_s, const char *cmdline,
		       const struct vm_matrix_report *rep, bool quiet);

#endif
