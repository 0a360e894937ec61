/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A capture as an rt-app JSON workload (an approximation, for LISA and
 * rt-app users). rt-app replays a loop of phases per task, not a trace,
 * so each thread's steps are folded into its typical cycle: the sequence
 * of bursts (run, resume the threads it woke) between sleeps is cut into
 * segments, the shortest period k (1..8) with which the segments' shapes
 * repeat in at least 70 % of places is the cycle (else the most common
 * shape alone), and each run and sleep of the cycle gets the median of
 * its kind at its place. Blocks become suspend on the thread's own name,
 * wakeups resume of the woken thread's name, periodic sleeps an absolute
 * timer with the thread's period, other sleeps a sleep of the median.
 * rt-app's resume before its suspend is lost (it is a condition variable),
 * where the replay's token is not: a cycle may stall in rt-app that does
 * not in the capture.
 */
#ifndef SCXB_RTAPP_H
#define SCXB_RTAPP_H

#include <stdio.h>

#include "harness/lib/capture.h"

/* -errno of the stream or of memory. */
int rtapp__write(const struct capture *c, FILE *f);

#endif
