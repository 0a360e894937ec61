/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Any command as a child we own: the `cmd` workload runs one under the
 * scheduler, `scxbench capture -- COMMAND` traces one. The command runs in
 * its own process group, dies with us (PR_SET_PDEATHSIG), has /dev/null as
 * stdin and unlinked temporary files in $TMPDIR as stdout and stderr (no
 * pipe for us to drain next to the load; their tails are read after), and
 * is held before execvp() until cmd_proc__release(), so that the caller
 * can put its pid in a trace filter first. It also gets a cgroup v2 of
 * its own (scxbench-cmd-PID below ours) where one can be made: what it
 * starts stays in there even when it leaves the process group (setsid, a
 * daemon). Whatever it leaves in its process group and its cgroup is
 * killed (cgroup.kill) and reaped by cmd_proc__kill(), and the cgroup
 * removed; orphans come back to a child subreaper (the runner is one).
 * Without a writable cgroup v2 hierarchy the process group alone holds it.
 */
#ifndef SCXB_CMD_PROC_H
#define SCXB_CMD_PROC_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

struct cmd_proc;

/*
 * Can argv be run: argv[0] an executable path, or a name found in PATH as
 * execvp() looks. 0, or -EINVAL (empty) / -ENOENT with one line in err.
 */
int cmd_proc__check(char *const *argv, char *err, size_t len);
/*
 * Fork argv (argv[0] looked up in PATH), held before exec. 0, or -errno
 * with one line in err (a name that is not found is said here, before
 * anything runs: the lookup is done in this process).
 */
int cmd_proc__start(char *const *argv, struct cmd_proc **out, char *err, size_t len);
pid_t cmd_proc__pid(const struct cmd_proc *c);
/* Let it exec. 0 once exec succeeded, -errno (err says) when it failed. */
int cmd_proc__release(struct cmd_proc *c, char *err, size_t len);
/* Until it exits (0), deadline_ns passes (-ETIMEDOUT) or *stop (-EINTR). */
int cmd_proc__wait(struct cmd_proc *c, uint64_t deadline_ns, volatile sig_atomic_t *stop);
/* SIGKILL its process group, reap it and the rest of the group. Safe twice. */
void cmd_proc__kill(struct cmd_proc *c);
/* After exit: wait status, resource usage (its own and its waited-for
 * children's), ns from release to exit, and whether we killed it. */
int cmd_proc__status(const struct cmd_proc *c);
const struct rusage *cmd_proc__rusage(const struct cmd_proc *c);
uint64_t cmd_proc__elapsed_ns(const struct cmd_proc *c);
bool cmd_proc__killed(const struct cmd_proc *c);
/* The last max bytes of its stdout (fd 1) or stderr (fd 2), NUL-ended;
 * the caller frees. NULL on ENOMEM. */
char *cmd_proc__output(const struct cmd_proc *c, int fd, size_t max);
/* Kills and reaps it if it still runs, closes its files. NULL-safe. */
void cmd_proc__free(struct cmd_proc *c);

/* "exit status 3", "killed by signal 9 (Killed)" */
void cmd_proc__describe(int status, char *buf, size_t len);

#endif
