// SPDX-License-Identifier: GPL-2.0
/* The workloads `scxbench list workloads` shows, in this order. */
#include <string.h>

#include "harness/lib/util.h"
#include "workloads/wl_internal.h"

static const struct workload *const workloads[] = {
	&wl_hackbench,
	&wl_latency,
	&wl_cpu,
	&wl_mixed,
	&wl_cmd,
	&wl_replay,
};

const struct workload *workload__find(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(workloads); i++)
		if (!strcmp(workloads[i]->name, name))
			return workloads[i];
	return NULL;
}

const struct workload *workload__parse(const char *spec, const char **arg)
{
	const char *colon = spec ? strchr(spec, ':') : NULL;

	*arg = NULL;
	if (!colon)
		return workload__find(spec);
	for (size_t i = 0; i < ARRAY_SIZE(workloads); i++)
		if (workloads[i]->arg_param && strlen(workloads[i]->name) == (size_t)(colon - spec) &&
		    !strncmp(workloads[i]->name, spec, colon - spec)) {
			*arg = colon + 1;
			return workloads[i];
		}
	return NULL;
}

int workload__count(void)
{
	return (int)ARRAY_SIZE(workloads);
}

const struct workload *workload__at(int i)
{
	return i >= 0 && i < workload__count() ? workloads[i] : NULL;
}

const char *workload__role(const char *comm)
{
	static const struct {
		const char *prefix, *role;
	} roles[] = {
		{ ROLE_COMM_PROBE, "probe" },
		{ ROLE_COMM_HACKBENCH, "hackbench" },
		{ ROLE_COMM_HOG, "hog" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (!strncmp(comm, roles[i].prefix, strlen(roles[i].prefix)))
			return roles[i].role;
	return "other";
}

int workload__run(const struct workload *wl, const struct wl_params *p,
		  const struct wl_run_ctx *ctx, struct results *res)
{
	int err;

	wl_spawn__set_ext(ctx->ext_policy);
	err = wl->run(p, ctx, res);
	wl_spawn__set_ext(false);
	return err;
}

bool workload__is_primary(const char *wl, const char *metric)
{
	const struct workload *w = workload__find(wl);

	for (int i = 0; w && w->primary && w->primary[i]; i++)
		if (!strcmp(w->primary[i], metric))
			return true;
	return false;
}
