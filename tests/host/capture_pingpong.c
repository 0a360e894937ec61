// SPDX-License-Identifier: GPL-2.0
/*
 * A program whose scheduling behaviour is known, for the capture tests:
 * two threads ping-pong over a pipe every PERIOD us with WORK us of CPU
 * work each. Thread "pp-a" wakes on an absolute 1 ms timer, works, writes
 * a byte to "pp-b" and reads its answer; "pp-b" reads, works, answers.
 * The work is CPU time (spun on CLOCK_THREAD_CPUTIME_ID), so a burst is
 * WORK us of running whatever else the machine does.
 *   capture_pingpong ROUNDS [PERIOD_US [WORK_US]]   (1000, 200)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static int ab[2], ba[2], rounds;
static long period_us = 1000, work_us = 200;

static long long cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void work(void)
{
	long long end = cpu_ns() + work_us * 1000;

	while (cpu_ns() < end)
		;
}

static void *thread_b(void *arg)
{
	char c;

	prctl(PR_SET_NAME, "pp-b");
	for (int i = 0; i < rounds; i++) {
		if (read(ab[0], &c, 1) != 1)
			return NULL;
		work();
		if (write(ba[1], &c, 1) != 1)
			return NULL;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec next;
	pthread_t b;
	char c = 'x';

	if (argc < 2 || (rounds = atoi(argv[1])) <= 0) {
		fprintf(stderr, "usage: capture_pingpong ROUNDS [PERIOD_US [WORK_US]]\n");
		return 2;
	}
	if (argc > 2)
		period_us = atol(argv[2]);
	if (argc > 3)
		work_us = atol(argv[3]);
	if (pipe(ab) || pipe(ba) || pthread_create(&b, NULL, thread_b, NULL))
		return 1;
	prctl(PR_SET_NAME, "pp-a");
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (int i = 0; i < rounds; i++) {
		next.tv_nsec += period_us * 1000;
		while (next.tv_nsec >= 1000000000L) {
			next.tv_nsec -= 1000000000L;
			next.tv_sec++;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		work();
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	}
	pthread_join(b, NULL);
	return 0;
}
