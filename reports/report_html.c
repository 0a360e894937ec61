// SPDX-License-Identifier: GPL-2.0
/*
 * report.html: the report's document (report_doc.h) as one self-contained
 * file (figures embedded as base64 PNG or inline SVG, no external CSS, no
 * script) that survives being mailed around, laid out for a 1280 px
 * window: the headline and its three key figures on the first screen,
 * then one <details> section per family with its figures two across and
 * its table, no horizontal scrolling. Every text goes through esc_html().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness/lib/escape.h"
#include "reports/report_doc.h"

static const char css[] =
	"*{box-sizing:border-box}\n"
	"body{font-family:sans-serif;font-size:15px;line-height:1.35;color:#222;"
	"max-width:1220px;margin:0 auto;padding:6px 14px}\n"
	"h1{font-size:21px;margin:4px 0}\n"
	"p{margin:4px 0}\n"
	".warn{background:#fff3df;border-left:4px solid #d08000;padding:1px 8px;margin:3px 0;"
	"font-size:14px;line-height:1.3}\n"
	"ul.verdicts{margin:4px 0;padding-left:22px;line-height:1.3}\n"
	/* a table wider than the page scrolls in its box, never the page */
	".tw{max-width:100%;overflow-x:auto}\n"
	"table{border-collapse:collapse;font-size:13.5px;margin:6px 0}\n"
	"caption{text-align:left;font-weight:bold;padding:2px 0}\n"
	"th,td{border:1px solid #d4d4d4;padding:1px 6px;text-align:left;vertical-align:top;"
	"line-height:1.25}\n"
	"th{background:#f4f4f4}\n"
	/* a CI "[lo, hi]" broken over two lines reads as two numbers */
	"td.num,th.num{text-align:right;white-space:nowrap}\n"
	"tr.g td{border-top:2px solid #999}\n"
	".note{font-size:12px;color:#555;line-height:1.25}\n"
	"td.metric .note{overflow-wrap:anywhere}\n"
	".better{color:#006400;font-weight:bold}.worse{color:#b00000;font-weight:bold}\n"
	".same{color:#555}.inconclusive{color:#8a5a00;font-weight:bold}\n"
	".flag{color:#b00000;font-weight:bold}\n"
	".figs{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:12px;margin:6px 0}\n"
	".figs.key{grid-template-columns:repeat(3,minmax(0,1fr));gap:8px}\n"
	"figure{margin:0}\n"
	"figure img,figure svg{width:100%;height:auto;display:block}\n"
	"figcaption,ul.refs{font-size:12.5px;color:#333}\n"
	".missing{color:#8a5a00;font-style:italic}\n"
	"details.sec{border-top:1px solid #bbb;margin:6px 0}\n"
	"details.sec>summary{cursor:pointer;padding:5px 0}\n"
	"details.sec>summary h2{display:inline;font-size:18px;margin:0}\n"
	"summary .sum{color:#555;margin-left:10px;font-size:14px}\n"
	"pre{background:#f5f5f5;padding:6px;overflow-x:auto;font-size:12px;margin:4px 0}\n"
	"footer{border-top:1px solid #bbb;margin-top:12px;color:#555;font-size:13px}\n";

static int slurp(const char *path, char **buf, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return -EIO;
	}
	*buf = malloc(n + 1);
	if (!*buf) {
		fclose(f);
		return -ENOMEM;
	}
	*len = fread(*buf, 1, n, f);
	(*buf)[*len] = 0;
	fclose(f);
	return 0;
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		fputc(tbl[p[i] >> 2], f);
		fputc(tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)], f);
		fputc(tbl[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)], f);
		fputc(tbl[p[i + 2] & 63], f);
	}
	if (i < n) {
		fputc(tbl[p[i] >> 2], f);
		if (i + 1 < n) {
			fputc(tbl[((p[i] & 3) << 4) | (p[i + 1] >> 4)], f);
			fputc(tbl[(p[i + 1] & 15) << 2], f);
		} else {
			fputc(tbl[(p[i] & 3) << 4], f);
			fputc('=', f);
		}
		fputc('=', f);
	}
}

static bool has_format(const struct report_ctx *c, const char *fmt)
{
	for (int i = 0; i < c->nformats; i++)
		if (!strcmp(c->formats[i], fmt))
			return true;
	return false;
}

/* A stored metric name like scx_event.SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE
 * has no space: line breaks offered after its '.' and '_'. */
