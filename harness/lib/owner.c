// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/lib/log.h"
#include "harness/lib/owner.h"
#include "harness/lib/util.h"

void owner__boot_id(char *buf, size_t len)
{
	if (read_text_file("/proc/sys/kernel/random/boot_id", buf, len))
		snprintf(buf, len, "unknown");
}

/*
 * State and start time of pid from /proc/PID/stat. The comm field can
 * hold spaces and parentheses: fields are counted after its last ')'.
 */
static int proc_stat(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024], *p;
	unsigned long long st = 0;
	int fd, i;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ')
		return -EIO;
	p += 2;
	*state = *p;
	/* state is field 3; starttime is field 22 */
	for (i = 3; i < 22 && p; i++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%llu", &st) != 1)
		return -EIO;
	*start = st;
	return 0;
}

int owner__of(pid_t pid, struct owner *o)
{
	char state;
	int err;

	memset(o, 0, sizeof(*o));
	o->pid = pid ? pid : getpid();
	owner__boot_id(o->boot, sizeof(o->boot));
	err = proc_stat(o->pid, &state, &o->start);
	if (err)
		o->start = 0;
	return err;
}

int owner__self(struct owner *o)
{
	return owner__of(0, o);
}

int owner__format(const struct owner *o, char *buf, size_t len)
{
	return xsnprintf(buf, len, "pid=%d boot=%s start=%" PRIu64, (int)o->pid, o->boot, o->start);
}

int owner__parse(const char *s, struct owner *o)
{
	unsigned long long start = 0;
	int pid, n = 0;

	memset(o, 0, sizeof(*o));
	if (sscanf(s, "pid=%d boot=%39s start=%llu%n", &pid, o->boot, &start, &n) < 2 || pid <= 0)
		return -EINVAL;
	o->pid = pid;
	o->start = start;
	return 0;
}

bool owner__alive(const struct owner *o)
{
	char boot[40], state;
	uint64_t start;

	owner__boot_id(boot, sizeof(boot));
	/* another boot: whatever ran then is gone (an unreadable boot id on
	 * either side leaves only the pid to go by) */
	if (strcmp(o->boot, "unknown") && strcmp(boot, "unknown") && strcmp(o->boot, boot))
		return false;
	if (proc_stat(o->pid, &state, &start))
		return false; /* no such process (or /proc hides it: not ours) */
	if (state == 'Z' || state == 'X')
		return false;
	return !o->start || o->start == start;
}

int owner__write_file(const char *path)
{
	struct owner o;
	char line[128];
	int err;

	owner__self(&o);
	err = owner__format(&o, line, sizeof(line) - 1);
	if (err)
		return err;
	strcat(line, "\n");
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		ssize_t n;

		if (fd < 0)
			return -errno;
		n = write(fd, line, strlen(line));
		err = n < 0 ? -errno : (size_t)n == strlen(line) ? 0 : -EIO;
		if (close(fd) && !err)
			err = -errno;
	}
	return err;
}

int owner__file_alive(const char *path)
{
	struct owner o;
	char line[128];
	int err;

	err = read_text_file(path, line, sizeof(line));
	if (err)
		return err;
	if (owner__parse(line, &o))
		return -EINVAL;
	return owner__alive(&o) ? 1 : 0;
}

int owner__sweep(const char *dir, const char *prefix, const char *record)
{
	size_t plen = strlen(prefix);
	struct dirent *de;
	int removed = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char sub[4096], rec[4200];

		if (strncmp(de->d_name, prefix, plen) ||
		    xsnprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) ||
		    xsnprintf(rec, sizeof(rec), "%s/%s", sub, record))
			continue;
		if (owner__file_alive(rec) != 0)
			continue;
		pr_debug("removing %s, left by a scxbench that died\n", sub);
		if (!remove_tree(sub))
			removed++;
	}
	closedir(d);
	return removed;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

int remove_tree(const char *path)
{
	if (!path || !*path)
		return -EINVAL;
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		return -errno;
	return 0;
}

int owner__mkdtemp(const char *prefix, char *buf, size_t len, int *swept)
{
	const char *t = getenv("TMPDIR");
	char rec[PATH_MAX + 8];
	int n, err;

	if (!t || t[0] != '/')
		t = "/tmp";
	n = owner__sweep(t, prefix, "owner");
	if (swept)
		*swept = n > 0 ? n : 0;
	if (xsnprintf(buf, len, "%s/%sXXXXXX", t, prefix)) {
		buf[0] = 0;
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(buf)) {
		err = -errno;
		buf[0] = 0;
		return err;
	}
	snprintf(rec, sizeof(rec), "%s/owner", buf);
	err = owner__write_file(rec);
	if (err) {
		rmdir(buf);
		buf[0] = 0;
	}
	return err;
}
