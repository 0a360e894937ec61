// SPDX-License-Identifier: GPL-2.0
/*
 * A command as a child we own (cmd_proc.h says what it guarantees). The
 * child reports a failed execvp() through a CLOEXEC pipe, so "not found"
 * and "exited 127" are told apart; the supervisor sleeps on a pidfd.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness/lib/util.h"
#include "workloads/cmd_proc.h"
#include "workloads/wl_internal.h"

struct cmd_proc {
	pid_t pid;
	int pidfd;
	int gate;        /* write end: one byte lets the child exec */
	int exec_status; /* read end: errno of a failed exec, EOF on success */
	int out[3];      /* [1] stdout, [2] stderr files */
	bool done, killed, released;
	int status;
	struct rusage ru;
	uint64_t t0, t1;
	char cg[PATH_MAX]; /* its cgroup v2 directory, "" when it has none */
};

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

/* Where cgroup v2 is mounted: /sys/fs/cgroup, or .../unified on a hybrid
 * hierarchy; NULL without one. */
static const char *cg2_root(void)
{
	static const char *const roots[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	struct statfs sf;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (!statfs(roots[i], &sf) && sf.f_type == CGROUP2_SUPER_MAGIC)
			return roots[i];
	return NULL;
}

static int cg_write(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/*
 * A cgroup of its own below ours, the held child moved into it: whatever
 * it starts stays inside, even what leaves its process group (setsid, a
 * daemon), and cgroup.kill ends all of it at once. Best effort: without a
 * writable cgroup v2 hierarchy (v1 only, no cgroup.kill before 5.14, not
 * root) the process group alone is what holds it (c->cg stays "").
 */
static void cg_create(struct cmd_proc *c)
{
	const char *root = cg2_root();
	char line[PATH_MAX], dir[PATH_MAX], pid[24];
	FILE *f;

	c->cg[0] = 0;
	if (!root || !(f = fopen("/proc/self/cgroup", "re")))
		return;
	dir[0] = 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(dir, sizeof(dir), "%s", line + 3);
		}
	fclose(f);
	if (!dir[0] || snprintf(c->cg, sizeof(c->cg), "%s%s%sscxbench-cmd-%d", root, dir,
				 strcmp(dir, "/") ? "/" : "", (int)c->pid) >= (int)sizeof(c->cg))
		goto none;
	snprintf(line, sizeof(line), "%s/cgroup.kill", c->cg);
	if (mkdir(c->cg, 0755))
		goto none;
	snprintf(pid, sizeof(pid), "%d", (int)c->pid);
	if (access(line, W_OK) || cg_write(c->cg, "cgroup.procs", pid)) {
		rmdir(c->cg);
		goto none;
	}
	return;
none:
	c->cg[0] = 0;
}

/* Is anything still alive in its cgroup? Pids seen are appended to
 * seen[] (up to max) so that those that were orphaned to us get reaped. */
static bool cg_populated(const struct cmd_proc *c, pid_t *seen, int *nseen, int max)
{
	char path[PATH_MAX + 32];
	bool any = false;
	FILE *f;
	int p;

	snprintf(path, sizeof(path), "%s/cgroup.procs", c->cg);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (fscanf(f, "%d", &p) == 1) {
		bool known = false;

		any = true;
		for (int i = 0; i < *nseen && !known; i++)
			known = seen[i] == p;
		if (!known && *nseen < max)
			seen[(*nseen)++] = p;
	}
	fclose(f);
	return any;
}

/* Kill everything in its cgroup, reap what was orphaned to us (the runner
 * is a child subreaper), remove the cgroup. Bounded: 2 s. */
static void cg_kill(struct cmd_proc *c)
{
	pid_t seen[1024];
	int nseen = 0;

	if (!c->cg[0])
		return;
	for (int ms = 0; ms < 2000; ms++) {
		const struct timespec t = { 0, 1000000 };
		bool alive = cg_populated(c, seen, &nseen, 1024);

		if (alive)
			cg_write(c->cg, "cgroup.kill", "1");
		for (int i = 0; i < nseen; i++)
			if (seen[i] != c->pid)
				waitpid(seen[i], NULL, WNOHANG);
		if (!alive)
			break;
		nanosleep(&t, NULL);
	}
	for (int i = 0; i < nseen; i++)
		if (seen[i] != c->pid)
			waitpid(seen[i], NULL, WNOHANG);
	for (int ms = 0; ms < 200 && rmdir(c->cg) && errno == EBUSY; ms++) {
		const struct timespec t = { 0, 1000000 };

		nanosleep(&t, NULL);
	}
	c->cg[0] = 0;
}

/* An unlinked file in $TMPDIR: nothing to remove afterwards. */
static int tmp_file(void)
{
	const char *t = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	if (!t || t[0] != '/')
		t = "/tmp";
	fd = open(t, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	snprintf(path, sizeof(path), "%s/scxbench-cmd-XXXXXX", t);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd >= 0)
		unlink(path);
	return fd >= 0 ? fd : -errno;
}

/* Is name (no slash) an executable file somewhere in PATH? */
static bool in_path(const char *name)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		if (snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? path : ".", name) <
		    (int)sizeof(buf) && !access(buf, X_OK)) {
			struct stat st;

			if (!stat(buf, &st) && S_ISREG(st.st_mode))
				return true;
		}
		path += n + (path[n] == ':');
	}
	return false;
}

