// SPDX-License-Identifier: GPL-2.0
/*
 * tracefs instance names as owner records (collectors/trace_collector.h):
 * our own name parses back to us and is alive; the same pid with another
 * start time is a reused pid, hence gone; a reaped child is gone; names of
 * earlier versions (no start time) still parse; anything else is not ours.
 * No tracefs needed: only the names are tested.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collectors/trace_collector.h"
#include "harness/lib/owner.h"
#include "tests/unit/unit.h"

UNIT_TEST(trace_instance_name_round_trip)
{
	struct owner self, o;
	char name[64];

	CHECK(!owner__self(&self), "owner__self");
	CHECK(!tracefs_collector__instance_name(name, sizeof(name), 42), "name");
	CHECK(!tracefs_collector__instance_owner(name, &o), "parse %s", name);
	CHECK(o.pid == getpid() && o.start == self.start && self.start,
	      "%s: pid %d start %llu, want %d %llu", name, (int)o.pid,
	      (unsigned long long)o.start, (int)getpid(), (unsigned long long)self.start);
	CHECK(owner__alive(&o), "%s: our own instance is not alive", name);
	CHECK(tracefs_collector__instance_name(name, 12, 42) == -ENAMETOOLONG, "short buffer");
}

UNIT_TEST(trace_instance_reused_pid_is_gone)
{
	struct owner self, o;
	char name[96];

	CHECK(!owner__self(&self), "owner__self");
	/* our pid, someone else's start time: the pid was reused */
	snprintf(name, sizeof(name), TRACEFS_INSTANCE_PREFIX "%d-%llu-7", (int)getpid(),
		 (unsigned long long)self.start + 1);
	CHECK(!tracefs_collector__instance_owner(name, &o), "parse %s", name);
	CHECK(!owner__alive(&o), "%s: alive", name);
}

UNIT_TEST(trace_instance_dead_owner_is_gone)
{
	struct owner o;
	char name[96];
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (!pid)
		_exit(0);
	CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	snprintf(name, sizeof(name), TRACEFS_INSTANCE_PREFIX "%d-1-7", (int)pid);
	CHECK(!tracefs_collector__instance_owner(name, &o), "parse %s", name);
	CHECK(!owner__alive(&o), "%s: a reaped child is alive", name);
}

UNIT_TEST(trace_instance_old_names)
{
	struct owner o;
	char name[96];

	/* "scxbench-<pid>-<run id>": no start time, the pid decides */
	snprintf(name, sizeof(name), TRACEFS_INSTANCE_PREFIX "%d-7", (int)getpid());
	CHECK(!tracefs_collector__instance_owner(name, &o), "parse %s", name);
	CHECK(o.pid == getpid() && o.start == 0, "%s: pid %d start %llu", name, (int)o.pid,
	      (unsigned long long)o.start);
	CHECK(owner__alive(&o), "%s: not alive", name);
}

UNIT_TEST(trace_instance_foreign_names)
{
	static const char *const bad[] = {
		"", "trace-cmd", "scxbench", "scxbench-", "scxbench-x-1", "scxbench-12",
		"scxbench-0-1-2", "scxbench--5-1", "scxbench-12_3", "scxbench-run-abc",
	};
	struct owner o;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(tracefs_collector__instance_owner(bad[i], &o) == -EINVAL, "'%s' taken as ours",
		      bad[i]);
}
