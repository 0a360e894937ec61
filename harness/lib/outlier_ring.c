// SPDX-License-Identifier: GPL-2.0
/* The outlier ring (outlier_ring.h): shared slots plus an eventfd. */
#include <errno.h>
#include <stddef.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/lib/outlier_ring.h"

static size_t ring_size(int cap)
{
	return sizeof(struct outlier_ring) + (size_t)cap * sizeof(struct outlier_rec);
}

struct outlier_ring *outlier_ring__new(uint64_t threshold_ns, int cap)
{
	struct outlier_ring *r;

	if (cap < 1 || cap > OUTLIER_MAX_DUMPS) {
		errno = EINVAL;
		return NULL;
	}
	r = mmap(NULL, ring_size(cap), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (r == MAP_FAILED)
		return NULL;
	/* the probe's forked children share it; an exec'd scheduler does not
	 * get it. Non-blocking: a post never waits (the counter cannot fill
	 * with cap pokes anyway) */
	r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (r->efd < 0) {
		int e = errno;

		munmap(r, ring_size(cap));
		errno = e;
		return NULL;
	}
	r->threshold_ns = threshold_ns;
	r->cap = cap;
	/* prefaulted here: the first post must not take a page fault */
	for (int i = 0; i < cap; i++)
		r->rec[i].ready = 0;
	return r;
}

void outlier_ring__free(struct outlier_ring *r)
{
	if (!r)
		return;
	close(r->efd);
	munmap(r, ring_size(r->cap));
}

void outlier_ring__poke(struct outlier_ring *r)
{
	uint64_t one = 1;
	ssize_t n = write(r->efd, &one, sizeof(one));

	(void)n; /* EAGAIN cannot happen below 2^64 - 1 pokes */
}

uint32_t outlier_ring__seen(const struct outlier_ring *r)
{
	return __atomic_load_n(&r->seen, __ATOMIC_RELAXED);
}

uint32_t outlier_ring__skipped(const struct outlier_ring *r)
{
	return __atomic_load_n(&r->skipped, __ATOMIC_RELAXED);
}

void outlier_ring__quiet_until(struct outlier_ring *r, uint64_t t)
{
	__atomic_store_n(&r->quiet_until, t, __ATOMIC_RELEASE);
}

int outlier_ring__nr(const struct outlier_ring *r)
{
	uint32_t n = __atomic_load_n(&r->nslot, __ATOMIC_RELAXED);

	return n < (uint32_t)r->cap ? (int)n : r->cap;
}

const struct outlier_rec *outlier_ring__get(const struct outlier_ring *r, int i)
{
	if (i < 0 || i >= r->cap || !__atomic_load_n(&r->rec[i].ready, __ATOMIC_ACQUIRE))
		return NULL;
	return &r->rec[i];
}

struct outlier_rec *outlier_ring__slot(struct outlier_ring *r, int i)
{
	return (struct outlier_rec *)outlier_ring__get(r, i);
}

const char *outlier_kind__name(int kind)
{
	return kind == OUTLIER_TIMER ? "timer" : kind == OUTLIER_WAKEUP ? "wakeup" : "unknown";
}

const char *outlier_dump__name(int dump)
{
	switch (dump) {
	case OUTLIER_DUMP_TAKEN: return "taken";
	case OUTLIER_DUMP_NO_SCX: return "no_sched_ext";
	case OUTLIER_DUMP_NO_TRACE: return "no_trace";
	case OUTLIER_DUMP_FAILED: return "failed";
	default: return "pending";
	}
}
