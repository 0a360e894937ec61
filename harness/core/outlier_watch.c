// SPDX-License-Identifier: GPL-2.0
/*
 * The outlier watcher (outlier_watch.h). The thread does nothing but
 * poll, read an eventfd, read the clock and write one byte to
 * /proc/sysrq-trigger: no allocation, lock or printing, so the workload's
 * forks from the runner's main thread meet no lock it holds. Slots are
 * handled in order; one claimed but not yet filled (its poster was
 * preempted between the two) waits for its poster's own poke.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "harness/core/outlier_watch.h"
#include "harness/lib/util.h"
#include "harness/sched/sched.h"

struct outlier_watch {
	struct outlier_ring *ring;
	int dump_fd, stop_fd;
	enum outlier_dump none;
	int none_err;
	int handled;
	pthread_t thr;
	bool running, rt;
};

static void handle_ready(struct outlier_watch *w)
{
	struct outlier_rec *r;

	while (w->handled < w->ring->cap && (r = outlier_ring__slot(w->ring, w->handled))) {
		int err;

		outlier_ring__quiet_until(w->ring, UINT64_MAX);
		r->dump_start_ns = now_mono_ns();
		err = sched__dump_trigger(w->dump_fd);
		r->dump_end_ns = now_mono_ns();
		outlier_ring__quiet_until(w->ring, r->dump_end_ns);
		r->dump = err ? OUTLIER_DUMP_FAILED : OUTLIER_DUMP_TAKEN;
		r->dump_err = err;
		w->handled++;
	}
}

static void *watch_main(void *arg)
{
	struct outlier_watch *w = arg;
	struct pollfd pfd[2] = {
		{ .fd = w->ring->efd, .events = POLLIN },
		{ .fd = w->stop_fd, .events = POLLIN },
	};

	for (;;) {
		uint64_t v;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (pfd[0].revents && read(w->ring->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
			break;
		handle_ready(w);
	}
	return NULL;
}

int outlier_watch__start(struct outlier_ring *ring, int dump_fd, enum outlier_dump none,
			 struct outlier_watch **out)
{
	struct outlier_watch *w = calloc(1, sizeof(*w));
	struct sched_param sp = { .sched_priority = 1 };
	pthread_attr_t attr;
	int err;

	*out = NULL;
	if (!w) {
		if (dump_fd >= 0)
			close(dump_fd);
		return -ENOMEM;
	}
	w->ring = ring;
	w->dump_fd = dump_fd;
	w->stop_fd = -1;
	w->none = none;
	w->none_err = dump_fd < 0 && none == OUTLIER_DUMP_FAILED ? dump_fd : 0;
	if (dump_fd < 0) {
		*out = w;
		return 0;
	}
	w->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (w->stop_fd < 0) {
		err = -errno;
		goto fail;
	}
	/* SCHED_FIFO 1 when allowed, else what the runner has */
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	err = -pthread_create(&w->thr, &attr, watch_main, w);
	pthread_attr_destroy(&attr);
	w->rt = !err;
	if (err == -EPERM)
		err = -pthread_create(&w->thr, NULL, watch_main, w);
	if (err)
		goto fail;
	w->running = true;
	*out = w;
	return 0;
fail:
	outlier_watch__free(w);
	return err;
}

void outlier_watch__stop(struct outlier_watch *w)
{
	uint64_t one = 1;

	if (!w)
		return;
	if (w->running) {
		if (write(w->stop_fd, &one, sizeof(one)) != sizeof(one))
			pthread_cancel(w->thr); /* cannot happen: a fresh eventfd */
		pthread_join(w->thr, NULL);
		w->running = false;
	}
	for (int i = w->handled; i < w->ring->cap; i++) {
		struct outlier_rec *r = outlier_ring__slot(w->ring, i);

		if (!r)
			continue;
		r->dump = w->dump_fd >= 0 ? OUTLIER_DUMP_PENDING : w->none;
		r->dump_err = w->dump_fd >= 0 ? 0 : w->none_err;
	}
	w->handled = w->ring->cap;
}

bool outlier_watch__realtime(const struct outlier_watch *w)
{
	return w && w->rt;
}

void outlier_watch__free(struct outlier_watch *w)
{
	if (!w)
		return;
	outlier_watch__stop(w);
	if (w->dump_fd >= 0)
		close(w->dump_fd);
	if (w->stop_fd >= 0)
		close(w->stop_fd);
	free(w);
}
