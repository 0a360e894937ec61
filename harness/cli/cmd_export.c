// SPDX-License-Identifier: GPL-2.0
/* scxbench export: runs, metrics and comparison results as CSV or JSON;
 * runs' kept events as a Perfetto trace (reports/perfetto.c). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "version.h"
#include "harness/cli/cli_opts.h"
#include "harness/cli/commands.h"
#include "harness/lib/escape.h"
#include "harness/lib/json.h"
#include "harness/lib/log.h"
#include "harness/store/capture.h"
#include "harness/store/query.h"
#include "reports/rtapp.h"
#include "harness/lib/util.h"
#include "reports/perfetto.h"

const char cmd_export_usage[] =
	"usage: scxbench export [RUN...] [--db FILE] [--format csv|json|perfetto]\n"
	"                       [--compare ID] [--table metrics|runs|results] [-o FILE]\n"
	"       scxbench export --rt-app FILE.capture | --rt-app --capture ID [--db FILE]\n"
	"\n"
	"Write stored data to stdout (or FILE): every run, the runs given by id, or\n"
	"those of one comparison.\n"
	"  JSON: one document {\"runs\": [... with their params and metrics],\n"
	"        \"comparisons\": [... with their result tables]}.\n"
	"  CSV:  one table, chosen with --table: metrics (default; one row per run and\n"
	"        metric), runs (one row per run), results (comparison result rows;\n"
	"        the default with --compare).\n"
	"  Perfetto: one protobuf trace for ui.perfetto.dev and trace_processor of\n"
	"        runs kept with --keep-events (without RUN or --compare: every run\n"
	"        that kept its events): per-CPU sched events, a process/thread track\n"
	"        per task, the probe's latency percentiles and SCX event counters as\n"
	"        counter tracks, failures and lost events as instants. Binary: give\n"
	"        -o FILE (e.g. runs.pftrace) or a pipe.\n"
	"\n"
	"      --db FILE       database (default " STORE_DEFAULT_PATH "), opened read-only\n"
	"  -f, --format F      csv, json or perfetto (default csv)\n"
	"      --compare ID    only this comparison and its runs\n"
	"      --table T       csv only: metrics, runs or results\n"
	"  -o, --output FILE   write there instead of stdout\n"
	"      --rt-app        a capture (a file, or --capture ID from the database) as\n"
	"                      rt-app JSON: each thread's typical cycle (an approximation\n"
	"                      for LISA users; replay:FILE replays the capture itself)\n"
	"\n"
	"Exit status: 0 written, 2 bad usage, unknown id or unreadable database.\n";

static void csv_num(FILE *f, double v)
{
	if (!isnan(v) && !isinf(v))
		fprintf(f, "%.17g", v);
}

static void csv_run_head(FILE *f)
{
	fputs("run_id,scheduler,workload,status,place,accel,kernel,compare_id,rep,round,"
	      "started_at,lost_events,topology", f);
}

static void csv_run(FILE *f, const struct q_run *r)
{
	fprintf(f, "%lld,", (long long)r->id);
	esc_csv(f, r->scheduler);
	fputc(',', f);
	esc_csv(f, r->workload);
	fputc(',', f);
	esc_csv(f, run_status__name(r->status));
	fputc(',', f);
	esc_csv(f, r->place);
	fputc(',', f);
	esc_csv(f, r->accel);
	fputc(',', f);
	esc_csv(f, r->guest_kernel[0] ? r->guest_kernel : r->kernel_release);
	fputc(',', f);
	if (r->compare_id)
		fprintf(f, "%lld", (long long)r->compare_id);
	fprintf(f, ",%d,%d,%.3f,%lld,", r->rep, r->round, r->started_at, (long long)r->lost_events);
	esc_csv(f, r->topology);
}

static void json_result(FILE *f, const struct q_result *r)
{
	fputs("{\"metric\":", f);
	json_str(f, r->metric);
	fputs(",\"scheduler\":", f);
	json_str(f, r->scheduler);
	fputs(",\"unit\":", f);
	json_str(f, r->unit);
	fprintf(f, ",\"better\":%d,\"n\":%d,\"survived\":%d,\"total\":%d", r->better, r->n,
		r->survived, r->total);
	const struct {
		const char *k;
		double v;
	} nums[] = {
		{ "median", r->median }, { "mean", r->mean }, { "stddev", r->stddev },
		{ "cov", r->cov }, { "ci_lo", r->ci_lo }, { "ci_hi", r->ci_hi },
		{ "delta_pct", r->delta_pct }, { "delta_lo", r->delta_lo },
		{ "delta_hi", r->delta_hi }, { "p_value", r->p_value }, { "p_holm", r->p_holm },
		{ "cliffs_delta", r->effect },
	};
	for (size_t i = 0; i < ARRAY_SIZE(nums); i++) {
		fprintf(f, ",\"%s\":", nums[i].k);
		json_num(f, nums[i].v);
	}
	fputs(",\"verdict\":", f);
	json_str(f, r->verdict);
	fputs(",\"min_effect_pct\":", f);
	json_num(f, r->min_effect_pct);
	/* an inconclusive verdict's rounds to go; -1: no practical number */
	fputs(",\"more_rounds\":", f);
	if (r->more_rounds)
		fprintf(f, "%d", r->more_rounds);
	else
		fputs("null", f);
	fputc('}', f);
}

