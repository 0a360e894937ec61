// SPDX-License-Identifier: GPL-2.0
/*
 * The QEMU process of one boot. QEMU runs in its own process group (a
 * terminal ^C reaches only us, and we decide) with PR_SET_PDEATHSIG, so
 * even a SIGKILLed scxbench takes its guest down with it. Its serial
 * console (kernel messages, the guest init's "scxb-guest:" lines) and its
 * own messages come through one pipe: shown with -v, and the last lines
 * are kept for the error message when the guest dies.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/util.h"
#include "harness/vm/impl.h"

static bool is_exec_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode) && !access(path, X_OK);
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
		if (is_exec_file(buf)) {
			err = 0;
			break;
		}
	}
	free(dup);
	return err;
}

/*
 * The QEMU to boot with: $SCXB_QEMU; else the private one scripts/get-qemu.sh
 * puts next to the binary (build/tools/qemu, QEMU 10 from bookworm-backports:
 * QEMU 7.2's multi-threaded TCG now and then runs a stale translation of
 * kernel text that sched_ext just patched, an "Oops: int3" in about one
 * boot in three of a 10-run comparison; none in our tries with 10); else
 * PATH.
 */
int vm_qemu__find(char *buf, size_t len, char *datadir, size_t dlen)
{
	char self[PATH_MAX], dir[PATH_MAX];
	const char *env = getenv("SCXB_QEMU");

	datadir[0] = 0;
	if (env && *env)
		return xsnprintf(buf, len, "%s", env) ? -ENAMETOOLONG :
		       is_exec_file(buf) ? 0 : -ENOENT;
	if (realpath("/proc/self/exe", self) && !vm_kernel__dir(self, dir, sizeof(dir)) &&
	    !xsnprintf(buf, len, "%s/tools/qemu/usr/bin/qemu-system-x86_64", dir) &&
	    is_exec_file(buf) && !xsnprintf(datadir, dlen, "%s/tools/qemu/usr/share", dir))
		return 0;
	datadir[0] = 0;
	return find_in_path("qemu-system-x86_64", buf, len);
}

void vm_qemu__missing(char *err, size_t errlen)
{
	const char *env = getenv("SCXB_QEMU");

	if (env && *env)
		vm__set_err(err, errlen, "SCXB_QEMU=%s: not an executable file", env);
	else
		vm__set_err(err, errlen,
			    "qemu-system-x86_64 not found in PATH (apt-get install qemu-system-x86)");
}

/* QEMU's option parser splits on ',': a literal comma is written ",,". */
static char *qemu_escape(const char *s)
{
	size_t n = strlen(s), extra = 0;
	char *out, *w;

	for (size_t i = 0; i < n; i++)
		extra += s[i] == ',';
	out = malloc(n + extra + 1);
	if (!out)
		return NULL;
	for (w = out; *s; s++) {
		*w++ = *s;
		if (*s == ',')
			*w++ = ',';
	}
	*w = 0;
	return out;
}

/*
 * -smp with the shape and, for several nodes, one RAM backend per node
 * (the memory split evenly), each socket (or each core, when nodes split
 * sockets) given its node, and the distances: 10 local, 20 remote.
 * Strings go to strs (freed by the caller), pointers to argv.
 */
