// SPDX-License-Identifier: GPL-2.0
/*
 * CPU topologies (topology.h): the spec grammar, and a machine's view as
 * its kernel shows it in sysfs. Reading the view never fails on a missing
 * detail (no cache directories, no node directory, no die_id on older
 * kernels): what is absent is taken as one of it, and the view says
 * whether it is regular enough to have a spec.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/json.h"
#include "harness/lib/topology.h"
#include "harness/lib/util.h"

#define TOPO_GRAMMAR "[Nn]Ss[Ll]Cc Tt, e.g. 2s4c2t or 2n2s2c1t (scxbench help run)"
#define MAX_VIEW_CPUS 1024

int topo_spec__cpus(const struct topo_spec *t)
{
	return t->sockets * t->llcs * t->cores * t->threads;
}

int topo_spec__parse(const char *s, struct topo_spec *t, char *err, size_t len)
{
	/* the letters in their order; nodes and LLCs may be left out */
	static const char order[] = "nslct";
	int val[5] = { 1, 0, 1, 0, 0 }, at = 0;
	const char *p = s;

	if (!s || !*s) {
		snprintf(err, len, "empty topology: expected " TOPO_GRAMMAR);
		return -EINVAL;
	}
	while (*p) {
		const char *k;
		long v = 0;
		int nd = 0;

		while (isdigit((unsigned char)*p)) {
			if (++nd > 3) {
				snprintf(err, len, "topology '%s': a count above 999", s);
				return -EINVAL;
			}
			v = v * 10 + (*p++ - '0');
		}
		k = *p ? strchr(order, *p) : NULL;
		if (!nd || !k || k - order < at || v < 1) {
			snprintf(err, len, "topology '%s': expected " TOPO_GRAMMAR, s);
			return -EINVAL;
		}
		at = (int)(k - order);
		val[at++] = (int)v;
		p++;
	}
	if (!val[1] || !val[3] || !val[4]) {
		snprintf(err, len, "topology '%s': sockets (s), cores (c) and threads (t) are"
			 " needed: " TOPO_GRAMMAR, s);
		return -EINVAL;
	}
	*t = (struct topo_spec){ val[0], val[1], val[2], val[3], val[4] };
	if (topo_spec__cpus(t) > TOPO_MAX_CPUS) {
		snprintf(err, len, "topology '%s': %d CPUs, at most %d", s, topo_spec__cpus(t),
			 TOPO_MAX_CPUS);
		return -EINVAL;
	}
	if (t->nodes > TOPO_MAX_NODES) {
		snprintf(err, len, "topology '%s': %d nodes, at most %d", s, t->nodes, TOPO_MAX_NODES);
		return -EINVAL;
	}
	if (t->sockets % t->nodes &&
	    (t->nodes % t->sockets || (t->llcs * t->cores) % (t->nodes / t->sockets))) {
		snprintf(err, len, "topology '%s': %d nodes cannot split %d socket(s) of %d core(s)"
			 " evenly (nodes hold whole sockets, or each socket's cores split evenly)",
			 s, t->nodes, t->sockets, t->llcs * t->cores);
		return -EINVAL;
	}
	return 0;
}

void topo_spec__format(const struct topo_spec *t, char *buf, size_t len)
{
	char n[16] = "", l[16] = "";

	if (t->nodes != 1)
		snprintf(n, sizeof(n), "%dn", t->nodes);
	if (t->llcs != 1)
		snprintf(l, sizeof(l), "%dl", t->llcs);
	snprintf(buf, len, "%s%ds%s%dc%dt", n, t->sockets, l, t->cores, t->threads);
}

#define PLURAL(n) ((n) == 1 ? "" : "s")

void topo_spec__describe(const struct topo_spec *t, char *buf, size_t len)
{
	snprintf(buf, len, "%d socket%s x %d core%s x %d thread%s, %d LLC%s per socket, %d node%s",
		 t->sockets, PLURAL(t->sockets), t->llcs * t->cores, PLURAL(t->llcs * t->cores),
		 t->threads, PLURAL(t->threads), t->llcs, PLURAL(t->llcs), t->nodes,
		 PLURAL(t->nodes));
}

void topo_spec__place(const struct topo_spec *t, int cpu, int *socket, int *llc, int *core,
		      int *node)
{
	int g = cpu / t->threads; /* global core index */
	int per_node = t->sockets * t->llcs * t->cores / t->nodes;

	*core = g % t->cores;
	*llc = g / t->cores % t->llcs;
	*socket = g / (t->cores * t->llcs);
	*node = g / per_node;
}

