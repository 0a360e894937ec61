/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a command's runs happen: on this host, or inside a QEMU guest with
 * a sched_ext kernel (harness/vm.h). The run-like commands (run, compare,
 * ci) share these options and this decision:
 *   --host        force this host (and it must have sched_ext for BPF scheds)
 *   --vm          force the VM
 *   --kernel K    guest kernel: a cached release or an image path (implies --vm)
 *   --kernels K,K the same command on each kernel, one boot each (compare, ci)
 *   --topology S  the guest's CPU topology (harness/lib/topology.h; implies
 *                 --vm); with --host, a check that this host has it;
 *                 S,S... for compare and ci: one boot per topology
 *   --vm-cpus N, --vm-mem MB
 * Without --host/--vm: eevdf-only commands and hosts with sched_ext run
 * here; otherwise a cached guest kernel is used (said in one line); with
 * none, the error names the command that fetches one.
 */
#ifndef SCXB_PLACE_H
#define SCXB_PLACE_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>

#include "harness/lib/topology.h"

enum place { PLACE_HOST = 0, PLACE_VM = 1 };

struct place_opts {
	bool force_host, force_vm;
	bool no_wait;         /* fail instead of waiting for the benchmark lock */
	const char *kernel;
	int vm_cpus, vm_mem_mb;
	const char *kernels;    /* --kernels as given (or "all"), NULL: none */
	const char *topologies; /* --topology as given: SPEC or SPEC,SPEC... */
	int ntopo;              /* how many it names */
	/* the one topology of this place: a single --topology, or a cell's */
	bool has_topo;
	struct topo_spec topo;
	/* set by commands that run one comparison per (kernel, topology):
	 * without it, lists are refused */
	bool matrix_ok;
};

/* getopt_long values of the shared options; pass unknown ones here. */
enum {
	OPT_PLACE_HOST = 0x1000,
	OPT_PLACE_VM,
	OPT_PLACE_KERNEL,
	OPT_PLACE_VM_CPUS,
	OPT_PLACE_VM_MEM,
	OPT_PLACE_NO_WAIT,
	OPT_PLACE_KERNELS,
	OPT_PLACE_TOPOLOGY,
};
#define PLACE_LONG_OPTIONS                                            \
	{ "host", no_argument, NULL, OPT_PLACE_HOST },                \
	{ "vm", no_argument, NULL, OPT_PLACE_VM },                    \
	{ "kernel", required_argument, NULL, OPT_PLACE_KERNEL },      \
	{ "vm-cpus", required_argument, NULL, OPT_PLACE_VM_CPUS },    \
	{ "vm-mem", required_argument, NULL, OPT_PLACE_VM_MEM },      \
	{ "no-wait", no_argument, NULL, OPT_PLACE_NO_WAIT },          \
	{ "kernels", required_argument, NULL, OPT_PLACE_KERNELS },    \
	{ "topology", required_argument, NULL, OPT_PLACE_TOPOLOGY }

#define PLACE_USAGE                                                                   \
	"  --host              run on this host (its kernel must have sched_ext for\n"   \
	"                      BPF schedulers)\n"                                        \
	"  --vm                run inside a QEMU guest with a sched_ext kernel; default\n" \
	"                      when this kernel lacks sched_ext and a kernel is cached\n" \
	"  --kernel K          guest kernel: a cached release (or its unique prefix,\n" \
	"                      see scxbench vm list) or a bzImage path; implies --vm\n" \
	"  --kernels K,K...    (compare, ci) the same comparison on each kernel, one\n" \
	"                      guest boot each; 'all': every cached kernel\n"           \
	"  --topology SPEC     guest CPU topology [Nn]Ss[Ll]Cc Tt: N NUMA nodes (memory\n" \
	"                      split evenly, distance 20), S sockets, L LLCs per\n"   \
	"                      socket, C cores per LLC, T threads per core; e.g.\n"     \
	"                      2s4c2t, 2n2s2c1t; checked in the guest before any run;\n" \
	"                      implies --vm (with --host: check this host has it);\n"   \
	"                      SPEC,SPEC... (compare, ci): one boot per topology\n"     \
	"  --vm-cpus N         guest CPUs (default: this host's CPUs)\n"                 \
	"  --vm-mem MB         guest memory (default: 2048)\n"                         \
	"  --no-wait           fail at once when another benchmark runs on this\n"     \
	"                      machine (default: wait for it)\n"

