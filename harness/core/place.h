/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a command's runs happen: on this host, or inside a QEMU guest with
 * a sched_ext kernel (harness/vm.h). The run-like commands (run, compare,
 * ci) share these options and this decision:
 *   --host        force this host (and it must have sched_ext for BPF scheds)
 *   --vm          force the VM
 *   --kernel P    guest kernel image (implies --vm)
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
#include <stdint.h>

enum place { PLACE_HOST = 0, PLACE_VM = 1 };

struct place_opts {
	bool force_host, force_vm;
	bool no_wait;         /* fail instead of waiting for the benchmark lock */
	const char *kernel;
	int vm_cpus, vm_mem_mb;
};

/* getopt_long values of the shared options; pass unknown ones here. */
enum {
	OPT_PLACE_HOST = 0x1000,
	OPT_PLACE_VM,
	OPT_PLACE_KERNEL,
	OPT_PLACE_VM_CPUS,
	OPT_PLACE_VM_MEM,
	OPT_PLACE_NO_WAIT,
};
#define PLACE_LONG_OPTIONS                                            \
	{ "host", no_argument, NULL, OPT_PLACE_HOST },                \
	{ "vm", no_argument, NULL, OPT_PLACE_VM },                    \
	{ "kernel", required_argument, NULL, OPT_PLACE_KERNEL },      \
	{ "vm-cpus", required_argument, NULL, OPT_PLACE_VM_CPUS },    \
	{ "vm-mem", required_argument, NULL, OPT_PLACE_VM_MEM },      \
	{ "no-wait", no_argument, NULL, OPT_PLACE_NO_WAIT }

#define PLACE_USAGE                                                                   \
	"  --host              run on this host (its kernel must have sched_ext for\n"   \
	"                      BPF schedulers)\n"                                        \
	"  --vm                run inside a QEMU guest with a sched_ext kernel; default\n" \
	"                      when this kernel lacks sched_ext and a kernel is cached\n" \
	"  --kernel PATH       guest kernel image (bzImage); implies --vm\n"             \
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
/* PLACE_HOST, PLACE_VM, or -errno with a one-line reason. */
int place__decide(const struct place_opts *o, const char *const *scheds, int nscheds,
		  char *err, size_t len);

/* What a VM run brought home: ids in the host database, in time order. */
struct place_result {
	int64_t *run_ids;
	int nruns;
	int64_t *cmp_ids;
	int ncmp;
	bool stopped;       /* our signal stopped the guest's command */
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