/* ---- the view ---- */

/* "0-3,8,10-11" -> set bits; -EINVAL on anything else */
static int parse_cpulist(const char *s, bool *set, int max)
{
	while (*s && *s != '\n') {
		char *end;
		long a = strtol(s, &end, 10), b;

		if (end == s || a < 0 || a >= max)
			return -EINVAL;
		b = a;
		if (*end == '-') {
			s = end + 1;
			b = strtol(s, &end, 10);
			if (end == s || b < a || b >= max)
				return -EINVAL;
		}
		for (long i = a; i <= b; i++)
			set[i] = true;
		s = end;
		if (*s == ',')
			s++;
		else if (*s && *s != '\n')
			return -EINVAL;
	}
	return 0;
}

/* bits -> "0-3,8" */
static void format_cpulist(const bool *set, int max, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < max && off < len; i++) {
		int j = i;

		if (!set[i])
			continue;
		while (j + 1 < max && set[j + 1])
			j++;
		off += (size_t)snprintf(buf + off, len - off, "%s%d", off ? "," : "", i);
		if (j > i && off < len)
			off += (size_t)snprintf(buf + off, len - off, "-%d", j);
		i = j;
	}
}

static int read_int(const char *path, int *out)
{
	char buf[64];
	int64_t v;

	if (read_text_file(path, buf, sizeof(buf)) || parse_i64(buf, -1, 1 << 30, &v))
		return -EINVAL;
	*out = (int)v;
	return 0;
}

static const char *sysfs_root(const char *sysfs)
{
	const char *e = getenv("SCXB_TOPO_SYSFS");

	if (sysfs)
		return sysfs;
	return e && *e ? e : "/sys";
}

/* the CPUs sharing cpu's highest data or unified cache, canonical; "" when none */
static void llc_of(const char *root, int cpu, char *buf, size_t len)
{
	int best = -1;

	buf[0] = 0;
	for (int i = 0; i < 16; i++) {
		char path[512], type[32], list[1024];
		int level;

		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cache/index%d/level", root,
			 cpu, i);
		if (read_int(path, &level))
			continue;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cache/index%d/type", root,
			 cpu, i);
		if (read_text_file(path, type, sizeof(type)) || !strcmp(type, "Instruction"))
			continue;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/cache/index%d/shared_cpu_list",
			 root, cpu, i);
		if (level <= best || read_text_file(path, list, sizeof(list)))
			continue;
		best = level;
		snprintf(buf, len, "%s", list);
	}
}

void topo_view__free(struct topo_view *v)
{
	free(v->cpu);
	memset(v, 0, sizeof(*v));
}

/* index of key in keys[0..*n), appended when new */
static int intern(char (*keys)[64], int *n, const char *key)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp(keys[i], key))
			return i;
	snprintf(keys[*n], 64, "%s", key);
	return (*n)++;
}

static void read_nodes(const char *root, struct topo_view *v)
{
	char path[512], list[1024];
	bool *set = calloc(MAX_VIEW_CPUS, sizeof(bool));
	bool ids[1024] = { false };

	v->nnodes = 1;
	v->node_id[0] = 0;
	v->distance[0][0] = 10;
	snprintf(path, sizeof(path), "%s/devices/system/node/online", root);
	/* no NUMA (or no node directory): one node of everything */
	if (!set || read_text_file(path, list, sizeof(list)) || parse_cpulist(list, ids, 1024)) {
		free(set);
		return;
	}
	for (int node = 0, k = 0; node < 1024 && k < TOPO_MAX_NODES; node++) {
		bool any = false;
		FILE *f;

		if (!ids[node])
			continue;
		snprintf(path, sizeof(path), "%s/devices/system/node/node%d/cpulist", root, node);
		memset(set, 0, MAX_VIEW_CPUS * sizeof(bool));
		if (read_text_file(path, list, sizeof(list)) || parse_cpulist(list, set, MAX_VIEW_CPUS))
			continue;
		for (int i = 0; i < v->ncpus; i++)
			if (set[v->cpu[i].cpu]) {
				v->cpu[i].node = k;
				any = true;
			}
		if (!any) /* a node of memory only */
			continue;
		v->node_id[k] = node;
		snprintf(path, sizeof(path), "%s/devices/system/node/node%d/meminfo", root, node);
		f = fopen(path, "re");
		while (f && fgets(list, sizeof(list), f)) {
			long kb;

			if (sscanf(list, "Node %*d MemTotal: %ld kB", &kb) == 1)
				v->node_mem_mb[k] = kb / 1024;
		}
		if (f)
			fclose(f);
		v->nnodes = ++k;
	}
	/* distances between the nodes kept, in their order */
	for (int a = 0; a < v->nnodes; a++) {
		char *p = list;

		snprintf(path, sizeof(path), "%s/devices/system/node/node%d/distance", root,
			 v->node_id[a]);
		if (read_text_file(path, list, sizeof(list)))
			continue;
		for (int node = 0; *p; node++) {
			char *end;
			long d = strtol(p, &end, 10);

			if (end == p)
				break;
			for (int b = 0; b < v->nnodes; b++)
				if (v->node_id[b] == node)
					v->distance[a][b] = (int)d;
			p = end;
		}
	}
	free(set);
}