/* 1 when opt was one of ours (consumed), 0 when not, -EINVAL bad value. */
int place__parse_opt(struct place_opts *o, int opt, const char *arg, char *err, size_t len);
/*
 * One benchmark per machine (harness/lib/bench_lock.h): wait for the lock
 * or, with --no-wait, fail. 0, or -errno with a one-line reason.
 */
int place__take_bench_lock(const struct place_opts *o, const char *cmdline, char *err,
			   size_t len);
/*
 * PLACE_HOST, PLACE_VM, or -errno with a one-line reason. With --host
 * and --topology, this machine's view is checked against it here
 * (-EMEDIUMTYPE: it has another shape); a VM guest's scxbench gets
 * --host --topology, so this is where a guest that QEMU or its kernel
 * did not build as asked is refused, before any run.
 */
int place__decide(const struct place_opts *o, const char *const *scheds, int nscheds,
		  char *err, size_t len);

/* One guest of a matrix: a kernel and a topology. */
struct place_cell {
	char kernel[PATH_MAX];  /* the image; "" when no kernel was named */
	char kernel_name[128];  /* its release (cache folder) or file name */
	bool has_topo;
	struct topo_spec topo;
	char topo_name[TOPO_SPEC_MAX]; /* canonical, "" without a topology */
};
/*
 * The cells of o (kernels x topologies, kernel-major; one cell when
 * neither list is given), every kernel resolved and every topology
 * checked for a guest, so that a bad name fails before any boot.
 * *cells is malloc'ed. 0 or -errno with err.
 */
int place__cells(const struct place_opts *o, struct place_cell **cells, int *n, char *err,
		 size_t len);
/* o with the cell's kernel and topology, for place__run_in_vm(). */
void place__for_cell(const struct place_opts *o, const struct place_cell *c,
		     struct place_opts *out);

/* What a VM run brought home: ids in the host database, in time order. */
struct place_result {
	int64_t *run_ids;
	int nruns;
	int64_t *cmp_ids;
	int ncmp;
	int64_t *cap_ids;   /* captures (scxbench capture --vm) */
	int ncap;
	bool stopped;       /* our signal stopped the guest's command */
	/* the guest's command said what ended it (a "scxbench: error:" line on
	 * the stderr we forwarded); a stopped one that did not was killed by
	 * the signal before its handlers were in place */
	bool guest_said;
	char guest_kernel[128];
	char accel[8];
};
void place_result__free(struct place_result *r);

/*
 * The guest's argv for scxbench ARGV (argv[0] = subcommand name): our own
 * binary (the guest sees it at the same path), ARGV without the host-only
 * options, and `--host --db VM_GUEST_DB` before a "--" (what follows it
 * belongs to an exec: scheduler). NULL on ENOMEM.
 */
char **place__guest_argv(int argc, char **argv, int *gargc);
void place__free_guest_argv(char **g);

/*
 * Re-run this command (argv[0] = subcommand name, argv as the user typed
 * it) in the guest and import its database into db_path. The guest's
 * scxbench gets `--host --db <guest db>` and numbers its runs and
 * comparisons from where db_path's end, so that the ids it prints are the
 * ones stored here (the import keeps them when nothing took them
 * meanwhile). cmdline is stored as the runs' command. Returns the guest
 * command's exit code, or -errno with err; -EBADMSG: db_path is corrupt
 * (err holds store__corrupt()'s reason), found before the boot or at the
 * import, and nothing was stored in it. expected_s sizes the hard
 * timeout. The guest's stdout is dropped: the caller prints its results
 * from db_path, with the host's ids and place (its stderr comes through).
 */
int place__run_in_vm(const struct place_opts *o, int argc, char **argv, const char *db_path,
		     double expected_s, const char *cmdline, struct place_result *res,
		     char *err, size_t len);

#endif
