// SPDX-License-Identifier: GPL-2.0
/*
 * exec: schedulers, external binaries such as scx_lavd. The binary is
 * resolved as a shell would (a name through PATH, a path with a slash
 * from the current directory) and identified by what it is, never by
 * running it: resolved path, sha256 and ELF build id. Started with execv
 * (arguments passed through, no shell), in their own process group so a
 * terminal's ^C reaches scxbench and scxbench decides when the scheduler
 * stops: SIGINT first (scx binaries unregister and print their exit
 * info), SIGKILL after a timeout. PR_SET_PDEATHSIG kills the scheduler if
 * scxbench dies, and its struct_ops link then unloads it.
 *
 * The kernel's exit info only reaches the process that attached the
 * scheduler, so for exec: it is what the output shows: the binary's
 * stdout+stderr go to an unlinked temporary file whose last 4 KiB are
 * kept, and a "scx_exit: kind=N" line (scxbench load) or an "EXIT: reason"
 * line (the scx tools) there gives the kind.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sha2.h>

#include "harness/lib/log.h"
#include "harness/sched/impl.h"
#include "scx_exit_kinds.h"
#include "harness/lib/util.h"

#define STOP_TIMEOUT_S    5.0
/* how long the kernel may take to disable a dead loader's ops by itself */
#define ORPHAN_WAIT_S     1.0

struct exec_sched {
	char path[PATH_MAX]; /* as resolved: what execv runs */
	char **argv;     /* argv[0] = name as given, then the arguments */
	pid_t pid;       /* 0 when not running */
	int status;      /* wait status once reaped */
	bool reaped;
	bool signalled;  /* we sent SIGINT/SIGKILL */
	bool killed;     /* SIGINT was not enough */
	int out_fd;      /* unlinked file holding its output */
};

static int resolve_path(const char *cmd, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];

	if (strchr(cmd, '/')) {
		if (access(cmd, X_OK))
			return -errno;
		return xsnprintf(out, len, "%s", cmd);
	}
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; ; p = end + 1) {
		struct stat st;

		end = strchrnul(p, ':');
		if (end > p && !xsnprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, cmd) &&
		    !stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK))
			return xsnprintf(out, len, "%s", buf);
		if (!*end)
			return -ENOENT;
	}
}

/* Child side of every fork here: own process group, default signals, dies
 * with its parent, stdin from /dev/null, stdout+stderr to out_fd. */
static void child_setup(int out_fd, pid_t parent)
{
	sigset_t none;
	int fd;

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	dup2(out_fd, 1);
	dup2(out_fd, 2);
}

/* sha256 of the file as hex, "" when it cannot be read */
static void file_sha256(const char *path, char *out)
{
	unsigned char buf[65536];
	SHA2_CTX ctx;
	ssize_t n;
	int fd;

	out[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	SHA256Init(&ctx);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		SHA256Update(&ctx, buf, n);
	close(fd);
	if (n == 0)
		SHA256End(&ctx, out);
}

/* The ELF NT_GNU_BUILD_ID note as hex, "" when there is none. */
static void elf_build_id(const char *path, char *out, size_t len)
{
	Elf_Scn *scn = NULL;
	Elf *e;
	int fd;

	out[0] = 0;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	e = elf_begin(fd, ELF_C_READ, NULL);
	while (e && elf_kind(e) == ELF_K_ELF && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *d;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE || !(d = elf_getdata(scn, NULL)))
			continue;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *desc = (const unsigned char *)d->d_buf + doff;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)d->d_buf + noff, "GNU", 4))
				continue;
			for (size_t i = 0; i < nh.n_descsz && 2 * i + 2 < len; i++)
				snprintf(out + 2 * i, 3, "%02x", desc[i]);
			goto done;
		}
	}
done:
	if (e)
		elf_end(e);
	close(fd);
}

static bool exec_reap(struct exec_sched *e, bool block)
{
	pid_t r;

	if (!e->pid || e->reaped)
		return e->reaped;
	do
		r = waitpid(e->pid, &e->status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == e->pid)
		e->reaped = true;
	return e->reaped;
}