/* Is the view regular, and if so which spec is it? */
static void classify(struct topo_view *v)
{
	int cores_of_pkg[MAX_VIEW_CPUS] = { 0 }, llcs_of_pkg[MAX_VIEW_CPUS] = { 0 };
	int cpus_of_core[MAX_VIEW_CPUS] = { 0 }, cores_of_llc[MAX_VIEW_CPUS] = { 0 };
	int cpus_of_node[TOPO_MAX_NODES] = { 0 }, pkg_of_llc[MAX_VIEW_CPUS];
	int pkg_of_core[MAX_VIEW_CPUS], llc_of_core[MAX_VIEW_CPUS], node_of_core[MAX_VIEW_CPUS];
	bool ok = true;

	for (int i = 0; i < MAX_VIEW_CPUS; i++)
		pkg_of_llc[i] = pkg_of_core[i] = llc_of_core[i] = node_of_core[i] = -1;
	for (int i = 0; i < v->ncpus; i++) {
		const struct topo_cpu *c = &v->cpu[i];

		if (!cpus_of_core[c->core]++) {
			pkg_of_core[c->core] = c->package;
			llc_of_core[c->core] = c->llc;
			node_of_core[c->core] = c->node;
			cores_of_pkg[c->package]++;
			if (c->llc >= 0)
				cores_of_llc[c->llc]++;
		}
		/* a core split over LLCs, packages or nodes is not a shape */
		ok &= pkg_of_core[c->core] == c->package && llc_of_core[c->core] == c->llc &&
		      node_of_core[c->core] == c->node;
		if (c->llc >= 0) {
			if (pkg_of_llc[c->llc] < 0) {
				pkg_of_llc[c->llc] = c->package;
				llcs_of_pkg[c->package]++;
			}
			ok &= pkg_of_llc[c->llc] == c->package;
		}
		cpus_of_node[c->node]++;
	}
	v->threads_min = v->ncpus;
	v->threads_max = 0;
	for (int k = 0; k < v->ncores; k++) {
		if (cpus_of_core[k] < v->threads_min)
			v->threads_min = cpus_of_core[k];
		if (cpus_of_core[k] > v->threads_max)
			v->threads_max = cpus_of_core[k];
	}
	ok &= v->threads_min == v->threads_max && v->npackages > 0;
	for (int p = 0; ok && p < MAX_VIEW_CPUS; p++)
		if (cores_of_pkg[p] && (cores_of_pkg[p] != v->ncores / v->npackages ||
					(v->nllcs && llcs_of_pkg[p] != v->nllcs / v->npackages)))
			ok = false;
	for (int l = 0; ok && l < v->nllcs; l++)
		ok = cores_of_llc[l] == v->ncores / v->nllcs;
	for (int n = 0; ok && n < v->nnodes; n++)
		ok = cpus_of_node[n] == v->ncpus / v->nnodes;
	ok &= !v->nllcs || v->nllcs % v->npackages == 0;
	if (ok) {
		struct topo_spec s = {
			.nodes = v->nnodes, .sockets = v->npackages,
			.llcs = v->nllcs ? v->nllcs / v->npackages : 1, .threads = v->threads_max,
		};
		s.cores = v->ncores / (s.sockets * s.llcs);
		/* the grammar's rules for nodes hold too */
		ok = s.cores > 0 && topo_spec__cpus(&s) == v->ncpus &&
		     (s.sockets % s.nodes == 0 ||
		      (s.nodes % s.sockets == 0 && (s.llcs * s.cores) % (s.nodes / s.sockets) == 0));
		v->spec = s;
	}
	v->regular = ok;
	if (ok)
		topo_spec__format(&v->spec, v->spec_str, sizeof(v->spec_str));
	else
		snprintf(v->spec_str, sizeof(v->spec_str), "irregular");
}

