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

static int rel_cmp(const void *a, const void *b)
{
	return -strverscmp(*(char *const *)a, *(char *const *)b);
}

int vm__cached_releases(char ***names, int *n)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	char **v = NULL;
	int k = 0, cap = 0, err;
	DIR *d;

	*names = NULL;
	*n = 0;
	err = vm__cache_dir(dir, sizeof(dir));
	if (err || xsnprintf(path, sizeof(path), "%s/kernels", dir))
		return err ? err : -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char k_img[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "current"))
			continue;
		if (xsnprintf(k_img, sizeof(k_img), "%s/%s", path, de->d_name) || lstat(k_img, &st) ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (k == cap) {
			char **nv = realloc(v, sizeof(*v) * (cap = cap * 2 + 8));

			if (!nv) {
				err = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[k] = strdup(de->d_name);
		if (!v[k]) {
			err = -ENOMEM;
			break;
		}
		k++;
	}
	closedir(d);
	if (err) {
		while (k--)
			free(v[k]);
		free(v);
		return err;
	}
	qsort(v, k, sizeof(*v), rel_cmp);
	*names = v;
	*n = k;
	return 0;
}

int vm__resolve_kernel(const char *spec, char *buf, size_t len, char *err, size_t errlen)
{
	char cache[PATH_MAX] = "~/.cache/scxbench", list[512] = "", real[PATH_MAX];
	char **names = NULL;
	int n = 0, hit = -1, nhit = 0, rc;
	size_t sl;

	if (!spec || !*spec) {
		rc = vm__cached_kernel(buf, len);
		if (rc) {
			vm__cache_dir(cache, sizeof(cache));
			vm__set_err(err, errlen, "no sched_ext kernel cached in %s/kernels: run `scxbench"
				    " vm fetch` (or pass --kernel PATH)", cache);
		}
		return rc;
	}
	if (strchr(spec, '/') || is_file(spec)) {
		if (!realpath(spec, real)) {
			rc = -errno;
			vm__set_err(err, errlen, "kernel image %s: %s", spec, strerror(errno));
			return rc;
		}
		return xsnprintf(buf, len, "%s", real);
	}
	rc = vm__cached_releases(&names, &n);
	if (rc) {
		vm__set_err(err, errlen, "cannot list the cached kernels: %s", strerror(-rc));
		return rc;
	}
	sl = strlen(spec);
	for (int i = 0; i < n; i++) {
		size_t l = strlen(list);

		snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", names[i]);
		if (!strcmp(names[i], spec)) {
			hit = i;
			nhit = 1;
			break;
		}
		if (!strncmp(names[i], spec, sl) && nhit++ == 0)
			hit = i;
	}
	vm__cache_dir(cache, sizeof(cache));
	if (nhit == 1) {
		rc = xsnprintf(buf, len, "%s/kernels/%s/vmlinuz", cache, names[hit]);
		if (!rc && !is_file(buf)) {
			vm__set_err(err, errlen, "cached kernel %s has no vmlinuz (re-run `scxbench vm"
				    " fetch --update`)", names[hit]);
			rc = -ENOENT;
		}
	} else if (nhit) {
		vm__set_err(err, errlen, "--kernel %s: %d cached kernels start so (cached: %s): say which",
			    spec, nhit, list);
		rc = -EINVAL;
	} else {
		vm__set_err(err, errlen, "--kernel %s: neither a file nor a cached kernel (cached: %s;"
			    " `scxbench vm fetch --dist DIST` adds one)", spec, n ? list : "none");
		rc = -ENOENT;
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int vm__check_topology(const struct topo_spec *t, char *err, size_t errlen)
{
	char s[TOPO_SPEC_MAX], want[TOPO_SPEC_MAX];
	struct topo_spec ok = *t;

	if (t->sockets % t->nodes == 0)
		ok.llcs = 1;
	else if (t->nodes % t->sockets == 0)
		ok.llcs = t->nodes / t->sockets, ok.cores = t->llcs * t->cores / ok.llcs;
	if (!memcmp(&ok, t, sizeof(ok)))
		return 0;
	topo_spec__format(t, s, sizeof(s));
	topo_spec__format(&ok, want, sizeof(want));
	vm__set_err(err, errlen, "--topology %s: a QEMU guest sees one LLC per socket, or one per node"
		    " when nodes split a socket; the nearest shape it can have is %s", s, want);
	return -EINVAL;
}
