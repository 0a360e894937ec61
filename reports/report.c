// SPDX-License-Identifier: GPL-2.0
/*
 * Report orchestration: the scheduler order, their colours (by name:
 * gp__sched_color), the figure list, the document (report_doc.c), then
 * its two renderings, report.md and report.html.
 *
 * A report folder is written under a temporary name next to its target
 * and renamed into place once complete, so no half report (a failed
 * figure, a database found damaged halfway, a full disk) is ever left
 * under the target's name; on error the temporary folder is removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/core/overhead.h"
#include "harness/lib/log.h"
#include "harness/lib/metric_info.h"
#include "reports/report.h"
#include "reports/report_doc.h"

struct report_fig *report__add_fig(struct report_ctx *c, const char *name, const char *title)
{
	struct report_fig *nf = realloc(c->figs, sizeof(*nf) * (c->nfigs + 1));

	if (!nf)
		return NULL;
	c->figs = nf;
	nf = &c->figs[c->nfigs++];
	memset(nf, 0, sizeof(*nf));
	snprintf(nf->name, sizeof(nf->name), "%s", name);
	snprintf(nf->title, sizeof(nf->title), "%s", title);
	nf->family = -1;
	return nf;
}

void report__fig_about(struct report_fig *f, const char *subject)
{
	struct metric_info mi;

	snprintf(f->subject, sizeof(f->subject), "%s", subject);
	metric__info(subject, &mi);
	f->family = mi.family;
}

const char *report__color(const struct report_ctx *c, int s)
{
	return c->color ? c->color[s] : gp__sched_color(c->sched[s]);
}

int report__variant(const struct report_ctx *c, int s)
{
	return c->variant ? c->variant[s] : 0;
}

void report__render(struct report_ctx *c, struct report_fig *f)
{
	char err[600];

	if (!c->have_gnuplot) {
		snprintf(f->missing, sizeof(f->missing),
			 "gnuplot not found: data and script written (%s.dat, %s.gp), image not"
			 " rendered; install gnuplot-nox and rerun scxbench report",
			 f->name, f->name);
		return;
	}
	if (gp__render(c->gnuplot, c->outdir, f->name, c->formats, c->nformats, err,
		       sizeof(err))) {
		pr_warn("%s\n", err);
		snprintf(f->missing, sizeof(f->missing), "%s", err);
		c->nfailed_render++;
		return;
	}
	f->rendered = true;
}

int report__sched_index(const struct report_ctx *c, const char *name)
{
	for (int i = 0; i < c->nsched; i++)
		if (!strcmp(c->sched[i], name))
			return i;
	return -1;
}

int report__nsched(const struct report_ctx *c)
{
	return c->nsched;
}

const char *report__sched_name(const struct report_ctx *c, int s)
{
	return c->sched[s];
}

int report__run_sched(const struct report_ctx *c, int i)
{
	/* the table knows slots (two slots may run the same scheduler) */
	if (c->table && c->table->run_slot && c->runs->n == c->table->nruns) {
		int s = c->table->run_slot[i];

		return s < 0 ? -1 : report__sched_index(c, c->table->sched[s].name);
	}
	/* no table: still never an --overhead-check run among the traced */
	if (!compare__run_counts(c->runs, i, CMP_MAIN, compare__mixed_trace(c->runs)))
		return -1;
	return report__sched_index(c, c->runs->v[i].scheduler);
}

int report__ok_runs(const struct report_ctx *c, int s, int64_t *ids)
{
	int n = 0;

	for (int i = 0; i < c->runs->n; i++)
		if (report__run_sched(c, i) == s && c->runs->v[i].status == RUN_OK)
			ids[n++] = c->runs->v[i].id;
	return n;
}

static int add_sched(struct report_ctx *c, const char *name)
{
	char (*ns)[64];

	if (report__sched_index(c, name) >= 0)
		return 0;
	ns = realloc(c->sched, sizeof(*ns) * (c->nsched + 1));
	if (!ns)
		return -ENOMEM;
	c->sched = ns;
	snprintf(ns[c->nsched++], 64, "%s", name);
	return 0;
}

