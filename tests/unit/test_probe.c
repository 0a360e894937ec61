// SPDX-License-Identifier: GPL-2.0
/*
 * The latency probe's missed-period counting (workloads/latency.c) on
 * made-up sequences: periods in a window, one late wake, the warm-up
 * boundary, and a long simulated run whose sampled + missed periods must
 * be every period due in the window, whatever the lateness.
 */
#include <stdint.h>

#include "tests/unit/unit.h"
#include "workloads/wl_internal.h"

UNIT_TEST(probe_periods_in)
{
	/* periods 0, 10, 20, ... */
	CHECK(probe__periods_in(0, 10, 0, 25) == 3, "0,10,20 in [0,25)");
	CHECK(probe__periods_in(0, 10, 0, 20) == 2, "20 is not in [0,20)");
	CHECK(probe__periods_in(0, 10, 0, 21) == 3, "20 is in [0,21)");
	CHECK(probe__periods_in(0, 10, 5, 25) == 2, "10,20 in [5,25)");
	CHECK(probe__periods_in(0, 10, 10, 11) == 1, "10 in [10,11)");
	CHECK(probe__periods_in(0, 10, 11, 20) == 0, "none in [11,20)");
	CHECK(probe__periods_in(100, 10, 0, 100) == 0, "none before the first");
	CHECK(probe__periods_in(100, 10, 0, 101) == 1, "the first itself");
	CHECK(probe__periods_in(100, 10, 50, 40) == 0, "empty window");
}

UNIT_TEST(probe_next_due)
{
	uint64_t missed = 0;

	/* on time (or late by less than one interval): the next period, nothing missed */
	CHECK(probe__next_due(1000, 1000, 1000, 0, &missed) == 2000 && missed == 0, "on time");
	CHECK(probe__next_due(1000, 1999, 1000, 0, &missed) == 2000 && missed == 0, "late < 1 interval");
	/* L = 3.5 intervals late: periods 2000, 3000, 4000 skipped */
	CHECK(probe__next_due(1000, 4500, 1000, 0, &missed) == 5000 && missed == 3,
	      "3.5 intervals late: missed %llu", (unsigned long long)missed);
	/* a period due exactly when the thread runs is skipped too */
	missed = 0;
	CHECK(probe__next_due(0, 2000, 1000, 0, &missed) == 3000 && missed == 2,
	      "exactly 2 late: missed %llu", (unsigned long long)missed);
	/* only periods due at or after the warm-up's end count */
	missed = 0;
	CHECK(probe__next_due(3000, 7500, 1000, 5000, &missed) == 8000 && missed == 3,
	      "across the warm-up: missed %llu", (unsigned long long)missed);
	missed = 0;
	CHECK(probe__next_due(0, 4999, 1000, 5000, &missed) == 5000 && missed == 0,
	      "all inside the warm-up");
}

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/*
 * A thread's whole run, as the timer thread runs it: wake at due + L,
 * sample if due after the warm-up, move on; at the end the periods it
 * still waited for are missed (probe__report counts them the same way).
 * Whatever the lateness, sampled + missed is every period in the window,
 * and a thread never late misses none.
 */
UNIT_TEST(probe_missed_sequence)
{
	const uint64_t interval = 1000, from = 50000, end = 5000000;

	for (int mode = 0; mode < 3; mode++) {
		uint64_t due = 0, sampled = 0, missed = 0, late_all = 0, late_after = 0, want, ran_past;

		for (;;) {
			uint64_t r = xorshift(), late;

			/* 0: never a whole interval late; 1: now and then up to
			 * 40 intervals; 2: mostly several intervals */
			late = mode == 0 ? r % interval :
			       mode == 1 ? (r % 16 ? r % 300 : r % (40 * interval)) :
			       r % (7 * interval);
			if (due + late >= end)
				break; /* the thread sees `stop` */
			if (due >= from) {
				sampled++;
				late_after += late / interval;
			}
			late_all += late / interval;
			due = probe__next_due(due, due + late, interval, from, &missed);
		}
		ran_past = missed;
		missed += probe__periods_in(due, interval, from, end);
		want = probe__periods_in(0, interval, from, end);
		CHECK(sampled + missed == want, "mode %d: sampled %llu + missed %llu != due %llu", mode,
		      (unsigned long long)sampled, (unsigned long long)missed,
		      (unsigned long long)want);
		CHECK(mode || missed == 0, "never late, yet %llu missed", (unsigned long long)missed);
		CHECK(!mode || missed > 0, "mode %d: late, yet nothing missed", mode);
		/* a wake L late past k whole intervals ran past k periods: all
		 * of them count after the warm-up, some of them across it */
		CHECK(ran_past >= late_after && ran_past <= late_all,
		      "mode %d: ran past %llu, whole intervals late %llu (%llu after the warm-up)",
		      mode, (unsigned long long)ran_past, (unsigned long long)late_all,
		      (unsigned long long)late_after);
	}
}
