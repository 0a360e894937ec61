// SPDX-License-Identifier: GPL-2.0
/* Topology specs (grammar, canonical form, CPU placement) and machine
 * views read from made-up sysfs trees. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "harness/lib/topology.h"
#include "harness/lib/util.h"
#include "tests/unit/unit.h"

UNIT_TEST(topo_spec_grammar)
{
	static const struct {
		const char *in, *canon;
		int cpus;
	} good[] = {
		{ "2s4c2t", "2s4c2t", 16 }, { "2n2s2c1t", "2n2s2c1t", 4 },
		{ "1n1s1l2c2t", "1s2c2t", 4 }, { "1s2l2c2t", "1s2l2c2t", 8 },
		{ "2n1s4c1t", "2n1s4c1t", 4 }, { "1s1c1t", "1s1c1t", 1 },
		{ "4n2s2l2c2t", "4n2s2l2c2t", 16 },
	};
	static const char *const bad[] = {
		"", "2s4c", "s4c2t", "2x4c2t", "2c2s1t", "2s2s2c1t", "0s1c1t", "2s4c2t ",
		"3n2s2c1t", "2n1s3c1t", "9n8s1c1t", "4s4c8t", "2S4C2T", "1000s1c1t", "-1s1c1t",
	};
	struct topo_spec t;
	char err[256], buf[TOPO_SPEC_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		CHECK(!topo_spec__parse(good[i].in, &t, err, sizeof(err)), "%s: %s", good[i].in, err);
		topo_spec__format(&t, buf, sizeof(buf));
		CHECK(!strcmp(buf, good[i].canon), "%s -> %s, want %s", good[i].in, buf, good[i].canon);
		CHECK(topo_spec__cpus(&t) == good[i].cpus, "%s: %d cpus", good[i].in, topo_spec__cpus(&t));
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = 0;
		CHECK(topo_spec__parse(bad[i], &t, err, sizeof(err)) == -EINVAL && err[0],
		      "'%s' accepted", bad[i]);
	}
	topo_spec__parse("2s2c", &t, err, sizeof(err));
	CHECK(strstr(err, "2s4c2t"), "the error shows the grammar: %s", err);
}

UNIT_TEST(topo_spec_place)
{
	struct topo_spec t;
	char err[128];
	int s, l, c, n;

	/* 2 nodes x 1 socket x 2 LLCs x 2 cores x 2 threads: 16 CPUs */
	CHECK(!topo_spec__parse("2n1s2l2c2t", &t, err, sizeof(err)), "%s", err);
	topo_spec__place(&t, 0, &s, &l, &c, &n);
	CHECK(s == 0 && l == 0 && c == 0 && n == 0, "cpu 0");
	topo_spec__place(&t, 1, &s, &l, &c, &n);
	CHECK(s == 0 && l == 0 && c == 0 && n == 0, "cpu 1 is cpu 0's SMT sibling");
	topo_spec__place(&t, 2, &s, &l, &c, &n);
	CHECK(s == 0 && l == 0 && c == 1 && n == 0, "cpu 2: next core");
	topo_spec__place(&t, 4, &s, &l, &c, &n);
	CHECK(s == 0 && l == 1 && c == 0 && n == 1, "cpu 4: second LLC, second node: %d %d %d %d",
	      s, l, c, n);
	CHECK(!topo_spec__parse("2n2s2c1t", &t, err, sizeof(err)), "%s", err);
	topo_spec__place(&t, 3, &s, &l, &c, &n);
	CHECK(s == 1 && l == 0 && c == 1 && n == 1, "2n2s2c1t cpu 3");
}

/* ---- made-up sysfs ---- */

static int put(const char *root, const char *rel, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	/* every parent folder, then the file */
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	fputc('\n', f);
	return fclose(f) ? -EIO : 0;
}

/* A machine built like t: QEMU's CPU order, an L1d per core and an L3
 * per LLC; node directories when nodes > 1 (or always with numa). */
