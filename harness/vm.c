// SPDX-License-Identifier: GPL-2.0
/*
 * The VM place. One call of vm__run() is one QEMU boot:
 *
 *   checks (kernel is a bzImage with sched_ext, QEMU found, we are static)
 *   -> temp dir with argv.sh + mode -> scripts/mkinitramfs.sh builds the
 *   initramfs (busybox, this binary, scripts/guest-init, needed modules)
 *   -> QEMU (TCG, or KVM where it was seen to boot this kernel) with the
 *   serial console on a pipe we read and a virtio-serial port "results"
 *   backed by a file -> wait (timeout, runner_stop) -> parse the framed
 *   record the guest wrote (see scripts/guest-init) -> guest database to
 *   out_db -> QEMU killed and temp dir removed on every path.
 *
 * QEMU runs in its own process group (a terminal ^C reaches only us, and we
 * decide) with PR_SET_PDEATHSIG, so even a SIGKILLed scxbench takes its
 * guest down with it.
 */
#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "runner.h"
#include "util.h"
#include "vm.h"

#define VM_GUEST_DB      "/tmp/guest.db"
#define VM_DEFAULT_MEM   2048
#define VM_DEFAULT_TMO   1800.0
#define VM_KVM_PROBE_TMO 30.0
#define VM_TRAILER       "SCXB-END\n"

/* Set by runner.c's SIGINT/SIGTERM handler. */
static bool stop_requested(void)
{
	return runner_stop;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

int vm__cache_dir(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec says relative values are invalid: ignore them. */
	if (xdg && xdg[0] == '/')
		return xsnprintf(buf, len, "%s/scxbench", xdg);
	if (home && home[0])
		return xsnprintf(buf, len, "%s/.cache/scxbench", home);
	return -ENOENT;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

int vm__cached_kernel(char *buf, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX], best[NAME_MAX + 1] = "";
	struct dirent *de;
	DIR *d;
	int err;

	err = vm__cache_dir(dir, sizeof(dir));
	if (err)
		return err;
	/* kernels/current is what fetch-kernel.sh marks as newest complete. */
	if (!xsnprintf(path, sizeof(path), "%s/kernels/current/vmlinuz", dir) && is_file(path)) {
		char real[PATH_MAX];

		/* Resolved, so that the version folder (config, modules) is its dirname. */
		if (!realpath(path, real))
			return -errno;
		return xsnprintf(buf, len, "%s", real);
	}
	err = xsnprintf(path, sizeof(path), "%s/kernels", dir);
	if (err)
		return err;
	d = opendir(path);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		char k[PATH_MAX];

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "current"))
			continue;
		if (xsnprintf(k, sizeof(k), "%s/%s/vmlinuz", path, de->d_name) || !is_file(k))
			continue;
		if (!best[0] || strverscmp(de->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", de->d_name);
	}
	closedir(d);
	if (!best[0])
		return -ENOENT;
	return xsnprintf(buf, len, "%s/%s/vmlinuz", path, best);
}

/* x86 boot protocol: 0xAA55 at 0x1fe and "HdrS" at 0x202. */
static int check_bzimage(const char *path, char *err, size_t errlen)
{
	unsigned char hdr[0x210];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;

		set_err(err, errlen, "kernel image %s: %s", path, strerror(-e));
		return e;
	}
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (fstat(fd, &st) || n != (ssize_t)sizeof(hdr) || hdr[0x1fe] != 0x55 ||
	    hdr[0x1ff] != 0xaa || memcmp(hdr + 0x202, "HdrS", 4) || st.st_size < (1 << 20)) {
		close(fd);
		set_err(err, errlen, "kernel image %s is not an x86 bzImage (corrupt? re-run `scxbench vm fetch --update`)",
			path);
		return -ENOEXEC;
	}
	close(fd);
	/* setup_sects (0x1f1) and syssize (0x1f4, in 16-byte units) give the size. */
	{
		unsigned int setup = hdr[0x1f1] ? hdr[0x1f1] : 4;
		unsigned int sys16 = hdr[0x1f4] | hdr[0x1f5] << 8 | hdr[0x1f6] << 16 |
				     (unsigned int)hdr[0x1f7] << 24;
		long long want = (setup + 1) * 512LL + sys16 * 16LL;

		if (st.st_size < want) {
			set_err(err, errlen, "kernel image %s is truncated (%lld of %lld bytes): re-run `scxbench vm fetch --update`",
				path, (long long)st.st_size, want);
			return -ENOEXEC;
		}
	}
	return 0;
}

