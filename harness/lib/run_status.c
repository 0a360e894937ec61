// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "harness/lib/run_status.h"

static const char *const status_names[RUN_NR_STATUS] = {
	[RUN_RUNNING] = "running",
	[RUN_OK] = "ok",
	[RUN_FAILED] = "failed",
	[RUN_ABORTED] = "aborted",
	[RUN_SCHED_FAILED] = "sched_failed",
};

static const char *const stage_names[FAIL_NR_STAGES] = {
	[FAIL_NONE] = NULL,
	[FAIL_EXEC] = "exec",
	[FAIL_LOAD] = "load",
	[FAIL_ENABLE] = "enable",
	[FAIL_RUN] = "run",
	[FAIL_COLLECTOR] = "collector",
	[FAIL_WORKLOAD] = "workload",
	[FAIL_STORE] = "store",
};

const char *run_status__name(enum run_status s)
{
	return s >= 0 && s < RUN_NR_STATUS ? status_names[s] : "?";
}

int run_status__parse(const char *name)
{
	for (int i = 0; name && i < RUN_NR_STATUS; i++)
		if (!strcmp(name, status_names[i]))
			return i;
	return -1;
}

const char *fail_stage__name(enum fail_stage s)
{
	return s > FAIL_NONE && s < FAIL_NR_STAGES ? stage_names[s] : NULL;
}

int fail_stage__parse(const char *name)
{
	for (int i = 1; name && i < FAIL_NR_STAGES; i++)
		if (!strcmp(name, stage_names[i]))
			return i;
	return -1;
}
