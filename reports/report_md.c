// SPDX-License-Identifier: GPL-2.0
/* report.md: the report's document (report_doc.h) as Markdown, for a
 * repository or a paper's supplementary material. Collapsible sections are
 * <details> (GitHub renders the Markdown inside). Every text goes through
 * esc_md() (esc_html() inside HTML tags); fenced blocks cannot be closed
 * by what they hold. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "reports/report_doc.h"

/* inside a fence only ``` can break out: neutralised */
static void fenced(FILE *f, const char *s)
{
	fputs("```\n", f);
	for (; s && *s; s++)
		fputc(*s == '`' ? '\'' : *s, f);
	if (s && s[-1] != '\n')
		fputc('\n', f);
	fputs("```\n\n", f);
}

static void md_cell(FILE *f, const struct doc_cell *cl)
{
	bool any = false;

	if (cl->text) {
		esc_md(f, cl->text);
		any = true;
	}
	if (cl->note) {
		fputs(any ? "<br>" : "", f);
		esc_md(f, cl->note);
		any = true;
	}
	if (cl->verdict) {
		bool strong = cl->style == DS_BETTER || cl->style == DS_WORSE;

		fputs(any ? "<br>" : "", f);
		fputs(strong ? "**" : "", f);
		esc_md(f, cl->verdict);
		fputs(strong ? "**" : "", f);
	}
}

static void md_table(FILE *f, const struct doc_block *b)
{
	const struct doc_table *t = b->table;

	if (b->text) {
		fputs("**", f);
		esc_md(f, b->text);
		fputs("**\n\n", f);
	}
	fputc('|', f);
	for (int k = 0; k < t->ncols; k++) {
		fputc(' ', f);
		esc_md(f, t->head[k] ? t->head[k] : "");
		fputs(" |", f);
	}
	fputs("\n|", f);
	for (int k = 0; k < t->ncols; k++)
		fputs(t->num[k] ? "--:|" : "---|", f);
	fputc('\n', f);
	for (int r = 0; r < t->nrows; r++) {
		fputc('|', f);
		for (int k = 0; k < t->ncols; k++) {
			fputc(' ', f);
			md_cell(f, doc__cell((struct doc_table *)t, r, k));
			fputs(" |", f);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

static void md_links(const struct report_ctx *c, FILE *f, const struct report_fig *g)
{
	fprintf(f, "data: [%s.dat](%s.dat), script: [%s.gp](%s.gp)", g->name, g->name, g->name,
		g->name);
	for (int i = 0; g->rendered && i < c->nformats; i++)
		fprintf(f, ", [%s](%s.%s)", c->formats[i], g->name, c->formats[i]);
}

static void md_figs(const struct report_ctx *c, FILE *f, const struct doc_block *b)
{
	if (b->ref) { /* drawn at the top: their captions and files */
		esc_md(f, b->text);
		fputs("\n\n", f);
		for (int i = 0; i < b->nfigs; i++) {
			const struct report_fig *g = &c->figs[b->figs[i]];

			fputs("- **", f);
			esc_md(f, g->title);
			fputs("**: ", f);
			esc_md(f, g->caption);
			fputs(" (", f);
			md_links(c, f, g);
			fputs(")\n", f);
		}
		fputc('\n', f);
		return;
	}
	/* the key figures side by side, their captions in their sections */
	if (b->key) {
		for (int i = 0; i < b->nfigs; i++) {
			const struct report_fig *g = &c->figs[b->figs[i]];

			if (g->rendered) {
				fputs("![", f);
				esc_md(f, g->title);
				fprintf(f, "](%s.%s) ", g->name, c->formats[0]);
			}
		}
		fputs("\n\n", f);
		return;
	}
	for (int i = 0; !b->key && i < b->nfigs; i++) {
		const struct report_fig *g = &c->figs[b->figs[i]];

		fputs("**", f);
		esc_md(f, g->title);
		fputs("**\n\n", f);
		if (g->missing[0]) {
			fputs("*Not drawn:* ", f);
			esc_md(f, g->missing);
			fputs("\n\n", f);
		}
		if (g->rendered)
			fprintf(f, "![%s](%s.%s)\n\n", g->name, g->name, c->formats[0]);
		esc_md(f, g->caption);
		fputs(g->caption[0] ? " (" : "(", f);
		md_links(c, f, g);
		fputs(")\n\n", f);
	}
}

static void md_block(const struct report_ctx *c, FILE *f, const struct doc_block *b)
{
	switch (b->kind) {
	case DB_PARA:
		esc_md(f, b->text);
		fputs("\n\n", f);
		break;
	case DB_WARN:
		fputs("> **", f);
		esc_md(f, b->text);
		fputs("**\n\n", f);
		break;
	case DB_LIST:
		for (int i = 0; i < b->nitems; i++) {
			fputs("- ", f);
			esc_md(f, b->items[i]);
			fputc('\n', f);
		}
		fputc('\n', f);
		break;
	case DB_TABLE:
		md_table(f, b);
		break;
	case DB_FIGS:
		md_figs(c, f, b);
		break;
	case DB_PRE:
		fputs("<details><summary>", f);
		esc_html(f, b->label ? b->label : "");
		fputs("</summary>\n\n", f);
		fenced(f, b->text);
		fputs("</details>\n\n", f);
		break;
	}
}

int report_md(struct report_ctx *c, const struct report_doc *d)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.md", c->outdir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs("# ", f);
	esc_md(f, d->title);
	fputs("\n\n", f);
	for (int i = 0; i < d->nsec; i++) {
		const struct doc_section *s = d->sec[i];

		if (s->title) {
			fputs("## ", f);
			esc_md(f, s->title);
			fputs("\n\n", f);
		}
		if (s->collapsible) {
			fputs("<details><summary>", f);
			esc_html(f, s->summary ? s->summary : s->title);
			fputs("</summary>\n\n", f);
		}
		for (int k = 0; k < s->nblocks; k++)
			md_block(c, f, s->blocks[k]);
		if (s->collapsible)
			fputs("</details>\n\n", f);
	}
	fputs("---\n", f);
	esc_md(f, d->footer);
	fputc('\n', f);
	return fclose(f) ? -EIO : 0;
}