/*
 * Value of a CONFIG_ symbol in a .config: 'y', 'm', 'n' (not set or absent
 * from a readable file), or 0 when there is no readable file.
 */
static char config_value(const char *cfg, const char *sym)
{
	size_t sl = strlen(sym);
	char line[512];
	char v = 'n';
	FILE *f;

	f = fopen(cfg, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, sym, sl) && line[sl] == '=') {
			v = line[sl + 1];
			break;
		}
	}
	fclose(f);
	return v;
}

static int dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xsnprintf(buf, len, ".");
	return xsnprintf(buf, len, "%.*s", (int)(slash - path), path);
}

static int find_in_path(const char *name, char *buf, size_t len)
{
	const char *p = getenv("PATH");
	char *dup, *tok, *save = NULL;
	int err = -ENOENT;

	if (!p)
		p = "/usr/bin:/bin";
	dup = strdup(p);
	if (!dup)
		return -ENOMEM;
	for (tok = strtok_r(dup, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		if (xsnprintf(buf, len, "%s/%s", tok, name))
			continue;
		if (is_file(buf) && !access(buf, X_OK)) {
			err = 0;
			break;
		}
	}
	free(dup);
	return err;
}

/* A dynamic binary would find no libc in the busybox initramfs. */
static int elf_is_static(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int fd, i, err = 1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &eh, sizeof(eh), 0) != sizeof(eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64) {
		err = -ENOEXEC;
		goto out;
	}
	for (i = 0; i < eh.e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), eh.e_phoff + (off_t)i * eh.e_phentsize) != sizeof(ph)) {
			err = -ENOEXEC;
			goto out;
		}
		if (ph.p_type == PT_INTERP) {
			err = 0;
			goto out;
		}
	}
out:
	close(fd);
	return err;
}

/*
 * The QEMU to boot with: $SCXB_QEMU; else the private one scripts/get-qemu.sh
 * puts next to the binary (build/tools/qemu, QEMU 10 from bookworm-backports:
 * QEMU 7.2's multi-threaded TCG now and then runs a stale translation of
 * kernel text that sched_ext just patched, an "Oops: int3" in about one
 * boot in three of a 10-run comparison; none in our tries with 10); else
 * PATH. datadir: its firmware folder ("" for a system QEMU).
 */
static int find_qemu(char *buf, size_t len, char *datadir, size_t dlen)
{
	char self[PATH_MAX], dir[PATH_MAX];
	const char *env = getenv("SCXB_QEMU");

	datadir[0] = 0;
	if (env && *env)
		return xsnprintf(buf, len, "%s", env) ? -ENAMETOOLONG :
		       is_file(buf) && !access(buf, X_OK) ? 0 : -ENOENT;
	if (realpath("/proc/self/exe", self) && !dir_of(self, dir, sizeof(dir)) &&
	    !xsnprintf(buf, len, "%s/tools/qemu/usr/bin/qemu-system-x86_64", dir) &&
	    is_file(buf) && !access(buf, X_OK) &&
	    !xsnprintf(datadir, dlen, "%s/tools/qemu/usr/share", dir))
		return 0;
	datadir[0] = 0;
	return find_in_path("qemu-system-x86_64", buf, len);
}

/* find_qemu() failed: say what the user can change. */
static void qemu_missing(char *err, size_t errlen)
{
	const char *env = getenv("SCXB_QEMU");

	if (env && *env)
		set_err(err, errlen, "SCXB_QEMU=%s: not an executable file", env);
	else
		set_err(err, errlen, "qemu-system-x86_64 not found in PATH (apt-get install qemu-system-x86)");
}

