// SPDX-License-Identifier: GPL-2.0
/*
 * extfifo: userspace loader for the extfifo / extkconfig test schedulers
 * (extfifo.bpf.c, extkconfig.bpf.c). A stand-in for an external sched_ext
 * scheduler binary, written the way the kernel's C example loaders behave:
 * getopt options, usage on stderr and exit 2 for an unknown flag, stays
 * attached until SIGINT/SIGTERM or until the kernel ejects the scheduler,
 * then prints the exit info as "EXIT: <reason> (<msg>)" on stderr
 * (the format of the kernel tools' UEI_REPORT).
 *
 * Builds against libbpf 1.1 (Debian 12's shared library) and newer: no
 * skeleton, the object is opened with bpf_object__open_file() and globals
 * are located by name through the object's BTF (DATASEC offsets), read
 * back with map lookups. Attach: SEC(".struct_ops") map +
 * bpf_map__attach_struct_ops(); the scheduler is unregistered by destroying
 * that link. A SIGKILLed loader therefore leaves the scheduler attached
 * (no struct_ops link with libbpf 1.1).
 *
 * Output (stdout, line buffered) -- prefix is the object's basename without
 * ".bpf.o", e.g. "extfifo" or "extkconfig":
 *   <name>: slice_us=N                      before loading
 *   <name>: attached                        the scheduler is registered
 *   <name>: CONFIG_HZ=N CONFIG_SCHED_CLASS_EXT=N   (extkconfig only)
 *   <name>: enqueues=N dispatches=N         at exit
 *   <name>: exit_kind=N exit_code=N         at exit
 * and on stderr: libbpf warnings (all libbpf output with -v), errors, and
 *   EXIT: <reason>[ (<msg>)]
 *
 * Exit status: 0 after a stop request (SIGINT/SIGTERM), 1 if the kernel
 * ejected the scheduler or loading/attaching failed, 2 for bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* Must match struct ext_exit_info in extfifo.bpf.c. */
struct ext_exit_info {
	int kind;
	int64_t exit_code;
	char reason[128];
	char msg[1024];
};

static volatile sig_atomic_t stop_req;
static bool verbose;
static const char *prog_name = "extfifo";

static void on_signal(int sig)
{
	(void)sig;
	stop_req = 1;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-s SLICE_US] [-o BPF_OBJECT] [-K] [-p] [-v] [-h]\n"
		"\n"
		"A global-FIFO sched_ext scheduler (test fixture). Stays attached until\n"
		"SIGINT/SIGTERM or until the kernel ejects it.\n"
		"\n"
		"  -s SLICE_US   time slice in microseconds (default 20000)\n"
		"  -o PATH       BPF object to load (default: extfifo.bpf.o next to\n"
		"                this binary)\n"
		"  -K            load extkconfig.bpf.o (uses __kconfig externs) instead\n"
		"  -p            partial mode: load extpartial.bpf.o (SCX_OPS_SWITCH_PARTIAL:\n"
		"                only SCHED_EXT tasks) instead\n"
		"  -v            print libbpf debug output\n"
		"  -h            this help\n",
		prog_name);
}

/* Offset and size of global variable VAR in data section SEC (".bss", ...). */
static int find_var(struct bpf_object *obj, const char *sec, const char *var,
		    size_t *off, size_t *sz)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *t;
	int id, i;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, sec, BTF_KIND_DATASEC);
	if (id < 0)
		return -ENOENT;
	t = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(t);
	for (i = 0; i < btf_vlen(t); i++, vs++) {
		const struct btf_type *vt = btf__type_by_id(btf, vs->type);

		if (!strcmp(btf__name_by_offset(btf, vt->name_off), var)) {
			*off = vs->offset;
			*sz = vs->size;
			return 0;
		}
	}
	return -ENOENT;
}

/* Current value of a loaded global data map (".data", ".bss") into BUF. */
static int read_map(struct bpf_object *obj, const char *sec, void **buf)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, sec);
	size_t vsz;
	int zero = 0;

	if (!map)
		return -ENOENT;
	vsz = bpf_map__value_size(map);
	if (!*buf)
		*buf = calloc(1, vsz);
	if (!*buf)
		return -ENOMEM;
	if (bpf_map__lookup_elem(map, &zero, sizeof(zero), *buf, vsz, 0))
		return -errno;
	return 0;
}

