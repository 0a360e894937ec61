// SPDX-License-Identifier: GPL-2.0
/* The fault suite's hook (harness/lib/fault.h). */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/lib/fault.h"

void fault__at(const char *point)
{
	static bool fired;
	const char *spec = getenv("SCXB_FAULT"), *action;
	size_t n = strlen(point);
	pid_t pid;

	if (fired || !spec || strncmp(spec, point, n) || spec[n] != ':')
		return;
	fired = true;
	action = spec + n + 1;
	if (!strcmp(action, "int") || !strcmp(action, "term") || !strcmp(action, "kill")) {
		raise(action[0] == 'i' ? SIGINT : action[0] == 't' ? SIGTERM : SIGKILL);
		return;
	}
	if (strncmp(action, "sh:", 3))
		return;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		char me[24];

		snprintf(me, sizeof(me), "%d", (int)getppid());
		setenv("SCXB_FAULT_PID", me, 1);
		unsetenv("SCXB_FAULT");
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execl("/bin/sh", "sh", "-c", action + 3, (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		return;
	setpgid(pid, pid);
	/* our handlers have no SA_RESTART: a signal for us ends the wait */
	if (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
		kill(-pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
}