static void child(struct cmd_proc *c, char *const *argv, int gate_rd, int status_wr)
{
	int e, nul;
	char b;

	setpgid(0, 0);
	wl_child_setup("scxb-cmd");
	nul = open("/dev/null", O_RDONLY);
	if (nul >= 0 && nul != 0) {
		dup2(nul, 0);
		close(nul);
	}
	dup2(c->out[1], 1);
	dup2(c->out[2], 2);
	while (read(gate_rd, &b, 1) < 0 && errno == EINTR)
		;
	close(gate_rd);
	execvp(argv[0], argv);
	e = errno;
	if (write(status_wr, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int cmd_proc__check(char *const *argv, char *err, size_t len)
{
	if (!argv || !argv[0] || !argv[0][0]) {
		snprintf(err, len, "empty command");
		return -EINVAL;
	}
	if (strchr(argv[0], '/') ? access(argv[0], X_OK) : !in_path(argv[0])) {
		snprintf(err, len, "%s: %s", argv[0],
			 strchr(argv[0], '/') ? strerror(errno) : "command not found in PATH");
		return -ENOENT;
	}
	return 0;
}

int cmd_proc__start(char *const *argv, struct cmd_proc **out, char *err, size_t len)
{
	struct cmd_proc *c;
	int gate[2] = { -1, -1 }, st[2] = { -1, -1 }, rc;

	*out = NULL;
	rc = cmd_proc__check(argv, err, len);
	if (rc)
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->pidfd = c->gate = c->exec_status = c->out[1] = c->out[2] = -1;
	c->out[0] = -1;
	c->out[1] = tmp_file();
	c->out[2] = tmp_file();
	if (c->out[1] < 0 || c->out[2] < 0 || pipe2(gate, O_CLOEXEC) || pipe2(st, O_CLOEXEC)) {
		rc = c->out[1] < 0 ? c->out[1] : c->out[2] < 0 ? c->out[2] : -errno;
		snprintf(err, len, "cannot set up the command's files: %s", strerror(-rc));
		goto fail;
	}
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		rc = -errno;
		snprintf(err, len, "fork: %s", strerror(-rc));
		goto fail;
	}
	if (c->pid == 0) {
		close(gate[1]);
		close(st[0]);
		child(c, argv, gate[0], st[1]);
	}
	/* also here: kill(-pid) must work before the child ran */
	setpgid(c->pid, c->pid);
	/* held at the gate: nothing it runs can start outside its cgroup */
	cg_create(c);
	close(gate[0]);
	close(st[1]);
	c->gate = gate[1];
	c->exec_status = st[0];
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	*out = c;
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (gate[i] >= 0)
			close(gate[i]);
		if (st[i] >= 0)
			close(st[i]);
	}
	cmd_proc__free(c);
	return rc;
}

pid_t cmd_proc__pid(const struct cmd_proc *c)
{
	return c->pid;
}

int cmd_proc__release(struct cmd_proc *c, char *err, size_t len)
{
	char b = 'g';
	int e = 0;
	ssize_t n;

	c->t0 = now_mono_ns();
	c->released = true;
	if (write(c->gate, &b, 1) != 1) {
		snprintf(err, len, "cannot start the command: %s", strerror(errno));
		return -EIO;
	}
	close(c->gate);
	c->gate = -1;
	do
		n = read(c->exec_status, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(c->exec_status);
	c->exec_status = -1;
	if (n == sizeof(e)) {
		snprintf(err, len, "cannot execute the command: %s", strerror(e));
		return -e;
	}
	return 0;
}

static bool reap(struct cmd_proc *c, int flags)
{
	pid_t r;

	if (c->done)
		return true;
	do
		r = wait4(c->pid, &c->status, flags, &c->ru);
	while (r < 0 && errno == EINTR);
	if (r == c->pid || (r < 0 && errno == ECHILD)) {
		c->t1 = now_mono_ns();
		c->done = true;
	}
	return c->done;
}

int cmd_proc__wait(struct cmd_proc *c, uint64_t deadline_ns, volatile sig_atomic_t *stop)
{
	for (;;) {
		struct pollfd p = { .fd = c->pidfd, .events = POLLIN };
		uint64_t now;
		int ms;

		if (reap(c, WNOHANG))
			return 0;
		if (stop && *stop)
			return -EINTR;
		now = now_mono_ns();
		if (now >= deadline_ns)
			return -ETIMEDOUT;
		/* a signal that lands just before poll() is seen within 100 ms */
		ms = (int)((deadline_ns - now + 999999) / 1000000);
		if (ms > 100)
			ms = 100;
		if (c->pidfd < 0 && ms > 10)
			ms = 10;
		poll(&p, c->pidfd >= 0, ms);
	}
}

void cmd_proc__kill(struct cmd_proc *c)
{
	if (!c || c->pid <= 0)
		return;
	if (!c->done) {
		c->killed = true;
		kill(-c->pid, SIGKILL);
		reap(c, 0);
	}
	wl_group_reap(c->pid);
	cg_kill(c);
}

int cmd_proc__status(const struct cmd_proc *c)
{
	return c->status;
}

const struct rusage *cmd_proc__rusage(const struct cmd_proc *c)
{
	return &c->ru;
}

uint64_t cmd_proc__elapsed_ns(const struct cmd_proc *c)
{
	return c->done && c->released && c->t1 > c->t0 ? c->t1 - c->t0 : 0;
}

bool cmd_proc__killed(const struct cmd_proc *c)
{
	return c->killed;
}

char *cmd_proc__output(const struct cmd_proc *c, int fd, size_t max)
{
	off_t size = lseek(c->out[fd], 0, SEEK_END), from;
	size_t got = 0;
	char *buf;

	if (size < 0)
		size = 0;
	from = (off_t)max < size ? size - (off_t)max : 0;
	buf = malloc((size_t)(size - from) + 1);
	if (!buf)
		return NULL;
	while (got < (size_t)(size - from)) {
		ssize_t n = pread(c->out[fd], buf + got, (size_t)(size - from) - got, from + got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	/* a NUL in the output would cut the text short: make it visible */
	for (size_t i = 0; i < got; i++)
		if (!buf[i])
			buf[i] = '?';
	return buf;
}

void cmd_proc__free(struct cmd_proc *c)
{
	if (!c)
		return;
	cmd_proc__kill(c);
	if (c->pidfd >= 0)
		close(c->pidfd);
	if (c->gate >= 0)
		close(c->gate);
	if (c->exec_status >= 0)
		close(c->exec_status);
	for (int i = 1; i < 3; i++)
		if (c->out[i] >= 0)
			close(c->out[i]);
	free(c);
}

void cmd_proc__describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status %#x", status);
}
