// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs parser, pages: one cursor per CPU over the raw file the recorder
 * wrote (whole ring-buffer sub-buffers), and the walk that merges the CPUs'
 * events by timestamp: a wakeup on one CPU and the switch-in on another
 * must be seen in order. Apart from the event handlers because this is the
 * part that trusts nothing: it reads the files through a 1 MiB window per
 * CPU, parses page headers and hands events to trace_events.c only once
 * they are known to lie inside their page.
 *
 * Pages are read with libtraceevent's kbuffer. Every page and event is
 * bounds-checked before use: a malformed page is skipped with a message
 * and counted in the cursor's bad_pages (tracefs_parse.c turns those into
 * lost events).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kbuffer.h>

#include "collectors/trace_parse_impl.h"
#include "harness/lib/log.h"

#define WINDOW_PAGES 256
#define PAGE_HDR 16
#define RB_MISSED_EVENTS (1ULL << 31)
#define RB_MISSED_STORED (1ULL << 30)

static int refill(struct cursor *c, unsigned int ps)
{
	size_t keep = 0;
	ssize_t n;

	c->win_len = 0;
	c->win_off = 0;
	while (keep < (size_t)WINDOW_PAGES * ps) {
		n = read(c->fd, c->win + keep, (size_t)WINDOW_PAGES * ps - keep);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		keep += (size_t)n;
	}
	c->win_len = keep;
	return 0;
}

/* Load the next valid page; false at the end of the file. */
static int next_page(struct cursor *c, unsigned int ps, bool *have)
{
	for (;;) {
		uint64_t commit, size;
		uint32_t hi;
		uint8_t *pg;

		if (c->win_off + ps > c->win_len) {
			int err;

			/* a torn last page: whatever it held is lost */
			if (c->win_len && c->win_off < c->win_len) {
				pr_warn("trace: cpu%d: %zu trailing bytes (not a whole page) rejected\n",
					c->cpu, c->win_len - c->win_off);
				c->bad_pages++;
			}
			err = refill(c, ps);
			if (err)
				return err;
			if (c->win_len < ps) {
				if (c->win_len) {
					pr_warn("trace: cpu%d: %zu trailing bytes (not a whole page) rejected\n",
						c->cpu, c->win_len);
					c->bad_pages++;
				}
				*have = false;
				return 0;
			}
		}
		pg = c->win + c->win_off;
		c->win_off += ps;
		c->page_no++;
		memcpy(&commit, pg + 8, 8);
		size = (uint32_t)commit & ~(RB_MISSED_EVENTS | RB_MISSED_STORED);
		/* the flags are an int OR-ed into a long: with bit 31 set the
		 * upper half is sign-extended */
		hi = (uint32_t)(commit >> 32);
		if (size > ps - PAGE_HDR ||
		    (hi && !(hi == 0xffffffffu && (commit & RB_MISSED_EVENTS)))) {
			pr_warn("trace: cpu%d page %" PRIu64 ": malformed header (commit %#" PRIx64
				"), page rejected\n", c->cpu, c->page_no - 1, commit);
			c->bad_pages++;
			continue;
		}
		if (!size)
			continue;
		if (kbuffer_load_subbuffer(c->kb, pg) < 0) {
			pr_warn("trace: cpu%d page %" PRIu64 ": rejected by kbuffer\n", c->cpu,
				c->page_no - 1);
			c->bad_pages++;
			continue;
		}
		if (commit & RB_MISSED_EVENTS) {
			int m = kbuffer_missed_events(c->kb);

			c->missed += m > 0 ? (uint64_t)m : 1;
		}
		c->page_end = pg + PAGE_HDR + size;
		c->data = kbuffer_read_event(c->kb, &c->ts);
		if (c->data) {
			*have = true;
			return 0;
		}
	}
}

static int cursor_advance(struct cursor *c, unsigned int ps, bool first)
{
	bool have;
	int err;

	if (!first) {
		c->data = kbuffer_next_event(c->kb, &c->ts);
		if (c->data)
			return 0;
	}
	err = next_page(c, ps, &have);
	if (err)
		return err;
	if (!have) {
		c->eof = true;
		c->data = NULL;
	}
	return 0;
}

static bool event_in_page(struct cursor *c, int *size)
{
	int sz = kbuffer_event_size(c->kb);

	*size = sz;
	return sz >= 0 && (uint8_t *)c->data + sz <= c->page_end && (uint8_t *)c->data >= c->win;
}

int trace_pages__open(struct cursor *c, int cpu, const char *path, unsigned int ps)
{
	int err;

	c->cpu = cpu;
	c->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		err = -errno;
		pr_err("trace: %s: %s\n", path, strerror(errno));
		return err;
	}
	posix_fadvise(c->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	/* one spare zeroed page: kbuffer reads an event's header (and a
	 * length word) before we can check it against the page end, so
	 * a malformed last page must not make it read past the window */
	c->win = calloc(WINDOW_PAGES + 1, ps);
	c->kb = kbuffer_alloc(sizeof(long) == 8 ? KBUFFER_LSIZE_8 : KBUFFER_LSIZE_4,
			      KBUFFER_ENDIAN_LITTLE);
	if (!c->win || !c->kb)
		return -ENOMEM;
	return cursor_advance(c, ps, true);
}

void trace_pages__close(struct cursor *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->win);
	c->win = NULL;
	if (c->kb)
		kbuffer_free(c->kb);
	c->kb = NULL;
}

int trace_pages__merge(struct parser *p, struct cursor *cur, int ncpus)
{
	int err;

	for (;;) {
		struct cursor *c = NULL;
		int size;

		/* k-way merge by timestamp; CPU counts are small */
		for (int i = 0; i < ncpus; i++)
			if (!cur[i].eof && (!c || cur[i].ts < c->ts))
				c = &cur[i];
		if (!c)
			return 0;
		if (!event_in_page(c, &size)) {
			pr_warn("trace: cpu%d page %" PRIu64 ": event runs past the page end, rest of page rejected\n",
				c->cpu, c->page_no - 1);
			c->bad_pages++;
			c->data = NULL;
		} else {
			err = trace_events__on_event(p, c->cpu, c->ts, c->data, size);
			if (err == -EINVAL) {
				pr_warn("trace: cpu%d page %" PRIu64 ": malformed event, rest of page rejected\n",
					c->cpu, c->page_no - 1);
				c->bad_pages++;
				c->data = NULL;
			} else if (err) {
				return err;
			} else {
				c->events++;
			}
		}
		if (c->data)
			err = cursor_advance(c, p->ps, false);
		else
			err = cursor_advance(c, p->ps, true); /* skip to the next page */
		if (err)
			return err;
	}
}
