// SPDX-License-Identifier: GPL-2.0
/*
 * System collector: /proc snapshots at start and stop, stored as deltas.
 * Per-CPU utilisation (busy = everything but idle and iowait; steal is
 * reported apart because on a VM host it is time the hypervisor took),
 * context switches, and CPU pressure (PSI) where the kernel has it.
 * Two file reads per snapshot: nothing runs during the workload.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/collector.h"
#include "harness/lib/log.h"
#include "harness/lib/results.h"
#include "harness/lib/util.h"

#define MAX_CPUS 1024

struct cpu_times {
	uint64_t busy, idle, steal;
	bool present;
};

struct snap {
	struct cpu_times all, *cpu; /* cpu: MAX_CPUS entries */
	uint64_t ctxt, procs;
	uint64_t psi_some_us, psi_full_us;
	bool has_psi;
	double t;
};

struct system_col {
	struct snap a, b;
	bool stopped;
};

static bool system_available(char *reason, size_t len)
{
	FILE *f = fopen("/proc/stat", "r");

	if (!f) {
		snprintf(reason, len, "/proc/stat unreadable");
		return false;
	}
	fclose(f);
	return true;
}

static int take(struct snap *s)
{
	char line[4096];
	FILE *f = fopen("/proc/stat", "r");

	if (!f)
		return -errno;
	s->t = now_mono_ns() / 1e9;
	memset(s->cpu, 0, MAX_CPUS * sizeof(*s->cpu));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[10] = { 0 };
		struct cpu_times *ct = NULL;
		int cpu, n;

		if (!strncmp(line, "cpu ", 4)) {
			ct = &s->all;
			n = sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
				   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		} else if (sscanf(line, "cpu%d ", &cpu) == 1 && cpu >= 0 && cpu < MAX_CPUS) {
			ct = &s->cpu[cpu];
			n = sscanf(strchr(line, ' '), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
				   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		} else {
			unsigned long long x;

			if (sscanf(line, "ctxt %llu", &x) == 1)
				s->ctxt = x;
			else if (sscanf(line, "processes %llu", &x) == 1)
				s->procs = x;
			continue;
		}
		if (n < 4)
			continue;
		/* user nice system idle iowait irq softirq steal (guest is in user) */
		ct->busy = v[0] + v[1] + v[2] + v[5] + v[6];
		ct->idle = v[3] + v[4];
		ct->steal = v[7];
		ct->present = true;
	}
	fclose(f);

	f = fopen("/proc/pressure/cpu", "r");
	s->has_psi = false;
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *tot = strstr(line, "total=");
			unsigned long long x;

			if (!tot || sscanf(tot, "total=%llu", &x) != 1)
				continue;
			if (!strncmp(line, "some", 4))
				s->psi_some_us = x, s->has_psi = true;
			else if (!strncmp(line, "full", 4))
				s->psi_full_us = x;
		}
		fclose(f);
	}
	return 0;
}

static void system_destroy(void *state)
{
	struct system_col *c = state;

	if (!c)
		return;
	free(c->a.cpu);
	free(c->b.cpu);
	free(c);
}

static int system_create(void **state, const struct collector_cfg *cfg)
{
	struct system_col *c = calloc(1, sizeof(*c));

	*state = NULL;
	if (!c)
		return -ENOMEM;
	c->a.cpu = calloc(MAX_CPUS, sizeof(struct cpu_times));
	c->b.cpu = calloc(MAX_CPUS, sizeof(struct cpu_times));
	if (!c->a.cpu || !c->b.cpu) {
		system_destroy(c);
		return -ENOMEM;
	}
	*state = c;
	return 0;
}

static int system_start(void *state)
{
	return take(&((struct system_col *)state)->a);
}

static int system_stop(void *state)
{
	struct system_col *c = state;
	int err = take(&c->b);

	c->stopped = !err;
	return err;
}

static double pct(uint64_t part, uint64_t total)
{
	return total ? 100.0 * part / total : 0;
}

static int system_store(void *state, struct store *st, int64_t run_id, struct results *res)
{
	struct system_col *c = state;
	double dt = c->b.t - c->a.t;
	char name[64];
	int err = 0;

	if (!c->stopped)
		return 0;
#define ADD(n, v, u, b) do { err = results__add_metric(res, n, v, u, b); if (err) return err; } while (0)
	{
		uint64_t busy = c->b.all.busy - c->a.all.busy, idle = c->b.all.idle - c->a.all.idle,
			 steal = c->b.all.steal - c->a.all.steal;

		ADD("sys_cpu_util", pct(busy, busy + idle + steal), "%", BETTER_NONE);
		ADD("sys_cpu_steal", pct(steal, busy + idle + steal), "%", BETTER_LOWER);
	}
	for (int i = 0; i < MAX_CPUS; i++) {
		uint64_t busy, idle, steal;

		if (!c->a.cpu[i].present || !c->b.cpu[i].present)
			continue;
		busy = c->b.cpu[i].busy - c->a.cpu[i].busy;
		idle = c->b.cpu[i].idle - c->a.cpu[i].idle;
		steal = c->b.cpu[i].steal - c->a.cpu[i].steal;
		snprintf(name, sizeof(name), "sys_cpu%d_util", i);
		ADD(name, pct(busy, busy + idle + steal), "%", BETTER_NONE);
	}
	ADD("sys_ctxt", (double)(c->b.ctxt - c->a.ctxt), "", BETTER_NONE);
	if (dt > 0)
		ADD("sys_ctxt_rate", (c->b.ctxt - c->a.ctxt) / dt, "/s", BETTER_NONE);
	ADD("sys_forks", (double)(c->b.procs - c->a.procs), "", BETTER_NONE);
	if (c->a.has_psi && c->b.has_psi) {
		ADD("sys_psi_cpu_some", (c->b.psi_some_us - c->a.psi_some_us) / 1e3, "ms", BETTER_LOWER);
		ADD("sys_psi_cpu_full", (c->b.psi_full_us - c->a.psi_full_us) / 1e3, "ms", BETTER_LOWER);
		if (dt > 0)
			ADD("sys_psi_cpu_some_pct", (c->b.psi_some_us - c->a.psi_some_us) / 1e4 / dt, "%",
			    BETTER_LOWER);
	}
#undef ADD
	return 0;
}

const struct collector_ops system_collector_ops = {
	.name = "system",
	.available = system_available,
	.create = system_create,
	.start = system_start,
	.stop = system_stop,
	.store = system_store,
	.destroy = system_destroy,
};