static int read_u64(struct bpf_object *obj, const char *sec, const char *var, uint64_t *val)
{
	void *buf = NULL;
	size_t off, sz;
	int err;

	err = find_var(obj, sec, var, &off, &sz);
	if (!err && sz != sizeof(*val))
		err = -EINVAL;
	if (!err)
		err = read_map(obj, sec, &buf);
	if (!err)
		memcpy(val, (char *)buf + off, sizeof(*val));
	free(buf);
	return err;
}

static int read_exit_info(struct bpf_object *obj, struct ext_exit_info *ei)
{
	void *buf = NULL;
	size_t off, sz;
	int err;

	memset(ei, 0, sizeof(*ei));
	err = find_var(obj, ".data", "uei", &off, &sz);
	if (!err && sz != sizeof(*ei))
		err = -EINVAL;
	if (!err)
		err = read_map(obj, ".data", &buf);
	if (!err) {
		memcpy(ei, (char *)buf + off, sizeof(*ei));
		__sync_synchronize();
		ei->reason[sizeof(ei->reason) - 1] = '\0';
		ei->msg[sizeof(ei->msg) - 1] = '\0';
	}
	free(buf);
	return err;
}

/* DIR/NAME where DIR is the directory of /proc/self/exe */
static char *path_next_to_exe(const char *name)
{
	char exe[PATH_MAX], *slash, *out;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (asprintf(&out, "%s/%s", exe, name) < 0)
		return NULL;
	return out;
}

/* "dir/extkconfig.bpf.o" -> "extkconfig" */
static char *object_label(const char *path)
{
	const char *base = strrchr(path, '/');
	char *label, *dot;

	label = strdup(base ? base + 1 : path);
	if (!label)
		return NULL;
	dot = strstr(label, ".bpf.o");
	if (!dot)
		dot = strrchr(label, '.');
	if (dot && dot != label)
		*dot = '\0';
	return label;
}

