// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "harness/lib/bench_lock.h"
#include "harness/lib/log.h"
#include "harness/lib/owner.h"
#include "harness/lib/util.h"

static int lock_fd = -1;
static char lock_path[PATH_MAX];

const char *bench_lock__path(void)
{
	const char *d = getenv("XDG_RUNTIME_DIR"), *t = getenv("TMPDIR");

	if (lock_path[0])
		return lock_path;
	/* SCXB_BENCH_LOCK: tests point it at a file of their own */
	if (getenv("SCXB_BENCH_LOCK") && getenv("SCXB_BENCH_LOCK")[0] == '/')
		snprintf(lock_path, sizeof(lock_path), "%s", getenv("SCXB_BENCH_LOCK"));
	else if (!access("/run", W_OK))
		snprintf(lock_path, sizeof(lock_path), "/run/scxbench.lock");
	else if (d && d[0] == '/')
		snprintf(lock_path, sizeof(lock_path), "%s/scxbench.lock", d);
	else
		snprintf(lock_path, sizeof(lock_path), "%s/scxbench.lock",
			 t && t[0] == '/' ? t : "/tmp");
	return lock_path;
}

/* Who holds it, from what it wrote: "pid 123 (scxbench compare ...)". */
static void holder(int fd, char *buf, size_t len)
{
	char text[512];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	struct owner o;
	char *nl;

	buf[0] = 0;
	if (n <= 0)
		return;
	text[n] = 0;
	nl = strchr(text, '\n');
	if (!nl || owner__parse(text, &o))
		return;
	*nl = 0;
	snprintf(buf, len, "pid %d: %.200s", (int)o.pid, nl + 1);
	buf[strcspn(buf, "\n")] = 0;
}

int bench_lock__take(bool wait, const char *cmdline, char *err, size_t errlen)
{
	const char *path = bench_lock__path();
	char who[300], rec[128];
	struct owner self;
	int fd;

	if (lock_fd >= 0)
		return 0;
	/* a benchmark script (scripts/bench-lock.sh) holds it for us and for
	 * the peer tools it times beside us */
	if (getenv("SCXB_BENCH_LOCK_HELD") && !strcmp(getenv("SCXB_BENCH_LOCK_HELD"), path))
		return 0;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		int e = -errno;

		snprintf(err, errlen, "benchmark lock %s: %s", path, strerror(-e));
		return e;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;

		if (e != EWOULDBLOCK) {
			snprintf(err, errlen, "benchmark lock %s: %s", path, strerror(e));
			close(fd);
			return -e;
		}
		holder(fd, who, sizeof(who));
		if (!wait) {
			snprintf(err, errlen, "another benchmark is running on this machine (%s); "
				 "it would disturb this one: try again when it is done",
				 who[0] ? who : path);
			close(fd);
			return -EWOULDBLOCK;
		}
		pr_info("another benchmark is running on this machine (%s): waiting for it to end "
			"(--no-wait to fail instead)\n", who[0] ? who : path);
		/* a signal (our handlers have no SA_RESTART) ends the wait */
		if (flock(fd, LOCK_EX)) {
			e = errno;
			snprintf(err, errlen, e == EINTR ? "interrupted while waiting for the"
				 " benchmark lock %s" : "benchmark lock %s: %s", path, strerror(e));
			close(fd);
			return -e;
		}
	}
	/* for whoever waits next */
	owner__self(&self);
	if (!owner__format(&self, rec, sizeof(rec)) && !ftruncate(fd, 0)) {
		dprintf(fd, "%s\n%s\n", rec, cmdline ? cmdline : "scxbench");
		fsync(fd);
	}
	lock_fd = fd;
	/* what we run (a cmd: workload, a captured command) is part of this
	 * benchmark: an scxbench among it must not wait for us */
	setenv("SCXB_BENCH_LOCK_HELD", path, 1); /* held until exit: the kernel releases it */
	return 0;
}
