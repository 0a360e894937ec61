// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs parser, per-task state: the task table (open addressing on pid),
 * each task's sparse wakeup-latency histogram, and the antagonist table.
 * Apart from the event handlers because these are the parse's memory: what
 * grows with the number of tasks and samples lives here, and only here.
 *
 * Memory: a task table (~200 bytes a task), and per task a sparse
 * wakeup-latency histogram that holds only the buckets it hit (8 bytes
 * each, in a small open-addressing table that grows with use). A full
 * struct hist is 58 KiB: one per task would cost 580 MB for the 10 k tasks
 * a few seconds of forking hackbench rounds create, whereas the sparse
 * tables grow with the number of samples at most (~20 bytes a sample worst
 * case), never with the number of tasks. Full histograms exist only per
 * role and as one scratch for storing (tracefs_parse.c).
 *
 * Antagonists: every CPU keeps a ring of its last slices; when a probe task
 * is switched in, the slices on that CPU that overlap its wait are charged
 * to the tasks that ran them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collectors/trace_parse_impl.h"
#include "harness/lib/hist.h"
#include "workloads/workload.h"

/* ---- task table: open addressing on pid ---- */

static uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

static int tasks_grow(struct parser *p)
{
	size_t ncap = p->cap ? p->cap * 2 : 1024;
	struct task *n = calloc(ncap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < p->cap; i++) {
		size_t j;

		if (!p->tasks[i].pid)
			continue;
		for (j = hash32(p->tasks[i].pid) & (ncap - 1); n[j].pid; j = (j + 1) & (ncap - 1))
			;
		n[j] = p->tasks[i];
	}
	free(p->tasks);
	p->tasks = n;
	p->cap = ncap;
	return 0;
}

int trace_tasks__init(struct parser *p)
{
	return tasks_grow(p);
}

/* Callers reserve room first so that pointers stay valid within one event. */
int trace_tasks__reserve(struct parser *p, size_t more)
{
	while ((p->nr + more) * 2 > p->cap)
		if (tasks_grow(p))
			return -ENOMEM;
	return 0;
}

struct task *trace_tasks__get(struct parser *p, int pid)
{
	size_t j;

	for (j = hash32(pid) & (p->cap - 1); p->tasks[j].pid; j = (j + 1) & (p->cap - 1))
		if (p->tasks[j].pid == pid)
			return &p->tasks[j];
	p->tasks[j].pid = pid;
	p->nr++;
	return &p->tasks[j];
}

struct task *trace_tasks__find(struct parser *p, int pid)
{
	size_t j;

	for (j = hash32(pid) & (p->cap - 1); p->tasks[j].pid; j = (j + 1) & (p->cap - 1))
		if (p->tasks[j].pid == pid)
			return &p->tasks[j];
	return NULL;
}

enum role trace_tasks__role(const char *comm)
{
	if (!strncmp(comm, ROLE_COMM_PROBE, strlen(ROLE_COMM_PROBE)))
		return ROLE_PROBE;
	if (!strncmp(comm, ROLE_COMM_HACKBENCH, strlen(ROLE_COMM_HACKBENCH)))
		return ROLE_HACKBENCH;
	if (!strncmp(comm, ROLE_COMM_HOG, strlen(ROLE_COMM_HOG)))
		return ROLE_HOG;
	if (!strncmp(comm, ROLE_COMM_REPLAY, strlen(ROLE_COMM_REPLAY)))
		return ROLE_REPLAY;
	return ROLE_OTHER;
}

enum role trace_tasks__role_of(const struct task *t)
{
	return t->set_role ? (enum role)(t->set_role - 1) : trace_tasks__role(t->comm);
}

bool trace_tasks__behaviour_role(enum role r)
{
	return r == ROLE_CMD || r == ROLE_REPLAY;
}

void trace_tasks__free(struct parser *p)
{
	for (size_t i = 0; i < p->cap; i++)
		free(p->tasks[i].lat.slot);
	free(p->tasks);
	p->tasks = NULL;
	p->cap = p->nr = 0;
	free(p->ant);
	p->ant = NULL;
	p->ant_cap = p->ant_nr = 0;
	for (int r = 0; r < NR_ROLES; r++) {
		free(p->burst[r]);
		free(p->sleep[r]);
		p->burst[r] = p->sleep[r] = NULL;
	}
}

/* ---- sparse per-task histograms ---- */

static uint32_t sh_home(uint32_t idx, uint32_t cap)
{
	return (idx * 0x9e3779b1u >> 7) & (cap - 1);
}