static void csv_results_head(FILE *f)
{
	fputs("compare_id,metric,scheduler,unit,better,n,survived,total,median,mean,stddev,cov,"
	      "ci_lo,ci_hi,delta_pct,delta_lo,delta_hi,p_value,p_holm,cliffs_delta,verdict,"
	      "min_effect_pct,more_rounds\n", f);
}

static void csv_result(FILE *f, int64_t cid, const struct q_result *r)
{
	double v[] = { r->median, r->mean, r->stddev, r->cov, r->ci_lo, r->ci_hi, r->delta_pct,
		       r->delta_lo, r->delta_hi, r->p_value, r->p_holm, r->effect };

	fprintf(f, "%lld,", (long long)cid);
	esc_csv(f, r->metric);
	fputc(',', f);
	esc_csv(f, r->scheduler);
	fputc(',', f);
	esc_csv(f, r->unit);
	fprintf(f, ",%d,%d,%d,%d", r->better, r->n, r->survived, r->total);
	for (size_t i = 0; i < ARRAY_SIZE(v); i++) {
		fputc(',', f);
		csv_num(f, v[i]);
	}
	fputc(',', f);
	esc_csv(f, r->verdict);
	fputc(',', f);
	csv_num(f, r->min_effect_pct);
	fputc(',', f);
	if (r->more_rounds)
		fprintf(f, "%d", r->more_rounds);
	fputc('\n', f);
}