int main(int argc, char **argv)
{
	const char *obj_arg = NULL;
	char *obj_path = NULL, *label = NULL;
	unsigned long long slice_us = 20000;
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	struct bpf_map *ops_map = NULL, *map, *rodata;
	struct bpf_link *link = NULL;
	struct ext_exit_info ei;
	struct sigaction sa;
	uint64_t enq = 0, disp = 0, hz, ext;
	bool kconfig = false, partial = false, ejected, lost = false;
	size_t off, sz, rosz;
	char *end;
	void *ro;
	int opt, err, ret = 1;

	if (argv[0] && argv[0][0]) {
		const char *b = strrchr(argv[0], '/');

		prog_name = b ? b + 1 : argv[0];
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	while ((opt = getopt(argc, argv, "s:o:Kpvh")) != -1) {
		switch (opt) {
		case 's':
			errno = 0;
			slice_us = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || optarg[0] == '-') {
				fprintf(stderr, "%s: invalid slice '%s'\n", prog_name, optarg);
				usage(stderr);
				return 2;
			}
			break;
		case 'o':
			obj_arg = optarg;
			break;
		case 'K':
			kconfig = true;
			break;
		case 'p':
			partial = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':	/* like the kernel's C loaders: usage on stderr */
			usage(stderr);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", prog_name, argv[optind]);
		usage(stderr);
		return 2;
	}

	libbpf_set_print(print_libbpf);

	obj_path = obj_arg ? strdup(obj_arg)
			   : path_next_to_exe(kconfig ? "extkconfig.bpf.o" :
					      partial ? "extpartial.bpf.o" : "extfifo.bpf.o");
	label = obj_path ? object_label(obj_path) : NULL;
	if (!obj_path || !label) {
		fprintf(stderr, "%s: cannot locate the BPF object (use -o PATH)\n", prog_name);
		goto out;
	}

	obj = bpf_object__open_file(obj_path, NULL);
	if (!obj) {
		fprintf(stderr, "%s: failed to open %s: %s\n", label, obj_path, strerror(errno));
		goto out;
	}

	/* rodata knob */
	rodata = bpf_object__find_map_by_name(obj, ".rodata");
	ro = rodata ? (void *)bpf_map__initial_value(rodata, &rosz) : NULL;
	if (!ro || find_var(obj, ".rodata", "slice_us", &off, &sz) ||
	    sz != sizeof(uint64_t) || off + sz > rosz) {
		fprintf(stderr, "%s: %s has no 'slice_us' in .rodata\n", label, obj_path);
		goto out;
	}
	memcpy((char *)ro + off, &(uint64_t){ slice_us }, sizeof(uint64_t));
	printf("%s: slice_us=%llu\n", label, slice_us);

	/* libbpf 1.1 knows no "struct_ops.s/": ops.init calls a sleepable kfunc */
	bpf_object__for_each_program(prog, obj) {
		const char *n = bpf_program__name(prog);
		size_t len = strlen(n);

		if (bpf_program__type(prog) == BPF_PROG_TYPE_STRUCT_OPS &&
		    len >= 5 && !strcmp(n + len - 5, "_init")) {
			err = bpf_program__set_flags(prog, bpf_program__flags(prog) |
							   BPF_F_SLEEPABLE);
			if (err) {
				fprintf(stderr, "%s: cannot make %s sleepable: %s\n",
					label, n, strerror(-err));
				goto out;
			}
		}
	}

	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) == BPF_MAP_TYPE_STRUCT_OPS) {
			ops_map = map;
			break;
		}
	}
	if (!ops_map) {
		fprintf(stderr, "%s: %s has no struct_ops map\n", label, obj_path);
		goto out;
	}

	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "%s: failed to load %s: %s\n", label, obj_path, strerror(-err));
		goto out;
	}

	sa = (struct sigaction){ .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	link = bpf_map__attach_struct_ops(ops_map);
	if (!link) {
		err = -errno;
		fprintf(stderr, "%s: failed to attach struct_ops %s: %s\n", label,
			bpf_map__name(ops_map), strerror(-err));
		goto out;
	}
	printf("%s: attached\n", label);

	if (!find_var(obj, ".bss", "kconfig_hz", &off, &sz)) {
		if (read_u64(obj, ".bss", "kconfig_hz", &hz) ||
		    read_u64(obj, ".bss", "kconfig_sched_class_ext", &ext))
			fprintf(stderr, "%s: cannot read the kconfig values\n", label);
		else
			printf("%s: CONFIG_HZ=%llu CONFIG_SCHED_CLASS_EXT=%llu\n", label,
			       (unsigned long long)hz, (unsigned long long)ext);
	}

	/* wait for a stop request or for the kernel to eject the scheduler */
	for (;;) {
		struct timespec ts = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };

		if (stop_req)
			break;
		if (read_exit_info(obj, &ei)) {
			fprintf(stderr, "%s: cannot read the exit info\n", label);
			lost = true;
			break;
		}
		if (ei.kind)
			break;
		nanosleep(&ts, NULL);
	}
	/* exit info recorded before we unregister: the kernel ejected it */
	ejected = !read_exit_info(obj, &ei) && ei.kind;

	/* unregister (waits for the kernel to finish disabling: ops.exit has run) */
	bpf_link__destroy(link);
	link = NULL;

	if (read_u64(obj, ".bss", "enqueues", &enq) ||
	    read_u64(obj, ".bss", "dispatches", &disp))
		fprintf(stderr, "%s: cannot read the counters\n", label);
	read_exit_info(obj, &ei);
	printf("%s: enqueues=%llu dispatches=%llu\n", label, (unsigned long long)enq,
	       (unsigned long long)disp);
	printf("%s: exit_kind=%d exit_code=%lld\n", label, ei.kind, (long long)ei.exit_code);
	fflush(stdout);

	fprintf(stderr, "EXIT: %s", ei.kind ? ei.reason : "(no exit info recorded)");
	if (ei.msg[0])
		fprintf(stderr, " (%s)", ei.msg);
	fputc('\n', stderr);

	ret = ejected || lost ? 1 : 0;
out:
	bpf_link__destroy(link);
	bpf_object__close(obj);
	free(label);
	free(obj_path);
	return ret;
}
