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
/* Opens DIR/NAME.gp for writing and writes the common preamble: terminal
 * from fmt (the PNG is the PDF at 150 dpi), the title, keys outside the
 * data, grid. */
FILE *gp__begin(const char *dir, const char *name, const char *title);
/* An axis label (esc_gp'ed) on two lines when too long for the y axis:
 * "probe wakeup latency (CO-corrected)\n(us, log scale)". Inside the
 * double quotes of set xlabel/ylabel. */
void gp__label(FILE *f, const char *s);
/* The key between the title and the plot, in at most rows rows (the top
 * margin grows with them); gp__key_rows() estimates the rows n entries
 * need. */
void gp__key_above(FILE *f, int rows);
int gp__key_rows(const char *const *titles, int n);
/* A scheduler's colour ("#RRGGBB"), a function of its name alone: the
 * same in every figure, report and history plot (eevdf, simple and vtime
 * pinned, other names hashed into a fixed palette). */
const char *gp__sched_color(const char *name);
/*
 * Two names of one figure may hash to the same colour: variant[i] is 0
 * for the first of them in byte order and 1, 2... for the others (drawn
 * hatched or dashed: their colour stays theirs). Returns the largest
 * variant, -ENOMEM.
 */
int gp__sched_variants(const char *const *names, int n, int *variant);
/* Bars of a variant: "fs solid 0.85" / "fs pattern N" with a border in
 * the colour; a line's dash type. */
const char *gp__fill(int variant);
int gp__dash(int variant);
/* Runs gnuplot on DIR/NAME.gp once per format (cwd = DIR). 0, or -errno
 * with the reason (gnuplot's stderr tail) in err. */
int gp__render(const char *gnuplot, const char *dir, const char *name,
	       const char *const *formats, int nformats, char *err, size_t errlen);

#endif