static int export_json(struct store *st, const struct q_runs *runs, const int64_t *cids,
		       int ncids, FILE *f)
{
	fputs("{\"scxbench\":", f);
	json_str(f, SCXB_VERSION);
	fputs(",\"runs\":[", f);
	for (int i = 0; i < runs->n; i++) {
		const struct q_run *r = &runs->v[i];
		struct q_metrics m;
		int err;

		fprintf(f, "%s\n{\"id\":%lld,\"scheduler\":", i ? "," : "", (long long)r->id);
		json_str(f, r->scheduler);
		fputs(",\"workload\":", f);
		json_str(f, r->workload);
		fputs(",\"status\":", f);
		json_str(f, run_status__name(r->status));
		fputs(",\"status_detail\":", f);
		json_str(f, r->status_detail);
		fputs(",\"place\":", f);
		json_str(f, r->place);
		fputs(",\"accel\":", f);
		json_str(f, r->accel[0] ? r->accel : NULL);
		fputs(",\"kernel\":", f);
		json_str(f, r->kernel_release);
		fputs(",\"guest_kernel\":", f);
		json_str(f, r->guest_kernel[0] ? r->guest_kernel : NULL);
		fputs(",\"hostname\":", f);
		json_str(f, r->hostname);
		fputs(",\"cpu_model\":", f);
		json_str(f, r->cpu_model);
		fprintf(f, ",\"ncpus\":%d,\"topology\":", r->ncpus);
		json_str(f, r->topology[0] ? r->topology : NULL);
		fprintf(f, ",\"vm_host_cpus\":");
		if (r->vm_host_cpus > 0)
			fprintf(f, "%d", r->vm_host_cpus);
		else
			fputs("null", f);
		fputs(",\"version\":", f);
		json_str(f, r->version);
		fputs(",\"git_sha\":", f);
		json_str(f, r->git_sha);
		fprintf(f, ",\"compare_id\":");
		if (r->compare_id)
			fprintf(f, "%lld", (long long)r->compare_id);
		else
			fputs("null", f);
		fprintf(f, ",\"rep\":%d,\"round\":%d,\"started_at\":", r->rep, r->round);
		json_num(f, r->started_at);
		fprintf(f, ",\"lost_events\":%lld,\"partial\":%s,\"exit_reason\":",
			(long long)r->lost_events, r->partial ? "true" : "false");
		json_str(f, r->exit_reason[0] ? r->exit_reason : NULL);
		fputs(",\"exit_msg\":", f);
		json_str(f, r->exit_msg);
		fputs(",\"metrics\":{", f);
		err = store__q_metrics(st, &r->id, 1, &m);
		if (err)
			return err;
		for (int k = 0; k < m.n; k++) {
			fputs(k ? "," : "", f);
			json_str(f, m.v[k].name);
			fputs(":{\"value\":", f);
			json_num(f, m.v[k].value);
			fputs(",\"unit\":", f);
			json_str(f, m.v[k].unit);
			fprintf(f, ",\"better\":%d}", m.v[k].better);
		}
		q_metrics__free(&m);
		fputs("}}", f);
	}
	fputs("],\n\"comparisons\":[", f);
	for (int i = 0; i < ncids; i++) {
		struct q_compare c;
		struct q_result *res = NULL;
		int nres = 0, err;

		err = store__q_compare(st, cids[i], &c);
		if (!err)
			err = store__q_results(st, cids[i], &res, &nres);
		if (err)
			return err;
		fprintf(f, "%s\n{\"id\":%lld,\"uuid\":", i ? "," : "", (long long)c.id);
		json_str(f, c.uuid);
		fputs(",\"schedulers\":", f);
		json_str(f, c.schedulers);
		fputs(",\"workload\":", f);
		json_str(f, c.workload);
		/* settings is JSON already, but came from the store: embed as a
		 * string rather than trust it to be well-formed */
		fputs(",\"settings\":", f);
		json_str(f, c.settings);
		fprintf(f, ",\"seed\":%llu,\"reps\":%d,\"place\":", (unsigned long long)c.seed, c.reps);
		json_str(f, c.place);
		fputs(",\"status\":", f);
		json_str(f, c.status);
		fputs(",\"created_at\":", f);
		json_num(f, c.created_at);
		fputs(",\"results\":[", f);
		for (int k = 0; k < nres; k++) {
			fputs(k ? "," : "", f);
			json_result(f, &res[k]);
		}
		fputs("]}", f);
		free(res);
		q_compare__free(&c);
	}
	fputs("]}\n", f);
	return 0;
}

/* Keep only the runs that kept their events; -ENOENT when none did. */
static int keep_traced(struct store *st, struct q_runs *runs)
{
	int k = 0;

	for (int i = 0; i < runs->n; i++) {
		int64_t a, b, n;

		if (!store__q_events_span(st, runs->v[i].id, &a, &b, &n)) {
			struct q_run t = runs->v[k];

			runs->v[k++] = runs->v[i];
			runs->v[i] = t;
		}
	}
	for (int i = k; i < runs->n; i++)
		free(runs->v[i].exit_msg);
	runs->n = k;
	return k ? 0 : -ENOENT;
}