int topo_view__read(const char *sysfs, struct topo_view *v)
{
	const char *root = sysfs_root(sysfs);
	char path[512], list[4096];
	char (*cores)[64] = NULL, (*llcs)[64] = NULL;
	bool *online = NULL;
	int err = 0, npk = 0, pk_ids[MAX_VIEW_CPUS];

	memset(v, 0, sizeof(*v));
	online = calloc(MAX_VIEW_CPUS, sizeof(bool));
	cores = calloc(MAX_VIEW_CPUS, sizeof(*cores));
	llcs = calloc(MAX_VIEW_CPUS, sizeof(*llcs));
	v->cpu = calloc(MAX_VIEW_CPUS, sizeof(*v->cpu));
	if (!online || !cores || !llcs || !v->cpu) {
		err = -ENOMEM;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/devices/system/cpu/online", root);
	err = read_text_file(path, list, sizeof(list));
	if (!err)
		err = parse_cpulist(list, online, MAX_VIEW_CPUS);
	if (err)
		goto out;
	for (int cpu = 0; cpu < MAX_VIEW_CPUS; cpu++) {
		struct topo_cpu *c;
		char key[64], llc[1024];
		int k;

		if (!online[cpu])
			continue;
		c = &v->cpu[v->ncpus++];
		c->cpu = cpu;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/topology/physical_package_id",
			 root, cpu);
		if (read_int(path, &c->package) || c->package < 0)
			c->package = 0;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/topology/die_id", root, cpu);
		if (read_int(path, &c->die) || c->die < 0)
			c->die = 0;
		snprintf(path, sizeof(path), "%s/devices/system/cpu/cpu%d/topology/core_id", root, cpu);
		if (read_int(path, &c->core_id))
			c->core_id = cpu;
		/* packages by their id, numbered densely in order of appearance */
		for (k = 0; k < npk && pk_ids[k] != c->package; k++)
			;
		if (k == npk)
			pk_ids[npk++] = c->package;
		c->package = k;
		snprintf(key, sizeof(key), "%d/%d/%d", c->package, c->die, c->core_id);
		c->core = intern(cores, &v->ncores, key);
		llc_of(root, cpu, llc, sizeof(llc));
		if (llc[0]) {
			bool *set = calloc(MAX_VIEW_CPUS, sizeof(bool));

			/* canonical, so that "0-3" and "0,1,2,3" are one group */
			if (set && !parse_cpulist(llc, set, MAX_VIEW_CPUS))
				format_cpulist(set, MAX_VIEW_CPUS, key, sizeof(key));
			else
				snprintf(key, sizeof(key), "%.63s", llc);
			free(set);
			c->llc = intern(llcs, &v->nllcs, key);
		} else {
			c->llc = -1;
		}
	}
	v->npackages = npk;
	if (!v->ncpus) {
		err = -ENOENT;
		goto out;
	}
	/* an LLC on some CPUs only: not trusted, taken as absent */
	for (int i = 0; i < v->ncpus; i++)
		if (v->cpu[i].llc < 0 && v->nllcs) {
			for (int j = 0; j < v->ncpus; j++)
				v->cpu[j].llc = -1;
			v->nllcs = 0;
			break;
		}
	read_nodes(root, v);
	classify(v);
out:
	free(online);
	free(cores);
	free(llcs);
	return err;
}

const struct topo_view *topo_view__current(void)
{
	static struct topo_view v;
	static int state; /* 0 not read, 1 ok, -1 failed */

	if (!state) {
		state = topo_view__read(NULL, &v) ? -1 : 1;
		if (state < 0)
			topo_view__free(&v);
	}
	return state > 0 ? &v : NULL;
}

void topo_view__describe(const struct topo_view *v, char *buf, size_t len)
{
	int llcs = v->nllcs ? v->nllcs : v->npackages;

	if (v->threads_min == v->threads_max)
		snprintf(buf, len, "%d CPU%s: %d package%s, %d core%s, %d thread%s per core, %d LLC%s, %d node%s",
			 v->ncpus, PLURAL(v->ncpus), v->npackages, PLURAL(v->npackages), v->ncores,
			 PLURAL(v->ncores), v->threads_max, PLURAL(v->threads_max), llcs, PLURAL(llcs),
			 v->nnodes, PLURAL(v->nnodes));
	else
		snprintf(buf, len, "%d CPUs: %d packages, %d cores, %d to %d threads per core, %d LLCs, %d nodes",
			 v->ncpus, v->npackages, v->ncores, v->threads_min, v->threads_max, llcs,
			 v->nnodes);
}

