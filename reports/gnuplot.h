/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gnuplot driver. A figure is a data file NAME.dat plus a script NAME.gp
 * that an author can restyle and re-render by hand:
 *     gnuplot -e "fmt='pdf'" NAME.gp
 * The script picks the terminal from fmt (png: pngcairo, svg, pdf:
 * pdfcairo) and writes NAME.<fmt> next to itself.
 */
#ifndef SCXB_GNUPLOT_H
#define SCXB_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define GP_MAX_FORMATS 3

/* Path of gnuplot in $PATH (or $SCXB_GNUPLOT); false when absent. */
bool gp__available(char *path, size_t len);
/* Opens DIR/NAME.gp for writing and writes the common preamble (terminal
 * from fmt, fonts sized for a column-width figure, colors). */
FILE *gp__begin(const char *dir, const char *name, const char *title);
/* gnuplot color of scheduler i (fixed order: one color per scheduler in
 * every figure of a report). */
const char *gp__color(int i);
/* Runs gnuplot on DIR/NAME.gp once per format (cwd = DIR). 0, or -errno
 * with the reason (gnuplot's stderr tail) in err. */
int gp__render(const char *gnuplot, const char *dir, const char *name,
	       const char *const *formats, int nformats, char *err, size_t errlen);

#endif
