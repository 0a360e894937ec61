// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/escape.h"
#include "reports/gnuplot.h"

/* Okabe-Ito: distinguishable with the common colour-vision deficiencies
 * and in greyscale print (the yellow is replaced by black). */
static const char *const colors[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999",
};

const char *gp__color(int i)
{
	return colors[(unsigned int)i % (sizeof(colors) / sizeof(colors[0]))];
}

bool gp__available(char *path, size_t len)
{
	const char *env = getenv("SCXB_GNUPLOT"), *p = getenv("PATH");

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return access(path, X_OK) == 0;
	}
	if (!p)
		p = "/usr/bin:/bin";
	while (*p) {
		size_t l = strcspn(p, ":");

		snprintf(path, len, "%.*s/gnuplot", (int)l, p);
		if (l && access(path, X_OK) == 0)
			return true;
		p += l + (p[l] == ':');
	}
	return false;
}

FILE *gp__begin(const char *dir, const char *name, const char *title)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.gp", dir, name);
	f = fopen(path, "w");
	if (!f)
		return NULL;
	fprintf(f, "# scxbench figure: ");
	esc_gp(f, title);
	fprintf(f, "\n# data: %s.dat; render: gnuplot -e \"fmt='pdf'\" %s.gp (png, svg, pdf)\n",
		name, name);
	/* sizes chosen for a single paper column (~3.4 in): 5 x 3.2 in
	 * scaled, fonts that stay >= 7 pt once shrunk to the column */
	fprintf(f,
		"if (!exists(\"fmt\")) fmt = \"png\"\n"
		"if (fmt eq \"png\") {\n"
		"  set terminal pngcairo size 1000,640 font \"Sans,18\" linewidth 2 noenhanced\n"
		"} else { if (fmt eq \"svg\") {\n"
		"  set terminal svg size 750,480 font \"Sans,14\" linewidth 1.5 noenhanced\n"
		"} else {\n"
		"  set terminal pdfcairo size 5in,3.2in font \"Sans,10\" linewidth 1.5 noenhanced\n"
		"}}\n"
		"set output \"%s.\" . fmt\n"
		"set encoding utf8\n"
		"set datafile missing \"NaN\"\n"
		"set datafile separator \"\\t\"\n"
		"set border 3 lw 1\n"
		"set tics nomirror out\n"
		"set grid ytics lc rgb \"#dddddd\" lw 1 dt 1\n"
		"set key noenhanced\n",
		name);
	return f;
}

int gp__render(const char *gnuplot, const char *dir, const char *name,
	       const char *const *formats, int nformats, char *err, size_t errlen)
{
	char script[512], fmtarg[64], errpath[4096];

	snprintf(script, sizeof(script), "%s.gp", name);
	snprintf(errpath, sizeof(errpath), "%s/.%s.gnuplot-stderr", dir, name);
	for (int i = 0; i < nformats; i++) {
		int status, fd;
		pid_t pid;

		snprintf(fmtarg, sizeof(fmtarg), "fmt='%s'", formats[i]);
		pid = fork();
		if (pid < 0) {
			snprintf(err, errlen, "fork: %s", strerror(errno));
			return -errno;
		}
		if (pid == 0) {
			fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0) {
				dup2(fd, 2);
				close(fd);
			}
			if (chdir(dir))
				_exit(126);
			execl(gnuplot, "gnuplot", "-e", fmtarg, script, (char *)NULL);
			_exit(127);
		}
		/* a SIGINT (compare's handler has no SA_RESTART) must not leave
		 * gnuplot unreaped */
		while (waitpid(pid, &status, 0) < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -ECHILD;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			char tail[400] = "";
			FILE *f = fopen(errpath, "r");

			if (f) {
				size_t n = fread(tail, 1, sizeof(tail) - 1, f);

				tail[n] = 0;
				fclose(f);
				for (char *c = tail; *c; c++)
					if (*c == '\n')
						*c = ' ';
			}
			snprintf(err, errlen, "gnuplot failed on %s (%s): %s", script, formats[i], tail);
			unlink(errpath);
			return -EIO;
		}
	}
	unlink(errpath);
	return 0;
}
