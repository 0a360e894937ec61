// SPDX-License-Identifier: GPL-2.0
/* scxbench list workloads|schedulers: generated from the tables. */
#include <stdio.h>
#include <string.h>

#include "harness/cli/commands.h"
#include "harness/lib/log.h"
#include "harness/sched/sched.h"
#include "workloads/workload.h"

const char cmd_list_usage[] =
	"usage: scxbench list workloads|schedulers\n"
	"\n"
	"workloads:  every workload with its parameters (--NAME VALUE), defaults,\n"
	"            bounds and units.\n"
	"schedulers: the built-in schedulers; external ones run as exec:BINARY.\n";

static const char *type_name(enum wl_param_type t)
{
	switch (t) {
	case WL_INT: return "int";
	case WL_DOUBLE: return "real";
	case WL_ENUM: return "choice";
	case WL_BOOL: return "bool";
	case WL_STR: return "text";
	case WL_LIST: return "lines";
	case WL_FLAG: return "flag";
	}
	return "?";
}

static void list_workloads(void)
{
	for (int i = 0; i < workload__count(); i++) {
		const struct workload *wl = workload__at(i);

		if (wl->arg_param)
			printf("%s:%s: %s\n", wl->name, wl->arg_param, wl->summary);
		else
			printf("%s: %s\n", wl->name, wl->summary);
		for (int j = 0; j < wl->nr_params; j++) {
			const struct wl_param_def *d = &wl->params[j];
			char range[96] = "";

			if (d->type == WL_ENUM)
				snprintf(range, sizeof(range), "{%s}", d->choices);
			else if (d->type == WL_INT || d->type == WL_DOUBLE)
				snprintf(range, sizeof(range), "[%g..%g]", d->min, d->max);
			printf("  --%-18s %-6s default %-8s %-16s %s%s%s%s\n", d->name, type_name(d->type),
			       *d->def ? d->def : "''", range, d->help, d->unit && *d->unit ? " (" : "",
			       d->unit ? d->unit : "", d->unit && *d->unit ? ")" : "");
		}
		printf("\n");
	}
	printf("every workload also takes --duration S (default 10s): an upper bound.\n");
}

static void list_schedulers(void)
{
	printf("  %-10s %s\n", "eevdf", "the kernel's default fair class (nothing loaded into sched_ext)");
	for (int i = 0; i < sched__nr_builtin(); i++)
		printf("  %-10s %s\n", sched__builtin_name(i), sched__builtin_desc(i));
	printf("  %-10s %s\n", "exec:BIN", "an external sched_ext scheduler binary, e.g. exec:scx_lavd;"
	       " arguments after --");
}

int cmd_list(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(cmd_list_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (!strcmp(argv[1], "workloads"))
		list_workloads();
	else if (!strcmp(argv[1], "schedulers"))
		list_schedulers();
	else {
		pr_err("list: unknown list '%s' (workloads or schedulers)\n", argv[1]);
		return EXIT_USAGE;
	}
	return 0;
}
