// SPDX-License-Identifier: GPL-2.0
/*
 * The guest kernel: the cache scripts/fetch-kernel.sh fills
 * (<cache>/kernels/RELEASE/{vmlinuz,config,modules/}, kernels/current
 * pointing at the newest complete one), and the checks made before a
 * boot: a complete x86 bzImage, with sched_ext when its config says.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/lib/util.h"
#include "harness/vm/impl.h"

void vm__set_err(char *err, size_t errlen, const char *fmt, ...)
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
int vm_kernel__check_image(const char *path, char *err, size_t errlen)
{
	unsigned char hdr[0x210];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = -errno;

		vm__set_err(err, errlen, "kernel image %s: %s", path, strerror(-e));
		return e;
	}
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (fstat(fd, &st) || n != (ssize_t)sizeof(hdr) || hdr[0x1fe] != 0x55 ||
	    hdr[0x1ff] != 0xaa || memcmp(hdr + 0x202, "HdrS", 4) || st.st_size < (1 << 20)) {
		close(fd);
		vm__set_err(err, errlen,
			    "kernel image %s is not an x86 bzImage (corrupt? re-run `scxbench vm fetch --update`)",
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
			vm__set_err(err, errlen,
				    "kernel image %s is truncated (%lld of %lld bytes): re-run `scxbench vm fetch --update`",
				    path, (long long)st.st_size, want);
			return -ENOEXEC;
		}
	}
	return 0;
}

char vm_kernel__config(const char *cfg, const char *sym)
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

int vm_kernel__dir(const char *image, char *buf, size_t len)
{
	const char *slash = strrchr(image, '/');

	if (!slash)
		return xsnprintf(buf, len, ".");
	return xsnprintf(buf, len, "%.*s", (int)(slash - image), image);
}
