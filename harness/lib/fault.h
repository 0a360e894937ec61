/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A test hook, for the fault suite (tests/faults/) only: with
 * SCXB_FAULT=POINT:ACTION in the environment, the first time this process
 * reaches POINT it acts there; without it, fault__at() does nothing.
 *
 *   POINTs  sched-start      the scheduler started, not yet enabled
 *           collector-start  every collector started, before the workload
 *           workload         the workload's children run (its first wait)
 *           collector-stop   collectors stopped, the scheduler not yet
 *           store            inside the run's transaction, before commit
 *           import           the host, before it imports a guest's runs
 *   ACTIONs int, term, kill  raise SIGINT, SIGTERM, SIGKILL here
 *           sh:COMMAND       run /bin/sh -c COMMAND (SCXB_FAULT_PID is our
 *                            pid) and wait for it; a signal for us ends
 *                            the wait and the command
 *
 * The guest of a VM run sees the same environment, so the hook fires at
 * the same points inside it; its sh: output reaches the host's stderr.
 */
#ifndef SCXB_FAULT_H
#define SCXB_FAULT_H

#ifdef __bpf__
#error "userspace header included from BPF code"
#endif

void fault__at(const char *point);

#endif
