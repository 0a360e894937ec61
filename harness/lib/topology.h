/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU topologies: the shape a user asks for (--topology SPEC, a ci
 * config's topologies =) and the shape a machine really has, as its
 * kernel shows it in sysfs.
 *
 * SPEC grammar (lower-case letters, decimal counts >= 1):
 *
 *   [N n] S s [L l] C c T t
 *
 *   N  NUMA nodes (default 1); memory is split evenly between them, the
 *      distance is 10 to itself and 20 to every other node
 *   S  sockets (packages)
 *   L  last-level caches per socket (default 1; QEMU "dies")
 *   C  cores per last-level cache
 *   T  hardware threads per core (2: SMT pairs)
 *
 *   2s4c2t     2 sockets x 4 cores x 2 threads = 16 CPUs: one LLC per
 *              socket, one node for the whole machine
 *   2n2s2c1t   2 nodes, each holding one socket of 2 cores
 *   1s2l2c2t   one socket with two LLCs of 2 SMT cores each
 *
 * At most TOPO_MAX_CPUS CPUs and TOPO_MAX_NODES nodes. Nodes own whole
 * sockets (N divides S) or split sockets evenly (S divides N and N/S
 * divides the cores of a socket, L*C). The canonical form leaves out 1n
 * and 1l: "1n2s1l2c2t" is written "2s2c2t".
 *
 * A machine's view (topo_view__read) comes from
 * SYSFS/devices/system/cpu/cpuN/{topology,cache/index*}/ and
 * SYSFS/devices/system/node/: packages, cores, SMT siblings, LLC groups
 * (the CPUs sharing the highest data/unified cache), nodes, their memory
 * and distances. When it is regular (every package alike, and so on) it
 * has a spec of its own, which is what runs are stored and kept apart by.
 */
#ifndef SCXB_TOPOLOGY_H
#define SCXB_TOPOLOGY_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TOPO_MAX_CPUS 64
#define TOPO_MAX_NODES 8
#define TOPO_SPEC_MAX 48

struct topo_spec {
	int nodes, sockets, llcs, cores, threads; /* llcs per socket, cores per LLC */
};

/* 0, or -EINVAL with a one-line reason in err (naming the grammar). */
int topo_spec__parse(const char *s, struct topo_spec *t, char *err, size_t len);
/* The canonical form into buf (TOPO_SPEC_MAX is enough). */
void topo_spec__format(const struct topo_spec *t, char *buf, size_t len);
int topo_spec__cpus(const struct topo_spec *t);
/* "2 sockets x 2 cores x 2 threads, 1 LLC per socket, 1 node" */
void topo_spec__describe(const struct topo_spec *t, char *buf, size_t len);
/*
 * Where CPU i of a machine built from t sits, in QEMU's order (threads
 * of a core, then cores of an LLC, LLCs of a socket, sockets): its
 * socket, LLC (die) within the socket, core within the LLC and node.
 */
void topo_spec__place(const struct topo_spec *t, int cpu, int *socket, int *llc, int *core,
		      int *node);

/* One online CPU as its kernel shows it. */
struct topo_cpu {
	int cpu, package, die, core_id;
	int core;   /* index of its core (package, die, core_id) in the view */
	int llc;    /* index of its LLC group, -1 when no cache is shown */
	int node;   /* its NUMA node, 0 without NUMA */
};

struct topo_view {
	int ncpus;
	struct topo_cpu *cpu;     /* ncpus entries, in CPU number order */
	int npackages, ncores, nllcs, nnodes;
	int threads_min, threads_max; /* CPUs per core */
	int node_id[TOPO_MAX_NODES];  /* node numbers, in order */
	long node_mem_mb[TOPO_MAX_NODES];
	int distance[TOPO_MAX_NODES][TOPO_MAX_NODES]; /* 0: not shown */
	bool regular;
	struct topo_spec spec;    /* valid when regular */
	char spec_str[TOPO_SPEC_MAX]; /* spec, or "irregular" */
};

/*
 * Read the view of sysfs (NULL: "/sys"; $SCXB_TOPO_SYSFS when set, for
 * tests). 0, or -errno when not even the CPU list can be read.
 * topo_view__free() afterwards, also on error.
 */
int topo_view__read(const char *sysfs, struct topo_view *v);
void topo_view__free(struct topo_view *v);
/* The view of this machine, read once per process; NULL when unreadable. */
const struct topo_view *topo_view__current(void);

/*
 * Is this the machine asked for? 0, or -EMEDIUMTYPE with one line in err
 * saying what it has instead.
 */
int topo_view__check(const struct topo_view *v, const struct topo_spec *want, char *err,
		     size_t len);
/* "8 CPUs: 2 packages, 4 cores, 2 threads per core, 2 LLCs, 1 node" */
void topo_view__describe(const struct topo_view *v, char *buf, size_t len);
/* The whole view as one JSON object (what runs store). */
void topo_view__json(const struct topo_view *v, FILE *f);
/* The same into a malloc'ed string (NULL on ENOMEM). */
char *topo_view__json_str(const struct topo_view *v);

/* How far apart two CPUs are (for migrations): the closest level they share. */
enum topo_rel {
	TOPO_SAME_CPU = 0,
	TOPO_SAME_CORE,  /* SMT siblings */
	TOPO_SAME_LLC,   /* other core, same last-level cache */
	TOPO_SAME_NODE,  /* other LLC, same NUMA node */
	TOPO_CROSS_NODE,
	TOPO_NR_REL,
};
/* -1 when a CPU is not in the view */
int topo_view__relation(const struct topo_view *v, int a, int b);

#endif