static void esc_html_wbr(FILE *f, const char *s)
{
	char part[256];

	while (*s) {
		size_t n = strcspn(s, "._");

		n += s[n] != 0;
		if (n >= sizeof(part))
			n = sizeof(part) - 1;
		memcpy(part, s, n);
		part[n] = 0;
		esc_html(f, part);
		s += n;
		if (*s && (part[n - 1] == '.' || part[n - 1] == '_'))
			fputs("<wbr>", f);
	}
}

static const char *style_class(enum doc_style s)
{
	switch (s) {
	case DS_BETTER:
		return "better";
	case DS_WORSE:
		return "worse";
	case DS_SAME:
		return "same";
	case DS_INCONCLUSIVE:
		return "inconclusive";
	case DS_WARN:
		return "flag";
	default:
		return "";
	}
}

static void html_table(FILE *f, const struct doc_block *b)
{
	const struct doc_table *t = b->table;
	bool head = false;

	for (int k = 0; k < t->ncols; k++)
		head |= t->head[k] && t->head[k][0];
	fputs("<div class=\"tw\"", f);
	if (b->id)
		fprintf(f, " id=\"%s\"", b->id);
	fputs("><table>", f);
	if (b->text) {
		fputs("<caption>", f);
		esc_html(f, b->text);
		fputs("</caption>", f);
	}
	if (head) {
		fputs("\n<tr>", f);
		for (int k = 0; k < t->ncols; k++) {
			fprintf(f, "<th%s>", t->num[k] ? " class=\"num\"" : "");
			esc_html(f, t->head[k] ? t->head[k] : "");
			fputs("</th>", f);
		}
		fputs("</tr>", f);
	}
	for (int r = 0; r < t->nrows; r++) {
		fprintf(f, "\n<tr%s>", t->group[r] ? " class=\"g\"" : "");
		for (int k = 0; k < t->ncols; k++) {
			const struct doc_cell *cl = doc__cell((struct doc_table *)t, r, k);
			const char *sc = cl->verdict ? "" : style_class(cl->style);

			fprintf(f, "<td class=\"%s%s%s\">", t->num[k] ? "num" : k ? "" : "metric",
				sc[0] ? " " : "", sc);
			if (cl->text)
				esc_html(f, cl->text);
			if (cl->note) {
				fputs("<div class=\"note\">", f);
				esc_html_wbr(f, cl->note);
				fputs("</div>", f);
			}
			if (cl->verdict) {
				fprintf(f, "<div class=\"%s\">", style_class(cl->style));
				esc_html(f, cl->verdict);
				fputs("</div>", f);
			}
			fputs("</td>", f);
		}
		fputs("</tr>", f);
	}
	fputs("\n</table></div>\n", f);
}

static void html_img(const struct report_ctx *c, FILE *f, const struct report_fig *g)
{
	char path[4096], *buf = NULL;
	size_t len;

	if (has_format(c, "png")) {
		snprintf(path, sizeof(path), "%s/%s.png", c->outdir, g->name);
		if (!slurp(path, &buf, &len)) {
			fputs("<img alt=\"", f);
			esc_html(f, g->title);
			fputs("\" title=\"", f);
			esc_html(f, g->caption);
			fputs("\" src=\"data:image/png;base64,", f);
			base64(f, (unsigned char *)buf, len);
			fputs("\">\n", f);
		}
	} else if (has_format(c, "svg")) {
		snprintf(path, sizeof(path), "%s/%s.svg", c->outdir, g->name);
		if (!slurp(path, &buf, &len)) {
			/* inline: drop the XML prolog and DOCTYPE */
			char *svg = strstr(buf, "<svg");

			fputs(svg ? svg : "", f);
		}
	} else {
		fprintf(f, "<p><a href=\"%s.%s\">%s.%s</a></p>\n", g->name, c->formats[0], g->name,
			c->formats[0]);
	}
	free(buf);
}

/* a figure drawn elsewhere (a key figure): title, caption, files */
static void html_fig_ref(const struct report_ctx *c, FILE *f, const struct report_fig *g)
{
	fprintf(f, "<li><a href=\"#fig-%s\">", g->name);
	esc_html(f, g->title);
	fputs("</a>: ", f);
	esc_html(f, g->caption);
	fprintf(f, " <a href=\"%s.dat\">data</a>, <a href=\"%s.gp\">script</a>", g->name, g->name);
	for (int i = 0; g->rendered && i < c->nformats; i++)
		fprintf(f, ", <a href=\"%s.%s\">%s</a>", g->name, c->formats[i], c->formats[i]);
	fputs("</li>\n", f);
}

