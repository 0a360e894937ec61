// SPDX-License-Identifier: GPL-2.0
/*
 * The run directory a boot shares with its guest (scripts/guest-init has
 * the guest's side). It lives in $TMPDIR, is shared writable at the same
 * path in the guest, and holds:
 *
 *   owner          our owner record: a later boot removes the dir if we died
 *   cmd.sh         what the guest runs: our environment, cwd and argv
 *   initrd.cpio    busybox, guest-init, /scxb.conf, the modules it needs
 *   stdout stderr  the command's output, forwarded here as it grows
 *   ctl.in ctl.out the pipe behind the guest's "scxb-ctl" port (stop)
 *   guest.db*      the database the command left at VM_GUEST_DB
 *   status         written last by the guest: how the command ended
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/owner.h"
#include "harness/lib/util.h"
#include "harness/vm/impl.h"

#define VM_TMP_PREFIX "scxbench-vm."
#define VM_CMD_PIDFILE "/run/scxb/cmd.pid"

extern char **environ;

int vm__make_tmp_dir(char *buf, size_t len)
{
	/* dirs of scxbench processes that were SIGKILLed (their QEMU died
	 * with them, PR_SET_PDEATHSIG) are swept first */
	return owner__mkdtemp(VM_TMP_PREFIX, buf, len, NULL);
}

void vm__remove_tmp_dir(const char *dir)
{
	if (!dir || !dir[0])
		return;
	if (remove_tree(dir))
		pr_warn("vm: could not remove %s: %s\n", dir, strerror(errno));
}

/* Single quotes protect every byte but the quote itself: ' -> '\'' */
static void fput_shell_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static bool env_overridden(const struct vm_cmd *c, const char *kv)
{
	size_t n = strcspn(kv, "=");

	for (int i = 0; i < c->nenv; i++)
		if (!strncmp(c->env[i], kv, n) && c->env[i][n] == '=')
			return true;
	return false;
}

/*
 * cmd.sh runs under `env -i /bin/sh` in the guest: it records its pid (the
 * stop request signals it), enters our current directory and execs the
 * command through env(1) with exactly our environment, so that names the
 * shell could not export pass too and argv[0] is found through our PATH.
 */
int vm_guest__write_cmd(struct vm_guest *g, const struct vm_cmd *c, char *err, size_t errlen)
{
	char path[PATH_MAX + 16], cwd[PATH_MAX];
	FILE *f;

	if (strchr(c->argv[0], '=')) {
		vm__set_err(err, errlen, "cannot run '%s' in the guest: the name holds '='",
			    c->argv[0]);
		return -EINVAL;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "/");
	snprintf(path, sizeof(path), "%s/cmd.sh", g->dir);
	f = fopen(path, "we");
	if (!f) {
		vm__set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	fputs("echo $$ > " VM_CMD_PIDFILE "\ncd ", f);
	fput_shell_quoted(f, cwd);
	fputs(" 2>/dev/null || { echo \"scxbench: warning: the current directory ", f);
	fput_shell_quoted(f, cwd);
	fputs(" is not visible in the guest; running in /\" >&2; cd /; }\nexec /usr/bin/env", f);
	for (char **e = environ; e && *e; e++) {
		if (!strchr(*e, '=') || env_overridden(c, *e))
			continue;
		fputs(" \\\n\t", f);
		fput_shell_quoted(f, *e);
	}
	for (int i = 0; i < c->nenv; i++) {
		fputs(" \\\n\t", f);
		fput_shell_quoted(f, c->env[i]);
	}
	for (int i = 0; i < c->argc; i++) {
		fputs(" \\\n\t", f);
		fput_shell_quoted(f, c->argv[i]);
	}
	fputc('\n', f);
	if (fclose(f)) {
		vm__set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/* scripts/NAME next to the binary (build/../scripts), else ./scripts. */
static int script_path(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX], dir[PATH_MAX];
	struct stat st;

	if (realpath("/proc/self/exe", self) && !vm_kernel__dir(self, dir, sizeof(dir)) &&
	    !xsnprintf(buf, len, "%s/../scripts/%s", dir, name) && !stat(buf, &st))
		return 0;
	if (!xsnprintf(buf, len, "scripts/%s", name) && !stat(buf, &st))
		return 0;
	return -ENOENT;
}

/* Run a helper without a shell, its output to logpath; exit status or -errno. */
static int run_helper(char *const argv[], const char *logpath)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int null = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, 2);
			dup2(fd, 1);
		}
		if (null >= 0)
			dup2(null, 0);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -errno;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + WTERMSIG(st);
}

static void last_line_of(const char *path, char *buf, size_t len)
{
	char line[512];
	FILE *f;

	buf[0] = 0;
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (line[0])
			xsnprintf(buf, len, "%s", line);
	}
	fclose(f);
}