int report__write(struct report_ctx *c)
{
	int (*const builders[])(struct report_ctx *) = {
		fig_cdf, fig_percentiles, fig_throughput, fig_tasks, fig_timeline, fig_scx_events,
		fig_locality,
		fig_fidelity,
	};
	int err;

	if (mkdir(c->outdir, 0755) && errno != EEXIST)
		return -errno;
	/* the comparison's order: baseline first in every figure and table */
	for (int i = 0; c->table && i < c->table->nsched; i++)
		if ((err = add_sched(c, c->table->sched[i].name)))
			return err;
	for (int i = 0; !c->table && i < c->runs->n; i++)
		if ((err = add_sched(c, c->runs->v[i].scheduler)))
			return err;
	/* colours by name (the same in every report), variants for two
	 * names of this report that share one */
	c->color = calloc(c->nsched ? c->nsched : 1, sizeof(*c->color));
	c->variant = calloc(c->nsched ? c->nsched : 1, sizeof(*c->variant));
	if (!c->color || !c->variant)
		return -ENOMEM;
	{
		const char **names = calloc(c->nsched ? c->nsched : 1, sizeof(*names));

		if (!names)
			return -ENOMEM;
		for (int i = 0; i < c->nsched; i++) {
			names[i] = c->sched[i];
			c->color[i] = gp__sched_color(c->sched[i]);
		}
		err = gp__sched_variants(names, c->nsched, c->variant);
		free(names);
		if (err < 0)
			return err;
	}
	c->have_gnuplot = gp__available(c->gnuplot, sizeof(c->gnuplot));
	for (size_t i = 0; i < sizeof(builders) / sizeof(builders[0]); i++) {
		err = builders[i](c);
		if (err)
			return err;
	}
	{
		struct report_doc d;

		err = report_doc__build(c, &d);
		if (err)
			return err;
		err = report_md(c, &d);
		if (!err)
			err = report_html(c, &d);
		report_doc__free(&d);
	}
	/* said once the report is written: a failed one has its own line */
	if (!err && !c->have_gnuplot && !store__corrupt(c->st))
		pr_warn("gnuplot not found: figure data and scripts written, no images (install"
			" gnuplot-nox)\n");
	return err;
}

/* What a report writes: report.md, report.html, NAME.dat, NAME.gp, the
 * images, and gnuplot's stderr (.NAME.gnuplot-stderr) while it runs. */
static bool report_file(const char *name)
{
	static const char *const ext[] = { ".dat", ".gp", ".png", ".svg", ".pdf", ".gnuplot-stderr" };
	size_t l = strlen(name);

	if (!strcmp(name, "report.md") || !strcmp(name, "report.html"))
		return true;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);

		if (l > e && !strcmp(name + l - e, ext[i]))
			return true;
	}
	return false;
}

/* target without its trailing slashes ("out/" is "out") */
static void strip_slashes(const char *target, char *buf, size_t len)
{
	size_t l;

	snprintf(buf, len, "%s", target);
	for (l = strlen(buf); l > 1 && buf[l - 1] == '/'; l--)
		buf[l - 1] = 0;
}

/* Anything but an older report in target would be lost: refused. */
int report__check_folder(const char *target_arg, char *err, size_t len)
{
	char target[4096];
	const char *base;
	struct dirent *d;
	struct stat sb;
	DIR *dir;
	int rc = 0;

	strip_slashes(target_arg, target, sizeof(target));
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, len, "%s: give the report folder a name (a new folder, or an older"
			 " report's)", target);
		return -EINVAL;
	}
	if (lstat(target, &sb)) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, len, "%s: %s", target, strerror(errno));
		return -errno;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, len, "%s exists and is not a folder", target);
		return -ENOTDIR;
	}
	dir = opendir(target);
	if (!dir) {
		snprintf(err, len, "%s: %s", target, strerror(errno));
		return -errno;
	}
	while ((d = readdir(dir))) {
		struct stat es;
		bool reg = d->d_type == DT_REG;

		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		if (d->d_type == DT_UNKNOWN)
			reg = !fstatat(dirfd(dir), d->d_name, &es, AT_SYMLINK_NOFOLLOW) &&
			      S_ISREG(es.st_mode);
		if (!reg || !report_file(d->d_name)) {
			snprintf(err, len, "%s holds '%s', which is not a report's: give a new folder"
				 " (a report replaces the folder it is written to)", target, d->d_name);
			rc = -EEXIST;
			break;
		}
	}
	closedir(dir);
	return rc;
}