static int topo_args(const struct vm_qemu_cfg *c, char **argv, int *n, char **strs, int *ns,
		     int *mem_mb)
{
	const struct topo_spec *t = c->topo;
	int per = c->mem_mb / t->nodes;

#define ADD(...) do {							\
		if (asprintf(&strs[*ns], __VA_ARGS__) < 0)		\
			return -ENOMEM;					\
		argv[(*n)++] = strs[(*ns)++];				\
	} while (0)
	argv[(*n)++] = "-smp";
	ADD("cpus=%d,sockets=%d,dies=%d,cores=%d,threads=%d", topo_spec__cpus(t), t->sockets,
	    t->llcs, t->cores, t->threads);
	*mem_mb = per * t->nodes;
	if (t->nodes == 1)
		return 0;
	for (int i = 0; i < t->nodes; i++) {
		argv[(*n)++] = "-object";
		ADD("memory-backend-ram,id=scxbmem%d,size=%dM", i, per);
		argv[(*n)++] = "-numa";
		ADD("node,nodeid=%d,memdev=scxbmem%d", i, i);
	}
	if (t->sockets % t->nodes == 0) {
		for (int s = 0; s < t->sockets; s++) {
			argv[(*n)++] = "-numa";
			ADD("cpu,node-id=%d,socket-id=%d", s / (t->sockets / t->nodes), s);
		}
	} else {
		for (int cpu = 0; cpu < topo_spec__cpus(t); cpu += t->threads) {
			int s, l, core, node;

			topo_spec__place(t, cpu, &s, &l, &core, &node);
			argv[(*n)++] = "-numa";
			/* QEMU knows a die-id only with dies > 1 */
			if (t->llcs > 1)
				ADD("cpu,node-id=%d,socket-id=%d,die-id=%d,core-id=%d", node, s, l, core);
			else
				ADD("cpu,node-id=%d,socket-id=%d,core-id=%d", node, s, core);
		}
	}
	for (int a = 0; a < t->nodes; a++)
		for (int b = 0; b < t->nodes; b++) {
			if (a == b)
				continue;
			argv[(*n)++] = "-numa";
			ADD("dist,src=%d,dst=%d,val=20", a, b);
		}
#undef ADD
	return 0;
}

/* the fixed arguments, plus a topology's (2 + 4 per node + 2 per core + 2
 * per node pair at most) */
#define QEMU_MAX_ARGS (64 + 4 * TOPO_MAX_NODES + 2 * TOPO_MAX_CPUS + \
		       2 * TOPO_MAX_NODES * TOPO_MAX_NODES)