/* scripts/NAME next to the binary (build/../scripts), else ./scripts. */
static int script_path(const char *name, char *buf, size_t len)
{
	char self[PATH_MAX], dir[PATH_MAX];

	if (realpath("/proc/self/exe", self) && !dir_of(self, dir, sizeof(dir)) &&
	    !xsnprintf(buf, len, "%s/../scripts/%s", dir, name) && is_file(buf))
		return 0;
	if (!xsnprintf(buf, len, "scripts/%s", name) && is_file(buf))
		return 0;
	return -ENOENT;
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

/*
 * The guest runs `scxbench ARGV... --host --db /tmp/guest.db`; when ARGV
 * has a `--` (arguments passed through to an exec: scheduler), our options
 * go before it so they are not passed through.
 */
static int write_argv(const char *path, int argc, char **argv)
{
	bool added = false;
	FILE *f;
	int i;

	f = fopen(path, "we");
	if (!f)
		return -errno;
	fputs("set --", f);
	for (i = 0; i <= argc; i++) {
		if (!added && (i == argc || !strcmp(argv[i], "--"))) {
			fputs(" --host --db " VM_GUEST_DB, f);
			added = true;
		}
		if (i == argc)
			break;
		fputc(' ', f);
		fput_shell_quoted(f, argv[i]);
	}
	fputc('\n', f);
	if (fclose(f))
		return -EIO;
	return 0;
}

/* Run a helper without a shell, its stderr to logpath; exit status or -errno. */
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

struct vm_boot {
	char tmp[PATH_MAX];
	pid_t qemu;
	int outfd;
	char last[256];     /* last console line, for error messages */
	/* the last console lines, saved to a file when the guest dies: an
	 * Oops is only useful in full */
	char tail[64][200];
	unsigned int ntail;
	char pending[1024]; /* console bytes not yet ending in a newline */
	size_t npending;
	double t_start, t_up;
	bool quiet;
	bool dead;          /* QEMU said the vCPU cannot go on (KVM failure) */
	char dead_line[128];
};

/* The console tail into <cache>/last-guest-console.log; path in out. */
static void save_console_tail(const struct vm_boot *b, char *out, size_t len)
{
	char path[PATH_MAX];
	unsigned int first = b->ntail > 64 ? b->ntail - 64 : 0;
	FILE *f;

	if (vm__cache_dir(path, sizeof(path)) ||
	    strlen(path) + sizeof("/last-guest-console.log") > sizeof(path))
		return;
	strcat(path, "/last-guest-console.log");
	f = fopen(path, "we");
	if (!f)
		return;
	for (unsigned int i = first; i < b->ntail; i++)
		fprintf(f, "%s\n", b->tail[i % 64]);
	if (!fclose(f))
		snprintf(out, len, "%s", path);
}

/* Everything a boot (and place.c's guest database) leaves in its dir. */
static const char *const tmp_files[] = {
	"argv.sh", "mode", "initrd.cpio", "results", "mkinitramfs.log", "pid",
	"guest.db", "guest.db-wal", "guest.db-shm",
};

void vm__remove_tmp_dir(const char *dir)
{
	char p[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tmp_files); i++) {
		if (!xsnprintf(p, sizeof(p), "%s/%s", dir, tmp_files[i]))
			unlink(p);
	}
	if (rmdir(dir))
		pr_warn("vm: could not remove %s: %s\n", dir, strerror(errno));
}

/*
 * A SIGKILLed scxbench cannot remove its temp dir (its QEMU dies with it,
 * PR_SET_PDEATHSIG): the next boot removes dirs whose owner is gone.
 */
static void sweep_stale_tmp(const char *tmpdir)
{
	char dir[PATH_MAX], pidf[PATH_MAX], buf[32];
	struct dirent *de;
	int64_t pid;
	DIR *d;

	d = opendir(tmpdir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "scxbench-vm.", 12) ||
		    xsnprintf(dir, sizeof(dir), "%s/%s", tmpdir, de->d_name) ||
		    xsnprintf(pidf, sizeof(pidf), "%s/pid", dir) ||
		    read_text_file(pidf, buf, sizeof(buf)) || parse_i64(buf, 1, INT_MAX, &pid))
			continue;
		if (kill((pid_t)pid, 0) && errno == ESRCH) {
			pr_debug("vm: removing %s left by dead pid %lld\n", dir, (long long)pid);
			vm__remove_tmp_dir(dir);
		}
	}
	closedir(d);
}

int vm__make_tmp_dir(char *buf, size_t len)
{
	const char *tmpdir = getenv("TMPDIR");
	char pidf[PATH_MAX], pid[24];
	FILE *f;

	if (!tmpdir || tmpdir[0] != '/')
		tmpdir = "/tmp";
	sweep_stale_tmp(tmpdir);
	if (xsnprintf(buf, len, "%s/scxbench-vm.XXXXXX", tmpdir) ||
	    xsnprintf(pidf, sizeof(pidf), "%s/pid", buf)) {
		buf[0] = 0;
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(buf)) {
		int err = -errno;

		buf[0] = 0;
		return err;
	}
	snprintf(pidf, sizeof(pidf), "%s/pid", buf);
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	f = fopen(pidf, "we");
	if (f) {
		fputs(pid, f);
		fclose(f);
	}
	return 0;
}

static void boot_cleanup(struct vm_boot *b)
{
	if (b->qemu > 0) {
		kill(b->qemu, SIGKILL);
		while (waitpid(b->qemu, NULL, 0) < 0 && errno == EINTR)
			;
		b->qemu = 0;
	}
	if (b->outfd >= 0) {
		close(b->outfd);
		b->outfd = -1;
	}
	if (b->tmp[0])
		vm__remove_tmp_dir(b->tmp);
	b->tmp[0] = 0;
}