int topo_view__check(const struct topo_view *v, const struct topo_spec *want, char *err,
		     size_t len)
{
	char w[TOPO_SPEC_MAX], have[200];

	topo_spec__format(want, w, sizeof(w));
	topo_view__describe(v, have, sizeof(have));
	if (!v->regular || memcmp(&v->spec, want, sizeof(*want))) {
		snprintf(err, len, "--topology %s: this system has %s (%s), not the %d CPUs of %s",
			 w, have, v->spec_str, topo_spec__cpus(want), w);
		return -EMEDIUMTYPE;
	}
	for (int n = 0; n < v->nnodes && v->nnodes > 1; n++)
		if (v->node_mem_mb[n] <= 0) {
			snprintf(err, len, "--topology %s: node %d has no memory", w, v->node_id[n]);
			return -EMEDIUMTYPE;
		}
	return 0;
}

static void json_groups(const struct topo_view *v, FILE *f, const char *name, int which)
{
	bool set[MAX_VIEW_CPUS];
	int n = which == 0 ? v->ncores : which == 1 ? v->nllcs : v->nnodes;

	fprintf(f, ",\"%s\":[", name);
	for (int g = 0; g < n; g++) {
		char buf[1024];

		memset(set, 0, sizeof(set));
		for (int i = 0; i < v->ncpus; i++) {
			const struct topo_cpu *c = &v->cpu[i];

			set[c->cpu] |= (which == 0 ? c->core : which == 1 ? c->llc : c->node) == g;
		}
		format_cpulist(set, MAX_VIEW_CPUS, buf, sizeof(buf));
		fputs(g ? "," : "", f);
		json_str(f, buf);
	}
	fputc(']', f);
}

void topo_view__json(const struct topo_view *v, FILE *f)
{
	fprintf(f, "{\"spec\":");
	json_str(f, v->spec_str);
	fprintf(f, ",\"cpus\":%d,\"packages\":%d,\"cores\":%d,\"threads_per_core\":%d,"
		   "\"llcs\":%d,\"nodes\":%d", v->ncpus, v->npackages, v->ncores, v->threads_max,
		v->nllcs, v->nnodes);
	json_groups(v, f, "smt_groups", 0);
	json_groups(v, f, "llc_groups", 1);
	json_groups(v, f, "node_cpus", 2);
	fputs(",\"node_mem_mb\":[", f);
	for (int n = 0; n < v->nnodes; n++)
		fprintf(f, "%s%ld", n ? "," : "", v->node_mem_mb[n]);
	fputs("],\"distance\":[", f);
	for (int a = 0; a < v->nnodes; a++) {
		fputs(a ? ",[" : "[", f);
		for (int b = 0; b < v->nnodes; b++)
			fprintf(f, "%s%d", b ? "," : "", v->distance[a][b]);
		fputc(']', f);
	}
	fputs("],\"cpu\":[", f);
	for (int i = 0; i < v->ncpus; i++) {
		const struct topo_cpu *c = &v->cpu[i];

		fprintf(f, "%s{\"cpu\":%d,\"package\":%d,\"die\":%d,\"core_id\":%d,\"core\":%d,"
			   "\"llc\":%d,\"node\":%d}", i ? "," : "", c->cpu, c->package, c->die,
			c->core_id, c->core, c->llc, c->node);
	}
	fputs("]}", f);
}

char *topo_view__json_str(const struct topo_view *v)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	topo_view__json(v, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int topo_view__relation(const struct topo_view *v, int a, int b)
{
	const struct topo_cpu *x = NULL, *y = NULL;

	/* CPUs are in number order: all online, the index is the number */
	if (a >= 0 && b >= 0 && a < v->ncpus && b < v->ncpus && v->cpu[a].cpu == a &&
	    v->cpu[b].cpu == b) {
		x = &v->cpu[a];
		y = &v->cpu[b];
	}
	for (int i = 0; !x && i < v->ncpus; i++) {
		if (v->cpu[i].cpu == a)
			x = &v->cpu[i];
	}
	for (int i = 0; !y && i < v->ncpus; i++) {
		if (v->cpu[i].cpu == b)
			y = &v->cpu[i];
	}
	if (!x || !y)
		return -1;
	if (x == y)
		return TOPO_SAME_CPU;
	if (x->core == y->core)
		return TOPO_SAME_CORE;
	if (x->llc >= 0 ? x->llc == y->llc : x->package == y->package)
		return TOPO_SAME_LLC;
	return x->node == y->node ? TOPO_SAME_NODE : TOPO_CROSS_NODE;
}