static int exec_start(struct sched *s, char *err, size_t errlen)
{
	struct exec_sched *e = s->priv;
	const char *tmpdir = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	int epfd[2], child_errno = 0, ret;
	pid_t parent = getpid();
	ssize_t r;

	/* what it is, read from the file: the run records it */
	if (!realpath(e->path, s->ident.path))
		snprintf(s->ident.path, sizeof(s->ident.path), "%s", e->path);
	file_sha256(s->ident.path, s->ident.sha256);
	elf_build_id(s->ident.path, s->ident.build_id, sizeof(s->ident.build_id));
	s->have_ident = true;

	if (xsnprintf(tmpl, sizeof(tmpl), "%s/scxbench-exec-XXXXXX",
		      tmpdir && tmpdir[0] == '/' ? tmpdir : "/tmp")) {
		xsnprintf(err, errlen, "TMPDIR too long");
		return -ENAMETOOLONG;
	}
	e->out_fd = mkostemp(tmpl, O_CLOEXEC | O_APPEND);
	if (e->out_fd < 0) {
		ret = -errno;
		xsnprintf(err, errlen, "cannot create a file for %s's output: %s", s->name,
			  strerror(-ret));
		return ret;
	}
	unlink(tmpl);
	if (pipe2(epfd, O_CLOEXEC)) {
		ret = -errno;
		xsnprintf(err, errlen, "pipe: %s", strerror(-ret));
		return ret;
	}
	e->pid = fork();
	if (e->pid < 0) {
		ret = -errno;
		e->pid = 0;
		close(epfd[0]);
		close(epfd[1]);
		xsnprintf(err, errlen, "fork: %s", strerror(-ret));
		return ret;
	}
	if (!e->pid) {
		close(epfd[0]);
		child_setup(e->out_fd, parent);
		execv(e->path, e->argv);
		child_errno = errno;
		if (write(epfd[1], &child_errno, sizeof(child_errno)) < 0)
			_exit(126);
		_exit(127);
	}
	setpgid(e->pid, e->pid);
	close(epfd[1]);
	/* The pipe closes on a successful exec (CLOEXEC): EOF means it ran. */
	do
		r = read(epfd[0], &child_errno, sizeof(child_errno));
	while (r < 0 && errno == EINTR);
	close(epfd[0]);
	if (r == sizeof(child_errno)) {
		exec_reap(e, true);
		e->pid = 0;
		s->start_stage = FAIL_EXEC;
		xsnprintf(err, errlen, "scheduler %s: cannot execute %s: %s", s->name, e->path,
			  strerror(child_errno));
		return -child_errno;
	}
	pr_debug("sched: started %s as pid %d\n", e->path, e->pid);
	return 0;
}

static bool exec_has_exited(struct sched *s)
{
	struct exec_sched *e = s->priv;
	char state[32];

	if (exec_reap(e, false))
		return true;
	/* Once enabled, the scheduler can also be ejected while the binary
	 * lives on (some restart themselves): that ends the run too. */
	if (s->ops_name[0] && !scx_state(state, sizeof(state)) && strcmp(state, "enabled"))
		return true;
	return false;
}

static void read_tail(struct sched *s)
{
	struct exec_sched *e = s->priv;
	off_t size;
	ssize_t n;
	size_t i;

	s->output_tail[0] = 0;
	if (e->out_fd < 0)
		return;
	size = lseek(e->out_fd, 0, SEEK_END);
	if (size < 0)
		return;
	n = pread(e->out_fd, s->output_tail, SCHED_TAIL_LEN,
		  size > SCHED_TAIL_LEN ? size - SCHED_TAIL_LEN : 0);
	if (n < 0)
		n = 0;
	s->output_tail[n] = 0;
	/* NULs would cut the string short for whoever stores it */
	for (i = 0; i < (size_t)n; i++)
		if (!s->output_tail[i])
			s->output_tail[i] = ' ';
}

/*
 * The kernel's reason strings (scx_exit_reason()) and the kinds they
 * stand for: the numbers come from the kernel's BTF (scx_exit_kinds.h,
 * generated from vmlinux.h), not from here.
 */