/*
 * One console line. Kernel messages (printk timestamps) and our init's
 * chatter are shown only with -v; error lines and what the guest's scxbench
 * prints go to our stderr as they are.
 */
static void console_line(struct vm_boot *b, char *line)
{
	size_t n = strlen(line);
	bool noise;

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = 0;
	/* A progress line redrawn with \r: keep its last state. */
	if (strrchr(line, '\r'))
		line = strrchr(line, '\r') + 1;
	/* The guest's console is a tty: drop terminal control sequences. */
	{
		char *r = line, *w = line;

		while (*r) {
			if (r[0] == '\033' && r[1] == '[') {
				r += 2;
				while (*r && (*r < 0x40 || *r > 0x7e))
					r++;
				if (*r)
					r++;
				continue;
			}
			*w++ = *r++;
		}
		*w = 0;
	}
	n = strlen(line);
	if (!n)
		return;
	snprintf(b->last, sizeof(b->last), "%s", line);
	snprintf(b->tail[b->ntail++ % 64], sizeof(b->tail[0]), "%s", line);
	/*
	 * QEMU stops the vCPU but stays up on these (seen with a /dev/kvm that
	 * only runs special guests): no need to wait for the timeout.
	 */
	if (!strncmp(line, "KVM internal error", 18) || strstr(line, "failed to set MSR") ||
	    !strcmp(line, "emulation failure")) {
		if (!b->dead)
			snprintf(b->dead_line, sizeof(b->dead_line), "%s", line);
		b->dead = true;
	}
	if (!strncmp(line, "scxb-guest: up", 14) && !b->t_up) {
		b->t_up = now_wall();
		pr_debug("vm: guest init started %.2f s after QEMU (guest uptime %s s)\n",
			 b->t_up - b->t_start, line + 15);
		return;
	}
	noise = (line[0] == '[' && strchr(line, ']')) ||
		(!strncmp(line, "scxb-guest: ", 12) && strncmp(line, "scxb-guest: error", 17) &&
		 strncmp(line, "scxb-guest: probe", 17));
	if (noise || (b->quiet && strncmp(line, "scxbench: error", 15) &&
		      strncmp(line, "scxb-guest: error", 17)))
		pr_debug("vm: guest: %s\n", line);
	else
		fprintf(stderr, "%s\n", line);
}