static int sh_grow(struct sparse_hist *h)
{
	uint32_t ncap = h->cap ? h->cap * 2 : SH_MIN_CAP;
	uint64_t *n = calloc(ncap, sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (uint32_t i = 0; i < h->cap; i++) {
		uint32_t j;

		if (!h->slot[i])
			continue;
		for (j = sh_home((uint32_t)(h->slot[i] & SH_IDX_MASK), ncap); n[j];
		     j = (j + 1) & (ncap - 1))
			;
		n[j] = h->slot[i];
	}
	free(h->slot);
	h->slot = n;
	h->cap = ncap;
	return 0;
}

int sparse_hist__add(struct sparse_hist *h, uint64_t v)
{
	uint32_t key = hist__bucket(v) + 1, j;

	/* at most 3/4 full: probes stay short */
	if ((h->nr + 1) * 4 > h->cap * 3 && sh_grow(h))
		return -ENOMEM;
	for (j = sh_home(key, h->cap); h->slot[j]; j = (j + 1) & (h->cap - 1))
		if ((h->slot[j] & SH_IDX_MASK) == key)
			break;
	if (!h->slot[j]) {
		h->slot[j] = key;
		h->nr++;
	}
	h->slot[j] += 1ull << SH_IDX_BITS;
	if (!h->count++ || v < h->min)
		h->min = v;
	return 0;
}

void sparse_hist__spill(const struct sparse_hist *h, struct hist *dst, struct hist *role)
{
	for (uint32_t i = 0; i < h->cap; i++) {
		uint64_t s = h->slot[i];

		if (!s)
			continue;
		dst->buckets[(s & SH_IDX_MASK) - 1] = s >> SH_IDX_BITS;
		role->buckets[(s & SH_IDX_MASK) - 1] += s >> SH_IDX_BITS;
	}
}

void sparse_hist__unspill(const struct sparse_hist *h, struct hist *dst)
{
	for (uint32_t i = 0; i < h->cap; i++)
		if (h->slot[i])
			dst->buckets[(h->slot[i] & SH_IDX_MASK) - 1] = 0;
}

/* ---- antagonists ---- */

static int antag_add(struct parser *p, int victim, int pid, uint64_t ns)
{
	uint64_t key = (uint64_t)(uint32_t)victim << 32 | (uint32_t)pid;
	size_t j;

	if ((p->ant_nr + 1) * 2 > p->ant_cap) {
		size_t ncap = p->ant_cap ? p->ant_cap * 2 : 256;
		struct antag *n = calloc(ncap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		for (size_t i = 0; i < p->ant_cap; i++) {
			if (!p->ant[i].key)
				continue;
			for (j = hash32((uint32_t)(p->ant[i].key ^ p->ant[i].key >> 29)) & (ncap - 1);
			     n[j].key; j = (j + 1) & (ncap - 1))
				;
			n[j] = p->ant[i];
		}
		free(p->ant);
		p->ant = n;
		p->ant_cap = ncap;
	}
	for (j = hash32((uint32_t)(key ^ key >> 29)) & (p->ant_cap - 1); p->ant[j].key;
	     j = (j + 1) & (p->ant_cap - 1))
		if (p->ant[j].key == key)
			break;
	if (!p->ant[j].key) {
		p->ant[j].key = key;
		p->ant_nr++;
	}
	p->ant[j].wait_ns += ns;
	p->ant[j].count++;
	return 0;
}

int trace_tasks__charge_antagonists(struct parser *p, int victim, int cpu, uint64_t from,
				    uint64_t to)
{
	struct cpu_state *c = &p->cpus[cpu];

	for (unsigned int i = 1; i <= RING_SLICES; i++) {
		struct slice *s = &c->ring[(c->head - i) % RING_SLICES];
		uint64_t lo, hi;

		if (!s->pid || s->end <= from)
			break;
		lo = s->start > from ? s->start : from;
		hi = s->end < to ? s->end : to;
		if (hi > lo && s->pid != victim && antag_add(p, victim, s->pid, hi - lo))
			return -ENOMEM;
	}
	return 0;
}

static int cmp_ant(const void *a, const void *b)
{
	const struct antag *x = a, *y = b;

	if ((x->key >> 32) != (y->key >> 32))
		return (x->key >> 32) < (y->key >> 32) ? -1 : 1;
	return x->wait_ns > y->wait_ns ? -1 : x->wait_ns < y->wait_ns;
}

size_t trace_tasks__sort_antagonists(struct parser *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ant_cap; i++)
		if (p->ant[i].key)
			p->ant[n++] = p->ant[i];
	qsort(p->ant, n, sizeof(*p->ant), cmp_ant);
	return n;
}