static const struct {
	const char *reason;
	int64_t kind;
} exit_reasons[] = {
	{ "unregistered from user space", SCXB_SCX_EXIT_UNREG },
	{ "unregistered from BPF", SCXB_SCX_EXIT_UNREG_BPF },
	{ "unregistered from the main kernel", SCXB_SCX_EXIT_UNREG_KERN },
	{ "disabled by sysrq-S", SCXB_SCX_EXIT_SYSRQ },
	{ "runtime error", SCXB_SCX_EXIT_ERROR },
	{ "scx_bpf_error", SCXB_SCX_EXIT_ERROR_BPF },
	{ "runnable task stall", SCXB_SCX_EXIT_ERROR_STALL },
};

/* Copy up to the closing quote of `key="...`; false if key is absent. */
static bool quoted_field(const char *line, const char *key, const char *stop,
			 char *out, size_t len)
{
	const char *p = strstr(line, key), *end;

	if (!p)
		return false;
	p += strlen(key);
	end = stop ? strstr(p, stop) : NULL;
	if (!end)
		end = strrchr(p, '"');
	if (!end || end < p)
		end = p + strlen(p);
	snprintf(out, len, "%.*s", (int)(end - p), p);
	return true;
}

/* Exit info from the output: the last "scx_exit: kind=" line (scxbench
 * load), else the last "EXIT: " line (the scx tools' uei_report). */
static void parse_exit(const char *tail, struct sched_exit *ex)
{
	const char *p, *line = NULL, *eline = NULL;
	char buf[1200];
	size_t i;

	for (p = tail; (p = strstr(p, "scx_exit: kind=")); p++)
		line = p;
	if (line) {
		snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(line, "\n"), line);
		{
			char num[24];
			int64_t k;

			/* "scx_exit: kind=N reason=...": N must be a number */
			snprintf(num, sizeof(num), "%.*s",
				 (int)strcspn(buf + strlen("scx_exit: kind="), " "),
				 buf + strlen("scx_exit: kind="));
			ex->kind = parse_i64(num, 0, INT32_MAX, &k) ? 0 : k;
		}
		quoted_field(buf, "reason=\"", "\" msg=\"", ex->reason, sizeof(ex->reason));
		quoted_field(buf, "msg=\"", NULL, ex->msg, sizeof(ex->msg));
		return;
	}
	for (p = tail; (p = strstr(p, "EXIT: ")); p++)
		eline = p;
	if (!eline)
		return;
	snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(eline, "\n"), eline + 6);
	for (i = 0; i < ARRAY_SIZE(exit_reasons); i++) {
		size_t n = strlen(exit_reasons[i].reason);

		if (!strncmp(buf, exit_reasons[i].reason, n)) {
			ex->kind = exit_reasons[i].kind;
			snprintf(ex->reason, sizeof(ex->reason), "%s", exit_reasons[i].reason);
			snprintf(ex->msg, sizeof(ex->msg), "%s", buf + n + (buf[n] == ' '));
			return;
		}
	}
	snprintf(ex->msg, sizeof(ex->msg), "%s", buf);
}

/*
 * A loader that registered its ops without a link (libbpf < 1.2, or
 * SEC(".struct_ops")) and died by a signal (anyone's, or ours after the
 * SIGINT timeout) leaves them loaded for good: nobody is left to
 * unregister them, and every later run would find sched_ext busy. Ours,
 * known by their ops name, are ejected as an operator would (sysrq-S).
 * true when that was needed.
 */
static bool eject_orphan(struct sched *s)
{
	char ops[64];

	if (!s->ops_name[0] || !scx_kernel_supported() ||
	    scx_wait_state("disabled", ORPHAN_WAIT_S) != -ETIMEDOUT ||
	    scx_ops_name(ops, sizeof(ops)) || strcmp(ops, s->ops_name))
		return false;
	pr_warn("%s died and left its ops '%s' loaded: ejecting them (sysrq-S)\n", s->name, ops);
	if (scx_eject())
		pr_warn("sysrq-S: %s\n", strerror(errno));
	return true;
}