/* Read what the console pipe holds now; flush: also a final partial line. */
static void console_drain(struct vm_boot *b, bool flush)
{
	char buf[4096];
	ssize_t n;
	ssize_t i;

	while ((n = read(b->outfd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			if (buf[i] == '\n' || b->npending == sizeof(b->pending) - 1) {
				b->pending[b->npending] = 0;
				console_line(b, b->pending);
				b->npending = 0;
				if (buf[i] == '\n')
					continue;
			}
			b->pending[b->npending++] = buf[i];
		}
	}
	if (flush && b->npending) {
		b->pending[b->npending] = 0;
		console_line(b, b->pending);
		b->npending = 0;
	}
}

/* Start QEMU; stdout+stderr on a pipe (b->outfd), stdin /dev/null. */
static int start_qemu(struct vm_boot *b, char **qargv, char *err, size_t errlen)
{
	pid_t parent = getpid();
	int p[2];

	if (pipe2(p, O_CLOEXEC)) {
		int e = -errno;

		set_err(err, errlen, "pipe: %s", strerror(-e));
		return e;
	}
	b->t_start = now_wall();
	b->qemu = fork();
	if (b->qemu < 0) {
		int e = -errno;

		b->qemu = 0;
		close(p[0]);
		close(p[1]);
		set_err(err, errlen, "fork: %s", strerror(-e));
		return e;
	}
	if (!b->qemu) {
		int null = open("/dev/null", O_RDONLY);

		/* Own process group: a terminal ^C is ours to handle. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		dup2(p[1], 1);
		dup2(p[1], 2);
		if (null >= 0)
			dup2(null, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execv(qargv[0], qargv);
		dprintf(2, "scxb-guest: error: exec %s: %s\n", qargv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	b->outfd = p[0];
	fcntl(b->outfd, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Wait for QEMU to exit by itself; kill it on timeout or runner_stop. */
static int wait_qemu(struct vm_boot *b, double timeout_s, int *status, char *err, size_t errlen)
{
	double deadline = b->t_start + timeout_s;
	struct pollfd pfd = { .fd = b->outfd, .events = POLLIN };

	for (;;) {
		if (stop_requested()) {
			set_err(err, errlen, "interrupted: guest killed");
			return -EINTR;
		}
		if (now_wall() > deadline) {
			console_drain(b, true);
			set_err(err, errlen, "guest did not finish within %.0f s: killed (last console line: '%s')",
				timeout_s, b->last);
			return -ETIMEDOUT;
		}
		/* A signal (EINTR) or a hang-up just ends this round early. */
		if (poll(&pfd, 1, 200) > 0)
			console_drain(b, false);
		if (pfd.revents & (POLLHUP | POLLERR))
			usleep(50000);
		if (b->dead) {
			console_drain(b, true);
			set_err(err, errlen, "QEMU could not run the guest: %s", b->dead_line);
			return -EIO;
		}
		if (waitpid(b->qemu, status, WNOHANG) == b->qemu) {
			b->qemu = 0;
			console_drain(b, true);
			return 0;
		}
	}
}

struct guest_record {
	int exit;
	long long size;
	char scx[64];
	char kernel[128];
	long body_off;
};

/* Parse the framed record of scripts/guest-init; copy the body to out_db. */
static int read_results(const char *path, const char *out_db, struct guest_record *rec,
			char *err, size_t errlen)
{
	char line[512], tmp[PATH_MAX + 8], buf[65536];
	long long left, st_size;
	FILE *in = NULL, *out = NULL;
	struct stat st;
	int err_ = 0;

	in = fopen(path, "re");
	if (!in || fstat(fileno(in), &st) || !st.st_size || !fgets(line, sizeof(line), in)) {
		err_ = -EIO;
		set_err(err, errlen, "the guest sent no results");
		goto out;
	}
	st_size = st.st_size;
	if (sscanf(line, "SCXB1 exit=%d size=%lld scx=%63s kernel=%127s", &rec->exit, &rec->size,
		   rec->scx, rec->kernel) != 4) {
		err_ = -EPROTO;
		set_err(err, errlen, "bad results header from the guest: '%.*s'",
			(int)strcspn(line, "\n"), line);
		goto out;
	}
	rec->body_off = ftell(in);
	left = rec->size < 0 ? 0 : rec->size;
	if (st_size < rec->body_off + left + (long long)strlen(VM_TRAILER)) {
		err_ = -EIO;
		set_err(err, errlen, "truncated transfer from the guest: %lld of %lld database bytes",
			st_size - rec->body_off < 0 ? 0 : st_size - rec->body_off, left);
		goto out;
	}
	if (rec->size >= 0 && out_db) {
		if (xsnprintf(tmp, sizeof(tmp), "%s.vmtmp", out_db)) {
			err_ = -ENAMETOOLONG;
			set_err(err, errlen, "database path too long");
			goto out;
		}
		out = fopen(tmp, "we");
		if (!out) {
			err_ = -errno;
			set_err(err, errlen, "%s: %s", tmp, strerror(errno));
			goto out;
		}
		while (left > 0) {
			size_t want = left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf);
			size_t got = fread(buf, 1, want, in);

			if (!got || fwrite(buf, 1, got, out) != got) {
				err_ = -EIO;
				set_err(err, errlen, "copying the guest database to %s failed", tmp);
				goto out;
			}
			left -= got;
		}
	} else if (rec->size >= 0) {
		fseek(in, rec->size, SEEK_CUR);
	}
	if (!fgets(line, sizeof(line), in) || strcmp(line, VM_TRAILER)) {
		err_ = -EIO;
		set_err(err, errlen, "truncated transfer from the guest: no end marker");
		goto out;
	}
	if (out) {
		if (fclose(out)) {
			out = NULL;
			err_ = -EIO;
			set_err(err, errlen, "writing %s failed", tmp);
			goto out;
		}
		out = NULL;
		if (rename(tmp, out_db)) {
			err_ = -errno;
			set_err(err, errlen, "rename to %s: %s", out_db, strerror(errno));
			goto out;
		}
	}
out:
	if (out) {
		fclose(out);
		unlink(tmp);
	}
	if (in)
		fclose(in);
	return err_;
}

/* Modules a guest kernel may have as =m that the transfer needs. */
static const struct {
	const char *sym, *mod;
} needed_modules[] = {
	{ "CONFIG_VIRTIO_PCI", "virtio_pci" },
	{ "CONFIG_VIRTIO_CONSOLE", "virtio_console" },
};

static int vm_boot(const struct vm_opts *o, const char *kernel, const char *accel, bool probe,
		   double timeout_s, int argc, char **argv, const char *out_db,
		   struct vm_info *info, char *err, size_t errlen)
{
	char qemu[PATH_MAX], self[PATH_MAX], script[PATH_MAX], kdir[PATH_MAX], cfg[PATH_MAX];
	char qdata[PATH_MAX], bios_dir[PATH_MAX + 16], fw_dir[PATH_MAX + 16];
	char mdir[PATH_MAX], argvf[PATH_MAX], modef[PATH_MAX], initrd[PATH_MAX], results[PATH_MAX];
	char logf[PATH_MAX], fa[PATH_MAX + 16], fm[PATH_MAX + 16], smp[16], mem[16];
	char chardev[PATH_MAX + 32];
	char *margv[32], *qargv[56];
	struct guest_record rec = { 0 };
	struct vm_boot b = { .outfd = -1, .quiet = o->quiet };
	int cpus = o->cpus > 0 ? o->cpus : host_ncpus();
	int mem_mb = o->mem_mb > 0 ? o->mem_mb : VM_DEFAULT_MEM;
	int err_, st = 0, na = 0, nq = 0;
	size_t i;

	if (cpus < 1)
		cpus = 1;
	err_ = find_qemu(qemu, sizeof(qemu), qdata, sizeof(qdata));
	if (err_) {
			qemu_missing(err, errlen);
		return err_;
	}
	if (!realpath("/proc/self/exe", self)) {
		err_ = -errno;
		set_err(err, errlen, "cannot find our own binary: %s", strerror(errno));
		return err_;
	}
	err_ = elf_is_static(self);
	if (err_ <= 0) {
		set_err(err, errlen, "%s is not a static binary: the guest has no libc (build with STATIC=1)",
			self);
		return err_ ? err_ : -ENOEXEC;
	}
	err_ = script_path("mkinitramfs.sh", script, sizeof(script));
	if (err_) {
		set_err(err, errlen, "scripts/mkinitramfs.sh not found next to %s nor in ./scripts", self);
		return err_;
	}
	err_ = dir_of(kernel, kdir, sizeof(kdir));
	if (err_ || xsnprintf(cfg, sizeof(cfg), "%s/config", kdir) ||
	    xsnprintf(mdir, sizeof(mdir), "%s/modules", kdir)) {
		set_err(err, errlen, "kernel path too long");
		return -ENAMETOOLONG;
	}

	err_ = vm__make_tmp_dir(b.tmp, sizeof(b.tmp));
	if (err_) {
		set_err(err, errlen, "cannot create a temp dir in $TMPDIR or /tmp: %s", strerror(-err_));
		goto cleanup;
	}
	err_ = 0;
	err_ = err_ ?: xsnprintf(argvf, sizeof(argvf), "%s/argv.sh", b.tmp);
	err_ = err_ ?: xsnprintf(modef, sizeof(modef), "%s/mode", b.tmp);
	err_ = err_ ?: xsnprintf(initrd, sizeof(initrd), "%s/initrd.cpio", b.tmp);
	err_ = err_ ?: xsnprintf(results, sizeof(results), "%s/results", b.tmp);
	err_ = err_ ?: xsnprintf(logf, sizeof(logf), "%s/mkinitramfs.log", b.tmp);
	if (err_) {
		set_err(err, errlen, "TMPDIR path too long");
		goto cleanup;
	}
	err_ = write_argv(argvf, argc, argv);
	if (!err_) {
		FILE *f = fopen(modef, "we");

		err_ = !f || fputs(probe ? "probe\n" : "run\n", f) < 0 ? -EIO : 0;
		if (f && fclose(f))
			err_ = -EIO;
	}
	if (err_) {
		set_err(err, errlen, "writing the guest command: %s", strerror(-err_));
		goto cleanup;
	}

	snprintf(fa, sizeof(fa), "%s:/argv.sh", argvf);
	snprintf(fm, sizeof(fm), "%s:/mode", modef);
	margv[na++] = script;
	margv[na++] = "--out";
	margv[na++] = initrd;
	margv[na++] = "--binary";
	margv[na++] = self;
	margv[na++] = "--file";
	margv[na++] = fa;
	margv[na++] = "--file";
	margv[na++] = fm;
	margv[na++] = "--modules-dir";
	margv[na++] = mdir;
	for (i = 0; i < ARRAY_SIZE(needed_modules); i++) {
		if (config_value(cfg, needed_modules[i].sym) == 'm') {
			margv[na++] = "--module";
			margv[na++] = (char *)needed_modules[i].mod;
		}
	}
	margv[na] = NULL;
	err_ = run_helper(margv, logf);
	if (err_) {
		char last[256];

		last_line_of(logf, last, sizeof(last));
		set_err(err, errlen, "building the initramfs failed: %s",
			last[0] ? last : "(no message)");
		err_ = err_ < 0 ? err_ : -EIO;
		goto cleanup;
	}

	snprintf(smp, sizeof(smp), "%d", cpus);
	snprintf(mem, sizeof(mem), "%d", mem_mb);
	snprintf(chardev, sizeof(chardev), "file,id=cres,path=%s", results);
	qargv[nq++] = qemu;
	if (qdata[0]) {
		/* a private QEMU: its own BIOS and option ROMs (-nodefaults and
		 * -display none below also keep it from loading the system
		 * QEMU's ui/audio modules, which abort another build) */
		snprintf(bios_dir, sizeof(bios_dir), "%s/seabios", qdata);
		snprintf(fw_dir, sizeof(fw_dir), "%s/qemu", qdata);
		qargv[nq++] = "-L";
		qargv[nq++] = bios_dir;
		qargv[nq++] = "-L";
		qargv[nq++] = fw_dir;
	}
	qargv[nq++] = "-accel";
	/* SCXB_VM_TCG=single: one host thread for all vCPUs (no cross-vCPU
	 * stale translations, slower and coarser timing) */
	qargv[nq++] = !strcmp(accel, "kvm") ? "kvm" :
		      getenv("SCXB_VM_TCG") && !strcmp(getenv("SCXB_VM_TCG"), "single") ?
		      "tcg,thread=single" : "tcg,thread=multi";
	qargv[nq++] = "-cpu";
	qargv[nq++] = !strcmp(accel, "kvm") ? "host" : "max";
	qargv[nq++] = "-smp";
	qargv[nq++] = smp;
	qargv[nq++] = "-m";
	qargv[nq++] = mem;
	/* No default NIC/VGA/floppy: fewer devices to probe under TCG. */
	qargv[nq++] = "-nodefaults";
	qargv[nq++] = "-no-user-config";
	qargv[nq++] = "-display";
	qargv[nq++] = "none";
	qargv[nq++] = "-serial";
	qargv[nq++] = "stdio";
	qargv[nq++] = "-no-reboot";
	qargv[nq++] = "-kernel";
	qargv[nq++] = (char *)kernel;
	qargv[nq++] = "-initrd";
	qargv[nq++] = initrd;
	qargv[nq++] = "-append";
	qargv[nq++] = "console=ttyS0 quiet loglevel=5 panic=-1 rdinit=/init random.trust_cpu=on";
	qargv[nq++] = "-device";
	qargv[nq++] = "virtio-serial-pci,id=vser";
	qargv[nq++] = "-chardev";
	qargv[nq++] = chardev;
	qargv[nq++] = "-device";
	qargv[nq++] = "virtserialport,bus=vser.0,chardev=cres,name=results";
	qargv[nq] = NULL;

	pr_debug("vm: booting %s (%s, %d CPUs, %d MiB)\n", kernel, accel, cpus, mem_mb);
	err_ = start_qemu(&b, qargv, err, errlen);
	if (err_)
		goto cleanup;
	err_ = wait_qemu(&b, timeout_s, &st, err, errlen);
	if (err_)
		goto cleanup;
	err_ = read_results(results, probe ? NULL : out_db, &rec, err, errlen);
	if (err_) {
		size_t l = strlen(err);

		char saved[PATH_MAX] = "";

		/* Say how the guest ended: the console's last line is the best
		 * clue; the lines before it go to a file for the full story */
		save_console_tail(&b, saved, sizeof(saved));
		if (l + 32 < errlen)
			snprintf(err + l, errlen - l, " (QEMU exit %d; last console line: '%s'%s%s)",
				 WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), b.last,
				 saved[0] ? "; console tail in " : "", saved);
		goto cleanup;
	}
	pr_debug("vm: guest finished %.2f s after QEMU start, sent %lld database bytes\n",
		 now_wall() - b.t_start, rec.size);
	snprintf(info->accel, sizeof(info->accel), "%s", accel);
	snprintf(info->guest_kernel, sizeof(info->guest_kernel), "%s", rec.kernel);
	info->guest_exit = rec.exit;
	if (!strcmp(rec.scx, "none")) {
		err_ = -ENOTSUP;
		set_err(err, errlen, "kernel %s (%s) has no sched_ext: /sys/kernel/sched_ext is missing in the guest",
			kernel, rec.kernel);
		goto cleanup;
	}
	err_ = 0;
cleanup:
	boot_cleanup(&b);
	return err_;
}

/*
 * /dev/kvm can exist and still not boot ordinary kernels (nested setups
 * that only run special guests die in early boot). So KVM is used only
 * after one probe boot of this very kernel worked; the verdict is kept in
 * the cache, keyed by host kernel release and guest kernel path.
 * SCXB_VM_ACCEL=kvm|tcg overrides.
 */
static const char *choose_accel(const struct vm_opts *o, const char *kernel)
{
	char dir[PATH_MAX], vpath[PATH_MAX], key[PATH_MAX + 256], line[PATH_MAX + 256];
	const char *env = getenv("SCXB_VM_ACCEL");
	struct vm_opts po = *o;
	struct vm_info pi = { 0 };
	struct utsname u;
	char perr[256];
	bool ok = false;
	FILE *f;
	int fd;

	if (env && (!strcmp(env, "kvm") || !strcmp(env, "tcg")))
		return !strcmp(env, "kvm") ? "kvm" : "tcg";
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);
	if (uname(&u) || vm__cache_dir(dir, sizeof(dir)) ||
	    xsnprintf(vpath, sizeof(vpath), "%s/kvm-verdicts", dir) ||
	    xsnprintf(key, sizeof(key), "%s %s ", u.release, kernel))
		return "tcg";
	f = fopen(vpath, "re");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (!strncmp(line, key, strlen(key))) {
				ok = !strncmp(line + strlen(key), "kvm", 3);
				fclose(f);
				return ok ? "kvm" : "tcg";
			}
		}
		fclose(f);
	}
	po.quiet = true;
	pr_info("vm: checking once whether KVM boots %s\n", kernel);
	ok = !vm_boot(&po, kernel, "kvm", true, VM_KVM_PROBE_TMO, 0, NULL, NULL, &pi, perr,
		      sizeof(perr));
	if (!ok)
		pr_debug("vm: KVM probe failed: %s\n", perr);
	if (!stop_requested()) {
		mkdir(dir, 0755);
		f = fopen(vpath, "ae");
		if (f) {
			fprintf(f, "%s%s\n", key, ok ? "kvm" : "tcg");
			fclose(f);
		}
	}
	return ok ? "kvm" : "tcg";
}