/*
 * What the guest init needs before it can reach the host's files: the 9p
 * stack, overlayfs, and the virtio drivers when this kernel has them as
 * modules. With no readable config they are all asked for, as optional.
 */
static const struct {
	const char *sym, *mod;
} needed_modules[] = {
	{ "CONFIG_VIRTIO_PCI", "virtio_pci" },
	{ "CONFIG_VIRTIO_CONSOLE", "virtio_console" },
	{ "CONFIG_NET_9P_VIRTIO", "9pnet_virtio" },
	{ "CONFIG_9P_FS", "9p" },
	{ "CONFIG_OVERLAY_FS", "overlay" },
};

static void fput_conf(FILE *f, const char *key, const char *value)
{
	fprintf(f, "%s=", key);
	fput_shell_quoted(f, value ? value : "");
	fputc('\n', f);
}

int vm_guest__initramfs(struct vm_guest *g, const char *kernel, const char *mode,
			char *out, size_t outlen, char *err, size_t errlen)
{
	char script[PATH_MAX], kdir[PATH_MAX], cfg[PATH_MAX + 8], mdir[PATH_MAX + 8];
	char conf[PATH_MAX + 16], fconf[PATH_MAX + 32], logf[PATH_MAX + 24], host[256] = "";
	char *argv[32];
	int na = 0, rc;
	FILE *f;

	if (script_path("mkinitramfs.sh", script, sizeof(script))) {
		vm__set_err(err, errlen, "scripts/mkinitramfs.sh not found next to the binary nor in ./scripts");
		return -ENOENT;
	}
	if (vm_kernel__dir(kernel, kdir, sizeof(kdir)) ||
	    xsnprintf(cfg, sizeof(cfg), "%s/config", kdir) ||
	    xsnprintf(mdir, sizeof(mdir), "%s/modules", kdir) ||
	    xsnprintf(out, outlen, "%s/initrd.cpio", g->dir) ||
	    xsnprintf(conf, sizeof(conf), "%s/scxb.conf", g->dir) ||
	    xsnprintf(fconf, sizeof(fconf), "%s:/scxb.conf", conf) ||
	    xsnprintf(logf, sizeof(logf), "%s/mkinitramfs.log", g->dir)) {
		vm__set_err(err, errlen, "path too long");
		return -ENAMETOOLONG;
	}
	gethostname(host, sizeof(host) - 1);
	f = fopen(conf, "we");
	if (!f) {
		vm__set_err(err, errlen, "%s: %s", conf, strerror(errno));
		return -errno;
	}
	fput_conf(f, "DIR", g->dir);
	fput_conf(f, "KDIR", kdir);
	fput_conf(f, "MODE", mode);
	fput_conf(f, "HOST", host);
	fput_conf(f, "DB", VM_GUEST_DB);
	fput_conf(f, "PIDF", VM_CMD_PIDFILE);
	if (fclose(f)) {
		vm__set_err(err, errlen, "%s: %s", conf, strerror(errno));
		return -EIO;
	}
	argv[na++] = script;
	argv[na++] = "--out";
	argv[na++] = out;
	argv[na++] = "--file";
	argv[na++] = fconf;
	argv[na++] = "--modules-dir";
	argv[na++] = mdir;
	for (size_t i = 0; i < ARRAY_SIZE(needed_modules); i++) {
		char v = vm_kernel__config(cfg, needed_modules[i].sym);

		if (v == 'm' || !v) {
			argv[na++] = v ? "--module" : "--optional-module";
			argv[na++] = (char *)needed_modules[i].mod;
		}
	}
	argv[na] = NULL;
	rc = run_helper(argv, logf);
	if (rc) {
		char last[256];

		last_line_of(logf, last, sizeof(last));
		vm__set_err(err, errlen, "building the initramfs failed: %s",
			    last[0] ? last : "(no message)");
		return rc < 0 ? rc : -EIO;
	}
	return 0;
}

/* did a line start with our error prefix (the guest's command said what
 * ended it)? Lines may arrive split across reads. */
static void note_error_lines(struct vm_fwd *w, const char *buf, ssize_t n)
{
	static const char pfx[] = "scxbench: error: ";

	for (ssize_t i = 0; i < n; i++) {
		/* (a progress line is redrawn after a carriage return) */
		if (buf[i] == '\n' || buf[i] == '\r') {
			w->match = 0;
			continue;
		}
		if (w->match == VM_FWD_NOMATCH)
			continue;
		if (buf[i] != pfx[w->match]) {
			w->match = VM_FWD_NOMATCH;
		} else if (++w->match == sizeof(pfx) - 1) {
			w->said_error = true;
			w->match = VM_FWD_NOMATCH;
		}
	}
}