/* Remove a report folder: the files a report writes, then the folder
 * (anything else in it is left, and said). */
static void remove_report_dir(const char *path)
{
	DIR *dir = opendir(path);
	struct dirent *d;

	if (dir) {
		while ((d = readdir(dir)))
			if (report_file(d->d_name))
				unlinkat(dirfd(dir), d->d_name, 0);
		closedir(dir);
	}
	if (rmdir(path) && errno != ENOENT)
		pr_warn("could not remove %s: %s\n", path, strerror(errno));
}

/* A new folder beside target, hidden: DIR/.BASE.tmp-PID-N */
static int make_temp_dir(const char *target, char *tmp, size_t len)
{
	const char *slash = strrchr(target, '/');
	int dlen = slash ? (int)(slash - target + 1) : 0;

	for (int n = 0; n < 100; n++) {
		snprintf(tmp, len, "%.*s.%s.tmp-%d-%d", dlen, target, slash ? slash + 1 : target,
			 (int)getpid(), n);
		if (!mkdir(tmp, 0755))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* tmp becomes target: over nothing or an empty folder in one rename;
 * swapped in one step with an older report (which is then removed). */
static int publish(const char *tmp, const char *target)
{
	char old[4200];

	if (!rename(tmp, target))
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST)
		return -errno;
	if (!renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_EXCHANGE)) {
		remove_report_dir(tmp); /* the older report, now under tmp's name */
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* no RENAME_EXCHANGE on this file system: the older report steps
	 * aside first (for an instant there is no report, never half one) */
	snprintf(old, sizeof(old), "%s.old", tmp);
	if (rename(target, old))
		return -errno;
	if (rename(tmp, target)) {
		int e = -errno;

		rename(old, target);
		return e;
	}
	remove_report_dir(old);
	return 0;
}

int report__write_folder(struct report_ctx *c, const char *target_arg, char *err, size_t len)
{
	char tmp[4200], target[4096];
	int rc;

	strip_slashes(target_arg, target, sizeof(target));
	rc = report__check_folder(target, err, len);
	if (rc)
		return rc;
	rc = make_temp_dir(target, tmp, sizeof(tmp));
	if (rc) {
		snprintf(err, len, "cannot create a folder beside %s: %s", target, strerror(-rc));
		return rc;
	}
	c->outdir = tmp;
	rc = report__write(c);
	/* figures keep going on an error of their own, and a statement
	 * that met damage may have been one of theirs */
	if (!rc && store__corrupt(c->st))
		rc = -EBADMSG;
	if (rc)
		snprintf(err, len, "writing the report into %s: %s", target, strerror(-rc));
	else if ((rc = publish(tmp, target)))
		snprintf(err, len, "cannot rename %s to %s: %s", tmp, target, strerror(-rc));
	if (rc)
		remove_report_dir(tmp);
	c->outdir = target_arg;
	return rc;
}

void report__free(struct report_ctx *c)
{
	free(c->figs);
	free(c->sched);
	free(c->color);
	free(c->variant);
	c->figs = NULL;
	c->sched = NULL;
	c->color = NULL;
	c->variant = NULL;
	c->nfigs = c->nsched = 0;
}

int report__run(struct store *st, int64_t compare_id, const int64_t *ids, int nids,
		const char *outdir, const char *const *formats, int nformats, FILE *table_out,
		char *err, size_t errlen)
{
	struct report_ctx c = { .st = st, .outdir = outdir, .nformats = nformats };
	struct q_compare cmp = { 0 };
	struct q_runs runs = { 0 };
	struct cmp_table table = { 0 };
	bool have_cmp = false, have_table = false;
	int64_t missing = 0;
	int rc, partial = 0;
	/* the table reaches table_out with the report, not before it */
	char *tbuf = NULL;
	size_t tlen = 0;
	FILE *tf = NULL;

	for (int i = 0; i < nformats && i < GP_MAX_FORMATS; i++)
		c.formats[i] = formats[i];
	/* before anything is read: a folder that is not a report's is kept */
	rc = report__check_folder(outdir, err, errlen);
	if (rc)
		goto cleanup;
	if (compare_id > 0) {
		rc = store__q_compare(st, compare_id, &cmp);
		if (rc == -ENOENT) {
			snprintf(err, errlen, "no comparison with id %lld in %s", (long long)compare_id,
				 store__path(st));
			goto cleanup;
		}
		if (rc) {
			snprintf(err, errlen, "cannot read comparison %lld", (long long)compare_id);
			goto cleanup;
		}
		have_cmp = true;
		rc = store__q_runs_of_compare(st, compare_id, &runs);
	} else {
		rc = store__q_runs_by_id(st, ids, nids, &runs, &missing);
		if (rc == -ENOENT) {
			snprintf(err, errlen, "no run with id %lld in %s", (long long)missing,
				 store__path(st));
			goto cleanup;
		}
	}
	if (rc) {
		snprintf(err, errlen, "cannot read the runs from %s: %s", store__path(st),
			 store__error(st));
		goto cleanup;
	}
	if (!runs.n) {
		snprintf(err, errlen, "comparison %lld has no runs", (long long)compare_id);
		rc = -ENODATA;
		goto cleanup;
	}
	/* runs from different places (host, or a guest with another kernel,
	 * accelerator or CPU topology) measure different machines: never one
	 * comparison */
	for (int i = 1; i < runs.n; i++) {
		const struct q_run *a = &runs.v[0], *b = &runs.v[i];

		if (!q_run__same_place(a, b, err, errlen)) {
			rc = -EXDEV;
			goto cleanup;
		}
		/* --partial puts only the workload on the scheduler: another
		 * experiment than a full run, never one table */
		if (a->partial != b->partial) {
			snprintf(err, errlen, "runs %lld and %lld ran in different modes (%s vs %s):"
				 " partial and full runs are different comparisons",
				 (long long)a->id, (long long)b->id, a->partial ? "partial" : "full",
				 b->partial ? "partial" : "full");
			rc = -EXDEV;
			goto cleanup;
		}
	}
	c.cmp = have_cmp ? &cmp : NULL;
	c.runs = &runs;
	rc = compare__eval(st, have_cmp ? cmp.schedulers : NULL, &runs, have_cmp ? cmp.seed : 1,
			   &table);
	if (rc == -ENODATA) {
		snprintf(c.table_missing, sizeof(c.table_missing),
			 "no successful run with metrics (every run failed, or was aborted)");
		partial = 1;
	} else if (rc) {
		snprintf(err, errlen, "evaluating the runs failed: %s", strerror(-rc));
		goto cleanup;
	} else {
		have_table = true;
		c.table = &table;
		if (table_out && !(tf = open_memstream(&tbuf, &tlen))) {
			rc = -ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto cleanup;
		}
		if (tf) {
			struct ovh_table o;

			compare__print(&table, tf);
			/* --overhead-check: after the main table, as compare prints it */
			if (!overhead__eval(st, have_cmp ? cmp.schedulers : NULL, &runs,
					    have_cmp ? cmp.seed : 1, &table, &o)) {
				overhead__print(&o, &table, tf);
				overhead__free(&o);
			}
		}
		if (table.nsched < 2) {
			snprintf(c.table_missing, sizeof(c.table_missing),
				 "only one scheduler: no comparison, descriptive statistics only");
		}
	}
	rc = report__write_folder(&c, outdir, err, errlen);
	if (rc)
		goto cleanup;
	if (tf && (fclose(tf) || fwrite(tbuf, 1, tlen, table_out) != tlen))
		pr_warn("could not print the table\n");
	tf = NULL;
	if (!c.have_gnuplot || c.nfailed_render)
		partial = 1;
	rc = partial;
cleanup:
	/* damage met on the way is the reason, whatever else failed after */
	if (rc < 0 && store__corrupt(st)) {
		snprintf(err, errlen, "%s is corrupt (%s)", store__path(st), store__corrupt(st));
		rc = -EBADMSG;
	}
	if (tf)
		fclose(tf);
	free(tbuf);
	report__free(&c);
	if (have_table)
		compare__free(&table);
	q_runs__free(&runs);
	q_compare__free(&cmp);
	return rc;
}