int vm__run(const struct vm_opts *o, int argc, char **argv, const char *out_db,
	    struct vm_info *info, char *err, size_t errlen)
{
	char kernel[PATH_MAX], kdir[PATH_MAX], cfg[PATH_MAX];
	double timeout_s = o->timeout_s > 0 ? o->timeout_s : VM_DEFAULT_TMO;
	bool probe = argc <= 0;
	const char *accel;
	int err_;

	memset(info, 0, sizeof(*info));
	info->guest_exit = -1;
	if (o->kernel) {
		if (!realpath(o->kernel, kernel)) {
			err_ = -errno;
			set_err(err, errlen, "kernel image %s: %s", o->kernel, strerror(errno));
			return err_;
		}
	} else {
		err_ = vm__cached_kernel(kernel, sizeof(kernel));
		if (err_) {
			char dir[PATH_MAX] = "~/.cache/scxbench";

			vm__cache_dir(dir, sizeof(dir));
			set_err(err, errlen,
				"no sched_ext kernel cached in %s/kernels: run `scxbench vm fetch` (or pass --kernel PATH)",
				dir);
			return err_;
		}
	}
	err_ = check_bzimage(kernel, err, errlen);
	if (err_)
		return err_;
	if (!dir_of(kernel, kdir, sizeof(kdir)) && !xsnprintf(cfg, sizeof(cfg), "%s/config", kdir) &&
	    config_value(cfg, "CONFIG_SCHED_CLASS_EXT") == 'n') {
		set_err(err, errlen, "kernel %s has no sched_ext (%s: CONFIG_SCHED_CLASS_EXT is not set)",
			kernel, cfg);
		return -ENOTSUP;
	}
	{
		char qemu[PATH_MAX], qdata[PATH_MAX];

		/* Before the KVM probe, so a missing QEMU is named as such. */
		if (find_qemu(qemu, sizeof(qemu), qdata, sizeof(qdata))) {
			qemu_missing(err, errlen);
			return -ENOENT;
		}
	}
	accel = choose_accel(o, kernel);
	if (stop_requested()) {
		set_err(err, errlen, "interrupted");
		return -EINTR;
	}
	return vm_boot(o, kernel, accel, probe, timeout_s, argc, argv, out_db, info, err, errlen);
}