static int exec_stop(struct sched *s, struct sched_exit *ex)
{
	struct exec_sched *e = s->priv;
	char how[96];
	uint64_t deadline;
	bool orphan;

	if (e->pid && !exec_reap(e, false)) {
		e->signalled = true;
		kill(-e->pid, SIGINT);
		deadline = now_mono_ns() + (uint64_t)(STOP_TIMEOUT_S * 1e9);
		while (!exec_reap(e, false) && now_mono_ns() < deadline) {
			struct timespec nap = { 0, 10 * 1000 * 1000 };

			nanosleep(&nap, NULL);
		}
		if (!e->reaped) {
			pr_warn("%s did not exit %.0f s after SIGINT: killing it\n", s->name,
				STOP_TIMEOUT_S);
			e->killed = true;
			kill(-e->pid, SIGKILL);
			exec_reap(e, true);
		}
	}
	read_tail(s);
	if (!e->reaped)
		return 0;
	orphan = eject_orphan(s);
	ex->proc_valid = true;
	if (WIFEXITED(e->status)) {
		ex->proc_exit = WEXITSTATUS(e->status);
		snprintf(how, sizeof(how), "exit status %d", WEXITSTATUS(e->status));
	} else {
		ex->proc_exit = -1;
		ex->proc_signal = WTERMSIG(e->status);
		snprintf(how, sizeof(how), "killed by signal %d", WTERMSIG(e->status));
	}

	ex->valid = true;
	parse_exit(s->output_tail, ex);
	if (!ex->reason[0])
		snprintf(ex->reason, sizeof(ex->reason), "%s %s",
			 e->killed ? "killed after SIGINT timeout:" :
			 e->signalled ? "stopped with SIGINT:" : "exited on its own:", how);
	if (orphan)
		snprintf(ex->reason + strlen(ex->reason), sizeof(ex->reason) - strlen(ex->reason),
			 "; its ops stayed loaded: ejected");
	return 0;
}

static int exec_add_counters(struct sched *s, struct results *res)
{
	return 0;
}

static void exec_free(struct sched *s)
{
	struct exec_sched *e = s->priv;

	if (!e)
		return;
	if (e->pid && !exec_reap(e, false)) {
		kill(-e->pid, SIGKILL);
		exec_reap(e, true);
	}
	if (e->out_fd >= 0)
		close(e->out_fd);
	free(e->argv);
	free(e);
	s->priv = NULL;
}

static const struct sched_impl sched_exec_impl = {
	.kind = "exec",
	.uses_scx = true,
	.start = exec_start,
	.has_exited = exec_has_exited,
	.stop = exec_stop,
	.add_counters = exec_add_counters,
	.free = exec_free,
};

int sched_exec__init(struct sched *s, const char *cmd, char *err, size_t errlen)
{
	struct exec_sched *e;
	int n = 0, i, ret;

	if (!*cmd) {
		xsnprintf(err, errlen, "exec: needs a binary, e.g. exec:scx_lavd");
		return -EINVAL;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		goto nomem;
	e->out_fd = -1;
	ret = resolve_path(cmd, e->path, sizeof(e->path));
	if (ret) {
		xsnprintf(err, errlen, "exec:%s: %s", cmd,
			  ret == -ENOENT ? (strchr(cmd, '/') ? "no such file" : "not found in PATH")
					 : strerror(-ret));
		free(e);
		return ret;
	}
	while (s->args && s->args[n])
		n++;
	e->argv = calloc(n + 2, sizeof(*e->argv));
	if (!e->argv)
		goto nomem;
	/* argv strings are s's (its split spec) or the caller's (sched_opts):
	 * both outlive e */
	e->argv[0] = (char *)cmd;
	for (i = 0; i < n; i++)
		e->argv[i + 1] = s->args[i];
	s->priv = e;
	s->impl = &sched_exec_impl;
	return 0;
nomem:
	if (e)
		free(e);
	xsnprintf(err, errlen, "out of memory");
	return -ENOMEM;
}