static void forward_one(struct vm_guest *g, struct vm_fwd *w)
{
	char buf[16384];
	ssize_t n;

	if (w->src < 0) {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/%s", g->dir, w->name);
		w->src = open(path, O_RDONLY | O_CLOEXEC);
		if (w->src < 0)
			return;
	}
	/* a regular file: 0 is "nothing more yet", the guest may still write */
	while ((n = read(w->src, buf, sizeof(buf))) > 0) {
		note_error_lines(w, buf, n);
		if (w->dst < 0)
			continue;
		for (ssize_t off = 0; off < n;) {
			ssize_t m = write(w->dst, buf + off, n - off);

			if (m < 0 && errno == EINTR)
				continue;
			if (m <= 0) {
				w->dst = -1; /* our stdout closed: drop the rest */
				break;
			}
			off += m;
		}
	}
}

void vm_guest__forward(struct vm_guest *g)
{
	forward_one(g, &g->out);
	forward_one(g, &g->errs);
}

int vm_guest__request_stop(struct vm_guest *g, int sig)
{
	const char *req = sig == SIGTERM ? "TERM\n" : "INT\n";
	char path[PATH_MAX + 16];
	int fd, err = 0;

	/* QEMU holds ctl.in open for reading: this neither blocks nor fails
	 * for want of a reader */
	snprintf(path, sizeof(path), "%s/ctl.in", g->dir);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		err = -EIO;
	close(fd);
	return err;
}

bool vm_guest__cmd_started(const struct vm_guest *g)
{
	char path[PATH_MAX + 16];

	/* guest-init redirects the command's stderr there as it starts it */
	snprintf(path, sizeof(path), "%s/stderr", g->dir);
	return !access(path, F_OK);
}

int vm_guest__read_status(struct vm_guest *g, struct vm_status *s)
{
	char path[PATH_MAX + 16], line[512];
	int err;

	memset(s, 0, sizeof(*s));
	s->exit = -1;
	snprintf(path, sizeof(path), "%s/status", g->dir);
	err = read_text_file(path, line, sizeof(line));
	if (err)
		return err == -ENOENT ? 0 : err;
	s->present = true;
	if (!strncmp(line, "error=", 6)) {
		s->error = true;
		snprintf(s->msg, sizeof(s->msg), "%s", line + 6);
		return 0;
	}
	if (sscanf(line, "exit=%d scx=%63s kernel=%127s", &s->exit, s->scx, s->kernel) != 3) {
		s->error = true;
		snprintf(s->msg, sizeof(s->msg), "bad status record from the guest: '%.100s'", line);
	}
	return 0;
}

/* Copy src to dst (both regular files). */
static int copy_file(const char *src, const char *dst)
{
	char buf[65536];
	int in, out, err = 0;
	ssize_t n;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		err = -errno;
		close(in);
		return err;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			err = -EIO;
			break;
		}
	}
	if (n < 0)
		err = -errno;
	if (close(out) && !err)
		err = -errno;
	close(in);
	return err;
}

int vm_guest__take_db(struct vm_guest *g, const char *out_db, bool *found, char *err,
		      size_t errlen)
{
	static const char *const parts[] = { "", "-wal" };
	char src[PATH_MAX + 32], dst[PATH_MAX + 32];
	int e;

	*found = false;
	snprintf(src, sizeof(src), "%s/guest.db", g->dir);
	if (access(src, R_OK))
		return 0;
	*found = true;
	if (!out_db)
		return 0;
	/* the WAL first: a reader of out_db must never see a main file
	 * without the log it needs */
	for (int i = (int)ARRAY_SIZE(parts) - 1; i >= 0; i--) {
		char tmp[PATH_MAX + 48];

		snprintf(src, sizeof(src), "%s/guest.db%s", g->dir, parts[i]);
		if (xsnprintf(dst, sizeof(dst), "%s%s", out_db, parts[i]) ||
		    xsnprintf(tmp, sizeof(tmp), "%s.vmtmp", dst)) {
			vm__set_err(err, errlen, "database path too long");
			return -ENAMETOOLONG;
		}
		if (access(src, R_OK)) {
			unlink(dst);
			continue;
		}
		e = copy_file(src, tmp);
		if (!e && rename(tmp, dst))
			e = -errno;
		if (e) {
			unlink(tmp);
			vm__set_err(err, errlen, "copying the guest database to %s: %s", dst,
				    strerror(-e));
			return e;
		}
	}
	return 0;
}

void vm_guest__close(struct vm_guest *g)
{
	if (g->out.src >= 0)
		close(g->out.src);
	if (g->errs.src >= 0)
		close(g->errs.src);
	g->out.src = g->errs.src = -1;
	if (g->dir[0])
		vm__remove_tmp_dir(g->dir);
	g->dir[0] = 0;
}