static int fake_machine(const char *root, const struct topo_spec *t, bool numa)
{
	int ncpu = topo_spec__cpus(t), err = 0;
	char rel[256], val[256];

	snprintf(val, sizeof(val), "0-%d", ncpu - 1);
	err |= put(root, "devices/system/cpu/online", val);
	for (int i = 0; i < ncpu && !err; i++) {
		int s, l, c, n, first_core = i / t->threads * t->threads;
		int llc_cpus = t->cores * t->threads, first_llc = i / llc_cpus * llc_cpus;

		topo_spec__place(t, i, &s, &l, &c, &n);
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/topology/physical_package_id", i);
		snprintf(val, sizeof(val), "%d", s);
		err |= put(root, rel, val);
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/topology/die_id", i);
		snprintf(val, sizeof(val), "%d", l);
		err |= put(root, rel, val);
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/topology/core_id", i);
		snprintf(val, sizeof(val), "%d", c);
		err |= put(root, rel, val);
		/* index0: L1d per core, index1: L1i, index3: L3 per LLC */
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index0/level", i);
		err |= put(root, rel, "1");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index0/type", i);
		err |= put(root, rel, "Data");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index0/shared_cpu_list", i);
		snprintf(val, sizeof(val), t->threads > 1 ? "%d-%d" : "%d", first_core,
			 first_core + t->threads - 1);
		err |= put(root, rel, val);
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index1/level", i);
		err |= put(root, rel, "4");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index1/type", i);
		err |= put(root, rel, "Instruction");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index1/shared_cpu_list", i);
		err |= put(root, rel, "0");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index3/level", i);
		err |= put(root, rel, "3");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index3/type", i);
		err |= put(root, rel, "Unified");
		snprintf(rel, sizeof(rel), "devices/system/cpu/cpu%d/cache/index3/shared_cpu_list", i);
		/* a comma list on purpose: groups compare canonically */
		val[0] = 0;
		for (int k = first_llc; k < first_llc + llc_cpus; k++)
			snprintf(val + strlen(val), sizeof(val) - strlen(val), "%s%d",
				 k > first_llc ? "," : "", k);
		err |= put(root, rel, val);
	}
	if (numa || t->nodes > 1) {
		int per = ncpu / t->nodes;

		snprintf(val, sizeof(val), t->nodes > 1 ? "0-%d" : "0", t->nodes - 1);
		err |= put(root, "devices/system/node/online", val);
		for (int n = 0; n < t->nodes && !err; n++) {
			size_t off = 0;

			snprintf(rel, sizeof(rel), "devices/system/node/node%d/cpulist", n);
			snprintf(val, sizeof(val), "%d-%d", n * per, n * per + per - 1);
			err |= put(root, rel, val);
			snprintf(rel, sizeof(rel), "devices/system/node/node%d/meminfo", n);
			snprintf(val, sizeof(val), "Node %d MemTotal:        1018000 kB\nNode %d MemFree: 5 kB",
				 n, n);
			err |= put(root, rel, val);
			snprintf(rel, sizeof(rel), "devices/system/node/node%d/distance", n);
			for (int m = 0; m < t->nodes; m++)
				off += snprintf(val + off, sizeof(val) - off, "%s%d", m ? " " : "",
						m == n ? 10 : 20);
			err |= put(root, rel, val);
		}
	}
	return err;
}