/* --rt-app: a capture file, or a stored capture, as rt-app JSON */
static int export_rtapp(bool rtapp, const char *file, int nargs, int64_t capid, const char *db_path)
{
	struct capture *c = NULL;
	struct store *st = NULL;
	char err[600] = "", *body = NULL;
	int rc = EXIT_USAGE;

	if (!rtapp || (file && capid) || (!file && !capid) || nargs > 1) {
		pr_err("export: --rt-app takes one capture: a FILE or --capture ID\n");
		return EXIT_USAGE;
	}
	if (file) {
		c = capture__load(file, err, sizeof(err));
	} else {
		st = store__open(db_path, STORE_READONLY, err, sizeof(err));
		if (st && store__capture_body(st, capid, &body))
			snprintf(err, sizeof(err), "no capture with id %lld in %s", (long long)capid, db_path);
		else if (st)
			c = capture__parse(body, err, sizeof(err));
	}
	if (!c) {
		pr_err("export: %s\n", err);
		goto out;
	}
	if (rtapp__write(c, stdout) || fflush(stdout)) {
		pr_err("export: writing the rt-app JSON failed\n");
		goto out;
	}
	rc = 0;
out:
	capture__free(c);
	free(body);
	store__close(st);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_COMMON_LONG_OPTIONS,
		{ "format", required_argument, NULL, 'f' },
		{ "compare", required_argument, NULL, 'c' },
		{ "table", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "rt-app", no_argument, NULL, 'R' },
		{ "capture", required_argument, NULL, 'C' },
		{ 0 },
	};
	struct cli_common co = { .db = STORE_DEFAULT_PATH };
	const char *db_path, *table = NULL, *out_path = NULL;
	bool json = false, perfetto = false;
	int64_t *ids = NULL, missing = 0;
	FILE *out = stdout;
	char err[512] = "";
	int64_t cid = 0, *cids = NULL, capid = 0;
	bool rtapp = false;
	int ncids = 0, opt, rc = EXIT_USAGE;
	struct store *st = NULL;
	struct q_runs runs = { 0 };
	/* everything is built in memory and written at the end: a database
	 * that turns out damaged halfway exports nothing, not a prefix */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = NULL;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":f:o:hqv", opts, NULL)) != -1) {
		if (cli_opts__common(opt, optarg, &co))
			continue;
		switch (opt) {
		case 'f':
			json = !strcmp(optarg, "json");
			perfetto = !strcmp(optarg, "perfetto");
			if (!json && !perfetto && strcmp(optarg, "csv")) {
				snprintf(err, sizeof(err), "--format %s: csv, json or perfetto", optarg);
				goto bad;
			}
			break;
		case 'o':
			out_path = optarg;
			break;
		case 'c':
			if (parse_i64(optarg, 1, INT64_MAX, &cid)) {
				snprintf(err, sizeof(err), "--compare %s: not a comparison id", optarg);
				goto bad;
			}
			break;
		case 't':
			if (strcmp(optarg, "metrics") && strcmp(optarg, "runs") && strcmp(optarg, "results")) {
				snprintf(err, sizeof(err), "--table %s: metrics, runs or results", optarg);
				goto bad;
			}
			table = optarg;
			break;
		case 'R':
			rtapp = true;
			break;
		case 'C':
			if (parse_i64(optarg, 1, INT64_MAX, &capid)) {
				snprintf(err, sizeof(err), "--capture %s: not a capture id", optarg);
				goto bad;
			}
			break;
		default:
			cli_opts__bad_usage("export", opt, argc, argv);
			return EXIT_USAGE;
		}
	}
	if (co.help) {
		fputs(cmd_export_usage, stdout);
		return 0;
	}
	command__verbosity(co.verbose, co.quiet);
	db_path = co.db;
	if (rtapp || capid)
		return export_rtapp(rtapp, optind < argc ? argv[optind] : NULL, argc - optind, capid,
				    db_path);
	if (optind < argc) {
		ids = calloc(argc - optind, sizeof(*ids));
		if (!ids)
			goto out;
	}
	for (int i = optind; i < argc; i++)
		if (parse_i64(argv[i], 1, INT64_MAX, &ids[i - optind])) {
			snprintf(err, sizeof(err), "'%s' is not a run id", argv[i]);
			goto bad;
		}
	if (ids && cid) {
		snprintf(err, sizeof(err), "runs by id or --compare, not both");
		goto bad;
	}
	if ((json || perfetto) && table) {
		snprintf(err, sizeof(err), "--table is for csv (%s)",
			 json ? "json holds every table" : "a trace holds no tables");
		goto bad;
	}
	if (perfetto && !out_path && isatty(STDOUT_FILENO)) {
		snprintf(err, sizeof(err), "a Perfetto trace is binary: give -o FILE (e.g. runs.pftrace)"
			 " or pipe it");
		goto bad;
	}
	if (!table)
		table = cid ? "results" : "metrics";
	st = store__open(db_path, STORE_READONLY, err, sizeof(err));
	if (!st) {
		pr_err("export: %s\n", err);
		goto out;
	}
	mem = open_memstream(&buf, &len);
	if (!mem)
		goto io;
	if (cid) {
		struct q_compare c;

		if (store__q_compare(st, cid, &c)) {
			if (store__corrupt(st))
				goto io;
			pr_err("export: no comparison with id %lld in %s\n", (long long)cid, db_path);
			goto out;
		}
		q_compare__free(&c);
		cids = malloc(sizeof(*cids));
		if (!cids)
			goto out;
		cids[0] = cid;
		ncids = 1;
		if (store__q_runs_of_compare(st, cid, &runs))
			goto io;
	} else if (ids) {
		int rc2 = store__q_runs_by_id(st, ids, argc - optind, &runs, &missing);

		if (rc2 == -ENOENT) {
			pr_err("export: no run with id %lld in %s\n", (long long)missing, db_path);
			goto out;
		}
		if (rc2)
			goto io;
	} else if (store__q_runs_all(st, &runs) || store__q_compare_ids(st, &cids, &ncids)) {
		goto io;
	}
	if (perfetto && !ids && !cid && keep_traced(st, &runs)) {
		pr_err("export: no run in %s kept its events (run with --keep-events)\n", db_path);
		goto out;
	}
	if (perfetto) {
		err[0] = 0;
		if (perfetto__export(st, runs.v, runs.n, mem, err, sizeof(err))) {
			if (store__corrupt(st))
				goto io;
			pr_err("export: %s\n", err);
			goto out;
		}
	} else if (json) {
		if (export_json(st, &runs, cids, ncids, mem))
			goto io;
	} else if (!strcmp(table, "results")) {
		csv_results_head(mem);
		for (int i = 0; i < ncids; i++) {
			struct q_result *res;
			int nres;

			if (store__q_results(st, cids[i], &res, &nres))
				goto io;
			for (int k = 0; k < nres; k++)
				csv_result(mem, cids[i], &res[k]);
			free(res);
		}
	} else if (!strcmp(table, "runs")) {
		csv_run_head(mem);
		fputs(",exit_reason\n", mem);
		for (int i = 0; i < runs.n; i++) {
			csv_run(mem, &runs.v[i]);
			fputc(',', mem);
			esc_csv(mem, runs.v[i].exit_reason);
			fputc('\n', mem);
		}
	} else {
		csv_run_head(mem);
		fputs(",metric,value,unit,better\n", mem);
		for (int i = 0; i < runs.n; i++) {
			struct q_metrics m;

			if (store__q_metrics(st, &runs.v[i].id, 1, &m))
				goto io;
			for (int k = 0; k < m.n; k++) {
				csv_run(mem, &runs.v[i]);
				fputc(',', mem);
				esc_csv(mem, m.v[k].name);
				fputc(',', mem);
				csv_num(mem, m.v[k].value);
				fputc(',', mem);
				esc_csv(mem, m.v[k].unit);
				fprintf(mem, ",%d\n", m.v[k].better);
			}
			q_metrics__free(&m);
		}
	}
	if (fclose(mem)) {
		mem = NULL;
		goto io;
	}
	mem = NULL;
	if (!runs.n && !ncids)
		pr_warn("export: %s holds no runs\n", db_path);
	if (out_path) {
		out = fopen(out_path, perfetto ? "wb" : "w");
		if (!out) {
			pr_err("export: %s: %s\n", out_path, strerror(errno));
			out = stdout;
			goto out;
		}
	}
	rc = fwrite(buf, 1, len, out) != len || fflush(out) ? EXIT_USAGE : 0;
	goto out;
io:
	rc = command__store_corrupt("export", st, "nothing was exported");
	if (!rc) {
		pr_err("export: reading %s failed\n", db_path);
		rc = EXIT_USAGE;
	}
	goto out;
bad:
	pr_err("export: %s\n", err);
	rc = EXIT_USAGE;
out:
	if (mem)
		fclose(mem);
	free(buf);
	if (out != stdout && fclose(out) && !rc)
		rc = EXIT_USAGE;
	/* a half-written file would look like a trace */
	if (out_path && rc && out != stdout)
		unlink(out_path);
	q_runs__free(&runs);
	free(cids);
	free(ids);
	store__close(st);
	return rc;
}