int vm_qemu__start(struct vm_qemu *q, const struct vm_qemu_cfg *c, char *err, size_t errlen)
{
	char bios_dir[PATH_MAX + 16], fw_dir[PATH_MAX + 16], smp[16], mem[16];
	char *run_dir = NULL, *ctl = NULL, *virtfs_out = NULL, *chardev = NULL;
	const char *tcg = getenv("SCXB_VM_TCG");
	char **argv = calloc(QEMU_MAX_ARGS, sizeof(char *));
	char **strs = calloc(QEMU_MAX_ARGS, sizeof(char *));
	pid_t parent = getpid();
	int p[2] = { -1, -1 }, n = 0, ns = 0, ret = 0, mem_mb = c->mem_mb;

	memset(q, 0, sizeof(*q));
	q->outfd = -1;
	run_dir = qemu_escape(c->run_dir);
	ctl = qemu_escape(c->ctl_path);
	if (!argv || !strs || !run_dir || !ctl ||
	    asprintf(&virtfs_out, "local,path=%s,mount_tag=scxb-out,security_model=none,id=scxbout",
		     run_dir) < 0 ||
	    asprintf(&chardev, "pipe,id=ctl,path=%s", ctl) < 0) {
		virtfs_out = chardev = NULL;
		ret = -ENOMEM;
		vm__set_err(err, errlen, "out of memory");
		goto out;
	}
	snprintf(smp, sizeof(smp), "%d", c->cpus);
	argv[n++] = (char *)c->qemu;
	if (c->datadir && c->datadir[0]) {
		/* a private QEMU: its own BIOS and option ROMs (-nodefaults and
		 * -display none below also keep it from loading the system
		 * QEMU's ui/audio modules, which abort another build) */
		snprintf(bios_dir, sizeof(bios_dir), "%s/seabios", c->datadir);
		snprintf(fw_dir, sizeof(fw_dir), "%s/qemu", c->datadir);
		argv[n++] = "-L";
		argv[n++] = bios_dir;
		argv[n++] = "-L";
		argv[n++] = fw_dir;
	}
	argv[n++] = "-accel";
	/* SCXB_VM_TCG=single: one host thread for all vCPUs (no cross-vCPU
	 * stale translations, slower and coarser timing) */
	argv[n++] = !strcmp(c->accel, "kvm") ? "kvm" :
		    tcg && !strcmp(tcg, "single") ? "tcg,thread=single" : "tcg,thread=multi";
	argv[n++] = "-cpu";
	argv[n++] = !strcmp(c->accel, "kvm") ? "host" : "max";
	if (c->topo) {
		if (topo_args(c, argv, &n, strs, &ns, &mem_mb)) {
			ret = -ENOMEM;
			vm__set_err(err, errlen, "out of memory");
			goto out;
		}
	} else {
		argv[n++] = "-smp";
		argv[n++] = smp;
	}
	snprintf(mem, sizeof(mem), "%d", mem_mb);
	argv[n++] = "-m";
	argv[n++] = mem;
	/* No default NIC/VGA/floppy: fewer devices to probe under TCG. */
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-serial";
	argv[n++] = "stdio";
	argv[n++] = "-no-reboot";
	argv[n++] = "-kernel";
	argv[n++] = (char *)c->kernel;
	argv[n++] = "-initrd";
	argv[n++] = (char *)c->initrd;
	argv[n++] = "-append";
	argv[n++] = (char *)c->append;
	/*
	 * The host's root, read-only (the guest puts a tmpfs overlay on it).
	 * 9p rather than virtiofs: no daemon to start and reap, no shared
	 * memory backend (which NUMA topologies would have to split), and
	 * under TCG it starts binaries as fast (README: "The guest").
	 * multidevs=remap: / spans several file systems, whose inode
	 * numbers would collide in one 9p export.
	 */
	argv[n++] = "-virtfs";
	argv[n++] = "local,path=/,mount_tag=scxb-root,security_model=none,readonly=on,"
		    "multidevs=remap,id=scxbroot";
	argv[n++] = "-virtfs";
	argv[n++] = virtfs_out;
	argv[n++] = "-device";
	argv[n++] = "virtio-serial-pci,id=vser";
	argv[n++] = "-chardev";
	argv[n++] = chardev;
	argv[n++] = "-device";
	argv[n++] = "virtserialport,bus=vser.0,chardev=ctl,name=scxb-ctl";
	argv[n] = NULL;

	if (!c->interactive && pipe2(p, O_CLOEXEC)) {
		ret = -errno;
		vm__set_err(err, errlen, "pipe: %s", strerror(-ret));
		goto out;
	}
	q->t_start = now_wall();
	q->pid = fork();
	if (q->pid < 0) {
		ret = -errno;
		q->pid = 0;
		vm__set_err(err, errlen, "fork: %s", strerror(-ret));
		goto out;
	}
	if (!q->pid) {
		int null = open("/dev/null", O_RDONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(126);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (!c->interactive) {
			/* Own process group: a terminal ^C is ours to handle. */
			setpgid(0, 0);
			dup2(p[1], 1);
			dup2(p[1], 2);
			if (null >= 0)
				dup2(null, 0);
		}
		execv(argv[0], argv);
		dprintf(2, "scxb-guest: error: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (!c->interactive) {
		close(p[1]);
		p[1] = -1;
		q->outfd = p[0];
		p[0] = -1;
		fcntl(q->outfd, F_SETFL, O_NONBLOCK);
	}
	if (log__level() >= LOG_DEBUG) {
		char line[4096];
		size_t off = 0;

		/* the whole command line (a topology's part is worth seeing) */
		for (int i = 0; argv[i] && off < sizeof(line); i++)
			off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s", i ? " " : "",
						argv[i]);
		pr_debug("vm: QEMU %d: %s\n", (int)q->pid, line);
	}
out:
	if (p[0] >= 0)
		close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	free(run_dir);
	free(ctl);
	free(virtfs_out);
	free(chardev);
	for (int i = 0; strs && i < ns; i++)
		free(strs[i]);
	free(strs);
	free(argv);
	return ret;
}

/*
 * One console line. Everything here is shown only with -v: what the
 * guest's command prints comes through its own files (vm_guest.c).
 */
static void console_line(struct vm_qemu *q, char *line)
{
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		line[--n] = 0;
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
	if (!*line)
		return;
	snprintf(q->last, sizeof(q->last), "%s", line);
	snprintf(q->tail[q->ntail++ % VM_TAIL_LINES], sizeof(q->tail[0]), "%s", line);
	/*
	 * QEMU stops the vCPU but stays up on these (seen with a /dev/kvm that
	 * only runs special guests): no need to wait for the timeout.
	 */
	if (!strncmp(line, "KVM internal error", 18) || strstr(line, "failed to set MSR") ||
	    !strcmp(line, "emulation failure")) {
		if (!q->dead)
			snprintf(q->dead_line, sizeof(q->dead_line), "%s", line);
		q->dead = true;
	}
	if (!strncmp(line, "scxb-guest: up", 14) && !q->t_up) {
		q->t_up = now_wall();
		pr_debug("vm: guest init started %.2f s after QEMU (guest uptime %s s)\n",
			 q->t_up - q->t_start, line + 15);
		return;
	}
	pr_debug("vm: guest: %s\n", line);
}

void vm_qemu__drain(struct vm_qemu *q, bool flush)
{
	char buf[4096];
	ssize_t n;

	if (q->outfd < 0)
		return;
	while ((n = read(q->outfd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n' || q->npending == sizeof(q->pending) - 1) {
				q->pending[q->npending] = 0;
				console_line(q, q->pending);
				q->npending = 0;
				if (buf[i] == '\n')
					continue;
			}
			q->pending[q->npending++] = buf[i];
		}
	}
	if (flush && q->npending) {
		q->pending[q->npending] = 0;
		console_line(q, q->pending);
		q->npending = 0;
	}
}

bool vm_qemu__wait(struct vm_qemu *q, int ms, int *status)
{
	struct pollfd pfd = { .fd = q->outfd, .events = POLLIN };

	if (!q->pid)
		return true;
	/* A signal (EINTR) or a hang-up just ends this round early. */
	if (q->outfd >= 0) {
		if (poll(&pfd, 1, ms) > 0)
			vm_qemu__drain(q, false);
		if (pfd.revents & (POLLHUP | POLLERR))
			usleep(20000);
	} else {
		usleep(ms * 1000);
	}
	if (waitpid(q->pid, status, WNOHANG) == q->pid) {
		q->pid = 0;
		vm_qemu__drain(q, true);
		return true;
	}
	return false;
}

void vm_qemu__kill(struct vm_qemu *q)
{
	if (q->pid > 0) {
		kill(q->pid, SIGKILL);
		while (waitpid(q->pid, NULL, 0) < 0 && errno == EINTR)
			;
		q->pid = 0;
	}
	if (q->outfd >= 0) {
		vm_qemu__drain(q, true);
		close(q->outfd);
		q->outfd = -1;
	}
}

void vm_qemu__save_tail(const struct vm_qemu *q, char *out, size_t len)
{
	char path[PATH_MAX];
	unsigned int first = q->ntail > VM_TAIL_LINES ? q->ntail - VM_TAIL_LINES : 0;
	FILE *f;

	if (vm__cache_dir(path, sizeof(path)) ||
	    strlen(path) + sizeof("/last-guest-console.log") > sizeof(path))
		return;
	mkdir(path, 0755);
	strcat(path, "/last-guest-console.log");
	f = fopen(path, "we");
	if (!f)
		return;
	for (unsigned int i = first; i < q->ntail; i++)
		fprintf(f, "%s\n", q->tail[i % VM_TAIL_LINES]);
	if (!fclose(f))
		snprintf(out, len, "%s", path);
}
