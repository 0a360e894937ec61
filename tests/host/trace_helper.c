// SPDX-License-Identifier: GPL-2.0
/*
 * Controlled workloads whose scheduling events are known in advance, for
 * the trace tests.
 *
 * pingpong N CPU: processes scxb-pp-a and scxb-pp-b, both pinned to CPU,
 *   pass a byte through two pipes N times. Before each write the writer
 *   yields until the peer is asleep (state S in /proc), so every write
 *   wakes the peer exactly once and every read blocks exactly once: each
 *   has exactly N wakeups and N + 1 voluntary switch-outs (N blocking
 *   reads + its exit). Yields and wakeup preemption only add involuntary
 *   switches.
 * hog SECONDS K CPU: K threads scxb-hog-<i> pinned to CPU spin for SECONDS;
 *   prints the measured wall time and each thread's on-CPU time as the
 *   kernel accounts it (/proc/thread-self/schedstat).
 * Prints "pid NAME PID" / "tid NAME TID" for the measured tasks.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sched.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int p1[2], p2[2];
static double hog_secs;
/* shared between the two ping-pong processes (separate processes: threads
 * would share an mm and sleep on its lock now and then) */
static volatile pid_t *pids;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char state_of(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

/* yield (an involuntary switch, never a wakeup) until the peer sleeps */
static void wait_asleep(int peer)
{
	while (!pids[peer] || state_of(pids[peer]) != 'S')
		sched_yield();
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static void run_a(long n)
{
	char c = 'x';

	prctl(PR_SET_NAME, "scxb-pp-a");
	pids[0] = getpid();
	for (long i = 0; i < n; i++) {
		wait_asleep(1);
		if (write(p1[1], &c, 1) != 1 || read(p2[0], &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static void run_b(long n)
{
	char c;

	prctl(PR_SET_NAME, "scxb-pp-b");
	pids[1] = getpid();
	for (long i = 0; i < n; i++) {
		if (read(p1[0], &c, 1) != 1)
			_exit(1);
		wait_asleep(0);
		if (write(p2[1], &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static void *thr_hog(void *arg)
{
	char name[16];
	double end;
	volatile unsigned long x = 0;

	snprintf(name, sizeof(name), "scxb-hog-%ld", (long)arg);
	pthread_setname_np(pthread_self(), name);
	printf("tid %s %ld\n", name, (long)syscall(SYS_gettid));
	fflush(stdout);
	end = now() + hog_secs;
	while (now() < end)
		for (int i = 0; i < 1000; i++)
			x++;
	{
		/* the kernel's own on-CPU figure for this thread, to compare with the trace */
		unsigned long long ns = 0;
		FILE *f = fopen("/proc/thread-self/schedstat", "r");

		if (f && fscanf(f, "%llu", &ns) == 1)
			printf("oncpu %s %llu\n", name, ns);
		if (f)
			fclose(f);
		fflush(stdout);
	}
	return NULL;
}

static int start(pthread_t *t, void *(*fn)(void *), void *arg, int cpu, int policy)
{
	struct sched_param sp = { 0 };
	pthread_attr_t at;
	cpu_set_t set;
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&at);
	pthread_attr_setaffinity_np(&at, sizeof(set), &set);
	pthread_attr_setinheritsched(&at, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&at, policy);
	pthread_attr_setschedparam(&at, &sp);
	rc = pthread_create(t, &at, fn, arg);
	pthread_attr_destroy(&at);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "pingpong")) {
		long n = atol(argv[2]);
		int cpu = atoi(argv[3]), st_a = 1, st_b = 1;
		pid_t a, b;

		pids = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (pids == MAP_FAILED || pipe(p1) || pipe(p2) || n < 1)
			return 1;
		/* children inherit the pinning: no migration during the run */
		pin(cpu);
		b = fork();
		if (b == 0)
			run_b(n);
		a = fork();
		if (a == 0)
			run_a(n);
		if (a < 0 || b < 0)
			return 1;
		waitpid(a, &st_a, 0);
		waitpid(b, &st_b, 0);
		printf("pid scxb-pp-a %d\npid scxb-pp-b %d\n", a, b);
		return st_a || st_b;
	}
	if (argc == 5 && !strcmp(argv[1], "hog")) {
		long k = atol(argv[3]);
		int cpu = atoi(argv[4]);
		pthread_t t[64];
		double t0;

		hog_secs = atof(argv[2]);
		if (k < 1 || k > 64)
			return 2;
		t0 = now();
		for (long i = 0; i < k; i++)
			if (start(&t[i], thr_hog, (void *)i, cpu, SCHED_OTHER))
				return 1;
		for (long i = 0; i < k; i++)
			pthread_join(t[i], NULL);
		printf("elapsed %.6f\n", now() - t0);
		return 0;
	}
	fprintf(stderr, "usage: trace_helper pingpong N CPU | hog SECONDS K CPU\n");
	return 2;
}
