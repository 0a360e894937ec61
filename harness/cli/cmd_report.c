// SPDX-License-Identifier: GPL-2.0
/* scxbench report: figures and report.md/html from the database alone. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "reports/report.h"
#include "harness/store/query.h"
#include "harness/lib/util.h"

const char cmd_report_usage[] =
	"usage: scxbench report [--db FILE] [--compare ID | --runs ID,ID...] [--out DIR]\n"
	"                       [--format png,svg,pdf]\n"
	"\n"
	"Regenerate a report from the database alone: the comparison table, gnuplot\n"
	"figures (each with its .dat data and .gp script), report.md and a\n"
	"self-contained report.html.\n"
	"\n"
	"      --db FILE       database (default " STORE_DEFAULT_PATH "), opened read-only\n"
	"      --compare ID    a stored comparison (default: the newest one)\n"
	"      --runs IDS      these runs instead (comma-separated ids); the first\n"
	"                      scheduler seen is the baseline\n"
	"  -o, --out DIR       output folder (default scxbench-report-<ID>, or\n"
	"                      scxbench-report for --runs)\n"
	"  -f, --format LIST   png, svg, pdf, comma-separated (default png)\n"
	"  -q, --quiet         no table on stdout;  -v, --verbose\n"
	"\n"
	"The folder is written under a hidden name beside DIR and renamed to DIR once\n"
	"complete, replacing an older report there; a DIR holding other files is refused.\n"
	"\n"
	"Exit status: 0 complete report, 1 report written but partial (gnuplot\n"
	"missing, no successful run...: the report says what is missing), 2 bad usage,\n"
	"unknown id, empty or damaged database (then no folder is written).\n";

/* "png,svg" -> formats[]; -EINVAL on an unknown one */
int report_parse_formats(const char *s, const char **formats, int *n, char *err, size_t len)
{
	static const char *const known[] = { "png", "svg", "pdf" };

	*n = 0;
	while (*s) {
		size_t l = strcspn(s, ",");
		int k;

		for (k = 0; k < 3; k++)
			if (l == strlen(known[k]) && !strncmp(s, known[k], l))
				break;
		if (k == 3) {
			snprintf(err, len, "--format: unknown format '%.*s' (png, svg, pdf)", (int)l, s);
			return -EINVAL;
		}
		for (int j = 0; j < *n; j++)
			if (formats[j] == known[k])
				k = -1;
		if (k >= 0 && *n < GP_MAX_FORMATS)
			formats[(*n)++] = known[k];
		s += l + (s[l] == ',');
	}
	if (!*n) {
		snprintf(err, len, "--format: empty list");
		return -EINVAL;
	}
	return 0;
}

static int parse_ids(const char *s, int64_t **ids, int *n, char *err, size_t len)
{
	int cap = 0;

	*ids = NULL;
	*n = 0;
	while (*s) {
		size_t l = strcspn(s, ",");
		char tok[32];
		int64_t v;

		snprintf(tok, sizeof(tok), "%.*s", (int)(l < 31 ? l : 31), s);
		if (l >= 31 || parse_i64(tok, 1, INT64_MAX, &v)) {
			snprintf(err, len, "--runs: '%.*s' is not a run id", (int)l, s);
			free(*ids);
			return -EINVAL;
		}
		if (*n == cap) {
			int64_t *nv = realloc(*ids, sizeof(*nv) * (cap = cap ? cap * 2 : 16));

			if (!nv) {
				free(*ids);
				return -ENOMEM;
			}
			*ids = nv;
		}
		(*ids)[(*n)++] = v;
		s += l + (s[l] == ',');
	}
	if (!*n) {
		snprintf(err, len, "--runs: empty list");
		return -EINVAL;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONG_OPTIONS,
		{ "compare", required_argument, NULL, 'c' },
		{ "runs", required_argument, NULL, 'r' },
		{ "out", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ 0 },
	};
	struct cli_common co = { .db = STORE_DEFAULT_PATH };
	const char *db_path, *out = NULL, *formats[GP_MAX_FORMATS] = { "png" };
	char err[600] = "", outbuf[64];
	int64_t cid = 0, *ids = NULL;
	int nids = 0, nformats = 1, opt, rc = EXIT_USAGE;
	struct store *st = NULL;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:f:qvh", opts, NULL)) != -1) {
		if (cli_opts__common(opt, optarg, &co))
			continue;
		switch (opt) {
		case 'c':
			if (parse_i64(optarg, 1, INT64_MAX, &cid)) {
				snprintf(err, sizeof(err), "--compare %s: not a comparison id", optarg);
				goto bad;
			}
			break;
		case 'r':
			free(ids);
			if (parse_ids(optarg, &ids, &nids, err, sizeof(err)))
				goto bad;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			if (report_parse_formats(optarg, formats, &nformats, err, sizeof(err)))
				goto bad;
			break;
		default:
			cli_opts__bad_usage("report", opt, argc, argv);
			free(ids);
			return EXIT_USAGE;
		}
	}
	if (co.help) {
		fputs(cmd_report_usage, stdout);
		free(ids);
		return 0;
	}
	command__verbosity(co.verbose, co.quiet);
	db_path = co.db;
	if (optind < argc) {
		snprintf(err, sizeof(err), "unexpected argument '%s'", argv[optind]);
		goto bad;
	}
	if (cid && nids) {
		snprintf(err, sizeof(err), "--compare and --runs exclude each other");
		goto bad;
	}
	st = store__open(db_path, STORE_READONLY, err, sizeof(err));
	if (!st) {
		pr_err("report: %s\n", err);
		goto out;
	}
	if (!cid && !nids && store__q_last_compare(st, &cid)) {
		if (!command__store_corrupt("report", st, "no report was written"))
			pr_err("report: %s has no comparison; give --runs ID,ID... (see: scxbench show)\n",
			       db_path);
		goto out;
	}
	if (!out) {
		if (cid)
			snprintf(outbuf, sizeof(outbuf), "scxbench-report-%lld", (long long)cid);
		else
			snprintf(outbuf, sizeof(outbuf), "scxbench-report");
		out = outbuf;
	}
	rc = report__run(st, cid, ids, nids, out, formats, nformats, co.quiet ? NULL : stdout, err,
			 sizeof(err));
	if (rc < 0) {
		if (!command__store_corrupt("report", st, "no report was written"))
			pr_err("report: %s\n", err);
		rc = EXIT_USAGE;
		goto out;
	}
	if (!co.quiet)
		printf("report: %s/report.html, %s/report.md%s\n", out, out,
		       rc ? " (partial: see the report for what is missing)" : "");
	goto out;
bad:
	pr_err("report: %s\n", err);
	rc = EXIT_USAGE;
out:
	store__close(st);
	free(ids);
	return rc;
}