UNIT_TEST(topo_view_2s2c2t)
{
	struct topo_view v = { 0 };
	struct topo_spec t, other;
	char err[512], root[512], *json;

	snprintf(root, sizeof(root), "%s/sys", unit__tmpdir());
	CHECK(!topo_spec__parse("2s2c2t", &t, err, sizeof(err)), "%s", err);
	CHECK(!fake_machine(root, &t, false), "fake sysfs");
	DEFER(topo_view__free, &v);
	CHECK(!topo_view__read(root, &v), "read");
	CHECK(v.ncpus == 8 && v.npackages == 2 && v.ncores == 4 && v.nllcs == 2 && v.nnodes == 1,
	      "counts %d %d %d %d %d", v.ncpus, v.npackages, v.ncores, v.nllcs, v.nnodes);
	CHECK(v.threads_min == 2 && v.threads_max == 2, "SMT pairs");
	CHECK(v.regular && !strcmp(v.spec_str, "2s2c2t"), "spec %s", v.spec_str);
	CHECK(!topo_view__check(&v, &t, err, sizeof(err)), "check: %s", err);
	CHECK(!topo_spec__parse("1s8c1t", &other, err, sizeof(err)), "%s", err);
	CHECK(topo_view__check(&v, &other, err, sizeof(err)) == -EMEDIUMTYPE &&
	      strstr(err, "2 packages") && strstr(err, "2s2c2t") && strstr(err, "1s8c1t"),
	      "mismatch message: %s", err);
	CHECK(topo_view__relation(&v, 0, 1) == TOPO_SAME_CORE, "0-1 siblings");
	CHECK(topo_view__relation(&v, 0, 2) == TOPO_SAME_LLC, "0-2 one LLC");
	CHECK(topo_view__relation(&v, 1, 4) == TOPO_SAME_NODE, "1-4 other socket, one node");
	CHECK(topo_view__relation(&v, 3, 3) == TOPO_SAME_CPU && topo_view__relation(&v, 0, 9) < 0,
	      "same / unknown");
	json = topo_view__json_str(&v);
	DEFER(free, json);
	CHECK(json && strstr(json, "\"spec\":\"2s2c2t\"") &&
	      strstr(json, "\"smt_groups\":[\"0-1\",\"2-3\",\"4-5\",\"6-7\"]") &&
	      strstr(json, "\"llc_groups\":[\"0-3\",\"4-7\"]"), "json: %s", json);
}

UNIT_TEST(topo_view_numa_and_irregular)
{
	struct topo_view v = { 0 }, w = { 0 };
	struct topo_spec t;
	char err[512], root[512], *json;

	snprintf(root, sizeof(root), "%s/numa", unit__tmpdir());
	CHECK(!topo_spec__parse("2n2s2c1t", &t, err, sizeof(err)), "%s", err);
	CHECK(!fake_machine(root, &t, true), "fake sysfs");
	DEFER(topo_view__free, &v);
	CHECK(!topo_view__read(root, &v), "read");
	CHECK(v.nnodes == 2 && v.node_mem_mb[1] == 994 && v.distance[0][1] == 20 &&
	      v.distance[1][1] == 10, "nodes %d mem %ld dist %d", v.nnodes, v.node_mem_mb[1],
	      v.distance[0][1]);
	CHECK(!topo_view__check(&v, &t, err, sizeof(err)), "check: %s", err);
	CHECK(topo_view__relation(&v, 0, 3) == TOPO_CROSS_NODE, "0-3 across nodes");
	json = topo_view__json_str(&v);
	DEFER(free, json);
	CHECK(json && strstr(json, "\"distance\":[[10,20],[20,10]]") &&
	      strstr(json, "\"node_mem_mb\":[994,994]"), "json: %s", json);

	/* one CPU offline: 3 CPUs are no shape */
	CHECK(!put(root, "devices/system/cpu/online", "0-2"), "offline");
	DEFER(topo_view__free, &w);
	CHECK(!topo_view__read(root, &w), "read");
	CHECK(w.ncpus == 3 && !w.regular && !strcmp(w.spec_str, "irregular"), "%d %s", w.ncpus,
	      w.spec_str);
	CHECK(topo_view__check(&w, &t, err, sizeof(err)) == -EMEDIUMTYPE && strstr(err, "irregular"),
	      "%s", err);
}

UNIT_TEST(topo_view_bare)
{
	struct topo_view v = { 0 };
	char root[512];

	/* no cache, no node, no die_id directories: one of each */
	snprintf(root, sizeof(root), "%s/bare", unit__tmpdir());
	CHECK(!put(root, "devices/system/cpu/online", "0-1"), "online");
	CHECK(!put(root, "devices/system/cpu/cpu0/topology/core_id", "0") &&
	      !put(root, "devices/system/cpu/cpu1/topology/core_id", "1"), "cores");
	DEFER(topo_view__free, &v);
	CHECK(!topo_view__read(root, &v), "read");
	CHECK(v.regular && !strcmp(v.spec_str, "1s2c1t") && v.nllcs == 0,
	      "%s %d", v.spec_str, v.nllcs);
	CHECK(topo_view__relation(&v, 0, 1) == TOPO_SAME_LLC, "no cache info: one package, one LLC");
	topo_view__free(&v);
	CHECK(topo_view__read("/nonexistent", &v) < 0, "no sysfs");
}