static void html_fig(const struct report_ctx *c, FILE *f, const struct report_fig *g, bool key)
{
	fprintf(f, "<figure id=\"fig-%s\">\n", g->name);
	if (g->missing[0]) {
		fputs("<p class=\"missing\"><b>", f);
		esc_html(f, g->title);
		fputs("</b>: not drawn: ", f);
		esc_html(f, g->missing);
		fputs("</p>\n", f);
	}
	if (g->rendered)
		html_img(c, f, g);
	/* the key figures' captions and files are in their families'
	 * sections (html_fig_ref): the first screen keeps the figures */
	if (key) {
		fputs("</figure>\n", f);
		return;
	}
	fputs("<figcaption>", f);
	esc_html(f, g->caption);
	fprintf(f, " <a href=\"%s.dat\">data</a>, <a href=\"%s.gp\">script</a>", g->name, g->name);
	for (int i = 0; g->rendered && i < c->nformats; i++)
		fprintf(f, ", <a href=\"%s.%s\">%s</a>", g->name, c->formats[i], c->formats[i]);
	fputs("</figcaption></figure>\n", f);
}

static void html_block(const struct report_ctx *c, FILE *f, const struct doc_block *b)
{
	switch (b->kind) {
	case DB_PARA:
		fputs("<p>", f);
		esc_html(f, b->text);
		fputs("</p>\n", f);
		break;
	case DB_WARN:
		fputs("<p class=\"warn\">", f);
		esc_html(f, b->text);
		fputs("</p>\n", f);
		break;
	case DB_LIST:
		fputs("<ul class=\"verdicts\">\n", f);
		for (int i = 0; i < b->nitems; i++) {
			fputs("<li>", f);
			esc_html(f, b->items[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
		break;
	case DB_TABLE:
		html_table(f, b);
		break;
	case DB_FIGS:
		if (b->ref) {
			fputs("<p>", f);
			esc_html(f, b->text);
			fputs("</p>\n<ul class=\"refs\">\n", f);
			for (int i = 0; i < b->nfigs; i++)
				html_fig_ref(c, f, &c->figs[b->figs[i]]);
			fputs("</ul>\n", f);
			break;
		}
		fprintf(f, "<div class=\"figs%s\"", b->key ? " key" : "");
		if (b->id)
			fprintf(f, " id=\"%s\"", b->id);
		fputs(">\n", f);
		for (int i = 0; i < b->nfigs; i++)
			html_fig(c, f, &c->figs[b->figs[i]], b->key);
		fputs("</div>\n", f);
		break;
	case DB_PRE:
		fputs("<details><summary>", f);
		esc_html(f, b->label ? b->label : "");
		fputs("</summary><pre>", f);
		esc_html(f, b->text);
		fputs("</pre></details>\n", f);
		break;
	}
}

int report_html(struct report_ctx *c, const struct report_doc *d)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.html", c->outdir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	esc_html(f, d->title);
	fprintf(f, "</title>\n<style>\n%s</style></head><body>\n<h1>", css);
	esc_html(f, d->title);
	fputs("</h1>\n", f);
	for (int i = 0; i < d->nsec; i++) {
		const struct doc_section *s = d->sec[i];

		if (s->collapsible) {
			fprintf(f, "<details class=\"sec\" id=\"%s\"><summary><h2>", s->id);
			esc_html(f, s->title);
			fputs("</h2><span class=\"sum\">", f);
			esc_html(f, s->summary ? s->summary : "");
			fputs("</span></summary>\n", f);
		} else {
			fprintf(f, "<section id=\"%s\">\n", s->id);
			if (s->title) {
				fputs("<h2>", f);
				esc_html(f, s->title);
				fputs("</h2>\n", f);
			}
		}
		for (int k = 0; k < s->nblocks; k++)
			html_block(c, f, s->blocks[k]);
		fputs(s->collapsible ? "</details>\n" : "</section>\n", f);
	}
	fputs("<footer><p>", f);
	esc_html(f, d->footer);
	fputs("</p></footer>\n</body></html>\n", f);
	return fclose(f) ? -EIO : 0;
}
