// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/escape.h"
#include "reports/gnuplot.h"

/*
 * A scheduler's colour is a function of its name, so that it is the same
 * in every figure, report, history plot and export, whatever database
 * or comparison it comes from. The three built-ins most comparisons hold
 * are pinned to the first Okabe-Ito hues; every other name hashes
 * (FNV-1a) into the rest of the palette, chosen to stay apart from each
 * other and from the pinned three, with the common colour-vision
 * deficiencies and in greyscale print (black for the yellow, and dark
 * hues from Paul Tol's palettes; no second blue or green beside the
 * pinned ones). The timeline's role colours
 * (fig_timeline.c) are outside both lists.
 */
static const struct {
	const char *name, *color;
} pinned[] = {
	{ "eevdf", "#0072B2" }, /* blue */
	{ "simple", "#D55E00" }, /* vermillion */
	{ "vtime", "#009E73" }, /* bluish green */
};
static const char *const hashed[] = {
	"#CC79A7", /* reddish purple */
	"#E69F00", /* orange */
	"#000000", /* black */
	"#882255", /* wine */
	"#332288", /* indigo */
	"#999933", /* olive */
	"#DDCC77", /* sand */
};
#define NPINNED (sizeof(pinned) / sizeof(pinned[0]))
#define NHASHED (sizeof(hashed) / sizeof(hashed[0]))

static int color_slot(const char *name)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < NPINNED; i++)
		if (!strcmp(name, pinned[i].name))
			return -1 - (int)i;
	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	return (int)(h % NHASHED);
}

const char *gp__sched_color(const char *name)
{
	int k = color_slot(name);

	return k < 0 ? pinned[-1 - k].color : hashed[k];
}

static int by_name(const void *a, const void *b)
{
	return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

int gp__sched_variants(const char *const *names, int n, int *variant)
{
	const char *const **order = malloc(sizeof(*order) * (n ? n : 1));
	int most = 0;

	if (!order)
		return -ENOMEM;
	for (int i = 0; i < n; i++)
		order[i] = &names[i];
	/* byte order of the names: the same set gets the same variants
	 * whatever order a comparison lists it in */
	qsort(order, n, sizeof(*order), by_name);
	for (int i = 0; i < n; i++) {
		int idx = (int)(order[i] - names), v = 0;

		/* one more for each distinct earlier name of the same colour */
		for (int j = 0; j < i; j++)
			if (strcmp(*order[j], *order[i]) && (j == 0 || strcmp(*order[j], *order[j - 1])) &&
			    !strcmp(gp__sched_color(*order[j]), gp__sched_color(*order[i])))
				v++;
		variant[idx] = v;
		if (v > most)
			most = v;
	}
	free(order);
	return most;
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

const char *gp__fill(int variant)
{
	/* gnuplot's patterns 4-7 are hatches that keep the colour readable */
	static const char *const fill[] = { "fs solid 0.85 border -1",
		"fs pattern 4 border rgb \"#000000\"", "fs pattern 5 border rgb \"#000000\"",
		"fs pattern 6 border rgb \"#000000\"", "fs pattern 7 border rgb \"#000000\"" };

	return fill[variant < 0 ? 0 : variant % 5];
}

int gp__dash(int variant)
{
	/* 1 solid; 2 dashes are the CDF's corrected curves: variants 3.. */
	return variant <= 0 ? 1 : 2 + variant;
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
	/* sized for a single paper column: the PDF is 5 x 3.2 in with 10 pt
	 * text, the PNG that PDF at 150 dpi (750 x 480, the same proportions
	 * of text and lines), the SVG in between */
	fprintf(f,
		"if (!exists(\"fmt\")) fmt = \"png\"\n"
		"if (fmt eq \"png\") {\n"
		"  set terminal pngcairo size 750,480 font \"Sans,10\" fontscale 1.35 linewidth 2"
		" noenhanced\n"
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
		"set grid ytics lc rgb \"#dddddd\" lw 1 dt 1\n",
		name);
	/* the title as a label at the top: gnuplot's own title would sit
	 * between the key and the plot */
	fprintf(f, "set label 1000 \"");
	esc_gp(f, title);
	fprintf(f, "\" at screen 0.5, screen 0.955 center front noenhanced\n");
	gp__key_above(f, 1);
	return f;
}

void gp__label(FILE *f, const char *s)
{
	/* about 34 characters fit along the y axis of a 480 px figure: a
	 * longer label breaks before its last parenthesis (the unit) */
	const char *br = strlen(s) > 34 ? strrchr(s, '(') : NULL;
	char head[256];

	if (!br || br == s || br - s >= (long)sizeof(head)) {
		esc_gp(f, s);
		return;
	}
	snprintf(head, sizeof(head), "%.*s", (int)(br - s), s);
	for (size_t l = strlen(head); l && head[l - 1] == ' '; l--)
		head[l - 1] = 0;
	esc_gp(f, head);
	fputs("\\n", f);
	esc_gp(f, br);
}

void gp__key_above(FILE *f, int rows)
{
	/* between the title and the plot, never over the data */
	fprintf(f, "set key at graph 0.5, graph 1.02 bottom center horizontal noenhanced"
		   " samplen 2.5 maxrows %d\nset tmargin %.1f\n", rows, 2.2 + 1.25 * rows);
}

int gp__key_rows(const char *const *titles, int n)
{
	/* about 60 characters fit on a row of the 750 px PNG and the PDF */
	int chars = 0;

	for (int i = 0; i < n; i++)
		chars += (int)strlen(titles[i]) + 7; /* the sample and the gap */
	return chars / 60 + 1;
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
